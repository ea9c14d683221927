package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"

	"github.com/workato-gitops/workato-gitops/internal/scope"
	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// maxGitOutput bounds what is read from git: a diff listing this many
// bytes of paths is no pull request.
const maxGitOutput = 64 << 20

// execGit runs the git on PATH for internal/scope.
type execGit struct{}

func (execGit) Run(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	out := &cappedBuffer{max: maxGitOutput}
	stderr := &cappedBuffer{max: 4 << 10}
	cmd.Stdout, cmd.Stderr = out, stderr
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, fmt.Errorf("git %s: %s", args[0], msg)
		}
		return nil, fmt.Errorf("git %s: %w", args[0], err)
	}
	if out.over {
		return nil, fmt.Errorf("git %s: more than %d bytes of output", args[0], maxGitOutput)
	}
	return out.Bytes(), nil
}

// cappedBuffer keeps the first max bytes and notes that there were more.
type cappedBuffer struct {
	bytes.Buffer
	max  int
	over bool
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); len(p) > room {
		b.over = true
		b.Buffer.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return b.Buffer.Write(p)
}

// changedScope narrows tenants (already selected by --tenant) to those the
// change since ref affects, and says on stderr what it did.
func changedScope(ctx context.Context, e env, repo *spec.Repo, tenants []*spec.Tenant, ref string) ([]*spec.Tenant, error) {
	d, err := scope.Changes(ctx, execGit{}, repo.Dir, ref)
	if err != nil {
		return nil, &hinted{err: fmt.Errorf("--changed-since: %w", err),
			hint: "REF must be a commit in this clone, e.g. the pull request's base branch; in CI check out with fetch-depth: 0"}
	}
	res := scope.Affected(repo, d.Root, d.ManifestDir, d.Changes)
	out := res.Filter(tenants)
	why := ""
	if res.All {
		why = " (the repository config changed)"
	}
	of := fmt.Sprint(len(tenants))
	if len(tenants) != len(repo.Tenants) {
		of += " selected by --tenant"
	}
	fmt.Fprintf(e.stderr, "workato-gitops: --changed-since %s (merge base %s): %d of %s tenants affected%s\n",
		ref, short(d.Base), len(out), of, why)
	for _, p := range res.Deleted {
		fmt.Fprintf(e.stderr, "workato-gitops: note: %s was deleted; nothing plans a tenant that is no longer declared, and workato-gitops never deletes a workspace: its customer is left as it is\n", p)
	}
	return out, nil
}

func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	return commit
}
