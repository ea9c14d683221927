package workato

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testToken       = "wrkprod-test-token-0123456789"
	testLegacyToken = "legacy-user-token-abcdef"
)

// seen is one request as the test server received it.
type seen struct {
	Method  string
	Path    string // escaped, including the /api base path
	Query   url.Values
	Header  http.Header
	Body    []byte
	Attempt int
}

// server is an httptest server mounted under /api that records requests
// and answers each with reply(attempt, request).
type server struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seen
}

type replyFunc func(w http.ResponseWriter, r *http.Request, attempt int)

func newServer(t *testing.T, reply replyFunc) *server {
	t.Helper()
	s := &server{}
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, seen{
			Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.Query(),
			Header: r.Header.Clone(), Body: body, Attempt: len(s.reqs) + 1,
		})
		n := len(s.reqs)
		s.mu.Unlock()
		reply(w, r, n)
	})
	mux := http.NewServeMux()
	mux.Handle("/api/", api)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside the /api base path: %s %s", r.Method, r.URL)
		http.NotFound(w, r)
	})
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func (s *server) requests() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.reqs...)
}

// unlimited lifts every rate limit, for tests that are not about them.
func unlimited() Limits {
	l := Limits{}
	for c := range DefaultLimits() {
		l[c] = Limit{}
	}
	return l
}

// fastRetry keeps retries quick and deterministic.
func fastRetry(attempts int) RetryPolicy {
	return RetryPolicy{MaxAttempts: attempts, BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond, Rand: func() float64 { return 0.5 }}
}

func newTestClient(t *testing.T, s *server, mod func(*Config)) *Client {
	t.Helper()
	cfg := Config{BaseURL: s.URL + "/api", Token: testToken, Limits: unlimited(), Retry: fastRetry(4)}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// fixture returns testdata/name.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// replyJSON answers with status and body (a fixture name ending in .json,
// or literal JSON).
func replyJSON(t *testing.T, status int, body string) replyFunc {
	var b []byte
	if strings.HasSuffix(body, ".json") {
		b = fixture(t, body)
	} else {
		b = []byte(body)
	}
	return func(w http.ResponseWriter, r *http.Request, attempt int) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		w.Write(b)
	}
}

// jsonValue decodes b for a comparison that ignores formatting.
func jsonValue(t *testing.T, b []byte) any {
	t.Helper()
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("request body is not JSON: %v: %q", err, b)
	}
	return v
}

func ptr[T any](v T) *T { return &v }

func ts(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
