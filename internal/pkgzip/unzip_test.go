package pkgzip

import (
	"archive/zip"
	"bytes"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// readTree returns every path below dir with its mode and content, so two
// trees compare with cmp.Diff.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			out[filepath.ToSlash(rel)+"/"] = info.Mode().String()
			return nil
		}
		data, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = info.Mode().String() + " " + string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestUnzipWritesTheCanonicalTree(t *testing.T) {
	files := [][2]string{
		{"sync.recipe.json", `{"name":"Sync"}`},
		{"Sub Folder/x.recipe.json", `{"name":"X"}`},
		{"Sub Folder/Deeper/", ""}, // a directory entry: implied by files only
		{"salesforce.connection.json", `{"name":"Salesforce"}`},
	}
	data := zipOf(t, files, time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), zip.Deflate)
	dir := filepath.Join(t.TempDir(), "pkgs", "sync")
	p, err := Unzip(data, dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"Sub Folder/":                "drwxr-xr-x",
		"Sub Folder/x.recipe.json":   `-rw-r--r-- {"name":"X"}`,
		"salesforce.connection.json": `-rw-r--r-- {"name":"Salesforce"}`,
		"sync.recipe.json":           `-rw-r--r-- {"name":"Sync"}`,
	}
	if diff := cmp.Diff(want, readTree(t, dir)); diff != "" {
		t.Errorf("tree (-want +got):\n%s", diff)
	}
	fromZip, err := FromZip(data)
	if err != nil {
		t.Fatal(err)
	}
	built, err := Build(dir)
	if err != nil {
		t.Fatal(err)
	}
	if p.Digest != fromZip.Digest || p.Digest != built.Digest {
		t.Errorf("digests: Unzip %s, FromZip %s, Build(dir) %s", p.Digest, fromZip.Digest, built.Digest)
	}
	if st, _ := os.Stat(dir); st.Mode().Perm() != 0o755 {
		t.Errorf("dir mode %v", st.Mode())
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Errorf("left temporary files beside dir: %v", entries)
	}
}

// A second pull replaces the tree: files that left the package go, hidden
// files too, and the same zip gives the same tree.
func TestUnzipReplaces(t *testing.T) {
	dir := writeTree(t, map[string]string{"gone.recipe.json": "{}", "a/old.json": "x", ".gitkeep": ""})
	os.Chmod(filepath.Join(dir, "a"), 0o500) // read-only: still replaced
	data := zipOf(t, [][2]string{{"a/new.recipe.json", "{}"}}, time.Time{}, zip.Store)
	if _, err := Unzip(data, dir); err != nil {
		t.Fatal(err)
	}
	first := readTree(t, dir)
	want := map[string]string{"a/": "drwxr-xr-x", "a/new.recipe.json": "-rw-r--r-- {}"}
	if diff := cmp.Diff(want, first); diff != "" {
		t.Errorf("tree (-want +got):\n%s", diff)
	}
	if _, err := Unzip(data, dir); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first, readTree(t, dir)); diff != "" {
		t.Errorf("second unzip changed the tree (-first +second):\n%s", diff)
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Errorf("left temporary files beside dir: %v", entries)
	}
}

// Refused zips leave an existing directory untouched.
func TestUnzipHostile(t *testing.T) {
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		files [][2]string
		want  string
	}{
		{"zip slip", [][2]string{{"../evil.recipe.json", "{}"}}, `leaves the package's folder`},
		{"nested slip", [][2]string{{"a/../../evil", "{}"}}, `leaves the package's folder`},
		{"absolute", [][2]string{{"/etc/passwd", "x"}}, `is an absolute path`},
		{"backslash", [][2]string{{`..\evil`, "x"}}, `contains a backslash`},
		{"duplicate", [][2]string{{"a.json", "1"}, {"a.json", "2"}}, `appears twice`},
		{"duplicate after cleaning", [][2]string{{"a/b.json", "1"}, {"a/b.json/", ""}, {"a//b.json", "2"}}, `empty or '.' path segment`},
		{"case collision", [][2]string{{"A.json", "1"}, {"a.json", "2"}}, `differ only in case`},
		{"case collision in dirs", [][2]string{{"Sub/a.json", "1"}, {"sub/b.json", "2"}}, `differ only in case`},
		{"file and dir", [][2]string{{"a", "1"}, {"a/b.json", "2"}}, `is also a file`},
		{"hidden", [][2]string{{"x.json", "1"}, {".git/config", "2"}}, `is hidden`},
		{"empty", nil, "zip holds no files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{"keep.json": "k"})
			before := readTree(t, dir)
			_, err := Unzip(zipOf(t, tt.files, old, zip.Store), dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
			if diff := cmp.Diff(before, readTree(t, dir)); diff != "" {
				t.Errorf("a refused zip changed the directory (-before +after):\n%s", diff)
			}
			if entries, _ := os.ReadDir(filepath.Dir(dir)); len(entries) != 1 {
				t.Errorf("left temporary files beside dir: %v", entries)
			}
		})
	}
}

func TestUnzipSymlinkEntry(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	h := &zip.FileHeader{Name: "link.json"}
	h.SetMode(fs.ModeSymlink | 0o777)
	w, _ := zw.CreateHeader(h)
	w.Write([]byte("/etc/passwd"))
	zw.Close()
	dir := filepath.Join(t.TempDir(), "p")
	if _, err := Unzip(buf.Bytes(), dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("got %v", err)
	}
	if _, err := os.Lstat(dir); !os.IsNotExist(err) {
		t.Errorf("dir was created: %v", err)
	}
}

func TestUnzipBomb(t *testing.T) {
	defer func(old int64) { maxSize = old }(maxSize)
	maxSize = 1 << 20
	bomb := zipBomb(t, int(maxSize)+1)
	if len(bomb) > 16<<10 {
		t.Fatalf("the bomb is %d bytes; not a bomb", len(bomb))
	}
	if _, err := Unzip(bomb, filepath.Join(t.TempDir(), "p")); err == nil || !strings.Contains(err.Error(), "inflates to more than") {
		t.Errorf("zip bomb: %v", err)
	}
}

func TestUnzipRefusesAFileAsDir(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	os.WriteFile(f, []byte("x"), 0o644)
	data := zipOf(t, [][2]string{{"a.json", "{}"}}, time.Time{}, zip.Store)
	if _, err := Unzip(data, f); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("got %v", err)
	}
}

// FuzzUnzip checks, for any bytes, that Unzip either refuses them and
// writes nothing, or writes a tree that stays inside dir, holds only
// plain files with fixed modes, and digests (Build) to what the zip
// canonicalises to (FromZip); and that unzipping again changes nothing.
func FuzzUnzip(f *testing.F) {
	tt := &testing.T{}
	f.Add(zipOf(tt, [][2]string{{"a/b.recipe.json", "{}"}, {"c.connection.json", `{"name":"c"}`}}, time.Time{}, zip.Deflate))
	f.Add(zipOf(tt, [][2]string{{"../x", "{}"}}, time.Time{}, zip.Store))
	f.Add(zipOf(tt, [][2]string{{"a", "1"}, {"a/b", "2"}}, time.Time{}, zip.Store))
	f.Add(zipOf(tt, [][2]string{{"A", "1"}, {"a", "2"}}, time.Time{}, zip.Store))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		root := t.TempDir()
		dir := filepath.Join(root, "pkg")
		p, err := Unzip(data, dir)
		if err != nil {
			if entries, _ := os.ReadDir(root); len(entries) != 0 {
				t.Fatalf("refused (%v) but wrote %v", err, entries)
			}
			return
		}
		want, err := FromZip(data)
		if err != nil || want.Digest != p.Digest {
			t.Fatalf("Unzip accepted what FromZip refuses or digests differently: %v", err)
		}
		built, err := Build(dir)
		if err != nil || built.Digest != p.Digest {
			t.Fatalf("Build(dir) = %v, %v; want digest %s", built, err, p.Digest)
		}
		entries, _ := os.ReadDir(root)
		if len(entries) != 1 {
			t.Fatalf("wrote beside dir: %v", entries)
		}
		tree := readTree(t, dir)
		for name, v := range tree {
			if !strings.HasPrefix(v, "-rw-r--r-- ") && !(strings.HasSuffix(name, "/") && v == "drwxr-xr-x") {
				t.Fatalf("%s: %q", name, v[:min(len(v), 12)])
			}
		}
		if _, err := Unzip(data, dir); err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(tree, readTree(t, dir)) {
			t.Fatal("a second Unzip changed the tree")
		}
	})
}
