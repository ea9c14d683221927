package sopsfile

import (
	sopsyaml "github.com/getsops/sops/v3/stores/yaml"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// Probe parses a file's SOPS metadata once and returns the keys it names
// and whether a key given here opens the file's data key: "no key here"
// told apart from a file that opens but does not verify.
func (d *SOPS) Probe(data []byte) ([]spec.Recipient, bool, error) {
	tree, err := (&sopsyaml.Store{}).LoadEncryptedFile(data)
	if err != nil {
		return nil, false, err
	}
	var out []spec.Recipient
	for _, g := range tree.Metadata.KeyGroups {
		for _, k := range g {
			out = append(out, spec.Recipient{Type: k.TypeToIdentifier(), ID: k.ToString()})
		}
	}
	_, err = tree.Metadata.GetDataKeyWithKeyServices(d.svcs, []string{"age"})
	return out, err == nil, nil
}

// PublicKeys are the recipients of the identities given to New.
func (d *SOPS) PublicKeys() []string {
	out := make([]string, len(d.ages))
	for i, id := range d.ages {
		out[i] = spec.PublicKey(id)
	}
	return out
}
