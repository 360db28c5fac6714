#!/usr/bin/env bash
# Builds the npm package in bindings-wasm/pkg: a Node build (CommonJS and
# an ES module wrapper, `--target nodejs`) and a browser/bundler build (ES
# modules, `--target web`) of telnum-wasm, with the TypeScript definitions;
# bindings-wasm/js/assemble.mjs puts the pieces together.
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
wasm-bindgen --target nodejs --remove-name-section --remove-producers-section --out-dir "$out/node" "$wasm"
wasm-bindgen --target web --remove-name-section --remove-producers-section --out-dir "$out/web" "$wasm"
node bindings-wasm/js/assemble.mjs "$out" bindings-wasm/js/telnum.d.ts bindings-wasm/js/package.json
