package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateChecksPackages: validate, and so the fork-PR check, refuses
// every package plan would refuse, naming the manifest line (issue 11,
// finding 11: zip slip, symlinks, bombs and oversized files passed validate
// and failed only at plan).
func TestValidateChecksPackages(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		make func(t *testing.T, dir string) string // returns the source, relative to the manifest
		want string
		// process: validate runs as the package's built command, not
		// in-process under the race detector, which makes inflating
		// the bomb's 100 MiB cost ten times the CPU (3.5 s, not 0.3 s).
		process bool
	}{
		{"zip slip", func(t *testing.T, dir string) string {
			writeZip(t, filepath.Join(dir, "slip.zip"), map[string]string{"../evil.recipe.json": "{}"})
			return "slip.zip"
		}, `leaves the package's folder`, false},
		{"zip bomb", func(t *testing.T, dir string) string {
			// 110 entries of 1 MiB of zeros each, compressed once (about
			// 1 KiB each): deflating 110 MiB would dominate the test.
			var one bytes.Buffer
			fw, _ := flate.NewWriter(&one, flate.BestCompression)
			zeros := make([]byte, 1<<20)
			fw.Write(zeros)
			fw.Close()
			f, err := os.Create(filepath.Join(dir, "bomb.zip"))
			if err != nil {
				t.Fatal(err)
			}
			zw := zip.NewWriter(f)
			for i := range 110 {
				w, err := zw.CreateRaw(&zip.FileHeader{Name: fmt.Sprintf("bomb%03d.recipe.json", i), Method: zip.Deflate,
					CRC32: crc32.ChecksumIEEE(zeros), CompressedSize64: uint64(one.Len()), UncompressedSize64: 1 << 20})
				if err != nil {
					t.Fatal(err)
				}
				w.Write(one.Bytes())
			}
			if err := zw.Close(); err != nil {
				t.Fatal(err)
			}
			f.Close()
			return "bomb.zip"
		}, `zip inflates to more than 104857600 bytes`, true},
		{"symlink in a directory", func(t *testing.T, dir string) string {
			pkg := filepath.Join(dir, "linked")
			if err := os.MkdirAll(pkg, 0o755); err != nil {
				t.Fatal(err)
			}
			// Inside the repository, so only the package rules refuse it.
			if err := os.Symlink("../acme.yaml", filepath.Join(pkg, "a.recipe.json")); err != nil {
				t.Fatal(err)
			}
			return "linked"
		}, `a.recipe.json`, false},
		{"oversized file", func(t *testing.T, dir string) string {
			pkg := filepath.Join(dir, "big")
			if err := os.MkdirAll(pkg, 0o755); err != nil {
				t.Fatal(err)
			}
			f, err := os.Create(filepath.Join(pkg, "huge.recipe.json"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := f.Truncate(6 << 30); err != nil { // sparse: no disk used
				t.Fatal(err)
			}
			return "big"
		}, `huge.recipe.json`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			src := tc.make(t, dir)
			manifest := `apiVersion: workato-gitops/v1
kind: Tenant
metadata:
  name: acme
customer:
  externalId: A1
  name: ACME
  notificationEmail: ops@acme.example
packages:
  - name: pkg
    source: ` + src + `
    folder: Sync
folders:
  - path: Sync
`
			if err := os.WriteFile(filepath.Join(dir, "acme.yaml"), []byte(manifest), 0o644); err != nil {
				t.Fatal(err)
			}
			var code int
			var stdout, stderr string
			if tc.process {
				cmd := exec.Command(cliBinary(t), "validate", dir)
				cmd.Env = []string{} // as runCLI's: nothing set
				var out, errOut bytes.Buffer
				cmd.Stdout, cmd.Stderr = &out, &errOut
				err := cmd.Run()
				if _, ok := err.(*exec.ExitError); err != nil && !ok {
					t.Fatal(err)
				}
				code, stdout, stderr = cmd.ProcessState.ExitCode(), out.String(), errOut.String()
			} else {
				code, stdout, stderr = runCLI(t, nil, "validate", dir)
			}
			if code != exitError {
				t.Fatalf("validate exit %d, want %d\nstdout: %s\nstderr: %s", code, exitError, stdout, stderr)
			}
			if !strings.Contains(stderr, "acme.yaml:11: packages[0].source: ") || !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr does not name acme.yaml:11, the field and %q:\n%s", tc.want, stderr)
			}
		})
	}
}

func writeZip(t *testing.T, file string, entries map[string]string) {
	t.Helper()
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, body := range entries {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}
