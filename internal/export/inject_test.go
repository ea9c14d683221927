package export

import (
	"bytes"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// topKeys parses a rendered manifest and returns its top-level keys.
func topKeys(t *testing.T, data []byte) []string {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("the rendered manifest does not parse: %v\n%s", err, data)
	}
	var keys []string
	for k := range doc {
		keys = append(keys, k)
	}
	return keys
}

// TestRenderEscapesComments: every live value export writes into a
// comment stays in that comment. A customer's external id holding line
// breaks used to end the header comment and inject YAML of its own.
func TestRenderEscapesComments(t *testing.T) {
	const inject = "A1\nprune:\n  connections: true\n#"
	for _, brk := range []string{"\n", "\r", "\u0085", "\u2028", "\u2029"} {
		evil := strings.ReplaceAll(inject, "\n", brk)
		in := tenantOf("evil", spec.Customer{ExternalID: evil, Name: evil, NotificationEmail: "a@b.example"}, nil, nil,
			[]Object{
				connObject(spec.Connection{Name: evil, Provider: evil, State: spec.StateShell}, []Note{shell, {Text: evil}}, inputNotes("field_name", spec.PlaceholderRequired)),
				connObject(spec.Connection{Name: "b", Provider: "http", State: spec.StateShell}, []Note{shell}, inputNotes(evil, evil)),
				connObject(spec.Connection{Name: "c", Provider: evil, State: spec.StateShell},
					[]Note{shell, {Text: "The " + evil + " connector's input schema has no fields (it may authorize in a browser)."}}),
			}, nil, evil)
		var buf bytes.Buffer
		if err := Render(&buf, in, "https://schemas.example/"+evil); err != nil {
			t.Fatal(err)
		}
		for _, k := range topKeys(t, buf.Bytes()) {
			if k == "prune" {
				t.Errorf("line break %q: a live value injected prune into the manifest:\n%s", brk, buf.Bytes())
			}
		}
	}
}
