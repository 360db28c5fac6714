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

// Service scenarios: each step calls the Numbers method of the operation's
// JS name with the arguments in the table's order (tests/vectors/operations.json).
test('service vectors', async () => {
  const { vectors, matches } = require('./helpers.cjs');
  const ops = new Map(vectors('operations.json').filter((o) => o.target === 'numbers').map((o) => [o.name, o]));
  const file = vectors('service.json');
  const failures = [];
  let steps = 0;
  for (const sc of file.scenarios) {
    let now = Date.parse(sc.clock);
    const numbers = new telnum.Numbers({ clock: { now: () => now } });
    for (const [i, step] of sc.steps.entries()) {
      steps += 1;
      if ('advance_seconds' in step) {
        now += step.advance_seconds * 1000;
        continue;
      }
      const op = ops.get(step.op);
      assert.ok(op, `no operation ${step.op}`);
      const args = op.args.map((a) => step.args[a]);
      let result;
      let error;
      try {
        result = await numbers[op.js](...args);
      } catch (e) {
        if (!(e instanceof telnum.TelnumError)) throw e;
        error = e;
      }
      const expect = step.expect || {};
      const errors = [];
      if (!error && !('error' in expect)) {
        if ('ok' in expect) matches(expect.ok, result ?? null, 'ok', errors);
      } else if (error && 'error' in expect) {
        matches(expect.error, error.code, 'error', errors);
        if (expect.fields) matches(expect.fields, error.cause, 'fields', errors);
      } else {
        errors.push(error ? `unexpected error ${JSON.stringify(error.cause)}` : `expected error ${expect.error}`);
      }
      for (const e of errors) failures.push(`${sc.name} / step ${i} (${step.op}): ${e}`);
    }
    numbers.free();
  }
  assert.ok(steps > 30);
  assert.deepEqual(failures, []);
});
