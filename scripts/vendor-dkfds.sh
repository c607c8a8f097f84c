#!/usr/bin/env bash
# Vendor Det Fælles Designsystem (npm package "dkfds") into
# bostotte/static/vendor/dkfds/.
#
# Copies only what the app needs at run time:
#   css/dkfds.min.css        compiled, minified stylesheet (default theme)
#   js/dkfds.min.js          compiled, minified JavaScript (optional enhancement)
#   fonts/...                exactly the font files the CSS references via url(...)
#   img/...                  the images the CSS references via url(...)
#   img/all-svg-icons.svg    the icon sprite used with <svg><use href="...#name">
#   LICENSE.md               package licence (MIT, OFL-1.1 for fonts, Apache-2.0 for icons)
#   fonts/IBMPlexSans/LICENSE-OFL.txt  the font licence shipped with IBM Plex Sans
#   VERSION                  the vendored version
#
# The relative layout (css/ next to fonts/ and img/) is the same as the
# package's dist/ folder, so the relative url(../fonts/...) and
# url(../img/...) paths inside the CSS keep working. The script checks that
# every url(...) in the CSS resolves to a copied file.
#
# Usage: scripts/vendor-dkfds.sh   (needs npm, tar and network access to the npm registry)
set -euo pipefail

VERSION="11.2.0"
# sha1 of dkfds-11.2.0.tgz as published on the npm registry (dist.shasum).
EXPECTED_SHA1="f9ca4518ed211eed72d039449e4da456a084bd91"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/bostotte/static/vendor/dkfds"

for tool in npm tar sha1sum; do
    command -v "$tool" >/dev/null 2>&1 || { echo "vendor-dkfds: '$tool' is required" >&2; exit 1; }
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "Henter dkfds@$VERSION fra npm ..."
(cd "$WORK" && npm pack "dkfds@$VERSION" --silent >/dev/null 2>"$WORK/npm.log") || {
    cat "$WORK/npm.log" >&2
    echo "vendor-dkfds: npm pack dkfds@$VERSION failed" >&2
    exit 1
}
TARBALL="$WORK/dkfds-$VERSION.tgz"
[ -f "$TARBALL" ] || { echo "vendor-dkfds: $TARBALL not found" >&2; exit 1; }

ACTUAL_SHA1="$(sha1sum "$TARBALL" | cut -d' ' -f1)"
if [ "$ACTUAL_SHA1" != "$EXPECTED_SHA1" ]; then
    echo "vendor-dkfds: checksum mismatch for dkfds-$VERSION.tgz" >&2
    echo "  expected $EXPECTED_SHA1" >&2
    echo "  got      $ACTUAL_SHA1" >&2
    exit 1
fi

tar -xzf "$TARBALL" -C "$WORK"
PKG="$WORK/package"
DIST="$PKG/dist"

PKG_VERSION="$(sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$PKG/package.json" | head -n1)"
if [ "$PKG_VERSION" != "$VERSION" ]; then
    echo "vendor-dkfds: package.json says version '$PKG_VERSION', expected '$VERSION'" >&2
    exit 1
fi

# Start from a clean destination so removed upstream files don't linger.
rm -rf "$DEST"
mkdir -p "$DEST/css" "$DEST/js" "$DEST/img"

install -m 0644 "$DIST/css/dkfds.min.css" "$DEST/css/dkfds.min.css"
install -m 0644 "$DIST/js/dkfds.min.js" "$DEST/js/dkfds.min.js"
install -m 0644 "$DIST/img/all-svg-icons.svg" "$DEST/img/all-svg-icons.svg"

# Every url(...) in the stylesheet that points at a file (not data: URIs),
# with any ?query or #fragment removed. Paths are relative to css/.
mapfile -t URLS < <(
    grep -o 'url([^)]*)' "$DIST/css/dkfds.min.css" \
        | sed -e 's/^url(//' -e 's/)$//' -e "s/^[\"']//" -e "s/[\"']\$//" \
        | grep -v '^data:' \
        | sed -e 's/[?#].*$//' \
        | sort -u
)

for url in "${URLS[@]}"; do
    case "$url" in
        ../*) ;;
        *) echo "vendor-dkfds: unexpected url($url) in CSS" >&2; exit 1 ;;
    esac
    rel="${url#../}"
    src="$DIST/$rel"
    [ -f "$src" ] || { echo "vendor-dkfds: CSS references $url, not in package" >&2; exit 1; }
    mkdir -p "$DEST/$(dirname "$rel")"
    install -m 0644 "$src" "$DEST/$rel"
done

# Licences.
install -m 0644 "$PKG/LICENSE.md" "$DEST/LICENSE.md"
OFL="$DIST/fonts/IBMPlexSans/complete/woff2/license.txt"
if [ -f "$OFL" ]; then
    install -m 0644 "$OFL" "$DEST/fonts/IBMPlexSans/LICENSE-OFL.txt"
fi

echo "$VERSION" > "$DEST/VERSION"

# Check: every url(...) in the copied CSS resolves from the copied location.
missing=0
for url in "${URLS[@]}"; do
    if [ ! -f "$DEST/css/$url" ]; then
        echo "vendor-dkfds: MISSING $url (from css/)" >&2
        missing=1
    fi
done
[ "$missing" -eq 0 ] || exit 1

echo "dkfds $VERSION kopieret til ${DEST#"$ROOT"/}:"
echo "  css:   $(du -sh "$DEST/css" | cut -f1)  (dkfds.min.css)"
echo "  js:    $(du -sh "$DEST/js" | cut -f1)  (dkfds.min.js)"
echo "  fonts: $(du -sh "$DEST/fonts" | cut -f1)  ($(find "$DEST/fonts" -type f \( -name '*.woff*' -o -name '*.ttf' -o -name '*.eot' \) | wc -l) filer)"
echo "  img:   $(du -sh "$DEST/img" | cut -f1)  ($(find "$DEST/img" -type f | wc -l) filer, inkl. all-svg-icons.svg)"
echo "  url(...) i CSS: ${#URLS[@]}, alle fundet"
echo "  i alt: $(du -sh "$DEST" | cut -f1), $(find "$DEST" -type f | wc -l) filer"
