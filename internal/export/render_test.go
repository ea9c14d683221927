package export

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
	"github.com/workato-gitops/workato-gitops/schemas"
)

var update = flag.Bool("update", false, "rewrite golden files")

func goldenFile(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

var tenantNamePattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$`)

func TestTenantName(t *testing.T) {
	cases := []struct {
		externalID string
		want       string
	}{
		{"A2300", "a2300"},
		{"acme", "acme"},
		{"G-7710", "g-7710"},
		{"Hooli/EU 01", "hooli-eu-01"},
		{"  spaces  around ", "spaces-around"},
		{"a..b__c--d", "a..b__c--d"},
		{"-_.leading.and.trailing._-", "leading.and.trailing"},
		{"Ünïcödé Größe", "n-c-d-gr-e"},
		{"日本", "customer-42"},
		{"---", "customer-42"},
		{strings.Repeat("x", 70), strings.Repeat("x", 63)},
		{strings.Repeat("y", 62) + "-z", strings.Repeat("y", 62)},
	}
	for _, tc := range cases {
		got := TenantName(tc.externalID, 42)
		if got != tc.want {
			t.Errorf("TenantName(%q) = %q, want %q", tc.externalID, got, tc.want)
		}
		if !tenantNamePattern.MatchString(got) || len(got) > MaxTenantName {
			t.Errorf("TenantName(%q) = %q, which metadata.name does not accept", tc.externalID, got)
		}
	}
}

// TestRenderTenant renders values that need quoting in YAML and checks
// both the text (golden) and that it loads back to the same values.
func TestRenderTenant(t *testing.T) {
	in := &Tenant{
		Name: "tricky",
		Customer: plan.LiveCustomer{ID: 7, ExternalID: "007", Name: "Yes: \"Quoted\" # not a comment", NotificationEmail: "ops@tricky.example",
			OriginURL: "https://partner.example"},
		Members: []Member{{Email: "a@tricky.example", Name: "true", Role: "Admin"}},
		Folders: []Folder{{Path: "null"}, {Path: "null/- dash", Protect: true}, {Path: "Multi"}},
		Conns: []Conn{
			{Name: "line\nbreak", Provider: "http", Folder: "null", ExternalID: "123", Authorized: true, SchemaKnown: true,
				Schema: []workato.InputField{{Name: "base_url"}, {Name: "api_key", Optional: true}, {Name: "odd key: yes"}}},
			{Name: "Child", Provider: "http", Parent: "line\nbreak", SchemaKnown: true, Schema: []workato.InputField{{Name: "password", Optional: true}}},
			{Name: "Custom", Provider: "my_connector", ID: 99, Protect: true, SchemaNote: "Workato has no input schema for the my_connector connector:\nlist its input fields yourself."},
			{Name: "Gmail", Provider: "gmail", SchemaKnown: true},
		},
		Recipes: []Recipe{{Name: "@start", Folder: "Multi", Running: true}, {Name: "at home", Running: false}},
		Skipped: []string{"member #3: no role", "folder #9 \"a/b\"\nand everything in it"},
	}
	var buf bytes.Buffer
	if err := Render(&buf, in, "../schemas/tenant.schema.json"); err != nil {
		t.Fatal(err)
	}
	goldenFile(t, "testdata/render.golden.yaml", buf.Bytes())

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tricky.yaml"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	repo, err := spec.Load(dir, spec.Options{Schemas: schemas.FS})
	if err != nil {
		t.Fatalf("the rendered manifest does not load:\n%v", err)
	}
	got := repo.Tenants[0]
	if got.Customer.Name != in.Customer.Name || got.Customer.ExternalID != "007" || got.Members[0].Name != "true" {
		t.Errorf("customer or member read back as %+v, %+v", got.Customer, got.Members)
	}
	if got.Connections[0].Name != "line\nbreak" || got.Connections[0].ExternalID != "123" || got.Connections[1].Parent != "line\nbreak" || got.Connections[2].ID != 99 {
		t.Errorf("connections read back as %+v", got.Connections)
	}
	if got.Recipes[0].Name != "@start" || !got.Recipes[0].Running {
		t.Errorf("recipes read back as %+v", got.Recipes)
	}
}
