package pkgzip

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// sparse makes a file of size bytes that takes no disk space.
func sparse(t *testing.T, p string, size int64) {
	t.Helper()
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Skip(err)
	}
}

// A 6 GB file inside a package directory is refused from its size, before
// any of it is read: plan ran out of memory reading it first.
func TestHugeFileInPackageNotRead(t *testing.T) {
	dir := writeTree(t, map[string]string{"a.recipe.json": "{}"})
	sparse(t, filepath.Join(dir, "huge.json"), 6<<30)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Build(dir)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "over the 104857600-byte limit") {
		t.Errorf("err = %v", err)
	}
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 8<<20 {
		t.Errorf("refusing the package allocated %d bytes", grown)
	}
}

// Files within the limit one by one but over it together are refused at
// the file that crosses it, before reading that file.
func TestPackageBudgetBeforeRead(t *testing.T) {
	defer func(old int64) { maxSize = old }(maxSize)
	maxSize = 1 << 20
	dir := writeTree(t, map[string]string{"a.recipe.json": strings.Repeat(" ", 600<<10) + "{}"})
	sparse(t, filepath.Join(dir, "b.json"), 600<<10)
	if _, err := Build(dir); err == nil || !strings.Contains(err.Error(), "b.json is 614400 bytes") {
		t.Errorf("err = %v", err)
	}
}

// A package source that is a FIFO, or a huge file, is refused without
// being read: reading a FIFO would wait for a writer forever.
func TestPackageSourceMustBeRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pkg.zip")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip(err)
	}
	done := make(chan error, 1)
	go func() { _, err := Build(fifo); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("FIFO source: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Build of a FIFO hangs")
	}
	huge := filepath.Join(dir, "huge.zip")
	sparse(t, huge, 6<<30)
	if _, err := Build(huge); err == nil || !strings.Contains(err.Error(), "over the 104857600-byte limit") {
		t.Errorf("huge source: %v", err)
	}
}
