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

// TestFailedBeyondTimeLimit: only what the time limit skipped is work left
// (apply exits 4); a failed action, a failed tenant or an unwritten ledger
// is a failure (exit 1), whether or not the limit was also reached.
func TestFailedBeyondTimeLimit(t *testing.T) {
	skipped := []Outcome{{Action: "start recipe R", Reason: reasonTimeLimit}}
	cases := []struct {
		name   string
		tenant TenantResult
		want   bool
	}{
		{"skipped at the limit", TenantResult{Status: StatusPartial, Skipped: skipped, Ledger: "written"}, false},
		{"not started at the limit", TenantResult{Status: StatusNotApplied, Reason: reasonTimeLimit}, false},
		{"an action failed", TenantResult{Status: StatusPartial, Failed: []Outcome{{Action: "a", Error: "e"}}, Skipped: skipped, Ledger: "written"}, true},
		{"the tenant failed", TenantResult{Status: StatusFailed, Ledger: "unchanged"}, true},
		{"the ledger failed", TenantResult{Status: StatusPartial, Skipped: skipped, Ledger: "failed: 500"}, true},
	}
	for _, tc := range cases {
		res := &Result{TimeLimitReached: true, Tenants: []TenantResult{{Name: "ok", Status: StatusApplied, Ledger: "written"}, tc.tenant}}
		if got := res.FailedBeyondTimeLimit(); got != tc.want {
			t.Errorf("%s: FailedBeyondTimeLimit() = %v, want %v", tc.name, got, tc.want)
		}
	}
}
