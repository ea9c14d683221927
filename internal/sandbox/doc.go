// Package sandbox is a stateful, in-memory emulator of the Workato Embedded
// (OEM) API, served as an http.Handler under /api. It owns the wire format as
// the sandbox sees it: request and response shapes, status codes, error
// bodies, the semantics the reconciler depends on (non-recursive folder lists,
// paging, success:false refusals, asynchronous package imports, deletes
// refused while running recipes use a connection), and the knobs that make a
// test realistic: bearer-token checks, latency, deterministic fault injection
// and sliding-window rate limits. State can be seeded from, and persisted
// atomically to, a JSON document (see State).
//
// It is an independent emulator: it must not import the API client in
// internal/workato, so that the two can disagree and a test notices. It must
// not print to stdout or stderr (diagnostics go to Options.Logf), read the
// environment, or exit the process. It never stores or echoes connection
// inputs: only a keyed digest of each input is kept.
//
// Where the API reference marks a behaviour UNCONFIRMED (docs/design.md, "Assumptions about the API"), the choice made here
// is noted at the code that implements it.
package sandbox
