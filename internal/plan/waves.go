package plan

import (
	"slices"
	"strings"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// AssignWaves sets each tenant's rollout wave: wave 1 holds the canaries
// (the tenants r names, or else the first r.CanaryCount tenants with
// changes in name order), then the other tenants with changes, in name
// order, r.WaveSize to a wave (all of them in one when it is 0). A tenant
// with nothing to apply (no changes, blocked or failed) is in no wave,
// and neither is any tenant when r is the zero Rollout. A named canary
// not among tenants (a run on some tenants only) is left out.
func AssignWaves(tenants []TenantPlan, r spec.Rollout) {
	for i := range tenants {
		tenants[i].Wave = 0
	}
	if !r.Enabled() {
		return
	}
	var order []int // tenants to apply, in name order
	for i, t := range tenants {
		if t.Status == StatusPlanned && t.Changes() {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(tenants[a].Name, tenants[b].Name) })
	named := map[string]bool{}
	for _, n := range r.Canary {
		named[n] = true
	}
	canaries, wave, inWave := 0, 2, 0
	for _, i := range order {
		switch {
		case len(named) > 0 && named[tenants[i].Name], len(named) == 0 && canaries < r.CanaryCount:
			tenants[i].Wave = 1
			canaries++
		}
	}
	for _, i := range order {
		if tenants[i].Wave == 1 {
			continue
		}
		if r.WaveSize > 0 && inWave == r.WaveSize {
			wave, inWave = wave+1, 0
		}
		tenants[i].Wave = wave
		inWave++
	}
	if canaries == 0 {
		// No canary has changes: the first wave is wave 1.
		for _, i := range order {
			tenants[i].Wave--
		}
	}
}
