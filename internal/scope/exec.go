package scope

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// maxGitOutput bounds what is read from git: a diff listing this many
// bytes of paths is no pull request.
const maxGitOutput = 64 << 20

// ExecGit is the Git that runs the git on PATH.
type ExecGit struct{}

// Run runs git with args in dir; its error carries git's own message.
func (ExecGit) Run(ctx context.Context, dir string, args ...string) ([]byte, error) {
	return runBounded(ctx, dir, maxGitOutput, "git", args...)
}

func runBounded(ctx context.Context, dir string, limit int, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	out := &cappedBuffer{max: limit}
	stderr := &cappedBuffer{max: 4 << 10}
	cmd.Stdout, cmd.Stderr = out, stderr
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(stderr.buf.String()); msg != "" {
			return nil, fmt.Errorf("%s %s: %s", name, args[0], msg)
		}
		return nil, fmt.Errorf("%s %s: %w", name, args[0], err)
	}
	if out.over {
		return nil, fmt.Errorf("%s %s: more than %d bytes of output", name, args[0], limit)
	}
	return out.buf.Bytes(), nil
}

// cappedBuffer keeps the first max bytes and notes that there were more.
// The buffer is a field, not embedded: an embedded bytes.Buffer would lend
// cappedBuffer its ReadFrom, and io.Copy (which os/exec uses) would read
// the whole output through it, past the cap.
type cappedBuffer struct {
	buf  bytes.Buffer
	max  int
	over bool
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); len(p) > room {
		b.over = true
		b.buf.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return b.buf.Write(p)
}

// Short is a commit id cut to the twelve characters a person reads.
func Short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	return commit
}
