// Package spec turns a directory of manifests into typed desired state.
//
// It owns loading YAML with the file and line of every node, validating it
// against the JSON Schemas, decrypting SOPS-encrypted connection inputs (and
// encrypting them for the encrypt command: it is the only importer of
// getsops/sops), merging bases into tenants and checking
// references across files. Every problem is reported, each with file, line
// and field; decrypted values live only inside Secret and never reach an
// error, a log line or any output.
//
// It does not talk to Workato, read the environment or print: keys, schemas
// and the directory are handed in by the caller.
package spec
