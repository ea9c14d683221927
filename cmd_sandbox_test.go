package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/sandbox"
)

// syncBuffer is a bytes.Buffer safe to read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestSandboxCommand serves the sandbox on a free loopback port with a
// seed and a token, talks to it over HTTP, stops it, and finds the state
// file written.
func TestSandboxCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	seed := filepath.Join(dir, "seed.json")
	if err := os.WriteFile(seed, []byte(`{"customers":[{"external_id":"A2300","name":"ACME Corp","notification_email":"ops@acme.example"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state.json")
	var stderr syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- runSandbox(ctx, "127.0.0.1:0", seed, sandbox.Options{StatePath: state, Token: "sandbox-token", InviteesExist: true},
			env{stdout: io.Discard, stderr: &stderr, getenv: func(string) string { return "" }})
	}()
	url := waitFor(t, &stderr, regexp.MustCompile(`at (http://\S+/api)`))

	get := func(token string) (int, string) {
		req, _ := http.NewRequest("GET", url+"/managed_users/EA2300", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if code, body := get("sandbox-token"); code != 200 || !strings.Contains(body, `"name":"ACME Corp"`) {
		t.Errorf("GET seeded customer = %d %s", code, body)
	}
	if code, _ := get("wrong"); code != 401 {
		t.Errorf("wrong token: status %d, want 401", code)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("sandbox: %v", err)
	}
	data, err := os.ReadFile(state)
	if err != nil || !strings.Contains(string(data), "A2300") {
		t.Errorf("state file after stop: %v %s", err, data)
	}
	if strings.Contains(stderr.String(), "sandbox-token") {
		t.Errorf("the token was printed:\n%s", stderr.String())
	}
}

func waitFor(t *testing.T, b *syncBuffer, re *regexp.Regexp) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(b.String()); m != nil {
			return m[1]
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no match for %v in:\n%s", re, b.String())
	return ""
}

// TestSandboxHintRuns: the hint the server prints is enough for plan to
// run against it, as printed (finding 6: it used to leave out the token).
func TestSandboxHintRuns(t *testing.T) {
	t.Parallel()
	var stderr syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- runSandbox(ctx, "127.0.0.1:0", "", sandbox.Options{InviteesExist: true},
			env{stdout: io.Discard, stderr: &stderr, getenv: func(string) string { return "" }})
	}()
	defer func() {
		cancel()
		<-done
	}()
	hint := waitFor(t, &stderr, regexp.MustCompile(`hint: export (.*)\n`))
	vars := map[string]string{"SOPS_AGE_KEY_FILE": "examples/demo-age-key.txt"}
	for _, kv := range strings.Fields(hint) {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	var out, errOut bytes.Buffer
	code := run([]string{"workato-gitops", "plan", "examples/tenants"}, env{stdout: &out, stderr: &errOut, getenv: func(k string) string { return vars[k] }})
	if code != 0 {
		t.Fatalf("plan with the hint's variables (%s): exit %d\n%s", hint, code, errOut.String())
	}
	if !strings.Contains(out.String(), "Plan: ") {
		t.Errorf("plan printed no plan:\n%s", out.String())
	}
}

// TestSandboxHelpSeedExists: the seed file sandbox --help names exists
// and loads.
func TestSandboxHelpSeedExists(t *testing.T) {
	t.Parallel()
	desc := sandboxCommand(env{}).Description
	m := regexp.MustCompile(`--seed (\S+)`).FindAllStringSubmatch(desc, -1)
	if len(m) == 0 {
		t.Fatal("sandbox --help names no seed file")
	}
	for _, mm := range m {
		if mm[1] == "FILE" {
			continue
		}
		f, err := os.Open(mm[1])
		if err != nil {
			t.Fatalf("sandbox --help names %s: %v", mm[1], err)
		}
		srv, _ := sandbox.New(sandbox.Options{})
		if err := srv.LoadSeed(f); err != nil {
			t.Errorf("%s does not load as a seed: %v", mm[1], err)
		}
		f.Close()
	}
}
