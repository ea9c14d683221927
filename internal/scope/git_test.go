package scope

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// execGit runs the real git, as package main does.
type execGit struct{}

func (execGit) Run(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%v: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	return out, nil
}

// TestChanges: against a real repository whose manifests are in a
// subdirectory, the changes since the merge base include committed,
// uncommitted and untracked files, with repository-root paths; a ref that
// is no commit is an error.
func TestChanges(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	root := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		if _, err := (execGit{}).Run(context.Background(), root, args...); err != nil {
			t.Fatal(err)
		}
	}
	write := func(rel, text string) {
		t.Helper()
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git("init", "-q", "-b", "main")
	git("config", "user.email", "t@example.com")
	git("config", "user.name", "t")
	write("ops/tenants/a.yaml", "a")
	write("ops/tenants/b.yaml", "b")
	write("ops/tenants/c.yaml", "c")
	git("add", ".")
	git("commit", "-q", "-m", "one")
	git("checkout", "-q", "-b", "feature")
	write("ops/tenants/a.yaml", "a2")
	git("rm", "-q", "ops/tenants/c.yaml")
	git("commit", "-q", "-am", "two")
	write("ops/tenants/b.yaml", "b2")  // uncommitted
	write("ops/tenants/new.yaml", "n") // untracked

	d, err := Changes(context.Background(), execGit{}, filepath.Join(root, "ops", "tenants"), "main")
	if err != nil {
		t.Fatal(err)
	}
	if d.ManifestDir != "ops/tenants" {
		t.Errorf("ManifestDir = %q, want ops/tenants", d.ManifestDir)
	}
	want := []Change{{Path: "ops/tenants/a.yaml"}, {Path: "ops/tenants/b.yaml"},
		{Path: "ops/tenants/c.yaml", Deleted: true}, {Path: "ops/tenants/new.yaml"}}
	if diff := cmp.Diff(want, d.Changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	for _, ref := range []string{"no-such-branch", "--output=x", "HEAD~5"} {
		if _, err := Changes(context.Background(), execGit{}, root, ref); err == nil {
			t.Errorf("Changes(%q): no error", ref)
		}
	}
	if _, err := Changes(context.Background(), execGit{}, t.TempDir(), "main"); err == nil {
		t.Errorf("Changes outside a repository: no error")
	}
}
