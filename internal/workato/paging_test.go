package workato

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// fullPage is 100 customers with ids from first.
func fullPage(first int) string {
	var items []string
	for id := first; id < first+100; id++ {
		items = append(items, fmt.Sprintf(`{"id": %d, "name": "c%d"}`, id, id))
	}
	return "[" + strings.Join(items, ",") + "]"
}

// A server that ignores the page parameter answers the same full page
// forever: the second page is an error, not the start of 10,000 calls.
func TestPagingRepeatedPage(t *testing.T) {
	page := fullPage(1)
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { fmt.Fprint(w, page) })
	c := newTestClient(t, s, nil)
	_, err := c.ListCustomers(context.Background())
	if !errors.Is(err, ErrPaging) || !strings.Contains(err.Error(), "page 2 is the same as page 1") {
		t.Errorf("err = %v, want a repeated page", err)
	}
	if n := len(s.requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

// testMaxItems is the list bound the paging tests run with: the guard
// works the same at any multiple of a page, and 1,000 pages of JSON under
// the race detector cost seconds.
const testMaxItems = 1_000

// A server that pages forever with new items is stopped at the bound.
func TestPagingEndless(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		var n int
		fmt.Sscan(r.URL.Query().Get("page"), &n)
		fmt.Fprintf(w, `{"items": %s, "count": 0}`, fullPage((n-1)*100+1))
	})
	c := newTestClient(t, s, nil)
	c.maxItems = testMaxItems
	_, err := c.ListConnectors(context.Background())
	if !errors.Is(err, ErrPaging) || !strings.Contains(err.Error(), "still full after 11 pages (1100 items, over the limit of 1000)") {
		t.Errorf("err = %v, want ErrPaging after 11 pages", err)
	}
	if n := len(s.requests()); n != testMaxItems/perPage+1 {
		t.Errorf("%d requests, want %d", n, testMaxItems/perPage+1)
	}
}

// A list of exactly the bound still reads: its last page is empty.
func TestPagingLongestList(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		var n int
		fmt.Sscan(r.URL.Query().Get("page"), &n)
		if n > testMaxItems/perPage {
			fmt.Fprint(w, "[]")
			return
		}
		fmt.Fprint(w, fullPage((n-1)*100+1))
	})
	c := newTestClient(t, s, nil)
	c.maxItems = testMaxItems
	got, err := c.ListCustomers(context.Background())
	if err != nil || len(got) != testMaxItems {
		t.Errorf("got %d customers, err %v", len(got), err)
	}
}

// Without a test bound, a list may hold maxListItems (100,000): the
// guard stops at the page after that many, and not before.
func TestPagingDefaultBound(t *testing.T) {
	if maxListItems != 100_000 || maxPages != 1_001 {
		t.Fatalf("maxListItems %d, maxPages %d; docs say 100,000 items", maxListItems, maxPages)
	}
	g := pageGuard{path: "/managed_users"}
	for page := 1; page < maxPages; page++ {
		if err := g.next(page, []int{page}); err != nil {
			t.Fatalf("page %d: %v", page, err)
		}
	}
	if err := g.next(maxPages, []int{maxPages}); !errors.Is(err, ErrPaging) || !strings.Contains(err.Error(), "over the limit of 100000") {
		t.Errorf("page %d: err = %v, want ErrPaging at the limit of 100000", maxPages, err)
	}
}
