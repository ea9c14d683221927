package workflows

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// stubTool is workato-gitops apply: it logs its arguments, prints
// $STUB/result.json and exits with $STUB/code.
const stubTool = `#!/usr/bin/env bash
echo "workato-gitops $*" >> "$STUB/calls.log"
cat "$STUB/result.stub.json"
exit "$(cat "$STUB/code")"
`

const (
	leftJSON     = `{"format_version":"1.0","tenants":[{"name":"acme","actions":[{"id":"create folder Sales","op":"create","kind":"folder","key":"Sales"}]}]}` + "\n"
	reviewedPlan = `{"format_version":"1.0","tenants":[{"name":"acme","actions":[{"id":"create folder Ops","op":"create","kind":"folder","key":"Ops"},{"id":"create folder Sales","op":"create","kind":"folder","key":"Sales"}]}]}` + "\n"
)

type round struct {
	*world
}

// newRound is round 2 of 3 of an apply run: the apply job checked
// reviewedPlan, and this job's plan holds what is left of it.
func newRound(t *testing.T) *round {
	r := &round{newWorld(t)}
	r.write("workato-gitops", stubTool, 0o755)
	r.write("reviewed.json", reviewedPlan, 0o644)
	r.write("plan-view.json", leftJSON, 0o644)
	r.write("plan.json", "{}", 0o644)
	r.apply(4, `{"tenants":[{"name":"acme","ran":[{"action":"create folder Sales"}]}],"time_limit_reached":true}`)
	r.env = append(r.env, "MANIFESTS=tenants", "MAX_DURATION=270m", "ROUND=2", "ROUNDS=3",
		"REVIEWED_DIGEST="+digest(reviewedPlan), "GITHUB_OUTPUT="+filepath.Join(r.dir, "output"), "GITHUB_RUN_ATTEMPT=1")
	return r
}

func (r *round) apply(code int, result string) {
	r.write("code", strconv.Itoa(code), 0o644)
	r.write("result.stub.json", result, 0o644)
}

// run runs apply-round.sh in the stub directory (the job's workspace) and
// returns its exit code, output, what it wrote to GITHUB_OUTPUT and
// whether it called apply.
func (r *round) run(env ...string) (code int, out, output string, applied bool) {
	r.t.Helper()
	os.Remove(filepath.Join(r.dir, "output"))
	os.Remove(filepath.Join(r.dir, "calls.log"))
	cmd := exec.Command(script(r.t, "apply-round.sh"), "reviewed.json")
	cmd.Dir = r.dir
	cmd.Env = append(r.env, env...)
	b, err := cmd.CombinedOutput()
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			r.t.Fatalf("apply-round.sh: %v", err)
		}
		code = ee.ExitCode()
	}
	o, _ := os.ReadFile(filepath.Join(r.dir, "output"))
	calls, _ := os.ReadFile(filepath.Join(r.dir, "calls.log"))
	if applied = strings.Contains(string(calls), "workato-gitops apply"); applied {
		if want := "workato-gitops apply --plan plan.json --auto-approve --json --max-duration 270m tenants"; !strings.Contains(string(calls), want) {
			r.t.Errorf("apply ran as\n%s\nwant %s", calls, want)
		}
	}
	return code, string(b), string(o), applied
}

// TestApplyRoundContinues: exit 4 (the time box) with actions applied
// hands on to the next round; exit 0 ends the run.
func TestApplyRoundContinues(t *testing.T) {
	r := newRound(t)
	code, out, output, applied := r.run()
	if code != 0 || output != "left=true\n" || !applied || !strings.Contains(out, "round 2 applied 1 actions and stopped at --max-duration 270m; round 3 continues") {
		t.Fatalf("exit %d, output %q:\n%s", code, output, out)
	}
	r.apply(0, `{"tenants":[{"name":"acme","ran":[{"action":"create folder Sales"}]}]}`)
	if code, out, output, _ := r.run(); code != 0 || output != "left=false\n" {
		t.Fatalf("exit %d, output %q:\n%s", code, output, out)
	}
}

func TestApplyRoundFails(t *testing.T) {
	for _, tc := range []struct {
		name    string
		setup   func(r *round)
		env     []string
		code    int
		applied bool
		want    string
	}{
		{"the last round stops with work left", nil, []string{"ROUND=3"}, 4, true,
			"with work left after the last round; the ledgers record what succeeded: run the apply workflow by hand"},
		{"a round applies nothing before the time box", func(r *round) {
			r.apply(4, `{"tenants":[{"name":"acme","ran":[],"skipped":[{"action":"create folder Sales"}]}],"time_limit_reached":true}`)
		}, nil, 1, true, "before applying anything: planning takes longer than the time box"},
		{"an action fails", func(r *round) { r.apply(1, `{"tenants":[]}`) }, nil, 1, true, "workato-gitops apply exited with 1"},
		{"a guard blocks", func(r *round) { r.apply(3, `{"tenants":[]}`) }, nil, 3, true, "workato-gitops apply exited with 3"},
		{"the reviewed plan is not the checked one", nil, []string{"REVIEWED_DIGEST=" + digest(leftJSON)}, 1, false,
			"reviewed.json has digest " + digest(reviewedPlan) + ", not the reviewed " + digest(leftJSON)},
		{"the plan now holds more than the reviewed plan", func(r *round) { r.write("plan-view.json", changedJSON, 0o644) }, nil, 1, false,
			"the plan now is not what is left of the reviewed plan; nothing was applied"},
		{"a re-run after main moved on", func(r *round) { r.write("main", later+"\n", 0o644) }, []string{"GITHUB_RUN_ATTEMPT=2"}, 1, false,
			"this is a re-run, and " + merged + " is no longer main's HEAD (" + later + ")"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRound(t)
			if tc.setup != nil {
				tc.setup(r)
			}
			code, out, output, applied := r.run(tc.env...)
			if code != tc.code || !strings.Contains(out, tc.want) || applied != tc.applied {
				t.Errorf("exit %d (want %d), applied %v (want %v), want %q:\n%s", code, tc.code, applied, tc.applied, tc.want, out)
			}
			if output != "" {
				t.Errorf("a failed round wrote %q", output)
			}
		})
	}
	// A re-run on main's HEAD goes ahead.
	r := newRound(t)
	if code, out, _, applied := r.run("GITHUB_RUN_ATTEMPT=2"); code != 0 || !applied {
		t.Errorf("a re-run on main's HEAD: exit %d, applied %v:\n%s", code, applied, out)
	}
}
