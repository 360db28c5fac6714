//! The `Numbers` service: every operation of the seed APIs, run over the
//! host's ports ([`NumberStore`], [`Provider`], [`Clock`]).
//!
//! Each operation checks the actor, applies the pure rule
//! ([`crate::lifecycle::apply`] and friends), calls the provider, saves
//! with the expected version and writes the audit events with the record,
//! atomically. The order of the steps is chosen so that a failure never
//! loses a number:
//!
//! - **purchase** writes a `pending` record *before* the provider call. On
//!   a provider refusal the pending record is resolved (removed, with an
//!   `acquisition_failed` event). If the provider bought the number and the
//!   store then failed, the record stays pending and the next
//!   [`Numbers::sync`] completes it; a retry with the same idempotency key
//!   resumes it. Record ids derive from the idempotency key, so a retry
//!   finds the first attempt's records; the provider is asked with the same
//!   key, so it never buys twice.
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
    purchase_charge, AvailableNumber, AvailableQuery, Clock, IdempotencyRecord, ListQuery,
    NumberStore, OwnedNumber, Page, PriceEntry, Provider, ProviderPurchase, RefKind, RefOwner,
    Tombstone,
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
    /// The numbers bought (inactive until activated).
    pub numbers: Vec<PhoneNumber>,
    /// Setup plus first month of every number.
    pub charge: Option<Money>,
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
    /// Records created.
    pub imported: Vec<PhoneNumber>,
    /// Numbers skipped because the tenant already has them.
    pub already_imported: Vec<E164>,
}

/// A number in the provider account, and whether the app has it (seed: the
/// owned tab's "Already imported" vs "Not in app yet").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnedEntry {
    /// The provider's entry.
    pub number: OwnedNumber,
    /// `already_imported` or `not_in_app`.
    pub status: String,
    /// The record, when imported.
    pub number_id: Option<NumberId>,
}

/// A number's detail page (seed: kros "details including SIP credentials
/// for routing"; Callaro detail page).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumberDetails {
    /// The record; SIP secrets redacted unless asked for by an admin.
    pub number: Value,
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

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncReport {
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
    /// Differences reported (records unchanged).
    pub drift: Vec<Drift>,
    /// Per-number failures; run sync again to retry them.
    pub errors: Vec<Value>,
}

/// The service. `S`, `P`, `C` are the host's store, provider and clock.
#[derive(Debug)]
pub struct Numbers<S, P, C> {
    store: S,
    provider: P,
    clock: C,
    config: ServiceConfig,
}

/// FNV-1a, for ids derived from idempotency keys (stable across versions).
fn fnv(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100_0000_01b3);
        }
    }
    h
}

/// A record id derived from stable parts (tenant, idempotency key, index),
/// so a retry finds the first attempt's records.
fn derived_id(parts: &[&str]) -> Result<NumberId> {
    NumberId::new(format!("num_{:016x}", fnv(parts)))
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
    });
    r
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
    ) -> Result<Option<PhoneNumber>> {
        let r = self.load(actor, id).await?;
        let conn = if with_connection {
            self.connection_of(&r).await?
        } else {
            None
        };
        let now = self.clock.now()?;
        let out = lifecycle::apply(&r, &cmd, actor, &self.ctx(now, conn.as_ref()))?;
        self.save(&r, &out, now).await?;
        Ok(out.record)
    }

    async fn check_idempotency(
        &self,
        actor: &Actor,
        key: &str,
        op: &str,
        request: &str,
    ) -> Result<Option<Value>> {
        if key.trim().is_empty() || key.len() > 255 {
            return Err(Error::invalid_input(
                "idempotency_key must be 1 to 255 bytes",
            ));
        }
        match self.store.get_idempotency(&actor.tenant, key).await? {
            Some(rec) if rec.tenant != actor.tenant || rec.key != key => Err(store_broke(
                "get_idempotency returned a record of another tenant or key",
            )),
            Some(rec) if rec.operation == op && rec.request == request => Ok(Some(rec.response)),
            Some(_) => Err(Error::IdempotencyMismatch),
            None => Ok(None),
        }
    }

    async fn remember(
        &self,
        actor: &Actor,
        key: &str,
        op: &str,
        request: String,
        response: Value,
    ) -> Result<()> {
        let rec = IdempotencyRecord {
            tenant: actor.tenant.clone(),
            key: key.to_string(),
            operation: op.to_string(),
            request,
            response,
            created_at: self.clock.now()?,
        };
        match self.store.put_idempotency(&rec).await {
            Err(Error::AlreadyExists { .. }) | Ok(()) => Ok(()),
            Err(e) => Err(e),
        }
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

    fn created(r: &PhoneNumber, actor: &Actor, now: DateTime<Utc>, how: &str) -> AuditEvent {
        let mut detail = BTreeMap::new();
        detail.insert("how".into(), Value::from(how));
        AuditEvent {
            kind: EventKind::Created,
            number_id: r.id.clone(),
            e164: r.e164,
            tenant: r.tenant.clone(),
            actor: actor.clone(),
            at: now,
            changes: Vec::new(),
            detail,
        }
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
        let page = self.store.list(&query).await?;
        if let Some(t) = &query.tenant {
            if page.items.iter().any(|r| &r.tenant != t) {
                return Err(store_broke(
                    "list returned records outside the query's tenant",
                ));
            }
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
        let number = if reveal_secrets && actor.is_admin() {
            r.to_json_with_secrets()
        } else {
            serde_json::to_value(&r).map_err(|e| Error::invalid_input(e.to_string()))?
        };
        Ok(NumberDetails {
            number,
            allowed_actions: screens::allowed_actions(&r, actor, c.as_ref())?,
            connection: c,
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
                        "already_imported"
                    } else {
                        "not_in_app"
                    }
                    .into(),
                    number_id: rec.map(|r| r.id.clone()),
                    number: o,
                }
            })
            .collect())
    }

    // ------------------------------------------------------------ acquisition

    /// Buys numbers. See the module docs for the failure handling.
    ///
    /// # Errors
    /// `validation_failed` (no selection, bad quantity), `not_supported`
    /// (connection cannot purchase), `already_exists`, `number_aging`,
    /// `insufficient_balance`, `idempotency_mismatch`, `provider_error`,
    /// `store_error`.
    pub async fn purchase(&self, actor: &Actor, req: &PurchaseRequest) -> Result<PurchaseResult> {
        actor.check_write(&actor.tenant)?;
        // The fingerprint is the intent (what, where, how many), never host
        // state: a retry after the host debited its balance is the same
        // request.
        let request = canonical(&PurchaseRequest {
            balance: None,
            ..req.clone()
        });
        if let Some(v) = self
            .check_idempotency(actor, &req.idempotency_key, "purchase", &request)
            .await?
        {
            return serde_json::from_value(v).map_err(|e| Error::invalid_input(e.to_string()));
        }
        let conn_id = req
            .connection_id
            .clone()
            .ok_or_else(|| problem("connection_id", "required", "a connection is required"))?;
        let conn = self.connection_ref(actor, &conn_id).await?;
        actor.check_write(&conn.tenant)?;
        self.purchasable(&conn)?;
        let now = self.clock.now()?;
        let tenant = conn.tenant.clone();
        self.check_refs(
            &tenant,
            req.inbound_agent.as_ref(),
            req.endpoint_id.as_ref(),
        )
        .await?;

        // Which numbers: resume the earlier attempt's records first.
        let count = self.purchase_count(req)?;
        let mut slots: Vec<(NumberId, Option<PhoneNumber>)> = Vec::with_capacity(count);
        for i in 0..count {
            let id = derived_id(&[tenant.as_str(), &req.idempotency_key, &i.to_string()])?;
            // Another tenant's record under this id is never resumed.
            let existing = self
                .store
                .get(&id)
                .await?
                .filter(|r| r.id == id && r.tenant == tenant);
            slots.push((id, existing));
        }
        let fresh = slots.iter().filter(|(_, e)| e.is_none()).count();
        let candidates = if fresh > 0 {
            self.candidates(&conn, req, fresh).await?
        } else {
            Vec::new()
        };
        for c in &candidates {
            self.check_acquirable(&tenant, &c.e164, now).await?;
        }
        let prices: Vec<_> = candidates.iter().map(|c| c.pricing).collect();
        let charge = purchase_charge(&prices)?;
        if let (Some(balance), Some(charge)) = (req.balance, charge) {
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

        let mut bought = Vec::with_capacity(count);
        let mut next = candidates.into_iter();
        for (i, (id, existing)) in slots.into_iter().enumerate() {
            let pending = match existing {
                Some(r) if r.status != NumberStatus::Pending => {
                    bought.push(r);
                    continue;
                }
                Some(r) => r,
                None => {
                    let Some(c) = next.next() else { break };
                    let mut r = PhoneNumber::new(
                        NewNumber {
                            id,
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
                    });
                    let ev = Self::created(&r, actor, now, "purchase");
                    self.store.insert(&r, &[ev]).await?;
                    r
                }
            };
            let key = format!("{}#{i}", req.idempotency_key);
            let ask = ProviderPurchase {
                inventory_id: None,
                e164: Some(pending.e164),
                country: pending.country,
                kind: pending.kind,
                idempotency_key: key,
            };
            let owned = match self.provider.purchase(&conn, &ask).await {
                Ok(o) => o,
                Err(e) => {
                    // Resolve the pending record; if that fails, sync expires it.
                    let cmd = Command::FailAcquisition {
                        reason: e.to_string(),
                    };
                    if let Ok(out) =
                        lifecycle::apply(&pending, &cmd, actor, &self.ctx(now, Some(&conn)))
                    {
                        let _ = self.save(&pending, &out, now).await;
                    }
                    return Err(e);
                }
            };
            if let Some(w) = &self.config.default_webhooks {
                self.provider
                    .configure_webhooks(&conn, &owned.sid, w)
                    .await?;
            }
            let done = self.complete(&pending, &owned, actor, &conn, now, req)?;
            self.save(&pending, &done, now).await?;
            bought.extend(done.record);
        }
        if bought.len() != count {
            return Err(problem(
                "quantity",
                "not_available",
                "not enough numbers available",
            ));
        }
        let result = PurchaseResult {
            charge: purchase_charge(&bought.iter().filter_map(|r| r.pricing).collect::<Vec<_>>())?,
            numbers: bought,
        };
        let response =
            serde_json::to_value(&result).map_err(|e| Error::invalid_input(e.to_string()))?;
        self.remember(actor, &req.idempotency_key, "purchase", request, response)
            .await?;
        Ok(result)
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
            self.provider.search_available(conn, &q).await?
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
            let q = AvailableQuery {
                country: Some(country),
                kind: Some(req.kind.unwrap_or(NumberKind::Local)),
                limit: Some(n as u32),
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
        Ok(found.into_iter().take(n).collect())
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
    pub async fn import_owned(&self, actor: &Actor, req: &ImportRequest) -> Result<ImportResult> {
        actor.check_write(&actor.tenant)?;
        let request = canonical(req);
        if let Some(v) = self
            .check_idempotency(actor, &req.idempotency_key, "import_owned", &request)
            .await?
        {
            return serde_json::from_value(v).map_err(|e| Error::invalid_input(e.to_string()));
        }
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
        };
        for (i, item) in valid.numbers.iter().enumerate() {
            let id = derived_id(&[conn.tenant.as_str(), &req.idempotency_key, &i.to_string()])?;
            if let Some(r) = self
                .store
                .get(&id)
                .await?
                .filter(|r| r.id == id && r.tenant == conn.tenant)
            {
                result.imported.push(r);
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
            let mut r = owned_record(id, &conn, o, now);
            r.label = item.label.clone().or_else(|| o.label.clone());
            if let Some(w) = &self.config.default_webhooks {
                r.webhooks = w.clone();
            }
            let ev = Self::created(&r, actor, now, "import_owned");
            self.store.insert(&r, &[ev]).await?;
            result.imported.push(r);
        }
        let response =
            serde_json::to_value(&result).map_err(|e| Error::invalid_input(e.to_string()))?;
        self.remember(
            actor,
            &req.idempotency_key,
            "import_owned",
            request,
            response,
        )
        .await?;
        Ok(result)
    }

    /// Registers a number by hand (BYOT; seed: "Add manually").
    pub async fn add_manual(&self, actor: &Actor, draft: &ManualDraft) -> Result<PhoneNumber> {
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
        });
        let ev = Self::created(&r, actor, now, "manual");
        self.store.insert(&r, &[ev]).await?;
        Ok(r)
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
    ) -> Result<PhoneNumber> {
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
            return Ok(r);
        }
        self.save(&r, &out, now).await?;
        out.record.ok_or(Error::NotFound)
    }

    /// Activates (seed: Callaro `POST /phone_numbers/{id}/activate`).
    pub async fn activate(&self, actor: &Actor, id: &NumberId) -> Result<PhoneNumber> {
        self.run(actor, id, Command::Activate, true)
            .await?
            .ok_or(Error::NotFound)
    }

    /// Deactivates (the detail page's Deactivate; kros `status` patch).
    pub async fn deactivate(&self, actor: &Actor, id: &NumberId) -> Result<PhoneNumber> {
        self.run(actor, id, Command::Deactivate, false)
            .await?
            .ok_or(Error::NotFound)
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
    ) -> Result<PhoneNumber> {
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
        out.record.ok_or(Error::NotFound)
    }

    /// Moves a DID back to the parent pool under the cool-off; `force` by an
    /// admin waives it (seed: Vobiz "Unassign DID from Sub-Account",
    /// `?force=true`).
    pub async fn unassign_sub_account(
        &self,
        actor: &Actor,
        id: &NumberId,
        force: bool,
    ) -> Result<PhoneNumber> {
        self.run(actor, id, Command::UnassignFromSubAccount { force }, false)
            .await?
            .ok_or(Error::NotFound)
    }

    /// Records that a number carried a call (drives the cool-off).
    pub async fn record_call(
        &self,
        actor: &Actor,
        id: &NumberId,
        at: DateTime<Utc>,
    ) -> Result<PhoneNumber> {
        self.run(actor, id, Command::RecordCall { at }, false)
            .await?
            .ok_or(Error::NotFound)
    }

    /// Configures webhooks at the provider, then on the record (seed:
    /// Callaro `POST /phone_numbers/{id}/configure_webhooks`).
    pub async fn configure_webhooks(
        &self,
        actor: &Actor,
        id: &NumberId,
        webhooks: WebhookConfig,
    ) -> Result<PhoneNumber> {
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
        out.record.ok_or(Error::NotFound)
    }

    /// Releases a number (seed: kros `DELETE /phone-numbers/{id}` hard by
    /// default, `?action=release` soft; Vobiz unrent; Callaro
    /// `POST /phone_numbers/{id}/release`). Platform-managed numbers are
    /// released at the provider first; BYOT numbers only leave the app.
    /// Returns the kept record of a soft release, None after a hard one.
    pub async fn release(
        &self,
        actor: &Actor,
        id: &NumberId,
        mode: ReleaseMode,
    ) -> Result<Option<PhoneNumber>> {
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
                if !r.missing_at_provider {
                    self.provider.release(&conn, sid).await?;
                }
            }
        }
        self.save(&r, &out, now).await?;
        Ok(out.record)
    }

    /// Re-reads one number from the provider (seed: Callaro
    /// `POST /phone_numbers/{id}/resync`, "Re-sync from Twilio").
    pub async fn resync(&self, actor: &Actor, id: &NumberId) -> Result<PhoneNumber> {
        let r = self.load(actor, id).await?;
        let sid = r.provider_sid().ok_or(Error::NotSupported {
            operation: "resync".into(),
            reason: "no_provider_sid".into(),
        })?;
        let conn = self.connection_of(&r).await?.ok_or(Error::NotSupported {
            operation: "resync".into(),
            reason: "no_connection".into(),
        })?;
        let cmd = match self.provider.fetch(&conn, sid).await? {
            Some(o) => Command::MarkResynced {
                capabilities: Some(o.capabilities),
                webhooks: Some(o.webhooks),
            },
            None => Command::MarkMissingAtProvider,
        };
        let now = self.clock.now()?;
        let out = lifecycle::apply(&r, &cmd, actor, &self.ctx(now, Some(&conn)))?;
        self.save(&r, &out, now).await?;
        out.record.ok_or(Error::NotFound)
    }

    /// Reconciles a connection with its provider (seed: Callaro
    /// `POST /phone_numbers/sync`): adopts unrecorded numbers, completes or
    /// expires pending purchases, flags numbers missing at the provider,
    /// reports drift. Per-number failures are listed; run again to retry.
    pub async fn sync(&self, actor: &Actor, connection_id: &ConnectionId) -> Result<SyncReport> {
        let conn = self.connection(actor, connection_id).await?;
        actor.check_write(&conn.tenant)?;
        let owned = self.provider.list_owned(&conn).await?;
        let records = self.records_of_connection(&conn).await?;
        let now = self.clock.now()?;
        let diff = sync::diff(&records, &owned, now, self.config.pending_timeout_seconds);
        let by_id: HashMap<&NumberId, &PhoneNumber> = records.iter().map(|r| (&r.id, r)).collect();
        let ctx = self.ctx(now, Some(&conn));
        let mut report = SyncReport::default();
        let fail = |report: &mut SyncReport, what: &str, e: Error| {
            let mut v = e.to_json();
            v["while"] = Value::from(what);
            report.errors.push(v);
        };
        for o in &diff.adopt {
            match self.adopt(actor, &conn, o, now).await {
                Ok(id) => report.adopted.push(id),
                Err(e) => fail(&mut report, &format!("adopt {}", o.e164), e),
            }
        }
        let steps: Vec<(&NumberId, Command, &str)> = diff
            .complete
            .iter()
            .map(|(id, o)| {
                (
                    id,
                    Command::CompleteAcquisition {
                        provider: Some(ProviderRef {
                            provider: conn.provider.clone(),
                            sid: Some(o.sid.clone()),
                        }),
                    },
                    "complete",
                )
            })
            .chain(diff.expire.iter().map(|id| {
                (
                    id,
                    Command::FailAcquisition {
                        reason: "not at the provider after the pending timeout".into(),
                    },
                    "expire",
                )
            }))
            .chain(
                diff.missing
                    .iter()
                    .map(|id| (id, Command::MarkMissingAtProvider, "missing")),
            )
            .chain(diff.reappeared.iter().map(|(id, o)| {
                (
                    id,
                    Command::MarkResynced {
                        capabilities: Some(o.capabilities),
                        webhooks: Some(o.webhooks.clone()),
                    },
                    "reappeared",
                )
            }))
            .collect();
        for (id, cmd, what) in steps {
            let Some(r) = by_id.get(id) else { continue };
            let res = match lifecycle::apply(r, &cmd, actor, &ctx) {
                Ok(out) => self.save(r, &out, now).await,
                Err(e) => Err(e),
            };
            match (res, what) {
                (Ok(()), "complete") => report.completed.push(id.clone()),
                (Ok(()), "expire") => report.expired.push(id.clone()),
                (Ok(()), "missing") => report.missing.push(id.clone()),
                (Ok(()), _) => report.reappeared.push(id.clone()),
                (Err(e), _) => fail(&mut report, &format!("{what} {id}"), e),
            }
        }
        if !diff.drift.is_empty() {
            let events: Vec<AuditEvent> = diff
                .drift
                .iter()
                .filter_map(|d| by_id.get(&d.number_id).map(|r| (d, r)))
                .map(|(d, r)| {
                    let mut detail = BTreeMap::new();
                    detail.insert(
                        "fields".into(),
                        serde_json::to_value(&d.fields).unwrap_or(Value::Null),
                    );
                    AuditEvent {
                        kind: EventKind::DriftDetected,
                        number_id: r.id.clone(),
                        e164: r.e164,
                        tenant: r.tenant.clone(),
                        actor: actor.clone(),
                        at: now,
                        changes: Vec::new(),
                        detail,
                    }
                })
                .collect();
            if let Err(e) = self.store.append_events(&events).await {
                fail(&mut report, "drift events", e);
            }
            report.drift = diff.drift;
        }
        Ok(report)
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
    ) -> Result<NumberId> {
        // A live record of this number elsewhere (a BYOT record of this
        // connection, say) takes the number over as platform-managed.
        // The error names the number only: the live record may be another
        // tenant's.
        self.check_acquirable(&conn.tenant, &o.e164, now).await?;
        let id = derived_id(&[conn.tenant.as_str(), "adopt", o.e164.as_str()])?;
        let mut r = owned_record(id.clone(), conn, o, now);
        r.last_synced_at = Some(now);
        let ev = Self::created(&r, actor, now, "adopted_by_sync");
        self.store.insert(&r, &[ev]).await?;
        Ok(id)
    }
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
