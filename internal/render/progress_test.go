package render

import (
	"bytes"
	"regexp"
	"strconv"
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/apply"
)

// TestProgressOnlyMovesForward: events of concurrent actions arrive out of
// order; no counter shown may go back or repeat (finding 9: make demo
// showed repeated counters).
func TestProgressOnlyMovesForward(t *testing.T) {
	events := []apply.Event{
		{Tenant: "acme", State: "start", Total: 3},
		{Tenant: "acme", Action: "a", State: "start", Done: 0, Total: 3},
		{Tenant: "acme", Action: "b", State: "start", Done: 0, Total: 3},
		{Tenant: "acme", Action: "b", State: "ok", Done: 2, Total: 3},
		{Tenant: "acme", Action: "a", State: "ok", Done: 1, Total: 3}, // late
		{Tenant: "acme", Action: "c", State: "start", Done: 2, Total: 3},
		{Tenant: "acme", Action: "c", State: "ok", Done: 3, Total: 3},
		{Tenant: "acme", State: "done", Done: 3, Total: 3},
	}
	for _, tty := range []bool{false, true} {
		var b bytes.Buffer
		p := NewProgress(&b, tty)
		for _, ev := range events {
			p.Event(ev)
		}
		p.Close()
		last := -1
		for _, m := range regexp.MustCompile(`\[(\d+)/3\]|\((\d+)/3\)`).FindAllStringSubmatch(b.String(), -1) {
			n, _ := strconv.Atoi(m[1] + m[2])
			if n < last {
				t.Errorf("tty=%v: counter went back from %d to %d:\n%q", tty, last, n, b.String())
			}
			last = n
		}
		if !tty {
			want := "acme: applying 3 actions\nacme: [1/3] a\nacme: [2/3] b\nacme: [3/3] c\nacme: done (3/3)\n"
			if b.String() != want {
				t.Errorf("log without a terminal:\n%s\nwant each start numbered in turn:\n%s", b.String(), want)
			}
		}
	}
}
