package workato

import (
	"bytes"
	"context"
	"net/url"
	"testing"
	"time"
)

// assetCases covers connections, properties, recipes, imports and connectors.
func assetCases(t *testing.T, acme CustomerRef, pageOne url.Values, zip []byte) []endpointCase {
	const js = "application/json"
	input := map[string]any{"host_name": "acme.atlassian.net", "api_token_auth": "true", "email": "[email protected]", "apitoken": "XXXXXXXX"}
	stoppedAfter := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	return []endpointCase{
		{
			name: "ListConnections with every filter",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListConnections(ctx, acme, ListConnectionsOptions{
					Provider: "salesforce", FolderID: ptr(int64(4515)), ParentID: ptr(int64(22316)), ExternalID: "U12904",
					IncludeRuntimeConnections: true, IncludeTags: true,
				})
			},
			method: "GET", path: "/api/managed_users/98178/connections",
			query: url.Values{"provider": {"salesforce"}, "folder_id": {"4515"}, "parent_id": {"22316"}, "external_id": {"U12904"},
				"include_runtime_connections": {"true"}, "includes[]": {"tags"}},
			reply: "connections_list.json", want: wantConnections(t),
		},
		{
			name: "ListConnections from the 2019 page: bare array, application",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListConnections(ctx, acme, ListConnectionsOptions{})
			},
			method: "GET", path: "/api/managed_users/98178/connections",
			reply: "connections_list_2019.json", want: wantConnections2019(t),
		},
		{
			name: "CreateConnection shell",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateConnection(ctx, acme, ConnectionCreate{Name: "jira_connection", Provider: "jira", FolderID: ptr(int64(1892)), ExternalID: "128904", ShellConnection: true})
			},
			method: "POST", path: "/api/managed_users/98178/connections", contentType: js,
			body:  `{"name":"jira_connection","provider":"jira","folder_id":1892,"external_id":"128904","shell_connection":true}`,
			reply: "connection_created.json", want: wantCreatedConnection(t),
		},
		{
			name: "CreateConnection with credentials",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateConnection(ctx, acme, ConnectionCreate{Name: "jira_connection", Provider: "jira", Input: input})
			},
			method: "POST", path: "/api/managed_users/98178/connections", contentType: js,
			body:  `{"name":"jira_connection","provider":"jira","input":{"host_name":"acme.atlassian.net","api_token_auth":"true","email":"[email protected]","apitoken":"XXXXXXXX"}}`,
			reply: "connection_created.json", want: wantCreatedConnection(t),
		},
		{
			name: "UpdateConnection sends only set fields",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.UpdateConnection(ctx, acme, 1678, ConnectionUpdate{Name: ptr("jira_connection_latest"), FolderID: ptr(int64(28940)), Input: input})
			},
			method: "PUT", path: "/api/managed_users/98178/connections/1678", contentType: js,
			body:  `{"name":"jira_connection_latest","folder_id":28940,"input":{"host_name":"acme.atlassian.net","api_token_auth":"true","email":"[email protected]","apitoken":"XXXXXXXX"}}`,
			reply: "connection_created.json", want: wantCreatedConnection(t),
		},
		{
			name: "DisconnectConnection forced",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.DisconnectConnection(ctx, acme, 1678, true)
			},
			method: "POST", path: "/api/managed_users/98178/connections/1678/disconnect", query: url.Values{"force": {"true"}},
			reply: "connection_disconnected.json",
		},
		{
			name: "DisconnectConnection",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.DisconnectConnection(ctx, acme, 1678, false)
			},
			method: "POST", path: "/api/managed_users/98178/connections/1678/disconnect",
			reply: "connection_disconnected.json",
		},
		{
			name:   "DeleteConnection",
			call:   func(ctx context.Context, c *Client) (any, error) { return nil, c.DeleteConnection(ctx, acme, 1678) },
			method: "DELETE", path: "/api/managed_users/98178/connections/1678", reply: "connection_deleted.json",
		},
		{
			name: "ListProperties",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListProperties(ctx, ByID(19029), "salesforce_sync.")
			},
			method: "GET", path: "/api/managed_users/19029/properties", query: url.Values{"prefix": {"salesforce_sync."}},
			reply: "properties_list.json",
			want:  map[string]string{"salesforce_sync.object_name": "Account", "salesforce_sync.object_field": "Id"},
		},
		{
			name: "UpsertProperties",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.UpsertProperties(ctx, ByID(19029), map[string]string{"zendesk.object": "Ticket", "zendesk.key": "ticket_id"})
			},
			method: "POST", path: "/api/managed_users/19029/properties", contentType: js,
			body: `{"properties": {"zendesk.object": "Ticket", "zendesk.key": "ticket_id"}}`, reply: "properties_upserted.json",
		},
		{
			name: "ListRecipes with filters",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListRecipes(ctx, acme, ListRecipesOptions{FolderID: ptr(int64(1789)), Running: ptr(true), SinceID: 10,
					StoppedAfter: &stoppedAfter, StopCause: "trigger_errors_limit", AdapterNamesAny: []string{"salesforce", "slack"}, AdapterNamesAll: []string{"clock"}})
			},
			method: "GET", path: "/api/managed_users/98178/recipes",
			query: url.Values{"page": {"1"}, "per_page": {"100"}, "folder_id": {"1789"}, "running": {"true"}, "since_id": {"10"},
				"stopped_after": {"2024-05-01T00:00:00Z"}, "stop_cause": {"trigger_errors_limit"},
				"adapter_names_any": {"salesforce,slack"}, "adapter_names_all": {"clock"}},
			reply: "recipes_list.json", want: wantRecipes(t),
		},
		{
			name:   "StartRecipe",
			call:   func(ctx context.Context, c *Client) (any, error) { return nil, c.StartRecipe(ctx, acme, 1913515) },
			method: "PUT", path: "/api/managed_users/98178/recipes/1913515/start", reply: "recipe_started.json",
		},
		{
			name:   "StopRecipe",
			call:   func(ctx context.Context, c *Client) (any, error) { return nil, c.StopRecipe(ctx, acme, 1913515) },
			method: "PUT", path: "/api/managed_users/98178/recipes/1913515/stop", reply: "recipe_started.json",
		},
		{
			name: "ImportPackage sends the raw zip",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ImportPackage(ctx, acme, 1789, bytes.NewReader(zip), ImportOptions{RestartRecipes: true, IncludeTags: true, FolderIDForHomeAssets: ptr(int64(55))})
			},
			method: "POST", path: "/api/managed_users/98178/imports",
			query:   url.Values{"folder_id": {"1789"}, "restart_recipes": {"true"}, "include_tags": {"true"}, "folder_id_for_home_assets": {"55"}},
			rawBody: zip, contentType: "application/octet-stream",
			reply: "import_started.json", want: &Import{ID: 251, OperationType: "import", Status: "in_progress"},
		},
		{
			name: "ImportPackage without options",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ImportPackage(ctx, ByExternalID("A2300"), 1789, bytes.NewReader(zip), ImportOptions{})
			},
			method: "POST", path: "/api/managed_users/EA2300/imports", query: url.Values{"folder_id": {"1789"}},
			rawBody: zip, contentType: "application/octet-stream",
			reply: "import_started.json", want: &Import{ID: 251, OperationType: "import", Status: "in_progress"},
		},
		{
			name:   "GetImport",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.GetImport(ctx, acme, 198) },
			method: "GET", path: "/api/managed_users/98178/imports/198",
			reply: "import_completed.json",
			want: &Import{ID: 198, OperationType: "import", Status: "completed", Error: "<message when failed>",
				RecipeStatus: []RecipeImportStatus{{ID: 12345, ImportResult: "no_update_or_updated_without_restart"}}},
		},
		{
			name:   "ListConnectors",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.ListConnectors(ctx) },
			method: "GET", path: "/api/integrations/all", query: pageOne,
			reply: "connectors_page.json", want: wantConnectors(),
		},
	}
}

func wantConnections(t *testing.T) []Connection {
	at := ts(t, "2015-05-26T22:53:52.528Z")
	created := ts(t, "2015-05-26T22:53:52.532Z")
	base := func(id int64, name, provider string, parent int64) Connection {
		return Connection{ID: id, Name: name, Provider: provider, AuthorizedAt: &at, AuthorizationStatus: ptr("success"),
			CreatedAt: created, UpdatedAt: created, ExternalID: ptr("U12904"), FolderID: 4515, ParentID: &parent}
	}
	sf := base(36, "ACME Production Salesforce connection", "salesforce", 22316)
	sf.Tags = []string{"tag-ANgeffPL-3gxQwA"}
	gs := base(37, "ACME google sheet account", "google_sheets", 22317)
	gs.ConnectionLostAt = ptr(ts(t, "2024-06-01T12:00:00Z"))
	gs.ConnectionLostReason = ptr("network_failure")
	qb := base(51234, "ACME Quickbooks account", "quickbooks", 22317)
	qb.Identity = ptr("[email protected]/1029384756102938")
	qb.Tags = []string{"tag-ANgeffPL-3gxQwA"}
	return []Connection{sf, gs, qb}
}

func wantConnections2019(t *testing.T) []Connection {
	at := ts(t, "2015-05-26T22:53:52.528Z")
	created := ts(t, "2015-05-26T22:53:52.532Z")
	return []Connection{
		{ID: 36, Name: "ACME Production Salesforce connection", Provider: "salesforce", AuthorizedAt: &at,
			AuthorizationStatus: ptr("success"), CreatedAt: created, UpdatedAt: created},
		{ID: 37, Name: "ACME google sheet account", Provider: "google_sheets", AuthorizedAt: &at,
			AuthorizationStatus: ptr("success"), CreatedAt: created, UpdatedAt: created},
	}
}

func wantCreatedConnection(t *testing.T) *Connection {
	at := ts(t, "2025-02-28T16:08:08.000Z")
	return &Connection{ID: 1678, Name: "jira_connection", Provider: "jira", CreatedAt: at, UpdatedAt: at,
		ExternalID: ptr("128904"), FolderID: 1892}
}

func wantRecipes(t *testing.T) []Recipe {
	return []Recipe{
		{
			ID: 1913515, UserID: 4848, Name: "Sync accounts to Salesforce", FolderID: 1789, Running: true, VersionNo: 3,
			LastRunAt: ptr(ts(t, "2024-05-01T10:00:00.000-07:00")),
			CreatedAt: ts(t, "2024-04-01T10:00:00.000-07:00"), UpdatedAt: ts(t, "2024-04-02T10:00:00.000-07:00"),
			TriggerApplication: "clock", ActionApplications: []string{"salesforce"}, Applications: []string{"clock", "salesforce"},
			JobSucceededCount: 10, JobFailedCount: 1, LifetimeTaskCount: 42,
			Config: []RecipeConfig{
				{Keyword: "application", Name: "salesforce", Provider: "salesforce", AccountID: ptr(int64(36))},
				{Keyword: "application", Name: "logger", Provider: "logger"},
			},
			Code:       `{"number":0,"provider":"clock","name":"scheduled_event","keyword":"trigger","block":[]}`,
			AuthorName: "ACME Admin", VersionAuthorName: "ACME Admin", VersionAuthorEmail: "admin@acme.example", Tags: []string{},
		},
		{
			ID: 1913514, Name: "Stopped one", FolderID: 1789, StopCause: ptr("trigger_errors_limit"),
			StoppedAt: ptr(ts(t, "2024-05-02T00:00:00Z")), CreatedAt: ts(t, "2024-04-01T10:00:00Z"), UpdatedAt: ts(t, "2024-05-02T00:00:00Z"),
			Config: []RecipeConfig{}, Code: "{}",
		},
	}
}

func wantConnectors() []Connector {
	return []Connector{
		{Name: "salesforce", Title: "Salesforce", Categories: []string{"CRM"}, OAuth: true,
			Triggers: []ConnectorVerb{{Name: "new_object", Title: "New record"}},
			Actions:  []ConnectorVerb{{Name: "create_object", Title: "Create record", Batch: true}}},
		{Name: "jira", Title: "Jira", Categories: []string{"Project management"}, Triggers: []ConnectorVerb{}, Actions: []ConnectorVerb{}},
	}
}
