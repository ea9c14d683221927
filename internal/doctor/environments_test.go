package doctor

import (
	"bytes"
	"strings"
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// TestCheckEnvironments: each tenant with customer.environments is
// provisioned, pending (no customer yet), not provisioned, or has ids plan
// would refuse; the last two fail with the fix, a tenant without
// environments is not mentioned.
func TestCheckEnvironments(t *testing.T) {
	tenant := func(name, ext string, envs ...string) *spec.Tenant {
		return &spec.Tenant{Name: name, Customer: spec.Customer{ExternalID: ext, Environments: envs, Pos: spec.Pos{File: name + ".yaml", Line: 4}}}
	}
	envs := func(test, prod int64) workato.Environments {
		return workato.Environments{{Type: "test", ID: test}, {Type: "prod", ID: prod}}
	}
	custs := []workato.Customer{
		{ID: 1, ExternalID: "A", Environments: envs(11, 12)},
		{ID: 2, ExternalID: "B"},                             // no Environments
		{ID: 3, ExternalID: "C", Environments: envs(31, 31)}, // one workspace twice
		{ID: 4, ExternalID: "D", Environments: envs(41, 5)},  // PROD is customer E
		{ID: 5, ExternalID: "E"},
	}
	tenants := []*spec.Tenant{
		tenant("a", "A", "test", "prod"), tenant("b", "B", "test", "prod"), tenant("c", "C", "test", "prod"),
		tenant("d", "D", "test", "prod"), tenant("e", "E"), tenant("new", "N", "dev", "prod"), tenant("newdev", "ND", "dev"),
	}
	var out bytes.Buffer
	r := &report{w: &out}
	checkEnvironments(r, tenants, custs)
	want := []string{
		"FAIL  environments: tenant b: customer B (#2) has no test or prod environment, which customer.environments lists (b.yaml:4)",
		"      hint: Workato provisions Environments",
		"FAIL  environments: tenant c: customer #3: environments test and prod have the same workspace #31",
		"      hint: the API's environments answer would send an environment to the wrong workspace",
		"FAIL  environments: tenant d: customer #4: environment prod has workspace #5, which is another customer (E)",
		"      hint: the API's environments answer",
		"OK    environments: 1 tenant with customer.environments (a): 2 workspaces provisioned",
		"OK    environments: 1 tenant not created yet (new): apply creates the customer; its TEST and PROD workspaces are pending until Workato provisions its Environments",
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got:\n%s\nwant %d lines", out.String(), len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d:\ngot  %s\nwant %s...", i, lines[i], w)
		}
	}
	if c := r.total(); c.Fail != 3 || c.OK != 2 {
		t.Errorf("counts %+v, want 3 FAIL and 2 OK", c)
	}
	// Without environments, nothing is said.
	out.Reset()
	checkEnvironments(&report{w: &out}, []*spec.Tenant{tenant("e", "E")}, custs)
	if out.Len() != 0 {
		t.Errorf("a fleet without environments: %q", out.String())
	}
}
