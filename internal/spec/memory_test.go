package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestFieldLines: an object's field lines come back for each field, before
// and after the object's own line, for any name; other names and the
// zero value have none.
func TestFieldLines(t *testing.T) {
	fields := map[string]int{"name": 12, "provider": 13, "": 10, "a/b~c": 9, "ünï": 40, "x": 11}
	f := newFieldLines(11, fields)
	for name, want := range fields {
		if got, ok := f.line(11, name); !ok || got != want {
			t.Errorf("line(%q) = %d, %v; want %d", name, got, ok, want)
		}
	}
	// The lines are kept relative to the object's: the same shape
	// elsewhere shares the encoding and moves with its object.
	if g := newFieldLines(111, map[string]int{"name": 112, "provider": 113, "": 110, "a/b~c": 109, "ünï": 140, "x": 111}); g != f {
		t.Error("one shape on other lines encodes differently")
	}
	if got, ok := f.line(111, "provider"); !ok || got != 113 {
		t.Errorf("moved: line(provider) = %d, %v; want 113", got, ok)
	}
	for _, name := range []string{"nam", "names", "folder"} {
		if _, ok := f.line(11, name); ok {
			t.Errorf("line(%q) found", name)
		}
	}
	if _, ok := (fieldLines{}).line(1, ""); ok {
		t.Error("the zero value holds a field")
	}
	if newFieldLines(3, nil) != (fieldLines{}) {
		t.Error("no fields is not the zero value")
	}
}

// TestLoadRetainsLittlePerTenant: a loaded fleet holds its tenants, not a
// map of field lines for every object in it (which cost about 1.2 KiB a
// tenant of this shape: about 3.4 KiB in all, where it now holds about 2).
func TestLoadRetainsLittlePerTenant(t *testing.T) {
	const n = 100
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	// Once, for what the first load sets up for good (the schemas, the
	// loader's workers): a smaller fleet does that as well as this one.
	load(t, fleetDir(t, 10))
	dir := fleetDir(t, n)
	before := heap()
	repo, ds := load(t, dir)
	if len(ds) > 0 || len(repo.Tenants) != n {
		t.Fatalf("%d tenants, %v", len(repo.Tenants), ds)
	}
	held := (heap() - min(before, heap())) / n
	runtime.KeepAlive(repo)
	t.Logf("a loaded tenant holds %d bytes", held)
	if held > 2600 {
		t.Errorf("a loaded tenant holds %d bytes, want at most 2600", held)
	}
}

// fleetDir writes a repository of n tenants, each with a member, a
// folder and two connections.
func fleetDir(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ConfigFile), []byte("apiVersion: workato-gitops/v1\nkind: Config\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		m := fmt.Sprintf(`apiVersion: workato-gitops/v1
kind: Tenant
metadata:
  name: t%04[1]d
  allowPlaintextInput: true
customer:
  externalId: F%04[1]d
  name: Fleet Customer %[1]d
  notificationEmail: ops%[1]d@fleet.example
members:
  - email: admin%[1]d@fleet.example
    name: Admin %[1]d
    role: Admin
folders:
  - path: Clients/Reports
connections:
  - name: Reports API
    provider: http
    folder: Clients/Reports
    input:
      api_key: fleet-key-%04[1]d
  - name: Slack
    provider: slack
    folder: Clients
    state: shell
`, i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("t%04d.yaml", i)), []byte(m), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
