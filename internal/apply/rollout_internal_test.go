package apply

import (
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/plan"
)

// TestRolloutStopCountsTenants: the share that stops a rollout is of
// tenants. A tenant with environments is failed when any of its
// workspaces failed, and counts once however many it has.
func TestRolloutStopCountsTenants(t *testing.T) {
	entry := func(name, env string, st string) (Work, TenantResult) {
		return Work{Plan: plan.TenantPlan{Name: name, Environment: env, Wave: 1}}, TenantResult{Name: name, Environment: env, Status: st}
	}
	var work []Work
	var results []TenantResult
	for _, e := range []struct {
		name, env string
		st        string
	}{
		{"a", "test", StatusApplied}, {"a", "prod", StatusFailed}, // a: failed
		{"b", "test", StatusApplied}, {"b", "prod", StatusApplied},
		{"c", "", StatusApplied},
		{"d", "test", StatusApplied}, {"d", "prod", StatusApplied},
	} {
		w, r := entry(e.name, e.env, e.st)
		work, results = append(work, w), append(results, r)
	}
	wave := []int{0, 1, 2, 3, 4, 5, 6}
	// 1 of 4 tenants failed (not 1 of 7 entries): 25 %.
	if got := (&Executor{MaxFailedShare: 0.25}).rolloutStop(results, wave, work); got != "" {
		t.Errorf("at 25%% allowed: %q, want the rollout to go on", got)
	}
	want := "rollout stopped: 1 of 4 tenants of wave 1 (the canaries) failed (a tenant fails when any of its workspaces does), over the 20% allowed (rollout.maxFailedShare)"
	if got := (&Executor{MaxFailedShare: 0.2}).rolloutStop(results, wave, work); got != want {
		t.Errorf("at 20%% allowed:\ngot  %q\nwant %q", got, want)
	}
}
