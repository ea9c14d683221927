package workato

import (
	"context"
	"slices"
	"strings"
)

// Catalog is the set of connector names (the provider values of
// connections) the admin workspace offers, standard and platform. Custom
// connectors of a customer workspace are not in it.
type Catalog struct {
	names []string // sorted, unique
}

// NewCatalog builds a Catalog from connectors.
func NewCatalog(connectors []Connector) *Catalog {
	k := &Catalog{}
	for _, c := range connectors {
		if c.Name != "" {
			k.names = append(k.names, c.Name)
		}
	}
	slices.Sort(k.names)
	k.names = slices.Compact(k.names)
	return k
}

// Len is the number of connectors.
func (k *Catalog) Len() int { return len(k.names) }

// Has reports whether provider is a connector of the catalogue.
func (k *Catalog) Has(provider string) bool {
	_, ok := slices.BinarySearch(k.names, provider)
	return ok
}

// Suggest returns the catalogue's closest name to provider, for a "did you
// mean": the smallest edit distance, ignoring case, within a third of the
// name's length (at least 2); ties go to the first name in order.
func (k *Catalog) Suggest(provider string) (string, bool) {
	p := strings.ToLower(provider)
	best, bestD := "", max(2, len(p)/3)+1
	for _, n := range k.names {
		if d := editDistance(p, strings.ToLower(n), bestD); d < bestD {
			best, bestD = n, d
		}
	}
	return best, best != ""
}

// editDistance is Levenshtein's distance, or limit once it is certain to
// reach limit.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d >= limit || -d >= limit {
		return limit
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= limit {
			return limit
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit)
}

// ConnectorCatalog returns the connectors catalogue, reading it with
// ListConnectors on the first call only: one Client serves one run against
// one admin workspace, and the catalogue is the same for every tenant of
// the fleet. A failed read is not remembered; the next call tries again.
func (c *Client) ConnectorCatalog(ctx context.Context) (*Catalog, error) {
	c.catalogMu.Lock()
	defer c.catalogMu.Unlock()
	if c.catalog != nil {
		return c.catalog, nil
	}
	all, err := c.ListConnectors(ctx)
	if err != nil {
		return nil, err
	}
	c.catalog = NewCatalog(all)
	return c.catalog, nil
}
