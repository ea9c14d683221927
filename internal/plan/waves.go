package plan

import (
	"slices"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// AssignWaves sets each tenant's rollout wave: wave 1 holds the canaries
// (the tenants r names, or else the first r.CanaryCount tenants with
// changes in name order), then the other tenants with changes, in name
// order, r.WaveSize to a wave (all of them in one when it is 0). A tenant
// with nothing to apply (no changes, blocked or failed) is in no wave,
// and neither is any tenant when r is the zero Rollout. A named canary
// not among tenants (a run on some tenants only) is left out.
//
// Waves count tenants, not entries: the environments of a tenant with
// customer.environments that have changes all go in the tenant's wave
// (a canary's TEST and PROD are both canaries), and count once towards
// CanaryCount and WaveSize.
func AssignWaves(tenants []TenantPlan, r spec.Rollout) {
	for i := range tenants {
		tenants[i].Wave = 0
	}
	if !r.Enabled() {
		return
	}
	var names []string // tenants to apply, in name order
	entries := map[string][]int{}
	for i, t := range tenants {
		if t.Status == StatusPlanned && t.Changes() {
			if entries[t.Name] == nil {
				names = append(names, t.Name)
			}
			entries[t.Name] = append(entries[t.Name], i)
		}
	}
	slices.Sort(names)
	named := map[string]bool{}
	for _, n := range r.Canary {
		named[n] = true
	}
	wave := map[string]int{}
	canaries, next, inWave := 0, 2, 0
	for _, n := range names {
		if len(named) > 0 && named[n] || len(named) == 0 && canaries < r.CanaryCount {
			wave[n] = 1
			canaries++
		}
	}
	for _, n := range names {
		if wave[n] == 1 {
			continue
		}
		if r.WaveSize > 0 && inWave == r.WaveSize {
			next, inWave = next+1, 0
		}
		wave[n] = next
		inWave++
	}
	for _, n := range names {
		w := wave[n]
		if canaries == 0 {
			w-- // no canary has changes: the first wave is wave 1
		}
		for _, i := range entries[n] {
			tenants[i].Wave = w
		}
	}
}
