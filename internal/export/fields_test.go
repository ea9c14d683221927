package export

import (
	"bytes"
	"strings"
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/plan"
)

// TestRenderRefusesWhatItCannotWrite: a kind's value that Render could
// not write faithfully (a field without a yaml tag, a type it does not
// quote, nothing at all) is an error naming the kind, never a silently
// wrong manifest.
func TestRenderRefusesWhatItCannotWrite(t *testing.T) {
	type untagged struct{ Name string }
	type list struct {
		Names []string `yaml:"names"`
	}
	type empty struct {
		Name string `yaml:"name,omitempty"`
	}
	for _, tc := range []struct {
		name  string
		value any
		want  string
	}{
		{"untagged", untagged{Name: "x"}, "has no yaml tag"},
		{"list", list{Names: []string{"a"}}, "strings, booleans and integers only"},
		{"nothing", empty{}, "no field to write"},
		{"not a struct", "x", "is not a struct"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &Tenant{Name: "t", Sections: []Section{{Kind: plan.KindMember, Field: "members", Objects: []Object{{Value: tc.value}}}}}
			err := Render(&bytes.Buffer{}, in, "s")
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "member") {
				t.Errorf("Render = %v, want an error about member: %s", err, tc.want)
			}
		})
	}
}
