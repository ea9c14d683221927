package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// quickstartScript is the README's quickstart: every ```sh block between
// the markers <!-- quickstart:begin --> and <!-- quickstart:end -->, in
// order, as one script.
func quickstartScript(readme []byte) (string, error) {
	_, rest, ok := bytes.Cut(readme, []byte("<!-- quickstart:begin -->"))
	if !ok {
		return "", errors.New("README.md has no <!-- quickstart:begin --> marker")
	}
	body, _, ok := bytes.Cut(rest, []byte("<!-- quickstart:end -->"))
	if !ok {
		return "", errors.New("README.md has no <!-- quickstart:end --> marker")
	}
	var script strings.Builder
	in := false
	for _, line := range strings.Split(string(body), "\n") {
		switch {
		case !in && line == "```sh":
			in = true
		case in && line == "```":
			in = false
			script.WriteString("\n")
		case in:
			script.WriteString(line + "\n")
		}
	}
	if script.Len() == 0 || in {
		return "", errors.New("README.md's quickstart holds no complete ```sh block")
	}
	return script.String(), nil
}

// TestReadmeQuickstart runs the README's quickstart as a new user would on
// a fresh clone: in this directory, with an empty home, nothing in the
// environment about keys or Workato, in bash with -e, so that any command
// that fails fails the test.
func TestReadmeQuickstart(t *testing.T) {
	if testing.Short() {
		t.Skip("the quickstart builds the tool: skipped with -short")
	}
	t.Parallel()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	for _, tool := range []string{"git", "base64", "head"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the quickstart uses %s, which is not installed", tool)
		}
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	script, err := quickstartScript(readme)
	if err != nil {
		t.Fatal(err)
	}
	// The package's one build of bin/workato-gitops: the quickstart's
	// `go build -o bin/workato-gitops .` then finds it current instead of
	// linking it again.
	cliBinary(t)
	home := t.TempDir()
	cmd := exec.Command(bash, "-euo", "pipefail", "-c", script)
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "LANG=C"}
	// The Go caches of this machine, so that the build is incremental.
	goVars := []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOPROXY", "GOFLAGS", "GOTOOLCHAIN"}
	if out, err := exec.Command("go", append([]string{"env"}, goVars...)...).Output(); err == nil {
		for i, v := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
			if i < len(goVars) && strings.TrimSpace(v) != "" {
				cmd.Env = append(cmd.Env, goVars[i]+"="+strings.TrimSpace(v))
			}
		}
	}
	start := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("the quickstart took %v", time.Since(start).Round(100*time.Millisecond))
	if err != nil {
		t.Fatalf("the README's quickstart fails: %v\n%s", err, out)
	}
	repo := filepath.Join(home, "workato-tenants")
	ls, err := exec.Command("git", "-C", repo, "ls-files", "--cached").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range strings.Fields(string(ls)) {
		if f == "plan.json" || f == "sandbox.json" {
			t.Errorf("the quickstart's repository would commit %s", f)
		}
		data, _ := os.ReadFile(filepath.Join(repo, f))
		if bytes.Contains(data, []byte("not-a-real-key-")) || bytes.Contains(data, []byte("AGE-SECRET-KEY-1")) {
			t.Errorf("%s holds a secret in plaintext", f)
		}
	}
	for _, want := range []string{"3 tenants valid", "1 tenant valid", "No changes. 1 tenant matches its manifest."} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("the quickstart's output lacks %q:\n%s", want, out)
		}
	}
}
