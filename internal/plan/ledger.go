package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
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
	// has no field above: its descriptor lists OwnedSection(kind).
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

// LedgerObject records an owned object of a kind kept in Ledger.Owned.
type LedgerObject struct {
	Key     string `json:"key,omitempty"` // its natural key, to make the ledger readable
	Protect bool   `json:"protect,omitempty"`
}

// OwnedSection is the ledger section of kind k's owned objects, kept by
// live id in Ledger.Owned: what a kind the tool creates and deletes lists
// in its descriptor when it needs no entry of its own.
func OwnedSection(k Kind) section {
	prefix := LedgerPrefix + string(k) + "."
	return section{name: string(k), byID: true,
		set: func(l *Ledger, id int64, _, value string) error {
			var o LedgerObject
			if err := json.Unmarshal([]byte(value), &o); err != nil {
				return err
			}
			l.Own(k, id, o)
			return nil
		},
		props: func(l *Ledger, key LedgerKey, props map[string]string) {
			for id, o := range l.Owned[k] {
				name := prefix + strconv.FormatInt(id, 10)
				props[name] = entry(key, name, o, LedgerObject{Protect: o.Protect})
			}
		}}
}

// Own records an owned object of kind k kept in Ledger.Owned.
func (l *Ledger) Own(k Kind, id int64, o LedgerObject) {
	if l.Owned == nil {
		l.Owned = map[Kind]map[int64]LedgerObject{}
	}
	if l.Owned[k] == nil {
		l.Owned[k] = map[int64]LedgerObject{}
	}
	l.Owned[k][id] = o
}

// Disown forgets an owned object of kind k kept in Ledger.Owned.
func (l *Ledger) Disown(k Kind, id int64) { delete(l.Owned[k], id) }

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

// section is one part of the ledger: the entries of one kind of object,
// named LedgerPrefix+name+"."+suffix. Each kind's descriptor lists its
// sections (kinds.go); ParseLedger and Properties go through them all.
type section struct {
	name string
	// byID: the suffix is the object's id; single: there is no suffix
	// (the customer); otherwise the suffix is a digest of the entry's name.
	byID, single bool
	// set records one verified entry; props writes the section's entries,
	// each signed with k.
	set   func(l *Ledger, id int64, prop, value string) error
	props func(l *Ledger, k LedgerKey, out map[string]string)
}

// sectionsByName is every kind's sections, by name.
func sectionsByName() map[string]section {
	out := map[string]section{}
	for _, k := range AllKinds {
		for _, sec := range info(k).ledger {
			out[sec.name] = sec
		}
	}
	return out
}

// entryKind finds a ledger property's section, and its id for sections
// kept by id.
func entryKind(name string) (section, int64, error) {
	secs := sectionsByName()
	rest := strings.TrimPrefix(name, LedgerPrefix)
	if sec, ok := secs[rest]; ok && sec.single {
		return sec, 0, nil
	}
	kind, id, ok := strings.Cut(rest, ".")
	sec, known := secs[kind]
	switch {
	case !ok || !known || sec.single:
		return section{}, 0, fmt.Errorf("unknown entry")
	case !sec.byID:
		return sec, 0, nil
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return section{}, 0, fmt.Errorf("bad id %q", id)
	}
	return sec, n, nil
}

// The sections of the built-in kinds.
var (
	customerSection = section{name: "customer", single: true,
		set: func(l *Ledger, _ int64, _, value string) error {
			var s string
			if value != "owned" && (json.Unmarshal([]byte(value), &s) != nil || s != "owned") {
				return fmt.Errorf("unknown customer entry")
			}
			l.Customer = true
			return nil
		},
		props: func(l *Ledger, k LedgerKey, props map[string]string) {
			if l.Customer {
				props[ledgerCustomerKey] = k.seal(ledgerCustomerKey, []byte(`"owned"`))
				if k.IsZero() {
					props[ledgerCustomerKey] = "owned"
				}
			}
		}}
	folderSection = section{name: "folder", byID: true,
		set: func(l *Ledger, id int64, _, value string) error { return parseEntry(l.Folders, id, value) },
		props: func(l *Ledger, k LedgerKey, props map[string]string) {
			for id, f := range l.Folders {
				name := LedgerPrefix + "folder." + strconv.FormatInt(id, 10)
				props[name] = entry(k, name, f, LedgerFolder{Protect: f.Protect})
			}
		}}
	connectionSection = section{name: "connection", byID: true,
		set: func(l *Ledger, id int64, _, value string) error { return parseEntry(l.Connections, id, value) },
		props: func(l *Ledger, k LedgerKey, props map[string]string) {
			for id, c := range l.Connections {
				name := LedgerPrefix + "connection." + strconv.FormatInt(id, 10)
				props[name] = entry(k, name, c, LedgerConnection{Fingerprint: c.Fingerprint, Protect: c.Protect})
			}
		}}
	memberSection = section{name: "member", byID: true,
		set: func(l *Ledger, id int64, _, value string) error { return parseEntry(l.Members, id, value) },
		props: func(l *Ledger, k LedgerKey, props map[string]string) {
			for id, m := range l.Members {
				name := LedgerPrefix + "member." + strconv.FormatInt(id, 10)
				props[name] = entry(k, name, m, m)
			}
		}}
	invitationSection = section{name: string(kindInvitation),
		set: func(l *Ledger, _ int64, prop, value string) error { return l.setInvitation(prop, value) },
		props: func(l *Ledger, k LedgerKey, props map[string]string) {
			for email, inv := range l.Invitations {
				prop := invitationKey(email)
				props[prop] = entry(k, prop, inv, LedgerInvitation{Email: inv.Email, Role: inv.Role, Sent: inv.Sent})
			}
		}}
	packageSection = section{name: "package",
		set: func(l *Ledger, _ int64, _, value string) error {
			var p LedgerPackage
			if err := json.Unmarshal([]byte(value), &p); err != nil {
				return err
			}
			l.Packages[p.Name] = p
			return nil
		},
		props: func(l *Ledger, k LedgerKey, props map[string]string) {
			for name, p := range l.Packages {
				prop := PackageProperty(name)
				props[prop] = entry(k, prop, p, p)
			}
		}}
)

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
