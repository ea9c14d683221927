#!/usr/bin/env bash
# Regenerates the SOPS-encrypted cases of the bad-input corpus with the real
# sops CLI and the TEST ONLY demo key. Run from this directory:
#   ./make-encrypted-fixtures.sh && go test ./internal/spec -run TestCorpus -update
# then review every changed want file.
set -euo pipefail
SOPS=${SOPS:-"go run github.com/getsops/sops/v3/cmd/sops@v3.13.3"}
AGEKEYGEN=${AGEKEYGEN:-"go run filippo.io/age/cmd/age-keygen@v1.3.1"}
demo=$(grep -o 'age1[0-9a-z]*' ../../../examples/demo-age-key.txt | head -1)
# A key nobody keeps: files encrypted for it cannot be opened by the tests.
other=$($AGEKEYGEN 2>/dev/null | grep -o 'age1[0-9a-z]*' | head -1)

plain() {
  cat <<YAML
apiVersion: workato-gitops/v1
kind: Tenant
metadata:
  name: t1
customer:
  externalId: A1
  name: T One
  notificationEmail: ops@t1.example
connections:
  - name: api
    provider: http
    input:
      username: fixture-user-5150
      password: fixture-password-8675309
YAML
}

enc() { # enc DIR RECIPIENT [REGEX [MAC_ONLY]]
  mkdir -p "bad/$1"
  plain > "bad/$1/t.yaml"
  # A config of our own: the repository's .sops.yaml has no rule for these
  # paths, and mac_only_encrypted can only be set in a config.
  cfg=$(mktemp)
  printf 'creation_rules:\n  - encrypted_regex: "%s"\n    mac_only_encrypted: %s\n    age: %s\n' "${3:-^input\$}" "${4:-true}" "$2" > "$cfg"
  $SOPS --config "$cfg" encrypt --in-place "bad/$1/t.yaml"
  rm -f "$cfg"
}

enc sops-wrong-key "$other"
enc sops-missing-key "$demo" && touch bad/sops-missing-key/.nokey
enc sops-tampered-ciphertext "$demo"
# Flip one character inside the password's data.
sed -i -E '/password: ENC/ s/data:(.)/data:\1Z/' bad/sops-tampered-ciphertext/t.yaml
enc sops-tampered-mac "$demo"
sed -i -E 's/(mac: ENC\[AES256_GCM,data:)(.)(.)/\1\3\2/' bad/sops-tampered-mac/t.yaml
enc sops-value-removed "$demo"
sed -i '/username: ENC/d' bad/sops-value-removed/t.yaml
enc sops-moved-value "$demo"
# Swap the ciphertexts of username and password: each is bound to its path.
u=$(grep -o 'username: ENC.*' bad/sops-moved-value/t.yaml | cut -d' ' -f2)
p=$(grep -o 'password: ENC.*' bad/sops-moved-value/t.yaml | cut -d' ' -f2)
sed -i "s|username: ENC.*|username: $p|; s|password: ENC.*|password: $u|" bad/sops-moved-value/t.yaml
enc sops-plaintext-added "$demo"
sed -i 's|^\(\s*\)password: ENC.*|&\n\1api_key: added-later-in-plaintext|' bad/sops-plaintext-added/t.yaml
enc sops-encrypted-non-input "$demo" '^(input|notificationEmail)$'
enc sops-metadata-broken "$demo"
sed -i '/lastmodified:/d' bad/sops-metadata-broken/t.yaml
# Without mac_only_encrypted the MAC covers plaintext values too: editing
# one by hand is detected. The unedited copy must load.
enc sops-full-mac-plaintext-edited "$demo" '^input$' false
mkdir -p good/full-mac
cp bad/sops-full-mac-plaintext-edited/t.yaml good/full-mac/t.yaml
sed -i 's/name: T One/name: T Two/' bad/sops-full-mac-plaintext-edited/t.yaml
