package spec

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The config and the manifests must be regular files: a FIFO named
// workato-gitops.yaml hung validate (reading it waits for a writer), and a
// huge manifest is refused from its size, not read.
func TestManifestsMustBeRegularFiles(t *testing.T) {
	valid := "apiVersion: workato-gitops/v1\nkind: Tenant\nmetadata:\n  name: t1\ncustomer:\n  externalId: A1\n  name: T\n  notificationEmail: a@b.c\n"
	fifo := func(t *testing.T, p string) {
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Skipf("no FIFOs here: %v", err)
		}
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  string
	}{
		{"config-fifo", func(t *testing.T, dir string) {
			fifo(t, filepath.Join(dir, ConfigFile))
		}, "workato-gitops.yaml: not a regular file (a FIFO, a device or a socket cannot be a manifest)\n"},
		{"manifest-fifo", func(t *testing.T, dir string) {
			fifo(t, filepath.Join(dir, "t.yaml"))
		}, "t.yaml: not a regular file (a FIFO, a device or a socket cannot be a manifest)\n"},
		{"manifest-6GB", func(t *testing.T, dir string) {
			f, err := os.Create(filepath.Join(dir, "huge.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := f.Truncate(6 << 30); err != nil {
				t.Skip(err)
			}
		}, "huge.yaml: file is 6442450944 bytes; manifests are limited to 4194304\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, "ok.yaml", []byte(valid))
			tt.setup(t, dir)
			done := make(chan Diagnostics, 1)
			go func() {
				_, ds := load(t, dir)
				done <- ds
			}()
			select {
			case ds := <-done:
				if diff := cmp.Diff(tt.want, relative(ds, dir)); diff != "" {
					t.Errorf("diagnostics (-want +got):\n%s", diff)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("loading hangs")
			}
		})
	}
}
