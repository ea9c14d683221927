package plan

import (
	"bytes"
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestJSONFieldsDocumented walks every key RenderJSON emits for a plan
// that fills every field, and fails when docs/plan-json.md does not name
// it as `key`: the output and its documentation cannot drift apart.
func TestJSONFieldsDocumented(t *testing.T) {
	var buf bytes.Buffer
	if err := RenderJSON(&buf, fullPlan()); err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	collectKeys(v, keys)
	doc, err := os.ReadFile("../../docs/plan-json.md")
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for k := range keys {
		if !strings.Contains(string(doc), "`"+k+"`") {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("docs/plan-json.md does not document %s", strings.Join(missing, ", "))
	}
	// Every field of the data model must have been exercised, or the walk
	// above proves little.
	for _, k := range []string{"format_version", "summary", "customer_id", "error", "guards", "action_id",
		"live_id", "changes", "old", "new", "sensitive", "depends_on", "declared_at", "counts", "to_apply"} {
		if !keys[k] {
			t.Errorf("the test plan never makes RenderJSON emit %q", k)
		}
	}
}

func collectKeys(v any, keys map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			keys[k] = true
			collectKeys(child, keys)
		}
	case []any:
		for _, child := range v {
			collectKeys(child, keys)
		}
	}
}

func TestRenderJSONShape(t *testing.T) {
	tests := []struct {
		name string
		p    *Plan
	}{
		{"empty", &Plan{}},
		{"nil actions", noChangesPlan()},
		{"full", fullPlan()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := RenderJSON(&buf, tt.p); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if !strings.HasPrefix(out, "{\n  \"format_version\": \""+FormatVersion+"\",\n") {
				t.Errorf("format_version is not the first field:\n%s", out)
			}
			for _, null := range []string{`"actions": null`, `"tenants": null`} {
				if strings.Contains(out, null) {
					t.Errorf("output has %s", null)
				}
			}
			var got struct {
				Summary struct {
					Tenants int            `json:"tenants"`
					ToApply map[string]int `json:"to_apply"`
				} `json:"summary"`
				Tenants []struct {
					Actions []json.RawMessage `json:"actions"`
					Counts  map[string]int    `json:"counts"`
				} `json:"tenants"`
			}
			if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if got.Summary.Tenants != len(tt.p.Tenants) || len(got.Tenants) != len(tt.p.Tenants) {
				t.Errorf("summary.tenants = %d, %d tenants; want %d", got.Summary.Tenants, len(got.Tenants), len(tt.p.Tenants))
			}
			if len(got.Summary.ToApply) != len(Ops) {
				t.Errorf("summary.to_apply has %d ops, want all %d", len(got.Summary.ToApply), len(Ops))
			}
			for i, jt := range got.Tenants {
				want := map[string]int{}
				for _, op := range Ops {
					want[string(op)] = tt.p.Tenants[i].Counts()[op]
				}
				if diff := cmp.Diff(want, jt.Counts); diff != "" {
					t.Errorf("tenant %d counts (-want +got):\n%s", i, diff)
				}
			}
		})
	}
}

func TestRenderJSONSummaryCountsPlannedTenantsOnly(t *testing.T) {
	var buf bytes.Buffer
	if err := RenderJSON(&buf, fullPlan()); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Summary jsonSummary `json:"summary"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := jsonSummary{Tenants: 5, Planned: 3, Blocked: 1, Failed: 1, NoChanges: 1, ToApply: jsonCounts{
		Create: 5, Update: 2, Reconnect: 1, Disconnect: 1, Delete: 1, Import: 1, Start: 1, Stop: 1, Adopt: 1, Unmanaged: 1,
	}}
	if diff := cmp.Diff(want, got.Summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
}

// TestJSONDocExample keeps the example in docs/plan-json.md true: it is
// the output for this plan, byte for byte.
func TestJSONDocExample(t *testing.T) {
	p := &Plan{FormatVersion: FormatVersion, Tenants: []TenantPlan{
		{Name: "acme", ExternalID: "A2300", CustomerID: 1001, Status: StatusPlanned, Actions: []Action{
			{ID: "create folder Integrations/Sales", Op: OpCreate, Kind: KindFolder, Key: k("Integrations/Sales"),
				Reason: "not in the workspace", Declared: "tenants/acme.yaml:21"},
			{ID: "reconnect connection Integrations/Sales/Salesforce", Op: OpReconnect, Kind: KindConnection,
				Key: k("Integrations/Sales/Salesforce"), LiveID: 4411, Reason: "input changed since the last apply",
				Changes: []Change{{Field: "input", Sensitive: true}}, DependsOn: []string{"create folder Integrations/Sales"}},
			{ID: "update member ops@acme.example", Op: OpUpdate, Kind: KindMember, Key: k("ops@acme.example"), LiveID: 77,
				Reason: "role differs from the manifest", Changes: []Change{{Field: "role", Old: "Operator", New: "Admin"}}},
		}},
		{Name: "globex", ExternalID: "G-7", CustomerID: 2002, Status: StatusBlocked,
			Guards: []Guard{{Rule: RuleProtected, Message: `folder "Finance" is protected`, ActionID: "delete folder Finance"}},
			Actions: []Action{{ID: "delete folder Finance", Op: OpDelete, Kind: KindFolder, Key: k("Finance"), LiveID: 51,
				Reason: "left the manifest (prune.folders)"}}},
		{Name: "initech", ExternalID: "I-1", Status: StatusFailed, Error: "reading live state: 503 Service Unavailable"},
	}}
	var buf bytes.Buffer
	if err := RenderJSON(&buf, p); err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../../docs/plan-json.md")
	if err != nil {
		t.Fatal(err)
	}
	_, example, ok := strings.Cut(string(doc), "## Example\n\n```json\n")
	example, _, ok2 := strings.Cut(example, "```\n")
	if !ok || !ok2 {
		t.Fatal("docs/plan-json.md has no ```json block under ## Example")
	}
	if diff := cmp.Diff(example, buf.String()); diff != "" {
		t.Errorf("the example in docs/plan-json.md is out of date (-doc +renderer):\n%s", diff)
	}
}
