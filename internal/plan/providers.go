package plan

import (
	"fmt"
	"strconv"
)

// Providers is the connectors catalogue a plan checks every connection's
// provider against (*workato.Catalog): one read per run, shared by the
// fleet. Custom connectors of a workspace are not in it.
type Providers interface {
	Has(provider string) bool
	Suggest(provider string) (string, bool)
}

// checkProviders finds declared connections whose provider is neither in
// the catalogue nor used by a live connection of the workspace (a custom
// connector is known only there), so that a typo fails the plan at its
// line instead of apply at a 400.
func (pl *planner) checkProviders(cat Providers) {
	if cat == nil {
		return
	}
	inUse := map[string]bool{}
	for _, lc := range pl.live.Connections {
		inUse[lc.Provider] = true
	}
	for _, c := range pl.t.Connections {
		if c.Provider == "" || cat.Has(c.Provider) || inUse[c.Provider] {
			continue
		}
		msg := fmt.Sprintf("%s: connection %q: provider %s is not in the connectors catalogue", c.Pos, c.Key(), strconv.Quote(c.Provider))
		if s, ok := cat.Suggest(c.Provider); ok {
			msg += fmt.Sprintf("; did you mean %s?", strconv.Quote(s))
		}
		pl.problem("%s", msg)
	}
}
