package scope

import (
	"context"
	"os/exec"
	"strings"
	"testing"
)

func TestRunBounded(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	ctx := context.Background()
	out, err := runBounded(ctx, t.TempDir(), 5, "sh", "-c", "printf abcde")
	if err != nil || string(out) != "abcde" {
		t.Errorf("at the limit: %q, %v", out, err)
	}
	if _, err := runBounded(ctx, t.TempDir(), 5, "sh", "-c", "printf abcdef"); err == nil || !strings.Contains(err.Error(), "more than 5 bytes of output") {
		t.Errorf("over the limit: error = %v", err)
	}
	if _, err := runBounded(ctx, t.TempDir(), 5, "sh", "-c", "echo bad ref >&2; exit 1"); err == nil || err.Error() != "sh -c: bad ref" {
		t.Errorf("failure: error = %v, want git's message", err)
	}
}

func TestExecGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := t.TempDir()
	if _, err := (ExecGit{}).Run(context.Background(), dir, "init", "-q"); err != nil {
		t.Fatal(err)
	}
	out, err := (ExecGit{}).Run(context.Background(), dir, "rev-parse", "--is-inside-work-tree")
	if err != nil || strings.TrimSpace(string(out)) != "true" {
		t.Errorf("rev-parse = %q, %v", out, err)
	}
}

func TestShort(t *testing.T) {
	for in, want := range map[string]string{"": "", "abc": "abc", "0123456789abcdef": "0123456789ab"} {
		if got := Short(in); got != want {
			t.Errorf("Short(%q) = %q, want %q", in, got, want)
		}
	}
}
