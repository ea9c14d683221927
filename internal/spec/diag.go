package spec

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"unique"
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
	// fields holds the line of each direct field of the object, so that
	// a problem with one field points at that field.
	fields fieldLines
}

// fieldLines are the lines of an object's direct fields, encoded into one
// interned string: for each field in name order, the name's length, the
// name, and the field's line less the object's, as varints. A fleet's
// manifest objects are many (six or more a tenant) and few in shape, so
// objects of one shape share one copy, where a map each cost about 1 KiB
// a tenant. The zero value holds no fields.
type fieldLines struct{ h unique.Handle[string] }

// newFieldLines encodes the lines of fields (by name) of an object on
// line base.
func newFieldLines(base int, fields map[string]int) fieldLines {
	if len(fields) == 0 {
		return fieldLines{}
	}
	var b []byte
	for _, name := range sortedKeys(fields) {
		b = binary.AppendUvarint(b, uint64(len(name)))
		b = append(b, name...)
		b = binary.AppendVarint(b, int64(fields[name]-base))
	}
	return fieldLines{unique.Make(string(b))}
}

// line is the line of the field name of an object on line base.
func (f fieldLines) line(base int, name string) (int, bool) {
	if f == (fieldLines{}) {
		return 0, false
	}
	b := []byte(f.h.Value())
	for len(b) > 0 {
		n, w := binary.Uvarint(b)
		key := string(b[w : w+int(n)])
		b = b[w+int(n):]
		d, w := binary.Varint(b)
		b = b[w:]
		if key == name {
			return base + int(d), true
		}
	}
	return 0, false
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
	if l, ok := p.fields.line(p.Line, sub); ok {
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
