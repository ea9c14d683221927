package sandbox

import (
	"archive/zip"
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// makeZip builds a package from name, content pairs; a name ending in "/"
// is a directory entry.
func makeZip(t testing.TB, entries ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(entries); i += 2 {
		w, err := zw.Create(entries[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(entries[i+1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const sfConnectionFile = `{"name": "SF Dev Account", "provider": "salesforce", "root_folder": false}`

func syncRecipe(version string) string {
	return `{"name": "Sync accounts to Salesforce", "version": 1, "private": true, "concurrency": 1,
  "code": {"number": 0, "provider": "salesforce", "keyword": "trigger", "input": {"v": "` + version + `"}},
  "config": [
    {"keyword": "application", "provider": "salesforce", "skip_validation": false,
     "account_id": {"zip_name": "Workspace Connections/sf_dev_account.connection.json",
                    "name": "SF Dev Account", "folder": "Workspace Connections"}},
    {"keyword": "application", "provider": "logger", "skip_validation": false, "account_id": null}]}`
}

func salesforcePackage(t testing.TB, version string) []byte {
	return makeZip(t,
		"Workspace Connections/", "",
		"Workspace Connections/sf_dev_account.connection.json", sfConnectionFile,
		"Sync/Accounts/sync_accounts.recipe.json", syncRecipe(version),
		"Sync/README.custom_adapter.rb", "# ignored asset type",
	)
}

// importAndWait posts a package and polls until the import settles.
func (e *env) importAndWait(query string, body []byte) map[string]any {
	e.t.Helper()
	started := obj(e.t, e.json("POST", "/managed_users/98178/imports?"+query, body, 200))
	if started["status"] != "in_progress" || started["operation_type"] != "import" {
		e.t.Fatalf("import start: %v", started)
	}
	id := num(e.t, started, "id")
	for range 10 {
		st := obj(e.t, e.json("GET", fmt.Sprintf("/managed_users/98178/imports/%d", id), nil, 200))
		if st["status"] != "in_progress" {
			return st
		}
	}
	e.t.Fatal("import never finished")
	return nil
}

func TestImportHappyPath(t *testing.T) {
	e := newEnv(t, Options{}, acmeSeed)
	st := e.importAndWait("folder_id=1790&restart_recipes=false", salesforcePackage(t, "1"))
	if st["status"] != "completed" {
		t.Fatalf("import: %v", st)
	}
	snap := e.srv.Snapshot().Customers[0]
	paths := flatten(snap.Folders, "")
	want := []string{"Integrations", "Integrations/Salesforce", "Integrations/Salesforce/Sync",
		"Integrations/Salesforce/Sync/Accounts", "Integrations/Salesforce/Workspace Connections"}
	if diff := cmp.Diff(want, paths); diff != "" {
		t.Errorf("folders (-want +got):\n%s", diff)
	}
	var conn Connection
	for _, c := range snap.Connections {
		if c.Name == "SF Dev Account" {
			conn = c
		}
	}
	if conn.Folder != "Integrations/Salesforce/Workspace Connections" || conn.AuthorizationStatus != "" {
		t.Errorf("imported connection should be disconnected in its folder: %+v", conn)
	}
	var rec Recipe
	for _, r := range snap.Recipes {
		if r.Name == "Sync accounts to Salesforce" {
			rec = r
		}
	}
	if rec.Folder != "Integrations/Salesforce/Sync/Accounts" || rec.Running || rec.Config[0].AccountID != conn.ID || rec.Config[1].AccountID != 0 {
		t.Errorf("imported recipe should be stopped and bound to %d: %+v", conn.ID, rec)
	}
	wantStatus := []any{map[string]any{"id": float64(rec.ID), "import_result": "no_update_or_updated_without_restart"}}
	if diff := cmp.Diff(wantStatus, st["recipe_status"]); diff != "" {
		t.Errorf("recipe_status (-want +got):\n%s", diff)
	}

	// The same package again reuses everything and touches nothing.
	st = e.importAndWait("folder_id=1790", salesforcePackage(t, "1"))
	again := e.srv.Snapshot().Customers[0]
	if st["status"] != "completed" || len(again.Connections) != len(snap.Connections) || len(again.Recipes) != len(snap.Recipes) {
		t.Errorf("re-import duplicated assets: %v", st)
	}
	for _, r := range again.Recipes {
		if r.ID == rec.ID && (r.VersionNo != rec.VersionNo || !r.UpdatedAt.Equal(rec.UpdatedAt)) {
			t.Errorf("unchanged recipe was touched: %+v", r)
		}
	}
}

func flatten(fs []Folder, prefix string) []string {
	var out []string
	for _, f := range fs {
		p := joinPath(prefix, f.Name)
		out = append(out, p)
		out = append(out, flatten(f.Folders, p)...)
	}
	return out
}

func TestImportRunningRecipe(t *testing.T) {
	e := newEnv(t, Options{}, acmeSeed)
	e.importAndWait("folder_id=1790", salesforcePackage(t, "1"))
	// Connect the imported connection and start the recipe.
	var connID, recID int64
	for _, c := range e.srv.Snapshot().Customers[0].Connections {
		if c.Name == "SF Dev Account" {
			connID = c.ID
		}
	}
	for _, r := range e.srv.Snapshot().Customers[0].Recipes {
		if r.Name == "Sync accounts to Salesforce" {
			recID = r.ID
		}
	}
	refused := obj(t, e.json("PUT", fmt.Sprintf("/managed_users/98178/recipes/%d/start", recID), nil, 200))
	if refused["success"] != false {
		t.Fatalf("start with a disconnected imported connection: %v", refused)
	}
	e.json("PUT", fmt.Sprintf("/managed_users/98178/connections/%d", connID), map[string]any{"input": map[string]any{"password": "ok"}}, 200)
	e.json("PUT", fmt.Sprintf("/managed_users/98178/recipes/%d/start", recID), nil, 200)

	st := e.importAndWait("folder_id=1790", salesforcePackage(t, "2"))
	if st["status"] != "failed" || !strings.Contains(fmt.Sprint(st["error"]), "restart_recipes") {
		t.Errorf("updating a running recipe without restart_recipes: %v", st)
	}
	if r := e.srv.Snapshot().Customers[0].Recipes; !strings.Contains(string(findRecipe(r, recID).Code), `"v":"1"`) {
		t.Errorf("a failed import changed the recipe")
	}
	st = e.importAndWait("folder_id=1790&restart_recipes=true", salesforcePackage(t, "2"))
	want := []any{map[string]any{"id": float64(recID), "import_result": "restarted"}}
	if diff := cmp.Diff(want, st["recipe_status"]); diff != "" {
		t.Errorf("recipe_status (-want +got):\n%s", diff)
	}
	r := findRecipe(e.srv.Snapshot().Customers[0].Recipes, recID)
	if !r.Running || r.VersionNo != 2 || !strings.Contains(string(r.Code), `"v":"2"`) {
		t.Errorf("restarted recipe: %+v", r)
	}
}

func findRecipe(rs []Recipe, id int64) Recipe {
	for _, r := range rs {
		if r.ID == id {
			return r
		}
	}
	return Recipe{}
}

func TestImportRejectsHostilePackages(t *testing.T) {
	tests := []struct {
		name string
		body []byte
		want string
	}{
		{"parent reference", makeZip(t, "../evil.recipe.json", `{"name":"x"}`), "parent directory"},
		{"nested parent reference", makeZip(t, "a/../../evil.connection.json", sfConnectionFile), "parent directory"},
		{"absolute", makeZip(t, "/etc/evil.recipe.json", `{"name":"x"}`), "absolute"},
		{"backslash parent", makeZip(t, `a\..\..\evil.recipe.json`, `{"name":"x"}`), "parent directory"},
		{"drive letter", makeZip(t, `C:/evil.recipe.json`, `{"name":"x"}`), "drive letter"},
		{"not a zip", []byte("hello"), "not a zip"},
		{"bad json", makeZip(t, "x.recipe.json", `{`), "x.recipe.json"},
		{"dangling connection", makeZip(t, "r.recipe.json", `{"name":"r","config":[{"provider":"jira","account_id":{"zip_name":"j.connection.json","name":"J","folder":""}}]}`), "neither in the package"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, Options{}, acmeSeed)
			before := e.srv.Snapshot().Customers[0]
			st := e.importAndWait("folder_id=1790", tt.body)
			if st["status"] != "failed" || !strings.Contains(fmt.Sprint(st["error"]), tt.want) {
				t.Errorf("got %v, want failed with %q", st, tt.want)
			}
			after := e.srv.Snapshot().Customers[0]
			if diff := cmp.Diff(before.Folders, after.Folders); diff != "" {
				t.Errorf("a failed import changed folders:\n%s", diff)
			}
		})
	}
}

func TestImportSizeLimit(t *testing.T) {
	e := newEnv(t, Options{MaxImportBytes: 1024}, acmeSeed)
	status, raw := e.call("POST", "/managed_users/98178/imports?folder_id=1790", bytes.Repeat([]byte("x"), 1025))
	if status != 413 || !strings.Contains(string(raw), "too large") {
		t.Errorf("oversize import: %d %s", status, raw)
	}
	e.json("POST", "/managed_users/98178/imports?folder_id=1790", makeZip(t, "a.recipe.json", `{"name":"a"}`), 200)
	e.json("POST", "/managed_users/98178/imports", makeZip(t), 400)                  // no folder_id
	e.json("POST", "/managed_users/98178/imports?folder_id=424242", makeZip(t), 404) // unknown folder
}

func TestImportStatusProgression(t *testing.T) {
	e := newEnv(t, Options{ImportDuration: 5e9}, acmeSeed)
	started := obj(t, e.json("POST", "/managed_users/98178/imports?folder_id=1790", salesforcePackage(t, "1"), 200))
	path := fmt.Sprintf("/managed_users/98178/imports/%d", num(t, started, "id"))
	var got []string
	for range 3 {
		got = append(got, obj(t, e.json("GET", path, nil, 200))["status"].(string))
	}
	if len(e.srv.Snapshot().Customers[0].Recipes) != 2 {
		t.Errorf("the package was applied while in progress")
	}
	e.clk.Advance(5e9)
	got = append(got, obj(t, e.json("GET", path, nil, 200))["status"].(string))
	got = append(got, obj(t, e.json("GET", path, nil, 200))["status"].(string))
	want := []string{"in_progress", "in_progress", "in_progress", "completed", "completed"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
}

// FuzzParsePackage: arbitrary bytes never panic, and no accepted entry
// escapes the target folder.
func FuzzParsePackage(f *testing.F) {
	f.Add(salesforcePackage(f, "1"))
	f.Add(makeZip(f, "../x.recipe.json", "{}"))
	f.Add(makeZip(f, "a/b/", "", "a/b/c.connection.json", `{"name":"n","provider":{"zip_name":"x.custom_adapter.json"}}`))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := parsePackage(data)
		if err != nil {
			return
		}
		dirs := slices.Clone(p.dirs)
		for _, c := range p.connections {
			dirs = append(dirs, c.dir)
		}
		for _, r := range p.recipes {
			dirs = append(dirs, r.dir)
		}
		for _, d := range dirs {
			if escapes(d) || strings.HasPrefix(d, "/") {
				t.Errorf("accepted escaping dir %q", d)
			}
		}
	})
}
