package workflows

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

type workflow struct {
	Env         map[string]string `yaml:"env"`
	Permissions map[string]string `yaml:"permissions"`
	Jobs        map[string]*job   `yaml:"jobs"`
}

type job struct {
	Needs       any               `yaml:"needs"`
	If          string            `yaml:"if"`
	Timeout     int               `yaml:"timeout-minutes"`
	Environment any               `yaml:"environment"`
	Permissions map[string]string `yaml:"permissions"`
	Outputs     map[string]string `yaml:"outputs"`
	Steps       []step            `yaml:"steps"`
}

type step struct {
	ID      string            `yaml:"id"`
	Name    string            `yaml:"name"`
	If      string            `yaml:"if"`
	Uses    string            `yaml:"uses"`
	With    map[string]string `yaml:"with"`
	Env     map[string]string `yaml:"env"`
	Run     string            `yaml:"run"`
	Timeout int               `yaml:"timeout-minutes"`
}

func readWorkflow(t *testing.T, name string) *workflow {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", ".github", "workflows", name))
	if err != nil {
		t.Fatal(err)
	}
	var w workflow
	if err := yaml.Unmarshal(data, &w); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return &w
}

// stepRunning is the one step of j whose run script contains s.
func stepRunning(t *testing.T, name string, j *job, s string) *step {
	t.Helper()
	var found *step
	for i := range j.Steps {
		if strings.Contains(j.Steps[i].Run, s) {
			if found != nil {
				t.Fatalf("%s: two steps run %q", name, s)
			}
			found = &j.Steps[i]
		}
	}
	if found == nil {
		t.Fatalf("%s: no step runs %q", name, s)
	}
	return found
}

// planLine is the command that makes the plan whose digest is compared:
// `workato-gitops plan ... --format json --out plan.json ...`.
var planLine = regexp.MustCompile(`(?m)^\s*(workato-gitops plan .*--format json --out plan\.json.*)$`)

func planCommand(t *testing.T, name string, s *step) string {
	t.Helper()
	m := planLine.FindAllStringSubmatch(s.Run, -1)
	if len(m) != 1 {
		t.Fatalf("%s: step %q makes %d digest plans, want 1", name, s.Name, len(m))
	}
	return strings.TrimSpace(m[0][1])
}

// checkedOutWhole: the scope is computed from a base commit, which only
// a checkout with the whole history holds.
func checkedOutWhole(t *testing.T, name string, j *job) {
	t.Helper()
	for _, s := range j.Steps {
		if strings.HasPrefix(s.Uses, "actions/checkout@") {
			if s.With["fetch-depth"] != "0" {
				t.Errorf("%s: the checkout is shallow (fetch-depth %q): the scope's base commit is not in it", name, s.With["fetch-depth"])
			}
			return
		}
	}
	t.Errorf("%s: no checkout", name)
}

// scopeStep is the step that runs plan-scope.sh, with the base it gets.
func scopeStep(t *testing.T, name string, j *job) *step {
	t.Helper()
	s := stepRunning(t, name, j, ".github/scripts/plan-scope.sh")
	if s.ID != "scope" || strings.TrimSpace(s.Run) != `.github/scripts/plan-scope.sh "$BASE"` {
		t.Errorf("%s: the scope step is %q (id %q), want id scope running plan-scope.sh \"$BASE\"", name, s.Run, s.ID)
	}
	return s
}

// TestScopedPlansAgree: the pull request's plan is scoped with
// --changed-since, and the apply on merge (and each follow-up round)
// makes the digest plan with the very same command and a scope from the
// same script, so that the reviewed digest can match; the drift plan
// covers the whole fleet.
func TestScopedPlansAgree(t *testing.T) {
	const flag = `${CHANGED_SINCE:+--changed-since "$CHANGED_SINCE"}`
	p := readWorkflow(t, "workato-gitops-plan.yml")
	pj := p.Jobs["plan"]
	checkedOutWhole(t, "plan", pj)
	ps := scopeStep(t, "plan", pj)
	if ps.Env["BASE"] != "${{ github.event.pull_request.base.sha }}" {
		t.Errorf("plan: the scope's base is %q, want the pull request's base commit", ps.Env["BASE"])
	}
	planStep := stepRunning(t, "plan", pj, "--out plan.json")
	want := planCommand(t, "plan", planStep)
	if !strings.Contains(want, flag) || planStep.Env["CHANGED_SINCE"] != "${{ steps.scope.outputs.changed_since }}" {
		t.Errorf("plan: the pull request's plan is not scoped by plan-scope.sh: %q, CHANGED_SINCE %q", want, planStep.Env["CHANGED_SINCE"])
	}
	comment := stepRunning(t, "plan", pj, ".github/scripts/plan-comment.sh")
	if !strings.Contains(comment.Run, `"$SCOPE"`) || comment.Env["SCOPE"] != "${{ steps.scope.outputs.changed_since || 'all' }}" {
		t.Errorf("plan: the comment does not record the plan's scope: %q %q", comment.Run, comment.Env["SCOPE"])
	}

	a := readWorkflow(t, "workato-gitops-apply.yml")
	aj := a.Jobs["apply"]
	checkedOutWhole(t, "apply", aj)
	as := scopeStep(t, "apply", aj)
	if as.Env["BASE"] != "${{ github.event_name == 'push' && github.event.before || '' }}" || as.Env["APPLY_WORKFLOW"] != "true" {
		t.Errorf("apply: the scope's base is %q (APPLY_WORKFLOW %q), want main's previous commit on a push, none by hand", as.Env["BASE"], as.Env["APPLY_WORKFLOW"])
	}
	if aj.Outputs["changed_since"] != "${{ steps.scope.outputs.changed_since }}" {
		t.Errorf("apply: the follow-up rounds do not get the scope: %q", aj.Outputs["changed_since"])
	}
	guard := stepRunning(t, "apply", aj, ".github/scripts/apply-guard.sh")
	if guard.Env["CHANGED_SINCE"] != "${{ steps.scope.outputs.changed_since }}" {
		t.Errorf("apply: the guard does not know the scope: %q", guard.Env["CHANGED_SINCE"])
	}
	for _, r := range rounds(t, a) {
		s := stepRunning(t, r.name, r.job, "--out plan.json")
		if got := planCommand(t, r.name, s); got != want {
			t.Errorf("%s plans with\n  %s\nthe pull request with\n  %s\nso their digests differ", r.name, got, want)
		}
		scope := "${{ steps.scope.outputs.changed_since }}"
		if r.number > 1 {
			scope = "${{ needs.apply.outputs.changed_since }}"
			checkedOutWhole(t, r.name, r.job)
		}
		if s.Env["CHANGED_SINCE"] != scope {
			t.Errorf("%s: the plan's CHANGED_SINCE is %q, want %q", r.name, s.Env["CHANGED_SINCE"], scope)
		}
	}

	d := readWorkflow(t, "workato-gitops-drift.yml")
	dj := d.Jobs["drift"]
	if dj == nil {
		t.Fatal("drift: no drift job")
	}
	s := stepRunning(t, "drift", dj, "workato-gitops plan --detailed-exitcode")
	if strings.Contains(s.Run, "--changed-since") || strings.Contains(s.Run, "--tenant") {
		t.Errorf("drift: %q does not plan the whole fleet with --detailed-exitcode", s.Run)
	}
	failed := false
	for _, st := range dj.Steps {
		failed = failed || st.If == "steps.plan.outputs.code != '0'" && st.Env["CODE"] == "${{ steps.plan.outputs.code }}" && strings.Contains(st.Run, `exit "$CODE"`)
	}
	if s.ID != "plan" || !failed {
		t.Errorf("drift: the job does not fail with the plan's exit code (2 on drift)")
	}
}

type roundJob struct {
	name   string
	number int
	job    *job
}

// rounds are the apply workflow's jobs that run apply-round.sh, in order.
func rounds(t *testing.T, w *workflow) []roundJob {
	t.Helper()
	n, err := strconv.Atoi(w.Env["ROUNDS"])
	if err != nil || n < 2 {
		t.Fatalf("apply: ROUNDS is %q, want a number of rounds of at least 2", w.Env["ROUNDS"])
	}
	var out []roundJob
	for name, j := range w.Jobs {
		for _, s := range j.Steps {
			if strings.Contains(s.Run, ".github/scripts/apply-round.sh") {
				r, err := strconv.Atoi(s.Env["ROUND"])
				if err != nil {
					t.Fatalf("%s: apply-round.sh without a ROUND", name)
				}
				out = append(out, roundJob{name, r, j})
			}
		}
	}
	if len(out) != n {
		t.Fatalf("apply: %d jobs run apply-round.sh, ROUNDS says %d", len(out), n)
	}
	byNumber := make([]roundJob, n)
	for _, r := range out {
		if r.number < 1 || r.number > n || byNumber[r.number-1].job != nil {
			t.Fatalf("apply: rounds numbered %v", out)
		}
		byNumber[r.number-1] = r
	}
	if byNumber[0].name != "apply" {
		t.Fatalf("apply: round 1 is %s, want the apply job", byNumber[0].name)
	}
	return byNumber
}

// TestApplyIsTimeBoxed: every round applies with --max-duration
// MAX_DURATION, which leaves the round's job time to set up and plan
// before it and to finish after it within timeout-minutes; exit 4 (the
// time box) hands on to the next round's job, which runs only then, and
// only what is left of the plan the guard checked.
func TestApplyIsTimeBoxed(t *testing.T) {
	round, err := os.ReadFile(script(t, "apply-round.sh"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(round), `workato-gitops apply --plan plan.json --auto-approve --json --max-duration "$MAX_DURATION" "$MANIFESTS"`) {
		t.Fatalf("apply-round.sh does not apply with --max-duration $MAX_DURATION")
	}
	checkRounds(t, readWorkflow(t, "workato-gitops-apply.yml"))
}

// checkRounds checks the apply workflow a's chain of rounds.
func checkRounds(t *testing.T, a *workflow) {
	t.Helper()
	d, err := time.ParseDuration(a.Env["MAX_DURATION"])
	if err != nil || d <= 0 {
		t.Fatalf("apply: MAX_DURATION %q is not a duration", a.Env["MAX_DURATION"])
	}
	const setUp, finish = 5 * time.Minute, 10 * time.Minute // checkout, install; calls in flight, ledgers, upload
	rs := rounds(t, a)
	artifacts := map[string]string{}
	for i, r := range rs {
		if r.job.Timeout == 0 {
			t.Errorf("%s: no timeout-minutes", r.name)
			continue
		}
		budget := setUp + d + finish
		for _, s := range r.job.Steps {
			if strings.Contains(s.Run, "--out plan.json") {
				if s.Timeout == 0 {
					t.Errorf("%s: the plan step has no timeout-minutes, so the time box cannot be below the job's", r.name)
				}
				budget += time.Duration(s.Timeout) * time.Minute
			}
		}
		if limit := time.Duration(r.job.Timeout) * time.Minute; budget > limit {
			t.Errorf("%s: set-up, the plan step, --max-duration %v and finishing need %v, over the job's timeout-minutes %v", r.name, d, budget, limit)
		}
		// The last round too: a round added after it (docs/github-actions.md)
		// continues from it.
		s := stepRunning(t, r.name, r.job, ".github/scripts/apply-round.sh")
		if s.ID != "apply" || r.job.Outputs["left"] != "${{ steps.apply.outputs.left }}" {
			t.Errorf("%s: the round does not pass on whether work is left", r.name)
		}
		// upload-artifact refuses a name already uploaded in the run.
		for _, st := range r.job.Steps {
			if name := st.With["name"]; strings.HasPrefix(st.Uses, "actions/upload-artifact@") {
				if other, ok := artifacts[name]; ok {
					t.Errorf("%s and %s both upload the artifact %q", other, r.name, name)
				}
				artifacts[name] = r.name
			}
		}
		if i == 0 {
			if s.Env["REVIEWED_DIGEST"] != "${{ steps.guard.outputs.digest }}" || strings.TrimSpace(s.Run) != ".github/scripts/apply-round.sh plan-view.json" {
				t.Errorf("%s: round 1 does not apply the plan the guard checked: %q %q", r.name, s.Run, s.Env["REVIEWED_DIGEST"])
			}
			continue
		}
		prev := rs[i-1].name
		if needs := strings.Join(needList(r.job.Needs), " "); !strings.Contains(" "+needs+" ", " "+prev+" ") {
			t.Errorf("%s does not need %s: %v", r.name, prev, needs)
		}
		if r.job.If != "needs."+prev+".outputs.left == 'true'" {
			t.Errorf("%s runs if %q, want only when %s stopped at the time box with work left", r.name, r.job.If, prev)
		}
		if s.Env["REVIEWED_DIGEST"] != "${{ needs.apply.outputs.digest }}" || strings.TrimSpace(s.Run) != ".github/scripts/apply-round.sh reviewed/plan-view.json" {
			t.Errorf("%s: the round does not check what is left against the reviewed plan: %q %q", r.name, s.Run, s.Env["REVIEWED_DIGEST"])
		}
		downloaded := false
		for _, st := range r.job.Steps {
			downloaded = downloaded || strings.HasPrefix(st.Uses, "actions/download-artifact@") && st.With["name"] == "workato-gitops-apply" && st.With["path"] == "reviewed"
		}
		if !downloaded {
			t.Errorf("%s does not download the apply job's plan into reviewed/", r.name)
		}
	}
}

// TestAnotherRoundAsDocumented: a partner whose applies need more rounds
// adds them as docs/github-actions.md says: copy the last round's job to
// the end, add one to every round number in the copy, and raise ROUNDS.
// The rounds that gives chain as the shipped ones do.
func TestAnotherRoundAsDocumented(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", ".github", "workflows", "workato-gitops-apply.yml"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	shipped := readWorkflow(t, "workato-gitops-apply.yml")
	last, err := strconv.Atoi(shipped.Env["ROUNDS"])
	if err != nil {
		t.Fatal(err)
	}
	number := regexp.MustCompile(`(continue-|ROUND: |workato-gitops-apply-)(\d+)\b`)
	for n := last + 1; n <= last+2; n++ {
		// The last round's job is the file's last block.
		at := strings.LastIndex(text, fmt.Sprintf("\n  continue-%d:\n", n-1))
		if at < 0 {
			t.Fatalf("round %d: no job continue-%d at the end of the workflow", n, n-1)
		}
		copied := number.ReplaceAllStringFunc(text[at:], func(m string) string {
			p := number.FindStringSubmatch(m)
			k, _ := strconv.Atoi(p[2])
			return p[1] + strconv.Itoa(k+1)
		})
		text = strings.TrimRight(text, "\n") + "\n" + copied
		raised := strings.Replace(text, fmt.Sprintf("ROUNDS: %d ", n-1), fmt.Sprintf("ROUNDS: %d ", n), 1)
		if raised == text {
			t.Fatalf("round %d: no ROUNDS: %d to raise", n, n-1)
		}
		text = raised
		var w workflow
		if err := yaml.Unmarshal([]byte(text), &w); err != nil {
			t.Fatalf("%d rounds: %v", n, err)
		}
		t.Run(fmt.Sprintf("%d rounds", n), func(t *testing.T) {
			checkRounds(t, &w)
			if rs := rounds(t, &w); rs[n-1].name != fmt.Sprintf("continue-%d", n) {
				t.Errorf("round %d is %s", n, rs[n-1].name)
			}
		})
	}
}

func needList(n any) []string {
	switch n := n.(type) {
	case string:
		return []string{n}
	case []any:
		var out []string
		for _, x := range n {
			s, _ := x.(string)
			out = append(out, s)
		}
		return out
	}
	return nil
}
