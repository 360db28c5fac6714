// The README's JavaScript examples, run against the package.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { root } = require('./helpers.cjs');

test('README JavaScript examples run', async () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length >= 1, 'the README has JavaScript examples');
  const pkg = path.join(root, 'bindings-wasm', 'pkg');
  for (const code of blocks) {
    const logs = [];
    const src = code.replace("require('telnum')", `require(${JSON.stringify(pkg)})`).replace(/^main\(\);$/m, 'return main();');
    const fn = new Function('require', 'console', `return (async () => { ${src} })();`);
    await fn(require, { log: (...a) => logs.push(a.join(' ')) });
    assert.ok(logs.some((l) => l.startsWith('+442071838750 GB local')), logs.join('\n'));
    assert.ok(logs.some((l) => l.startsWith('cool-off until ')), logs.join('\n'));
    assert.ok(logs.some((l) => l.startsWith('call from +1')), logs.join('\n'));
  }
});
