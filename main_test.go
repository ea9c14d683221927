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

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"workato-gitops": func() {
			os.Exit(run(os.Args, env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}))
		},
	})
}

// TestScripts runs the CLI scenarios in testdata/script/*.txtar.
func TestScripts(t *testing.T) {
	t.Parallel()
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
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"message":"Unauthorized"}`)
	}))
	t.Cleanup(refusing.Close)
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(e *testscript.Env) error {
			e.Setenv("EXAMPLES", examples)
			e.Setenv("DEMO_KEY", demoKey)
			e.Setenv("DEMO_KEY_TEXT", string(demoKeyText))
			e.Setenv("REFUSING_API", refusing.URL+"/api")
			// Under -race, each exec'd command would sleep a second at exit
			// (the race detector's default atexit_sleep_ms) for other
			// threads to report; a script runs a dozen. Races are still
			// reported as they happen. Options already in GORACE come later
			// and so win.
			e.Setenv("GORACE", strings.TrimSpace("atexit_sleep_ms=0 "+e.Getenv("GORACE")))
			return nil
		},
		RequireExplicitExec: true,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode": exitcodeCmd,
		},
	})
}

// exitcodeCmd is "exitcode N command [args...]": run the command and check
// that it exits with N (exec only tells zero from non-zero).
func exitcodeCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N command [args...]")
	}
	err := ts.Exec(args[1], args[2:]...)
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		ts.Fatalf("%v", err)
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
