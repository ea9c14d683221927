package apply

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"sync"

	livewalk "github.com/workato-gitops/workato-gitops/internal/live"
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// Reader reads live state through one client; its rate scheduler is
// shared by every tenant read at once.
type Reader struct {
	Client      *workato.Client
	Parallelism int // tenants read at once; 0 means 8
	// FleetSize is how many tenants the repository declares (0: only
	// those read). It estimates what listing every customer costs.
	FleetSize int
	// Environments, when set, is the environments of a tenant to read
	// (else all it lists); every listed one is still checked.
	Environments func(*spec.Tenant) []string

	listOnce sync.Once // the customers list, read at most once
	listed   map[string]*workato.Customer
	listErr  error
}

// LiveResult is one tenant's live state, or why it could not be read.
// A tenant with customer.environments has one result per environment,
// Env naming it, each with the live state of that environment's
// workspace.
type LiveResult struct {
	Tenant *spec.Tenant
	Env    string
	Live   *plan.Live
	Err    error
}

// ReadAll reads every tenant, Parallelism at a time; results keep the
// order of tenants, a tenant with environments giving one result per
// environment in its order. A tenant that fails does not stop the others.
func (r *Reader) ReadAll(ctx context.Context, tenants []*spec.Tenant) []LiveResult {
	per := make([][]LiveResult, len(tenants))
	r.Each(ctx, tenants, func(i int, rs []LiveResult) { per[i] = rs })
	var out []LiveResult
	for _, rs := range per {
		out = append(out, rs...)
	}
	return out
}

// Each reads every tenant, Parallelism at a time, and hands each tenant's
// results (one, or one per environment in its order) to fn as soon as
// they are read, so that a caller can keep only what it needs of them.
// fn is called from the reading goroutines, at most Parallelism at once,
// with the tenant's index in tenants. A tenant that fails does not stop
// the others.
//
// Customers are found by whichever costs fewer calls: one paged list of
// all customers (one call per 100), or one call each. The list's cost is
// estimated from FleetSize; the account may hold more customers than the
// repository declares, so a tie goes to the calls one each.
func (r *Reader) Each(ctx context.Context, tenants []*spec.Tenant, fn func(int, []LiveResult)) {
	var customers map[string]*workato.Customer
	if pages := (max(r.FleetSize, len(tenants)) + 99) / 100; len(tenants) > pages {
		var err error
		if customers, err = r.listCustomers(ctx); err != nil {
			for i, t := range tenants {
				fn(i, r.failUnits(t, fmt.Errorf("list customers: %w", err)))
			}
			return
		}
	}
	n := r.Parallelism
	if n <= 0 {
		n = 8
	}
	// n goroutines, not one per tenant: a parked goroutine's stack is a
	// few KiB, which for a fleet of 10,000 is more than its live state.
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(n, len(tenants)) {
		wg.Go(func() {
			for i := range next {
				t := tenants[i]
				if len(t.Customer.Environments) > 0 {
					fn(i, r.environments(ctx, t, customers))
					continue
				}
				live, err := r.Tenant(ctx, t, customers)
				fn(i, []LiveResult{{Tenant: t, Live: live, Err: err}})
			}
		})
	}
	for i := range tenants {
		next <- i
	}
	close(next)
	wg.Wait()
}

// listCustomers reads the paged customers list once per Reader, by
// "E"+external id and by id; it is the only documented source of the
// environments property.
func (r *Reader) listCustomers(ctx context.Context) (map[string]*workato.Customer, error) {
	r.listOnce.Do(func() {
		all, err := r.Client.ListCustomers(ctx)
		if err != nil {
			r.listErr = err
			return
		}
		r.listed = map[string]*workato.Customer{}
		for i := range all {
			r.listed["E"+all[i].ExternalID] = &all[i]
			r.listed[fmt.Sprint(all[i].ID)] = &all[i]
		}
	})
	return r.listed, r.listErr
}

func (r *Reader) environmentsOf(t *spec.Tenant) []string {
	if r.Environments != nil {
		return r.Environments(t)
	}
	return t.Customer.Environments
}

func (r *Reader) failUnits(t *spec.Tenant, err error) []LiveResult {
	envs := r.environmentsOf(t)
	if len(envs) == 0 {
		return []LiveResult{{Tenant: t, Err: err}}
	}
	out := make([]LiveResult, len(envs))
	for i, env := range envs {
		out[i] = LiveResult{Tenant: t, Env: env, Err: err}
	}
	return out
}

// environments reads a tenant with customer.environments: the customer
// once, then each selected environment's workspace (environmentsOf). When the customer lacks an
// environment the manifest lists, no workspace is read (the plan fails
// the tenant, naming what is missing), and neither is one of a customer
// that does not exist yet.
func (r *Reader) environments(ctx context.Context, t *spec.Tenant, customers map[string]*workato.Customer) []LiveResult {
	cust, err := r.customer(ctx, t, customers)
	known := customers // to tell an environment from another customer
	if err == nil && cust != nil && customers == nil && len(cust.Environments) == 0 && slices.ContainsFunc(t.Customer.Environments, func(e string) bool { return e != "dev" }) {
		// The documentation shows environments in the customers list only
		// (docs/design.md row "environments property"): a single customer's
		// answer without them proves nothing, so ask the list.
		var all map[string]*workato.Customer
		if all, err = r.listCustomers(ctx); err == nil {
			known = all
			if listed := all[fmt.Sprint(cust.ID)]; listed != nil {
				cust = listed
			}
		} else {
			err = fmt.Errorf("list customers: %w", err)
		}
	}
	out := r.failUnits(t, err)
	if err != nil {
		return out
	}
	if cust == nil {
		for i := range out {
			out[i].Live = &plan.Live{}
		}
		return out
	}
	lc := livewalk.Customer(cust)
	complete := true
	for _, env := range t.Customer.Environments {
		if _, ok := lc.WorkspaceID(env); !ok {
			complete = false
		}
	}
	if err := CheckWorkspaceIDs(lc, t.Customer.Environments, known); complete && err != nil {
		return r.failUnits(t, err)
	}
	for i := range out {
		id, _ := lc.WorkspaceID(out[i].Env)
		if !complete {
			out[i].Live = &plan.Live{Customer: lc}
			continue
		}
		live, err := r.workspace(ctx, t, id)
		if err != nil {
			out[i].Err = fmt.Errorf("environment %s (workspace #%d): %w", out[i].Env, id, err)
			continue
		}
		live.Customer = lc
		out[i].Live = live
	}
	return out
}

// CheckWorkspaceIDs refuses an environments answer that would send two
// environments to one workspace, TEST or PROD to the customer's own (DEV)
// workspace, or an environment to another customer of the account: the
// ids come from the API, and a wrong one would write into a workspace the
// manifest does not describe (doctor reports it). customers may be nil.
func CheckWorkspaceIDs(lc *plan.LiveCustomer, envs []string, customers map[string]*workato.Customer) error {
	seen := map[int64]string{}
	for _, env := range envs {
		id, ok := lc.WorkspaceID(env)
		if !ok {
			continue
		}
		if env != "dev" && id == lc.ID {
			return fmt.Errorf("customer #%d: environment %s has the customer's own (DEV) workspace id", lc.ID, env)
		}
		if other, dup := seen[id]; dup {
			return fmt.Errorf("customer #%d: environments %s and %s have the same workspace #%d", lc.ID, other, env, id)
		}
		seen[id] = env
		if c := customers[fmt.Sprint(id)]; c != nil && c.ID != lc.ID {
			return fmt.Errorf("customer #%d: environment %s has workspace #%d, which is another customer (%s)", lc.ID, env, id, c.ExternalID)
		}
	}
	return nil
}

// Tenant reads one tenant. customers, when not nil, is the fleet's
// customer list by "E"+external id and by id; otherwise the customer is
// fetched by itself.
func (r *Reader) Tenant(ctx context.Context, t *spec.Tenant, customers map[string]*workato.Customer) (*plan.Live, error) {
	if len(t.Customer.Environments) > 0 {
		// One live state cannot describe several workspaces; reading the
		// customer's own would manage DEV in their place.
		return nil, fmt.Errorf("internal: tenant %q has customer.environments; read it with ReadAll, one result per environment", t.Name)
	}
	cust, err := r.customer(ctx, t, customers)
	if err != nil || cust == nil {
		return &plan.Live{}, err
	}
	live, err := r.workspace(ctx, t, cust.ID)
	if err != nil {
		return nil, err
	}
	live.Customer = livewalk.Customer(cust)
	return live, nil
}

// workspace reads the workspace with id: its ledger first, then what the
// manifest and the ledger need, at once.
func (r *Reader) workspace(ctx context.Context, t *spec.Tenant, id int64) (*plan.Live, error) {
	live := &plan.Live{}
	ref := workato.ByID(id)
	var err error
	if live.Ledger, err = r.Client.ListProperties(ctx, ref, plan.LedgerPrefix); err != nil {
		return nil, fmt.Errorf("read ledger: %w", err)
	}
	ledger, err := plan.ParseLedgerClaims(live.Ledger) // only to decide what to read
	if err != nil {
		return nil, err
	}
	// The rest is independent: read it at once, so that each rate class
	// is kept busy.
	q := liveQuery{tenant: t, ledger: ledger, ref: ref}
	var wg sync.WaitGroup
	errs := make([]error, len(plan.AllKinds))
	for i, k := range plan.AllKinds {
		if read := executorOf(k).read; read != nil {
			wg.Go(func() { errs[i] = read(r, ctx, q, live) })
		}
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return live, nil
}

func (r *Reader) customer(ctx context.Context, t *spec.Tenant, customers map[string]*workato.Customer) (*workato.Customer, error) {
	c := t.Customer
	if customers != nil {
		if c.ID != 0 {
			if cust := customers[fmt.Sprint(c.ID)]; cust != nil {
				return cust, nil
			}
			return nil, fmt.Errorf("customer id %d (pinned in %s) is not in the account", c.ID, c.Pos)
		}
		return customers["E"+c.ExternalID], nil
	}
	ref := workato.ByExternalID(c.ExternalID)
	if c.ID != 0 {
		ref = workato.ByID(c.ID)
	}
	cust, err := r.Client.GetCustomer(ctx, ref)
	if errors.Is(err, workato.ErrNotFound) {
		if c.ID != 0 {
			return nil, fmt.Errorf("customer id %d (pinned in %s) is not in the account", c.ID, c.Pos)
		}
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read customer: %w", err)
	}
	return cust, nil
}

func (r *Reader) connections(ctx context.Context, q liveQuery, live *plan.Live) error {
	conns, err := r.Client.ListConnections(ctx, q.ref, workato.ListConnectionsOptions{})
	if err != nil {
		return fmt.Errorf("read connections: %w", err)
	}
	live.Connections = livewalk.Connections(conns)
	return nil
}

// foldersToWalk lists the folders whose children the plan must see: Home
// ("") and every proper ancestor of a declared folder, and, when they may
// be pruned, owned folders and their ancestors: a folder is deleted only
// when the plan saw everything in it. pruneCandidates says whether any
// owned folder left the manifest (then the plan needs the recipes, too).
func foldersToWalk(t *spec.Tenant, ledger *plan.Ledger) (walk map[string]bool, pruneCandidates bool) {
	walk = map[string]bool{"": true}
	add := func(p string) {
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			walk[d] = true
		}
	}
	declared := map[string]bool{}
	for _, f := range t.Folders {
		add(f.Path)
		declared[f.Path] = true
	}
	if t.Prune.Folders {
		for _, f := range ledger.Folders {
			if f.Path != "" {
				add(f.Path)
			}
			if f.Path != "" && !declared[f.Path] {
				walk[f.Path], pruneCandidates = true, true
			}
		}
	}
	return walk, pruneCandidates
}

// folders walks down from Home through the shared walker, listing only
// the folders foldersToWalk names. Sibling folders that share a name stop
// the tenant's plan: no path tells them apart.
func (r *Reader) folders(ctx context.Context, q liveQuery, live *plan.Live) error {
	walk, _ := foldersToWalk(q.tenant, q.ledger)
	tree, err := livewalk.WalkFolders(ctx, r.Client, q.ref, func(p string) bool { return walk[p] })
	if err == nil {
		err = tree.Err()
	}
	if err != nil {
		return fmt.Errorf("read folders: %w", err)
	}
	live.HomeID, live.Folders = tree.HomeID, tree.Folders
	return nil
}

// recipes are read when the manifest declares some, or when a connection
// or folder may be pruned: a delete must know what uses it.
func (r *Reader) recipes(ctx context.Context, q liveQuery, live *plan.Live) error {
	t := q.tenant
	if _, pruneCandidates := foldersToWalk(t, q.ledger); len(t.Recipes) == 0 && !(t.Prune.Connections && len(q.ledger.Connections) > 0) && !pruneCandidates {
		return nil
	}
	recipes, err := r.Client.ListRecipes(ctx, q.ref, workato.ListRecipesOptions{})
	if err != nil {
		return fmt.Errorf("read recipes: %w", err)
	}
	live.RecipesRead, live.Recipes = true, livewalk.Recipes(recipes)
	return nil
}

// members are read when the manifest declares some or the ledger owns
// some.
func (r *Reader) members(ctx context.Context, q liveQuery, live *plan.Live) error {
	if len(q.tenant.Members) == 0 && len(q.ledger.Members) == 0 {
		return nil
	}
	members, err := r.Client.ListMembers(ctx, q.ref)
	if err != nil {
		return fmt.Errorf("read members: %w", err)
	}
	live.MembersRead, live.Members = true, livewalk.Members(members)
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
