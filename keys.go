package main

import (
	"errors"
	"io/fs"

	"github.com/workato-gitops/workato-gitops/internal/doctor"
	"github.com/workato-gitops/workato-gitops/internal/sopsfile"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/schemas"
)

// schemaFS is the embedded schemas, handed to internal/spec.
var schemaFS fs.FS = schemas.FS

// keyEnv hands spec's key collector the environment and the runner of
// key commands.
func keyEnv(e env) spec.KeyEnv {
	return spec.KeyEnv{Getenv: e.getenv, Run: spec.RunKeyCommand}
}

// decrypter is SOPS with the keys of every source SOPS reads (see
// spec.CollectKeys), which then all parse. A source the user named that
// cannot be used stops the run, with a hint; key material is never printed.
func decrypter(e env) (*sopsfile.SOPS, error) {
	keys, reports := spec.CollectKeys(keyEnv(e))
	if err := spec.KeysError(reports); err != nil {
		kind := spec.NotIdentity // the general hint, for a problem of no one kind
		var ke *spec.KeySourceError
		if errors.As(err, &ke) {
			kind = ke.Kind
		}
		return nil, &hinted{err: err, hint: doctor.KeyProblemHint(kind)}
	}
	return sopsfile.New(keys)
}
