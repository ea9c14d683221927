package spec

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCorpusGenerated covers inputs too big, too binary or too
// filesystem-specific to commit.
func TestCorpusGenerated(t *testing.T) {
	valid := "apiVersion: workato-gitops/v1\nkind: Tenant\nmetadata:\n  name: t1\ncustomer:\n  externalId: A1\n  name: T\n  notificationEmail: a@b.c\n"
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "evil.yaml"), []byte(valid), 0o644); err != nil {
		t.Fatal(err)
	}
	// A valid manifest, then a block scalar; the file is extended to 50 MB
	// without writing its tail (a sparse file reads as zeros), which the
	// size limit must refuse before anything reads that far.
	bigHead := []byte(valid + "x: |\n  0123456789abcdef0123456789abcdef\n")
	const bigSize = 50 << 20
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  string
	}{
		{
			name: "file-50MB",
			setup: func(t *testing.T, dir string) {
				write(t, dir, "big.yaml", bigHead)
				if err := os.Truncate(filepath.Join(dir, "big.yaml"), bigSize); err != nil {
					t.Fatal(err)
				}
			},
			want: fmt.Sprintf("big.yaml: file is %d bytes; manifests are limited to 4194304\n", bigSize),
		},
		{
			name: "binary-garbage",
			setup: func(t *testing.T, dir string) {
				r := rand.New(rand.NewPCG(1, 2))
				data := make([]byte, 4096)
				for i := range data {
					data[i] = byte(r.UintN(256))
				}
				write(t, dir, "garbage.yaml", data)
			},
			want: "garbage.yaml: invalid YAML: control characters are not allowed\n",
		},
		{
			name: "symlink-file-out-of-repo",
			setup: func(t *testing.T, dir string) {
				symlink(t, filepath.Join(outside, "evil.yaml"), filepath.Join(dir, "evil.yaml"))
			},
			want: "evil.yaml: symbolic link leads outside the repository\n",
		},
		{
			name: "symlink-dir-out-of-repo",
			setup: func(t *testing.T, dir string) {
				symlink(t, outside, filepath.Join(dir, "tenants"))
			},
			want: "tenants: symbolic link leads outside the repository\n",
		},
		{
			name: "package-symlink-out-of-repo",
			setup: func(t *testing.T, dir string) {
				symlink(t, outside, filepath.Join(dir, "pkg"))
				write(t, dir, "t.yaml", []byte(valid+"folders:\n  - path: P\npackages:\n  - name: p\n    source: pkg\n    folder: P\n"))
			},
			want: "pkg: symbolic link leads outside the repository\n" +
				"t.yaml:13: packages[0].source: package source \"pkg\" leads outside the repository\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.setup(t, dir)
			_, ds := load(t, dir)
			if diff := cmp.Diff(tt.want, relative(ds, dir)); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}

func write(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("symlinks unsupported here: %v", err)
	}
}
