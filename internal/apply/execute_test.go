package apply_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/apply"
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/sandbox"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// refusing serves srv, answering 500 to every folder create whose body
// holds refuse while refuse is not empty.
func refusing(t *testing.T, srv *sandbox.Server, refuse *string) *workato.Client {
	t.Helper()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/folders") && *refuse != "" {
			body, _ := io.ReadAll(r.Body)
			if strings.Contains(string(body), *refuse) {
				http.Error(w, `{"message":"refused by the test"}`, http.StatusUnprocessableEntity)
				return
			}
			r.Body = io.NopCloser(strings.NewReader(string(body)))
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	client, err := workato.New(workato.Config{BaseURL: hs.URL + "/api", Retry: workato.RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// TestFailureSkipsOnlyDependents: when one action fails, the actions that
// depend on it are skipped with the reason, the others run, the ledger
// records what succeeded, and planning again shows exactly the rest,
// which a second apply finishes.
func TestFailureSkipsOnlyDependents(t *testing.T) {
	srv, _ := newSandbox(t, emptyCustomer(nil))
	refuse := `"Broken"`
	l := &loop{t: t, client: refusing(t, srv, &refuse), opts: plan.Options{MaxDeletesPerTenant: 5, MaxDeletesTotal: 5}}
	tenant := bareTenant()
	tenant.Folders = []spec.Folder{{Path: "Broken", Implied: true}, {Path: "Broken/Child"}, {Path: "Fine"}}
	tenant.Connections = []spec.Connection{shell("c", "Broken/Child"), shell("d", "Fine")}
	_, w := l.plan(tenant)
	x := &apply.Executor{Client: l.client, LeaseSettle: time.Millisecond, Packages: &apply.Packages{}}
	res := x.Apply(context.Background(), []apply.Work{w}).Tenants[0]
	outcomes := func(os []apply.Outcome) []string {
		var ids []string
		for _, o := range os {
			ids = append(ids, o.Action+": "+o.Reason)
		}
		return ids
	}
	wantRan := []string{"create folder Fine: ", "create connection Fine/d: "}
	wantSkipped := []string{
		"create folder Broken/Child: depends on create folder Broken, which did not succeed",
		"create connection Broken/Child/c: depends on create folder Broken/Child, which did not succeed",
	}
	if res.Status != apply.StatusPartial || len(res.Failed) != 1 || res.Failed[0].Action != "create folder Broken" {
		t.Errorf("status %s, failed %+v; want partial with create folder Broken failed", res.Status, res.Failed)
	}
	if got := outcomes(res.Ran); !sameSet(got, wantRan) {
		t.Errorf("ran %q, want %q", got, wantRan)
	}
	if got := outcomes(res.Skipped); !sameSet(got, wantSkipped) {
		t.Errorf("skipped %q, want %q", got, wantSkipped)
	}
	if res.Ledger != "written" {
		t.Errorf("ledger %q, want written", res.Ledger)
	}
	rest, _ := l.plan(tenant)
	want := []string{"create folder Broken", "create folder Broken/Child", "create connection Broken/Child/c"}
	if got := actionIDs(rest); !sameSet(got, want) {
		t.Errorf("planning again: %q, want %q", got, want)
	}
	refuse = ""
	l.apply(tenant)
	l.converged(tenant)
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, s := range a {
		seen[s]++
	}
	for _, s := range b {
		seen[s]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}

// TestReadsAndWritesShareOneBudget: the calls that read live state and
// the calls that change it go through one client's scheduler, so the
// writes never spend a budget the reads already used: the sandbox allows
// 3 folder calls a second and refuses none.
func TestReadsAndWritesShareOneBudget(t *testing.T) {
	limit := sandbox.Limit{Requests: 3, Per: 300 * time.Millisecond}
	srv, err := sandbox.New(sandbox.Options{RateLimits: true, Limits: map[string]sandbox.Limit{sandbox.ClassFolders: limit}})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.LoadSeed(strings.NewReader(`{"customers":[{"id":100,"external_id":"A1","name":"ACME","notification_email":"ops@acme.example","home_folder_id":101,"properties":{"workato_gitops.customer":"owned","workato_gitops.version":"1"}}]}`)); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	client, err := workato.New(workato.Config{BaseURL: hs.URL + "/api",
		Limits: workato.Limits{workato.ClassFolders: {Requests: limit.Requests, Per: limit.Per}}})
	if err != nil {
		t.Fatal(err)
	}
	l := &loop{t: t, client: client, opts: plan.Options{MaxDeletesPerTenant: 5, MaxDeletesTotal: 5}}
	tenant := bareTenant()
	tenant.Folders = []spec.Folder{{Path: "A", Implied: true}, {Path: "A/B"}, {Path: "C"}, {Path: "D"}}
	l.apply(tenant)
	l.converged(tenant)
	if n := srv.Stats().RateLimited; n != 0 {
		t.Errorf("the sandbox refused %d calls with 429: reads and writes did not share one budget", n)
	}
	if n := srv.Stats().Requests["POST /managed_users/:id/folders"]; n != 4 {
		t.Errorf("%d folder creates, want 4", n)
	}
}
