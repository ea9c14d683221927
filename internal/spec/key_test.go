package spec

import (
	"testing"
)

// TestKeysAreStructural: a connection "B/C" in folder "A" and a
// connection "C" in folder "A/B" have different keys and print
// differently, and every key reads back from its text as itself.
func TestKeysAreStructural(t *testing.T) {
	tests := []struct {
		a, b       Key
		aText      string
		bText      string
		identicalT bool
	}{
		{a: Connection{Folder: "A", Name: "B/C"}.Key(), b: Connection{Folder: "A/B", Name: "C"}.Key(), aText: `A/"B/C"`, bText: "A/B/C"},
		{a: Connection{Name: "Integrations/Salesforce"}.Key(), b: Connection{Folder: "Integrations", Name: "Salesforce"}.Key(),
			aText: `"Integrations/Salesforce"`, bText: "Integrations/Salesforce"},
		{a: Recipe{Folder: "A", Name: `"x"`}.Key(), b: Recipe{Folder: "A", Name: "x"}.Key(), aText: `A/"\"x\""`, bText: "A/x"},
	}
	for _, tt := range tests {
		if tt.a == tt.b {
			t.Errorf("%v and %v are the same key", tt.a, tt.b)
		}
		for _, c := range []struct {
			k    Key
			want string
		}{{tt.a, tt.aText}, {tt.b, tt.bText}} {
			if got := c.k.String(); got != c.want {
				t.Errorf("String() = %s, want %s", got, c.want)
			}
			var back Key
			if err := back.UnmarshalText([]byte(c.k.String())); err != nil {
				t.Errorf("UnmarshalText(%s): %v", c.k, err)
			} else if back.Path() != c.k.Path() {
				t.Errorf("UnmarshalText(%s) = %v, want the same path", c.k, back)
			}
		}
	}
	f := Folder{Path: "A/B/C"}.Key()
	if f.Folder != ParsePath("A/B") || f.Name != "C" || f.String() != "A/B/C" {
		t.Errorf("folder key = %#v", f)
	}
	if !ParsePath("A/B/C").Within(ParsePath("A/B")) || ParsePath("A/BC").Within(ParsePath("A/B")) || !ParsePath("A").Within(Home) {
		t.Error("Within is wrong")
	}
}

func TestCheckPath(t *testing.T) {
	for path, bad := range map[string]bool{"A": false, "A/B c": false, "A//B": true, "/A": true, "A/": true, ".": true, "A/./B": true, "A/..": true, "..B": false} {
		if got := CheckPath(path) != ""; got != bad {
			t.Errorf("CheckPath(%q) rejects = %v, want %v", path, got, bad)
		}
	}
}

// FuzzKeyText: a key's text (read from saved plans) never panics, and a
// key that reads back prints as it was read.
func FuzzKeyText(f *testing.F) {
	for _, s := range []string{"", "A/B/C", `A/"B/C"`, `"x`, `"a"b`, "a//b", `"\u00e9"/x`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var k Key
		if err := k.UnmarshalText([]byte(s)); err != nil {
			return
		}
		var again Key
		if err := again.UnmarshalText([]byte(k.String())); err != nil || again != k {
			t.Fatalf("%q read as %#v, which prints %q and reads back as %#v (%v)", s, k, k.String(), again, err)
		}
	})
}
