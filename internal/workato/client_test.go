package workato

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestBaseURLFor(t *testing.T) {
	tests := map[string]string{
		"us": "https://www.workato.com/api", "EU": "https://app.eu.workato.com/api", "jp": "https://app.jp.workato.com/api",
		"sg": "https://app.sg.workato.com/api", "au": "https://app.au.workato.com/api", "il": "https://app.il.workato.com/api",
		"cn": "https://app.workatoapp.cn/api", " kr ": "https://app.kr.workato.com/api",
		"uk": "https://app.uk.workato.com/api",
	}
	for dc, want := range tests {
		if got, err := BaseURLFor(dc); err != nil || got != want {
			t.Errorf("BaseURLFor(%q) = %q, %v; want %q", dc, got, err, want)
		}
	}
	if _, err := BaseURLFor("gb"); err == nil {
		t.Errorf("BaseURLFor(gb): want an error")
	}
}

func TestNewRefusesTokenOverPlainHTTP(t *testing.T) {
	tests := []struct {
		url, token string
		wantErr    bool
	}{
		{"https://www.workato.com/api", "t", false},
		{"http://127.0.0.1:8080/api", "t", false},
		{"http://127.3.4.5/api", "t", false},
		{"http://[::1]:9/api", "t", false},
		{"http://localhost:9/api", "t", false},
		{"http://sandbox.internal/api", "", false},
		{"http://www.workato.com/api", "t", true},
		{"http://10.0.0.1/api", "t", true},
		{"http://localhost.evil.example/api", "t", true},
		{"ftp://www.workato.com/api", "t", true},
		{"www.workato.com/api", "t", true},
		{"https://www.workato.com/api?user_token=x", "t", true},
	}
	for _, tc := range tests {
		_, err := New(Config{BaseURL: tc.url, Token: tc.token})
		if (err != nil) != tc.wantErr {
			t.Errorf("New(%q, token %q) error = %v, want error: %v", tc.url, tc.token, err, tc.wantErr)
		}
		if err != nil && tc.token != "" && strings.Contains(err.Error(), "token "+tc.token) {
			t.Errorf("New error names the token: %v", err)
		}
	}
	if _, err := New(Config{BaseURL: "http://www.workato.com/api", LegacyToken: "x"}); err == nil {
		t.Errorf("New: want an error for a legacy token over plain http")
	}
}

func TestLegacyHeadersWhenOptedIn(t *testing.T) {
	s := newServer(t, replyJSON(t, 200, "connections_list_2019.json"))
	c := newTestClient(t, s, func(cfg *Config) {
		cfg.Token, cfg.LegacyEmail, cfg.LegacyToken, cfg.UserAgent = "", "ops@acme.example", testLegacyToken, "workato-gitops/test"
	})
	if _, err := c.ListConnections(context.Background(), ByID(98178), ListConnectionsOptions{}); err != nil {
		t.Fatal(err)
	}
	h := s.requests()[0].Header
	got := map[string]string{"X-User-Email": h.Get("X-User-Email"), "X-User-Token": h.Get("X-User-Token"),
		"Authorization": h.Get("Authorization"), "User-Agent": h.Get("User-Agent")}
	want := map[string]string{"X-User-Email": "ops@acme.example", "X-User-Token": testLegacyToken,
		"Authorization": "", "User-Agent": "workato-gitops/test"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("headers mismatch (-want +got):\n%s", diff)
	}
}

func TestEmptyCustomerRef(t *testing.T) {
	s := newServer(t, replyJSON(t, 200, "{}"))
	c := newTestClient(t, s, nil)
	if _, err := c.GetCustomer(context.Background(), CustomerRef{}); err == nil {
		t.Errorf("GetCustomer(zero CustomerRef): want an error")
	}
	if n := len(s.requests()); n != 0 {
		t.Errorf("sent %d requests for an invalid ref", n)
	}
}

func TestPaging(t *testing.T) {
	// 250 folders: pages of 100, 100 and 50.
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		page := r.URL.Query().Get("page")
		var n, first int
		fmt.Sscan(page, &n)
		first = (n-1)*100 + 1
		var items []string
		for id := first; id < first+100 && id <= 250; id++ {
			items = append(items, fmt.Sprintf(`{"id": %d, "name": "f%d"}`, id, id))
		}
		fmt.Fprintf(w, `{"result": [%s]}`, strings.Join(items, ","))
	})
	c := newTestClient(t, s, nil)
	got, err := c.ListFolders(context.Background(), ByID(1), ptr(int64(9)))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 250 || got[0].ID != 1 || got[249].ID != 250 {
		t.Errorf("got %d folders (first %v), want ids 1..250", len(got), got[0].ID)
	}
	var pages []string
	for _, r := range s.requests() {
		pages = append(pages, r.Query.Get("page")+"/"+r.Query.Get("per_page")+"/"+r.Query.Get("parent_id"))
	}
	if diff := cmp.Diff([]string{"1/100/9", "2/100/9", "3/100/9"}, pages); diff != "" {
		t.Errorf("pages requested (-want +got):\n%s", diff)
	}
}

func TestWaitImport(t *testing.T) {
	tests := []struct {
		name    string
		replies []string
		wantErr string // empty for success
	}{
		{"completes", []string{`{"id":1,"status":"in_progress"}`, `{"id":1,"status":"processing"}`, "import_completed.json"}, ""},
		{"fails with the server's text", []string{`{"id":1,"status":"failed","error":"Folder not found"}`}, "workato: import 1 failed: Folder not found"},
		{"completes with bad recipe results", []string{`{"id":1,"status":"completed","recipe_status":[{"id":5,"import_result":"restarted"},{"id":6,"import_result":"stopped"},{"id":7,"import_result":"restart_failed"},{"id":8,"import_result":"not_found"},{"id":9,"import_result":"stop_failed"}]}`},
			"workato: import 1 completed; recipe 6: stopped; recipe 7: restart_failed; recipe 8: not_found; recipe 9: stop_failed"},
		{"unknown result is not success", []string{`{"id":1,"status":"completed","recipe_status":[{"id":5,"import_result":"half_done"}]}`}, "workato: import 1 completed; recipe 5: half_done"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, func(w http.ResponseWriter, r *http.Request, attempt int) {
				replyJSON(t, 200, tc.replies[min(attempt, len(tc.replies))-1])(w, r, attempt)
			})
			c := newTestClient(t, s, nil)
			imp, err := c.WaitImport(context.Background(), ByID(1), 1, time.Millisecond, 5*time.Second)
			if tc.wantErr == "" {
				if err != nil || imp.Status != "completed" {
					t.Errorf("WaitImport = %+v, %v; want completed", imp, err)
				}
				return
			}
			var ie *ImportError
			if !errors.As(err, &ie) || err.Error() != tc.wantErr {
				t.Errorf("err = %v\nwant  %s", err, tc.wantErr)
			}
			if imp == nil {
				t.Errorf("want the final import along with the error")
			}
		})
	}
}

func TestWaitImportTimesOut(t *testing.T) {
	s := newServer(t, replyJSON(t, 200, `{"id":1,"status":"in_progress"}`))
	c := newTestClient(t, s, nil)
	_, err := c.WaitImport(context.Background(), ByID(1), 1, 5*time.Millisecond, 50*time.Millisecond)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want a deadline error", err)
	}
}

func TestDebugLogNeverShowsSecrets(t *testing.T) {
	const password = "hunter2-very-secret"
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, attempt int) {
		name := "connection_created.json"
		if r.Method == http.MethodGet {
			name = "connections_list.json"
		}
		replyJSON(t, 200, name)(w, r, attempt)
	})
	var log syncBuffer
	c := newTestClient(t, s, func(cfg *Config) {
		cfg.Debug, cfg.LegacyToken, cfg.LegacyEmail = &log, testLegacyToken, "ops@acme.example"
	})
	ctx := context.Background()
	if _, err := c.CreateConnection(ctx, ByID(98178), ConnectionCreate{Name: "j", Provider: "jira", Input: map[string]any{"apitoken": password}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListConnections(ctx, ByID(98178), ListConnectionsOptions{IncludeTags: true}); err != nil {
		t.Fatal(err)
	}
	out := log.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("debug log has %d lines, want 2:\n%s", len(lines), out)
	}
	if !strings.HasPrefix(lines[0], "workato: POST /api/managed_users/98178/connections 200 ") ||
		!strings.HasPrefix(lines[1], "workato: GET /api/managed_users/98178/connections?includes%5B%5D=tags 200 ") {
		t.Errorf("debug log:\n%s", out)
	}
	assertNoSecrets(t, out, testToken, testLegacyToken, password)
}

func TestRedirectToAnotherHostIsRefused(t *testing.T) {
	other := newServer(t, replyJSON(t, 200, "customer.json"))
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		http.Redirect(w, r, other.URL+"/api/managed_users/1", http.StatusFound)
	})
	c := newTestClient(t, s, func(cfg *Config) { cfg.LegacyToken = testLegacyToken; cfg.Retry = fastRetry(1) })
	if _, err := c.GetCustomer(context.Background(), ByID(1)); err == nil {
		t.Errorf("want an error for a cross-origin redirect")
	}
	if n := len(other.requests()); n != 0 {
		t.Errorf("followed the redirect: the other host got %d requests", n)
	}
}

// TestClientNeverCausesA429 runs many goroutines through one client
// against a server that enforces a sliding window itself and answers 429
// when it is exceeded.
func TestClientNeverCausesA429(t *testing.T) {
	const n, per = 10, 200 * time.Millisecond
	var mu sync.Mutex
	var arrivals []time.Time
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		mu.Lock()
		now := time.Now()
		arrivals = append(arrivals, now)
		recent := 0
		for _, a := range arrivals {
			if now.Sub(a) < per {
				recent++
			}
		}
		mu.Unlock()
		if recent > n && strings.HasSuffix(r.URL.Path, "/connections") && r.Method == "PUT" {
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Write([]byte(`{"result": {"id": 1}}`))
	})
	c := newTestClient(t, s, func(cfg *Config) {
		cfg.Limits = Limits{ClassConnections: {Requests: n, Per: per, Margin: 50 * time.Millisecond}}
		cfg.Retry = fastRetry(1)
	})
	var wg sync.WaitGroup
	for i := range 35 {
		wg.Go(func() {
			if _, err := c.UpdateConnection(context.Background(), ByID(1), int64(i), ConnectionUpdate{Name: ptr("x")}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	st := c.Stats()[ClassConnections]
	if st.RateLimited != 0 || st.Requests != 35 {
		t.Errorf("stats = %+v, want 35 requests and no 429", st)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
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

// TestConnectionsAreReused: a client that runs many calls at once keeps
// their connections for the next calls. Go's default transport keeps 2
// idle connections per host, and a client talks to one host: it closed
// the others after each call and opened (against Workato: TLS-handshook)
// a new one for the next: over a hundred for these 8 rounds of 16 calls.
func TestConnectionsAreReused(t *testing.T) {
	const rounds, at = 8, 16
	var opened atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"id": 1, "external_id": "E1", "name": "c"}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) { // set before Start: the server reads it
		if st == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c, err := New(Config{BaseURL: srv.URL + "/api", Token: testToken, Limits: unlimited(), Retry: fastRetry(1)})
	if err != nil {
		t.Fatal(err)
	}
	for range rounds {
		var wg sync.WaitGroup
		for range at {
			wg.Go(func() {
				if _, err := c.GetCustomer(context.Background(), ByID(1)); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	if n := opened.Load(); n > 2*at {
		t.Errorf("%d connections opened for %d rounds of %d calls at once; want at most %d", n, rounds, at, 2*at)
	}
}
