package spec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const rolloutTenant = `apiVersion: workato-gitops/v1
kind: Tenant
metadata:
  name: hooli
customer:
  externalId: H1
  name: Hooli
  notificationEmail: ops@hooli.example
`

// TestRolloutConfig: the rollout section reaches Config.Rollout, a canary
// that names no tenant is an error at its field, and a share over 1 is
// refused by the schema.
func TestRolloutConfig(t *testing.T) {
	cases := []struct {
		name, rollout string
		want          Rollout
		wantErr       string
	}{
		{"read", "rollout:\n  canary: [hooli]\n  waveSize: 20\n  maxFailedShare: 0.1\n",
			Rollout{Canary: []string{"hooli"}, WaveSize: 20, MaxFailedShare: 0.1}, ""},
		{"first n", "rollout:\n  canaryCount: 3\n", Rollout{CanaryCount: 3}, ""},
		{"unknown canary", "rollout:\n  canary: [hooli, pied-piper]\n", Rollout{}, `rollout.canary[1]: names no tenant: "pied-piper"`},
		{"share over 1", "rollout:\n  maxFailedShare: 1.5\n", Rollout{}, "maxFailedShare"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := "apiVersion: workato-gitops/v1\nkind: Config\n" + tc.rollout
			for name, body := range map[string]string{"workato-gitops.yaml": cfg, "hooli.yaml": rolloutTenant} {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			repo, ds := load(t, dir)
			if tc.wantErr != "" {
				if !strings.Contains(ds.Error(), tc.wantErr) {
					t.Fatalf("diagnostics %q, want one with %q", ds.Error(), tc.wantErr)
				}
				return
			}
			if len(ds) > 0 {
				t.Fatal(ds)
			}
			if d := cmp.Diff(tc.want, repo.Config.Rollout); d != "" {
				t.Errorf("rollout (-want +got):\n%s", d)
			}
		})
	}
}
