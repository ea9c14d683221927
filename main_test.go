package main

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestScripts runs the CLI scenarios in testdata/script/*.txtar.
//
// A script's workato-gitops command runs the CLI in this process (see
// cliCmd), under the race detector like every other test: starting the
// test binary once per command cost more than a hundred milliseconds of
// package initialisation each, most of the scripts' time. What only a
// process shows (main, the exit status, signals, a kill) is tested on a
// built binary (cliBinary).
//
// A command runs in its script's directory, and the working directory
// belongs to the process: the commands take turns (cwdMu), and the test
// is not parallel, so that no other test of the package runs while a
// script's directory is current (Go starts parallel tests only after the
// sequential ones).
func TestScripts(t *testing.T) {
	examples, err := filepath.Abs("examples/tenants")
	if err != nil {
		t.Fatal(err)
	}
	demoKey, _ := filepath.Abs("examples/demo-age-key.txt")
	demoKeyText, err := os.ReadFile(demoKey)
	if err != nil {
		t.Fatal(err)
	}
	// An API that refuses every call, as with a wrong token, for scenarios
	// in which every tenant fails: an unreachable address fails too, but
	// the client retries each read with backoff for seconds first.
	scripts, err := filepath.Abs("testdata/script") // read while another script's directory is current
	if err != nil {
		t.Fatal(err)
	}
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"message":"Unauthorized"}`)
	}))
	t.Cleanup(refusing.Close)
	testscript.Run(t, testscript.Params{
		Dir: scripts,
		Setup: func(e *testscript.Env) error {
			e.Setenv("EXAMPLES", examples)
			e.Setenv("DEMO_KEY", demoKey)
			e.Setenv("DEMO_KEY_TEXT", string(demoKeyText))
			e.Setenv("REFUSING_API", refusing.URL+"/api")
			// Under -race, each exec'd command would sleep a second at exit
			// (the race detector's default atexit_sleep_ms) for other
			// threads to report. Races are still reported as they happen.
			// Options already in GORACE come later and so win.
			e.Setenv("GORACE", strings.TrimSpace("atexit_sleep_ms=0 "+e.Getenv("GORACE")))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"workato-gitops": cliCmd,
			"exitcode":       exitcodeCmd,
		},
	})
}

// cwdMu is held while a script's command runs with the script's
// directory as the process's working directory.
var cwdMu sync.Mutex

// cliCmd is "[!] workato-gitops args...": the CLI run in-process with the
// script's environment (run reads it only through getenv), its directory,
// an empty standard input and the script's stdout and stderr. Processes
// the CLI starts itself (git, $EDITOR, a key command) inherit this
// process's environment, not the script's.
func cliCmd(ts *testscript.TestScript, neg bool, args []string) {
	code := runInScript(ts, args)
	switch {
	case neg && code == 0:
		ts.Fatalf("workato-gitops succeeded unexpectedly")
	case !neg && code != 0:
		ts.Fatalf("workato-gitops: exit code %d", code)
	}
}

func runInScript(ts *testscript.TestScript, args []string) int {
	cwdMu.Lock()
	defer cwdMu.Unlock()
	was, err := os.Getwd()
	ts.Check(err)
	ts.Check(os.Chdir(ts.MkAbs(".")))
	defer func() { ts.Check(os.Chdir(was)) }()
	return run(append([]string{"workato-gitops"}, args...), env{
		stdin: strings.NewReader(""), stdout: ts.Stdout(), stderr: ts.Stderr(),
		getenv: ts.Getenv, importPoll: testImportPoll,
	})
}

// exitcodeCmd is "exitcode N command [args...]": run the command and check
// that it exits with N (exec only tells zero from non-zero). The command
// is workato-gitops, in-process, or a program.
func exitcodeCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N command [args...]")
	}
	code := 0
	if args[1] == "workato-gitops" {
		code = runInScript(ts, args[2:])
	} else {
		err := ts.Exec(args[1], args[2:]...)
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee):
			code = ee.ExitCode()
		case err != nil:
			ts.Fatalf("%v", err)
		}
	}
	if strconv.Itoa(code) != args[0] {
		ts.Fatalf("exit code %d, want %s", code, args[0])
	}
}

// testSecrets are the plaintexts of every secret the examples and fixtures
// hold: none may reach any output stream.
var testSecrets = []string{
	"acme-sf-parent-secret-7d1f", "acme-sf-password-93c2", "3MVG9acme-client-id", "integration@acme.example",
	"globex-ns-consumer-key-55aa", "globex-ns-consumer-secret-66bb", "globex-ns-token-id-77cc",
	"globex-ns-token-secret-88dd", "xoxb-globex-slack-bot-token-1234", "initech-tps-api-key-0f0f",
	"demo-fingerprint-key-TEST-ONLY-0123456789abcdef", "fixture-user-5150", "fixture-password-8675309",
}

// TestNoSecretInAnyOutput runs every command in the situations that print
// the most (success, every kind of failure, help) and scans stdout and
// stderr for the plaintext of every test secret and key.
func TestNoSecretInAnyOutput(t *testing.T) {
	t.Parallel()
	keyData, err := os.ReadFile("examples/demo-age-key.txt")
	if err != nil {
		t.Fatal(err)
	}
	secrets := append(testSecrets, regexp.MustCompile(`AGE-SECRET-KEY-1[0-9A-Z]+`).FindString(string(keyData)))
	tampered := t.TempDir()
	data, _ := os.ReadFile("examples/tenants/customers/acme.yaml")
	if err := os.WriteFile(filepath.Join(tampered, "acme.yaml"), bytes.Replace(data, []byte("password: ENC[AES256_GCM,data:"), []byte("password: ENC[AES256_GCM,data:A"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	savedPlan := filepath.Join(t.TempDir(), "plan.json")
	withSandbox := map[string]string{"SOPS_AGE_KEY": string(keyData), "WORKATO_API_URL": "sandbox:" + filepath.Join(t.TempDir(), "sb.json")}
	freshSandbox := func() map[string]string {
		return map[string]string{"SOPS_AGE_KEY": string(keyData), "WORKATO_API_URL": "sandbox:" + filepath.Join(t.TempDir(), "sb.json")}
	}
	cases := []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"validate", []string{"validate", "examples/tenants"}, map[string]string{"SOPS_AGE_KEY": string(keyData)}},
		{"validate tampered", []string{"validate", tampered}, map[string]string{"SOPS_AGE_KEY": string(keyData)}},
		{"validate no key", []string{"validate", "examples/tenants"}, nil},
		{"validate malformed key", []string{"validate", "examples/tenants"}, map[string]string{"SOPS_AGE_KEY": strings.Replace(string(keyData), "AGE-SECRET-KEY-1", "AGE-SECRET-KEY-X", 1)}},
		{"validate corpus", []string{"validate", "internal/spec/testdata/bad/sops-plaintext-added"}, map[string]string{"SOPS_AGE_KEY": string(keyData)}},
		{"help", []string{"--help"}, nil},
		{"plan text", []string{"plan", "examples/tenants"}, withSandbox},
		{"plan json", []string{"plan", "--format", "json", "examples/tenants"}, withSandbox},
		{"plan markdown", []string{"plan", "--format", "markdown", "--out", savedPlan, "examples/tenants"}, withSandbox},
		{"plan debug", []string{"plan", "--debug", "--tenant", "acme", "examples/tenants"}, withSandbox},
		{"apply text", []string{"apply", "--auto-approve", "--debug", "examples/tenants"}, freshSandbox()},
		{"apply json", []string{"apply", "--auto-approve", "--json", "examples/tenants"}, freshSandbox()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			run(append([]string{"workato-gitops"}, tc.args...), env{
				stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
				getenv: func(k string) string { return tc.env[k] },
			})
			if (strings.HasPrefix(tc.name, "plan") || strings.HasPrefix(tc.name, "apply")) && !strings.Contains(stdout.String(), "acme") {
				t.Fatalf("plan printed no plan, so the scan proves nothing:\n%s", &stderr)
			}
			saved, _ := os.ReadFile(savedPlan)
			for _, s := range secrets {
				if strings.Contains(stdout.String(), s) || strings.Contains(stderr.String(), s) || strings.Contains(string(saved), s) {
					t.Errorf("output contains secret %q:\nstdout:\n%s\nstderr:\n%s", s, &stdout, &stderr)
				}
			}
		})
	}
}

// TestRunConcurrently: run may be called from several goroutines at once,
// as the parallel tests of this package do, so it may not write shared
// state. Under -race this caught newApp setting the library's --version
// hook, a package variable, on every call.
func TestRunConcurrently(t *testing.T) {
	t.Parallel()
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			var stdout, stderr bytes.Buffer
			code := run([]string{"workato-gitops", "--version"}, envOf(nil, &stdout, &stderr))
			if code != 0 || !strings.Contains(stdout.String(), "workato-gitops version") {
				t.Errorf("--version: exit %d\n%s%s", code, &stdout, &stderr)
			}
		})
	}
	wg.Wait()
}
