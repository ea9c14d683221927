package render

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/internal/export"
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

func TestValidated(t *testing.T) {
	tenants := func(names ...string) []*spec.Tenant {
		var out []*spec.Tenant
		for _, n := range names {
			name, envs, _ := strings.Cut(n, "@")
			t := &spec.Tenant{Name: name}
			if envs != "" {
				t.Customer.Environments = strings.Split(envs, ",")
			}
			out = append(out, t)
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		tenants []*spec.Tenant
		files   int
		skip    bool
		want    string
	}{
		{"none", nil, 0, false, "0 tenants valid in 0 files\n"},
		{"one", tenants("acme"), 1, false, "1 tenant valid in 1 file: acme\n"},
		{"five", tenants("a", "b", "c", "d", "e"), 6, false, "5 tenants valid in 6 files: a, b, c, d, e\n"},
		{"fleet", tenants("a", "b", "c", "d", "e", "f", "g"), 7, false, "7 tenants valid in 7 files: a, b, c, d, e and 2 more\n"},
		{"environments", tenants("acme@test,prod", "beta"), 2, false, "2 tenants (3 workspaces) valid in 2 files: acme, beta\n"},
		{"skip decrypt", tenants("acme"), 1, true, "1 tenant valid in 1 file: acme\nnote: SOPS values were not decrypted (--skip-decrypt)\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			Validated(&b, tc.tenants, tc.files, tc.skip)
			if diff := cmp.Diff(tc.want, b.String()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestExported(t *testing.T) {
	results := []export.Result{
		{Job: export.Job{Path: "tenants/acme.yaml", Customer: workato.Customer{ID: 1, ExternalID: "A1"}},
			Tenant: &export.Tenant{Sections: []export.Section{
				{Kind: plan.KindCustomer, Single: true, Objects: make([]export.Object, 1)},
				{Kind: plan.KindMember, Objects: make([]export.Object, 1)}, {Kind: plan.KindFolder, Objects: make([]export.Object, 2)},
				{Kind: plan.KindConnection}, {Kind: plan.KindRecipe},
			}, Skipped: []string{"x"}}},
		{Job: export.Job{Path: "tenants/globex.yaml", Customer: workato.Customer{ID: 2, ExternalID: "G2"}}, Err: errors.New("read folders: 500")},
		{Job: export.Job{Path: "tenants/bare.yaml", Customer: workato.Customer{ID: 3, ExternalID: "B3"}},
			Tenant: &export.Tenant{Sections: []export.Section{{Kind: plan.KindCustomer, Single: true, Objects: make([]export.Object, 1)}, {Kind: plan.KindMember}}}},
	}
	var out, errs bytes.Buffer
	if failed := Exported(&out, &errs, results); failed != 1 {
		t.Errorf("failed = %d, want 1", failed)
	}
	// Kinds without objects are left out.
	if diff := cmp.Diff("tenants/acme.yaml: A1 (1 member, 2 folders)\ntenants/bare.yaml: B3 (the customer only)\n", out.String()); diff != "" {
		t.Errorf("out (-want +got):\n%s", diff)
	}
	wantErrs := "workato-gitops: tenants/acme.yaml: 1 object not exported; the file's header says why\n" +
		"workato-gitops: error: export customer G2 (#2): read folders: 500\n"
	if diff := cmp.Diff(wantErrs, errs.String()); diff != "" {
		t.Errorf("errs (-want +got):\n%s", diff)
	}
}
