package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/sandbox"
)

// faulty wraps the sandbox: while on, it fails a share of requests with a
// 500, a 429, a connection dropped before the request is handled, or one
// dropped after the change is made (the nastiest: the client cannot know
// it happened). It records every request for the assertions.
//
// The draws come from a seeded generator, but they go to requests in the
// order they arrive, which goroutine scheduling and retry jitter decide.
// So that the outcome does not depend on that order, a request (method,
// URL and body) that just failed maxStreak times in a row passes the
// next time: every request then succeeds within the client's 4 attempts
// and apply's own resends, whichever faults it drew, and the test can
// demand convergence in one apply. A request failing 4 times in a row
// exhausts any retry budget; that is bad luck, not a defect.
type faulty struct {
	next   http.Handler
	on     atomic.Bool
	mu     sync.Mutex
	rng    *rand.Rand
	rate   float64
	log    []request
	run    int
	streak map[string]int // consecutive injected faults per request
}

const maxStreak = 2

type request struct {
	run          int
	method, path string
	input        bool
	status       int // 0: dropped
}

func (f *faulty) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	f.mu.Lock()
	fault := -1
	if f.on.Load() && f.rng.Float64() < f.rate {
		fault = f.rng.IntN(4)
	}
	key := r.Method + " " + r.URL.String() + " " + string(body)
	if f.streak == nil {
		f.streak = map[string]int{}
	}
	if fault >= 0 && f.streak[key] >= maxStreak {
		fault = -1 // drawn, so the sequence stays the same, but not injected
	}
	if fault >= 0 {
		f.streak[key]++
	} else {
		delete(f.streak, key)
	}
	rec := request{run: f.run, method: r.Method, path: r.URL.Path, input: bytes.Contains(body, []byte(`"input"`))}
	f.mu.Unlock()
	drop := func() {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}
	switch fault {
	case 0:
		rec.status = 500
		w.WriteHeader(500)
		io.WriteString(w, `{"message":"Server error","id":"injected"}`)
	case 1:
		rec.status = 429
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(429)
	case 2:
		drop()
	case 3:
		rw := httptest.NewRecorder()
		f.next.ServeHTTP(rw, r)
		rec.status = -rw.Code // made, then dropped
		drop()
	default:
		rw := &statusWriter{ResponseWriter: w}
		f.next.ServeHTTP(rw, r)
		rec.status = rw.status
	}
	f.mu.Lock()
	f.log = append(f.log, rec)
	f.mu.Unlock()
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) { s.status = code; s.ResponseWriter.WriteHeader(code) }
func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = 200
	}
	return s.ResponseWriter.Write(b)
}

// seedWithForeignConnection: acme's workspace exists with a connection
// the tool does not own, in a folder acme's manifest declares.
func seedWithForeignConnection(t *testing.T, srv *sandbox.Server) {
	t.Helper()
	state := sandbox.State{Customers: []sandbox.Customer{{
		ID: 700, ExternalID: "A2300", Name: "ACME Corp", NotificationEmail: "ops@acme.example", HomeFolderID: 701,
		Folders:     []sandbox.Folder{{ID: 710, Name: "Shared", Folders: []sandbox.Folder{{ID: 711, Name: "Notifications"}}}},
		Connections: []sandbox.Connection{{ID: 900, Name: "Customer's own", Provider: "slack", Folder: "Shared/Notifications", AuthorizationStatus: "success"}},
	}}}
	data, _ := json.Marshal(state)
	if err := srv.LoadSeed(bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
}

// TestApplyConvergesUnderFaults: with a fifth of all calls failing, one
// apply reaches the desired state (in-run recovery of ambiguous writes:
// before it, applies needed 2 to 5 runs), never creates a duplicate,
// never deletes or disconnects what the tool does not own or what is
// protected, and never sends an input again once it was recorded as
// sent.
func TestApplyConvergesUnderFaults(t *testing.T) {
	t.Parallel()
	srv, err := sandbox.New(sandbox.Options{Token: "t0k"})
	if err != nil {
		t.Fatal(err)
	}
	seedWithForeignConnection(t, srv)
	f := &faulty{next: srv, rng: rand.New(rand.NewPCG(7, 11)), rate: 0.2}
	hs := httptest.NewServer(f)
	defer hs.Close()
	env := demoEnv(t, hs.URL+"/api")
	env["WORKATO_API_TOKEN"] = "t0k"

	f.on.Store(true)
	f.mu.Lock()
	f.run = 1
	f.mu.Unlock()
	code, out, errOut := runCLI(t, env, "apply", "--auto-approve", "examples/tenants")
	f.on.Store(false)
	if code != 0 {
		t.Errorf("apply under faults: exit %d\n%s%s", code, lastLines(out, 3), lastLines(errOut, 2))
	}
	code, out, _ = runCLI(t, env, "plan", "--detailed-exitcode", "examples/tenants")
	if code != 0 {
		t.Fatalf("not converged in one apply under faults; plan now:\n%s", out)
	}
	faults := 0
	for _, r := range f.log {
		if r.status <= 0 || r.status == 500 || r.status == 429 {
			faults++
		}
	}
	t.Logf("converged in one apply; %d requests, %d failed by injection", len(f.log), faults)

	// One more apply, faults off: nothing to do, so no input is sent.
	f.mu.Lock()
	f.run = 99
	f.mu.Unlock()
	mustCode(t, 0, env, "apply", "--auto-approve", "examples/tenants")

	snap := srv.Snapshot()
	assertNoDuplicates(t, snap)
	protected := map[string]bool{}
	for _, c := range snap.Customers {
		for _, conn := range c.Connections {
			if conn.Name == "ACME Parent Salesforce" {
				protected[idPath(conn.ID)] = true
			}
		}
	}
	for _, r := range f.log {
		destructive := r.method == "DELETE" || strings.HasSuffix(r.path, "/disconnect")
		if destructive && (strings.Contains(r.path, "/connections/900") || protected[connPath(r.path)]) {
			t.Errorf("run %d: %s %s touched an unowned or protected connection", r.run, r.method, r.path)
		}
		if r.run == 99 && r.input {
			t.Errorf("the final apply sent an input: %s %s", r.method, r.path)
		}
	}
	if c := findConnection(snap, "A2300", "Customer's own"); c == nil || c.AuthorizationStatus != "success" {
		t.Errorf("the unowned connection was changed: %+v", c)
	}
}

var connIDRe = regexp.MustCompile(`/connections/(\d+)`)

func connPath(p string) string {
	if m := connIDRe.FindStringSubmatch(p); m != nil {
		return m[1]
	}
	return ""
}

func idPath(id int64) string { return strconv.FormatInt(id, 10) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func findConnection(s sandbox.State, ext, name string) *sandbox.Connection {
	for _, c := range s.Customers {
		if c.ExternalID != ext {
			continue
		}
		for i := range c.Connections {
			if c.Connections[i].Name == name {
				return &c.Connections[i]
			}
		}
	}
	return nil
}

// assertNoDuplicates: one workspace per external id; in each, one folder
// per (parent, name), one connection per (folder, name), one member per
// email.
func assertNoDuplicates(t *testing.T, s sandbox.State) {
	t.Helper()
	seen := map[string]bool{}
	check := func(key string) {
		if seen[key] {
			t.Errorf("duplicate: %s", key)
		}
		seen[key] = true
	}
	var walk func(ext, parent string, fs []sandbox.Folder)
	walk = func(ext, parent string, fs []sandbox.Folder) {
		for _, f := range fs {
			check("folder " + ext + ":" + parent + "/" + f.Name)
			walk(ext, parent+"/"+f.Name, f.Folders)
		}
	}
	for _, c := range s.Customers {
		check("customer " + c.ExternalID)
		walk(c.ExternalID, "", c.Folders)
		for _, conn := range c.Connections {
			check("connection " + c.ExternalID + ":" + itoa(conn.FolderID) + "/" + conn.Name)
		}
		for _, m := range c.Members {
			check("member " + c.ExternalID + ":" + strings.ToLower(m.Email))
		}
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n") + "\n"
}

// TestApplyCrashRecovery kills the apply process (SIGKILL) at 20 random
// points, then applies again: the workspaces end as the manifests say,
// with no duplicates. The sandbox runs inside the killed process and
// writes its state atomically before each response, as a server would.
// The points are counts of started actions, read from the progress lines
// on stderr, not wall-clock times: the test neither waits for a slow
// machine nor misses the apply on a fast one. Each point has its own
// sandbox, so the points run in parallel.
func TestApplyCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills processes")
	}
	t.Parallel()
	bin := cliBinary(t)
	key, _ := filepath.Abs("examples/demo-age-key.txt")
	// GOGC=off: each of the 61 processes lives a fraction of a second and
	// allocates a few MB, most of it in package init; the three collections
	// it would run on the way are a quarter of its CPU, and change nothing
	// of what is killed or recovered.
	command := func(state string, args ...string) *exec.Cmd {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "GOGC=off", "SOPS_AGE_KEY_FILE="+key, "WORKATO_API_URL=sandbox:"+state)
		return cmd
	}
	dir := generateFleet(t, 10)
	out, err := command(filepath.Join(t.TempDir(), "sb.json"), "apply", "--auto-approve", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	total := len(actionStartRe.FindAll(out, -1))
	if total < 20 {
		t.Fatalf("a whole apply starts %d actions; want a fleet big enough to kill in the middle of", total)
	}
	rng := rand.New(rand.NewPCG(2026, 11))
	var midway atomic.Int32
	t.Run("points", func(t *testing.T) {
		for i := range 20 {
			killAt := 1 + rng.IntN(total-1) // after this many actions started
			t.Run(fmt.Sprintf("%02d_after_%d_starts", i, killAt), func(t *testing.T) {
				t.Parallel()
				state := filepath.Join(t.TempDir(), "sb.json")
				cmd := command(state, "apply", "--auto-approve", dir)
				stderr, err := cmd.StderrPipe()
				if err != nil {
					t.Fatal(err)
				}
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				lines := bufio.NewScanner(stderr)
				for started := 0; started < killAt && lines.Scan(); {
					if actionStartRe.Match(lines.Bytes()) {
						started++
					}
				}
				cmd.Process.Kill()
				io.Copy(io.Discard, stderr)
				cmd.Wait()
				_, statErr := os.Stat(state)
				out, err := command(state, "apply", "--auto-approve", dir).CombinedOutput()
				if err != nil {
					t.Fatalf("apply after the kill: %v\n%s", err, out)
				}
				// Killed after some calls (the state exists) and before the
				// last (the apply after it had actions to start).
				if statErr == nil && actionStartRe.Match(out) {
					midway.Add(1)
				}
				if out, err := command(state, "plan", "--detailed-exitcode", dir).CombinedOutput(); err != nil {
					t.Fatalf("not converged after the kill: %v\n%s", err, out)
				}
				s, err := sandbox.ReadState(state)
				if err != nil {
					t.Fatal(err)
				}
				assertNoDuplicates(t, s)
			})
		}
	})
	t.Logf("20 kills among %d action starts; %d landed in the middle of the apply", total, midway.Load())
	if midway.Load() < 5 {
		t.Errorf("only %d of 20 kills landed in the middle of an apply; the test proves little", midway.Load())
	}
}

// actionStartRe matches apply's progress line for an action it starts,
// "tenant: [3/6] create folder Clients".
var actionStartRe = regexp.MustCompile(`(?m)^\S+: \[\d+/\d+\] `)
