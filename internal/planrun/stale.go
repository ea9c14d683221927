package planrun

import (
	"sort"
	"strings"

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

// SavedTenants names the tenants of a saved plan, in its order.
func SavedTenants(saved *plan.Saved) []string {
	var names []string
	for _, t := range saved.Plan.Tenants {
		names = append(names, t.Name)
	}
	return names
}

// Differences lists how a fresh plan of the saved plan's tenants differs
// from the saved one: other tenants, live objects it touches that changed
// (apply.Stale), other actions. None means the saved plan still applies.
func Differences(saved *plan.Saved, fresh *Planned) []string {
	var problems []string
	for i, tp := range saved.Plan.Tenants {
		if i >= len(fresh.Plan.Tenants) || fresh.Plan.Tenants[i].Name != tp.Name {
			return []string{"the saved plan's tenants do not match the manifests"}
		}
		problems = append(problems, apply.Stale(tp, saved.Live[tp.Name], fresh.Inputs[i].Live)...)
		if a, b := actionIDs(tp), actionIDs(fresh.Plan.Tenants[i]); a != b {
			problems = append(problems, tp.Name+": planning again now gives other actions:\n    was: "+a+"\n    now: "+b)
		}
	}
	return problems
}

func actionIDs(tp plan.TenantPlan) string {
	var ids []string
	for _, a := range tp.Actions {
		ids = append(ids, a.ID)
	}
	return string(tp.Status) + " [" + strings.Join(ids, "; ") + "]"
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
