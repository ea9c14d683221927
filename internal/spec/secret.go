package spec

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/workato-gitops/workato-gitops/internal/redact"
)

// Redacted is what a Secret prints as, wherever it is printed.
const Redacted = "(sensitive value)"

// A Secret is one decrypted value. Every way Go has of turning it into text
// (String, Format, GoString, MarshalJSON, MarshalText, MarshalYAML) yields
// Redacted; only Reveal gives the value, and only the code that sends it to
// Workato should call that.
//
// The value sits behind a pointer so that even reflection-based printing of
// a struct that holds a Secret in an unexported field (where fmt cannot call
// Format) shows an address, not the plaintext.
type Secret struct {
	p *secretValue
}

type secretValue struct {
	v any // string, bool, int64, uint64 or float64
}

// NewSecret wraps v, which should be a string, bool or number.
func NewSecret(v any) Secret { return Secret{p: &secretValue{v: v}} }

// Reveal returns the plaintext value for the API request that needs it.
func (s Secret) Reveal() any {
	if s.p == nil {
		return nil
	}
	return s.p.v
}

// IsZero reports whether the secret holds nothing.
func (s Secret) IsZero() bool { return s.p == nil }

func (s Secret) String() string                { return Redacted }
func (s Secret) GoString() string              { return Redacted }
func (s Secret) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(Redacted)) }
func (s Secret) MarshalJSON() ([]byte, error)  { return json.Marshal(Redacted) }
func (s Secret) MarshalText() ([]byte, error)  { return []byte(Redacted), nil }
func (s Secret) MarshalYAML() (any, error)     { return Redacted, nil }

// UnmarshalJSON refuses: a Secret is only ever made by decrypting a manifest,
// so a saved plan or a JSON file can never smuggle one in.
func (s *Secret) UnmarshalJSON([]byte) error { return errSecretDecode }

// UnmarshalText refuses, like UnmarshalJSON.
func (s *Secret) UnmarshalText([]byte) error { return errSecretDecode }

var errSecretDecode = errors.New("a secret can only come from a decrypted manifest")

// canonical is the value as text, used for fingerprints.
func (s Secret) canonical() string {
	switch x := s.Reveal().(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case nil:
		return ""
	default:
		return fmt.Sprint(x)
	}
}

// kind names the JSON type of the value, so that "1" and 1 fingerprint apart.
func (s Secret) kind() string {
	switch s.Reveal().(type) {
	case string:
		return "string"
	case bool:
		return "bool"
	case nil:
		return "null"
	default:
		return "number"
	}
}

// Input is a connection's decrypted parameters.
type Input map[string]Secret

// Reveal returns the parameters as an API request body wants them.
func (in Input) Reveal() map[string]any {
	if in == nil {
		return nil
	}
	out := make(map[string]any, len(in))
	for k, s := range in {
		out[k] = s.Reveal()
	}
	return out
}

// Fingerprint is HMAC-SHA256, keyed by the repository's fingerprint key, over
// a canonical encoding of the input (sorted keys, typed, length-prefixed
// values). It lets the ledger remember which input was last sent without
// holding the input or a plain, guessable hash of it.
func (in Input) Fingerprint(key Secret) string {
	mac := hmac.New(sha256.New, []byte(key.canonical()))
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		s := in[k]
		v := s.canonical()
		fmt.Fprintf(mac, "%d:%s|%s|%d:%s|", len(k), k, s.kind(), len(v), v)
	}
	return "hmac-sha256:" + hex.EncodeToString(mac.Sum(nil))
}

// Derive returns a key for one purpose, HMAC-SHA256(s, label): the
// fingerprint key is never used directly for anything but fingerprints,
// so that a MAC made for one purpose can never pass for another. The zero
// Secret derives the zero Secret.
func (s Secret) Derive(label string) Secret {
	if s.IsZero() {
		return Secret{}
	}
	mac := hmac.New(sha256.New, []byte(s.canonical()))
	mac.Write([]byte(label))
	return NewSecret(hex.EncodeToString(mac.Sum(nil)))
}

// MAC is HMAC-SHA256 keyed by s over the length-prefixed parts, in hex,
// so that no two lists of parts authenticate alike.
func (s Secret) MAC(parts ...string) string {
	mac := hmac.New(sha256.New, []byte(s.canonical()))
	for _, p := range parts {
		fmt.Fprintf(mac, "%d:%s|", len(p), p)
	}
	return hex.EncodeToString(mac.Sum(nil))
}

// scrubber replaces every known plaintext in a message with Redacted: the
// last line of defence for error texts that pass through code we do not own.
// It removes values by the rule of package redact (short ones as whole
// values). Values are only collected on the way, as most files have no
// message to scrub.
type scrubber struct{ secrets []string }

func (s *scrubber) add(v Secret) { s.secrets = append(s.secrets, redact.Values(v.Reveal())...) }

func (s *scrubber) scrub(msg string) string { return redact.New(Redacted, s.secrets...).String(msg) }
