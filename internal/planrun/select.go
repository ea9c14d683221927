package planrun

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/workato-gitops/workato-gitops/internal/apply"
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// Selection is what a run plans: tenants, and of a tenant with
// customer.environments, which of its environments.
type Selection struct {
	Tenants []*spec.Tenant
	// envs holds, by tenant, the environments selected when not all of
	// them are (a pattern NAME@ENV); a tenant not in it has every
	// environment its manifest lists planned.
	envs map[*spec.Tenant][]string
}

// Environments is the environments of t the selection plans, in the
// manifest's order: all those it lists unless patterns named some; nil
// for a tenant without customer.environments.
func (s Selection) Environments(t *spec.Tenant) []string {
	if e, ok := s.envs[t]; ok {
		return e
	}
	return t.Customer.Environments
}

// SelectTenants keeps the tenants matching any pattern (all with none).
// A pattern is a glob over tenant names, selecting every environment of a
// tenant with customer.environments, or NAME@ENV (acme@prod, '*@prod'),
// selecting environment ENV of the tenants matching NAME that list it. A
// pattern that selects nothing is an error, to catch typos, and so is an
// ENV that is no environment; the error of NAME@ENV says which
// environments the tenants NAME matches do list.
func SelectTenants(all []*spec.Tenant, patterns []string) (Selection, error) {
	if len(patterns) == 0 {
		return Selection{Tenants: all}, nil
	}
	whole := map[*spec.Tenant]bool{}
	some := map[*spec.Tenant][]string{}
	for _, p := range patterns {
		name, env, scoped := strings.Cut(p, "@")
		if scoped && !slices.Contains(spec.Environments, env) {
			return Selection{}, fmt.Errorf("--tenant %q: %q is not an environment; NAME@ENV takes dev, test or prod", p, env)
		}
		var byName []*spec.Tenant
		for _, t := range all {
			ok, err := path.Match(name, t.Name)
			if err != nil {
				return Selection{}, fmt.Errorf("--tenant %q: %v", p, err)
			}
			if ok {
				byName = append(byName, t)
			}
		}
		if len(byName) == 0 {
			return Selection{}, fmt.Errorf("--tenant %q matches no tenant", p)
		}
		if !scoped {
			for _, t := range byName {
				whole[t] = true
			}
			continue
		}
		found := false
		for _, t := range byName {
			if slices.Contains(t.Customer.Environments, env) {
				found = true
				if !slices.Contains(some[t], env) {
					some[t] = append(some[t], env)
				}
			}
		}
		if !found {
			return Selection{}, noEnvironment(p, env, byName)
		}
	}
	s := Selection{envs: map[*spec.Tenant][]string{}}
	for _, t := range all {
		switch {
		case whole[t]:
			s.Tenants = append(s.Tenants, t)
		case some[t] != nil:
			s.Tenants = append(s.Tenants, t)
			// In the manifest's order, whatever the patterns' order.
			s.envs[t] = slices.DeleteFunc(slices.Clone(t.Customer.Environments), func(e string) bool { return !slices.Contains(some[t], e) })
		}
	}
	return s, nil
}

// noEnvironment says why NAME@ENV selected nothing: none of the tenants
// NAME matches lists ENV.
func noEnvironment(p, env string, tenants []*spec.Tenant) error {
	if len(tenants) > 1 {
		return fmt.Errorf("--tenant %q: none of the %d tenants it matches lists %s in customer.environments", p, len(tenants), env)
	}
	t := tenants[0]
	if len(t.Customer.Environments) == 0 {
		return fmt.Errorf("--tenant %q: tenant %s has no customer.environments (%s); select it as --tenant %s", p, t.Name, t.Pos, t.Name)
	}
	return fmt.Errorf("--tenant %q: tenant %s lists no %s in customer.environments (%s); it lists %s",
		p, t.Name, env, t.Customer.EnvironmentsAt(), strings.Join(t.Customer.Environments, ", "))
}

// keepUnits narrows s to the entries units names (plan.UnitKey: "acme",
// "acme@prod"), as a saved plan holds them; nil keeps s.
func (s Selection) keepUnits(units map[string]bool) Selection {
	if units == nil {
		return s
	}
	out := Selection{envs: map[*spec.Tenant][]string{}}
	for _, t := range s.Tenants {
		envs := s.Environments(t)
		if len(envs) == 0 {
			if units[t.Name] {
				out.Tenants = append(out.Tenants, t)
			}
			continue
		}
		kept := slices.DeleteFunc(slices.Clone(envs), func(e string) bool { return !units[plan.UnitKey(t.Name, e)] })
		if len(kept) > 0 {
			out.Tenants = append(out.Tenants, t)
			out.envs[t] = kept
		}
	}
	return out
}

// withoutCustomerEntry warns when a selection of a tenant's environments
// leaves out the first one it lists while its customer does not exist
// yet: only that environment's entry creates the customer, so nothing
// selected could ever be applied.
func withoutCustomerEntry(units []apply.LiveResult) string {
	if len(units) == 0 || units[0].Env == "" || units[0].Err != nil || units[0].Live == nil || units[0].Live.Customer != nil {
		return ""
	}
	t := units[0].Tenant
	if first := t.Customer.Environments[0]; units[0].Env != first {
		return fmt.Sprintf("tenant %s: its customer does not exist yet, and is created in the plan of its first listed environment, %s, which --tenant leaves out: select %s@%s (or %s) to create it",
			t.Name, first, t.Name, first, t.Name)
	}
	return ""
}
