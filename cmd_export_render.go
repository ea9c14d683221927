package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// exported is one tenant as export writes it: plain data read from the
// API, rendered by renderTenant. Everything is already sorted.
type exported struct {
	Name     string // metadata.name
	Customer exportedCustomer
	Members  []exportedMember
	Folders  []exportedFolder // every folder, parents before children
	Conns    []exportedConn
	Recipes  []exportedRecipe
	Skipped  []string // what could not be exported, and why
}

type exportedCustomer struct {
	ID                int64
	ExternalID        string
	Name              string
	NotificationEmail string
	PlanID            string
	OriginURL         string
}

type exportedMember struct{ Email, Name, Role string }

type exportedFolder struct {
	Path    string
	Protect bool // the ledger of an earlier workato-gitops says so
}

type exportedConn struct {
	Name, Provider, Folder, ExternalID, Parent string
	ID                                         int64 // pinned only when another live connection has the same key
	Authorized, Protect                        bool
	// Schema is the connector's input fields; SchemaKnown is false when
	// the API gave none (a custom connector, or an error in SchemaNote).
	Schema      []workato.InputField
	SchemaKnown bool
	SchemaNote  string

	liveID, parentID int64
}

type exportedRecipe struct {
	Name, Folder string
	Running      bool
}

// renderTenant writes a tenant manifest. It is plain YAML with comments,
// written by hand rather than through a YAML encoder so that the comments
// sit exactly where a reader needs them; every scalar goes through
// exportYAML, so the result parses back to the same values.
func renderTenant(w io.Writer, t *exported, schemaURL string) error {
	b := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("# yaml-language-server: $schema=%s\n", schemaURL)
	p("#\n")
	p("# Exported by `workato-gitops export` from customer #%d (external id %s).\n", t.Customer.ID, t.Customer.ExternalID)
	p(exportHeader)
	if len(t.Skipped) > 0 {
		p("#\n# Not exported (see the note on each):\n")
		for _, s := range t.Skipped {
			p("#   - %s\n", exportComment(s))
		}
	}
	p("apiVersion: workato-gitops/v1\nkind: Tenant\nmetadata:\n  name: %s\n", exportYAML(t.Name))
	c := t.Customer
	p("customer:\n  externalId: %s\n  name: %s\n  notificationEmail: %s\n", exportYAML(c.ExternalID), exportYAML(c.Name), exportYAML(c.NotificationEmail))
	if c.PlanID != "" {
		p("  planId: %s\n", exportYAML(c.PlanID))
	}
	if c.OriginURL != "" {
		p("  originUrl: %s\n", exportYAML(c.OriginURL))
	}
	if len(t.Members) > 0 {
		p("members:\n")
		for _, m := range t.Members {
			p("  - email: %s\n    name: %s\n    role: %s\n", exportYAML(m.Email), exportYAML(m.Name), exportYAML(m.Role))
		}
	}
	if len(t.Folders) > 0 {
		p("folders:\n")
		for _, f := range t.Folders {
			p("  - path: %s\n", exportYAML(f.Path))
			if f.Protect {
				p("    protect: true\n")
			}
		}
	}
	if len(t.Conns) > 0 {
		p("connections:\n")
		for _, cn := range t.Conns {
			renderConn(p, cn)
		}
	}
	if len(t.Recipes) > 0 {
		p("recipes:\n")
		for _, r := range t.Recipes {
			p("  - name: %s\n", exportYAML(r.Name))
			if r.Folder != "" {
				p("    folder: %s\n", exportYAML(r.Folder))
			}
			p("    running: %t\n", r.Running)
		}
	}
	return b.Flush()
}

const exportHeader = `# Every object below exists in the workspace: the next plan shows each one
# as "will be adopted" (recorded as managed, no API call) and nothing else.
# prune is off, so nothing that you delete from this file will be deleted.
#
# Next steps:
#   1. Review. Delete what workato-gitops should not manage.
#   2. Credentials are write-only in Workato, so no input was exported. To
#      manage a connection's credentials, uncomment its input block, replace
#      every <...> placeholder (delete <optional> fields you do not use) and
#      run: workato-gitops encrypt FILE   (keys come from your .sops.yaml)
#   3. workato-gitops plan: only adopt actions, plus one reconnect for each
#      connection whose input you filled in (it is sent once).
#   4. Commit; let CI apply it. See docs/export.md.
`

func renderConn(p func(string, ...any), cn exportedConn) {
	p("  - name: %s\n    provider: %s\n", exportYAML(cn.Name), exportYAML(cn.Provider))
	if cn.Folder != "" {
		p("    folder: %s\n", exportYAML(cn.Folder))
	}
	if cn.ID != 0 {
		p("    id: %d\n", cn.ID)
	}
	if cn.ExternalID != "" {
		p("    externalId: %s\n", exportYAML(cn.ExternalID))
	}
	if cn.Parent != "" {
		p("    parent: %s\n", exportYAML(cn.Parent))
	}
	if cn.Protect {
		p("    protect: true\n")
	}
	if cn.Authorized {
		p("    # Connected in Workato: its credentials stay as they are until you add input.\n")
	} else {
		p("    state: shell\n")
		p("    # Not connected in Workato. To connect it, delete state: shell and add input.\n")
	}
	switch {
	case !cn.SchemaKnown:
		p("    # %s\n", exportComment(cn.SchemaNote))
		p("    # input:\n    #   field_name: %s\n", spec.PlaceholderRequired)
	case len(cn.Schema) == 0:
		p("    # The %s connector's input schema has no fields (it may authorize in a browser).\n", exportComment(cn.Provider))
	default:
		p("    # input:\n")
		for _, f := range cn.Schema {
			p("    #   %s: %s\n", exportYAML(f.Name), exportPlaceholder(f))
		}
	}
}

func exportPlaceholder(f workato.InputField) string {
	switch {
	case f.LooksSecret() && f.Optional:
		return spec.PlaceholderOptionalSecret
	case f.LooksSecret():
		return spec.PlaceholderSecret
	case f.Optional:
		return spec.PlaceholderOptional
	}
	return spec.PlaceholderRequired
}

// yaml11Bool are the words YAML 1.1 readers (some editors, older tools)
// take for booleans; YAML 1.2 does not, so the encoder leaves them plain.
var yaml11Bool = map[string]bool{"y": true, "n": true, "yes": true, "no": true, "on": true, "off": true}

// yamlString renders s as a YAML scalar that reads back as the string s:
// plain when that is unambiguous, quoted otherwise. Multi-line and
// control characters use JSON's double-quoted form, which YAML shares.
func exportYAML(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' }) < 0 && !yaml11Bool[strings.ToLower(s)] {
		var n yaml.Node
		n.SetString(s)
		if out, err := yaml.Marshal(&n); err == nil {
			if v := strings.TrimSuffix(string(out), "\n"); !strings.Contains(v, "\n") {
				return v
			}
		}
	}
	q, _ := json.Marshal(s)
	return string(q)
}

// oneLineComment keeps text from API values inside one comment line.
func exportComment(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }), " ")
}
