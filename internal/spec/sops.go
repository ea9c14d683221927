package spec

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"filippo.io/age"
	"github.com/getsops/sops/v3"
	"github.com/getsops/sops/v3/aes"
	sopsage "github.com/getsops/sops/v3/age"
	"github.com/getsops/sops/v3/keyservice"
	"github.com/getsops/sops/v3/logging"
	sopsyaml "github.com/getsops/sops/v3/stores/yaml"
)

// Keys are the decryption keys the caller hands in, as CollectKeys gathers
// them from SOPS's own sources. PGP and cloud KMS keys are reached through
// SOPS's own key service, which finds its credentials itself.
type Keys struct {
	Age []KeySource // age identity files
	SSH []KeySource // SSH private keys, for "ssh-..." age recipients
}

// A KeySource is the text of an age identity file and where it came from,
// so that a malformed key can be named without printing it.
type KeySource struct {
	Origin string // e.g. "SOPS_AGE_KEY" or "SOPS_AGE_KEY_FILE=/path/keys.txt"
	Data   []byte
}

// ParseAgeIdentities parses every source. Errors name the source and line,
// never the key material.
func ParseAgeIdentities(sources []KeySource) ([]age.Identity, error) {
	var ids []age.Identity
	for _, src := range sources {
		sc := bufio.NewScanner(bytes.NewReader(src.Data))
		sc.Buffer(make([]byte, 0, 4096), 1<<20)
		n, found := 0, 0
		for sc.Scan() {
			n++
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			parsed, err := age.ParseIdentities(strings.NewReader(line))
			if err != nil {
				return nil, fmt.Errorf("%s: line %d: not an age identity (want AGE-SECRET-KEY-1...)", src.Origin, n)
			}
			ids = append(ids, parsed...)
			found++
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%s: cannot read: %v", src.Origin, err)
		}
		if found == 0 {
			return nil, fmt.Errorf("%s: holds no age identity", src.Origin)
		}
	}
	return ids, nil
}

// decryptor opens SOPS files with the keys handed in. It is safe for
// concurrent use.
type decryptor struct {
	ages sopsage.ParsedIdentities
	svcs []keyservice.KeyServiceClient
}

// newCipher returns a cipher for one file: SOPS's AES cipher keeps a map
// of what it has seen and is not safe for concurrent use.
func newCipher() sops.Cipher { return aes.NewCipher() }

var quietSOPS sync.Once

func newDecryptor(keys Keys) (*decryptor, error) {
	ids, err := ParseAgeIdentities(keys.Age)
	if err != nil {
		return nil, err
	}
	sshIDs, err := parseSSHIdentities(keys.SSH)
	if err != nil {
		return nil, err
	}
	ids = append(ids, sshIDs...)
	// SOPS logs through its own loggers to stderr; this program prints only
	// from package main.
	quietSOPS.Do(func() {
		for _, l := range logging.Loggers {
			l.SetOutput(io.Discard)
		}
	})
	d := &decryptor{ages: ids}
	d.svcs = []keyservice.KeyServiceClient{keyservice.NewCustomLocalClient(keyServer{ages: ids})}
	return d, nil
}

// keyServer answers age keys with the identities handed in (so SOPS never
// goes looking in the environment for them) and leaves every other key type
// to SOPS's own local key service.
type keyServer struct {
	keyservice.Server
	ages sopsage.ParsedIdentities
}

func (s keyServer) Decrypt(ctx context.Context, req *keyservice.DecryptRequest) (*keyservice.DecryptResponse, error) {
	ak, ok := req.GetKey().GetKeyType().(*keyservice.Key_AgeKey)
	if !ok {
		return s.Server.Decrypt(ctx, req)
	}
	if len(s.ages) == 0 {
		return nil, errNoAgeIdentity
	}
	mk := &sopsage.MasterKey{Recipient: ak.AgeKey.GetRecipient(), EncryptedKey: string(req.GetCiphertext())}
	s.ages.ApplyToMasterKey(mk)
	plain, err := mk.Decrypt()
	if err != nil {
		return nil, err
	}
	return &keyservice.DecryptResponse{Plaintext: plain}, nil
}

var errNoAgeIdentity = errors.New("no age identity given")

// sopsFile is what decryption yields: the decrypted leaves the caller asked
// for, by JSON pointer.
type sopsFile struct {
	leaves map[string]Secret
}

// decryptProblem says which part of a file failed, so the loader can point
// at the right line.
type decryptProblem struct {
	ptr string // JSON pointer of the offending value, or "/sops" for the file's keys and MAC
	msg string
}

func (p *decryptProblem) Error() string { return p.msg }

// decrypt verifies the file's MAC and returns the decrypted values found
// under pointers that keep reports true. Any panic inside SOPS is turned
// into an error.
func (d *decryptor) decrypt(doc *document, data []byte, keep func(ptr string) bool) (*sopsFile, error) {
	// Pointers into the pruned document are the same as into the file, so
	// problems found there point at the right lines.
	if pruned := pruneForSOPS(doc, map[string]bool{"fingerprintKey": true}); pruned != nil {
		return d.decryptDoc(pruned, keep)
	}
	return d.decryptDoc(data, keep)
}

func (d *decryptor) decryptDoc(data []byte, keep func(ptr string) bool) (f *sopsFile, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, &decryptProblem{ptr: "/sops", msg: "sops failed on this file (internal error); it is probably malformed"}
		}
	}()
	store := sopsyaml.Store{}
	tree, err := store.LoadEncryptedFile(data)
	if err != nil {
		return nil, &decryptProblem{ptr: "/sops", msg: "invalid sops metadata: " + oneLine(err.Error())}
	}
	if len(tree.Branches) != 1 {
		return nil, &decryptProblem{ptr: "", msg: "a manifest must hold exactly one YAML document"}
	}
	key, err := tree.Metadata.GetDataKeyWithKeyServices(d.svcs, []string{"age"})
	if err != nil {
		return nil, &decryptProblem{ptr: "/sops", msg: d.noKeyMessage(tree.Metadata)}
	}
	cipher := newCipher()
	mac, err := tree.Decrypt(key, cipher)
	if err != nil {
		// tree.Decrypt does not say which value failed: find it, so the
		// report can point at its line.
		return nil, d.locateBadValue(data, key)
	}
	stored, err := cipher.Decrypt(tree.Metadata.MessageAuthenticationCode, key, tree.Metadata.LastModified.Format(time.RFC3339))
	if err != nil {
		return nil, &decryptProblem{ptr: "/sops/mac", msg: "cannot decrypt the sops MAC: the file was tampered with or its metadata is corrupt"}
	}
	if s, ok := stored.(string); !ok || s != mac {
		return nil, &decryptProblem{ptr: "/sops/mac", msg: "sops MAC does not match the content: encrypted values were changed, added or removed outside sops"}
	}
	out := &sopsFile{leaves: map[string]Secret{}}
	collectLeaves(tree.Branches[0], "", keep, out.leaves)
	return out, nil
}

func (d *decryptor) noKeyMessage(md sops.Metadata) string {
	var recipients []string
	for _, g := range md.KeyGroups {
		for _, k := range g {
			recipients = append(recipients, k.ToString())
		}
	}
	msg := "no key available here opens this file"
	if len(recipients) > 0 {
		msg += " (its recipients: " + strings.Join(recipients, ", ") + ")"
	}
	if len(d.ages) == 0 {
		msg += "; no age identity was given: set SOPS_AGE_KEY_FILE or SOPS_AGE_KEY"
	} else if len(d.ages) == 1 {
		msg += "; the age identity given is not one of them"
	} else {
		msg += "; none of the " + strconv.Itoa(len(d.ages)) + " age identities given is one of them"
	}
	return msg
}

// locateBadValue decrypts every encrypted value on its own to find the one
// that does not open: tampered ciphertext, or a value moved to another path.
func (d *decryptor) locateBadValue(data []byte, key []byte) error {
	store := sopsyaml.Store{}
	tree, err := store.LoadEncryptedFile(data)
	if err != nil || len(tree.Branches) != 1 {
		return &decryptProblem{ptr: "/sops", msg: "cannot decrypt this file"}
	}
	cipher := newCipher()
	var bad string
	walkTree(tree.Branches[0], "", nil, func(ptr string, path []string, v any) {
		s, ok := v.(string)
		if bad != "" || !ok || !strings.HasPrefix(s, "ENC[") {
			return
		}
		if _, err := cipher.Decrypt(s, key, strings.Join(path, ":")+":"); err != nil {
			bad = ptr
		}
	})
	if bad == "" {
		return &decryptProblem{ptr: "/sops", msg: "cannot decrypt this file"}
	}
	return &decryptProblem{ptr: bad, msg: "cannot decrypt: the ciphertext was altered, or moved from another field"}
}

func collectLeaves(branch sops.TreeBranch, ptr string, keep func(string) bool, out map[string]Secret) {
	walkTree(branch, ptr, nil, func(p string, _ []string, v any) {
		if !keep(p) {
			return
		}
		switch x := v.(type) {
		case int:
			out[p] = NewSecret(int64(x))
		default:
			out[p] = NewSecret(x)
		}
	})
}

// walkTree visits every scalar of a SOPS tree with its JSON pointer and its
// SOPS path (keys only, no list indices, as SOPS builds additional data).
func walkTree(v any, ptr string, path []string, visit func(ptr string, path []string, v any)) {
	switch x := v.(type) {
	case sops.TreeBranch:
		for _, item := range x {
			k, ok := item.Key.(string)
			if !ok {
				continue // a comment
			}
			if _, isComment := item.Value.(sops.Comment); isComment {
				continue
			}
			walkTree(item.Value, ptr+"/"+escapePtr(k), append(path[:len(path):len(path)], k), visit)
		}
	case []any:
		i := 0
		for _, item := range x {
			if _, isComment := item.(sops.Comment); isComment {
				continue
			}
			walkTree(item, ptr+"/"+strconv.Itoa(i), path, visit)
			i++
		}
	case sops.Comment:
	default:
		visit(ptr, path, x)
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// otherKeyVariables are the variables SOPS's other key services read
// (PGP, AWS and GCP KMS, Azure Key Vault, HashiCorp Vault): with one of
// them set, SOPS may reach a key that CollectKeys does not collect.
var otherKeyVariables = []string{"SOPS_PGP_FP", "GNUPGHOME", "SOPS_KMS_ARN", "AWS_ACCESS_KEY_ID", "AWS_PROFILE",
	"AWS_WEB_IDENTITY_TOKEN_FILE", "GOOGLE_APPLICATION_CREDENTIALS", "AZURE_CLIENT_ID", "VAULT_TOKEN", "VAULT_ADDR"}

// NoKeyConfigured reports whether no SOPS key of any kind is configured:
// no age or SSH key in any source CollectKeys reads, and none of the
// variables SOPS's other key services read. A source the user named that
// cannot be used counts as configured: it is a problem to report, not an
// absence of keys. plan then works from the ciphertext alone.
func NoKeyConfigured(env KeyEnv) bool {
	keys, reports := CollectKeys(env)
	if KeysError(reports) != nil || len(keys.Age)+len(keys.SSH) > 0 {
		return false // a key, or a named source to report: decrypt
	}
	for _, v := range otherKeyVariables {
		if env.Getenv != nil && env.Getenv(v) != "" {
			return false
		}
	}
	return true
}
