package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/sandbox"
)

// TestApplySavedPlanIsACommitment: a saved plan whose actions were edited
// is refused, naming the difference, and nothing it asks for is done. The
// saved plan never widens what planning again would do.
func TestApplySavedPlanIsACommitment(t *testing.T) {
	env, srv := httpSandbox(t, sandbox.Options{})
	seedWithForeignConnection(t, srv)
	mustCode(t, 0, env, "apply", "--auto-approve", "--tenant", "acme", "examples/tenants")
	var protectedID int64
	for _, c := range srv.Snapshot().Customers {
		for _, conn := range c.Connections {
			if conn.Name == "ACME Parent Salesforce" {
				protectedID = conn.ID
			}
		}
	}
	if protectedID == 0 {
		t.Fatal("no protected connection after the first apply")
	}

	// A change to review: start a recipe. The plan also reports the
	// customer's own connection (#900) as unmanaged.
	tmp := t.TempDir()
	repo := filepath.Join(tmp, "repo")
	copyDir(t, "examples/tenants", repo)
	acme := filepath.Join(repo, "customers", "acme.yaml")
	data, _ := os.ReadFile(acme)
	os.WriteFile(acme, bytes.Replace(data, []byte("running: false"), []byte("running: true"), 1), 0o644)
	planFile := filepath.Join(tmp, "plan.json")
	mustCode(t, 0, env, "plan", "--tenant", "acme", "--out", planFile, repo)

	unmanaged := func(a map[string]any) bool { return a["op"] == "unmanaged" && a["live_id"] == float64(900) }
	tampers := []struct {
		name string
		edit func(actions []any) []any
		want string
	}{
		{"op changed to delete", func(as []any) []any {
			for _, a := range as {
				if m := a.(map[string]any); unmanaged(m) {
					m["op"] = "delete"
				}
			}
			return as
		}, `op was "delete", now "unmanaged"`},
		{"live id redirected to a protected connection", func(as []any) []any {
			for _, a := range as {
				if m := a.(map[string]any); unmanaged(m) {
					m["op"], m["live_id"] = "delete", float64(protectedID)
				}
			}
			return as
		}, `live_id was ` + itoa(protectedID) + `, now 900`},
		{"action added", func(as []any) []any {
			return append(as, map[string]any{"id": "delete connection Shared/Notifications/Customer's own", "op": "delete",
				"kind": "connection", "key": "Shared/Notifications/Customer's own", "live_id": 900, "reason": "forged"})
		}, `the saved plan has delete connection "Shared/Notifications/Customer's own" (#900), planning again does not`},
	}
	for _, tc := range tampers {
		t.Run(tc.name, func(t *testing.T) {
			var saved map[string]any
			raw, _ := os.ReadFile(planFile)
			if err := json.Unmarshal(raw, &saved); err != nil {
				t.Fatal(err)
			}
			tenant := saved["plan"].(map[string]any)["tenants"].([]any)[0].(map[string]any)
			tenant["actions"] = tc.edit(tenant["actions"].([]any))
			forged := filepath.Join(t.TempDir(), "forged.json")
			out, _ := json.Marshal(saved)
			os.WriteFile(forged, out, 0o644)

			_, errOut := mustCode(t, 1, env, "apply", "--plan", forged, "--auto-approve", repo)
			if !strings.Contains(errOut, "nothing was applied") || !strings.Contains(errOut, tc.want) {
				t.Errorf("refusal should name %q:\n%s", tc.want, errOut)
			}
			snap := srv.Snapshot()
			for _, name := range []string{"Customer's own", "ACME Parent Salesforce"} {
				if findConnection(snap, "A2300", name) == nil {
					t.Errorf("connection %q was deleted", name)
				}
			}
		})
	}

	// The plan as it was made applies.
	mustCode(t, 0, env, "apply", "--plan", planFile, "--auto-approve", repo)
	mustCode(t, 0, env, "plan", "--detailed-exitcode", "--tenant", "acme", repo)
}
