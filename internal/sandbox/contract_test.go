package sandbox_test

// The contract suite drives the real API client (internal/workato) against
// the emulator over real HTTP. The two were written independently from the
// same reference, so every decoded value asserted here is a point where
// they must agree; a failure names the side that strays from the reference.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/internal/sandbox"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// t0 is the sandbox's frozen clock: every timestamp it writes is t0, so the
// decoded times can be compared exactly.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const sandboxToken = "wrkprod-contract-token-0123456789"

// Ids in the seed. Objects the tests create get ids after the largest.
const (
	acmeID      = 10
	acmeHome    = 11
	adminID     = 12
	integID     = 13 // project folder "Integrations"
	integProj   = 14
	sfFolderID  = 15 // "Integrations/Salesforce"
	bulkID      = 16 // project folder "Bulk", 120 sub-folders and 130 recipes
	bulkProj    = 17
	globexID    = 20
	globexHome  = 21
	sfConnID    = 30 // authorized, used by the running recipe
	slackConnID = 31 // disconnected
	runtimeID   = 32 // runtime-user child of sfConnID
	syncID      = 40 // running, uses sfConnID
	notifyID    = 41 // stopped, uses the disconnected slackConnID
	bulkFolders = 120
	bulkRecipes = 130
)

// contractSeed is the world every contract test starts from.
func contractSeed() sandbox.State {
	bulk := sandbox.Folder{ID: bulkID, ProjectID: bulkProj, Name: "Bulk"}
	for i := range bulkFolders {
		bulk.Folders = append(bulk.Folders, sandbox.Folder{ID: int64(2000 + i), Name: fmt.Sprintf("f%03d", i)})
	}
	recipes := []sandbox.Recipe{
		{ID: syncID, Name: "Sync accounts", Folder: "Integrations/Salesforce", Running: true,
			Code:   json.RawMessage(`{"provider":"salesforce","keyword":"trigger"}`),
			Config: []sandbox.RecipeConfig{{Keyword: "application", Provider: "salesforce", AccountID: sfConnID}}},
		{ID: notifyID, Name: "Notify Slack", Folder: "Integrations", StoppedAt: t0.Add(-time.Hour), StopCause: "trigger_errors_limit",
			Config: []sandbox.RecipeConfig{{Keyword: "application", Provider: "slack", AccountID: slackConnID}}},
	}
	for i := range bulkRecipes {
		recipes = append(recipes, sandbox.Recipe{ID: int64(3000 + i), Name: fmt.Sprintf("r%03d", i), FolderID: bulkID})
	}
	return sandbox.State{Customers: []sandbox.Customer{
		{
			ID: acmeID, ExternalID: "A2300", Name: "ACME Corp", NotificationEmail: "ops@acme.example",
			HomeFolderID: acmeHome,
			Members:      []sandbox.Member{{ID: adminID, Name: "ACME Admin", Email: "admin@acme.example", RoleName: "Admin"}},
			Folders: []sandbox.Folder{
				{ID: integID, ProjectID: integProj, Name: "Integrations", Folders: []sandbox.Folder{{ID: sfFolderID, Name: "Salesforce"}}},
				bulk,
			},
			Connections: []sandbox.Connection{
				{ID: sfConnID, Name: "ACME Salesforce", Provider: "salesforce", Folder: "Integrations/Salesforce",
					ExternalID: "sf-1", AuthorizationStatus: "success", Tags: []string{"tag-ANgeffPL-3gxQwA"}},
				{ID: slackConnID, Name: "ACME Slack", Provider: "slack", Folder: "Integrations"},
				{ID: runtimeID, Name: "Runtime SF", Provider: "salesforce", Folder: "Integrations/Salesforce",
					ParentID: sfConnID, Runtime: true, AuthorizationStatus: "success"},
			},
			Recipes:    recipes,
			Properties: map[string]string{"gitops.owner": "platform", "gitops.env": "prod", "other.key": "x"},
		},
		{ID: globexID, Name: "Globex", NotificationEmail: "it@globex.example", HomeFolderID: globexHome},
	}}
}

// harness is a seeded sandbox behind httptest, and a client for it.
type harness struct {
	srv *sandbox.Server
	ts  *httptest.Server
	c   *workato.Client
	ctx context.Context
}

// newHarness serves a seeded sandbox under /api. The client has no rate
// limits and a single attempt, so that retries cannot hide a disagreement.
func newHarness(t *testing.T, opts sandbox.Options) *harness {
	t.Helper()
	if opts.Now == nil {
		opts.Now = func() time.Time { return t0 }
	}
	if opts.Token == "" {
		opts.Token = sandboxToken
	}
	srv, err := sandbox.New(opts)
	if err != nil {
		t.Fatalf("sandbox.New: %v", err)
	}
	if err := srv.LoadSeed(jsonReader(t, contractSeed())); err != nil {
		t.Fatalf("LoadSeed: %v", err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	h := &harness{srv: srv, ts: ts, ctx: context.Background()}
	h.c = h.client(t, workato.Config{Token: sandboxToken})
	return h
}

// client returns a client for the harness's server; cfg's zero fields get
// the harness defaults.
func (h *harness) client(t *testing.T, cfg workato.Config) *workato.Client {
	t.Helper()
	if cfg.BaseURL == "" {
		cfg.BaseURL = h.ts.URL + "/api"
	}
	if cfg.Limits == nil {
		cfg.Limits = noLimits()
	}
	if cfg.Retry.MaxAttempts == 0 {
		cfg.Retry.MaxAttempts = 1
	}
	c, err := workato.New(cfg)
	if err != nil {
		t.Fatalf("workato.New: %v", err)
	}
	return c
}

func noLimits() workato.Limits {
	l := workato.Limits{}
	for c := range workato.DefaultLimits() {
		l[c] = workato.Limit{}
	}
	return l
}

func ptr[T any](v T) *T { return &v }

func jsonReader(tb testing.TB, v any) *bytes.Reader {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return bytes.NewReader(b)
}

// wantAPIError checks that err is an *APIError of the given status.
func wantAPIError(t *testing.T, err error, kind error, status int) *workato.APIError {
	t.Helper()
	var apiErr *workato.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, kind) || apiErr.StatusCode != status {
		t.Fatalf("err = %v, want an *APIError %d matching %v", err, status, kind)
	}
	return apiErr
}

func TestContractCustomers(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	acme := workato.Customer{ID: acmeID, ExternalID: "A2300", Name: "ACME Corp", NotificationEmail: "ops@acme.example",
		WhitelistedApps: []string{}, PlanID: "oem_plan", CreatedAt: t0, UpdatedAt: t0,
		ActiveConnectionCount: ptr[int64](2), ActiveRecipeCount: ptr[int64](1)}
	globex := workato.Customer{ID: globexID, Name: "Globex", NotificationEmail: "it@globex.example",
		WhitelistedApps: []string{}, PlanID: "oem_plan", CreatedAt: t0, UpdatedAt: t0,
		ActiveConnectionCount: ptr[int64](0), ActiveRecipeCount: ptr[int64](0)}

	got, err := h.c.ListCustomers(h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]workato.Customer{acme, globex}, got); diff != "" {
		t.Errorf("ListCustomers (-want +got):\n%s", diff)
	}
	for _, ref := range []workato.CustomerRef{workato.ByID(acmeID), workato.ByExternalID("A2300")} {
		got, err := h.c.GetCustomer(h.ctx, ref)
		if err != nil {
			t.Fatalf("GetCustomer(%v): %v", ref, err)
		}
		if diff := cmp.Diff(&acme, got); diff != "" {
			t.Errorf("GetCustomer(%v) (-want +got):\n%s", ref, diff)
		}
	}

	created, err := h.c.CreateCustomer(h.ctx, workato.CustomerCreate{Name: "Initech", NotificationEmail: "ops@initech.example", ExternalID: "B 1/2"})
	if err != nil {
		t.Fatal(err)
	}
	if created.ID <= globexHome || created.ExternalID != "B 1/2" || created.PlanID != "oem_plan" {
		t.Errorf("CreateCustomer = %+v, want a new id, external_id %q and the default plan", created, "B 1/2")
	}
	// An external id with a space and a slash must survive the "E" prefix
	// and path escaping on both sides.
	updated, err := h.c.UpdateCustomer(h.ctx, workato.ByExternalID("B 1/2"), workato.CustomerUpdate{Name: ptr("Initech Ltd")})
	if err != nil {
		t.Fatal(err)
	}
	if updated.ID != created.ID || updated.Name != "Initech Ltd" || updated.NotificationEmail != "ops@initech.example" {
		t.Errorf("UpdateCustomer = %+v, want only the name changed", updated)
	}

	_, err = h.c.CreateCustomer(h.ctx, workato.CustomerCreate{NotificationEmail: "x@example.com"})
	apiErr := wantAPIError(t, err, workato.ErrValidation, http.StatusBadRequest)
	if diff := cmp.Diff(map[string][]string{"name": {"can't be blank"}}, apiErr.FieldErrors); diff != "" {
		t.Errorf("validation FieldErrors (-want +got):\n%s", diff)
	}
	_, err = h.c.GetCustomer(h.ctx, workato.ByID(999999))
	wantAPIError(t, err, workato.ErrNotFound, http.StatusNotFound)
}

func TestContractFolders(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	acme := workato.ByID(acmeID)
	folder := func(id, parent int64, name string, project int64) workato.Folder {
		return workato.Folder{ID: id, Name: name, ParentID: ptr(parent), IsProject: parent == acmeHome,
			ProjectID: ptr(project), CreatedAt: t0, UpdatedAt: t0}
	}
	var bulk []workato.Folder
	for i := range bulkFolders {
		bulk = append(bulk, folder(int64(2000+i), bulkID, fmt.Sprintf("f%03d", i), bulkProj))
	}
	tests := []struct {
		name   string
		parent *int64
		want   []workato.Folder
	}{
		{"Home", nil, []workato.Folder{folder(integID, acmeHome, "Integrations", integProj), folder(bulkID, acmeHome, "Bulk", bulkProj)}},
		{"nested", ptr[int64](integID), []workato.Folder{folder(sfFolderID, integID, "Salesforce", integProj)}},
		{"paged over 100", ptr[int64](bulkID), bulk},
		{"empty", ptr[int64](sfFolderID), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := h.c.ListFolders(h.ctx, acme, tc.parent)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ListFolders (-want +got):\n%s", diff)
			}
		})
	}
	// 120 children take a full page of 100 and a short one.
	if n := h.srv.Stats().Requests["GET /managed_users/:id/folders"]; n != 5 {
		t.Errorf("folder list requests = %d, want 5 (one per parent, two for Bulk)", n)
	}

	top, err := h.c.CreateFolder(h.ctx, acme, "New project", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !top.IsProject || top.ParentID == nil || *top.ParentID != acmeHome || top.ProjectID == nil || *top.ProjectID == top.ID {
		t.Errorf("CreateFolder at the top = %+v, want a project under Home with its own project id", top)
	}
	child, err := h.c.CreateFolder(h.ctx, acme, "Child", ptr[int64](integID))
	if err != nil {
		t.Fatal(err)
	}
	moved, err := h.c.UpdateFolder(h.ctx, acme, child.ID, workato.FolderUpdate{Name: ptr("Moved"), ParentID: ptr(top.ID)})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ptr(folder(child.ID, top.ID, "Moved", *top.ProjectID)), moved); diff != "" {
		t.Errorf("UpdateFolder (-want +got):\n%s", diff)
	}

	projects, err := h.c.ListProjects(h.ctx, acme)
	if err != nil {
		t.Fatal(err)
	}
	wantProjects := []workato.Project{
		{ID: integProj, Name: "Integrations", FolderID: integID},
		{ID: bulkProj, Name: "Bulk", FolderID: bulkID},
		{ID: *top.ProjectID, Name: "New project", FolderID: top.ID},
	}
	if diff := cmp.Diff(wantProjects, projects); diff != "" {
		t.Errorf("ListProjects (-want +got):\n%s", diff)
	}
}

func TestContractProperties(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	acme := workato.ByID(acmeID)
	if err := h.c.UpsertProperties(h.ctx, acme, map[string]string{"gitops.env": "staging", "gitops.region": "eu"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		prefix string
		want   map[string]string
	}{
		{"gitops.", map[string]string{"gitops.owner": "platform", "gitops.env": "staging", "gitops.region": "eu"}},
		{"other.", map[string]string{"other.key": "x"}},
		{"none.", map[string]string{}},
	}
	for _, tc := range tests {
		got, err := h.c.ListProperties(h.ctx, acme, tc.prefix)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("ListProperties(%q) (-want +got):\n%s", tc.prefix, diff)
		}
	}
	err := h.c.UpsertProperties(h.ctx, acme, map[string]string{"": "empty name"})
	wantAPIError(t, err, workato.ErrValidation, http.StatusBadRequest)
}

func TestContractConnectors(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	got, err := h.c.ListConnectors(h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < 20 {
		t.Fatalf("ListConnectors returned %d connectors, want the whole catalogue", len(got))
	}
	want := workato.Connector{Name: "box", Title: "Box", Categories: []string{"File storage"}, OAuth: true}
	if diff := cmp.Diff(want, got[0]); diff != "" {
		t.Errorf("first connector (-want +got):\n%s", diff)
	}
}

func TestContractBearerToken(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	tests := []struct {
		name  string
		token string
		want  error // nil for success
	}{
		{"right token", sandboxToken, nil},
		{"wrong token", "wrkprod-wrong", workato.ErrAuth},
		{"no token", "", workato.ErrAuth},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := h.client(t, workato.Config{Token: tc.token})
			_, err := c.ListCustomers(h.ctx)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("ListCustomers: %v", err)
				}
				return
			}
			wantAPIError(t, err, tc.want, http.StatusUnauthorized)
		})
	}
}

// The in-process transport needs no listener; the host is ignored, and an
// https base keeps the client's plain-http token guard out of the way.
func TestContractInProcessTransport(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	c := h.client(t, workato.Config{
		BaseURL:    "https://sandbox.invalid/api",
		Token:      sandboxToken,
		HTTPClient: &http.Client{Transport: h.srv.Transport()},
	})
	h.srv.ResetStats()
	got, err := c.GetCustomer(h.ctx, workato.ByExternalID("A2300"))
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != acmeID {
		t.Errorf("GetCustomer over Transport() = id %d, want %d", got.ID, acmeID)
	}
	if _, err := c.CreateFolder(h.ctx, workato.ByID(globexID), "Via transport", nil); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"GET /managed_users/:id": 1, "POST /managed_users/:id/folders": 1}
	if diff := cmp.Diff(want, h.srv.Stats().Requests); diff != "" {
		t.Errorf("sandbox requests (-want +got):\n%s", diff)
	}
}
