package workflows

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// stubCurl serves https://github.com/OWNER/NAME/releases/download/TAG/FILE
// from $STUB/releases/TAG/FILE, and fails like curl -f on anything else.
const stubCurl = `#!/usr/bin/env bash
echo "curl $*" >> "$STUB/calls.log"
out= url=
while [ $# -gt 0 ]; do
  case $1 in -o) out=$2; shift;; -*) ;; *) url=$1;; esac; shift
done
case $url in
  https://github.com/partner/tools/releases/download/*) f="$STUB/releases/${url#https://github.com/partner/tools/releases/download/}";;
  *) echo "stub curl: unexpected $url" >&2; exit 22;;
esac
[ -f "$f" ] || { echo "curl: (22) 404 $url" >&2; exit 22; }
cp "$f" "$out"
`

type release struct {
	t        *testing.T
	dir, tmp string
	env      []string
}

// newRelease publishes v0.1.0 with a linux/amd64 archive whose binary
// prints its version, and a checksums file listing that archive.
func newRelease(t *testing.T) *release {
	for _, tool := range []string{"tar", "sha256sum"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skip(tool + " is not installed")
		}
	}
	r := &release{t: t, dir: t.TempDir(), tmp: t.TempDir()}
	must(t, os.WriteFile(filepath.Join(r.dir, "curl"), []byte(stubCurl), 0o755))
	rel := filepath.Join(r.dir, "releases", "v0.1.0")
	must(t, os.MkdirAll(rel, 0o755))
	bin := filepath.Join(r.dir, "build")
	must(t, os.MkdirAll(bin, 0o755))
	must(t, os.WriteFile(filepath.Join(bin, "workato-gitops"), []byte("#!/bin/sh\necho \"workato-gitops v0.1.0 ($*)\"\n"), 0o755))
	archive := filepath.Join(rel, "workato-gitops_0.1.0_linux_amd64.tar.gz")
	if out, err := exec.Command("tar", "-czf", archive, "-C", bin, "workato-gitops").CombinedOutput(); err != nil {
		t.Fatalf("tar: %v\n%s", err, out)
	}
	data, err := os.ReadFile(archive)
	must(t, err)
	sum := sha256.Sum256(data)
	r.sums(hex.EncodeToString(sum[:]) + "  workato-gitops_0.1.0_linux_amd64.tar.gz\n" +
		strings.Repeat("0", 64) + "  workato-gitops_0.1.0_darwin_arm64.tar.gz\n")
	r.env = append(os.Environ(), "PATH="+r.dir+":"+os.Getenv("PATH"), "STUB="+r.dir,
		"VERSION=v0.1.0", "REPOSITORY=partner/tools", "RUNNER_OS=Linux", "RUNNER_ARCH=X64", "RUNNER_TEMP="+r.tmp,
		"GITHUB_PATH="+filepath.Join(r.dir, "github_path"), "GITHUB_OUTPUT="+filepath.Join(r.dir, "github_output"))
	return r
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (r *release) sums(s string) {
	must(r.t, os.WriteFile(filepath.Join(r.dir, "releases", "v0.1.0", "workato-gitops_0.1.0_checksums.txt"), []byte(s), 0o644))
}

func (r *release) install(env ...string) (code int, out, path string) {
	r.t.Helper()
	cmd := exec.Command("bash", script(r.t, "install-release.sh"))
	cmd.Env = append(r.env, env...)
	b, err := cmd.CombinedOutput()
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			r.t.Fatal(err)
		}
		code = ee.ExitCode()
	}
	p, _ := os.ReadFile(filepath.Join(r.dir, "github_path"))
	return code, string(b), strings.TrimSpace(string(p))
}

func TestInstallRelease(t *testing.T) {
	r := newRelease(t)
	code, out, path := r.install()
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if want := filepath.Join(r.tmp, "workato-gitops-v0.1.0", "bin"); path != want {
		t.Errorf("GITHUB_PATH = %q, want %q", path, want)
	}
	if !strings.Contains(out, "workato-gitops_0.1.0_linux_amd64.tar.gz matches workato-gitops_0.1.0_checksums.txt") ||
		!strings.Contains(out, "workato-gitops v0.1.0 (--version)") {
		t.Errorf("output:\n%s", out)
	}
	o, _ := os.ReadFile(filepath.Join(r.dir, "github_output"))
	if want := "path=" + filepath.Join(path, "workato-gitops") + "\n"; string(o) != want {
		t.Errorf("GITHUB_OUTPUT = %q, want %q", o, want)
	}
}

// TestInstallReleaseRefuses: an archive that is not the one the checksums
// file names is never unpacked or put on the PATH.
func TestInstallReleaseRefuses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(r *release)
		env   []string
		want  string
	}{
		{"a tampered archive", func(r *release) {
			r.sums(strings.Repeat("a", 64) + "  workato-gitops_0.1.0_linux_amd64.tar.gz\n")
		}, nil, "but workato-gitops_0.1.0_checksums.txt says " + strings.Repeat("a", 64)},
		{"an archive the checksums file does not list", func(r *release) {
			r.sums(strings.Repeat("a", 64) + "  workato-gitops_0.1.0_linux_arm64.tar.gz\n")
		}, nil, "workato-gitops_0.1.0_checksums.txt has no SHA-256 for workato-gitops_0.1.0_linux_amd64.tar.gz"},
		{"a version that is not a tag", nil, []string{"VERSION=latest"}, "version latest is not a release tag"},
		{"a missing release", nil, []string{"VERSION=v9.9.9"}, "404"},
		{"an architecture without a build", nil, []string{"RUNNER_ARCH=ARM"}, "no release for runner architecture ARM"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRelease(t)
			if tc.setup != nil {
				tc.setup(r)
			}
			code, out, path := r.install(tc.env...)
			if code == 0 || !strings.Contains(out, tc.want) {
				t.Errorf("exit %d, want a refusal with %q:\n%s", code, tc.want, out)
			}
			if path != "" {
				t.Errorf("refused, yet put %s on the PATH", path)
			}
			if _, err := os.Stat(filepath.Join(r.tmp, "workato-gitops-v0.1.0", "bin")); err == nil {
				t.Errorf("refused, yet unpacked the archive")
			}
		})
	}
}
