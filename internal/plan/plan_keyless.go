package plan

import (
	"maps"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// keylessInput plans a connection's input when the manifests were loaded
// without the decryption key (a pull request's plan, say): the input's
// ciphertext is compared with the one the ledger recorded when that input
// was last sent. SOPS keeps an unchanged value's ciphertext across edits,
// so a changed one means a changed input; a file re-encrypted with a new
// data key changes every value, and only apply, with the key, can tell.
func (pl *planner) keylessInput(c spec.Connection, lc LiveConnection, le LedgerConnection, deps []string) {
	reason := keylessReason(c.Ciphertext, le)
	if reason == "" {
		return
	}
	key := c.Key()
	a := pl.add(Action{Op: OpReconnect, Kind: KindConnection, Key: key, LiveID: lc.ID, Reason: reason,
		Changes: []Change{{Field: "input", Sensitive: true}}, DependsOn: deps}, c.Pos)
	pl.connActions[key.Folder] = append(pl.connActions[key.Folder], a.ID)
}

func keylessReason(now map[string]string, le LedgerConnection) string {
	switch {
	case le.Fingerprint == "":
		return "input never sent by workato-gitops"
	case len(le.Ciphertext) == 0:
		return "input not decrypted and no ciphertext recorded at the last apply: apply compares fingerprints"
	case maps.Equal(now, le.Ciphertext):
		return ""
	}
	for k, v := range now {
		if le.Ciphertext[k] == v {
			return "input changed since the last apply (its ciphertext changed)"
		}
	}
	return "re-encrypted: apply compares fingerprints"
}
