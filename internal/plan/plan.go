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
}

// Input is one tenant's desired and live state; ReadErr is set when its
// live state could not be read.
type Input struct {
	Desired Desired
	Live    *Live
	ReadErr error
}

// Options are the guards' limits.
type Options struct {
	MaxDeletesPerTenant int
	MaxDeletesTotal     int
}

// Build plans every tenant. Tenants are independent: one that fails or is
// blocked does not stop the others. The fleet-wide delete limit blocks
// every tenant that deletes anything when the total is over it.
func Build(inputs []Input, opts Options) *Plan {
	p := &Plan{FormatVersion: FormatVersion, Tenants: make([]TenantPlan, len(inputs))}
	for i, in := range inputs {
		p.Tenants[i] = Tenant(in, opts)
	}
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
	return p
}

// Tenant plans one tenant.
func Tenant(in Input, opts Options) TenantPlan {
	t := in.Desired.Tenant
	tp := TenantPlan{Name: t.Name, ExternalID: t.Customer.ExternalID, Status: StatusPlanned, Actions: []Action{}}
	fail := func(err error) TenantPlan {
		tp.Status, tp.Error, tp.Actions = StatusFailed, err.Error(), []Action{}
		return tp
	}
	if in.ReadErr != nil {
		return fail(fmt.Errorf("reading live state: %w", in.ReadErr))
	}
	if in.Live.Customer != nil {
		tp.CustomerID = in.Live.Customer.ID
	}
	ledger, err := ParseLedger(in.Live.Ledger, NewLedgerKey(in.Desired.FingerprintKey, tp.CustomerID))
	if err != nil {
		return fail(err)
	}
	pl := newPlanner(in.Desired, in.Live, ledger)
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
	folders     map[string]LiveFolder // by path
	paths       map[int64]string      // folder id -> path
	actions     []*Action
	byID        map[string]*Action
	problems    []string
	conns       map[string]int64    // connection name -> live id, 0 when it is to be created
	matched     map[int64]bool      // live connections the manifest declares
	protected   map[int64]bool      // live ids the guards must not delete or disconnect
	stopping    map[int64]string    // recipe id -> its stop action
	connActions map[string][]string // folder path -> connection actions that set credentials there
}

func newPlanner(d Desired, live *Live, ledger *Ledger) *planner {
	pl := &planner{
		d: d, t: d.Tenant, live: live, ledger: ledger, newCust: live.Customer == nil,
		folders: map[string]LiveFolder{}, paths: map[int64]string{}, byID: map[string]*Action{},
		conns: map[string]int64{}, matched: map[int64]bool{}, protected: map[int64]bool{}, stopping: map[int64]string{},
		connActions: map[string][]string{},
	}
	for _, f := range live.Folders {
		pl.folders[f.Path] = f
		pl.paths[f.ID] = f.Path
	}
	return pl
}

func (pl *planner) problem(format string, args ...any) {
	pl.problems = append(pl.problems, fmt.Sprintf(format, args...))
}

// add records an action; its id is "op kind key", unique in the tenant.
func (pl *planner) add(a Action, declared spec.Pos) *Action {
	a.ID = string(a.Op) + " " + string(a.Kind) + " " + a.Key
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
	ap := &a
	pl.actions = append(pl.actions, ap)
	pl.byID[a.ID] = ap
	return ap
}

func (pl *planner) customerCreateID() string {
	return string(OpCreate) + " " + string(KindCustomer) + " " + pl.t.Customer.ExternalID
}

func (pl *planner) plan() {
	pl.planCustomer()
	pl.planMembers()
	pl.planFolders()
	pl.planConnections()
	pl.planPackages()
	pl.planRecipes()
	pl.orphanConnections()
	pl.reportUnverified()
	pl.keepUnsignedClaims()
}

func (pl *planner) planCustomer() {
	c := pl.t.Customer
	if pl.newCust {
		pl.add(Action{Op: OpCreate, Kind: KindCustomer, Key: c.ExternalID, Reason: "no workspace with this external id",
			Changes: []Change{
				{Field: "name", New: c.Name}, {Field: "notification_email", New: c.NotificationEmail},
				{Field: "plan_id", New: nonEmpty(c.PlanID)}, {Field: "origin_url", New: nonEmpty(c.OriginURL)},
			}}, c.Pos)
		return
	}
	lc := pl.live.Customer
	var ch []Change
	ch = diff(ch, "name", lc.Name, c.Name, true)
	ch = diff(ch, "notification_email", lc.NotificationEmail, c.NotificationEmail, true)
	ch = diff(ch, "plan_id", lc.PlanID, c.PlanID, c.PlanID != "")
	ch = diff(ch, "origin_url", lc.OriginURL, c.OriginURL, c.OriginURL != "")
	if len(ch) > 0 {
		pl.add(Action{Op: OpUpdate, Kind: KindCustomer, Key: c.ExternalID, LiveID: lc.ID, Reason: "fields differ from the manifest", Changes: ch}, c.Pos)
	}
	if !pl.ledger.Customer {
		pl.add(Action{Op: OpAdopt, Kind: KindCustomer, Key: c.ExternalID, LiveID: lc.ID, Reason: "the workspace exists; not yet managed"}, c.Pos)
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

func nonEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
