package spec

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/getsops/sops/v3/aes"
	sopsyaml "github.com/getsops/sops/v3/stores/yaml"
	"gopkg.in/yaml.v3"
)

// ErrAlreadySealed: every secret value of an encrypted file is encrypted
// already; there is nothing to seal.
var ErrAlreadySealed = errors.New("every secret value is encrypted already")

// isSecretPtr is the rule the loader enforces: connection input values,
// and the config's fingerprintKey.
func isSecretPtr(secretPtr string) func(string) bool {
	return func(ptr string) bool {
		return inputValuePtr.MatchString(ptr) || (secretPtr != "" && ptr == secretPtr)
	}
}

// plaintextSecrets are the pointers of secret values not yet encrypted.
func plaintextSecrets(doc *document, secret func(string) bool) []string {
	var out []string
	walkValue(doc.value, "", func(ptr string, v any) {
		if !secret(ptr) {
			return
		}
		if s, ok := v.(string); ok && strings.HasPrefix(s, "ENC[") {
			return
		}
		out = append(out, ptr)
	})
	return out
}

// reseal encrypts the plaintext secret values of a file that SOPS has
// encrypted already, with the file's own data key (which needs a key that
// opens the file, as `sops edit` does), and computes the MAC again. Every
// other byte of the file stays as it was: unchanged values keep their
// ciphertext, and the layout is untouched.
func reseal(doc *document, data []byte, secret func(string) bool, keys Keys, now time.Time) ([]byte, int, error) {
	store := sopsyaml.Store{}
	tree, err := store.LoadEncryptedFile(data)
	if err != nil {
		return nil, 0, fmt.Errorf("invalid sops metadata: %s", oneLine(err.Error()))
	}
	dec, err := newDecryptor(UsableKeys(keys))
	if err != nil {
		return nil, 0, err
	}
	key, err := tree.Metadata.GetDataKeyWithKeyServices(dec.svcs, []string{"age"})
	if err != nil {
		return nil, 0, fmt.Errorf("sealing a value into an encrypted file needs a key that opens it: %s", dec.noKeyMessage(tree.Metadata))
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
			encErr = fmt.Errorf("%s: cannot encrypt this value", fieldName(ptr))
			return
		}
		values[ptr], plain[ptr] = enc, v
	})
	if encErr != nil {
		return nil, 0, encErr
	}
	out, err := spliceScalars(data, scalarNodes(doc.root), values)
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
	root, ds := parseDocument(doc.file, out)
	if ds != nil {
		return nil, 0, ds
	}
	if out, err = spliceScalars(out, scalarNodes(root.root), map[string]string{"/sops/lastmodified": stamp, "/sops/mac": encMAC}); err != nil {
		return nil, 0, err
	}
	if err := verifySealed(dec, doc.file, out, plain); err != nil {
		return nil, 0, err
	}
	return out, len(values), nil
}

// verifySealed opens the result as the loader will: the MAC must verify
// and the values just sealed must decrypt to what they were.
func verifySealed(dec *decryptor, file string, out []byte, plain map[string]any) error {
	f, err := dec.decryptDoc(out, func(ptr string) bool { _, ok := plain[ptr]; return ok })
	if err != nil {
		return fmt.Errorf("the sealed file does not verify (%v); nothing was written", err)
	}
	for ptr, v := range plain {
		if got, ok := f.leaves[ptr]; !ok || !reflect.DeepEqual(got.Reveal(), normalise(v)) {
			return fmt.Errorf("%s: %s does not decrypt to its value; nothing was written", file, fieldName(ptr))
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

// spliceFirstSeal puts the ciphertexts of a file that sops encrypted (enc,
// which sops wrote in its own layout) into the original text, and appends
// the sops metadata in the file's indentation. The result must hold
// exactly what sops wrote, value for value, so that its MAC holds.
func spliceFirstSeal(doc *document, data, enc []byte, secret func(string) bool) ([]byte, error) {
	edoc, ds := parseDocument(doc.file, enc)
	if ds != nil {
		return nil, ds
	}
	values := map[string]string{}
	walkValue(edoc.value, "", func(ptr string, v any) {
		if s, ok := v.(string); ok && secret(ptr) {
			values[ptr] = s
		}
	})
	out, err := spliceScalars(data, scalarNodes(doc.root), values)
	if err != nil {
		return nil, err
	}
	var meta *yaml.Node
	for i := 0; i+1 < len(edoc.root.Content); i += 2 {
		if edoc.root.Content[i].Value == "sops" {
			meta = &yaml.Node{Kind: yaml.MappingNode, Content: edoc.root.Content[i : i+2]}
		}
	}
	if meta == nil {
		return nil, errors.New("sops wrote no metadata")
	}
	var b bytes.Buffer
	b.Write(out)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		b.WriteByte('\n')
	}
	e := yaml.NewEncoder(&b)
	e.SetIndent(fileIndent(doc.root))
	if err := e.Encode(meta); err != nil {
		return nil, fmt.Errorf("cannot write the sops metadata: %v", err)
	}
	e.Close()
	check, ds := parseDocument(doc.file, b.Bytes())
	if ds != nil || !reflect.DeepEqual(check.value, edoc.value) {
		return nil, errors.New("the file cannot be sealed in its own layout; nothing was written")
	}
	return b.Bytes(), nil
}
