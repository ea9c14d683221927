package main

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/sandbox"
)

// httpClientFor serves requests in-process from a sandbox.
func httpClientFor(srv *sandbox.Server) *http.Client { return &http.Client{Transport: srv.Transport()} }

// builtCLI is the command built once for the package's tests: building
// costs more CPU than most tests (1.4 s to find it current, about 8 s to
// link it after a change), so every test that needs a real process shares
// one build.
var builtCLI struct {
	once sync.Once
	path string
	err  error
	out  []byte
}

// cliBinary returns the command (built without -race) as a file of the
// test's own. It is built once per package run, with the README's and
// `make build`'s own command, `go build -o bin/workato-gitops .`: the
// quickstart's build (TestReadmeQuickstart) then finds it current and
// links nothing, where a build of its own would link the binary a second
// time after every change. Each test gets a hard link (a copy across
// devices) in its temp dir, which a later rebuild of bin/ cannot change
// under a running test.
func cliBinary(tb testing.TB) string {
	tb.Helper()
	builtCLI.once.Do(func() {
		builtCLI.path, builtCLI.err = filepath.Abs(filepath.Join("bin", "workato-gitops"))
		if builtCLI.err == nil {
			builtCLI.out, builtCLI.err = exec.Command("go", "build", "-o", builtCLI.path, ".").CombinedOutput()
		}
	})
	if builtCLI.err != nil {
		tb.Fatalf("build: %v\n%s", builtCLI.err, builtCLI.out)
	}
	bin := filepath.Join(tb.TempDir(), "workato-gitops")
	if err := os.Link(builtCLI.path, bin); err != nil {
		if err := copyFile(builtCLI.path, bin); err != nil {
			tb.Fatal(err)
		}
	}
	return bin
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
