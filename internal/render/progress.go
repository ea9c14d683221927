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
	tenants int // finished
	last    string
}

// NewProgress reports to w; tty says whether w is a terminal.
func NewProgress(w io.Writer, tty bool) *Progress { return &Progress{w: w, tty: tty} }

// Event reports one apply event; it is safe for concurrent use.
func (p *Progress) Event(ev apply.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.tty {
		switch {
		case ev.Action == "" && ev.State == "done":
			fmt.Fprintf(p.w, "%s: done (%d/%d)\n", ev.Tenant, ev.Done, ev.Total)
		case ev.Action == "":
			fmt.Fprintf(p.w, "%s: applying %d actions\n", ev.Tenant, ev.Total)
		case ev.State == "start":
			fmt.Fprintf(p.w, "%s: [%d/%d] %s\n", ev.Tenant, ev.Done+1, ev.Total, ev.Action)
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
		fmt.Fprintf(p.w, "%s: done (%d/%d)\n", ev.Tenant, ev.Done, ev.Total)
	case ev.State == "failed":
		fmt.Fprintf(p.w, "%s: failed: %s: %s\n", ev.Tenant, ev.Action, ev.Err)
	}
	if ev.Action != "" {
		p.last = fmt.Sprintf("applying: %d tenants done · %s [%d/%d] %s", p.tenants, ev.Tenant, ev.Done, ev.Total, ev.Action)
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
