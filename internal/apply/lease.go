package apply

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// A lease keeps two applies from writing one workspace at once (two CI
// runs, or CI and a laptop): each would otherwise create the same folders
// and connections. It is the account property plan.LeaseProperty,
// {owner, expiry, nonce}, written before the tenant's first write and
// released (written empty: properties have no delete endpoint) with the
// ledger, in the same upsert. A crashed apply's lease expires; a running
// one renews it at half-time (keepLease, holdLease).
//
// Properties have no compare-and-swap, so taking it is: read (free or
// expired), write ours, wait LeaseSettle, read again and keep it only if
// our nonce is still there. Two applies that both read "free" both write;
// the later write wins, and the earlier writer sees the other nonce when
// it reads again, provided the later write lands within the settle time of
// the earlier one (four round trips; see leaseSettle). The residual risk is
// a writer whose read-to-write gap exceeds that (a request stalled for
// seconds): both may then believe they hold it. The ledger check below narrows even that: an
// apply refuses a workspace whose ledger changed since its plan.
type lease struct {
	Owner  string    `json:"owner"`
	Expiry time.Time `json:"expiry"`
	Nonce  string    `json:"nonce"`
}

// LeaseError is a workspace another apply holds.
type LeaseError struct {
	Owner  string
	Expiry time.Time
	Lost   bool // we wrote ours, and another apply's write replaced it
}

func (e *LeaseError) Error() string {
	what := "another apply holds this workspace"
	if e.Lost {
		what = "another apply took this workspace at the same moment"
	}
	return fmt.Sprintf("%s (lease of %q, until %s); nothing was applied to it: wait for it to finish, then plan and apply again",
		what, e.Owner, e.Expiry.UTC().Format(time.RFC3339))
}

func parseLease(v string) (lease, bool) {
	var l lease
	if v == "" || len(v) > 1024 || json.Unmarshal([]byte(v), &l) != nil || l.Nonce == "" {
		return lease{}, false
	}
	return l, true
}

// acquireLease takes the workspace's lease, or says who holds it. It also
// refuses when the ledger changed since the plan: another apply wrote the
// workspace after this plan read it, so this plan is stale.
func (r *run) acquireLease() error {
	x := r.x
	ref := workato.ByID(r.customerID)
	ctx, cancel := r.call()
	defer cancel()
	props, err := x.Client.ListProperties(ctx, ref, plan.LedgerPrefix)
	if err != nil {
		return fmt.Errorf("read the workspace's lease: %s", r.scrub(err.Error()))
	}
	now := x.now()
	if cur, ok := parseLease(props[plan.LeaseProperty]); ok && cur.Expiry.After(now) {
		return &LeaseError{Owner: cur.Owner, Expiry: cur.Expiry}
	}
	if !mapsEqual(withoutLease(r.w.Live.Ledger), withoutLease(props)) {
		return fmt.Errorf("another apply changed this workspace's ledger since the plan; nothing was applied to it: plan and apply again")
	}
	nonce := make([]byte, 16)
	_, _ = rand.Read(nonce)
	mine := lease{Owner: x.LeaseOwner, Expiry: now.Add(x.leaseTTL()), Nonce: hex.EncodeToString(nonce)}
	data, _ := json.Marshal(mine)
	start := x.now()
	if err := x.Client.UpsertProperties(ctx, ref, map[string]string{plan.LeaseProperty: string(data)}); err != nil {
		return fmt.Errorf("take the workspace's lease: %s", r.scrub(err.Error()))
	}
	if err := sleep(ctx, x.leaseSettle(x.now().Sub(start))); err != nil {
		return err
	}
	props, err = x.Client.ListProperties(ctx, ref, plan.LeaseProperty)
	if err != nil {
		return fmt.Errorf("read the workspace's lease: %s", r.scrub(err.Error()))
	}
	if got, _ := parseLease(props[plan.LeaseProperty]); got.Nonce != mine.Nonce {
		return &LeaseError{Owner: got.Owner, Expiry: got.Expiry, Lost: true}
	}
	r.mu.Lock()
	r.leased, r.lease = true, mine
	r.mu.Unlock()
	return nil
}

// keepLease renews the lease once half its time has passed, so that an
// apply longer than LeaseTTL (a package import, an hour-long rate-limit
// hold) keeps the workspace to itself. It returns why no action may start
// any more: the lease was taken by another apply, or it expired before it
// could be renewed. execute asks before it starts each action; holdLease
// asks on a timer while actions run. Calls are serialised by renewMu.
func (r *run) keepLease() string {
	r.renewMu.Lock()
	defer r.renewMu.Unlock()
	r.mu.Lock()
	held, mine, lost := r.leased, r.lease, r.leaseLost
	r.mu.Unlock()
	if lost != "" || !held {
		return lost
	}
	x := r.x
	now := x.now()
	if mine.Expiry.Sub(now) > x.leaseTTL()/2 || now.Before(r.renewRetry) && now.Before(mine.Expiry) {
		return ""
	}
	lose := func(why string) string {
		r.mu.Lock()
		r.leaseLost = why
		r.leased = false // another apply's lease, or none: never release it
		r.mu.Unlock()
		return why
	}
	err := r.renewLease(mine, now)
	var le *LeaseError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &le):
		return lose(fmt.Sprintf("another apply took this workspace's lease (lease of %q, until %s)", le.Owner, le.Expiry.UTC().Format(time.RFC3339)))
	case !x.now().Before(mine.Expiry):
		return lose("the workspace's lease expired before it could be renewed: " + r.scrub(err.Error()))
	}
	// Renewal failed and the lease still holds: try again a little later
	// (a sixtieth of the lease), not before every action.
	r.renewRetry = x.now().Add(x.leaseTTL() / 60)
	return ""
}

// renewLease writes the lease again with a later expiry and the same
// nonce, if it is still ours. A lease that expired meanwhile may be being
// taken by another apply right now, so it is renewed the way it is taken:
// written, settled, read back.
func (r *run) renewLease(mine lease, now time.Time) error {
	x := r.x
	ref := workato.ByID(r.customerID)
	ctx, cancel := r.call()
	defer cancel()
	props, err := x.Client.ListProperties(ctx, ref, plan.LeaseProperty)
	if err != nil {
		return fmt.Errorf("read the workspace's lease: %w", err)
	}
	if cur, _ := parseLease(props[plan.LeaseProperty]); cur.Nonce != mine.Nonce {
		return &LeaseError{Owner: cur.Owner, Expiry: cur.Expiry, Lost: true}
	}
	next := mine
	next.Expiry = now.Add(x.leaseTTL())
	data, _ := json.Marshal(next)
	start := x.now()
	if err := x.Client.UpsertProperties(ctx, ref, map[string]string{plan.LeaseProperty: string(data)}); err != nil {
		return fmt.Errorf("renew the workspace's lease: %w", err)
	}
	if !now.Before(mine.Expiry) {
		if err := sleep(ctx, x.leaseSettle(x.now().Sub(start))); err != nil {
			return err
		}
	}
	props, err = x.Client.ListProperties(ctx, ref, plan.LeaseProperty)
	if err != nil {
		return fmt.Errorf("read the workspace's lease: %w", err)
	}
	if got, _ := parseLease(props[plan.LeaseProperty]); got.Nonce != mine.Nonce {
		return &LeaseError{Owner: got.Owner, Expiry: got.Expiry, Lost: true}
	}
	r.mu.Lock()
	r.lease = next
	r.mu.Unlock()
	return nil
}

// holdLease renews the lease on a timer until stop is called, for the
// time an action takes longer than half the lease (execute renews only
// between actions).
func (r *run) holdLease() (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(max(r.x.leaseTTL()/8, 10*time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				r.keepLease()
			}
		}
	}()
	return func() { close(done); <-finished }
}

func withoutLease(m map[string]string) map[string]string {
	out := maps.Clone(m)
	delete(out, plan.LeaseProperty)
	return out
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (x *Executor) now() time.Time {
	if x.Now != nil {
		return x.Now()
	}
	return time.Now()
}

func (x *Executor) leaseTTL() time.Duration {
	if x.LeaseTTL > 0 {
		return x.LeaseTTL
	}
	return time.Hour
}

// leaseSettle is how long to wait before checking that the lease stuck:
// another writer's gap between reading "free" and writing is about one
// round trip, so four of ours (the write's), at least 250 ms, at most 5 s.
func (x *Executor) leaseSettle(rtt time.Duration) time.Duration {
	if x.LeaseSettle > 0 {
		return x.LeaseSettle
	}
	return min(max(4*rtt, 250*time.Millisecond), 5*time.Second)
}

func (r *run) lostLease() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.leaseLost
}
