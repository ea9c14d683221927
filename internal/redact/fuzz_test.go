package redact

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzString checks the scrubber's two promises for any secret and text:
// the output never holds the secret as a standalone value (nor, for a long
// secret, anywhere at all), and a text that holds the secret in none of
// its written forms comes back unchanged. A JSON document holding the
// text as a key and a value is checked the same way after decoding.
func FuzzString(f *testing.F) {
	for _, seed := range [][2]string{
		{"t", "Unauthorized: token t"}, {"admin", `{"user":"admin","role":"administrator"}`},
		{"a&b", `"a\u0026b"`}, {"a/b", `"a\/b" a%2Fb a%2fb`}, {"a b", "?q=a+b&r=a%20b"},
		{"wrkprod-0123456789", "xwrkprod-0123456789y"}, {"t", "can't it's 't'"}, {"ab", "ab\nab\\nab"},
		{"-x-", "a-x-b"}, {"s3cr3t.*", "s3cr3t.* s3cr3tXX"}, {"t", "\xfft"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, secret, text string) {
		if secret == "" || strings.Contains(secret, "\x00") {
			return
		}
		s := New("\x00", secret)
		out := s.String(text)
		if i := standalone(out, secret); i >= 0 {
			t.Fatalf("String(%q) with secret %q = %q: the secret stands alone at %d", text, secret, out, i)
		}
		if utf8.RuneCountInString(secret) >= SubstringLen && strings.Contains(out, secret) {
			t.Fatalf("String(%q) with long secret %q = %q: still holds it", text, secret, out)
		}
		holds := false
		for _, form := range forms(secret) {
			holds = holds || strings.Contains(text, form)
		}
		if !holds && out != text {
			t.Fatalf("String(%q) without the secret %q changed it to %q", text, secret, out)
		}

		if !utf8.ValidString(secret) || !utf8.ValidString(text) {
			return // JSON would hold U+FFFD instead, whose bytes the secret may share
		}
		doc, _ := json.Marshal(map[string]string{text: text})
		var back map[string]string
		if err := json.Unmarshal(s.JSON(doc), &back); err != nil {
			t.Fatalf("JSON(%s) is no longer JSON: %v", doc, err)
		}
		for k, v := range back {
			if standalone(k, secret) >= 0 || standalone(v, secret) >= 0 {
				t.Fatalf("JSON(%s) with secret %q = %q: %q", doc, secret, k, v)
			}
		}
	})
}

// standalone is the index of an occurrence of secret in text that no
// word character continues on either side (a letter after letter-
// apostrophe belongs to its word: "can't"), or -1. It is written apart
// from the scrubber, which also counts escapes as boundaries.
func standalone(text, secret string) int {
	first, _ := utf8.DecodeRuneInString(secret)
	last, _ := utf8.DecodeLastRuneInString(secret)
	word := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r) }
	for i := 0; i+len(secret) <= len(text); i++ {
		if !strings.HasPrefix(text[i:], secret) {
			continue
		}
		left := true
		if i > 0 && word(first) {
			prev, w := utf8.DecodeLastRuneInString(text[:i])
			before, _ := utf8.DecodeLastRuneInString(text[:i-w])
			contraction := (prev == '\'' || prev == '’') && unicode.IsLetter(before) && unicode.IsLetter(first)
			left = !word(prev) && !contraction
		}
		right := true
		if j := i + len(secret); j < len(text) && word(last) {
			next, _ := utf8.DecodeRuneInString(text[j:])
			right = !word(next)
		}
		if left && right {
			return i
		}
	}
	return -1
}
