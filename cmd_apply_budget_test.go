package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/sandbox"
)

// TestApplySharesOneRateBudget: the calls apply makes to read live state
// and the calls it makes to change it go through one scheduler, so the
// writes cannot spend a budget the reads already used. The sandbox and the
// client allow 4 folder calls a second; acme's plan reads 2 folder lists
// and its apply creates 3 folders.
func TestApplySharesOneRateBudget(t *testing.T) {
	t.Parallel()
	repo := filepath.Join(t.TempDir(), "repo")
	copyDir(t, "examples/tenants", repo)
	cfgPath := filepath.Join(repo, "workato-gitops.yaml")
	cfg, _ := os.ReadFile(cfgPath)
	os.WriteFile(cfgPath, append(cfg, "rateLimits:\n  folders: 4/1s\n"...), 0o644)

	env, srv := httpSandbox(t, sandbox.Options{RateLimits: true, Limits: map[string]sandbox.Limit{sandbox.ClassFolders: {Requests: 4, Per: time.Second}}})
	seedWithForeignConnection(t, srv)
	mustCode(t, 0, env, "apply", "--auto-approve", "--tenant", "acme", repo)
	if n := srv.Stats().RateLimited; n != 0 {
		t.Errorf("the sandbox refused %d calls with 429: reads and writes did not share one budget", n)
	}
}
