//! Ports: the traits a host implements so that the [`crate::service::Numbers`]
//! service can run over its storage, its telephony provider and its clock.
//!
//! # Async, `Send` where it can be
//!
//! Every port method returns `impl Future<Output = Result<…>> + MaybeSend`.
//! [`MaybeSend`] is `Send` on every target but `wasm32`, where it is
//! nothing: a tokio/sqlx host gets `Send` futures it can `tokio::spawn`,
//! and the WASM binding can implement the ports over JS Promises (which are
//! not `Send`). Implement a port with plain `async fn`s or `async move`
//! blocks:
//!
//! ```
//! use std::future::Future;
//! use chrono::{DateTime, Utc};
//! use telnum::ports::{Clock, MaybeSend, NumberStore};
//! use telnum::{NumberId, Result};
//!
//! // The clock is synchronous. A clock that cannot tell the time answers
//! // an error, and the operation fails with it.
//! struct SystemClock;
//! impl Clock for SystemClock {
//!     fn now(&self) -> Result<DateTime<Utc>> {
//!         Ok(DateTime::<Utc>::from(std::time::SystemTime::now()))
//!     }
//! }
//!
//! // Store methods return futures: an `async move` block (or an
//! // `async fn` in the impl) awaiting the database.
//! async fn next_id_from_db() -> Result<NumberId> {
//!     NumberId::new("num_1")
//! }
//! fn next_id() -> impl Future<Output = Result<NumberId>> + MaybeSend {
//!     async move { next_id_from_db().await }
//! }
//! # let _ = next_id();
//! ```
//!
//! `core/examples/sqlite_store.rs` is a complete store on SQLite.
//!
//! The host's errors come back as [`Error::Store`] and [`Error::Provider`]
//! (codes `store_error`, `provider_error`), or as any other telnum error
//! the host chooses (a store answers `version_conflict` itself).

use std::future::Future;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::country::Country;
use crate::e164::E164;
use crate::error::{Error, Result};
use crate::events::AuditEvent;
use crate::ids::{AccountId, AgentId, ConnectionId, NumberId, TenantId};
use crate::kind::{Capabilities, NumberKind};
use crate::money::Money;
use crate::record::{Connection, NumberStatus, PhoneNumber, Pricing, Source, WebhookConfig};

/// `Send` off `wasm32`; nothing on `wasm32`.
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSend: Send {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Send + ?Sized> MaybeSend for T {}
/// `Send` off `wasm32`; nothing on `wasm32`.
#[cfg(target_arch = "wasm32")]
pub trait MaybeSend {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSend for T {}

/// `Sync` off `wasm32`; nothing on `wasm32`.
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSync: Sync {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Sync + ?Sized> MaybeSync for T {}
/// `Sync` off `wasm32`; nothing on `wasm32`.
#[cfg(target_arch = "wasm32")]
pub trait MaybeSync {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSync for T {}

/// The host's clock. The core never reads one itself.
pub trait Clock: MaybeSend + MaybeSync {
    /// The current time, or an error when the host's clock cannot tell it
    /// (the operation then fails with that error; the service never falls
    /// back to another clock).
    fn now(&self) -> Result<DateTime<Utc>>;
}

/// The default and the largest page size.
pub const DEFAULT_LIMIT: u32 = 20;
/// The largest page size.
pub const MAX_LIMIT: u32 = 100;

/// A list query (seed: Callaro `page`/`per_page`/`search`, kros
/// `limit`/`offset`, Vobiz master accounts including sub-accounts).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ListQuery {
    /// Only this tenant's numbers (None: every tenant — superadmin only;
    /// the service fills it in for everyone else).
    pub tenant: Option<TenantId>,
    /// 1-based page (with `per_page`).
    pub page: Option<u32>,
    /// Page size (with `page`), 1 to 100.
    pub per_page: Option<u32>,
    /// Page size (with `offset`), 1 to 100, default 20.
    pub limit: Option<u32>,
    /// Items to skip (with `limit`).
    pub offset: Option<u32>,
    /// Case-insensitive match on the number's digits or the label.
    pub search: Option<String>,
    /// Filter: status.
    pub status: Option<NumberStatus>,
    /// Filter: country.
    pub country: Option<Country>,
    /// Filter: kind.
    pub kind: Option<NumberKind>,
    /// Filter: connection.
    pub connection_id: Option<ConnectionId>,
    /// Filter: inbound agent.
    pub inbound_agent: Option<AgentId>,
    /// Filter: source.
    pub source: Option<Source>,
    /// Filter: owning (master) account.
    pub account: Option<AccountId>,
    /// With `account`: also numbers assigned to its sub-accounts (default
    /// true, as Vobiz master accounts list them).
    pub include_sub_accounts: Option<bool>,
    /// Filter: assigned to this sub-account.
    pub sub_account: Option<AccountId>,
}

/// A resolved window of a list: `limit` items from `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// Items.
    pub limit: u32,
    /// Skipped.
    pub offset: u32,
}

impl ListQuery {
    /// Resolves page/per_page or limit/offset into a window, or
    /// `invalid_input` (limit 1–100, page ≥ 1; not both styles).
    pub fn window(&self) -> Result<Window> {
        let bad = |m: &str| Err(Error::invalid_input(m));
        let paged = self.page.is_some() || self.per_page.is_some();
        let offsetted = self.limit.is_some() || self.offset.is_some();
        if paged && offsetted {
            return bad("use page/per_page or limit/offset, not both");
        }
        let limit = self.per_page.or(self.limit).unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return bad("limit/per_page must be 1 to 100");
        }
        let offset = if paged {
            let page = self.page.unwrap_or(1);
            if page == 0 {
                return bad("page starts at 1");
            }
            (page - 1)
                .checked_mul(limit)
                .ok_or_else(|| Error::invalid_input("page is too large"))?
        } else {
            self.offset.unwrap_or(0)
        };
        Ok(Window { limit, offset })
    }

    /// True when the query has a filter or a search (besides the tenant
    /// and the window).
    pub fn has_filters(&self) -> bool {
        self.status.is_some()
            || self.country.is_some()
            || self.kind.is_some()
            || self.source.is_some()
            || self.connection_id.is_some()
            || self.inbound_agent.is_some()
            || self.sub_account.is_some()
            || self.account.is_some()
            || self.search.as_deref().is_some_and(|s| !s.trim().is_empty())
    }

    /// True when `r` passes every filter and the search (not the tenant or
    /// the window). Stores may use it, or do the same in SQL.
    pub fn matches(&self, r: &PhoneNumber) -> bool {
        fn opt<T: PartialEq>(f: &Option<T>, v: &T) -> bool {
            f.as_ref().is_none_or(|x| x == v)
        }
        if !(opt(&self.status, &r.status)
            && opt(&self.country, &r.country)
            && opt(&self.kind, &r.kind)
            && opt(&self.source, &r.source))
        {
            return false;
        }
        if self.connection_id.is_some() && self.connection_id != r.connection_id {
            return false;
        }
        if self.inbound_agent.is_some() && self.inbound_agent != r.inbound_agent {
            return false;
        }
        if self.sub_account.is_some() && self.sub_account != r.sub_account {
            return false;
        }
        if let Some(a) = &self.account {
            if r.account.as_ref() != Some(a) {
                return false;
            }
            if !self.include_sub_accounts.unwrap_or(true) && r.sub_account.is_some() {
                return false;
            }
        }
        if let Some(s) = self
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let needle = s.to_lowercase();
            let digits: String = s.chars().filter(char::is_ascii_digit).collect();
            let in_number = !digits.is_empty() && r.e164.digits().contains(&digits);
            let in_label = r
                .label
                .as_deref()
                .is_some_and(|l| l.to_lowercase().contains(&needle));
            if !(in_number || in_label) {
                return false;
            }
        }
        true
    }
}

/// One page of a list, in a stable order (created_at, then id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Items matching the query in all.
    pub total: u64,
    /// The window.
    pub limit: u32,
    /// The window.
    pub offset: u32,
}

/// A stored idempotency record: the first result of a keyed request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdempotencyRecord {
    /// The tenant the key belongs to.
    pub tenant: TenantId,
    /// The client's key.
    pub key: String,
    /// The operation, e.g. `purchase`.
    pub operation: String,
    /// The request's canonical JSON, to detect a reused key.
    pub request: String,
    /// The first result; `None` while the first request is still running
    /// (a retry then resumes with [`IdempotencyRecord::reserved_ids`], or
    /// answers `idempotency_in_progress`).
    #[serde(default)]
    pub response: Option<Value>,
    /// The record ids the first request reserved (from
    /// [`NumberStore::next_id`]), one per number, so that a retry resumes
    /// with the same ids.
    #[serde(default)]
    pub reserved_ids: Vec<NumberId>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A window of a number's audit trail.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EventQuery {
    /// Page size, 1 to 100 (default 20).
    pub limit: Option<u32>,
    /// Events to skip, newest first.
    pub offset: Option<u32>,
}

impl EventQuery {
    /// The window, or `invalid_input` for a page size outside 1 to 100.
    pub fn window(&self) -> Result<Window> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(Error::invalid_input("limit must be 1 to 100"));
        }
        Ok(Window {
            limit,
            offset: self.offset.unwrap_or(0),
        })
    }
}

/// What is left of a number after its record is deleted (a hard delete, or
/// a purge of a soft-released record): enough to keep the number aging, so
/// another tenant cannot take it before `aging_seconds` have passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tombstone {
    /// The number.
    pub e164: E164,
    /// The tenant that held it last.
    pub tenant: TenantId,
    /// When that tenant released it.
    pub released_at: DateTime<Utc>,
}

/// A sub-account as the store knows it (seed: Vobiz sub-accounts under a
/// master account). The service resolves a sub-account id through the
/// store and never trusts a master account a caller claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubAccountRecord {
    /// The sub-account.
    pub id: AccountId,
    /// Its master account.
    pub master: AccountId,
    /// The tenant both belong to.
    pub tenant: TenantId,
}

/// The kinds of ids a command may carry besides numbers, connections and
/// sub-accounts, which a store may or may not keep a registry of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefKind {
    /// An inbound agent (`inbound_agent`).
    Agent,
    /// An endpoint calls route to (`endpoint_id`).
    Endpoint,
}

impl RefKind {
    /// The field that carries this kind of id in a patch or request.
    pub fn field(self) -> &'static str {
        match self {
            RefKind::Agent => "inbound_agent",
            RefKind::Endpoint => "endpoint_id",
        }
    }
}

/// What a store knows of an agent or endpoint id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "owner", content = "tenant", rename_all = "snake_case")]
pub enum RefOwner {
    /// The store keeps no registry of this kind of id: any id is accepted
    /// as the host's own business.
    Untracked,
    /// The store keeps a registry of this kind and does not know the id.
    Unknown,
    /// The id belongs to this tenant.
    Tenant(TenantId),
}

/// Storage of number records, connections, sub-accounts, aging tombstones,
/// audit events and idempotency records.
///
/// # Tenancy: what the service relies on, and what it does not
///
/// The store answers for the ids it is asked about; the service resolves
/// every id a command carries within the tenant of the number it acts on,
/// and re-checks the tenant (and id) of everything a store returns. A store
/// that ignores `query.tenant`, or returns another tenant's row, makes the
/// operation fail with `store_error`; it never shows one tenant's data to
/// another.
pub trait NumberStore: MaybeSend + MaybeSync {
    /// A new record id.
    fn next_id(&self) -> impl Future<Output = Result<NumberId>> + MaybeSend;
    /// The record with this id.
    fn get(&self, id: &NumberId) -> impl Future<Output = Result<Option<PhoneNumber>>> + MaybeSend;
    /// Every record (any tenant, any status) holding this number, oldest
    /// first: at most one is live (not released).
    fn find_by_e164(
        &self,
        e164: &E164,
    ) -> impl Future<Output = Result<Vec<PhoneNumber>>> + MaybeSend;
    /// Inserts a new record and appends its audit events, atomically;
    /// `already_exists` when the id, or a live record with the same number,
    /// exists.
    fn insert(
        &self,
        record: &PhoneNumber,
        events: &[AuditEvent],
    ) -> impl Future<Output = Result<()>> + MaybeSend;
    /// Replaces the record if the stored version is `expected_version`,
    /// and appends its audit events, atomically; otherwise
    /// `version_conflict` (and `not_found` when it is gone). The stored
    /// `last_call_at` never moves back: the store keeps the later of the
    /// stored one and the record's (calls are recorded without a version
    /// bump, see [`NumberStore::record_call`]).
    fn update(
        &self,
        record: &PhoneNumber,
        expected_version: u64,
        events: &[AuditEvent],
    ) -> impl Future<Output = Result<()>> + MaybeSend;
    /// Deletes the record if the stored version is `expected_version`,
    /// keeps its aging `tombstone` (when given) and appends its audit
    /// events, atomically; otherwise `version_conflict` (`not_found` when it
    /// is gone). The service gives a tombstone for every record a tenant
    /// held (hard delete, purge), none for a failed purchase.
    fn delete(
        &self,
        id: &NumberId,
        expected_version: u64,
        tombstone: Option<&Tombstone>,
        events: &[AuditEvent],
    ) -> impl Future<Output = Result<()>> + MaybeSend;
    /// Sets the record's `last_call_at` to the later of the stored one and
    /// `at`, atomically, without a version bump and without an audit event
    /// (usage is not a change); `not_found` when the record is gone.
    fn record_call(
        &self,
        id: &NumberId,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<()>> + MaybeSend;
    /// A page of one number's audit events, newest first (in the order
    /// they were appended, last first); `total` counts them all.
    fn list_events(
        &self,
        number: &NumberId,
        window: Window,
    ) -> impl Future<Output = Result<Page<AuditEvent>>> + MaybeSend;
    /// The aging tombstones of this number, any tenant, any age (a store
    /// may drop those older than the longest aging period it serves).
    fn tombstones(&self, e164: &E164) -> impl Future<Output = Result<Vec<Tombstone>>> + MaybeSend;
    /// A page of records matching `query` (with its tenant set, only that
    /// tenant's), ordered by `created_at` then `id`.
    fn list(
        &self,
        query: &ListQuery,
    ) -> impl Future<Output = Result<Page<PhoneNumber>>> + MaybeSend;
    /// Every record of a connection (for sync).
    fn list_by_connection(
        &self,
        connection: &ConnectionId,
    ) -> impl Future<Output = Result<Vec<PhoneNumber>>> + MaybeSend;
    /// Appends audit events that go with no record change (drift reports).
    fn append_events(&self, events: &[AuditEvent]) -> impl Future<Output = Result<()>> + MaybeSend;
    /// The idempotency record of `(tenant, key)`.
    fn get_idempotency(
        &self,
        tenant: &TenantId,
        key: &str,
    ) -> impl Future<Output = Result<Option<IdempotencyRecord>>> + MaybeSend;
    /// Stores a new idempotency record; `already_exists` if the key is
    /// taken (this is how one of two concurrent requests with the same key
    /// wins: it must be atomic).
    fn put_idempotency(
        &self,
        record: &IdempotencyRecord,
    ) -> impl Future<Output = Result<()>> + MaybeSend;
    /// Replaces the idempotency record of `(record.tenant, record.key)`
    /// with its finished form (the response set); `not_found` when there
    /// is none.
    fn complete_idempotency(
        &self,
        record: &IdempotencyRecord,
    ) -> impl Future<Output = Result<()>> + MaybeSend;
    /// Adds or replaces a connection.
    fn put_connection(
        &self,
        connection: &Connection,
    ) -> impl Future<Output = Result<()>> + MaybeSend;
    /// A connection.
    fn get_connection(
        &self,
        id: &ConnectionId,
    ) -> impl Future<Output = Result<Option<Connection>>> + MaybeSend;
    /// A tenant's connections.
    fn list_connections(
        &self,
        tenant: &TenantId,
    ) -> impl Future<Output = Result<Vec<Connection>>> + MaybeSend;
    /// Adds or replaces a sub-account.
    fn put_sub_account(
        &self,
        sub_account: &SubAccountRecord,
    ) -> impl Future<Output = Result<()>> + MaybeSend;
    /// A sub-account, any tenant (the service checks the tenant).
    fn get_sub_account(
        &self,
        id: &AccountId,
    ) -> impl Future<Output = Result<Option<SubAccountRecord>>> + MaybeSend;
    /// Who owns an agent or endpoint id. The default answers
    /// [`RefOwner::Untracked`]: a store that keeps a registry of agents or
    /// endpoints overrides it, and the service then refuses ids unknown to
    /// the number's tenant with `unknown_reference`.
    fn ref_owner(
        &self,
        kind: RefKind,
        id: &str,
    ) -> impl Future<Output = Result<RefOwner>> + MaybeSend {
        let _ = (kind, id);
        async { Ok(RefOwner::Untracked) }
    }
}

/// An inventory search (seed: Callaro `available?country=`, kros
/// `action=available`, the add-number screen's filters).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AvailableQuery {
    /// Country, required.
    pub country: Option<Country>,
    /// Number type.
    pub kind: Option<NumberKind>,
    /// Area code (NANP NPA or national prefix).
    pub area_code: Option<String>,
    /// Digits the number must contain.
    pub contains: Option<String>,
    /// One inventory entry by its id (kros API flow); country is then
    /// optional.
    pub inventory_id: Option<String>,
    /// At most this many results (default 20, at most 100).
    pub limit: Option<u32>,
}

/// A number the provider offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AvailableNumber {
    /// The provider's inventory id.
    pub inventory_id: String,
    /// The number.
    pub e164: E164,
    /// Its country.
    pub country: Country,
    /// Its type.
    pub kind: NumberKind,
    /// What it can do.
    pub capabilities: Capabilities,
    /// Its price.
    pub pricing: Pricing,
}

/// A price list line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceEntry {
    /// Country.
    pub country: Country,
    /// Type.
    pub kind: NumberKind,
    /// Setup and monthly price.
    pub pricing: Pricing,
}

/// What to buy from the provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderPurchase {
    /// By inventory id (API flow) …
    pub inventory_id: Option<String>,
    /// … or by number (dashboard flow).
    pub e164: Option<E164>,
    /// Country.
    pub country: Country,
    /// Type.
    pub kind: NumberKind,
    /// The request's idempotency key and the number's index in it
    /// (`key#0`, `key#1`, …), for providers that take a key.
    pub idempotency_key: String,
}

/// What a provider answered to a purchase.
///
/// In JSON (JS and C hosts) a completed purchase is the owned number
/// itself; a pending one is `{"order_ref": "..."}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ProviderOrder {
    /// Bought: the account owns the number now.
    Completed(OwnedNumber),
    /// Accepted, to be completed later (a Telnyx number order, a number
    /// held for regulatory review). The record stays `pending` with this
    /// reference; sync and resync complete it through
    /// [`Provider::order_status`], and the pending timeout does not expire
    /// it.
    Pending {
        /// The provider's order reference.
        order_ref: String,
    },
}

impl From<OwnedNumber> for ProviderOrder {
    fn from(o: OwnedNumber) -> ProviderOrder {
        ProviderOrder::Completed(o)
    }
}

/// Where a pending provider order stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case", deny_unknown_fields)]
pub enum OrderStatus {
    /// Still in progress.
    Pending,
    /// Done: the account owns the number.
    Completed {
        /// The number bought.
        number: OwnedNumber,
    },
    /// The provider gave up (rejected by regulatory review, say).
    Failed {
        /// Why, as the provider says it.
        reason: String,
    },
}

/// What a provider sells in one country (seed: Callaro "available,
/// pricing, countries"; the add-number wizard's country and type lists).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountryOffer {
    /// The country.
    pub country: Country,
    /// The kinds of numbers in stock there.
    pub kinds: Vec<NumberKind>,
    /// True when the provider has a price list for the country.
    pub pricing_known: bool,
}

/// A number the provider account owns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnedNumber {
    /// The number.
    pub e164: E164,
    /// The provider's id for it.
    pub sid: String,
    /// Its country.
    pub country: Country,
    /// Its type.
    pub kind: NumberKind,
    /// What it can do.
    #[serde(default)]
    pub capabilities: Capabilities,
    /// Its friendly name at the provider.
    #[serde(default)]
    pub label: Option<String>,
    /// Its webhooks at the provider.
    #[serde(default)]
    pub webhooks: WebhookConfig,
    /// What it costs.
    #[serde(default)]
    pub pricing: Option<Pricing>,
}

/// The telephony provider behind a connection. Every call receives the
/// [`Connection`].
pub trait Provider: MaybeSend + MaybeSync {
    /// Search available inventory.
    fn search_available(
        &self,
        connection: &Connection,
        query: &AvailableQuery,
    ) -> impl Future<Output = Result<Vec<AvailableNumber>>> + MaybeSend;
    /// The price list of a country.
    fn pricing(
        &self,
        connection: &Connection,
        country: Country,
    ) -> impl Future<Output = Result<Vec<PriceEntry>>> + MaybeSend;
    /// The countries the provider sells numbers in, with the kinds in
    /// stock and whether pricing is known.
    fn countries(
        &self,
        connection: &Connection,
    ) -> impl Future<Output = Result<Vec<CountryOffer>>> + MaybeSend;
    /// Buy a number. The service asks at most once per idempotency key
    /// and number (a provider without idempotency of its own, such as
    /// Twilio's purchase call, never buys twice); the key is passed for
    /// providers that take one.
    fn purchase(
        &self,
        connection: &Connection,
        request: &ProviderPurchase,
    ) -> impl Future<Output = Result<ProviderOrder>> + MaybeSend;
    /// Where a pending order stands (see [`ProviderOrder::Pending`]). The
    /// default answers `not_supported`: only a provider that answers
    /// pending orders needs it.
    fn order_status(
        &self,
        connection: &Connection,
        order_ref: &str,
    ) -> impl Future<Output = Result<OrderStatus>> + MaybeSend {
        let _ = (connection, order_ref);
        async {
            Err(Error::NotSupported {
                operation: "order_status".into(),
                reason: "provider_has_no_pending_orders".into(),
            })
        }
    }
    /// Every number the account owns.
    fn list_owned(
        &self,
        connection: &Connection,
    ) -> impl Future<Output = Result<Vec<OwnedNumber>>> + MaybeSend;
    /// One owned number by its id.
    fn fetch(
        &self,
        connection: &Connection,
        sid: &str,
    ) -> impl Future<Output = Result<Option<OwnedNumber>>> + MaybeSend;
    /// Release a number back to the provider.
    fn release(
        &self,
        connection: &Connection,
        sid: &str,
    ) -> impl Future<Output = Result<()>> + MaybeSend;
    /// Write a number's webhooks.
    fn configure_webhooks(
        &self,
        connection: &Connection,
        sid: &str,
        webhooks: &WebhookConfig,
    ) -> impl Future<Output = Result<()>> + MaybeSend;
}

/// The charge of a purchase: setup plus the first month of every number
/// (seed: Vobiz "Debits balance for setup and monthly fees").
pub fn purchase_charge(prices: &[Pricing]) -> Result<Option<Money>> {
    let mut total: Option<Money> = None;
    for p in prices {
        let c = p.first_charge()?;
        total = Some(match total {
            None => c,
            Some(t) => t.checked_add(c)?,
        });
    }
    Ok(total)
}

/// Which port reported an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortKind {
    /// The host's [`NumberStore`].
    Store,
    /// The host's [`Provider`].
    Provider,
}

/// Turns what a host port written in another language reported
/// (`{"code","message",...}`) into a telnum error: `version_conflict` (with
/// `expected`/`actual`), `not_found`, `already_exists` and
/// `idempotency_in_progress` keep their meaning. From a provider,
/// `provider_rate_limited` (or `rate_limited`) becomes
/// [`Error::ProviderRateLimited`] with `retry_after_seconds`; anything else
/// is `provider_error`, with `retryable` as reported (default false) and
/// the host's own code in `provider_code`. From a store, anything else is
/// `store_error` with the message. The WASM and C bindings use it for JS
/// and C ports.
pub fn host_error(port: PortKind, reported: &Value, fallback_message: &str) -> Error {
    let message = reported["message"]
        .as_str()
        .map(String::from)
        .unwrap_or_else(|| fallback_message.to_string());
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let code = reported["code"].as_str();
    match code {
        Some("version_conflict") => Error::VersionConflict {
            expected: reported["expected"].as_u64().unwrap_or(0),
            actual: reported["actual"].as_u64().unwrap_or(0),
        },
        Some("not_found") => Error::NotFound,
        Some("already_exists") => Error::AlreadyExists { what: message },
        Some("idempotency_in_progress") => Error::IdempotencyInProgress,
        _ => match port {
            PortKind::Store => Error::Store { message },
            PortKind::Provider => match code {
                Some("provider_rate_limited" | "rate_limited") => Error::ProviderRateLimited {
                    provider: "host".into(),
                    message,
                    retry_after_seconds: reported["retry_after_seconds"].as_u64(),
                    provider_code: text(&reported["provider_code"]),
                },
                _ => Error::Provider {
                    provider: "host".into(),
                    message,
                    retryable: reported["retryable"].as_bool().unwrap_or(false),
                    provider_code: text(&reported["provider_code"]).or_else(|| {
                        text(&reported["code"]).filter(|c| c.as_str() != "provider_error")
                    }),
                },
            },
        },
    }
}
