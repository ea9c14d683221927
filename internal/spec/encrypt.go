package spec

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Placeholders that `export` writes for connection input values it cannot
// read (the API never returns them). Encrypt refuses a file that still holds
// one, so a placeholder can never be sent to Workato as a credential.
const (
	PlaceholderRequired       = "<required>"
	PlaceholderOptional       = "<optional>"
	PlaceholderSecret         = "<secret>"
	PlaceholderOptionalSecret = "<optional secret>"
)

var placeholderRE = regexp.MustCompile(`^<(optional )?(required|optional|secret)>$`)

// IsInputPlaceholder reports whether v is one of the placeholders export writes.
func IsInputPlaceholder(v any) bool {
	s, ok := v.(string)
	return ok && placeholderRE.MatchString(strings.TrimSpace(s))
}

// Errors Encrypt returns that callers branch on.
var (
	// ErrNothingToEncrypt: the file holds no connection input or fingerprintKey.
	ErrNothingToEncrypt = errors.New("nothing to encrypt: no connection input and no fingerprintKey")
)

// EncryptOptions control Encrypt.
type EncryptOptions struct {
	// SopsConfig is the .sops.yaml whose creation rules apply; empty means
	// the nearest one in the file's directory or above it.
	SopsConfig string
	// Now stamps the file's lastmodified; nil means time.Now.
	Now func() time.Time
	// SOPS encrypts (internal/sopsfile); its keys open a file that is
	// encrypted already, whose data key seals the values added since (as
	// sops edit needs them). Required.
	SOPS SOPS
}

// Encrypted is the result of Encrypt.
type Encrypted struct {
	Data       []byte
	SopsConfig string   // the .sops.yaml whose rule was used
	Values     int      // how many values were encrypted
	Warnings   []string // advice that does not stop the encryption
}

// Encrypt seals the secret values of one manifest (connection input
// values of a Tenant or Base, or the fingerprintKey of the repository
// config) with SOPS and returns the new file content. file names the file
// on disk (creation rules match its path); data is its content.
//
// A plaintext file is encrypted with the creation rule of a .sops.yaml for
// file, needing public keys only. A file encrypted already has its
// plaintext secret values (added since) encrypted with its own data key,
// which the keys of opts.SOPS must open; its other values keep their ciphertext.
// Either way only the bytes of the secret values (and the sops metadata)
// change: indentation, flow style and comments stay as they were.
//
// The result is checked before it is returned: exactly the secret values
// must be encrypted, as the loader demands, so a creation rule that
// encrypts too much or too little is refused rather than written. Errors
// never hold a plaintext value of the file.
func Encrypt(file string, data []byte, opts EncryptOptions) (_ *Encrypted, err error) {
	var scrub scrubber
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("sops failed on this file (internal error)")
		}
		if err != nil {
			err = &scrubbedError{msg: scrub.scrub(err.Error()), err: err}
		}
	}()
	doc, ds := parseDocument(file, data)
	if ds != nil {
		return nil, ds
	}
	secretPtr := "" // the config's extra secret
	if doc.value["kind"] == "Config" {
		secretPtr = "/fingerprintKey"
	}
	n, ds := secretValues(doc, secretPtr, &scrub)
	if ds != nil {
		return nil, ds
	}
	if n == 0 {
		return nil, ErrNothingToEncrypt
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	if _, ok := doc.value["sops"]; ok {
		if len(plaintextSecrets(doc, isSecretPtr(secretPtr))) == 0 {
			return nil, ErrAlreadySealed
		}
		out, sealed, err := opts.SOPS.Reseal(file, data, isSecretPtr(secretPtr), now())
		if err != nil {
			return nil, err
		}
		return &Encrypted{Data: out, Values: sealed}, nil
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	sealed, err := opts.SOPS.EncryptNew(abs, data, opts.SopsConfig, now())
	if err != nil {
		return nil, err
	}
	confPath, enc := sealed.SopsConfig, sealed.Data
	out := &Encrypted{SopsConfig: confPath, Values: n}
	if !sealed.MACOnlyEncrypted {
		out.Warnings = append(out.Warnings, confPath+": the creation rule lacks mac_only_encrypted: true, so editing any plain field by hand will break the file's MAC")
	}
	check, ds := parseDocument(file, enc)
	if ds == nil {
		ds = checkEncryption(check, false, secretPtr, "")
	}
	if ds != nil {
		return nil, fmt.Errorf("%s: its creation rule does not encrypt exactly the secret values (set encrypted_regex: %s); nothing was written", confPath, wantRegex(secretPtr))
	}
	if out.Data, err = spliceFirstSeal(doc, data, enc, isSecretPtr(secretPtr)); err != nil {
		return nil, err
	}
	return out, nil
}

// scrubbedError carries a scrubbed message but keeps the cause for
// errors.Is (ErrAlreadySealed, Diagnostics...).
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

func wantRegex(secretPtr string) string {
	if secretPtr != "" {
		return "^fingerprintKey$"
	}
	return "^input$"
}

// secretValues counts the values to encrypt and refuses placeholders that
// export wrote and nobody filled in. Every value is added to scrub.
func secretValues(doc *document, secretPtr string, scrub *scrubber) (int, Diagnostics) {
	n := 0
	var ds Diagnostics
	walkValue(doc.value, "", func(ptr string, v any) {
		if !inputValuePtr.MatchString(ptr) && (secretPtr == "" || ptr != secretPtr) {
			return
		}
		n++
		scrub.add(NewSecret(v))
		if IsInputPlaceholder(v) {
			ds = append(ds, Diagnostic{File: doc.file, Line: doc.line(ptr), Field: fieldName(ptr),
				Message: "still the placeholder that export wrote: fill in the value, or delete the field if it is optional"})
		}
	})
	ds.sort()
	return n, ds
}
