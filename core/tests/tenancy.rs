//! Tenant isolation, model-based: two tenants (acme, globex) and a
//! superadmin send random commands that carry random ids of both tenants
//! (numbers, connections, sub-accounts, agents, endpoints) through a store
//! that ignores every tenant filter it is given. After every command:
//!
//! - nothing of acme changed through globex's actor or through the
//!   superadmin acting on globex's numbers;
//! - nothing globex's actor was shown (result or error) contains acme's
//!   data;
//! - every provider call went through a connection of the tenant whose
//!   number or request it served;
//! - no record refers to another tenant's connection, sub-account, agent or
//!   endpoint.

use std::future::Future;
use std::sync::{Arc, Mutex};

use chrono::{Duration, TimeZone, Utc};
use proptest::prelude::*;
use serde_json::Value;
use telnum::memory::{block_on, ManualClock, MemoryStore};
use telnum::ports::{
    AvailableNumber, AvailableQuery, CountryOffer, IdempotencyRecord, ListQuery, MaybeSend,
    NumberStore, OwnedNumber, Page, PriceEntry, Provider, ProviderOrder, ProviderPurchase, RefKind,
    RefOwner, SubAccountRecord, Tombstone, Window,
};
use telnum::record::{Connection, ConnectionStatus, VendorSupport, WebhookConfig};
use telnum::screens::{ImportDraft, ImportItem, ManualDraft};
use telnum::service::{ImportRequest, Numbers, PurchaseRequest, ReleaseMode, ServiceConfig};
use telnum::simulated::SimulatedProvider;
use telnum::{
    AccountId, Actor, AgentId, AuditEvent, ConnectionId, Country, EndpointId, NumberId, Patch,
    PhoneNumber, Result, Role, TenantId, E164,
};

/// A store that ignores tenant filters: `list` drops `query.tenant`,
/// `list_connections` returns every tenant's, `list_by_connection`
/// returns every record, `get_idempotency` finds any tenant's key.
#[derive(Clone)]
struct LeakyStore(MemoryStore);

impl NumberStore for LeakyStore {
    fn next_id(&self) -> impl Future<Output = Result<NumberId>> + MaybeSend {
        self.0.next_id()
    }
    fn get(&self, id: &NumberId) -> impl Future<Output = Result<Option<PhoneNumber>>> + MaybeSend {
        self.0.get(id)
    }
    fn find_by_e164(
        &self,
        e164: &E164,
    ) -> impl Future<Output = Result<Vec<PhoneNumber>>> + MaybeSend {
        self.0.find_by_e164(e164)
    }
    fn insert(
        &self,
        r: &PhoneNumber,
        ev: &[AuditEvent],
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        self.0.insert(r, ev)
    }
    fn record_call(
        &self,
        id: &NumberId,
        at: chrono::DateTime<chrono::Utc>,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        self.0.record_call(id, at)
    }
    fn list_events(
        &self,
        id: &NumberId,
        w: Window,
    ) -> impl Future<Output = Result<Page<AuditEvent>>> + MaybeSend {
        self.0.list_events(id, w)
    }
    fn complete_idempotency(
        &self,
        r: &IdempotencyRecord,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        self.0.complete_idempotency(r)
    }
    fn update(
        &self,
        r: &PhoneNumber,
        v: u64,
        ev: &[AuditEvent],
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        self.0.update(r, v, ev)
    }
    fn delete(
        &self,
        id: &NumberId,
        v: u64,
        t: Option<&Tombstone>,
        ev: &[AuditEvent],
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        self.0.delete(id, v, t, ev)
    }
    fn tombstones(&self, e164: &E164) -> impl Future<Output = Result<Vec<Tombstone>>> + MaybeSend {
        self.0.tombstones(e164)
    }
    fn list(&self, q: &ListQuery) -> impl Future<Output = Result<Page<PhoneNumber>>> + MaybeSend {
        let mut q = q.clone();
        q.tenant = None;
        let s = self.0.clone();
        async move { s.list(&q).await }
    }
    fn list_by_connection(
        &self,
        _c: &ConnectionId,
    ) -> impl Future<Output = Result<Vec<PhoneNumber>>> + MaybeSend {
        let all = self.0.records();
        async move { Ok(all) }
    }
    fn append_events(&self, ev: &[AuditEvent]) -> impl Future<Output = Result<()>> + MaybeSend {
        self.0.append_events(ev)
    }
    /// Ignores the tenant of the key too.
    fn get_idempotency(
        &self,
        _t: &TenantId,
        k: &str,
    ) -> impl Future<Output = Result<Option<IdempotencyRecord>>> + MaybeSend {
        let s = self.0.clone();
        let k = k.to_string();
        async move {
            for t in [ACME, GLOBEX] {
                if let Some(r) = s.get_idempotency(&tenant(t), &k).await? {
                    return Ok(Some(r));
                }
            }
            Ok(None)
        }
    }
    fn put_idempotency(
        &self,
        r: &IdempotencyRecord,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        self.0.put_idempotency(r)
    }
    fn put_connection(&self, c: &Connection) -> impl Future<Output = Result<()>> + MaybeSend {
        self.0.put_connection(c)
    }
    fn get_connection(
        &self,
        id: &ConnectionId,
    ) -> impl Future<Output = Result<Option<Connection>>> + MaybeSend {
        self.0.get_connection(id)
    }
    fn list_connections(
        &self,
        _t: &TenantId,
    ) -> impl Future<Output = Result<Vec<Connection>>> + MaybeSend {
        let s = self.0.clone();
        async move {
            let a = s.list_connections(&tenant(ACME)).await?;
            let b = s.list_connections(&tenant(GLOBEX)).await?;
            Ok(a.into_iter().chain(b).collect())
        }
    }
    fn put_sub_account(
        &self,
        s: &SubAccountRecord,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        self.0.put_sub_account(s)
    }
    fn get_sub_account(
        &self,
        id: &AccountId,
    ) -> impl Future<Output = Result<Option<SubAccountRecord>>> + MaybeSend {
        self.0.get_sub_account(id)
    }
    fn ref_owner(
        &self,
        k: RefKind,
        id: &str,
    ) -> impl Future<Output = Result<RefOwner>> + MaybeSend {
        self.0.ref_owner(k, id)
    }
}

/// One provider call: the operation, the connection it went through, and
/// the number or request it served.
#[derive(Debug, Clone)]
struct Call {
    op: &'static str,
    connection: Connection,
    sid: Option<String>,
}

/// The simulated provider, recording every call.
#[derive(Clone)]
struct Recording {
    inner: SimulatedProvider,
    calls: Arc<Mutex<Vec<Call>>>,
}

impl Recording {
    fn log(&self, op: &'static str, c: &Connection, sid: Option<&str>) {
        self.calls.lock().unwrap().push(Call {
            op,
            connection: c.clone(),
            sid: sid.map(String::from),
        });
    }
    fn take(&self) -> Vec<Call> {
        std::mem::take(&mut *self.calls.lock().unwrap())
    }
}

impl Provider for Recording {
    fn search_available(
        &self,
        c: &Connection,
        q: &AvailableQuery,
    ) -> impl Future<Output = Result<Vec<AvailableNumber>>> + MaybeSend {
        self.log("search_available", c, None);
        self.inner.search_available(c, q)
    }
    fn pricing(
        &self,
        c: &Connection,
        country: Country,
    ) -> impl Future<Output = Result<Vec<PriceEntry>>> + MaybeSend {
        self.log("pricing", c, None);
        self.inner.pricing(c, country)
    }
    fn countries(
        &self,
        c: &Connection,
    ) -> impl Future<Output = Result<Vec<CountryOffer>>> + MaybeSend {
        self.log("countries", c, None);
        self.inner.countries(c)
    }
    fn purchase(
        &self,
        c: &Connection,
        r: &ProviderPurchase,
    ) -> impl Future<Output = Result<ProviderOrder>> + MaybeSend {
        self.log("purchase", c, None);
        self.inner.purchase(c, r)
    }
    fn list_owned(
        &self,
        c: &Connection,
    ) -> impl Future<Output = Result<Vec<OwnedNumber>>> + MaybeSend {
        self.log("list_owned", c, None);
        self.inner.list_owned(c)
    }
    fn fetch(
        &self,
        c: &Connection,
        sid: &str,
    ) -> impl Future<Output = Result<Option<OwnedNumber>>> + MaybeSend {
        self.log("fetch", c, Some(sid));
        self.inner.fetch(c, sid)
    }
    fn release(&self, c: &Connection, sid: &str) -> impl Future<Output = Result<()>> + MaybeSend {
        self.log("release", c, Some(sid));
        self.inner.release(c, sid)
    }
    fn configure_webhooks(
        &self,
        c: &Connection,
        sid: &str,
        w: &WebhookConfig,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        self.log("configure_webhooks", c, Some(sid));
        self.inner.configure_webhooks(c, sid, w)
    }
}

const ACME: &str = "acme";
const GLOBEX: &str = "globex";

fn tenant(t: &str) -> TenantId {
    TenantId::new(t).unwrap()
}

fn connection(t: &str, id: &str, master: &str) -> Connection {
    Connection {
        id: ConnectionId::new(id).unwrap(),
        tenant: tenant(t),
        name: Some(format!("{t}-connection-name")),
        provider: "twilio".into(),
        status: ConnectionStatus::Active,
        supports: VendorSupport {
            search_purchase: true,
            import_owned: true,
            webhook_config: true,
            release: true,
            extra_phone_fields: vec![],
        },
        account: Some(AccountId::new(master).unwrap()),
        auth: None,
    }
}

type Svc = Numbers<LeakyStore, Recording, ManualClock>;

struct World {
    svc: Svc,
    mem: MemoryStore,
    sim: SimulatedProvider,
    provider: Recording,
    /// acme's and globex's ids of each kind.
    numbers: [Vec<NumberId>; 2],
}

fn owned(e164: &str, sid: &str) -> OwnedNumber {
    OwnedNumber {
        e164: E164::from_canonical(e164).unwrap(),
        sid: sid.into(),
        country: Country::new("US").unwrap(),
        kind: telnum::NumberKind::Local,
        capabilities: Default::default(),
        label: None,
        webhooks: WebhookConfig::default(),
        pricing: None,
    }
}

fn world() -> World {
    let mem = MemoryStore::new();
    for (t, master) in [(ACME, "MA_acme"), (GLOBEX, "MA_globex")] {
        for c in ["c1", "c2"] {
            mem.add_connection(connection(t, &format!("{t}_{c}"), master));
        }
        for s in ["SA_1", "SA_2"] {
            mem.add_sub_account(SubAccountRecord {
                id: AccountId::new(format!("{t}_{s}")).unwrap(),
                master: AccountId::new(master).unwrap(),
                tenant: tenant(t),
            });
        }
        mem.add_ref(RefKind::Agent, format!("{t}_agent"), tenant(t));
        mem.add_ref(RefKind::Endpoint, format!("{t}_endpoint"), tenant(t));
    }
    let sim = SimulatedProvider::new();
    sim.add_owned(
        &ConnectionId::new("acme_c1").unwrap(),
        owned("+14155550101", "PN_acme_owned"),
    );
    sim.add_owned(
        &ConnectionId::new("globex_c1").unwrap(),
        owned("+14155550202", "PN_globex_owned"),
    );
    let provider = Recording {
        inner: sim.clone(),
        calls: Arc::default(),
    };
    let svc = Numbers::new(
        LeakyStore(mem.clone()),
        provider.clone(),
        ManualClock::new(Utc.with_ymd_and_hms(2026, 8, 1, 9, 0, 0).unwrap()),
        ServiceConfig::default(),
    )
    .unwrap();
    let mut numbers: [Vec<NumberId>; 2] = Default::default();
    for (i, t) in [ACME, GLOBEX].into_iter().enumerate() {
        let admin = Actor::new(tenant(t), Role::Admin);
        let bought = block_on(svc.purchase(
            &admin,
            &PurchaseRequest {
                connection_id: Some(ConnectionId::new(format!("{t}_c1")).unwrap()),
                idempotency_key: format!("seed-{t}"),
                country: Some(Country::new("US").unwrap()),
                quantity: Some(3),
                label: Some(format!("{t}-secret-label")),
                ..PurchaseRequest::default()
            },
        ))
        .unwrap();
        for n in &bought.numbers {
            numbers[i].push(n.id.clone());
        }
        block_on(svc.activate(&admin, &numbers[i][0])).unwrap();
        let manual = block_on(
            svc.add_manual(
                &admin,
                &ManualDraft {
                    e164: Some(
                        if i == 0 {
                            "+14155550111"
                        } else {
                            "+14155550222"
                        }
                        .into(),
                    ),
                    connection_id: Some(format!("{t}_c2")),
                    label: Some(format!("{t}-secret-label")),
                    ..ManualDraft::default()
                },
            ),
        )
        .unwrap();
        numbers[i].push(manual.number.id);
    }
    provider.take();
    World {
        svc,
        mem,
        sim,
        provider,
        numbers,
    }
}

/// An id of either tenant, or an unknown one.
#[derive(Debug, Clone, Copy)]
enum Pick {
    Acme(usize),
    Globex(usize),
    Unknown,
}

fn pick() -> impl Strategy<Value = Pick> {
    prop_oneof![
        (0..4usize).prop_map(Pick::Acme),
        (0..4usize).prop_map(Pick::Globex),
        Just(Pick::Unknown),
    ]
}

impl Pick {
    fn tenant(self) -> Option<&'static str> {
        match self {
            Pick::Acme(_) => Some(ACME),
            Pick::Globex(_) => Some(GLOBEX),
            Pick::Unknown => None,
        }
    }
    fn index(self) -> usize {
        match self {
            Pick::Acme(i) | Pick::Globex(i) => i,
            Pick::Unknown => 0,
        }
    }
    fn number(self, w: &World) -> NumberId {
        match self {
            Pick::Acme(i) => w.numbers[0][i % w.numbers[0].len()].clone(),
            Pick::Globex(i) => w.numbers[1][i % w.numbers[1].len()].clone(),
            Pick::Unknown => NumberId::new("num_unknown").unwrap(),
        }
    }
    fn named(self, what: &str) -> String {
        match self.tenant() {
            Some(t) => format!("{t}_{what}"),
            None => format!("nobody_{what}"),
        }
    }
    fn connection(self) -> ConnectionId {
        ConnectionId::new(self.named(["c1", "c2"][self.index() % 2])).unwrap()
    }
    fn sub_account(self) -> AccountId {
        AccountId::new(self.named(["SA_1", "SA_2"][self.index() % 2])).unwrap()
    }
    fn agent(self) -> AgentId {
        AgentId::new(self.named("agent")).unwrap()
    }
    fn endpoint(self) -> EndpointId {
        EndpointId::new(self.named("endpoint")).unwrap()
    }
}

#[derive(Debug, Clone)]
enum Cmd {
    Get(Pick),
    List(Pick, Pick),
    PatchConnection(Pick, Pick),
    PatchRefs(Pick, Pick, Pick),
    Activate(Pick),
    Deactivate(Pick),
    Assign(Pick, Pick),
    Unassign(Pick),
    Release(Pick, bool),
    Resync(Pick),
    Webhooks(Pick),
    RecordCall(Pick),
    Sync(Pick),
    Owned(Pick),
    Available(Pick),
    Purchase(Pick, Pick, Pick, u8),
    AddManual(Pick, Pick, bool),
    Import(Pick, bool),
}

fn cmd() -> impl Strategy<Value = Cmd> {
    prop_oneof![
        pick().prop_map(Cmd::Get),
        (pick(), pick()).prop_map(|(a, b)| Cmd::List(a, b)),
        (pick(), pick()).prop_map(|(a, b)| Cmd::PatchConnection(a, b)),
        (pick(), pick(), pick()).prop_map(|(a, b, c)| Cmd::PatchRefs(a, b, c)),
        pick().prop_map(Cmd::Activate),
        pick().prop_map(Cmd::Deactivate),
        (pick(), pick()).prop_map(|(a, b)| Cmd::Assign(a, b)),
        pick().prop_map(Cmd::Unassign),
        (pick(), any::<bool>()).prop_map(|(a, b)| Cmd::Release(a, b)),
        pick().prop_map(Cmd::Resync),
        pick().prop_map(Cmd::Webhooks),
        pick().prop_map(Cmd::RecordCall),
        pick().prop_map(Cmd::Sync),
        pick().prop_map(Cmd::Owned),
        pick().prop_map(Cmd::Available),
        (pick(), pick(), pick(), any::<u8>()).prop_map(|(a, b, c, k)| Cmd::Purchase(a, b, c, k)),
        (pick(), pick(), any::<bool>()).prop_map(|(a, b, c)| Cmd::AddManual(a, b, c)),
        (pick(), any::<bool>()).prop_map(|(a, b)| Cmd::Import(a, b)),
    ]
}

/// Runs one command; the JSON of what the actor was shown.
fn run(w: &World, actor: &Actor, c: &Cmd) -> Value {
    let s = &w.svc;
    fn show<T: serde::Serialize>(r: Result<T>) -> Value {
        match r {
            Ok(v) => serde_json::to_value(v).unwrap(),
            Err(e) => e.to_json(),
        }
    }
    match c.clone() {
        Cmd::Get(n) => show(block_on(s.get(actor, &n.number(w), true))),
        Cmd::List(conn, agent) => show(block_on(s.list(
            actor,
            ListQuery {
                connection_id: Some(conn.connection()).filter(|_| conn.index() % 2 == 0),
                inbound_agent: Some(agent.agent()).filter(|_| agent.index() % 2 == 1),
                ..ListQuery::default()
            },
        ))),
        Cmd::PatchConnection(n, conn) => show(block_on(s.update(
            actor,
            &n.number(w),
            Patch {
                connection_id: Some(conn.connection()),
                ..Patch::default()
            },
            None,
        ))),
        Cmd::PatchRefs(n, agent, endpoint) => show(block_on(s.update(
            actor,
            &n.number(w),
            Patch {
                inbound_agent: Some(Some(agent.agent())),
                endpoint_id: Some(Some(endpoint.endpoint())),
                label: Some(Some("patched".into())),
                ..Patch::default()
            },
            None,
        ))),
        Cmd::Activate(n) => show(block_on(s.activate(actor, &n.number(w)))),
        Cmd::Deactivate(n) => show(block_on(s.deactivate(actor, &n.number(w)))),
        Cmd::Assign(n, sa) => show(block_on(s.assign_sub_account(
            actor,
            &n.number(w),
            &sa.sub_account(),
        ))),
        Cmd::Unassign(n) => show(block_on(s.unassign_sub_account(actor, &n.number(w), true))),
        Cmd::Release(n, soft) => show(block_on(s.release(
            actor,
            &n.number(w),
            if soft {
                ReleaseMode::Soft
            } else {
                ReleaseMode::Hard
            },
        ))),
        Cmd::Resync(n) => show(block_on(s.resync(actor, &n.number(w)))),
        Cmd::Webhooks(n) => show(block_on(s.configure_webhooks(
            actor,
            &n.number(w),
            WebhookConfig {
                voice_url: Some("https://hooks.example.com/voice".into()),
                status_callback_url: None,
            },
        ))),
        Cmd::RecordCall(n) => {
            let at = Utc.with_ymd_and_hms(2026, 7, 30, 9, 0, 0).unwrap();
            show(block_on(s.record_call(actor, &n.number(w), at)))
        }
        Cmd::Sync(conn) => show(block_on(s.sync(actor, &conn.connection()))),
        Cmd::Owned(conn) => show(block_on(s.owned(actor, &conn.connection()))),
        Cmd::Available(conn) => show(block_on(s.available(
            actor,
            &conn.connection(),
            AvailableQuery {
                country: Some(Country::new("US").unwrap()),
                limit: Some(2),
                ..AvailableQuery::default()
            },
        ))),
        Cmd::Purchase(conn, agent, endpoint, key) => show(block_on(s.purchase(
            actor,
            &PurchaseRequest {
                connection_id: Some(conn.connection()),
                idempotency_key: if key % 4 == 0 {
                    "seed-acme".to_string()
                } else {
                    format!("k{key}")
                },
                country: Some(Country::new("US").unwrap()),
                quantity: Some(1),
                inbound_agent: Some(agent.agent()),
                endpoint_id: Some(endpoint.endpoint()),
                ..PurchaseRequest::default()
            },
        ))),
        Cmd::AddManual(conn, agent, acmes_number) => show(block_on(
            s.add_manual(
                actor,
                &ManualDraft {
                    e164: Some(
                        if acmes_number {
                            "+14155550111"
                        } else {
                            "+14155550333"
                        }
                        .into(),
                    ),
                    connection_id: Some(conn.connection().to_string()),
                    inbound_agent: Some(agent.agent().to_string()),
                    ..ManualDraft::default()
                },
            ),
        )),
        Cmd::Import(conn, acmes_number) => show(block_on(s.import_owned(
            actor,
            &ImportRequest {
                draft: ImportDraft {
                    numbers: vec![ImportItem {
                            e164: Some(
                                if acmes_number {
                                    "+14155550101"
                                } else {
                                    "+14155550202"
                                }
                                .into(),
                            ),
                            label: None,
                        }],
                    connection_id: Some(conn.connection().to_string()),
                    confirm_replace_webhooks: true,
                },
                idempotency_key: format!("import-{}", conn.index()),
            },
        ))),
    }
}

/// Everything of acme's: records, events, provider state.
fn acme_state(w: &World) -> (Vec<PhoneNumber>, usize, Vec<OwnedNumber>) {
    let a = tenant(ACME);
    let records = w
        .mem
        .records()
        .into_iter()
        .filter(|r| r.tenant == a)
        .collect();
    let events = w.mem.events().iter().filter(|e| e.tenant == a).count();
    let mut owned = Vec::new();
    for c in ["acme_c1", "acme_c2"] {
        owned.extend(w.sim.owned(&ConnectionId::new(c).unwrap()));
    }
    (records, events, owned)
}

/// Strings of acme's that globex must never be shown.
fn acme_secrets(w: &World) -> Vec<String> {
    let mut v = vec![
        "acme".to_string(),
        "MA_acme".into(),
        "PN_acme".into(),
        "acme-secret-label".into(),
    ];
    for r in w.mem.records() {
        if r.tenant.as_str() == ACME {
            // (Provider sids are per connection in the simulated provider,
            // so globex's may spell the same; ids are global.)
            v.push(format!("\"{}\"", r.id));
        }
    }
    v
}

fn check_references(w: &World) -> std::result::Result<(), String> {
    for r in w.mem.records() {
        let t = r.tenant.as_str();
        let own = |s: &str| {
            s.starts_with(&format!("{t}_")) || s.starts_with("num_") || s.starts_with("nobody_")
        };
        if let Some(c) = &r.connection_id {
            if !c.as_str().starts_with(&format!("{t}_")) {
                return Err(format!("{} of {t} names connection {c}", r.id));
            }
        }
        for id in [
            r.sub_account.as_ref().map(|x| x.to_string()),
            r.inbound_agent.as_ref().map(|x| x.to_string()),
            r.endpoint_id.as_ref().map(|x| x.to_string()),
        ]
        .into_iter()
        .flatten()
        {
            if !own(&id) || id.starts_with("nobody_") {
                return Err(format!("{} of {t} refers to {id}", r.id));
            }
        }
    }
    Ok(())
}

/// Each call for a number went through that number's own connection, of
/// its own tenant (`records`: before the command).
fn check_calls(records: &[PhoneNumber], calls: &[Call]) -> std::result::Result<(), String> {
    for c in calls {
        let Some(sid) = &c.sid else { continue };
        // The simulated provider's sids are per connection: a sid names a
        // number together with the connection.
        let with_sid: Vec<&PhoneNumber> = records
            .iter()
            .filter(|r| r.provider_sid() == Some(sid.as_str()))
            .collect();
        if !with_sid.is_empty()
            && !with_sid.iter().any(|r| {
                r.connection_id.as_ref() == Some(&c.connection.id)
                    && r.tenant == c.connection.tenant
            })
        {
            return Err(format!(
                "{} of {sid} went through {} of {}",
                c.op, c.connection.id, c.connection.tenant
            ));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn tenants_never_reach_each_other(cmds in proptest::collection::vec((0..3u8, cmd()), 1..24)) {
        let w = world();
        let globex = Actor::new(tenant(GLOBEX), Role::Admin);
        let superadmin = Actor::new(tenant("platform"), Role::Superadmin);
        let secrets = acme_secrets(&w);
        for (who, c) in &cmds {
            let before = acme_state(&w);
            let records = w.mem.records();
            let (actor, is_globex) = match who {
                // The superadmin acts on globex's numbers, carrying ids of both.
                0 => {
                    let on_globex = match c {
                        Cmd::PatchConnection(n, _) | Cmd::PatchRefs(n, _, _) | Cmd::Assign(n, _) =>
                            matches!(n, Pick::Globex(_)),
                        _ => false,
                    };
                    if !on_globex { continue; }
                    (&superadmin, false)
                }
                _ => (&globex, true),
            };
            let shown = run(&w, actor, c).to_string();
            let calls = w.provider.take();
            prop_assert_eq!(&acme_state(&w), &before, "acme changed after {:?}", c);
            if is_globex {
                for s in &secrets {
                    prop_assert!(!shown.contains(s.as_str()), "{:?} showed {} in {}", c, s, shown);
                }
                for call in &calls {
                    prop_assert_eq!(call.connection.tenant.as_str(), GLOBEX,
                        "{:?} made {} through an acme connection", c, call.op);
                }
            }
            if let Err(e) = check_calls(&records, &calls) { prop_assert!(false, "{:?}: {}", c, e); }
            if let Err(e) = check_references(&w) { prop_assert!(false, "{:?}: {}", c, e); }
        }
    }
}

/// The observations of the issue, one by one, through the public API.
#[test]
fn foreign_connection_in_a_patch_changes_nothing_and_names_nothing() {
    let w = world();
    let acme = Actor::new(tenant(ACME), Role::Admin);
    let n = w.numbers[0][0].clone();
    let before = block_on(w.svc.get(&acme, &n, false)).unwrap();
    let e = block_on(w.svc.update(
        &acme,
        &n,
        Patch {
            connection_id: Some(ConnectionId::new("globex_c1").unwrap()),
            ..Patch::default()
        },
        None,
    ))
    .unwrap_err();
    assert_eq!(e.code(), "unknown_reference");
    assert_eq!(e.to_json()["field"], "connection_id");
    assert!(!e.to_json().to_string().contains("globex"));
    let after = block_on(w.svc.get(&acme, &n, false)).unwrap();
    assert_eq!(before, after);
    // Release still goes through acme's own connection.
    w.provider.take();
    block_on(w.svc.release(&acme, &n, ReleaseMode::Hard)).unwrap();
    let calls = w.provider.take();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].op, "release");
    assert_eq!(calls[0].connection.tenant.as_str(), ACME);
}

#[test]
fn claimed_master_accounts_are_not_trusted() {
    let w = world();
    let acme = Actor::new(tenant(ACME), Role::Admin);
    let n = w.numbers[0][0].clone();
    let e = block_on(
        w.svc
            .assign_sub_account(&acme, &n, &AccountId::new("globex_SA_1").unwrap()),
    )
    .unwrap_err();
    assert_eq!(e.code(), "unknown_reference");
    assert_eq!(e.to_json()["field"], "sub_account");
    // A sub-account of another master of the same tenant.
    w.mem.add_sub_account(SubAccountRecord {
        id: AccountId::new("acme_SA_other").unwrap(),
        master: AccountId::new("MA_other").unwrap(),
        tenant: tenant(ACME),
    });
    let e = block_on(w.svc.assign_sub_account(
        &acme,
        &n,
        &AccountId::new("acme_SA_other").unwrap(),
    ))
    .unwrap_err();
    assert_eq!(e.code(), "sub_account_mismatch");
    // A manual number has no master account.
    let manual = w.numbers[0][3].clone();
    let e = block_on(w.svc.assign_sub_account(
        &acme,
        &manual,
        &AccountId::new("acme_SA_1").unwrap(),
    ))
    .unwrap_err();
    assert_eq!(e.code(), "no_master_account");
    let ok = block_on(
        w.svc
            .assign_sub_account(&acme, &n, &AccountId::new("acme_SA_1").unwrap()),
    )
    .unwrap();
    assert_eq!(ok.number.sub_account.unwrap().as_str(), "acme_SA_1");
}

#[test]
fn a_store_that_ignores_the_tenant_filter_never_shows_another_tenant() {
    let w = world();
    let globex = Actor::new(tenant(GLOBEX), Role::Admin);
    let e = block_on(w.svc.list(&globex, ListQuery::default())).unwrap_err();
    assert_eq!(e.code(), "store_error");
    assert!(!e.to_json().to_string().contains("acme"));
}

#[test]
fn aging_survives_hard_delete_and_purge() {
    for purge in [false, true] {
        let w = world();
        let acme = Actor::new(tenant(ACME), Role::Admin);
        let globex = Actor::new(tenant(GLOBEX), Role::Admin);
        let manual = w.numbers[0][3].clone();
        if purge {
            block_on(w.svc.release(&acme, &manual, ReleaseMode::Soft)).unwrap();
        }
        block_on(w.svc.release(&acme, &manual, ReleaseMode::Hard)).unwrap();
        assert!(w.mem.records().iter().all(|r| r.id != manual));
        let draft = ManualDraft {
            e164: Some("+14155550111".into()),
            connection_id: Some("globex_c2".into()),
            ..ManualDraft::default()
        };
        let e = block_on(w.svc.add_manual(&globex, &draft)).unwrap_err();
        assert_eq!(e.code(), "number_aging", "purge: {purge}");
        // The same tenant takes it back at once.
        let back = ManualDraft {
            connection_id: Some("acme_c2".into()),
            ..draft.clone()
        };
        let r = block_on(w.svc.add_manual(&acme, &back)).unwrap();
        block_on(w.svc.release(&acme, &r.number.id, ReleaseMode::Hard)).unwrap();
        // After the aging period, the other tenant may take it.
        w.svc.clock().advance(Duration::days(46));
        block_on(w.svc.add_manual(&globex, &draft)).unwrap();
    }
}
