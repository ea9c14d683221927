package plan

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// LedgerObject records an owned object of a kind kept in Ledger.Owned.
type LedgerObject struct {
	Key     string `json:"key,omitempty"` // its natural key, to make the ledger readable
	Protect bool   `json:"protect,omitempty"`
}

// ownedSection is the ledger section of kind k's owned objects, kept by
// live id in Ledger.Owned: what a kind the tool creates and deletes lists
// in its descriptor when it needs no entry of its own.
func ownedSection(k Kind) section {
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
