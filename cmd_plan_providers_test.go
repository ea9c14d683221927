package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/sandbox"
)

// TestPlanReadsCatalogueOnce: a fleet plan reads the connectors catalogue
// once, whatever the number of tenants; when that read fails, the plan
// warns, skips the provider check and still plans.
func TestPlanReadsCatalogueOnce(t *testing.T) {
	t.Parallel()
	for _, fail := range []bool{false, true} {
		srv, err := sandbox.New(sandbox.Options{Token: "t0k"})
		if err != nil {
			t.Fatal(err)
		}
		var reads atomic.Int32
		hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/api/integrations") {
				reads.Add(1)
				if fail {
					http.Error(w, `{"message":"Forbidden"}`, http.StatusForbidden)
					return
				}
			}
			srv.ServeHTTP(w, r)
		}))
		env := demoEnv(t, hs.URL+"/api")
		env["WORKATO_API_TOKEN"] = "t0k"
		out, errOut := mustCode(t, 0, env, "plan", "examples/tenants")
		hs.Close()
		if n := reads.Load(); n != 1 {
			t.Errorf("fail=%v: %d catalogue reads for 3 tenants, want 1", fail, n)
		}
		warned := strings.Contains(errOut, "warning: connectors catalogue") && strings.Contains(errOut, "providers are not checked")
		if warned != fail || !strings.Contains(out, "Plan: ") {
			t.Errorf("fail=%v: warned %v\nstdout:\n%s\nstderr:\n%s", fail, warned, out, errOut)
		}
	}
}
