package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
)

var asOf = time.Date(2026, 11, 5, 23, 49, 57, 0, time.UTC)

const (
	osv1 = `{"id":"GO-2024-0001","modified":"0001-01-01T00:00:00Z","aliases":["CVE-2024-1"],
  "affected":[{"package":{"name":"example.com/a"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2.0"}]}]},
              {"package":{"name":"example.com/a"},"ranges":[{"type":"SEMVER","events":[{"introduced":"2.0.0"},{"fixed":"2.0.1"}]}]},
              {"package":{"name":"stdlib"}}]}`
	osv2 = `{"id":"GO-2023-0002","modified":"2027-01-02T03:04:05Z","affected":[{"package":{"name":"example.com/a"}}]}`
)

// TestBuild writes the v1 layout govulncheck reads: one index entry per
// module (listed once however many ranges name it), sorted, entries
// copied byte for byte, and the database's time the newest of asOf and
// the entries' own.
func TestBuild(t *testing.T) {
	src := fstest.MapFS{
		"GO-2024-0001.json": {Data: []byte(osv1)},
		"GO-2023-0002.json": {Data: []byte(osv2)},
		"README.md":         {Data: []byte("not an entry")},
	}
	out := t.TempDir()
	n, err := build(src, out, asOf)
	if err != nil || n != 2 {
		t.Fatalf("build: %d, %v", n, err)
	}
	read := func(name string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	want := map[string]string{
		"index/db.json": `{"modified":"2027-01-02T03:04:05Z"}`,
		"index/modules.json": `[{"path":"example.com/a","vulns":[` +
			`{"id":"GO-2023-0002","modified":"2027-01-02T03:04:05Z"},` +
			`{"id":"GO-2024-0001","modified":"2026-11-05T23:49:57Z"}]},` +
			`{"path":"stdlib","vulns":[{"id":"GO-2024-0001","modified":"2026-11-05T23:49:57Z"}]}]`,
		"index/vulns.json": `[{"id":"GO-2023-0002","modified":"2027-01-02T03:04:05Z"},` +
			`{"id":"GO-2024-0001","modified":"2026-11-05T23:49:57Z","aliases":["CVE-2024-1"]}]`,
		"ID/GO-2024-0001.json": osv1,
		"ID/GO-2023-0002.json": osv2,
	}
	got := map[string]string{}
	for name := range want {
		got[name] = read(name)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("database (-want +got):\n%s", d)
	}
	for _, name := range []string{"index/db.json", "index/modules.json", "index/vulns.json"} {
		if !json.Valid([]byte(got[name])) {
			t.Errorf("%s is not JSON", name)
		}
	}

	again := t.TempDir()
	if _, err := build(src, again, asOf); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(again, "index", "modules.json"))
	if string(b) != got["index/modules.json"] {
		t.Errorf("a second build differs")
	}
}

// TestBuildRefuses: a file that is not a well-formed entry under its own
// id's name stops the build, naming the file, so no database is made
// from input that is not what x/vulndb publishes.
func TestBuildRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, file, data, want string
	}{
		{"not JSON", "GO-2024-0001.json", `{"id":`, "GO-2024-0001.json: not an OSV entry"},
		{"renamed", "GO-2024-0009.json", osv1, "holds entry GO-2024-0001"},
		{"path in id", "x.json", `{"id":"../../etc/x","affected":[{"package":{"name":"a"}}]}`, `id "../../etc/x" is not a Go vulnerability id`},
		{"no module", "GO-2024-0001.json", `{"id":"GO-2024-0001"}`, "no affected module"},
		{"oversized", "GO-2024-0001.json", `{"id":"GO-2024-0001","details":"` + strings.Repeat("x", maxEntry) + `"}`, "larger than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := build(fstest.MapFS{tc.file: {Data: []byte(tc.data)}}, t.TempDir(), asOf)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("build: %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if _, err := build(fstest.MapFS{}, t.TempDir(), asOf); err == nil {
		t.Errorf("build of an empty directory succeeded")
	}
}

// TestRunChecksTheSum: a download whose hash is not the pinned one is
// refused and leaves no database behind.
func TestRunChecksTheSum(t *testing.T) {
	dir := t.TempDir()
	mod := filepath.Join(dir, "mod")
	os.MkdirAll(filepath.Join(mod, "data", "osv"), 0o755)
	os.WriteFile(filepath.Join(mod, "data", "osv", "GO-2024-0001.json"), []byte(osv1), 0o644)
	info := filepath.Join(dir, "v.info")
	os.WriteFile(info, []byte(`{"Version":"v0.0.0-x","Time":"2026-11-05T23:49:57Z"}`), 0o644)
	dl := filepath.Join(dir, "download.json")
	b, _ := json.Marshal(module{Path: "golang.org/x/vulndb", Version: "v0.0.0-x", Info: info, Dir: mod, Sum: "h1:good"})
	os.WriteFile(dl, b, 0o644)

	out := filepath.Join(dir, "db")
	if _, err := run(dl, "h1:other", out); err == nil || !strings.Contains(err.Error(), "has hash h1:good, want h1:other") {
		t.Errorf("run with the wrong sum: %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused download left %s: %v", out, err)
	}
	if _, err := run(dl, "h1:good", out); err != nil {
		t.Fatalf("run: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "index", "db.json")); string(b) != `{"modified":"2026-11-05T23:49:57Z"}` {
		t.Errorf("db.json: %s", b)
	}
}
