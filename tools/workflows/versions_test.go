package workflows

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestGoVersionsAgree: the project's CI and release build with the Go of
// the Makefile's VULNCHECK_GO, the one `make vulncheck` checks the standard
// library of (go.mod names no toolchain, so that local builds and `make
// test` use the Go installed); a workflow that pins another would release a binary nobody
// checked.
func TestGoVersionsAgree(t *testing.T) {
	mk, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^VULNCHECK_GO\s*:=\s*go(\S+)$`).FindSubmatch(mk)
	if m == nil {
		t.Fatal("the Makefile sets no VULNCHECK_GO")
	}
	want := string(m[1])
	setupGo := regexp.MustCompile(`(?m)^\s*go-version: "?([^"\s#]+)"?`)
	for _, name := range []string{"ci.yml", "release.yml"} {
		data, err := os.ReadFile(filepath.Join("..", "..", ".github", "workflows", name))
		if err != nil {
			t.Fatal(err)
		}
		found := setupGo.FindAllSubmatch(data, -1)
		if len(found) == 0 || strings.Contains(string(data), "go-version-file") {
			t.Errorf("%s: want every setup-go to pin go-version %q", name, want)
		}
		for _, f := range found {
			if string(f[1]) != want {
				t.Errorf("%s: go-version %s, want %s (the Makefile's VULNCHECK_GO)", name, f[1], want)
			}
		}
	}
}

// TestUserWorkflowsPinOneRelease: the plan, apply and drift workflows
// install the same release through action.yml, never `go install`, so
// the plan reviewed and the apply run are one build.
func TestUserWorkflowsPinOneRelease(t *testing.T) {
	pin := regexp.MustCompile(`(?m)^\s*WORKATO_GITOPS_VERSION: (v\d+\.\d+\.\d+)\b`)
	versions := map[string]bool{}
	for _, name := range []string{"workato-gitops-plan.yml", "workato-gitops-apply.yml", "workato-gitops-drift.yml"} {
		data, err := os.ReadFile(filepath.Join("..", "..", ".github", "workflows", name))
		if err != nil {
			t.Fatal(err)
		}
		s := string(data)
		m := pin.FindStringSubmatch(s)
		if m == nil {
			t.Errorf("%s: no pinned WORKATO_GITOPS_VERSION", name)
			continue
		}
		versions[m[1]] = true
		if strings.Contains(s, "go install") || strings.Contains(s, "setup-go") {
			t.Errorf("%s compiles the tool instead of installing the release", name)
		}
		if !strings.Contains(s, "uses: workato-gitops/workato-gitops@") || !strings.Contains(s, "version: ${{ env.WORKATO_GITOPS_VERSION }}") {
			t.Errorf("%s does not install through action.yml with the pinned version", name)
		}
		if name != "workato-gitops-apply.yml" && strings.Contains(s, "SOPS_AGE_KEY") {
			t.Errorf("%s can read SOPS_AGE_KEY; only the apply job's environment may", name)
		}
	}
	if len(versions) != 1 {
		t.Errorf("the workflows pin different releases: %v", versions)
	}
}

// TestPlanRunsOnEveryPullRequest: a required check must report on every
// pull request, so the plan workflow has no paths filter (finding 5); the
// apply workflow runs the guard before it applies, on main only (finding 4).
func TestPlanRunsOnEveryPullRequest(t *testing.T) {
	read := func(name string) string {
		t.Helper()
		data, err := os.ReadFile(filepath.Join("..", "..", ".github", "workflows", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	if p := read("workato-gitops-plan.yml"); regexp.MustCompile(`(?m)^\s*paths(-ignore)?:`).MatchString(p) {
		t.Errorf("workato-gitops-plan.yml filters by paths: a required check would never report on other pull requests")
	}
	a := read("workato-gitops-apply.yml")
	guard, apply := strings.Index(a, ".github/scripts/apply-guard.sh"), strings.Index(a, ".github/scripts/apply-round.sh")
	if guard < 0 || apply < 0 || guard > apply {
		t.Errorf("workato-gitops-apply.yml does not run apply-guard.sh before apply-round.sh (apply --plan)")
	}
	if !strings.Contains(a, "github.ref == 'refs/heads/main'") {
		t.Errorf("workato-gitops-apply.yml runs on refs other than main")
	}
}
