package spec

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/schemas"
)

func TestCustomerEnvironments(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       []string
	}{
		{"absent", "", nil},
		{"test and prod", "  environments: [test, prod]\n", []string{"test", "prod"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, "t.yaml", []byte("apiVersion: workato-gitops/v1\nkind: Tenant\nmetadata:\n  name: t\n"+
				"customer:\n  externalId: X\n  name: X\n  notificationEmail: x@x.x\n"+tc.yaml))
			repo, err := Load(dir, Options{Schemas: schemas.FS})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, repo.Tenants[0].Customer.Environments); diff != "" {
				t.Errorf("environments (-want +got):\n%s", diff)
			}
		})
	}
}
