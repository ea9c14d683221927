package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// document is one parsed manifest: its YAML tree, the same tree as plain
// JSON-like values for the schema, and where every value came from.
type document struct {
	file  string // display path
	root  *yaml.Node
	value map[string]any
	locs  map[string]loc // by JSON pointer
}

// loc is where a value and its key stand.
type loc struct{ keyLine, line int }

// line of the value at ptr, or of its nearest located ancestor.
func (d *document) line(ptr string) int {
	for {
		if l, ok := d.locs[ptr]; ok {
			return l.line
		}
		i := strings.LastIndexByte(ptr, '/')
		if i < 0 {
			return 0
		}
		ptr = ptr[:i]
	}
}

// keyLine is the line of the key that holds ptr (for "unknown field").
func (d *document) keyLine(ptr string) int {
	if l, ok := d.locs[ptr]; ok && l.keyLine > 0 {
		return l.keyLine
	}
	return d.line(ptr)
}

// yaml.v3 reports syntax errors only as text; these pull the line out.
var (
	yamlLineErr = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	typeErrLine = regexp.MustCompile(`^line (\d+): (.*)$`)
)

// parseDocument parses data as exactly one YAML mapping. Anchors, aliases,
// merge keys and custom tags are refused: they are how YAML bombs work, SOPS
// does not keep them, and bases (metadata.extends) share configuration
// instead.
func parseDocument(file string, data []byte) (*document, Diagnostics) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil && !errors.Is(err, io.EOF) {
		return nil, Diagnostics{yamlDiag(file, err)}
	}
	var next yaml.Node
	if err := dec.Decode(&next); !errors.Is(err, io.EOF) {
		line := next.Line
		if err != nil {
			return nil, Diagnostics{yamlDiag(file, err)}
		}
		return nil, Diagnostics{{File: file, Line: line, Message: "a manifest file holds exactly one YAML document; put each tenant in its own file"}}
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil, Diagnostics{{File: file, Message: "file is empty"}}
	}
	if root.Kind != yaml.DocumentNode || root.Content[0].Kind != yaml.MappingNode {
		return nil, Diagnostics{{File: file, Line: root.Line, Message: "a manifest must be a YAML mapping (apiVersion, kind, metadata, ...)"}}
	}
	d := &document{file: file, root: root.Content[0], locs: map[string]loc{}}
	var ds Diagnostics
	v := d.convert(d.root, "", 0, &ds)
	if len(ds) > 0 {
		return nil, ds
	}
	d.value = v.(map[string]any)
	return d, nil
}

func yamlDiag(file string, err error) Diagnostic {
	msg := oneLine(err.Error())
	if m := yamlLineErr.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return Diagnostic{File: file, Line: n, Message: "invalid YAML: " + m[2]}
	}
	if te, ok := err.(*yaml.TypeError); ok && len(te.Errors) > 0 {
		msg = te.Errors[0]
		if m := typeErrLine.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			return Diagnostic{File: file, Line: n, Message: "invalid YAML: " + m[2]}
		}
	}
	return Diagnostic{File: file, Message: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

const maxDepth = 64

func (d *document) convert(n *yaml.Node, ptr string, keyLine int, ds *Diagnostics) any {
	d.locs[ptr] = loc{keyLine: keyLine, line: n.Line}
	bad := func(format string, args ...any) any {
		*ds = append(*ds, Diagnostic{File: d.file, Line: n.Line, Field: fieldName(ptr), Message: fmt.Sprintf(format, args...)})
		return nil
	}
	if n.Anchor != "" || n.Kind == yaml.AliasNode {
		return bad("YAML anchors and aliases are not supported; share configuration with a Base and metadata.extends")
	}
	if strings.Count(ptr, "/") > maxDepth {
		return bad("nested deeper than %d levels", maxDepth)
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" || k.Anchor != "" {
				*ds = append(*ds, Diagnostic{File: d.file, Line: k.Line, Field: fieldName(ptr), Message: "mapping keys must be plain strings (no merge keys, anchors or complex keys)"})
				continue
			}
			if _, dup := m[k.Value]; dup {
				*ds = append(*ds, Diagnostic{File: d.file, Line: k.Line, Field: fieldName(ptr + "/" + escapePtr(k.Value)), Message: "duplicate key"})
				continue
			}
			m[k.Value] = d.convert(v, ptr+"/"+escapePtr(k.Value), k.Line, ds)
		}
		return m
	case yaml.SequenceNode:
		s := make([]any, len(n.Content))
		for i, c := range n.Content {
			s[i] = d.convert(c, ptr+"/"+strconv.Itoa(i), 0, ds)
		}
		return s
	case yaml.ScalarNode:
		v, err := scalar(n)
		if err != nil {
			return bad("%v", err)
		}
		return v
	}
	return bad("unsupported YAML node")
}

// scalar turns a YAML scalar into the JSON value the schema sees.
func scalar(n *yaml.Node) (any, error) {
	switch n.ShortTag() {
	case "!!str", "!!timestamp", "!!binary":
		return n.Value, nil
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		err := n.Decode(&b)
		return b, err
	case "!!int":
		var i int64
		if err := n.Decode(&i); err == nil {
			return i, nil
		}
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, fmt.Errorf("integer %q out of range", n.Value)
		}
		return f, nil
	case "!!float":
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, err
		}
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, fmt.Errorf("%q is not a finite number", n.Value)
		}
		return f, nil
	default:
		return nil, fmt.Errorf("custom YAML tag %q is not supported", n.Tag)
	}
}

var (
	ptrEscaper   = strings.NewReplacer("~", "~0", "/", "~1")
	ptrUnescaper = strings.NewReplacer("~1", "/", "~0", "~")
)

// escapePtr escapes one JSON pointer token (RFC 6901).
func escapePtr(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return ptrEscaper.Replace(s)
}

func unescapePtr(s string) string {
	if !strings.Contains(s, "~") {
		return s
	}
	return ptrUnescaper.Replace(s)
}

// fieldName renders a JSON pointer as the field path users read in errors:
// /connections/2/input/api_key -> connections[2].input.api_key
func fieldName(ptr string) string {
	if ptr == "" {
		return ""
	}
	var b strings.Builder
	for _, tok := range strings.Split(ptr[1:], "/") {
		if _, err := strconv.Atoi(tok); err == nil {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(unescapePtr(tok))
	}
	return b.String()
}
