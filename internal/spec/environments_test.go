package spec

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/schemas"
)

// TestCustomerEnvironments: without the field nothing changes; with it,
// validate refuses the manifest at the field (plan and apply do not manage
// environment workspaces yet, and must not manage DEV in their place).
func TestCustomerEnvironments(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       []string
		err        string
	}{
		{"absent", "", nil, ""},
		{"test and prod", "  environments: [test, prod]\n", nil, "t.yaml:9: customer.environments: customer.environments is not supported yet"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, "t.yaml", []byte("apiVersion: workato-gitops/v1\nkind: Tenant\nmetadata:\n  name: t\n"+
				"customer:\n  externalId: X\n  name: X\n  notificationEmail: x@x.x\n"+tc.yaml))
			repo, err := Load(dir, Options{Schemas: schemas.FS})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Load: %v, want an error containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, repo.Tenants[0].Customer.Environments); diff != "" {
				t.Errorf("environments (-want +got):\n%s", diff)
			}
		})
	}
}
