// Assembles the npm package from wasm-bindgen's two outputs (called by
// build-pkg.sh):
//
//   <out>/node/  `--target nodejs`: CommonJS. The wasm is inlined (base64),
//                so the build also runs when a bundler (esbuild
//                --platform=node) moves it.
//                index.cjs serves `require`, index.mjs serves `import` with
//                named exports (Node cannot see names through a CJS spread).
//   <out>/web/   `--target web`: ES modules for browsers and bundlers.
//                `await init()` loads the inlined wasm (DecompressionStream),
//                `await init(url)` fetches the .wasm instead
//                (`telnum/telnum.wasm`). Every export throws
//                `not_initialized` until init() has finished.
//
// One TelnumError brand across all of them (see lib.rs).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [out, dtsSource, pkgSource] = process.argv.slice(2);
const node = path.join(out, 'node');
const web = path.join(out, 'web');

function snippetOf(dir) {
  const root = path.join(dir, 'snippets');
  const [crate] = fs.readdirSync(root);
  return `./snippets/${crate}/inline0.js`;
}

// The glue snippet is written as an ES module; Node < 20.19 cannot require
// one, so the Node build gets the same code as CommonJS.
function snippetToCjs(file) {
  const src = fs.readFileSync(file, 'utf8');
  const names = [...src.matchAll(/^export (?:class|function|const) ([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]);
  if (names.length === 0) throw new Error(`no exports found in ${file}`);
  const body = src.replace(/^export (class|function|const) /gm, '$1 ');
  fs.writeFileSync(file, `'use strict';\n${body}\nmodule.exports = { ${names.join(', ')} };\n`);
}

const wasmBytes = fs.readFileSync(path.join(node, 'telnum_wasm_bg.wasm'));
const packed = zlib.gzipSync(wasmBytes, { level: 9 }).toString('base64');

// ---------------------------------------------------------------- node
{
  const snippet = snippetOf(node);
  snippetToCjs(path.join(node, snippet));
  const gluePath = path.join(node, 'telnum_wasm.js');
  const glue = fs.readFileSync(gluePath, 'utf8');
  const read = /const wasmPath = `\$\{__dirname\}\/telnum_wasm_bg\.wasm`;\nconst wasmBytes = require\('fs'\)\.readFileSync\(wasmPath\);/;
  if (!read.test(glue)) throw new Error('the nodejs glue no longer reads the wasm the expected way');
  // Bundlers follow only plain string requires, not String.raw templates.
  const patched = glue
    .replace(read, "const wasmBytes = require('./telnum_wasm_bytes.cjs');")
    .replace(/require\(String\.raw`([^`]+)`\)/g, "require('$1')");
  if (/String\.raw/.test(patched)) throw new Error('a String.raw require is left in the nodejs glue');
  fs.writeFileSync(gluePath, patched);
  fs.writeFileSync(
    path.join(node, 'telnum_wasm_bytes.cjs'),
    // Base64 without gzip: a require of 'zlib' breaks esbuild's ESM bundles
    // for Node ("Dynamic require of zlib is not supported").
    `'use strict';\n// telnum_wasm_bg.wasm, base64.\nmodule.exports = Buffer.from('${wasmBytes.toString('base64')}', 'base64');\n`,
  );
  fs.rmSync(path.join(node, 'telnum_wasm_bg.wasm'));
  fs.rmSync(path.join(node, 'telnum_wasm_bg.wasm.d.ts'));
  fs.rmSync(path.join(node, 'telnum_wasm.d.ts'));
  fs.writeFileSync(path.join(node, 'package.json'), '{ "type": "commonjs" }\n');
  fs.writeFileSync(
    path.join(node, 'index.cjs'),
    `'use strict';
const wasm = require('./telnum_wasm.js');
const { TelnumError, guardFreed } = require('${snippet}');
guardFreed(wasm.Numbers, 'Numbers');
guardFreed(wasm.CallerIdPool, 'CallerIdPool');
// The browser build needs init(); in Node the module is ready on load, and
// init() is there so that one program runs on both.
const api = { ...wasm, TelnumError };
delete api.__telnumErrorClass;
async function init() { return api; }
function initSync() { return api; }
module.exports = { ...api, default: init, init, initSync };
`,
  );
  const names = Object.keys(createRequire(import.meta.url)(path.resolve(node, 'index.cjs'))).filter(
    (k) => k !== 'default',
  );
  fs.writeFileSync(
    path.join(node, 'index.mjs'),
    `import cjs from './index.cjs';
export const { ${names.join(', ')} } = cjs;
export default cjs.default;
`,
  );
}

// ---------------------------------------------------------------- web
{
  const snippet = snippetOf(web);
  fs.writeFileSync(path.join(web, 'package.json'), '{ "type": "module" }\n');
  fs.writeFileSync(
    path.join(web, 'telnum_wasm_inline.js'),
    `// telnum_wasm_bg.wasm, gzip + base64.\nexport const packed = '${packed}';\n`,
  );
  const glue = await import(pathToFileURL(path.resolve(web, 'telnum_wasm.js')).href);
  const skip = new Set(['default', 'initSync', '__telnumErrorClass']);
  const names = Object.keys(glue).filter((k) => !skip.has(k));
  const lines = names.map((k) =>
    typeof glue[k] === 'function' && /^[A-Z]/.test(k)
      ? `export const ${k} = guardClass(glue.${k}, '${k}');`
      : `export const ${k} = guardFunction(glue.${k}, '${k}');`,
  );
  fs.writeFileSync(
    path.join(web, 'index.js'),
    `import * as glue from './telnum_wasm.js';
import wasmInit, { initSync as wasmInitSync } from './telnum_wasm.js';
import { TelnumError, guardFreed } from '${snippet}';

export { TelnumError };
let ready = false;
let loading = null;

function notReady(name) {
  return new TelnumError({
    code: 'not_initialized', status: 500, what: 'call and await init() before any other function',
    message: \`telnum is not initialised yet: \${name}() needs \\\`await init()\\\` first\`,
  });
}
function guardFunction(f, name) {
  return function (...args) {
    if (!ready) throw notReady(name);
    return f.apply(this, args);
  };
}
function guardClass(cls, name) {
  guardFreed(cls, name);
  return new Proxy(cls, {
    construct(target, args, newTarget) {
      if (!ready) throw notReady(\`new \${name}\`);
      return Reflect.construct(target, args, newTarget);
    },
  });
}

async function inlined() {
  const { packed } = await import('./telnum_wasm_inline.js');
  if (typeof DecompressionStream !== 'function') {
    throw new TelnumError({
      code: 'not_supported', status: 422, operation: 'init', reason: 'no_decompression_stream',
      message: 'this runtime has no DecompressionStream: pass the wasm to init(), e.g. init(new URL("telnum/telnum.wasm", import.meta.url))',
    });
  }
  const bytes = Uint8Array.from(atob(packed), (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Loads the WebAssembly module. With no argument it uses the copy inlined
 * in this package (no file to serve, works in every bundler); pass a URL,
 * Response, bytes or WebAssembly.Module to load telnum.wasm yourself.
 * Resolves to the package's exports; calling it again is free.
 */
export default async function init(input) {
  if (ready) return api;
  if (!loading) {
    loading = (async () => {
      let source = input;
      if (source && typeof source === 'object' && 'module_or_path' in source) source = source.module_or_path;
      if (source === undefined || source === null) source = await inlined();
      await wasmInit({ module_or_path: source });
      ready = true;
      return api;
    })();
    loading.catch(() => { loading = null; });
  }
  return loading;
}

/** Loads the module synchronously from bytes or a WebAssembly.Module. */
export function initSync(module) {
  if (ready) return api;
  if (module && typeof module === 'object' && 'module' in module) module = module.module;
  if (module === undefined || module === null) {
    throw new TelnumError({
      code: 'invalid_input', status: 400, field: 'module',
      message: 'initSync needs the wasm bytes or a WebAssembly.Module; use await init() to load the inlined copy',
    });
  }
  wasmInitSync({ module });
  ready = true;
  return api;
}

${lines.join('\n')}
export { init };
const api = { ${names.join(', ')}, TelnumError, default: init, init, initSync };
`,
  );
  fs.rmSync(path.join(web, 'telnum_wasm.d.ts'));
  fs.rmSync(path.join(web, 'telnum_wasm_bg.wasm.d.ts'));
}

// ---------------------------------------------------------------- types
const dts = fs.readFileSync(dtsSource, 'utf8');
fs.writeFileSync(path.join(out, 'telnum.d.ts'), dts);
// The same declarations for `require`: a .d.cts is read as CommonJS.
// CommonJS has no default export (module.exports is the module): `init` is
// named there.
const cts = dts.replace("typeof import('./telnum.js')", "typeof import('./telnum.cjs')").replace(/^export default init;\n/m, '');
if (cts === dts) throw new Error('telnum.d.ts no longer has the lines the .d.cts rewrites');
fs.writeFileSync(path.join(out, 'telnum.d.cts'), cts);
fs.copyFileSync(pkgSource, path.join(out, 'package.json'));
