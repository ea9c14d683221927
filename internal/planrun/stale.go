package planrun

import (
	"context"
	"slices"
	"sort"

	"github.com/workato-gitops/workato-gitops/internal/apply"
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// ManifestChanges lists the manifests added, removed or changed since the
// plan was saved.
func ManifestChanges(saved *plan.Saved, repo *spec.Repo) []string {
	var problems []string
	now := map[string]string{}
	for _, f := range repo.Files {
		now[f.Path] = f.SHA256
	}
	for _, path := range unionKeys(now, saved.Manifests) {
		switch {
		case saved.Manifests[path] == "":
			problems = append(problems, path+" was added since the plan")
		case now[path] == "":
			problems = append(problems, path+" was removed since the plan")
		case now[path] != saved.Manifests[path]:
			problems = append(problems, path+" changed since the plan")
		}
	}
	return problems
}

// OnlySaved narrows a selection to exactly the tenants a saved plan holds,
// by name (never as patterns).
func OnlySaved(saved *plan.Saved) func(context.Context, []*spec.Tenant) ([]*spec.Tenant, error) {
	names := map[string]bool{}
	for _, t := range saved.Plan.Tenants {
		names[t.Name] = true
	}
	return func(_ context.Context, all []*spec.Tenant) ([]*spec.Tenant, error) {
		var out []*spec.Tenant
		for _, t := range all {
			if names[t.Name] {
				out = append(out, t)
			}
		}
		return out, nil
	}
}

// Differences lists how a fresh plan of the saved plan's tenants differs
// from the saved one, action by action (plan.Differences: op, kind, key,
// live id, changes, guards), and which live objects the reviewed plan
// touches changed field by field since (apply.Stale), to say why. None
// means the fresh plan is the one that was reviewed.
func Differences(saved *plan.Saved, fresh *Planned) []string {
	problems := plan.Differences(saved.Plan, fresh.Plan)
	for i, tp := range fresh.Plan.Tenants {
		if j := slices.IndexFunc(saved.Plan.Tenants, func(s plan.TenantPlan) bool { return s.Unit() == tp.Unit() }); j >= 0 {
			tp = saved.Plan.Tenants[j]
		}
		problems = append(problems, apply.Stale(tp, saved.Live[tp.Unit()], fresh.Inputs[i].Live)...)
	}
	return problems
}

func unionKeys(a, b map[string]string) []string {
	seen := map[string]bool{}
	for k := range a {
		seen[k] = true
	}
	for k := range b {
		seen[k] = true
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
