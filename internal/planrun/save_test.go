package planrun

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// TestSaveReadsBack: what Save writes, ReadSaved reads back as the same
// commitment: the plan, the manifests' digests, the tool's version and the
// live state of each tenant read (none for a tenant whose read failed).
func TestSaveReadsBack(t *testing.T) {
	p := &Planned{
		Repo:    &spec.Repo{Files: []spec.File{{Path: "tenants/acme.yaml", SHA256: "aa"}, {Path: "tenants/globex.yaml", SHA256: "bb"}}},
		Tenants: []*spec.Tenant{{Name: "acme"}, {Name: "globex"}},
		Inputs: []plan.Input{
			{Desired: plan.Desired{Tenant: &spec.Tenant{Name: "acme"}}, Live: &plan.Live{}},
			{Desired: plan.Desired{Tenant: &spec.Tenant{Name: "globex"}}, ReadErr: errors.New("read failed")},
		},
		Plan: &plan.Plan{FormatVersion: plan.FormatVersion, Tenants: []plan.TenantPlan{
			{Name: "acme", ExternalID: "E1", Status: plan.StatusPlanned, Actions: []plan.Action{}},
			{Name: "globex", ExternalID: "E2", Status: plan.StatusFailed, Error: "read failed", Actions: []plan.Action{}},
		}},
	}
	file := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(file, []byte("an older plan"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := p.Save(file, "v1.2.3"); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "{\n  \"format_version\"") {
		t.Errorf("not indented JSON:\n%.80s", data)
	}
	got, err := ReadSaved(file)
	if err != nil {
		t.Fatal(err)
	}
	want := &plan.Saved{FormatVersion: plan.FormatVersion, ToolVersion: "v1.2.3",
		Manifests: map[string]string{"tenants/acme.yaml": "aa", "tenants/globex.yaml": "bb"},
		Plan:      p.Plan, Live: map[string]*plan.Live{"acme": {}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("read back (-want +got):\n%s", diff)
	}
}
