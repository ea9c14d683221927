// Package apply talks to Workato on behalf of a plan: it reads the live
// state the planner needs, as few calls as the manifests allow, and it
// executes plans (and verifies and records what they did in the ledger).
// Each kind's file also registers how export reads and writes the kind
// (internal/export runs it), beside its executor.
//
// It does not decide what to do (internal/plan does), parse manifests
// (internal/spec does) or print (it reports through return values and
// callbacks).
package apply
