package sandbox_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/workato-gitops/workato-gitops/internal/sandbox"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// seededConnection is a connection of the seed as the client should decode it.
func seededConnection(id int64) workato.Connection {
	switch id {
	case sfConnID:
		return workato.Connection{ID: id, Name: "ACME Salesforce", Provider: "salesforce", AuthorizedAt: ptr(t0),
			AuthorizationStatus: ptr("success"), CreatedAt: t0, UpdatedAt: t0, ExternalID: ptr("sf-1"), FolderID: sfFolderID}
	case slackConnID:
		return workato.Connection{ID: id, Name: "ACME Slack", Provider: "slack", CreatedAt: t0, UpdatedAt: t0, FolderID: integID}
	}
	return workato.Connection{ID: id, Name: "Runtime SF", Provider: "salesforce", AuthorizedAt: ptr(t0),
		AuthorizationStatus: ptr("success"), CreatedAt: t0, UpdatedAt: t0, FolderID: sfFolderID, ParentID: ptr[int64](sfConnID)}
}

func TestContractConnectionFilters(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	sf, slack, runtime := seededConnection(sfConnID), seededConnection(slackConnID), seededConnection(runtimeID)
	tagged := sf
	tagged.Tags = []string{"tag-ANgeffPL-3gxQwA"}
	tests := []struct {
		name string
		opt  workato.ListConnectionsOptions
		want []workato.Connection
	}{
		{"all but runtime", workato.ListConnectionsOptions{}, []workato.Connection{sf, slack}},
		{"provider", workato.ListConnectionsOptions{Provider: "slack"}, []workato.Connection{slack}},
		{"folder_id", workato.ListConnectionsOptions{FolderID: ptr[int64](sfFolderID)}, []workato.Connection{sf}},
		{"external_id", workato.ListConnectionsOptions{ExternalID: "sf-1"}, []workato.Connection{sf}},
		{"parent_id", workato.ListConnectionsOptions{ParentID: ptr[int64](sfConnID), IncludeRuntimeConnections: true}, []workato.Connection{runtime}},
		{"runtime", workato.ListConnectionsOptions{IncludeRuntimeConnections: true}, []workato.Connection{sf, slack, runtime}},
		{"tags", workato.ListConnectionsOptions{IncludeTags: true}, []workato.Connection{tagged, slack}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := h.c.ListConnections(h.ctx, workato.ByID(acmeID), tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ListConnections (-want +got):\n%s", diff)
			}
		})
	}
}

func TestContractConnectionLifecycle(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	acme := workato.ByID(acmeID)
	create := func(in workato.ConnectionCreate) *workato.Connection {
		t.Helper()
		got, err := h.c.CreateConnection(h.ctx, acme, in)
		if err != nil {
			t.Fatalf("CreateConnection(%q): %v", in.Name, err)
		}
		return got
	}
	shell := create(workato.ConnectionCreate{Name: "Shell HubSpot", Provider: "hubspot", ShellConnection: true,
		Input: map[string]any{"api_key": "shell-secret"}})
	good := create(workato.ConnectionCreate{Name: "HTTP ok", Provider: "http", FolderID: ptr[int64](integID),
		ExternalID: "ext-http", Input: map[string]any{"password": "s3cret-pass"}})
	bad := create(workato.ConnectionCreate{Name: "HTTP bad", Provider: "http", Input: map[string]any{"password": "invalid"}})
	fixed, err := h.c.UpdateConnection(h.ctx, acme, bad.ID, workato.ConnectionUpdate{Name: ptr("HTTP fixed"),
		Input: map[string]any{"password": "good-pass"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		want workato.Connection
		got  *workato.Connection
	}{
		{"shell stays disconnected", workato.Connection{ID: shell.ID, Name: "Shell HubSpot", Provider: "hubspot",
			CreatedAt: t0, UpdatedAt: t0, FolderID: acmeHome}, shell},
		{"input is tested", workato.Connection{ID: good.ID, Name: "HTTP ok", Provider: "http", AuthorizedAt: ptr(t0),
			AuthorizationStatus: ptr("success"), CreatedAt: t0, UpdatedAt: t0, ExternalID: ptr("ext-http"), FolderID: integID}, good},
		{"password invalid fails the test", workato.Connection{ID: bad.ID, Name: "HTTP bad", Provider: "http",
			AuthorizationStatus: ptr("failed"), AuthorizationError: ptr("invalid credentials"), CreatedAt: t0, UpdatedAt: t0,
			FolderID: acmeHome}, bad},
		{"update re-tests the input", workato.Connection{ID: bad.ID, Name: "HTTP fixed", Provider: "http", AuthorizedAt: ptr(t0),
			AuthorizationStatus: ptr("success"), CreatedAt: t0, UpdatedAt: t0, FolderID: acmeHome}, fixed},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(&tc.want, tc.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}

	_, err = h.c.CreateConnection(h.ctx, acme, workato.ConnectionCreate{Name: "x", Provider: "no_such_app"})
	apiErr := wantAPIError(t, err, workato.ErrValidation, http.StatusBadRequest)
	if diff := cmp.Diff(map[string][]string{"provider": {"is not included in the list"}}, apiErr.FieldErrors); diff != "" {
		t.Errorf("invalid provider FieldErrors (-want +got):\n%s", diff)
	}
	if err := h.c.DeleteConnection(h.ctx, acme, shell.ID); err != nil {
		t.Fatalf("DeleteConnection(unused): %v", err)
	}
	wantAPIError(t, h.c.DeleteConnection(h.ctx, acme, shell.ID), workato.ErrNotFound, http.StatusNotFound)
}

// A connection a running recipe uses can be disconnected only with force,
// and never deleted; both refusals are HTTP 200 with success:false.
func TestContractConnectionInUse(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	acme := workato.ByID(acmeID)
	refused := func(what string, err error) {
		t.Helper()
		apiErr := wantAPIError(t, err, workato.ErrRefused, http.StatusOK)
		if apiErr.Status != "rejected" || !strings.Contains(apiErr.Message, "active recipes") {
			t.Errorf("%s refusal = status %q message %q, want rejected / active recipes", what, apiErr.Status, apiErr.Message)
		}
	}
	refused("disconnect", h.c.DisconnectConnection(h.ctx, acme, sfConnID, false))
	if err := h.c.DisconnectConnection(h.ctx, acme, slackConnID, false); err != nil {
		t.Errorf("disconnecting a disconnected connection: %v, want a no-op", err)
	}
	if err := h.c.DisconnectConnection(h.ctx, acme, sfConnID, true); err != nil {
		t.Fatalf("forced disconnect: %v", err)
	}
	got, err := h.c.ListConnections(h.ctx, acme, workato.ListConnectionsOptions{FolderID: ptr[int64](sfFolderID)})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].AuthorizationStatus != nil || got[0].AuthorizedAt != nil {
		t.Errorf("after a forced disconnect: %+v, want authorization_status null", got)
	}
	refused("delete", h.c.DeleteConnection(h.ctx, acme, sfConnID))
}

func TestContractRecipes(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	acme := workato.ByID(acmeID)
	all, err := h.c.ListRecipes(h.ctx, acme, workato.ListRecipesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var wantIDs []int64
	for i := bulkRecipes - 1; i >= 0; i-- {
		wantIDs = append(wantIDs, int64(3000+i))
	}
	wantIDs = append(wantIDs, notifyID, syncID)
	if diff := cmp.Diff(wantIDs, recipeIDs(all)); diff != "" {
		t.Errorf("ListRecipes ids, newest first (-want +got):\n%s", diff)
	}
	if n := h.srv.Stats().Requests["GET /managed_users/:id/recipes"]; n != 2 {
		t.Errorf("recipe list requests = %d, want 2 (100 + 32)", n)
	}
	sync := workato.Recipe{ID: syncID, UserID: acmeID, Name: "Sync accounts", FolderID: sfFolderID, Running: true,
		VersionNo: 1, CreatedAt: t0, UpdatedAt: t0, TriggerApplication: "salesforce", Applications: []string{"salesforce"},
		Config: []workato.RecipeConfig{{Keyword: "application", Name: "salesforce", Provider: "salesforce", AccountID: ptr[int64](sfConnID)}},
		Code:   `{"provider":"salesforce","keyword":"trigger"}`}
	if diff := cmp.Diff(sync, all[len(all)-1], cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("recipe %d (-want +got):\n%s", syncID, diff)
	}

	err = h.c.StartRecipe(h.ctx, acme, notifyID)
	var startErr *workato.RecipeStartError
	if !errors.As(err, &startErr) || !errors.Is(err, workato.ErrRefused) {
		t.Fatalf("StartRecipe(disconnected) = %v, want a *RecipeStartError", err)
	}
	want := []workato.StepError{{Step: 1, Label: "account_id", Value: "31", Message: "unconnected"}}
	if diff := cmp.Diff(want, startErr.ConfigErrors); diff != "" {
		t.Errorf("ConfigErrors (-want +got):\n%s", diff)
	}
	if got, want := err.Error(), "workato: start recipe 41: step 1: account_id 31: unconnected"; got != want {
		t.Errorf("error text = %q, want %q", got, want)
	}

	if err := h.c.StopRecipe(h.ctx, acme, syncID); err != nil {
		t.Fatal(err)
	}
	checkRunning(t, h, nil)
	if err := h.c.StartRecipe(h.ctx, acme, syncID); err != nil {
		t.Fatal(err)
	}
	checkRunning(t, h, []int64{syncID})
	wantAPIError(t, h.c.StartRecipe(h.ctx, acme, 999999), workato.ErrNotFound, http.StatusNotFound)
}

func TestContractRecipeFilters(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	tests := []struct {
		name string
		opt  workato.ListRecipesOptions
		want []int64
	}{
		{"folder_id", workato.ListRecipesOptions{FolderID: ptr[int64](integID)}, []int64{notifyID}},
		{"running", workato.ListRecipesOptions{Running: ptr(true), FolderID: ptr[int64](sfFolderID)}, []int64{syncID}},
		{"stop_cause", workato.ListRecipesOptions{StopCause: "trigger_errors_limit"}, []int64{notifyID}},
		{"stopped_after before the stop", workato.ListRecipesOptions{StoppedAfter: ptr(t0.Add(-2 * time.Hour))}, []int64{notifyID}},
		{"stopped_after after the stop", workato.ListRecipesOptions{StoppedAfter: ptr(t0)}, nil},
		{"adapter_names_any", workato.ListRecipesOptions{AdapterNamesAny: []string{"slack", "jira"}}, []int64{notifyID}},
		{"adapter_names_all", workato.ListRecipesOptions{AdapterNamesAll: []string{"salesforce"}}, []int64{syncID}},
		{"adapter_names_all unmet", workato.ListRecipesOptions{AdapterNamesAll: []string{"salesforce", "slack"}}, nil},
		{"since_id", workato.ListRecipesOptions{SinceID: 3000}, []int64{notifyID, syncID}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := h.c.ListRecipes(h.ctx, workato.ByID(acmeID), tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, recipeIDs(got)); diff != "" {
				t.Errorf("ListRecipes ids (-want +got):\n%s", diff)
			}
		})
	}
}

func checkRunning(t *testing.T, h *harness, want []int64) {
	t.Helper()
	got, err := h.c.ListRecipes(h.ctx, workato.ByID(acmeID), workato.ListRecipesOptions{Running: ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, recipeIDs(got)); diff != "" {
		t.Errorf("running recipes (-want +got):\n%s", diff)
	}
}

func recipeIDs(rs []workato.Recipe) []int64 {
	var ids []int64
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	return ids
}

// buildPackage zips a folder with a connection and a recipe that uses it,
// laid out as Workato exports them. description varies the recipe.
func buildPackage(t testing.TB, description string) []byte {
	t.Helper()
	files := []struct{ name, body string }{
		{"Imported/", ""},
		{"Imported/crm.connection.json", `{"name": "CRM", "provider": "salesforce", "root_folder": false}`},
		{"Imported/sync_leads.recipe.json", `{"name": "Sync leads", "description": "` + description + `", "version": 1,
		  "code": {"number": 0, "provider": "salesforce", "name": "new_lead", "as": "t", "keyword": "trigger", "input": {}},
		  "config": [{"keyword": "application", "provider": "salesforce", "skip_validation": false,
		    "account_id": {"zip_name": "Imported/crm.connection.json", "name": "CRM", "folder": "Imported"}}]}`},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(f.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (h *harness) importPackage(t *testing.T, description string, opt workato.ImportOptions) (*workato.Import, error) {
	t.Helper()
	started, err := h.c.ImportPackage(h.ctx, workato.ByID(acmeID), integID, bytes.NewReader(buildPackage(t, description)), opt)
	if err != nil {
		t.Fatalf("ImportPackage: %v", err)
	}
	if started.OperationType != "import" || started.Status != "in_progress" {
		t.Errorf("ImportPackage = %+v, want an import in_progress", started)
	}
	return h.c.WaitImport(h.ctx, workato.ByID(acmeID), started.ID, 5*time.Millisecond, 10*time.Second)
}

func TestContractImport(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	acme := workato.ByID(acmeID)
	imp, err := h.importPackage(t, "v1", workato.ImportOptions{})
	if err != nil {
		t.Fatalf("WaitImport: %v", err)
	}
	folders, err := h.c.ListFolders(h.ctx, acme, ptr[int64](integID))
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(folders, func(f workato.Folder) bool { return f.Name == "Imported" })
	if i < 0 {
		t.Fatalf("folders under Integrations = %+v, want Imported", folders)
	}
	dir := folders[i].ID
	conns, err := h.c.ListConnections(h.ctx, acme, workato.ListConnectionsOptions{FolderID: ptr(dir)})
	if err != nil {
		t.Fatal(err)
	}
	if len(conns) != 1 || conns[0].Name != "CRM" || conns[0].AuthorizationStatus != nil {
		t.Fatalf("imported connections = %+v, want CRM, disconnected", conns)
	}
	recipes, err := h.c.ListRecipes(h.ctx, acme, workato.ListRecipesOptions{FolderID: ptr(dir)})
	if err != nil {
		t.Fatal(err)
	}
	if len(recipes) != 1 || recipes[0].Config[0].AccountID == nil || *recipes[0].Config[0].AccountID != conns[0].ID {
		t.Fatalf("imported recipes = %+v, want Sync leads bound to connection %d", recipes, conns[0].ID)
	}
	recipeID := recipes[0].ID
	want := &workato.Import{ID: imp.ID, OperationType: "import", Status: "completed",
		RecipeStatus: []workato.RecipeImportStatus{{ID: recipeID, ImportResult: "no_update_or_updated_without_restart"}}}
	if diff := cmp.Diff(want, imp); diff != "" {
		t.Errorf("WaitImport (-want +got):\n%s", diff)
	}

	// Authorize the imported connection, start the recipe, then change it.
	if _, err := h.c.UpdateConnection(h.ctx, acme, conns[0].ID, workato.ConnectionUpdate{Input: map[string]any{"password": "pw-ok-1"}}); err != nil {
		t.Fatal(err)
	}
	if err := h.c.StartRecipe(h.ctx, acme, recipeID); err != nil {
		t.Fatal(err)
	}
	imp, err = h.importPackage(t, "v2", workato.ImportOptions{})
	var impErr *workato.ImportError
	if !errors.As(err, &impErr) || impErr.Status != "failed" || !strings.Contains(impErr.Message, "restart_recipes") || imp.Status != "failed" {
		t.Fatalf("import over a running recipe without restart_recipes = %+v, %v; want a failed import", imp, err)
	}
	imp, err = h.importPackage(t, "v2", workato.ImportOptions{RestartRecipes: true})
	if err != nil {
		t.Fatalf("import with restart_recipes: %v", err)
	}
	if diff := cmp.Diff([]workato.RecipeImportStatus{{ID: recipeID, ImportResult: "restarted"}}, imp.RecipeStatus); diff != "" {
		t.Errorf("recipe_status with restart_recipes (-want +got):\n%s", diff)
	}
}
