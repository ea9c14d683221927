package workato

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDecodeEnvelope(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Project
	}{
		{"result", `{"result": [{"id": 1}]}`, []Project{{ID: 1}}},
		{"items", `{"items": [{"id": 1}], "count": 1}`, []Project{{ID: 1}}},
		{"result items", `{"result": {"items": [{"id": 1}]}}`, []Project{{ID: 1}}},
		{"bare array", ` [{"id": 1}] `, []Project{{ID: 1}}},
		{"empty body", ``, nil},
		{"null result", `{"result": null}`, nil},
	}
	for _, tc := range tests {
		var got []Project
		if err := decodeEnvelope([]byte(tc.in), &got); err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
	var page connectorPage
	if err := decodeEnvelope([]byte(`{"items": [{"name": "a"}], "count": 7}`), &page); err != nil || page.Count != 7 || len(page.Items) != 1 {
		t.Errorf("a struct target gets the whole page: %+v, %v", page, err)
	}
	for _, in := range []string{`{"success": false}`, `{"Success": false}`, `{"result": {"success": false}}`} {
		var ref *refusal
		if err := decodeEnvelope([]byte(in), nil); !errors.As(err, &ref) {
			t.Errorf("decodeEnvelope(%s) = %v, want a refusal", in, err)
		}
	}
	for _, in := range []string{`{"success": true}`, `{"Success": true}`, `{"success": "false"}`} {
		if err := decodeEnvelope([]byte(in), nil); err != nil {
			t.Errorf("decodeEnvelope(%s) = %v, want success", in, err)
		}
	}
}

// FuzzDecodeEnvelope: no input may panic the decoder, whatever the target,
// and neither may building an error from it.
func FuzzDecodeEnvelope(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{``, `{`, `[`, `{"result":`, `{"result":{"result":{"items":[1]}}}`, `{"code":{"a":1}}`, `[[1,[["a",null,"b",{"k":1}]]]]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		targets := []any{nil, &[]Connection{}, &[]Recipe{}, &Customer{}, &[]Customer{}, &[]Member{}, &Import{}, &map[string]string{}, &connectorPage{}, &[]Folder{}}
		for _, v := range targets {
			_ = decodeEnvelope(data, v)
		}
		e := newAPIError("GET", "/x", 500, data, newScrubber("tok"))
		_ = e.Error()
		_ = parseStepErrors(json.RawMessage(data))
		_, _ = decodeConnectorPage(json.RawMessage(data))
		_ = newRecipeStartError(1, e).Error()
	})
}
