package spec

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"

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
