package export

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
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
