package workato

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// Connector is a connector available to the admin workspace (reference §10).
type Connector struct {
	Name       string          `json:"name"`
	Title      string          `json:"title"`
	Categories []string        `json:"categories,omitempty"`
	OAuth      bool            `json:"oauth"`
	Deprecated bool            `json:"deprecated"`
	Secondary  bool            `json:"secondary"`
	Triggers   []ConnectorVerb `json:"triggers,omitempty"`
	Actions    []ConnectorVerb `json:"actions,omitempty"`
}

// ConnectorVerb is one trigger or action of a connector.
type ConnectorVerb struct {
	Name       string `json:"name"`
	Title      string `json:"title"`
	Deprecated bool   `json:"deprecated"`
	Bulk       bool   `json:"bulk"`
	Batch      bool   `json:"batch"`
}

type connectorPage struct {
	Items   []Connector `json:"items"`
	Count   int         `json:"count"`
	Page    int         `json:"page"`
	PerPage int         `json:"per_page"`
}

// ListConnectors lists every connector, standard and platform, available
// in the admin workspace. It stops at a short page or once count is
// reached.
//
// GET /integrations/all — https://docs.workato.com/oem/oem-api/adapters.html
func (c *Client) ListConnectors(ctx context.Context) ([]Connector, error) {
	var all []Connector
	guard := pageGuard{path: "/integrations/all"}
	for page := 1; ; page++ {
		q := url.Values{"page": {fmt.Sprint(page)}, "per_page": {fmt.Sprint(perPage)}}
		var pg connectorPage
		if err := c.do(ctx, &request{method: http.MethodGet, path: "/integrations/all", query: q}, &pg); err != nil {
			return nil, err
		}
		all = append(all, pg.Items...)
		if len(pg.Items) < perPage || (pg.Count > 0 && len(all) >= pg.Count) {
			return all, nil
		}
		if err := guard.next(page, pg.Items); err != nil {
			return nil, err
		}
	}
}
