package sopsfile

import (
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/getsops/sops/v3"
	"github.com/getsops/sops/v3/aes"
	sopsage "github.com/getsops/sops/v3/age"
	"github.com/getsops/sops/v3/keyservice"
	"github.com/getsops/sops/v3/logging"
	sopsyaml "github.com/getsops/sops/v3/stores/yaml"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// SOPS opens SOPS files with the keys handed in. It implements
// spec.Decrypter and spec.SOPS, and is safe for concurrent use.
type SOPS struct {
	ages sopsage.ParsedIdentities
	svcs []keyservice.KeyServiceClient
}

var (
	_ spec.Decrypter = (*SOPS)(nil)
	_ spec.Inspector = (*SOPS)(nil)
	_ spec.SOPS      = (*SOPS)(nil)
)

// newCipher returns a cipher for one file: SOPS's AES cipher keeps a map
// of what it has seen and is not safe for concurrent use.
func newCipher() sops.Cipher { return aes.NewCipher() }

var quietSOPS sync.Once

// NewInspector is New as a spec.Inspector, for doctor (which package
// main hands it, so that doctor does not link SOPS): nil, not a nil
// *SOPS, when the keys do not parse.
func NewInspector(keys spec.Keys) (spec.Inspector, error) {
	s, err := New(keys)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// New parses the keys (every line must be an age identity; see
// spec.UsableKeys for a diagnosis that skips the bad ones) and returns a
// SOPS that opens files with them. PGP and cloud KMS keys are reached by
// SOPS's own key service.
func New(keys spec.Keys) (*SOPS, error) {
	ids, err := spec.ParseIdentities(keys)
	if err != nil {
		return nil, err
	}
	// SOPS logs through its own loggers to stderr; this program prints only
	// from package main.
	quietSOPS.Do(silenceSOPS)
	d := &SOPS{ages: ids}
	d.svcs = []keyservice.KeyServiceClient{keyservice.NewCustomLocalClient(keyServer{ages: ids})}
	return d, nil
}

// silenceSOPS sends SOPS's own loggers nowhere: this program prints only
// from package main.
func silenceSOPS() {
	for _, l := range logging.Loggers {
		l.SetOutput(io.Discard)
	}
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

// Decrypt verifies the file's MAC and returns the decrypted values found
// under pointers keep accepts. Any panic inside SOPS is turned into an
// error.
func (d *SOPS) Decrypt(data []byte, keep func(ptr string) bool) (leaves map[string]spec.Secret, err error) {
	defer func() {
		if r := recover(); r != nil {
			leaves, err = nil, &spec.DecryptProblem{Ptr: "/sops", Msg: "sops failed on this file (internal error); it is probably malformed"}
		}
	}()
	store := sopsyaml.Store{}
	tree, err := store.LoadEncryptedFile(data)
	if err != nil {
		return nil, &spec.DecryptProblem{Ptr: "/sops", Msg: "invalid sops metadata: " + oneLine(err.Error())}
	}
	if len(tree.Branches) != 1 {
		return nil, &spec.DecryptProblem{Ptr: "", Msg: "a manifest must hold exactly one YAML document"}
	}
	key, err := tree.Metadata.GetDataKeyWithKeyServices(d.svcs, []string{"age"})
	if err != nil {
		return nil, &spec.DecryptProblem{Ptr: "/sops", Msg: d.noKeyMessage(tree.Metadata)}
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
		return nil, &spec.DecryptProblem{Ptr: "/sops/mac", Msg: "cannot decrypt the sops MAC: the file was tampered with or its metadata is corrupt"}
	}
	if s, ok := stored.(string); !ok || s != mac {
		return nil, &spec.DecryptProblem{Ptr: "/sops/mac", Msg: "sops MAC does not match the content: encrypted values were changed, added or removed outside sops"}
	}
	leaves = map[string]spec.Secret{}
	collectLeaves(tree.Branches[0], "", keep, leaves)
	return leaves, nil
}

func (d *SOPS) noKeyMessage(md sops.Metadata) string {
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
func (d *SOPS) locateBadValue(data []byte, key []byte) error {
	store := sopsyaml.Store{}
	tree, err := store.LoadEncryptedFile(data)
	if err != nil || len(tree.Branches) != 1 {
		return &spec.DecryptProblem{Ptr: "/sops", Msg: "cannot decrypt this file"}
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
		return &spec.DecryptProblem{Ptr: "/sops", Msg: "cannot decrypt this file"}
	}
	return &spec.DecryptProblem{Ptr: bad, Msg: "cannot decrypt: the ciphertext was altered, or moved from another field"}
}

func collectLeaves(branch sops.TreeBranch, ptr string, keep func(string) bool, out map[string]spec.Secret) {
	walkTree(branch, ptr, nil, func(p string, _ []string, v any) {
		if !keep(p) {
			return
		}
		switch x := v.(type) {
		case int:
			out[p] = spec.NewSecret(int64(x))
		default:
			out[p] = spec.NewSecret(x)
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
			walkTree(item.Value, ptr+"/"+spec.EscapePointer(k), append(path[:len(path):len(path)], k), visit)
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
