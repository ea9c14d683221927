package catalog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// ErrNoCustomer is SchemaCustomer's answer for an account without a
// customer workspace to read input schemas in.
var ErrNoCustomer = errors.New("input schemas are read in a customer workspace, and the account has none")

// SchemaCustomer is the workspace input schemas are read in: the customer
// with externalID, or by default the first one the account lists.
func SchemaCustomer(ctx context.Context, client *workato.Client, externalID string) (workato.CustomerRef, error) {
	if externalID != "" {
		return workato.ByExternalID(externalID), nil
	}
	custs, err := client.ListCustomers(ctx)
	if err != nil {
		return workato.CustomerRef{}, fmt.Errorf("list customers: %w", err)
	}
	if len(custs) == 0 {
		return workato.CustomerRef{}, ErrNoCustomer
	}
	slices.SortFunc(custs, func(a, b workato.Customer) int { return int(a.ID - b.ID) })
	return workato.ByID(custs[0].ID), nil
}

// ReadConnectors reads the connectors the account offers into the
// catalogue.
func (c *Catalog) ReadConnectors(ctx context.Context, client *workato.Client) error {
	conns, err := client.ListConnectors(ctx)
	if err != nil {
		return fmt.Errorf("list connectors: %w", err)
	}
	c.SetConnectors(conns)
	return nil
}

// NoSchemaError says the API has no input schema for a provider: a custom
// connector has none, and a name that is no connector's neither.
type NoSchemaError struct{ Provider string }

func (e *NoSchemaError) Error() string {
	return fmt.Sprintf("the API has no input schema for %q", e.Provider)
}

// ReadInputs reads the input keys provider takes into the catalogue, from
// its input schema in the workspace SchemaCustomer picks for customer (an
// external id, or "" for the first the account lists). It fails with
// ErrNoCustomer when the account has no workspace to read it in, and a
// *NoSchemaError when the API has no schema for provider.
func (c *Catalog) ReadInputs(ctx context.Context, client *workato.Client, provider, customer string) error {
	ref, err := SchemaCustomer(ctx, client, customer)
	if err != nil {
		return err
	}
	fields, err := client.InputSchema(ctx, ref, provider)
	if errors.Is(err, workato.ErrNotFound) {
		return &NoSchemaError{Provider: provider}
	}
	if err != nil {
		return fmt.Errorf("input schema of %s: %w", provider, err)
	}
	c.SetInputs(provider, fields)
	return nil
}

// SetConnectors replaces the catalogue's connectors with conns, sorted by
// name.
func (c *Catalog) SetConnectors(conns []workato.Connector) {
	c.Connectors = make([]Connector, 0, len(conns))
	for _, k := range conns {
		c.Connectors = append(c.Connectors, Connector{Name: k.Name, Title: k.Title, OAuth: k.OAuth})
	}
	slices.SortFunc(c.Connectors, func(a, b Connector) int { return strings.Compare(a.Name, b.Name) })
}

// SetInputs records the input keys provider takes, from its input schema.
func (c *Catalog) SetInputs(provider string, fields []workato.InputField) {
	if c.Inputs == nil {
		c.Inputs = map[string][]Field{}
	}
	out := make([]Field, 0, len(fields))
	for _, f := range fields {
		out = append(out, Field{Name: f.Name, Label: f.Label, Optional: f.Optional, Secret: f.LooksSecret()})
	}
	c.Inputs[provider] = out
}

// WriteConnectors lists the catalogue's connectors, one a line, in
// aligned columns.
func (c *Catalog) WriteConnectors(w io.Writer) {
	width := 0
	for _, k := range c.Connectors {
		width = max(width, len(k.Name))
	}
	for _, k := range c.Connectors {
		note := ""
		if k.OAuth {
			note = "  (OAuth: connected by the customer in a browser)"
		}
		fmt.Fprintf(w, "%-*s  %s%s\n", width, Printable(k.Name), Printable(k.Title), note)
	}
	fmt.Fprintf(w, "\n%d connectors; workato-gitops providers NAME lists the input keys of one.\n", len(c.Connectors))
}

// WriteInputs lists the input keys provider takes, one a line, with
// whether each is required and whether it looks secret.
func (c *Catalog) WriteInputs(w io.Writer, provider string) {
	fields := c.Inputs[provider]
	if len(fields) == 0 {
		fmt.Fprintf(w, "%s takes no input keys (an OAuth connector is connected by the customer in a browser)\n", Printable(provider))
		return
	}
	fmt.Fprintf(w, "input keys of %s:\n", Printable(provider))
	width := 0
	for _, f := range fields {
		width = max(width, len(f.Name))
	}
	for _, f := range fields {
		notes := []string{"required"}
		if f.Optional {
			notes[0] = "optional"
		}
		if f.Secret {
			notes = append(notes, "secret")
		}
		fmt.Fprintf(w, "  %-*s  %s (%s)\n", width, Printable(f.Name), Printable(f.Label), strings.Join(notes, ", "))
	}
}

// UnknownInputs is a warning for each input key of a connection whose
// provider's keys the catalogue knows and which it does not take, in the
// order of the tenants and connections, each once.
func (c *Catalog) UnknownInputs(repo *spec.Repo) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range repo.Tenants {
		for _, conn := range t.Connections {
			keys := make([]string, 0, len(conn.Input))
			for k := range conn.Input {
				keys = append(keys, k)
			}
			unknown, known := c.UnknownKeys(conn.Provider, keys)
			for _, k := range unknown {
				msg := fmt.Sprintf("%s:%d: %s.input.%s: the %s connector takes no input key %q (it takes %s; from the catalogue workato-gitops providers cached on %s)",
					conn.File, conn.Line, conn.Field, k, conn.Provider, k, strings.Join(c.FieldNames(conn.Provider), ", "), c.FetchedAt.Format(time.DateOnly))
				if known && !seen[msg] {
					seen[msg] = true
					out = append(out, msg)
				}
			}
		}
	}
	return out
}

// CachedUnknownInputs is UnknownInputs of the catalogue cached below
// cacheDir for the API at base. No cache directory, no cache, or one that
// does not check means no warnings: validate stays offline and never
// fails on a cache.
func CachedUnknownInputs(cacheDir, base string, repo *spec.Repo) []string {
	if cacheDir == "" {
		return nil
	}
	c, err := Load(Path(cacheDir, base), base)
	if err != nil || c == nil {
		return nil
	}
	return c.UnknownInputs(repo)
}

// Printable keeps API text on one line and free of control characters.
func Printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}
