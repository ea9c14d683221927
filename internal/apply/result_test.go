package apply

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestResultJSONDocumented: every field apply --json can print is
// described in docs/apply-json.md.
func TestResultJSONDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/apply-json.md")
	if err != nil {
		t.Fatal(err)
	}
	full := &Result{FormatVersion: "1.1", Tenants: []TenantResult{{
		Name: "t", Status: StatusPartial, Reason: "r", Ledger: "written",
		Ran: []Outcome{{Action: "a", LiveID: 1}}, Failed: []Outcome{{Action: "a", Error: "e"}}, Skipped: []Outcome{{Action: "a", Reason: "r"}},
		Connections: []Verified{{Key: "k", ID: 1, AuthorizationStatus: "failed", AuthorizationError: "e"}},
	}}}
	data, err := json.Marshal(full)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	json.Unmarshal(data, &v)
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				if !strings.Contains(string(doc), "`"+k+"`") {
					t.Errorf("docs/apply-json.md does not describe %q", k)
				}
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(v)
}
