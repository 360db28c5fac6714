#!/usr/bin/env bash
# The npm package as its users get it: packed, installed into a fresh
# project, then used from Node ESM and CommonJS (on every Node version
# given), from esbuild bundles for Node and for the browser, from a Rollup
# bundle for the browser (what Vite builds with), unbundled in a page, and
# checked by @arethetypeswrong/cli.
#
#   run.sh WORK_DIR CHROMIUM [NODE ...]
#
# Needs bindings-wasm/pkg (build-pkg.sh) and bindings-wasm/node_modules
# (npm ci in bindings-wasm).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dev="$here/../.."
work="$1"; chromium="$2"; shift 2
nodes=(node "$@")

rm -rf "$work"
mkdir -p "$work"
"$dev/node_modules/.bin/attw" --pack "$dev/pkg" --exclude-entrypoints telnum.wasm --format table-flipped
(cd "$dev/pkg" && npm pack --silent --pack-destination "$work" >/dev/null)
cp "$here"/scenario.mjs "$here"/esm.mjs "$here"/cjs.cjs "$here"/bundle-entry.mjs "$here"/*.html "$work/"
cd "$work"
echo '{ "name": "consumer", "private": true }' > package.json
npm install --silent --no-audit --no-fund ./telnum-*.tgz

for n in "${nodes[@]}"; do
  "$n" esm.mjs
  "$n" cjs.cjs
done
esbuild="$dev/node_modules/.bin/esbuild"
"$esbuild" bundle-entry.mjs --bundle --log-level=warning --platform=node --format=esm --outfile=bundle.node.mjs
"$esbuild" bundle-entry.mjs --bundle --log-level=warning --platform=node --format=cjs --outfile=bundle.node.cjs
# The bundles must not reach back into node_modules.
mv node_modules node_modules.off
node bundle.node.mjs
node bundle.node.cjs
mv node_modules.off node_modules
"$esbuild" bundle-entry.mjs --bundle --log-level=error --platform=browser --format=iife --outfile=bundle.browser.js
TELNUM_CONSUMER="$work" "$dev/node_modules/.bin/rollup" --silent -c "$here/rollup.config.mjs"
node "$here/browser.mjs" "$work" "$chromium"
