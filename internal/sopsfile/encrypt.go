package sopsfile

import (
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/getsops/sops/v3"
	"github.com/getsops/sops/v3/aes"
	sopsconfig "github.com/getsops/sops/v3/config"
	"github.com/getsops/sops/v3/keyservice"
	sopsyaml "github.com/getsops/sops/v3/stores/yaml"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// EncryptNew is `sops encrypt` of a plaintext file with the creation rule
// of a .sops.yaml for abs: the given one, or the nearest in the file's
// directory or above it. It needs public keys only.
func (d *SOPS) EncryptNew(abs string, data []byte, sopsConfig string, now time.Time) (*spec.SOPSEncrypted, error) {
	confPath, rule, err := creationRule(abs, sopsConfig)
	if err != nil {
		return nil, err
	}
	enc, err := sopsEncrypt(abs, data, rule, now.UTC(), storeIndent(confPath))
	if err != nil {
		return nil, err
	}
	return &spec.SOPSEncrypted{Data: enc, SopsConfig: confPath, MACOnlyEncrypted: rule.MACOnlyEncrypted}, nil
}

// creationRule finds the .sops.yaml (the given one, or the nearest above
// the file, as sops does) and the creation rule that matches the file.
func creationRule(abs, confPath string) (string, *sopsconfig.Config, error) {
	if confPath == "" {
		found, err := sopsconfig.LookupConfigFile(abs)
		if err != nil || found.Path == "" {
			return "", nil, errors.New("no .sops.yaml in the file's directory or above it; create one with creation rules (see docs/manifest.md)")
		}
		confPath = found.Path
	}
	rule, err := sopsconfig.LoadCreationRuleForFile(confPath, abs, nil)
	if err != nil {
		return confPath, nil, fmt.Errorf("%s: %s", confPath, oneLine(err.Error()))
	}
	if rule == nil {
		return confPath, nil, fmt.Errorf("%s: has no creation_rules", confPath)
	}
	if len(rule.KeyGroups) == 0 {
		return confPath, nil, fmt.Errorf("%s: the creation rule for this file names no key (age, pgp, kms...)", confPath)
	}
	return confPath, rule, nil
}

// storeIndent is the YAML indent the .sops.yaml asks for (stores.yaml.indent).
func storeIndent(confPath string) int {
	sc, err := sopsconfig.LoadStoresConfig(confPath)
	if err != nil || sc == nil {
		return 0
	}
	return sc.YAML.Indent
}

// sopsEncrypt is `sops encrypt` on data: a fresh data key encrypted to every
// key of the rule (age recipients need no private key; other key types use
// SOPS's own credentials), then the values the rule selects, then the MAC.
func sopsEncrypt(abs string, data []byte, rule *sopsconfig.Config, now time.Time, indent int) ([]byte, error) {
	quietSOPS.Do(silenceSOPS)
	store := sopsyaml.NewStore(&sopsconfig.YAMLStoreConfig{Indent: indent})
	branches, err := store.LoadPlainFile(data)
	if err != nil {
		return nil, fmt.Errorf("cannot read as YAML: %s", oneLine(err.Error()))
	}
	if len(branches) != 1 {
		return nil, errors.New("a manifest must hold exactly one YAML document")
	}
	tree := sops.Tree{
		Branches: branches,
		FilePath: abs,
		Metadata: sops.Metadata{
			KeyGroups:               rule.KeyGroups,
			ShamirThreshold:         rule.ShamirThreshold,
			UnencryptedSuffix:       rule.UnencryptedSuffix,
			EncryptedSuffix:         rule.EncryptedSuffix,
			UnencryptedRegex:        rule.UnencryptedRegex,
			EncryptedRegex:          rule.EncryptedRegex,
			UnencryptedCommentRegex: rule.UnencryptedCommentRegex,
			EncryptedCommentRegex:   rule.EncryptedCommentRegex,
			MACOnlyEncrypted:        rule.MACOnlyEncrypted,
			Version:                 sopsVersion(),
		},
	}
	key, errs := tree.GenerateDataKeyWithKeyServices([]keyservice.KeyServiceClient{keyservice.NewLocalClient()})
	if len(errs) > 0 {
		msgs := make([]string, len(errs))
		for i, e := range errs {
			msgs[i] = oneLine(e.Error())
		}
		return nil, fmt.Errorf("cannot encrypt the data key to the rule's keys: %s", strings.Join(msgs, "; "))
	}
	cipher := aes.NewCipher()
	mac, err := tree.Encrypt(key, cipher)
	if err != nil {
		return nil, errors.New("cannot encrypt the values")
	}
	tree.Metadata.LastModified = now
	if tree.Metadata.MessageAuthenticationCode, err = cipher.Encrypt(mac, key, now.Format(time.RFC3339)); err != nil {
		return nil, errors.New("cannot encrypt the MAC")
	}
	out, err := store.EmitEncryptedFile(tree)
	if err != nil {
		return nil, fmt.Errorf("cannot write the encrypted file: %s", oneLine(err.Error()))
	}
	return out, nil
}

// sopsVersion is the version of the sops library built in, which sops
// records in the files it writes (its own version package would pull in
// its CLI's dependencies).
func sopsVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/getsops/sops/v3" {
				return strings.TrimPrefix(d.Version, "v")
			}
		}
	}
	return "3.13.3"
}
