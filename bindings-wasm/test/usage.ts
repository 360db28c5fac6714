// A typed usage example: `tsc --noEmit` checks it against telnum.d.ts.
import init, {
  CallerIdPool,
  Numbers,
  TelnumError,
  applyCommand,
  parseE164,
  type Actor,
  type ErrorCode,
  type NumberInfo,
  type Pick,
  type PhoneNumber,
  type Tier,
} from 'telnum';

export function normalise(input: string): NumberInfo | ErrorCode {
  try {
    return parseE164(input, 'US');
  } catch (e) {
    if (e instanceof TelnumError) return e.code;
    throw e;
  }
}

export async function lifecycle(): Promise<Tier> {
  await init();
  const admin: Actor = { tenant: 'acme', role: 'admin' };
  const numbers = new Numbers();
  await numbers.putConnection({ id: 'c1', tenant: 'acme', provider: 'twilio', status: 'active', supports: { search_purchase: true } });
  const { numbers: bought, charge } = await numbers.purchase(admin, {
    connection_id: 'c1',
    idempotency_key: 'k',
    country: 'US',
    quantity: 1,
  });
  const cents: number | undefined = charge?.amount_minor;
  void cents;
  const { number: active, events } = await numbers.activate(admin, bought[0].id);
  const first: string | undefined = events[0]?.kind;
  void first;
  const check: PhoneNumber = active;
  void check;
  const outcome = applyCommand({ record: active, command: { type: 'deactivate' }, actor: admin, now: active.updated_at });
  const status: 'pending' | 'active' | 'inactive' | 'released' | undefined = outcome.record?.status;
  void status;
  try {
    await numbers.unassignSubAccount(admin, active.id);
  } catch (e) {
    if (e instanceof TelnumError && e.code === 'did_cool_off_in_effect') {
      // Narrowed by the code: the fields of that code are there.
      const left: number = e.coolOffRemainingSeconds;
      const until: string = e.coolOffUntil;
      const status: 409 = e.status;
      void left; void until; void status;
    }
    if (e instanceof TelnumError && e.code === 'provider_rate_limited') {
      const after: number | undefined = e.retryAfterSeconds;
      void after;
    }
  }
  // release: a soft release answers the record, a hard one none.
  const soft = await numbers.release(admin, active.id, 'soft');
  const kept: PhoneNumber = soft.number;
  void kept;
  const hard = await numbers.release(admin, active.id);
  const gone: null = hard.number;
  void gone;
  const pool = new CallerIdPool({
    campaign_id: 'spring',
    tenant: 'acme',
    members: [{ number_id: active.id, e164: active.e164, country: 'US', weight: 1, added_at: active.created_at }],
    policy: { rotation: 'least_used_today', callee_mode: { mode: 'sticky', ttl_seconds: 691200 } },
  });
  const pick: Pick = pool.pick({ e164: '+12125550123' }, new Date());
  pool.apply(pick.delta);
  const fast: { e164: string; tier: Tier } = pool.pickE164('+12125550123', Date.now(), true);
  return fast.tier === pick.tier ? pick.tier : fast.tier;
}

// The types are precise: these must not compile.
// @ts-expect-error pickE164 takes the callee's E.164 string, not a Callee
new CallerIdPool({ campaign_id: 'c', tenant: 't', members: [] }).pickE164({ e164: '+12125550123' }, 0);
// @ts-expect-error not an error code
export const badCode: ErrorCode = 'no_such_code';
export function wrongField(e: TelnumError): string {
  if (e.code === 'forbidden') {
    // @ts-expect-error a forbidden error has no cool-off
    return e.coolOffUntil;
  }
  return e.code;
}
// @ts-expect-error not a tier
export const badTier: Tier = 'nearby';
// @ts-expect-error roles are a closed set
export const badActor: Actor = { tenant: 'acme', role: 'owner' };
