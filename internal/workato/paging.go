package workato

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
)

// maxListItems is the most items a paged list may hold: 100,000, ten times
// the largest fleet this tool is built and measured for (10,000 customer
// workspaces), and far above any one workspace's folders or recipes. A
// whole-fleet plan of 100,000 tenants would take days at Workato's
// per-tenant rate limits (60 requests a minute for several classes), so a
// longer list is not an account this tool can serve: it is a server that
// ignores paging.
const maxListItems = 100_000

// maxPages is the page count a list of maxListItems fills, plus the empty
// page that tells a list of exactly that length has ended.
const maxPages = maxListItems/perPage + 1

// ErrPaging is wrapped by the error of a list whose paging cannot end: a
// page identical to the one before it (a server that ignores the page
// parameter), or more pages than maxPages.
var ErrPaging = errors.New("paging does not end")

// pageGuard tracks one list's pages.
type pageGuard struct {
	path     string
	maxItems int // 0 means maxListItems
	prev     [sha256.Size]byte
	full     int // full pages seen
}

// next checks page (1-based) and its decoded items; it is called only for
// full pages, the ones after which the list would go on.
func (g *pageGuard) next(page int, items any) error {
	b, err := json.Marshal(items)
	if err != nil {
		return fmt.Errorf("workato: GET %s: page %d: %w", g.path, page, err)
	}
	sum := sha256.Sum256(b)
	if g.full > 0 && sum == g.prev {
		return fmt.Errorf("workato: GET %s: page %d is the same as page %d: %w", g.path, page, page-1, ErrPaging)
	}
	g.prev = sum
	g.full++
	limit, pages := maxListItems, maxPages
	if g.maxItems > 0 {
		limit, pages = g.maxItems, g.maxItems/perPage+1
	}
	if page >= pages {
		return fmt.Errorf("workato: GET %s: still full after %d pages (%d items, over the limit of %d): %w",
			g.path, page, page*perPage, limit, ErrPaging)
	}
	return nil
}
