// Package sopsfile is the one importer of getsops/sops: it decrypts
// manifests for spec.Load (spec.Decrypter), and encrypts, re-seals and
// inspects them for spec.Encrypt, spec.Unseal (spec.SOPS) and spec.Inspect
// (spec.Inspector, which package main hands doctor).
//
// It is kept apart because the sops root package links its key service
// and every cloud KMS SDK (about 800 packages): only the programs that
// decrypt or encrypt import it, so that the packages that need the
// manifests' structure alone, and their tests, build without them. Keys
// are handed in (spec.CollectKeys gathers them); it never reads the
// environment for age keys, prints, or returns key material or a
// decrypted value in an error.
package sopsfile
