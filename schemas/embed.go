// Package schemas holds the JSON Schemas that define workato-gitops files: the
// tenant (and base) manifest and the repository configuration. They are the
// source of truth for validation, for editors (through a
// `# yaml-language-server: $schema=` line) and for docs/manifest.md, which a
// test keeps in step with them.
package schemas

import "embed"

// FS holds every *.schema.json file of this directory.
//
//go:embed *.schema.json
var FS embed.FS

// Names of the schema files inside FS.
const (
	Tenant = "tenant.schema.json"
	Config = "config.schema.json"
)
