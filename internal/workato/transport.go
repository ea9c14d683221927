package workato

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// maxResponseBody bounds a successful response held in memory; the
// largest documented lists (connections, unpaged) stay far below it.
const maxResponseBody = 64 << 20

// request is one API call, kept as bytes so every attempt sends the same
// body.
type request struct {
	method      string
	path        string // below the base URL, escaped, with a leading slash
	query       url.Values
	body        []byte
	contentType string
	// secrets are request-specific values (connection inputs) that must
	// not reach an error even if the server echoes them.
	secrets []string
	// idempotent marks a POST that may be repeated safely (an upsert by
	// name), so that it is retried like a PUT.
	idempotent bool
	// ownRefusal marks a call whose 429 refuses this one request (an
	// invitation sent again within 20 minutes), not the whole class: it is
	// returned at once and the class is not held back.
	ownRefusal bool
}

func jsonRequest(method, path string, body any) (*request, error) {
	r := &request{method: method, path: path}
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("workato: %s %s: encode request: %w", method, path, err)
		}
		r.body, r.contentType = b, "application/json"
	}
	return r, nil
}

// do sends r with scheduling and retries, checks the response and decodes
// its body into v (nil to discard it).
func (c *Client) do(ctx context.Context, r *request, v any) error {
	class := ClassOf(r.method, r.path)
	scrub := c.scrub.With(r.secrets...)
	for attempt := 1; ; attempt++ {
		done, err := c.sched.acquire(ctx, class)
		if err != nil {
			return err
		}
		status, header, body, err := c.attempt(ctx, r)
		done()
		last := attempt >= c.retry.MaxAttempts
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if last || !(r.idempotent || idempotent(r.method)) {
				// The error names only the URL, which never holds a secret
				// (New refuses credentials in the base URL), so it is wrapped
				// as is for callers that branch on timeouts.
				return fmt.Errorf("workato: %s %s: %w", r.method, r.path, err)
			}
			if err := sleepCtx(ctx, c.retry.backoff(attempt)); err != nil {
				return err
			}
			continue
		}
		if status == http.StatusTooManyRequests {
			wait, ok := parseRetryAfter(header.Get("Retry-After"), time.Now())
			if !ok {
				wait = c.retry.backoff(attempt)
			}
			if r.ownRefusal {
				return &RateLimitError{RetryAfter: wait, Err: newAPIError(r.method, c.pathOf(r), status, body, scrub)}
			}
			c.sched.Penalize(class, wait)
			if last || wait > c.retry.MaxRetryAfter {
				apiErr := newAPIError(r.method, c.pathOf(r), status, body, scrub)
				return &RateLimitError{RetryAfter: wait, Err: apiErr}
			}
			continue // the scheduler holds the whole class back for wait
		}
		if !last && (retryableStatus(r.method, status) || r.idempotent && retryableStatus(http.MethodPut, status)) {
			if err := sleepCtx(ctx, c.retry.backoff(attempt)); err != nil {
				return err
			}
			continue
		}
		return c.finish(r, status, body, scrub, v)
	}
}

// finish turns a final response into v or an error.
func (c *Client) finish(r *request, status int, body []byte, scrub scrubber, v any) error {
	if status < 200 || status > 299 {
		return newAPIError(r.method, c.pathOf(r), status, body, scrub)
	}
	err := decodeEnvelope(body, v)
	var ref *refusal
	if errors.As(err, &ref) {
		e := newAPIError(r.method, c.pathOf(r), status, ref.body, scrub)
		e.Refused = true
		return e
	}
	if err != nil {
		return fmt.Errorf("workato: %s %s: decode response: %w", r.method, c.pathOf(r), err)
	}
	return nil
}

// pathOf is the URL path an error names: the full path, without the query.
func (c *Client) pathOf(r *request) string {
	u, err := url.Parse(c.base + r.path)
	if err != nil {
		return r.path
	}
	return u.Path
}

// attempt sends r once under the per-attempt timeout and reads the body;
// error bodies are read through a smaller limit.
func (c *Client) attempt(ctx context.Context, r *request) (int, http.Header, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := c.newRequest(ctx, r)
	if err != nil {
		return 0, nil, nil, err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	limit := int64(maxResponseBody)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		limit = maxErrorBody
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("read response: %w", err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 && int64(len(body)) == limit {
		return 0, nil, nil, fmt.Errorf("response larger than %d bytes", limit)
	}
	return resp.StatusCode, resp.Header, body, nil
}

func (c *Client) newRequest(ctx context.Context, r *request) (*http.Request, error) {
	u := c.base + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.legacy[0] != "" {
		req.Header.Set("X-User-Email", c.legacy[0])
	}
	if c.legacy[1] != "" {
		req.Header.Set("X-User-Token", c.legacy[1])
	}
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	return req, nil
}
