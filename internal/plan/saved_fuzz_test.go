package plan

import (
	"encoding/json"
	"io"
	"testing"
)

// FuzzReadSaved: any bytes read as a saved plan give an error or a plan
// that planning against, comparing and rendering handle without a panic;
// a plan read back compares equal to itself.
func FuzzReadSaved(f *testing.F) {
	good, err := json.Marshal(&Saved{FormatVersion: FormatVersion, Manifests: map[string]string{"t.yaml": "ab"},
		Plan: Build([]Input{{Desired: desired(tenant()), Live: inSync()}}, Options{MaxDeletesPerTenant: 5, MaxDeletesTotal: 5}),
		Live: map[string]*Live{"acme": inSync()}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"format_version":"1.0","plan":{"tenants":[]},"live":{"acme":null}}`))
	f.Add([]byte(`{"format_version":"1.0","plan":{"tenants":[null]}}`))
	f.Add([]byte(`{"format_version":"1.0","plan":{"tenants":[{"name":"acme","status":"planned","actions":[{"id":"x","op":"delete","kind":"folder","live_id":-1}]}]},"live":{"acme":{"folders":[{"id":1,"parent_id":1}],"ledger":{"workato_gitops.folder.1":"{}"}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ReadSaved(data)
		if err != nil {
			return
		}
		for name, l := range s.Live {
			tn := tenant()
			tn.Name = name
			Tenant(Input{Desired: desired(tn), Live: l}, Options{MaxDeletesPerTenant: 5, MaxDeletesTotal: 5})
		}
		if d := Differences(s.Plan, s.Plan); len(d) > 0 {
			t.Errorf("a plan differs from itself: %q", d)
		}
		_ = RenderText(io.Discard, s.Plan, TextOptions{})
		_ = RenderJSON(io.Discard, s.Plan)
		_ = RenderMarkdown(io.Discard, s.Plan, MarkdownOptions{})
	})
}
