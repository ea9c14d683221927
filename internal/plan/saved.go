package plan

import (
	"encoding/json"
	"fmt"
)

// Saved is a plan written by `plan --out` and read by `apply --plan`: the
// plan itself, what it was made from (tool version, manifest digests) and
// the live state it read (for offline previews with --refresh=false, and
// so that apply can name each live object that changed since). It holds
// no secret: inputs appear only as HMAC fingerprints in the ledgers.
//
// Nothing in it is trusted: apply plans again and compares (see
// Differences), so the file can only make apply refuse. (Earlier versions
// wrote "live_fingerprints", sha256 digests of the live objects; a digest
// computed by whoever wrote the file proves nothing, and the live state
// itself is compared field by field, so it is no longer written.)
type Saved struct {
	FormatVersion string            `json:"format_version"`
	ToolVersion   string            `json:"tool_version"`
	Manifests     map[string]string `json:"manifests"` // path -> sha256
	Plan          *Plan             `json:"plan"`
	Live          map[string]*Live  `json:"live"` // by tenant
}

// ReadSaved decodes a saved plan, refusing other major format versions
// and any structure the tool would not have written (see check). The
// caller bounds data (MaxSavedPlan).
func ReadSaved(data []byte) (*Saved, error) {
	var s Saved
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("not a saved plan: %v", err)
	}
	if major(s.FormatVersion) != major(FormatVersion) {
		return nil, fmt.Errorf("saved plan has format version %q; this tool reads %s.x", s.FormatVersion, major(FormatVersion))
	}
	if err := s.check(); err != nil {
		return nil, fmt.Errorf("not a valid saved plan: %w", err)
	}
	return &s, nil
}

func major(v string) string {
	for i, c := range v {
		if c == '.' {
			return v[:i]
		}
	}
	return v
}
