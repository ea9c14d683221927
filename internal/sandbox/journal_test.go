package sandbox

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fleetSeed is n customers with a folder each.
func fleetSeed(n int) string {
	var b strings.Builder
	b.WriteString(`{"customers":[`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"external_id":"F%04d","name":"Fleet %d","folders":[{"name":"A","folders":[{"name":"B"}]}]}`, i, i)
	}
	b.WriteString("]}")
	return b.String()
}

// reload starts a second server on the same state file.
func reload(t *testing.T, e *env, path string) *Server {
	t.Helper()
	srv, err := New(Options{StatePath: path, Now: e.clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// A change to one customer of many costs one small append: the bytes
// already on disk stay as they are, and what is added is far smaller than
// the state.
func TestJournalChangeCostsTheChange(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	e := newEnv(t, Options{StatePath: path}, fleetSeed(200))
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	e.json("POST", "/managed_users/EF0007/folders", map[string]any{"name": "Added"}, 200)
	e.json("PUT", "/managed_users/EF0150", map[string]any{"name": "Renamed"}, 200)
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(after, before) {
		t.Fatal("the state file was rewritten, not appended to")
	}
	if grown := len(after) - len(before); grown*20 > len(before) {
		t.Errorf("two changes to one customer each added %d bytes to a state of %d", grown, len(before))
	}
	if diff := cmp.Diff(e.srv.Snapshot(), reload(t, e, path).Snapshot()); diff != "" {
		t.Errorf("reloaded state (-want +got):\n%s", diff)
	}
}

// Every kind of change survives a reload, including ones the journal
// cannot attribute to a customer by its path (an external_id change).
func TestJournalReloadsEveryChange(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	e := newEnv(t, Options{StatePath: path}, acmeSeed)
	e.json("POST", "/managed_users", map[string]any{"name": "New Co", "external_id": "N1", "notification_email": "n@n.example"}, 200)
	e.json("POST", "/managed_users/EN1/members", map[string]any{"name": "N", "email": "n@n.example", "role_name": "Admin"}, 200)
	f := obj(t, e.json("POST", "/managed_users/EN1/folders", map[string]any{"name": "X"}, 200))
	e.json("PUT", fmt.Sprintf("/managed_users/EN1/folders/%d", num(t, f, "id")), map[string]any{"name": "Y"}, 200)
	e.json("PUT", "/managed_users/EN1", map[string]any{"external_id": "N2"}, 200)
	c := obj(t, e.json("POST", "/managed_users/EN2/connections", map[string]any{"name": "S", "provider": "slack"}, 200))
	e.json("POST", fmt.Sprintf("/managed_users/EN2/connections/%d/disconnect", num(t, c, "id")), nil, 200)
	e.json("DELETE", "/managed_users/98178/members/77", nil, 200)
	e.json("PUT", "/managed_users/98178/recipes/500/stop", nil, 200)
	e.json("POST", "/managed_users/98178/properties", map[string]any{"properties": map[string]string{"k": "v"}}, 200)
	job := obj(t, e.json("POST", "/managed_users/98178/imports?folder_id=1790", salesforcePackage(t, "1"), 200))
	e.clk.Advance(1e9)
	e.json("GET", fmt.Sprintf("/managed_users/98178/imports/%d", num(t, job, "id")), nil, 200)
	e.json("GET", fmt.Sprintf("/managed_users/98178/imports/%d", num(t, job, "id")), nil, 200)
	e.json("POST", "/managed_users", map[string]any{"name": "Last Co", "notification_email": "l@n.example"}, 200)
	if diff := cmp.Diff(e.srv.Snapshot(), reload(t, e, path).Snapshot()); diff != "" {
		t.Errorf("reloaded state (-want +got):\n%s", diff)
	}
}

// A process killed in the middle of an append leaves a last line without
// its newline: the state loads without it, and the next change cuts it
// away. A damaged complete line is an error, never skipped.
func TestJournalTornLastRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	e := newEnv(t, Options{StatePath: path}, acmeSeed)
	e.json("POST", "/managed_users/98178/folders", map[string]any{"name": "Kept"}, 200)
	want := e.srv.Snapshot()
	appendTo(t, path, `{"next_id":99999,"customers":[{"id":98178,"name":"Torn`)

	srv := reload(t, e, path)
	if diff := cmp.Diff(want, srv.Snapshot()); diff != "" {
		t.Fatalf("state with a torn record (-want +got):\n%s", diff)
	}
	e2 := &env{t: t, srv: srv, clk: e.clk, ts: newHTTPServer(t, srv)}
	e2.json("POST", "/managed_users/98178/folders", map[string]any{"name": "After"}, 200)
	data, _ := os.ReadFile(path)
	if bytes.Contains(data, []byte("Torn")) {
		t.Error("the torn record was not cut before the next append")
	}
	if diff := cmp.Diff(srv.Snapshot(), reload(t, e, path).Snapshot()); diff != "" {
		t.Errorf("reloaded state (-want +got):\n%s", diff)
	}

	appendTo(t, path, "{\"next_id\":1,\"customers\":[{\"bogus\":1}]}\n")
	if _, err := New(Options{StatePath: path}); err == nil || !strings.Contains(err.Error(), "record at byte") {
		t.Errorf("a damaged record: err = %v", err)
	}
}

func appendTo(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// The journal is compacted as it grows: the file stays within a small
// multiple of the state, and the compacted file reloads the same. The
// records add up to a quarter more than minCompactBytes (50 of 0-60 KB),
// so that a journal that never compacts fails the size check.
func TestJournalCompacts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	e := newEnv(t, Options{StatePath: path}, fleetSeed(20))
	long := strings.Repeat("d", 60000)
	written := 0
	for i := range 50 {
		name := fmt.Sprintf("n%d %s", i, long[:i*7919%len(long)])
		written += len(name)
		e.json("PUT", fmt.Sprintf("/managed_users/EF%04d", i%20), map[string]any{"name": name}, 200)
	}
	if written < minCompactBytes+minCompactBytes/4 {
		t.Fatalf("the changes wrote %d bytes of names, too few to need a compaction", written)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st, j, err := readJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	if j.size > max(j.baseSize, minCompactBytes)+int64(len(data))/10 || len(st.Customers) != 20 {
		t.Errorf("records of %d bytes after a base of %d: not compacted", j.size, j.baseSize)
	}
	if diff := cmp.Diff(e.srv.Snapshot(), reload(t, e, path).Snapshot()); diff != "" {
		t.Errorf("reloaded state (-want +got):\n%s", diff)
	}
}

// A hand-written seed used as the state file (ids to fill in) is written
// whole at the first change, so that a reload finds the ids this process
// handed out.
func TestJournalSeedAsStateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(path, []byte(fleetSeed(3)), 0o644); err != nil {
		t.Fatal(err)
	}
	clk := newClock()
	srv, err := New(Options{StatePath: path, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, srv: srv, clk: clk, ts: newHTTPServer(t, srv)}
	e.json("POST", "/managed_users/EF0001/folders", map[string]any{"name": "Added"}, 200)
	clk.Advance(3600e9)
	if diff := cmp.Diff(srv.Snapshot(), reload(t, e, path).Snapshot()); diff != "" {
		t.Errorf("reloaded state (-want +got):\n%s", diff)
	}
}

// Concurrent changes to many customers all reach the file, in order.
func TestJournalConcurrentChanges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	e := newEnv(t, Options{StatePath: path}, fleetSeed(16))
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			for k := range 10 {
				e.json("POST", fmt.Sprintf("/managed_users/EF%04d/folders", i), map[string]any{"name": fmt.Sprintf("f%d", k)}, 200)
				e.json("PUT", fmt.Sprintf("/managed_users/EF%04d", (i+k)%16), map[string]any{"name": fmt.Sprintf("n%d-%d", i, k)}, 200)
			}
		})
	}
	wg.Wait()
	if diff := cmp.Diff(e.srv.Snapshot(), reload(t, e, path).Snapshot()); diff != "" {
		t.Errorf("reloaded state (-want +got):\n%s", diff)
	}
}

// Customers are found by external id through an index that follows
// external id changes.
func TestCustomerIndexFollowsExternalIDs(t *testing.T) {
	e := newEnv(t, Options{}, fleetSeed(3))
	e.json("PUT", "/managed_users/EF0001", map[string]any{"external_id": "Y"}, 200)
	e.json("GET", "/managed_users/EF0001", nil, 404)
	if got := obj(t, e.json("GET", "/managed_users/EY", nil, 200)); got["name"] != "Fleet 1" {
		t.Errorf("EY = %v", got)
	}
	e.json("POST", "/managed_users", map[string]any{"name": "Reuse", "external_id": "F0001", "notification_email": "r@r.example"}, 200)
	if got := obj(t, e.json("GET", "/managed_users/EF0001", nil, 200)); got["name"] != "Reuse" {
		t.Errorf("EF0001 = %v", got)
	}
	if status, _ := e.call("PUT", "/managed_users/EF0002", map[string]any{"external_id": "Y"}); status == 200 {
		t.Error("a taken external id was accepted")
	}
}

// The in-process transport (sandbox:FILE) journals changes the same way.
func TestJournalThroughTransport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	clk := newClock()
	srv, err := New(Options{StatePath: path, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.LoadSeed(strings.NewReader(fleetSeed(5))); err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: srv.Transport()}
	for _, body := range []string{`{"name":"One"}`, `{"name":"Two"}`} {
		res, err := client.Post("http://sandbox/api/managed_users/EF0003/folders", "application/json", strings.NewReader(body))
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("POST: %v %v", res, err)
		}
		res.Body.Close()
	}
	srv2, err := New(Options{StatePath: path, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(srv.Snapshot(), srv2.Snapshot()); diff != "" {
		t.Errorf("reloaded state (-want +got):\n%s", diff)
	}
}
