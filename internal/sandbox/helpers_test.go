package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a sandbox served over real HTTP.
type env struct {
	t   *testing.T
	srv *Server
	ts  *httptest.Server
	clk *fakeClock
}

func newEnv(t *testing.T, opts Options, seed string) *env {
	t.Helper()
	clk := newClock()
	if opts.Now == nil {
		opts.Now = clk.Now
	}
	srv, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if seed != "" {
		if err := srv.LoadSeed(strings.NewReader(seed)); err != nil {
			t.Fatalf("LoadSeed: %v", err)
		}
	}
	return &env{t: t, srv: srv, ts: newHTTPServer(t, srv), clk: clk}
}

func newHTTPServer(t *testing.T, srv *Server) *httptest.Server {
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}

// call sends a request with a JSON body (or raw []byte) and returns the
// status and the raw response body.
func (e *env) call(method, path string, body any, hdr ...string) (int, []byte) {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.ts.URL+"/api"+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return res.StatusCode, out
}

// json sends a request, checks the status and decodes the body as generic
// JSON.
func (e *env) json(method, path string, body any, wantStatus int) any {
	e.t.Helper()
	status, raw := e.call(method, path, body)
	if status != wantStatus {
		e.t.Fatalf("%s %s: status %d, want %d; body %s", method, path, status, wantStatus, raw)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		e.t.Fatalf("%s %s: decode %q: %v", method, path, raw, err)
	}
	return v
}

// result is the "result" member of an object, as []any.
func result(t *testing.T, v any) []any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("want an object, got %T %v", v, v)
	}
	list, ok := m["result"].([]any)
	if !ok {
		t.Fatalf("want result list, got %v", m)
	}
	return list
}

func obj(t *testing.T, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("want an object, got %T %v", v, v)
	}
	return m
}

// num reads a JSON number field as int64.
func num(t *testing.T, v any, key string) int64 {
	t.Helper()
	f, ok := obj(t, v)[key].(float64)
	if !ok {
		t.Fatalf("field %q: want a number in %v", key, v)
	}
	return int64(f)
}

func keys(m map[string]any) []string {
	return slices.Sorted(maps.Keys(m))
}

// acmeSeed is one customer with a small tree, two connections and two
// recipes, one running on the Salesforce connection.
const acmeSeed = `{"customers": [{
  "id": 98178, "external_id": "A2300", "name": "ACME Corp", "notification_email": "ops@acme.example",
  "home_folder_id": 4515,
  "members": [{"id": 77, "name": "ACME Admin", "email": "admin@acme.example", "role_name": "Admin"}],
  "folders": [{"id": 1789, "name": "Integrations", "folders": [{"id": 1790, "name": "Salesforce"}]}],
  "connections": [
    {"id": 36, "name": "ACME Production Salesforce connection", "provider": "salesforce",
     "folder": "Integrations/Salesforce", "external_id": "U12904", "authorization_status": "success",
     "tags": ["tag-ANgeffPL-3gxQwA"]},
    {"id": 37, "name": "ACME google sheet account", "provider": "google_sheets", "authorization_status": "success"}
  ],
  "recipes": [
    {"id": 500, "name": "Sync accounts", "folder": "Integrations/Salesforce", "running": true,
     "config": [{"keyword": "application", "provider": "salesforce", "connection": "ACME Production Salesforce connection"}],
     "code": {"provider": "salesforce", "keyword": "trigger"}},
    {"id": 501, "name": "Export sheet", "config": [{"keyword": "application", "provider": "google_sheets", "account_id": 37}]}
  ],
  "properties": {"workato_gitops.owner": "platform", "other.key": "x"}
}]}`
