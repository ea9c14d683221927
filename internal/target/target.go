// Package target decides which Workato API a command talks to, and builds
// the client for it: the one place that weighs WORKATO_API_URL,
// WORKATO_DATA_CENTER and the repository config's api.url and
// api.dataCenter, and that turns "sandbox:FILE" into an in-process
// sandbox. Package main hands it the environment's values; it reads no
// environment itself.
package target

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/sandbox"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// SandboxScheme prefixes a base URL that names an in-process sandbox's
// state file.
const SandboxScheme = "sandbox:"

// Env is what the process environment says about the API.
type Env struct {
	APIURL     string // WORKATO_API_URL
	DataCenter string // WORKATO_DATA_CENTER
	Token      string // WORKATO_API_TOKEN
}

// Target is the API base URL and the setting it came from.
type Target struct {
	Base, Source string
}

// Sandbox returns the state file of an in-process sandbox target.
func (t Target) Sandbox() (path string, ok bool) { return strings.CutPrefix(t.Base, SandboxScheme) }

// Resolve decides the API: WORKATO_API_URL, then WORKATO_DATA_CENTER, then
// the config's api.url or api.dataCenter, then Workato's US data center.
func Resolve(env Env, cfg spec.Config) (Target, error) {
	dcURL := func(dc, source string) (Target, error) {
		b, err := workato.BaseURLFor(dc)
		if err != nil {
			return Target{}, fmt.Errorf("%s: %w", source, err)
		}
		return Target{b, source}, nil
	}
	switch {
	case env.APIURL != "":
		return Target{env.APIURL, "WORKATO_API_URL"}, nil
	case env.DataCenter != "":
		return dcURL(env.DataCenter, "WORKATO_DATA_CENTER="+env.DataCenter)
	case cfg.APIURL != "":
		return Target{cfg.APIURL, "api.url in " + cfg.File}, nil
	case cfg.DataCenter != "":
		return dcURL(cfg.DataCenter, "api.dataCenter: "+cfg.DataCenter+" in "+cfg.File)
	}
	return Target{workato.DefaultBaseURL, "the default; set WORKATO_API_URL or WORKATO_DATA_CENTER for another data center"}, nil
}

// ErrNoToken is returned for a real API when no token is set.
var ErrNoToken = errors.New("WORKATO_API_TOKEN is not set")

// Options tune the client beyond what the target and the config say.
type Options struct {
	UserAgent      string
	Debug          io.Writer // logs every request when set
	RequestTimeout time.Duration
	Retry          workato.RetryPolicy
}

// Client builds the client for t. A sandbox target runs the sandbox
// in-process, needs no token and enforces no rate limits (and, as with a
// real invitee without a Workato account, a member invited by email stays
// pending until accepted: docs/design.md, "Members"); any other
// needs env.Token and keeps to the config's rate limits.
func Client(t Target, token string, cfg spec.Config, o Options) (*workato.Client, error) {
	wc := workato.Config{BaseURL: t.Base, UserAgent: o.UserAgent, Limits: workato.Limits{}, Debug: o.Debug,
		RequestTimeout: o.RequestTimeout, Retry: o.Retry}
	for class, l := range cfg.RateLimits {
		wc.Limits[workato.Class(class)] = workato.Limit{Requests: l.Requests, Per: l.Per} // zero: unlimited
	}
	if path, ok := t.Sandbox(); ok {
		if path == "" {
			return nil, errors.New("WORKATO_API_URL=sandbox: needs a state file path, e.g. sandbox:sandbox.json")
		}
		srv, err := sandbox.New(sandbox.Options{StatePath: path})
		if err != nil {
			return nil, fmt.Errorf("sandbox: %w", err)
		}
		wc.BaseURL = "http://sandbox.invalid/api"
		wc.HTTPClient = &http.Client{Transport: srv.Transport()}
		// A zero Limit is unlimited: the in-process sandbox runs at full speed.
		wc.Limits = workato.Limits{}
		for class := range workato.DefaultLimits() {
			wc.Limits[class] = workato.Limit{}
		}
		return workato.New(wc)
	}
	if token == "" {
		return nil, ErrNoToken
	}
	wc.Token = token
	return workato.New(wc)
}
