package export

import (
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/plan"
)

// TestEveryKindIsExported: each kind of plan.AllKinds has an exporter, or
// its plan descriptor says why export writes none; never both, and
// nothing else is in the table.
func TestEveryKindIsExported(t *testing.T) {
	n := 0
	for _, k := range plan.AllKinds {
		x, ok := exporters[k]
		why := plan.NotExported(k)
		switch {
		case ok && why != "":
			t.Errorf("kind %q has an exporter and says it is not exported (%s)", k, why)
		case !ok && why == "":
			t.Errorf("kind %q has no exporter: add one to exporters, or say why not in its plan descriptor (notExported)", k)
		case ok && x.write == nil:
			t.Errorf("kind %q: its exporter writes nothing", k)
		}
		if ok {
			n++
		}
	}
	if n != len(exporters) {
		t.Errorf("exporters has %d kinds, %d of them in plan.AllKinds", len(exporters), n)
	}
}
