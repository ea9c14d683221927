package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/workato"
)

const schemaSeed = `{"customers": [{"external_id": "A1", "name": "A", "notification_email": "a@a.example",
  "connections": [{"name": "Custom", "provider": "acme_custom"}]}]}`

func TestInputSchemaShapes(t *testing.T) {
	e := newEnv(t, Options{}, schemaSeed)
	v2 := result(t, e.json("GET", "/v2/managed_users/EA1/connectors/netsuite/input_schema", nil, http.StatusOK))
	if len(v2) != 6 || obj(t, v2[0])["name"] != "account_id" || obj(t, v2[1])["control_type"] != "password" {
		t.Errorf("v2 netsuite schema = %v", v2)
	}
	v1 := obj(t, e.json("GET", "/managed_users/EA1/connections/slack/input_schema", nil, http.StatusOK))
	if fields, _ := v1["input"].([]any); len(fields) != 2 || obj(t, fields[0])["name"] != "bot_token" || obj(t, fields[1])["optional"] != true {
		t.Errorf("v1 slack schema = %v", v1)
	}
	if got := result(t, e.json("GET", "/v2/managed_users/EA1/connectors/gmail/input_schema", nil, http.StatusOK)); len(got) != 0 {
		t.Errorf("gmail (OAuth) schema = %v, want no fields", got)
	}
	for _, path := range []string{
		"/v2/managed_users/EA1/connectors/acme_custom/input_schema", // a custom connector: no static schema
		"/managed_users/EA1/connections/acme_custom/input_schema",
		"/v2/managed_users/EA1/connectors/no_such/input_schema",
		"/v2/managed_users/ENOBODY/connectors/http/input_schema",
		"/managed_users/ENOBODY/connections/http/input_schema",
	} {
		if status, body := e.call("GET", path, nil); status != http.StatusNotFound {
			t.Errorf("GET %s: status %d %s, want 404", path, status, body)
		}
	}
}

// TestInputSchemaThroughClient reads every emulated connector's schema
// with the API client, over HTTP, both endpoints.
func TestInputSchemaThroughClient(t *testing.T) {
	e := newEnv(t, Options{}, schemaSeed)
	c, err := workato.New(workato.Config{BaseURL: e.ts.URL + "/api"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for provider, want := range inputSchemas {
		for name, get := range map[string]func(context.Context, workato.CustomerRef, string) ([]workato.InputField, error){
			"v2": c.ConnectorInputSchema, "v1": c.ConnectionInputSchema,
		} {
			got, err := get(ctx, workato.ByExternalID("A1"), provider)
			if err != nil {
				t.Fatalf("%s %s: %v", name, provider, err)
			}
			if len(got) != len(want) {
				t.Fatalf("%s %s: %d fields, want %d", name, provider, len(got), len(want))
			}
			secrets := 0
			for i := range want {
				if got[i].Name != want[i].Name || got[i].Optional != want[i].Optional || got[i].ControlType != want[i].ControlType {
					t.Errorf("%s %s field %d = %+v, want %+v", name, provider, i, got[i], want[i])
				}
				if got[i].LooksSecret() {
					secrets++
				}
			}
			if secrets == 0 {
				t.Errorf("%s %s: no field looks secret; every emulated connector has a credential", name, provider)
			}
		}
	}
	if _, err := c.InputSchema(ctx, workato.ByExternalID("A1"), "acme_custom"); !errors.Is(err, workato.ErrNotFound) {
		t.Errorf("custom connector: err = %v, want not found", err)
	}
}

// TestUnknownInputKeyRefused: where the connector's fields are known, an
// input naming another field is refused, on create and on update; other
// providers take any input.
func TestUnknownInputKeyRefused(t *testing.T) {
	e := newEnv(t, Options{}, acmeSeed)
	body := obj(t, e.json("POST", "/managed_users/98178/connections", map[string]any{
		"name": "Slack", "provider": "slack", "input": map[string]any{"token": "xoxb-1", "bot_token": "xoxb-2"}}, 400))
	if body["message"] != "Input token is not a field of the slack connector" {
		t.Errorf("refusal = %v", body)
	}
	ok := obj(t, e.json("POST", "/managed_users/98178/connections", map[string]any{
		"name": "Slack", "provider": "slack", "input": map[string]any{"bot_token": "xoxb-2"}}, 200))
	e.json("PUT", fmt.Sprintf("/managed_users/98178/connections/%d", num(t, ok, "id")), map[string]any{
		"input": map[string]any{"bot_tokn": "xoxb-3"}}, 400)
	e.json("POST", "/managed_users/98178/connections", map[string]any{
		"name": "Sheets", "provider": "google_sheets", "input": map[string]any{"anything": "x"}}, 200)
}
