package workato

import (
	"bytes"
	"encoding/json"
	"reflect"
)

// refusal is a 2xx body that said "success": false. do turns it into an
// *APIError once it knows the method and path.
type refusal struct{ body []byte }

func (r *refusal) Error() string { return "success: false" }

// decodeEnvelope decodes a successful response body into v (which may be
// nil when the caller wants no value), whatever envelope the endpoint
// uses. The Embedded API mostly wraps values in {"result": ...}; some
// endpoints use {"items": [...]}, the Developer API's members list uses
// {"data": [...]}, and old pages show bare arrays and objects (reference
// §4; docs/design.md row "list envelopes"). Any object level with "success": false (or the
// documented capitalised "Success": false) is a *refusal.
func decodeEnvelope(data []byte, v any) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil
	}
	if data[0] == '{' {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(data, &obj); err != nil {
			return err
		}
		if isFalse(obj["success"]) || isFalse(obj["Success"]) {
			return &refusal{body: data}
		}
		if inner, ok := obj["result"]; ok {
			return decodeEnvelope(inner, v)
		}
		// A struct target (a page with items and count) wants the whole
		// object; only a slice target wants the items unwrapped.
		if wantsSlice(v) {
			for _, key := range []string{"items", "data"} {
				if inner, ok := obj[key]; ok {
					return decodeEnvelope(inner, v)
				}
			}
		}
	}
	if v == nil {
		return nil
	}
	return json.Unmarshal(data, v)
}

func isFalse(raw json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(raw), []byte("false"))
}

func wantsSlice(v any) bool {
	t := reflect.TypeOf(v)
	return t != nil && t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Slice
}
