package spec

import (
	"fmt"
	"strconv"
	"strings"
)

// Path is a folder path below Home, held as its segments. The zero Path is
// Home. It is comparable, so it keys maps, and two different lists of
// segments never compare equal: a folder "B/C" in "A" is not folder "C" in
// "A/B", whatever their display strings.
type Path struct {
	enc string // each segment as "<len>:<segment>"; never parsed from outside
}

// Home is the workspace's root folder.
var Home = Path{}

// ParsePath splits a manifest folder path ("" for Home) into segments. Only
// for paths checked by CheckPath: it does not reject "." or "..".
func ParsePath(s string) Path {
	var p Path
	if s == "" {
		return p
	}
	for _, seg := range strings.Split(s, "/") {
		p = p.Child(seg)
	}
	return p
}

// Child is the path of folder name inside p.
func (p Path) Child(name string) Path {
	return Path{enc: p.enc + strconv.Itoa(len(name)) + ":" + name}
}

// Segments lists the folder names from Home down.
func (p Path) Segments() []string {
	var segs []string
	for rest := p.enc; rest != ""; {
		n, tail, _ := strings.Cut(rest, ":")
		size, _ := strconv.Atoi(n)
		segs = append(segs, tail[:size])
		rest = tail[size:]
	}
	return segs
}

// IsHome reports whether p is Home.
func (p Path) IsHome() bool { return p.enc == "" }

// Parent is the folder holding p; Home's parent is Home.
func (p Path) Parent() Path {
	segs := p.Segments()
	if len(segs) == 0 {
		return p
	}
	var q Path
	for _, s := range segs[:len(segs)-1] {
		q = q.Child(s)
	}
	return q
}

// Base is p's own name, "" for Home.
func (p Path) Base() string {
	segs := p.Segments()
	if len(segs) == 0 {
		return ""
	}
	return segs[len(segs)-1]
}

// Within reports whether p is root or below it.
func (p Path) Within(root Path) bool { return strings.HasPrefix(p.enc, root.enc) }

// Depth is the number of segments.
func (p Path) Depth() int { return len(p.Segments()) }

// String joins the segments with "/"; a segment that holds "/" (a live
// name, never a manifest one) or starts with a quote is written quoted, so
// that different paths never print the same.
func (p Path) String() string {
	segs := p.Segments()
	for i, s := range segs {
		segs[i] = quoteSegment(s)
	}
	return strings.Join(segs, "/")
}

func quoteSegment(s string) string {
	if s == "" || strings.Contains(s, "/") || strings.HasPrefix(s, `"`) {
		return strconv.Quote(s)
	}
	return s
}

// Key is an object's natural key: the folder it lives in and its name. A
// folder's key is its parent and its own name; a customer's, member's and
// package's keys have no folder.
type Key struct {
	Folder Path
	Name   string
}

// FolderKey is the key of the folder at p.
func FolderKey(p Path) Key { return Key{Folder: p.Parent(), Name: p.Base()} }

// Path is the folder path a folder key names.
func (k Key) Path() Path {
	if k.Name == "" {
		return k.Folder
	}
	return k.Folder.Child(k.Name)
}

// String is the key as plans show it: "folder/path/name", or the name alone.
func (k Key) String() string { return k.Path().String() }

// MarshalText writes the key as String does.
func (k Key) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads what MarshalText wrote.
func (k *Key) UnmarshalText(b []byte) error {
	p, err := parseDisplay(string(b))
	if err != nil {
		return err
	}
	*k = FolderKey(p)
	return nil
}

// parseDisplay reads a path as String prints it, quoted segments included.
func parseDisplay(s string) (Path, error) {
	var p Path
	for s != "" {
		var seg string
		if s[0] == '"' {
			q, err := strconv.QuotedPrefix(s)
			if err != nil {
				return Path{}, fmt.Errorf("bad key %q: %v", s, err)
			}
			seg, _ = strconv.Unquote(q)
			s = s[len(q):]
		} else {
			i := strings.IndexByte(s, '/')
			if i < 0 {
				i = len(s)
			}
			seg, s = s[:i], s[i:]
		}
		p = p.Child(seg)
		if s != "" {
			if s[0] != '/' || len(s) == 1 {
				return Path{}, fmt.Errorf("bad key near %q", s)
			}
			s = s[1:]
		}
	}
	return p, nil
}

// CheckPath says what is wrong with a manifest folder path, or "".
func CheckPath(s string) string {
	for _, seg := range strings.Split(s, "/") {
		switch seg {
		case "":
			return "empty path segment"
		case ".", "..":
			return fmt.Sprintf("path segment %q is not allowed (folder paths are plain names from Home down)", seg)
		}
	}
	return ""
}
