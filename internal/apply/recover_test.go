package apply_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/sandbox"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// How a hooked call fails.
type failure int

const (
	dropBefore      failure = iota // the connection drops before the sandbox sees the call
	dropAfterCommit                // the sandbox makes the change, then the connection drops
	errAfterCommit                 // the sandbox makes the change, then the answer is a 500
)

// nthCall fails the nth call (1-based) matching method and path (a
// regular expression on the URL path) in the way fail says, and counts
// the matching calls.
type nthCall struct {
	next   http.Handler
	method string
	path   *regexp.Regexp
	n      int
	fail   failure

	mu   sync.Mutex
	seen int
}

func (h *nthCall) calls() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.seen
}

func (h *nthCall) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hit := false
	if r.Method == h.method && h.path.MatchString(r.URL.Path) {
		h.mu.Lock()
		h.seen++
		hit = h.seen == h.n
		h.mu.Unlock()
	}
	drop := func() {
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
	}
	switch {
	case !hit:
		h.next.ServeHTTP(w, r)
	case h.fail == dropBefore:
		io.Copy(io.Discard, r.Body)
		drop()
	case h.fail == dropAfterCommit:
		h.next.ServeHTTP(httptest.NewRecorder(), r)
		drop()
	default:
		h.next.ServeHTTP(httptest.NewRecorder(), r)
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, `{"message":"Server error","id":"injected"}`)
	}
}

// hookedLoop is a plan-and-apply loop on a sandbox seeded with state,
// behind hook, through a client that makes one attempt per call, so that
// every failure reaches apply (retries of idempotent calls are the
// client's, and tested there).
func hookedLoop(t *testing.T, state sandbox.State, hook *nthCall) (*sandbox.Server, *loop) {
	t.Helper()
	srv, err := sandbox.New(sandbox.Options{}) // invitations stay pending, as for invitees without an account
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(state)
	if err := srv.LoadSeed(bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	hook.next = srv
	hs := httptest.NewServer(hook)
	t.Cleanup(hs.Close)
	client, err := workato.New(workato.Config{BaseURL: hs.URL + "/api",
		Retry: workato.RetryPolicy{MaxAttempts: 1, BaseDelay: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return srv, &loop{t: t, client: client, opts: plan.Options{MaxDeletesPerTenant: 50, MaxDeletesTotal: 50}}
}

// countObjects counts, in every workspace, the customers, folders (at
// any depth), connections, members and pending invitations.
func countObjects(s sandbox.State) map[string]int {
	n := map[string]int{"customers": len(s.Customers)}
	var walk func([]sandbox.Folder)
	walk = func(fs []sandbox.Folder) {
		for _, f := range fs {
			n["folders"]++
			walk(f.Folders)
		}
	}
	for _, c := range s.Customers {
		walk(c.Folders)
		n["connections"] += len(c.Connections)
		n["members"] += len(c.Members)
		n["invitations"] += len(c.Invitations)
	}
	return n
}

// TestAmbiguousCreateRecovered: a create whose answer is lost (the
// connection drops, or a 500 comes back, after the change was made) is
// found by its natural key and recorded, never sent again; one lost before
// the server saw it is sent again. Either way one apply converges with one
// object.
func TestAmbiguousCreateRecovered(t *testing.T) {
	newWorkspace := sandbox.State{}
	cases := []struct {
		name      string
		seed      sandbox.State
		method    string
		path      string
		fail      failure
		wantCalls int
		count     string
	}{
		{"customer, 500 after commit", newWorkspace, "POST", `^/api/managed_users$`, errAfterCommit, 1, "customers"},
		{"folder, dropped after commit", emptyCustomer(nil), "POST", `/folders$`, dropAfterCommit, 1, "folders"},
		{"folder, dropped before", emptyCustomer(nil), "POST", `/folders$`, dropBefore, 2, "folders"},
		{"connection, dropped after commit", emptyCustomer(nil), "POST", `/connections$`, dropAfterCommit, 1, "connections"},
		{"connection, 500 after commit", emptyCustomer(nil), "POST", `/connections$`, errAfterCommit, 1, "connections"},
		// No API lists invitations, so a lost answer is sent again; the
		// 20-minute rule refuses it, and the refusal records it pending.
		{"member, dropped after commit", emptyCustomer(nil), "POST", `/member_invitations$`, dropAfterCommit, 2, "invitations"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hook := &nthCall{method: tc.method, path: regexp.MustCompile(tc.path), n: 1, fail: tc.fail}
			srv, l := hookedLoop(t, tc.seed, hook)
			tenant := bareTenant()
			tenant.Folders = []spec.Folder{{Path: "A"}}
			tenant.Connections = []spec.Connection{shell("Slack", "A")}
			tenant.Members = []spec.Member{{Email: "al@acme.example", Name: "Al", Role: "Admin"}}
			l.apply(tenant)
			if got := hook.calls(); got != tc.wantCalls {
				t.Errorf("%s %s sent %d times, want %d", tc.method, tc.path, got, tc.wantCalls)
			}
			got := countObjects(srv.Snapshot())
			if got[tc.count] != 1 {
				t.Errorf("%d %s after the apply, want 1 (%v)", got[tc.count], tc.count, got)
			}
			l.converged(tenant)
		})
	}
}

// TestAmbiguousUpdateVerified: an update whose answer is lost is read
// back; the field is what was sent, so it is done, and not sent again.
func TestAmbiguousUpdateVerified(t *testing.T) {
	seed := emptyCustomer(func(c *sandbox.Customer, led *plan.Ledger) {
		c.Name = "Old name"
		c.Connections = []sandbox.Connection{{ID: 300, Name: "Slack", Provider: "slack", ExternalID: "old"}}
		led.Connections[300] = plan.LedgerConnection{Name: "Slack"}
	})
	cases := []struct {
		name, path string
		fail       failure
	}{
		{"customer name", `^/api/managed_users/100$`, errAfterCommit},
		{"connection external id", `/connections/300$`, dropAfterCommit},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hook := &nthCall{method: "PUT", path: regexp.MustCompile(tc.path), n: 1, fail: tc.fail}
			srv, l := hookedLoop(t, seed, hook)
			tenant := bareTenant()
			tenant.Connections = []spec.Connection{{Name: "Slack", Provider: "slack", State: spec.StateShell, ExternalID: "new"}}
			l.apply(tenant)
			if got := hook.calls(); got != 1 {
				t.Errorf("PUT %s sent %d times, want 1", tc.path, got)
			}
			c := srv.Snapshot().Customers[0]
			if c.Name != "ACME" || len(c.Connections) != 1 || c.Connections[0].ExternalID != "new" {
				t.Errorf("after the apply: name %q, connections %+v", c.Name, c.Connections)
			}
			l.converged(tenant)
		})
	}
}

// TestAmbiguousDeleteVerified: a delete whose answer is lost is checked
// by listing: the object is gone, so the delete is done and the ledger
// forgets it.
func TestAmbiguousDeleteVerified(t *testing.T) {
	seed := emptyCustomer(func(c *sandbox.Customer, led *plan.Ledger) {
		c.Folders = []sandbox.Folder{{ID: 200, Name: "Old"}}
		led.Folders[200] = plan.LedgerFolder{Path: "Old"}
		c.Connections = []sandbox.Connection{{ID: 300, Name: "Gone", Provider: "http"}}
		led.Connections[300] = plan.LedgerConnection{Name: "Gone"}
		c.Members = []sandbox.Member{{ID: 400, Name: "Bo", Email: "bo@acme.example", RoleName: "Admin"}}
		led.Members[400] = plan.LedgerMember{Email: "bo@acme.example"}
	})
	cases := []struct{ name, path, count string }{
		{"connection", `/connections/300$`, "connections"},
		{"folder", `/(folders|projects)/\d+$`, "folders"},
		{"member", `/members/400$`, "members"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hook := &nthCall{method: "DELETE", path: regexp.MustCompile(tc.path), n: 1, fail: errAfterCommit}
			srv, l := hookedLoop(t, seed, hook)
			tenant := bareTenant()
			tenant.Prune = spec.Prune{Connections: true, Folders: true, Members: true}
			l.apply(tenant)
			if got := hook.calls(); got != 1 {
				t.Errorf("DELETE %s sent %d times, want 1", tc.path, got)
			}
			if n := countObjects(srv.Snapshot())[tc.count]; n != 0 {
				t.Errorf("%d %s left", n, tc.count)
			}
			c := srv.Snapshot().Customers[0]
			led, err := plan.ParseLedger(c.Properties, plan.NewLedgerKey(kindsKey, c.ID))
			if err != nil {
				t.Fatal(err)
			}
			if len(led.Connections)+len(led.Folders)+len(led.Members)+len(led.Unverified) != 0 {
				t.Errorf("the ledger still has %+v", led)
			}
			l.converged(tenant)
		})
	}
}

// TestAmbiguousRenameVerified: a folder rename whose answer is lost is
// verified by listing the parent: the folder has the new name, so the
// rename is done and not sent again.
func TestAmbiguousRenameVerified(t *testing.T) {
	seed := emptyCustomer(func(c *sandbox.Customer, led *plan.Ledger) {
		c.Folders = []sandbox.Folder{{ID: 200, Name: "Renamed by hand"}}
		led.Folders[200] = plan.LedgerFolder{Path: "A"}
	})
	hook := &nthCall{method: "PUT", path: regexp.MustCompile(`/folders/200$`), n: 1, fail: errAfterCommit}
	srv, l := hookedLoop(t, seed, hook)
	tenant := bareTenant()
	tenant.Folders = []spec.Folder{{Path: "A"}}
	tp := l.apply(tenant)
	if got := actionIDs(tp); len(got) != 1 || !strings.HasPrefix(got[0], "update folder") {
		t.Fatalf("actions %q, want one folder update", got)
	}
	if got := hook.calls(); got != 1 {
		t.Errorf("PUT sent %d times, want 1", got)
	}
	if fs := srv.Snapshot().Customers[0].Folders; len(fs) != 1 || fs[0].Name != "A" {
		t.Errorf("folders after the apply: %+v", fs)
	}
	l.converged(tenant)
}
