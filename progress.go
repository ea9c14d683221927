package main

import (
	"fmt"
	"io"
	"sync"

	"github.com/workato-gitops/workato-gitops/internal/apply"
)

// progress reports an apply on stderr: on a terminal, one status line
// rewritten in place plus a line per failure and per finished tenant;
// elsewhere (CI logs), one plain line per event.
type progress struct {
	mu      sync.Mutex
	w       io.Writer
	tty     bool
	tenants int            // finished
	done    map[string]int // per tenant, the highest count shown: counters only move forward
	last    string
}

func newProgress(e env) *progress {
	return &progress{w: e.stderr, tty: e.stdoutTTY, done: map[string]int{}}
}

func (p *progress) event(ev apply.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	// Events of concurrent actions arrive in any order: a counter shown
	// never goes back.
	done := max(p.done[ev.Tenant], ev.Done)
	p.done[ev.Tenant] = done
	if !p.tty {
		// One line per tenant, and per action that did not run: a CI log
		// (or make demo) reads as per-tenant summaries.
		switch {
		case ev.Action == "" && ev.State == "done":
			fmt.Fprintf(p.w, "%s: done (%d/%d)\n", ev.Tenant, done, ev.Total)
		case ev.Action == "":
			fmt.Fprintf(p.w, "%s: applying %d actions\n", ev.Tenant, ev.Total)
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

func (p *progress) clear() {
	if p.tty && p.last != "" {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

func (p *progress) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	p.last = ""
}

// printResult says, tenant by tenant, what ran, failed and was skipped.
func printResult(e env, res *apply.Result) {
	var ran, failed, skippedN, applied, partial int
	for _, t := range res.Tenants {
		ran += len(t.Ran)
		failed += len(t.Failed)
		skippedN += len(t.Skipped)
		switch t.Status {
		case apply.StatusUnchanged:
			continue
		case apply.StatusNotApplied:
			fmt.Fprintf(e.stdout, "%s: not applied (%s)\n", t.Name, t.Reason)
			continue
		case apply.StatusApplied:
			applied++
		default:
			partial++
		}
		fmt.Fprintf(e.stdout, "%s: %s (%d ran, %d failed, %d skipped; ledger %s)\n", t.Name, t.Status, len(t.Ran), len(t.Failed), len(t.Skipped), t.Ledger)
		for _, o := range t.Failed {
			fmt.Fprintf(e.stdout, "  failed   %s: %s\n", o.Action, o.Error)
		}
		for _, o := range t.Skipped {
			fmt.Fprintf(e.stdout, "  skipped  %s: %s\n", o.Action, o.Reason)
		}
		for _, c := range t.Connections {
			status := c.AuthorizationStatus
			if status == "" {
				status = "not connected"
			}
			if c.AuthorizationError != "" {
				status += ": " + c.AuthorizationError
			}
			fmt.Fprintf(e.stdout, "  connection %q (#%d): %s\n", c.Key, c.ID, status)
		}
	}
	fmt.Fprintf(e.stdout, "\nApply: %d applied, %d with failures; %d actions ran, %d failed, %d skipped.\n", applied, partial, ran, failed, skippedN)
}
