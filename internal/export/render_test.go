package export

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/spec"
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

// tenantOf is a tenant of the built-in kinds, as their export parts
// (internal/apply) write them.
func tenantOf(name string, c spec.Customer, members []spec.Member, folders []spec.Folder, conns []Object, recipes []spec.Recipe, skipped ...string) *Tenant {
	return &Tenant{Name: name, CustomerID: 7, ExternalID: c.ExternalID, Skipped: skipped, Sections: []Section{
		{Kind: plan.KindCustomer, Field: "customer", Single: true, Objects: Objects([]spec.Customer{c})},
		{Kind: plan.KindMember, Field: "members", Objects: Objects(members)},
		{Kind: plan.KindFolder, Field: "folders", Objects: Objects(folders)},
		{Kind: plan.KindConnection, Field: "connections", Objects: conns},
		{Kind: plan.KindRecipe, Field: "recipes", Objects: Objects(recipes)},
	}}
}

// The notes the connection kind writes (internal/apply/connections_export.go).
var (
	connected = Note{Text: "Connected in Workato: its credentials stay as they are until you add input."}
	shell     = Note{Text: "Not connected in Workato. To connect it, delete state: shell and add input."}
)

func inputNotes(fields ...string) []Note {
	n := []Note{{Key: "input"}}
	for i := 0; i+1 < len(fields); i += 2 {
		n = append(n, Note{Key: fields[i], Value: fields[i+1], Depth: 1})
	}
	return n
}

func connObject(c spec.Connection, notes ...[]Note) Object {
	return Object{Value: c, Notes: slices.Concat(notes...)}
}

// TestRenderTenant renders values that need quoting in YAML and checks
// both the text (golden) and that it loads back to the same values.
func TestRenderTenant(t *testing.T) {
	in := tenantOf("tricky",
		spec.Customer{ExternalID: "007", Name: "Yes: \"Quoted\" # not a comment", NotificationEmail: "ops@tricky.example",
			OriginURL: "https://partner.example"},
		[]spec.Member{{Email: "a@tricky.example", Name: "true", Role: "Admin"}},
		[]spec.Folder{{Path: "null"}, {Path: "null/- dash", Protect: true}, {Path: "Multi"}},
		[]Object{
			connObject(spec.Connection{Name: "line\nbreak", Provider: "http", Folder: "null", ExternalID: "123"}, []Note{connected},
				inputNotes("base_url", spec.PlaceholderRequired, "api_key", spec.PlaceholderOptionalSecret, "odd key: yes", spec.PlaceholderSecret)),
			connObject(spec.Connection{Name: "Child", Provider: "http", Parent: "line\nbreak", State: spec.StateShell}, []Note{shell},
				inputNotes("password", spec.PlaceholderOptionalSecret)),
			connObject(spec.Connection{Name: "Custom", Provider: "my_connector", ID: 99, Protect: true, State: spec.StateShell},
				[]Note{shell, {Text: "Workato has no input schema for the my_connector connector:\nlist its input fields yourself."}},
				inputNotes("field_name", spec.PlaceholderRequired)),
			connObject(spec.Connection{Name: "Gmail", Provider: "gmail", State: spec.StateShell},
				[]Note{shell, {Text: "The gmail connector's input schema has no fields (it may authorize in a browser)."}}),
		},
		[]spec.Recipe{{Name: "@start", Folder: "Multi", Running: true}, {Name: "at home", Running: false}},
		"member #3: no role", "folder #9 \"a/b\"\nand everything in it")
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
	if got.Customer.Name != "Yes: \"Quoted\" # not a comment" || got.Customer.ExternalID != "007" || got.Members[0].Name != "true" {
		t.Errorf("customer or member read back as %+v, %+v", got.Customer, got.Members)
	}
	if got.Connections[0].Name != "line\nbreak" || got.Connections[0].ExternalID != "123" || got.Connections[1].Parent != "line\nbreak" || got.Connections[2].ID != 99 {
		t.Errorf("connections read back as %+v", got.Connections)
	}
	if got.Recipes[0].Name != "@start" || !got.Recipes[0].Running {
		t.Errorf("recipes read back as %+v", got.Recipes)
	}
}
