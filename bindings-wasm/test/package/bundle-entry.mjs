// Bundled by esbuild, for Node and for the browser: the .wasm must come
// along (it is inlined in the package).
import * as telnum from 'telnum';
import { scenario, compare } from './scenario.mjs';

export async function run() {
  return compare(await scenario(telnum));
}
if (typeof process !== 'undefined' && process.versions && process.versions.node) {
  run().then((errors) => {
    console.log(errors.length === 0 ? `esbuild bundle on ${process.version}: ok` : errors.join('\n'));
    process.exitCode = errors.length === 0 ? 0 : 1;
  });
} else {
  globalThis.telnumRun = run;
}
