package sandbox_test

// Contract tests for the points where the first client and sandbox agreed
// with each other but not with Workato's public documentation (issue 10).

import (
	"archive/zip"
	"bytes"
	"errors"
	"maps"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/internal/sandbox"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// A config_errors entry may be a plain string; it must reach the caller.
func TestStartRefusalWithStringConfigError(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	acme := workato.ByID(acmeID)
	seed := contractSeed()
	seed.Customers[0].Recipes[1].Config[0].AccountID = sfConnID // a salesforce connection for slack
	if err := h.srv.LoadSeed(jsonReader(t, seed)); err != nil {
		t.Fatal(err)
	}
	err := h.c.StartRecipe(h.ctx, acme, notifyID)
	var se *workato.RecipeStartError
	if !errors.As(err, &se) {
		t.Fatalf("StartRecipe = %v, want a *RecipeStartError", err)
	}
	want := []workato.StepError{{Step: workato.NoStep, Message: "Connection ACME Salesforce is not a slack connection"}}
	if diff := cmp.Diff(want, se.ConfigErrors); diff != "" {
		t.Errorf("ConfigErrors (-want +got):\n%s", diff)
	}
}

// Recipes have their own documented budgets: 2,000/min for the list,
// 1,000/min for the rest, in both the client and the sandbox.
func TestRecipeRateClasses(t *testing.T) {
	cl, sl := workato.DefaultLimits(), sandbox.DefaultLimits()
	for _, tc := range []struct {
		method, path string
		class        workato.Class
		sandbox      string
		perMin       int
	}{
		{"GET", "/api/managed_users/10/recipes", workato.ClassRecipesList, sandbox.ClassRecipesList, 2000},
		{"PUT", "/api/managed_users/10/recipes/40/start", workato.ClassRecipes, sandbox.ClassRecipes, 1000},
		{"GET", "/api/managed_users/10/recipes/40", workato.ClassRecipes, sandbox.ClassRecipes, 1000},
	} {
		if got := workato.ClassOf(tc.method, tc.path); got != tc.class {
			t.Errorf("ClassOf(%s %s) = %s, want %s", tc.method, tc.path, got, tc.class)
		}
		if l := cl[tc.class]; l.Requests != tc.perMin || l.Per != time.Minute {
			t.Errorf("client limit of %s = %+v, want %d/min", tc.class, l, tc.perMin)
		}
		if l := sl[tc.sandbox]; l.Requests != tc.perMin || l.Per != time.Minute {
			t.Errorf("sandbox limit of %s = %+v, want %d/min", tc.sandbox, l, tc.perMin)
		}
	}
	h := newHarness(t, sandbox.Options{})
	if _, err := h.c.ListRecipes(h.ctx, workato.ByID(acmeID), workato.ListRecipesOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := h.srv.Stats().Requests["GET /managed_users/:id/recipes"]; got == 0 {
		t.Errorf("sandbox saw no recipes list calls")
	}
}

// The newer docs address the input schema by connection id; both forms
// answer the same fields.
func TestInputSchemaByConnectionID(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	acme := workato.ByID(acmeID)
	byID, err := h.c.ConnectionIDInputSchema(h.ctx, acme, sfConnID)
	if err != nil {
		t.Fatal(err)
	}
	byProvider, err := h.c.InputSchema(h.ctx, acme, "salesforce")
	if err != nil {
		t.Fatal(err)
	}
	if len(byID) == 0 {
		t.Fatal("no fields by connection id")
	}
	if diff := cmp.Diff(byProvider, byID); diff != "" {
		t.Errorf("schema by connection id differs from the provider's (-provider +id):\n%s", diff)
	}
	got, err := h.c.InputSchemaFor(h.ctx, acme, "salesforce", 999999)
	if err != nil || len(got) == 0 {
		t.Errorf("InputSchemaFor an unknown connection id = %v, %v; want the provider's schema", got, err)
	}
}

// A project is deleted through the projects endpoint by its project id;
// the folders endpoint does not delete it, and its 404 must not pass for
// "already gone".
func TestProjectDelete(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	acme := workato.ByID(acmeID)
	top, err := h.c.ListFolders(h.ctx, acme, nil)
	if err != nil {
		t.Fatal(err)
	}
	var integ workato.Folder
	for _, f := range top {
		if f.ID == integID {
			integ = f
		}
	}
	if !integ.IsProject || integ.ProjectID == nil || *integ.ProjectID != integProj {
		t.Fatalf("folder Integrations = %+v, want a project with project_id %d", integ, integProj)
	}
	// The folders endpoint refuses a project, in a way that looks like a 404.
	wantAPIError(t, h.c.DeleteFolder(h.ctx, acme, integID), workato.ErrNotFound, http.StatusNotFound)
	// The folder id is not a project id.
	wantAPIError(t, h.c.DeleteProject(h.ctx, acme, integID), workato.ErrNotFound, http.StatusNotFound)
	// A project with a running recipe is refused.
	wantAPIError(t, h.c.DeleteProject(h.ctx, acme, integProj), workato.ErrAuth, http.StatusForbidden)
	if err := h.c.StopRecipe(h.ctx, acme, syncID); err != nil {
		t.Fatal(err)
	}
	if err := h.c.RemoveFolder(h.ctx, acme, integ); err != nil {
		t.Fatalf("RemoveFolder(project): %v", err)
	}
	projects, err := h.c.ListProjects(h.ctx, acme)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range projects {
		if p.ID == integProj {
			t.Errorf("project %d still listed after RemoveFolder", integProj)
		}
	}
	// Everything inside went with it.
	conns, err := h.c.ListConnections(h.ctx, acme, workato.ListConnectionsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range conns {
		if c.FolderID == integID || c.FolderID == sfFolderID {
			t.Errorf("connection %d %q survived its project", c.ID, c.Name)
		}
	}
	// Removing it again is done: the 404 is confirmed by the list.
	if err := h.c.RemoveFolder(h.ctx, acme, integ); err != nil {
		t.Errorf("RemoveFolder on a gone project: %v", err)
	}
}

// A 404 from the folders endpoint on a project that still exists is an
// error, not success.
func TestRemoveFolderDoesNotTrustA404(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	acme := workato.ByID(acmeID)
	// A folder value that claims not to be a project (a stale or wrong
	// read) is sent to the folders endpoint, which answers 404.
	wrong := workato.Folder{ID: bulkID, Name: "Bulk"}
	err := h.c.RemoveFolder(h.ctx, acme, wrong)
	if !errors.Is(err, workato.ErrStillExists) {
		t.Fatalf("RemoveFolder(project as a plain folder) = %v, want ErrStillExists", err)
	}
}

// folder_id_for_home_assets is required for a package with root-folder
// assets, and for every package once Home assets became a project.
func TestImportNeedsFolderForHomeAssets(t *testing.T) {
	rooted := func(t *testing.T) []byte {
		return zipFiles(t, map[string]string{
			"shared.connection.json": `{"name": "Shared", "provider": "slack", "root_folder": true}`,
		})
	}
	plain := func(t *testing.T) []byte { return buildPackage(t, "v1") }
	for _, tc := range []struct {
		name        string
		homeProject bool
		pkg         func(*testing.T) []byte
		needs       bool
	}{
		{"root-folder asset", false, rooted, true},
		{"no root-folder asset", false, plain, false},
		{"home assets project", true, plain, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, sandbox.Options{})
			seed := contractSeed()
			seed.Customers[0].HomeAssetsProject = tc.homeProject
			if err := h.srv.LoadSeed(jsonReader(t, seed)); err != nil {
				t.Fatal(err)
			}
			acme := workato.ByID(acmeID)
			_, err := h.c.ImportPackage(h.ctx, acme, integID, bytes.NewReader(tc.pkg(t)), workato.ImportOptions{})
			if tc.needs {
				e := wantAPIError(t, err, workato.ErrValidation, http.StatusUnprocessableEntity)
				if e != nil && len(e.FieldErrors["folder_id_for_home_assets"]) == 0 {
					t.Errorf("field errors = %v, want folder_id_for_home_assets", e.FieldErrors)
				}
			} else if err != nil {
				t.Fatalf("import without folder_id_for_home_assets: %v", err)
			}
			home := int64(sfFolderID)
			started, err := h.c.ImportPackage(h.ctx, acme, integID, bytes.NewReader(tc.pkg(t)),
				workato.ImportOptions{FolderIDForHomeAssets: &home})
			if err != nil {
				t.Fatalf("import with folder_id_for_home_assets: %v", err)
			}
			if _, err := h.c.WaitImport(h.ctx, acme, started.ID, time.Millisecond, 10*time.Second); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func zipFiles(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(files[name])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A customer with Environments provisioned lists TEST and PROD ids in
// environments; its own id is DEV, and each environment is a workspace of
// its own.
func TestEnvironments(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	seed := contractSeed()
	seed.Customers = append(seed.Customers,
		sandbox.Customer{ID: 50, Name: "ACME Corp (test)", EnvironmentOf: acmeID, EnvironmentType: "test", HomeFolderID: 51,
			Folders: []sandbox.Folder{{ID: 52, ProjectID: 53, Name: "Integrations"}}},
		sandbox.Customer{ID: 60, Name: "ACME Corp (prod)", EnvironmentOf: acmeID, EnvironmentType: "prod", HomeFolderID: 61})
	if err := h.srv.LoadSeed(jsonReader(t, seed)); err != nil {
		t.Fatal(err)
	}
	customers, err := h.c.ListCustomers(h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(customers) != 2 {
		t.Fatalf("ListCustomers = %d customers, want 2 (environments are not customers)", len(customers))
	}
	acme := customers[0]
	want := workato.Environments{{Type: "test", ID: 50}, {Type: "prod", ID: 60}}
	if diff := cmp.Diff(want, acme.Environments); diff != "" {
		t.Errorf("environments (-want +got):\n%s", diff)
	}
	for env, id := range map[string]int64{"dev": acmeID, "DEV": acmeID, "test": 50, "production": 60} {
		if got, ok := acme.WorkspaceID(env); !ok || got != id {
			t.Errorf("WorkspaceID(%q) = %d, %v; want %d", env, got, ok, id)
		}
	}
	if id, ok := customers[1].WorkspaceID("test"); ok {
		t.Errorf("a customer without environments has a TEST workspace %d", id)
	}
	folders, err := h.c.ListFolders(h.ctx, workato.ByID(50), nil)
	if err != nil || len(folders) != 1 || folders[0].ID != 52 {
		t.Errorf("folders of the TEST workspace = %+v, %v; want Integrations (52)", folders, err)
	}
}

// The connectors catalogue is read once per client (one run, one fleet),
// and agrees with what connection create accepts.
func TestConnectorCatalogOncePerRun(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	var cat *workato.Catalog
	for range 3 {
		var err error
		if cat, err = h.c.ConnectorCatalog(h.ctx); err != nil {
			t.Fatal(err)
		}
	}
	st := h.srv.Stats()
	pages := (cat.Len() + 99) / 100
	if got := st.Requests["GET /integrations/all"]; got != pages {
		t.Errorf("catalogue read with %d requests over 3 calls, want %d (one read)", got, pages)
	}
	if !cat.Has("salesforce") || cat.Has("salesforse") {
		t.Errorf("Has(salesforce) = %v, Has(salesforse) = %v", cat.Has("salesforce"), cat.Has("salesforse"))
	}
	if got, ok := cat.Suggest("Salesforse"); !ok || got != "salesforce" {
		t.Errorf("Suggest(Salesforse) = %q, %v; want salesforce", got, ok)
	}
	if got, ok := cat.Suggest("zzzzzzzzzz"); ok {
		t.Errorf("Suggest(zzzzzzzzzz) = %q, want no suggestion", got)
	}
	// What the catalogue lacks, connection create refuses.
	_, err := h.c.CreateConnection(h.ctx, workato.ByID(acmeID), workato.ConnectionCreate{Name: "X", Provider: "salesforse", FolderID: ptr[int64](integID)})
	wantAPIError(t, err, workato.ErrValidation, http.StatusBadRequest)
}
