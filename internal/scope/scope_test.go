package scope

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// testRepo is a manifest directory at ops/tenants in a repository at
// /r: acme extends standard, which extends core; globex extends nothing
// and uses a package directory and a package zip.
func testRepo() *spec.Repo {
	return &spec.Repo{
		Files: []spec.File{{Path: "workato-gitops.yaml"}, {Path: "bases/core.yaml"}, {Path: "bases/standard.yaml"},
			{Path: "customers/acme.yaml"}, {Path: "customers/globex.yaml"}, {Path: "customers/initech.yml"}},
		Tenants: []*spec.Tenant{
			{Name: "acme", Sources: []string{"customers/acme.yaml", "bases/core.yaml", "bases/standard.yaml"}},
			{Name: "globex", Sources: []string{"customers/globex.yaml"}, Packages: []spec.Package{
				{Source: "/r/ops/tenants/packages/sync"}, {Source: "/r/shared/report.zip", IsZip: true}}},
			{Name: "initech", Sources: []string{"customers/initech.yml"}, Packages: []spec.Package{
				{Source: "/elsewhere/pkg"}}},
		},
	}
}

func TestAffected(t *testing.T) {
	const dir = "ops/tenants"
	m := func(p string) Change { return Change{Path: p} }
	tests := []struct {
		name    string
		changes []Change
		want    Result
	}{
		{"nothing", nil, Result{Tenants: map[string][]string{}}},
		{"a file outside the manifests", []Change{m("README.md"), m("ops/tenants/notes.txt")}, Result{Tenants: map[string][]string{}}},
		{"one tenant", []Change{m("ops/tenants/customers/globex.yaml")},
			Result{Tenants: map[string][]string{"globex": {"ops/tenants/customers/globex.yaml"}}}},
		{"a base reaches its tenants through another base", []Change{m("ops/tenants/bases/core.yaml")},
			Result{Tenants: map[string][]string{"acme": {"ops/tenants/bases/core.yaml"}}}},
		{"a file in a package directory", []Change{m("ops/tenants/packages/sync/recipes/a.json")},
			Result{Tenants: map[string][]string{"globex": {"ops/tenants/packages/sync/recipes/a.json"}}}},
		{"a sibling directory with the package's name as prefix", []Change{m("ops/tenants/packages/sync2/a.json")},
			Result{Tenants: map[string][]string{}}},
		{"a package zip outside the manifest directory", []Change{m("shared/report.zip")},
			Result{Tenants: map[string][]string{"globex": {"shared/report.zip"}}}},
		{"a same-named tenant path at the repository root is another file", []Change{m("customers/acme.yaml")},
			Result{Tenants: map[string][]string{}}},
		{"the config affects all", []Change{m("ops/tenants/workato-gitops.yaml"), m("ops/tenants/customers/acme.yaml")},
			Result{All: true, Tenants: map[string][]string{
				"acme":    {"ops/tenants/customers/acme.yaml", "ops/tenants/workato-gitops.yaml"},
				"globex":  {"ops/tenants/workato-gitops.yaml"},
				"initech": {"ops/tenants/workato-gitops.yaml"}}}},
		{"a deleted config affects all", []Change{{Path: "ops/tenants/workato-gitops.yaml", Deleted: true}},
			Result{All: true, Tenants: map[string][]string{
				"acme": {"ops/tenants/workato-gitops.yaml"}, "globex": {"ops/tenants/workato-gitops.yaml"},
				"initech": {"ops/tenants/workato-gitops.yaml"}}}},
		{"a deleted manifest is reported", []Change{{Path: "ops/tenants/customers/hooli.YAML", Deleted: true},
			{Path: "ops/tenants/packages/old/x.json", Deleted: true}, {Path: "other/gone.yaml", Deleted: true}},
			Result{Tenants: map[string][]string{}, Deleted: []string{"ops/tenants/customers/hooli.YAML"}}},
		{"a renamed manifest is its new file", []Change{{Path: "ops/tenants/acme.yaml", Deleted: true}, m("ops/tenants/customers/acme.yaml")},
			Result{Tenants: map[string][]string{"acme": {"ops/tenants/customers/acme.yaml"}}, Deleted: []string{"ops/tenants/acme.yaml"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Affected(testRepo(), "/r", dir, tt.changes)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Affected (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAffectedAtRoot: a manifest directory that is the repository root.
func TestAffectedAtRoot(t *testing.T) {
	repo := testRepo()
	got := Affected(repo, "/r", ".", []Change{{Path: "customers/acme.yaml"}, {Path: "gone.yml", Deleted: true}})
	want := Result{Tenants: map[string][]string{"acme": {"customers/acme.yaml"}}, Deleted: []string{"gone.yml"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Affected (-want +got):\n%s", diff)
	}
}

func TestParseNameStatus(t *testing.T) {
	got, err := parseNameStatus([]byte("M\x00a b.yaml\x00D\x00gone.yaml\x00A\x00new\x00"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Change{{Path: "a b.yaml"}, {Path: "gone.yaml", Deleted: true}, {Path: "new"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, bad := range []string{"M\x00", "\x00a\x00", "M\x00\x00"} {
		if _, err := parseNameStatus([]byte(bad)); err == nil {
			t.Errorf("parseNameStatus(%q): no error", bad)
		}
	}
}

// FuzzParseNameStatus: whatever git prints, the parser returns changes
// with a path each, or an error; it never panics.
func FuzzParseNameStatus(f *testing.F) {
	f.Add([]byte("M\x00a.yaml\x00D\x00b.yaml\x00"))
	f.Add([]byte("A\x00x\x00"))
	f.Add([]byte("\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		changes, err := parseNameStatus(data)
		if err != nil {
			return
		}
		for _, c := range changes {
			if c.Path == "" {
				t.Fatalf("a change with no path from %q", data)
			}
		}
	})
}
