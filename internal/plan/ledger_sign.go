package plan

import (
	"crypto/hmac"
	"encoding/json"
	"strconv"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// Ledger entries are signed: each value is an envelope
//
//	{"e": <entry>, "mac": "<hex>"}
//
// whose mac is HMAC-SHA256, keyed by a key derived from the repository's
// fingerprint key (never the fingerprint key itself), over the property
// name, the workspace's customer id and the entry's exact bytes. An entry
// copied to another object or another workspace, edited, or written by
// anyone without the key does not verify, and an entry that does not
// verify never grants ownership: ParseLedger sets it aside in Unverified,
// for the plan to report.
const ledgerMACLabel = "workato-gitops ledger mac v1"

// LedgerKey signs and verifies the ledger entries of one workspace.
type LedgerKey struct {
	key        spec.Secret // derived; zero when the repository has no fingerprint key
	customerID int64
}

// NewLedgerKey is the key for the ledger of workspace customerID, derived
// from the repository's fingerprint key. With no fingerprint key nothing
// can be signed or verified.
func NewLedgerKey(fingerprintKey spec.Secret, customerID int64) LedgerKey {
	return LedgerKey{key: fingerprintKey.Derive(ledgerMACLabel), customerID: customerID}
}

// IsZero reports whether the key can sign nothing (no fingerprint key).
func (k LedgerKey) IsZero() bool { return k.key.IsZero() }

func (k LedgerKey) mac(property, entry string) string {
	return k.key.MAC(property, strconv.FormatInt(k.customerID, 10), entry)
}

type envelope struct {
	Entry json.RawMessage `json:"e"`
	MAC   string          `json:"mac"`
}

// Why an entry did not verify.
const (
	reasonUnsigned = "not signed"
	reasonInvalid  = "signature invalid"
)

// open verifies a signed value and returns the entry inside it, or why it
// does not verify.
func (k LedgerKey) open(property, value string) (json.RawMessage, string) {
	var env envelope
	if json.Unmarshal([]byte(value), &env) != nil || len(env.Entry) == 0 || env.MAC == "" {
		return nil, reasonUnsigned
	}
	if !hmac.Equal([]byte(env.MAC), []byte(k.mac(property, string(env.Entry)))) {
		return nil, reasonInvalid
	}
	return env.Entry, ""
}

// seal signs an encoded entry.
func (k LedgerKey) seal(property string, entry []byte) string {
	data, _ := json.Marshal(envelope{Entry: entry, MAC: k.mac(property, string(entry))})
	return string(data)
}

// LeaseProperty holds the lease of the apply writing the workspace (see
// internal/apply/lease.go); it is not a ledger entry.
const LeaseProperty = LedgerPrefix + "lease"

// Unverified is a ledger entry that did not verify: it grants nothing.
type Unverified struct {
	Property string
	Kind     Kind
	ID       int64  // the object's live id, for folders, connections and members
	Reason   string // not signed, signature invalid, cannot be verified
}
