package apply

import (
	"strings"
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// TestCheckWorkspaceIDs: environment ids come from the API; an answer
// that would send two environments to one workspace, TEST or PROD to DEV,
// or an environment into another customer's workspace is refused.
func TestCheckWorkspaceIDs(t *testing.T) {
	customers := map[string]*workato.Customer{"1": {ID: 1, ExternalID: "A"}, "7": {ID: 7, ExternalID: "OTHER"}}
	envs := []string{"dev", "test", "prod"}
	for _, tc := range []struct {
		name string
		ids  map[string]int64
		want string
	}{
		{"distinct", map[string]int64{"test": 2, "prod": 3}, ""},
		{"test and prod share", map[string]int64{"test": 2, "prod": 2}, "test and prod have the same workspace #2"},
		{"prod is dev", map[string]int64{"test": 2, "prod": 1}, "environment prod has the customer's own (DEV) workspace id"},
		{"another customer", map[string]int64{"test": 7, "prod": 3}, "workspace #7, which is another customer (OTHER)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lc := &plan.LiveCustomer{ID: 1, Environments: tc.ids}
			err := CheckWorkspaceIDs(lc, envs, customers)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
