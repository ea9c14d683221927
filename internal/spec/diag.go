package spec

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// A Diagnostic is one problem found in the manifests, located by file, line
// and field so that editors and CI annotations can point at it.
type Diagnostic struct {
	File    string // path as the caller named the directory, joined with the file's relative path
	Line    int    // 1-based; 0 when the problem concerns the whole file
	Field   string // e.g. "connections[2].provider"; empty when not about one field
	Message string
}

func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.File)
	if d.Line > 0 {
		fmt.Fprintf(&b, ":%d", d.Line)
	}
	b.WriteString(": ")
	if d.Field != "" {
		b.WriteString(d.Field)
		b.WriteString(": ")
	}
	b.WriteString(d.Message)
	return b.String()
}

// Diagnostics is every problem of one load. As an error it prints one
// problem per line, in file and line order.
type Diagnostics []Diagnostic

func (ds Diagnostics) Error() string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

func (ds Diagnostics) sort() {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Field, b.Field),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// dedupe drops exact repeats, which arise when one bad base is inherited by
// many tenants; ds must be sorted.
func (ds Diagnostics) dedupe() Diagnostics {
	return slices.Compact(ds)
}

// Pos is where an object was declared: the file, the line, and the field
// path of the object inside that file (e.g. "connections[2]").
type Pos struct {
	File  string
	Line  int
	Field string
	// lines holds the line of each direct field of the object, so that
	// a problem with one field points at that field.
	lines map[string]int
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d", p.File, p.Line) }

// position lets generic code reach the Pos embedded in every object.
func (p Pos) position() Pos { return p }

// same reports whether p and q are the same declaration.
func (p Pos) same(q Pos) bool { return p.File == q.File && p.Line == q.Line && p.Field == q.Field }

// Diag is diag for the packages that check what spec cannot (package
// contents): a problem with the object at p, or with its field sub.
func (p Pos) Diag(sub, format string, args ...any) Diagnostic { return p.diag(sub, format, args...) }

// diag reports a problem with the object at p, or with one of its fields
// when sub is not empty.
func (p Pos) diag(sub, format string, args ...any) Diagnostic {
	field, line := p.Field, p.Line
	if l, ok := p.lines[sub]; ok {
		line = l
	}
	if sub != "" {
		if field != "" {
			field += "."
		}
		field += sub
	}
	return Diagnostic{File: p.File, Line: line, Field: field, Message: fmt.Sprintf(format, args...)}
}
