package main

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/internal/pkgzip"
	"github.com/workato-gitops/workato-gitops/internal/sandbox"
)

// devWorkspace is the partner's development workspace: the Salesforce
// folder is the package; the Scratch folder and its recipe are not.
const devWorkspace = `{"customers": [
  {"id": 10, "external_id": "DEV", "name": "Partner Dev", "home_folder_id": 11,
   "folders": [{"id": 12, "name": "Integrations", "folders": [
                  {"id": 13, "name": "Salesforce", "folders": [{"id": 14, "name": "Nightly"}]}]},
               {"id": 15, "name": "Scratch"}],
   "connections": [
     {"id": 20, "name": "Salesforce", "provider": "salesforce", "folder": "Integrations/Salesforce", "authorization_status": "success"},
     {"id": 21, "name": "Scratch HTTP", "provider": "http", "folder": "Scratch"}],
   "recipes": [
     {"id": 30, "name": "Sync accounts to Salesforce", "folder": "Integrations/Salesforce", "version_no": 4, "running": true,
      "code": {"keyword": "trigger", "provider": "workato_webhooks", "block": [{"provider": "salesforce", "input": {"sobject_name": "Account"}}]},
      "config": [{"keyword": "application", "provider": "workato_webhooks"},
                 {"keyword": "application", "provider": "salesforce", "connection": "Salesforce"}]},
     {"id": 31, "name": "Nightly contact cleanup", "folder": "Integrations/Salesforce/Nightly", "version_no": 1,
      "code": {"keyword": "trigger", "provider": "clock"},
      "config": [{"keyword": "application", "provider": "salesforce", "connection": "Salesforce"}]},
     {"id": 32, "name": "Experiment", "folder": "Scratch", "code": {}}]},
  {"id": 40, "external_id": "A1", "name": "Tenant One", "home_folder_id": 41}]}`

// pullEnv runs the CLI against an in-process sandbox in a state file.
type pullEnv struct {
	t     *testing.T
	state string
}

func newPullEnv(t *testing.T, seed string) *pullEnv {
	state := filepath.Join(t.TempDir(), "sb.json")
	if err := os.WriteFile(state, []byte(seed), 0o644); err != nil {
		t.Fatal(err)
	}
	return &pullEnv{t: t, state: state}
}

func (p *pullEnv) run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	vars := map[string]string{"WORKATO_API_URL": "sandbox:" + p.state}
	code = run(append([]string{"workato-gitops"}, args...), env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb,
		getenv: func(k string) string { return vars[k] }})
	return code, out.String(), errb.String()
}

// editRecipe changes a recipe's code in the sandbox, as a developer
// would in the recipe editor.
func (p *pullEnv) editRecipe(name, code string) {
	p.t.Helper()
	srv, err := sandbox.New(sandbox.Options{StatePath: p.state})
	if err != nil {
		p.t.Fatal(err)
	}
	st := srv.Snapshot()
	for i, r := range st.Customers[0].Recipes {
		if r.Name == name {
			st.Customers[0].Recipes[i].Code = json.RawMessage(code)
			st.Customers[0].Recipes[i].VersionNo++
		}
	}
	data, _ := json.Marshal(st)
	if err := srv.LoadSeed(bytes.NewReader(data)); err != nil {
		p.t.Fatal(err)
	}
}

// tree reads every file below dir, with its mode.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		info, _ := d.Info()
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = info.Mode().String() + " " + string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var digestRE = regexp.MustCompile(`sha256:[0-9a-f]{64}`)

// TestPackagePullContract pulls from the sandbox, changes a recipe, pulls
// again, and pulls once more without a change.
func TestPackagePullContract(t *testing.T) {
	p := newPullEnv(t, devWorkspace)
	out := filepath.Join(t.TempDir(), "packages", "salesforce-sync")
	pull := []string{"package", "pull", "--workspace", "EDEV", "--folder", "Integrations/Salesforce", "--out", out}

	code, stdout, stderr := p.run(append(pull, "--detailed-exitcode")...)
	if code != exitChanges {
		t.Fatalf("first pull: exit %d\n%s%s", code, stdout, stderr)
	}
	first := tree(t, out)
	if diff := cmp.Diff([]string{
		"Nightly/nightly_contact_cleanup.recipe.json",
		"salesforce.connection.json",
		"sync_accounts_to_salesforce.recipe.json",
	}, slices.Sorted(maps.Keys(first))); diff != "" {
		t.Fatalf("pulled files (-want +got):\n%s", diff)
	}
	for name, v := range first {
		if !strings.HasPrefix(v, "-rw-r--r-- ") {
			t.Errorf("%s: mode %s", name, v[:10])
		}
	}
	if !strings.Contains(first["Nightly/nightly_contact_cleanup.recipe.json"], `"zip_name": "salesforce.connection.json"`) {
		t.Errorf("the recipe does not reference the packaged connection:\n%s", first["Nightly/nightly_contact_cleanup.recipe.json"])
	}
	built, err := pkgzip.Build(out)
	if err != nil {
		t.Fatal(err)
	}
	if got := digestRE.FindString(stdout); got != built.Digest {
		t.Errorf("printed digest %s, Build(dir) gives %s", got, built.Digest)
	}
	if !strings.Contains(stdout, "  + sync_accounts_to_salesforce.recipe.json\n") {
		t.Errorf("stdout does not list the new files:\n%s", stdout)
	}

	// A changed recipe: only its file changes, and so does the digest.
	p.editRecipe("Sync accounts to Salesforce", `{"keyword": "trigger", "provider": "workato_webhooks", "block": []}`)
	code, stdout, stderr = p.run(append(pull, "--detailed-exitcode")...)
	if code != exitChanges {
		t.Fatalf("second pull: exit %d\n%s%s", code, stdout, stderr)
	}
	second := tree(t, out)
	if want := "pulled \"Integrations/Salesforce\" from workspace EDEV\n  ~ sync_accounts_to_salesforce.recipe.json\n" + out + ": 3 files, "; !strings.HasPrefix(stdout, want) {
		t.Errorf("stdout = %q, want it to start %q", stdout, want)
	}
	for name := range first {
		if changed := first[name] != second[name]; changed != (name == "sync_accounts_to_salesforce.recipe.json") {
			t.Errorf("%s: changed = %v", name, changed)
		}
	}
	rebuilt, _ := pkgzip.Build(out)
	if rebuilt.Digest == built.Digest {
		t.Error("the digest did not change with the recipe")
	}

	// No change: the same tree and digest, and exit 0.
	code, stdout, stderr = p.run(append(pull, "--detailed-exitcode")...)
	if code != exitOK || !strings.Contains(stdout, "is up to date ("+rebuilt.Digest+")") {
		t.Fatalf("third pull: exit %d\n%s%s", code, stdout, stderr)
	}
	if diff := cmp.Diff(second, tree(t, out)); diff != "" {
		t.Errorf("an unchanged pull changed the tree (-before +after):\n%s", diff)
	}

	// A file that left the package leaves the directory.
	os.WriteFile(filepath.Join(out, "stale.recipe.json"), []byte("{}"), 0o644)
	if code, stdout, stderr = p.run(pull...); code != 0 || !strings.Contains(stdout, "  - stale.recipe.json") {
		t.Fatalf("pull over a stale file: exit %d\n%s%s", code, stdout, stderr)
	}
	if diff := cmp.Diff(second, tree(t, out)); diff != "" {
		t.Errorf("tree (-want +got):\n%s", diff)
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 {
		t.Errorf("pull left files beside --out: %v", entries)
	}
	// The export manifests were cleaned up.
	srv, _ := sandbox.New(sandbox.Options{StatePath: p.state})
	if s := srv.Snapshot(); len(s.Customers[0].Recipes) != 3 {
		t.Errorf("the pull changed the workspace: %d recipes", len(s.Customers[0].Recipes))
	}
}

// The pulled directory is a package source: it imports into a tenant.
func TestPackagePullRoundTrips(t *testing.T) {
	p := newPullEnv(t, devWorkspace)
	out := filepath.Join(t.TempDir(), "pkg")
	if code, stdout, stderr := p.run("package", "pull", "--workspace", "10", "--folder", "/Integrations/Salesforce/", "--out", out); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	built, err := pkgzip.Build(out)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sandbox.New(sandbox.Options{StatePath: p.state})
	if err != nil {
		t.Fatal(err)
	}
	client := httpClientFor(srv)
	post := func(path, ctype string, body []byte) map[string]any {
		t.Helper()
		resp, err := client.Post("http://sandbox.invalid/api"+path, ctype, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v map[string]any
		json.NewDecoder(resp.Body).Decode(&v)
		if resp.StatusCode != 200 {
			t.Fatalf("POST %s: %d %v", path, resp.StatusCode, v)
		}
		return v
	}
	folder := post("/managed_users/40/folders", "application/json", []byte(`{"name": "Salesforce"}`))
	imp := post("/managed_users/40/imports?folder_id="+jsonNum(folder["id"]), "application/octet-stream", built.Zip)
	for range 2 {
		resp, err := client.Get("http://sandbox.invalid/api/managed_users/40/imports/" + jsonNum(imp["id"]))
		if err != nil {
			t.Fatal(err)
		}
		json.NewDecoder(resp.Body).Decode(&imp)
		resp.Body.Close()
	}
	if imp["status"] != "completed" {
		t.Fatalf("import: %v", imp)
	}
	var got []string
	for _, r := range srv.Snapshot().Customers[1].Recipes {
		got = append(got, r.Folder+"/"+r.Name)
	}
	slices.Sort(got)
	if diff := cmp.Diff([]string{"Salesforce/Nightly/Nightly contact cleanup", "Salesforce/Sync accounts to Salesforce"}, got); diff != "" {
		t.Errorf("imported recipes (-want +got):\n%s", diff)
	}
}

func jsonNum(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestPackagePullRefusals(t *testing.T) {
	p := newPullEnv(t, devWorkspace)
	dir := t.TempDir()
	handMade := filepath.Join(dir, "notes")
	os.MkdirAll(filepath.Join(handMade, ".git"), 0o755)
	os.WriteFile(filepath.Join(handMade, "README.md"), []byte("mine"), 0o644)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown folder", []string{"--workspace", "EDEV", "--folder", "Integrations/Zendesk"},
			`folder "Integrations/Zendesk" not found: "Integrations" has only "Salesforce"`},
		{"empty folder", []string{"--workspace", "EDEV", "--folder", "Scratch2"}, `Home has only "Integrations", "Scratch"`},
		{"home", []string{"--workspace", "EDEV", "--folder", "/"}, "--folder must name a folder"},
		{"bad workspace", []string{"--workspace", "A1", "--folder", "x"}, `--workspace "A1": want a numeric id or E<external id>`},
		{"unknown workspace", []string{"--workspace", "ENOPE", "--folder", "x"}, "404 Not Found"},
		{"foreign directory", []string{"--workspace", "EDEV", "--folder", "Integrations/Salesforce", "--out", handMade},
			"holds .git, which is not part of any package"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"package", "pull"}, tt.args...)
			if !slices.Contains(args, "--out") {
				args = append(args, "--out", filepath.Join(dir, "out"))
			}
			code, stdout, stderr := p.run(args...)
			if code != exitError || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant it to contain %q (stdout %q)", code, stderr, tt.want, stdout)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); !os.IsNotExist(err) {
		t.Errorf("a failed pull wrote --out: %v", err)
	}
	if got := tree(t, handMade); len(got) != 1 {
		t.Errorf("a refused pull touched the directory: %v", got)
	}
	// --force replaces it.
	if code, stdout, stderr := p.run("package", "pull", "--workspace", "EDEV", "--folder", "Integrations/Salesforce", "--out", handMade, "--force"); code != 0 {
		t.Fatalf("--force: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(handMade, "README.md")); !os.IsNotExist(err) {
		t.Error("--force kept a file that is not in the package")
	}
}
