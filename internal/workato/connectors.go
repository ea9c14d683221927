package workato

import (
	"context"
	"encoding/json"
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

// decodeConnectorPage reads a page in the documented {items, count, page,
// per_page} form or any other list envelope (then without a count).
func decodeConnectorPage(raw json.RawMessage) (connectorPage, error) {
	var pg connectorPage
	if err := decodeEnvelope(raw, &pg.Items); err != nil {
		return pg, err
	}
	var meta struct {
		Count int `json:"count"`
	}
	if json.Unmarshal(raw, &meta) == nil {
		pg.Count = meta.Count
	}
	return pg, nil
}

// ListConnectors lists every connector, standard and platform, available
// in the admin workspace. It stops at a short page or once count is
// reached.
//
// GET /integrations/all — https://docs.workato.com/oem/oem-api/adapters.html
func (c *Client) ListConnectors(ctx context.Context) ([]Connector, error) {
	var all []Connector
	guard := pageGuard{path: "/integrations/all", maxItems: c.maxItems}
	for page := 1; ; page++ {
		q := url.Values{"page": {fmt.Sprint(page)}, "per_page": {fmt.Sprint(perPage)}}
		var raw json.RawMessage
		if err := c.do(ctx, &request{method: http.MethodGet, path: "/integrations/all", query: q}, &raw); err != nil {
			return nil, err
		}
		pg, err := decodeConnectorPage(raw)
		if err != nil {
			return nil, fmt.Errorf("workato: GET /integrations/all: decode response: %w", err)
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
