package sandbox

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// devSeed is a development workspace: a Sync folder with a sub-folder, a
// connection in it, one outside it (in Home) that a recipe uses, and a
// recipe elsewhere that must not be exported.
const devSeed = `{"customers": [{
  "id": 300, "external_id": "DEV", "name": "Partner Dev", "home_folder_id": 301,
  "folders": [{"id": 310, "name": "Sync", "folders": [{"id": 311, "name": "Nightly Jobs"}]},
              {"id": 320, "name": "Other"}],
  "connections": [
    {"id": 330, "name": "Salesforce", "provider": "salesforce", "folder": "Sync", "authorization_status": "success"},
    {"id": 331, "name": "Shared Slack", "provider": "slack", "authorization_status": "success"},
    {"id": 332, "name": "Unused HTTP", "provider": "http", "folder": "Other"}],
  "recipes": [
    {"id": 340, "name": "Sync accounts to Salesforce", "folder": "Sync", "version_no": 3, "running": true,
     "code": {"keyword": "trigger", "provider": "workato_webhooks", "block": [{"provider": "salesforce"}]},
     "config": [{"keyword": "application", "provider": "workato_webhooks"},
                {"keyword": "application", "provider": "salesforce", "connection": "Salesforce"}]},
    {"id": 341, "name": "Nightly cleanup!", "folder": "Sync/Nightly Jobs", "version_no": 1,
     "code": {"keyword": "trigger", "provider": "clock"},
     "config": [{"keyword": "application", "provider": "slack", "account_id": 331}]},
    {"id": 342, "name": "Not exported", "folder": "Other", "code": {}}]
}]}`

func TestFolderAssets(t *testing.T) {
	e := newEnv(t, Options{}, devSeed)
	got := obj(t, obj(t, e.json("GET", "/managed_users/EDEV/export_manifests/folder_assets?folder_id=310", nil, 200))["result"])["assets"]
	var names []string
	for _, a := range got.([]any) {
		m := obj(t, a)
		names = append(names, fmt.Sprintf("%v %v %v root=%v", m["type"], m["id"], m["zip_name"], m["root_folder"]))
	}
	want := []string{
		"recipe 341 Nightly Jobs/nightly_cleanup.recipe.json root=false",
		"connection 330 salesforce.connection.json root=false",
		"connection 331 shared_slack.connection.json root=true", // a dependency from outside the folder
		"recipe 340 sync_accounts_to_salesforce.recipe.json root=false",
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("assets (-want +got):\n%s", diff)
	}
	first := obj(t, got.([]any)[0])
	if first["folder"] != "Nightly Jobs" || first["checked"] != true || first["version"] != 1.0 ||
		first["absolute_path"] != "All projects/Sync/Nightly Jobs" || first["name"] != "Nightly cleanup!" {
		t.Errorf("asset fields: %v", first)
	}
	if s, _ := e.call("GET", "/managed_users/EDEV/export_manifests/folder_assets?folder_id=999", nil); s != 404 {
		t.Errorf("unknown folder: %d", s)
	}
	if s, _ := e.call("GET", "/managed_users/EDEV/export_manifests/folder_assets", nil); s != 400 {
		t.Errorf("no folder_id: %d", s)
	}
}

func TestExportManifestCRUD(t *testing.T) {
	e := newEnv(t, Options{}, devSeed)
	body := func(name string, folder any, assets string) string {
		return fmt.Sprintf(`{"export_manifest": {"name": %q, "folder_id": %v, "assets": %s, "auto_generate_assets": true}}`, name, folder, assets)
	}
	created := obj(t, obj(t, e.json("POST", "/managed_users/300/export_manifests",
		body("pull Sync", `"310"`, `[{"id": 340, "type": "recipe"}, {"id": "x-1", "type": "agentic_genie"}]`), 200))["result"])
	if created["name"] != "pull Sync" || created["project_path"] != "Sync" || created["last_exported_at"] != nil {
		t.Errorf("created: %v", created)
	}
	id := num(t, created, "id")
	got := obj(t, obj(t, e.json("GET", fmt.Sprintf("/managed_users/300/export_manifests/%d", id), nil, 200))["result"])
	if diff := cmp.Diff(created, got); diff != "" {
		t.Errorf("get (-created +got):\n%s", diff)
	}
	updated := obj(t, obj(t, e.json("PUT", fmt.Sprintf("/managed_users/300/export_manifests/%d", id), body("renamed", 311, `[]`), 200))["result"])
	if updated["name"] != "renamed" || num(t, updated, "id") != id {
		t.Errorf("updated: %v", updated)
	}
	for _, tc := range []struct{ body, want string }{
		{body("", 310, `[]`), "name"},
		{body("x", 999, `[]`), "folder_id"},
		{body("x", 310, `[{"id": 999, "type": "recipe"}]`), "assets"},
		{body("x", 310, `[{"id": 340}]`), "assets"},
	} {
		status, raw := e.call("POST", "/managed_users/300/export_manifests", tc.body)
		var v struct{ Errors map[string][]string }
		json.Unmarshal(raw, &v)
		if status != 400 || v.Errors[tc.want] == nil {
			t.Errorf("%s: %d %s, want a 400 naming %s", tc.body, status, raw, tc.want)
		}
	}
	e.json("DELETE", fmt.Sprintf("/managed_users/300/export_manifests/%d", id), nil, 200)
	if s, _ := e.call("GET", fmt.Sprintf("/managed_users/300/export_manifests/%d", id), nil); s != 404 {
		t.Errorf("deleted manifest: %d", s)
	}
	if s, _ := e.call("POST", fmt.Sprintf("/managed_users/300/exports/%d", id), nil); s != 404 {
		t.Errorf("export of a deleted manifest: %d", s)
	}
}

// export runs a manifest through an export and returns the zip.
func (e *env) export(manifest string) []byte {
	e.t.Helper()
	m := obj(e.t, obj(e.t, e.json("POST", "/managed_users/EDEV/export_manifests", manifest, 200))["result"])
	started := obj(e.t, e.json("POST", fmt.Sprintf("/managed_users/EDEV/exports/%d", num(e.t, m, "id")), nil, 200))
	if started["status"] != "in_progress" || started["download_url"] != nil || num(e.t, started, "export_manifest_id") != num(e.t, m, "id") {
		e.t.Fatalf("started: %v", started)
	}
	statusPath := fmt.Sprintf("/managed_users/EDEV/exports/%d", num(e.t, started, "id"))
	if s, _ := e.call("GET", statusPath+"/download", nil); s != 404 {
		e.t.Errorf("download before completion: %d", s)
	}
	if first := obj(e.t, e.json("GET", statusPath, nil, 200)); first["status"] != "in_progress" {
		e.t.Fatalf("first poll: %v", first)
	}
	done := obj(e.t, e.json("GET", statusPath, nil, 200))
	url, _ := done["download_url"].(string)
	if done["status"] != "completed" || url != fmt.Sprintf("/api/managed_users/300/exports/%d/download", num(e.t, started, "id")) {
		e.t.Fatalf("second poll: %v", done)
	}
	status, data := e.call("GET", url[len("/api"):], nil)
	if status != 200 {
		e.t.Fatalf("download: %d %s", status, data)
	}
	return data
}

func unzipAll(t *testing.T, data []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		out[f.Name] = string(b)
	}
	return out
}

func TestExportBuildsAnImportablePackage(t *testing.T) {
	e := newEnv(t, Options{}, devSeed)
	data := e.export(`{"export_manifest": {"name": "pull", "folder_id": 310, "assets": [], "auto_generate_assets": true}}`)
	files := unzipAll(t, data)
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range files {
			if !yield(k) {
				return
			}
		}
	})
	want := []string{"Nightly Jobs/", "Nightly Jobs/nightly_cleanup.recipe.json", "salesforce.connection.json",
		"shared_slack.connection.json", "sync_accounts_to_salesforce.recipe.json"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Fatalf("zip entries (-want +got):\n%s", diff)
	}
	wantRecipe := `{
  "name": "Sync accounts to Salesforce",
  "description": "",
  "version": 3,
  "private": true,
  "concurrency": 1,
  "code": {
    "keyword": "trigger",
    "provider": "workato_webhooks",
    "block": [
      {
        "provider": "salesforce"
      }
    ]
  },
  "config": [
    {
      "keyword": "application",
      "provider": "workato_webhooks",
      "skip_validation": false,
      "account_id": null
    },
    {
      "keyword": "application",
      "provider": "salesforce",
      "skip_validation": false,
      "account_id": {
        "zip_name": "salesforce.connection.json",
        "name": "Salesforce",
        "folder": ""
      }
    }
  ]
}
`
	if diff := cmp.Diff(wantRecipe, files["sync_accounts_to_salesforce.recipe.json"]); diff != "" {
		t.Errorf("recipe file (-want +got):\n%s", diff)
	}
	if got := files["shared_slack.connection.json"]; got != "{\n  \"name\": \"Shared Slack\",\n  \"provider\": \"slack\",\n  \"root_folder\": true\n}\n" {
		t.Errorf("dependency connection: %s", got)
	}
	if _, err := parsePackage(data); err != nil {
		t.Fatalf("the sandbox's import cannot read its own export: %v", err)
	}
	if again := e.export(`{"export_manifest": {"name": "pull", "folder_id": 310, "assets": [], "auto_generate_assets": true}}`); !cmp.Equal(files, unzipAll(t, again)) {
		t.Error("a second export of an unchanged folder has other contents")
	}

	// Round trip: import the package into the Other folder; its recipes
	// arrive with the same code, bound to connections the import made.
	e.json("POST", "/managed_users/300/folders", `{"name": "Copy", "parent_id": 320}`, 200)
	copyID := e.srv.Snapshot().Customers[0].Folders[1].Folders[0].ID
	// The package holds a root-folder asset, so Workato requires a folder for it.
	e.json("POST", fmt.Sprintf("/managed_users/300/imports?folder_id=%d&restart_recipes=true", copyID), data, 422)
	imp := obj(t, e.json("POST", fmt.Sprintf("/managed_users/300/imports?folder_id=%d&restart_recipes=true&folder_id_for_home_assets=%d", copyID, copyID), data, 200))
	path := fmt.Sprintf("/managed_users/300/imports/%d", num(t, imp, "id"))
	e.json("GET", path, nil, 200)
	if done := obj(t, e.json("GET", path, nil, 200)); done["status"] != "completed" {
		t.Fatalf("import of the export: %v", done)
	}
	var copied []string
	for _, r := range e.srv.Snapshot().Customers[0].Recipes {
		if r.Folder == "Other/Copy" || r.Folder == "Other/Copy/Nightly Jobs" {
			copied = append(copied, r.Folder+"/"+r.Name+" "+string(r.Code))
		}
	}
	wantCopied := []string{
		`Other/Copy/Sync accounts to Salesforce {"keyword":"trigger","provider":"workato_webhooks","block":[{"provider":"salesforce"}]}`,
		`Other/Copy/Nightly Jobs/Nightly cleanup! {"keyword":"trigger","provider":"clock"}`,
	}
	if diff := cmp.Diff(wantCopied, copied); diff != "" {
		t.Errorf("imported recipes (-want +got):\n%s", diff)
	}
}

// Without auto_generate_assets an export holds what the manifest lists,
// plus the connections those recipes need.
func TestExportOfListedAssets(t *testing.T) {
	e := newEnv(t, Options{}, devSeed)
	data := e.export(`{"export_manifest": {"name": "one", "folder_id": 310, "assets": [{"id": 341, "type": "recipe", "checked": true}]}}`)
	files := unzipAll(t, data)
	if len(files) != 3 || files["shared_slack.connection.json"] == "" || files["Nightly Jobs/nightly_cleanup.recipe.json"] == "" {
		t.Errorf("entries: %v", slices.Collect(func(yield func(string) bool) {
			for k := range files {
				yield(k)
			}
		}))
	}
}
