package spec

import "testing"

func TestIsInputPlaceholder(t *testing.T) {
	for v, want := range map[any]bool{
		PlaceholderRequired: true, PlaceholderOptional: true, PlaceholderSecret: true, PlaceholderOptionalSecret: true,
		" <secret> ": true, "<password>": false, "secret": false, true: false, "": false,
	} {
		if got := IsInputPlaceholder(v); got != want {
			t.Errorf("IsInputPlaceholder(%q) = %v, want %v", v, got, want)
		}
	}
}
