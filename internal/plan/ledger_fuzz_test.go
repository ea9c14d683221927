package plan

import (
	"testing"
)

// FuzzParseLedger: account properties come from the workspace, so
// ParseLedger must never panic on them, and every invitation it accepts is
// filed under its own email's key and reads back the same (its name
// aside, which is dropped when too long for a property).
func FuzzParseLedger(f *testing.F) {
	f.Add("invitation.0123456789abcdef", `{"email":"d@e.f","role":"Admin","sent":"2026-12-01T22:00:00Z"}`)
	f.Add(invitationKey("d@e.f")[len(LedgerPrefix):], `{"email":"d@e.f","role":"Admin","sent":"2026-12-01T22:00:00Z"}`)
	f.Add("member.12", `{"email":"a@b.c"}`)
	f.Add("package.ab", `{"name":"p","digest":"d","folder":"A"}`)
	f.Fuzz(func(t *testing.T, name, value string) {
		l, err := ParseLedgerClaims(map[string]string{LedgerPrefix + name: value})
		if err != nil {
			return
		}
		for email, inv := range l.Invitations {
			if inv.Email != email || LedgerPrefix+name != invitationKey(email) {
				t.Fatalf("invitation %+v accepted under %s", inv, name)
			}
			back, err := ParseLedgerClaims(l.Properties(LedgerKey{}))
			if err != nil {
				t.Fatalf("round trip of %+v: %v", inv, err)
			}
			got := back.Invitations[email] // a name too long for a property is dropped
			if got.Email != inv.Email || got.Role != inv.Role || got.Sent != inv.Sent {
				t.Fatalf("round trip of %+v: %v %+v", inv, err, back.Invitations)
			}
		}
	})
}
