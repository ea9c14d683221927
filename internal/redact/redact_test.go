package redact

import (
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	const R = "[REDACTED]"
	tests := []struct {
		name    string
		secrets []string
		in      string
		want    string
	}{
		// A one-letter token: only where it is a value.
		{"one-letter token leaves words alone", []string{"t"}, "Unauthorized: the token is not valid", "Unauthorized: the token is not valid"},
		{"one-letter token as a header echo", []string{"t"}, "Authorization: Bearer t", "Authorization: Bearer " + R},
		{"one-letter token quoted", []string{"t"}, `token "t" and 't' and (t), t.`, `token "` + R + `" and '` + R + `' and (` + R + `), ` + R + `.`},
		{"one-letter token in a query", []string{"t"}, "GET /x?token=t&page=2", "GET /x?token=" + R + "&page=2"},
		{"one-letter token as a path segment", []string{"t"}, "/api/t/x", "/api/" + R + "/x"},
		{"contractions are words", []string{"t", "s"}, "can't be blank; it's taken", "can't be blank; it's taken"},
		{"a possessive still shows the value", []string{"bob"}, "bob's workspace", R + "'s workspace"},
		{"the whole text", []string{"t"}, "t", R},
		// Common words that are secrets are removed where they stand alone.
		{"common word as a value", []string{"admin"}, "user admin rejected: administrator required", "user " + R + " rejected: administrator required"},
		{"common word as a field value", []string{"admin"}, `{"password":"admin"}`, `{"password":"` + R + `"}`},
		{"long secret that is a word goes everywhere", []string{"password"}, "password_confirmation: passwords differ", R + "_confirmation: " + R + "s differ"},
		// Long secrets: wherever they occur.
		{"long secret glued to text", []string{"wrkprod-0123456789"}, "xwrkprod-0123456789y", "x" + R + "y"},
		{"long secret repeated and overlapping", []string{"abababab"}, "ababababab", R},
		// Punctuation and other boundaries.
		{"adjacent punctuation", []string{"pw1"}, "[pw1],{pw1};<pw1>!pw1?", "[" + R + "],{" + R + "};<" + R + ">!" + R + "?"},
		{"underscore and hyphen are boundaries", []string{"key"}, "api_key key-id keyring", "api_" + R + " " + R + "-id keyring"},
		{"digits are word characters", []string{"42"}, "id 42, 142, 420, v42", "id " + R + ", 142, 420, v42"},
		{"unicode letters are word characters", []string{"né"}, "né, née, rené", R + ", née, rené"},
		{"secret starting and ending with punctuation", []string{"-x-"}, "a-x-b", "a" + R + "b"},
		// Regular-expression metacharacters are plain text.
		{"regex metacharacters", []string{"a.*b"}, "a.*b axxb a.*bc", R + " axxb a.*bc"},
		{"regex metacharacters, long", []string{"(^[$]+|\\d)"}, "x(^[$]+|\\d)y", "x" + R + "y"},
		// JSON-escaped forms.
		{"JSON \\u0026 as Go escapes it", []string{"a&b"}, `{"m":"a\u0026b"}`, `{"m":"` + R + `"}`},
		{"JSON \\/ as some servers escape it", []string{"a/b"}, `"a\/b"`, `"` + R + `"`},
		{"JSON escaped quote", []string{`p"q`}, `"p\"q"`, `"` + R + `"`},
		{"after a JSON newline escape", []string{"t"}, `"line\nt"`, `"line\n` + R + `"`},
		{"after a JSON \\u escape", []string{"t"}, `"\u0020t"`, `"\u0020` + R + `"`},
		// URL-encoded forms.
		{"URL query-escaped", []string{"a b&c"}, "?k=a+b%26c&x=1", "?k=" + R + "&x=1"},
		{"URL path-escaped", []string{"a b&c"}, "/a%20b&c/", "/" + R + "/"},
		{"URL escape with lower-case hex", []string{"a/b"}, "?k=a%2fb", "?k=" + R},
		{"after a URL escape", []string{"t"}, "next=%2Fx%3Ft%3D1", "next=%2Fx%3F" + R + "%3D1"},
		// HTML.
		{"HTML-escaped", []string{"a<b"}, "<p>a&lt;b</p>", "<p>" + R + "</p>"},
		// Several secrets.
		{"secrets that touch are replaced once", []string{"ab", "-cd"}, "x ab-cd y", "x " + R + " y"},
		{"two short secrets glued together are a word", []string{"ab", "cd"}, "x abcd ab-cd y", "x abcd " + R + "-" + R + " y"},
		{"short secret glued to a long one", []string{"u1", "0123456789"}, "u10123456789", R},
		{"longest first", []string{"abc", "abcdefghij"}, "abcdefghij abc", R + " " + R},
		{"the replacement is not scrubbed again", []string{"REDACTED", "R"}, "REDACTED", R},
		{"empty secret ignored", []string{""}, "text", "text"},
		{"broken UTF-8 is a boundary", []string{"t"}, "\xfft\xff", "\xff" + R + "\xff"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := New(R, tc.secrets...).String(tc.in); got != tc.want {
				t.Errorf("String(%q) with %q\n got %q\nwant %q", tc.in, tc.secrets, got, tc.want)
			}
		})
	}
}

func TestZeroScrubberRemovesNothing(t *testing.T) {
	var s Scrubber
	if got := s.String("text"); got != "text" {
		t.Errorf("zero Scrubber changed %q to %q", "text", got)
	}
	if !s.Empty() || New("x", "").With("").Empty() != true {
		t.Error("Empty() = false for a scrubber without secrets")
	}
}

// TestJSONDecodesEscapes: escapes no encoder of ours writes ("\u0077")
// are undone before the scrub.
func TestJSONDecodesEscapes(t *testing.T) {
	s := New("[REDACTED]", "pw", "wrk<prod>&token/1234567890")
	in := `{"message":"bad \u0070w and wrk\u003cprod\u003e\u0026token\/1234567890","pw":"Unauthorized"}`
	got := string(s.JSON([]byte(in)))
	if strings.Contains(got, "pw") || strings.Contains(got, "1234567890") || !strings.Contains(got, "Unauthorized") {
		t.Errorf("JSON(%s) = %s", in, got)
	}
	if not := "not json {"; string(s.JSON([]byte(not))) != not {
		t.Errorf("JSON changed a text that is not JSON")
	}
}

func TestValues(t *testing.T) {
	got := Values(map[string]any{"a": "x", "b": true, "c": []any{int64(7), 1.5, nil}, "d": map[string]any{"e": "y"}})
	want := map[string]bool{"x": true, "7": true, "1.5": true, "y": true}
	for _, v := range got {
		if !want[v] {
			t.Errorf("Values returned %q", v)
		}
		delete(want, v)
	}
	if len(want) != 0 {
		t.Errorf("Values missed %v", want)
	}
}
