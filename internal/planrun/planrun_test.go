package planrun

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/internal/apply"
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
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
		sel, err := SelectTenants(all, tc.patterns)
		got := sel.Tenants
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

// TestRecheck: a saved plan is a commitment. Apply gets the fresh plan only
// when the manifests are the same and planning again, narrowed to the
// saved tenants, gives the same actions; else a StaleError naming why.
func TestRecheck(t *testing.T) {
	tp := func(name string, folders ...string) plan.TenantPlan {
		p := plan.TenantPlan{Name: name, Status: plan.StatusPlanned}
		for _, f := range folders {
			key := spec.FolderKey(spec.ParsePath(f))
			p.Actions = append(p.Actions, plan.Action{ID: plan.ActionID(plan.OpCreate, plan.KindFolder, key), Op: plan.OpCreate, Kind: plan.KindFolder, Key: key})
		}
		return p
	}
	repo := &spec.Repo{Files: []spec.File{{Path: "acme.yaml", SHA256: "1"}},
		Tenants: []*spec.Tenant{{Name: "acme"}, {Name: "globex"}}}
	saved := &plan.Saved{Manifests: map[string]string{"acme.yaml": "1"},
		Plan: &plan.Plan{Tenants: []plan.TenantPlan{tp("acme", "A")}}, Live: map[string]*plan.Live{"acme": {}}}
	freshWith := func(folder string) func(map[string]bool) (*Planned, error) {
		return func(units map[string]bool) (*Planned, error) {
			if !maps.Equal(units, map[string]bool{"acme": true}) {
				t.Fatalf("narrowed to %v; want the saved plan's tenant acme alone", units)
			}
			return &Planned{Tenants: repo.Tenants[:1], Plan: &plan.Plan{Tenants: []plan.TenantPlan{tp("acme", folder)}}, Inputs: []plan.Input{{Live: &plan.Live{}}}}, nil
		}
	}

	fresh, err := Recheck(saved, "plan.json", repo, freshWith("A"))
	if err != nil || fresh == nil || fresh.Plan.Tenants[0].Actions[0].Key != tp("acme", "A").Actions[0].Key {
		t.Fatalf("the same plan: %v, %v; want the fresh plan", fresh, err)
	}

	var se *StaleError
	_, err = Recheck(saved, "plan.json", repo, freshWith("B"))
	if !errors.As(err, &se) || se.File != "plan.json" || len(se.Problems) != 2 {
		t.Errorf("other actions: %v; want a StaleError naming the saved action and the new one", err)
	}

	changed := &spec.Repo{Files: []spec.File{{Path: "acme.yaml", SHA256: "2"}}, Tenants: repo.Tenants}
	_, err = Recheck(saved, "plan.json", changed, func(map[string]bool) (*Planned, error) {
		t.Fatal("planned again although a manifest changed")
		return nil, nil
	})
	if want := "the saved plan plan.json is stale; nothing was applied:\n  acme.yaml changed since the plan"; err == nil || err.Error() != want {
		t.Errorf("a changed manifest: %v; want %q", err, want)
	}

	boom := errors.New("boom")
	if _, err := Recheck(saved, "plan.json", repo, func(map[string]bool) (*Planned, error) { return nil, boom }); err != boom {
		t.Errorf("planning failed: %v; want its error as it is", err)
	}
}

// TestExecutor: apply writes through the client and packages the plan
// read with, the --parallelism flag wins over the config when positive,
// and the config's rollout threshold reaches the executor.
func TestExecutor(t *testing.T) {
	repo := &spec.Repo{Config: spec.Config{Parallelism: 3, Rollout: spec.Rollout{MaxFailedShare: 0.25}}}
	p := &Planned{Repo: repo, Client: &workato.Client{}, Packages: &apply.Packages{}}
	for _, tc := range []struct{ flag, want int }{{0, 3}, {-1, 3}, {5, 5}} {
		x := p.Executor(tc.flag)
		if x.Parallelism != tc.want || x.Client != p.Client || x.Packages != p.Packages || x.MaxFailedShare != 0.25 {
			t.Errorf("--parallelism %d: %+v; want parallelism %d with the plan's client, packages and threshold", tc.flag, x, tc.want)
		}
	}
	if x := (&Planned{Repo: &spec.Repo{}}).Executor(0); x.Parallelism != 0 {
		t.Errorf("neither flag nor config: parallelism %d, want 0 (the executor's default)", x.Parallelism)
	}
}

// TestWork: each tenant's plan goes to the executor with the desired and
// live state it was made from, in order.
func TestWork(t *testing.T) {
	acme, globex := &spec.Tenant{Name: "acme"}, &spec.Tenant{Name: "globex"}
	live := &plan.Live{}
	p := &Planned{
		Inputs: []plan.Input{{Desired: plan.Desired{Tenant: acme}, Live: live}, {Desired: plan.Desired{Tenant: globex}}},
		Plan:   &plan.Plan{Tenants: []plan.TenantPlan{{Name: "acme"}, {Name: "globex"}}},
	}
	work := p.Work()
	if len(work) != 2 || work[0].Plan.Name != "acme" || work[0].Desired.Tenant != acme || work[0].Live != live ||
		work[1].Plan.Name != "globex" || work[1].Desired.Tenant != globex || work[1].Live != nil {
		t.Errorf("work %+v; want acme's and globex's plans with their inputs, in order", work)
	}
}

// TestSelectEnvironments: NAME@ENV selects one environment of the tenants
// NAME matches that list it, in the manifest's order; a plain name all of
// them; an environment no manifest lists, or no environment, is an error
// that says what is listed.
func TestSelectEnvironments(t *testing.T) {
	envs := func(name string, e ...string) *spec.Tenant {
		return &spec.Tenant{Name: name, Pos: spec.Pos{File: name + ".yaml", Line: 3},
			Customer: spec.Customer{Pos: spec.Pos{File: name + ".yaml", Line: 5}, Environments: e}}
	}
	all := []*spec.Tenant{envs("acme", "test", "prod"), envs("globex", "dev", "prod"), envs("initech")}
	units := func(s Selection) []string {
		var out []string
		for _, t := range s.Tenants {
			if e := s.Environments(t); len(e) > 0 {
				for _, env := range e {
					out = append(out, plan.UnitKey(t.Name, env))
				}
			} else {
				out = append(out, t.Name)
			}
		}
		return out
	}
	cases := []struct {
		patterns []string
		want     []string
		err      string
	}{
		{[]string{"acme"}, []string{"acme@test", "acme@prod"}, ""},
		{[]string{"acme@prod"}, []string{"acme@prod"}, ""},
		{[]string{"acme@prod", "acme@test"}, []string{"acme@test", "acme@prod"}, ""},
		{[]string{"acme@prod", "acme"}, []string{"acme@test", "acme@prod"}, ""},
		{[]string{"*@prod"}, []string{"acme@prod", "globex@prod"}, ""},
		{[]string{"*@dev", "initech"}, []string{"globex@dev", "initech"}, ""},
		{[]string{"acme@staging"}, nil, `--tenant "acme@staging": "staging" is not an environment; NAME@ENV takes dev, test or prod`},
		{[]string{"acme@"}, nil, `--tenant "acme@": "" is not an environment; NAME@ENV takes dev, test or prod`},
		{[]string{"acme@dev"}, nil, `--tenant "acme@dev": tenant acme lists no dev in customer.environments (acme.yaml:5); it lists test, prod`},
		{[]string{"initech@prod"}, nil, `--tenant "initech@prod": tenant initech has no customer.environments (initech.yaml:3); select it as --tenant initech`},
		{[]string{"*@test", "[gi]*@test"}, nil, `--tenant "[gi]*@test": none of the 2 tenants it matches lists test in customer.environments`},
		{[]string{"a*@dev", "*@nope"}, nil, `--tenant "a*@dev": tenant acme lists no dev in customer.environments (acme.yaml:5); it lists test, prod`},
		{[]string{"nobody@prod"}, nil, `--tenant "nobody@prod" matches no tenant`},
	}
	for _, tc := range cases {
		sel, err := SelectTenants(all, tc.patterns)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%q: error %v, want %q", tc.patterns, err, tc.err)
			}
			continue
		}
		if got := units(sel); err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%q: got %v, %v; want %v", tc.patterns, got, err, tc.want)
		}
	}
	// A saved plan's entries narrow a selection to exactly them.
	sel, _ := SelectTenants(all, nil)
	if got, want := units(sel.keepUnits(map[string]bool{"acme@prod": true, "initech": true})), []string{"acme@prod", "initech"}; !slices.Equal(got, want) {
		t.Errorf("keepUnits: %v, want %v", got, want)
	}
}
