package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/sandbox"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// cli runs the command line in-process with the given environment and
// returns the exit code and outputs.
func runCLI(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(append([]string{"workato-gitops"}, args...), envOf(env, &stdout, &stderr))
	return code, stdout.String(), stderr.String()
}

func envOf(vars map[string]string, stdout, stderr *bytes.Buffer) env {
	return env{stdin: strings.NewReader(""), stdout: stdout, stderr: stderr, getenv: func(k string) string { return vars[k] },
		importPoll: testImportPoll}
}

// testImportPoll is how often the in-process applies poll a package
// import. A sandbox served over HTTP (httpSandbox, the fault and lease
// tests) looks like Workato to apply, which would poll every 2 s of real
// time; the sandbox answers in_progress only on the first poll. Commands
// run as processes keep apply's own choice: TestConcurrentAppliesDoNotDuplicate
// needs its two applies to overlap, and the 2 s wait is what holds the
// first one's lease while the second starts.
const testImportPoll = 20 * time.Millisecond

func demoEnv(t *testing.T, apiURL string) map[string]string {
	t.Helper()
	key, err := os.ReadFile("examples/demo-age-key.txt")
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"SOPS_AGE_KEY": string(key), "WORKATO_API_URL": apiURL}
}

func mustCode(t *testing.T, want int, env map[string]string, args ...string) (string, string) {
	t.Helper()
	code, out, errOut := runCLI(t, env, args...)
	if code != want {
		t.Fatalf("workato-gitops %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, want, out, errOut)
	}
	return out, errOut
}

// TestApplyExamplesConverges: apply the examples on a fresh sandbox, then
// plan --detailed-exitcode finds nothing left to do.
func TestApplyExamplesConverges(t *testing.T) {
	t.Parallel()
	env := demoEnv(t, "sandbox:"+filepath.Join(t.TempDir(), "sb.json"))
	out, _ := mustCode(t, 0, env, "apply", "--auto-approve", "examples/tenants")
	if !strings.Contains(out, "Apply: 3 applied, 0 with failures; 35 actions ran, 0 failed, 0 skipped.") {
		t.Errorf("apply result:\n%s", out)
	}
	mustCode(t, 0, env, "plan", "--detailed-exitcode", "examples/tenants")
	// And apply again is a no-op.
	out, _ = mustCode(t, 0, env, "apply", "--auto-approve", "examples/tenants")
	if !strings.Contains(out, "No changes.") {
		t.Errorf("second apply:\n%s", out)
	}
}

// generateFleet writes n tenants (and the examples' config and demo-key
// fingerprint key) to a new directory: each a workspace with a member, two
// folders and two connections, six actions to apply.
func generateFleet(t testing.TB, n int) string {
	t.Helper()
	return writeFleet(t, n, `members:
  - email: admin%[1]d@fleet.example
    name: Admin %[1]d
    role: Admin
folders:
  - path: Clients/Reports
connections:
  - name: Reports API
    provider: http
    folder: Clients/Reports
    input:
      api_key: fleet-key-%04[1]d
  - name: Slack
    provider: slack
    folder: Clients
    state: shell
`)
}

// writeFleet writes n tenants, each a customer and then body (formatted
// with the tenant's number), with the examples' config.
func writeFleet(t testing.TB, n int, body string) string {
	t.Helper()
	dir := t.TempDir()
	cfg, err := os.ReadFile("examples/tenants/workato-gitops.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The sandbox has no limits: lift the client's too (plaintext fields of
	// a mac_only_encrypted file may be edited by hand).
	cfg = append(cfg, "rateLimits:\n"...)
	for class := range workato.DefaultLimits() {
		cfg = fmt.Appendf(cfg, "  %s: unlimited\n", class)
	}
	if err := os.WriteFile(filepath.Join(dir, "workato-gitops.yaml"), cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		m := fmt.Sprintf(`apiVersion: workato-gitops/v1
kind: Tenant
metadata:
  name: t%04[1]d
  allowPlaintextInput: true
customer:
  externalId: F%04[1]d
  name: Fleet Customer %[1]d
  notificationEmail: ops%[1]d@fleet.example
`+body, i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("t%04d.yaml", i)), []byte(m), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestApplyFleetAcrossPages: a generated fleet of 120 tenants applies
// with 16 workers, then plans clean. 120 is past the 100 customers of one
// list page: the plan after the apply finds the tenants of the second page
// too, or it would plan to create them again (a fleet of 200 proved no
// more: the empty last page after full ones is internal/workato's
// TestPagingLongestList). The tenants are bare customers: the customer
// list is the one that pages, and a workspace's own folders, connections
// and members (TestApplyCrashRecovery's fleet) only made each tenant
// cost six actions instead of one.
func TestApplyFleetAcrossPages(t *testing.T) {
	if testing.Short() {
		t.Skip("120 tenants")
	}
	t.Parallel()
	dir := writeFleet(t, 120, "")
	env, _ := httpSandbox(t, sandbox.Options{})
	out, _ := mustCode(t, 0, env, "apply", "--auto-approve", "--parallelism", "16", dir)
	if !strings.Contains(out, "Apply: 120 applied, 0 with failures; 120 actions ran, 0 failed, 0 skipped.") {
		t.Errorf("apply result tail:\n%s", out[max(0, len(out)-300):])
	}
	mustCode(t, 0, env, "plan", "--detailed-exitcode", dir)
}

// httpSandbox serves an in-memory sandbox on loopback, with a token, and
// returns the environment that points the CLI at it.
func httpSandbox(t *testing.T, opts sandbox.Options) (map[string]string, *sandbox.Server) {
	t.Helper()
	opts.Token = "sandbox-test-token"
	srv, err := sandbox.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	env := demoEnv(t, hs.URL+"/api")
	env["WORKATO_API_TOKEN"] = opts.Token
	return env, srv
}

// sandboxClient opens a state file with a client, to change live state
// between commands as someone clicking in Workato would.
func sandboxClient(t *testing.T, state string) *workato.Client {
	t.Helper()
	srv, err := sandbox.New(sandbox.Options{StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	c, err := workato.New(workato.Config{BaseURL: "http://sandbox.invalid/api", HTTPClient: httpClientFor(srv)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestApplySavedPlanStale: a saved plan applies only if nothing it
// touches changed since; otherwise apply names what changed.
func TestApplySavedPlanStale(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	state := filepath.Join(tmp, "sb.json")
	env := demoEnv(t, "sandbox:"+state)
	mustCode(t, 0, env, "apply", "--auto-approve", "--tenant", "acme", "examples/tenants")

	// A rotated secret: copy the examples and change acme's input.
	repo := filepath.Join(tmp, "repo")
	copyDir(t, "examples/tenants", repo)
	acme := filepath.Join(repo, "customers", "acme.yaml")
	data, _ := os.ReadFile(acme)
	os.WriteFile(acme, bytes.Replace(data, []byte("running: false"), []byte("running: true"), 1), 0o644)
	planFile := filepath.Join(tmp, "plan.json")
	mustCode(t, 0, env, "plan", "--tenant", "acme", "--out", planFile, repo)

	// Someone renames a folder the plan touches... no: a recipe it starts
	// is started by hand in the meantime.
	c := sandboxClient(t, state)
	ref := workato.ByExternalID("A2300")
	recipes, err := c.ListRecipes(context.Background(), ref, workato.ListRecipesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	for _, r := range recipes {
		if r.Name == "Nightly contact cleanup" {
			id = r.ID
		}
	}
	if err := c.StartRecipe(context.Background(), ref, id); err != nil {
		t.Fatal(err)
	}
	_, errOut := mustCode(t, 1, env, "apply", "--plan", planFile, "--auto-approve", repo)
	want := fmt.Sprintf(`acme: recipe "Integrations/Salesforce/Sync/Nightly contact cleanup" (#%d): running changed from false to true`, id)
	if !strings.Contains(errOut, want) || !strings.Contains(errOut, "nothing was applied") {
		t.Errorf("stale refusal should say %q:\n%s", want, errOut)
	}

	// The manifests change after the plan: refused too.
	mustCode(t, 0, env, "plan", "--tenant", "acme", "--out", planFile, repo)
	os.WriteFile(acme, append(bytes.Clone(data), '\n'), 0o644)
	_, errOut = mustCode(t, 1, env, "apply", "--plan", planFile, "--auto-approve", repo)
	if !strings.Contains(errOut, "customers/acme.yaml changed since the plan") {
		t.Errorf("manifest change not named:\n%s", errOut)
	}

	// Nothing changed: it applies, and then there is nothing left.
	mustCode(t, 0, env, "plan", "--tenant", "acme", "--out", planFile, repo)
	mustCode(t, 0, env, "apply", "--plan", planFile, "--auto-approve", repo)
	mustCode(t, 0, env, "plan", "--detailed-exitcode", "--tenant", "acme", repo)
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestApplyRefusesWithoutTerminal: no --auto-approve, no terminal: no
// call is made.
func TestApplyRefusesWithoutTerminal(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "sb.json")
	_, errOut := mustCode(t, 1, demoEnv(t, "sandbox:"+state), "apply", "examples/tenants")
	if !strings.Contains(errOut, "no terminal to ask on") {
		t.Errorf("stderr:\n%s", errOut)
	}
	if _, err := os.Stat(state); err == nil {
		t.Errorf("the sandbox state was written: something was called")
	}
}

// TestConfirmCountsWorkspaces: the question names how many tenants apply
// changes, and with environments how many workspaces they are.
func TestConfirmCountsWorkspaces(t *testing.T) {
	change := []plan.Action{{Op: plan.OpCreate}}
	for _, tc := range []struct {
		tenants []plan.TenantPlan
		want    string
	}{
		{[]plan.TenantPlan{{Name: "a", Status: plan.StatusPlanned, Actions: change}, {Name: "b", Status: plan.StatusPlanned}},
			"Apply these changes to 1 tenant? "},
		{[]plan.TenantPlan{{Name: "a", Environment: "test", Status: plan.StatusPlanned, Actions: change},
			{Name: "a", Environment: "prod", Status: plan.StatusPlanned, Actions: change}, {Name: "b", Status: plan.StatusPlanned}},
			"Apply these changes to 1 tenant (2 workspaces)? "},
	} {
		var stderr bytes.Buffer
		if !confirm(env{stdin: strings.NewReader("yes\n"), stderr: &stderr}, &plan.Plan{Tenants: tc.tenants}) {
			t.Error("yes was not taken")
		}
		if !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("asked %q, want %q", stderr.String(), tc.want)
		}
	}
}
