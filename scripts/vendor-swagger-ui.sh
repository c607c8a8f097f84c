#!/usr/bin/env bash
# Vendor Swagger UI (npm package "swagger-ui-dist") into
# bostotte/static/vendor/swagger-ui/, for the API's documentation page (/api/v1/docs).
#
# Copies only what the page uses:
#   swagger-ui.css                     the stylesheet (its url(...)s are all data: URIs)
#   swagger-ui-bundle.js               Swagger UI with React and its other dependencies
#   swagger-ui-bundle.js.LICENSE.txt   the licences of what the bundle contains
#   LICENSE, NOTICE                    Swagger UI's licence (Apache-2.0) and notice
#   VERSION                            the vendored version
#
# Not copied: the standalone preset (its top bar loads any URL; the page shows only our
# document, with the base layout), the ES bundles, source maps, index.html and the
# petstore initialiser. The page's initialiser is bostotte/static/js/api-docs.js.
#
# Usage: scripts/vendor-swagger-ui.sh   (needs npm, tar and network access to the npm registry)
set -euo pipefail

PACKAGE="swagger-ui-dist"
VERSION="5.36.0"
# sha1 of swagger-ui-dist-5.36.0.tgz as published on the npm registry (dist.shasum).
EXPECTED_SHA1="d5805b115efd5406d8d3987096fcf6b31519f590"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/bostotte/static/vendor/swagger-ui"

for tool in npm tar sha1sum; do
    command -v "$tool" >/dev/null 2>&1 || { echo "vendor-swagger-ui: '$tool' is required" >&2; exit 1; }
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "Henter $PACKAGE@$VERSION fra npm ..."
(cd "$WORK" && npm pack "$PACKAGE@$VERSION" --silent >/dev/null 2>"$WORK/npm.log") || {
    cat "$WORK/npm.log" >&2
    echo "vendor-swagger-ui: npm pack $PACKAGE@$VERSION failed" >&2
    exit 1
}
TARBALL="$WORK/$PACKAGE-$VERSION.tgz"
[ -f "$TARBALL" ] || { echo "vendor-swagger-ui: $TARBALL not found" >&2; exit 1; }

ACTUAL_SHA1="$(sha1sum "$TARBALL" | cut -d' ' -f1)"
if [ "$ACTUAL_SHA1" != "$EXPECTED_SHA1" ]; then
    echo "vendor-swagger-ui: checksum mismatch for $PACKAGE-$VERSION.tgz" >&2
    echo "  expected $EXPECTED_SHA1" >&2
    echo "  got      $ACTUAL_SHA1" >&2
    exit 1
fi

tar -xzf "$TARBALL" -C "$WORK"
PKG="$WORK/package"

# The package's own name and version, not just the tarball's file name.
PKG_NAME="$(sed -n 's/^[[:space:]]*"name":[[:space:]]*"\([^"]*\)".*/\1/p' "$PKG/package.json" | head -n1)"
PKG_VERSION="$(sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$PKG/package.json" | head -n1)"
if [ "$PKG_NAME" != "$PACKAGE" ] || [ "$PKG_VERSION" != "$VERSION" ]; then
    echo "vendor-swagger-ui: package.json says '$PKG_NAME@$PKG_VERSION', expected '$PACKAGE@$VERSION'" >&2
    exit 1
fi

# The stylesheet must not load anything from elsewhere: every url(...) is a data: URI.
if grep -o 'url([^)]*)' "$PKG/swagger-ui.css" | sed -e 's/^url(//' -e "s/^[\"']//" | grep -v '^data:' | grep -q .; then
    echo "vendor-swagger-ui: swagger-ui.css references files; copy them too" >&2
    exit 1
fi

# Start from a clean destination so removed upstream files don't linger.
rm -rf "$DEST"
mkdir -p "$DEST"
for file in swagger-ui.css swagger-ui-bundle.js swagger-ui-bundle.js.LICENSE.txt LICENSE NOTICE; do
    install -m 0644 "$PKG/$file" "$DEST/$file"
done
# The stylesheet's last line names a source map that is not vendored.
sed -i '/^\/\*# sourceMappingURL=.*\*\/$/d' "$DEST/swagger-ui.css"

echo "$VERSION" > "$DEST/VERSION"

echo "$PACKAGE $VERSION kopieret til ${DEST#"$ROOT"/}:"
for file in "$DEST"/*; do
    echo "  $(basename "$file"): $(du -h "$file" | cut -f1)"
done
