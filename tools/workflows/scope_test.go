package workflows

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// stubRunsGH answers plan-scope.sh's two calls: this run's workflow, and
// that workflow's runs on main from $STUB/runs.json.
const stubRunsGH = `#!/usr/bin/env bash
echo "gh $*" >> "$STUB/calls.log"
case "$*" in
  "api repos/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID --jq .workflow_id") echo 7;;
  "api repos/$GITHUB_REPOSITORY/actions/workflows/7/runs?branch=main&per_page=50") cat "$STUB/runs.json";;
  *) echo "stub gh: unexpected call: $*" >&2; exit 1;;
esac
`

type gitRepo struct {
	t   *testing.T
	dir string
}

func newGitRepo(t *testing.T) *gitRepo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	r := &gitRepo{t: t, dir: t.TempDir()}
	r.git("init", "-q", "-b", "main")
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

// commit writes file with data and commits it, returning the commit.
func (r *gitRepo) commit(file, data string) string {
	r.t.Helper()
	must(r.t, os.WriteFile(filepath.Join(r.dir, file), []byte(data), 0o644))
	r.git("add", file)
	r.git("commit", "-q", "-m", file)
	return r.git("rev-parse", "HEAD")
}

// scope runs plan-scope.sh in the repository and returns its exit code,
// output and the changed_since it wrote.
func (r *gitRepo) scope(base string, env ...string) (code int, out, changedSince string) {
	r.t.Helper()
	stub := r.t.TempDir()
	must(r.t, os.WriteFile(filepath.Join(stub, "gh"), []byte(stubRunsGH), 0o755))
	for _, e := range env {
		if data, ok := strings.CutPrefix(e, "RUNS="); ok {
			must(r.t, os.WriteFile(filepath.Join(stub, "runs.json"), []byte(data), 0o644))
		}
	}
	output := filepath.Join(stub, "output")
	cmd := exec.Command(script(r.t, "plan-scope.sh"), base)
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), "PATH="+stub+":"+os.Getenv("PATH"), "STUB="+stub, "GITHUB_OUTPUT="+output,
		"GH_TOKEN=x", "GITHUB_REPOSITORY="+repo, "GITHUB_RUN_ID=500")
	cmd.Env = append(cmd.Env, env...)
	b, err := cmd.CombinedOutput()
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			r.t.Fatalf("plan-scope.sh: %v", err)
		}
		code = ee.ExitCode()
	}
	o, _ := os.ReadFile(output)
	lines := strings.Split(strings.TrimSpace(string(o)), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "changed_since=") {
		r.t.Fatalf("plan-scope.sh wrote %q to GITHUB_OUTPUT, want one changed_since line\n%s", o, b)
	}
	return code, string(b), strings.TrimPrefix(lines[0], "changed_since=")
}

// TestPlanScope: a base that is an ancestor of HEAD scopes the plan;
// every doubt plans every tenant, with a warning when it is not the
// intended "no base" of a drift or reconcile-all run.
func TestPlanScope(t *testing.T) {
	r := newGitRepo(t)
	base := r.commit("a.yaml", "a\n")
	r.commit("b.yaml", "b\n")
	r.git("checkout", "-q", "-b", "other", base)
	other := r.commit("c.yaml", "c\n") // not an ancestor of main
	r.git("checkout", "-q", "main")

	for _, tc := range []struct {
		name, base, want string // want "" is every tenant
		warn             string
	}{
		{"an ancestor of HEAD", base, base, ""},
		{"no base", "", "", ""},
		{"a new branch", strings.Repeat("0", 40), "", "the push created the branch"},
		{"not a SHA", "main~1", "", `"main~1" is not a commit SHA`},
		{"not in the clone", strings.Repeat("ab", 20), "", "is not in this clone (a shallow checkout, or history rewritten by a force-push)"},
		{"not an ancestor (force-push)", other, "", other + " is not an ancestor of HEAD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, got := r.scope(tc.base)
			if code != 0 || got != tc.want {
				t.Fatalf("exit %d, changed_since=%q, want %q:\n%s", code, got, tc.want, out)
			}
			if hasWarn := strings.Contains(out, "::warning title=planning every tenant::"); hasWarn != (tc.warn != "") || !strings.Contains(out, tc.warn) {
				t.Errorf("want the warning %q:\n%s", tc.warn, out)
			}
		})
	}
}

// TestPlanScopeAfterAnUnfinishedApply: in the apply workflow, the push's
// previous commit scopes the plan only when the previous apply run
// succeeded; a cancelled (GitHub cancels a pending run when a newer one
// queues), failed or refused run left its merge unapplied, and a plan of
// this push's changes alone would skip that merge's tenants.
func TestPlanScopeAfterAnUnfinishedApply(t *testing.T) {
	r := newGitRepo(t)
	before := r.commit("a.yaml", "a\n")
	r.commit("b.yaml", "b\n")
	runs := func(conclusions ...string) string {
		var rs []string
		for i, c := range conclusions { // newest first, as the API lists them; 500 is this run
			rs = append(rs, `{"id": `+[]string{"501", "500", "499", "420"}[i]+`, "conclusion": `+c+`}`)
		}
		return "RUNS=" + `{"total_count": 4, "workflow_runs": [` + strings.Join(rs, ",") + `]}`
	}
	for _, tc := range []struct {
		name, runs, want, warn string
	}{
		{"the previous run succeeded", runs("null", "null", `"success"`, `"failure"`), before, ""},
		{"no previous run", `RUNS={"total_count": 1, "workflow_runs": [{"id": 500, "conclusion": null}]}`, before, ""},
		{"the previous run was cancelled", runs("null", "null", `"cancelled"`, `"success"`), "", `the previous apply run (499) ended "cancelled"`},
		{"the previous run failed", runs("null", "null", `"failure"`, `"success"`), "", `the previous apply run (499) ended "failure"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, got := r.scope(before, "APPLY_WORKFLOW=true", tc.runs)
			if code != 0 || got != tc.want || !strings.Contains(out, tc.warn) {
				t.Fatalf("exit %d, changed_since=%q, want %q and %q:\n%s", code, got, tc.want, tc.warn, out)
			}
		})
	}
	// The plan workflow never asks.
	if code, out, got := r.scope(before, "RUNS=not json"); code != 0 || got != before {
		t.Errorf("exit %d, changed_since=%q:\n%s", code, got, out)
	}
}
