package apply

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// Executor applies plans through one client, whose rate scheduler every
// tenant shares.
type Executor struct {
	Client        *workato.Client
	Packages      *Packages
	Parallelism   int           // tenants applied at once; 0 means 8
	PerTenant     int           // actions of one tenant in flight at once; 0 means 4
	ImportPoll    time.Duration // 0 means 2 s
	ImportTimeout time.Duration // 0 means 10 min
	// LeaseOwner names this apply in the lease it takes on each workspace
	// (lease.go), e.g. "host:pid" or a CI run's URL; LeaseTTL (0: 1 hour)
	// is how long a crashed apply keeps others out; LeaseSettle (0: four
	// round trips, 250 ms to 5 s) is how long it waits before checking
	// that its lease stuck.
	LeaseOwner  string
	LeaseTTL    time.Duration
	LeaseSettle time.Duration
	Now         func() time.Time // nil: time.Now; leases and invitations use it
	// Events, when set, hears about every action as it starts and ends.
	// It is called from many goroutines.
	Events func(Event)
	// Expired, when set, is the time limit (apply --max-duration): it is
	// asked before each tenant and each action starts, and once it reports
	// true nothing new starts, as after an interrupt; calls in flight
	// finish and each ledger records what succeeded. Result's
	// TimeLimitReached says whether it stopped anything.
	Expired func() bool
	// MaxFailedShare is the rollout's threshold (spec.Rollout): when the
	// plans carry waves, a wave whose share of failed tenants is above it
	// stops the tenants of later waves from being applied.
	MaxFailedShare float64

	timeLimited atomic.Bool
}

// Event is one step of progress.
type Event struct {
	Tenant      string
	Action      string // action id; empty for a tenant's start and end
	State       string // "start", "ok", "failed", "skipped", "done"
	Err         string
	Done, Total int // the tenant's resolved and total actions
}

// Work is one tenant to apply: its plan and what the plan was made from.
type Work struct {
	Plan    plan.TenantPlan
	Desired plan.Desired
	Live    *plan.Live
}

// Apply applies every tenant, Parallelism at a time, and reports what
// ran, failed and was skipped. Blocked and failed plans are not applied.
// When ctx is cancelled (Ctrl-C), no new call starts; calls in flight
// finish, and each tenant's ledger records what succeeded.
func (x *Executor) Apply(ctx context.Context, work []Work) *Result {
	res := &Result{FormatVersion: plan.FormatVersion, Tenants: make([]TenantResult, len(work))}
	n := x.Parallelism
	if n <= 0 {
		n = 8
	}
	sem := make(chan struct{}, n)
	x.timeLimited.Store(false)
	stopped := ""
	for _, wave := range waves(work) {
		if stopped != "" {
			for _, i := range wave {
				res.Tenants[i] = notInRollout(work[i], stopped)
			}
			continue
		}
		var wg sync.WaitGroup
		for _, i := range wave {
			wg.Go(func() {
				select {
				case sem <- struct{}{}:
					defer func() { <-sem }()
				case <-ctx.Done():
				}
				res.Tenants[i] = x.tenant(ctx, work[i])
				res.Tenants[i].Wave = work[i].Plan.Wave
			})
		}
		wg.Wait()
		stopped = x.rolloutStop(res.Tenants, wave, work)
		res.RolloutStopped = stopped
	}
	res.TimeLimitReached = x.timeLimited.Load()
	return res
}

func (x *Executor) tenant(ctx context.Context, w Work) TenantResult {
	if ctx.Err() != nil {
		return TenantResult{Name: w.Plan.Name, Environment: w.Plan.Environment, Status: StatusNotApplied, Reason: reasonInterrupted, Ran: []Outcome{}, Failed: []Outcome{}, Skipped: []Outcome{}}
	}
	tr := TenantResult{Name: w.Plan.Name, Environment: w.Plan.Environment, Ran: []Outcome{}, Failed: []Outcome{}, Skipped: []Outcome{}}
	switch {
	case w.Plan.Status != plan.StatusPlanned:
		tr.Status = StatusNotApplied
		tr.Reason = string(w.Plan.Status)
		return tr
	case !w.Plan.Changes():
		tr.Status = StatusUnchanged
		return tr
	}
	if why := x.stopReason(ctx); why != "" {
		tr.Status, tr.Reason = StatusNotApplied, why
		return tr
	}
	// Unmanaged objects and pending invitations are reported by the plan,
	// never acted on.
	w.Plan.Actions = slices.DeleteFunc(slices.Clone(w.Plan.Actions), func(a plan.Action) bool { return a.Op.ReportOnly() })
	r := newRun(ctx, x, w)
	// A workspace created by this apply has no lease to take yet; Workato
	// refuses a second workspace with the same external id.
	if r.customerID != 0 {
		if err := r.acquireLease(); err != nil {
			tr.Status, tr.Reason = StatusFailed, err.Error()
			tr.Failed = append(tr.Failed, Outcome{Action: "take the workspace's lease", Error: err.Error()})
			tr.Ledger = "unchanged"
			return tr
		}
	}
	stop := r.holdLease()
	r.execute(ctx)
	stop()
	if lost := r.lostLease(); lost != "" {
		r.mu.Lock()
		r.res.Failed = append(r.res.Failed, Outcome{Action: "keep the workspace's lease", Error: lost})
		r.mu.Unlock()
	}
	r.writeLedger()
	r.verify()
	return r.result()
}

// outcome of one action.
type outcome int

const (
	pending outcome = iota
	running
	succeeded
	failedOutcome
	skipped
)

// execute runs the tenant's actions: an action starts when everything of
// an earlier phase and everything it depends on is resolved; it is
// skipped when anything it depends on did not succeed, or when ctx is
// cancelled before it starts.
func (r *run) execute(ctx context.Context) {
	acts := r.w.Plan.Actions
	state := make([]outcome, len(acts))
	index := map[string]int{}
	for i, a := range acts {
		index[a.ID] = i
	}
	type finished struct {
		i   int
		err error
	}
	results := make(chan finished)
	inFlight, resolved := 0, 0
	perTenant := cmp.Or(r.x.PerTenant, 4)
	r.event("", "start", "")
	for resolved < len(acts) {
		progress := false
		for i := range acts {
			if state[i] != pending {
				continue
			}
			ready, blockedBy := r.ready(acts, state, index, i)
			why := r.x.stopReason(ctx)
			if why == "" && ready && blockedBy == "" && inFlight < perTenant {
				if lost := r.keepLease(); lost != "" {
					why = lost + "; not started"
				}
			}
			switch {
			case why != "":
				state[i], progress = skipped, true
				resolved++
				r.skip(acts[i], why)
			case blockedBy != "":
				state[i], progress = skipped, true
				resolved++
				r.skip(acts[i], "depends on "+blockedBy+", which did not succeed")
			case !ready || inFlight >= perTenant:
			default:
				state[i] = running
				inFlight++
				go func() {
					r.event(acts[i].ID, "start", "")
					err := r.do(acts[i])
					r.finish(acts[i], err)
					results <- finished{i, err}
				}()
			}
		}
		if inFlight == 0 {
			if !progress {
				break // nothing can move; a valid plan never gets here
			}
			continue
		}
		f := <-results
		inFlight--
		resolved++
		state[f.i] = succeeded
		if f.err != nil {
			state[f.i] = failedOutcome
		}
	}
	r.event("", "done", "")
}

// ready reports whether action i may start, or names the dependency
// (or earlier-phase action) whose failure means it never will.
func (r *run) ready(acts []plan.Action, state []outcome, index map[string]int, i int) (bool, string) {
	for _, d := range acts[i].DependsOn {
		j, ok := index[d]
		if !ok {
			continue
		}
		switch state[j] {
		case failedOutcome, skipped:
			return false, d
		case pending, running:
			return false, ""
		}
	}
	p := plan.Phase(&acts[i])
	for j := range acts {
		if plan.Phase(&acts[j]) < p && (state[j] == pending || state[j] == running) {
			return false, ""
		}
	}
	return true, ""
}

// call bounds one API call: a cancelled apply lets calls in flight finish.
func (r *run) call() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(r.ctx), 5*time.Minute)
}

func (r *run) event(action, state, errText string) {
	if r.x.Events == nil {
		return
	}
	r.mu.Lock()
	done := len(r.res.Ran) + len(r.res.Failed) + len(r.res.Skipped)
	r.mu.Unlock()
	r.x.Events(Event{Tenant: r.w.Plan.Label(), Action: action, State: state, Err: errText, Done: done, Total: len(r.w.Plan.Actions)})
}

func (r *run) skip(a plan.Action, reason string) {
	r.mu.Lock()
	r.res.Skipped = append(r.res.Skipped, Outcome{Action: a.ID, LiveID: a.LiveID, Reason: reason})
	r.mu.Unlock()
	r.event(a.ID, "skipped", reason)
}

func (r *run) finish(a plan.Action, err error) {
	r.mu.Lock()
	if err != nil {
		r.res.Failed = append(r.res.Failed, Outcome{Action: a.ID, LiveID: a.LiveID, Error: r.scrub(err.Error())})
	} else {
		r.res.Ran = append(r.res.Ran, Outcome{Action: a.ID, LiveID: r.liveIDOf(a)})
	}
	r.mu.Unlock()
	if err != nil {
		r.event(a.ID, "failed", r.scrub(err.Error()))
	} else {
		r.event(a.ID, "ok", "")
	}
}
