// The hand-written TypeScript data types cannot drift from the Rust types
// unnoticed: every field the package returns must be declared, with a
// compatible shape, in the declared result type of the method that
// returned it (read with the TypeScript compiler API from telnum.d.ts).
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const ts = require('typescript');
const { telnum, root } = require('./helpers.cjs');

const dts = path.join(root, 'bindings-wasm', 'js', 'telnum.d.ts');
const program = ts.createProgram([dts], { strict: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'] });
const checker = program.getTypeChecker();
const source = program.getSourceFile(dts);
const exported = new Map(checker.getExportsOfModule(checker.getSymbolAtLocation(source)).map((s) => [s.name, s]));

/** The declared (awaited) return type of `Class#method` or of a function. */
function resultType(owner, method, overload) {
  const sym = exported.get(owner);
  let type;
  if (method) {
    const instance = checker.getDeclaredTypeOfSymbol(sym);
    const prop = instance.getProperty(method);
    assert.ok(prop, `${owner}#${method} is declared`);
    type = checker.getTypeOfSymbolAtLocation(prop, source);
  } else {
    type = checker.getTypeOfSymbolAtLocation(sym, source);
  }
  const sigs = type.getCallSignatures();
  const ret = checker.getReturnTypeOfSignature(sigs[overload ?? sigs.length - 1]);
  return checker.getAwaitedType(ret) || ret;
}

const NULLISH = ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void;

/** Errors for the parts of `value` that `type` does not declare. */
function conform(value, type, where, errors) {
  if (value === null || value === undefined) return;
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return;
  if (type.isUnion()) {
    const members = type.types.filter((t) => !(t.flags & NULLISH));
    let best;
    for (const m of members) {
      const e = [];
      conform(value, m, where, e);
      if (e.length === 0) return;
      if (!best || e.length < best.length) best = e;
    }
    errors.push(...(best || [`${where}: no member of ${checker.typeToString(type)} fits`]));
    return;
  }
  if (typeof value !== 'object') {
    const fits = (typeof value === 'string' && type.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.TemplateLiteral))
      || (typeof value === 'number' && type.flags & ts.TypeFlags.NumberLike)
      || (typeof value === 'boolean' && type.flags & ts.TypeFlags.BooleanLike);
    if (!fits) errors.push(`${where}: ${JSON.stringify(value)} is not a ${checker.typeToString(type)}`);
    else if (type.isStringLiteral() && type.value !== value) errors.push(`${where}: ${JSON.stringify(value)} is not ${checker.typeToString(type)}`);
    return;
  }
  if (Array.isArray(value)) {
    const element = checker.getIndexTypeOfType(type, ts.IndexKind.Number);
    if (!element) { errors.push(`${where}: an array where ${checker.typeToString(type)} is declared`); return; }
    value.forEach((v, i) => conform(v, element, `${where}[${i}]`, errors));
    return;
  }
  const index = checker.getIndexTypeOfType(type, ts.IndexKind.String);
  for (const [k, v] of Object.entries(value)) {
    const prop = type.getProperty(k);
    if (!prop) {
      if (index) { conform(v, index, `${where}.${k}`, errors); continue; }
      errors.push(`${where}.${k} is not declared in ${checker.typeToString(type)}`);
      continue;
    }
    conform(v, checker.getTypeOfSymbolAtLocation(prop, source), `${where}.${k}`, errors);
  }
}

function expectConforms(value, owner, method, overload) {
  const errors = [];
  conform(value, resultType(owner, method, overload), `${owner}${method ? `#${method}` : ''}()`, errors);
  assert.deepEqual(errors, []);
}

const admin = { tenant: 'acme', role: 'admin', user: 'ops' };
const CONNECTION = {
  id: 'c1', tenant: 'acme', provider: 'twilio', status: 'active', account: 'MA_1',
  supports: { search_purchase: true, import_owned: true, webhook_config: true, release: true },
};

test('service results fit their declared types', async () => {
  let now = Date.parse('2026-05-01T09:00:00Z');
  const n = new telnum.Numbers({ clock: { now: () => now } });
  await n.putConnection(CONNECTION);
  await n.putSubAccount({ id: 'SA_1', master: 'MA_1', tenant: 'acme' });
  expectConforms(await n.available(admin, 'c1', { country: 'US', limit: 2 }), 'Numbers', 'available');
  expectConforms(await n.pricing(admin, 'c1', 'US'), 'Numbers', 'pricing');
  expectConforms(await n.countries(admin, 'c1'), 'Numbers', 'countries');
  const bought = await n.purchase(admin, { connection_id: 'c1', idempotency_key: 'k', country: 'US', kind: 'local', quantity: 1 });
  expectConforms(bought, 'Numbers', 'purchase');
  const id = bought.numbers[0].id;
  expectConforms(await n.activate(admin, id), 'Numbers', 'activate');
  expectConforms(await n.update(admin, id, { label: 'Desk', allowed_outbound_countries: ['US'] }), 'Numbers', 'update');
  expectConforms(await n.configureWebhooks(admin, id, { voice_url: 'https://voice.example.com/in' }), 'Numbers', 'configureWebhooks');
  expectConforms(await n.assignSubAccount(admin, id, 'SA_1'), 'Numbers', 'assignSubAccount');
  expectConforms(await n.recordCall(admin, id, now - 1000), 'Numbers', 'recordCall');
  expectConforms(await n.get(admin, id), 'Numbers', 'get');
  expectConforms(await n.audit(admin, id), 'Numbers', 'audit');
  expectConforms(await n.list(admin, { per_page: 5 }), 'Numbers', 'list');
  n.simulateOwnedNumber('c1', { e164: '+14155550177', sid: 'PN177', country: 'US', kind: 'local' });
  expectConforms(await n.owned(admin, 'c1'), 'Numbers', 'owned');
  expectConforms(await n.importOwned(admin, {
    connection_id: 'c1', idempotency_key: 'imp', numbers: [{ e164: '+14155550177' }], confirm_replace_webhooks: true,
  }), 'Numbers', 'importOwned');
  n.simulate({ action: 'hold_orders', hold: true });
  await n.purchase(admin, { connection_id: 'c1', idempotency_key: 'held', country: 'US', kind: 'local', quantity: 1 });
  n.simulate({ action: 'settle_orders', complete: true });
  expectConforms(await n.syncAccount(admin), 'Numbers', 'syncAccount');
  expectConforms(await n.sync(admin, 'c1'), 'Numbers', 'sync');
  expectConforms(await n.resync(admin, id), 'Numbers', 'resync');
  now += 30 * 86400e3;
  expectConforms(await n.unassignSubAccount(admin, id), 'Numbers', 'unassignSubAccount');
  expectConforms(await n.addManual(admin, { e164: '+442071838750', connection_id: 'c1' }), 'Numbers', 'addManual');
  // The first overload is the soft release's.
  expectConforms(await n.release(admin, id, 'soft'), 'Numbers', 'release', 0);
  expectConforms(await n.release(admin, id, 'hard'), 'Numbers', 'release', 1);
  n.free();
});

test('pool and pure results fit their declared types', () => {
  const pool = new telnum.CallerIdPool({
    campaign_id: 'spring', tenant: 'acme',
    members: [
      { number_id: 'a', e164: '+12125550100', country: 'US', weight: 2, added_at: '2026-01-01T00:00:00Z' },
      { number_id: 'b', e164: '+14155550100', country: 'US', weight: 1, added_at: '2026-01-01T00:00:00Z' },
    ],
    policy: { callee_mode: { mode: 'sticky', ttl_seconds: 86400 } },
  });
  const pick = pool.pick({ e164: '+12125550123' }, '2026-06-01T15:00:00Z');
  expectConforms(pick, 'CallerIdPool', 'pick');
  pool.apply(pick.delta);
  expectConforms(pool.pickE164('+12125550124', Date.parse('2026-06-01T15:00:00Z')), 'CallerIdPool', 'pickE164');
  expectConforms(pool.recordOutcome({ number_id: 'b', answered: false, spam_flagged: true, at: '2026-06-01T15:05:00Z' }), 'CallerIdPool', 'recordOutcome');
  expectConforms(pool.campaignHealth('2026-06-01T16:00:00Z'), 'CallerIdPool', 'campaignHealth');
  expectConforms(pool.usage(), 'CallerIdPool', 'usage');
  expectConforms(pool.spec(), 'CallerIdPool', 'spec');
  expectConforms(telnum.parseE164('020 7183 8750', 'GB'), 'parseE164');
  expectConforms(telnum.errorCodes(), 'errorCodes');
  expectConforms(telnum.snapshotPick({ pool: pool.spec(), callee: { e164: '+12125550123' }, now: '2026-06-02T15:00:00Z' }), 'snapshotPick');
  pool.free();
});

test('the check notices what the declarations lack', () => {
  const type = resultType('Numbers', 'activate');
  const changed = { number: { id: 'n', surprise: 1 }, events: [{ kind: 'activated', extra: true }] };
  const errors = [];
  conform(changed, type, 'x', errors);
  assert.ok(errors.some((e) => e.includes('x.number.surprise is not declared')), errors.join('\n'));
  assert.ok(errors.some((e) => e.includes('x.events[0].extra is not declared')), errors.join('\n'));
  const wrong = [];
  conform({ number: { status: 'flying' }, events: [] }, type, 'y', wrong);
  assert.ok(wrong.some((e) => e.includes('"flying"')), wrong.join('\n'));
});
