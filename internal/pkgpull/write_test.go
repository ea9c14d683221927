package pkgpull

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/internal/pkgzip"
)

// pkgOf builds a canonical package zip from files.
func pkgOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p, err := pkgzip.Build(dir)
	if err != nil {
		t.Fatal(err)
	}
	return p.Zip
}

func TestWriteReportsChanges(t *testing.T) {
	out := filepath.Join(t.TempDir(), "pkg")
	first := pkgOf(t, map[string]string{"a.recipe.json": `{"a":1}`, "sub/b.recipe.json": `{"b":1}`})
	w, err := Write(first, out, false)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Change{{'+', "a.recipe.json"}, {'+', "sub/b.recipe.json"}}, w.Changes); diff != "" || !w.Changed || w.Files != 2 {
		t.Errorf("first pull: %+v (-want +got changes):\n%s", w, diff)
	}
	if w, err = Write(first, out, false); err != nil || w.Changed {
		t.Errorf("the same package again: %+v, %v; want unchanged", w, err)
	}
	second := pkgOf(t, map[string]string{"a.recipe.json": `{"a":2}`, "c.recipe.json": `{}`})
	w, err = Write(second, out, false)
	if err != nil {
		t.Fatal(err)
	}
	want := []Change{{'~', "a.recipe.json"}, {'+', "c.recipe.json"}, {'-', "sub/b.recipe.json"}}
	if diff := cmp.Diff(want, w.Changes); diff != "" {
		t.Errorf("second pull (-want +got):\n%s", diff)
	}
}

func TestWriteRefusesForeignDir(t *testing.T) {
	out := t.TempDir()
	if err := os.WriteFile(filepath.Join(out, ".keep"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	data := pkgOf(t, map[string]string{"a.recipe.json": `{}`})
	_, err := Write(data, out, false)
	var de *DirError
	if !errors.As(err, &de) || de.Dir != out {
		t.Fatalf("got %v, want a *DirError for %s", err, out)
	}
	if _, err := Write(data, out, true); err != nil {
		t.Errorf("with force: %v", err)
	}
}
