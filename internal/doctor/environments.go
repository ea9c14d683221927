package doctor

import (
	"fmt"
	"strings"

	"github.com/workato-gitops/workato-gitops/internal/apply"
	livewalk "github.com/workato-gitops/workato-gitops/internal/live"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

const provisionHint = "Workato provisions Environments (Manage customers settings, or POST /managed_users/:id/environments, which cannot be undone); this tool never does, and plan fails the tenant until they are"

// workspace is one workspace the per-customer checks read: the customer's
// own, or one of its environments'.
type workspace struct {
	env string // "" for the customer's own workspace
	id  int64
}

// checkEnvironments reports, for the tenants with customer.environments,
// whether each environment they list is provisioned, from the customers
// list (the only documented source of the ids), and refuses ids plan
// would refuse. A tenant whose customer does not exist yet is pending.
// It reads nothing more and writes nothing.
func checkEnvironments(r *report, tenants []*spec.Tenant, custs []workato.Customer) {
	known := customerIndex(custs)
	var ready, pending []string
	workspaces := 0
	for _, t := range tenants {
		envs := t.Customer.Environments
		if len(envs) == 0 {
			continue
		}
		c := findCustomer(t, custs)
		if c == nil {
			if awaits(envs) {
				pending = append(pending, t.Name)
			}
			continue
		}
		if _, err := environmentWorkspaces(t, c, known); err != nil {
			r.add(finding{sev: sevFail, area: "environments", msg: fmt.Sprintf("tenant %s: %v", t.Name, err), hint: hintFor(err)})
			continue
		}
		ready = append(ready, t.Name)
		workspaces += len(envs)
	}
	if len(ready) > 0 {
		r.ok("environments", "%s with customer.environments (%s): %s provisioned", plural(len(ready), "tenant"), names(ready), plural(workspaces, "workspace"))
	}
	if len(pending) > 0 {
		r.ok("environments", "%s not created yet (%s): apply creates the customer; its TEST and PROD workspaces are pending until Workato provisions its Environments",
			plural(len(pending), "tenant"), names(pending))
	}
}

// customerIndex keys the customers list as apply's reader does, by
// "E"+external id and by id.
func customerIndex(custs []workato.Customer) map[string]*workato.Customer {
	known := map[string]*workato.Customer{}
	for i := range custs {
		known["E"+custs[i].ExternalID] = &custs[i]
		known[fmt.Sprint(custs[i].ID)] = &custs[i]
	}
	return known
}

// notProvisioned is the error of a customer that lacks an environment its
// manifest lists.
type notProvisioned struct{ msg string }

func (e *notProvisioned) Error() string { return e.msg }

func hintFor(err error) string {
	if _, ok := err.(*notProvisioned); ok {
		return provisionHint
	}
	return "the API's environments answer would send an environment to the wrong workspace, so plan refuses this tenant; check the customer in Workato, or ask Workato support"
}

// environmentWorkspaces is the workspace of each environment t lists, or
// why plan would refuse them: one not provisioned, or ids that collide.
func environmentWorkspaces(t *spec.Tenant, c *workato.Customer, known map[string]*workato.Customer) ([]workspace, error) {
	lc := livewalk.Customer(c)
	var out []workspace
	var missing []string
	for _, env := range t.Customer.Environments {
		id, ok := lc.WorkspaceID(env)
		if !ok {
			missing = append(missing, env)
			continue
		}
		out = append(out, workspace{env: env, id: id})
	}
	if len(missing) > 0 {
		return nil, &notProvisioned{fmt.Sprintf("customer %s (#%d) has no %s environment, which customer.environments lists (%s)",
			c.ExternalID, c.ID, strings.Join(missing, " or "), t.Customer.EnvironmentsAt())}
	}
	if err := apply.CheckWorkspaceIDs(lc, t.Customer.Environments, known); err != nil {
		return nil, err
	}
	return out, nil
}

// awaits says whether a new customer's environments include one that is
// known only once Workato provisions it (TEST or PROD).
func awaits(envs []string) bool {
	for _, e := range envs {
		if e != "dev" {
			return true
		}
	}
	return false
}

// names lists a few names, then how many more.
func names(ns []string) string {
	const shown = 3
	if len(ns) > shown {
		return fmt.Sprintf("%s and %d more", strings.Join(ns[:shown], ", "), len(ns)-shown)
	}
	return strings.Join(ns, ", ")
}

// tenantsPhrase counts tenants, and with customer.environments the
// workspaces they manage ("1 tenant (2 workspaces)").
func tenantsPhrase(tenants []*spec.Tenant) string {
	workspaces, envs := 0, false
	for _, t := range tenants {
		workspaces += max(1, len(t.Customer.Environments))
		envs = envs || len(t.Customer.Environments) > 0
	}
	if !envs {
		return plural(len(tenants), "tenant")
	}
	return fmt.Sprintf("%s (%s)", plural(len(tenants), "tenant"), plural(workspaces, "workspace"))
}
