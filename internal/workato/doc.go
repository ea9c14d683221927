// Package workato is the typed client for the Workato Embedded (OEM) API.
//
// It owns talking HTTP to Workato: building requests, paging through
// lists, decoding the API's several response envelopes, turning error
// responses into typed errors, retrying what is safe to retry, and
// scheduling requests so that the per-workspace rate limits are never
// exceeded by this client.
//
// It must not print, read the environment or exit: writers (Config.Debug),
// the *http.Client and the token all come in through Config. Time is read
// through the time package only (timers, time.Now), so tests drive the
// scheduler on a fake clock with testing/synctest. Secrets it is
// handed (the API token, connection inputs) never appear in its errors or
// debug output.
//
// Every fact about the API comes from the project's reference
// (shared/reference/workato-api.md); where that reference marks a fact
// UNCONFIRMED (docs/design.md, "Assumptions about the API"), the code says which assumption it makes.
package workato
