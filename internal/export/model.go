package export

import "github.com/workato-gitops/workato-gitops/internal/plan"

// Tenant is one tenant as export writes it: plain data read from the API,
// rendered by Render. Everything is already sorted.
type Tenant struct {
	Name       string // metadata.name
	CustomerID int64  // the header says where it came from
	ExternalID string
	// Sections hold every exported kind's objects, in plan.AllKinds
	// order; a kind without objects has an empty one.
	Sections []Section
	Skipped  []string // what could not be exported, and why
}

// Count is how many objects of kind k the tenant holds.
func (t *Tenant) Count(k plan.Kind) int {
	for _, s := range t.Sections {
		if s.Kind == k {
			return len(s.Objects)
		}
	}
	return 0
}
