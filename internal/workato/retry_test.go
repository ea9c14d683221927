package workato

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// failThen answers the first len(statuses) attempts with those statuses (0
// means: drop the connection) and later ones with 200 and body.
func failThen(t *testing.T, body string, statuses ...int) replyFunc {
	return func(w http.ResponseWriter, r *http.Request, attempt int) {
		if attempt > len(statuses) {
			w.Write([]byte(body))
			return
		}
		switch st := statuses[attempt-1]; st {
		case 0:
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Errorf("hijack: %v", err)
				return
			}
			conn.Close()
		default:
			w.WriteHeader(st)
			w.Write([]byte(`{"message":"try again"}`))
		}
	}
}

func TestRetries(t *testing.T) {
	const ok = `{"result": {"id": 1, "name": "n"}}`
	upd := FolderUpdate{Name: ptr("n")}
	calls := map[string]func(*Client) error{
		"GET": func(c *Client) error { _, err := c.GetCustomer(context.Background(), ByID(1)); return err },
		"PUT": func(c *Client) error { _, err := c.UpdateFolder(context.Background(), ByID(1), 5, upd); return err },
		"DELETE": func(c *Client) error {
			return c.DeleteConnection(context.Background(), ByID(1), 5)
		},
		"POST": func(c *Client) error { _, err := c.CreateFolder(context.Background(), ByID(1), "n", nil); return err },
	}
	tests := []struct {
		name         string
		method       string
		statuses     []int
		wantAttempts int
		wantErr      error // nil for success
	}{
		{"GET retries 502 503 504", "GET", []int{502, 503, 504}, 4, nil},
		{"GET retries a dropped connection", "GET", []int{0, 0}, 3, nil},
		{"GET retries 429", "GET", []int{429}, 2, nil},
		{"GET retries 500", "GET", []int{500, 500}, 3, nil},
		{"GET does not retry 501", "GET", []int{501}, 1, ErrServer},
		{"GET does not retry 404", "GET", []int{404}, 1, ErrNotFound},
		{"GET stops at MaxAttempts", "GET", []int{503, 503, 503, 503, 503}, 4, ErrServer},
		{"PUT retries 503", "PUT", []int{503}, 2, nil},
		{"DELETE retries a dropped connection", "DELETE", []int{0}, 2, nil},
		{"POST retries 429", "POST", []int{429, 429}, 3, nil},
		{"POST does not retry 500", "POST", []int{500}, 1, ErrServer},
		{"POST does not retry 502", "POST", []int{502}, 1, ErrServer},
		{"POST does not retry 503", "POST", []int{503}, 1, ErrServer},
		{"POST does not retry a dropped connection", "POST", []int{0}, 1, nil},
		{"POST 429 stops at MaxAttempts", "POST", []int{429, 429, 429, 429, 429}, 4, ErrRateLimited},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, failThen(t, ok, tc.statuses...))
			c := newTestClient(t, s, nil)
			err := calls[tc.method](c)
			reqs := s.requests()
			if len(reqs) != tc.wantAttempts {
				t.Errorf("attempts = %d, want %d", len(reqs), tc.wantAttempts)
			}
			dropped := tc.wantAttempts <= len(tc.statuses) && tc.statuses[tc.wantAttempts-1] == 0
			switch {
			case dropped:
				if err == nil {
					t.Errorf("want an error after a dropped connection")
				}
			case tc.wantErr == nil && err != nil:
				t.Errorf("err = %v, want success", err)
			case tc.wantErr != nil && !errors.Is(err, tc.wantErr):
				t.Errorf("err = %v, want %v", err, tc.wantErr)
			}
			for i, r := range reqs[1:] {
				if !bytes.Equal(r.Body, reqs[0].Body) || r.Header.Get("Authorization") != reqs[0].Header.Get("Authorization") {
					t.Errorf("attempt %d sent body %q, want the first attempt's %q", i+2, r.Body, reqs[0].Body)
				}
			}
		})
	}
}

func TestRetryResendsRawZip(t *testing.T) {
	zip := bytes.Repeat([]byte("PK\x03\x04\x00\xff"), 1000)
	s := newServer(t, failThen(t, `{"id": 9, "status": "in_progress"}`, 429, 429))
	c := newTestClient(t, s, nil)
	if _, err := c.ImportPackage(context.Background(), ByID(1), 2, bytes.NewReader(zip), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	reqs := s.requests()
	if len(reqs) != 3 {
		t.Fatalf("attempts = %d, want 3", len(reqs))
	}
	for i, r := range reqs {
		if !bytes.Equal(r.Body, zip) {
			t.Errorf("attempt %d sent %d bytes, want the same %d-byte zip", i+1, len(r.Body), len(zip))
		}
	}
	if got := c.Stats()[ClassImports].RateLimited; got != 2 {
		t.Errorf("Stats()[imports].RateLimited = %d, want 2", got)
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, attempt int) {
		if attempt == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Write([]byte(`{"result": []}`))
	})
	c := newTestClient(t, s, nil)
	start := time.Now()
	if _, err := c.ListConnections(context.Background(), ByID(1), ListConnectionsOptions{}); err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed < time.Second {
		t.Errorf("retried after %v, want at least the 1s Retry-After", elapsed)
	}
	st := c.Stats()[ClassConnectionsList]
	if st.RateLimited != 1 || st.Requests != 2 || st.Waits != 1 {
		t.Errorf("Stats()[connections_list] = %+v, want 1 rate-limited, 2 requests, 1 wait", st)
	}
}

func TestLongRetryAfterIsReturned(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	c := newTestClient(t, s, nil)
	_, err := c.ImportPackage(context.Background(), ByID(1), 2, strings.NewReader("zip"), ImportOptions{})
	var rl *RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("err = %v, want a *RateLimitError", err)
	}
	if rl.RetryAfter != time.Hour {
		t.Errorf("RetryAfter = %v, want 1h", rl.RetryAfter)
	}
	if n := len(s.requests()); n != 1 {
		t.Errorf("attempts = %d, want 1: an hour is the caller's to wait", n)
	}
	if !errors.Is(err, ErrRateLimited) {
		t.Errorf("errors.Is(err, ErrRateLimited) = false")
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 2, 28, 16, 0, 0, 0, time.UTC)
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"120", 2 * time.Minute, true},
		{"-1", 0, false},
		{"Fri, 28 Feb 2025 16:00:30 GMT", 30 * time.Second, true},
		{"Fri, 28 Feb 2025 15:59:00 GMT", 0, true},
		{"soon", 0, false},
	}
	for _, tc := range tests {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.wantOK)
		}
	}
}

func TestBackoff(t *testing.T) {
	for _, r := range []float64{0, 0.5, 0.999} {
		p := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second, Rand: func() float64 { return r }}.withDefaults()
		var got []time.Duration
		for n := 1; n <= 6; n++ {
			got = append(got, p.backoff(n))
		}
		var want []time.Duration
		for _, d := range []time.Duration{100, 200, 400, 800, 1000, 1000} {
			d *= time.Millisecond
			want = append(want, d/2+time.Duration(r*float64(d/2)))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("backoff with jitter %v (-want +got):\n%s", r, diff)
		}
	}
}
