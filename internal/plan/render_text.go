package plan

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TextOptions tune the text rendering. The caller decides on colour (a
// terminal, and no NO_COLOR); with Color false the output holds no escape
// codes at all, not even ones smuggled in through names: every name,
// reason and message goes through printable first.
type TextOptions struct {
	Color bool
}

// RenderText writes the plan the way Terraform does: a legend of the
// symbols in use, one block per tenant in plan order, and a closing line
// with the totals. It only reads p.
func RenderText(w io.Writer, p *Plan, opts TextOptions) error {
	ew := &errWriter{w: w}
	pal := palette{on: opts.Color}
	writeLegend(ew, p, pal)
	for i := range p.Tenants {
		writeTenant(ew, &p.Tenants[i], pal)
	}
	ew.printf("%s\n", pal.bold(totalLine(p)))
	return ew.err
}

// symbols are the markers in front of actions; two ops share one when a
// reviewer reads them alike (both change an object in place, both take
// something away). The verb on the line tells them apart.
var symbols = map[Op]string{
	OpCreate:     "+",
	OpUpdate:     "~",
	OpReconnect:  "~",
	OpDisconnect: "-",
	OpDelete:     "-",
	OpImport:     "<=",
	OpStart:      ">",
	OpStop:       "||",
	OpProtect:    "!",
	OpUnprotect:  "!",
	OpAdopt:      "*",
	OpPending:    "..",
	OpUnmanaged:  "?",
}

var verbs = map[Op]string{
	OpCreate:     "will be created",
	OpUpdate:     "will be updated",
	OpReconnect:  "will be reconnected",
	OpDisconnect: "will be disconnected",
	OpDelete:     "will be deleted",
	OpImport:     "will be imported",
	OpStart:      "will be started",
	OpStop:       "will be stopped",
	OpProtect:    "will be protected",
	OpUnprotect:  "will no longer be protected",
	OpAdopt:      "will be adopted",
	OpPending:    "is invited",
	OpUnmanaged:  "is not managed",
}

var legendNotes = map[Op]string{
	OpProtect:   "protect, unprotect (recorded in the ledger; no API call)",
	OpUnprotect: "protect, unprotect (recorded in the ledger; no API call)",
	OpAdopt:     "adopt (recorded as managed; no API call)",
	OpPending:   "pending (invitation sent, not yet accepted; reported only)",
	OpUnmanaged: "unmanaged (reported only)",
}

// writeLegend lists only the symbols the plan uses, as Terraform does.
func writeLegend(ew *errWriter, p *Plan, pal palette) {
	var syms []string
	names := map[string][]string{}
	for _, op := range Ops {
		if !usesOp(p, op) {
			continue
		}
		s := symbols[op]
		if names[s] == nil {
			syms = append(syms, s)
		}
		name := string(op)
		if n, ok := legendNotes[op]; ok {
			name = n
		}
		if op == OpPending && usesPending(p, KindCustomer) {
			name = "pending (an environment not provisioned yet; reported only)"
			if usesPending(p, KindMember) {
				name = "pending (an invitation not yet accepted, or an environment not provisioned yet; reported only)"
			}
		}
		names[s] = append(names[s], name)
	}
	if len(syms) == 0 {
		return
	}
	ew.printf("Actions are shown with these symbols:\n")
	for _, s := range syms {
		op := opOfSymbol(s)
		ew.printf("%s %s\n", pal.op(op, fmt.Sprintf("%3s", s)), strings.Join(names[s], ", "))
	}
	ew.printf("\n")
}

func usesOp(p *Plan, op Op) bool {
	for i := range p.Tenants {
		for _, a := range p.Tenants[i].Actions {
			if a.Op == op {
				return true
			}
		}
	}
	return false
}

func usesPending(p *Plan, k Kind) bool {
	for i := range p.Tenants {
		for _, a := range p.Tenants[i].Actions {
			if a.Op == OpPending && a.Kind == k {
				return true
			}
		}
	}
	return false
}

func opOfSymbol(s string) Op {
	for _, op := range Ops {
		if symbols[op] == s {
			return op
		}
	}
	return ""
}

func writeTenant(ew *errWriter, t *TenantPlan, pal palette) {
	head := tenantHeader(t)
	switch {
	case t.Status == StatusFailed:
		ew.printf("%s: %s\n", pal.bold(head), pal.red("failed"))
		ew.printf("  error: %s\n", printable(t.Error))
		ew.printf("  Nothing will be applied to this tenant.\n\n")
		return
	case t.Status == StatusBlocked:
		ew.printf("%s: %s\n", pal.bold(head), pal.red("blocked"))
		for _, g := range t.Guards {
			ew.printf("  %s %s: %s\n", pal.red("!"), printable(g.Rule), printable(g.Message))
		}
		ew.printf("  Nothing will be applied to this tenant.")
		if len(t.Actions) == 0 {
			ew.printf("\n\n")
			return
		}
		ew.printf(" The plan it refused:\n\n")
	case len(t.Actions) == 0:
		ew.printf("%s: no changes\n\n", pal.bold(head))
		return
	default:
		ew.printf("%s\n\n", pal.bold(head))
	}
	for i := range t.Actions {
		writeAction(ew, &t.Actions[i], pal)
	}
	ew.printf("\n  %s\n\n", tenantLine(t))
}

func tenantHeader(t *TenantPlan) string {
	s := fmt.Sprintf("%s (external id %s", printable(t.Label()), strconv.Quote(t.ExternalID))
	if t.CustomerID != 0 {
		s += fmt.Sprintf(", customer #%d", t.CustomerID)
	}
	if t.WorkspaceID != 0 && t.WorkspaceID != t.CustomerID {
		s += fmt.Sprintf(", workspace #%d", t.WorkspaceID)
	}
	switch {
	case t.Wave == 1:
		s += ", rollout wave 1: canary"
	case t.Wave > 1:
		s += fmt.Sprintf(", rollout wave %d", t.Wave)
	}
	return s + ")"
}

// tenantLine is the tenant's own summary, the last line of its block.
func tenantLine(t *TenantPlan) string {
	name := printable(t.Label())
	c := t.Counts()
	if t.Status == StatusBlocked {
		return fmt.Sprintf("%s: blocked by %s; nothing will be applied.", name, plural(len(t.Guards), "guard", "guards"))
	}
	if !t.Changes() {
		if c[OpPending] > 0 {
			return fmt.Sprintf("%s: no changes, %d pending, %d unmanaged.", name, c[OpPending], c[OpUnmanaged])
		}
		return fmt.Sprintf("%s: no changes, %d unmanaged.", name, c[OpUnmanaged])
	}
	return fmt.Sprintf("%s: %s.", name, countsPhrase(c))
}

func writeAction(ew *errWriter, a *Action, pal palette) {
	line := fmt.Sprintf("%s %s", a.Kind, strconv.Quote(a.Key.String()))
	if a.LiveID != 0 {
		line += fmt.Sprintf(" (#%d)", a.LiveID)
	}
	verb := verbs[a.Op]
	if a.Op == OpPending && a.Kind == KindCustomer {
		verb = "waits for its environment" // an environment not provisioned yet, not an invitation
	}
	line += " " + verb
	if a.Reason != "" {
		line += ": " + printable(a.Reason)
	}
	if a.Op.ReportOnly() {
		ew.printf("%s\n", pal.dim(fmt.Sprintf("%3s %s", symbols[a.Op], line)))
	} else {
		ew.printf("%s %s\n", pal.op(a.Op, fmt.Sprintf("%3s", symbols[a.Op])), line)
	}
	for _, c := range a.Changes {
		sym, text := changeText(a.Op, c)
		ew.printf("      %s %s\n", pal.op(changeOps[sym], sym), text)
	}
}

// changeOps colours a change's symbol like the action it resembles.
var changeOps = map[string]Op{"+": OpCreate, "~": OpUpdate, "-": OpDelete}

// changeText renders one field change. A sensitive change never shows
// its values, even when a buggy caller filled Old or New.
func changeText(op Op, c Change) (sym, text string) {
	field := printable(c.Field)
	switch {
	case op == OpCreate || (!c.Sensitive && c.Old == nil && c.New != nil):
		sym = "+"
	case op == OpDelete || (!c.Sensitive && c.Old != nil && c.New == nil):
		sym = "-"
	default:
		sym = "~"
	}
	if c.Sensitive {
		return sym, field + ": (sensitive value)"
	}
	switch sym {
	case "+":
		return sym, field + ": " + formatValue(c.New)
	case "-":
		return sym, field + ": " + formatValue(c.Old)
	}
	return sym, field + ": " + formatValue(c.Old) + " -> " + formatValue(c.New)
}

// formatValue shows strings quoted, so that empty strings, spaces and
// control characters are visible and cannot forge output lines.
func formatValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(v)
	case bool, int, int64, float64:
		return fmt.Sprint(v)
	}
	return strconv.Quote(fmt.Sprint(v))
}

// printable escapes what a terminal would interpret (escape sequences,
// newlines, invalid UTF-8) and leaves everything else, quotes included,
// as written.
func printable(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i, w := 0, 0; i < len(s); i += w {
		r, size := utf8.DecodeRuneInString(s[i:])
		w = size
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unicode.IsPrint(r):
			b.WriteRune(r)
		default:
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		}
	}
	return b.String()
}

// palette colours text only when it is on.
type palette struct{ on bool }

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

var opColors = map[Op]string{
	OpCreate:     ansiGreen,
	OpUpdate:     ansiYellow,
	OpReconnect:  ansiYellow,
	OpImport:     ansiYellow,
	OpDelete:     ansiRed,
	OpDisconnect: ansiRed,
	OpStart:      ansiCyan,
	OpStop:       ansiCyan,
	OpPending:    ansiDim,
	OpUnprotect:  ansiRed,
	OpUnmanaged:  ansiDim,
}

func (p palette) wrap(code, s string) string {
	if !p.on || code == "" {
		return s
	}
	return code + s + ansiReset
}

func (p palette) op(op Op, s string) string { return p.wrap(opColors[op], s) }
func (p palette) bold(s string) string      { return p.wrap(ansiBold, s) }
func (p palette) dim(s string) string       { return p.wrap(ansiDim, s) }
func (p palette) red(s string) string       { return p.wrap(ansiBold+ansiRed, s) }

// errWriter keeps the first write error so that the renderers can write
// line by line and check once.
type errWriter struct {
	w   io.Writer
	err error
}

func (ew *errWriter) printf(format string, args ...any) {
	if ew.err == nil {
		_, ew.err = fmt.Fprintf(ew.w, format, args...)
	}
}
