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

// TestTimeLimit: once the time limit expires (here: after three actions
// succeeded, an event-count clock), no new action or tenant starts, the
// ledger records what succeeded, the result says the limit was reached,
// and planning again shows exactly what was left.
func TestTimeLimit(t *testing.T) {
	_, client := newSandbox(t, sandbox.State{})
	key := spec.NewSecret("timelimit-fingerprint-key-0123456789abcdef")
	tenants := newTenants(2)
	var work []apply.Work
	read := func(i int) *plan.Live {
		live, err := (&apply.Reader{Client: client}).Tenant(context.Background(), tenants[i], nil)
		if err != nil {
			t.Fatal(err)
		}
		return live
	}
	for i := range tenants {
		d := plan.Desired{Tenant: tenants[i], FingerprintKey: key}
		live := read(i)
		work = append(work, apply.Work{Plan: plan.Tenant(plan.Input{Desired: d, Live: live}, plan.Options{}), Desired: d, Live: live})
	}
	var oks atomic.Int32
	x := &apply.Executor{Client: client, LeaseSettle: time.Millisecond, Parallelism: 1, PerTenant: 1,
		Events:  func(ev apply.Event) { oks.Add(map[bool]int32{true: 1}[ev.State == "ok"]) },
		Expired: func() bool { return oks.Load() >= 3 }}
	res := x.Apply(context.Background(), work)
	if !res.TimeLimitReached {
		t.Error("the result does not say the time limit was reached")
	}
	if res.Failed() != true {
		t.Error("a time-limited apply with work left must not look complete")
	}
	if res.FailedBeyondTimeLimit() {
		t.Error("an apply that only ran out of time reports a failure")
	}
	// Which tenant gets the one slot first is up to the scheduler.
	first, second := res.Tenants[0], res.Tenants[1]
	if len(first.Ran) == 0 {
		first, second = second, first
	}
	if len(first.Ran) != 3 || len(first.Skipped) == 0 || len(first.Failed) != 0 || first.Ledger != "written" {
		t.Fatalf("first tenant: %+v", first)
	}
	for _, s := range first.Skipped {
		if s.Reason != "time limit reached before it started" {
			t.Errorf("skipped for another reason: %+v", s)
		}
	}
	if second.Status != apply.StatusNotApplied || !strings.Contains(second.Reason, "time limit") || len(second.Ran) != 0 {
		t.Errorf("second tenant started after the limit: %+v", second)
	}
	i := 0
	if res.Tenants[1].Name == first.Name {
		i = 1
	}
	next := plan.Tenant(plan.Input{Desired: work[i].Desired, Live: read(i)}, plan.Options{})
	var left, skipped []string
	for _, a := range next.Actions {
		if !a.Op.ReportOnly() { // the member invited is pending
			left = append(left, a.ID)
		}
	}
	for _, s := range first.Skipped {
		skipped = append(skipped, s.Action)
	}
	if strings.Join(left, "|") != strings.Join(skipped, "|") {
		t.Errorf("after the time limit, plan has\n  %v\nbut these were skipped\n  %v", left, skipped)
	}

	// A limit that never expires changes nothing.
	x.Expired = func() bool { return false }
	if res := x.Apply(context.Background(), nil); res.TimeLimitReached {
		t.Error("TimeLimitReached without expiry")
	}
}
