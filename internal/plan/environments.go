package plan

import (
	"fmt"
	"strings"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// A tenant with customer.environments is planned once per environment,
// each entry for its own workspace with its own ledger; the customer
// object itself (name, email, plan) is one, and only the first
// environment's entry creates, updates or adopts it.

// customerEntry reports whether d's entry plans the customer object: a
// tenant without environments, or its first environment.
func customerEntry(d Desired) bool {
	envs := d.Tenant.Customer.Environments
	return d.Environment == "" || len(envs) > 0 && envs[0] == d.Environment
}

// environmentWorkspace is the id of env's workspace. Every environment
// the manifest lists must be provisioned, whichever entry is planned, so
// that a tenant missing one is failed whole: nothing applied to it.
// waiting is true for an environment other than DEV of a customer that
// does not exist yet: its id is known only once Workato provisions
// Environments for the new customer.
func environmentWorkspace(t *spec.Tenant, env string, cust *LiveCustomer) (id int64, waiting bool, err error) {
	if cust == nil {
		return 0, env != "dev", nil
	}
	var missing []string
	for _, e := range t.Customer.Environments {
		if _, ok := cust.WorkspaceID(e); !ok {
			missing = append(missing, e)
		}
	}
	if len(missing) > 0 {
		what := "Environments are not provisioned for it"
		if len(cust.Environments) > 0 {
			what = "its environments property lists no " + strings.Join(missing, " or ")
		}
		return 0, false, fmt.Errorf("customer.environments (%s): customer %q (#%d) has no %s: %s; "+
			"Workato provisions Environments (Manage customers settings, or POST /managed_users/:id/environments, which cannot be undone), this tool does not",
			t.Customer.EnvironmentsAt(), t.Customer.ExternalID, cust.ID, strings.Join(missing, " or ")+" environment", what)
	}
	id, _ = cust.WorkspaceID(env)
	return id, false, nil
}

// awaitEnvironment plans an environment whose workspace does not exist
// yet (the customer is new): the customer's create, when this is its
// entry, and a pending report saying why nothing else is planned.
func awaitEnvironment(in Input, tp TenantPlan) TenantPlan {
	c := in.Desired.Tenant.Customer
	pl := newPlanner(in.Desired, in.Live, NewLedger())
	pl.planCustomer()
	a := pl.add(Action{Op: OpPending, Kind: KindCustomer, Key: c.Key(), Reason: fmt.Sprintf(
		"the %s workspace is known once the customer exists and Workato has provisioned its Environments; plan again after apply", tp.Environment)},
		spec.Pos{})
	a.Declared = c.EnvironmentsAt()
	actions, err := order(pl.actions)
	if err != nil {
		tp.Status, tp.Error = StatusFailed, err.Error()
		return tp
	}
	tp.Actions = actions
	return tp
}

// awaitedEnvironments says, on a new customer's create, which of its
// environments cannot be planned until it exists.
func awaitedEnvironments(c spec.Customer) string {
	var later []string
	for _, e := range c.Environments {
		if e != "dev" {
			later = append(later, e)
		}
	}
	if len(later) == 0 {
		return ""
	}
	return fmt.Sprintf("; its %s %s known once it exists and Workato has provisioned its Environments (this tool does not)",
		strings.Join(later, " and "), map[bool]string{true: "workspace is", false: "workspaces are"}[len(later) == 1])
}
