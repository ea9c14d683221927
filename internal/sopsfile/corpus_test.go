package sopsfile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// TestCorpus loads every directory under internal/spec/testdata/bad, each a repository
// with at least one problem, and compares the exact diagnostics with its
// want file.
func TestCorpus(t *testing.T) {
	// From spec's directory: the want files name the other files of a case
	// as spec's tests see them.
	keys := demoKeys(t)
	t.Chdir(filepath.Dir(specTestdata))
	entries, err := os.ReadDir(filepath.Join("testdata", "bad"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			dir := filepath.Join("testdata", "bad", e.Name())
			keys := keys
			if _, err := os.Stat(filepath.Join(dir, ".nokey")); err == nil {
				keys = spec.Keys{}
			}
			_, ds := load(t, dir, keys)
			if len(ds) == 0 {
				t.Fatal("loaded without a problem; every corpus case must fail")
			}
			got := relative(ds, dir)
			assertNoSecrets(t, "diagnostics", got)
			golden(t, filepath.Join(dir, "want"), got)
		})
	}
}
