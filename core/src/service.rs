//! The `Numbers` service: every operation of the seed APIs, run over the
//! host's ports ([`NumberStore`], [`Provider`], [`Clock`]).
//!
//! Each operation checks the actor, applies the pure rule
//! ([`crate::lifecycle::apply`] and friends), calls the provider, saves
//! with the expected version and writes the audit events with the record,
//! atomically. The order of the steps is chosen so that a failure never
//! loses a number:
//!
//! - **purchase** claims its idempotency key first (the store's atomic
//!   `put_idempotency`), with one record id per number reserved from the
//!   store's `next_id`. It writes each number's `pending` record *before*
//!   the provider call, and only the request that inserted the record asks
//!   the provider: a number is never bought twice, even from a provider
//!   without idempotency. On a definite refusal (a rate limit, a
//!   non-retryable error) the pending record is resolved (removed, with an
//!   `acquisition_failed` event) and a retry resumes with the same ids. On
//!   an ambiguous failure (a retryable error: the provider may have bought
//!   it), or if the store failed after the provider bought, the record
//!   stays pending and the next [`Numbers::sync`] settles it; retries
//!   answer `idempotency_in_progress` meanwhile. An order the provider
//!   completes later stays pending with its `order_ref`.
//! - **release** calls the provider first; the record changes only once
//!   the provider has let the number go (if the store then fails, sync flags
//!   the record `missing_at_provider`).
//! - **webhooks** are written at the provider first, then on the record.
//!
//! # Tenancy
//!
//! These hold whatever ids a caller sends and whatever the host's store
//! returns:
//!
//! - Another tenant's number, or a connection named as the resource of an
//!   operation (`available`, `pricing`, `owned`, `sync`), answers
//!   `not_found`, exactly as an unknown one does.
//! - Every id a command carries is resolved within the tenant of the
//!   number it acts on (for a superadmin's purchase, import or manual add:
//!   the tenant of the connection it names): the connection of a patch,
//!   purchase, import or manual add, the sub-account of an assignment
//!   (resolved through the store; the master account is the store's, never
//!   the caller's), and the agent and endpoint where the store keeps a
//!   registry of them ([`NumberStore::ref_owner`]). An unknown or foreign
//!   id answers `unknown_reference` naming the field (or, in a wizard
//!   draft, a `validation_failed` problem `unknown_connection`), changes
//!   nothing, and never describes the other tenant.
//! - The service re-checks the tenant and id of everything a store returns
//!   (`get`, `list`, `find_by_e164`, `list_by_connection`, connections,
//!   sub-accounts). A row of another tenant in a list answers
//!   `store_error`; a record's connection of another tenant is treated as
//!   no connection, so no provider call for one tenant's number ever goes
//!   through another tenant's connection.
//! - A hard delete or purge leaves an aging [`Tombstone`]: another tenant
//!   cannot take the number (purchase, import, manual add, sync adoption)
//!   until `aging_seconds` have passed.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::actor::Actor;
use crate::actor::Role;
use crate::cooloff::check_aging;
use crate::country::Country;
use crate::e164::E164;
use crate::error::{Error, FieldProblem, Result};
use crate::events::{AuditEvent, EventKind};
use crate::ids::{AccountId, AgentId, ConnectionId, EndpointId, NumberId, TenantId};
use crate::kind::NumberKind;
use crate::lifecycle::{self, Command, Ctx, Effect, LifecyclePolicy, Outcome, Patch, SubAccount};
use crate::money::Money;
use crate::ports::{
    purchase_charge, AvailableNumber, AvailableQuery, Clock, CountryOffer, EventQuery,
    IdempotencyRecord, ListQuery, NumberStore, OrderStatus, OwnedNumber, Page, PriceEntry,
    Provider, ProviderOrder, ProviderPurchase, RefKind, RefOwner, Tombstone,
};
use crate::record::{
    Connection, ConnectionStatus, NewNumber, NumberStatus, PhoneNumber, ProviderRef, Source,
    WebhookConfig,
};
use crate::screens::{self, ImportDraft, ManualDraft};
use crate::sync::{self, Drift, DEFAULT_PENDING_TIMEOUT_SECONDS};

/// Service settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServiceConfig {
    /// Lifecycle rule settings (cool-off, aging, webhook hosts).
    pub policy: LifecyclePolicy,
    /// Webhooks written at the provider on purchase and import (seed:
    /// "Voice URL and Status Callback set automatically").
    pub default_webhooks: Option<WebhookConfig>,
    /// Pending records younger than this are left alone by sync.
    #[serde(deserialize_with = "crate::time::non_negative")]
    pub pending_timeout_seconds: i64,
}

impl ServiceConfig {
    /// Checks the settings (see [`Numbers::new`]).
    pub fn validate(&self) -> Result<()> {
        self.policy.validate()?;
        crate::time::check_non_negative("pending_timeout_seconds", self.pending_timeout_seconds)?;
        if let Some(w) = &self.default_webhooks {
            let allow = self.policy.allow_internal_webhook_hosts;
            if let Some(u) = &w.voice_url {
                crate::webhook::check_webhook_url("default_webhooks.voice_url", u, allow)?;
            }
            if let Some(u) = &w.status_callback_url {
                crate::webhook::check_webhook_url(
                    "default_webhooks.status_callback_url",
                    u,
                    allow,
                )?;
            }
        }
        Ok(())
    }
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            policy: LifecyclePolicy::default(),
            default_webhooks: None,
            pending_timeout_seconds: DEFAULT_PENDING_TIMEOUT_SECONDS,
        }
    }
}

/// A purchase (seed: Callaro `POST /phone_numbers/purchase` with
/// `country` + `quantity`; kros `POST /phone-numbers` by `inventory_id` or
/// by `e164` + `country` + `type` with `endpointId`; Vobiz purchase from
/// inventory, debiting setup + first month).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PurchaseRequest {
    /// The connection to buy through.
    #[serde(alias = "telephony_connection_id")]
    pub connection_id: Option<ConnectionId>,
    /// Required: a retry with the same key returns the first result.
    pub idempotency_key: String,
    /// API flow: an inventory id.
    pub inventory_id: Option<String>,
    /// Dashboard flow: the number …
    pub e164: Option<String>,
    /// … its country (also the country of a quantity purchase) …
    pub country: Option<Country>,
    /// … and its type.
    #[serde(alias = "type")]
    pub kind: Option<NumberKind>,
    /// Callaro flow: how many numbers of `country` (1 to 100).
    pub quantity: Option<u32>,
    /// Endpoint to attach immediately (kros `endpointId`).
    #[serde(alias = "endpointId")]
    pub endpoint_id: Option<EndpointId>,
    /// Label for the new numbers.
    pub label: Option<String>,
    /// Inbound agent for the new numbers.
    pub inbound_agent: Option<AgentId>,
    /// The account balance, when the host wants the charge checked.
    pub balance: Option<Money>,
}

/// The result of a purchase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PurchaseResult {
    /// The numbers bought (inactive until activated; `pending` with the
    /// provider's `order_ref` when the provider completes the order
    /// later), secrets redacted.
    pub numbers: Vec<PhoneNumber>,
    /// Setup plus first month of every number.
    pub charge: Option<Money>,
    /// The audit events the purchase wrote. A retry that gets the first
    /// result gets the first call's events; one that resumes records of an
    /// earlier attempt gets the events it wrote itself.
    #[serde(default)]
    pub events: Vec<AuditEvent>,
}

/// The result of a command on one number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Changed {
    /// The record after the command, secrets redacted.
    pub number: PhoneNumber,
    /// The audit events the command wrote (none for a patch that changed
    /// nothing).
    pub events: Vec<AuditEvent>,
}

/// The result of a release.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Released {
    /// The kept record of a soft release (secrets redacted); `None` after
    /// a hard one.
    pub number: Option<PhoneNumber>,
    /// The audit events the release wrote.
    pub events: Vec<AuditEvent>,
}

/// An import of owned numbers, with its idempotency key. Its JSON form is
/// the draft's fields beside `idempotency_key`; unknown fields are refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, from = "ImportRequestForm")]
pub struct ImportRequest {
    /// The numbers, connection and confirmation.
    #[serde(flatten)]
    pub draft: ImportDraft,
    /// Required: a retry with the same key returns the first result.
    pub idempotency_key: String,
}

/// The JSON form of [`ImportRequest`] (serde cannot refuse unknown fields
/// through `flatten`).
#[derive(Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ImportRequestForm {
    numbers: Vec<screens::ImportItem>,
    #[serde(alias = "telephony_connection_id")]
    connection_id: Option<String>,
    confirm_replace_webhooks: bool,
    idempotency_key: String,
}

impl From<ImportRequestForm> for ImportRequest {
    fn from(f: ImportRequestForm) -> ImportRequest {
        ImportRequest {
            draft: ImportDraft {
                numbers: f.numbers,
                connection_id: f.connection_id,
                confirm_replace_webhooks: f.confirm_replace_webhooks,
            },
            idempotency_key: f.idempotency_key,
        }
    }
}

/// The result of an import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportResult {
    /// Records created (secrets redacted).
    pub imported: Vec<PhoneNumber>,
    /// Numbers skipped because the tenant already has them.
    pub already_imported: Vec<E164>,
    /// The audit events the import wrote.
    #[serde(default)]
    pub events: Vec<AuditEvent>,
}

/// Whether the app has a number the provider account owns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnedStatus {
    /// "Already imported": the tenant has a live record of it.
    AlreadyImported,
    /// "Not in app yet".
    NotInApp,
}

/// A number in the provider account, and whether the app has it (seed: the
/// owned tab's "Already imported" vs "Not in app yet").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnedEntry {
    /// The provider's entry.
    pub number: OwnedNumber,
    /// Imported or not.
    pub status: OwnedStatus,
    /// The record, when imported.
    pub number_id: Option<NumberId>,
}

/// A number's detail page (seed: kros "details including SIP credentials
/// for routing"; Callaro detail page).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumberDetails {
    /// The record; its SIP password redacted unless an admin asked for
    /// it (`reveal_secrets`).
    pub number: PhoneNumber,
    /// Its connection (auth redacted).
    pub connection: Option<Connection>,
    /// What the page offers this actor.
    pub allowed_actions: screens::AllowedActions,
}

/// How to release (seed: kros `DELETE` default hard, `?action=release` soft).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseMode {
    /// Remove the record.
    #[default]
    Hard,
    /// Keep the record for audit.
    Soft,
}

/// The step of a sync that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncStep {
    /// Reading the connection's numbers at the provider (the whole
    /// connection was skipped).
    Connection,
    /// Adopting a number the provider bills without a record.
    Adopt,
    /// Completing a pending purchase.
    Complete,
    /// Expiring a pending purchase.
    Expire,
    /// Asking the provider about a pending order.
    Order,
    /// Flagging a number missing at the provider.
    Missing,
    /// Clearing the flag of a number the provider has again.
    Reappeared,
    /// Writing the drift events.
    DriftEvents,
}

/// One failure in a sync; run sync again to retry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncFailure {
    /// What was being done.
    pub step: SyncStep,
    /// The connection.
    pub connection_id: ConnectionId,
    /// The record, when the step was about one.
    pub number_id: Option<NumberId>,
    /// The number, when the step was about one.
    pub e164: Option<E164>,
    /// The error's code (see [`crate::error_codes`]).
    pub code: String,
    /// The error's message.
    pub message: String,
    /// True when the same step may succeed if run again later.
    pub retryable: bool,
}

impl SyncFailure {
    fn new(
        step: SyncStep,
        connection_id: &ConnectionId,
        number: Option<(&NumberId, E164)>,
        e: &Error,
    ) -> SyncFailure {
        SyncFailure {
            step,
            connection_id: connection_id.clone(),
            number_id: number.map(|(id, _)| id.clone()),
            e164: number.map(|(_, e)| e),
            code: e.code().into(),
            message: e.to_string(),
            retryable: e.is_retryable(),
        }
    }
}

/// What a sync did. An account-wide sync ([`Numbers::sync_account`])
/// merges the reports of every connection it synced.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncReport {
    /// The connections synced (a failed one is listed in `errors` with
    /// step `connection`).
    #[serde(default)]
    pub connections: Vec<ConnectionId>,
    /// Records created for numbers the provider bills without a record.
    pub adopted: Vec<NumberId>,
    /// Pending records completed.
    pub completed: Vec<NumberId>,
    /// Pending records resolved as failed.
    pub expired: Vec<NumberId>,
    /// Records flagged missing at the provider.
    pub missing: Vec<NumberId>,
    /// Records the provider has again.
    pub reappeared: Vec<NumberId>,
    /// Pending orders the provider still works on.
    #[serde(default)]
    pub still_pending: Vec<NumberId>,
    /// Differences reported (records unchanged).
    pub drift: Vec<Drift>,
    /// Failures, per number or per connection; run sync again to retry
    /// them.
    pub errors: Vec<SyncFailure>,
    /// The audit events the sync wrote.
    #[serde(default)]
    pub events: Vec<AuditEvent>,
}

impl SyncReport {
    fn merge(&mut self, other: SyncReport) {
        self.connections.extend(other.connections);
        self.adopted.extend(other.adopted);
        self.completed.extend(other.completed);
        self.expired.extend(other.expired);
        self.missing.extend(other.missing);
        self.reappeared.extend(other.reappeared);
        self.still_pending.extend(other.still_pending);
        self.drift.extend(other.drift);
        self.errors.extend(other.errors);
        self.events.extend(other.events);
    }
}

/// The largest lead of a recorded call time over the clock: a call later
/// than this is refused with `call_in_future` (a host's clocks may differ
/// by this much, no more).
pub const MAX_CALL_CLOCK_SKEW_SECONDS: i64 = 300;

/// Inventory numbers asked for beyond a quantity purchase's count.
const SPARE_CANDIDATES: usize = 16;

/// How a keyed request stands after [`Numbers::claim`].
enum Claim {
    /// The first request finished: its result.
    Done(Value),
    /// This request runs (first, or resuming an unfinished one) with these
    /// reserved ids.
    Run(IdempotencyRecord),
}

/// The service. `S`, `P`, `C` are the host's store, provider and clock.
#[derive(Debug)]
pub struct Numbers<S, P, C> {
    store: S,
    provider: P,
    clock: C,
    config: ServiceConfig,
}

/// A platform-managed record of a number the connection's account owns
/// (import and adoption by sync).
fn owned_record(
    id: NumberId,
    conn: &Connection,
    o: &OwnedNumber,
    now: DateTime<Utc>,
) -> PhoneNumber {
    let mut r = PhoneNumber::new(
        NewNumber {
            id,
            tenant: conn.tenant.clone(),
            e164: o.e164,
            country: o.country,
            kind: o.kind,
            source: Source::Imported,
            connection_id: Some(conn.id.clone()),
            status: NumberStatus::Inactive,
        },
        now,
    );
    r.account = conn.account.clone();
    r.label = o.label.clone();
    r.capabilities = o.capabilities;
    r.webhooks = o.webhooks.clone();
    r.pricing = o.pricing;
    r.provider = Some(ProviderRef {
        provider: conn.provider.clone(),
        sid: Some(o.sid.clone()),
        order_ref: None,
    });
    r
}

/// A pending record the provider accepted as an order it completes later.
fn has_order(r: &PhoneNumber) -> bool {
    r.provider.as_ref().is_some_and(|p| p.order_ref.is_some())
}

fn canonical<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

impl<S: NumberStore, P: Provider, C: Clock> Numbers<S, P, C> {
    /// A service over the host's ports.
    ///
    /// # Errors
    /// The settings are checked here, once: `invalid_webhook_url` for a
    /// default webhook that is not an https URL to a public host (unless
    /// the policy allows internal hosts), `invalid_input` for a negative
    /// duration.
    pub fn new(store: S, provider: P, clock: C, config: ServiceConfig) -> Result<Self> {
        config.validate()?;
        Ok(Numbers {
            store,
            provider,
            clock,
            config,
        })
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The provider.
    pub fn provider(&self) -> &P {
        &self.provider
    }

    /// The clock.
    pub fn clock(&self) -> &C {
        &self.clock
    }

    /// The settings.
    pub fn config(&self) -> &ServiceConfig {
        &self.config
    }

    // ------------------------------------------------------------ helpers

    async fn load(&self, actor: &Actor, id: &NumberId) -> Result<PhoneNumber> {
        let r = self.store.get(id).await?.ok_or(Error::NotFound)?;
        if &r.id != id {
            return Err(store_broke(
                "get returned another record than the one asked for",
            ));
        }
        actor.check_read(&r.tenant)?;
        Ok(r)
    }

    /// The connection with this id, exactly (whatever the store returned).
    async fn find_connection(&self, id: &ConnectionId) -> Result<Option<Connection>> {
        Ok(self.store.get_connection(id).await?.filter(|c| &c.id == id))
    }

    /// A connection named as the resource of an operation: `not_found`
    /// when unknown or not the actor's to see.
    async fn connection(&self, actor: &Actor, id: &ConnectionId) -> Result<Connection> {
        let c = self.find_connection(id).await?.ok_or(Error::NotFound)?;
        actor.check_read(&c.tenant)?;
        Ok(c)
    }

    /// A connection carried in a request: the actor's own (a superadmin's:
    /// any tenant's, which becomes the target tenant), else
    /// `unknown_reference`.
    async fn connection_ref(&self, actor: &Actor, id: &ConnectionId) -> Result<Connection> {
        match self.find_connection(id).await? {
            Some(c) if actor.check_read(&c.tenant).is_ok() => Ok(c),
            _ => Err(Error::UnknownReference {
                field: "connection_id".into(),
            }),
        }
    }

    /// A connection carried in a command on a number of `tenant`.
    async fn connection_in(&self, tenant: &TenantId, id: &ConnectionId) -> Result<Connection> {
        match self.find_connection(id).await? {
            Some(c) if &c.tenant == tenant => Ok(c),
            _ => Err(Error::UnknownReference {
                field: "connection_id".into(),
            }),
        }
    }

    /// The record's connection; one of another tenant counts as none.
    async fn connection_of(&self, r: &PhoneNumber) -> Result<Option<Connection>> {
        match &r.connection_id {
            Some(id) => Ok(self
                .find_connection(id)
                .await?
                .filter(|c| c.tenant == r.tenant)),
            None => Ok(None),
        }
    }

    /// An agent or endpoint id carried in a command on a number of
    /// `tenant`: accepted when the store does not track that kind,
    /// otherwise it must be the tenant's.
    async fn check_ref(&self, tenant: &TenantId, kind: RefKind, id: &str) -> Result<()> {
        match self.store.ref_owner(kind, id).await? {
            RefOwner::Untracked => Ok(()),
            RefOwner::Tenant(t) if &t == tenant => Ok(()),
            RefOwner::Tenant(_) | RefOwner::Unknown => Err(Error::UnknownReference {
                field: kind.field().into(),
            }),
        }
    }

    /// The agent and endpoint of a patch or request, checked in `tenant`.
    async fn check_refs(
        &self,
        tenant: &TenantId,
        agent: Option<&AgentId>,
        endpoint: Option<&EndpointId>,
    ) -> Result<()> {
        if let Some(a) = agent {
            self.check_ref(tenant, RefKind::Agent, a.as_str()).await?;
        }
        if let Some(e) = endpoint {
            self.check_ref(tenant, RefKind::Endpoint, e.as_str())
                .await?;
        }
        Ok(())
    }

    /// Every record of this number, exactly (whatever the store returned).
    async fn records_of(&self, e164: &E164) -> Result<Vec<PhoneNumber>> {
        let mut v = self.store.find_by_e164(e164).await?;
        v.retain(|r| &r.e164 == e164);
        Ok(v)
    }

    fn ctx<'a>(&'a self, now: DateTime<Utc>, connection: Option<&'a Connection>) -> Ctx<'a> {
        Ctx {
            now,
            connection,
            policy: &self.config.policy,
        }
    }

    /// Saves an outcome with the expected version (and its events). A
    /// deleted record that a tenant held (not a failed purchase) leaves its
    /// aging tombstone, in the same store call.
    async fn save(&self, before: &PhoneNumber, out: &Outcome, now: DateTime<Utc>) -> Result<()> {
        match &out.record {
            Some(r) => self.store.update(r, before.version, &out.events).await,
            None => {
                let tombstone = (before.status != NumberStatus::Pending).then(|| Tombstone {
                    e164: before.e164,
                    tenant: before.tenant.clone(),
                    released_at: before.released_at.unwrap_or(now),
                });
                self.store
                    .delete(&before.id, before.version, tombstone.as_ref(), &out.events)
                    .await
            }
        }
    }

    /// Load, apply, save: for commands without provider effects.
    async fn run(
        &self,
        actor: &Actor,
        id: &NumberId,
        cmd: Command,
        with_connection: bool,
    ) -> Result<Changed> {
        let r = self.load(actor, id).await?;
        let conn = if with_connection {
            self.connection_of(&r).await?
        } else {
            None
        };
        let now = self.clock.now()?;
        let out = lifecycle::apply(&r, &cmd, actor, &self.ctx(now, conn.as_ref()))?;
        self.save(&r, &out, now).await?;
        changed(out)
    }

    /// Claims an idempotency key for `op`, or finds the request that
    /// holds it: its result when it finished, otherwise the ids it
    /// reserved, to resume with (the slot records decide who does what: a
    /// record is inserted once, atomically, and only its inserter asks the
    /// provider). The ids come from [`NumberStore::next_id`], reserved in
    /// the record by the store's atomic `put_idempotency`.
    async fn claim(
        &self,
        actor: &Actor,
        key: &str,
        op: &str,
        request: &str,
        count: usize,
    ) -> Result<Claim> {
        if key.trim().is_empty() || key.len() > 255 {
            return Err(Error::invalid_input(
                "idempotency_key must be 1 to 255 bytes",
            ));
        }
        // Twice: a request that loses the race for the key reads the
        // winner's record.
        for _ in 0..2 {
            match self.store.get_idempotency(&actor.tenant, key).await? {
                Some(rec) if rec.tenant != actor.tenant || rec.key != key => {
                    return Err(store_broke(
                        "get_idempotency returned a record of another tenant or key",
                    ))
                }
                Some(rec) if rec.operation != op || rec.request != request => {
                    return Err(Error::IdempotencyMismatch)
                }
                Some(rec) => {
                    return match rec.response {
                        Some(v) => Ok(Claim::Done(v)),
                        None if rec.reserved_ids.len() == count => Ok(Claim::Run(rec)),
                        None => Err(store_broke(
                            "the idempotency record lost the ids it reserved",
                        )),
                    };
                }
                None => {
                    let mut ids: Vec<NumberId> = Vec::with_capacity(count);
                    for _ in 0..count {
                        let id = self.store.next_id().await?;
                        if ids.contains(&id) {
                            return Err(store_broke("next_id returned the same id twice"));
                        }
                        ids.push(id);
                    }
                    let rec = IdempotencyRecord {
                        tenant: actor.tenant.clone(),
                        key: key.to_string(),
                        operation: op.to_string(),
                        request: request.to_string(),
                        response: None,
                        reserved_ids: ids,
                        created_at: self.clock.now()?,
                    };
                    match self.store.put_idempotency(&rec).await {
                        Ok(()) => return Ok(Claim::Run(rec)),
                        Err(Error::AlreadyExists { .. }) => continue,
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        Err(Error::IdempotencyInProgress)
    }

    /// Stores the result of a keyed request, for its retries.
    async fn finish<T: Serialize>(&self, mut rec: IdempotencyRecord, result: &T) -> Result<()> {
        rec.response =
            Some(serde_json::to_value(result).map_err(|e| Error::invalid_input(e.to_string()))?);
        self.store.complete_idempotency(&rec).await
    }

    /// The reserved record `id` of `tenant`, if it exists (a record of
    /// another tenant under the id is never resumed).
    async fn slot(&self, tenant: &TenantId, id: &NumberId) -> Result<Option<PhoneNumber>> {
        Ok(self
            .store
            .get(id)
            .await?
            .filter(|r| &r.id == id && &r.tenant == tenant))
    }

    /// `already_exists` for a live record of the number; `number_aging`
    /// when another tenant released it too recently (a soft-released
    /// record, or the tombstone of a deleted one).
    async fn check_acquirable(
        &self,
        tenant: &TenantId,
        e164: &E164,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let aging = self.config.policy.aging_seconds;
        for r in self.records_of(e164).await? {
            if r.status != NumberStatus::Released {
                return Err(Error::AlreadyExists {
                    what: e164.to_string(),
                });
            }
            if let Some(at) = r.released_at {
                check_aging(&r.tenant, at, tenant, now, aging)?;
            }
        }
        for t in self.store.tombstones(e164).await? {
            if &t.e164 == e164 {
                check_aging(&t.tenant, t.released_at, tenant, now, aging)?;
            }
        }
        Ok(())
    }

    fn event(kind: EventKind, r: &PhoneNumber, actor: &Actor, now: DateTime<Utc>) -> AuditEvent {
        AuditEvent {
            kind,
            number_id: r.id.clone(),
            e164: r.e164,
            tenant: r.tenant.clone(),
            actor: actor.clone(),
            at: now,
            changes: Vec::new(),
            detail: BTreeMap::new(),
        }
    }

    fn created(r: &PhoneNumber, actor: &Actor, now: DateTime<Utc>, how: &str) -> AuditEvent {
        let mut e = Self::event(EventKind::Created, r, actor, now);
        e.detail.insert("how".into(), Value::from(how));
        e
    }

    // ------------------------------------------------------------ reads

    /// Lists numbers (seed: Callaro `GET /phone_numbers?page=&per_page=`,
    /// kros `GET /phone-numbers?action=assigned&limit=&offset=`, Vobiz list
    /// account numbers, master accounts including sub-accounts). Scoped to
    /// the actor's tenant unless the actor is a superadmin.
    pub async fn list(&self, actor: &Actor, mut query: ListQuery) -> Result<Page<PhoneNumber>> {
        query.window()?;
        if actor.role != Role::Superadmin {
            query.tenant = Some(actor.tenant.clone());
        }
        let mut page = self.store.list(&query).await?;
        if let Some(t) = &query.tenant {
            if page.items.iter().any(|r| &r.tenant != t) {
                return Err(store_broke(
                    "list returned records outside the query's tenant",
                ));
            }
        }
        for r in &mut page.items {
            *r = r.redacted();
        }
        Ok(page)
    }

    /// Searches the provider's inventory (seed: Callaro
    /// `GET /phone_numbers/available?country=`, kros `action=available`
    /// with `country` required, Vobiz list inventory numbers).
    pub async fn available(
        &self,
        actor: &Actor,
        connection_id: &ConnectionId,
        query: AvailableQuery,
    ) -> Result<Vec<AvailableNumber>> {
        let c = self.connection(actor, connection_id).await?;
        if query.country.is_none() && query.inventory_id.is_none() {
            return Err(Error::ValidationFailed {
                problems: vec![FieldProblem {
                    field: "country".into(),
                    code: "required".into(),
                    message: "country is required to search inventory".into(),
                }],
            });
        }
        if query.limit.is_some_and(|l| !(1..=100).contains(&l)) {
            return Err(Error::invalid_input("limit must be 1 to 100"));
        }
        self.purchasable(&c)?;
        self.provider.search_available(&c, &query).await
    }

    fn purchasable(&self, c: &Connection) -> Result<()> {
        if c.status != ConnectionStatus::Active {
            return Err(Error::NotSupported {
                operation: "purchase".into(),
                reason: "connection_inactive".into(),
            });
        }
        if !c.supports.search_purchase {
            return Err(Error::NotSupported {
                operation: "purchase".into(),
                reason: "vendor_does_not_support_purchase".into(),
            });
        }
        Ok(())
    }

    /// The price list of a country (seed: Callaro
    /// `GET /phone_numbers/pricing?country=`).
    pub async fn pricing(
        &self,
        actor: &Actor,
        connection_id: &ConnectionId,
        country: Country,
    ) -> Result<Vec<PriceEntry>> {
        let c = self.connection(actor, connection_id).await?;
        self.provider.pricing(&c, country).await
    }

    /// One number with its connection and what its page offers (seed:
    /// Callaro `GET /phone_numbers/{id}`, kros `GET /phone-numbers/{id}`
    /// "including SIP credentials"). Secrets stay redacted unless
    /// `reveal_secrets` and the actor is an admin.
    pub async fn get(
        &self,
        actor: &Actor,
        id: &NumberId,
        reveal_secrets: bool,
    ) -> Result<NumberDetails> {
        let r = self.load(actor, id).await?;
        let c = self.connection_of(&r).await?;
        Ok(NumberDetails {
            allowed_actions: screens::allowed_actions(&r, actor, c.as_ref())?,
            connection: c.map(|c| c.redacted()),
            number: if reveal_secrets && actor.is_admin() {
                r
            } else {
                r.redacted()
            },
        })
    }

    /// The numbers the provider account owns, marked "already imported" or
    /// "not in app yet" (seed: the owned tab).
    pub async fn owned(
        &self,
        actor: &Actor,
        connection_id: &ConnectionId,
    ) -> Result<Vec<OwnedEntry>> {
        let c = self.connection(actor, connection_id).await?;
        let owned = self.provider.list_owned(&c).await?;
        let records = self.records_of_connection(&c).await?;
        let by_number: HashMap<E164, &PhoneNumber> = records
            .iter()
            .filter(|r| r.status != NumberStatus::Released)
            .map(|r| (r.e164, r))
            .collect();
        Ok(owned
            .into_iter()
            .map(|o| {
                let rec = by_number.get(&o.e164);
                OwnedEntry {
                    status: if rec.is_some() {
                        OwnedStatus::AlreadyImported
                    } else {
                        OwnedStatus::NotInApp
                    },
                    number_id: rec.map(|r| r.id.clone()),
                    number: o,
                }
            })
            .collect())
    }

    // ------------------------------------------------------------ acquisition

    /// Buys numbers. See the module docs for the failure handling.
    ///
    /// # Idempotency
    ///
    /// The key names the intent (what, where, how many; never the host's
    /// balance). The first request reserves one record id per number
    /// ([`NumberStore::next_id`]) in the idempotency record. Each number's
    /// `pending` record is inserted before the provider is asked, and only
    /// the request that inserted it asks: the provider is asked at most
    /// once per key and number, even if it has no idempotency of its own.
    /// A retry gets the first result once it is stored; while the first
    /// request runs, or while a number of it awaits the provider's answer
    /// (after a crash, or an ambiguous provider error, until sync settles
    /// it), it gets `idempotency_in_progress`. A retry after a definite
    /// failure (a provider refusal) resumes with the same ids.
    ///
    /// # Errors
    /// `validation_failed` (no selection, bad quantity, not enough numbers
    /// available), `kind_required`, `not_supported` (connection cannot
    /// purchase), `unknown_reference`, `already_exists` (the chosen number
    /// is taken), `number_aging`, `insufficient_balance`,
    /// `idempotency_mismatch`, `idempotency_in_progress`, `provider_error`,
    /// `provider_rate_limited`, `store_error`.
    pub async fn purchase(&self, actor: &Actor, req: &PurchaseRequest) -> Result<PurchaseResult> {
        actor.check_write(&actor.tenant)?;
        // The fingerprint is the intent (what, where, how many), never host
        // state: a retry after the host debited its balance is the same
        // request.
        let request = canonical(&PurchaseRequest {
            balance: None,
            ..req.clone()
        });
        let count = self.purchase_count(req)?;
        let conn_id = req
            .connection_id
            .clone()
            .ok_or_else(|| problem("connection_id", "required", "a connection is required"))?;
        let conn = self.connection_ref(actor, &conn_id).await?;
        actor.check_write(&conn.tenant)?;
        self.purchasable(&conn)?;
        let tenant = conn.tenant.clone();
        self.check_refs(
            &tenant,
            req.inbound_agent.as_ref(),
            req.endpoint_id.as_ref(),
        )
        .await?;
        let claim = match self
            .claim(actor, &req.idempotency_key, "purchase", &request, count)
            .await?
        {
            Claim::Done(v) => {
                return serde_json::from_value(v).map_err(|e| Error::invalid_input(e.to_string()))
            }
            Claim::Run(rec) => rec,
        };
        let now = self.clock.now()?;

        // Each reserved slot: bought already, awaiting the provider, or
        // still to buy.
        let mut numbers: Vec<Option<PhoneNumber>> = Vec::with_capacity(count);
        let mut fresh = Vec::new();
        for (i, id) in claim.reserved_ids.iter().enumerate() {
            match self.slot(&tenant, id).await? {
                Some(r) if r.status == NumberStatus::Pending && !has_order(&r) => {
                    return Err(Error::IdempotencyInProgress)
                }
                Some(r) => numbers.push(Some(r)),
                None => {
                    numbers.push(None);
                    fresh.push(i);
                }
            }
        }
        let mut events = Vec::new();
        if !fresh.is_empty() {
            let chosen = req.inventory_id.is_some() || req.e164.is_some();
            let candidates = self.candidates(&conn, req, fresh.len()).await?;
            let prices: Vec<_> = candidates
                .iter()
                .take(fresh.len())
                .map(|c| c.pricing)
                .collect();
            self.check_balance(req.balance, purchase_charge(&prices)?)?;
            let mut next = candidates.into_iter();
            for i in fresh {
                let id = &claim.reserved_ids[i];
                let (pending, created) = self
                    .reserve(actor, &conn, id, chosen, &mut next, now)
                    .await?;
                events.extend(created);
                let (record, evs) = self.buy(actor, &conn, req, &pending, i, now).await?;
                events.extend(evs);
                numbers[i] = Some(record);
            }
        }
        let numbers: Vec<PhoneNumber> = numbers.into_iter().flatten().collect();
        let result = PurchaseResult {
            charge: purchase_charge(&numbers.iter().filter_map(|r| r.pricing).collect::<Vec<_>>())?,
            numbers: numbers.iter().map(PhoneNumber::redacted).collect(),
            events,
        };
        self.finish(claim, &result).await?;
        Ok(result)
    }

    fn check_balance(&self, balance: Option<Money>, charge: Option<Money>) -> Result<()> {
        if let (Some(balance), Some(charge)) = (balance, charge) {
            if balance.currency != charge.currency {
                return Err(Error::invalid_input(
                    "balance currency differs from the price currency",
                ));
            }
            if balance.amount_minor < charge.amount_minor {
                return Err(Error::InsufficientBalance {
                    required: charge,
                    available: balance,
                });
            }
        }
        Ok(())
    }

    /// Inserts the `pending` record of slot `id` for the first candidate
    /// that is still free. A chosen number that is taken answers
    /// `already_exists` (or `number_aging`); for a quantity purchase a
    /// number another buyer took meanwhile is skipped for the next one.
    /// The slot taken by a concurrent retry answers
    /// `idempotency_in_progress`.
    async fn reserve(
        &self,
        actor: &Actor,
        conn: &Connection,
        id: &NumberId,
        chosen: bool,
        candidates: &mut impl Iterator<Item = AvailableNumber>,
        now: DateTime<Utc>,
    ) -> Result<(PhoneNumber, Vec<AuditEvent>)> {
        let tenant = &conn.tenant;
        loop {
            let Some(c) = candidates.next() else {
                return Err(problem(
                    "quantity",
                    "not_available",
                    "not enough numbers available",
                ));
            };
            match self.check_acquirable(tenant, &c.e164, now).await {
                Ok(()) => {}
                Err(e) if chosen => return Err(e),
                Err(Error::AlreadyExists { .. } | Error::NumberAging { .. }) => continue,
                Err(e) => return Err(e),
            }
            let mut r = PhoneNumber::new(
                NewNumber {
                    id: id.clone(),
                    tenant: tenant.clone(),
                    e164: c.e164,
                    country: c.country,
                    kind: c.kind,
                    source: Source::Purchased,
                    connection_id: Some(conn.id.clone()),
                    status: NumberStatus::Pending,
                },
                now,
            );
            r.account = conn.account.clone();
            r.capabilities = c.capabilities;
            r.pricing = Some(c.pricing);
            r.provider = Some(ProviderRef {
                provider: conn.provider.clone(),
                sid: None,
                order_ref: None,
            });
            let ev = Self::created(&r, actor, now, "purchase");
            match self.store.insert(&r, std::slice::from_ref(&ev)).await {
                Ok(()) => return Ok((r, vec![ev])),
                Err(Error::AlreadyExists { what }) => {
                    if self.store.get(id).await?.is_some() {
                        // A concurrent retry holds this slot.
                        return Err(Error::IdempotencyInProgress);
                    }
                    if chosen {
                        return Err(Error::AlreadyExists { what });
                    }
                    // Another buyer took this number meanwhile: the next.
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Asks the provider for the number of a `pending` record this request
    /// inserted, and settles the record: completed, pending an order, or
    /// (on a definite refusal) resolved as failed. On an ambiguous error
    /// (`retryable`: the provider may have bought it) the record stays
    /// pending for sync to settle, so that no retry buys it twice.
    async fn buy(
        &self,
        actor: &Actor,
        conn: &Connection,
        req: &PurchaseRequest,
        pending: &PhoneNumber,
        index: usize,
        now: DateTime<Utc>,
    ) -> Result<(PhoneNumber, Vec<AuditEvent>)> {
        let ask = ProviderPurchase {
            inventory_id: None,
            e164: Some(pending.e164),
            country: pending.country,
            kind: pending.kind,
            idempotency_key: format!("{}#{index}", req.idempotency_key),
        };
        let order = match self.provider.purchase(conn, &ask).await {
            Ok(o) => o,
            Err(e) => {
                let definite = matches!(e, Error::ProviderRateLimited { .. })
                    || matches!(
                        e,
                        Error::Provider {
                            retryable: false,
                            ..
                        }
                    );
                if definite {
                    // Resolve the pending record; if that fails, sync
                    // expires it.
                    let cmd = Command::FailAcquisition {
                        reason: e.to_string(),
                    };
                    if let Ok(out) =
                        lifecycle::apply(pending, &cmd, actor, &self.ctx(now, Some(conn)))
                    {
                        let _ = self.save(pending, &out, now).await;
                    }
                }
                return Err(e);
            }
        };
        match order {
            ProviderOrder::Completed(owned) => {
                if owned.e164 != pending.e164 {
                    return Err(Error::provider(
                        conn.provider.clone(),
                        format!("asked for {} and answered {}", pending.e164, owned.e164),
                    ));
                }
                if let Some(w) = &self.config.default_webhooks {
                    self.provider
                        .configure_webhooks(conn, &owned.sid, w)
                        .await?;
                }
                let done = self.complete(pending, &owned, actor, conn, now, req)?;
                self.save(pending, &done, now).await?;
                let record = done.record.ok_or(Error::NotFound)?;
                Ok((record, done.events))
            }
            ProviderOrder::Pending { order_ref } => {
                let mut r = pending.clone();
                if let Some(p) = r.provider.as_mut() {
                    p.order_ref = Some(order_ref.clone());
                }
                r.label = req.label.clone();
                r.inbound_agent = req.inbound_agent.clone();
                r.endpoint_id = req.endpoint_id.clone();
                r.version = pending.version.saturating_add(1);
                r.updated_at = now;
                let mut ev = Self::event(EventKind::OrderPending, &r, actor, now);
                ev.changes = crate::events::diff(pending, &r);
                ev.detail
                    .insert("order_ref".into(), Value::from(order_ref.as_str()));
                self.store
                    .update(&r, pending.version, std::slice::from_ref(&ev))
                    .await?;
                Ok((r, vec![ev]))
            }
        }
    }

    fn purchase_count(&self, req: &PurchaseRequest) -> Result<usize> {
        match (
            req.inventory_id.is_some() || req.e164.is_some(),
            req.quantity,
        ) {
            (true, None) | (true, Some(1)) => Ok(1),
            (true, Some(_)) => Err(problem(
                "quantity",
                "invalid",
                "quantity goes with country, not with a chosen number",
            )),
            (false, Some(q)) if (1..=100).contains(&q) => Ok(q as usize),
            (false, Some(_)) => Err(problem("quantity", "invalid", "quantity must be 1 to 100")),
            (false, None) => Err(problem(
                "inventory_id",
                "required",
                "give inventory_id, or e164 with country and type, or country with quantity",
            )),
        }
    }

    async fn candidates(
        &self,
        conn: &Connection,
        req: &PurchaseRequest,
        n: usize,
    ) -> Result<Vec<AvailableNumber>> {
        let found = if let Some(inv) = &req.inventory_id {
            let q = AvailableQuery {
                inventory_id: Some(inv.clone()),
                ..AvailableQuery::default()
            };
            let all = self.provider.search_available(conn, &q).await?;
            all.into_iter()
                .filter(|a| &a.inventory_id == inv)
                .take(1)
                .collect()
        } else if let Some(text) = &req.e164 {
            let e164 = E164::parse(text, req.country)
                .map_err(|e| problem("e164", e.code(), &e.to_string()))?;
            let country = req
                .country
                .or_else(|| e164.region())
                .ok_or_else(|| problem("country", "required", "country is required"))?;
            let q = AvailableQuery {
                country: Some(country),
                kind: req.kind,
                contains: Some(e164.national_number().to_string()),
                limit: Some(100),
                ..AvailableQuery::default()
            };
            let all = self.provider.search_available(conn, &q).await?;
            all.into_iter().filter(|a| a.e164 == e164).collect()
        } else {
            let country = req
                .country
                .ok_or_else(|| problem("country", "required", "country is required"))?;
            // Without a type, local (fixed-line) numbers: never whatever the
            // inventory lists first (toll-free is the dearest kind).
            // A few spares: a number a concurrent buyer takes meanwhile is
            // skipped for the next one.
            let q = AvailableQuery {
                country: Some(country),
                kind: Some(req.kind.unwrap_or(NumberKind::Local)),
                limit: Some((n + SPARE_CANDIDATES).min(100) as u32),
                ..AvailableQuery::default()
            };
            let found = self.provider.search_available(conn, &q).await?;
            if req.kind.is_none() && found.is_empty() {
                return Err(Error::KindRequired {
                    in_stock: self.kinds_in_stock(conn, country).await?,
                });
            }
            found
        };
        if found.len() < n {
            return Err(problem(
                "quantity",
                "not_available",
                &format!("only {} matching numbers are available", found.len()),
            ));
        }
        Ok(found)
    }

    /// One price line per kind the provider has in stock in `country`.
    async fn kinds_in_stock(&self, conn: &Connection, country: Country) -> Result<Vec<PriceEntry>> {
        let q = AvailableQuery {
            country: Some(country),
            limit: Some(100),
            ..AvailableQuery::default()
        };
        let mut kinds: Vec<PriceEntry> = Vec::new();
        for a in self.provider.search_available(conn, &q).await? {
            if !kinds.iter().any(|k| k.kind == a.kind) {
                kinds.push(PriceEntry {
                    country: a.country,
                    kind: a.kind,
                    pricing: a.pricing,
                });
            }
        }
        Ok(kinds)
    }

    fn complete(
        &self,
        pending: &PhoneNumber,
        owned: &OwnedNumber,
        actor: &Actor,
        conn: &Connection,
        now: DateTime<Utc>,
        req: &PurchaseRequest,
    ) -> Result<Outcome> {
        let ctx = self.ctx(now, Some(conn));
        let cmd = Command::CompleteAcquisition {
            provider: Some(ProviderRef {
                provider: conn.provider.clone(),
                sid: Some(owned.sid.clone()),
                order_ref: None,
            }),
        };
        let mut out = lifecycle::apply(pending, &cmd, actor, &ctx)?;
        let patch = Patch {
            endpoint_id: req.endpoint_id.clone().map(Some),
            label: req.label.clone().map(Some),
            inbound_agent: req.inbound_agent.clone().map(Some),
            capabilities: Some(owned.capabilities),
            ..Patch::default()
        };
        if let Some(mut r) = out.record.take() {
            if let Some(w) = &self.config.default_webhooks {
                r.webhooks = w.clone();
            }
            let second = lifecycle::apply(&r, &Command::Update { patch }, actor, &ctx)?;
            out.events.extend(second.events);
            let mut rec = second.record;
            // One store write: the version moves by one.
            if let Some(x) = rec.as_mut() {
                x.version = pending.version + 1;
            }
            out.record = rec;
        }
        Ok(out)
    }

    /// Imports numbers the provider account already owns (seed: Callaro
    /// `POST /phone_numbers/import_owned`; the import confirm dialog).
    /// Keyed like [`Numbers::purchase`]: the first request reserves one
    /// record id per number, a retry resumes with them or gets the first
    /// result.
    pub async fn import_owned(&self, actor: &Actor, req: &ImportRequest) -> Result<ImportResult> {
        actor.check_write(&actor.tenant)?;
        let request = canonical(req);
        let connections = self
            .draft_connection(actor, req.draft.connection_id.as_deref())
            .await?;
        let valid = screens::validate_import(&req.draft, &connections, actor)?;
        let conn = connections
            .into_iter()
            .find(|c| c.id == valid.connection_id)
            .ok_or(Error::UnknownReference {
                field: "connection_id".into(),
            })?;
        actor.check_write(&conn.tenant)?;
        let claim = match self
            .claim(
                actor,
                &req.idempotency_key,
                "import_owned",
                &request,
                valid.numbers.len(),
            )
            .await?
        {
            Claim::Done(v) => {
                return serde_json::from_value(v).map_err(|e| Error::invalid_input(e.to_string()))
            }
            Claim::Run(rec) => rec,
        };
        let owned: HashMap<E164, OwnedNumber> = self
            .provider
            .list_owned(&conn)
            .await?
            .into_iter()
            .map(|o| (o.e164, o))
            .collect();
        let now = self.clock.now()?;
        let mut problems = Vec::new();
        for (i, item) in valid.numbers.iter().enumerate() {
            if !owned.contains_key(&item.e164) {
                problems.push(FieldProblem {
                    field: format!("numbers[{i}].e164"),
                    code: "not_owned".into(),
                    message: "the provider account does not own this number".into(),
                });
            }
        }
        if !problems.is_empty() {
            return Err(Error::ValidationFailed { problems });
        }
        let mut result = ImportResult {
            imported: Vec::new(),
            already_imported: Vec::new(),
            events: Vec::new(),
        };
        for (item, id) in valid.numbers.iter().zip(&claim.reserved_ids) {
            if let Some(r) = self.slot(&conn.tenant, id).await? {
                result.imported.push(r.redacted());
                continue;
            }
            let existing = self.records_of(&item.e164).await?;
            if existing
                .iter()
                .any(|r| r.status != NumberStatus::Released && r.tenant == conn.tenant)
            {
                result.already_imported.push(item.e164);
                continue;
            }
            self.check_acquirable(&conn.tenant, &item.e164, now).await?;
            let o = &owned[&item.e164];
            if let Some(w) = &self.config.default_webhooks {
                self.provider.configure_webhooks(&conn, &o.sid, w).await?;
            }
            let mut r = owned_record(id.clone(), &conn, o, now);
            r.label = item.label.clone().or_else(|| o.label.clone());
            if let Some(w) = &self.config.default_webhooks {
                r.webhooks = w.clone();
            }
            let ev = Self::created(&r, actor, now, "import_owned");
            match self.store.insert(&r, std::slice::from_ref(&ev)).await {
                Ok(()) => {
                    result.events.push(ev);
                    result.imported.push(r.redacted());
                }
                // A concurrent retry imported this slot.
                Err(Error::AlreadyExists { .. }) => match self.slot(&conn.tenant, id).await? {
                    Some(r) => result.imported.push(r.redacted()),
                    None => {
                        return Err(Error::AlreadyExists {
                            what: item.e164.to_string(),
                        })
                    }
                },
                Err(e) => return Err(e),
            }
        }
        self.finish(claim, &result).await?;
        Ok(result)
    }

    /// Registers a number by hand (BYOT; seed: "Add manually").
    pub async fn add_manual(&self, actor: &Actor, draft: &ManualDraft) -> Result<Changed> {
        let connections = self
            .draft_connection(actor, draft.connection_id.as_deref())
            .await?;
        let v = screens::validate_manual_draft(draft, &connections, actor)?;
        let conn = connections.iter().find(|c| c.id == v.connection_id).ok_or(
            Error::UnknownReference {
                field: "connection_id".into(),
            },
        )?;
        let tenant = conn.tenant.clone();
        actor.check_write(&tenant)?;
        self.check_refs(&tenant, v.inbound_agent.as_ref(), None)
            .await?;
        let now = self.clock.now()?;
        self.check_acquirable(&tenant, &v.e164, now).await?;
        let mut r = PhoneNumber::new(
            NewNumber {
                id: self.store.next_id().await?,
                tenant,
                e164: v.e164,
                country: v.country,
                kind: v.kind,
                source: Source::Manual,
                connection_id: Some(v.connection_id.clone()),
                status: NumberStatus::Inactive,
            },
            now,
        );
        r.label = v.label;
        r.inbound_agent = v.inbound_agent;
        r.allowed_inbound_countries = v.allowed_inbound_countries;
        r.allowed_outbound_countries = v.allowed_outbound_countries;
        r.vendor_fields = v.vendor_fields;
        r.provider = Some(ProviderRef {
            provider: conn.provider.clone(),
            sid: None,
            order_ref: None,
        });
        let ev = Self::created(&r, actor, now, "manual");
        self.store.insert(&r, std::slice::from_ref(&ev)).await?;
        Ok(Changed {
            number: r.redacted(),
            events: vec![ev],
        })
    }

    // ------------------------------------------------------------ changes

    /// Changes fields (seed: Callaro `PATCH /phone_numbers/{id}`, kros
    /// `PATCH /phone-numbers/{id}`). With `expected_version`, a stale
    /// caller gets `version_conflict` (HTTP `If-Match`).
    pub async fn update(
        &self,
        actor: &Actor,
        id: &NumberId,
        patch: Patch,
        expected_version: Option<u64>,
    ) -> Result<Changed> {
        let r = self.load(actor, id).await?;
        actor.check_write(&r.tenant)?;
        if let Some(v) = expected_version {
            lifecycle::check_version(&r, v)?;
        }
        // Every id the patch carries is resolved in the number's tenant.
        let conn = match &patch.connection_id {
            Some(c) => Some(self.connection_in(&r.tenant, c).await?),
            None => self.connection_of(&r).await?,
        };
        self.check_refs(
            &r.tenant,
            patch.inbound_agent.as_ref().and_then(Option::as_ref),
            patch.endpoint_id.as_ref().and_then(Option::as_ref),
        )
        .await?;
        let now = self.clock.now()?;
        let out = lifecycle::apply(
            &r,
            &Command::Update { patch },
            actor,
            &self.ctx(now, conn.as_ref()),
        )?;
        // A patch that changes nothing writes nothing: no version bump, no
        // `updated` event with an empty diff.
        if out.events.iter().all(|e| e.changes.is_empty()) {
            return Ok(Changed {
                number: r.redacted(),
                events: Vec::new(),
            });
        }
        self.save(&r, &out, now).await?;
        changed(out)
    }

    /// Activates (seed: Callaro `POST /phone_numbers/{id}/activate`).
    pub async fn activate(&self, actor: &Actor, id: &NumberId) -> Result<Changed> {
        self.run(actor, id, Command::Activate, true).await
    }

    /// Deactivates (the detail page's Deactivate; kros `status` patch).
    pub async fn deactivate(&self, actor: &Actor, id: &NumberId) -> Result<Changed> {
        self.run(actor, id, Command::Deactivate, false).await
    }

    /// Assigns a parent-pool DID to a sub-account (seed: Vobiz "Assign DID
    /// to Sub-Account"). The sub-account is resolved through the store
    /// ([`NumberStore::get_sub_account`]) within the number's tenant; its
    /// master account is the store's, never the caller's.
    ///
    /// # Errors
    /// `unknown_reference` (field `sub_account`) for an unknown or foreign
    /// sub-account, `no_master_account` for a number without one,
    /// `sub_account_mismatch` for a sub-account of another master,
    /// `already_assigned`.
    pub async fn assign_sub_account(
        &self,
        actor: &Actor,
        id: &NumberId,
        sub_account: &AccountId,
    ) -> Result<Changed> {
        let r = self.load(actor, id).await?;
        actor.check_write(&r.tenant)?;
        let found = self
            .store
            .get_sub_account(sub_account)
            .await?
            .filter(|s| &s.id == sub_account && s.tenant == r.tenant)
            .ok_or(Error::UnknownReference {
                field: "sub_account".into(),
            })?;
        let cmd = Command::AssignToSubAccount {
            sub_account: SubAccount {
                id: found.id,
                master: found.master,
            },
        };
        let now = self.clock.now()?;
        let out = lifecycle::apply(&r, &cmd, actor, &self.ctx(now, None))?;
        self.save(&r, &out, now).await?;
        changed(out)
    }

    /// Moves a DID back to the parent pool under the cool-off; `force` by an
    /// admin waives it (seed: Vobiz "Unassign DID from Sub-Account",
    /// `?force=true`).
    pub async fn unassign_sub_account(
        &self,
        actor: &Actor,
        id: &NumberId,
        force: bool,
    ) -> Result<Changed> {
        self.run(actor, id, Command::UnassignFromSubAccount { force }, false)
            .await
    }

    /// Flags a number as spam (Callaro: "Monitor spam-flag indicators and
    /// remove affected numbers quickly"): writes a `spam_flagged` audit
    /// event, with `source` (who said so: a carrier label, an analytics
    /// feed, a complaint) in its detail. The record itself does not change.
    /// Hand the returned events to every caller-ID pool with
    /// [`crate::pool::NumberChange::from_events`] and
    /// [`crate::CallerIdPool::number_changed`]: each pool holding the
    /// number removes it and answers a pool event.
    ///
    /// # Errors
    /// `not_found` for another tenant's number, `forbidden` for a read-only
    /// actor, `invalid_input` for an empty or over-long `source`.
    pub async fn flag_spam(&self, actor: &Actor, id: &NumberId, source: &str) -> Result<Changed> {
        if source.trim().is_empty() || source.len() > 200 || source.chars().any(char::is_control) {
            return Err(Error::invalid_input(
                "source must be 1 to 200 bytes without control characters",
            ));
        }
        let r = self.load(actor, id).await?;
        actor.check_write(&r.tenant)?;
        let now = self.clock.now()?;
        let mut e = Self::event(EventKind::SpamFlagged, &r, actor, now);
        e.detail.insert("source".into(), Value::from(source));
        self.store.append_events(std::slice::from_ref(&e)).await?;
        Ok(Changed {
            number: r.redacted(),
            events: vec![e],
        })
    }

    /// Records that a number carried a call (drives the cool-off). Usage
    /// is not a change: the store sets `last_call_at` to the later of the
    /// stored one and `at` ([`NumberStore::record_call`]), with no version
    /// bump and no audit event, so it never conflicts with an admin's
    /// edit. Returns the record as it is now (secrets redacted).
    ///
    /// # Errors
    /// `call_in_future` when `at` is more than
    /// [`MAX_CALL_CLOCK_SKEW_SECONDS`] ahead of the clock;
    /// `invalid_transition` for a number that is pending or released.
    pub async fn record_call(
        &self,
        actor: &Actor,
        id: &NumberId,
        at: DateTime<Utc>,
    ) -> Result<PhoneNumber> {
        let mut r = self.load(actor, id).await?;
        let now = self.clock.now()?;
        if at > now + crate::time::seconds(MAX_CALL_CLOCK_SKEW_SECONDS) {
            return Err(Error::CallInFuture {
                max_skew_seconds: MAX_CALL_CLOCK_SKEW_SECONDS,
            });
        }
        // The rule (who may, in which status) without the write.
        lifecycle::apply(&r, &Command::RecordCall { at }, actor, &self.ctx(now, None))?;
        self.store.record_call(id, at).await?;
        r.last_call_at = r.last_call_at.max(Some(at));
        Ok(r.redacted())
    }

    /// Configures webhooks at the provider, then on the record (seed:
    /// Callaro `POST /phone_numbers/{id}/configure_webhooks`).
    pub async fn configure_webhooks(
        &self,
        actor: &Actor,
        id: &NumberId,
        webhooks: WebhookConfig,
    ) -> Result<Changed> {
        let r = self.load(actor, id).await?;
        let conn = self.connection_of(&r).await?;
        let now = self.clock.now()?;
        let out = lifecycle::apply(
            &r,
            &Command::ConfigureWebhooks { webhooks },
            actor,
            &self.ctx(now, conn.as_ref()),
        )?;
        let (Some(conn), Some(sid)) = (conn.as_ref(), r.provider_sid()) else {
            return Err(Error::NotSupported {
                operation: "configure_webhooks".into(),
                reason: "no_provider_sid".into(),
            });
        };
        for e in &out.effects {
            if let Effect::ConfigureWebhooksAtProvider { webhooks } = e {
                self.provider
                    .configure_webhooks(conn, sid, webhooks)
                    .await?;
            }
        }
        self.save(&r, &out, now).await?;
        changed(out)
    }

    /// Releases a number (seed: kros `DELETE /phone-numbers/{id}` hard by
    /// default, `?action=release` soft; Vobiz unrent; Callaro
    /// `POST /phone_numbers/{id}/release`). Platform-managed numbers are
    /// released at the provider first; BYOT numbers only leave the app.
    /// Returns the kept record of a soft release (None after a hard one)
    /// and the events.
    ///
    /// # Errors
    /// `not_supported` when the number is platform-managed and its
    /// connection's vendor does not release through the API
    /// ([`crate::record::VendorSupport::release`]: "Release number
    /// (Twilio-managed only)"), has no provider id, or has no connection.
    pub async fn release(
        &self,
        actor: &Actor,
        id: &NumberId,
        mode: ReleaseMode,
    ) -> Result<Released> {
        let r = self.load(actor, id).await?;
        let cmd = match mode {
            ReleaseMode::Hard => Command::HardDelete,
            ReleaseMode::Soft => Command::SoftRelease,
        };
        let now = self.clock.now()?;
        let out = lifecycle::apply(&r, &cmd, actor, &self.ctx(now, None))?;
        for e in &out.effects {
            if let Effect::ReleaseAtProvider { sid, .. } = e {
                let Some(sid) = sid else {
                    return Err(Error::NotSupported {
                        operation: "release".into(),
                        reason: "no_provider_sid (run resync first)".into(),
                    });
                };
                let conn = self.connection_of(&r).await?.ok_or(Error::NotSupported {
                    operation: "release".into(),
                    reason: "no_connection".into(),
                })?;
                if !conn.supports.release {
                    return Err(Error::NotSupported {
                        operation: "release".into(),
                        reason: "vendor_does_not_support_release".into(),
                    });
                }
                if !r.missing_at_provider {
                    self.provider.release(&conn, sid).await?;
                }
            }
        }
        self.save(&r, &out, now).await?;
        Ok(Released {
            number: out.record.as_ref().map(PhoneNumber::redacted),
            events: out.events,
        })
    }

    /// Re-reads one number from the provider (seed: Callaro
    /// `POST /phone_numbers/{id}/resync`, "Re-sync from Twilio"). A
    /// pending order is asked about ([`Provider::order_status`]) and
    /// completed or resolved when the provider has settled it.
    pub async fn resync(&self, actor: &Actor, id: &NumberId) -> Result<Changed> {
        let r = self.load(actor, id).await?;
        let no = |reason: &str| Error::NotSupported {
            operation: "resync".into(),
            reason: reason.into(),
        };
        let conn = self
            .connection_of(&r)
            .await?
            .ok_or_else(|| no("no_connection"))?;
        let now = self.clock.now()?;
        let cmd = if r.status == NumberStatus::Pending {
            let order = r
                .provider
                .as_ref()
                .and_then(|p| p.order_ref.clone())
                .ok_or_else(|| no("no_provider_sid"))?;
            match self.order_command(&conn, &order).await? {
                Some(cmd) => cmd,
                // Still with the provider: nothing changes.
                None => {
                    return Ok(Changed {
                        number: r.redacted(),
                        events: Vec::new(),
                    })
                }
            }
        } else {
            let sid = r.provider_sid().ok_or_else(|| no("no_provider_sid"))?;
            match self.provider.fetch(&conn, sid).await? {
                Some(o) => Command::MarkResynced {
                    capabilities: Some(o.capabilities),
                    webhooks: Some(o.webhooks),
                },
                None => Command::MarkMissingAtProvider,
            }
        };
        let out = lifecycle::apply(&r, &cmd, actor, &self.ctx(now, Some(&conn)))?;
        self.save(&r, &out, now).await?;
        changed(out)
    }

    /// The command that settles a pending order, or None while the
    /// provider still works on it.
    async fn order_command(&self, conn: &Connection, order_ref: &str) -> Result<Option<Command>> {
        Ok(match self.provider.order_status(conn, order_ref).await? {
            OrderStatus::Pending => None,
            OrderStatus::Completed { number } => Some(Command::CompleteAcquisition {
                provider: Some(ProviderRef {
                    provider: conn.provider.clone(),
                    sid: Some(number.sid),
                    order_ref: None,
                }),
            }),
            OrderStatus::Failed { reason } => Some(Command::FailAcquisition {
                reason: format!("the provider's order {order_ref} failed: {reason}"),
            }),
        })
    }

    /// Reconciles a connection with its provider (seed: Callaro
    /// `POST /phone_numbers/sync`): adopts unrecorded numbers, completes or
    /// expires pending purchases (a pending order is asked about, never
    /// expired), flags numbers missing at the provider, reports drift.
    /// Failures are listed per number; run again to retry them.
    pub async fn sync(&self, actor: &Actor, connection_id: &ConnectionId) -> Result<SyncReport> {
        let conn = self.connection(actor, connection_id).await?;
        actor.check_write(&conn.tenant)?;
        self.sync_connection(actor, &conn).await
    }

    /// Reconciles every active connection of the actor's tenant and merges
    /// the reports (seed: Callaro `POST /phone_numbers/sync` with no
    /// connection). A connection that fails (its provider is down, say)
    /// does not stop the others: it is listed in `errors` with step
    /// `connection`.
    pub async fn sync_account(&self, actor: &Actor) -> Result<SyncReport> {
        actor.check_write(&actor.tenant)?;
        let mut connections = self.store.list_connections(&actor.tenant).await?;
        connections.retain(|c| c.tenant == actor.tenant && c.status == ConnectionStatus::Active);
        connections.sort_by(|a, b| a.id.cmp(&b.id));
        connections.dedup_by(|a, b| a.id == b.id);
        let mut report = SyncReport::default();
        for conn in &connections {
            match self.sync_connection(actor, conn).await {
                Ok(r) => report.merge(r),
                Err(e) => {
                    report.connections.push(conn.id.clone());
                    report
                        .errors
                        .push(SyncFailure::new(SyncStep::Connection, &conn.id, None, &e));
                }
            }
        }
        Ok(report)
    }

    async fn sync_connection(&self, actor: &Actor, conn: &Connection) -> Result<SyncReport> {
        let owned = self.provider.list_owned(conn).await?;
        let records = self.records_of_connection(conn).await?;
        let now = self.clock.now()?;
        let diff = sync::diff(&records, &owned, now, self.config.pending_timeout_seconds);
        let by_id: HashMap<&NumberId, &PhoneNumber> = records.iter().map(|r| (&r.id, r)).collect();
        let ctx = self.ctx(now, Some(conn));
        let mut report = SyncReport {
            connections: vec![conn.id.clone()],
            ..SyncReport::default()
        };
        let fail =
            |report: &mut SyncReport, step: SyncStep, n: Option<(&NumberId, E164)>, e: Error| {
                report.errors.push(SyncFailure::new(step, &conn.id, n, &e));
            };
        for o in &diff.adopt {
            match self.adopt(actor, conn, o, now).await {
                Ok((id, ev)) => {
                    report.adopted.push(id);
                    report.events.push(ev);
                }
                Err(e) => fail(&mut report, SyncStep::Adopt, None, e),
            }
        }
        // Pending orders: the provider says where they stand.
        let mut settled = Vec::new();
        for id in &diff.orders {
            let Some(r) = by_id.get(id) else { continue };
            let order = r.provider.as_ref().and_then(|p| p.order_ref.as_deref());
            match self.order_command(conn, order.unwrap_or_default()).await {
                Ok(Some(cmd)) => settled.push((id, cmd, SyncStep::Order)),
                Ok(None) => report.still_pending.push(id.clone()),
                Err(e) => fail(&mut report, SyncStep::Order, Some((id, r.e164)), e),
            }
        }
        let steps: Vec<(&NumberId, Command, SyncStep)> = diff
            .complete
            .iter()
            .map(|(id, o)| {
                (
                    id,
                    Command::CompleteAcquisition {
                        provider: Some(ProviderRef {
                            provider: conn.provider.clone(),
                            sid: Some(o.sid.clone()),
                            order_ref: None,
                        }),
                    },
                    SyncStep::Complete,
                )
            })
            .chain(diff.expire.iter().map(|id| {
                (
                    id,
                    Command::FailAcquisition {
                        reason: "not at the provider after the pending timeout".into(),
                    },
                    SyncStep::Expire,
                )
            }))
            .chain(
                diff.missing
                    .iter()
                    .map(|id| (id, Command::MarkMissingAtProvider, SyncStep::Missing)),
            )
            .chain(diff.reappeared.iter().map(|(id, o)| {
                (
                    id,
                    Command::MarkResynced {
                        capabilities: Some(o.capabilities),
                        webhooks: Some(o.webhooks.clone()),
                    },
                    SyncStep::Reappeared,
                )
            }))
            .chain(settled)
            .collect();
        for (id, cmd, step) in steps {
            let Some(r) = by_id.get(id) else { continue };
            let res = match lifecycle::apply(r, &cmd, actor, &ctx) {
                Ok(out) => self.save(r, &out, now).await.map(|()| out.events),
                Err(e) => Err(e),
            };
            match res {
                Ok(evs) => {
                    report.events.extend(evs);
                    let list = match (step, &cmd) {
                        (_, Command::CompleteAcquisition { .. }) => &mut report.completed,
                        (_, Command::FailAcquisition { .. }) => &mut report.expired,
                        (SyncStep::Missing, _) => &mut report.missing,
                        _ => &mut report.reappeared,
                    };
                    list.push(id.clone());
                }
                Err(e) => fail(&mut report, step, Some((id, r.e164)), e),
            }
        }
        if !diff.drift.is_empty() {
            let events: Vec<AuditEvent> = diff
                .drift
                .iter()
                .filter_map(|d| by_id.get(&d.number_id).map(|r| (d, r)))
                .map(|(d, r)| {
                    let mut e = Self::event(EventKind::DriftDetected, r, actor, now);
                    e.detail.insert(
                        "fields".into(),
                        serde_json::to_value(&d.fields).unwrap_or(Value::Null),
                    );
                    e
                })
                .collect();
            match self.store.append_events(&events).await {
                Ok(()) => report.events.extend(events),
                Err(e) => fail(&mut report, SyncStep::DriftEvents, None, e),
            }
            report.drift = diff.drift;
        }
        Ok(report)
    }

    /// What the connection's provider sells, per country: the kinds in
    /// stock and whether pricing is known (seed: Callaro "available,
    /// pricing, countries"; the add-number wizard's country and type
    /// lists).
    ///
    /// # Errors
    /// `not_found` for a connection that is unknown or not the actor's,
    /// `not_supported` when it cannot purchase, `provider_error`.
    pub async fn countries(
        &self,
        actor: &Actor,
        connection_id: &ConnectionId,
    ) -> Result<Vec<CountryOffer>> {
        let c = self.connection(actor, connection_id).await?;
        self.purchasable(&c)?;
        let mut offers = self.provider.countries(&c).await?;
        offers.sort_by_key(|o| o.country);
        offers.dedup_by(|a, b| a.country == b.country);
        for o in &mut offers {
            o.kinds.sort();
            o.kinds.dedup();
        }
        Ok(offers)
    }

    /// A page of a number's audit trail, newest first (the detail page's
    /// history).
    ///
    /// # Errors
    /// `not_found` for a number that is unknown or not the actor's,
    /// `invalid_input` for a page size outside 1 to 100, `store_error`
    /// when the store answers events of another number.
    pub async fn audit(
        &self,
        actor: &Actor,
        id: &NumberId,
        query: EventQuery,
    ) -> Result<Page<AuditEvent>> {
        let window = query.window()?;
        let r = self.load(actor, id).await?;
        let page = self.store.list_events(&r.id, window).await?;
        if page
            .items
            .iter()
            .any(|e| e.number_id != r.id || e.tenant != r.tenant)
        {
            return Err(store_broke(
                "list_events returned events of another number or tenant",
            ));
        }
        Ok(page)
    }

    /// The records of a connection, keeping only those of its tenant that
    /// name it (whatever the store returned).
    async fn records_of_connection(&self, conn: &Connection) -> Result<Vec<PhoneNumber>> {
        let mut v = self.store.list_by_connection(&conn.id).await?;
        v.retain(|r| r.tenant == conn.tenant && r.connection_id.as_ref() == Some(&conn.id));
        Ok(v)
    }

    /// The connection a wizard draft names, when the actor may use it (a
    /// superadmin: any tenant's); empty otherwise, so that validation
    /// reports `unknown_connection`.
    async fn draft_connection(&self, actor: &Actor, id: Option<&str>) -> Result<Vec<Connection>> {
        let Some(id) = id.and_then(|s| ConnectionId::new(s).ok()) else {
            return Ok(Vec::new());
        };
        Ok(self
            .find_connection(&id)
            .await?
            .filter(|c| actor.check_read(&c.tenant).is_ok())
            .into_iter()
            .collect())
    }

    async fn adopt(
        &self,
        actor: &Actor,
        conn: &Connection,
        o: &OwnedNumber,
        now: DateTime<Utc>,
    ) -> Result<(NumberId, AuditEvent)> {
        // A live record of this number elsewhere (a BYOT record of this
        // connection, say) takes the number over as platform-managed.
        // The error names the number only: the live record may be another
        // tenant's.
        self.check_acquirable(&conn.tenant, &o.e164, now).await?;
        let id = self.store.next_id().await?;
        let mut r = owned_record(id.clone(), conn, o, now);
        r.last_synced_at = Some(now);
        let ev = Self::created(&r, actor, now, "adopted_by_sync");
        self.store.insert(&r, std::slice::from_ref(&ev)).await?;
        Ok((id, ev))
    }
}

/// The result of a one-record command.
fn changed(out: Outcome) -> Result<Changed> {
    let number = out.record.ok_or(Error::NotFound)?;
    Ok(Changed {
        number: number.redacted(),
        events: out.events,
    })
}

/// The store broke its contract (a row it should not have returned).
fn store_broke(what: &str) -> Error {
    Error::Store {
        message: format!("store contract violated: {what}"),
    }
}

fn problem(field: &str, code: &str, message: &str) -> Error {
    Error::ValidationFailed {
        problems: vec![FieldProblem {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }],
    }
}

#[cfg(test)]
mod tests;
