package workato

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// debugTransport logs one line per HTTP attempt. It deliberately sees only
// the method, URL path and query, status and duration: headers carry the
// token and bodies carry connection inputs.
type debugTransport struct {
	next http.RoundTripper
	mu   sync.Mutex // serialises lines from concurrent requests
	w    io.Writer
}

func newDebugTransport(next http.RoundTripper, w io.Writer) *debugTransport {
	if next == nil {
		next = http.DefaultTransport
	}
	return &debugTransport{next: next, w: w}
}

func (t *debugTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	outcome := "error"
	if err == nil {
		outcome = fmt.Sprint(resp.StatusCode)
	}
	target := req.URL.EscapedPath()
	if req.URL.RawQuery != "" {
		target += "?" + req.URL.RawQuery
	}
	t.mu.Lock()
	fmt.Fprintf(t.w, "workato: %s %s %s %s\n", req.Method, target, outcome, time.Since(start).Round(time.Millisecond))
	t.mu.Unlock()
	return resp, err
}
