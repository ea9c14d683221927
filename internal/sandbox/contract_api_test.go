package sandbox_test

// Contract tests for the points where the first client and sandbox agreed
// with each other but not with Workato's public documentation (issue 10).

import (
	"errors"
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
