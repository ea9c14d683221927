package apply_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/apply"
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/sandbox"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// leaseWorld is a workspace that exists (so apply takes its lease) and a
// manifest with six more folders than it has: six actions, applied one at
// a time, each of which moves the fake clock on by step.
type leaseWorld struct {
	t       *testing.T
	client  *workato.Client
	refuse  atomic.Bool // the properties endpoints answer 403
	stall   func()      // when set, called before a folder is created
	start   time.Time
	elapsed atomic.Int64
	work    []apply.Work
	cust    workato.CustomerRef
}

func newLeaseWorld(t *testing.T) *leaseWorld {
	t.Helper()
	w := &leaseWorld{t: t, start: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)}
	srv, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if w.refuse.Load() && strings.Contains(r.URL.Path, "/properties") {
			rw.Header().Set("Content-Type", "application/json")
			rw.WriteHeader(http.StatusForbidden)
			fmt.Fprint(rw, `{"message":"Forbidden"}`)
			return
		}
		if w.stall != nil && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/folders") {
			w.stall()
		}
		srv.ServeHTTP(rw, r)
	}))
	t.Cleanup(hs.Close)
	if w.client, err = workato.New(workato.Config{BaseURL: hs.URL + "/api"}); err != nil {
		t.Fatal(err)
	}
	key := spec.NewSecret("lease-fingerprint-key-0123456789abcdef")
	tenant := newTenants(1)[0]
	w.cust = workato.ByExternalID(tenant.Customer.ExternalID)
	// First apply: the workspace is created (no lease to take).
	if res := w.apply(key, tenant); res.Failed() {
		t.Fatalf("first apply: %+v", res.Tenants)
	}
	for i := range 6 {
		tenant.Folders = append(tenant.Folders, spec.Folder{Path: fmt.Sprintf("More %d", i)})
	}
	d := plan.Desired{Tenant: tenant, FingerprintKey: key}
	live := w.read(tenant)
	w.work = []apply.Work{{Plan: plan.Tenant(plan.Input{Desired: d, Live: live}, plan.Options{}), Desired: d, Live: live}}
	return w
}

func (w *leaseWorld) read(tenant *spec.Tenant) *plan.Live {
	live, err := (&apply.Reader{Client: w.client}).Tenant(context.Background(), tenant, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	return live
}

func (w *leaseWorld) apply(key spec.Secret, tenant *spec.Tenant) *apply.Result {
	d := plan.Desired{Tenant: tenant, FingerprintKey: key}
	live := w.read(tenant)
	x := &apply.Executor{Client: w.client, LeaseOwner: "test", LeaseSettle: time.Millisecond}
	return x.Apply(context.Background(), []apply.Work{{Plan: plan.Tenant(plan.Input{Desired: d, Live: live}, plan.Options{}), Desired: d, Live: live}})
}

func (w *leaseWorld) now() time.Time { return w.start.Add(time.Duration(w.elapsed.Load())) }

func (w *leaseWorld) advance(d time.Duration) { w.elapsed.Add(int64(d)) }

// leaseProperty is the workspace's lease as the server has it.
func (w *leaseWorld) leaseProperty() (owner string, expiry time.Time) {
	props, err := w.client.ListProperties(context.Background(), w.cust, plan.LeaseProperty)
	if err != nil {
		w.t.Fatal(err)
	}
	var l struct {
		Owner  string    `json:"owner"`
		Expiry time.Time `json:"expiry"`
	}
	if v := props[plan.LeaseProperty]; v != "" {
		if err := json.Unmarshal([]byte(v), &l); err != nil {
			w.t.Fatal(err)
		}
	}
	return l.Owner, l.Expiry
}

// run applies the six actions one at a time; onOK is called after each
// succeeds, with how many have.
func (w *leaseWorld) run(onOK func(n int)) apply.TenantResult {
	var mu sync.Mutex
	n := 0
	x := &apply.Executor{Client: w.client, PerTenant: 1, LeaseOwner: "this apply", LeaseSettle: time.Millisecond, Now: w.now,
		Events: func(ev apply.Event) {
			if ev.State != "ok" {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			n++
			onOK(n)
		}}
	res := x.Apply(context.Background(), w.work)
	return res.Tenants[0]
}

// TestLeaseIsRenewed: an apply that runs longer than its lease renews it
// at half-time, so another apply never finds the workspace free while it
// is still writing, and releases it at the end.
func TestLeaseIsRenewed(t *testing.T) {
	w := newLeaseWorld(t)
	var expired []string
	tr := w.run(func(n int) {
		w.advance(20 * time.Minute) // each action takes 20 minutes: 2 hours in all
		if owner, expiry := w.leaseProperty(); owner != "this apply" || !expiry.After(w.now()) {
			expired = append(expired, fmt.Sprintf("after action %d at +%s: lease of %q until %s", n, w.now().Sub(w.start), owner, expiry.Format(time.TimeOnly)))
		}
	})
	if len(expired) > 0 {
		t.Errorf("the workspace was free for another apply while this one wrote:\n  %s", strings.Join(expired, "\n  "))
	}
	if tr.Status != apply.StatusApplied || len(tr.Ran) != 6 {
		t.Errorf("apply: %s, %d ran, failed %+v, skipped %+v", tr.Status, len(tr.Ran), tr.Failed, tr.Skipped)
	}
	if owner, _ := w.leaseProperty(); owner != "" {
		t.Errorf("lease of %q left behind", owner)
	}
}

// TestLeaseLost: when another apply has taken the lease (ours expired
// while a call hung), no further action starts, the tenant fails saying
// why, and the other apply's lease is left alone.
func TestLeaseLost(t *testing.T) {
	w := newLeaseWorld(t)
	tr := w.run(func(n int) {
		if n != 2 {
			return
		}
		w.advance(61 * time.Minute)
		v, _ := json.Marshal(map[string]any{"owner": "ci run 7", "expiry": w.now().Add(time.Hour), "nonce": "n7"})
		if err := w.client.UpsertProperties(context.Background(), w.cust, map[string]string{plan.LeaseProperty: string(v)}); err != nil {
			t.Fatal(err)
		}
	})
	if len(tr.Ran) != 2 || len(tr.Skipped) != 4 {
		t.Errorf("after the lease was lost: %d ran, %d skipped; want 2 and 4", len(tr.Ran), len(tr.Skipped))
	}
	for _, s := range tr.Skipped {
		if !strings.Contains(s.Reason, `another apply took this workspace's lease (lease of "ci run 7"`) {
			t.Errorf("skipped for another reason: %+v", s)
		}
	}
	if tr.Status != apply.StatusPartial || len(tr.Failed) != 1 || tr.Failed[0].Action != "keep the workspace's lease" {
		t.Errorf("status %s, failed %+v; want partial with the lease named", tr.Status, tr.Failed)
	}
	if owner, _ := w.leaseProperty(); owner != "ci run 7" {
		t.Errorf("the other apply's lease was replaced: now %q", owner)
	}
	if tr.Ledger != "written" {
		t.Errorf("ledger %q: what did run must still be recorded", tr.Ledger)
	}
}

// TestLeaseExpiresUnrenewed: when the lease cannot be renewed (the
// properties endpoint refuses) and its time runs out, nothing more
// starts; while time is left, a failed renewal is only retried.
func TestLeaseExpiresUnrenewed(t *testing.T) {
	w := newLeaseWorld(t)
	tr := w.run(func(n int) {
		switch n {
		case 1:
			w.refuse.Store(true)
			w.advance(40 * time.Minute) // renewal due, fails, 20 minutes left
		case 2:
			w.advance(30 * time.Minute) // past the expiry
		}
	})
	if len(tr.Ran) != 2 || len(tr.Skipped) != 4 {
		t.Errorf("%d ran, %d skipped; want 2 and 4", len(tr.Ran), len(tr.Skipped))
	}
	for _, s := range tr.Skipped {
		if !strings.Contains(s.Reason, "the workspace's lease expired before it could be renewed") {
			t.Errorf("skipped for another reason: %+v", s)
		}
	}
	if tr.Status != apply.StatusPartial {
		t.Errorf("status %s; want partial", tr.Status)
	}
}

// TestLeaseIsRenewedDuringALongCall: while one call takes longer than
// half the lease (real time here, a one-second lease), the lease is
// renewed on a timer, not only between actions.
func TestLeaseIsRenewedDuringALongCall(t *testing.T) {
	w := newLeaseWorld(t)
	const ttl = time.Second
	var once sync.Once
	var during string
	w.stall = func() {
		once.Do(func() {
			time.Sleep(5 * ttl / 4) // past the first expiry; renewed at half-time, and again at its own half-time
			if owner, expiry := w.leaseProperty(); owner != "this apply" || !expiry.After(time.Now()) {
				during = fmt.Sprintf("lease of %q until %s, now %s", owner, expiry.Format(time.StampMilli), time.Now().Format(time.StampMilli))
			}
		})
	}
	x := &apply.Executor{Client: w.client, PerTenant: 1, LeaseOwner: "this apply", LeaseTTL: ttl, LeaseSettle: time.Millisecond}
	tr := x.Apply(context.Background(), w.work).Tenants[0]
	if during != "" {
		t.Errorf("during a long call the workspace was free: %s", during)
	}
	if tr.Status != apply.StatusApplied {
		t.Errorf("apply: %s, failed %+v, skipped %+v", tr.Status, tr.Failed, tr.Skipped)
	}
}
