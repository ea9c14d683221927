package workato

import (
	"context"
	"fmt"
	"net/http"
	"testing"
)

// envelopes are the wrappings of a list seen in public evidence: a bare
// array (Developer API folders and connections, salto's recordings; the
// 2019 OEM pages), {"result": [...]} (Embedded API pages), {"items": [...]}
// (Developer API recipes, connectors) and {"data": [...]} (Developer API
// members list, workato-devs/wk workspace.go).
var envelopes = []struct {
	name string
	wrap func(items string) string
}{
	{"bare", func(items string) string { return items }},
	{"result", func(items string) string { return `{"result": ` + items + `}` }},
	{"items", func(items string) string { return `{"items": ` + items + `, "count": 2, "page": 1, "per_page": 100}` }},
	{"data", func(items string) string { return `{"data": ` + items + `}` }},
}

// TestListEnvelopes runs every list the tool reads through every envelope:
// one table per endpoint, each decoding the same two items.
func TestListEnvelopes(t *testing.T) {
	acme := ByID(98178)
	lists := []struct {
		endpoint string
		items    string
		call     func(ctx context.Context, c *Client) ([]int64, error)
	}{
		{"GET /managed_users", `[{"id": 1, "name": "A"}, {"id": 2, "name": "B"}]`,
			func(ctx context.Context, c *Client) ([]int64, error) {
				v, err := c.ListCustomers(ctx)
				return ids(v, func(x Customer) int64 { return x.ID }), err
			}},
		{"GET /managed_users/:id/members", `[{"id": 1, "name": "A", "email": "a@x"}, {"id": 2, "name": "B", "email": "b@x"}]`,
			func(ctx context.Context, c *Client) ([]int64, error) {
				v, err := c.ListMembers(ctx, acme)
				return ids(v, func(x Member) int64 { return x.ID }), err
			}},
		{"GET /managed_users/:id/folders", `[{"id": 1, "name": "A", "parent_id": null}, {"id": 2, "name": "B", "parent_id": 1}]`,
			func(ctx context.Context, c *Client) ([]int64, error) {
				v, err := c.ListFolders(ctx, acme, nil)
				return ids(v, func(x Folder) int64 { return x.ID }), err
			}},
		{"GET /managed_users/:id/projects", `[{"id": 1, "name": "A", "folder_id": 10}, {"id": 2, "name": "B", "folder_id": 20}]`,
			func(ctx context.Context, c *Client) ([]int64, error) {
				v, err := c.ListProjects(ctx, acme)
				return ids(v, func(x Project) int64 { return x.ID }), err
			}},
		{"GET /managed_users/:id/connections", `[{"id": 1, "name": "A", "provider": "slack"}, {"id": 2, "name": "B", "application": "jira"}]`,
			func(ctx context.Context, c *Client) ([]int64, error) {
				v, err := c.ListConnections(ctx, acme, ListConnectionsOptions{})
				return ids(v, func(x Connection) int64 { return x.ID }), err
			}},
		{"GET /managed_users/:id/recipes", `[{"id": 2, "name": "B"}, {"id": 1, "name": "A"}]`,
			func(ctx context.Context, c *Client) ([]int64, error) {
				v, err := c.ListRecipes(ctx, acme, ListRecipesOptions{})
				return ids(v, func(x Recipe) int64 { return x.ID }), err
			}},
		{"GET /integrations/all", `[{"name": "a"}, {"name": "b"}]`,
			func(ctx context.Context, c *Client) ([]int64, error) {
				v, err := c.ListConnectors(ctx)
				return ids(v, func(x Connector) int64 { return int64(x.Name[0] - 'a' + 1) }), err
			}},
	}
	for _, l := range lists {
		t.Run(l.endpoint, func(t *testing.T) {
			for _, env := range envelopes {
				t.Run(env.name, func(t *testing.T) {
					s := newServer(t, replyJSON(t, http.StatusOK, env.wrap(l.items)))
					got, err := l.call(context.Background(), newTestClient(t, s, nil))
					if err != nil {
						t.Fatalf("%s in the %s envelope: %v", l.endpoint, env.name, err)
					}
					if fmt.Sprint(sortedIDs(got)) != "[1 2]" {
						t.Errorf("%s in the %s envelope decoded ids %v, want [1 2]", l.endpoint, env.name, got)
					}
				})
			}
		})
	}
}

func ids[T any](v []T, id func(T) int64) []int64 {
	var out []int64
	for _, x := range v {
		out = append(out, id(x))
	}
	return out
}

func sortedIDs(v []int64) []int64 {
	out := append([]int64(nil), v...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
