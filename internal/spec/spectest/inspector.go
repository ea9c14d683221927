package spectest

import (
	"errors"
	"io"
	"strings"

	"filippo.io/age"
	"filippo.io/age/armor"
	"gopkg.in/yaml.v3"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// Inspector stands in for internal/sopsfile's New where a spec.Inspector
// is wanted (doctor's tests): a file opens when one of the identities in
// keys decrypts the data key of one of its age recipients, as SOPS opens
// it, and its values decrypt from the Examples table. Every ciphertext
// must be in the table, whatever the caller keeps, as SOPS's MAC covers
// every value: an altered one is a problem at its pointer. It reads age
// recipients only and checks no MAC; internal/sopsfile's tests check that
// spec.Inspect reports the same through it as through SOPS.
func Inspector(keys spec.Keys) (spec.Inspector, error) {
	ids, err := spec.ParseIdentities(keys)
	if err != nil {
		return nil, err
	}
	return &inspector{plain: Examples(), ids: ids}, nil
}

type inspector struct {
	plain Plaintexts
	ids   []age.Identity
}

var errNotAge = errors.New("spectest: reads age recipients only")

// metadata is the part of a file's sops metadata this double reads.
type metadata struct {
	Sops *struct {
		Age []struct {
			Recipient string `yaml:"recipient"`
			Enc       string `yaml:"enc"`
		} `yaml:"age"`
		Other map[string]any `yaml:",inline"`
	} `yaml:"sops"`
}

func (s *inspector) Probe(data []byte) ([]spec.Recipient, bool, error) {
	var md metadata
	if err := yaml.Unmarshal(data, &md); err != nil {
		return nil, false, err
	}
	if md.Sops == nil {
		return nil, false, errors.New("spectest: no sops metadata")
	}
	for _, k := range []string{"pgp", "kms", "gcp_kms", "azure_kv", "hc_vault", "key_groups"} {
		if md.Sops.Other[k] != nil {
			return nil, false, errNotAge
		}
	}
	var out []spec.Recipient
	opens := false
	for _, a := range md.Sops.Age {
		out = append(out, spec.Recipient{Type: "age", ID: a.Recipient})
		if !opens && len(s.ids) > 0 {
			r, err := age.Decrypt(armor.NewReader(strings.NewReader(a.Enc)), s.ids...)
			if err == nil {
				_, err = io.ReadAll(r)
			}
			opens = err == nil
		}
	}
	return out, opens, nil
}

func (s *inspector) PublicKeys() []string {
	out := make([]string, len(s.ids))
	for i, id := range s.ids {
		out[i] = spec.PublicKey(id)
	}
	return out
}

// Decrypt opens the file as Probe does, then decrypts every value from
// the table and returns those keep accepts.
func (s *inspector) Decrypt(data []byte, keep func(ptr string) bool) (map[string]spec.Secret, error) {
	_, opens, err := s.Probe(data)
	switch {
	case err != nil:
		return nil, &spec.DecryptProblem{Ptr: "/sops", Msg: "invalid sops metadata: " + err.Error()}
	case !opens:
		return nil, &spec.DecryptProblem{Ptr: "/sops", Msg: "spectest: no key given opens this file"}
	}
	all, err := s.plain.Decrypt(data, func(ptr string) bool { return ptr != "/sops" && !strings.HasPrefix(ptr, "/sops/") })
	if err != nil {
		return nil, err
	}
	out := map[string]spec.Secret{}
	for ptr, v := range all {
		if keep(ptr) {
			out[ptr] = v
		}
	}
	return out, nil
}
