package redact

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// JSON scrubs a JSON document decoded, keys and values, and encodes it
// again: a secret written with escapes of the server's choosing ("\/",
// "\u0077") escapes a scrub of the raw text, not of the decoded strings.
// Anything that is not one JSON value is returned as it is.
func (s Scrubber) JSON(in []byte) []byte {
	if len(s.pats) == 0 {
		return in
	}
	d := json.NewDecoder(bytes.NewReader(in))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil || d.More() {
		return in
	}
	out, err := json.Marshal(s.value(v))
	if err != nil {
		return in
	}
	return out
}

func (s Scrubber) value(v any) any {
	switch x := v.(type) {
	case string:
		return s.String(x)
	case []any:
		for i := range x {
			x[i] = s.value(x[i])
		}
		return x
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[s.String(k)] = s.value(e)
		}
		return out
	}
	return v
}

// Values returns the text of every scalar in v (maps, slices and the
// scalars a decoded input holds) for a Scrubber to remove: strings as
// they are, numbers as Go and JSON write them. Booleans and nulls are
// left out: they carry no credential, and removing every "true" would
// garble messages.
func Values(v any) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		case map[string]string:
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		case []string:
			for _, x := range v {
				walk(x)
			}
		case string:
			out = append(out, v)
		case json.Number:
			out = append(out, string(v))
		case int:
			out = append(out, strconv.Itoa(v))
		case int64:
			out = append(out, strconv.FormatInt(v, 10))
		case uint64:
			out = append(out, strconv.FormatUint(v, 10))
		case float64:
			f, g := strconv.FormatFloat(v, 'f', -1, 64), strconv.FormatFloat(v, 'g', -1, 64)
			out = append(out, f)
			if g != f {
				out = append(out, g)
			}
		}
	}
	walk(v)
	return out
}
