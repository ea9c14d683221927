// Package spec turns a directory of manifests into typed desired state.
//
// It owns loading YAML with the file and line of every node, validating it
// against the JSON Schemas, decrypting SOPS-encrypted connection inputs (and
// sealing them, layout intact, for encrypt and edit), merging bases into
// tenants and checking references across files. SOPS itself is reached
// through the Decrypter, Inspector and SOPS interfaces, which internal/sopsfile
// implements: spec does not link SOPS and its cloud KMS SDKs, so neither do
// the packages that only need the manifests' structure. Every problem is reported, each with file, line
// and field; decrypted values live only inside Secret and never reach an
// error, a log line or any output.
//
// It does not talk to Workato, read the environment or print: keys, schemas
// and the directory are handed in by the caller.
package spec
