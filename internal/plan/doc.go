// Package plan decides what apply must do: from the desired state of a
// tenant (internal/spec), its live state and its ledger, it computes an
// ordered list of actions, checks the guards, and renders the result as
// text, JSON or Markdown.
//
// It is pure: no I/O, no clock, no network. The caller reads live state
// and hands it in as Live; the same inputs always give the same Plan. A
// Plan never holds a secret: inputs appear only as "(sensitive value)" and
// whether they changed.
package plan
