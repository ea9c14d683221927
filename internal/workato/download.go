package workato

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// minDownloadTimeout bounds one download attempt from below: a 100 MB
// package needs longer than an API call's 40 s on a slow link.
const minDownloadTimeout = 5 * time.Minute

// maxDownloadRedirects is fewer than net/http's 10: a download has no
// reason to bounce around.
const maxDownloadRedirects = 5

// RedirectError is a download redirect the client refused to follow.
type RedirectError struct {
	From, To string // origins: scheme://host[:port]
	Reason   string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("workato: download: refusing redirect from %s to %s: %s", e.From, e.To, e.Reason)
}

// DownloadPackage fetches a completed export's zip from its download_url
// (Export.DownloadURL), up to MaxPackageSize bytes.
//
// Credentials: the token goes only to the API's own origin (the scheme,
// host and port of the base URL). It is attached per request by origin,
// never copied along a redirect, so a download_url or a redirect pointing
// anywhere else gets no Authorization or X-User-* header: a pre-signed
// storage URL carries its own signature. Which host Workato serves
// packages from is UNCONFIRMED [design.md: package download host]; this choice works whether download_url is
// an API path or a pre-signed URL elsewhere.
//
// Redirects: followed only to the API origin or to the origin of
// download_url itself (the download host), at most five, never from
// https to http; http is accepted only where New accepts it. A redirect
// anywhere else is a *RedirectError: a trusted API that starts sending
// packages from a third host should be a visible change, not silently
// followed. Errors and the debug log name URLs without their query
// string, which for a pre-signed URL is a credential.
//
// GET <download_url> — https://docs.workato.com/oem/oem-api/recipe-lifecycle-management.html
func (c *Client) DownloadPackage(ctx context.Context, downloadURL string) ([]byte, error) {
	base, err := url.Parse(c.base)
	if err != nil {
		return nil, err
	}
	u, err := base.Parse(downloadURL)
	if err != nil {
		return nil, fmt.Errorf("workato: download_url is not a URL: %v", err)
	}
	apiOrigin, dlOrigin := originOf(base), originOf(u)
	if err := c.checkDownloadURL(u, apiOrigin); err != nil {
		return nil, err
	}
	hc := *c.hc
	hc.Transport = &originAuth{next: downloadDebug(c.hc.Transport), origin: apiOrigin, c: c}
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		from, to := originOf(via[len(via)-1].URL), originOf(req.URL)
		switch {
		case len(via) > maxDownloadRedirects:
			return &RedirectError{From: from, To: to, Reason: fmt.Sprintf("more than %d redirects", maxDownloadRedirects)}
		case to != apiOrigin && to != dlOrigin:
			return &RedirectError{From: from, To: to, Reason: "neither the API nor the download host"}
		case via[len(via)-1].URL.Scheme == "https" && req.URL.Scheme != "https":
			return &RedirectError{From: from, To: to, Reason: "a downgrade from https to http"}
		}
		return nil
	}
	class := ClassOther
	if dlOrigin == apiOrigin {
		class = ClassOf(http.MethodGet, u.Path)
	}
	shown := redactURL(u)
	for attempt := 1; ; attempt++ {
		done, err := c.sched.acquire(ctx, class)
		if err != nil {
			return nil, err
		}
		status, header, body, err := c.downloadOnce(ctx, &hc, u)
		done()
		last := attempt >= c.retry.MaxAttempts
		var rerr *RedirectError
		switch {
		case errors.As(err, &rerr):
			return nil, rerr
		case err != nil && (last || ctx.Err() != nil):
			return nil, fmt.Errorf("workato: GET %s: %w", shown, err)
		case err != nil:
		case status == http.StatusTooManyRequests:
			wait, ok := parseRetryAfter(header.Get("Retry-After"), time.Now())
			if !ok {
				wait = c.retry.backoff(attempt)
			}
			c.sched.Penalize(class, wait)
			if last || wait > c.retry.MaxRetryAfter {
				return nil, &RateLimitError{RetryAfter: wait, Err: newAPIError(http.MethodGet, shown, status, body, c.scrub)}
			}
			continue // the scheduler holds the class back for wait
		case status >= 200 && status <= 299:
			return body, nil
		case last || !retryableStatus(http.MethodGet, status):
			return nil, newAPIError(http.MethodGet, shown, status, body, c.scrub)
		}
		if err := sleepCtx(ctx, c.retry.backoff(attempt)); err != nil {
			return nil, err
		}
	}
}

// checkDownloadURL applies New's rule for the base URL to download_url:
// absolute http(s), no credentials in it, plain http only to loopback or
// to the API origin New already accepted.
func (c *Client) checkDownloadURL(u *url.URL, apiOrigin string) error {
	switch {
	case u.Scheme != "https" && u.Scheme != "http", u.Host == "":
		return fmt.Errorf("workato: download_url %s: want an http(s) URL", redactURL(u))
	case u.User != nil:
		return fmt.Errorf("workato: download_url %s: must not carry credentials", redactURL(u))
	case u.Scheme == "http" && originOf(u) != apiOrigin && !IsLoopback(u.Hostname()):
		return fmt.Errorf("workato: download_url %s: refusing plain http to another host; want https", redactURL(u))
	}
	return nil
}

// downloadOnce makes one attempt. A redirect the policy refused comes
// back as the *RedirectError itself, not inside a *url.Error that would
// print the full URL.
func (c *Client) downloadOnce(ctx context.Context, hc *http.Client, u *url.URL) (int, http.Header, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, max(c.timeout, minDownloadTimeout))
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return 0, nil, nil, errors.New("cannot build the request")
	}
	req.Header.Set("Accept", "application/zip, application/octet-stream, */*")
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	resp, err := hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // drop the URL, which may hold a signature
		}
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	limit := int64(MaxPackageSize)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		limit = maxErrorBody
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("read response: %w", err)
	}
	if int64(len(body)) > limit {
		if limit == maxErrorBody {
			body = body[:limit]
		} else {
			return 0, nil, nil, fmt.Errorf("package larger than Workato's %d MB limit", MaxPackageSize>>20)
		}
	}
	return resp.StatusCode, resp.Header, body, nil
}

// originAuth adds the client's credentials to requests for one origin,
// and to no other.
type originAuth struct {
	next   http.RoundTripper
	origin string
	c      *Client
}

func (t *originAuth) RoundTrip(req *http.Request) (*http.Response, error) {
	next := t.next
	if next == nil {
		next = http.DefaultTransport
	}
	if originOf(req.URL) != t.origin {
		return next.RoundTrip(req)
	}
	req = req.Clone(req.Context()) // a RoundTripper must not modify its request
	if t.c.token != "" {
		req.Header.Set("Authorization", "Bearer "+t.c.token)
	}
	if t.c.legacy[0] != "" {
		req.Header.Set("X-User-Email", t.c.legacy[0])
	}
	if t.c.legacy[1] != "" {
		req.Header.Set("X-User-Token", t.c.legacy[1])
	}
	return next.RoundTrip(req)
}

// downloadDebug keeps the client's debug log, if any, but without query
// strings: a pre-signed URL's signature must not reach a CI log.
func downloadDebug(rt http.RoundTripper) http.RoundTripper {
	d, ok := rt.(*debugTransport)
	if !ok {
		return rt
	}
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		start := time.Now()
		resp, err := d.next.RoundTrip(req)
		outcome := "error"
		if err == nil {
			outcome = fmt.Sprint(resp.StatusCode)
		}
		d.mu.Lock()
		fmt.Fprintf(d.w, "workato: %s %s %s %s\n", req.Method, redactURL(req.URL), outcome, time.Since(start).Round(time.Millisecond))
		d.mu.Unlock()
		return resp, err
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// originOf is scheme://host[:port], lower-cased, without a default port,
// so that two spellings of one origin compare equal.
func originOf(u *url.URL) string {
	scheme, host, port := strings.ToLower(u.Scheme), strings.ToLower(u.Hostname()), u.Port()
	if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host
}

// redactURL is u without user info, query or fragment.
func redactURL(u *url.URL) string {
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}).String()
}
