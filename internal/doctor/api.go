package doctor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/target"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

const (
	permCustomers   = "Customer workspaces → Manage customers"
	permConnections = "Customer workspaces → Projects → Project assets → Connections"
	permFolders     = "Customer workspaces → Projects → Project assets → Projects & folders"
	permRecipes     = "Customer workspaces → Projects → Project assets → Recipes"
	permProperties  = "Customer workspaces → Projects → Tools → Account properties"
	permMembers     = "Customer workspaces → Manage customers → Members (with DEV environment access)"
)

// checkAPI checks the URL and the token, then what the token may do.
func checkAPI(ctx context.Context, r *report, o Options, repo *spec.Repo) {
	var cfg spec.Config
	if repo != nil {
		cfg = repo.Config
	}
	client := apiClient(r, o, cfg)
	if client == nil {
		return
	}
	call := func(f func(ctx context.Context) error) error {
		ctx, cancel := context.WithTimeout(ctx, o.Timeout)
		defer cancel()
		return f(ctx)
	}
	var custs []workato.Customer
	err := call(func(ctx context.Context) (err error) { custs, err = client.ListCustomers(ctx); return err })
	if err != nil {
		r.add(apiFinding("list customers", err, permCustomers, true, true))
		return
	}
	r.ok("api", "token accepted; list customers: allowed, %s", plural(len(custs), "customer workspace"))
	if repo == nil {
		return
	}
	checkEnvironments(r, repo.Tenants, custs)
	name, env, _ := strings.Cut(o.Tenant, "@") // NAME@ENV: that environment only, as plan selects it
	t, cust, f := pickTenant(repo.Tenants, custs, name)
	if f != nil {
		r.add(*f)
		return
	}
	if cust == nil {
		return
	}
	// The workspaces plan reads for t: the customer's own, or those of the
	// environments it lists.
	targets := []workspace{{id: cust.ID}}
	if len(t.Customer.Environments) > 0 {
		var err error
		if targets, err = environmentWorkspaces(t, cust, customerIndex(custs)); err != nil {
			r.ok("api", "per-customer checks skipped: the environments of tenant %s cannot be read (see environments above)", t.Name)
			return
		}
	}
	if env != "" {
		targets = slices.DeleteFunc(targets, func(w workspace) bool { return w.env != env })
		if len(targets) == 0 {
			r.add(finding{sev: sevFail, area: "api", msg: fmt.Sprintf("--tenant %s: tenant %s lists no %s in customer.environments", o.Tenant, t.Name, env),
				hint: "name an environment the manifest lists, or the tenant alone for all of them"})
			return
		}
	}
	needsRecipes, needsMembers := false, false
	for _, t := range repo.Tenants {
		needsRecipes = needsRecipes || len(t.Recipes) > 0 || t.Prune.Connections
		needsMembers = needsMembers || len(t.Members) > 0 || t.Prune.Members
	}
	for _, w := range targets {
		what := fmt.Sprintf("of customer %d (tenant %s)", cust.ID, t.Name)
		if w.env != "" {
			what = fmt.Sprintf("of customer %d env %s (workspace #%d, tenant %s)", cust.ID, w.env, w.id, t.Name)
		}
		if !checkWorkspace(r, call, client, workato.ByID(w.id), what, needsRecipes, needsMembers) {
			return
		}
	}
}

// checkWorkspace makes in one workspace (ref) the reads plan makes, each a
// finding named with what; false when later calls would fail alike.
func checkWorkspace(r *report, call func(func(context.Context) error) error, client *workato.Client, ref workato.CustomerRef,
	of string, needsRecipes, needsMembers bool) bool {
	checks := []struct {
		what, perm string
		needed     bool
		run        func(ctx context.Context) error
	}{
		{"read the ledger (account properties " + plan.LedgerPrefix + "*)", permProperties, true, func(ctx context.Context) error {
			_, err := client.ListProperties(ctx, ref, plan.LedgerPrefix)
			return err
		}},
		{"list connections", permConnections, true, func(ctx context.Context) error {
			_, err := client.ListConnections(ctx, ref, workato.ListConnectionsOptions{})
			return err
		}},
		{"list folders", permFolders, true, func(ctx context.Context) error {
			_, err := client.ListFolders(ctx, ref, nil)
			return err
		}},
		{"list recipes", permRecipes, needsRecipes, func(ctx context.Context) error {
			_, err := client.ListRecipes(ctx, ref, workato.ListRecipesOptions{})
			return err
		}},
		{"list members", permMembers, needsMembers, func(ctx context.Context) error {
			_, err := client.ListMembers(ctx, ref)
			return err
		}},
	}
	for _, c := range checks {
		what := c.what + " " + of
		err := call(c.run)
		if err == nil {
			r.ok("api", "%s: allowed", what)
			continue
		}
		f := apiFinding(what, err, c.perm, false, c.needed)
		r.add(f)
		if isFatalAPIError(err) {
			return false
		}
	}
	return true
}

// apiClient reports the URL and the token and builds a client, or
// returns nil when the API cannot be reached as configured.
func apiClient(r *report, o Options, cfg spec.Config) *workato.Client {
	t, err := target.Resolve(o.API, cfg)
	if err != nil {
		r.add(finding{sev: sevFail, area: "api", msg: err.Error(), hint: "data centers are us, eu, jp, sg, au, il, cn, kr and uk; or set WORKATO_API_URL to the API root ending in /api"})
		return nil
	}
	if path, ok := t.Sandbox(); ok {
		r.ok("api", "URL %s (from %s): the in-process sandbox; no token needed", t.Base, t.Source)
		if path == "" {
			r.add(finding{sev: sevFail, area: "api", msg: "sandbox: needs a state file path", hint: "e.g. WORKATO_API_URL=sandbox:sandbox.json"})
			return nil
		}
		client, err := target.Client(t, "", cfg, target.Options{UserAgent: o.UserAgent})
		if err != nil {
			r.add(finding{sev: sevFail, area: "api", msg: err.Error(), hint: "the sandbox state file must be JSON written by the sandbox; remove it to start afresh"})
			return nil
		}
		return client
	}
	// The client's own check, which doctor explains without echoing the
	// URL: credentials or a token may be in it.
	u, err := workato.CheckBaseURL(t.Base, true)
	if be := (*workato.BaseURLError)(nil); errors.As(err, &be) {
		switch be.Problem {
		case workato.ParseFailed, workato.NotAbsolute:
			r.add(finding{sev: sevFail, area: "api", msg: fmt.Sprintf("URL from %s is not an absolute http(s) URL", t.Source),
				hint: "use the API root, e.g. " + workato.DefaultBaseURL + ", or WORKATO_DATA_CENTER"})
		case workato.CarriesSecrets:
			r.add(finding{sev: sevFail, area: "api", msg: fmt.Sprintf("URL from %s carries credentials, a query or a fragment", t.Source),
				hint: "the token goes in WORKATO_API_TOKEN only; the URL is just the API root, e.g. " + workato.DefaultBaseURL})
		case workato.PlainHTTP:
			pu, _ := url.Parse(strings.TrimSpace(t.Base)) // parsed above, and holds no credentials
			r.add(finding{sev: sevFail, area: "api", msg: fmt.Sprintf("URL %s (from %s): plain http to a host that is not loopback is refused, as the token would travel in clear", pu.Scheme+"://"+pu.Host+pu.Path, t.Source),
				hint: "use https://" + pu.Host + pu.Path + "; plain http is only for a local sandbox (127.0.0.1, localhost)"})
		}
		return nil
	}
	shown := u.Scheme + "://" + u.Host + u.Path
	r.ok("api", "URL %s (from %s)", shown, t.Source)
	token := o.API.Token
	if token == "" {
		r.add(finding{sev: sevFail, area: "api", msg: "WORKATO_API_TOKEN is not set",
			hint: "create an API client in the Embed admin workspace (Workspace admin → API clients) and export its token; or try the sandbox: WORKATO_API_URL=sandbox:sandbox.json"})
		return nil
	}
	r.ok("api", "WORKATO_API_TOKEN is set")
	client, err := workato.New(workato.Config{BaseURL: t.Base, Token: token, UserAgent: o.UserAgent,
		RequestTimeout: o.Timeout, Retry: workato.RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		r.add(finding{sev: sevFail, area: "api", msg: err.Error(), hint: "use the API root, e.g. " + workato.DefaultBaseURL})
		return nil
	}
	return client
}

// pickTenant chooses the workspace the per-customer checks read: the named
// tenant's, or the first tenant's that exists. A nil customer and finding
// mean there is none to check.
func pickTenant(tenants []*spec.Tenant, custs []workato.Customer, name string) (*spec.Tenant, *workato.Customer, *finding) {
	for _, t := range tenants {
		if name != "" && t.Name != name {
			continue
		}
		if c := findCustomer(t, custs); c != nil {
			return t, c, nil
		}
		if name != "" {
			return nil, nil, &finding{sev: sevOK, area: "api", msg: fmt.Sprintf("the workspace of tenant %s does not exist yet (apply creates it); per-customer checks skipped", name)}
		}
	}
	switch {
	case name != "":
		return nil, nil, &finding{sev: sevFail, area: "api", msg: fmt.Sprintf("--tenant %s: no valid tenant has that name", name), hint: "name a tenant by its metadata.name"}
	case len(tenants) == 0:
		return nil, nil, &finding{sev: sevOK, area: "api", msg: "no valid tenant; per-customer checks skipped"}
	}
	return nil, nil, &finding{sev: sevOK, area: "api", msg: "no tenant's workspace exists yet (apply creates them); per-customer checks skipped"}
}

// findCustomer is t's customer in the list, by pinned id or external id.
func findCustomer(t *spec.Tenant, custs []workato.Customer) *workato.Customer {
	for i := range custs {
		c := &custs[i]
		if (t.Customer.ID != 0 && c.ID == t.Customer.ID) || (t.Customer.ID == 0 && c.ExternalID == t.Customer.ExternalID) {
			return c
		}
	}
	return nil
}

// isFatalAPIError says whether later calls would fail the same way: a
// refused token, or no connection to the server at all.
func isFatalAPIError(err error) bool {
	var ae *workato.APIError
	if errors.As(err, &ae) {
		return ae.StatusCode == http.StatusUnauthorized
	}
	return true
}

// apiFinding explains a failed call. first is set for the first call
// made, where a 404 means a wrong URL; needed is false for calls that no
// manifest needs yet, whose failure is only a warning.
func apiFinding(what string, err error, perm string, first, needed bool) finding {
	f := finding{sev: sevFail, area: "api"}
	var ae *workato.APIError
	var rl *workato.RateLimitError
	var ue *url.Error
	switch {
	case errors.As(err, &rl):
		return finding{sev: sevWarn, area: "api", msg: what + ": rate limited (429)",
			hint: "other jobs share the Embed admin workspace's rate budget; run doctor again in a minute"}
	case errors.As(err, &ae):
		f.msg = fmt.Sprintf("%s: %s %s: %d %s", what, ae.Method, ae.Path, ae.StatusCode, http.StatusText(ae.StatusCode))
		switch {
		case ae.StatusCode == http.StatusUnauthorized:
			f.msg += ": the token was refused"
			f.hint = "WORKATO_API_TOKEN is wrong, revoked or expired, or belongs to an API client of another data center; copy it again from Workspace admin → API clients in the Embed admin workspace"
		case ae.StatusCode == http.StatusForbidden:
			f.msg += ": the API client's role does not allow it"
			f.hint = "in the Embed admin workspace, edit the role of this API client (Workspace admin → API clients → Client roles) and allow " + perm
		case ae.StatusCode == http.StatusNotFound && first:
			f.msg += ": this URL does not serve the Embedded API"
			f.hint = "the URL must be the API root of an Embed admin workspace, ending in /api (e.g. " + workato.DefaultBaseURL + "); Embedded endpoints also need the oem_vendor privilege"
		case ae.StatusCode == http.StatusNotFound:
			f.hint = "Workato answers 404 for some paths the role does not allow: check " + perm + ", and that the API client may access this workspace's environment"
		case ae.StatusCode >= 500:
			if ae.SupportID != "" {
				f.msg += " (support id " + ae.SupportID + ")"
			}
			f.hint = "Workato failed on its side; try again later, and quote the support id to Workato if it persists"
		default:
			if ae.Message != "" {
				f.msg += ": " + ae.Message
			}
			f.hint = "unexpected answer; run a plan with --debug to see every call"
		}
	case errors.Is(err, context.DeadlineExceeded):
		f.msg = what + ": no answer in time"
		f.hint = "check the URL or data center, and any proxy (HTTPS_PROXY) or firewall between here and Workato; --timeout waits longer"
	case errors.As(err, &ue):
		f.msg = what + ": cannot reach the API: " + oneLineText(ue.Err.Error())
		f.hint = "check the URL or data center, DNS, and any proxy (HTTPS_PROXY) or firewall between here and Workato"
	default:
		f.msg = what + ": " + oneLineText(err.Error())
		f.hint = "run a plan with --debug to see every call"
	}
	if !needed && f.sev == sevFail {
		f.sev = sevWarn
		f.hint += " (no manifest needs this yet)"
	}
	return f
}

func oneLineText(s string) string { return strings.Join(strings.Fields(s), " ") }
