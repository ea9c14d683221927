package live

import (
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// Customer is the plan's view of a customer.
func Customer(c *workato.Customer) *plan.LiveCustomer {
	return &plan.LiveCustomer{
		ID: c.ID, ExternalID: c.ExternalID, Name: c.Name, NotificationEmail: c.NotificationEmail,
		PlanID: c.PlanID, OriginURL: derefStr(c.OriginURL), Environments: environments(c),
	}
}

// environments are the workspace ids c's environments property lists,
// by type (TEST and PROD; DEV, its own id, if listed); nil without
// Environments.
func environments(c *workato.Customer) map[string]int64 {
	var out map[string]int64
	for _, e := range c.Environments {
		if out == nil {
			out = map[string]int64{}
		}
		out[e.Type] = e.ID
	}
	return out
}

// Connections is the plan's view of connections, in the API's order.
func Connections(conns []workato.Connection) []plan.LiveConnection {
	out := make([]plan.LiveConnection, len(conns))
	for i, c := range conns {
		out[i] = plan.LiveConnection{
			ID: c.ID, Name: c.Name, Provider: c.Provider, FolderID: c.FolderID, ParentID: deref(c.ParentID),
			ExternalID: derefStr(c.ExternalID), AuthorizationStatus: derefStr(c.AuthorizationStatus), AuthorizationError: derefStr(c.AuthorizationError),
		}
	}
	return out
}

// Recipes is the plan's view of recipes, in the API's order; each keeps
// the connections its config names.
func Recipes(recipes []workato.Recipe) []plan.LiveRecipe {
	var out []plan.LiveRecipe // nil when none, as saved plans hold it
	for _, rc := range recipes {
		lr := plan.LiveRecipe{ID: rc.ID, Name: rc.Name, FolderID: rc.FolderID, Running: rc.Running}
		for _, cfg := range rc.Config {
			if cfg.AccountID != nil {
				lr.ConnectionIDs = append(lr.ConnectionIDs, *cfg.AccountID)
			}
		}
		out = append(out, lr)
	}
	return out
}

// Members is the plan's view of members, in the API's order.
func Members(members []workato.Member) []plan.LiveMember {
	var out []plan.LiveMember
	for _, m := range members {
		out = append(out, plan.LiveMember{ID: m.ID, Email: m.Email, Name: m.Name, Role: m.RoleName})
	}
	return out
}

func derefStr(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
