package catalog

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/sandbox"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// sandboxClient is a client of a fresh sandbox holding customers.
func sandboxClient(t *testing.T, customers ...sandbox.Customer) *workato.Client {
	t.Helper()
	srv, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(sandbox.State{Customers: customers})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.LoadSeed(bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	client, err := workato.New(workato.Config{BaseURL: hs.URL + "/api"})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

func TestReadConnectors(t *testing.T) {
	c := &Catalog{}
	if err := c.ReadConnectors(context.Background(), sandboxClient(t)); err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(c.Connectors))
	for i, k := range c.Connectors {
		names[i] = k.Name
	}
	if !slices.Contains(names, "http") || !slices.Contains(names, "salesforce") || !slices.IsSorted(names) {
		t.Errorf("connectors %v; want the account's, http and salesforce among them, sorted", names)
	}
}

// TestReadInputs: input keys are read in a customer workspace; without
// one, or for a provider the API has no schema for, the error says which.
func TestReadInputs(t *testing.T) {
	ctx := context.Background()
	if err := (&Catalog{}).ReadInputs(ctx, sandboxClient(t), "http", ""); !errors.Is(err, ErrNoCustomer) {
		t.Errorf("no customer: %v, want ErrNoCustomer", err)
	}
	client := sandboxClient(t, sandbox.Customer{ExternalID: "A1", Name: "Acme"})
	c := &Catalog{}
	if err := c.ReadInputs(ctx, client, "http", ""); err != nil {
		t.Fatal(err)
	}
	if got := c.FieldNames("http"); !slices.Contains(got, "base_url") || !slices.Contains(got, "password") {
		t.Errorf("http's input keys %v; want base_url and password among them", got)
	}
	var ns *NoSchemaError
	err := c.ReadInputs(ctx, client, "no_such_connector", "A1")
	if !errors.As(err, &ns) || err.Error() != `the API has no input schema for "no_such_connector"` {
		t.Errorf("no such connector: %v, want a NoSchemaError naming it", err)
	}
}

// TestCachedUnknownInputs: validate's warnings come from the cache of the
// API it would talk to, and no cache means no warnings.
func TestCachedUnknownInputs(t *testing.T) {
	dir := t.TempDir()
	const base = "https://www.workato.com/api"
	repo := &spec.Repo{Tenants: []*spec.Tenant{{Name: "acme", Connections: []spec.Connection{{
		Pos: spec.Pos{File: "acme.yaml", Line: 9, Field: "connections[0]"}, Name: "Billing", Provider: "http",
		Input: spec.Input{"base_url": {}, "api_tokn": {}}}}}}}
	if got := CachedUnknownInputs(dir, base, repo); got != nil {
		t.Errorf("no cache: %v, want no warnings", got)
	}
	c := LoadOrNew("", base)
	c.Inputs = map[string][]Field{"http": {{Name: "base_url"}, {Name: "api_key"}}}
	c.FetchedAt = time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	if err := c.Save(Path(dir, base)); err != nil {
		t.Fatal(err)
	}
	got := CachedUnknownInputs(dir, base, repo)
	if len(got) != 1 || got[0] != `acme.yaml:9: connections[0].input.api_tokn: the http connector takes no input key "api_tokn" (it takes base_url, api_key; from the catalogue workato-gitops providers cached on 2026-05-01)` {
		t.Errorf("warnings %q; want one for api_tokn", got)
	}
	if got := CachedUnknownInputs(dir, "https://app.eu.workato.com/api", repo); got != nil {
		t.Errorf("another API's cache: %v, want no warnings", got)
	}
	if got := CachedUnknownInputs("", base, repo); got != nil {
		t.Errorf("no cache directory: %v, want no warnings", got)
	}
}
