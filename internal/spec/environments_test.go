package spec

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/schemas"
)

// TestCustomerEnvironments: without the field nothing changes; with it,
// the tenant names the environment workspaces it manages, in dev, test,
// prod order whatever the manifest's; anything but those three, a repeat
// or an empty list is refused at the field's line.
func TestCustomerEnvironments(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       []string
		err        string
	}{
		{"absent", "", nil, ""},
		{"test and prod", "  environments: [test, prod]\n", []string{"test", "prod"}, ""},
		{"canonical order", "  environments:\n    - prod\n    - dev\n    - test\n", []string{"dev", "test", "prod"}, ""},
		{"unknown", "  environments: [test, staging]\n", nil, "t.yaml:9: customer.environments"},
		{"repeated", "  environments: [prod, prod]\n", nil, "t.yaml:9: customer.environments"},
		{"empty", "  environments: []\n", nil, "t.yaml:9: customer.environments"},
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
			c := repo.Tenants[0].Customer
			if diff := cmp.Diff(tc.want, c.Environments); diff != "" {
				t.Errorf("environments (-want +got):\n%s", diff)
			}
			if tc.want != nil && !strings.HasSuffix(c.EnvironmentsAt(), "/t.yaml:9") {
				t.Errorf("EnvironmentsAt = %q, want t.yaml:9", c.EnvironmentsAt())
			}
		})
	}
}

// TestEnvironmentsAreTheSchemas: Environments, which selection and the
// saved-plan check accept, is the schema's enum, in the same order.
func TestEnvironmentsAreTheSchemas(t *testing.T) {
	data, err := schemas.FS.ReadFile("tenant.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Defs struct {
			Customer struct {
				Properties struct {
					Environments struct {
						Items struct {
							Enum []string `json:"enum"`
						} `json:"items"`
					} `json:"environments"`
				} `json:"properties"`
			} `json:"customer"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s.Defs.Customer.Properties.Environments.Items.Enum, Environments); diff != "" {
		t.Errorf("schema enum (-) vs Environments (+):\n%s", diff)
	}
}
