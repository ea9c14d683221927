// Package export reads whole customer workspaces and renders them as
// tenant manifests, to start managing workspaces that exist already. It
// owns what export selects (which customers, under which file names), how
// it reads a workspace (through internal/live's walker and converters) and
// how it writes a manifest: every value it takes from the API is escaped,
// in comments too, so the file parses back to exactly those values.
//
// It prints nothing and reads no environment: package main reports what
// it returns.
package export
