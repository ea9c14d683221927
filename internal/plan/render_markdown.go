package plan

import (
	"fmt"
	"io"
	"strings"
)

// DefaultMarkdownMaxBytes keeps a comment under GitHub's limit of 65,536
// characters with room for whatever the workflow adds around it. Bytes
// are never fewer than characters, so a byte budget is the safe side.
const DefaultMarkdownMaxBytes = 60000

// MarkdownOptions tune the pull-request comment.
type MarkdownOptions struct {
	// MaxBytes bounds the output; 0 means DefaultMarkdownMaxBytes.
	MaxBytes int
	// FullPlanHint says where the whole plan is when the comment had to be
	// cut, e.g. "the full plan is in the workflow artifact plan.json". It
	// is written as given (it comes from the CLI, not from a manifest).
	FullPlanHint string
}

// MarkdownMarker starts every comment, so that a workflow can find its
// previous comment and edit it in place.
const MarkdownMarker = "<!-- workato-gitops plan -->"

// RenderMarkdown writes the plan as a pull-request comment: the totals, a
// table with one row per tenant, the guards and errors of blocked and
// failed tenants, and each tenant's text plan in a collapsed diff block.
// It never writes more than MaxBytes: it drops details blocks from the
// end, then table rows, then guard and error notes, and says what it cut.
// It only reads p.
func RenderMarkdown(w io.Writer, p *Plan, opts MarkdownOptions) error {
	limit := opts.MaxBytes
	if limit == 0 {
		limit = DefaultMarkdownMaxBytes
	}
	m := buildMarkdown(p, limit)
	keep, err := m.fit(limit, opts.FullPlanHint)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, m.assemble(keep, opts.FullPlanHint))
	return err
}

// mdSection is a heading and items that can be cut from the end; names
// says which tenant each item is about, for the cut note.
type mdSection struct {
	head  string
	items []string
	names []string
	size  []int // size[k] = bytes of head and the first k items
	// unbuilt counts the items after items that were never built, because
	// the first len(items)+1 alone would not fit: they are cut for sure.
	unbuilt int
}

// total is how many items the section has, built or not.
func (s *mdSection) total() int { return len(s.items) + s.unbuilt }

func (s *mdSection) add(name, item string) {
	if len(s.size) == 0 {
		s.size = []int{len(s.head)}
	}
	s.items = append(s.items, item)
	s.names = append(s.names, name)
	s.size = append(s.size, s.size[len(s.size)-1]+len(item))
}

// bytes is what the section costs with its first k items; no items, no
// heading.
func (s *mdSection) bytes(k int) int {
	if k == 0 {
		return 0
	}
	return s.size[k]
}

type markdown struct {
	head                 string
	rows, notes, details mdSection
}

// cut is how many items of each section survive, in the order they are
// dropped: details first, then rows, then notes.
type cut struct{ details, rows, notes int }

// buildMarkdown renders every row and note, but details blocks only
// while they fit in limit: the text plans of a large fleet are most of
// the work and would all be cut.
func buildMarkdown(p *Plan, limit int) *markdown {
	m := &markdown{head: MarkdownMarker + "\n## workato-gitops plan\n\n**" + mdText(totalLine(p)) + "**\n\n"}
	ops := opsInUse(p)
	m.rows.head = tableHead(ops)
	m.notes.head = "\n**Blocked or failed**: nothing will be applied to these tenants.\n\n"
	m.details.head = "\n"
	for i := range p.Tenants {
		t := &p.Tenants[i]
		m.rows.add(t.Label(), tableRow(t, ops))
		switch t.Status {
		case StatusBlocked:
			for _, g := range t.Guards {
				m.notes.add(t.Label(), fmt.Sprintf("- ⛔ **%s**: `%s`: %s\n", mdText(t.Label()), mdCode(g.Rule), mdText(g.Message)))
			}
		case StatusFailed:
			m.notes.add(t.Label(), fmt.Sprintf("- ❌ **%s**: %s\n", mdText(t.Label()), mdText(t.Error)))
		}
		switch {
		case len(t.Actions) == 0:
		case m.details.unbuilt > 0:
			m.details.unbuilt++
		default:
			block := detailsBlock(t)
			if m.details.bytes(len(m.details.items))+len(block) > limit {
				m.details.unbuilt++
				break
			}
			m.details.add(t.Label(), block)
		}
	}
	return m
}

// opsInUse picks the table's count columns: only ops that occur in the
// plan. The columns of an op that never occurs would be zero in every
// row, and a narrow table reads better in a review than twelve columns.
func opsInUse(p *Plan) []Op {
	var ops []Op
	for _, op := range Ops {
		if usesOp(p, op) {
			ops = append(ops, op)
		}
	}
	return ops
}

func tableHead(ops []Op) string {
	var b strings.Builder
	b.WriteString("| tenant | status |")
	for _, op := range ops {
		fmt.Fprintf(&b, " %s |", op)
	}
	b.WriteString("\n| --- | --- |")
	for range ops {
		b.WriteString(" ---: |")
	}
	b.WriteString("\n")
	return b.String()
}

// tableRow leaves zero counts blank so that the numbers stand out.
func tableRow(t *TenantPlan, ops []Op) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| %s | %s |", mdText(t.Label()), statusCell(t))
	c := t.Counts()
	for _, op := range ops {
		if c[op] == 0 {
			b.WriteString(" |")
		} else {
			fmt.Fprintf(&b, " %s |", commas(c[op]))
		}
	}
	b.WriteString("\n")
	return b.String()
}

func statusCell(t *TenantPlan) string {
	switch {
	case t.Status == StatusBlocked:
		return "⛔ blocked"
	case t.Status == StatusFailed:
		return "❌ failed"
	case !t.Changes():
		return "no changes"
	}
	return "✅ planned"
}

// detailsBlock holds the tenant's text plan in a diff block. GitHub
// colours a diff line by its first character, so each marker moves to
// the start of its line ("  + x" becomes "+   x") and "~" becomes "!",
// which GitHub shows as a change.
func detailsBlock(t *TenantPlan) string {
	var tb strings.Builder
	ew := &errWriter{w: &tb}
	writeTenant(ew, t, palette{})
	text := strings.TrimRight(tb.String(), "\n")
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = diffMarker(l)
	}
	text = strings.Join(lines, "\n")
	fence := codeFence(text)
	return fmt.Sprintf("<details><summary>%s</summary>\n\n%sdiff\n%s\n%s\n\n</details>\n",
		detailsSummary(t), fence, text, fence)
}

func diffMarker(line string) string {
	rest := strings.TrimLeft(line, " ")
	if rest == "" || rest == line || !strings.ContainsAny(rest[:1], "+-~!") {
		return line
	}
	sym := rest[:1]
	if sym == "~" {
		sym = "!"
	}
	return sym + line[:len(line)-len(rest)] + rest[1:]
}

// codeFence is longer than any run of backticks in text, so that a key
// holding "```" cannot close the block early.
func codeFence(text string) string {
	longest, run := 0, 0
	for i := 0; i < len(text); i++ {
		if text[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

func detailsSummary(t *TenantPlan) string {
	c := t.Counts()
	n := len(t.Actions) - c[OpUnmanaged] - c[OpPending]
	s := mdText(t.Label()) + ": " + plural(n, "change", "changes")
	if c[OpPending] > 0 {
		s += fmt.Sprintf(", %s pending", commas(c[OpPending]))
	}
	if c[OpUnmanaged] > 0 {
		s += fmt.Sprintf(", %s unmanaged", commas(c[OpUnmanaged]))
	}
	switch t.Status {
	case StatusBlocked:
		s += " (⛔ blocked)"
	case StatusFailed:
		s += " (❌ failed)"
	}
	return s
}

// fit finds how much survives within limit bytes, dropping from the
// end: details, then rows, then notes. The cut note is counted in.
func (m *markdown) fit(limit int, hint string) (cut, error) {
	k := cut{details: len(m.details.items), rows: len(m.rows.items), notes: len(m.notes.items)}
	for _, n := range []*int{&k.details, &k.rows, &k.notes} {
		for *n > 0 && m.size(k, hint) > limit {
			*n--
		}
	}
	if need := m.size(k, hint); need > limit {
		return k, fmt.Errorf("markdown plan: a limit of %d bytes is too small; the headline and cut note alone need %d", limit, need)
	}
	return k, nil
}

func (m *markdown) size(k cut, hint string) int {
	return len(m.head) + len(m.cutNote(k, hint)) + m.rows.bytes(k.rows) + m.notes.bytes(k.notes) + m.details.bytes(k.details)
}

func (m *markdown) assemble(k cut, hint string) string {
	var b strings.Builder
	b.Grow(m.size(k, hint))
	b.WriteString(m.head)
	b.WriteString(m.cutNote(k, hint))
	for _, s := range []struct {
		sec *mdSection
		n   int
	}{{&m.rows, k.rows}, {&m.notes, k.notes}, {&m.details, k.details}} {
		if s.n == 0 {
			continue
		}
		b.WriteString(s.sec.head)
		for _, item := range s.sec.items[:s.n] {
			b.WriteString(item)
		}
	}
	return b.String()
}

// cutNote says what was cut, from which tenant on, and where the whole
// plan is; it is empty when nothing was cut.
func (m *markdown) cutNote(k cut, hint string) string {
	var parts []string
	if n := m.details.total() - k.details; n > 0 {
		parts = append(parts, fmt.Sprintf("details for %s", plural(n, "tenant", "tenants")))
	}
	if n := len(m.rows.items) - k.rows; n > 0 {
		parts = append(parts, fmt.Sprintf("table rows for %s (from %s on)", plural(n, "tenant", "tenants"), mdText(m.rows.names[k.rows])))
	}
	if n := len(m.notes.items) - k.notes; n > 0 {
		parts = append(parts, fmt.Sprintf("%s about blocked or failed tenants (from %s on)", plural(n, "note", "notes"), mdText(m.notes.names[k.notes])))
	}
	if len(parts) == 0 {
		return ""
	}
	s := strings.Join(parts, ", ")
	if hint == "" {
		hint = "run `workato-gitops plan` to see the full plan"
	}
	return "> [!WARNING]\n> " + strings.ToUpper(s[:1]) + s[1:] + " were cut to fit GitHub's comment limit; " + hint + ".\n\n"
}

// mdReplacer makes a name inert in a table cell, in HTML and in Markdown
// text: a pipe cannot split a cell, a tag cannot open, and emphasis, code
// and links cannot start. Entities rather than backslashes, because
// backslash escapes do not work inside HTML such as <summary>.
var mdReplacer = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;", "|", "&#124;", "`", "&#96;",
	"*", "&#42;", "_", "&#95;", "[", "&#91;", "]", "&#93;", "~", "&#126;",
	"\\", "&#92;", "@", "&#64;", "#", "&#35;",
)

// mdText escapes s for Markdown and HTML; newlines and other control
// characters become visible escapes first, so a name stays on one line.
func mdText(s string) string {
	return mdReplacer.Replace(printable(s))
}

// mdCode escapes s for a code span: there only backticks, pipes (in
// tables) and newlines matter, and entities would show literally.
func mdCode(s string) string {
	return strings.NewReplacer("`", "'", "|", "/").Replace(printable(s))
}

// MarkdownText escapes s for Markdown and HTML text, as the plan's
// Markdown renders names: the one Markdown escaper, shared with the apply
// result's summary.
func MarkdownText(s string) string { return mdText(s) }

// MarkdownCode escapes s for a Markdown code span.
func MarkdownCode(s string) string { return mdCode(s) }
