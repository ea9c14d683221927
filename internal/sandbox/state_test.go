package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestStatePersistsAndReloads(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	e := newEnv(t, Options{StatePath: path}, acmeSeed)
	e.json("POST", "/managed_users/98178/folders", map[string]any{"name": "Added"}, 200)
	e.json("POST", "/managed_users/98178/connections", map[string]any{"name": "Slack", "provider": "slack", "input": map[string]any{"bot_token": "xoxb-1"}}, 200)
	e.json("PUT", "/managed_users/98178/recipes/500/stop", nil, 200)
	e.json("POST", "/managed_users/98178/properties", map[string]any{"properties": map[string]string{"k": "v"}}, 200)
	started := obj(t, e.json("POST", "/managed_users/98178/imports?folder_id=1790", salesforcePackage(t, "1"), 200))

	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	want := e.srv.Snapshot()

	srv2, err := New(Options{StatePath: path, Now: e.clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, srv2.Snapshot()); diff != "" {
		t.Errorf("reloaded state (-want +got):\n%s", diff)
	}
	if srv2.InputDigest(map[string]any{"bot_token": "xoxb-1"}) != e.srv.InputDigest(map[string]any{"bot_token": "xoxb-1"}) {
		t.Error("the input digest key did not survive a reload")
	}
	// New objects never reuse an id, and the unfinished import fails.
	ts2 := &env{t: t, srv: srv2, clk: e.clk}
	ts2.ts = newHTTPServer(t, srv2)
	f := obj(t, ts2.json("POST", "/managed_users/98178/folders", map[string]any{"name": "Later"}, 200))
	if num(t, f, "id") <= maxStateID(want) {
		t.Errorf("id %v reused", f["id"])
	}
	st := obj(t, ts2.json("GET", fmt.Sprintf("/managed_users/98178/imports/%d", num(t, started, "id")), nil, 200))
	if st["status"] != "failed" {
		t.Errorf("an import in progress across a restart: %v", st)
	}
}

func TestSeedRoundTrip(t *testing.T) {
	e := newEnv(t, Options{}, acmeSeed)
	first := e.srv.Snapshot()
	data, err := json.Marshal(first)
	if err != nil {
		t.Fatal(err)
	}
	srv2, _ := New(Options{})
	if err := srv2.LoadSeed(strings.NewReader(string(data))); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first, srv2.Snapshot()); diff != "" {
		t.Errorf("a saved state is a seed (-want +got):\n%s", diff)
	}
	c := first.Customers[0]
	if c.Recipes[0].Config[0].AccountID != 36 || c.Connections[0].Folder != "Integrations/Salesforce" {
		t.Errorf("seed references were not resolved: %+v %+v", c.Recipes[0], c.Connections[0])
	}
}

func TestSnapshotIsACopy(t *testing.T) {
	e := newEnv(t, Options{}, acmeSeed)
	snap := e.srv.Snapshot()
	snap.Customers[0].Connections[0].Tags[0] = "changed"
	snap.Customers[0].Properties["other.key"] = "changed"
	snap.Customers[0].Recipes[0].Config[0].AccountID = 1
	again := e.srv.Snapshot()
	if again.Customers[0].Connections[0].Tags[0] == "changed" || again.Customers[0].Properties["other.key"] == "changed" ||
		again.Customers[0].Recipes[0].Config[0].AccountID == 1 {
		t.Error("Snapshot shares memory with the server")
	}
}

func TestBadSeeds(t *testing.T) {
	tests := []struct{ name, seed, want string }{
		{"unknown field", `{"customers":[],"tenants":[]}`, "unknown field"},
		{"no name", `{"customers":[{}]}`, "name is required"},
		{"dangling folder", `{"customers":[{"name":"C","connections":[{"name":"x","provider":"jira","folder":"Nope"}]}]}`, `folder "Nope" not found`},
		{"dangling connection", `{"customers":[{"name":"C","recipes":[{"name":"r","config":[{"provider":"jira","connection":"J"}]}]}]}`, `connection "J" not found`},
		{"duplicate external id", `{"customers":[{"name":"A","external_id":"X"},{"name":"B","external_id":"X"}]}`, "duplicate external_id"},
		{"property too long", `{"customers":[{"name":"C","properties":{"k":"` + strings.Repeat("v", 1025) + `"}}]}`, "too long"},
		{"future format", `{"format_version":99,"customers":[]}`, "newer"},
		{"environment of nobody", `{"customers":[{"id":5,"name":"T","environment_of":4,"environment_type":"test"}]}`, "environment_of 4 is not a customer"},
		{"environment of an environment", `{"customers":[{"id":4,"name":"C"},{"id":5,"name":"T","environment_of":4,"environment_type":"test"},{"id":6,"name":"U","environment_of":5,"environment_type":"prod"}]}`, "environment_of 5 is not a customer"},
		{"environment type", `{"customers":[{"id":4,"name":"C"},{"id":5,"name":"T","environment_of":4,"environment_type":"staging"}]}`, `environment_type "staging"`},
		{"two prods", `{"customers":[{"id":4,"name":"C"},{"id":5,"name":"P","environment_of":4,"environment_type":"prod"},{"id":6,"name":"Q","environment_of":4,"environment_type":"prod"}]}`, "two prod environments"},
	}
	for _, tt := range tests {
		srv, _ := New(Options{})
		err := srv.LoadSeed(strings.NewReader(tt.seed))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestTransport(t *testing.T) {
	srv, err := New(Options{Token: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.LoadSeed(strings.NewReader(acmeSeed)); err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: srv.Transport()}
	req, _ := http.NewRequest("POST", "http://sandbox/api/managed_users/EA2300/connections",
		strings.NewReader(`{"name":"Via transport","provider":"slack"}`))
	req.Header.Set("Authorization", "Bearer tok")
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/json; charset=utf-8" || !strings.Contains(string(body), `"Via transport"`) {
		t.Errorf("got %d %v %s", res.StatusCode, res.Header, body)
	}
	res, err = client.Get("http://sandbox/api/managed_users")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Errorf("no token: %d", res.StatusCode)
	}
	if got := srv.Stats().Requests["POST /managed_users/:id/connections"]; got != 1 {
		t.Errorf("transport requests are not counted: %d", got)
	}
}
