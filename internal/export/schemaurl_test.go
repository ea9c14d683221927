package export

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/workato-gitops/workato-gitops/schemas"
)

func TestSchemaURL(t *testing.T) {
	schemas := fstest.MapFS{"tenant.schema.json": {Data: []byte(`{"$id": "https://example.test/tenant.schema.json"}`)}}
	bare := t.TempDir()
	if got, err := SchemaURL(bare, schemas); err != nil || got != "https://example.test/tenant.schema.json" {
		t.Errorf("without a repository schema: %q, %v; want the $id", got, err)
	}
	repo := t.TempDir()
	if err := os.MkdirAll(filepath.Join(repo, "schemas"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, "schemas", "tenant.schema.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(repo, "tenants")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := SchemaURL(out, schemas); err != nil || got != "../schemas/tenant.schema.json" {
		t.Errorf("with a repository schema: %q, %v; want the relative path", got, err)
	}
	if _, err := SchemaURL(bare, fstest.MapFS{}); err == nil {
		t.Error("no schema at all: no error")
	}
}

func TestConfig(t *testing.T) {
	bare := t.TempDir()
	if err := os.Mkdir(filepath.Join(bare, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if cfg, err := Config(filepath.Join(bare, "pkg"), fstest.MapFS{}); err != nil || cfg.DataCenter != "" {
		t.Errorf("outside a repository: %+v, %v; want the defaults", cfg, err)
	}
	repo := t.TempDir()
	config := "apiVersion: workato-gitops/v1\nkind: Config\napi:\n  dataCenter: eu\n"
	if err := os.WriteFile(filepath.Join(repo, "workato-gitops.yaml"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Config(filepath.Join(repo, "packages", "crm"), schemas.FS)
	if err != nil || cfg.DataCenter != "eu" {
		t.Errorf("below a repository: data center %q, %v; want eu", cfg.DataCenter, err)
	}
}
