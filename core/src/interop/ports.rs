//! One adapter from a host's store and provider to the ports, for both
//! bindings.
//!
//! A binding implements [`Host`] for its calling convention (JS: a method
//! call whose value or Promise is awaited; C: a vtable callback that fills
//! a buffer) and gets [`Store`] and [`Prov`], which run either the embedded
//! defaults or the host's port. What is stated once, here:
//! - the operation names ([`PortOp::name`] in C, [`PortOp::js_name`] in JS)
//!   and their arguments, in order, as JSON values: records and
//!   connections in their storage form (secrets in clear);
//! - how a result is read (a shape that does not fit is `store_error` or
//!   `provider_error` naming the operation);
//! - how a reported error is mapped ([`crate::ports::host_error`]), and that a
//!   `version_conflict` reported without its versions is completed with the
//!   version the service expected and the version in the store.

// The impls spell out the trait's `impl Future + MaybeSend` signatures.
#![allow(clippy::manual_async_fn)]

use std::future::Future;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::memory::MemoryStore;
use crate::ports::{
    host_error, AvailableNumber, AvailableQuery, CountryOffer, IdempotencyRecord, ListQuery,
    MaybeSend, MaybeSync, NumberStore, OrderStatus, OwnedNumber, Page, PortKind, PriceEntry,
    Provider, ProviderOrder, ProviderPurchase, RefKind, RefOwner, SubAccountRecord, Tombstone,
    Window,
};
use crate::simulated::SimulatedProvider;
use crate::{
    AccountId, AuditEvent, Connection, ConnectionId, Country, Error, NumberId, PhoneNumber, Result,
    TenantId, WebhookConfig, E164,
};

macro_rules! port_ops {
    ($($variant:ident $name:literal $js:literal,)*) => {
        /// Every operation of the two ports.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum PortOp {
            $(
                #[doc = concat!("`", $name, "` (JS `", $js, "`).")]
                $variant,
            )*
        }

        impl PortOp {
            /// Every operation, store first.
            pub const ALL: &'static [PortOp] = &[$(PortOp::$variant),*];

            /// The snake_case name (C callbacks receive it as `op`).
            pub fn name(self) -> &'static str {
                match self { $(PortOp::$variant => $name,)* }
            }

            /// The method name of a JS port object.
            pub fn js_name(self) -> &'static str {
                match self { $(PortOp::$variant => $js,)* }
            }
        }
    };
}

port_ops! {
    NextId "next_id" "nextId",
    Get "get" "get",
    FindByE164 "find_by_e164" "findByE164",
    Insert "insert" "insert",
    Update "update" "update",
    Delete "delete" "delete",
    RecordCall "record_call" "recordCall",
    ListEvents "list_events" "listEvents",
    Tombstones "tombstones" "tombstones",
    List "list" "list",
    ListByConnection "list_by_connection" "listByConnection",
    AppendEvents "append_events" "appendEvents",
    GetIdempotency "get_idempotency" "getIdempotency",
    PutIdempotency "put_idempotency" "putIdempotency",
    CompleteIdempotency "complete_idempotency" "completeIdempotency",
    PutConnection "put_connection" "putConnection",
    GetConnection "get_connection" "getConnection",
    ListConnections "list_connections" "listConnections",
    PutSubAccount "put_sub_account" "putSubAccount",
    GetSubAccount "get_sub_account" "getSubAccount",
    RefOwner "ref_owner" "refOwner",
    SearchAvailable "search_available" "searchAvailable",
    Pricing "pricing" "pricing",
    Countries "countries" "countries",
    Purchase "purchase" "purchase",
    OrderStatus "order_status" "orderStatus",
    ListOwned "list_owned" "listOwned",
    Fetch "fetch" "fetch",
    Release "release" "release",
    ConfigureWebhooks "configure_webhooks" "configureWebhooks",
}

impl PortOp {
    /// The port the operation belongs to.
    pub fn port(self) -> PortKind {
        if (self as usize) < (PortOp::SearchAvailable as usize) {
            PortKind::Store
        } else {
            PortKind::Provider
        }
    }

    /// Whether a host may leave it out (`order_status`: a provider that
    /// never answers a purchase with an order).
    pub fn optional(self) -> bool {
        self == PortOp::OrderStatus
    }
}

/// What a host's port reported instead of a result: the thrown or written
/// value as JSON (`{"code":"version_conflict","expected":1,"actual":2}`,
/// or anything) and a message for when it carries none.
#[derive(Debug, Clone)]
pub struct Reported {
    /// The reported value (`null` when there was none).
    pub value: Value,
    /// A message describing the failure.
    pub message: String,
}

/// A host's ports in its own calling convention.
pub trait Host: MaybeSend + MaybeSync {
    /// Runs `op` with `args` (JSON values, in the order [`Store`] and
    /// [`Prov`] pass them) and answers its JSON result (`null` for none).
    fn call(
        &self,
        op: PortOp,
        args: Vec<Value>,
    ) -> impl Future<Output = std::result::Result<Value, Reported>> + MaybeSend;

    /// Whether the host implements `op` (asked for optional operations).
    fn has(&self, op: PortOp) -> bool;
}

fn v<T: Serialize + ?Sized>(x: &T) -> Value {
    serde_json::to_value(x).unwrap_or(Value::Null)
}

fn failure(port: PortKind, message: String) -> Error {
    match port {
        PortKind::Store => Error::Store { message },
        PortKind::Provider => Error::provider("host", message),
    }
}

/// Calls a host operation and reads its result.
async fn call<H: Host, T: DeserializeOwned>(h: &H, op: PortOp, args: Vec<Value>) -> Result<T> {
    let port = op.port();
    let value = h.call(op, args).await.map_err(|r| {
        let fallback = format!("{} failed: {}", op.name(), r.message);
        host_error(port, &r.value, &fallback)
    })?;
    serde_json::from_value(value).map_err(|e| {
        failure(
            port,
            format!("{} returned an unexpected shape: {e}", op.name()),
        )
    })
}

/// A `version_conflict` the host reported without its versions gets the
/// version the service expected and the one in the store.
async fn complete_conflict<H: Host>(h: &H, e: Error, id: &NumberId, expected: u64) -> Error {
    match e {
        Error::VersionConflict {
            expected: 0,
            actual: 0,
        } => match call::<H, Option<PhoneNumber>>(h, PortOp::Get, vec![v(id)]).await {
            Ok(Some(r)) => Error::VersionConflict {
                expected,
                actual: r.version,
            },
            Ok(None) => Error::NotFound,
            Err(e) => e,
        },
        e => e,
    }
}

/// The store: embedded, or the host's.
#[derive(Clone)]
pub enum Store<H> {
    /// The in-memory store.
    Embedded(MemoryStore),
    /// The host's store.
    Host(H),
}

macro_rules! store {
    ($self:ident, $m:ident => $embedded:expr, $op:ident, [$($arg:expr),*]) => {
        async move {
            match $self {
                Store::Embedded($m) => $embedded.await,
                Store::Host(h) => call(h, PortOp::$op, vec![$($arg),*]).await,
            }
        }
    };
}

impl<H: Host> NumberStore for Store<H> {
    fn next_id(&self) -> impl Future<Output = Result<NumberId>> + MaybeSend {
        store!(self, m => m.next_id(), NextId, [])
    }
    fn get(&self, id: &NumberId) -> impl Future<Output = Result<Option<PhoneNumber>>> + MaybeSend {
        store!(self, m => m.get(id), Get, [v(id)])
    }
    fn find_by_e164(
        &self,
        e164: &E164,
    ) -> impl Future<Output = Result<Vec<PhoneNumber>>> + MaybeSend {
        store!(self, m => m.find_by_e164(e164), FindByE164, [v(e164)])
    }
    fn insert(
        &self,
        r: &PhoneNumber,
        events: &[AuditEvent],
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        async move {
            match self {
                Store::Embedded(m) => m.insert(r, events).await,
                Store::Host(h) => {
                    call::<H, Value>(h, PortOp::Insert, vec![r.to_json_with_secrets(), v(events)])
                        .await
                        .map(drop)
                }
            }
        }
    }
    fn update(
        &self,
        r: &PhoneNumber,
        expected: u64,
        events: &[AuditEvent],
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        async move {
            match self {
                Store::Embedded(m) => m.update(r, expected, events).await,
                Store::Host(h) => {
                    let args = vec![r.to_json_with_secrets(), Value::from(expected), v(events)];
                    match call::<H, Value>(h, PortOp::Update, args).await {
                        Ok(_) => Ok(()),
                        Err(e) => Err(complete_conflict(h, e, &r.id, expected).await),
                    }
                }
            }
        }
    }
    fn delete(
        &self,
        id: &NumberId,
        expected: u64,
        tombstone: Option<&Tombstone>,
        events: &[AuditEvent],
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        async move {
            match self {
                Store::Embedded(m) => m.delete(id, expected, tombstone, events).await,
                Store::Host(h) => {
                    let args = vec![v(id), Value::from(expected), v(&tombstone), v(events)];
                    match call::<H, Value>(h, PortOp::Delete, args).await {
                        Ok(_) => Ok(()),
                        Err(e) => Err(complete_conflict(h, e, id, expected).await),
                    }
                }
            }
        }
    }
    fn record_call(
        &self,
        id: &NumberId,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        async move {
            match self {
                Store::Embedded(m) => m.record_call(id, at).await,
                Store::Host(h) => call::<H, Value>(h, PortOp::RecordCall, vec![v(id), v(&at)])
                    .await
                    .map(drop),
            }
        }
    }
    fn list_events(
        &self,
        id: &NumberId,
        w: Window,
    ) -> impl Future<Output = Result<Page<AuditEvent>>> + MaybeSend {
        store!(self, m => m.list_events(id, w), ListEvents, [v(id), v(&w)])
    }
    fn tombstones(&self, e164: &E164) -> impl Future<Output = Result<Vec<Tombstone>>> + MaybeSend {
        store!(self, m => m.tombstones(e164), Tombstones, [v(e164)])
    }
    fn list(&self, q: &ListQuery) -> impl Future<Output = Result<Page<PhoneNumber>>> + MaybeSend {
        store!(self, m => m.list(q), List, [v(q)])
    }
    fn list_by_connection(
        &self,
        c: &ConnectionId,
    ) -> impl Future<Output = Result<Vec<PhoneNumber>>> + MaybeSend {
        store!(self, m => m.list_by_connection(c), ListByConnection, [v(c)])
    }
    fn append_events(&self, events: &[AuditEvent]) -> impl Future<Output = Result<()>> + MaybeSend {
        async move {
            match self {
                Store::Embedded(m) => m.append_events(events).await,
                Store::Host(h) => call::<H, Value>(h, PortOp::AppendEvents, vec![v(events)])
                    .await
                    .map(drop),
            }
        }
    }
    fn get_idempotency(
        &self,
        t: &TenantId,
        key: &str,
    ) -> impl Future<Output = Result<Option<IdempotencyRecord>>> + MaybeSend {
        store!(self, m => m.get_idempotency(t, key), GetIdempotency, [v(t), Value::from(key)])
    }
    fn put_idempotency(
        &self,
        r: &IdempotencyRecord,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        async move {
            match self {
                Store::Embedded(m) => m.put_idempotency(r).await,
                Store::Host(h) => call::<H, Value>(h, PortOp::PutIdempotency, vec![v(r)])
                    .await
                    .map(drop),
            }
        }
    }
    fn complete_idempotency(
        &self,
        r: &IdempotencyRecord,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        async move {
            match self {
                Store::Embedded(m) => m.complete_idempotency(r).await,
                Store::Host(h) => call::<H, Value>(h, PortOp::CompleteIdempotency, vec![v(r)])
                    .await
                    .map(drop),
            }
        }
    }
    fn put_connection(&self, c: &Connection) -> impl Future<Output = Result<()>> + MaybeSend {
        async move {
            match self {
                Store::Embedded(m) => m.put_connection(c).await,
                Store::Host(h) => {
                    call::<H, Value>(h, PortOp::PutConnection, vec![c.to_json_with_secrets()])
                        .await
                        .map(drop)
                }
            }
        }
    }
    fn get_connection(
        &self,
        id: &ConnectionId,
    ) -> impl Future<Output = Result<Option<Connection>>> + MaybeSend {
        store!(self, m => m.get_connection(id), GetConnection, [v(id)])
    }
    fn list_connections(
        &self,
        t: &TenantId,
    ) -> impl Future<Output = Result<Vec<Connection>>> + MaybeSend {
        store!(self, m => m.list_connections(t), ListConnections, [v(t)])
    }
    fn put_sub_account(
        &self,
        s: &SubAccountRecord,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        async move {
            match self {
                Store::Embedded(m) => m.put_sub_account(s).await,
                Store::Host(h) => call::<H, Value>(h, PortOp::PutSubAccount, vec![v(s)])
                    .await
                    .map(drop),
            }
        }
    }
    fn get_sub_account(
        &self,
        id: &AccountId,
    ) -> impl Future<Output = Result<Option<SubAccountRecord>>> + MaybeSend {
        store!(self, m => m.get_sub_account(id), GetSubAccount, [v(id)])
    }
    fn ref_owner(
        &self,
        kind: RefKind,
        id: &str,
    ) -> impl Future<Output = Result<RefOwner>> + MaybeSend {
        store!(self, m => m.ref_owner(kind, id), RefOwner, [v(&kind), Value::from(id)])
    }
}

/// The provider: simulated, or the host's.
#[derive(Clone)]
pub enum Prov<H> {
    /// The simulated provider.
    Simulated(SimulatedProvider),
    /// The host's provider.
    Host(H),
}

macro_rules! provider {
    ($self:ident, $p:ident => $simulated:expr, $op:ident, [$($arg:expr),*]) => {
        async move {
            match $self {
                Prov::Simulated($p) => $simulated.await,
                Prov::Host(h) => call(h, PortOp::$op, vec![$($arg),*]).await,
            }
        }
    };
}

impl<H: Host> Provider for Prov<H> {
    fn search_available(
        &self,
        c: &Connection,
        q: &AvailableQuery,
    ) -> impl Future<Output = Result<Vec<AvailableNumber>>> + MaybeSend {
        provider!(self, p => p.search_available(c, q), SearchAvailable, [v(c), v(q)])
    }
    fn pricing(
        &self,
        c: &Connection,
        country: Country,
    ) -> impl Future<Output = Result<Vec<PriceEntry>>> + MaybeSend {
        provider!(self, p => p.pricing(c, country), Pricing, [v(c), v(&country)])
    }
    fn countries(
        &self,
        c: &Connection,
    ) -> impl Future<Output = Result<Vec<CountryOffer>>> + MaybeSend {
        provider!(self, p => p.countries(c), Countries, [v(c)])
    }
    fn purchase(
        &self,
        c: &Connection,
        r: &ProviderPurchase,
    ) -> impl Future<Output = Result<ProviderOrder>> + MaybeSend {
        provider!(self, p => p.purchase(c, r), Purchase, [v(c), v(r)])
    }
    fn order_status(
        &self,
        c: &Connection,
        order_ref: &str,
    ) -> impl Future<Output = Result<OrderStatus>> + MaybeSend {
        async move {
            match self {
                Prov::Simulated(p) => p.order_status(c, order_ref).await,
                Prov::Host(h) if !h.has(PortOp::OrderStatus) => Err(Error::NotSupported {
                    operation: "order_status".into(),
                    reason: "provider_has_no_order_status".into(),
                }),
                Prov::Host(h) => {
                    call(h, PortOp::OrderStatus, vec![v(c), Value::from(order_ref)]).await
                }
            }
        }
    }
    fn list_owned(
        &self,
        c: &Connection,
    ) -> impl Future<Output = Result<Vec<OwnedNumber>>> + MaybeSend {
        provider!(self, p => p.list_owned(c), ListOwned, [v(c)])
    }
    fn fetch(
        &self,
        c: &Connection,
        sid: &str,
    ) -> impl Future<Output = Result<Option<OwnedNumber>>> + MaybeSend {
        provider!(self, p => p.fetch(c, sid), Fetch, [v(c), Value::from(sid)])
    }
    fn release(&self, c: &Connection, sid: &str) -> impl Future<Output = Result<()>> + MaybeSend {
        async move {
            match self {
                Prov::Simulated(p) => p.release(c, sid).await,
                Prov::Host(h) => call::<H, Value>(h, PortOp::Release, vec![v(c), Value::from(sid)])
                    .await
                    .map(drop),
            }
        }
    }
    fn configure_webhooks(
        &self,
        c: &Connection,
        sid: &str,
        w: &WebhookConfig,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        async move {
            match self {
                Prov::Simulated(p) => p.configure_webhooks(c, sid, w).await,
                Prov::Host(h) => call::<H, Value>(
                    h,
                    PortOp::ConfigureWebhooks,
                    vec![v(c), Value::from(sid), v(w)],
                )
                .await
                .map(drop),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{NewNumber, NumberStatus, Source};
    use std::sync::Mutex;

    fn record() -> PhoneNumber {
        PhoneNumber::new(
            NewNumber {
                id: NumberId::new("n1").unwrap(),
                tenant: TenantId::new("t1").unwrap(),
                e164: E164::from_canonical("+14155550100").unwrap(),
                country: Country::new("US").unwrap(),
                kind: crate::NumberKind::Local,
                source: Source::Manual,
                connection_id: None,
                status: NumberStatus::Inactive,
            },
            DateTime::<Utc>::UNIX_EPOCH,
        )
    }

    /// A host store that answers every `update` with a bare
    /// `version_conflict` and every `get` with a record at version 7.
    struct Bare(Mutex<Vec<&'static str>>);

    impl Host for Bare {
        fn call(
            &self,
            op: PortOp,
            _args: Vec<Value>,
        ) -> impl Future<Output = std::result::Result<Value, Reported>> + MaybeSend {
            self.0.lock().unwrap().push(op.name());
            let out = match op {
                PortOp::Update => Err(Reported {
                    value: serde_json::json!({ "code": "version_conflict" }),
                    message: "stale".into(),
                }),
                PortOp::Get => {
                    let mut r = record();
                    r.version = 7;
                    Ok(r.to_json_with_secrets())
                }
                _ => Ok(Value::Null),
            };
            std::future::ready(out)
        }
        fn has(&self, _op: PortOp) -> bool {
            true
        }
    }

    fn block<F: Future>(f: F) -> F::Output {
        let mut f = std::pin::pin!(f);
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        loop {
            if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return v;
            }
        }
    }

    #[test]
    fn a_bare_version_conflict_gets_both_versions() {
        let store = Store::Host(Bare(Mutex::new(vec![])));
        let r = record();
        let e = block(store.update(&r, 3, &[])).unwrap_err();
        assert_eq!(
            e,
            Error::VersionConflict {
                expected: 3,
                actual: 7
            }
        );
    }

    #[test]
    fn names_are_unique_and_split_by_port() {
        let mut seen = std::collections::HashSet::new();
        for op in PortOp::ALL {
            assert!(seen.insert(op.name()), "{} twice", op.name());
            assert!(op.js_name() == op.name() || seen.insert(op.js_name()));
        }
        assert_eq!(PortOp::RefOwner.port(), PortKind::Store);
        assert_eq!(PortOp::SearchAvailable.port(), PortKind::Provider);
        assert_eq!(PortOp::ConfigureWebhooks.port(), PortKind::Provider);
    }
}
