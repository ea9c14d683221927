package redact

import (
	"bytes"
	"encoding/json"
	"html"
	"net/url"
	"strings"
)

// forms are the ways x is written by an encoder that might echo it: as
// is; JSON-escaped by Go (which escapes <, > and & as \u003c...), by
// encoders that escape only what they must, and by those that also
// escape "/"; query- and path-escaped, with upper- and lower-case hex;
// HTML-escaped, as an error page shows it.
func forms(x string) []string {
	out := []string{x}
	add := func(f string) {
		for _, o := range out {
			if o == f {
				return
			}
		}
		out = append(out, f)
	}
	if q, err := json.Marshal(x); err == nil {
		add(string(q[1 : len(q)-1]))
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(x) == nil {
		plain := strings.TrimSuffix(b.String(), "\n")
		plain = plain[1 : len(plain)-1]
		add(plain)
		add(strings.ReplaceAll(plain, "/", `\/`))
	}
	for _, esc := range []string{url.QueryEscape(x), url.PathEscape(x)} {
		add(esc)
		add(lowerHex(esc))
	}
	add(html.EscapeString(x))
	return out
}

// lowerHex lower-cases the hex digits of every %XX escape.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = lower(b[i+1]), lower(b[i+2])
		}
	}
	return string(b)
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'F' {
		return c + 'a' - 'A'
	}
	return c
}
