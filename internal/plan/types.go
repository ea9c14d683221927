package plan

import "github.com/workato-gitops/workato-gitops/internal/spec"

// FormatVersion is the version of the JSON form of a Plan (and of saved
// plans). Minor versions add fields; a major version change breaks readers.
const FormatVersion = "1.3"

// Kind is the kind of object an action is about.
type Kind string

// The kinds, in the order a tenant's objects are created.
const (
	KindCustomer   Kind = "customer"
	KindMember     Kind = "member"
	KindFolder     Kind = "folder"
	KindConnection Kind = "connection"
	KindPackage    Kind = "package"
	KindRecipe     Kind = "recipe"
)

// Op is what an action does.
type Op string

const (
	OpCreate     Op = "create"     // make a new object
	OpUpdate     Op = "update"     // change fields of an existing object
	OpReconnect  Op = "reconnect"  // send a connection's input (new or rotated credentials)
	OpDisconnect Op = "disconnect" // disconnect a connection
	OpDelete     Op = "delete"     // delete an owned object that left the manifest
	OpImport     Op = "import"     // import a package (new content or target folder)
	OpStart      Op = "start"      // start a recipe
	OpStop       Op = "stop"       // stop a recipe
	OpProtect    Op = "protect"    // record protect: true in the ledger (no API call)
	OpUnprotect  Op = "unprotect"  // record that protect was removed (no API call): deletes become possible
	OpAdopt      Op = "adopt"      // record an existing object as managed (ledger only, no API call)
	OpPending    Op = "pending"    // reported only: an invitation sent and not yet accepted
	OpUnmanaged  Op = "unmanaged"  // reported only: a live object the tool does not own
)

// ReportOnly reports whether an action of op is shown and never acted on:
// apply makes no call and writes no ledger entry for it.
func (op Op) ReportOnly() bool { return op == OpUnmanaged || op == OpPending }

// Ops lists every Op in display order.
var Ops = []Op{OpCreate, OpUpdate, OpReconnect, OpDisconnect, OpDelete, OpImport, OpStart, OpStop, OpProtect, OpUnprotect, OpAdopt, OpPending, OpUnmanaged}

// Status of a tenant's plan.
type Status string

const (
	StatusPlanned Status = "planned" // actions computed (possibly none)
	StatusBlocked Status = "blocked" // a guard refused; nothing will be applied
	StatusFailed  Status = "failed"  // live state could not be read, or was ambiguous
)

// Plan is the whole plan: one entry per tenant, sorted by name.
type Plan struct {
	FormatVersion string       `json:"format_version"`
	Tenants       []TenantPlan `json:"tenants"`
}

// TenantPlan is one tenant's actions, in execution order.
type TenantPlan struct {
	Name       string   `json:"name"`
	ExternalID string   `json:"external_id"`
	CustomerID int64    `json:"customer_id,omitempty"` // 0 when the customer does not exist yet
	Status     Status   `json:"status"`
	Error      string   `json:"error,omitempty"`  // why it failed
	Guards     []Guard  `json:"guards,omitempty"` // why it is blocked
	Actions    []Action `json:"actions"`
	// Wave is the rollout wave the tenant is applied in (1: the canaries);
	// 0 when the config has no rollout or the tenant has nothing to do.
	Wave int `json:"wave,omitempty"`

	// Environment is the Embedded Environment this entry plans ("dev",
	// "test" or "prod"): a tenant with customer.environments has one entry
	// per environment, each for its own workspace, WorkspaceID (0 while
	// not known). Both are empty without customer.environments.
	Environment string `json:"environment,omitempty"`
	WorkspaceID int64  `json:"workspace_id,omitempty"`
}

// Label names the entry in output: the tenant, and its environment when
// it has one ("acme env prod").
func (t *TenantPlan) Label() string { return UnitLabel(t.Name, t.Environment) }

// Unit identifies the entry among a plan's: the tenant's name, with
// "@env" for an environment ("acme@prod"; tenant names hold no "@").
func (t *TenantPlan) Unit() string { return UnitKey(t.Name, t.Environment) }

// UnitLabel is TenantPlan.Label for a name and an environment.
func UnitLabel(name, env string) string {
	if env == "" {
		return name
	}
	return name + " env " + env
}

// UnitKey is TenantPlan.Unit for a name and an environment.
func UnitKey(name, env string) string {
	if env == "" {
		return name
	}
	return name + "@" + env
}

// Guard is one safety rule a plan broke.
type Guard struct {
	Rule     string `json:"rule"` // protected, max_deletes_per_tenant, max_deletes_total, in_use
	Message  string `json:"message"`
	ActionID string `json:"action_id,omitempty"`
}

// Guard rules.
const (
	RuleProtected           = "protected"
	RuleMaxDeletesPerTenant = "max_deletes_per_tenant"
	RuleMaxDeletesTotal     = "max_deletes_total"
	RuleInUse               = "in_use"
)

// Action is one step of a tenant's plan.
type Action struct {
	ID        string   `json:"id"` // unique in the tenant: ActionID(Op, Kind, Key)
	Op        Op       `json:"op"`
	Kind      Kind     `json:"kind"`
	Key       spec.Key `json:"key"`               // natural key; prints as path, folder/name, email, package name
	LiveID    int64    `json:"live_id,omitempty"` // the live object, when there is one
	Reason    string   `json:"reason"`
	Changes   []Change `json:"changes,omitempty"`    // for display; apply reads Patch
	DependsOn []string `json:"depends_on,omitempty"` // ids of actions that must succeed first
	Declared  string   `json:"declared_at,omitempty"`

	// What the plan decided, typed, in the spirit of Terraform's
	// plans.Change: apply acts on these and never re-matches or parses
	// Changes. They are not part of the JSON form; apply always runs a plan
	// it has just made.
	Desired any `json:"-"` // the manifest object: spec.Customer, spec.Member, spec.Folder, spec.Connection, spec.Package or spec.Recipe
	Before  any `json:"-"` // the live object acted on: LiveCustomer, LiveMember, LiveFolder, LiveConnection or LiveRecipe
	Patch   any `json:"-"` // what an update sets: CustomerPatch or ConnectionPatch
}

// ActionID is an action's id: "op kind key", unique in a tenant because
// keys are.
func ActionID(op Op, kind Kind, key spec.Key) string {
	return string(op) + " " + string(kind) + " " + key.String()
}

// CustomerPatch is what a customer update sets; nil fields stay as they are.
type CustomerPatch struct {
	Name, NotificationEmail, PlanID, OriginURL *string
}

// ConnectionPatch is what a connection update sets.
type ConnectionPatch struct {
	ExternalID *string
	Parent     string // the name of the new parent connection; "" when the parent stays
}

// Change is one field of an action. Sensitive fields carry no values, only
// whether they change.
type Change struct {
	Field     string `json:"field"`
	Old       any    `json:"old,omitempty"` // string, bool, int64 or nil
	New       any    `json:"new,omitempty"`
	Sensitive bool   `json:"sensitive,omitempty"`
}

// Counts is how many actions of each op a plan holds.
type Counts map[Op]int

// Counts tallies the tenant's actions.
func (t *TenantPlan) Counts() Counts {
	c := Counts{}
	for _, a := range t.Actions {
		c[a.Op]++
	}
	return c
}

// Changes reports whether applying the tenant would call the API or write
// its ledger (unmanaged and pending reports do neither).
func (t *TenantPlan) Changes() bool {
	for _, a := range t.Actions {
		if !a.Op.ReportOnly() {
			return true
		}
	}
	return false
}

// Counts tallies every tenant's actions.
func (p *Plan) Counts() Counts {
	c := Counts{}
	for i := range p.Tenants {
		for op, n := range p.Tenants[i].Counts() {
			c[op] += n
		}
	}
	return c
}

// HasChanges reports whether any tenant has something to apply.
func (p *Plan) HasChanges() bool {
	for i := range p.Tenants {
		if p.Tenants[i].Changes() {
			return true
		}
	}
	return false
}

// Blocked reports whether a guard blocked any tenant.
func (p *Plan) Blocked() bool {
	for _, t := range p.Tenants {
		if t.Status == StatusBlocked {
			return true
		}
	}
	return false
}

// Failed reports whether any tenant could not be planned.
func (p *Plan) Failed() bool {
	for _, t := range p.Tenants {
		if t.Status == StatusFailed {
			return true
		}
	}
	return false
}
