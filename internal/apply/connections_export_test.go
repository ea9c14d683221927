package apply

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/internal/export"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// TestConnNotes: the comments export writes after a connection say its
// state, and give its input block with the placeholder each field needs:
// a secret-looking or optional field says so, an unknown schema gets the
// reason and a field to rename, an empty one says why there is none.
func TestConnNotes(t *testing.T) {
	connected := export.Note{Text: "Connected in Workato: its credentials stay as they are until you add input."}
	shell := export.Note{Text: "Not connected in Workato. To connect it, delete state: shell and add input."}
	input := export.Note{Key: "input"}
	field := func(k, v string) export.Note { return export.Note{Key: k, Value: v, Depth: 1} }
	for _, tc := range []struct {
		name string
		conn spec.Connection
		s    inputSchema
		want []export.Note
	}{
		{"fields", spec.Connection{Provider: "http"},
			inputSchema{known: true, fields: []workato.InputField{{Name: "base_url"}, {Name: "api_key", Optional: true}, {Name: "password"}, {Name: "user", Optional: true}}},
			[]export.Note{connected, input, field("base_url", spec.PlaceholderRequired), field("api_key", spec.PlaceholderOptionalSecret),
				field("password", spec.PlaceholderSecret), field("user", spec.PlaceholderOptional)}},
		{"unknown", spec.Connection{Provider: "custom", State: spec.StateShell}, inputSchema{note: "no schema"},
			[]export.Note{shell, {Text: "no schema"}, input, field("field_name", spec.PlaceholderRequired)}},
		{"empty", spec.Connection{Provider: "gmail", State: spec.StateShell}, inputSchema{known: true},
			[]export.Note{shell, {Text: "The gmail connector's input schema has no fields (it may authorize in a browser)."}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, connNotes(tc.conn, tc.s)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
