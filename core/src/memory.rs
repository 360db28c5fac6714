//! Embedded defaults for examples, tests and the quick start: an in-memory
//! [`MemoryStore`], a settable [`ManualClock`], [`Faults`] to make a port
//! fail on its Nth call, and [`block_on`] to drive the service without an
//! async runtime (the C binding uses it).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::future::{ready, Future};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Duration, Utc};

use crate::e164::E164;
use crate::error::{Error, Result};
use crate::events::AuditEvent;
use crate::ids::{AccountId, ConnectionId, NumberId, TenantId};
use crate::ports::{
    Clock, IdempotencyRecord, ListQuery, MaybeSend, NumberStore, Page, RefKind, RefOwner,
    SubAccountRecord, Tombstone, Window,
};
use crate::record::{Connection, NumberStatus, PhoneNumber};

/// Makes a port fail on its Nth call (1-based), for fault-injection tests.
#[derive(Debug, Default)]
pub struct Faults {
    calls: AtomicU64,
    fail_on: AtomicU64,
}

impl Faults {
    /// Fail the `n`th call from now on (counting from the last reset); 0
    /// turns injection off.
    pub fn fail_on_call(&self, n: u64) {
        self.calls.store(0, Ordering::SeqCst);
        self.fail_on.store(n, Ordering::SeqCst);
    }

    /// Turns injection off.
    pub fn clear(&self) {
        self.fail_on.store(0, Ordering::SeqCst);
    }

    /// Calls counted since the last `fail_on_call`.
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::SeqCst)
    }

    /// Counts a call; true when this one must fail.
    pub(crate) fn hit(&self) -> bool {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        let f = self.fail_on.load(Ordering::SeqCst);
        f != 0 && n == f
    }
}

/// A clock the host sets by hand.
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    /// A clock showing `t`.
    pub fn new(t: DateTime<Utc>) -> ManualClock {
        ManualClock(Mutex::new(t))
    }

    /// Sets the time.
    pub fn set(&self, t: DateTime<Utc>) {
        *lock(&self.0) = t;
    }

    /// Moves the time forward.
    pub fn advance(&self, d: Duration) {
        let mut g = lock(&self.0);
        *g += d;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Result<DateTime<Utc>> {
        Ok(*lock(&self.0))
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A record's place in list order: `created_at`, then id.
type ListKey = (DateTime<Utc>, NumberId);

#[derive(Debug, Default)]
struct Inner {
    records: HashMap<NumberId, PhoneNumber>,
    /// Every record in list order (superadmin lists).
    order: BTreeSet<ListKey>,
    /// Each tenant's records in list order.
    by_tenant: HashMap<TenantId, BTreeSet<ListKey>>,
    /// The records of each number, oldest first.
    by_e164: HashMap<E164, BTreeSet<ListKey>>,
    /// The records naming each connection.
    by_connection: HashMap<ConnectionId, BTreeSet<NumberId>>,
    events: Vec<AuditEvent>,
    /// Positions in `events` of each number's events, in append order.
    events_by_number: HashMap<NumberId, Vec<usize>>,
    idempotency: HashMap<(TenantId, String), IdempotencyRecord>,
    connections: BTreeMap<ConnectionId, Connection>,
    sub_accounts: BTreeMap<AccountId, SubAccountRecord>,
    tombstones: HashMap<E164, Vec<Tombstone>>,
    /// Registries of agent and endpoint ids; a kind with no entry is
    /// untracked.
    refs: HashMap<RefKind, HashMap<String, TenantId>>,
    next_id: u64,
}

impl Inner {
    fn index(&mut self, r: &PhoneNumber) {
        let k = (r.created_at, r.id.clone());
        self.order.insert(k.clone());
        self.by_tenant
            .entry(r.tenant.clone())
            .or_default()
            .insert(k.clone());
        self.by_e164.entry(r.e164).or_default().insert(k);
        if let Some(c) = &r.connection_id {
            self.by_connection
                .entry(c.clone())
                .or_default()
                .insert(r.id.clone());
        }
    }

    fn unindex(&mut self, r: &PhoneNumber) {
        let k = (r.created_at, r.id.clone());
        self.order.remove(&k);
        if let Some(set) = self.by_tenant.get_mut(&r.tenant) {
            set.remove(&k);
        }
        if let Some(set) = self.by_e164.get_mut(&r.e164) {
            set.remove(&k);
        }
        if let Some(c) = &r.connection_id {
            if let Some(set) = self.by_connection.get_mut(c) {
                set.remove(&r.id);
            }
        }
    }

    /// Replaces or adds a record, keeping the indexes in step.
    fn put(&mut self, r: PhoneNumber) {
        if let Some(old) = self.records.remove(&r.id) {
            self.unindex(&old);
        }
        self.index(&r);
        self.records.insert(r.id.clone(), r);
    }

    fn append(&mut self, events: &[AuditEvent]) {
        for e in events {
            self.events_by_number
                .entry(e.number_id.clone())
                .or_default()
                .push(self.events.len());
            self.events.push(e.clone());
        }
    }

    /// The records of this number, oldest first.
    fn of_number(&self, e164: &E164) -> impl Iterator<Item = &PhoneNumber> {
        self.by_e164
            .get(e164)
            .into_iter()
            .flatten()
            .filter_map(|(_, id)| self.records.get(id))
    }
}

/// An in-memory [`NumberStore`]. Cloning shares the same data (like a
/// connection pool to one database).
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    inner: Arc<Mutex<Inner>>,
    faults: Arc<Faults>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// Fault injection for this store (shared by its clones).
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Adds or replaces a connection (without fault injection).
    pub fn add_connection(&self, c: Connection) {
        lock(&self.inner).connections.insert(c.id.clone(), c);
    }

    /// Adds or replaces a sub-account (without fault injection).
    pub fn add_sub_account(&self, s: SubAccountRecord) {
        lock(&self.inner).sub_accounts.insert(s.id.clone(), s);
    }

    /// Registers an agent or endpoint id as `tenant`'s. Once one id of a
    /// kind is registered, the store tracks that kind: the service then
    /// refuses ids of it that are unknown or another tenant's
    /// (`unknown_reference`). Until then any id of that kind is accepted.
    pub fn add_ref(&self, kind: RefKind, id: impl Into<String>, tenant: TenantId) {
        lock(&self.inner)
            .refs
            .entry(kind)
            .or_default()
            .insert(id.into(), tenant);
    }

    /// Every record, in id order (for tests and tools).
    pub fn records(&self) -> Vec<PhoneNumber> {
        let mut v: Vec<PhoneNumber> = lock(&self.inner).records.values().cloned().collect();
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v
    }

    /// The audit log, in append order.
    pub fn events(&self) -> Vec<AuditEvent> {
        lock(&self.inner).events.clone()
    }

    fn guarded<T>(&self, op: &str, f: impl FnOnce(&mut Inner) -> Result<T>) -> Result<T> {
        if self.faults.hit() {
            return Err(Error::Store {
                message: format!("injected fault in {op}"),
            });
        }
        f(&mut lock(&self.inner))
    }
}

fn live(r: &PhoneNumber) -> bool {
    r.status != NumberStatus::Released
}

impl NumberStore for MemoryStore {
    fn next_id(&self) -> impl Future<Output = Result<NumberId>> + MaybeSend {
        ready(self.guarded("next_id", |i| {
            i.next_id += 1;
            NumberId::new(format!("num_{:06}", i.next_id))
        }))
    }

    fn get(&self, id: &NumberId) -> impl Future<Output = Result<Option<PhoneNumber>>> + MaybeSend {
        ready(self.guarded("get", |i| Ok(i.records.get(id).cloned())))
    }

    fn find_by_e164(
        &self,
        e164: &E164,
    ) -> impl Future<Output = Result<Vec<PhoneNumber>>> + MaybeSend {
        ready(self.guarded("find_by_e164", |i| Ok(i.of_number(e164).cloned().collect())))
    }

    fn insert(
        &self,
        record: &PhoneNumber,
        events: &[AuditEvent],
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        ready(self.guarded("insert", |i| {
            if i.records.contains_key(&record.id) {
                return Err(Error::AlreadyExists {
                    what: record.id.to_string(),
                });
            }
            if live(record) && i.of_number(&record.e164).any(live) {
                return Err(Error::AlreadyExists {
                    what: record.e164.to_string(),
                });
            }
            i.put(record.clone());
            i.append(events);
            Ok(())
        }))
    }

    fn update(
        &self,
        record: &PhoneNumber,
        expected_version: u64,
        events: &[AuditEvent],
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        ready(self.guarded("update", |i| {
            let cur = i.records.get(&record.id).ok_or(Error::NotFound)?;
            if cur.version != expected_version {
                return Err(Error::VersionConflict {
                    expected: expected_version,
                    actual: cur.version,
                });
            }
            // A call recorded since the caller read the record is kept.
            let last_call_at = cur.last_call_at.max(record.last_call_at);
            let mut r = record.clone();
            r.last_call_at = last_call_at;
            i.put(r);
            i.append(events);
            Ok(())
        }))
    }

    fn record_call(
        &self,
        id: &NumberId,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        ready(self.guarded("record_call", |i| {
            let r = i.records.get_mut(id).ok_or(Error::NotFound)?;
            r.last_call_at = r.last_call_at.max(Some(at));
            Ok(())
        }))
    }

    fn list_events(
        &self,
        number: &NumberId,
        window: Window,
    ) -> impl Future<Output = Result<Page<AuditEvent>>> + MaybeSend {
        ready(self.guarded("list_events", |i| {
            let positions = i.events_by_number.get(number).map_or(&[][..], |v| v);
            Ok(Page {
                total: positions.len() as u64,
                items: positions
                    .iter()
                    .rev()
                    .skip(window.offset as usize)
                    .take(window.limit as usize)
                    .map(|&p| i.events[p].clone())
                    .collect(),
                limit: window.limit,
                offset: window.offset,
            })
        }))
    }

    fn delete(
        &self,
        id: &NumberId,
        expected_version: u64,
        tombstone: Option<&Tombstone>,
        events: &[AuditEvent],
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        ready(self.guarded("delete", |i| {
            let cur = i.records.get(id).ok_or(Error::NotFound)?;
            if cur.version != expected_version {
                return Err(Error::VersionConflict {
                    expected: expected_version,
                    actual: cur.version,
                });
            }
            if let Some(old) = i.records.remove(id) {
                i.unindex(&old);
            }
            if let Some(t) = tombstone {
                i.tombstones.entry(t.e164).or_default().push(t.clone());
            }
            i.append(events);
            Ok(())
        }))
    }

    fn tombstones(&self, e164: &E164) -> impl Future<Output = Result<Vec<Tombstone>>> + MaybeSend {
        ready(self.guarded("tombstones", |i| {
            Ok(i.tombstones.get(e164).cloned().unwrap_or_default())
        }))
    }

    fn list(
        &self,
        query: &ListQuery,
    ) -> impl Future<Output = Result<Page<PhoneNumber>>> + MaybeSend {
        ready(self.guarded("list", |i| {
            let w = query.window()?;
            let empty = BTreeSet::new();
            let keys = match &query.tenant {
                Some(t) => i.by_tenant.get(t).unwrap_or(&empty),
                None => &i.order,
            };
            let rows = keys.iter().filter_map(|(_, id)| i.records.get(id));
            let (skip, take) = (w.offset as usize, w.limit as usize);
            let (total, items) = if query.has_filters() {
                let mut total = 0u64;
                let mut items = Vec::new();
                for r in rows.filter(|r| query.matches(r)) {
                    if total as usize >= skip && items.len() < take {
                        items.push(r.clone());
                    }
                    total += 1;
                }
                (total, items)
            } else {
                // Unfiltered: the index is the answer, no scan.
                (
                    keys.len() as u64,
                    rows.skip(skip).take(take).cloned().collect(),
                )
            };
            Ok(Page {
                total,
                items,
                limit: w.limit,
                offset: w.offset,
            })
        }))
    }

    fn list_by_connection(
        &self,
        connection: &ConnectionId,
    ) -> impl Future<Output = Result<Vec<PhoneNumber>>> + MaybeSend {
        ready(self.guarded("list_by_connection", |i| {
            Ok(i.by_connection
                .get(connection)
                .into_iter()
                .flatten()
                .filter_map(|id| i.records.get(id))
                .cloned()
                .collect())
        }))
    }

    fn append_events(&self, events: &[AuditEvent]) -> impl Future<Output = Result<()>> + MaybeSend {
        ready(self.guarded("append_events", |i| {
            i.append(events);
            Ok(())
        }))
    }

    fn get_idempotency(
        &self,
        tenant: &TenantId,
        key: &str,
    ) -> impl Future<Output = Result<Option<IdempotencyRecord>>> + MaybeSend {
        ready(self.guarded("get_idempotency", |i| {
            Ok(i.idempotency
                .get(&(tenant.clone(), key.to_string()))
                .cloned())
        }))
    }

    fn put_idempotency(
        &self,
        record: &IdempotencyRecord,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        ready(self.guarded("put_idempotency", |i| {
            let k = (record.tenant.clone(), record.key.clone());
            if i.idempotency.contains_key(&k) {
                return Err(Error::AlreadyExists {
                    what: format!("idempotency key {}", record.key),
                });
            }
            i.idempotency.insert(k, record.clone());
            Ok(())
        }))
    }

    fn complete_idempotency(
        &self,
        record: &IdempotencyRecord,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        ready(self.guarded("complete_idempotency", |i| {
            let slot = i
                .idempotency
                .get_mut(&(record.tenant.clone(), record.key.clone()))
                .ok_or(Error::NotFound)?;
            *slot = record.clone();
            Ok(())
        }))
    }

    fn put_connection(
        &self,
        connection: &Connection,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        ready(self.guarded("put_connection", |i| {
            i.connections
                .insert(connection.id.clone(), connection.clone());
            Ok(())
        }))
    }

    fn get_connection(
        &self,
        id: &ConnectionId,
    ) -> impl Future<Output = Result<Option<Connection>>> + MaybeSend {
        ready(self.guarded("get_connection", |i| Ok(i.connections.get(id).cloned())))
    }

    fn list_connections(
        &self,
        tenant: &TenantId,
    ) -> impl Future<Output = Result<Vec<Connection>>> + MaybeSend {
        ready(self.guarded("list_connections", |i| {
            Ok(i.connections
                .values()
                .filter(|c| &c.tenant == tenant)
                .cloned()
                .collect())
        }))
    }

    fn put_sub_account(
        &self,
        sub_account: &SubAccountRecord,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        ready(self.guarded("put_sub_account", |i| {
            i.sub_accounts
                .insert(sub_account.id.clone(), sub_account.clone());
            Ok(())
        }))
    }

    fn get_sub_account(
        &self,
        id: &AccountId,
    ) -> impl Future<Output = Result<Option<SubAccountRecord>>> + MaybeSend {
        ready(self.guarded("get_sub_account", |i| Ok(i.sub_accounts.get(id).cloned())))
    }

    fn ref_owner(
        &self,
        kind: RefKind,
        id: &str,
    ) -> impl Future<Output = Result<RefOwner>> + MaybeSend {
        ready(self.guarded("ref_owner", |i| {
            Ok(match i.refs.get(&kind) {
                None => RefOwner::Untracked,
                Some(m) => m
                    .get(id)
                    .map_or(RefOwner::Unknown, |t| RefOwner::Tenant(t.clone())),
            })
        }))
    }
}

/// Runs a future to completion on the current thread (no runtime needed).
/// The embedded ports complete at once; a host port that really waits is
/// woken through the thread's park/unpark.
#[cfg(not(target_arch = "wasm32"))]
pub fn block_on<F: Future>(fut: F) -> F::Output {
    use std::task::{Context, Poll, Wake, Waker};
    struct ThreadWaker(std::thread::Thread);
    impl Wake for ThreadWaker {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let mut fut = std::pin::pin!(fut);
    let waker = Waker::from(Arc::new(ThreadWaker(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::park();
    }
}
