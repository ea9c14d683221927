package export_test

import (
	"testing"

	_ "github.com/workato-gitops/workato-gitops/internal/apply" // registers every kind's export part
	"github.com/workato-gitops/workato-gitops/internal/export"
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// TestEveryKindIsExported: each kind of plan.AllKinds registers its
// export part (from its file in internal/apply), or its plan descriptor
// says why export writes none; never both. A list kind writes under its
// manifest list's key, the single customer under a key that is no list's.
func TestEveryKindIsExported(t *testing.T) {
	for _, k := range plan.AllKinds {
		x, ok := export.Registered(k)
		why := plan.NotExported(k)
		switch {
		case ok && why != "":
			t.Errorf("kind %q registers an export part and says it is not exported (%s)", k, why)
		case !ok && why == "":
			t.Errorf("kind %q has no export part: register one from its file in internal/apply (export.Register), or say why not in its plan descriptor (notExported)", k)
		case !ok:
		case x.Single && spec.ListField(string(k)) != "":
			t.Errorf("kind %q is a list in the manifest (%s), not a single mapping", k, spec.ListField(string(k)))
		case !x.Single && x.Field != spec.ListField(string(k)):
			t.Errorf("kind %q writes under %q, but the manifest lists it under %q", k, x.Field, spec.ListField(string(k)))
		}
	}
	if _, err := export.Kinds(); err != nil {
		t.Error(err)
	}
}
