package apply

import "context"

// Reasons an action or a tenant did not start.
const (
	reasonInterrupted = "interrupted before it started"
	reasonTimeLimit   = "time limit reached before it started"
)

// stopReason says why no new tenant or action may start now, or "" while
// the apply may go on: an interrupt (ctx cancelled) or the time limit
// (Executor.Expired). Calls in flight are never cut short by either.
func (x *Executor) stopReason(ctx context.Context) string {
	if ctx.Err() != nil {
		return reasonInterrupted
	}
	if x.Expired != nil && x.Expired() {
		x.timeLimited.Store(true)
		return reasonTimeLimit
	}
	return ""
}
