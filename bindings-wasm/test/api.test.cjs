// One test per export of the package.
const test = require('node:test');
const assert = require('node:assert/strict');
const { telnum } = require('./helpers.cjs');

const T0 = '2026-05-01T09:00:00Z';
const admin = { tenant: 'acme', role: 'admin', user: 'ops' };
const record = (over = {}) => ({
  id: 'num_1', tenant: 'acme', account: 'MA_1', e164: '+14155550100', country: 'US', kind: 'local',
  source: 'purchased', management: 'platform_managed', status: 'inactive', connection_id: 'c1',
  provider: { provider: 'twilio', sid: 'PN1' }, created_at: T0, updated_at: T0, version: 1, ...over,
});
const connection = (over = {}) => ({
  id: 'c1', tenant: 'acme', provider: 'twilio', status: 'active',
  supports: { search_purchase: true, import_owned: true, webhook_config: true, release: true }, ...over,
});
const code = (fn) => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof telnum.TelnumError, `not a TelnumError: ${e}`);
    return e;
  }
  assert.fail('expected a TelnumError');
};

test('parseE164', () => {
  assert.equal(telnum.parseE164('020 7183 8750', 'GB').e164, '+442071838750');
  assert.equal(code(() => telnum.parseE164('12')).code, 'region_required');
});

test('formatE164', () => {
  assert.equal(telnum.formatE164('+442071838750', 'national'), '020 7183 8750');
  assert.equal(telnum.formatE164('+442071838750'), '+44 20 7183 8750');
  assert.equal(code(() => telnum.formatE164('+44 20', 'e164')).code, 'invalid_e164');
  assert.equal(code(() => telnum.formatE164('+442071838750', 'fancy')).code, 'invalid_input');
});

test('errorCodes', () => {
  const codes = telnum.errorCodes();
  assert.equal(new Set(codes).size, codes.length);
  for (const c of ['did_cool_off_in_effect', 'no_eligible_number', 'version_conflict']) assert.ok(codes.includes(c));
});

test('applyCommand', () => {
  const out = telnum.applyCommand({ record: record(), command: { type: 'activate' }, actor: admin, now: T0, connection: connection() });
  assert.equal(out.record.status, 'active');
  assert.equal(out.record.version, 2);
  assert.equal(out.events[0].kind, 'activated');
  const e = code(() => telnum.applyCommand({ record: record(), command: { type: 'activate' }, actor: admin, now: T0 }));
  assert.equal(e.code, 'number_not_bound');
  assert.equal(e.reason, 'no_connection');
  assert.equal(e.status, 409);
});

test('checkInbound / checkOutbound', () => {
  assert.equal(telnum.checkInbound({ record: record(), country: 'IN' }), null);
  const e = code(() => telnum.checkOutbound({ record: record(), country: 'US' }));
  assert.equal(e.code, 'country_not_allowed');
  assert.equal(e.direction, 'outbound');
  assert.equal(e.country, 'US');
  assert.equal(telnum.checkOutbound({ record: record({ allow_outbound: true }), country: 'US' }), null);
});

test('allowedActions', () => {
  const a = telnum.allowedActions({ record: record({ status: 'active' }), actor: admin, connection: connection() });
  assert.deepEqual(a.actions, ['deactivate', 'release', 'resync', 'configure_webhooks']);
  assert.equal(a.connection_read_only, true);
  assert.equal(code(() => telnum.allowedActions({ record: record(), actor: { tenant: 'x', role: 'admin' } })).code, 'not_found');
});

test('addSources', () => {
  const s = telnum.addSources({ connections: [connection()], actor: admin });
  assert.deepEqual(s.sources.map((x) => x.kind), ['purchase', 'import_owned', 'manual']);
  assert.deepEqual(telnum.addSources({ connections: [], actor: admin }).sources.map((x) => x.kind), ['manual']);
});

test('validateManualDraft', () => {
  const e = code(() => telnum.validateManualDraft({ draft: {}, connections: [connection()], actor: admin }));
  assert.equal(e.code, 'validation_failed');
  assert.deepEqual(e.problems.map((p) => p.field), ['e164', 'connection_id']);
  const ok = telnum.validateManualDraft({ draft: { e164: '+1 415 555 1212', connection_id: 'c1' }, connections: [connection()], actor: admin });
  assert.equal(ok.e164, '+14155551212');
});

test('validateImport', () => {
  const draft = { numbers: [{ e164: '+14155550100' }], connection_id: 'c1' };
  const e = code(() => telnum.validateImport({ draft, connections: [connection()], actor: admin }));
  assert.equal(e.code, 'confirmation_required');
  assert.equal(e.confirmation, 'confirm_replace_webhooks');
  const ok = telnum.validateImport({ draft: { ...draft, confirm_replace_webhooks: true }, connections: [connection()], actor: admin });
  assert.equal(ok.numbers[0].e164, '+14155550100');
});

test('checkCoolOff', () => {
  const e = code(() => telnum.checkCoolOff({ last_call_at: '2026-05-01T00:00:00Z', now: '2026-05-10T00:00:00Z' }));
  assert.equal(e.code, 'did_cool_off_in_effect');
  assert.equal(e.coolOffUntil, '2026-05-16T00:00:00Z');
  assert.equal(e.coolOffRemainingSeconds, 6 * 86400);
  assert.equal(telnum.checkCoolOff({ now: T0 }), null);
});

test('checkAging', () => {
  const e = code(() => telnum.checkAging({ released_by: 'a', released_at: T0, acquirer: 'b', now: T0 }));
  assert.equal(e.code, 'number_aging');
  assert.equal(e.agingUntil, '2026-06-15T09:00:00Z');
});

test('checkVersion', () => {
  const e = code(() => telnum.checkVersion({ record: record({ version: 3 }), expected_version: 2 }));
  assert.deepEqual([e.code, e.expected, e.actual], ['version_conflict', 2, 3]);
});

test('syncDiff', () => {
  const d = telnum.syncDiff({
    records: [record({ status: 'active' })],
    owned: [{ e164: '+14155550199', sid: 'PN9', country: 'US', kind: 'local' }],
    now: T0,
  });
  assert.deepEqual(d.missing, ['num_1']);
  assert.equal(d.adopt[0].e164, '+14155550199');
});

const pool = {
  campaign_id: 'camp', tenant: 'acme',
  members: [
    { number_id: 'a', e164: '+12125550101', country: 'US', weight: 2, added_at: '2026-01-01T00:00:00Z' },
    { number_id: 'b', e164: '+12125550102', country: 'US', weight: 1, added_at: '2026-01-01T00:00:00Z' },
  ],
  policy: { callee_mode: { mode: 'off' } },
};

test('snapshotPick / snapshotApply / snapshotRecordOutcome / snapshotCampaignHealth', () => {
  const first = telnum.snapshotPick({ pool, callee: { e164: '+12125559999' }, now: T0 });
  assert.equal(first.pick.number_id, 'a');
  assert.equal(first.pick.tier, 'same_npa');
  // Weights 2:1: a's next turn (1) ties with b's and goes to the earlier member.
  const second = telnum.snapshotPick({ pool, usage: first.usage, callee: { e164: '+12125559999' }, now: T0 });
  assert.equal(second.pick.number_id, 'a');
  const third = telnum.snapshotPick({ pool, usage: second.usage, callee: { e164: '+12125559999' }, now: T0 });
  assert.equal(third.pick.number_id, 'b');
  // Off mode remembers no callee; rotate mode does, in the snapshot.
  assert.equal(third.usage.callees, undefined);
  const rotating = { ...pool, policy: { callee_mode: { mode: 'rotate', last_calls: 1, within_seconds: 0 } } };
  const r1 = telnum.snapshotPick({ pool: rotating, callee: { e164: '+12125559999' }, now: T0 });
  assert.deepEqual(r1.usage.callees, [{ e164: '+12125559999', recent: [{ number_id: 'a', at: T0 }] }]);
  const r2 = telnum.snapshotPick({ pool: rotating, usage: r1.usage, callee: { e164: '+12125559999' }, now: T0 });
  assert.equal(r2.pick.number_id, 'b', 'a is the last caller ID this callee saw');
  const applied = telnum.snapshotApply({ pool, usage: second.usage, delta: first.pick.delta });
  assert.equal(applied.usage.members.a.calls_today, 3);
  const rec = telnum.snapshotRecordOutcome({ pool, outcome: { number_id: 'b', answered: false, spam_flagged: true, at: T0 } });
  assert.equal(rec.update.status.state, 'removed');
  const rows = telnum.snapshotCampaignHealth({ pool: rec.pool, usage: rec.usage, now: T0 });
  assert.equal(rows[1].pool_status, 'removed');
});

test('CallerIdPool.pickE164 answers what pick answers', () => {
  const members = ['+12125550101', '+16465550102', '+12015550103', '+442071838750', '+14165550104'].map((e164, i) => ({
    number_id: `n${i}`, e164, country: e164.startsWith('+44') ? 'GB' : e164.startsWith('+1416') ? 'CA' : 'US',
    weight: i + 1, added_at: '2026-01-01T00:00:00Z',
  }));
  const spec = { campaign_id: 'camp', tenant: 'acme', members };
  const fast = new telnum.CallerIdPool(spec);
  const full = new telnum.CallerIdPool(spec);
  const callees = ['+12125559999', '+19175559999', '+17185559999', '+442079460000', '+14165559999', '+33142685300'];
  for (let round = 0; round < 3; round += 1) {
    for (const callee of callees) {
      const now = Date.UTC(2026, 4, 1, 9, round);
      let want;
      try {
        want = full.pick({ e164: callee }, now);
      } catch (e) {
        assert.equal(code(() => fast.pickE164(callee, now, true)).code, e.code, callee);
        continue;
      }
      full.apply(want.delta);
      assert.deepEqual(fast.pickE164(callee, now, true), { e164: want.e164, tier: want.tier }, callee);
    }
  }
  // commit applied every delta, as apply did on the other pool.
  assert.deepEqual(fast.usage(), full.usage());
  // Without commit nothing changes.
  const before = fast.usage();
  fast.pickE164('+12125558888', new Date('2026-05-01T10:00:00Z'));
  assert.deepEqual(fast.usage(), before);
  assert.equal(code(() => fast.pickE164('+1 212 555 9999', T0)).code, 'invalid_e164');
  assert.equal(code(() => fast.pickE164(12125559999, T0)).code, 'invalid_input');
  assert.equal(code(() => fast.pickE164('+12125559999', T0, 'yes')).code, 'invalid_input');
});


test('CallerIdPool', () => {
  const p = new telnum.CallerIdPool(pool);
  const seen = [];
  for (let i = 0; i < 6; i += 1) {
    const pk = p.pick({ e164: '+12125559999' }, new Date('2026-05-01T09:00:00Z'));
    seen.push(pk.number_id);
    p.apply(pk.delta);
  }
  assert.deepEqual(seen, ['a', 'a', 'b', 'a', 'a', 'b']);
  assert.equal(p.usage().members.a.calls_today, 4);
  const u = p.recordOutcome({ number_id: 'a', answered: true, duration_seconds: 30, at: T0 });
  assert.equal(u.status, null);
  assert.equal(p.campaignHealth(T0)[0].answer_rate, 1);
  p.setMemberStatus('a', { state: 'paused', reason: 'manual' });
  p.setCallsToday('b', '2026-05-01', 100);
  const e = code(() => p.pick({ e164: '+12125559999' }, T0));
  assert.equal(e.code, 'no_eligible_number');
  assert.deepEqual(e.excluded, { paused: 1, over_cap: 1 });
  p.upsertMember({ number_id: 'c', e164: '+12125550103', country: 'US', weight: 1, added_at: T0 });
  assert.equal(p.pick({ e164: '+12125559999' }, T0).number_id, 'c');
  assert.equal(p.spec().members.length, 3);
  p.free();
});

test('Numbers with the embedded defaults', async () => {
  const n = new telnum.Numbers();
  await n.putConnection(connection());
  const avail = await n.available(admin, 'c1', { country: 'US', limit: 2 });
  assert.equal(avail.length, 2);
  assert.equal((await n.pricing(admin, 'c1', 'US')).length, 3);
  const bought = await n.purchase(admin, { connection_id: 'c1', idempotency_key: 'k', country: 'US', quantity: 2 });
  assert.equal(bought.numbers.length, 2);
  assert.equal(bought.charge.amount_minor, 430);
  const id = bought.numbers[0].id;
  const activated = await n.activate(admin, id);
  assert.equal(activated.number.status, 'active');
  assert.deepEqual(activated.events.map((e) => e.kind), ['activated']);
  assert.equal((await n.deactivate(admin, id)).number.status, 'inactive');
  assert.equal((await n.update(admin, id, { label: 'Front desk' }, 4)).number.label, 'Front desk');
  assert.equal((await n.get(admin, id)).number.label, 'Front desk');
  assert.equal((await n.list(admin, { per_page: 1, page: 2 })).items.length, 1);
  assert.equal((await n.resync(admin, id)).number.missing_at_provider, false);
  assert.equal((await n.configureWebhooks(admin, id, { voice_url: 'https://example.com/v' })).number.webhooks.voice_url, 'https://example.com/v');
  // Sub-accounts are resolved through the store; a claimed master is never trusted.
  await assert.rejects(n.assignSubAccount(admin, id, 'SA_1'), (e) => e.code === 'unknown_reference' && e.field === 'sub_account');
  await assert.rejects(n.assignSubAccount(admin, id, { id: 'SA_1', master: 'MA_1' }), (e) => e.code === 'invalid_input');
  await n.putSubAccount({ id: 'SA_other', master: 'MA_9', tenant: 'acme' });
  // This connection has no master account, so its numbers have none.
  await assert.rejects(n.assignSubAccount(admin, id, 'SA_other'), (e) => e.code === 'no_master_account');
  n.simulateOwnedNumber('c1', { e164: '+14155550177', sid: '', country: 'US', kind: 'local' });
  const owned = await n.owned(admin, 'c1');
  assert.equal(owned.filter((o) => o.status === 'not_in_app').length, 1);
  const imp = await n.importOwned(admin, { numbers: [{ e164: '+14155550177' }], connection_id: 'c1', confirm_replace_webhooks: true, idempotency_key: 'i' });
  assert.equal(imp.imported.length, 1);
  const manual = await n.addManual(admin, { e164: '+14155550123', connection_id: 'c1' });
  assert.equal(manual.number.management, 'byot');
  assert.equal((await n.recordCall(admin, id, new Date('2026-01-01T00:00:00Z'))).last_call_at, '2026-01-01T00:00:00Z');
  assert.ok(n.simulateDropNumber('c1', bought.numbers[1].e164));
  const report = await n.sync(admin, 'c1');
  assert.deepEqual(report.missing, [bought.numbers[1].id]);
  assert.equal((await n.release(admin, id, 'soft')).number.status, 'released');
  await assert.rejects(n.unassignSubAccount(admin, manual.number.id, false), (e) => e.code === 'not_assigned');
  n.free();
});

test('Numbers: retries, usage, events, discovery, orders and rate limits', async () => {
  const n = new telnum.Numbers();
  await n.putConnection(connection());
  await n.putConnection({ ...connection(), id: 'c2' });
  const order = (key, quantity = 1) => ({ connection_id: 'c1', idempotency_key: key, country: 'US', quantity });
  // A retry after the host debited its balance gets the first result.
  const first = await n.purchase(admin, { ...order('debit'), balance: { amount_minor: 1000, currency: 'USD' } });
  const retry = await n.purchase(admin, { ...order('debit'), balance: { amount_minor: 785, currency: 'USD' } });
  assert.deepEqual(retry.numbers.map((x) => x.id), first.numbers.map((x) => x.id));
  assert.deepEqual(first.events.map((e) => e.kind).slice(0, 2), ['created', 'acquisition_completed']);
  // A typeless purchase buys local numbers.
  assert.equal(first.numbers[0].kind, 'local');
  // Usage is not a change.
  const id = first.numbers[0].id;
  const before = (await n.get(admin, id)).number.version;
  for (let i = 0; i < 50; i++) await n.recordCall(admin, id, new Date(Date.now() - 60_000 + i));
  assert.equal((await n.get(admin, id)).number.version, before);
  await assert.rejects(n.recordCall(admin, id, new Date(Date.now() + 3_600_000)), (e) => e.code === 'call_in_future' && e.maxSkewSeconds === 300);
  // An empty patch writes nothing.
  const same = await n.update(admin, id, {});
  assert.equal(same.number.version, before);
  assert.deepEqual(same.events, []);
  // The audit trail pages, newest first.
  const trail = await n.audit(admin, id, { limit: 1 });
  assert.equal(trail.items.length, 1);
  assert.ok(trail.total >= 2);
  // Discovery.
  const countries = await n.countries(admin, 'c1');
  const india = countries.find((c) => c.country === 'IN');
  assert.deepEqual(india.kinds, ['local', 'mobile', 'toll_free']);
  assert.equal(india.pricing_known, true);
  // A provider that answers late: the order stays pending, sync completes it.
  assert.equal(n.simulate({ action: 'hold_orders', hold: true }), true);
  const held = await n.purchase(admin, order('held'));
  assert.equal(held.numbers[0].status, 'pending');
  assert.match(held.numbers[0].provider.order_ref, /^ORDSIM/);
  n.simulate({ action: 'hold_orders', hold: false });
  n.simulate({ action: 'settle_orders', complete: true });
  const report = await n.syncAccount(admin);
  assert.deepEqual(report.completed, [held.numbers[0].id]);
  assert.deepEqual(report.connections.sort(), ['c1', 'c2']);
  // A rate-limited provider: coded 429 with retry-after, nothing bought.
  n.simulate({ action: 'rate_limit', calls: 1, retry_after_seconds: 30 });
  await assert.rejects(n.purchase(admin, order('limited')), (e) => e.code === 'provider_rate_limited' && e.status === 429 && e.retryAfterSeconds === 30 && e.retryable === true);
  const later = await n.purchase(admin, order('limited'));
  assert.equal(later.numbers.length, 1);
  await assert.rejects(Promise.resolve().then(() => n.simulate({ action: 'explode' })), (e) => e.code === 'invalid_input');
  n.free();
});

// pick's fast path (a callee with no history, now in ms or a Date) answers
// exactly what its JSON path answers (now as a string), field for field and
// in the same key order, across callee modes, tiers, sub-second times and
// the epoch.
test('pick answers the same through its fast path and its JSON path', () => {
  const members = [
    { number_id: 'a', e164: '+12125550100', country: 'US', weight: 2, added_at: '2026-01-01T00:00:00Z' },
    { number_id: 'b', e164: '+14155550100', country: 'US', weight: 1, added_at: '2026-01-01T00:00:00Z' },
    { number_id: 'c', e164: '+442071838750', country: 'GB', weight: 1, added_at: '2026-01-01T00:00:00Z' },
  ];
  const modes = [{ mode: 'off' }, { mode: 'rotate', last_calls: 3, within_seconds: 86400 }, { mode: 'sticky', ttl_seconds: 691200 }];
  const times = ['2026-06-01T15:00:00Z', '2026-06-01T15:00:00.123Z', '2026-06-01T15:00:00.007Z', '1970-01-01T00:00:00Z', '2026-12-31T23:59:59.999Z']
    .map((s) => Date.parse(s));
  let compared = 0;
  for (const callee_mode of modes) {
    const pool = new telnum.CallerIdPool({ campaign_id: 'c', tenant: 't', members, policy: { callee_mode, lowest_tier: 'any_country' } });
    for (const [t, ms] of times.entries()) {
      // A callee per time: the pool remembers callees, and rotate mode
      // would run out of caller IDs for one callee called 5 times.
      for (const e164 of [`+1212555012${t}`, `+1415555099${t}`, `+44207183800${t}`, `+3314268530${t}`]) {
        const fast = pool.pick({ e164 }, ms);
        const viaDate = pool.pick({ e164 }, new Date(ms));
        const slow = pool.pick({ e164 }, new Date(ms).toISOString());
        assert.equal(JSON.stringify(fast), JSON.stringify(slow), `${callee_mode.mode} ${e164} ${ms}`);
        assert.equal(JSON.stringify(viaDate), JSON.stringify(slow));
        pool.apply(fast.delta);
        compared += 1;
      }
    }
    pool.free();
  }
  assert.equal(compared, 60);
  // After the module's memory grew (which detaches every view of it), the
  // fast path still answers what the JSON path answers.
  const pool = new telnum.CallerIdPool({ campaign_id: 'c', tenant: 't', members });
  const at = Date.parse('2026-06-01T15:00:00Z');
  pool.pick({ e164: '+12125550123' }, at);
  for (let i = 0; i < 8; i += 1) {
    try { telnum.parseE164('1'.repeat(4 << 20)); } catch { /* input_too_long, after the input was copied in */ }
  }
  assert.equal(JSON.stringify(pool.pick({ e164: '+14155550999' }, at)),
    JSON.stringify(pool.pick({ e164: '+14155550999' }, new Date(at).toISOString())));
  pool.free();
});

// Number-level signals reach every pool: a spam flag on a number held by
// three pools removes it from all three, with an event each, and the
// number gets a spam_flagged audit event.
test('a spam flag on a number reaches every pool that holds it', async () => {
  const n = new telnum.Numbers();
  await n.putConnection(connection());
  const bought = await n.purchase(admin, { connection_id: 'c1', idempotency_key: 'spam', country: 'US', quantity: 2 });
  const members = [];
  for (const b of bought.numbers) {
    await n.activate(admin, b.id);
    const { number } = await n.update(admin, b.id, { allow_outbound: true });
    members.push({ number_id: number.id, e164: number.e164, country: 'US', weight: 1, added_at: '2026-01-01T00:00:00Z' });
  }
  const pools = ['c1', 'c2', 'c3'].map((c) => new telnum.CallerIdPool({
    campaign_id: c, tenant: 'acme', members, policy: { callee_mode: { mode: 'off' }, lowest_tier: 'any_country' },
  }));
  const flagged = bought.numbers[0].id;
  const result = await n.flagSpam(admin, flagged, 'carrier label');
  assert.deepEqual(result.events.map((e) => e.kind), ['spam_flagged']);
  const changes = telnum.numberChanges({ events: result.events });
  assert.deepEqual(changes.map((c) => [c.number_id, c.kind]), [[flagged, 'spam_flagged']]);
  const events = pools.map((p) => p.numberChanged(changes[0]));
  assert.deepEqual(events.map((e) => [e.campaign_id, e.kind]), [['c1', 'removed_spam_flagged'], ['c2', 'removed_spam_flagged'], ['c3', 'removed_spam_flagged']]);
  assert.equal(pools[0].numberChanged(changes[0]), null, 'a second time changes nothing');
  for (const p of pools) {
    for (let k = 0; k < 5; k += 1) assert.notEqual(p.pick({ e164: `+1212555000${k}` }, Date.now()).number_id, flagged);
  }
  const audit = await n.audit(admin, flagged);
  assert.ok(audit.items.some((e) => e.kind === 'spam_flagged'));
  await assert.rejects(n.flagSpam(admin, flagged, ''), (e) => e.code === 'invalid_input');
  for (const p of pools) p.free();
  n.free();
});

// The pool remembers each callee: rotation and stickiness across calls
// with `{ e164 }` alone.
test('rotation and stickiness across calls need no bookkeeping in JS', () => {
  const members = ['a', 'b', 'c'].map((id, i) => ({ number_id: id, e164: `+121255501${i}0`, country: 'US', weight: 1, added_at: '2026-01-01T00:00:00Z' }));
  const rotate = new telnum.CallerIdPool({ campaign_id: 'r', tenant: 't', members, policy: { callee_mode: { mode: 'rotate', last_calls: 2, within_seconds: 0 } } });
  const seen = [];
  for (let i = 0; i < 6; i += 1) {
    const pk = rotate.pick({ e164: '+12125559999' }, Date.UTC(2026, 5, 1, 9, i));
    rotate.apply(pk.delta);
    seen.push(pk.number_id);
  }
  for (let i = 2; i < seen.length; i += 1) assert.equal(new Set(seen.slice(i - 2, i + 1)).size, 3, seen.join());
  const sticky = new telnum.CallerIdPool({ campaign_id: 's', tenant: 't', members, policy: { callee_mode: { mode: 'sticky', ttl_seconds: 3600 } } });
  const first = sticky.pickE164('+12125559999', Date.UTC(2026, 5, 1, 9, 0), true);
  sticky.pickE164('+12125558888', Date.UTC(2026, 5, 1, 9, 1), true);
  const again = sticky.pickE164('+12125559999', Date.UTC(2026, 5, 1, 9, 2), true);
  assert.deepEqual(again, { e164: first.e164, tier: 'sticky' });
  rotate.free();
  sticky.free();
});
