// The service over a store and a provider written in JS, with methods
// returning plain values or Promises.
const test = require('node:test');
const assert = require('node:assert/strict');
const { telnum } = require('./helpers.cjs');

class MapStore {
  constructor() {
    this.records = new Map();
    this.events = [];
    this.idem = new Map();
    this.connections = new Map();
    this.subAccounts = new Map();
    this.tombstoneList = [];
    this.n = 0;
  }
  nextId() { this.n += 1; return `num_js_${this.n}`; }
  async get(id) { return this.records.get(id) ?? null; }
  findByE164(e164) { return [...this.records.values()].filter((r) => r.e164 === e164); }
  async insert(r, events) {
    if (this.records.has(r.id)) throw { code: 'already_exists', message: r.id };
    if ([...this.records.values()].some((x) => x.e164 === r.e164 && x.status !== 'released')) {
      throw { code: 'already_exists', message: r.e164 };
    }
    this.records.set(r.id, r);
    this.events.push(...events);
  }
  update(r, expected, events) {
    const cur = this.records.get(r.id);
    if (!cur) throw { code: 'not_found', message: r.id };
    if (cur.version !== expected) throw { code: 'version_conflict', expected, actual: cur.version, message: 'stale' };
    // A call recorded since the caller read the record is kept.
    const last = [cur.last_call_at, r.last_call_at].filter(Boolean).sort().pop() ?? null;
    this.records.set(r.id, { ...r, last_call_at: last });
    this.events.push(...events);
  }
  recordCall(id, at) {
    const cur = this.records.get(id);
    if (!cur) throw { code: 'not_found', message: id };
    if (!cur.last_call_at || cur.last_call_at < at) cur.last_call_at = at;
  }
  listEvents(id, w) {
    const mine = this.events.filter((e) => e.number_id === id).reverse();
    return { items: mine.slice(w.offset, w.offset + w.limit), total: mine.length, limit: w.limit, offset: w.offset };
  }
  delete(id, expected, tombstone, events) {
    const cur = this.records.get(id);
    if (!cur) throw { code: 'not_found', message: id };
    if (cur.version !== expected) throw { code: 'version_conflict', expected, actual: cur.version, message: 'stale' };
    this.records.delete(id);
    if (tombstone) this.tombstoneList.push(tombstone);
    this.events.push(...events);
  }
  tombstones(e164) { return this.tombstoneList.filter((t) => t.e164 === e164); }
  list(q) {
    const all = [...this.records.values()].filter((r) => !q.tenant || r.tenant === q.tenant)
      .filter((r) => !q.status || r.status === q.status)
      .sort((a, b) => (a.created_at + a.id).localeCompare(b.created_at + b.id));
    const limit = q.per_page ?? q.limit ?? 20;
    const offset = q.page ? (q.page - 1) * limit : (q.offset ?? 0);
    return { items: all.slice(offset, offset + limit), total: all.length, limit, offset };
  }
  listByConnection(c) { return [...this.records.values()].filter((r) => r.connection_id === c); }
  appendEvents(e) { this.events.push(...e); }
  getIdempotency(t, k) { return this.idem.get(`${t}/${k}`) ?? null; }
  putIdempotency(r) {
    const k = `${r.tenant}/${r.key}`;
    if (this.idem.has(k)) throw { code: 'already_exists', message: k };
    this.idem.set(k, r);
  }
  completeIdempotency(r) {
    const k = `${r.tenant}/${r.key}`;
    if (!this.idem.has(k)) throw { code: 'not_found', message: k };
    this.idem.set(k, r);
  }
  putConnection(c) { this.connections.set(c.id, c); }
  getConnection(id) { return this.connections.get(id) ?? null; }
  listConnections(t) { return [...this.connections.values()].filter((c) => c.tenant === t); }
  putSubAccount(s) { this.subAccounts.set(s.id, s); }
  getSubAccount(id) { return this.subAccounts.get(id) ?? null; }
}

class FakeCarrier {
  // Like Twilio's purchase call: no idempotency key, every call buys.
  constructor() { this.owned = new Map(); this.calls = 0; this.purchases = 0; this.releases = []; }
  searchAvailable(conn, q) {
    this.calls += 1;
    return [0, 1, 2].map((i) => ({
      inventory_id: `inv${i}`, e164: `+1415555020${i}`, country: 'US', kind: 'local',
      capabilities: { voice: true, sms: true, mms: false, fax: false },
      pricing: { setup: { amount_minor: 100, currency: 'USD' }, monthly: { amount_minor: 200, currency: 'USD' } },
    })).slice(0, q.limit ?? 20);
  }
  pricing() { return []; }
  countries() { return [{ country: 'US', kinds: ['local'], pricing_known: false }]; }
  async purchase(conn, req) {
    this.calls += 1;
    this.purchases += 1;
    await new Promise((resolve) => setTimeout(resolve, 2));
    const o = { e164: req.e164, sid: `SID${this.purchases}`, country: req.country, kind: req.kind };
    this.owned.set(o.sid, o);
    return o;
  }
  listOwned() { return [...this.owned.values()]; }
  fetch(conn, sid) { return this.owned.get(sid) ?? null; }
  async release(conn, sid) { this.releases.push(sid); this.owned.delete(sid); }
  configureWebhooks() {}
}

test('purchase, conflict, release and errors through JS ports', async () => {
  const store = new MapStore();
  const carrier = new FakeCarrier();
  const n = new telnum.Numbers({ store, provider: carrier, clock: { now: () => '2026-05-01T09:00:00Z' } });
  const admin = { tenant: 'acme', role: 'admin' };
  store.putConnection({ id: 'c1', tenant: 'acme', provider: 'fake', status: 'active', supports: { search_purchase: true, release: true } });
  const r = await n.purchase(admin, { connection_id: 'c1', idempotency_key: 'o1', country: 'US', quantity: 2 });
  assert.equal(r.numbers.length, 2);
  assert.equal(carrier.owned.size, 2);
  const calls = carrier.calls;
  const again = await n.purchase(admin, { connection_id: 'c1', idempotency_key: 'o1', country: 'US', quantity: 2 });
  assert.deepEqual(again, r);
  assert.equal(carrier.calls, calls, 'the provider is not called again');
  // The same key from eight concurrent callers: each number is bought once.
  const same = await Promise.allSettled(Array.from({ length: 8 }, () =>
    n.purchase(admin, { connection_id: 'c1', idempotency_key: 'o3', country: 'US', quantity: 1 })));
  assert.equal(carrier.purchases, 3);
  for (const s of same) {
    assert.ok(s.status === 'fulfilled' || s.reason.code === 'idempotency_in_progress', JSON.stringify(s.reason));
  }
  assert.deepEqual(await n.countries(admin, 'c1'), [{ country: 'US', kinds: ['local'], pricing_known: false }]);
  assert.equal(store.records.get(r.numbers[0].id).created_at, '2026-05-01T09:00:00Z');
  // A stale version from the JS store keeps its meaning.
  await assert.rejects(n.update(admin, r.numbers[0].id, { label: 'x' }, 1), (e) => e.code === 'version_conflict' && e.expected === 1 && e.actual === 2);
  await n.release(admin, r.numbers[0].id, 'hard');
  assert.deepEqual(carrier.releases, ['SID1']);
  assert.ok(store.events.some((e) => e.kind === 'hard_deleted'));
  // The hard delete kept the number's aging tombstone in the JS store.
  assert.equal(store.tombstoneList.length, 1);
  assert.equal(store.tombstoneList[0].tenant, 'acme');
  assert.equal(store.tombstoneList[0].e164, r.numbers[0].e164);
  // A provider failure is a provider_error and the pending record is resolved.
  carrier.purchase = async () => { throw new Error('carrier says no'); };
  await assert.rejects(
    n.purchase(admin, { connection_id: 'c1', idempotency_key: 'o2', country: 'US', quantity: 1 }),
    (e) => e.code === 'provider_error' && /carrier says no/.test(e.message),
  );
  assert.equal([...store.records.values()].filter((x) => x.status === 'pending').length, 0);
});
