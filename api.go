package main

import (
	"errors"

	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/target"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// apiEnv is what the environment says about the API.
func apiEnv(e env) target.Env {
	return target.Env{APIURL: e.getenv("WORKATO_API_URL"), DataCenter: e.getenv("WORKATO_DATA_CENTER"), Token: e.getenv("WORKATO_API_TOKEN")}
}

// apiClient builds the API client for the target target.Resolve picks
// from the environment and the repository config. A sandbox:PATH target
// runs an in-process sandbox whose state lives in PATH, and needs no token.
func apiClient(e env, cfg spec.Config, debug bool) (*workato.Client, error) {
	t, err := target.Resolve(apiEnv(e), cfg)
	if err != nil {
		return nil, err
	}
	o := target.Options{UserAgent: userAgent()}
	if debug {
		o.Debug = e.stderr
	}
	c, err := target.Client(t, apiEnv(e).Token, cfg, o)
	if errors.Is(err, target.ErrNoToken) {
		return nil, &hinted{err: err,
			hint: "create an API client in the Embed admin workspace and export its token; or try the sandbox: WORKATO_API_URL=sandbox:sandbox.json"}
	}
	return c, err
}

// onSandbox reports whether the API is an in-process sandbox, which
// answers at once: no need to wait between polls.
func onSandbox(e env, cfg spec.Config) bool {
	t, err := target.Resolve(apiEnv(e), cfg)
	_, ok := t.Sandbox()
	return err == nil && ok
}

func userAgent() string { return "workato-gitops/" + buildVersion() }
