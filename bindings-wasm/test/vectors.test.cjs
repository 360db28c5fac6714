// The shared vector files through the WASM build, with the same expected
// results as the Rust runner.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { telnum, runVectors, root } = require('./helpers.cjs');

test('lifecycle vectors', () => {
  assert.ok(runVectors('lifecycle.json') > 50);
});

test('pool vectors', () => {
  assert.ok(runVectors('pool.json') > 10);
});

test('E.164 vectors agree with the oracle as the Rust runner does', () => {
  const lines = fs.readFileSync(path.join(root, 'tests', 'vectors', 'e164.jsonl'), 'utf8').split('\n').filter(Boolean);
  let compared = 0;
  let agreed = 0;
  for (const line of lines) {
    const c = JSON.parse(line);
    let got;
    try {
      const n = telnum.parseE164(c.input, c.region);
      got = { parsed: true, e164: n.e164, region: n.region, kind: n.kind };
    } catch (e) {
      assert.ok(e instanceof telnum.TelnumError, `${c.id}: ${e}`);
      got = { parsed: false, code: e.code };
    }
    if (c.telnum_error) {
      assert.equal(got.code, c.telnum_error, `case ${c.id} ${JSON.stringify(c.input)}`);
      continue;
    }
    compared += 1;
    const o = c.oracle;
    const same = o.parsed
      ? got.parsed && got.e164 === o.e164 && got.region === o.region && got.kind === o.kind
      : !got.parsed;
    if (same) agreed += 1;
    else assert.ok(c.disagreement, `case ${c.id} ${JSON.stringify(c.input)} disagrees: ${JSON.stringify(got)}`);
  }
  assert.ok(compared > 4000);
  assert.ok(agreed / compared >= 0.999, `agreement ${agreed}/${compared}`);
});
