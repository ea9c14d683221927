package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/sandbox"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// TestApplySavedPlanIsACommitment: a saved plan whose actions were edited
// is refused, naming the difference, and nothing it asks for is done. The
// saved plan never widens what planning again would do.
func TestApplySavedPlanIsACommitment(t *testing.T) {
	t.Parallel()
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

// TestForgedLedgerEntryDoesNotGrantOwnership: an account property
// claiming that the tool owns a connection made by hand does not make
// prune delete it.
func TestForgedLedgerEntryDoesNotGrantOwnership(t *testing.T) {
	t.Parallel()
	env, srv := httpSandbox(t, sandbox.Options{})
	seedWithForeignConnection(t, srv) // #900, made by hand, in a folder acme declares
	mustCode(t, 0, env, "apply", "--auto-approve", "--tenant", "acme", "examples/tenants")
	c, err := workato.New(workato.Config{BaseURL: env["WORKATO_API_URL"], Token: env["WORKATO_API_TOKEN"]})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.UpsertProperties(context.Background(), workato.ByExternalID("A2300"),
		map[string]string{"workato_gitops.connection.900": "{}"}); err != nil {
		t.Fatal(err)
	}
	out, _ := mustCode(t, 0, env, "plan", "--tenant", "acme", "examples/tenants")
	if strings.Contains(out, "will be deleted") || !strings.Contains(out, "ledger entry not signed") {
		t.Errorf("plan after a forged ledger entry:\n%s", out)
	}
	mustCode(t, 0, env, "apply", "--auto-approve", "--tenant", "acme", "examples/tenants")
	if findConnection(srv.Snapshot(), "A2300", "Customer's own") == nil {
		t.Error("the hand-made connection was deleted")
	}
}

// TestUnsignedLedgerIsReSigned: a workspace whose ledger an earlier
// version wrote unsigned plans as adopts (saying why), and one apply later
// plans nothing, having deleted nothing.
func TestUnsignedLedgerIsReSigned(t *testing.T) {
	t.Parallel()
	env, srv := httpSandbox(t, sandbox.Options{})
	mustCode(t, 0, env, "apply", "--auto-approve", "--tenant", "acme", "examples/tenants")
	before := len(srv.Snapshot().Customers[0].Connections)
	c, err := workato.New(workato.Config{BaseURL: env["WORKATO_API_URL"], Token: env["WORKATO_API_TOKEN"]})
	if err != nil {
		t.Fatal(err)
	}
	ctx, ref := context.Background(), workato.ByExternalID("A2300")
	props, err := c.ListProperties(ctx, ref, "workato_gitops.")
	if err != nil {
		t.Fatal(err)
	}
	old := map[string]string{"workato_gitops.version": "1"}
	for name, v := range props {
		var env struct {
			E json.RawMessage `json:"e"`
		}
		if json.Unmarshal([]byte(v), &env) == nil && len(env.E) > 0 {
			old[name] = string(env.E)
		}
	}
	old["workato_gitops.customer"] = "owned"
	if err := c.UpsertProperties(ctx, ref, old); err != nil {
		t.Fatal(err)
	}
	out, _ := mustCode(t, 2, env, "plan", "--detailed-exitcode", "--tenant", "acme", "examples/tenants")
	if !strings.Contains(out, "ledger entry not signed; adopting re-signs it") || strings.Contains(out, "will be deleted") {
		t.Errorf("plan of an unsigned ledger:\n%s", out)
	}
	mustCode(t, 0, env, "apply", "--auto-approve", "--tenant", "acme", "examples/tenants")
	mustCode(t, 0, env, "plan", "--detailed-exitcode", "--tenant", "acme", "examples/tenants")
	if after := len(srv.Snapshot().Customers[0].Connections); after != before {
		t.Errorf("%d connections before, %d after", before, after)
	}
}

// TestConcurrentAppliesDoNotDuplicate: two applies started at once
// against one workspace leave exactly one of each new folder and
// connection; the one that loses says which apply holds the workspace.
// They run as two processes (the command line is not meant to run twice
// in one process at once).
func TestConcurrentAppliesDoNotDuplicate(t *testing.T) {
	t.Parallel()
	bin := cliBinary(t)
	env, srv := httpSandbox(t, sandbox.Options{Latency: 5 * time.Millisecond})
	seedWithForeignConnection(t, srv) // acme's workspace exists, nearly empty
	type res struct {
		code int
		out  string
	}
	results := make(chan res, 2)
	start := make(chan struct{})
	for range 2 {
		go func() {
			cmd := exec.Command(bin, "apply", "--auto-approve", "--tenant", "acme", "examples/tenants")
			cmd.Env = append(os.Environ(), "GITHUB_RUN_ID=") // the owner is then host and pid, even in CI
			for k, v := range env {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			<-start
			out, _ := cmd.CombinedOutput()
			results <- res{cmd.ProcessState.ExitCode(), string(out)}
		}()
	}
	close(start)
	a, b := <-results, <-results
	assertNoDuplicates(t, srv.Snapshot())
	if a.code == b.code {
		t.Errorf("exit codes %d and %d, want one 0 and one 1:\n%s\n%s", a.code, b.code, a.out, b.out)
	}
	loser := a
	if a.code == 0 {
		loser = b
	}
	if !strings.Contains(loser.out, "another apply") || !strings.Contains(loser.out, "workato-gitops on ") {
		t.Errorf("the refused apply should name the lease's owner:\n%s", loser.out)
	}
	mustCode(t, 0, env, "plan", "--detailed-exitcode", "--tenant", "acme", "examples/tenants")
}

// TestLeaseExpires: a lease left by a crashed apply keeps others out
// until its expiry, naming its owner, and not after.
func TestLeaseExpires(t *testing.T) {
	t.Parallel()
	env, srv := httpSandbox(t, sandbox.Options{})
	seedWithForeignConnection(t, srv)
	c, err := workato.New(workato.Config{BaseURL: env["WORKATO_API_URL"], Token: env["WORKATO_API_TOKEN"]})
	if err != nil {
		t.Fatal(err)
	}
	crashed := func(expiry time.Time) {
		v, _ := json.Marshal(map[string]any{"owner": "ci run 41", "expiry": expiry, "nonce": "n41"})
		if err := c.UpsertProperties(context.Background(), workato.ByExternalID("A2300"), map[string]string{"workato_gitops.lease": string(v)}); err != nil {
			t.Fatal(err)
		}
	}
	until := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	crashed(until)
	out, _ := mustCode(t, 1, env, "apply", "--auto-approve", "--tenant", "acme", "examples/tenants")
	if want := `another apply holds this workspace (lease of "ci run 41", until ` + until.Format(time.RFC3339) + `)`; !strings.Contains(out, want) {
		t.Errorf("refusal should say %q:\n%s", want, out)
	}
	crashed(time.Now().Add(-time.Minute))
	mustCode(t, 0, env, "apply", "--auto-approve", "--tenant", "acme", "examples/tenants")
	mustCode(t, 0, env, "plan", "--detailed-exitcode", "--tenant", "acme", "examples/tenants")
}
