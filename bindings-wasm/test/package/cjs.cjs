// Node CommonJS: require, and the same TelnumError brand through import().
const telnum = require('telnum');

(async () => {
  const { scenario, compare } = await import('./scenario.mjs');
  const errors = compare(await scenario(telnum));
  const esm = await import('telnum');
  try {
    esm.parseE164('');
  } catch (e) {
    if (!(e instanceof telnum.TelnumError)) errors.push('an ESM error is not a TelnumError of the CJS build');
  }
  console.log(errors.length === 0 ? `cjs ${process.version}: ok` : errors.join('\n'));
  process.exitCode = errors.length === 0 ? 0 : 1;
})();
