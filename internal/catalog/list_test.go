package catalog

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

func TestWriteConnectors(t *testing.T) {
	c := &Catalog{}
	c.SetConnectors([]workato.Connector{{Name: "salesforce", Title: "Sales\x1bforce", OAuth: true}, {Name: "http", Title: "HTTP"}})
	var b bytes.Buffer
	c.WriteConnectors(&b)
	want := "http        HTTP\nsalesforce  Sales force  (OAuth: connected by the customer in a browser)\n\n2 connectors; workato-gitops providers NAME lists the input keys of one.\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("listing (-want +got):\n%s", diff)
	}
	if got := []string{c.Connectors[0].Name, c.Connectors[1].Name}; got[0] != "http" || got[1] != "salesforce" {
		t.Errorf("cached connectors = %v, want sorted by name", got)
	}
}

func TestWriteInputs(t *testing.T) {
	tests := []struct {
		name   string
		fields []workato.InputField
		want   string
	}{
		{"none", nil, "x takes no input keys (an OAuth connector is connected by the customer in a browser)\n"},
		{"some", []workato.InputField{{Name: "base_url", Label: "Base URL"}, {Name: "api_key", Label: "Key\n", Optional: true}},
			"input keys of x:\n  base_url  Base URL (required)\n  api_key   Key  (optional, secret)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Catalog{}
			c.SetInputs("x", tt.fields)
			var b bytes.Buffer
			c.WriteInputs(&b, "x")
			if diff := cmp.Diff(tt.want, b.String()); diff != "" {
				t.Errorf("listing (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnknownInputs(t *testing.T) {
	c := &Catalog{FetchedAt: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		Inputs: map[string][]Field{"http": {{Name: "base_url"}}}}
	conn := spec.Connection{Pos: spec.Pos{File: "a.yaml", Line: 3, Field: "connections[0]"}, Provider: "http",
		Input: spec.Input{"base_url": {}, "token": {}}}
	other := spec.Connection{Provider: "salesforce", Input: spec.Input{"anything": {}}}
	repo := &spec.Repo{Tenants: []*spec.Tenant{{Connections: []spec.Connection{conn, other}}, {Connections: []spec.Connection{conn}}}}
	want := []string{`a.yaml:3: connections[0].input.token: the http connector takes no input key "token" (it takes base_url; from the catalogue workato-gitops providers cached on 2026-12-01)`}
	if diff := cmp.Diff(want, c.UnknownInputs(repo)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestLoadOrNew(t *testing.T) {
	dir := t.TempDir()
	const api = "https://www.workato.com/api"
	p := Path(dir, api)
	if c := LoadOrNew(p, api); c.API != api || len(c.Connectors) != 0 {
		t.Errorf("no cache: %+v, want an empty catalogue for %s", c, api)
	}
	saved := &Catalog{API: api, Connectors: []Connector{{Name: "http", Title: "HTTP"}}}
	if err := saved.Save(p); err != nil {
		t.Fatal(err)
	}
	if c := LoadOrNew(p, api); len(c.Connectors) != 1 {
		t.Errorf("a saved cache: %+v, want it loaded", c)
	}
	if c := LoadOrNew(p, "https://app.eu.workato.com/api"); c.API != "https://app.eu.workato.com/api" || len(c.Connectors) != 0 {
		t.Errorf("another API's cache: %+v, want an empty catalogue", c)
	}
}
