package plan

import (
	"fmt"
	"slices"
)

// guards checks one tenant's plan against the safety rules. Any guard
// blocks the whole tenant: nothing is applied for it.
func guards(pl *planner, actions []Action, opts Options) []Guard {
	var gs []Guard
	deletes := 0
	for _, a := range actions {
		if a.Op != OpDelete && a.Op != OpDisconnect {
			continue
		}
		if a.Op == OpDelete {
			deletes++
		}
		if pl.protected[liveRef{a.Kind, a.LiveID}] {
			gs = append(gs, Guard{Rule: RuleProtected, ActionID: a.ID,
				Message: fmt.Sprintf("%s %q is protected; it is never disconnected or deleted (remove protect and apply first to allow it)", a.Kind, a.Key)})
		}
		if a.Op == OpDelete && a.Kind == KindConnection {
			for _, r := range pl.live.Recipes {
				if _, stops := pl.stopping[r.ID]; r.Running && !stops && slices.Contains(r.ConnectionIDs, a.LiveID) {
					gs = append(gs, Guard{Rule: RuleInUse, ActionID: a.ID,
						Message: fmt.Sprintf("connection %q is used by running recipe %q (#%d); stop the recipe first", a.Key, r.Name, r.ID)})
				}
			}
		}
	}
	if deletes > opts.MaxDeletesPerTenant {
		gs = append(gs, Guard{Rule: RuleMaxDeletesPerTenant,
			Message: fmt.Sprintf("the plan deletes %d objects, over guards.maxDeletesPerTenant (%d)", deletes, opts.MaxDeletesPerTenant)})
	}
	return gs
}
