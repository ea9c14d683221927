// Package export reads whole customer workspaces and renders them as
// tenant manifests, to start managing workspaces that exist already. It
// owns what export selects (which customers, under which file names), how
// it reads a workspace (every registered kind at once, then each kind's
// objects in kind order) and how it writes a manifest: every value it
// takes from the API is escaped, in comments too, so the file parses back
// to exactly those values.
//
// It knows no kind of object: each kind registers its part (Register:
// what it reads, the manifest values it writes, their notes) from its own
// file in internal/apply, and Render writes those values from their yaml
// tags.
//
// It prints nothing and reads no environment: package main reports what
// it returns.
package export
