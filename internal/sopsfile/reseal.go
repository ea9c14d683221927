package sopsfile

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/getsops/sops/v3/aes"
	sopsyaml "github.com/getsops/sops/v3/stores/yaml"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// Reseal encrypts the plaintext secret values of a file that SOPS has
// encrypted already, with the file's own data key (which needs a key that
// opens the file, as `sops edit` does), and computes the MAC again. Every
// other byte of the file stays as it was: unchanged values keep their
// ciphertext, and the layout is untouched.
func (d *SOPS) Reseal(file string, data []byte, secret func(string) bool, now time.Time) ([]byte, int, error) {
	store := sopsyaml.Store{}
	tree, err := store.LoadEncryptedFile(data)
	if err != nil {
		return nil, 0, fmt.Errorf("invalid sops metadata: %s", oneLine(err.Error()))
	}
	key, err := tree.Metadata.GetDataKeyWithKeyServices(d.svcs, []string{"age"})
	if err != nil {
		return nil, 0, fmt.Errorf("sealing a value into an encrypted file needs a key that opens it: %s", d.noKeyMessage(tree.Metadata))
	}
	cipher := aes.NewCipher()
	values := map[string]string{}
	plain := map[string]any{}
	var encErr error
	walkTree(tree.Branches[0], "", nil, func(ptr string, path []string, v any) {
		if !secret(ptr) {
			return
		}
		if s, ok := v.(string); ok && strings.HasPrefix(s, "ENC[") {
			return
		}
		enc, err := cipher.Encrypt(v, key, strings.Join(path, ":")+":")
		if err != nil {
			encErr = fmt.Errorf("%s: cannot encrypt this value", spec.FieldName(ptr))
			return
		}
		values[ptr], plain[ptr] = enc, v
	})
	if encErr != nil {
		return nil, 0, encErr
	}
	out, err := spec.SpliceScalars(file, data, values)
	if err != nil {
		return nil, 0, err
	}
	// The MAC covers the plaintext of the values; SOPS computes it while
	// decrypting.
	t2, err := store.LoadEncryptedFile(out)
	if err != nil {
		return nil, 0, fmt.Errorf("the sealed file does not read back: %s", oneLine(err.Error()))
	}
	mac, err := t2.Decrypt(key, aes.NewCipher())
	if err != nil {
		return nil, 0, errors.New("the sealed file does not decrypt")
	}
	stamp := now.UTC().Format(time.RFC3339)
	encMAC, err := cipher.Encrypt(mac, key, stamp)
	if err != nil {
		return nil, 0, errors.New("cannot encrypt the MAC")
	}
	if out, err = spec.SpliceScalars(file, out, map[string]string{"/sops/lastmodified": stamp, "/sops/mac": encMAC}); err != nil {
		return nil, 0, err
	}
	if err := d.verifySealed(file, out, plain); err != nil {
		return nil, 0, err
	}
	return out, len(values), nil
}

// verifySealed opens the result as the loader will: the MAC must verify
// and the values just sealed must decrypt to what they were.
func (d *SOPS) verifySealed(file string, out []byte, plain map[string]any) error {
	leaves, err := d.Decrypt(out, func(ptr string) bool { _, ok := plain[ptr]; return ok })
	if err != nil {
		return fmt.Errorf("the sealed file does not verify (%v); nothing was written", err)
	}
	for ptr, v := range plain {
		if got, ok := leaves[ptr]; !ok || !reflect.DeepEqual(got.Reveal(), normalise(v)) {
			return fmt.Errorf("%s: %s does not decrypt to its value; nothing was written", file, spec.FieldName(ptr))
		}
	}
	return nil
}

func normalise(v any) any {
	if i, ok := v.(int); ok {
		return int64(i)
	}
	return v
}
