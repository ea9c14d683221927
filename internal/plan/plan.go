package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// Desired is what one tenant should look like, with what the plan needs
// beyond the manifest: package digests (computed by the caller, who reads
// the package directories) and the key for input fingerprints.
type Desired struct {
	Tenant         *spec.Tenant
	PackageDigests map[string]string // by package name
	FingerprintKey spec.Secret
	// VerifyAtApply: the repository has a fingerprint key that this plan
	// could not decrypt (a pull request's plan, made without the SOPS
	// key). Ledger claims then plan their deletes as they are, for review:
	// apply, which has the key, plans again with the ledger verified and
	// refuses unless it gets the same plan, so a forged claim can only make
	// apply refuse, never delete.
	VerifyAtApply bool
	// Environment is the Embedded Environment this input plans, one of the
	// tenant's customer.environments; "" for a tenant without them.
	Environment string
}

// Input is one tenant's desired and live state; ReadErr is set when its
// live state could not be read.
type Input struct {
	Desired Desired
	Live    *Live
	ReadErr error
}

// Options are the guards' limits and the connectors catalogue.
type Options struct {
	MaxDeletesPerTenant int
	MaxDeletesTotal     int
	// Rollout puts the tenants with changes in waves (TenantPlan.Wave).
	Rollout spec.Rollout
	// Providers, when set, is checked against every connection's
	// provider; nil skips the check (the catalogue could not be read).
	Providers Providers
}

// Build plans every tenant. Tenants are independent: one that fails or is
// blocked does not stop the others. The fleet-wide delete limit blocks
// every tenant that deletes anything when the total is over it.
func Build(inputs []Input, opts Options) *Plan {
	tenants := make([]TenantPlan, len(inputs))
	for i, in := range inputs {
		tenants[i] = Tenant(in, opts)
	}
	return Assemble(tenants, opts)
}

// Assemble makes the plan of tenants planned one by one with Tenant (and
// the same opts): it applies the fleet-wide delete limit and puts the
// tenants in rollout waves, as Build does.
func Assemble(tenants []TenantPlan, opts Options) *Plan {
	p := &Plan{FormatVersion: FormatVersion, Tenants: tenants}
	deletes := 0
	for _, t := range p.Tenants {
		if t.Status == StatusPlanned {
			deletes += t.Counts()[OpDelete]
		}
	}
	if deletes > opts.MaxDeletesTotal {
		for i := range p.Tenants {
			t := &p.Tenants[i]
			if t.Status != StatusFailed && t.Counts()[OpDelete] > 0 {
				t.Status = StatusBlocked
				t.Guards = append(t.Guards, Guard{Rule: RuleMaxDeletesTotal, Message: fmt.Sprintf(
					"the plan deletes %d objects across tenants, over guards.maxDeletesTotal (%d)", deletes, opts.MaxDeletesTotal)})
			}
		}
	}
	AssignWaves(p.Tenants, opts.Rollout)
	return p
}

// Tenant plans one tenant.
func Tenant(in Input, opts Options) TenantPlan {
	t := in.Desired.Tenant
	tp := TenantPlan{Name: t.Name, ExternalID: t.Customer.ExternalID, Environment: in.Desired.Environment,
		Status: StatusPlanned, Actions: []Action{}}
	fail := func(err error) TenantPlan {
		tp.Status, tp.Error, tp.Actions = StatusFailed, err.Error(), []Action{}
		return tp
	}
	if in.ReadErr != nil {
		return fail(fmt.Errorf("reading live state: %w", in.ReadErr))
	}
	workspace := int64(0) // the workspace planned: the customer's own, or the environment's
	if in.Live.Customer != nil {
		tp.CustomerID = in.Live.Customer.ID
		workspace = tp.CustomerID
	}
	if tp.Environment != "" {
		ws, waiting, err := environmentWorkspace(t, tp.Environment, in.Live.Customer)
		if err != nil {
			return fail(err)
		}
		if waiting {
			return awaitEnvironment(in, tp)
		}
		workspace, tp.WorkspaceID = ws, ws
	}
	ledger, err := ParseLedger(in.Live.Ledger, NewLedgerKey(in.Desired.FingerprintKey, workspace))
	if err != nil {
		return fail(err)
	}
	pl := newPlanner(in.Desired, in.Live, ledger)
	pl.checkProviders(opts.Providers)
	pl.plan()
	if len(pl.problems) > 0 {
		return fail(fmt.Errorf("%s", strings.Join(pl.problems, "; ")))
	}
	actions, err := order(pl.actions)
	if err != nil {
		return fail(err)
	}
	tp.Actions = actions
	tp.Guards = guards(pl, tp.Actions, opts)
	if len(tp.Guards) > 0 {
		tp.Status = StatusBlocked
	}
	return tp
}

// planner holds one tenant's matching state while actions are built.
type planner struct {
	d           Desired
	t           *spec.Tenant
	live        *Live
	ledger      *Ledger
	newCust     bool
	folders     map[spec.Path]LiveFolder // by path, from the live parent links
	paths       map[int64]spec.Path      // folder id -> path
	actions     []*Action
	byID        map[string]*Action
	problems    []string
	conns       map[string]int64       // connection name -> live id, 0 when it is to be created
	matched     map[int64]bool         // live connections the manifest declares
	protected   map[liveRef]bool       // live objects the guards must not delete or disconnect
	stopping    map[int64]string       // recipe id -> its stop action
	connActions map[spec.Path][]string // folder -> connection actions that set credentials there
	connDeletes map[int64]string       // connection id -> its delete action
}

// liveRef names a live object: ids are unique per kind only.
type liveRef struct {
	kind Kind
	id   int64
}

func newPlanner(d Desired, live *Live, ledger *Ledger) *planner {
	pl := &planner{
		d: d, t: d.Tenant, live: live, ledger: ledger, newCust: live.Customer == nil,
		folders: map[spec.Path]LiveFolder{}, paths: map[int64]spec.Path{}, byID: map[string]*Action{},
		conns: map[string]int64{}, matched: map[int64]bool{}, protected: map[liveRef]bool{}, stopping: map[int64]string{},
		connActions: map[spec.Path][]string{}, connDeletes: map[int64]string{},
	}
	byID := map[int64]LiveFolder{}
	for _, f := range live.Folders {
		byID[f.ID] = f
	}
	for _, f := range live.Folders {
		p := pl.livePath(f, byID, 0)
		pl.folders[p] = f
	}
	return pl
}

// livePath is a live folder's path, built from its parent links and names:
// a live name may hold "/", so its display path could name another folder.
func (pl *planner) livePath(f LiveFolder, byID map[int64]LiveFolder, depth int) spec.Path {
	if p, ok := pl.paths[f.ID]; ok {
		return p
	}
	parent := spec.Home
	if up, ok := byID[f.ParentID]; ok && f.ParentID != pl.live.HomeID && depth < len(byID) {
		parent = pl.livePath(up, byID, depth+1) // depth bounds a cycle of parent links, which the API cannot have
	}
	p := parent.Child(f.Name)
	pl.paths[f.ID] = p
	return p
}

func (pl *planner) problem(format string, args ...any) {
	pl.problems = append(pl.problems, fmt.Sprintf(format, args...))
}

func (pl *planner) protect(kind Kind, id int64) { pl.protected[liveRef{kind, id}] = true }

// add records an action; its id is ActionID(op, kind, key), unique in the
// tenant because keys are.
func (pl *planner) add(a Action, declared spec.Pos) *Action {
	a.ID = ActionID(a.Op, a.Kind, a.Key)
	if declared.File != "" {
		a.Declared = declared.String()
	}
	if pl.newCust && a.Kind != KindCustomer {
		a.DependsOn = append(a.DependsOn, pl.customerCreateID())
	}
	if a.Op == OpCreate {
		// A new object's unset fields are noise, not changes.
		a.Changes = slices.DeleteFunc(a.Changes, func(c Change) bool { return c.New == nil && !c.Sensitive })
	}
	if _, dup := pl.byID[a.ID]; dup && a.Op != OpUnmanaged {
		// Reports of two live objects with one key may share an id: nothing
		// depends on them and neither is executed.
		pl.problem("internal: two actions %q", a.ID)
	}
	ap := &a
	pl.actions = append(pl.actions, ap)
	pl.byID[a.ID] = ap
	return ap
}

func (pl *planner) customerCreateID() string {
	return ActionID(OpCreate, KindCustomer, pl.t.Customer.Key())
}

// plan runs every kind's planning, then every kind's pruning: a folder's
// delete must know which of its contents go.
func (pl *planner) plan() {
	for _, k := range AllKinds {
		info(k).plan(pl)
	}
	for _, k := range slices.Backward(AllKinds) {
		info(k).prune(pl)
	}
	pl.reportUnverified()
	pl.keepUnsignedClaims()
}

func (pl *planner) planCustomer() {
	c := pl.t.Customer
	if !customerEntry(pl.d) {
		return // another environment's entry creates or updates the customer
	}
	if pl.newCust {
		pl.add(Action{Op: OpCreate, Kind: KindCustomer, Key: c.Key(), Reason: "no workspace with this external id" + awaitedEnvironments(c), Desired: c,
			Changes: []Change{
				{Field: "name", New: c.Name}, {Field: "notification_email", New: c.NotificationEmail},
				{Field: "plan_id", New: nonEmpty(c.PlanID)}, {Field: "origin_url", New: nonEmpty(c.OriginURL)},
			}}, c.Pos)
		return
	}
	lc := pl.live.Customer
	var ch []Change
	var patch CustomerPatch
	ch = diffField(ch, &patch.Name, "name", lc.Name, c.Name, true)
	ch = diffField(ch, &patch.NotificationEmail, "notification_email", lc.NotificationEmail, c.NotificationEmail, true)
	ch = diffField(ch, &patch.PlanID, "plan_id", lc.PlanID, c.PlanID, c.PlanID != "")
	ch = diffField(ch, &patch.OriginURL, "origin_url", lc.OriginURL, c.OriginURL, c.OriginURL != "")
	if len(ch) > 0 {
		pl.add(Action{Op: OpUpdate, Kind: KindCustomer, Key: c.Key(), LiveID: lc.ID, Reason: "fields differ from the manifest", Changes: ch,
			Desired: c, Before: *lc, Patch: patch}, c.Pos)
	}
	if !pl.ledger.Customer {
		pl.add(Action{Op: OpAdopt, Kind: KindCustomer, Key: c.Key(), LiveID: lc.ID, Reason: "the workspace exists; not yet managed", Desired: c, Before: *lc}, c.Pos)
	}
}

// diff appends a change when want differs from got and the manifest
// says something about the field.
func diff(ch []Change, field string, got, want any, declared bool) []Change {
	if !declared || got == want {
		return ch
	}
	return append(ch, Change{Field: field, Old: got, New: want})
}

// diffField is diff for a string field an update may set: it also sets the
// field of the typed patch apply sends.
func diffField(ch []Change, set **string, field, got, want string, declared bool) []Change {
	if !declared || got == want {
		return ch
	}
	*set = &want
	return append(ch, Change{Field: field, Old: got, New: want})
}

func nonEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

var _ = register(KindCustomer, kindInfo{
	order: 10, ops: []Op{OpCreate, OpUpdate, OpAdopt, OpPending}, phase: 0, ledger: []section{customerSection},
	plan: (*planner).planCustomer, prune: nothing,
	live: func(l *Live, _ int64) (any, bool) { return l.Customer, l.Customer != nil },
})
