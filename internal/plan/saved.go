package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
)

// Saved is a plan written by `plan --out` and read by `apply --plan`: the
// plan itself, what it was made from (tool version, manifest digests), the
// live state it read (for offline previews with --refresh=false), and a
// fingerprint of every live object, so that apply can refuse a plan whose
// world has changed. It holds no secret: inputs appear only as HMAC
// fingerprints in the ledgers.
type Saved struct {
	FormatVersion string                       `json:"format_version"`
	ToolVersion   string                       `json:"tool_version"`
	Manifests     map[string]string            `json:"manifests"` // path -> sha256
	Plan          *Plan                        `json:"plan"`
	Live          map[string]*Live             `json:"live"`              // by tenant
	Fingerprints  map[string]map[string]string `json:"live_fingerprints"` // tenant -> object -> sha256
}

// ObjectFingerprints fingerprints every object of a live state, keyed as
// "customer", "connection:<id>", "folder:<id>", "recipe:<id>",
// "member:<id>" and "ledger".
func ObjectFingerprints(l *Live) map[string]string {
	out := map[string]string{}
	add := func(key string, v any) {
		data, _ := json.Marshal(v) // struct fields: a stable order
		sum := sha256.Sum256(data)
		out[key] = hex.EncodeToString(sum[:])
	}
	if l.Customer != nil {
		add("customer", l.Customer)
	}
	for _, f := range l.Folders {
		add("folder:"+strconv.FormatInt(f.ID, 10), f)
	}
	for _, c := range l.Connections {
		add("connection:"+strconv.FormatInt(c.ID, 10), c)
	}
	for _, r := range l.Recipes {
		add("recipe:"+strconv.FormatInt(r.ID, 10), r)
	}
	for _, m := range l.Members {
		add("member:"+strconv.FormatInt(m.ID, 10), m)
	}
	add("ledger", l.Ledger) // maps marshal with sorted keys
	return out
}

// ReadSaved decodes a saved plan, refusing other major format versions.
func ReadSaved(data []byte) (*Saved, error) {
	var s Saved
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("not a saved plan: %v", err)
	}
	if major(s.FormatVersion) != major(FormatVersion) || s.Plan == nil {
		return nil, fmt.Errorf("saved plan has format version %q; this tool reads %s.x", s.FormatVersion, major(FormatVersion))
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
