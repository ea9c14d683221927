package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// The -update flag rewrites golden files. Another test file of the package
// may define it too; all package variables are set before any init runs.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

func goldenFile(t *testing.T, path string, got []byte) {
	t.Helper()
	if updating() {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

// exportSandbox seeds a sandbox state file with testdata/export/seed.json.
func exportSandbox(t *testing.T) map[string]string {
	t.Helper()
	seed, err := os.ReadFile("testdata/export/seed.json")
	if err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(t.TempDir(), "sb.json")
	if err := os.WriteFile(state, seed, 0o644); err != nil {
		t.Fatal(err)
	}
	return map[string]string{"WORKATO_API_URL": "sandbox:" + state}
}

func exportCLI(t *testing.T, vars map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(append([]string{"workato-gitops"}, args...), env{stdin: strings.NewReader(""), stdout: &o, stderr: &e,
		getenv: func(k string) string { return vars[k] }})
	return o.String(), e.String(), code
}

// TestExportRoundTrip exports a seeded sandbox workspace full of awkward
// objects, loads the result with spec.Load, and plans it: every action must
// be an adopt (or an unmanaged report for what could not be exported).
func TestExportRoundTrip(t *testing.T) {
	vars := exportSandbox(t)
	out := t.TempDir()
	stdout, stderr, code := exportCLI(t, vars, "export", "--all", "--out", out, "--schema", "../schemas/tenant.schema.json")
	if code != 0 {
		t.Fatalf("export: exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "skipped customer #") || !strings.Contains(stderr, "has no external id") {
		t.Errorf("stderr does not report the customer without an external id:\n%s", stderr)
	}
	data, err := os.ReadFile(filepath.Join(out, "hooli-eu-01.yaml"))
	if err != nil {
		t.Fatalf("%v\nstdout:\n%s", err, stdout)
	}
	goldenFile(t, "testdata/export/hooli-eu-01.golden.yaml", data)

	if _, err := spec.Load(out, spec.Options{Schemas: schemaFS}); err != nil {
		t.Fatalf("exported manifests do not load:\n%v", err)
	}
	stdout, stderr, code = exportCLI(t, vars, "plan", "--format", "json", out)
	if code != 0 {
		t.Fatalf("plan: exit %d\n%s", code, stderr)
	}
	var p struct {
		Tenants []struct {
			Actions []struct{ Op, Kind, Key string } `json:"actions"`
		} `json:"tenants"`
	}
	if err := json.Unmarshal([]byte(stdout), &p); err != nil {
		t.Fatal(err)
	}
	ops := map[string]int{}
	for _, tp := range p.Tenants {
		for _, a := range tp.Actions {
			ops[a.Op]++
			if a.Op != "adopt" && !(a.Op == "unmanaged" && a.Kind == "connection" && strings.Contains(a.Key, "Legacy")) &&
				!(a.Op == "unmanaged" && a.Key == "Integrations/Dup") {
				t.Errorf("plan of an export has %s %s %q; want only adopt actions", a.Op, a.Kind, a.Key)
			}
		}
	}
	// The customer, 2 members, 4 folders and 5 connections (one Dup pinned
	// by id); recipes have no ledger entry, so nothing to adopt.
	if ops["adopt"] != 12 {
		t.Errorf("plan has %d adopt actions, want 12: %v", ops["adopt"], ops)
	}
}

func TestExportRefusesToOverwrite(t *testing.T) {
	vars := exportSandbox(t)
	out := t.TempDir()
	// The config marks the repository's root, where export looks for
	// tenants already declared.
	if err := os.WriteFile(filepath.Join(out, spec.ConfigFile), []byte("apiVersion: workato-gitops/v1\nkind: Config\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	existing := filepath.Join(out, "hooli-eu-01.yaml")
	if err := os.WriteFile(existing, []byte("# mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := exportCLI(t, vars, "export", "--tenant", "Hooli/EU 01", "--out", out)
	if code != exitError || !strings.Contains(stderr, "refusing to overwrite "+existing) || !strings.Contains(stderr, "hint: use --force") {
		t.Fatalf("export over an existing file: exit %d\n%s", code, stderr)
	}
	if data, _ := os.ReadFile(existing); string(data) != "# mine\n" {
		t.Errorf("the existing file was changed:\n%s", data)
	}
	if _, stderr, code = exportCLI(t, vars, "export", "--tenant", "Hooli/EU 01", "--out", out, "--force"); code != 0 {
		t.Fatalf("export --force: exit %d\n%s", code, stderr)
	}
	if data, _ := os.ReadFile(existing); !bytes.Contains(data, []byte("externalId: Hooli/EU 01")) {
		t.Errorf("--force did not rewrite the file:\n%s", data)
	}
	// Exporting again, into a sub-directory of the repository, finds the
	// tenant declared and leaves it alone.
	stdout, stderr, code := exportCLI(t, vars, "export", "--all", "--out", filepath.Join(out, "more"))
	if code != 0 || !strings.Contains(stderr, `skipped customer Hooli/EU 01: tenant "hooli-eu-01" declares it already`) || !strings.Contains(stdout, "Nothing to export.") {
		t.Errorf("re-export: exit %d\n%s%s", code, stdout, stderr)
	}
}

func TestExportFlagErrors(t *testing.T) {
	vars := exportSandbox(t)
	out := t.TempDir()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"export", "--out", out}, "export needs --all or at least one --tenant, not both"},
		{[]string{"export", "--all", "--tenant", "x", "--out", out}, "not both"},
		{[]string{"export", "--all"}, `Required flag "out" not set`},
		{[]string{"export", "--tenant", "nobody", "--out", out}, `--tenant "nobody": no customer has this external id or id`},
		{[]string{"export", "--all", "--out", out, "extra"}, "export takes no arguments"},
	}
	for _, tc := range cases {
		_, stderr, code := exportCLI(t, vars, tc.args...)
		if code != exitError || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: exit %d, stderr:\n%s\nwant %q", tc.args, code, stderr, tc.want)
		}
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("failed exports wrote %d files", len(entries))
	}
}

// TestExportByNumericID: a --tenant that is no external id but a number is
// a customer id.
func TestExportByNumericID(t *testing.T) {
	vars := exportSandbox(t)
	out := t.TempDir()
	stdout, stderr, code := exportCLI(t, vars, "export", "--all", "--out", out)
	if code != 0 {
		t.Fatal(stderr)
	}
	id := regexp.MustCompile(`customer #(\d+) \(No External`).FindStringSubmatch(stderr)
	if id == nil {
		t.Fatalf("no id of the customer without external id in:\n%s", stderr)
	}
	_, stderr, code = exportCLI(t, vars, "export", "--tenant", id[1], "--out", out)
	if code != exitError || !strings.Contains(stderr, "has no external id") {
		t.Errorf("export --tenant %s: exit %d\n%s%s", id[1], code, stdout, stderr)
	}
}
