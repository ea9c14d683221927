package main

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/internal/workato"
	"github.com/workato-gitops/workato-gitops/schemas"
)

// TestRateLimitClassesMatchClient: the config may name exactly the
// client's rate classes.
func TestRateLimitClassesMatchClient(t *testing.T) {
	t.Parallel()
	data, err := schemas.FS.ReadFile(schemas.Config)
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Properties struct {
			RateLimits struct {
				PropertyNames struct {
					Enum []string `json:"enum"`
				} `json:"propertyNames"`
			} `json:"rateLimits"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	var classes []string
	for c := range workato.DefaultLimits() {
		classes = append(classes, string(c))
	}
	slices.Sort(classes)
	got := slices.Sorted(slices.Values(s.Properties.RateLimits.PropertyNames.Enum))
	if diff := cmp.Diff(classes, got); diff != "" {
		t.Errorf("rateLimits classes (-client +schema):\n%s", diff)
	}
}
