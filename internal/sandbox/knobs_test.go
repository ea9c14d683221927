package sandbox

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestBearerToken(t *testing.T) {
	e := newEnv(t, Options{Token: "wrkprod-secret"}, acmeSeed)
	tests := []struct {
		name   string
		header []string
		want   int
	}{
		{"missing", nil, 401},
		{"wrong", []string{"Authorization", "Bearer nope"}, 401},
		{"not bearer", []string{"Authorization", "wrkprod-secret"}, 401},
		{"right", []string{"Authorization", "Bearer wrkprod-secret"}, 200},
	}
	for _, tt := range tests {
		status, raw := e.call("GET", "/managed_users", nil, tt.header...)
		if status != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, status, tt.want)
		}
		if tt.want == 401 && strings.TrimSpace(string(raw)) != `{"message":"Unauthorized"}` {
			t.Errorf("%s: body %s", tt.name, raw)
		}
		if strings.Contains(string(raw), "secret") {
			t.Errorf("%s: the token leaked into a body", tt.name)
		}
	}
}

// faultSequence runs n sequential in-process requests and records what
// each one got. Faults are drawn before the route is, so the request is
// the cheapest one: the list of no customers, not the connector catalog.
func faultSequence(t *testing.T, opts Options, n int) []string {
	t.Helper()
	srv, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: srv.Transport()}
	var out []string
	for range n {
		res, err := client.Get("http://sandbox/api/managed_users")
		if errors.Is(err, ErrDropped) {
			out = append(out, "drop")
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		switch res.StatusCode {
		case 200:
			out = append(out, "ok")
		case 429:
			if res.Header.Get("Retry-After") != "1" {
				t.Errorf("injected 429 without Retry-After: 1")
			}
			out = append(out, "429")
		case 500:
			if !strings.Contains(string(body), `"message":"Server error","id":"`) {
				t.Errorf("500 body %s", body)
			}
			out = append(out, "500:"+string(body))
		default:
			t.Fatalf("unexpected status %d", res.StatusCode)
		}
	}
	return out
}

func TestFaultInjectionIsDeterministic(t *testing.T) {
	opts := Options{FailRate: 0.1, Seed: 42}
	a := faultSequence(t, opts, 1000)
	b := faultSequence(t, opts, 1000)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same seed, different faults (-first +second):\n%s", diff)
	}
	counts := map[string]int{}
	for _, x := range a {
		counts[strings.SplitN(x, ":", 2)[0]]++
	}
	faults := 1000 - counts["ok"]
	if faults < 70 || faults > 130 {
		t.Errorf("%d faults in 1000 at rate 0.1: %v", faults, counts)
	}
	for _, k := range []string{"500", "429", "drop"} {
		if counts[k] == 0 {
			t.Errorf("no %s faults: %v", k, counts)
		}
	}
	c := faultSequence(t, Options{FailRate: 0.1, Seed: 43}, 1000)
	if cmp.Equal(a, c) {
		t.Error("different seeds gave the same faults")
	}
}

func TestFaultsOverHTTP(t *testing.T) {
	e := newEnv(t, Options{FailRate: 1, Faults: []FaultKind{FaultDrop}}, acmeSeed)
	req, _ := http.NewRequest("POST", e.ts.URL+"/api/managed_users", strings.NewReader(`{}`))
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Error("a dropped connection returned a response")
	}
	if got := e.srv.Stats().Faults[FaultDrop]; got != 1 {
		t.Errorf("drop faults = %d, want 1", got)
	}
}

func TestDropAfterCommitKeepsTheEffect(t *testing.T) {
	srv, err := New(Options{FailRate: 1, Faults: []FaultKind{FaultDropAfterCommit}})
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: srv.Transport()}
	_, err = client.Post("http://sandbox/api/managed_users", "application/json", strings.NewReader(`{"name":"N","notification_email":"n@x"}`))
	if !errors.Is(err, ErrDropped) {
		t.Fatalf("err = %v, want ErrDropped", err)
	}
	if n := len(srv.Snapshot().Customers); n != 1 {
		t.Errorf("%d customers, want the one created before the drop", n)
	}
}

func TestSlidingWindowLimiter(t *testing.T) {
	e := newEnv(t, Options{RateLimits: true, Limits: map[string]Limit{ClassConnections: {Requests: 3, Per: time.Minute}}}, acmeSeed)
	post := func() int {
		status, _ := e.call("POST", "/managed_users/98178/connections/37/disconnect", nil)
		return status
	}
	var got []int
	for range 3 {
		got = append(got, post())
		e.clk.Advance(20 * time.Second)
	}
	// t=60s: the first call (t=0) has just left the window.
	got = append(got, post(), post())
	status, raw := e.call("POST", "/managed_users/98178/connections/37/disconnect", nil)
	if diff := cmp.Diff([]int{200, 200, 200, 200, 429}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if status != 429 || !strings.Contains(string(raw), "message") {
		t.Errorf("third call at t=60s: %d %s", status, raw)
	}
	// Other classes have their own budget.
	e.json("GET", "/managed_users/98178/connections", nil, 200)
	e.clk.Advance(20 * time.Second) // t=80s: the t=20s call leaves
	if s := post(); s != 200 {
		t.Errorf("after the window slid: %d", s)
	}
	if got := e.srv.Stats().RateLimited; got != 2 {
		t.Errorf("RateLimited = %d, want 2", got)
	}
}

func TestLimiterRetryAfter(t *testing.T) {
	e := newEnv(t, Options{RateLimits: true, Limits: map[string]Limit{ClassConnectors: {Requests: 1, Per: 90 * time.Second}}}, "")
	e.call("GET", "/integrations/all", nil)
	e.clk.Advance(10 * time.Second)
	req, _ := http.NewRequest("GET", e.ts.URL+"/api/integrations/all", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 429 || res.Header.Get("Retry-After") != "80" {
		t.Errorf("got %d Retry-After %q, want 429 and 80", res.StatusCode, res.Header.Get("Retry-After"))
	}
}

func TestDefaultLimitsAndScale(t *testing.T) {
	d := DefaultLimits()
	if d[ClassConnectionsList].Requests != 1000 || d[ClassConnections].Requests != 60 || d[ClassImportsCreate] != (Limit{500, time.Hour}) {
		t.Errorf("defaults: %v", d)
	}
	if s := ScaleLimits(d, 0.01); s[ClassConnections].Per != 600*time.Millisecond {
		t.Errorf("scaled: %v", s[ClassConnections])
	}
	if _, err := New(Options{RateLimits: true, Limits: map[string]Limit{"connection": {}}}); err == nil {
		t.Error("an unknown rate class was accepted")
	}
}

func TestStats(t *testing.T) {
	e := newEnv(t, Options{}, acmeSeed)
	e.call("GET", "/managed_users/98178/connections", nil)
	e.call("GET", "/managed_users/EA2300/connections", nil)
	e.call("POST", "/managed_users/98178/connections/36/disconnect", nil)
	e.call("GET", "/nope", nil)
	want := Stats{Total: 4, Faults: map[FaultKind]int{}, Requests: map[string]int{
		"GET /managed_users/:id/connections":                            2,
		"POST /managed_users/:id/connections/:connection_id/disconnect": 1,
		"GET <unmatched>": 1,
	}}
	if diff := cmp.Diff(want, e.srv.Stats()); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	e.srv.ResetStats()
	if got := e.srv.Stats(); got.Total != 0 || len(got.Requests) != 0 {
		t.Errorf("after reset: %+v", got)
	}
}

func TestLatency(t *testing.T) {
	e := newEnv(t, Options{Latency: 30 * time.Millisecond}, "")
	start := time.Now()
	e.call("GET", "/integrations/all", nil)
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Errorf("request took %v, want at least the latency", d)
	}
}

func TestConcurrentRequests(t *testing.T) {
	e := newEnv(t, Options{StatePath: t.TempDir() + "/s.json"}, acmeSeed)
	done := make(chan error)
	for i := range 8 {
		go func() {
			var err error
			for j := range 10 {
				body := fmt.Sprintf(`{"name":"c%d-%d","provider":"jira"}`, i, j)
				res, perr := http.Post(e.ts.URL+"/api/managed_users/98178/connections", "application/json", strings.NewReader(body))
				if perr != nil {
					err = perr
					break
				}
				res.Body.Close()
			}
			done <- err
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if n := len(e.srv.Snapshot().Customers[0].Connections); n != 82 {
		t.Errorf("%d connections, want 82", n)
	}
}
