#!/usr/bin/env bash
# Builds the npm package in bindings-wasm/pkg: a Node build (CommonJS,
# `--target nodejs`) and a browser/bundler build (ES module, `--target web`)
# of telnum-wasm, with the hand-written TypeScript definitions.
#
#   bindings-wasm/build-pkg.sh          the published build (full validation)
#   bindings-wasm/build-pkg.sh lite     pkg-lite/: E.164 structure only
set -euo pipefail
cd "$(dirname "$0")/.."
variant=${1:-full}
if [ "$variant" = lite ]; then
  features=(--no-default-features --features lite)
  out=bindings-wasm/pkg-lite
else
  features=()
  out=bindings-wasm/pkg
fi
cargo build -q -p telnum-wasm --target wasm32-unknown-unknown --profile release-wasm "${features[@]}"
wasm=target/wasm32-unknown-unknown/release-wasm/telnum_wasm.wasm
rm -rf "$out"
mkdir -p "$out"
for target in nodejs web; do
  dir=$out/$([ $target = nodejs ] && echo node || echo web)
  wasm-bindgen --target $target --remove-name-section --remove-producers-section --out-dir "$dir" "$wasm"
  # The TelnumError class lives in wasm-bindgen's inline snippet; re-export it.
  snippet=$(cd "$dir" && ls snippets/*/inline0.js)
  if [ $target = nodejs ]; then
    cat > "$dir/index.cjs" <<JS
'use strict';
const wasm = require('./telnum_wasm.js');
const { TelnumError, guardFreed } = require('./$snippet');
guardFreed(wasm.Numbers, 'Numbers');
guardFreed(wasm.CallerIdPool, 'CallerIdPool');
// The browser build needs init(); in Node the module is ready on load.
const init = async () => wasm;
module.exports = { ...wasm, TelnumError, default: init, initSync: () => wasm };
JS
  else
    cat > "$dir/index.js" <<JS
export { default, initSync } from './telnum_wasm.js';
export * from './telnum_wasm.js';
export { TelnumError } from './$snippet';
import * as wasm from './telnum_wasm.js';
import { guardFreed } from './$snippet';
guardFreed(wasm.Numbers, 'Numbers');
guardFreed(wasm.CallerIdPool, 'CallerIdPool');
JS
  fi
done
cp bindings-wasm/js/telnum.d.ts "$out/telnum.d.ts"
cp bindings-wasm/js/package.json "$out/package.json"
