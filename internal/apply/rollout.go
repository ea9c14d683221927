package apply

import (
	"fmt"
	"slices"
	"strings"
)

// waves groups the indices of the work by rollout wave, in wave order;
// the tenants in no wave (nothing to do, or no rollout) go with the first.
func waves(work []Work) [][]int {
	byWave := map[int][]int{}
	var nums []int
	for i, w := range work {
		n := w.Plan.Wave
		if _, seen := byWave[n]; !seen && n != 0 {
			nums = append(nums, n)
		}
		byWave[n] = append(byWave[n], i)
	}
	if len(nums) == 0 {
		return [][]int{byWave[0]}
	}
	slices.Sort(nums)
	out := make([][]int, len(nums))
	for k, n := range nums {
		out[k] = byWave[n]
	}
	out[0] = append(byWave[0], out[0]...)
	return out
}

// rolloutStop reports why the rollout stops after the wave that ran
// (the indices of wave into work and results), or "" to go on. The share
// is of tenants: a tenant with customer.environments is in one wave with
// all of them, and failed when any of its workspaces did.
func (x *Executor) rolloutStop(results []TenantResult, wave []int, work []Work) string {
	num := 0
	failedBy := map[string]bool{} // by tenant name: any of its workspaces failed
	envs := false
	for _, i := range wave {
		if work[i].Plan.Wave == 0 {
			continue
		}
		num = work[i].Plan.Wave
		envs = envs || work[i].Plan.Environment != ""
		t := results[i]
		failedBy[t.Name] = failedBy[t.Name] || t.Status == StatusFailed || t.Status == StatusPartial || strings.HasPrefix(t.Ledger, "failed")
	}
	in, failed := len(failedBy), 0
	for _, f := range failedBy {
		if f {
			failed++
		}
	}
	if in == 0 || float64(failed)/float64(in) <= x.MaxFailedShare {
		return ""
	}
	name := fmt.Sprintf("wave %d", num)
	if num == 1 {
		name = "wave 1 (the canaries)"
	}
	how := ""
	if envs {
		how = " (a tenant fails when any of its workspaces does)"
	}
	return fmt.Sprintf("rollout stopped: %d of %d tenants of %s failed%s, over the %g%% allowed (rollout.maxFailedShare)",
		failed, in, name, how, x.MaxFailedShare*100)
}

// notInRollout is the result of a tenant of a wave after the rollout
// stopped.
func notInRollout(w Work, why string) TenantResult {
	return TenantResult{Name: w.Plan.Name, Environment: w.Plan.Environment, Status: StatusNotApplied, Reason: why, Wave: w.Plan.Wave,
		Ran: []Outcome{}, Failed: []Outcome{}, Skipped: []Outcome{}}
}
