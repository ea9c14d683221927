package planrun

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/spec"
)

func TestSelectTenants(t *testing.T) {
	all := []*spec.Tenant{{Name: "acme"}, {Name: "acme-eu"}, {Name: "globex"}}
	names := func(ts []*spec.Tenant) []string {
		var out []string
		for _, t := range ts {
			out = append(out, t.Name)
		}
		return out
	}
	cases := []struct {
		patterns []string
		want     []string
		err      string
	}{
		{nil, []string{"acme", "acme-eu", "globex"}, ""},
		{[]string{"acme*"}, []string{"acme", "acme-eu"}, ""},
		{[]string{"globex", "acme"}, []string{"acme", "globex"}, ""},
		{[]string{"acme", "nobody"}, nil, `--tenant "nobody" matches no tenant`},
		{[]string{"["}, nil, `--tenant "[": syntax error in pattern`},
	}
	for _, tc := range cases {
		got, err := SelectTenants(all, tc.patterns)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%q: error %v, want %q", tc.patterns, err, tc.err)
			}
			continue
		}
		if err != nil || !slices.Equal(names(got), tc.want) {
			t.Errorf("%q: got %v, %v; want %v", tc.patterns, names(got), err, tc.want)
		}
	}
}

func TestManifestChanges(t *testing.T) {
	saved := &plan.Saved{Manifests: map[string]string{"a.yaml": "1", "b.yaml": "2", "c.yaml": "3"}}
	repo := &spec.Repo{Files: []spec.File{{Path: "a.yaml", SHA256: "1"}, {Path: "b.yaml", SHA256: "9"}, {Path: "d.yaml", SHA256: "4"}}}
	want := []string{"b.yaml changed since the plan", "c.yaml was removed since the plan", "d.yaml was added since the plan"}
	if diff := cmp.Diff(want, ManifestChanges(saved, repo)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestDifferences(t *testing.T) {
	tp := func(name string, folders ...string) plan.TenantPlan {
		p := plan.TenantPlan{Name: name, Status: plan.StatusPlanned}
		for _, f := range folders {
			key := spec.FolderKey(spec.ParsePath(f))
			p.Actions = append(p.Actions, plan.Action{ID: plan.ActionID(plan.OpCreate, plan.KindFolder, key), Op: plan.OpCreate, Kind: plan.KindFolder, Key: key})
		}
		return p
	}
	saved := &plan.Saved{Plan: &plan.Plan{Tenants: []plan.TenantPlan{tp("acme", "A")}}, Live: map[string]*plan.Live{"acme": {}}}
	same := &Planned{Plan: &plan.Plan{Tenants: []plan.TenantPlan{tp("acme", "A")}}, Inputs: []plan.Input{{Live: &plan.Live{}}}}
	if d := Differences(saved, same); len(d) != 0 {
		t.Errorf("same plan: %v", d)
	}
	// Another action: the reviewed one is gone and an unreviewed one came.
	other := &Planned{Plan: &plan.Plan{Tenants: []plan.TenantPlan{tp("acme", "B")}}, Inputs: []plan.Input{{Live: &plan.Live{}}}}
	if d := Differences(saved, other); len(d) != 2 || !strings.Contains(d[0]+d[1], `"A"`) || !strings.Contains(d[0]+d[1], `"B"`) {
		t.Errorf("other actions: %v, want the saved action and the new one named", d)
	}
	if d := Differences(saved, &Planned{Plan: &plan.Plan{}}); len(d) != 1 {
		t.Errorf("no tenants now: %v", d)
	}
}
