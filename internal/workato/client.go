package workato

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultBaseURL is the US data center's API base.
const DefaultBaseURL = "https://www.workato.com/api"

// DefaultRequestTimeout is Workato's documented server-side limit per
// request (reference §1); waiting longer for one attempt is pointless.
const DefaultRequestTimeout = 40 * time.Second

// dataCenterHosts follows reference §1. UK's host follows the
// app.<dc>.workato.com pattern of the others; no Workato page names it
// (UNCONFIRMED [design.md: UK data center]).
var dataCenterHosts = map[string]string{
	"us": "www.workato.com",
	"eu": "app.eu.workato.com",
	"jp": "app.jp.workato.com",
	"sg": "app.sg.workato.com",
	"au": "app.au.workato.com",
	"il": "app.il.workato.com",
	"cn": "app.workatoapp.cn",
	"kr": "app.kr.workato.com",
	"uk": "app.uk.workato.com",
}

// BaseURLFor returns the API base URL (including /api) of a Workato data
// center: us, eu, jp, sg, au, il, cn, kr or uk.
func BaseURLFor(dataCenter string) (string, error) {
	host, ok := dataCenterHosts[strings.ToLower(strings.TrimSpace(dataCenter))]
	if !ok {
		return "", fmt.Errorf("workato: unknown data center %q (want us, eu, jp, sg, au, il, cn, kr or uk)", dataCenter)
	}
	return "https://" + host + "/api", nil
}

// Config configures a Client. Only BaseURL is required; zero values
// elsewhere mean the documented defaults.
type Config struct {
	// BaseURL is the API root including /api, e.g. https://www.workato.com/api.
	BaseURL string
	// Token is the API client token, sent as "Authorization: Bearer".
	Token string
	// LegacyEmail and LegacyToken opt in to the X-USER-EMAIL / X-USER-TOKEN
	// headers of the old OEM pages. Workato stopped accepting them in 2025;
	// they remain for emulators and old private deployments.
	LegacyEmail, LegacyToken string
	// HTTPClient is copied, never modified; nil means a plain http.Client
	// whose transport keeps idle connections for every call in flight.
	HTTPClient *http.Client
	// Limits overrides the rate budget of the classes it names; the other
	// classes keep DefaultLimits.
	Limits Limits
	// Retry overrides the retry policy; zero fields keep their defaults.
	Retry RetryPolicy
	// Debug, when set, receives one line per HTTP attempt (no headers, no bodies).
	Debug io.Writer
	// UserAgent is sent as User-Agent when set.
	UserAgent string
	// RequestTimeout bounds each attempt; zero means DefaultRequestTimeout.
	RequestTimeout time.Duration
}

// Client talks to one Embed admin workspace. It is safe for concurrent
// use; every goroutine using it shares one rate-limit Scheduler, because
// Workato counts the budget per admin workspace, not per customer.
type Client struct {
	base      string // scheme://host/path without a trailing slash
	token     string
	legacy    [2]string // email, token
	hc        *http.Client
	sched     *Scheduler
	retry     RetryPolicy
	userAgent string
	timeout   time.Duration
	scrub     scrubber
	maxItems  int // longest paged list; 0 means maxListItems (tests lower it)

	catalogMu sync.Mutex
	catalog   *Catalog // the connectors catalogue, read once (ConnectorCatalog)
}

// New validates cfg and returns a Client. It refuses to send a token over
// plain http to anything but a loopback address.
func New(cfg Config) (*Client, error) {
	u, err := CheckBaseURL(cfg.BaseURL, cfg.Token != "" || cfg.LegacyToken != "")
	if err != nil {
		return nil, err
	}
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		copied := *cfg.HTTPClient
		hc = &copied
	}
	hc.CheckRedirect = sameOriginRedirects
	if hc.Transport == nil {
		hc.Transport = pooledTransport()
	}
	if cfg.Debug != nil {
		hc.Transport = newDebugTransport(hc.Transport, cfg.Debug)
	}
	timeout := cfg.RequestTimeout
	if timeout <= 0 {
		timeout = DefaultRequestTimeout
	}
	return &Client{
		base:      strings.TrimRight(u.String(), "/"),
		token:     cfg.Token,
		legacy:    [2]string{cfg.LegacyEmail, cfg.LegacyToken},
		hc:        hc,
		sched:     NewScheduler(mergeLimits(cfg.Limits)),
		retry:     cfg.Retry.withDefaults(),
		userAgent: cfg.UserAgent,
		timeout:   timeout,
		scrub:     newScrubber(cfg.Token, cfg.LegacyToken),
	}, nil
}

// pooledTransport is Go's default transport, keeping as many idle
// connections to a host as it keeps in all. A client talks to one host,
// many calls at once (tenants in parallel, each with several reads): with
// the default's 2 idle connections per host, every call after a busy
// moment opened a new connection, with its TLS handshake.
func pooledTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = t.MaxIdleConns
	return t
}

// Stats reports, per rate class, what the scheduler has seen so far.
func (c *Client) Stats() map[Class]ClassStats { return c.sched.Stats() }

// A BaseURLError says what is wrong with a base URL (Problem), so that a
// caller can explain it without echoing the URL.
type BaseURLError struct {
	Problem BaseURLProblem
	URL     string // as given; Error shows it with any password redacted
	Err     error  // the parse error, for ParseFailed
}

// BaseURLProblem is what CheckBaseURL found wrong.
type BaseURLProblem int

const (
	ParseFailed    BaseURLProblem = iota
	NotAbsolute                   // not an absolute http(s) URL
	CarriesSecrets                // credentials, a query or a fragment
	PlainHTTP                     // plain http to a host that is not loopback, with a secret to send
)

func (e *BaseURLError) Error() string {
	shown := e.URL
	if u, err := url.Parse(strings.TrimSpace(e.URL)); err == nil {
		shown = u.Redacted()
	}
	switch e.Problem {
	case ParseFailed:
		return fmt.Sprintf("workato: base URL: %v", e.Err)
	case NotAbsolute:
		return fmt.Sprintf("workato: base URL %q: want an absolute http(s) URL such as %s", e.URL, DefaultBaseURL)
	case CarriesSecrets:
		return fmt.Sprintf("workato: base URL %q: must not carry credentials, a query or a fragment", shown)
	}
	return fmt.Sprintf("workato: base URL %q: refusing to send the API token over plain http to a non-loopback host; use https", shown)
}

func (e *BaseURLError) Unwrap() error { return e.Err }

// CheckBaseURL is the one check of an API base URL: absolute http(s), no
// credentials, query or fragment, and, when a secret is to be sent, https
// unless the host is loopback. Failures are *BaseURLError.
func CheckBaseURL(raw string, sendsSecret bool) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	switch {
	case err != nil:
		return nil, &BaseURLError{Problem: ParseFailed, URL: raw, Err: err}
	case (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
		return nil, &BaseURLError{Problem: NotAbsolute, URL: raw}
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return nil, &BaseURLError{Problem: CarriesSecrets, URL: raw}
	case u.Scheme == "http" && sendsSecret && !IsLoopback(u.Hostname()):
		return nil, &BaseURLError{Problem: PlainHTTP, URL: raw}
	}
	return u, nil
}

// IsLoopback reports whether host is localhost or a loopback address: the
// only hosts a token may be sent to over plain http.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// sameOriginRedirects stops the token leaking through a redirect: Go drops
// Authorization on cross-host redirects but not X-USER-TOKEN, and it
// follows https->http downgrades.
func sameOriginRedirects(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	first := via[0].URL
	if req.URL.Host != first.Host || req.URL.Scheme != first.Scheme {
		return fmt.Errorf("refusing redirect from %s://%s to another origin %s://%s", first.Scheme, first.Host, req.URL.Scheme, req.URL.Host)
	}
	return nil
}

// CustomerRef names a customer workspace (a Workato "managed user") in a
// path: by numeric id, or by the partner's external id. Build one with
// ByID or ByExternalID; the zero value is invalid.
type CustomerRef struct {
	id         int64
	externalID string
}

// ByID refers to a customer by its numeric Workato id.
func ByID(id int64) CustomerRef { return CustomerRef{id: id} }

// ByExternalID refers to a customer by the partner's external id; Workato
// wants it prefixed with "E" and URL-encoded in the path.
func ByExternalID(externalID string) CustomerRef { return CustomerRef{externalID: externalID} }

// String returns the path segment, already escaped.
func (r CustomerRef) String() string {
	if r.externalID != "" {
		return url.PathEscape("E" + r.externalID)
	}
	return strconv.FormatInt(r.id, 10)
}

func (r CustomerRef) segment() (string, error) {
	if r.externalID == "" && r.id <= 0 {
		return "", errors.New("workato: empty customer reference (use ByID or ByExternalID)")
	}
	return r.String(), nil
}

// customerPath builds "/managed_users/<ref>" followed by the given
// already-escaped suffix segments.
func customerPath(r CustomerRef, suffix ...string) (string, error) {
	seg, err := r.segment()
	if err != nil {
		return "", err
	}
	p := "/managed_users/" + seg
	for _, s := range suffix {
		p += "/" + s
	}
	return p, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
