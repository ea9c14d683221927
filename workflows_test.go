package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// stubGH is a gh that records its arguments, answers the comment list
// with $STUB_COMMENTS, and keeps the body it was asked to post.
const stubGH = `#!/usr/bin/env bash
echo "$*" >> "$STUB_LOG"
case "$*" in
  *"--method PATCH"*|*"--method POST"*)
    for a in "$@"; do case "$a" in body=@*) cp "${a#body=@}" "$STUB_POSTED";; esac; done
    echo '{}';;
  *) cat "$STUB_COMMENTS";;
esac
`

// TestPlanCommentStep runs the plan workflow's comment step on a recorded
// pull_request event, with gh stubbed at the process boundary: the first
// run posts the Markdown plan, the second edits that comment instead of
// adding one.
func TestPlanCommentStep(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("jq"); err != nil {
		t.Skip("jq is not installed")
	}
	tmp := t.TempDir()
	env := demoEnv(t, "sandbox:"+filepath.Join(tmp, "sb.json"))
	md, _ := mustCode(t, 0, env, "plan", "--format", "markdown", "examples/tenants")
	planFile := filepath.Join(tmp, "plan.md")
	os.WriteFile(planFile, []byte(md), 0o644)
	os.WriteFile(filepath.Join(tmp, "gh"), []byte(stubGH), 0o755)

	script, _ := filepath.Abs(".github/scripts/plan-comment.sh")
	event, _ := filepath.Abs("testdata/github/pull_request.json")
	step := func(comments string) (calls []string, posted string) {
		t.Helper()
		log, out := filepath.Join(tmp, "calls.log"), filepath.Join(tmp, "posted.md")
		os.Remove(log)
		os.Remove(out)
		os.WriteFile(filepath.Join(tmp, "comments.json"), []byte(comments), 0o644)
		cmd := exec.Command(script, planFile)
		cmd.Env = append(os.Environ(), "PATH="+tmp+":"+os.Getenv("PATH"), "GH_TOKEN=x", "GITHUB_REPOSITORY=partner/workato-tenants",
			"GITHUB_EVENT_PATH="+event, "STUB_LOG="+log, "STUB_POSTED="+out, "STUB_COMMENTS="+filepath.Join(tmp, "comments.json"))
		if got, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("comment step: %v\n%s", err, got)
		}
		data, _ := os.ReadFile(log)
		body, _ := os.ReadFile(out)
		return strings.Split(strings.TrimSpace(string(data)), "\n"), string(body)
	}

	calls, posted := step(`[{"id": 5, "user": {"login": "reviewer"}, "body": "LGTM"}]`)
	if want := "api --method POST repos/partner/workato-tenants/issues/42/comments -F body=@" + planFile; calls[len(calls)-1] != want {
		t.Errorf("first run: %q, want %q", calls, want)
	}
	if posted != md {
		t.Errorf("the posted comment is not the plan's Markdown")
	}
	if !strings.HasPrefix(posted, "<!-- workato-gitops plan -->\n") || !strings.Contains(posted, "acme") {
		t.Errorf("posted:\n%.300s", posted)
	}

	ours := `[{"id": 5, "user": {"login": "reviewer"}, "body": "LGTM"}]
[{"id": 77, "user": {"login": "github-actions[bot]"}, "body": "<!-- workato-gitops plan -->\nold plan"}]`
	calls, posted = step(ours) // two pages, as gh --paginate prints them
	if want := "api --method PATCH repos/partner/workato-tenants/issues/comments/77 -F body=@" + planFile; calls[len(calls)-1] != want {
		t.Errorf("second run: %q, want %q", calls, want)
	}
	for _, c := range calls {
		if strings.Contains(c, "--method POST") {
			t.Errorf("second run added a comment: %s", c)
		}
	}
	if posted != md {
		t.Errorf("the edited comment is not the plan's Markdown")
	}
}
