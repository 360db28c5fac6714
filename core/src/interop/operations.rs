//! The operation table. Adding an operation here adds it to JS (a
//! function or method), to C (an exported function) and to the TypeScript
//! declarations, once the generated files are refreshed
//! (`TELNUM_BLESS=1 cargo test -p telnum --features interop --test generated`).

use super::{Arg, ArgKind, Body, Operation, Target};

const fn arg(name: &'static str, rust: &'static str, ts: &'static str, kind: ArgKind) -> Arg {
    Arg {
        name,
        rust,
        ts,
        kind,
        optional: false,
    }
}

const fn opt(name: &'static str, rust: &'static str, ts: &'static str, kind: ArgKind) -> Arg {
    Arg {
        name,
        rust,
        ts,
        kind,
        optional: true,
    }
}

const fn sync(expr: &'static str) -> Body {
    Body::Generated {
        expr,
        asynchronous: false,
    }
}

const fn run(expr: &'static str) -> Body {
    Body::Generated {
        expr,
        asynchronous: true,
    }
}

use ArgKind::{Bool, Count, Json, Text, Time, Version};
use Target::{Function, Numbers, Pool};

const ACTOR: Arg = arg("actor", "telnum::Actor", "Actor", Json);
const ID: Arg = arg("id", "telnum::NumberId", "string", Text);
const CONNECTION_ID: Arg = arg("connection_id", "telnum::ConnectionId", "string", Text);
/// The argument object of a pure rule (its fields are in the TS type).
const fn args(ts: &'static str) -> [Arg; 1] {
    [arg("args", "serde_json::Value", ts, Json)]
}

macro_rules! pure {
    ($name:literal, $doc:literal, $ts:literal, $result:literal, $f:literal) => {
        Operation {
            name: $name,
            target: Function,
            doc: $doc,
            args: &args($ts),
            result: $result,
            body: sync(concat!("telnum::json::", $f, "(args)")),
        }
    };
}

/// Every operation, grouped by target, in the order of the docs.
pub static OPERATIONS: &[Operation] = &[
    // ------------------------------------------------------------ functions
    Operation {
        name: "parse_e164",
        target: Function,
        doc: "Parses what a person typed into E.164. `region` (ISO 3166-1 alpha-2) interprets national formats; without it a national number is `region_required`. Input is at most 250 characters.",
        args: &[
            arg("input", "String", "string", Text),
            opt("region", "telnum::Country", "Country", Text),
        ],
        result: "NumberInfo",
        body: sync("telnum::E164::parse(&input, region).map(|n| n.info())"),
    },
    Operation {
        name: "format_e164",
        target: Function,
        doc: "Formats a canonical number: `e164`, `international` (the default), `national` or `rfc3966`.",
        args: &[
            arg("e164", "telnum::E164", "E164", Text),
            opt("format", "telnum::Format", "Format", Text),
        ],
        result: "string",
        body: sync("Ok(e164.format(format.unwrap_or(telnum::Format::International)))"),
    },
    Operation {
        name: "error_codes",
        target: Function,
        doc: "Every error code, in table order (the C enum `TelnumErrorCode` numbers them from 1 in this order).",
        args: &[],
        result: "ErrorCode[]",
        body: sync("Ok(telnum::Error::CODES)"),
    },
    pure!("apply_command", "Applies a lifecycle command to a record (pure): the record after it, the effects for the host and the audit events. The record comes back with its secrets, for the caller's own storage.",
        "{ record: PhoneNumberInput; command: Command; actor: Actor; now: Rfc3339; connection?: Connection | null; policy?: LifecyclePolicy }",
        "Outcome", "apply"),
    pure!("check_inbound", "`country_not_allowed` unless the number may receive a call from `country`; `null` otherwise.",
        "{ record: PhoneNumberInput; country: Country }", "null", "check_inbound"),
    pure!("check_outbound", "`country_not_allowed` unless the number may call `country`; `null` otherwise.",
        "{ record: PhoneNumberInput; country: Country }", "null", "check_outbound"),
    pure!("allowed_actions", "What the detail screen may offer for a number, for this actor.",
        "{ record: PhoneNumberInput; actor: Actor; connection?: Connection | null }", "AllowedActions", "allowed_actions"),
    pure!("add_sources", "The add-number wizard's sources for this actor and these connections.",
        "{ connections: Connection[]; actor: Actor }", "AddSources", "add_sources"),
    pure!("validate_manual_draft", "Validates the wizard's manual path; `validation_failed` lists every problem.",
        "{ draft: ManualDraft; connections: Connection[]; actor: Actor }", "ValidManualDraft", "validate_manual_draft"),
    pure!("validate_import", "Validates the wizard's import path; `validation_failed` lists every problem.",
        "{ draft: ImportDraft; connections: Connection[]; actor: Actor }", "ValidImport", "validate_import"),
    pure!("check_cool_off", "`did_cool_off_in_effect` (with `cool_off_until` and `cool_off_remaining_seconds`) inside the cool-off window after the last call; `null` otherwise.",
        "{ last_call_at?: Rfc3339 | null; now: Rfc3339; cool_off_seconds?: number }", "null", "check_cool_off"),
    pure!("check_aging", "`number_aging` while another tenant's release of the number is aging; `null` otherwise.",
        "{ released_by: string; released_at: Rfc3339; acquirer: string; now: Rfc3339; aging_seconds?: number }", "null", "check_aging"),
    pure!("check_version", "`version_conflict` unless the record is at `expected_version`; `null` otherwise.",
        "{ record: PhoneNumberInput; expected_version: number }", "null", "check_version"),
    pure!("sync_diff", "Reconciliation as a diff of the provider's inventory against the records (pure).",
        "{ records: PhoneNumberInput[]; owned: OwnedNumber[]; now: Rfc3339; pending_timeout_seconds?: number }", "SyncDiff", "sync_diff"),
    pure!("number_changes", "The changes every caller-ID pool must follow among a service result's audit events (`spam_flagged`, `deactivated`, `activated`, `soft_released`, `hard_deleted`): pass each to `numberChanged` of every pool.",
        "{ events: AuditEvent[] }", "NumberChange[]", "number_changes"),
    pure!("snapshot_pick", "Pool pick on a snapshot (`{pool, usage}`) the caller keeps itself: the pick and the usage after its delta.",
        "{ pool: PoolSpec; usage?: Usage | null; callee: Callee; now: Rfc3339 }", "{ pick: Pick; usage: Usage }", "pool_pick"),
    pure!("snapshot_apply", "Stateless: the usage after a pick's delta.",
        "{ pool: PoolSpec; usage?: Usage | null; delta: PickDelta }", "{ usage: Usage }", "pool_apply"),
    pure!("snapshot_record_outcome", "Stateless: records a call's outcome and applies the health rules; the update, the pool and the usage after it.",
        "{ pool: PoolSpec; usage?: Usage | null; outcome: CallOutcome }", "{ update: OutcomeUpdate; pool: PoolSpec; usage: Usage }", "pool_record_outcome"),
    pure!("snapshot_campaign_health", "Stateless: the Campaign Health rows of a pool snapshot.",
        "{ pool: PoolSpec; usage?: Usage | null; now: Rfc3339 }", "HealthRow[]", "campaign_health"),
    // ------------------------------------------------------------ pools
    Operation {
        name: "new",
        target: Pool,
        doc: "Creates a pool from its spec and an optional usage snapshot (`daily_cap` at least 1, or null for none).",
        args: &[
            arg("spec", "telnum::PoolSpec", "PoolSpec", Json),
            opt("usage", "telnum::pool::Usage", "Usage | null", Json),
        ],
        result: "CallerIdPool",
        body: Body::Manual,
    },
    Operation {
        name: "free",
        target: Pool,
        doc: "Frees the pool; the handle may not be used again.",
        args: &[],
        result: "void",
        body: Body::Manual,
    },
    Operation {
        name: "pick",
        target: Pool,
        doc: "Which member should call `callee` now (pure: apply the pick's delta to count it).",
        args: &[
            arg("callee", "telnum::pool::Callee", "Callee", Json),
            arg("now", "chrono::DateTime<chrono::Utc>", "TimeInput", Time),
        ],
        result: "Pick",
        body: sync("pool.pick(&callee, now)"),
    },
    Operation {
        name: "pick_e164",
        target: Pool,
        doc: "A dialer's hot path: the caller ID and tier for a callee in canonical E.164 with no history, without the delta and without JSON; `commit` applies the delta to this pool at once. Same answer as `pick`.",
        args: &[
            arg("callee", "telnum::E164", "E164", Text),
            arg("now", "chrono::DateTime<chrono::Utc>", "TimeInput", Time),
            opt("commit", "bool", "boolean", Bool),
        ],
        result: "{ e164: E164; tier: Tier }",
        body: Body::Manual,
    },
    Operation {
        name: "apply",
        target: Pool,
        doc: "Applies a pick's delta (this dialer's or another's).",
        args: &[arg("delta", "telnum::pool::PickDelta", "PickDelta", Json)],
        result: "void",
        body: sync("pool.apply(&delta)"),
    },
    Operation {
        name: "record_outcome",
        target: Pool,
        doc: "Records a call's outcome, applies the health rules to this pool and returns the update (counters, status change, events).",
        args: &[arg("outcome", "telnum::pool::CallOutcome", "CallOutcome", Json)],
        result: "OutcomeUpdate",
        body: sync("pool.record_outcome(&outcome).and_then(|u| pool.apply_outcome(&u).map(|()| u))"),
    },
    Operation {
        name: "number_changed",
        target: Pool,
        doc: "Follows a change to a number record (from `numberChanges`, or an outcome update's `number_change`): a spam flag or a release removes the member, a deactivation takes it out of rotation, an activation brings it back at the current position. The pool event, or null when the number is not in this pool or nothing changes.",
        args: &[arg("change", "telnum::pool::NumberChange", "NumberChange", Json)],
        result: "PoolEvent | null",
        body: sync("Ok(pool.number_changed(&change))"),
    },
    Operation {
        name: "campaign_health",
        target: Pool,
        doc: "The Campaign Health rows as of `now`.",
        args: &[arg("now", "chrono::DateTime<chrono::Utc>", "TimeInput", Time)],
        result: "HealthRow[]",
        body: sync("Ok(pool.campaign_health(now))"),
    },
    Operation {
        name: "set_calls_today",
        target: Pool,
        doc: "Sets a member's authoritative call count for `day` (from the shared store), so that the daily cap holds across dialers.",
        args: &[
            arg("number_id", "telnum::NumberId", "string", Text),
            arg("day", "chrono::NaiveDate", "Day", Text),
            arg("calls", "u32", "number", Count),
        ],
        result: "void",
        body: sync("pool.set_calls_today(&number_id, day, calls)"),
    },
    Operation {
        name: "set_calls_this_hour",
        target: Pool,
        doc: "Sets a member's authoritative call count for clock hour `hour` (0–23) of `day` (from the shared store), so that the hourly cap holds across dialers.",
        args: &[
            arg("number_id", "telnum::NumberId", "string", Text),
            arg("day", "chrono::NaiveDate", "Day", Text),
            arg("hour", "u32", "number", Count),
            arg("calls", "u32", "number", Count),
        ],
        result: "void",
        body: sync("pool.set_calls_this_hour(&number_id, day, u8::try_from(hour).unwrap_or(u8::MAX), calls)"),
    },
    Operation {
        name: "upsert_member",
        target: Pool,
        doc: "Adds a member or replaces the member with the same `number_id`.",
        args: &[arg("member", "telnum::Member", "Member", Json)],
        result: "void",
        body: sync("pool.upsert_member(member)"),
    },
    Operation {
        name: "set_member_status",
        target: Pool,
        doc: "Sets a member's pool status (`{\"state\":\"active\"}`, `paused` with `until`, `removed` with `reason`).",
        args: &[
            arg("number_id", "telnum::NumberId", "string", Text),
            arg("status", "telnum::pool::MemberStatus", "MemberStatus", Json),
        ],
        result: "void",
        body: sync("pool.set_member_status(&number_id, status)"),
    },
    Operation {
        name: "usage",
        target: Pool,
        doc: "The usage snapshot (calls per day, callee history, sticky bindings).",
        args: &[],
        result: "Usage",
        body: sync("Ok(pool.usage())"),
    },
    Operation {
        name: "spec",
        target: Pool,
        doc: "The pool definition, with member statuses as they are now.",
        args: &[],
        result: "PoolSpec",
        body: sync("Ok(pool.spec().clone())"),
    },
    // ------------------------------------------------------------ service
    Operation {
        name: "new",
        target: Numbers,
        doc: "Creates the service. JS: `new Numbers({ store, provider, clock, config })`, any left out (the embedded in-memory store, the simulated provider, the system clock). C: `telnum_numbers_new(store, provider, clock, config_json, config_len, &out)` with vtables that may be NULL for the same defaults.",
        args: &[opt("options", "serde_json::Value", "NumbersOptions", Json)],
        result: "Numbers",
        body: Body::Manual,
    },
    Operation {
        name: "free",
        target: Numbers,
        doc: "Frees the service (C: running the vtables' finalisers).",
        args: &[],
        result: "void",
        body: Body::Manual,
    },
    Operation {
        name: "put_connection",
        target: Numbers,
        doc: "Adds or replaces a telephony connection in the store.",
        args: &[arg("connection", "telnum::Connection", "Connection", Json)],
        result: "void",
        body: run("telnum::ports::NumberStore::put_connection(svc.store(), &connection)"),
    },
    Operation {
        name: "put_sub_account",
        target: Numbers,
        doc: "Adds or replaces a sub-account (`{id, master, tenant}`) in the store; `assign_sub_account` resolves sub-accounts only through it.",
        args: &[arg("sub_account", "telnum::ports::SubAccountRecord", "SubAccountRecord", Json)],
        result: "void",
        body: run("telnum::ports::NumberStore::put_sub_account(svc.store(), &sub_account)"),
    },
    Operation {
        name: "simulate_owned_number",
        target: Numbers,
        doc: "Simulated provider only: gives a connection a number it owns outside the app (to try import and sync).",
        args: &[
            CONNECTION_ID,
            arg("owned", "telnum::ports::OwnedNumber", "OwnedNumber", Json),
        ],
        result: "void",
        body: sync("sim().map(|p| p.add_owned(&connection_id, owned))"),
    },
    Operation {
        name: "simulate_drop_number",
        target: Numbers,
        doc: "Simulated provider only: the number disappears from the connection's account (drift). Answers whether the account owned it.",
        args: &[CONNECTION_ID, arg("e164", "telnum::E164", "E164", Text)],
        result: "boolean",
        body: sync("sim().map(|p| p.drop_owned(&connection_id, &e164))"),
    },
    Operation {
        name: "simulate",
        target: Numbers,
        doc: "Simulated provider only: behave as real providers do at times (`{action: \"hold_orders\", hold}`, `{action: \"settle_orders\", complete}`, `{action: \"rate_limit\", calls, retry_after_seconds}`, `{action: \"fail_after_purchase\", calls}`, `{action: \"drop_number\", connection_id, e164}`). Answers whether it applied.",
        args: &[arg("simulation", "telnum::simulated::Simulation", "Simulation", Json)],
        result: "boolean",
        body: sync("sim().map(|p| p.simulate(&simulation))"),
    },
    Operation {
        name: "list",
        target: Numbers,
        doc: "A page of the tenant's numbers (`query`: `page`/`per_page` (1–100) or `limit`/`offset`, `search`, filters).",
        args: &[ACTOR, opt("query", "telnum::ports::ListQuery", "ListQuery", Json)],
        result: "Page<PhoneNumber>",
        body: run("svc.list(&actor, query.unwrap_or_default())"),
    },
    Operation {
        name: "available",
        target: Numbers,
        doc: "Searches the provider's inventory (`query.country` required).",
        args: &[ACTOR, CONNECTION_ID, arg("query", "telnum::ports::AvailableQuery", "AvailableQuery", Json)],
        result: "AvailableNumber[]",
        body: run("svc.available(&actor, &connection_id, query)"),
    },
    Operation {
        name: "pricing",
        target: Numbers,
        doc: "The provider's price list for a country.",
        args: &[ACTOR, CONNECTION_ID, arg("country", "telnum::Country", "Country", Text)],
        result: "PriceEntry[]",
        body: run("svc.pricing(&actor, &connection_id, country)"),
    },
    Operation {
        name: "countries",
        target: Numbers,
        doc: "Per country: the kinds in stock and whether pricing is known.",
        args: &[ACTOR, CONNECTION_ID],
        result: "CountryOffer[]",
        body: run("svc.countries(&actor, &connection_id)"),
    },
    Operation {
        name: "purchase",
        target: Numbers,
        doc: "Buys numbers, idempotent on `request.idempotency_key`: a retry answers the first result; a concurrent one `idempotency_in_progress`.",
        args: &[ACTOR, arg("request", "telnum::service::PurchaseRequest", "PurchaseRequest", Json)],
        result: "PurchaseResult",
        body: run("svc.purchase(&actor, &request)"),
    },
    Operation {
        name: "import_owned",
        target: Numbers,
        doc: "Imports numbers the provider account already owns (`confirm_replace_webhooks` required).",
        args: &[ACTOR, arg("request", "telnum::service::ImportRequest", "ImportRequest", Json)],
        result: "ImportResult",
        body: run("svc.import_owned(&actor, &request)"),
    },
    Operation {
        name: "owned",
        target: Numbers,
        doc: "The provider account's numbers, each `already_imported` or `not_in_app`.",
        args: &[ACTOR, CONNECTION_ID],
        result: "OwnedEntry[]",
        body: run("svc.owned(&actor, &connection_id)"),
    },
    Operation {
        name: "add_manual",
        target: Numbers,
        doc: "Registers a number the tenant brings (BYOT).",
        args: &[ACTOR, arg("draft", "telnum::screens::ManualDraft", "ManualDraft", Json)],
        result: "Changed",
        body: run("svc.add_manual(&actor, &draft)"),
    },
    Operation {
        name: "get",
        target: Numbers,
        doc: "One number with its connection and allowed actions; `reveal_secrets` (admins) shows SIP credentials.",
        args: &[ACTOR, ID, opt("reveal_secrets", "bool", "boolean", Bool)],
        result: "NumberDetails",
        body: run("svc.get(&actor, &id, reveal_secrets.unwrap_or(false))"),
    },
    Operation {
        name: "audit",
        target: Numbers,
        doc: "A page of the number's audit trail, newest first (`query`: `limit` 1–100, `offset`).",
        args: &[ACTOR, ID, opt("query", "telnum::ports::EventQuery", "EventQuery", Json)],
        result: "Page<AuditEvent>",
        body: run("svc.audit(&actor, &id, query.unwrap_or_default())"),
    },
    Operation {
        name: "update",
        target: Numbers,
        doc: "Changes fields; with `expected_version` a stale write is `version_conflict`. A patch that changes nothing writes nothing.",
        args: &[ACTOR, ID, arg("patch", "telnum::Patch", "Patch", Json), opt("expected_version", "u64", "number", Version)],
        result: "Changed",
        body: run("svc.update(&actor, &id, patch, expected_version)"),
    },
    Operation {
        name: "activate",
        target: Numbers,
        doc: "Activates (needs an active connection bound to the number's tenant).",
        args: &[ACTOR, ID],
        result: "Changed",
        body: run("svc.activate(&actor, &id)"),
    },
    Operation {
        name: "deactivate",
        target: Numbers,
        doc: "Deactivates.",
        args: &[ACTOR, ID],
        result: "Changed",
        body: run("svc.deactivate(&actor, &id)"),
    },
    Operation {
        name: "sync",
        target: Numbers,
        doc: "Reconciles a connection with its provider.",
        args: &[ACTOR, CONNECTION_ID],
        result: "SyncReport",
        body: run("svc.sync(&actor, &connection_id)"),
    },
    Operation {
        name: "sync_account",
        target: Numbers,
        doc: "Reconciles every active connection of the actor's tenant; a failing connection is in `errors` (step `connection`) and does not stop the others.",
        args: &[ACTOR],
        result: "SyncReport",
        body: run("svc.sync_account(&actor)"),
    },
    Operation {
        name: "resync",
        target: Numbers,
        doc: "Re-reads one number from the provider.",
        args: &[ACTOR, ID],
        result: "Changed",
        body: run("svc.resync(&actor, &id)"),
    },
    Operation {
        name: "configure_webhooks",
        target: Numbers,
        doc: "Configures webhooks at the provider, then on the record (`not_supported` when the vendor cannot).",
        args: &[ACTOR, ID, arg("webhooks", "telnum::WebhookConfig", "Partial<WebhookConfig>", Json)],
        result: "Changed",
        body: run("svc.configure_webhooks(&actor, &id, webhooks)"),
    },
    Operation {
        name: "release",
        target: Numbers,
        doc: "Releases: `hard` (the default) deletes the record and leaves an aging tombstone, `soft` keeps it as released. `not_supported` when the vendor cannot release through the API.",
        args: &[ACTOR, ID, opt("mode", "telnum::service::ReleaseMode", "'hard' | 'soft'", Text)],
        result: "Released",
        body: run("svc.release(&actor, &id, mode.unwrap_or_default())"),
    },
    Operation {
        name: "assign_sub_account",
        target: Numbers,
        doc: "Assigns to a sub-account of the number's master account, resolved through the store: `unknown_reference` for an unknown or another tenant's sub-account, `no_master_account`, `sub_account_mismatch`.",
        args: &[ACTOR, ID, arg("sub_account", "telnum::AccountId", "string", Text)],
        result: "Changed",
        body: run("svc.assign_sub_account(&actor, &id, &sub_account)"),
    },
    Operation {
        name: "unassign_sub_account",
        target: Numbers,
        doc: "Moves the number back to the master account: `did_cool_off_in_effect` within the cool-off after its last call, unless an admin forces it.",
        args: &[ACTOR, ID, opt("force", "bool", "boolean", Bool)],
        result: "Changed",
        body: run("svc.unassign_sub_account(&actor, &id, force.unwrap_or(false))"),
    },
    Operation {
        name: "record_call",
        target: Numbers,
        doc: "Records a call at `at`: usage, not a change (no version bump, no event). `call_in_future` for a time more than 300 s ahead of the clock.",
        args: &[ACTOR, ID, arg("at", "chrono::DateTime<chrono::Utc>", "TimeInput", Time)],
        result: "PhoneNumber",
        body: run("svc.record_call(&actor, &id, at)"),
    },
    Operation {
        name: "flag_spam",
        target: Numbers,
        doc: "Flags a number as spam: a `spam_flagged` audit event with `source` (1 to 200 bytes: a carrier label, an analytics feed, a complaint); the record does not change. Hand the events to every pool (`numberChanges`, then `numberChanged`).",
        args: &[ACTOR, ID, arg("source", "String", "string", Text)],
        result: "Changed",
        body: run("svc.flag_spam(&actor, &id, &source)"),
    },
];
