package main

import (
	"net/http"

	"github.com/workato-gitops/workato-gitops/internal/sandbox"
)

// httpClientFor serves requests in-process from a sandbox.
func httpClientFor(srv *sandbox.Server) *http.Client { return &http.Client{Transport: srv.Transport()} }
