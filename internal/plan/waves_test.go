package plan

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

func TestAssignWaves(t *testing.T) {
	change := []Action{{ID: "create folder A", Op: OpCreate, Kind: KindFolder}}
	fleet := func() []TenantPlan {
		// e has nothing to do and f is blocked: neither is in a wave.
		return []TenantPlan{
			{Name: "d", Status: StatusPlanned, Actions: change},
			{Name: "a", Status: StatusPlanned, Actions: change},
			{Name: "e", Status: StatusPlanned, Actions: []Action{}},
			{Name: "c", Status: StatusPlanned, Actions: change},
			{Name: "f", Status: StatusBlocked, Actions: change},
			{Name: "b", Status: StatusPlanned, Actions: change},
		}
	}
	cases := []struct {
		name string
		r    spec.Rollout
		want map[string]int
	}{
		{"no rollout", spec.Rollout{}, map[string]int{}},
		{"named canary, waves of 2", spec.Rollout{Canary: []string{"c"}, WaveSize: 2},
			map[string]int{"c": 1, "a": 2, "b": 2, "d": 3}},
		{"first 2 by name, the rest at once", spec.Rollout{CanaryCount: 2},
			map[string]int{"a": 1, "b": 1, "c": 2, "d": 2}},
		{"a canary with nothing to do: the first wave is 1", spec.Rollout{Canary: []string{"e"}, WaveSize: 3},
			map[string]int{"a": 1, "b": 1, "c": 1, "d": 2}},
		{"a canary not in this run is left out", spec.Rollout{Canary: []string{"zz", "b"}},
			map[string]int{"b": 1, "a": 2, "c": 2, "d": 2}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := fleet()
			AssignWaves(ts, tc.r)
			got := map[string]int{}
			for _, tp := range ts {
				if tp.Wave != 0 {
					got[tp.Name] = tp.Wave
				}
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("waves (-want +got):\n%s", d)
			}
		})
	}
}

// A tenant's environments are one tenant of a rollout: in one wave, and
// counted once towards canaryCount and waveSize; an environment with
// nothing to do is in no wave.
func TestAssignWavesEnvironments(t *testing.T) {
	change := []Action{{ID: "create folder A", Op: OpCreate, Kind: KindFolder}}
	fleet := func() []TenantPlan {
		return []TenantPlan{
			{Name: "a", Environment: "test", Status: StatusPlanned, Actions: change},
			{Name: "a", Environment: "prod", Status: StatusPlanned, Actions: change},
			{Name: "b", Environment: "dev", Status: StatusPlanned, Actions: []Action{}},
			{Name: "b", Environment: "test", Status: StatusPlanned, Actions: change},
			{Name: "b", Environment: "prod", Status: StatusPlanned, Actions: change},
			{Name: "c", Status: StatusPlanned, Actions: change},
			{Name: "d", Environment: "test", Status: StatusPlanned, Actions: change},
			{Name: "d", Environment: "prod", Status: StatusPlanned, Actions: change},
		}
	}
	cases := []struct {
		name string
		r    spec.Rollout
		want map[string]int
	}{
		{"one canary by count, waves of 2", spec.Rollout{CanaryCount: 1, WaveSize: 2},
			map[string]int{"a@test": 1, "a@prod": 1, "b@test": 2, "b@prod": 2, "c": 2, "d@test": 3, "d@prod": 3}},
		{"a named canary", spec.Rollout{Canary: []string{"b"}, WaveSize: 1},
			map[string]int{"b@test": 1, "b@prod": 1, "a@test": 2, "a@prod": 2, "c": 3, "d@test": 4, "d@prod": 4}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := fleet()
			AssignWaves(ts, tc.r)
			got := map[string]int{}
			for _, tp := range ts {
				if tp.Wave != 0 {
					got[tp.Unit()] = tp.Wave
				}
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("waves (-want +got):\n%s", d)
			}
		})
	}
}
