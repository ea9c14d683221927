package sandbox

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func names(t *testing.T, list []any) []string {
	t.Helper()
	var out []string
	for _, x := range list {
		out = append(out, obj(t, x)["name"].(string))
	}
	return out
}

func TestFoldersAreNotRecursive(t *testing.T) {
	e := newEnv(t, Options{}, acmeSeed)
	top := result(t, e.json("GET", "/managed_users/98178/folders", nil, 200))
	if diff := cmp.Diff([]string{"Integrations"}, names(t, top)); diff != "" {
		t.Errorf("Home children (-want +got):\n%s", diff)
	}
	f := obj(t, top[0])
	if f["is_project"] != true || f["project_id"] == nil || f["project_id"] == f["id"] || f["parent_id"] != float64(4515) {
		t.Errorf("top-level folder should be a project with its own project_id under Home: %v", f)
	}
	kids := result(t, e.json("GET", "/managed_users/98178/folders?parent_id=1789", nil, 200))
	if diff := cmp.Diff([]string{"Salesforce"}, names(t, kids)); diff != "" {
		t.Errorf("children of 1789 (-want +got):\n%s", diff)
	}
	k := obj(t, kids[0])
	if k["is_project"] != false || k["project_id"] != f["project_id"] {
		t.Errorf("nested folder should carry its project's id: %v", k)
	}
	e.json("GET", "/managed_users/98178/folders?parent_id=123456", nil, 404)
	projects := result(t, e.json("GET", "/managed_users/98178/projects", nil, 200))
	p := obj(t, projects[0])
	if p["id"] != f["project_id"] || p["folder_id"] != f["id"] {
		t.Errorf("project %v does not match folder %v", p, f)
	}
}

func TestFolderPaging(t *testing.T) {
	e := newEnv(t, Options{}, acmeSeed)
	for i := range 250 {
		e.json("POST", "/managed_users/98178/folders", map[string]any{"name": fmt.Sprintf("f%03d", i), "parent_id": 1790}, 200)
	}
	var sizes []int
	seen := map[string]bool{}
	for page := 1; page <= 4; page++ {
		list := result(t, e.json("GET", fmt.Sprintf("/managed_users/98178/folders?parent_id=1790&page=%d", page), nil, 200))
		sizes = append(sizes, len(list))
		for _, n := range names(t, list) {
			seen[n] = true
		}
	}
	if diff := cmp.Diff([]int{100, 100, 50, 0}, sizes); diff != "" {
		t.Errorf("page sizes (-want +got):\n%s", diff)
	}
	if len(seen) != 250 {
		t.Errorf("saw %d distinct folders, want 250", len(seen))
	}
	list := result(t, e.json("GET", "/managed_users/98178/folders?parent_id=1790&per_page=500", nil, 200))
	if len(list) != 100 {
		t.Errorf("per_page=500 gave %d, want the max 100", len(list))
	}
	if top := result(t, e.json("GET", "/managed_users/98178/folders", nil, 200)); len(top) != 1 {
		t.Errorf("Home has %d children, want 1: the new folders are nested", len(top))
	}
}

func TestFolderMove(t *testing.T) {
	e := newEnv(t, Options{}, acmeSeed)
	e.json("PUT", "/managed_users/98178/folders/1789", map[string]any{"parent_id": 1790}, 400) // a cycle
	moved := obj(t, e.json("PUT", "/managed_users/98178/folders/1790", map[string]any{"parent_id": nil}, 200))
	if moved["is_project"] != true || moved["project_id"] == nil {
		t.Errorf("moved to the top level, want a project: %v", moved)
	}
	e.json("PUT", "/managed_users/98178/folders/4515", map[string]any{"name": "x"}, 404) // Home
}

func TestCustomers(t *testing.T) {
	e := newEnv(t, Options{}, acmeSeed)
	for i := range 3 {
		e.json("POST", "/managed_users", map[string]any{"name": fmt.Sprint("C", i), "notification_email": "c@x", "external_id": fmt.Sprint("X", i)}, 200)
	}
	dup := obj(t, e.json("POST", "/managed_users", map[string]any{"name": "D", "notification_email": "d@x", "external_id": "A2300"}, 400))
	if dup["message"] != "External id has already been taken" {
		t.Errorf("duplicate external id: %v", dup)
	}
	page2 := result(t, e.json("GET", "/managed_users?page=2&per_page=2", nil, 200))
	if diff := cmp.Diff([]string{"C1", "C2"}, names(t, page2)); diff != "" {
		t.Errorf("page 2 (-want +got):\n%s", diff)
	}
	got := obj(t, e.json("PUT", "/managed_users/EX1", map[string]any{"external_id": "Y1", "origin_url": nil}, 200))
	if got["external_id"] != "Y1" || got["origin_url"] != nil || got["name"] != "C1" {
		t.Errorf("update changed the wrong fields: %v", got)
	}
	e.json("GET", "/managed_users/EY1", nil, 200)
	e.json("GET", "/managed_users/EX1", nil, 404)
	e.json("PUT", "/managed_users/EY1", map[string]any{"name": nil}, 400)
	// An external id needing escapes is addressed URL-encoded.
	e.json("POST", "/managed_users", map[string]any{"name": "S", "notification_email": "s@x", "external_id": "a/b c"}, 200)
	e.json("GET", "/managed_users/Ea%2Fb%20c", nil, 200)
}

func TestConnectionLifecycle(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, Options{StatePath: dir + "/state.json"}, acmeSeed)
	shell := obj(t, e.json("POST", "/managed_users/98178/connections", map[string]any{
		"name": "Jira", "provider": "jira", "folder_id": "1790", "shell_connection": true,
		"input": map[string]any{"password": "hunter2-shell"}}, 200))
	if shell["authorization_status"] != nil || shell["authorized_at"] != nil || shell["folder_id"] != float64(1790) {
		t.Errorf("shell connection should start disconnected in its folder: %v", shell)
	}
	ok := obj(t, e.json("POST", "/managed_users/98178/connections", map[string]any{
		"name": "Jira 2", "provider": "jira", "input": map[string]any{"password": "hunter2-good"}}, 200))
	if ok["authorization_status"] != "success" || ok["authorized_at"] == nil || ok["authorization_error"] != nil {
		t.Errorf("tested connection should succeed: %v", ok)
	}
	bad := obj(t, e.json("POST", "/managed_users/98178/connections", map[string]any{
		"name": "Jira 3", "provider": "jira", "input": map[string]any{"password": "invalid"}}, 200))
	if bad["authorization_status"] != "failed" || bad["authorization_error"] == nil {
		t.Errorf("tested connection should fail: %v", bad)
	}
	id := num(t, bad, "id")
	fixed := obj(t, e.json("PUT", fmt.Sprintf("/managed_users/98178/connections/%d", id), map[string]any{
		"input": map[string]any{"password": "hunter2-fixed"}}, 200))
	if fixed["authorization_status"] != "success" {
		t.Errorf("update with input should re-test: %v", fixed)
	}
	want := e.srv.InputDigest(map[string]any{"password": "hunter2-fixed"})
	for _, c := range e.srv.Snapshot().Customers[0].Connections {
		if c.ID == id && c.InputDigest != want {
			t.Errorf("input digest %q, want %q", c.InputDigest, want)
		}
	}
	// Inputs are never echoed, and never stored in plain text.
	_, raw := e.call("GET", "/managed_users/98178/connections", nil)
	state, err := os.ReadFile(dir + "/state.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, where := range []string{string(raw), string(state)} {
		if strings.Contains(where, "hunter2") || strings.Contains(where, `"input"`) {
			t.Errorf("an input leaked: %s", where)
		}
	}
}

func TestConnectionFilters(t *testing.T) {
	e := newEnv(t, Options{}, acmeSeed)
	e.json("POST", "/managed_users/98178/connections", map[string]any{"name": "Child", "provider": "salesforce", "parent_id": 36}, 200)
	e.json("POST", "/managed_users/98178/connections", map[string]any{"name": "Bad child", "provider": "jira", "parent_id": 36}, 400)
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{"ACME Production Salesforce connection", "ACME google sheet account", "Child"}},
		{"?provider=salesforce", []string{"ACME Production Salesforce connection", "Child"}},
		{"?folder_id=1790", []string{"ACME Production Salesforce connection"}},
		{"?folder_id=1789", nil},
		{"?parent_id=36", []string{"Child"}},
		{"?external_id=U12904", []string{"ACME Production Salesforce connection"}},
	}
	for _, tt := range tests {
		got := names(t, result(t, e.json("GET", "/managed_users/98178/connections"+tt.query, nil, 200)))
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.query, diff)
		}
	}
	first := obj(t, result(t, e.json("GET", "/managed_users/98178/connections", nil, 200))[0])
	if _, ok := first["tags"]; ok {
		t.Errorf("tags without includes[]=tags: %v", first)
	}
}

func TestDisconnectWhileUsed(t *testing.T) {
	e := newEnv(t, Options{}, acmeSeed)
	refused := obj(t, e.json("POST", "/managed_users/98178/connections/36/disconnect", nil, 200))
	if refused["success"] != false || refused["status"] != "rejected" {
		t.Errorf("disconnect of a connection a running recipe uses: %v", refused)
	}
	e.json("POST", "/managed_users/98178/connections/36/disconnect?force=true", nil, 200)
	conns := result(t, e.json("GET", "/managed_users/98178/connections?provider=salesforce", nil, 200))
	if got := obj(t, conns[0]); got["authorization_status"] != nil || got["authorized_at"] != nil {
		t.Errorf("forced disconnect left %v", got)
	}
	e.json("PUT", "/managed_users/98178/recipes/500/stop", nil, 200)
	refused = obj(t, e.json("PUT", "/managed_users/98178/recipes/500/start", nil, 200))
	if refused["success"] != false || refused["config_errors"] == nil {
		t.Errorf("start with a disconnected connection: %v", refused)
	}
}

func TestProperties(t *testing.T) {
	e := newEnv(t, Options{}, acmeSeed)
	e.json("POST", "/managed_users/98178/properties", map[string]any{"properties": map[string]string{
		"workato_gitops.a": "1", "workato_gitops.owner": "team-b"}}, 200)
	got := obj(t, e.json("GET", "/managed_users/98178/properties?prefix=workato_gitops.", nil, 200))["result"]
	want := map[string]any{"workato_gitops.a": "1", "workato_gitops.owner": "team-b"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("merged properties (-want +got):\n%s", diff)
	}
	all := obj(t, obj(t, e.json("GET", "/managed_users/98178/properties", nil, 200))["result"])
	if all["other.key"] != "x" {
		t.Errorf("upsert dropped an unrelated property: %v", all)
	}
	tests := []map[string]string{
		{strings.Repeat("n", 101): "v"},
		{"k": strings.Repeat("v", 1025)},
		{"": "v"},
	}
	for _, props := range tests {
		e.json("POST", "/managed_users/98178/properties", map[string]any{"properties": props}, 400)
	}
	e.json("POST", "/managed_users/98178/properties", map[string]any{"properties": map[string]string{strings.Repeat("n", 100): strings.Repeat("v", 1024)}}, 200)
	many := map[string]string{}
	for i := range 998 {
		many[fmt.Sprint("p", i)] = "v"
	}
	e.json("POST", "/managed_users/98178/properties", map[string]any{"properties": many}, 400) // 4 + 998 > 1000
	delete(many, "p0")
	delete(many, "p1")
	e.json("POST", "/managed_users/98178/properties", map[string]any{"properties": many}, 200)
}

func TestRecipesNewestFirst(t *testing.T) {
	seed := `{"customers":[{"id":1,"name":"C","home_folder_id":2,"folders":[{"id":3,"name":"P"}],"recipes":[` +
		strings.TrimSuffix(strings.Repeat(`{"name":"r","folder":"P"},`, 25), ",") + `,{"name":"home","running":true}]}]}`
	e := newEnv(t, Options{}, seed)
	var ids []int64
	for page := 1; ; page++ {
		list := result(t, e.json("GET", fmt.Sprintf("/managed_users/1/recipes?folder_id=3&page=%d", page), nil, 200))
		for _, r := range list {
			ids = append(ids, num(t, r, "id"))
		}
		if len(list) < 10 {
			break
		}
	}
	if len(ids) != 25 {
		t.Fatalf("got %d recipes, want 25", len(ids))
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] >= ids[i-1] {
			t.Fatalf("not in descending id order: %v", ids)
		}
	}
	since := result(t, e.json("GET", fmt.Sprintf("/managed_users/1/recipes?since_id=%d&per_page=100", ids[9]), nil, 200))
	if len(since) != 15 || num(t, since[0], "id") != ids[10] {
		t.Errorf("since_id=%d gave %d recipes starting at %v", ids[9], len(since), since[0])
	}
	running := result(t, e.json("GET", "/managed_users/1/recipes?running=true", nil, 200))
	if diff := cmp.Diff([]string{"home"}, names(t, running)); diff != "" {
		t.Errorf("running filter (-want +got):\n%s", diff)
	}
	code := obj(t, running[0])["code"]
	if _, ok := code.(string); !ok {
		t.Errorf("code should be a JSON string, got %T", code)
	}
}
