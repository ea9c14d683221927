package spec

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestTenantSources: a tenant names its own file and every base file it
// draws on, through bases that extend bases, so that a change-scoped run
// can tell which tenants a changed file affects.
func TestTenantSources(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"bases/root.yaml":  "apiVersion: workato-gitops/v1\nkind: Base\nmetadata:\n  name: root\nfolders:\n  - path: Shared\n",
		"bases/mid.yaml":   "apiVersion: workato-gitops/v1\nkind: Base\nmetadata:\n  name: mid\n  extends: [root]\n",
		"bases/other.yaml": "apiVersion: workato-gitops/v1\nkind: Base\nmetadata:\n  name: other\n",
		"t/a.yaml":         "apiVersion: workato-gitops/v1\nkind: Tenant\nmetadata:\n  name: a\n  extends: [mid]\ncustomer:\n  externalId: A\n  name: A\n  notificationEmail: a@x.example\n",
		"t/b.yaml":         "apiVersion: workato-gitops/v1\nkind: Tenant\nmetadata:\n  name: b\ncustomer:\n  externalId: B\n  name: B\n  notificationEmail: b@x.example\n",
	}
	for rel, text := range files {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	repo, ds := load(t, dir)
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	got := map[string][]string{}
	for _, tn := range repo.Tenants {
		got[tn.Name] = tn.Sources
	}
	want := map[string][]string{"a": {"t/a.yaml", "bases/mid.yaml", "bases/root.yaml"}, "b": {"t/b.yaml"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
}
