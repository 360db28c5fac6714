// Every export fed garbage gets a coded TelnumError: never a panic, an
// `unreachable` trap or another kind of exception.
const test = require('node:test');
const assert = require('node:assert/strict');
const { telnum } = require('./helpers.cjs');

const cyclic = {};
cyclic.self = cyclic;
const HOSTILE = [
  undefined, null, 42, -0, NaN, Infinity, true, '', 'x'.repeat(1 << 20), {}, [], [[[[{}]]]],
  { record: 1, command: 'x' }, Symbol('s'), 10n, () => 1, cyclic, new Date('nope'),
  { e164: '+1', region: 7 }, { pool: { members: 'all' } }, new Map(), Object.create(null),
];

function assertCoded(fn, label) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof telnum.TelnumError, `${label}: threw ${e && e.constructor && e.constructor.name}: ${e}`);
    assert.equal(typeof e.code, 'string', label);
    assert.ok(telnum.errorCodes().includes(e.code), `${label}: unknown code ${e.code}`);
    return;
  }
}

const FUNCTIONS = [
  'applyCommand', 'checkInbound', 'checkOutbound', 'allowedActions', 'addSources', 'validateManualDraft',
  'validateImport', 'checkCoolOff', 'checkAging', 'checkVersion', 'syncDiff', 'snapshotPick', 'snapshotApply',
  'snapshotRecordOutcome', 'snapshotCampaignHealth',
];

test('pure functions', () => {
  for (const name of FUNCTIONS) {
    for (const [i, v] of HOSTILE.entries()) assertCoded(() => telnum[name](v), `${name}(#${i})`);
  }
  for (const [i, v] of HOSTILE.entries()) {
    assertCoded(() => telnum.parseE164(v), `parseE164(#${i})`);
    assertCoded(() => telnum.parseE164('+14155552671', v), `parseE164(_, #${i})`);
    assertCoded(() => telnum.formatE164(v), `formatE164(#${i})`);
    assertCoded(() => telnum.formatE164('+14155552671', v), `formatE164(_, #${i})`);
  }
});

test('CallerIdPool', () => {
  for (const [i, v] of HOSTILE.entries()) assertCoded(() => new telnum.CallerIdPool(v), `new CallerIdPool(#${i})`);
  const p = new telnum.CallerIdPool({ campaign_id: 'c', tenant: 't', members: [] });
  for (const [i, v] of HOSTILE.entries()) {
    assertCoded(() => p.pick(v, v), `pick(#${i})`);
    assertCoded(() => p.pick({ e164: '+12125559999' }, v), `pick(callee, #${i})`);
    assertCoded(() => p.pickE164(v, v, v), `pickE164(#${i})`);
    assertCoded(() => p.pickE164('+12125559999', v), `pickE164(_, #${i})`);
    assertCoded(() => p.apply(v), `apply(#${i})`);
    assertCoded(() => p.recordOutcome(v), `recordOutcome(#${i})`);
    assertCoded(() => p.campaignHealth(v), `campaignHealth(#${i})`);
    assertCoded(() => p.setCallsToday(v, v, v), `setCallsToday(#${i})`);
    assertCoded(() => p.upsertMember(v), `upsertMember(#${i})`);
    assertCoded(() => p.setMemberStatus(v, v), `setMemberStatus(#${i})`);
  }
  // Still usable afterwards.
  assert.deepEqual(p.usage(), { members: {} });
});

test('Numbers', async () => {
  for (const [i, v] of HOSTILE.entries()) {
    if (v === undefined || v === null || (typeof v === 'object' && !Array.isArray(v))) continue;
    assertCoded(() => new telnum.Numbers(v), `new Numbers(#${i})`);
  }
  const n = new telnum.Numbers();
  const methods = [
    'list', 'available', 'pricing', 'purchase', 'importOwned', 'owned', 'addManual', 'get', 'update',
    'activate', 'deactivate', 'sync', 'resync', 'configureWebhooks', 'release', 'assignSubAccount',
    'unassignSubAccount', 'recordCall', 'putConnection',
  ];
  for (const m of methods) {
    for (const [i, v] of HOSTILE.entries()) {
      await assert.rejects(
        (async () => n[m](v, v, v, v))(),
        (e) => e instanceof telnum.TelnumError && telnum.errorCodes().includes(e.code),
        `${m}(#${i})`,
      );
    }
  }
  assertCoded(() => n.simulateOwnedNumber(1, 2), 'simulateOwnedNumber');
  assertCoded(() => n.simulateDropNumber(null, {}), 'simulateDropNumber');
});

test('a JS store that throws or returns junk becomes store_error, not a crash', async () => {
  const junk = new Proxy({}, { get: (_, k) => () => (k === 'getConnection' ? { junk: true } : Promise.reject(new Error('db down'))) });
  const n = new telnum.Numbers({ store: junk });
  await assert.rejects(n.activate({ tenant: 't', role: 'admin' }, 'x'), (e) => e.code === 'store_error' && /db down/.test(e.message));
  await assert.rejects(
    n.available({ tenant: 't', role: 'admin' }, 'c', { country: 'US' }),
    (e) => e.code === 'store_error' && /unexpected shape/.test(e.message),
  );
  const noMethods = new telnum.Numbers({ store: {} });
  await assert.rejects(noMethods.list({ tenant: 't', role: 'admin' }), (e) => e.code === 'store_error');
});

// Every operation of the table, each argument position in turn given each
// hostile value (the others valid): a coded TelnumError or an answer,
// never another exception, and the handle still works afterwards.
test('every operation of the table, every argument position', async () => {
  const { vectors } = require('./helpers.cjs');
  const ops = vectors('operations.json');
  const valid = {
    actor: { tenant: 'acme', role: 'admin' }, id: 'num_000001', connection_id: 'c1', e164: '+14155550100',
    input: '+14155552671', region: 'US', format: 'national', country: 'US', callee: { e164: '+12125550123' },
    now: '2026-06-01T12:00:00Z', at: '2026-06-01T12:00:00Z', day: '2026-06-01', calls: 1, number_id: 'a',
  };
  const pool = () => new telnum.CallerIdPool({
    campaign_id: 'c', tenant: 'acme',
    members: [{ number_id: 'a', e164: '+12125550100', country: 'US', weight: 1, added_at: '2026-01-01T00:00:00Z' }],
  });
  let calls = 0;
  const n = new telnum.Numbers();
  for (const op of ops) {
    if (op.name === 'new' || op.name === 'free') continue;
    const p = op.target === 'pool' ? pool() : null;
    for (let pos = 0; pos < op.args.length; pos += 1) {
      for (const [i, v] of HOSTILE.entries()) {
        const args = op.args.map((a, k) => (k === pos ? v : valid[a]));
        const label = `${op.target}.${op.js}(arg ${op.args[pos]} = #${i})`;
        calls += 1;
        if (op.target === 'function') {
          assertCoded(() => telnum[op.js](...args), label);
        } else if (op.target === 'pool') {
          assertCoded(() => p[op.js](...args), label);
          assert.deepEqual(Object.keys(p.usage()), ['members'], `${label}: the pool still answers`);
        } else {
          try {
            await n[op.js](...args);
          } catch (e) {
            assert.ok(e instanceof telnum.TelnumError, `${label}: threw ${e && e.constructor && e.constructor.name}: ${e}`);
            assert.ok(telnum.errorCodes().includes(e.code), `${label}: unknown code ${e.code}`);
          }
          assert.equal((await n.list(valid.actor)).total, 0, `${label}: the service still answers`);
        }
      }
    }
    if (p) p.free();
  }
  n.free();
  assert.ok(calls > 2000, `${calls} calls`);
});
