package sandbox

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Field sets from the API pages in /work/shared/seeds and the reference.
var (
	// seed 001 (current Embedded connections page), list item.
	connectionSampleKeys = []string{"authorization_error", "authorization_status", "authorized_at",
		"connection_lost_at", "connection_lost_reason", "created_at", "external_id", "folder_id",
		"id", "identity", "name", "parent_id", "provider", "tags", "updated_at"}
	// reference §6, list-folders response plus the [SPEC] folder fields.
	folderKeys = []string{"created_at", "id", "is_project", "name", "parent_id", "project_id", "updated_at"}
	// reference §6, list-projects response.
	projectKeys = []string{"description", "folder_id", "id", "name"}
	// reference §5, old create-customer response.
	customerSampleKeys = []string{"created_at", "external_id", "id", "in_trial", "name",
		"notification_email", "origin_url", "plan_id", "updated_at"}
	memberKeys = []string{"email", "external_id", "grant_type", "id", "name", "role_name", "time_zone"}
	// reference §9, recipe object (the fields the sandbox models).
	recipeSampleKeys = []string{"code", "config", "created_at", "description", "folder_id", "id",
		"last_run_at", "name", "running", "stop_cause", "stopped_at", "updated_at", "user_id", "version_no"}
)

// TestEndpointShapes checks every endpoint's status and the fields of its
// answer against the documented samples.
func TestEndpointShapes(t *testing.T) {
	tests := []struct {
		name, method, path string
		body               any
		status             int
		// first is how to reach the object whose keys are checked.
		first    func(t *testing.T, v any) map[string]any
		wantKeys []string // must all be present
		exact    bool     // and nothing else
	}{
		{"list customers", "GET", "/managed_users", nil, 200, firstResult, customerSampleKeys, false},
		{"get customer by id", "GET", "/managed_users/98178", nil, 200, self, customerSampleKeys, false},
		{"get customer by external id", "GET", "/managed_users/EA2300", nil, 200, self, customerSampleKeys, false},
		{"unknown customer", "GET", "/managed_users/E404", nil, 404, self, []string{"message"}, true},
		{"create customer", "POST", "/managed_users", map[string]any{"name": "Beta", "notification_email": "b@x"}, 200, self, customerSampleKeys, false},
		{"create customer invalid", "POST", "/managed_users", map[string]any{}, 400, self, []string{"errors", "message"}, true},
		{"update customer", "PUT", "/managed_users/98178", map[string]any{"name": "ACME Inc"}, 200, self, customerSampleKeys, false},
		{"list members", "GET", "/managed_users/98178/members", nil, 200, firstItem, memberKeys, true},
		{"add member", "POST", "/managed_users/98178/members", map[string]any{"name": "N", "email": "n@x", "role_name": "Analyst"}, 200, self, memberKeys, true},
		{"remove member", "DELETE", "/managed_users/98178/members/77", nil, 200, self, []string{"success"}, true},
		{"remove unknown member", "DELETE", "/managed_users/98178/members/1", nil, 404, self, []string{"message"}, true},
		{"list folders", "GET", "/managed_users/98178/folders", nil, 200, firstResult, folderKeys, true},
		{"create folder", "POST", "/managed_users/98178/folders", map[string]any{"name": "New", "parent_id": "1789"}, 200, self, folderKeys, true},
		{"update folder", "PUT", "/managed_users/98178/folders/1790", map[string]any{"name": "SFDC"}, 200, self, folderKeys, true},
		{"list projects", "GET", "/managed_users/98178/projects", nil, 200, firstResult, projectKeys, true},
		{"list connections with tags", "GET", "/managed_users/98178/connections?includes[]=tags", nil, 200, firstResult, connectionSampleKeys, false},
		{"create connection", "POST", "/managed_users/98178/connections", map[string]any{"name": "J", "provider": "jira", "folder_id": 1790}, 200, self, without(connectionSampleKeys, "tags"), false},
		{"create connection invalid", "POST", "/managed_users/98178/connections", map[string]any{"provider": "nope"}, 400, self, []string{"errors", "message"}, true},
		{"update connection", "PUT", "/managed_users/98178/connections/37", map[string]any{"name": "Sheets"}, 200, self, without(connectionSampleKeys, "tags"), false},
		{"disconnect connection", "POST", "/managed_users/98178/connections/37/disconnect", nil, 200, self, []string{"result"}, true},
		{"delete connection", "DELETE", "/managed_users/98178/connections/37", nil, 200, self, []string{"result"}, true},
		{"delete unknown connection", "DELETE", "/managed_users/98178/connections/99999", nil, 404, self, []string{"message"}, true},
		{"list properties", "GET", "/managed_users/98178/properties?prefix=workato_gitops.", nil, 200, self, []string{"result"}, true},
		{"upsert properties", "POST", "/managed_users/98178/properties", map[string]any{"properties": map[string]string{"a": "b"}}, 200, self, []string{"success"}, true},
		{"list recipes", "GET", "/managed_users/98178/recipes", nil, 200, firstResult, recipeSampleKeys, false},
		{"get recipe", "GET", "/managed_users/98178/recipes/500", nil, 200, self, recipeSampleKeys, false},
		{"stop recipe", "PUT", "/managed_users/98178/recipes/500/stop", nil, 200, self, []string{"success"}, true},
		{"start recipe", "PUT", "/managed_users/98178/recipes/501/start", nil, 200, self, []string{"success"}, true},
		{"import status unknown", "GET", "/managed_users/98178/imports/1", nil, 404, self, []string{"message"}, true},
		{"connectors", "GET", "/integrations/all?per_page=5", nil, 200, self, []string{"count", "items", "page", "per_page"}, true},
		{"unknown route", "GET", "/nothing/here", nil, 404, self, []string{"message"}, true},
		{"bad paging", "GET", "/managed_users?page=x", nil, 400, self, []string{"message"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, Options{}, acmeSeed)
			v := e.json(tt.method, tt.path, tt.body, tt.status)
			got := keys(tt.first(t, v))
			if tt.exact {
				if diff := cmp.Diff(tt.wantKeys, got); diff != "" {
					t.Errorf("keys (-want +got):\n%s", diff)
				}
				return
			}
			for _, k := range tt.wantKeys {
				if !slices.Contains(got, k) {
					t.Errorf("missing field %q in %v", k, got)
				}
			}
		})
	}
}

func self(t *testing.T, v any) map[string]any { return obj(t, v) }

func firstResult(t *testing.T, v any) map[string]any {
	list := result(t, v)
	if len(list) == 0 {
		t.Fatal("empty result")
	}
	return obj(t, list[0])
}

func firstItem(t *testing.T, v any) map[string]any {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		t.Fatalf("want a non-empty array, got %v", v)
	}
	return obj(t, list[0])
}

func without(ks []string, drop string) []string {
	return slices.DeleteFunc(slices.Clone(ks), func(k string) bool { return k == drop })
}

// TestDocumentedBodies compares whole bodies the docs print verbatim.
func TestDocumentedBodies(t *testing.T) {
	e := newEnv(t, Options{}, acmeSeed)
	tests := []struct {
		name, method, path string
		status             int
		want               string
	}{
		{"delete refused", "DELETE", "/managed_users/98178/connections/36", 200,
			`{"success":false,"status":"rejected","message":"You can't delete a connection used by active recipes"}`},
		{"disconnect", "POST", "/managed_users/98178/connections/37/disconnect", 200,
			`{"result":{"success":true,"status":"disconnected"}}`},
		{"disconnect again is a no-op", "POST", "/managed_users/98178/connections/37/disconnect", 200,
			`{"result":{"success":true,"status":"disconnected"}}`},
		{"delete", "DELETE", "/managed_users/98178/connections/37", 200,
			`{"result":{"success":true,"status":"deleted"}}`},
		{"deleted is not found", "DELETE", "/managed_users/98178/connections/37", 404, `{"message":"Not found"}`},
		{"disconnect unknown", "POST", "/managed_users/98178/connections/37/disconnect", 404, `{"message":"Not found"}`},
		{"stop", "PUT", "/managed_users/98178/recipes/500/stop", 200, `{"success":true}`},
		{"start refused", "PUT", "/managed_users/98178/recipes/501/start", 200,
			`{"success":false,"code_errors":[],"config_errors":[[1,[["account_id",37,"unconnected",
			{"key":"packages.recipe_source_code.flow_validations.errors.config_unconnected"}]]]]}`},
		{"properties", "GET", "/managed_users/98178/properties?prefix=workato_gitops.", 200,
			`{"result":{"workato_gitops.owner":"platform"}}`},
	}
	for _, tt := range tests {
		status, raw := e.call(tt.method, tt.path, nil)
		if status != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, status, tt.status)
		}
		var got, want any
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
			t.Fatalf("%s: bad want: %v", tt.name, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}
