package sandbox_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/sandbox"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// callHeader carries the logical call an attempt belongs to, so the server
// side can tell a retry from a new call.
const callHeader = "X-Test-Call"

type callKey struct{}

// tagTransport copies the logical call id from the request's context (the
// client passes the caller's context down to every attempt) into a header.
type tagTransport struct{ next http.RoundTripper }

func (t tagTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if id, ok := req.Context().Value(callKey{}).(string); ok {
		req = req.Clone(req.Context())
		req.Header.Set(callHeader, id)
	}
	return t.next.RoundTrip(req)
}

// dropped stands for an attempt whose connection was closed unanswered.
const dropped = 0

// attemptLog records, per logical call, the status of each attempt as the
// server answered it.
type attemptLog struct {
	next http.Handler
	mu   sync.Mutex
	log  map[string][]int
}

func (l *attemptLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get(callHeader)
	l.next.ServeHTTP(&statusWriter{ResponseWriter: w, record: func(status int) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.log[id] = append(l.log[id], status)
	}}, r)
}

func (l *attemptLog) attempts(id string) []int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.log[id]
}

// statusWriter records an attempt's status before any of the response
// leaves, or a drop before the connection closes: recorded any later, the
// client could already have returned and the test looked.
type statusWriter struct {
	http.ResponseWriter
	record   func(status int)
	recorded bool
}

func (w *statusWriter) note(status int) {
	if !w.recorded {
		w.recorded = true
		w.record(status)
	}
}

func (w *statusWriter) WriteHeader(status int) {
	w.note(status)
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	w.note(http.StatusOK)
	return w.ResponseWriter.Write(p)
}

// Hijack lets the sandbox drop the connection, as it does to inject a drop.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.note(dropped)
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// faultCall is one logical call of the fault workload.
type faultCall struct {
	name   string
	method string
	run    func(ctx context.Context, c *workato.Client, n int) error
}

func faultWorkload(pkg []byte) []faultCall {
	acme := workato.ByID(acmeID)
	return []faultCall{
		{"get customer", "GET", func(ctx context.Context, c *workato.Client, n int) error {
			_, err := c.GetCustomer(ctx, acme)
			return err
		}},
		{"list connections", "GET", func(ctx context.Context, c *workato.Client, n int) error {
			_, err := c.ListConnections(ctx, acme, workato.ListConnectionsOptions{})
			return err
		}},
		{"list folders", "GET", func(ctx context.Context, c *workato.Client, n int) error {
			_, err := c.ListFolders(ctx, acme, ptr[int64](bulkID))
			return err
		}},
		{"list recipes", "GET", func(ctx context.Context, c *workato.Client, n int) error {
			_, err := c.ListRecipes(ctx, acme, workato.ListRecipesOptions{FolderID: ptr[int64](integID)})
			return err
		}},
		{"update customer", "PUT", func(ctx context.Context, c *workato.Client, n int) error {
			_, err := c.UpdateCustomer(ctx, acme, workato.CustomerUpdate{OriginURL: ptr(fmt.Sprintf("https://o%d.example", n))})
			return err
		}},
		{"rename folder", "PUT", func(ctx context.Context, c *workato.Client, n int) error {
			_, err := c.UpdateFolder(ctx, acme, sfFolderID, workato.FolderUpdate{Name: ptr(fmt.Sprintf("SF %d", n))})
			return err
		}},
		{"stop recipe", "PUT", func(ctx context.Context, c *workato.Client, n int) error {
			return c.StopRecipe(ctx, acme, notifyID)
		}},
		{"remove member", "DELETE", func(ctx context.Context, c *workato.Client, n int) error {
			return c.RemoveMember(ctx, acme, int64(5000+n)) // seeded by TestRetriesUnderFaults
		}},
		{"create customer", "POST", func(ctx context.Context, c *workato.Client, n int) error {
			_, err := c.CreateCustomer(ctx, workato.CustomerCreate{Name: fmt.Sprintf("cust-%d", n), NotificationEmail: "x@example.com"})
			return err
		}},
		{"create folder", "POST", func(ctx context.Context, c *workato.Client, n int) error {
			_, err := c.CreateFolder(ctx, acme, fmt.Sprintf("folder-%d", n), nil)
			return err
		}},
		{"upsert properties", "POST", func(ctx context.Context, c *workato.Client, n int) error {
			return c.UpsertProperties(ctx, acme, map[string]string{fmt.Sprintf("retry.%d", n): "v"})
		}},
		{"import", "POST", func(ctx context.Context, c *workato.Client, n int) error {
			_, err := c.ImportPackage(ctx, acme, integID, bytes.NewReader(pkg), workato.ImportOptions{})
			return err
		}},
	}
}

// TestRetriesUnderFaults runs rounds of the workload, one call at a time so
// that the seeded fault sequence repeats, against a sandbox failing a fifth
// of all requests with 500s, 429s (Retry-After: 1) and dropped connections.
// Every idempotent call must succeed; a POST may be sent again only after a
// 429, which says the server did not process it; a POST that got a 500 or
// a dropped connection must fail to its caller, since it may have been
// applied.
func TestRetriesUnderFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out a few injected Retry-After: 1")
	}
	const rounds = 4
	// Seed 52 covers every case with only two injected 429s, so the run
	// waits out two seconds of Retry-After.
	srv, err := sandbox.New(sandbox.Options{Token: sandboxToken, FailRate: 0.2, Seed: 52})
	if err != nil {
		t.Fatal(err)
	}
	seed := contractSeed()
	for n := range rounds {
		seed.Customers[0].Members = append(seed.Customers[0].Members, sandbox.Member{ID: int64(5000 + n), Name: "m", RoleName: "Analyst"})
	}
	if err := srv.LoadSeed(jsonReader(t, seed)); err != nil {
		t.Fatal(err)
	}
	log := &attemptLog{next: srv, log: map[string][]int{}}
	ts := httptest.NewServer(log)
	defer ts.Close()
	c, err := workato.New(workato.Config{BaseURL: ts.URL + "/api", Token: sandboxToken, Limits: noLimits(),
		HTTPClient: &http.Client{Transport: tagTransport{next: ts.Client().Transport}},
		Retry:      workato.RetryPolicy{MaxAttempts: 25, BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	var post postOutcomes
	for n := range rounds {
		for _, call := range faultWorkload(buildPackage(t, "retries")) {
			id := fmt.Sprintf("%s #%d", call.name, n)
			err := call.run(context.WithValue(context.Background(), callKey{}, id), c, n)
			attempts := log.attempts(id)
			if call.method != http.MethodPost {
				if err != nil {
					t.Errorf("%s: %v after attempts %v; an idempotent call must get through", id, err, attempts)
				}
				continue
			}
			post.check(t, id, attempts, err)
		}
	}
	// Without these the assertions above could pass vacuously; the fixed
	// seed makes the run repeat, so they hold on every run.
	st := srv.Stats()
	t.Logf("faults injected: %v; POSTs retried after 429: %d, failed on 500: %d, failed on a drop: %d",
		st.Faults, post.retried, post.failed500, post.failedDrop)
	if st.Faults[sandbox.FaultServerError] == 0 || st.Faults[sandbox.FaultTooManyRequests] == 0 || st.Faults[sandbox.FaultDrop] == 0 ||
		post.retried == 0 || post.failed500 == 0 || post.failedDrop == 0 {
		t.Errorf("the seeded run no longer covers every case; pick another Seed")
	}
}

// postOutcomes checks POSTs and counts which cases the run covered.
type postOutcomes struct{ retried, failed500, failedDrop int }

func (p *postOutcomes) check(t *testing.T, id string, attempts []int, err error) {
	t.Helper()
	if len(attempts) == 0 {
		t.Errorf("%s: the server saw no attempt", id)
		return
	}
	for _, st := range attempts[:len(attempts)-1] {
		if st != http.StatusTooManyRequests {
			t.Errorf("%s: attempts %v; a POST may be sent again only after a 429", id, attempts)
		}
	}
	if len(attempts) > 1 {
		p.retried++
	}
	switch last := attempts[len(attempts)-1]; {
	case last == http.StatusInternalServerError:
		p.failed500++
		if !errors.Is(err, workato.ErrServer) {
			t.Errorf("%s: last attempt got 500, the caller got %v; want the server error", id, err)
		}
	case last == dropped:
		p.failedDrop++
		if err == nil {
			t.Errorf("%s: the connection was dropped, the caller got no error", id)
		}
	case last >= 200 && last <= 299:
		if err != nil {
			t.Errorf("%s: last attempt got %d, the caller got %v", id, last, err)
		}
	default:
		t.Errorf("%s: attempts %v, err %v; want a final 2xx, 500 or drop", id, attempts, err)
	}
}
