// The package offers exactly the operations of the table
// (tests/vectors/operations.json, rendered from telnum::interop::OPERATIONS),
// under their JS names; the C header is checked against the same file by
// tests/c/test_telnum.c, so both runtimes offer the same operations.
const test = require('node:test');
const assert = require('node:assert/strict');
const { telnum, vectors } = require('./helpers.cjs');

const ops = vectors('operations.json');
// Exports that are not operations: the error class and the loaders.
const NOT_OPERATIONS = new Set(['TelnumError', 'init', 'initSync', 'default', 'CallerIdPool', 'Numbers']);
const CLASSES = { pool: telnum.CallerIdPool, numbers: telnum.Numbers };

test('every operation of the table is in the package, by its JS name', () => {
  for (const op of ops) {
    assert.equal(op.js, op.name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase()), `${op.name}: the naming rule`);
    if (op.target === 'function') {
      assert.equal(typeof telnum[op.js], 'function', `telnum.${op.js}`);
      assert.equal(telnum[op.js].length, op.args.length, `telnum.${op.js} takes ${op.args.length} arguments`);
    } else if (op.name === 'new') {
      assert.equal(typeof CLASSES[op.target], 'function', `${op.target} class`);
    } else {
      const proto = CLASSES[op.target].prototype;
      assert.equal(typeof proto[op.js], 'function', `${op.target}.${op.js}`);
    }
  }
});

test('the package has no operation the table lacks', () => {
  const functions = new Set(ops.filter((o) => o.target === 'function').map((o) => o.js));
  for (const name of Object.keys(telnum)) {
    if (NOT_OPERATIONS.has(name)) continue;
    assert.ok(functions.has(name), `telnum.${name} is not in the operation table`);
  }
  for (const [target, cls] of Object.entries(CLASSES)) {
    const methods = new Set(ops.filter((o) => o.target === target).map((o) => o.js));
    for (const name of Object.getOwnPropertyNames(cls.prototype)) {
      if (name === 'constructor' || name.startsWith('__')) continue;
      assert.ok(methods.has(name), `${target}.${name} is not in the operation table`);
    }
  }
});
