// TypeScript definitions of telnum (WebAssembly). Values have exactly the
// serde form of the Rust types: snake_case fields, RFC 3339 times, money in
// integer minor units.

/** A canonical E.164 number, e.g. "+14155552671". */
export type E164 = `+${string}`;
/** ISO 3166-1 alpha-2, upper-case (plus AC, TA, XK), e.g. "US". */
export type Country = string;
/** ISO 4217, e.g. "USD". */
export type Currency = string;
/** An RFC 3339 time, e.g. "2026-05-01T09:00:00Z". */
export type Rfc3339 = string;
/** A calendar day, e.g. "2026-05-01". */
export type Day = string;
/** What a time argument accepts: RFC 3339, a Date, or ms since the epoch. */
export type TimeInput = Rfc3339 | Date | number;

export interface FieldProblem { field: string; code: string; message: string }

// <generated:errors>
export type ErrorCode =
  | 'input_too_long'
  | 'empty_input'
  | 'invalid_characters'
  | 'extension_not_allowed'
  | 'invalid_tel_uri'
  | 'region_required'
  | 'invalid_country_code'
  | 'too_short'
  | 'too_long'
  | 'invalid_number'
  | 'invalid_e164'
  | 'invalid_country'
  | 'invalid_currency'
  | 'invalid_input'
  | 'not_found'
  | 'forbidden'
  | 'invalid_transition'
  | 'version_conflict'
  | 'number_not_bound'
  | 'not_supported'
  | 'read_only_field'
  | 'invalid_webhook_url'
  | 'validation_failed'
  | 'confirmation_required'
  | 'country_not_allowed'
  | 'did_cool_off_in_effect'
  | 'number_aging'
  | 'sub_account_mismatch'
  | 'already_assigned'
  | 'not_assigned'
  | 'no_eligible_number'
  | 'already_exists'
  | 'idempotency_mismatch'
  | 'insufficient_balance'
  | 'provider_error'
  | 'store_error'
  | 'no_master_account'
  | 'unknown_reference'
  | 'kind_required'
  | 'provider_rate_limited'
  | 'idempotency_in_progress'
  | 'call_in_future'
  | 'not_initialized'
;

/** What every TelnumError has, whatever its code. */
export interface TelnumErrorBase extends Error {
  readonly name: 'TelnumError';
  /** The same data in the snake_case form of the C error JSON; it survives structuredClone. */
  readonly cause: { code: ErrorCode; status: number; [field: string]: unknown };
  /** `{ name, message, code, status, ...fields }`. */
  toJSON(): { name: 'TelnumError'; message: string; code: ErrorCode; status: number };
}

/**
 * Every error telnum throws: a union discriminated by `code`, so that
 * after `if (e.code === 'did_cool_off_in_effect')` the fields of that
 * code are known (`e.coolOffUntil` is a string). Fields are camelCase.
 */
export type TelnumError =
  | (TelnumErrorBase & {
      readonly code: 'input_too_long';
      readonly status: 400;
      /** The longest input accepted, in characters. */
      readonly max: number;
    })
  | (TelnumErrorBase & {
      readonly code: 'empty_input';
      readonly status: 400;
    })
  | (TelnumErrorBase & {
      readonly code: 'invalid_characters';
      readonly status: 400;
      /** The first character that is not part of a phone number. */
      readonly character: string;
    })
  | (TelnumErrorBase & {
      readonly code: 'extension_not_allowed';
      readonly status: 400;
    })
  | (TelnumErrorBase & {
      readonly code: 'invalid_tel_uri';
      readonly status: 400;
      /** Why, as a stable snake_case word. */
      readonly reason: string;
    })
  | (TelnumErrorBase & {
      readonly code: 'region_required';
      readonly status: 400;
    })
  | (TelnumErrorBase & {
      readonly code: 'invalid_country_code';
      readonly status: 400;
    })
  | (TelnumErrorBase & {
      readonly code: 'too_short';
      readonly status: 400;
    })
  | (TelnumErrorBase & {
      readonly code: 'too_long';
      readonly status: 400;
    })
  | (TelnumErrorBase & {
      readonly code: 'invalid_number';
      readonly status: 422;
    })
  | (TelnumErrorBase & {
      readonly code: 'invalid_e164';
      readonly status: 400;
      /** Why, as a stable snake_case word. */
      readonly reason: string;
    })
  | (TelnumErrorBase & {
      readonly code: 'invalid_country';
      readonly status: 400;
      /** The value refused. */
      readonly value: string;
    })
  | (TelnumErrorBase & {
      readonly code: 'invalid_currency';
      readonly status: 400;
      /** The value refused. */
      readonly value: string;
    })
  | (TelnumErrorBase & {
      readonly code: 'invalid_input';
      readonly status: 400;
      /** The field or argument at fault. */
      readonly field?: string;
    })
  | (TelnumErrorBase & {
      readonly code: 'not_found';
      readonly status: 404;
    })
  | (TelnumErrorBase & {
      readonly code: 'forbidden';
      readonly status: 403;
      /** Why, as a stable snake_case word. */
      readonly reason: string;
    })
  | (TelnumErrorBase & {
      readonly code: 'invalid_transition';
      readonly status: 409;
      /** The command refused. */
      readonly command: CommandType;
      /** The status the number is in. */
      readonly from: NumberStatus;
    })
  | (TelnumErrorBase & {
      readonly code: 'version_conflict';
      readonly status: 409;
      /** The version in the store. */
      readonly actual: number;
      /** The version the caller read. */
      readonly expected: number;
    })
  | (TelnumErrorBase & {
      readonly code: 'number_not_bound';
      readonly status: 409;
      /** Why, as a stable snake_case word. */
      readonly reason: string;
    })
  | (TelnumErrorBase & {
      readonly code: 'not_supported';
      readonly status: 422;
      /** The operation, e.g. `configure_webhooks`. */
      readonly operation: string;
      /** Why, as a stable snake_case word. */
      readonly reason: string;
    })
  | (TelnumErrorBase & {
      readonly code: 'read_only_field';
      readonly status: 422;
      /** The field or argument at fault. */
      readonly field: string;
    })
  | (TelnumErrorBase & {
      readonly code: 'invalid_webhook_url';
      readonly status: 422;
      /** The field or argument at fault. */
      readonly field: string;
      /** Why, as a stable snake_case word. */
      readonly reason: string;
    })
  | (TelnumErrorBase & {
      readonly code: 'validation_failed';
      readonly status: 422;
      /** Every problem found, each with its field and code. */
      readonly problems: FieldProblem[];
    })
  | (TelnumErrorBase & {
      readonly code: 'confirmation_required';
      readonly status: 428;
      /** What must be confirmed. */
      readonly confirmation: string;
    })
  | (TelnumErrorBase & {
      readonly code: 'country_not_allowed';
      readonly status: 403;
      /** The country refused. */
      readonly country: string;
      /** Inbound or outbound. */
      readonly direction: Direction;
    })
  | (TelnumErrorBase & {
      readonly code: 'did_cool_off_in_effect';
      readonly status: 409;
      /** Seconds until the cool-off ends. */
      readonly coolOffRemainingSeconds: number;
      /** When the cool-off ends. */
      readonly coolOffUntil: Rfc3339;
    })
  | (TelnumErrorBase & {
      readonly code: 'number_aging';
      readonly status: 409;
      /** When the number may be acquired. */
      readonly agingUntil: Rfc3339;
    })
  | (TelnumErrorBase & {
      readonly code: 'sub_account_mismatch';
      readonly status: 422;
    })
  | (TelnumErrorBase & {
      readonly code: 'already_assigned';
      readonly status: 409;
    })
  | (TelnumErrorBase & {
      readonly code: 'not_assigned';
      readonly status: 409;
    })
  | (TelnumErrorBase & {
      readonly code: 'no_eligible_number';
      readonly status: 409;
      /** Members left out, counted per reason. */
      readonly excluded: Partial<Record<Exclusion, number>>;
      /** The tiers tried. */
      readonly tiers: Tier[];
    })
  | (TelnumErrorBase & {
      readonly code: 'already_exists';
      readonly status: 409;
      /** What already exists, or what to do first. */
      readonly what: string;
    })
  | (TelnumErrorBase & {
      readonly code: 'idempotency_mismatch';
      readonly status: 409;
    })
  | (TelnumErrorBase & {
      readonly code: 'insufficient_balance';
      readonly status: 402;
      /** The balance. */
      readonly available: Money;
      /** Setup plus the first month. */
      readonly required: Money;
    })
  | (TelnumErrorBase & {
      readonly code: 'provider_error';
      readonly status: 502;
      /** The provider's name. */
      readonly provider: string;
      /** Whether the same call may succeed later. */
      readonly retryable: boolean;
      /** The provider's own error code, when it gave one. */
      readonly providerCode?: string;
    })
  | (TelnumErrorBase & {
      readonly code: 'store_error';
      readonly status: 503;
    })
  | (TelnumErrorBase & {
      readonly code: 'no_master_account';
      readonly status: 409;
    })
  | (TelnumErrorBase & {
      readonly code: 'unknown_reference';
      readonly status: 422;
      /** The field or argument at fault. */
      readonly field: string;
    })
  | (TelnumErrorBase & {
      readonly code: 'kind_required';
      readonly status: 422;
      /** The kinds in stock with their prices. */
      readonly inStock: PriceEntry[];
    })
  | (TelnumErrorBase & {
      readonly code: 'provider_rate_limited';
      readonly status: 429;
      /** The provider's name. */
      readonly provider: string;
      /** The provider's Retry-After, when it gave one. */
      readonly retryAfterSeconds?: number;
      /** Whether the same call may succeed later. */
      readonly retryable: boolean;
      /** The provider's own error code, when it gave one. */
      readonly providerCode?: string;
    })
  | (TelnumErrorBase & {
      readonly code: 'idempotency_in_progress';
      readonly status: 409;
    })
  | (TelnumErrorBase & {
      readonly code: 'call_in_future';
      readonly status: 422;
      /** The largest lead of a call time over the clock. */
      readonly maxSkewSeconds: number;
    })
  | (TelnumErrorBase & {
      readonly code: 'not_initialized';
      readonly status: 500;
      /** What already exists, or what to do first. */
      readonly what: string;
    })
;

/** The TelnumError class: `instanceof` narrows to the union (across the Node and browser builds). */
export declare const TelnumError: {
  new (fields: { code: ErrorCode; status: number; message?: string; [field: string]: unknown }): TelnumError;
  readonly prototype: TelnumError;
  [Symbol.hasInstance](value: unknown): value is TelnumError;
  /** A TelnumError again from its JSON form or from a structured clone. */
  from(value: unknown): TelnumError;
};
// </generated:errors>

// ---------------------------------------------------------------- values

export type NumberKind =
  | 'local' | 'mobile' | 'fixed_line_or_mobile' | 'toll_free' | 'premium_rate'
  | 'shared_cost' | 'voip' | 'personal_number' | 'uan' | 'other';
export type Format = 'e164' | 'international' | 'national' | 'rfc3966';
export interface Capabilities { voice: boolean; sms: boolean; mms: boolean; fax: boolean }
export interface Money { amount_minor: number; currency: Currency }
export interface NumberInfo {
  e164: E164;
  country_calling_code: number;
  national_number: string;
  region: Country | null;
  kind: NumberKind;
}

// ---------------------------------------------------------------- records

export type NumberStatus = 'pending' | 'active' | 'inactive' | 'released';
export type Source = 'purchased' | 'imported' | 'manual';
export type Management = 'platform_managed' | 'byot';
export type Role = 'superadmin' | 'admin' | 'member' | 'read_only';
export type Direction = 'inbound' | 'outbound';
export interface Actor { tenant: string; role: Role; user?: string | null }
export interface ProviderRef {
  provider: string; sid: string | null;
  /** A purchase the provider completes later: its order reference (the record is pending). */
  order_ref?: string;
}
export interface WebhookConfig { voice_url: string | null; status_callback_url: string | null }
export interface SipCredentials {
  username: string;
  /** "[redacted]" in every service result (unless an admin's `get` reveals
   *  it); in clear in what the service hands a host store. */
  password: string;
}
export interface Pricing { setup: Money; monthly: Money }

export interface PhoneNumber {
  id: string;
  tenant: string;
  account: string | null;
  sub_account: string | null;
  e164: E164;
  country: Country;
  kind: NumberKind;
  capabilities: Capabilities;
  source: Source;
  management: Management;
  status: NumberStatus;
  label: string | null;
  connection_id: string | null;
  provider: ProviderRef | null;
  inbound_agent: string | null;
  endpoint_id: string | null;
  sip_uri: string | null;
  sip_credentials: SipCredentials | null;
  allow_inbound: boolean;
  allow_outbound: boolean;
  allowed_inbound_countries: Country[];
  allowed_outbound_countries: Country[];
  webhooks: WebhookConfig;
  vendor_fields: Record<string, string>;
  pricing: Pricing | null;
  last_call_at: Rfc3339 | null;
  created_at: Rfc3339;
  updated_at: Rfc3339;
  released_at: Rfc3339 | null;
  last_synced_at: Rfc3339 | null;
  missing_at_provider: boolean;
  version: number;
}
/** What a record argument accepts: optional fields may be left out. */
export type PhoneNumberInput = Partial<PhoneNumber> & {
  id: string; tenant: string; e164: E164; country: Country; kind: NumberKind; source: Source;
  management: Management; status: NumberStatus; created_at: Rfc3339; updated_at: Rfc3339;
};

export interface VendorField { name: string; label?: string | null; required?: boolean; max_len?: number | null }
export interface VendorSupport {
  search_purchase?: boolean;
  import_owned?: boolean;
  webhook_config?: boolean;
  release?: boolean;
  extra_phone_fields?: VendorField[];
}
export interface Connection {
  id: string;
  tenant: string;
  name?: string | null;
  provider: string;
  status: 'active' | 'inactive';
  supports?: VendorSupport;
  account?: string | null;
  auth?: string | null;
}

// ---------------------------------------------------------------- lifecycle

export interface Patch {
  label?: string | null;
  inbound_agent?: string | null;
  endpoint_id?: string | null;
  sip_uri?: string | null;
  allow_inbound?: boolean;
  allow_outbound?: boolean;
  allowed_inbound_countries?: Country[];
  allowed_outbound_countries?: Country[];
  connection_id?: string;
  vendor_fields?: Record<string, string>;
  capabilities?: Capabilities;
}
export interface SubAccount { id: string; master: string }
/** A sub-account as the store keeps it; `assignSubAccount` resolves
 *  sub-accounts only through the store. */
export interface SubAccountRecord { id: string; master: string; tenant: string }
/** What is left of a number after its record is deleted: it keeps the
 *  number aging for other tenants. */
export interface Tombstone { e164: E164; tenant: string; released_at: Rfc3339 }
export type Command =
  | { type: 'complete_acquisition'; provider?: ProviderRef | null }
  | { type: 'fail_acquisition'; reason: string }
  | { type: 'activate' }
  | { type: 'deactivate' }
  | { type: 'update'; patch: Patch }
  | { type: 'configure_webhooks'; webhooks: Partial<WebhookConfig> }
  | { type: 'soft_release' }
  | { type: 'hard_delete' }
  | { type: 'mark_resynced'; capabilities?: Capabilities | null; webhooks?: WebhookConfig | null }
  | { type: 'assign_to_sub_account'; sub_account: SubAccount }
  | { type: 'unassign_from_sub_account'; force?: boolean }
  | { type: 'mark_missing_at_provider' }
  | { type: 'record_call'; at: Rfc3339 };
export type CommandType = Command['type'];
export interface LifecyclePolicy {
  cool_off_seconds?: number;
  aging_seconds?: number;
  allow_internal_webhook_hosts?: boolean;
}
export type EventKind =
  | 'created' | 'acquisition_completed' | 'acquisition_failed' | 'activated' | 'deactivated'
  | 'updated' | 'webhooks_configured' | 'soft_released' | 'hard_deleted' | 'resynced'
  | 'assigned_to_sub_account' | 'unassigned_from_sub_account' | 'cool_off_waived'
  | 'call_recorded' | 'missing_at_provider' | 'drift_detected' | 'order_pending' | 'spam_flagged';
export interface FieldChange { field: string; before: unknown; after: unknown }
export interface AuditEvent {
  kind: EventKind;
  number_id: string;
  e164: E164;
  tenant: string;
  actor: Actor;
  at: Rfc3339;
  changes: FieldChange[];
  detail: Record<string, unknown>;
}
export type Effect =
  | { type: 'release_at_provider'; provider: string | null; sid: string | null }
  | { type: 'configure_webhooks_at_provider'; webhooks: WebhookConfig };
export interface Outcome { record: PhoneNumber | null; events: AuditEvent[]; effects: Effect[] }

// ---------------------------------------------------------------- screens

export type Action = 'activate' | 'deactivate' | 'release' | 'resync' | 'configure_webhooks';
export type Section =
  | 'label' | 'inbound_agent' | 'allowed_inbound_countries' | 'allowed_outbound_countries'
  | 'configuration' | 'provider_fields';
export interface AllowedActions { actions: Action[]; editable_sections: Section[]; connection_read_only: boolean }
export interface AddSources {
  sources: { kind: 'purchase' | 'import_owned' | 'manual'; connection_ids: string[] }[];
  hint: string | null;
}
export interface ManualDraft {
  e164?: string | null;
  connection_id?: string | null;
  label?: string | null;
  inbound_agent?: string | null;
  allowed_inbound_countries?: string[];
  allowed_outbound_countries?: string[];
  vendor_fields?: Record<string, string>;
}
export interface ValidManualDraft {
  e164: E164; country: Country; kind: NumberKind; connection_id: string; label: string | null;
  inbound_agent: string | null; allowed_inbound_countries: Country[];
  allowed_outbound_countries: Country[]; vendor_fields: Record<string, string>;
}
export interface ImportDraft {
  numbers?: { e164?: string | null; label?: string | null }[];
  connection_id?: string | null;
  confirm_replace_webhooks?: boolean;
}
export interface ValidImport { numbers: { e164: E164; label: string | null }[]; connection_id: string }

// ---------------------------------------------------------------- pools

export type Tier =
  | 'sticky' | 'same_npa' | 'prefix5' | 'prefix4' | 'prefix3' | 'prefix2' | 'same_state'
  | 'same_time_zone' | 'same_country' | 'any_country' | 'any';
export type Exclusion =
  | 'number_inactive' | 'outbound_restricted' | 'paused' | 'resting' | 'removed' | 'spam_flagged'
  | 'zero_weight' | 'over_cap' | 'over_warmup_cap' | 'over_hourly_cap' | 'callee_fatigue' | 'no_geo_match';
export type MemberStatus =
  | { state: 'active' }
  | { state: 'paused'; reason: string; until?: Rfc3339 | null }
  | { state: 'removed'; reason: string };
export interface Member {
  number_id: string;
  e164: E164;
  country: Country;
  weight: number;
  status?: MemberStatus;
  added_at: Rfc3339;
  warm_up?: boolean;
  number_active?: boolean;
  allow_outbound?: boolean;
  allowed_outbound_countries?: Country[];
}
export type CalleeMode =
  | { mode: 'rotate'; last_calls: number; within_seconds: number }
  | { mode: 'sticky'; ttl_seconds: number }
  | { mode: 'off' };
export interface PoolPolicy {
  rotation?: 'weighted' | 'least_used_today';
  callee_mode?: CalleeMode;
  geomatch?: boolean;
  /** The lowest tier a pick may come from (default `same_country`): this
   *  tier and the ones before it, in the order same_npa, prefix5 … prefix2,
   *  same_state, same_time_zone, same_country, any_country. `prefix2`:
   *  area-code matches only; `any_country`: any member. Not `sticky` or `any`. */
  lowest_tier?: Exclude<Tier, 'sticky' | 'any'>;
  /** Calls per member per cap-day, at least 1; `null`: no daily cap.
   *  Default 100, the recommended starting point. */
  daily_cap?: number | null;
  /** Calls per member per clock hour of the cap-day, at least 1; `null`
   *  (the default): no hourly cap. */
  hourly_cap?: number | null;
  warmup_cap?: number;
  warmup_seconds?: number;
  rest_seconds?: number;
  day_offset_seconds?: number;
  health?: {
    window?: number;
    min_sample?: number;
    min_fraction_of_median?: number;
    min_answer_rate?: number | null;
    pause_on_carrier_block?: boolean;
  };
  /** How many callees the pool remembers (default 100,000; 0: none, the
   *  host passes each callee's history). Least recently called forgotten first. */
  remember_callees?: number;
  /** How many of each callee's last caller IDs it remembers, 1 to 64
   *  (default 4; at least rotate mode's `last_calls`). */
  remember_uses?: number;
}
export interface PoolSpec { campaign_id: string; tenant: string; members?: Member[]; policy?: PoolPolicy }
export interface MemberUsage {
  day?: Day | null; calls_today?: number; hour?: number | null; calls_this_hour?: number;
  picks?: number; pass?: number;
  last_used_at?: Rfc3339 | null;
  stats?: { attempts?: number; answered?: number; spam_flags?: number; carrier_blocks?: number; talk_seconds?: number; recent?: boolean[] };
}
/** What a pool remembers of one callee: its last caller IDs, most recent first. */
export interface CalleeHistory { e164: E164; recent: RecentUse[] }
/** A pool's usage snapshot; `callees` (most recently called first) is left
 *  out when the pool remembers none. */
export interface Usage { members: Record<string, MemberUsage>; callees?: CalleeHistory[] }
export interface RecentUse { number_id: string; at: Rfc3339 }
export interface StickyBinding { number_id: string; until: Rfc3339 }
/** The person to call. The pool remembers each callee's caller IDs itself
 *  (`apply` records them), so `{ e164 }` is all a dialer passes; `recent` and
 *  `sticky` add history the host knows from elsewhere. */
export interface Callee { e164: E164; country?: Country | null; recent?: RecentUse[]; sticky?: StickyBinding | null }
/** `cap` / `hourly_cap`: refuse the increment at the shared store when the
 *  day's / hour's count is already there (`null`: no such cap). */
export interface PickDelta {
  number_id: string; day: Day; hour: number; increment_calls_today: number; cap: number | null;
  hourly_cap: number | null; increment_picks: number;
  last_used_at: Rfc3339; callee: E164; callee_recent: RecentUse; sticky: StickyBinding | null;
}
export interface Pick { number_id: string; e164: E164; tier: Tier; delta: PickDelta }
export interface CallOutcome {
  number_id: string; answered: boolean; duration_seconds?: number; spam_flagged?: boolean;
  carrier_blocked?: boolean; at: Rfc3339;
}
/** A change to a number record that every pool holding it follows (`numberChanged`). */
export interface NumberChange {
  number_id: string; kind: 'spam_flagged' | 'deactivated' | 'activated' | 'released'; at: Rfc3339;
}
export interface PoolEvent {
  kind: 'removed_spam_flagged' | 'removed_released' | 'number_deactivated' | 'number_activated'
    | 'paused_low_answer_rate' | 'paused_carrier_block';
  campaign_id: string; number_id: string; e164: E164; at: Rfc3339; detail: Record<string, unknown>;
}
/** `number_change`: a spam flag every other pool holding the number must
 *  follow (pass it to their `numberChanged`). */
export interface OutcomeUpdate {
  outcome: CallOutcome; status: MemberStatus | null; events: PoolEvent[]; number_change: NumberChange | null;
}
export interface HealthRow {
  campaign_id: string; number_id: string; e164: E164; pool_status: 'active' | 'paused' | 'removed';
  attempts: number; answered: number; answer_rate: number | null; weight: number;
  calls_today: number; spam_flags: number;
}

// ---------------------------------------------------------------- service

/** A page of numbers: `page` (from 1) and `per_page` (1 to 100, default
 *  20), or `limit` (1 to 100) and `offset`; not both. */
export interface ListQuery {
  page?: number; per_page?: number; limit?: number; offset?: number; search?: string;
  status?: NumberStatus; country?: Country; kind?: NumberKind; connection_id?: string;
  inbound_agent?: string; source?: Source; account?: string; include_sub_accounts?: boolean;
  sub_account?: string; tenant?: string;
}
export interface Page<T> { items: T[]; total: number; limit: number; offset: number }
/** An inventory search: `country` (or `inventory_id`) is required; `limit` 1 to 100. */
export interface AvailableQuery {
  country?: Country; kind?: NumberKind; area_code?: string; contains?: string; limit?: number;
  inventory_id?: string;
}
export interface AvailableNumber {
  inventory_id: string; e164: E164; country: Country; kind: NumberKind;
  capabilities: Capabilities; pricing: Pricing;
}
export interface PriceEntry { country: Country; kind: NumberKind; pricing: Pricing }
export interface OwnedNumber {
  e164: E164; sid: string; country: Country; kind: NumberKind; capabilities?: Capabilities;
  label?: string | null; webhooks?: WebhookConfig; pricing?: Pricing | null;
}
/** A purchase: by `inventory_id`, by `e164`, or by `country` (+ `kind`,
 *  `quantity` 1 to 100). Ids are at most 128 characters. */
export interface PurchaseRequest {
  connection_id: string; idempotency_key: string; inventory_id?: string; e164?: string;
  country?: Country; kind?: NumberKind; quantity?: number; endpoint_id?: string;
  label?: string; inbound_agent?: string; balance?: Money;
}
/** What a purchase bought (pending with `provider.order_ref` when the
 *  provider completes the order later) and the audit events it wrote. */
export interface PurchaseResult { numbers: PhoneNumber[]; charge: Money | null; events: AuditEvent[] }
export interface ImportRequest extends ImportDraft { idempotency_key: string }
export interface ImportResult { imported: PhoneNumber[]; already_imported: E164[]; events: AuditEvent[] }
/** A command on one number: the record after it (secrets redacted) and the
 *  audit events it wrote (none for a patch that changed nothing). */
export interface Changed { number: PhoneNumber; events: AuditEvent[] }
/** A release: the kept record of a soft release (null after a hard one). */
export interface Released { number: PhoneNumber | null; events: AuditEvent[] }
export interface CountryOffer { country: Country; kinds: NumberKind[]; pricing_known: boolean }
/** A window of a number's audit trail: `limit` 1 to 100 (default 20). */
export interface EventQuery { limit?: number; offset?: number }
export interface OwnedEntry { number: OwnedNumber; status: 'already_imported' | 'not_in_app'; number_id: string | null }
export interface NumberDetails { number: PhoneNumber; connection: Connection | null; allowed_actions: AllowedActions }
export interface DriftField { field: 'webhooks' | 'capabilities' | 'label'; record: unknown; provider: unknown }
export interface Drift { number_id: string; e164: E164; fields: DriftField[] }
export interface SyncDiff {
  adopt: OwnedNumber[]; complete: [string, OwnedNumber][]; expire: string[]; orders: string[]; missing: string[];
  reappeared: [string, OwnedNumber][]; drift: Drift[];
}
export type SyncStep =
  | 'connection' | 'adopt' | 'complete' | 'expire' | 'order' | 'missing' | 'reappeared' | 'drift_events';
export interface SyncFailure {
  step: SyncStep; connection_id: string; number_id: string | null; e164: E164 | null;
  code: ErrorCode; message: string; retryable: boolean;
}
export interface SyncReport {
  connections: string[]; adopted: string[]; completed: string[]; expired: string[]; missing: string[];
  reappeared: string[]; still_pending: string[]; drift: Drift[]; errors: SyncFailure[]; events: AuditEvent[];
}
/** The simulated provider, made to behave as real providers do at times. */
export type Simulation =
  | { action: 'hold_orders'; hold: boolean }
  | { action: 'settle_orders'; complete: boolean }
  | { action: 'rate_limit'; calls: number; retry_after_seconds?: number | null }
  | { action: 'fail_after_purchase'; calls: number }
  | { action: 'drop_number'; connection_id: string; e164: E164 };
export interface ServiceConfig {
  policy?: LifecyclePolicy; default_webhooks?: WebhookConfig | null; pending_timeout_seconds?: number;
}
/** `response` is null while the first request runs; `reserved_ids` are
 *  the record ids it took from `nextId`. */
export interface IdempotencyRecord {
  tenant: string; key: string; operation: string; request: string; response: unknown | null;
  reserved_ids: string[]; created_at: Rfc3339;
}

type MaybePromise<T> = T | Promise<T>;

/** A host store. Throw `{ code: 'version_conflict', expected, actual }`
 *  from update/delete on a stale version, `{ code: 'already_exists' }` from
 *  insert on a duplicate; anything else thrown is a store_error.
 *
 *  The service re-checks the tenant of everything the store returns: a row
 *  of another tenant in `list` fails the call with store_error rather than
 *  reach the caller. */
export interface NumberStore {
  nextId(): MaybePromise<string>;
  get(id: string): MaybePromise<PhoneNumber | null>;
  findByE164(e164: E164): MaybePromise<PhoneNumber[]>;
  insert(record: PhoneNumber, events: AuditEvent[]): MaybePromise<void>;
  update(record: PhoneNumber, expectedVersion: number, events: AuditEvent[]): MaybePromise<void>;
  /** Deletes the record, keeps `tombstone` (when not null) and appends the
   *  events, atomically. */
  delete(id: string, expectedVersion: number, tombstone: Tombstone | null, events: AuditEvent[]): MaybePromise<void>;
  /** Every aging tombstone of the number. */
  tombstones(e164: E164): MaybePromise<Tombstone[]>;
  list(query: ListQuery): MaybePromise<Page<PhoneNumber>>;
  listByConnection(connectionId: string): MaybePromise<PhoneNumber[]>;
  appendEvents(events: AuditEvent[]): MaybePromise<void>;
  getIdempotency(tenant: string, key: string): MaybePromise<IdempotencyRecord | null>;
  /** Insert only: throw `{ code: 'already_exists' }` when the key is taken
   *  (this is how one of two concurrent requests wins the key). */
  putIdempotency(record: IdempotencyRecord): MaybePromise<void>;
  /** Replaces the record of (tenant, key) with its finished form. */
  completeIdempotency(record: IdempotencyRecord): MaybePromise<void>;
  /** Sets `last_call_at` to the later of the stored one and `at`: no
   *  version bump, no event. `update` keeps the later `last_call_at` too. */
  recordCall(id: string, at: Rfc3339): MaybePromise<void>;
  /** A page of the number's events, newest first. */
  listEvents(id: string, window: { limit: number; offset: number }): MaybePromise<Page<AuditEvent>>;
  putConnection(connection: Connection): MaybePromise<void>;
  getConnection(id: string): MaybePromise<Connection | null>;
  listConnections(tenant: string): MaybePromise<Connection[]>;
  putSubAccount(subAccount: SubAccountRecord): MaybePromise<void>;
  getSubAccount(id: string): MaybePromise<SubAccountRecord | null>;
  /** Optional: who owns an agent or endpoint id. Leave it out (or answer
   *  `{ owner: 'untracked' }`) when the store keeps no such registry; then
   *  any id is accepted. With it, unknown or foreign ids are
   *  `unknown_reference`. */
  refOwner?(kind: 'agent' | 'endpoint', id: string): MaybePromise<
    { owner: 'untracked' } | { owner: 'unknown' } | { owner: 'tenant'; tenant: string }>;
}
/** A host telephony provider. Throw `{ code: 'rate_limited',
 *  retry_after_seconds }` for a 429 (provider_rate_limited), or
 *  `{ code: '<your code>', message, retryable }`; anything else thrown is a
 *  provider_error. */
export interface Provider {
  searchAvailable(connection: Connection, query: AvailableQuery): MaybePromise<AvailableNumber[]>;
  pricing(connection: Connection, country: Country): MaybePromise<PriceEntry[]>;
  countries(connection: Connection): MaybePromise<CountryOffer[]>;
  /** Asked at most once per idempotency key and number: no deduplication
   *  needed. Answer the owned number, or `{ order_ref }` for an order the
   *  provider completes later. */
  purchase(connection: Connection, request: {
    inventory_id: string | null; e164: E164 | null; country: Country; kind: NumberKind; idempotency_key: string;
  }): MaybePromise<OwnedNumber | { order_ref: string }>;
  /** Optional: where a pending order stands (providers that answer orders). */
  orderStatus?(connection: Connection, orderRef: string): MaybePromise<
    { state: 'pending' } | { state: 'completed'; number: OwnedNumber } | { state: 'failed'; reason: string }>;
  listOwned(connection: Connection): MaybePromise<OwnedNumber[]>;
  fetch(connection: Connection, sid: string): MaybePromise<OwnedNumber | null>;
  release(connection: Connection, sid: string): MaybePromise<void>;
  configureWebhooks(connection: Connection, sid: string, webhooks: WebhookConfig): MaybePromise<void>;
}

// ---------------------------------------------------------------- functions

// <generated:functions>
/**
 * Parses what a person typed into E.164. `region` (ISO 3166-1 alpha-2)
 * interprets national formats; without it a national number is
 * `region_required`. Input is at most 250 characters.
 */
export function parseE164(input: string, region?: Country | null): NumberInfo;
/**
 * Formats a canonical number: `e164`, `international` (the default),
 * `national` or `rfc3966`.
 */
export function formatE164(e164: E164, format?: Format | null): string;
/**
 * Every error code, in table order (the C enum `TelnumErrorCode` numbers
 * them from 1 in this order).
 */
export function errorCodes(): ErrorCode[];
/**
 * Applies a lifecycle command to a record (pure): the record after it, the
 * effects for the host and the audit events. The record comes back with its
 * secrets, for the caller's own storage.
 */
export function applyCommand(args: { record: PhoneNumberInput; command: Command; actor: Actor; now: Rfc3339; connection?: Connection | null; policy?: LifecyclePolicy }): Outcome;
/**
 * `country_not_allowed` unless the number may receive a call from `country`;
 * `null` otherwise.
 */
export function checkInbound(args: { record: PhoneNumberInput; country: Country }): null;
/**
 * `country_not_allowed` unless the number may call `country`; `null`
 * otherwise.
 */
export function checkOutbound(args: { record: PhoneNumberInput; country: Country }): null;
/** What the detail screen may offer for a number, for this actor. */
export function allowedActions(args: { record: PhoneNumberInput; actor: Actor; connection?: Connection | null }): AllowedActions;
/** The add-number wizard's sources for this actor and these connections. */
export function addSources(args: { connections: Connection[]; actor: Actor }): AddSources;
/**
 * Validates the wizard's manual path; `validation_failed` lists every
 * problem.
 */
export function validateManualDraft(args: { draft: ManualDraft; connections: Connection[]; actor: Actor }): ValidManualDraft;
/**
 * Validates the wizard's import path; `validation_failed` lists every
 * problem.
 */
export function validateImport(args: { draft: ImportDraft; connections: Connection[]; actor: Actor }): ValidImport;
/**
 * `did_cool_off_in_effect` (with `cool_off_until` and
 * `cool_off_remaining_seconds`) inside the cool-off window after the last
 * call; `null` otherwise.
 */
export function checkCoolOff(args: { last_call_at?: Rfc3339 | null; now: Rfc3339; cool_off_seconds?: number }): null;
/**
 * `number_aging` while another tenant's release of the number is aging;
 * `null` otherwise.
 */
export function checkAging(args: { released_by: string; released_at: Rfc3339; acquirer: string; now: Rfc3339; aging_seconds?: number }): null;
/**
 * `version_conflict` unless the record is at `expected_version`; `null`
 * otherwise.
 */
export function checkVersion(args: { record: PhoneNumberInput; expected_version: number }): null;
/**
 * Reconciliation as a diff of the provider's inventory against the records
 * (pure).
 */
export function syncDiff(args: { records: PhoneNumberInput[]; owned: OwnedNumber[]; now: Rfc3339; pending_timeout_seconds?: number }): SyncDiff;
/**
 * The changes every caller-ID pool must follow among a service result's
 * audit events (`spam_flagged`, `deactivated`, `activated`, `soft_released`,
 * `hard_deleted`): pass each to `numberChanged` of every pool.
 */
export function numberChanges(args: { events: AuditEvent[] }): NumberChange[];
/**
 * Pool pick on a snapshot (`{pool, usage}`) the caller keeps itself: the
 * pick and the usage after its delta.
 */
export function snapshotPick(args: { pool: PoolSpec; usage?: Usage | null; callee: Callee; now: Rfc3339 }): { pick: Pick; usage: Usage };
/** Stateless: the usage after a pick's delta. */
export function snapshotApply(args: { pool: PoolSpec; usage?: Usage | null; delta: PickDelta }): { usage: Usage };
/**
 * Stateless: records a call's outcome and applies the health rules; the
 * update, the pool and the usage after it.
 */
export function snapshotRecordOutcome(args: { pool: PoolSpec; usage?: Usage | null; outcome: CallOutcome }): { update: OutcomeUpdate; pool: PoolSpec; usage: Usage };
/** Stateless: the Campaign Health rows of a pool snapshot. */
export function snapshotCampaignHealth(args: { pool: PoolSpec; usage?: Usage | null; now: Rfc3339 }): HealthRow[];
// </generated:functions>

/** A campaign's caller-ID pool (see `telnum::pool`). */
// <generated:pool>
export class CallerIdPool {
  /**
   * Creates a pool from its spec and an optional usage snapshot (`daily_cap`
   * at least 1, or null for none).
   */
  constructor(spec: PoolSpec, usage?: Usage | null | null);
  /** Frees the pool; the handle may not be used again. */
  free(): void;
  /**
   * Which member should call `callee` now (pure: apply the pick's delta to
   * count it).
   */
  pick(callee: Callee, now: TimeInput): Pick;
  /**
   * A dialer's hot path: the caller ID and tier for a callee in canonical
   * E.164 with no history, without the delta and without JSON; `commit`
   * applies the delta to this pool at once. Same answer as `pick`.
   */
  pickE164(callee: E164, now: TimeInput, commit?: boolean | null): { e164: E164; tier: Tier };
  /** Applies a pick's delta (this dialer's or another's). */
  apply(delta: PickDelta): void;
  /**
   * Records a call's outcome, applies the health rules to this pool and
   * returns the update (counters, status change, events).
   */
  recordOutcome(outcome: CallOutcome): OutcomeUpdate;
  /**
   * Follows a change to a number record (from `numberChanges`, or an outcome
   * update's `number_change`): a spam flag or a release removes the member,
   * a deactivation takes it out of rotation, an activation brings it back at
   * the current position. The pool event, or null when the number is not in
   * this pool or nothing changes.
   */
  numberChanged(change: NumberChange): PoolEvent | null;
  /** The Campaign Health rows as of `now`. */
  campaignHealth(now: TimeInput): HealthRow[];
  /**
   * Sets a member's authoritative call count for `day` (from the shared
   * store), so that the daily cap holds across dialers.
   */
  setCallsToday(numberId: string, day: Day, calls: number): void;
  /**
   * Sets a member's authoritative call count for clock hour `hour` (0–23)
   * of `day` (from the shared store), so that the hourly cap holds across
   * dialers.
   */
  setCallsThisHour(numberId: string, day: Day, hour: number, calls: number): void;
  /** Adds a member or replaces the member with the same `number_id`. */
  upsertMember(member: Member): void;
  /**
   * Sets a member's pool status (`{"state":"active"}`, `paused` with
   * `until`, `removed` with `reason`).
   */
  setMemberStatus(numberId: string, status: MemberStatus): void;
  /** The usage snapshot (calls per day, callee history, sticky bindings). */
  usage(): Usage;
  /** The pool definition, with member statuses as they are now. */
  spec(): PoolSpec;
}
// </generated:pool>

/** What `new Numbers(options)` takes; any may be left out. */
export interface NumbersOptions {
  /** The host's store (default: the embedded in-memory store). */
  store?: NumberStore;
  /** The host's provider (default: the simulated provider). */
  provider?: Provider;
  /** Must answer synchronously with a valid time; a clock that throws or
   *  answers anything else fails the operation (never the system clock). */
  clock?: { now(): TimeInput };
  /** Invalid settings throw `invalid_webhook_url` or `invalid_input`. */
  config?: ServiceConfig;
}

/** The service. With no options: the in-memory store and simulated provider. Every method but the `simulate*` ones returns a Promise. */
// <generated:numbers>
export class Numbers {
  /**
   * Creates the service. JS: `new Numbers({ store, provider, clock, config
   * })`, any left out (the embedded in-memory store, the simulated provider,
   * the system clock). C: `telnum_numbers_new(store, provider, clock,
   * config_json, config_len, &out)` with vtables that may be NULL for the
   * same defaults.
   */
  constructor(options?: NumbersOptions | null);
  /** Frees the service (C: running the vtables' finalisers). */
  free(): void;
  /** Adds or replaces a telephony connection in the store. */
  putConnection(connection: Connection): Promise<void>;
  /**
   * Adds or replaces a sub-account (`{id, master, tenant}`) in the store;
   * `assign_sub_account` resolves sub-accounts only through it.
   */
  putSubAccount(subAccount: SubAccountRecord): Promise<void>;
  /**
   * Simulated provider only: gives a connection a number it owns outside the
   * app (to try import and sync).
   */
  simulateOwnedNumber(connectionId: string, owned: OwnedNumber): void;
  /**
   * Simulated provider only: the number disappears from the connection's
   * account (drift). Answers whether the account owned it.
   */
  simulateDropNumber(connectionId: string, e164: E164): boolean;
  /**
   * Simulated provider only: behave as real providers do at times (`{action:
   * "hold_orders", hold}`, `{action: "settle_orders", complete}`, `{action:
   * "rate_limit", calls, retry_after_seconds}`, `{action:
   * "fail_after_purchase", calls}`, `{action: "drop_number", connection_id,
   * e164}`). Answers whether it applied.
   */
  simulate(simulation: Simulation): boolean;
  /**
   * A page of the tenant's numbers (`query`: `page`/`per_page` (1–100) or
   * `limit`/`offset`, `search`, filters).
   */
  list(actor: Actor, query?: ListQuery | null): Promise<Page<PhoneNumber>>;
  /** Searches the provider's inventory (`query.country` required). */
  available(actor: Actor, connectionId: string, query: AvailableQuery): Promise<AvailableNumber[]>;
  /** The provider's price list for a country. */
  pricing(actor: Actor, connectionId: string, country: Country): Promise<PriceEntry[]>;
  /** Per country: the kinds in stock and whether pricing is known. */
  countries(actor: Actor, connectionId: string): Promise<CountryOffer[]>;
  /**
   * Buys numbers, idempotent on `request.idempotency_key`: a retry answers
   * the first result; a concurrent one `idempotency_in_progress`.
   */
  purchase(actor: Actor, request: PurchaseRequest): Promise<PurchaseResult>;
  /**
   * Imports numbers the provider account already owns
   * (`confirm_replace_webhooks` required).
   */
  importOwned(actor: Actor, request: ImportRequest): Promise<ImportResult>;
  /** The provider account's numbers, each `already_imported` or `not_in_app`. */
  owned(actor: Actor, connectionId: string): Promise<OwnedEntry[]>;
  /** Registers a number the tenant brings (BYOT). */
  addManual(actor: Actor, draft: ManualDraft): Promise<Changed>;
  /**
   * One number with its connection and allowed actions; `reveal_secrets`
   * (admins) shows SIP credentials.
   */
  get(actor: Actor, id: string, revealSecrets?: boolean | null): Promise<NumberDetails>;
  /**
   * A page of the number's audit trail, newest first (`query`: `limit`
   * 1–100, `offset`).
   */
  audit(actor: Actor, id: string, query?: EventQuery | null): Promise<Page<AuditEvent>>;
  /**
   * Changes fields; with `expected_version` a stale write is
   * `version_conflict`. A patch that changes nothing writes nothing.
   */
  update(actor: Actor, id: string, patch: Patch, expectedVersion?: number | null): Promise<Changed>;
  /** Activates (needs an active connection bound to the number's tenant). */
  activate(actor: Actor, id: string): Promise<Changed>;
  /** Deactivates. */
  deactivate(actor: Actor, id: string): Promise<Changed>;
  /** Reconciles a connection with its provider. */
  sync(actor: Actor, connectionId: string): Promise<SyncReport>;
  /**
   * Reconciles every active connection of the actor's tenant; a failing
   * connection is in `errors` (step `connection`) and does not stop the
   * others.
   */
  syncAccount(actor: Actor): Promise<SyncReport>;
  /** Re-reads one number from the provider. */
  resync(actor: Actor, id: string): Promise<Changed>;
  /**
   * Configures webhooks at the provider, then on the record (`not_supported`
   * when the vendor cannot).
   */
  configureWebhooks(actor: Actor, id: string, webhooks: Partial<WebhookConfig>): Promise<Changed>;
  /**
   * Releases: `hard` (the default) deletes the record and leaves an aging
   * tombstone, `soft` keeps it as released. `not_supported` when the vendor
   * cannot release through the API.
   */
  release(actor: Actor, id: string, mode: 'soft'): Promise<Released & { number: PhoneNumber }>;
  release(actor: Actor, id: string, mode?: 'hard' | null): Promise<Released & { number: null }>;
  /**
   * Assigns to a sub-account of the number's master account, resolved
   * through the store: `unknown_reference` for an unknown or another
   * tenant's sub-account, `no_master_account`, `sub_account_mismatch`.
   */
  assignSubAccount(actor: Actor, id: string, subAccount: string): Promise<Changed>;
  /**
   * Moves the number back to the master account: `did_cool_off_in_effect`
   * within the cool-off after its last call, unless an admin forces it.
   */
  unassignSubAccount(actor: Actor, id: string, force?: boolean | null): Promise<Changed>;
  /**
   * Records a call at `at`: usage, not a change (no version bump, no event).
   * `call_in_future` for a time more than 300 s ahead of the clock.
   */
  recordCall(actor: Actor, id: string, at: TimeInput): Promise<PhoneNumber>;
  /**
   * Flags a number as spam: a `spam_flagged` audit event with `source` (1 to
   * 200 bytes: a carrier label, an analytics feed, a complaint); the record
   * does not change. Hand the events to every pool (`numberChanges`, then
   * `numberChanged`).
   */
  flagSpam(actor: Actor, id: string, source: string): Promise<Changed>;
}
// </generated:numbers>

/** What `init` accepts besides nothing: the wasm itself, or where to fetch
 *  it (the package exports the file as `telnum/telnum.wasm`). */
export type InitInput = URL | string | ArrayBuffer | ArrayBufferView | WebAssembly.Module | Response | Promise<Response>;
/** The package's exports, as `init()` resolves them. */
export type TelnumModule = typeof import('./telnum.js');
/**
 * Loads the WebAssembly module, once. Browser and bundler build: every
 * other export throws `not_initialized` until it resolves; with no argument
 * it loads the copy inlined in the package (nothing to serve or configure).
 * Node: the module is ready on load and `init()` resolves at once, so one
 * program runs on both.
 */
export function init(input?: InitInput | { module_or_path: InitInput }): Promise<TelnumModule>;
/** Loads the module synchronously from its bytes or a compiled module. */
export function initSync(module: ArrayBuffer | ArrayBufferView | WebAssembly.Module | { module: ArrayBuffer | ArrayBufferView | WebAssembly.Module }): TelnumModule;
export default init;
