package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// The ledger is kept in the tenant itself, as account properties under
// LedgerPrefix: ownership of what the tool created or adopted, the HMAC
// fingerprint of each connection's last sent input, and the digest and
// folder of each package's last import. There is no delete endpoint for
// properties, so a removed entry is written as an empty value.
const (
	LedgerPrefix     = "workato_gitops."
	ledgerVersionKey = LedgerPrefix + "version"
	ledgerVersion    = "2" // entries signed (ledger_sign.go)
	// ledgerVersionUnsigned is read, its entries all unverified, and
	// re-signed as the plan adopts their objects again.
	ledgerVersionUnsigned = "1"
	ledgerCustomerKey     = LedgerPrefix + "customer"
	maxPropertyValue      = 1024 // Workato's limit
)

// Ledger is the parsed ledger of one tenant.
type Ledger struct {
	Customer    bool
	Folders     map[int64]LedgerFolder
	Connections map[int64]LedgerConnection
	Packages    map[string]LedgerPackage // by package name
	Members     map[int64]LedgerMember
	Invitations map[string]LedgerInvitation // by lower-case email
	// Owned holds, by kind and live id, the owned objects of a kind that
	// has no field above: its descriptor lists ownedSection(kind).
	Owned map[Kind]map[int64]LedgerObject
	// Unverified entries grant nothing; the plan reports them.
	Unverified []Unverified
	// Unsigned is set when there was no key to verify with: every entry
	// is a claim, good for remembering, never for deleting.
	Unsigned bool
}

// LedgerFolder records an owned folder.
type LedgerFolder struct {
	Path    string `json:"path,omitempty"`
	Protect bool   `json:"protect,omitempty"`
}

// LedgerConnection records an owned connection and its last input.
type LedgerConnection struct {
	Folder      string `json:"folder,omitempty"`
	Name        string `json:"name,omitempty"`
	Fingerprint string `json:"fp,omitempty"`
	Protect     bool   `json:"protect,omitempty"`
	// Ciphertext is the input's spec.Connection.Ciphertext when the input
	// with fingerprint fp was sent: plans without the decryption key
	// compare it (plan_keyless.go).
	Ciphertext map[string]string `json:"ct,omitempty"`
}

// LedgerPackage records the last successful import of a package.
type LedgerPackage struct {
	Name   string `json:"name"`
	Digest string `json:"digest"`
	Folder string `json:"folder"`
}

// LedgerMember records a member the tool added.
type LedgerMember struct {
	Email string `json:"email"`
}

// LedgerInvitation records an email invitation the tool sent and that has
// not been accepted yet: Workato adds no member by email, and allows one
// invitation per email and workspace every 20 minutes. Sent is when it
// was sent (RFC 3339, UTC).
type LedgerInvitation struct {
	Email string `json:"email"`
	Name  string `json:"name,omitempty"`
	Role  string `json:"role"`
	Sent  string `json:"sent"`
}

// kindInvitation is the ledger section of invitations; it is no Kind of
// action (an invitation is planned as a member).
const kindInvitation Kind = "invitation"

// NewLedger returns an empty ledger.
func NewLedger() *Ledger {
	return &Ledger{
		Folders:     map[int64]LedgerFolder{},
		Connections: map[int64]LedgerConnection{},
		Packages:    map[string]LedgerPackage{},
		Members:     map[int64]LedgerMember{},
		Invitations: map[string]LedgerInvitation{},
		Owned:       map[Kind]map[int64]LedgerObject{},
	}
}

// ParseLedger reads the ledger from a tenant's properties, keeping only
// entries that verify with k; the others are set aside in Unverified and
// grant nothing. Entries it does not understand are errors: a ledger
// written by a newer version must not be half-read and then overwritten.
//
// Without a key (no fingerprintKey) nothing can be verified: the entries
// are read as claims, and the ledger is marked Unsigned, so that the plan
// never deletes on the strength of a claim.
func ParseLedger(props map[string]string, k LedgerKey) (*Ledger, error) {
	if k.IsZero() {
		l, err := parseLedger(props, nil)
		if l != nil {
			l.Unsigned = true
		}
		return l, err
	}
	return parseLedger(props, &k)
}

// ParseLedgerClaims reads what the ledger claims, verified or not: for
// deciding what to read (a forged claim costs a read, nothing more), never
// for ownership.
func ParseLedgerClaims(props map[string]string) (*Ledger, error) {
	return parseLedger(props, nil)
}

func parseLedger(props map[string]string, k *LedgerKey) (*Ledger, error) {
	l := NewLedger()
	if v, ok := props[ledgerVersionKey]; ok && v != "" && v != ledgerVersion && v != ledgerVersionUnsigned {
		return nil, fmt.Errorf("ledger version %q is newer than this tool understands (%s); upgrade workato-gitops", v, ledgerVersion)
	}
	for _, name := range slices.Sorted(maps.Keys(props)) {
		value := props[name]
		if value == "" || !strings.HasPrefix(name, LedgerPrefix) || name == ledgerVersionKey || name == LeaseProperty {
			continue // removed entries, other properties
		}
		sec, id, err := entryKind(name)
		if err != nil {
			return nil, fmt.Errorf("ledger property %s: %v", name, err)
		}
		kind := Kind(sec.name)
		if k != nil {
			entry, why := k.open(name, value)
			if why != "" {
				l.Unverified = append(l.Unverified, Unverified{Property: name, Kind: kind, ID: id, Reason: why})
				continue
			}
			value = string(entry)
		} else if env := (envelope{}); json.Unmarshal([]byte(value), &env) == nil && len(env.Entry) > 0 {
			value = string(env.Entry)
		}
		if err := sec.set(l, id, name, value); err != nil {
			return nil, fmt.Errorf("ledger property %s: %v", name, err)
		}
	}
	return l, nil
}

func parseEntry[T any](m map[int64]T, id int64, value string) error {
	var v T
	if err := json.Unmarshal([]byte(value), &v); err != nil {
		return err
	}
	m[id] = v
	return nil
}

// Properties renders the whole ledger as account properties, each entry
// signed with k.
func (l *Ledger) Properties(k LedgerKey) map[string]string {
	props := map[string]string{ledgerVersionKey: ledgerVersion}
	for _, k2 := range AllKinds {
		for _, sec := range info(k2).ledger {
			sec.props(l, k, props)
		}
	}
	return props
}

// PackageProperty is the ledger property of the package called name.
func PackageProperty(name string) string {
	sum := sha256.Sum256([]byte(name))
	return LedgerPrefix + "package." + hex.EncodeToString(sum[:8])
}

// entry encodes and signs v, or the shorter fallback when v would pass
// Workato's 1,024-character limit on values (long folder paths and names
// are only there to make the ledger readable; ids are what count).
func entry[T any](k LedgerKey, name string, v, fallback T) string {
	data, _ := json.Marshal(v)
	if k.IsZero() { // nothing to sign with: written as a plain claim
		if len(data) > maxPropertyValue {
			data, _ = json.Marshal(fallback)
		}
		return string(data)
	}
	if sealed := k.seal(name, data); len(sealed) <= maxPropertyValue {
		return sealed
	}
	data, _ = json.Marshal(fallback)
	return k.seal(name, data)
}

// LedgerChanges returns the properties to upsert to turn the old ledger
// properties into next, signed with k: changed and new entries, and an
// empty value for each entry that is gone (unverified ones included).
// Nothing, when nothing changed.
func LedgerChanges(old map[string]string, next *Ledger, k LedgerKey) map[string]string {
	want := next.Properties(k)
	out := map[string]string{}
	for k, v := range want {
		if old[k] != v {
			out[k] = v
		}
	}
	for k, v := range old {
		if _, keep := want[k]; !keep && v != "" && strings.HasPrefix(k, LedgerPrefix) {
			out[k] = ""
		}
	}
	if len(out) == 1 && out[ledgerVersionKey] != "" && len(old) == 0 {
		return map[string]string{} // an empty ledger need not be written
	}
	return out
}

// Clone returns a deep copy.
func (l *Ledger) Clone() *Ledger {
	return &Ledger{
		Customer:    l.Customer,
		Folders:     maps.Clone(l.Folders),
		Connections: maps.Clone(l.Connections),
		Packages:    maps.Clone(l.Packages),
		Members:     maps.Clone(l.Members),
		Invitations: maps.Clone(l.Invitations),
		Owned:       cloneOwned(l.Owned),
		Unverified:  slices.Clone(l.Unverified),
		Unsigned:    l.Unsigned,
	}
}

func cloneOwned(m map[Kind]map[int64]LedgerObject) map[Kind]map[int64]LedgerObject {
	out := make(map[Kind]map[int64]LedgerObject, len(m))
	for k, v := range m {
		out[k] = maps.Clone(v)
	}
	return out
}

// invitationKey is the property of the invitation for email: a digest,
// as for packages, because an email may be longer than a property name
// allows.
func invitationKey(email string) string {
	sum := sha256.Sum256([]byte(email))
	return LedgerPrefix + string(kindInvitation) + "." + hex.EncodeToString(sum[:8])
}

// setInvitation records a verified invitation entry, checked against its
// property name and its time, so that an entry cannot stand for another
// email.
func (l *Ledger) setInvitation(name, value string) error {
	var inv LedgerInvitation
	if err := json.Unmarshal([]byte(value), &inv); err != nil {
		return err
	}
	if inv.Email == "" || inv.Email != strings.ToLower(inv.Email) {
		return fmt.Errorf("invitation email %q is not a lower-case email", inv.Email)
	}
	if invitationKey(inv.Email) != name {
		return fmt.Errorf("invitation for %q is filed under another key", inv.Email)
	}
	if _, err := time.Parse(time.RFC3339, inv.Sent); err != nil {
		return fmt.Errorf("invitation for %q: sent: %v", inv.Email, err)
	}
	l.Invitations[inv.Email] = inv
	return nil
}
