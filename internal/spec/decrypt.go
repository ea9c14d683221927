package spec

import (
	"strings"
	"time"
)

// A Decrypter opens SOPS-encrypted manifests for Load. internal/sopsfile
// implements it, so that only the programs that decrypt link SOPS and its
// cloud KMS SDKs; spec itself does not.
type Decrypter interface {
	// Decrypt verifies the MAC of data (a SOPS-encrypted YAML file, or the
	// pruned part of one that SOPS verifies the same way) and returns the
	// decrypted values found under the JSON pointers keep accepts. A
	// problem with the file is a *DecryptProblem; no error holds a
	// decrypted value.
	Decrypt(data []byte, keep func(ptr string) bool) (map[string]Secret, error)
}

// Inspector is what Inspect needs of SOPS, beyond decryption: doctor
// takes one from package main, so that it does not link SOPS, and its
// tests use spectest's. internal/sopsfile implements it.
type Inspector interface {
	Decrypter
	// Probe reads the file's SOPS metadata once: the keys it names, and
	// whether a key given here opens the file's data key (before any
	// value or the MAC is checked). An error means the metadata does not
	// read.
	Probe(data []byte) (recipients []Recipient, opens bool, err error)
	// PublicKeys are the recipients of the identities given here.
	PublicKeys() []string
}

// SOPS is what Encrypt, Unseal and Seal need of SOPS, beyond inspection.
// internal/sopsfile implements it.
type SOPS interface {
	Inspector
	// EncryptNew is `sops encrypt` of a plaintext manifest with the
	// creation rule that sopsConfig (or, when empty, the nearest
	// .sops.yaml above the file) holds for abs, the file's absolute path.
	EncryptNew(abs string, data []byte, sopsConfig string, now time.Time) (*SOPSEncrypted, error)
	// Reseal encrypts the plaintext values of an encrypted file that
	// secret accepts with the file's own data key, and computes its MAC
	// again, stamped now; every other byte of data stays as it was. It
	// returns the new file and how many values it sealed. file names the
	// file in errors.
	Reseal(file string, data []byte, secret func(ptr string) bool, now time.Time) ([]byte, int, error)
}

// SOPSEncrypted is what EncryptNew returns: the file as SOPS wrote it.
type SOPSEncrypted struct {
	Data       []byte
	SopsConfig string // the .sops.yaml whose creation rule was used
	// MACOnlyEncrypted is the rule's mac_only_encrypted.
	MACOnlyEncrypted bool
}

// DecryptProblem says which part of a file failed to decrypt, so that the
// loader can point at the right line.
type DecryptProblem struct {
	Ptr string // JSON pointer of the offending value, or "/sops" for the file's keys and MAC
	Msg string
}

func (p *DecryptProblem) Error() string { return p.Msg }

// errNoDecrypter is what an encrypted file meets when Load was given
// neither a Decrypter nor SkipDecrypt: a caller's mistake.
var errNoDecrypter = &DecryptProblem{Ptr: "/sops", Msg: "encrypted, but this command was given no way to decrypt (an internal error; please report it)"}

// decrypt hands SOPS the smallest document it verifies and decrypts as it
// would the whole file. Pointers into the pruned document are the same as
// into the file, so problems found there point at the right lines.
func decrypt(d Decrypter, doc *document, data []byte, keep func(ptr string) bool) (map[string]Secret, error) {
	if d == nil {
		return nil, errNoDecrypter
	}
	if pruned := pruneForSOPS(doc, map[string]bool{"fingerprintKey": true}); pruned != nil {
		return d.Decrypt(pruned, keep)
	}
	return d.Decrypt(data, keep)
}

// FieldName is the name a diagnostic gives the value at a JSON pointer
// (e.g. "connections[0].input.password").
func FieldName(ptr string) string { return fieldName(ptr) }

// EscapePointer escapes one JSON pointer token (RFC 6901).
func EscapePointer(s string) string { return escapePtr(s) }

// SpliceScalars replaces the scalars of data at the given JSON pointers
// with the given YAML text, leaving every other byte as it was. file
// names the file in diagnostics.
func SpliceScalars(file string, data []byte, values map[string]string) ([]byte, error) {
	doc, ds := parseDocument(file, data)
	if ds != nil {
		return nil, ds
	}
	return spliceScalars(data, scalarNodes(doc.root), values)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
