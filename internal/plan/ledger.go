package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"strings"
)

// The ledger is kept in the tenant itself, as account properties under
// LedgerPrefix: ownership of what the tool created or adopted, the HMAC
// fingerprint of each connection's last sent input, and the digest and
// folder of each package's last import. There is no delete endpoint for
// properties, so a removed entry is written as an empty value.
const (
	LedgerPrefix      = "workato_gitops."
	ledgerVersionKey  = LedgerPrefix + "version"
	ledgerVersion     = "1"
	ledgerCustomerKey = LedgerPrefix + ledgerCustomer
	maxPropertyValue  = 1024 // Workato's limit
)

// Ledger is the parsed ledger of one tenant.
type Ledger struct {
	Customer    bool
	Folders     map[int64]LedgerFolder
	Connections map[int64]LedgerConnection
	Packages    map[string]LedgerPackage // by package name
	Members     map[int64]LedgerMember
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

// NewLedger returns an empty ledger.
func NewLedger() *Ledger {
	return &Ledger{
		Folders:     map[int64]LedgerFolder{},
		Connections: map[int64]LedgerConnection{},
		Packages:    map[string]LedgerPackage{},
		Members:     map[int64]LedgerMember{},
	}
}

// ParseLedger reads the ledger from a tenant's properties. Entries it does
// not understand are errors: a ledger written by a newer version must not
// be half-read and then overwritten.
func ParseLedger(props map[string]string) (*Ledger, error) {
	l := NewLedger()
	if v, ok := props[ledgerVersionKey]; ok && v != "" && v != ledgerVersion {
		return nil, fmt.Errorf("ledger version %q is newer than this tool understands (%s); upgrade workato-gitops", v, ledgerVersion)
	}
	for name, value := range props {
		if value == "" || !strings.HasPrefix(name, LedgerPrefix) || name == ledgerVersionKey {
			continue // removed entries, other properties
		}
		if name == ledgerCustomerKey {
			l.Customer = true
			continue
		}
		kind, id, ok := strings.Cut(strings.TrimPrefix(name, LedgerPrefix), ".")
		if !ok {
			return nil, fmt.Errorf("ledger property %s: unknown entry", name)
		}
		var err error
		switch kind {
		case ledgerFolder:
			err = parseEntry(l.Folders, id, value)
		case ledgerConnection:
			err = parseEntry(l.Connections, id, value)
		case ledgerMember:
			err = parseEntry(l.Members, id, value)
		case ledgerPackage:
			var p LedgerPackage
			if err = json.Unmarshal([]byte(value), &p); err == nil {
				l.Packages[p.Name] = p
			}
		default:
			err = fmt.Errorf("unknown entry")
		}
		if err != nil {
			return nil, fmt.Errorf("ledger property %s: %v", name, err)
		}
	}
	return l, nil
}

func parseEntry[T any](m map[int64]T, id, value string) error {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return fmt.Errorf("bad id %q", id)
	}
	var v T
	if err := json.Unmarshal([]byte(value), &v); err != nil {
		return err
	}
	m[n] = v
	return nil
}

// Properties renders the whole ledger as account properties.
func (l *Ledger) Properties() map[string]string {
	props := map[string]string{ledgerVersionKey: ledgerVersion}
	if l.Customer {
		props[ledgerCustomerKey] = "owned"
	}
	for id, f := range l.Folders {
		props[LedgerPrefix+ledgerFolder+"."+strconv.FormatInt(id, 10)] = entry(f, LedgerFolder{Protect: f.Protect})
	}
	for id, c := range l.Connections {
		props[LedgerPrefix+ledgerConnection+"."+strconv.FormatInt(id, 10)] = entry(c, LedgerConnection{Fingerprint: c.Fingerprint, Protect: c.Protect})
	}
	for id, m := range l.Members {
		props[LedgerPrefix+ledgerMember+"."+strconv.FormatInt(id, 10)] = entry(m, m)
	}
	for name, p := range l.Packages {
		sum := sha256.Sum256([]byte(name))
		props[LedgerPrefix+ledgerPackage+"."+hex.EncodeToString(sum[:8])] = entry(p, p)
	}
	return props
}

// entry encodes v, or the shorter fallback when v would pass Workato's
// 1,024-character limit on values (long folder paths and names are only
// there to make the ledger readable; ids are what count).
func entry[T any](v, fallback T) string {
	data, _ := json.Marshal(v)
	if len(data) > maxPropertyValue {
		data, _ = json.Marshal(fallback)
	}
	return string(data)
}

// LedgerChanges returns the properties to upsert to turn the old ledger
// properties into next: changed and new entries, and an empty value for
// each entry that is gone. Nothing, when nothing changed.
func LedgerChanges(old map[string]string, next *Ledger) map[string]string {
	want := next.Properties()
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
	}
}
