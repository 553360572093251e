#!/usr/bin/env bash
# Refresh the copy of Mermaid that the site serves itself (docs/assets/javascripts/),
# so that no reader's browser fetches it from a CDN. Material for MkDocs 9.8 uses
# Mermaid 11. Needs npm; run from anywhere: bash scripts/vendor_mermaid.sh [VERSION]
set -euo pipefail
version="${1:-11}"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
npm install --prefix "$work" --silent --no-audit --no-fund "mermaid@$version" >/dev/null
cp "$work/node_modules/mermaid/dist/mermaid.min.js" "$here/docs/assets/javascripts/mermaid.min.js"
cp "$work/node_modules/mermaid/LICENSE" "$here/docs/assets/javascripts/mermaid.LICENSE.txt"
echo "mermaid $(node -p "require('$work/node_modules/mermaid/package.json').version") copied"
