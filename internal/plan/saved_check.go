package plan

import (
	"fmt"
	"slices"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// MaxSavedPlan bounds the size of a saved plan read back from disk: a
// thousand tenants' plans and live state fit in a few megabytes.
const MaxSavedPlan = 64 << 20

// check refuses a saved plan whose structure a tool writing it would never
// produce (null entries, unknown ops or kinds, missing names), naming the
// field, so that nothing downstream meets a nil or a value it cannot
// handle. It checks shape only: apply re-derives the plan's content.
func (s *Saved) check() error {
	if s.Plan == nil {
		return fmt.Errorf("plan: missing")
	}
	seen := map[string]bool{}
	for i := range s.Plan.Tenants {
		t := &s.Plan.Tenants[i]
		at := fmt.Sprintf("plan.tenants[%d]", i)
		switch {
		case t.Name == "":
			return fmt.Errorf("%s: not a tenant plan (no name)", at)
		case seen[t.Unit()]:
			return fmt.Errorf("%s: tenant %q appears twice", at, t.Label())
		case t.Environment != "" && !slices.Contains(spec.Environments, t.Environment):
			return fmt.Errorf("%s.environment: %q is not dev, test or prod", at, t.Environment)
		case !slices.Contains([]Status{StatusPlanned, StatusBlocked, StatusFailed}, t.Status):
			return fmt.Errorf("%s.status: %q is not planned, blocked or failed", at, t.Status)
		}
		seen[t.Unit()] = true
		for j := range t.Actions {
			if err := t.Actions[j].check(); err != nil {
				return fmt.Errorf("%s.actions[%d]%v", at, j, err)
			}
		}
	}
	for name, l := range s.Live {
		if l == nil {
			return fmt.Errorf("live.%s: null, not a tenant's live state", name)
		}
	}
	for path, sum := range s.Manifests {
		if sum == "" {
			return fmt.Errorf("manifests.%s: no digest", path)
		}
	}
	return nil
}

var savedKinds = []Kind{KindCustomer, KindMember, KindFolder, KindConnection, KindPackage, KindRecipe}

func (a *Action) check() error {
	switch {
	case a.ID == "":
		return fmt.Errorf(": not an action (no id)")
	case !slices.Contains(Ops, a.Op):
		return fmt.Errorf(".op: unknown op %q", a.Op)
	case !slices.Contains(savedKinds, a.Kind):
		return fmt.Errorf(".kind: unknown kind %q", a.Kind)
	}
	return nil
}
