//! The JSON form of every pure operation: one function per operation,
//! taking a JSON object of named arguments and returning a JSON value or a
//! coded [`Error`].
//!
//! The WASM and C bindings call these functions directly (their entry
//! points are generated from `telnum::interop::OPERATIONS`, feature
//! `interop`), and the conformance vectors in `tests/vectors/` name them by
//! the same operation names, so Rust, JS and C give the same answer for the
//! same input. `call` and `call_service`, name-keyed runners, exist only as
//! test support (feature `conformance`). Argument objects use the serde
//! forms of the Rust types (snake_case fields, RFC 3339 times, `+…` numbers).
//! A malformed argument object is `invalid_input` naming the problem.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::actor::Actor;
use crate::cooloff;
use crate::country::Country;
use crate::e164::{Format, E164};
use crate::error::{Error, Result};
use crate::ids::TenantId;
use crate::lifecycle::{self, Command, Ctx, LifecyclePolicy};
use crate::pool::{CallOutcome, Callee, CallerIdPool, PickDelta, PoolSpec, Usage};
use crate::ports::OwnedNumber;
use crate::record::{Connection, PhoneNumber};
use crate::restrictions;
use crate::screens::{self, ImportDraft, ManualDraft};

/// Every operation [`call`] knows, in a stable order (the names of
/// `telnum::interop::OPERATIONS`).
#[cfg(feature = "conformance")]
pub const OPS: &[&str] = &[
    "parse_e164",
    "format_e164",
    "apply_command",
    "check_inbound",
    "check_outbound",
    "allowed_actions",
    "add_sources",
    "validate_manual_draft",
    "validate_import",
    "check_cool_off",
    "check_aging",
    "check_version",
    "snapshot_pick",
    "snapshot_apply",
    "snapshot_record_outcome",
    "snapshot_campaign_health",
    "sync_diff",
    "number_changes",
];

/// Every operation [`call_service`] knows, in a stable order.
#[cfg(feature = "conformance")]
pub const SERVICE_OPS: &[&str] = &[
    "list",
    "available",
    "pricing",
    "purchase",
    "import_owned",
    "owned",
    "add_manual",
    "get",
    "update",
    "activate",
    "deactivate",
    "sync",
    "sync_account",
    "resync",
    "configure_webhooks",
    "release",
    "assign_sub_account",
    "unassign_sub_account",
    "record_call",
    "flag_spam",
    "countries",
    "audit",
];

/// Deserialises an argument object, mapping serde errors to `invalid_input`.
pub fn args<T: DeserializeOwned>(v: Value) -> Result<T> {
    if !v.is_object() {
        return Err(Error::invalid_input("arguments must be a JSON object"));
    }
    serde_json::from_value(v).map_err(|e| Error::invalid_input(e.to_string()))
}

fn to_value<T: Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::invalid_input(e.to_string()))
}

/// Runs operation `op` with argument object `args`: a name-keyed runner,
/// test support for the conformance vectors and the fuzz targets (feature
/// `conformance`). The bindings call the per-operation functions.
#[cfg(feature = "conformance")]
pub fn call(op: &str, a: Value) -> Result<Value> {
    match op {
        "parse_e164" => parse_e164(a),
        "format_e164" => format_e164(a),
        "apply_command" => apply(a),
        "check_inbound" => check_inbound(a),
        "check_outbound" => check_outbound(a),
        "allowed_actions" => allowed_actions(a),
        "add_sources" => add_sources(a),
        "validate_manual_draft" => validate_manual_draft(a),
        "validate_import" => validate_import(a),
        "check_cool_off" => check_cool_off(a),
        "check_aging" => check_aging(a),
        "check_version" => check_version(a),
        "snapshot_pick" => pool_pick(a),
        "snapshot_apply" => pool_apply(a),
        "snapshot_record_outcome" => pool_record_outcome(a),
        "snapshot_campaign_health" => campaign_health(a),
        "sync_diff" => sync_diff(a),
        "number_changes" => number_changes(a),
        _ => Err(Error::invalid_input(format!("unknown operation {op:?}"))),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ParseArgs {
    input: String,
    #[serde(default)]
    region: Option<String>,
}

/// `{input, region?}` → [`crate::NumberInfo`].
pub fn parse_e164(a: Value) -> Result<Value> {
    let a: ParseArgs = args(a)?;
    let region = a.region.as_deref().map(Country::new).transpose()?;
    to_value(&E164::parse(&a.input, region)?.info())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FormatArgs {
    e164: String,
    #[serde(default = "default_format")]
    format: Format,
}

fn default_format() -> Format {
    Format::International
}

/// `{e164, format?}` (format: `e164`, `international` (default), `national`,
/// `rfc3966`) → string. `e164` must be canonical.
pub fn format_e164(a: Value) -> Result<Value> {
    let a: FormatArgs = args(a)?;
    Ok(Value::from(E164::from_canonical(&a.e164)?.format(a.format)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApplyArgs {
    record: PhoneNumber,
    #[serde(deserialize_with = "strict_command")]
    command: Command,
    actor: Actor,
    now: DateTime<Utc>,
    #[serde(default)]
    connection: Option<Connection>,
    #[serde(default)]
    policy: LifecyclePolicy,
}

/// A command that refuses unknown fields in every variant: serde ignores
/// extra fields next to the tag of a variant without fields
/// (`{"type":"activate","force":true}`), so every key given must be one
/// the command reads back.
fn strict_command<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Command, D::Error> {
    use serde::de::Error as _;
    let v = Value::deserialize(d)?;
    let c: Command = serde_json::from_value(v.clone()).map_err(D::Error::custom)?;
    let known = serde_json::to_value(&c).map_err(D::Error::custom)?;
    if let (Some(given), Some(known)) = (v.as_object(), known.as_object()) {
        if let Some(k) = given.keys().find(|k| !known.contains_key(*k)) {
            return Err(D::Error::custom(format!(
                "unknown field `{k}` in command `{}`",
                c.name()
            )));
        }
    }
    Ok(c)
}

/// `{record, command, actor, now, connection?, policy?}` →
/// [`crate::Outcome`] (the record in its serde form, secrets redacted).
pub fn apply(a: Value) -> Result<Value> {
    let a: ApplyArgs = args(a)?;
    let ctx = Ctx {
        now: a.now,
        connection: a.connection.as_ref(),
        policy: &a.policy,
    };
    let out = lifecycle::apply(&a.record, &a.command, &a.actor, &ctx)?;
    let mut v = to_value(&out)?;
    // Keep secrets for the caller's own storage: the record goes back in clear.
    if let Some(r) = &out.record {
        v["record"] = r.to_json_with_secrets();
    }
    Ok(v)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CountryArgs {
    record: PhoneNumber,
    country: Country,
}

/// `{record, country}` → `null`, or `country_not_allowed` (inbound).
pub fn check_inbound(a: Value) -> Result<Value> {
    let a: CountryArgs = args(a)?;
    restrictions::check_inbound(&a.record, a.country).map(|()| Value::Null)
}

/// `{record, country}` → `null`, or `country_not_allowed` (outbound).
pub fn check_outbound(a: Value) -> Result<Value> {
    let a: CountryArgs = args(a)?;
    restrictions::check_outbound(&a.record, a.country).map(|()| Value::Null)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionsArgs {
    record: PhoneNumber,
    actor: Actor,
    #[serde(default)]
    connection: Option<Connection>,
}

/// `{record, actor, connection?}` → [`crate::screens::AllowedActions`].
pub fn allowed_actions(a: Value) -> Result<Value> {
    let a: ActionsArgs = args(a)?;
    to_value(&screens::allowed_actions(
        &a.record,
        &a.actor,
        a.connection.as_ref(),
    )?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourcesArgs {
    #[serde(default)]
    connections: Vec<Connection>,
    actor: Actor,
}

/// `{connections, actor}` → [`crate::screens::AddSources`].
pub fn add_sources(a: Value) -> Result<Value> {
    let a: SourcesArgs = args(a)?;
    to_value(&screens::add_sources(&a.connections, &a.actor))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DraftArgs<D> {
    draft: D,
    #[serde(default)]
    connections: Vec<Connection>,
    actor: Actor,
}

/// `{draft, connections, actor}` → [`crate::screens::ValidManualDraft`].
pub fn validate_manual_draft(a: Value) -> Result<Value> {
    let a: DraftArgs<ManualDraft> = args(a)?;
    to_value(&screens::validate_manual_draft(
        &a.draft,
        &a.connections,
        &a.actor,
    )?)
}

/// `{draft, connections, actor}` → [`crate::screens::ValidImport`].
pub fn validate_import(a: Value) -> Result<Value> {
    let a: DraftArgs<ImportDraft> = args(a)?;
    to_value(&screens::validate_import(
        &a.draft,
        &a.connections,
        &a.actor,
    )?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CoolOffArgs {
    #[serde(default)]
    last_call_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    #[serde(default = "default_cool_off")]
    #[serde(deserialize_with = "crate::time::non_negative")]
    cool_off_seconds: i64,
}

fn default_cool_off() -> i64 {
    cooloff::DEFAULT_COOL_OFF_SECONDS
}

/// `{last_call_at?, now, cool_off_seconds?}` → `null`, or
/// `did_cool_off_in_effect`.
pub fn check_cool_off(a: Value) -> Result<Value> {
    let a: CoolOffArgs = args(a)?;
    cooloff::check_cool_off(a.last_call_at, a.now, a.cool_off_seconds).map(|()| Value::Null)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AgingArgs {
    released_by: TenantId,
    released_at: DateTime<Utc>,
    acquirer: TenantId,
    now: DateTime<Utc>,
    #[serde(default = "default_aging")]
    #[serde(deserialize_with = "crate::time::non_negative")]
    aging_seconds: i64,
}

fn default_aging() -> i64 {
    cooloff::DEFAULT_AGING_SECONDS
}

/// `{released_by, released_at, acquirer, now, aging_seconds?}` → `null`, or
/// `number_aging`.
pub fn check_aging(a: Value) -> Result<Value> {
    let a: AgingArgs = args(a)?;
    cooloff::check_aging(
        &a.released_by,
        a.released_at,
        &a.acquirer,
        a.now,
        a.aging_seconds,
    )
    .map(|()| Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_op_is_dispatched_and_garbage_is_invalid_input() {
        for op in OPS {
            for junk in [
                Value::Null,
                json!(1),
                json!("x"),
                json!([]),
                json!({"zzz": 1}),
            ] {
                let e = call(op, junk).unwrap_err();
                assert_eq!(e.code(), "invalid_input", "{op}");
            }
        }
        assert_eq!(call("nope", json!({})).unwrap_err().code(), "invalid_input");
    }

    #[test]
    fn parse_and_format() {
        let v = call(
            "parse_e164",
            json!({"input": "020 7183 8750", "region": "GB"}),
        )
        .unwrap();
        assert_eq!(v["e164"], "+442071838750");
        let f = call(
            "format_e164",
            json!({"e164": "+442071838750", "format": "national"}),
        )
        .unwrap();
        assert_eq!(f, "020 7183 8750");
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VersionArgs {
    record: PhoneNumber,
    expected_version: u64,
}

/// `{record, expected_version}` → `null`, or `version_conflict`.
pub fn check_version(a: Value) -> Result<Value> {
    let a: VersionArgs = args(a)?;
    lifecycle::check_version(&a.record, a.expected_version).map(|()| Value::Null)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangesArgs {
    events: Vec<crate::events::AuditEvent>,
}

/// `{events}` → the number changes pools must follow.
pub fn number_changes(a: Value) -> Result<Value> {
    let a: ChangesArgs = args(a)?;
    to_value(&crate::pool::NumberChange::from_events(&a.events))
}

fn load_pool(spec: PoolSpec, usage: Option<Usage>) -> Result<CallerIdPool> {
    CallerIdPool::with_usage(spec, usage.unwrap_or_default())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PickArgs {
    pool: PoolSpec,
    #[serde(default)]
    usage: Option<Usage>,
    callee: Callee,
    now: DateTime<Utc>,
}

/// `{pool, usage?, callee, now}` → `{pick, usage}`: the pick and the usage
/// after applying its delta (for callers that keep the snapshot themselves).
pub fn pool_pick(a: Value) -> Result<Value> {
    let a: PickArgs = args(a)?;
    let mut pool = load_pool(a.pool, a.usage)?;
    let pick = pool.pick(&a.callee, a.now)?;
    pool.apply(&pick.delta)?;
    Ok(serde_json::json!({ "pick": to_value(&pick)?, "usage": to_value(&pool.usage())? }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PoolApplyArgs {
    pool: PoolSpec,
    #[serde(default)]
    usage: Option<Usage>,
    delta: PickDelta,
}

/// `{pool, usage?, delta}` → `{usage}`.
pub fn pool_apply(a: Value) -> Result<Value> {
    let a: PoolApplyArgs = args(a)?;
    let mut pool = load_pool(a.pool, a.usage)?;
    pool.apply(&a.delta)?;
    Ok(serde_json::json!({ "usage": to_value(&pool.usage())? }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutcomeArgs {
    pool: PoolSpec,
    #[serde(default)]
    usage: Option<Usage>,
    outcome: CallOutcome,
}

/// `{pool, usage?, outcome}` → `{update, pool, usage}` after applying it.
pub fn pool_record_outcome(a: Value) -> Result<Value> {
    let a: OutcomeArgs = args(a)?;
    let mut pool = load_pool(a.pool, a.usage)?;
    let update = pool.record_outcome(&a.outcome)?;
    pool.apply_outcome(&update)?;
    Ok(serde_json::json!({
        "update": to_value(&update)?,
        "pool": to_value(pool.spec())?,
        "usage": to_value(&pool.usage())?,
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HealthArgs {
    pool: PoolSpec,
    #[serde(default)]
    usage: Option<Usage>,
    now: DateTime<Utc>,
}

/// `{pool, usage?, now}` → the Campaign Health rows.
pub fn campaign_health(a: Value) -> Result<Value> {
    let a: HealthArgs = args(a)?;
    to_value(&load_pool(a.pool, a.usage)?.campaign_health(a.now))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SyncDiffArgs {
    records: Vec<PhoneNumber>,
    owned: Vec<OwnedNumber>,
    now: DateTime<Utc>,
    #[serde(default = "default_pending_timeout")]
    #[serde(deserialize_with = "crate::time::non_negative")]
    pending_timeout_seconds: i64,
}

fn default_pending_timeout() -> i64 {
    crate::sync::DEFAULT_PENDING_TIMEOUT_SECONDS
}

/// `{records, owned, now, pending_timeout_seconds?}` → [`crate::sync::SyncDiff`].
pub fn sync_diff(a: Value) -> Result<Value> {
    let a: SyncDiffArgs = args(a)?;
    to_value(&crate::sync::diff(
        &a.records,
        &a.owned,
        a.now,
        a.pending_timeout_seconds,
    ))
}

#[cfg(feature = "conformance")]
pub use by_name::call_service;

/// The name-keyed service runner (test support).
#[cfg(feature = "conformance")]
mod by_name {
    use super::*;
    use crate::ids::{AccountId, ConnectionId, NumberId};
    use crate::lifecycle::Patch;
    use crate::ports::{AvailableQuery, Clock, EventQuery, ListQuery, NumberStore, Provider};
    use crate::record::WebhookConfig;
    use crate::service::{ImportRequest, Numbers, PurchaseRequest, ReleaseMode};

    /// Arguments every service operation takes: the actor, plus its own.
    #[derive(Deserialize)]
    struct ServiceArgs {
        actor: Actor,
        #[serde(default)]
        id: Option<NumberId>,
        #[serde(default)]
        connection_id: Option<ConnectionId>,
        #[serde(flatten)]
        rest: serde_json::Map<String, Value>,
    }

    fn take<T: DeserializeOwned>(
        rest: &mut serde_json::Map<String, Value>,
        key: &str,
    ) -> Result<T> {
        let v = rest.remove(key).unwrap_or(Value::Null);
        serde_json::from_value(v).map_err(|e| Error::invalid_input(format!("{key}: {e}")))
    }

    fn need<T>(v: Option<T>, key: &str) -> Result<T> {
        v.ok_or_else(|| Error::invalid_input(format!("{key} is required")))
    }

    /// Test support (feature `conformance`): runs service operation `op`
    /// by name with argument object `a` (always with
    /// `actor`; `id` for operations on one number; `connection_id` for
    /// connection operations; see [`SERVICE_OPS`] and the README).
    pub async fn call_service<S: NumberStore, P: Provider, C: Clock>(
        svc: &Numbers<S, P, C>,
        op: &str,
        a: Value,
    ) -> Result<Value> {
        if !a.is_object() {
            return Err(Error::invalid_input("arguments must be a JSON object"));
        }
        let ServiceArgs {
            actor,
            id,
            connection_id,
            mut rest,
        } = serde_json::from_value(a).map_err(|e| Error::invalid_input(e.to_string()))?;
        // Refuse unknown arguments before doing anything.
        let allowed: &[&str] = match op {
            "list" | "available" => &["query"],
            "pricing" => &["country"],
            "purchase" | "import_owned" => &["request"],
            "add_manual" => &["draft"],
            "get" => &["reveal_secrets"],
            "update" => &["patch", "expected_version"],
            "configure_webhooks" => &["webhooks"],
            "release" => &["mode"],
            "assign_sub_account" => &["sub_account"],
            "unassign_sub_account" => &["force"],
            "record_call" => &["at"],
            "flag_spam" => &["source"],
            "audit" => &["query"],
            _ => &[],
        };
        if let Some(k) = rest.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(Error::invalid_input(format!(
                "unknown argument {k:?} for {op}"
            )));
        }
        let id = || need(id.clone(), "id");
        let conn = || need(connection_id.clone(), "connection_id");
        let out = match op {
            "list" => {
                let q: Option<ListQuery> = take(&mut rest, "query")?;
                to_value(&svc.list(&actor, q.unwrap_or_default()).await?)
            }
            "available" => {
                let q: Option<AvailableQuery> = take(&mut rest, "query")?;
                to_value(
                    &svc.available(&actor, &conn()?, q.unwrap_or_default())
                        .await?,
                )
            }
            "pricing" => {
                let c: Country = take(&mut rest, "country")?;
                to_value(&svc.pricing(&actor, &conn()?, c).await?)
            }
            "purchase" => {
                let r: PurchaseRequest = take(&mut rest, "request")?;
                to_value(&svc.purchase(&actor, &r).await?)
            }
            "import_owned" => {
                let r: ImportRequest = take(&mut rest, "request")?;
                to_value(&svc.import_owned(&actor, &r).await?)
            }
            "owned" => to_value(&svc.owned(&actor, &conn()?).await?),
            "add_manual" => {
                let d: ManualDraft = take(&mut rest, "draft")?;
                to_value(&svc.add_manual(&actor, &d).await?)
            }
            "get" => {
                let reveal: Option<bool> = take(&mut rest, "reveal_secrets")?;
                to_value(&svc.get(&actor, &id()?, reveal.unwrap_or(false)).await?)
            }
            "update" => {
                let patch: Patch = take(&mut rest, "patch")?;
                let v: Option<u64> = take(&mut rest, "expected_version")?;
                to_value(&svc.update(&actor, &id()?, patch, v).await?)
            }
            "activate" => to_value(&svc.activate(&actor, &id()?).await?),
            "deactivate" => to_value(&svc.deactivate(&actor, &id()?).await?),
            "sync" => to_value(&svc.sync(&actor, &conn()?).await?),
            "sync_account" => to_value(&svc.sync_account(&actor).await?),
            "countries" => to_value(&svc.countries(&actor, &conn()?).await?),
            "audit" => {
                let q: Option<EventQuery> = take(&mut rest, "query")?;
                to_value(&svc.audit(&actor, &id()?, q.unwrap_or_default()).await?)
            }
            "resync" => to_value(&svc.resync(&actor, &id()?).await?),
            "configure_webhooks" => {
                let w: WebhookConfig = take(&mut rest, "webhooks")?;
                to_value(&svc.configure_webhooks(&actor, &id()?, w).await?)
            }
            "release" => {
                let m: Option<ReleaseMode> = take(&mut rest, "mode")?;
                to_value(&svc.release(&actor, &id()?, m.unwrap_or_default()).await?)
            }
            "assign_sub_account" => {
                let sub: AccountId = take(&mut rest, "sub_account")?;
                to_value(&svc.assign_sub_account(&actor, &id()?, &sub).await?)
            }
            "unassign_sub_account" => {
                let force: Option<bool> = take(&mut rest, "force")?;
                to_value(
                    &svc.unassign_sub_account(&actor, &id()?, force.unwrap_or(false))
                        .await?,
                )
            }
            "record_call" => {
                let at: DateTime<Utc> = take(&mut rest, "at")?;
                to_value(&svc.record_call(&actor, &id()?, at).await?)
            }
            "flag_spam" => {
                let source: String = take(&mut rest, "source")?;
                to_value(&svc.flag_spam(&actor, &id()?, &source).await?)
            }
            _ => {
                return Err(Error::invalid_input(format!(
                    "unknown service operation {op:?}"
                )))
            }
        }?;
        Ok(out)
    }
}
