package spec

import (
	"os"
	"testing"
	"testing/fstest"

	"github.com/workato-gitops/workato-gitops/schemas"
)

// TestSchemasCompiledOncePerEmbed: the embedded schemas are compiled once
// per process and shared by every load; a schema set from any other file
// system (which may change between loads) is compiled each time.
func TestSchemasCompiledOncePerEmbed(t *testing.T) {
	a, err := compileSchemas(schemas.FS)
	if err != nil {
		t.Fatal(err)
	}
	b, err := compileSchemas(schemas.FS)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Error("the embedded schemas were compiled twice")
	}
	mapFS := fstest.MapFS{}
	for _, name := range []string{tenantSchemaFile, configSchemaFile} {
		data, err := os.ReadFile("../../schemas/" + name)
		if err != nil {
			t.Fatal(err)
		}
		mapFS[name] = &fstest.MapFile{Data: data}
	}
	c, err := compileSchemas(mapFS)
	if err != nil {
		t.Fatal(err)
	}
	d, err := compileSchemas(mapFS)
	if err != nil {
		t.Fatal(err)
	}
	if c == d || c == a {
		t.Error("schemas from a file system that is not embedded were shared")
	}
}
