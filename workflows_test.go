package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
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

// gitRepo is a repository of the examples in tenants/, on branch main.
type gitRepo struct {
	t   *testing.T
	dir string
}

func newExamplesRepo(t *testing.T) *gitRepo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	r := &gitRepo{t: t, dir: filepath.Join(t.TempDir(), "repo")}
	copyDir(t, "examples/tenants", filepath.Join(r.dir, "tenants"))
	r.git("init", "-q", "-b", "main")
	r.git("add", ".")
	r.git("commit", "-q", "-m", "the fleet")
	return r
}

func (r *gitRepo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
		"GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// edit replaces old by new in a tenant's manifest and commits it.
func (r *gitRepo) edit(tenant, old, new string) string {
	r.t.Helper()
	p := filepath.Join(r.dir, "tenants", "customers", tenant+".yaml")
	data, err := os.ReadFile(p)
	if err != nil || !strings.Contains(string(data), old) {
		r.t.Fatalf("%s has no %q (%v)", p, old, err)
	}
	os.WriteFile(p, []byte(strings.Replace(string(data), old, new, 1)), 0o644)
	r.git("commit", "-q", "-am", tenant+": "+new)
	return r.git("rev-parse", "HEAD")
}

// digestPlan is the workflows' digest plan: keyless, `plan
// --changed-since BASE --format json`, and the SHA-256 of its output.
func digestPlan(t *testing.T, env map[string]string, dir, base string) (digest string, tenants []string) {
	t.Helper()
	keyless := map[string]string{"WORKATO_API_URL": env["WORKATO_API_URL"]}
	out, _ := mustCode(t, 0, keyless, "plan", "--changed-since", base, "--format", "json", "--out", filepath.Join(t.TempDir(), "plan.json"), dir)
	var p struct {
		Tenants []struct{ Name string } `json:"tenants"`
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	for _, tp := range p.Tenants {
		tenants = append(tenants, tp.Name)
	}
	sum := sha256.Sum256([]byte(out))
	return "sha256:" + hex.EncodeToString(sum[:]), tenants
}

// TestScopedDigestAtMergeIsTheReviewedOne: the pull request's plan
// (GitHub's test merge, --changed-since the pull request's base) and the
// apply's plan after the merge (main's new HEAD, --changed-since main's
// previous commit) cover the same tenants and have the same digest, for
// a merge commit, a squash and a rebase, whether or not main moved on
// (with an unrelated change, applied) between the review and the merge.
func TestScopedDigestAtMergeIsTheReviewedOne(t *testing.T) {
	// Once: the fleet applied; the pull request (two commits to acme);
	// main moved on (initech) and applied, before the review.
	base := newExamplesRepo(t)
	state := filepath.Join(t.TempDir(), "sb.json")
	env := demoEnv(t, "sandbox:"+state)
	mustCode(t, 0, env, "apply", "--auto-approve", filepath.Join(base.dir, "tenants"))
	base.git("checkout", "-q", "-b", "pr")
	base.edit("acme", "name: ACME Corp", "name: ACME Corporation")
	base.edit("acme", "name: ACME Admin", "name: ACME Administrators")
	base.git("checkout", "-q", "main")
	base.edit("initech", "name: Initech\n", "name: Initech Corp\n")
	mustCode(t, 0, env, "apply", "--auto-approve", filepath.Join(base.dir, "tenants"))
	applied, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}

	for _, merge := range []string{"merge", "squash", "rebase"} {
		for _, moved := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, main moved %v", merge, moved), func(t *testing.T) {
				r := &gitRepo{t: t, dir: filepath.Join(t.TempDir(), "repo")}
				copyDir(t, base.dir, r.dir)
				sb := filepath.Join(t.TempDir(), "sb.json")
				if err := os.WriteFile(sb, applied, 0o644); err != nil {
					t.Fatal(err)
				}
				env := demoEnv(t, "sandbox:"+sb)
				tenants := filepath.Join(r.dir, "tenants")

				// Its plan: GitHub checks out refs/pull/N/merge, whose first
				// parent is the base branch's head, github.event.pull_request.base.sha.
				reviewBase := r.git("rev-parse", "main")
				r.git("checkout", "-q", "--detach", reviewBase)
				r.git("merge", "-q", "--no-ff", "-m", "test merge", "pr")
				reviewed, reviewedTenants := digestPlan(t, env, tenants, reviewBase)
				if want := []string{"acme"}; !slices.Equal(reviewedTenants, want) {
					t.Fatalf("the pull request's plan covers %v, want %v", reviewedTenants, want)
				}
				r.git("checkout", "-q", "main")
				if moved { // another pull request merged and applied after the review
					r.edit("globex", "name: Globex Corporation", "name: Globex Corp")
					mustCode(t, 0, env, "apply", "--auto-approve", tenants)
				}

				before := r.git("rev-parse", "main") // github.event.before
				switch merge {
				case "merge":
					r.git("merge", "-q", "--no-ff", "-m", "Merge pull request #42", "pr")
				case "squash":
					r.git("merge", "-q", "--squash", "pr")
					r.git("commit", "-q", "-m", "acme (#42)")
				case "rebase":
					r.git("checkout", "-q", "pr")
					r.git("rebase", "-q", "main")
					r.git("checkout", "-q", "main")
					r.git("merge", "-q", "--ff-only", "pr")
				}
				got, gotTenants := digestPlan(t, env, tenants, before)
				if got != reviewed || !slices.Equal(gotTenants, reviewedTenants) {
					t.Errorf("the plan at merge (%v, %s) is not the reviewed one (%v, %s)", gotTenants, got, reviewedTenants, reviewed)
				}
			})
		}
	}
}

// TestPlanWithinAfterATimeBox runs plan-within.sh on real plans: after an
// apply that stopped part-way (here: one tenant applied), the plan made
// again is within the reviewed plan; once someone changes a manifest or
// a workspace beyond it, it is not.
func TestPlanWithinAfterATimeBox(t *testing.T) {
	if _, err := exec.LookPath("jq"); err != nil {
		t.Skip("jq is not installed")
	}
	tmp := t.TempDir()
	repo := filepath.Join(tmp, "tenants")
	copyDir(t, "examples/tenants", repo)
	env := demoEnv(t, "sandbox:"+filepath.Join(tmp, "sb.json"))
	keyless := map[string]string{"WORKATO_API_URL": env["WORKATO_API_URL"]}
	view := func(name string) string {
		t.Helper()
		out, _ := mustCode(t, 0, keyless, "plan", "--format", "json", repo)
		p := filepath.Join(tmp, name)
		os.WriteFile(p, []byte(out), 0o644)
		return p
	}
	within := func(reviewed, fresh string) (bool, string) {
		t.Helper()
		out, err := exec.Command(".github/scripts/plan-within.sh", reviewed, fresh).CombinedOutput()
		if _, ok := err.(*exec.ExitError); err != nil && !ok {
			t.Fatal(err)
		}
		return err == nil, string(out)
	}

	reviewed := view("reviewed.json")
	if ok, out := within(reviewed, reviewed); !ok {
		t.Fatalf("a plan is not within itself:\n%s", out)
	}
	mustCode(t, 0, env, "apply", "--auto-approve", "--tenant", "acme", repo)
	left := view("left.json")
	if ok, out := within(reviewed, left); !ok {
		t.Errorf("what is left after acme was applied is not within the reviewed plan:\n%s", out)
	}

	m := filepath.Join(repo, "customers", "globex.yaml")
	data, _ := os.ReadFile(m)
	os.WriteFile(m, []byte(strings.Replace(string(data), "name: Globex Corporation", "name: Globex Corp", 1)), 0o644)
	if ok, out := within(reviewed, view("edited.json")); ok || !strings.Contains(out, "globex: create customer G-7710: not in the reviewed plan as it is planned now") {
		t.Errorf("a plan with an edited manifest is within the reviewed plan:\n%s", out)
	}
	os.WriteFile(m, data, 0o644)

	// A tenant the reviewed plan did not cover.
	out, _ := mustCode(t, 0, keyless, "plan", "--format", "json", "--tenant", "initech", repo)
	onlyInitech := filepath.Join(tmp, "initech.json")
	os.WriteFile(onlyInitech, []byte(out), 0o644)
	if ok, out := within(onlyInitech, left); ok || !strings.Contains(out, "globex: planned now, not in the reviewed plan") {
		t.Errorf("a plan of more tenants is within the reviewed plan:\n%s", out)
	}
}

// TestApplyRoundsOnTheSandbox runs apply-round.sh with the real CLI (the
// package's one build, first on PATH as workato-gitops) on the sandbox: a
// round whose time box ends before anything is applied fails rather than
// handing on forever; after a round that applied part of the reviewed plan
// (here: acme), the next round's plan is what is left, and that round
// applies it and says nothing is left.
func TestApplyRoundsOnTheSandbox(t *testing.T) {
	for _, tool := range []string{"jq", "sha256sum", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skip(tool + " is not installed")
		}
	}
	job := t.TempDir() // the job's workspace
	copyDir(t, "examples/tenants", filepath.Join(job, "tenants"))
	env := demoEnv(t, "sandbox:"+filepath.Join(job, "sb.json"))
	keyless := map[string]string{"WORKATO_API_URL": env["WORKATO_API_URL"]}
	planStep := func() {
		t.Helper()
		out, _ := mustCode(t, 0, keyless, "plan", "--format", "json", "--out", filepath.Join(job, "plan.json"), filepath.Join(job, "tenants"))
		os.WriteFile(filepath.Join(job, "plan-view.json"), []byte(out), 0o644)
	}
	planStep()
	reviewed, _ := os.ReadFile(filepath.Join(job, "plan-view.json"))
	os.MkdirAll(filepath.Join(job, "reviewed"), 0o755)
	os.WriteFile(filepath.Join(job, "reviewed", "plan-view.json"), reviewed, 0o644)
	sum := sha256.Sum256(reviewed)
	script, _ := filepath.Abs(".github/scripts/apply-round.sh")
	path := filepath.Dir(cliBinary(t)) + string(filepath.ListSeparator) + os.Getenv("PATH")
	round := func(n int, maxDuration string) (code int, out, output string) {
		t.Helper()
		output = filepath.Join(job, fmt.Sprintf("output-%d", n))
		cmd := exec.Command(script, "reviewed/plan-view.json")
		cmd.Dir = job
		cmd.Env = append(os.Environ(), "PATH="+path, "SOPS_AGE_KEY="+env["SOPS_AGE_KEY"], "WORKATO_API_URL="+env["WORKATO_API_URL"],
			"MANIFESTS=tenants", "MAX_DURATION="+maxDuration, "ROUND="+fmt.Sprint(n), "ROUNDS=3",
			"REVIEWED_DIGEST=sha256:"+hex.EncodeToString(sum[:]), "GITHUB_OUTPUT="+output, "GITHUB_RUN_ATTEMPT=1", "GITHUB_STEP_SUMMARY=")
		b, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		o, _ := os.ReadFile(output)
		return code, string(b), string(o)
	}

	code, out, output := round(1, "1ns")
	if code != 1 || output != "" || !strings.Contains(out, "stopped at --max-duration 1ns before applying anything") {
		t.Fatalf("round 1 with a time box shorter than planning: exit %d, output %q:\n%s", code, output, out)
	}

	mustCode(t, 0, env, "apply", "--auto-approve", "--tenant", "acme", filepath.Join(job, "tenants"))
	planStep()
	code, out, output = round(2, "1h")
	if code != 0 || output != "left=false\n" || !strings.Contains(out, "plan-within: every action planned now is one of the reviewed plan") {
		t.Fatalf("round 2: exit %d, output %q:\n%s", code, output, out)
	}
	mustCode(t, 0, env, "plan", "--detailed-exitcode", filepath.Join(job, "tenants"))
}

// stubDriftGH is a GitHub with no drift issue open until $STUB/open.json
// says otherwise; it keeps the body of the issue it opens and of each
// comment, and logs every call.
const stubDriftGH = `#!/usr/bin/env bash
echo "$*" >> "$STUB/calls.log"
keep() { for a in "$@"; do case "$a" in body=@*) cat "${a#body=@}" >> "$STUB/$1";; esac; done; }
case "$*" in
  *"issues?state=open"*) cat "$STUB/open.json" 2>/dev/null || echo '[]';;
  "api --method POST repos/$GITHUB_REPOSITORY/issues "*) keep issue.md "$@"; echo '{"number": 7, "labels": [{"name": "workato-gitops-drift"}]}';;
  *"/comments "*) keep comments.md "$@"; echo '{}';;
  "api --method PATCH repos/$GITHUB_REPOSITORY/issues/7 -f state=closed -f state_reason=completed") echo '{}';;
  *) echo "stub gh: unexpected call: $*" >&2; exit 1;;
esac
`

// TestDriftIssueStep runs the drift workflow's steps with the real CLI on
// the sandbox and gh stubbed: a plan of every tenant that finds drift
// opens the issue with the plan, which holds no secret even when the run
// could decrypt (a SOPS key the drift workflow is not given); once the
// fleet is applied, the next run closes it.
func TestDriftIssueStep(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"jq", "sha256sum", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skip(tool + " is not installed")
		}
	}
	keyData, err := os.ReadFile("examples/demo-age-key.txt")
	if err != nil {
		t.Fatal(err)
	}
	secrets := append(testSecrets, regexp.MustCompile(`AGE-SECRET-KEY-1[0-9A-Z]+`).FindString(string(keyData)))
	tmp := t.TempDir()
	env := demoEnv(t, "sandbox:"+filepath.Join(tmp, "sb.json"))
	keyless := map[string]string{"WORKATO_API_URL": env["WORKATO_API_URL"]}
	os.WriteFile(filepath.Join(tmp, "gh"), []byte(stubDriftGH), 0o755)
	script, _ := filepath.Abs(".github/scripts/drift-issue.sh")
	// The drift job's plan step, then the issue job's step.
	driftRun := func(planEnv map[string]string, want int) (calls, issue, comments string) {
		t.Helper()
		for _, f := range []string{"calls.log", "issue.md", "comments.md", "plan.md"} {
			os.Remove(filepath.Join(tmp, f))
		}
		saved := filepath.Join(tmp, "plan.json")
		mustCode(t, want, planEnv, "plan", "--detailed-exitcode", "--no-color", "--out", saved, "examples/tenants")
		md, _ := mustCode(t, 0, keyless, "plan", "--refresh=false", "--live", saved, "--format", "markdown", "examples/tenants")
		os.WriteFile(filepath.Join(tmp, "plan.md"), []byte(md), 0o644)
		cmd := exec.Command(script, fmt.Sprint(want), "plan.md")
		cmd.Dir = tmp
		cmd.Env = append(os.Environ(), "PATH="+tmp+":"+os.Getenv("PATH"), "STUB="+tmp, "GH_TOKEN=x", "GITHUB_REPOSITORY=partner/workato-tenants",
			"GITHUB_SERVER_URL=https://github.com", "GITHUB_RUN_ID=900", "GITHUB_SHA=1111111111111111111111111111111111111111")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("drift-issue.sh: %v\n%s", err, out)
		}
		c, _ := os.ReadFile(filepath.Join(tmp, "calls.log"))
		i, _ := os.ReadFile(filepath.Join(tmp, "issue.md"))
		cs, _ := os.ReadFile(filepath.Join(tmp, "comments.md"))
		return string(c), string(i), string(cs)
	}

	for _, planEnv := range []map[string]string{keyless, env} {
		_, issue, _ := driftRun(planEnv, 2)
		if !strings.HasPrefix(issue, "<!-- workato-gitops drift -->\n") || !strings.Contains(issue, "<!-- workato-gitops plan -->\n") ||
			!strings.Contains(issue, `connection "Integrations/Salesforce/Sync/Salesforce" will be created`) || !strings.Contains(issue, "input: (sensitive value)") {
			t.Errorf("the issue does not show the plan:\n%.1500s", issue)
		}
		for _, s := range secrets {
			if strings.Contains(issue, s) {
				t.Errorf("the drift issue holds the secret %q", s)
			}
		}
	}

	mustCode(t, 0, env, "apply", "--auto-approve", "examples/tenants")
	os.WriteFile(filepath.Join(tmp, "open.json"), []byte(`[{"number": 7, "user": {"login": "github-actions[bot]"}, "body": "<!-- workato-gitops drift -->\nold", "labels": [{"name": "workato-gitops-drift"}]}]`), 0o644)
	calls, issue, comments := driftRun(keyless, 0)
	if issue != "" || !strings.Contains(comments, "No drift") || !strings.Contains(calls, "issues/7 -f state=closed") {
		t.Errorf("no drift after the apply: the issue was not closed:\n%s\n%s", calls, comments)
	}
}
