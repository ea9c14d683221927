package apply_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/apply"
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/sandbox"
	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// rolloutFleet is five new tenants, nN0000 to nN0003 and a canary whose
// workspace the sandbox refuses to create (it has no name).
func rolloutFleet() []*spec.Tenant {
	tenants := newTenants(4)
	bad := &spec.Tenant{Name: "canary", Customer: spec.Customer{ExternalID: "BAD", NotificationEmail: "ops@n.example"}}
	return append(tenants, bad)
}

// TestRolloutCanaryFailureStops: the canary wave fails, so the later
// waves are not applied: each of their tenants is not_applied with the
// reason, and nothing of theirs exists. With a threshold the failure stays
// under, every wave is applied.
func TestRolloutCanaryFailureStops(t *testing.T) {
	cases := []struct {
		name      string
		share     float64
		wantStop  bool
		customers int
	}{
		{"threshold 0: the canary stops it", 0, true, 0},
		{"threshold 1: every wave goes", 1, false, 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, client := newSandbox(t, sandbox.State{})
			tenants := rolloutFleet()
			lives := (&apply.Reader{Client: client}).ReadAll(context.Background(), tenants)
			var inputs []plan.Input
			for i, tn := range tenants {
				inputs = append(inputs, plan.Input{Desired: plan.Desired{Tenant: tn, FingerprintKey: spec.NewSecret("rollout-fingerprint-key-0123456789abcdef")}, Live: lives[i].Live, ReadErr: lives[i].Err})
			}
			p := plan.Build(inputs, plan.Options{MaxDeletesPerTenant: 1, MaxDeletesTotal: 1,
				Rollout: spec.Rollout{Canary: []string{"canary"}, WaveSize: 2, MaxFailedShare: tc.share}})
			waves := map[string]int{}
			work := make([]apply.Work, len(p.Tenants))
			for i, tp := range p.Tenants {
				waves[tp.Name] = tp.Wave
				work[i] = apply.Work{Plan: tp, Desired: inputs[i].Desired, Live: inputs[i].Live}
			}
			wantWaves := map[string]int{"canary": 1, "nN0000": 2, "nN0001": 2, "nN0002": 3, "nN0003": 3}
			for n, w := range wantWaves {
				if waves[n] != w {
					t.Errorf("plan: %s in wave %d, want %d", n, waves[n], w)
				}
			}
			res := (&apply.Executor{Client: client, LeaseSettle: time.Millisecond, MaxFailedShare: tc.share}).Apply(context.Background(), work)
			for _, tr := range res.Tenants {
				if tr.Wave != wantWaves[tr.Name] {
					t.Errorf("result: %s in wave %d, want %d", tr.Name, tr.Wave, wantWaves[tr.Name])
				}
				switch {
				case tr.Name == "canary":
					if tr.Status != apply.StatusFailed {
						t.Errorf("canary: %s, want failed", tr.Status)
					}
				case tc.wantStop:
					if tr.Status != apply.StatusNotApplied || !strings.Contains(tr.Reason, "rollout stopped: 1 of 1 tenants of wave 1 (the canaries) failed") {
						t.Errorf("%s: %s %q, want not_applied because the rollout stopped", tr.Name, tr.Status, tr.Reason)
					}
				case tr.Status != apply.StatusApplied:
					t.Errorf("%s: %s %q, want applied", tr.Name, tr.Status, tr.Reason)
				}
			}
			if (res.RolloutStopped != "") != tc.wantStop {
				t.Errorf("rollout_stopped %q", res.RolloutStopped)
			}
			if n := len(srv.Snapshot().Customers); n != tc.customers {
				t.Errorf("%d workspaces exist, want %d", n, tc.customers)
			}
		})
	}
}
