package main

import (
	"net/http"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/sandbox"
)

// httpClientFor serves requests in-process from a sandbox.
func httpClientFor(srv *sandbox.Server) *http.Client { return &http.Client{Transport: srv.Transport()} }

// cliBinary builds the command (without -race) into a temporary directory
// and returns its path. It goes through `go run -exec cp`, which copies the
// executable go run would start: go run keeps linked executables in the
// build cache and go build does not, so an unchanged command costs a copy,
// not a link (about 9 s of CPU for this binary).
func cliBinary(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "workato-gitops")
	if out, err := exec.Command("go", "run", "-exec", "cp", ".", bin).CombinedOutput(); err != nil {
		tb.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}
