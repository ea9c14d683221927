package doctor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/spec/spectest"
	"github.com/workato-gitops/workato-gitops/internal/target"
	"github.com/workato-gitops/workato-gitops/internal/workato"
	"github.com/workato-gitops/workato-gitops/schemas"
)

func TestAPIFinding(t *testing.T) {
	cases := []struct {
		name          string
		err           error
		first, needed bool
		sev           severity
		msg, hint     string
	}{
		{"refused token", &workato.APIError{Method: "GET", Path: "/api/managed_users", StatusCode: 401}, true, true, sevFail,
			"list: GET /api/managed_users: 401 Unauthorized: the token was refused", "WORKATO_API_TOKEN is wrong"},
		{"role", &workato.APIError{Method: "GET", Path: "/x", StatusCode: 403}, false, true, sevFail,
			"the API client's role does not allow it", permConnections},
		{"wrong URL", &workato.APIError{Method: "GET", Path: "/x", StatusCode: 404}, true, true, sevFail,
			"this URL does not serve the Embedded API", "ending in /api"},
		{"not needed yet", &workato.APIError{Method: "GET", Path: "/x", StatusCode: 403}, false, false, sevWarn,
			"403", "(no manifest needs this yet)"},
		{"rate limited", &workato.RateLimitError{}, false, true, sevWarn, "rate limited (429)", "run doctor again"},
		{"timeout", fmt.Errorf("x: %w", context.DeadlineExceeded), false, true, sevFail, "no answer in time", "--timeout"},
		{"unreachable", &url.Error{Op: "Get", URL: "https://x", Err: errors.New("dial tcp:\nrefused")}, false, true, sevFail,
			"cannot reach the API: dial tcp: refused", "DNS"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := apiFinding("list", tc.err, permConnections, tc.first, tc.needed)
			if f.sev != tc.sev || !strings.Contains(f.msg, tc.msg) || !strings.Contains(f.hint, tc.hint) {
				t.Errorf("got %s %q hint %q; want %s containing %q and hint containing %q",
					severityLabel[f.sev], f.msg, f.hint, severityLabel[tc.sev], tc.msg, tc.hint)
			}
		})
	}
}

func TestPickTenant(t *testing.T) {
	acme := &spec.Tenant{Name: "acme", Customer: spec.Customer{ExternalID: "A1"}}
	pinned := &spec.Tenant{Name: "pinned", Customer: spec.Customer{ID: 9, ExternalID: "other"}}
	custs := []workato.Customer{{ID: 9, ExternalID: "P9"}, {ID: 3, ExternalID: "A1"}}
	if tn, c, f := pickTenant([]*spec.Tenant{pinned, acme}, custs, ""); f != nil || tn != pinned || c.ID != 9 {
		t.Errorf("first existing: %v %v %v; want pinned by id 9", tn, c, f)
	}
	if tn, c, _ := pickTenant([]*spec.Tenant{pinned, acme}, custs, "acme"); tn != acme || c.ID != 3 {
		t.Errorf("named: %v %v; want acme, customer 3", tn, c)
	}
	if _, _, f := pickTenant([]*spec.Tenant{acme}, custs, "nobody"); f == nil || f.sev != sevFail {
		t.Errorf("unknown name: finding %+v; want a FAIL", f)
	}
	if _, c, f := pickTenant([]*spec.Tenant{acme}, nil, ""); c != nil || f == nil || f.sev != sevOK {
		t.Errorf("no workspace yet: %v %+v; want an OK finding and no customer", c, f)
	}
}

// TestRunOffline checks the examples with the demo key: every finding OK.
func TestRunOffline(t *testing.T) {
	var out bytes.Buffer
	n := Run(context.Background(), &out, Options{Dir: "../../examples/tenants", Offline: true, Schemas: schemas.FS, SOPS: spectest.Inspector,
		Keys: KeyEnv{Getenv: func(k string) string {
			if k == "SOPS_AGE_KEY_FILE" {
				return "../../examples/demo-age-key.txt"
			}
			return ""
		}}})
	if n.Fail != 0 || n.Warn != 0 || n.OK == 0 {
		t.Errorf("counts %+v:\n%s", n, out.String())
	}
	if !strings.Contains(out.String(), "note: API checks skipped (--offline)") || !strings.HasSuffix(out.String(), fmt.Sprintf("%d OK, 0 WARN, 0 FAIL\n", n.OK)) {
		t.Errorf("output:\n%s", out.String())
	}
	n = Run(context.Background(), &out, Options{Dir: "../../examples/tenants", Offline: true, Schemas: schemas.FS, SOPS: spectest.Inspector})
	if n.Fail == 0 {
		t.Errorf("without a key: no FAIL")
	}
}

// TestAPIURLProblems: doctor explains each problem the client's URL check
// finds, and never echoes a URL that may carry a secret.
func TestAPIURLProblems(t *testing.T) {
	cases := []struct{ url, want string }{
		{"www.workato.com/api", "is not an absolute http(s) URL"},
		{"https://user:hunter2@www.workato.com/api", "carries credentials, a query or a fragment"},
		{"https://www.workato.com/api?token=hunter2", "carries credentials, a query or a fragment"},
		{"http://www.workato.com/api", "URL http://www.workato.com/api (from WORKATO_API_URL): plain http to a host that is not loopback is refused"},
	}
	for _, tc := range cases {
		var out bytes.Buffer
		r := &report{w: &out}
		if c := apiClient(r, Options{API: target.Env{APIURL: tc.url, Token: "t"}}, spec.Config{}); c != nil {
			t.Errorf("%s: a client was built", tc.url)
		}
		if !strings.Contains(out.String(), tc.want) || strings.Contains(out.String(), "hunter2") {
			t.Errorf("%s: got\n%s\nwant %q, and no secret", tc.url, out.String(), tc.want)
		}
	}
}
