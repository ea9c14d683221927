package spec

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Sealing a file rewrites only the bytes of the scalars it changes, so that
// the file's indentation, flow style, quoting and comments stay as they
// were and a reviewer's diff shows exactly the values that changed. This
// file finds where a scalar stands in the text and replaces it.

// nodeAt is a scalar of a parsed file, by JSON pointer.
type nodeAt struct {
	node *yaml.Node
	flow bool // inside a flow mapping or sequence
	path []string
}

// scalarNodes maps the JSON pointer of every scalar to its node.
func scalarNodes(root *yaml.Node) map[string]nodeAt {
	out := map[string]nodeAt{}
	var walk func(n *yaml.Node, ptr string, path []string, flow bool)
	walk = func(n *yaml.Node, ptr string, path []string, flow bool) {
		flow = flow || n.Style&yaml.FlowStyle != 0
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i].Value
				walk(n.Content[i+1], ptr+"/"+escapePtr(k), append(path[:len(path):len(path)], k), flow)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, ptr+"/"+strconv.Itoa(i), path, flow)
			}
		case yaml.ScalarNode:
			out[ptr] = nodeAt{node: n, flow: flow, path: path}
		}
	}
	walk(root, "", nil, false)
	return out
}

// edit replaces the text of one scalar.
type edit struct {
	start, end int
	text       string
}

// spliceScalars replaces the scalars at the given pointers with new text,
// written plain where YAML allows it and double-quoted otherwise.
func spliceScalars(data []byte, nodes map[string]nodeAt, values map[string]string) ([]byte, error) {
	lines := lineStarts(data)
	var edits []edit
	for ptr, v := range values {
		at, ok := nodes[ptr]
		if !ok {
			return nil, fmt.Errorf("%s: not a scalar", fieldName(ptr))
		}
		start, end, err := scalarSpan(data, lines, at)
		if err != nil {
			return nil, fmt.Errorf("line %d: %s: %v", at.node.Line, fieldName(ptr), err)
		}
		text := v
		// A quoted value stays quoted, except a ciphertext, which sops writes plain.
		quoted := at.node.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 && !strings.HasPrefix(v, "ENC[")
		if at.flow || quoted || !plainSafe(v) {
			text = strconv.Quote(v)
		}
		edits = append(edits, edit{start, end, text})
	}
	return applyEdits(data, edits)
}

// plainSafe is whether s can be written as a plain scalar in block context
// and read back as the same string: SOPS's ENC[...] values and
// timestamps can.
func plainSafe(s string) bool {
	if s == "" || strings.ContainsAny(s, "\n\"'#{}&*!|>%@`") || strings.Contains(s, ": ") {
		return false
	}
	if strings.HasPrefix(s, "ENC[") {
		return true
	}
	var v any
	if yaml.Unmarshal([]byte(s), &v) != nil {
		return false
	}
	got, ok := v.(string)
	return ok && got == s
}

func lineStarts(data []byte) []int {
	starts := []int{0}
	for i, c := range data {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// scalarSpan is the byte range of a scalar's text, from its node's line
// and column.
func scalarSpan(data []byte, lines []int, at nodeAt) (int, int, error) {
	n := at.node
	if n.Line < 1 || n.Line > len(lines) {
		return 0, 0, errors.New("no position")
	}
	ls := lines[n.Line-1]
	le := len(data)
	if n.Line < len(lines) {
		le = lines[n.Line] - 1
	}
	start := ls
	for col := 1; col < n.Column && start < le; col++ { // columns count characters
		_, size := utf8.DecodeRune(data[start:])
		start += size
	}
	line := data[start:le]
	switch n.Style {
	case yaml.DoubleQuotedStyle:
		for i := 1; i < len(line); i++ {
			switch line[i] {
			case '\\':
				i++
			case '"':
				return start, start + i + 1, nil
			}
		}
		return 0, 0, errors.New("a quoted value over several lines cannot be sealed in place; put it on one line")
	case yaml.SingleQuotedStyle:
		for i := 1; i < len(line); i++ {
			if line[i] == '\'' {
				if i+1 < len(line) && line[i+1] == '\'' {
					i++
					continue
				}
				return start, start + i + 1, nil
			}
		}
		return 0, 0, errors.New("a quoted value over several lines cannot be sealed in place; put it on one line")
	case yaml.LiteralStyle, yaml.FoldedStyle:
		return start, blockScalarEnd(data, lines, n.Line, ls), nil
	}
	end := len(line)
	if i := bytes.Index(line, []byte(" #")); i >= 0 {
		end = i
	}
	if at.flow {
		if i := bytes.IndexAny(line[:end], ",]}"); i >= 0 {
			end = i
		}
	}
	text := strings.TrimRight(string(line[:end]), " \t\r")
	if text != n.Value {
		return 0, 0, errors.New("a value over several lines cannot be sealed in place; put it on one line")
	}
	return start, start + len(text), nil
}

// blockScalarEnd is where a literal or folded block that starts on line
// (1-based) ends: before the first non-blank line indented no deeper than
// the line that holds its indicator, without the blank lines before it.
func blockScalarEnd(data []byte, lines []int, line, ls int) int {
	indent := indentOf(data[ls:])
	end := lineEnd(data, lines, line)
	for l := line + 1; l <= len(lines); l++ {
		s := lines[l-1]
		text := data[s:lineEnd(data, lines, l)]
		if len(bytes.TrimSpace(text)) == 0 {
			continue
		}
		if indentOf(text) <= indent {
			break
		}
		end = lineEnd(data, lines, l)
	}
	return end
}

func lineEnd(data []byte, lines []int, line int) int {
	if line < len(lines) {
		return lines[line] - 1
	}
	return len(data)
}

func indentOf(b []byte) int {
	n := 0
	for n < len(b) && b[n] == ' ' {
		n++
	}
	return n
}

// fileIndent is the indentation a file uses: the column step from a block
// mapping's key to the first key of a block mapping under it. 2 when the
// file does not say.
func fileIndent(root *yaml.Node) int {
	var find func(n *yaml.Node) int
	find = func(n *yaml.Node) int {
		if n.Kind != yaml.MappingNode || n.Style&yaml.FlowStyle != 0 {
			return 0
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 && v.Content[0].Line > k.Line {
				if step := v.Content[0].Column - k.Column; step > 0 {
					return step
				}
			}
			if d := find(v); d > 0 {
				return d
			}
		}
		return 0
	}
	if d := find(root); d > 0 {
		return d
	}
	return 2
}
