package planrun

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/workato-gitops/workato-gitops/internal/apply"
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// StaleError says why a saved plan is not the plan of the manifests and
// workspaces as they are now: apply refuses it and applies nothing.
type StaleError struct {
	File     string   // the saved plan's file
	Problems []string // each difference, in words
}

func (e *StaleError) Error() string {
	return fmt.Sprintf("the saved plan %s is stale; nothing was applied:\n  %s", e.File, strings.Join(e.Problems, "\n  "))
}

// Recheck holds a saved plan (read from file) to what the manifests of
// repo and the workspaces say now. replan plans repo again, narrowed to
// exactly the saved plan's entries, units (Live.Units: its tenants, and
// of a tenant with environments, the environments it holds); Recheck
// returns that fresh
// plan only when it equals the saved one action by action, and the
// manifests and every live object the plan touches are unchanged; else a
// *StaleError naming each difference. The saved actions are never
// executed, so nothing in the file can add, widen or redirect an action;
// the file can only make apply refuse.
func Recheck(saved *plan.Saved, file string, repo *spec.Repo, replan func(units map[string]bool) (*Planned, error)) (*Planned, error) {
	if problems := ManifestChanges(saved, repo); len(problems) > 0 {
		return nil, &StaleError{File: file, Problems: problems}
	}
	// Re-read exactly the plan's tenants and re-plan them: the new plan
	// must be the same, and every object it touches unchanged.
	fresh, err := replan(SavedUnits(saved))
	if err != nil {
		return nil, err
	}
	if problems := Differences(saved, fresh); len(problems) > 0 {
		return nil, &StaleError{File: file, Problems: problems}
	}
	// Apply runs the fresh plan, which equals the saved one action for
	// action: only a plan made in this process carries the typed objects
	// apply acts on (plan.Action.Desired, Patch).
	return fresh, nil
}

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

// SavedUnits is the entries a saved plan holds, by plan.UnitKey ("acme",
// "acme@prod"), for Live.Units: a plan of one environment is checked
// against a fresh plan of that environment alone.
func SavedUnits(saved *plan.Saved) map[string]bool {
	units := map[string]bool{}
	for i := range saved.Plan.Tenants {
		units[saved.Plan.Tenants[i].Unit()] = true
	}
	return units
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
