package spec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/workato-gitops/workato-gitops/schemas"
)

// FuzzManifest feeds arbitrary bytes through the whole per-file pipeline
// (YAML, schema, encryption checks, decoding) and the cross-file
// resolution. Nothing may panic, and a recovered panic counts as one.
// SOPS itself is fuzzed in internal/sopsfile (FuzzDecrypt): here an
// encrypted file is checked for its structure (SkipDecrypt).
func FuzzManifest(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/bad/*/*.yaml")
	more, _ := filepath.Glob(examplesDir + "/*/*.yaml")
	for _, p := range append(seeds, more...) {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	dir := f.TempDir()
	schemaSet, err := compileSchemas(schemas.FS)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l := &loader{dir: dir, root: dir, opts: Options{MaxFileSize: DefaultMaxFileSize, SkipDecrypt: true}, schemas: schemaSet}
		m, ds := l.processManifest("t.yaml", data)
		l.resolve([]*manifest{m})
		for _, d := range append(ds, l.diags...) {
			if strings.Contains(d.Message, "internal error") {
				t.Fatalf("panic inside the loader: %s", d)
			}
			if d.File == "" {
				t.Fatalf("diagnostic without a file: %+v", d)
			}
		}
	})
}
