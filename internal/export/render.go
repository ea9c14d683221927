package export

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"
)

// Render writes a tenant manifest. It is plain YAML with comments,
// written by hand rather than through a YAML encoder so that the comments
// sit exactly where a reader needs them; every scalar goes through
// yamlScalar, and every comment through comment, so the result parses back
// to the same values. It knows no kind: each section is written from its
// objects' yaml tags, and their notes.
func Render(w io.Writer, t *Tenant, schemaURL string) error {
	b := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("# yaml-language-server: $schema=%s\n", comment(schemaURL))
	p("#\n")
	p("# Exported by `workato-gitops export` from customer #%d (external id %s).\n", t.CustomerID, comment(t.ExternalID))
	p(header)
	if len(t.Skipped) > 0 {
		p("#\n# Not exported (see the note on each):\n")
		for _, s := range t.Skipped {
			p("#   - %s\n", comment(s))
		}
	}
	p("apiVersion: workato-gitops/v1\nkind: Tenant\nmetadata:\n  name: %s\n", yamlScalar(t.Name))
	for _, s := range t.Sections {
		if len(s.Objects) == 0 {
			continue
		}
		if s.Single && len(s.Objects) != 1 {
			return fmt.Errorf("internal: export of %s: %d objects for one %s", s.Kind, len(s.Objects), s.Field)
		}
		p("%s:\n", s.Field)
		for _, o := range s.Objects {
			if err := renderObject(p, o, !s.Single); err != nil {
				return fmt.Errorf("internal: export of %s: %w", s.Kind, err)
			}
		}
	}
	return b.Flush()
}

const header = `# Every object below exists in the workspace: the next plan shows each one
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

// yaml11Bool are the words YAML 1.1 readers (some editors, older tools)
// take for booleans; YAML 1.2 does not, so the encoder leaves them plain.
var yaml11Bool = map[string]bool{"y": true, "n": true, "yes": true, "no": true, "on": true, "off": true}

// yamlScalar renders s as a YAML scalar that reads back as the string s:
// plain when that is unambiguous, double-quoted otherwise. A string with
// a character that is not printable (line breaks of every kind included)
// is always double-quoted, with that character escaped.
func yamlScalar(s string) string {
	if strings.IndexFunc(s, unprintable) < 0 && !yaml11Bool[strings.ToLower(s)] {
		var n yaml.Node
		n.SetString(s)
		if out, err := yaml.Marshal(&n); err == nil {
			if v := strings.TrimSuffix(string(out), "\n"); !strings.Contains(v, "\n") {
				return v
			}
		}
	}
	return doubleQuoted(s)
}

// unprintable is a rune that must not appear raw in a one-line scalar or
// a comment: controls, line and paragraph separators, format characters
// such as the byte order mark.
func unprintable(r rune) bool { return r != ' ' && !unicode.IsPrint(r) }

// doubleQuoted is s as a YAML double-quoted scalar in which every
// unprintable rune is escaped: YAML 1.1 readers fold NEL (U+0085) and
// U+2028/U+2029 as line breaks, so JSON's quoting is not enough.
func doubleQuoted(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r > 0xFFFF && unprintable(r):
			fmt.Fprintf(&b, `\U%08x`, r)
		case unprintable(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// comment keeps text from API values inside one comment line: every run
// of spaces and unprintable runes becomes one space.
func comment(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unprintable(r) }), " ")
}
