// What every consumer of the package does, whatever its module system or
// bundler: parse a number, get a coded error, pick a caller ID, and buy a
// number on the embedded store and simulated provider. Returns a summary
// that each runner compares with EXPECTED.
export const EXPECTED = {
  parsed: '+442071838750 GB local',
  error: 'invalid_characters 400 true true',
  picked: '+12125550100 same_npa',
  bought: 'active +1415',
  coolOff: 'did_cool_off_in_effect true',
};

export async function scenario(telnum) {
  const api = await telnum.init();
  if (typeof api.parseE164 !== 'function') throw new Error('init() did not resolve to the module');
  const out = {};
  const n = telnum.parseE164('020 7183 8750', 'GB');
  out.parsed = `${n.e164} ${n.region} ${n.kind}`;
  try {
    telnum.parseE164('+1 415 555 abcd');
    out.error = 'no error';
  } catch (e) {
    // The error keeps its code through JSON and structuredClone.
    const back = telnum.TelnumError.from(JSON.parse(JSON.stringify(e)));
    const cloned = telnum.TelnumError.from(structuredClone(e));
    out.error = `${e.code} ${e.status} ${e instanceof telnum.TelnumError && back.code === e.code} ${cloned.code === e.code && cloned instanceof Error}`;
  }
  const pool = new telnum.CallerIdPool({
    campaign_id: 'spring', tenant: 'acme',
    members: [
      { number_id: 'n1', e164: '+12125550100', country: 'US', weight: 1, added_at: '2026-01-01T00:00:00Z' },
      { number_id: 'n2', e164: '+14155550100', country: 'US', weight: 1, added_at: '2026-01-01T00:00:00Z' },
    ],
  });
  const pick = pool.pickE164('+12125550123', Date.parse('2026-05-01T15:00:00Z'), true);
  out.picked = `${pick.e164} ${pick.tier}`;
  pool.free();

  const numbers = new telnum.Numbers();
  const admin = { tenant: 'acme', role: 'admin', user: 'ops' };
  await numbers.putConnection({
    id: 'conn_1', tenant: 'acme', provider: 'twilio', status: 'active',
    supports: { search_purchase: true, import_owned: true, webhook_config: true, release: true },
    account: 'MA_1',
  });
  const { numbers: bought } = await numbers.purchase(admin, {
    connection_id: 'conn_1', idempotency_key: 'order-1', country: 'US', kind: 'local', quantity: 1,
  });
  const { number } = await numbers.activate(admin, bought[0].id);
  out.bought = `${number.status} ${number.e164.slice(0, 5)}`;
  await numbers.putSubAccount({ id: 'SA_1', master: 'MA_1', tenant: 'acme' });
  await numbers.assignSubAccount(admin, number.id, 'SA_1');
  // A call within the cool-off window keeps the DID on the sub-account.
  await numbers.recordCall(admin, number.id, new Date(Date.now() - 3_600_000));
  try {
    await numbers.unassignSubAccount(admin, number.id, false);
    out.coolOff = 'no error';
  } catch (e) {
    out.coolOff = `${e.code} ${typeof e.coolOffUntil === 'string' && e.coolOffRemainingSeconds > 0}`;
  }
  numbers.free();
  return out;
}

export function compare(got) {
  const bad = Object.keys(EXPECTED).filter((k) => got[k] !== EXPECTED[k]);
  return bad.map((k) => `${k}: expected ${JSON.stringify(EXPECTED[k])}, got ${JSON.stringify(got[k])}`);
}
