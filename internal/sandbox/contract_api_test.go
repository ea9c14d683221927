package sandbox_test

// Contract tests for the points where the first client and sandbox agreed
// with each other but not with Workato's public documentation (issue 10).

import (
	"errors"
	"testing"

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
