package spec

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/workato-gitops/workato-gitops/schemas"
)

const (
	examplesDir = "../../examples/tenants"
	demoKeyFile = "../../examples/demo-age-key.txt"
)

func demoKeys(t testing.TB) Keys {
	t.Helper()
	data, err := os.ReadFile(demoKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	return Keys{Age: []KeySource{{Origin: "demo key", Data: data}}}
}

// load loads without a Decrypter: spec's own tests need no SOPS (the
// ones that decrypt are internal/sopsfile's).
func load(t testing.TB, dir string) (*Repo, Diagnostics) {
	t.Helper()
	repo, err := Load(dir, Options{Schemas: schemas.FS})
	var ds Diagnostics
	if err != nil && !errors.As(err, &ds) {
		t.Fatalf("Load(%s): %v", dir, err)
	}
	return repo, ds
}

// relative renders diagnostics with the directory prefix removed, one per
// line, as a golden file holds them.
func relative(ds Diagnostics, dir string) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(strings.TrimPrefix(d.String(), dir+string(filepath.Separator)))
		b.WriteByte('\n')
	}
	return b.String()
}
