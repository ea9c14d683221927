#!/usr/bin/env bash
# Installs the workato-gitops release VERSION for this runner (action.yml):
# downloads the archive for the runner's OS and architecture and the
# release's checksums file, refuses the archive unless its SHA-256 is the
# one the checksums file lists for it, unpacks the binary, puts it on
# GITHUB_PATH and runs `workato-gitops --version`.
#
# needs: VERSION, REPOSITORY; RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP,
# GITHUB_PATH and GITHUB_OUTPUT as GitHub Actions sets them; curl, tar or
# unzip, and sha256sum or shasum.
set -euo pipefail
fail() { echo "::error title=workato-gitops install::$*"; exit 1; }
[[ $VERSION =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]] || fail "version $VERSION is not a release tag (vMAJOR.MINOR.PATCH)"
[[ $REPOSITORY =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] || fail "repository $REPOSITORY is not OWNER/NAME"
case $RUNNER_OS in
  Linux) os=linux ext=tar.gz ;;
  macOS) os=darwin ext=tar.gz ;;
  Windows) os=windows ext=zip ;;
  *) fail "no release for runner OS $RUNNER_OS" ;;
esac
case $RUNNER_ARCH in
  X64) arch=amd64 ;;
  ARM64) arch=arm64 ;;
  *) fail "no release for runner architecture $RUNNER_ARCH" ;;
esac
# These names are the archive and checksum templates of .goreleaser.yaml.
archive="workato-gitops_${VERSION#v}_${os}_${arch}.${ext}"
sums="workato-gitops_${VERSION#v}_checksums.txt"
dir="$RUNNER_TEMP/workato-gitops-$VERSION"
rm -rf "$dir" && mkdir -p "$dir"
url="https://github.com/$REPOSITORY/releases/download/$VERSION"
curl -fsSL --retry 3 --proto '=https' -o "$dir/$archive" "$url/$archive"
curl -fsSL --retry 3 --proto '=https' -o "$dir/$sums" "$url/$sums"
want=$(awk -v f="$archive" '$2 == f { print $1 }' "$dir/$sums")
[[ $want =~ ^[0-9a-f]{64}$ ]] || fail "$sums has no SHA-256 for $archive"
if command -v sha256sum > /dev/null; then
  got=$(sha256sum "$dir/$archive" | cut -d ' ' -f 1)
else
  got=$(shasum -a 256 "$dir/$archive" | cut -d ' ' -f 1)
fi
[ "$got" = "$want" ] || fail "$archive has SHA-256 $got, but $sums says $want"
echo "workato-gitops: $archive matches $sums ($got)"
if [ "$ext" = zip ]; then
  unzip -q -o "$dir/$archive" workato-gitops.exe -d "$dir/bin"
  exe="$dir/bin/workato-gitops.exe"
else
  mkdir -p "$dir/bin"
  tar -xzf "$dir/$archive" -C "$dir/bin" workato-gitops
  exe="$dir/bin/workato-gitops"
fi
echo "$dir/bin" >> "$GITHUB_PATH"
echo "path=$exe" >> "$GITHUB_OUTPUT"
"$exe" --version
