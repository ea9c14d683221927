package workflows

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const (
	repo   = "partner/workato-tenants"
	merged = "1111111111111111111111111111111111111111"
	later  = "2222222222222222222222222222222222222222"
	prHead = "3f1c2e9a7b6d5c4e3f2a1b0c9d8e7f6a5b4c3d2e"
)

// stubGH answers the calls the scripts make from files in $STUB, logs
// every call, and keeps the body of a posted comment.
const stubGH = `#!/usr/bin/env bash
echo "gh $*" >> "$STUB/calls.log"
case "$*" in
  *"--method POST"*|*"--method PATCH"*)
    for a in "$@"; do case "$a" in body=@*) cp "${a#body=@}" "$STUB/posted.md";; esac; done
    echo '{}';;
  "api repos/$GITHUB_REPOSITORY/git/ref/heads/main --jq .object.sha") cat "$STUB/main";;
  "api repos/$GITHUB_REPOSITORY/commits/"*"/pulls") cat "$STUB/pulls.json";;
  "api --paginate repos/$GITHUB_REPOSITORY/issues/"*"/comments?per_page=100") cat "$STUB/comments.json";;
  *) echo "stub gh: unexpected call: $*" >&2; exit 1;;
esac
`

// stubGit is the checkout: HEAD is $STUB/head.
const stubGit = `#!/usr/bin/env bash
echo "git $*" >> "$STUB/calls.log"
[ "$*" = "rev-parse HEAD" ] || { echo "stub git: unexpected call: $*" >&2; exit 1; }
cat "$STUB/head"
`

const (
	reviewedJSON = `{"format_version":"1.0","tenants":[{"name":"acme","actions":[{"id":"create folder Sales"}]}]}` + "\n"
	reviewedMD   = "<!-- workato-gitops plan -->\n## Plan\n\n- create folder Sales\n"
	changedJSON  = `{"format_version":"1.0","tenants":[{"name":"acme","actions":[{"id":"create folder Sales"},{"id":"delete connection Sales/SFDC"}]}]}` + "\n"
	changedMD    = "<!-- workato-gitops plan -->\n## Plan\n\n- create folder Sales\n- delete connection Sales/SFDC\n"
)

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:])
}

func script(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", ".github", "scripts", name))
	if err != nil {
		t.Fatal(err)
	}
	// Read by the test itself, so that go test's cache knows the result
	// depends on the script.
	if _, err := os.ReadFile(p); err != nil {
		t.Fatal(err)
	}
	return p
}

type world struct {
	t    *testing.T
	dir  string
	env  []string
	plan string // the plan JSON the apply run made
	md   string
}

// newWorld is a merge of PR #42 (head prHead) as commit merged, which is
// main's HEAD and checked out, with the plan comment posted for prHead
// with the digest of reviewedJSON; the apply's plan is that same plan.
func newWorld(t *testing.T) *world {
	if _, err := exec.LookPath("jq"); err != nil {
		t.Skip("jq is not installed")
	}
	dir := t.TempDir()
	w := &world{t: t, dir: dir, plan: reviewedJSON, md: reviewedMD}
	w.write("gh", stubGH, 0o755)
	w.write("git", stubGit, 0o755)
	w.write("head", merged+"\n", 0o644)
	w.write("main", merged+"\n", 0o644)
	w.pulls(42, prHead, merged)
	w.comments(`{"id": 5, "user": {"login": "reviewer"}, "body": "LGTM"}`,
		botComment(reviewedMD, digest(reviewedJSON), prHead))
	w.env = append(os.Environ(), "PATH="+dir+":"+os.Getenv("PATH"), "STUB="+dir, "GH_TOKEN=x",
		"GITHUB_REPOSITORY="+repo, "GITHUB_SHA="+merged, "GITHUB_REF=refs/heads/main", "GITHUB_EVENT_NAME=push")
	return w
}

func (w *world) write(name, data string, mode os.FileMode) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.dir, name), []byte(data), mode); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) pulls(number int, head, mergeSHA string) {
	w.write("pulls.json", fmt.Sprintf(`[{"number": %d, "merged_at": "2026-12-01T10:00:00Z", "base": {"ref": "main"}, "head": {"sha": %q}, "merge_commit_sha": %q}]`,
		number, head, mergeSHA), 0o644)
}

// comments is one page of the comment list as gh --paginate prints it.
func (w *world) comments(cs ...string) {
	w.write("comments.json", "["+strings.Join(cs, ",")+"]\n", 0o644)
}

func botComment(md, digest, head string) string {
	body := strings.Replace(md, "\n", fmt.Sprintf("\n<!-- workato-gitops plan-digest: %s head: %s -->\n", digest, head), 1)
	b, _ := json.Marshal(map[string]any{"id": 77, "user": map[string]string{"login": "github-actions[bot]"}, "body": body})
	return string(b)
}

// run runs apply-guard.sh and returns its exit code, its output and the
// comment it posted ("" when none).
func (w *world) run(env ...string) (code int, out, posted string) {
	w.t.Helper()
	w.write("plan.json", w.plan, 0o644)
	w.write("plan.md", w.md, 0o644)
	os.Remove(filepath.Join(w.dir, "posted.md"))
	cmd := exec.Command(script(w.t, "apply-guard.sh"), filepath.Join(w.dir, "plan.json"), filepath.Join(w.dir, "plan.md"))
	cmd.Env = append(w.env, env...)
	b, err := cmd.CombinedOutput()
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			w.t.Fatalf("apply-guard.sh: %v", err)
		}
		code = ee.ExitCode()
	}
	p, _ := os.ReadFile(filepath.Join(w.dir, "posted.md"))
	return code, string(b), string(p)
}

func TestApplyGuardProceedsOnTheReviewedPlan(t *testing.T) {
	w := newWorld(t)
	code, out, posted := w.run()
	if code != 0 || !strings.Contains(out, "is the one reviewed on #42") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if posted != "" {
		t.Errorf("a proceeding guard commented:\n%s", posted)
	}
}

// TestApplyGuardRefusesAnOldCommit: a re-run of the apply of an earlier
// merge, once main has moved on, would apply that commit's manifests and
// roll back the later merges.
func TestApplyGuardRefusesAnOldCommit(t *testing.T) {
	w := newWorld(t)
	w.write("main", later+"\n", 0o644)
	code, out, _ := w.run()
	if code != 1 || !strings.Contains(out, merged+" is not main's HEAD ("+later+")") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if log, _ := os.ReadFile(filepath.Join(w.dir, "calls.log")); strings.Contains(string(log), "/pulls") {
		t.Errorf("the guard looked for a reviewed plan after refusing the commit:\n%s", log)
	}
}

func TestApplyGuardRefusesAChangedPlan(t *testing.T) {
	w := newWorld(t)
	w.plan, w.md = changedJSON, changedMD
	code, out, posted := w.run()
	if code != 1 || !strings.Contains(out, "the plan now has digest "+digest(changedJSON)+", not "+digest(reviewedJSON)+" reviewed on #42") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, want := range []string{
		"<!-- workato-gitops apply refused -->\n",
		"reviewed `" + digest(reviewedJSON) + "`, now `" + digest(changedJSON) + "`",
		"run the apply workflow by hand on main with digest `" + digest(changedJSON) + "`",
		"\n+- delete connection Sales/SFDC\n",
	} {
		if !strings.Contains(posted, want) {
			t.Errorf("the comment on #42 lacks %q:\n%s", want, posted)
		}
	}
	if strings.Contains(posted, "\n-- create folder Sales") {
		t.Errorf("the diff shows an unchanged line as removed:\n%s", posted)
	}
	if log, _ := os.ReadFile(filepath.Join(w.dir, "calls.log")); !strings.Contains(string(log), "gh api --method POST repos/"+repo+"/issues/42/comments") {
		t.Errorf("no comment posted on #42:\n%s", log)
	}
}

func TestApplyGuardRefuses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(w *world)
		env   []string
		want  string
	}{
		{"a run on another branch", nil, []string{"GITHUB_REF=refs/heads/feature"},
			"this run is for refs/heads/feature; apply runs from main only"},
		{"a checkout of another commit", func(w *world) { w.write("head", later+"\n", 0o644) }, nil,
			"the checked-out commit " + later + " is not the run's commit " + merged},
		{"a push that is no pull request's merge", func(w *world) { w.write("pulls.json", "[]", 0o644) }, nil,
			merged + " is not the merge of a reviewed pull request"},
		{"a pull request merged as another commit", func(w *world) { w.pulls(42, prHead, later) }, nil,
			merged + " is not the merge of a reviewed pull request"},
		{"no plan comment", func(w *world) { w.comments(`{"id": 5, "user": {"login": "reviewer"}, "body": "LGTM"}`) }, nil,
			"pull request #42 has no plan comment with a digest"},
		{"a digest posted by someone else", func(w *world) {
			w.comments(strings.Replace(botComment(reviewedMD, digest(reviewedJSON), prHead), "github-actions[bot]", "mallory", 1))
		}, nil, "pull request #42 has no plan comment with a digest"},
		{"a comment for an earlier push", func(w *world) {
			w.comments(botComment(reviewedMD, digest(reviewedJSON), later))
		}, nil, "the plan comment on #42 is for " + later + ", not the pull request's last commit " + prHead},
		{"a run by hand without a digest", nil, []string{"GITHUB_EVENT_NAME=workflow_dispatch"},
			"a run by hand needs the digest of the plan you reviewed"},
		{"a run by hand with another digest", nil, []string{"GITHUB_EVENT_NAME=workflow_dispatch", "REVIEWED_DIGEST=" + digest(changedJSON)},
			"the plan now has digest " + digest(reviewedJSON) + ", not the reviewed " + digest(changedJSON)},
		{"another event", nil, []string{"GITHUB_EVENT_NAME=pull_request"}, "unexpected event pull_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			if tc.setup != nil {
				tc.setup(w)
			}
			code, out, posted := w.run(tc.env...)
			if code != 1 || !strings.Contains(out, "apply-guard: refusing to apply: "+tc.want) {
				t.Errorf("exit %d, want 1 with %q:\n%s", code, tc.want, out)
			}
			if posted != "" {
				t.Errorf("commented:\n%s", posted)
			}
		})
	}
}

func TestApplyGuardByHand(t *testing.T) {
	w := newWorld(t)
	w.write("pulls.json", "[]", 0o644) // a run by hand needs no pull request
	code, out, _ := w.run("GITHUB_EVENT_NAME=workflow_dispatch", "REVIEWED_DIGEST="+digest(reviewedJSON))
	if code != 0 || !strings.Contains(out, "is the one given by hand") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

// TestPlanCommentDigest: the digest line plan-comment.sh writes is the
// one apply-guard.sh reads, for the pull request's head commit.
func TestPlanCommentDigest(t *testing.T) {
	w := newWorld(t)
	event := filepath.Join(w.dir, "event.json")
	w.write("event.json", fmt.Sprintf(`{"pull_request": {"number": 42, "head": {"sha": %q}}}`, prHead), 0o644)
	w.write("review.md", reviewedMD, 0o644)
	w.comments(`{"id": 5, "user": {"login": "reviewer"}, "body": "LGTM"}`)
	cmd := exec.Command(script(t, "plan-comment.sh"), filepath.Join(w.dir, "review.md"), digest(reviewedJSON))
	cmd.Env = append(w.env, "GITHUB_EVENT_PATH="+event)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("plan-comment.sh: %v\n%s", err, out)
	}
	body, err := os.ReadFile(filepath.Join(w.dir, "posted.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(body), "<!-- workato-gitops plan -->\n<!-- workato-gitops plan-digest: "+digest(reviewedJSON)+" head: "+prHead+" scope: all -->\n## Plan\n") ||
		!strings.Contains(string(body), "for 3f1c2e9a7b6d, of every tenant: the apply on merge") {
		t.Errorf("posted:\n%s", body)
	}
	c, _ := json.Marshal(map[string]any{"id": 77, "user": map[string]string{"login": "github-actions[bot]"}, "body": string(body)})
	w.comments(string(c))
	if code, out, _ := w.run(); code != 0 {
		t.Errorf("the guard did not accept the posted comment: exit %d\n%s", code, out)
	}
	w.plan, w.md = changedJSON, changedMD
	code, _, posted := w.run()
	if code != 1 || strings.Contains(posted, "Plan digest") || strings.Contains(posted, "\n-\n") {
		t.Errorf("exit %d; the diff shows the comment's own digest lines:\n%s", code, posted)
	}

	// A scoped plan: the comment says what it covered, and the guard reads
	// the line with its scope; when this run planned every tenant, the
	// refusal says why the plans differ.
	w.plan, w.md = reviewedJSON, reviewedMD
	w.comments(`{"id": 5, "user": {"login": "reviewer"}, "body": "LGTM"}`)
	cmd = exec.Command(script(t, "plan-comment.sh"), filepath.Join(w.dir, "review.md"), digest(reviewedJSON), later)
	cmd.Env = append(w.env, "GITHUB_EVENT_PATH="+event)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("plan-comment.sh: %v\n%s", err, out)
	}
	body, _ = os.ReadFile(filepath.Join(w.dir, "posted.md"))
	if !strings.Contains(string(body), " head: "+prHead+" scope: "+later+" -->\n") ||
		!strings.Contains(string(body), "of the tenants this pull request affects (changes since 222222222222); the daily drift plan covers the others") {
		t.Errorf("posted:\n%s", body)
	}
	c, _ = json.Marshal(map[string]any{"id": 77, "user": map[string]string{"login": "github-actions[bot]"}, "body": string(body)})
	w.comments(string(c))
	if code, out, _ := w.run("CHANGED_SINCE=" + later); code != 0 {
		t.Errorf("the guard did not accept the scoped comment: exit %d\n%s", code, out)
	}
	w.plan, w.md = changedJSON, changedMD
	if code, _, posted := w.run("CHANGED_SINCE="); code != 1 ||
		!strings.Contains(posted, "The reviewed plan covered the tenants changed since 222222222222; this run's plan covers every tenant (its log says why).") {
		t.Errorf("exit %d; the refusal does not say the scopes differ:\n%s", code, posted)
	}
	if code, _, posted := w.run("CHANGED_SINCE=" + later); code != 1 || strings.Contains(posted, "The reviewed plan covered") {
		t.Errorf("exit %d; the refusal says the scopes differ when they do not:\n%s", code, posted)
	}
	for _, scope := range []string{"main", "sha256:" + strings.Repeat("0", 64)} {
		cmd = exec.Command(script(t, "plan-comment.sh"), filepath.Join(w.dir, "review.md"), digest(reviewedJSON), scope)
		cmd.Env = append(w.env, "GITHUB_EVENT_PATH="+event)
		if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "is neither all nor a commit SHA") {
			t.Errorf("scope %q was posted: %v\n%s", scope, err, out)
		}
	}

	cmd = exec.Command(script(t, "plan-comment.sh"), filepath.Join(w.dir, "review.md"), "sha256:not-hex")
	cmd.Env = append(w.env, "GITHUB_EVENT_PATH="+event)
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "is not sha256:<64 hex digits>") {
		t.Errorf("a malformed digest was posted: %v\n%s", err, out)
	}
}
