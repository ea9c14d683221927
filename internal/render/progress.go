package render

import (
	"fmt"
	"io"
	"sync"

	"github.com/workato-gitops/workato-gitops/internal/apply"
)

// Progress reports an apply on stderr: on a terminal, one status line
// rewritten in place plus a line per failure and per finished tenant;
// elsewhere (CI logs), one plain line per event.
type Progress struct {
	mu      sync.Mutex
	w       io.Writer
	tty     bool
	tenants int            // finished
	done    map[string]int // per tenant, the highest count shown: counters only move forward
	started map[string]int // per tenant, actions started: each start line has its own number
	last    string
}

// NewProgress reports to w; tty says whether w is a terminal.
func NewProgress(w io.Writer, tty bool) *Progress {
	return &Progress{w: w, tty: tty, done: map[string]int{}, started: map[string]int{}}
}

// Event reports one apply event; it is safe for concurrent use.
func (p *Progress) Event(ev apply.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	// Events of concurrent actions arrive in any order: a counter shown
	// never goes back.
	done := max(p.done[ev.Tenant], ev.Done)
	p.done[ev.Tenant] = done
	if !p.tty {
		// A line per event; each started action has the next number
		// (concurrent actions used to share one, or go back).
		switch {
		case ev.Action == "" && ev.State == "done":
			fmt.Fprintf(p.w, "%s: done (%d/%d)\n", ev.Tenant, done, ev.Total)
		case ev.Action == "":
			fmt.Fprintf(p.w, "%s: applying %d actions\n", ev.Tenant, ev.Total)
		case ev.State == "start":
			p.started[ev.Tenant]++
			fmt.Fprintf(p.w, "%s: [%d/%d] %s\n", ev.Tenant, p.started[ev.Tenant], ev.Total, ev.Action)
		case ev.State == "failed":
			fmt.Fprintf(p.w, "%s: failed: %s: %s\n", ev.Tenant, ev.Action, ev.Err)
		case ev.State == "skipped":
			fmt.Fprintf(p.w, "%s: skipped: %s: %s\n", ev.Tenant, ev.Action, ev.Err)
		}
		return
	}
	p.clear()
	switch {
	case ev.Action == "" && ev.State == "done":
		p.tenants++
		fmt.Fprintf(p.w, "%s: done (%d/%d)\n", ev.Tenant, done, ev.Total)
	case ev.State == "failed":
		fmt.Fprintf(p.w, "%s: failed: %s: %s\n", ev.Tenant, ev.Action, ev.Err)
	}
	if ev.Action != "" {
		p.last = fmt.Sprintf("applying: %d tenants done · %s [%d/%d] %s", p.tenants, ev.Tenant, done, ev.Total, ev.Action)
	}
	fmt.Fprint(p.w, p.last)
}

func (p *Progress) clear() {
	if p.tty && p.last != "" {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// Close clears the status line.
func (p *Progress) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	p.last = ""
}
