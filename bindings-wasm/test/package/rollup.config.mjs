// The consumer's Rollup build (what Vite runs for production): the
// browser build of the package, resolved through its exports map, in one
// ES module (the inlined wasm's dynamic import folded in).
import { nodeResolve } from '@rollup/plugin-node-resolve';

const work = process.env.TELNUM_CONSUMER;
export default {
  input: `${work}/bundle-entry.mjs`,
  output: { file: `${work}/bundle.rollup.js`, format: 'es', inlineDynamicImports: true },
  plugins: [nodeResolve({ browser: true, rootDir: work })],
  onwarn(warning, warn) {
    if (warning.code === 'CIRCULAR_DEPENDENCY') return;
    warn(warning);
  },
};
