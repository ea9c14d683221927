package apply_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/apply"
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/sandbox"
	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// TestInterrupt: cancelling an apply (Ctrl-C) starts no new call, lets
// the calls in flight finish, writes the ledger of what succeeded, and
// reports the rest as skipped; planning again shows exactly the rest.
func TestInterrupt(t *testing.T) {
	_, client := newSandbox(t, sandbox.State{})
	key := spec.NewSecret("interrupt-fingerprint-key-0123456789abcdef")
	tenants := newTenants(1)
	d := plan.Desired{Tenant: tenants[0], FingerprintKey: key}
	read := func() *plan.Live {
		live, err := (&apply.Reader{Client: client}).Tenant(context.Background(), tenants[0], nil)
		if err != nil {
			t.Fatal(err)
		}
		return live
	}
	live := read()
	tp := plan.Tenant(plan.Input{Desired: d, Live: live}, plan.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	var oks atomic.Int32
	x := &apply.Executor{Client: client, LeaseSettle: time.Millisecond, PerTenant: 1, Events: func(ev apply.Event) {
		if ev.State == "ok" && oks.Add(1) == 3 {
			cancel() // after the customer, the member and folder A
		}
	}}
	res := x.Apply(ctx, []apply.Work{{Plan: tp, Desired: d, Live: live}})
	tr := res.Tenants[0]
	if len(tr.Ran) < 3 || len(tr.Skipped) == 0 || len(tr.Failed) != 0 {
		t.Fatalf("ran %d, skipped %d, failed %d: %+v", len(tr.Ran), len(tr.Skipped), len(tr.Failed), tr)
	}
	for _, s := range tr.Skipped {
		if !strings.Contains(s.Reason, "interrupted") {
			t.Errorf("skipped for another reason: %+v", s)
		}
	}
	if tr.Ledger != "written" {
		t.Errorf("ledger %q, want written", tr.Ledger)
	}
	// The next plan has exactly the skipped actions left (and adopts
	// nothing: the ledger knows what the interrupted apply made).
	next := plan.Tenant(plan.Input{Desired: d, Live: read()}, plan.Options{})
	var left, skipped []string
	for _, a := range next.Actions {
		if !a.Op.ReportOnly() { // the member invited is pending
			left = append(left, a.ID)
		}
	}
	for _, s := range tr.Skipped {
		skipped = append(skipped, s.Action)
	}
	if strings.Join(left, "|") != strings.Join(skipped, "|") {
		t.Errorf("after the interrupt, plan has\n  %v\nbut these were skipped\n  %v", left, skipped)
	}
}

// TestUnmanagedIsOnlyReported: an unmanaged object in a plan is not an
// action apply performs, nor a failure.
func TestUnmanagedIsOnlyReported(t *testing.T) {
	repo := examples(t)
	acme := tenantNamed(repo, "acme")
	_, client := newSandbox(t, driftedAcme(t, acme, repo.Config.FingerprintKey, 0))
	live, err := (&apply.Reader{Client: client}).Tenant(context.Background(), acme, nil)
	if err != nil {
		t.Fatal(err)
	}
	tp := planFor(t, repo, acme, live)
	var pkgs apply.Packages
	d := plan.Desired{Tenant: acme, FingerprintKey: repo.Config.FingerprintKey}
	res := (&apply.Executor{Client: client, LeaseSettle: time.Millisecond, Packages: &pkgs, ImportPoll: time.Millisecond}).Apply(context.Background(), []apply.Work{{Plan: tp, Desired: d, Live: live}})
	tr := res.Tenants[0]
	if len(tr.Failed) != 0 || len(tr.Skipped) != 0 {
		t.Fatalf("failed %+v, skipped %+v", tr.Failed, tr.Skipped)
	}
	for _, o := range tr.Ran {
		if strings.HasPrefix(o.Action, "unmanaged ") {
			t.Errorf("apply ran a report: %s", o.Action)
		}
	}
}
