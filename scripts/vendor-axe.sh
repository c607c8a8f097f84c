#!/usr/bin/env bash
# Vendor axe-core (npm package "axe-core", MPL-2.0) for the browser tests'
# accessibility check into tests/e2e/vendor/axe-core/:
#   axe.min.js   injected into pages by tests/e2e/test_portal.py
#   LICENSE      the package's licence (MPL-2.0)
#   VERSION      the vendored version
#
# axe-core is a test tool only: it is never served by the app.
#
# Usage: scripts/vendor-axe.sh   (needs npm, tar and network access to the npm registry)
set -euo pipefail

VERSION="4.14.1"
# sha1 of axe-core-4.14.1.tgz as published on the npm registry (dist.shasum).
EXPECTED_SHA1="14d8a6f3f085afd126b8b5ca1e42e50e17fb1d99"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/tests/e2e/vendor/axe-core"

for tool in npm tar sha1sum; do
    command -v "$tool" >/dev/null 2>&1 || { echo "vendor-axe: '$tool' is required" >&2; exit 1; }
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "Fetching axe-core@$VERSION from npm ..."
(cd "$WORK" && npm pack "axe-core@$VERSION" --silent >/dev/null 2>"$WORK/npm.log") || {
    cat "$WORK/npm.log" >&2
    echo "vendor-axe: npm pack axe-core@$VERSION failed" >&2
    exit 1
}
TARBALL="$WORK/axe-core-$VERSION.tgz"
[ -f "$TARBALL" ] || { echo "vendor-axe: $TARBALL not found" >&2; exit 1; }

ACTUAL_SHA1="$(sha1sum "$TARBALL" | cut -d' ' -f1)"
if [ "$ACTUAL_SHA1" != "$EXPECTED_SHA1" ]; then
    echo "vendor-axe: checksum mismatch for axe-core-$VERSION.tgz" >&2
    echo "  expected $EXPECTED_SHA1" >&2
    echo "  got      $ACTUAL_SHA1" >&2
    exit 1
fi

tar -xzf "$TARBALL" -C "$WORK"
PKG="$WORK/package"
PKG_VERSION="$(sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$PKG/package.json" | head -n1)"
if [ "$PKG_VERSION" != "$VERSION" ]; then
    echo "vendor-axe: package.json says version '$PKG_VERSION', expected '$VERSION'" >&2
    exit 1
fi

rm -rf "$DEST"
mkdir -p "$DEST"
install -m 0644 "$PKG/axe.min.js" "$DEST/axe.min.js"
install -m 0644 "$PKG/LICENSE" "$DEST/LICENSE"
echo "$VERSION" > "$DEST/VERSION"
echo "axe-core $VERSION copied to ${DEST#"$ROOT"/} ($(du -sh "$DEST" | cut -f1))"
