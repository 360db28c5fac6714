// No silent coercion at the JS boundary: values JSON would turn into
// something else, unknown fields, a bad host clock and a freed handle all
// get a coded TelnumError, and nothing changes.
const test = require('node:test');
const assert = require('node:assert/strict');
const { telnum } = require('./helpers.cjs');

const admin = { tenant: 'acme', role: 'admin' };
const CONNECTION = {
  id: 'c1', tenant: 'acme', provider: 'twilio', status: 'active', account: 'MA_1',
  supports: { search_purchase: true, import_owned: true, webhook_config: true, release: true },
};

async function bought() {
  const n = new telnum.Numbers();
  await n.putConnection(CONNECTION);
  const r = await n.purchase(admin, { connection_id: 'c1', idempotency_key: 'k', country: 'US', quantity: 1 });
  const id = r.numbers[0].id;
  await n.update(admin, id, { label: 'Front desk' });
  return { n, id };
}

const invalid = (field) => (e) => e instanceof telnum.TelnumError && e.code === 'invalid_input'
  && (field === undefined || e.field === field);

test('NaN, Infinity, Invalid Date, BigInt, Symbol and functions are refused, naming the field', async () => {
  const { n, id } = await bought();
  const before = (await n.get(admin, id)).number;
  await assert.rejects(n.update(admin, id, { label: 'x' }, NaN), invalid('expected_version'));
  await assert.rejects(n.update(admin, id, { label: NaN }), invalid('patch.label'));
  await assert.rejects(n.update(admin, id, { label: 'x' }, Infinity), invalid('expected_version'));
  await assert.rejects(n.update(admin, id, { allowed_inbound_countries: ['US', undefined] }), invalid('patch.allowed_inbound_countries[1]'));
  await assert.rejects(n.release(admin, id, NaN), invalid('mode'));
  await assert.rejects(n.update(admin, id, { label: 10n }), invalid('patch.label'));
  await assert.rejects(n.update(admin, id, { label: Symbol('s') }), invalid('patch.label'));
  await assert.rejects(n.update(admin, id, { label: () => 'x' }), invalid('patch.label'));
  await assert.rejects(n.update(admin, id, { vendor_fields: new Map([['a', 'b']]) }), invalid('patch.vendor_fields'));
  await assert.rejects(n.recordCall(admin, id, new Date('garbage')), invalid());
  await assert.rejects(n.recordCall(admin, id, NaN), invalid());
  const after = (await n.get(admin, id)).number;
  assert.deepEqual(after, before, 'nothing changed');
  // A cool-off check with an Invalid Date does not allow the move.
  assert.throws(() => telnum.checkCoolOff({
    last_call_at: new Date('garbage'), now: new Date('2026-01-01T00:00:00Z'), cool_off_seconds: 86400,
  }), invalid('args.last_call_at'));
  assert.throws(() => telnum.checkCoolOff({
    last_call_at: '2026-01-01T00:00:00Z', now: '2026-01-02T00:00:00Z', cool_off_seconds: -1,
  }), invalid());
  n.free();
});

test('unknown fields are refused in every input', async () => {
  const n = new telnum.Numbers();
  await assert.rejects(n.putConnection({ ...CONNECTION, region: 'us1' }), invalid());
  await n.putConnection(CONNECTION);
  await assert.rejects(n.list({ ...admin, tenant_id: 'x' }), invalid());
  await assert.rejects(n.addManual(admin, { e164: '+14155550100', connection_id: 'c1', agent: 'a' }), invalid());
  await assert.rejects(n.importOwned(admin, { numbers: [], connection_id: 'c1', idempotency_key: 'k', confirm: true }), invalid());
  assert.throws(() => new telnum.Numbers({ config: { policy: { cool_off_secs: 0 } } }), invalid());
  assert.throws(() => new telnum.CallerIdPool({ campaign_id: 'c', tenant: 't', members: [], policy: { dailyCap: 5 } }), invalid());
  const pool = new telnum.CallerIdPool({ campaign_id: 'c', tenant: 't', members: [] });
  assert.throws(() => pool.pick({ e164: '+12125559999', spam: true }, new Date()), invalid());
  assert.throws(() => pool.recordOutcome({ number_id: 'a', answered: false, spam_flag: true, at: new Date() }), invalid());
  pool.free();
  n.free();
});

test('settings are checked when the service is built', () => {
  assert.throws(() => new telnum.Numbers({ config: { policy: { cool_off_seconds: -1 } } }), invalid());
  assert.throws(
    () => new telnum.Numbers({ config: { default_webhooks: { voice_url: 'http://10.0.0.5/voice' } } }),
    (e) => e.code === 'invalid_webhook_url' && e.field === 'default_webhooks.voice_url',
  );
  assert.throws(
    () => new telnum.Numbers({ config: { default_webhooks: { voice_url: 'https://0x7f.1/voice' } } }),
    (e) => e.code === 'invalid_webhook_url',
  );
});

test('a host clock that throws, answers garbage or a Promise is an error, never the system clock', async () => {
  for (const now of [
    () => { throw new Error('clock down'); },
    () => 'garbage',
    () => new Date('garbage'),
    () => NaN,
    async () => new Date(),
  ]) {
    const n = new telnum.Numbers({ clock: { now } });
    await n.putConnection(CONNECTION);
    await assert.rejects(
      n.purchase(admin, { connection_id: 'c1', idempotency_key: 'k', country: 'US', quantity: 1 }),
      (e) => e.code === 'invalid_input' && /clock\.now\(\)/.test(e.message),
    );
    assert.equal((await n.list(admin, {})).total, 0, 'nothing was bought');
    n.free();
  }
  assert.throws(() => new telnum.Numbers({ clock: 5 }), invalid());
});

test('use after free() and a second free() throw a coded TelnumError', async () => {
  const n = new telnum.Numbers();
  n.free();
  assert.throws(() => n.list(admin, {}), invalid('Numbers'));
  assert.throws(() => n.free(), invalid('Numbers'));
  const pool = new telnum.CallerIdPool({ campaign_id: 'c', tenant: 't', members: [] });
  pool.free();
  assert.throws(() => pool.usage(), invalid('CallerIdPool'));
  assert.throws(() => pool.free(), invalid('CallerIdPool'));
});
