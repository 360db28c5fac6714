// parseE164 through the wasm-bindgen build (bindings-wasm/pkg/node).
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const fs = require('node:fs');
const telnum = require('../pkg/node/telnum_wasm.js');

const TelnumError = telnum.__telnumErrorClass();

test('parseE164 returns the serde form of NumberInfo', () => {
  const n = telnum.parseE164('(415) 555-2671', 'US');
  assert.deepEqual(n, {
    e164: '+14155552671',
    country_calling_code: 1,
    national_number: '4155552671',
    region: 'US',
    kind: 'fixed_line_or_mobile',
  });
  assert.equal(telnum.parseE164('+442071838750').region, 'GB');
  assert.equal(telnum.parseE164('+80012345678').region, null);
});

test('parseE164 throws TelnumError with a code and status', () => {
  const cases = [
    ['12', undefined, 'region_required'],
    ['+1 415 555 2671 x12', null, 'extension_not_allowed'],
    ['1-800-FLOWERS', 'US', 'invalid_characters'],
    ['', 'US', 'empty_input'],
    ['+44 20', undefined, 'too_short'],
    ['4155552671', 'ZZ', 'invalid_country'],
  ];
  for (const [input, region, code] of cases) {
    assert.throws(() => telnum.parseE164(input, region), (e) => {
      assert.ok(e instanceof TelnumError, 'a TelnumError');
      assert.ok(e instanceof Error, 'an Error');
      assert.equal(e.code, code, input);
      assert.equal(typeof e.status, 'number');
      assert.equal(typeof e.message, 'string');
      return true;
    });
  }
  assert.throws(() => telnum.parseE164('9'.repeat(251)), (e) => e.code === 'input_too_long' && e.max === 250);
});

test('parseE164 gives coded errors for hostile arguments', () => {
  const hostile = [undefined, null, 42, {}, [], () => 1, Symbol('s'), 10n, { toString: () => '+1' }];
  for (const v of hostile) {
    assert.throws(() => telnum.parseE164(v), (e) => e instanceof TelnumError && e.code === 'invalid_input');
  }
  for (const v of [42, {}, [], true]) {
    assert.throws(() => telnum.parseE164('+14155552671', v), (e) => e.code === 'invalid_input');
  }
  assert.throws(() => telnum.parseE164('x'.repeat(5_000_000)), (e) => e.code === 'input_too_long');
});

test('parseE164 agrees with the Rust runner on the E.164 vectors', () => {
  const file = path.join(__dirname, '..', '..', 'tests', 'vectors', 'e164.jsonl');
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  let compared = 0;
  let agreed = 0;
  for (const line of lines) {
    const c = JSON.parse(line);
    let got;
    try {
      const n = telnum.parseE164(c.input, c.region);
      got = { parsed: true, e164: n.e164, region: n.region, kind: n.kind };
    } catch (e) {
      assert.ok(e instanceof TelnumError, `${c.id}: ${e}`);
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
    else assert.ok(c.disagreement, `case ${c.id} disagrees without a listed reason`);
  }
  assert.ok(compared > 4000);
  assert.ok(agreed / compared >= 0.999);
});
