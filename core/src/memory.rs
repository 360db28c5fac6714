//! Embedded defaults for examples, tests and the quick start: an in-memory
//! [`MemoryStore`], a settable [`ManualClock`], [`Faults`] to make a port
//! fail on its Nth call, and [`block_on`] to drive the service without an
//! async runtime (the C binding uses it).

use std::collections::{BTreeMap, HashMap};
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
    SubAccountRecord, Tombstone,
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

#[derive(Debug, Default)]
struct Inner {
    records: BTreeMap<NumberId, PhoneNumber>,
    events: Vec<AuditEvent>,
    idempotency: HashMap<(TenantId, String), IdempotencyRecord>,
    connections: BTreeMap<ConnectionId, Connection>,
    sub_accounts: BTreeMap<AccountId, SubAccountRecord>,
    tombstones: HashMap<E164, Vec<Tombstone>>,
    /// Registries of agent and endpoint ids; a kind with no entry is
    /// untracked.
    refs: HashMap<RefKind, HashMap<String, TenantId>>,
    next_id: u64,
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
        lock(&self.inner).records.values().cloned().collect()
    }

    /// The audit log.
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
        ready(self.guarded("find_by_e164", |i| {
            let mut v: Vec<PhoneNumber> = i
                .records
                .values()
                .filter(|r| &r.e164 == e164)
                .cloned()
                .collect();
            v.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
            Ok(v)
        }))
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
            if live(record) && i.records.values().any(|r| r.e164 == record.e164 && live(r)) {
                return Err(Error::AlreadyExists {
                    what: record.e164.to_string(),
                });
            }
            i.records.insert(record.id.clone(), record.clone());
            i.events.extend_from_slice(events);
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
            let actual = i.records.get(&record.id).ok_or(Error::NotFound)?.version;
            if actual != expected_version {
                return Err(Error::VersionConflict {
                    expected: expected_version,
                    actual,
                });
            }
            i.records.insert(record.id.clone(), record.clone());
            i.events.extend_from_slice(events);
            Ok(())
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
            i.records.remove(id);
            if let Some(t) = tombstone {
                i.tombstones.entry(t.e164).or_default().push(t.clone());
            }
            i.events.extend_from_slice(events);
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
            let mut all: Vec<&PhoneNumber> = i
                .records
                .values()
                .filter(|r| {
                    query.tenant.as_ref().is_none_or(|t| &r.tenant == t) && query.matches(r)
                })
                .collect();
            all.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
            Ok(Page {
                total: all.len() as u64,
                items: all
                    .into_iter()
                    .skip(w.offset as usize)
                    .take(w.limit as usize)
                    .cloned()
                    .collect(),
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
            Ok(i.records
                .values()
                .filter(|r| r.connection_id.as_ref() == Some(connection))
                .cloned()
                .collect())
        }))
    }

    fn append_events(&self, events: &[AuditEvent]) -> impl Future<Output = Result<()>> + MaybeSend {
        ready(self.guarded("append_events", |i| {
            i.events.extend_from_slice(events);
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
