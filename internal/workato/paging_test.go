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

// A server that pages forever with new items is stopped at the bound.
func TestPagingEndless(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		var n int
		fmt.Sscan(r.URL.Query().Get("page"), &n)
		fmt.Fprintf(w, `{"items": %s, "count": 0}`, fullPage((n-1)*100+1))
	})
	c := newTestClient(t, s, nil)
	_, err := c.ListConnectors(context.Background())
	if !errors.Is(err, ErrPaging) {
		t.Errorf("err = %v, want ErrPaging", err)
	}
	if n := len(s.requests()); n != maxPages {
		t.Errorf("%d requests, want %d", n, maxPages)
	}
}

// A list of exactly maxListItems still reads: its last page is empty.
func TestPagingLongestList(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		var n int
		fmt.Sscan(r.URL.Query().Get("page"), &n)
		if n > maxListItems/perPage {
			fmt.Fprint(w, "[]")
			return
		}
		fmt.Fprint(w, fullPage((n-1)*100+1))
	})
	c := newTestClient(t, s, nil)
	got, err := c.ListCustomers(context.Background())
	if err != nil || len(got) != maxListItems {
		t.Errorf("got %d customers, err %v", len(got), err)
	}
}
