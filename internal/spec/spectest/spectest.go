// Package spectest stands in for internal/sopsfile in the tests of
// packages that must not link SOPS (and its cloud KMS SDKs) but load the
// encrypted examples: Examples "decrypts" examples/tenants from a table
// of its ciphertexts and their plaintexts (demo values, encrypted to the
// committed demo key), and Inspector, for doctor, opens them only with
// the key they are encrypted to. internal/sopsfile's tests keep the table
// in step with real decryption and check that both load, and inspect, the
// same inputs.
package spectest

import (
	_ "embed"
	"encoding/json"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// ExamplesFile is the table's name in this directory.
const ExamplesFile = "examples.json"

//go:embed examples.json
var examplesJSON []byte

// Plaintexts is a spec.Decrypter that knows the plaintext of each
// ENC[...] ciphertext it holds. It checks no MAC: it is for tests only.
type Plaintexts map[string]string

var _ spec.Decrypter = Plaintexts(nil)

// Examples are the plaintexts of examples/tenants.
func Examples() Plaintexts {
	var p Plaintexts
	if err := json.Unmarshal(examplesJSON, &p); err != nil {
		panic("spectest: " + ExamplesFile + ": " + err.Error())
	}
	return p
}

// Decrypt returns, for each pointer keep accepts, the plaintext of its
// ciphertext, or the value itself when it is not encrypted, as SOPS
// does. A ciphertext it does not know is a problem at its pointer.
func (p Plaintexts) Decrypt(data []byte, keep func(ptr string) bool) (map[string]spec.Secret, error) {
	var doc any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &spec.DecryptProblem{Ptr: "/sops", Msg: "spectest: not YAML: " + err.Error()}
	}
	out := map[string]spec.Secret{}
	var problem error
	walk(doc, "", func(ptr string, v any) {
		if problem != nil || !keep(ptr) {
			return
		}
		s, ok := v.(string)
		switch {
		case ok && strings.HasPrefix(s, "ENC["):
			plain, known := p[s]
			if !known {
				problem = &spec.DecryptProblem{Ptr: ptr, Msg: "spectest: no plaintext for this ciphertext"}
				return
			}
			out[ptr] = spec.NewSecret(plain)
		case !ok:
			if i, isInt := v.(int); isInt {
				v = int64(i)
			}
			out[ptr] = spec.NewSecret(v)
		default:
			out[ptr] = spec.NewSecret(s)
		}
	})
	if problem != nil {
		return nil, problem
	}
	return out, nil
}

// walk visits every scalar of a decoded YAML document with its JSON
// pointer.
func walk(v any, ptr string, visit func(ptr string, v any)) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			walk(c, ptr+"/"+spec.EscapePointer(k), visit)
		}
	case []any:
		for i, c := range x {
			walk(c, ptr+"/"+strconv.Itoa(i), visit)
		}
	default:
		visit(ptr, x)
	}
}
