package main

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/workato-gitops/workato-gitops/internal/sandbox"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

const sandboxScheme = "sandbox:"

// apiClient builds the API client from the environment and the repository
// config (resolveAPI says which wins: WORKATO_API_URL, then
// WORKATO_DATA_CENTER, then the config's api.url or api.dataCenter, then
// Workato's US data center). WORKATO_API_URL=sandbox:PATH runs an
// in-process sandbox whose state lives in PATH, and needs no token.
func apiClient(e env, cfg spec.Config, debug bool) (*workato.Client, error) {
	target, err := resolveAPI(e, cfg)
	if err != nil {
		return nil, err
	}
	base := target.base
	wc := workato.Config{BaseURL: base, UserAgent: "workato-gitops/" + buildVersion(), Limits: workato.Limits{}}
	for class, l := range cfg.RateLimits {
		wc.Limits[workato.Class(class)] = workato.Limit{Requests: l.Requests, Per: l.Per} // zero: unlimited
	}
	if debug {
		wc.Debug = e.stderr
	}
	if path, ok := strings.CutPrefix(base, sandboxScheme); ok {
		if path == "" {
			return nil, errors.New("WORKATO_API_URL=sandbox: needs a state file path, e.g. sandbox:sandbox.json")
		}
		srv, err := sandbox.New(sandbox.Options{StatePath: path, InviteesExist: true})
		if err != nil {
			return nil, fmt.Errorf("sandbox: %w", err)
		}
		wc.BaseURL = "http://sandbox.invalid/api"
		wc.HTTPClient = httpClientFor(srv)
		// The in-process sandbox enforces no limits: run at full speed (a
		// zero Limit is unlimited).
		wc.Limits = workato.Limits{}
		for class := range workato.DefaultLimits() {
			wc.Limits[class] = workato.Limit{}
		}
		return workato.New(wc)
	}
	wc.Token = e.getenv("WORKATO_API_TOKEN")
	if wc.Token == "" {
		return nil, &hinted{err: errors.New("WORKATO_API_TOKEN is not set"),
			hint: "create an API client in the Embed admin workspace and export its token; or try the sandbox: WORKATO_API_URL=sandbox:sandbox.json"}
	}
	return workato.New(wc)
}

// httpClientFor serves requests in-process from a sandbox.
func httpClientFor(srv *sandbox.Server) *http.Client { return &http.Client{Transport: srv.Transport()} }
