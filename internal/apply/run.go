package apply

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/redact"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// run is one tenant's apply: the ids learned so far (live ones, and those
// of objects created on the way), the ledger being built, and the result.
type run struct {
	x   *Executor
	w   Work
	t   *spec.Tenant
	ctx context.Context

	mu sync.Mutex // guards everything below
	// customerID is the workspace applied to: the customer's own, or for
	// an environment's plan that environment's (0 while not known).
	// custID is the customer object's id, which its update addresses.
	customerID int64
	custID     int64
	folders    map[spec.Path]int64 // Home is the live Home id
	conns      map[spec.Key]int64
	connByName map[string]int64   // name -> id, for parents
	members    map[spec.Key]int64 // by member key (lower-case email)
	ledger     *plan.Ledger
	touched    map[spec.Key]bool // connections created, updated or reconnected
	leased     bool              // this apply holds the workspace's lease (released with the ledger)
	lease      lease             // ours, while leased
	leaseLost  string            // why the lease is no longer ours; no action starts then
	renewMu    sync.Mutex        // one renewal at a time (keepLease), guarding renewRetry
	renewRetry time.Time         // no renewal is tried again before this, while the lease holds
	res        TenantResult
	secrets    redact.Scrubber // the tenant's decrypted inputs
}

func newRun(ctx context.Context, x *Executor, w Work) *run {
	r := &run{x: x, w: w, t: w.Desired.Tenant, ctx: ctx,
		folders: map[spec.Path]int64{}, conns: map[spec.Key]int64{}, connByName: map[string]int64{}, members: map[spec.Key]int64{},
		touched: map[spec.Key]bool{},
		res:     TenantResult{Name: w.Plan.Name, Environment: w.Plan.Environment, Ran: []Outcome{}, Failed: []Outcome{}, Skipped: []Outcome{}},
	}
	live := w.Live
	if live == nil {
		live = &plan.Live{}
	}
	if live.Customer != nil {
		r.customerID, r.custID = live.Customer.ID, live.Customer.ID
	}
	if w.Plan.Environment != "" {
		r.customerID = w.Plan.WorkspaceID
	}
	r.folders[spec.Home] = live.HomeID
	// The plan matched desired objects to live ones: the ids of the
	// objects its actions name (including a folder found under another
	// name) are where apply starts from.
	for _, a := range w.Plan.Actions {
		if a.LiveID != 0 && a.Op != plan.OpDelete && a.Op != plan.OpUnmanaged {
			executorOf(a.Kind).record(r, a.Key, a.LiveID)
		}
	}
	var inputs []string
	for _, c := range r.t.Connections {
		inputs = append(inputs, redact.Values(c.Input.Reveal())...)
	}
	r.secrets = redact.New(spec.Redacted, inputs...)
	r.learnLive(live)
	r.ledger, _ = plan.ParseLedger(live.Ledger, plan.NewLedgerKey(w.Desired.FingerprintKey, r.customerID)) // the plan parsed it already
	if r.ledger == nil {
		r.ledger = plan.NewLedger()
	}
	return r
}

// learnLive records the ids of the declared folders and connections that
// exist and that no action names (a parent connection in sync, the
// folder a package goes to), matched by the same structural keys as the
// plan's.
func (r *run) learnLive(live *plan.Live) {
	paths := map[int64]spec.Path{live.HomeID: spec.Home}
	for _, f := range live.Folders {
		parent, ok := paths[f.ParentID]
		if !ok {
			parent = spec.Home
		}
		paths[f.ID] = parent.Child(f.Name)
		if _, known := r.folders[paths[f.ID]]; !known {
			r.folders[paths[f.ID]] = f.ID
		}
	}
	byKey := map[spec.Key]int64{}
	for _, c := range live.Connections {
		if p, ok := paths[c.FolderID]; ok {
			byKey[spec.Key{Folder: p, Name: c.Name}] = c.ID
		}
	}
	for _, c := range r.t.Connections {
		k := c.Key()
		if _, known := r.conns[k]; !known {
			if id, ok := byKey[k]; ok {
				r.conns[k] = id
			}
		}
		if id, ok := r.conns[k]; ok {
			r.connByName[c.Name] = id
		}
	}
}

// scrub removes the tenant's decrypted inputs from a message: the client
// scrubs what it knows, this is the last line of defence.
func (r *run) scrub(msg string) string { return r.secrets.String(msg) }

func (r *run) ref() workato.CustomerRef {
	r.mu.Lock()
	defer r.mu.Unlock()
	return workato.ByID(r.customerID)
}

// customerRef addresses the customer object (its DEV workspace, with
// Environments), whichever environment is applied.
func (r *run) customerRef() workato.CustomerRef {
	r.mu.Lock()
	defer r.mu.Unlock()
	return workato.ByID(r.custID)
}

// setCustomer records the customer's id (a create's, or the plan's);
// it is the workspace applied to unless the plan is another
// environment's.
func (r *run) setCustomer(id int64) {
	r.custID = id
	if env := r.w.Plan.Environment; env == "" || env == "dev" {
		r.customerID = id
	}
}

// liveIDOf is the id an action ended up with (for creates, the new one).
func (r *run) liveIDOf(a plan.Action) int64 {
	if a.LiveID != 0 {
		return a.LiveID
	}
	return executorOf(a.Kind).idOf(r, a.Key)
}

// writeLedger records, in one upsert, what succeeded.
func (r *run) writeLedger() {
	r.mu.Lock()
	id := r.customerID
	changes := plan.LedgerChanges(r.w.Live.Ledger, r.ledger, plan.NewLedgerKey(r.w.Desired.FingerprintKey, id))
	if r.leased {
		changes[plan.LeaseProperty] = "" // released in the same upsert
	}
	r.mu.Unlock()
	switch {
	case id == 0:
		r.res.Ledger = "unchanged: the workspace does not exist"
		return
	case len(changes) == 0:
		r.res.Ledger = "unchanged"
		return
	}
	ctx, cancel := r.call()
	defer cancel()
	// An upsert of the same properties again is safe.
	upsert := func() error { return r.x.Client.UpsertProperties(ctx, workato.ByID(id), changes) }
	if err := settleErr(ctx, upsert, nil); err != nil {
		r.res.Ledger = "failed: " + r.scrub(err.Error())
		if r.leased { // release the lease alone, so the next apply need not wait for it to expire
			_ = r.x.Client.UpsertProperties(ctx, workato.ByID(id), map[string]string{plan.LeaseProperty: ""})
		}
		return
	}
	r.res.Ledger = "written"
}

// verify reads the connections back once and reports the authorization
// status of each one the apply created, updated or reconnected.
func (r *run) verify() {
	r.mu.Lock()
	keys := make([]spec.Key, 0, len(r.touched))
	for k := range r.touched {
		keys = append(keys, k)
	}
	r.mu.Unlock()
	if len(keys) == 0 {
		return
	}
	slices.SortFunc(keys, func(a, b spec.Key) int { return strings.Compare(a.String(), b.String()) })
	ctx, cancel := r.call()
	defer cancel()
	conns, _, err := readBack(ctx, func() ([]workato.Connection, bool, error) {
		cs, err := r.x.Client.ListConnections(ctx, r.ref(), workato.ListConnectionsOptions{})
		return cs, true, err
	})
	if err != nil {
		r.res.Failed = append(r.res.Failed, Outcome{Action: "verify connections", Error: r.scrub(err.Error())})
		return
	}
	byID := map[int64]workato.Connection{}
	for _, c := range conns {
		byID[c.ID] = c
	}
	for _, k := range keys {
		r.mu.Lock()
		id := r.conns[k]
		r.mu.Unlock()
		c, ok := byID[id]
		if !ok {
			continue
		}
		r.res.Connections = append(r.res.Connections, Verified{Key: k.String(), ID: c.ID,
			AuthorizationStatus: deref(c.AuthorizationStatus), AuthorizationError: r.scrub(deref(c.AuthorizationError))})
	}
}

func (r *run) result() TenantResult {
	res := r.res
	switch {
	case len(res.Failed) == 0 && len(res.Skipped) == 0:
		res.Status = StatusApplied
	case len(res.Ran) == 0:
		res.Status = StatusFailed
	default:
		res.Status = StatusPartial
	}
	return res
}

var errNoCustomer = errors.New("the workspace does not exist (its creation failed)")
