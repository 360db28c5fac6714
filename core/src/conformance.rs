//! A conformance suite for [`NumberStore`] implementations (feature
//! `conformance`). Hosts run it against their own store in a test:
//!
//! ```
//! // In a host's test, with its own store instead of MemoryStore (and its
//! // own runtime, e.g. `#[tokio::test]` and `.await`):
//! use telnum::memory::{block_on, MemoryStore};
//! let report = block_on(telnum::conformance::check_store(MemoryStore::new));
//! report.assert_ok();
//! ```
//!
//! Each check gets a fresh store from `make`. It covers CRUD, version
//! conflicts, pagination edges, search, filters, tenant isolation,
//! idempotency records (claim and completion), connections, sub-accounts,
//! aging tombstones, usage recorded without a version bump, and audit
//! events with their paged trail.

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::actor::{Actor, Role};
use crate::country::Country;
use crate::e164::E164;
use crate::error::Error;
use crate::events::{AuditEvent, EventKind};
use crate::ids::{AccountId, AgentId, ConnectionId, NumberId, TenantId};
use crate::kind::NumberKind;
use crate::ports::{IdempotencyRecord, ListQuery, NumberStore, SubAccountRecord, Tombstone};
use crate::record::{
    Connection, ConnectionStatus, NewNumber, NumberStatus, PhoneNumber, Source, VendorSupport,
};

/// What the suite found.
#[derive(Debug, Default)]
pub struct ConformanceReport {
    /// Checks that passed.
    pub passed: Vec<&'static str>,
    /// Checks that failed, with what went wrong.
    pub failed: Vec<(&'static str, String)>,
}

impl ConformanceReport {
    /// Panics with every failure if any check failed.
    pub fn assert_ok(&self) {
        assert!(
            self.failed.is_empty(),
            "store conformance failures:\n{}",
            self.failed
                .iter()
                .map(|(n, m)| format!("- {n}: {m}"))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

fn t(i: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + Duration::seconds(i)
}

fn record(i: u32, tenant: &str) -> PhoneNumber {
    let mut r = PhoneNumber::new(
        NewNumber {
            id: NumberId::new(format!("conf_{i:04}")).unwrap(),
            tenant: TenantId::new(tenant).unwrap(),
            e164: E164::from_canonical(&format!("+1415555{:04}", i)).unwrap(),
            country: Country::new("US").unwrap(),
            kind: if i.is_multiple_of(2) {
                NumberKind::Local
            } else {
                NumberKind::TollFree
            },
            source: if i.is_multiple_of(3) {
                Source::Manual
            } else {
                Source::Purchased
            },
            connection_id: Some(
                ConnectionId::new(if i.is_multiple_of(2) {
                    "c_even"
                } else {
                    "c_odd"
                })
                .unwrap(),
            ),
            status: if i.is_multiple_of(4) {
                NumberStatus::Active
            } else {
                NumberStatus::Inactive
            },
        },
        // Several records share a created_at so the id breaks ties.
        t(i64::from(i / 2)),
    );
    r.label = Some(format!(
        "Pool {}",
        if i.is_multiple_of(5) { "Alpha" } else { "Beta" }
    ));
    r.account = Some(AccountId::new("MA_1").unwrap());
    if i.is_multiple_of(7) {
        r.sub_account = Some(AccountId::new("SA_1").unwrap());
    }
    if i.is_multiple_of(2) {
        r.inbound_agent = Some(AgentId::new("agent_1").unwrap());
    }
    r
}

fn event(r: &PhoneNumber) -> AuditEvent {
    AuditEvent {
        kind: EventKind::Created,
        number_id: r.id.clone(),
        e164: r.e164,
        tenant: r.tenant.clone(),
        actor: Actor::new(r.tenant.clone(), Role::Admin),
        at: r.created_at,
        changes: Vec::new(),
        detail: Default::default(),
    }
}

macro_rules! ensure {
    ($cond:expr, $($msg:tt)*) => {
        if !$cond {
            return Err(format!($($msg)*));
        }
    };
}

async fn seed<S: NumberStore>(s: &S, n: u32, tenant: &str) -> Result<Vec<PhoneNumber>, String> {
    let mut out = Vec::new();
    for i in 0..n {
        let r = record(i, tenant);
        s.insert(&r, &[event(&r)])
            .await
            .map_err(|e| format!("insert {i}: {e}"))?;
        out.push(r);
    }
    Ok(out)
}

async fn crud<S: NumberStore>(s: S) -> Result<(), String> {
    let r = record(1, "acme");
    s.insert(&r, &[event(&r)])
        .await
        .map_err(|e| e.to_string())?;
    let got = s.get(&r.id).await.map_err(|e| e.to_string())?;
    ensure!(
        got.as_ref() == Some(&r),
        "get after insert returned {got:?}"
    );
    let again = s.insert(&r, &[]).await;
    ensure!(
        matches!(again, Err(Error::AlreadyExists { .. })),
        "second insert of the same id: {again:?}"
    );
    let mut twin = record(1, "acme");
    twin.id = NumberId::new("conf_twin").unwrap();
    let dup = s.insert(&twin, &[]).await;
    ensure!(
        matches!(dup, Err(Error::AlreadyExists { .. })),
        "a second live record of a number: {dup:?}"
    );
    let mut released = twin.clone();
    released.status = NumberStatus::Released;
    s.insert(&released, &[])
        .await
        .map_err(|e| format!("a released twin must be accepted: {e}"))?;
    let found = s.find_by_e164(&r.e164).await.map_err(|e| e.to_string())?;
    ensure!(
        found.len() == 2,
        "find_by_e164 found {} records",
        found.len()
    );
    let mut changed = r.clone();
    changed.label = Some("changed".into());
    changed.version = r.version + 1;
    s.update(&changed, r.version, &[])
        .await
        .map_err(|e| e.to_string())?;
    ensure!(
        s.get(&r.id).await.map_err(|e| e.to_string())? == Some(changed.clone()),
        "update not visible"
    );
    s.delete(&r.id, changed.version, None, &[])
        .await
        .map_err(|e| e.to_string())?;
    ensure!(
        s.get(&r.id).await.map_err(|e| e.to_string())?.is_none(),
        "delete not visible"
    );
    let id = s.next_id().await.map_err(|e| e.to_string())?;
    let id2 = s.next_id().await.map_err(|e| e.to_string())?;
    ensure!(id != id2, "next_id repeated {id}");
    Ok(())
}

async fn versions<S: NumberStore>(s: S) -> Result<(), String> {
    let r = record(2, "acme");
    s.insert(&r, &[]).await.map_err(|e| e.to_string())?;
    let mut a = r.clone();
    a.version += 1;
    a.label = Some("A".into());
    let mut b = r.clone();
    b.version += 1;
    b.label = Some("B".into());
    s.update(&a, r.version, &[])
        .await
        .map_err(|e| e.to_string())?;
    let lost = s.update(&b, r.version, &[]).await;
    ensure!(
        matches!(lost, Err(Error::VersionConflict { expected, actual }) if expected == r.version && actual == a.version),
        "a stale update must be version_conflict with expected/actual, got {lost:?}"
    );
    ensure!(
        s.get(&r.id)
            .await
            .map_err(|e| e.to_string())?
            .and_then(|x| x.label)
            == Some("A".into()),
        "the stale write landed"
    );
    let stale_delete = s.delete(&r.id, r.version, None, &[]).await;
    ensure!(
        matches!(stale_delete, Err(Error::VersionConflict { .. })),
        "stale delete: {stale_delete:?}"
    );
    let gone = s.update(&record(99, "acme"), 1, &[]).await;
    ensure!(
        matches!(gone, Err(Error::NotFound)),
        "update of a missing record: {gone:?}"
    );
    Ok(())
}

async fn pagination<S: NumberStore>(s: S) -> Result<(), String> {
    let all = seed(&s, 45, "acme").await?;
    let mut want: Vec<&PhoneNumber> = all.iter().collect();
    want.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    let page = |q: ListQuery| {
        let s = &s;
        async move { s.list(&q).await }
    };
    let tenant = Some(TenantId::new("acme").unwrap());
    let first = page(ListQuery {
        tenant: tenant.clone(),
        ..ListQuery::default()
    })
    .await
    .map_err(|e| e.to_string())?;
    ensure!(
        first.items.len() == 20 && first.total == 45,
        "default page: {} of {}",
        first.items.len(),
        first.total
    );
    let ids = |v: &[PhoneNumber]| v.iter().map(|r| r.id.to_string()).collect::<Vec<_>>();
    ensure!(
        ids(&first.items)
            == want[..20]
                .iter()
                .map(|r| r.id.to_string())
                .collect::<Vec<_>>(),
        "order is not created_at, id"
    );
    let last = page(ListQuery {
        tenant: tenant.clone(),
        page: Some(3),
        per_page: Some(20),
        ..ListQuery::default()
    })
    .await
    .map_err(|e| e.to_string())?;
    ensure!(
        last.items.len() == 5 && last.offset == 40,
        "last page: {} items at {}",
        last.items.len(),
        last.offset
    );
    let past = page(ListQuery {
        tenant: tenant.clone(),
        offset: Some(45),
        limit: Some(10),
        ..ListQuery::default()
    })
    .await
    .map_err(|e| e.to_string())?;
    ensure!(past.items.is_empty() && past.total == 45, "past the end");
    let max = page(ListQuery {
        tenant: tenant.clone(),
        limit: Some(100),
        ..ListQuery::default()
    })
    .await
    .map_err(|e| e.to_string())?;
    ensure!(max.items.len() == 45, "limit 100");
    for bad in [0, 101] {
        let e = page(ListQuery {
            tenant: tenant.clone(),
            limit: Some(bad),
            ..ListQuery::default()
        })
        .await;
        ensure!(
            matches!(e, Err(Error::InvalidInput { .. })),
            "limit {bad}: {e:?}"
        );
    }
    Ok(())
}

async fn search_and_filters<S: NumberStore>(s: S) -> Result<(), String> {
    let all = seed(&s, 30, "acme").await?;
    let tenant = Some(TenantId::new("acme").unwrap());
    let count = |q: ListQuery| {
        let s = &s;
        let tenant = tenant.clone();
        async move {
            s.list(&ListQuery {
                tenant,
                limit: Some(100),
                ..q
            })
            .await
            .map(|p| p.total)
            .map_err(|e| e.to_string())
        }
    };
    let expect = |f: &dyn Fn(&PhoneNumber) -> bool| all.iter().filter(|r| f(r)).count() as u64;
    let checks: Vec<(&str, ListQuery, u64)> = vec![
        (
            "search label",
            ListQuery {
                search: Some("alpha".into()),
                ..ListQuery::default()
            },
            expect(&|r| r.label.as_deref() == Some("Pool Alpha")),
        ),
        (
            "search digits",
            ListQuery {
                search: Some("5550012".into()),
                ..ListQuery::default()
            },
            1,
        ),
        (
            "status",
            ListQuery {
                status: Some(NumberStatus::Active),
                ..ListQuery::default()
            },
            expect(&|r| r.status == NumberStatus::Active),
        ),
        (
            "kind",
            ListQuery {
                kind: Some(NumberKind::TollFree),
                ..ListQuery::default()
            },
            expect(&|r| r.kind == NumberKind::TollFree),
        ),
        (
            "country",
            ListQuery {
                country: Some(Country::new("US").unwrap()),
                ..ListQuery::default()
            },
            30,
        ),
        (
            "connection",
            ListQuery {
                connection_id: Some(ConnectionId::new("c_even").unwrap()),
                ..ListQuery::default()
            },
            15,
        ),
        (
            "inbound agent",
            ListQuery {
                inbound_agent: Some(AgentId::new("agent_1").unwrap()),
                ..ListQuery::default()
            },
            15,
        ),
        (
            "source",
            ListQuery {
                source: Some(Source::Manual),
                ..ListQuery::default()
            },
            expect(&|r| r.source == Source::Manual),
        ),
        (
            "master with subs",
            ListQuery {
                account: Some(AccountId::new("MA_1").unwrap()),
                ..ListQuery::default()
            },
            30,
        ),
        (
            "master only",
            ListQuery {
                account: Some(AccountId::new("MA_1").unwrap()),
                include_sub_accounts: Some(false),
                ..ListQuery::default()
            },
            expect(&|r| r.sub_account.is_none()),
        ),
        (
            "sub-account",
            ListQuery {
                sub_account: Some(AccountId::new("SA_1").unwrap()),
                ..ListQuery::default()
            },
            expect(&|r| r.sub_account.is_some()),
        ),
    ];
    for (name, q, want) in checks {
        let got = count(q).await?;
        ensure!(got == want, "{name}: {got} records, want {want}");
    }
    Ok(())
}

async fn tenants<S: NumberStore>(s: S) -> Result<(), String> {
    seed(&s, 5, "acme").await?;
    let mut other = record(100, "globex");
    other.e164 = E164::from_canonical("+14155559100").unwrap();
    s.insert(&other, &[]).await.map_err(|e| e.to_string())?;
    let acme = s
        .list(&ListQuery {
            tenant: Some(TenantId::new("acme").unwrap()),
            ..ListQuery::default()
        })
        .await
        .map_err(|e| e.to_string())?;
    ensure!(
        acme.total == 5 && acme.items.iter().all(|r| r.tenant.as_str() == "acme"),
        "tenant scope leaked"
    );
    let globex = s
        .list(&ListQuery {
            tenant: Some(TenantId::new("globex").unwrap()),
            ..ListQuery::default()
        })
        .await
        .map_err(|e| e.to_string())?;
    ensure!(globex.total == 1, "globex sees {}", globex.total);
    let everyone = s
        .list(&ListQuery::default())
        .await
        .map_err(|e| e.to_string())?;
    ensure!(
        everyone.total == 6,
        "no tenant: every record ({})",
        everyone.total
    );
    Ok(())
}

async fn idempotency<S: NumberStore>(s: S) -> Result<(), String> {
    let rec = IdempotencyRecord {
        tenant: TenantId::new("acme").unwrap(),
        key: "k1".into(),
        operation: "purchase".into(),
        request: "{\"a\":1}".into(),
        response: None,
        reserved_ids: vec![
            NumberId::new("num_a").unwrap(),
            NumberId::new("num_b").unwrap(),
        ],
        created_at: t(0),
    };
    let early = s.complete_idempotency(&rec).await;
    ensure!(
        matches!(early, Err(Error::NotFound)),
        "completing an unknown key answers not_found: {early:?}"
    );
    s.put_idempotency(&rec).await.map_err(|e| e.to_string())?;
    let got = s
        .get_idempotency(&rec.tenant, "k1")
        .await
        .map_err(|e| e.to_string())?;
    ensure!(got.as_ref() == Some(&rec), "read back {got:?}");
    let twice = s.put_idempotency(&rec).await;
    ensure!(
        matches!(twice, Err(Error::AlreadyExists { .. })),
        "a key is written once: {twice:?}"
    );
    let other = s
        .get_idempotency(&TenantId::new("globex").unwrap(), "k1")
        .await
        .map_err(|e| e.to_string())?;
    ensure!(other.is_none(), "keys are per tenant");
    // The first request finishes: its result replaces the in-progress
    // record, the reserved ids stay.
    let done = IdempotencyRecord {
        response: Some(serde_json::json!({"numbers": []})),
        ..rec.clone()
    };
    s.complete_idempotency(&done)
        .await
        .map_err(|e| format!("complete_idempotency: {e}"))?;
    let got = s
        .get_idempotency(&rec.tenant, "k1")
        .await
        .map_err(|e| e.to_string())?;
    ensure!(
        got.as_ref() == Some(&done),
        "completed record read back {got:?}"
    );
    Ok(())
}

async fn usage<S: NumberStore>(s: S) -> Result<(), String> {
    let r = record(8, "acme");
    s.insert(&r, &[event(&r)])
        .await
        .map_err(|e| e.to_string())?;
    s.record_call(&r.id, t(500))
        .await
        .map_err(|e| format!("record_call: {e}"))?;
    // An earlier call never moves the time back.
    s.record_call(&r.id, t(400))
        .await
        .map_err(|e| e.to_string())?;
    let got = s.get(&r.id).await.map_err(|e| e.to_string())?;
    let got = got.ok_or("record gone after record_call")?;
    ensure!(
        got.last_call_at == Some(t(500)),
        "last_call_at is the latest call: {:?}",
        got.last_call_at
    );
    ensure!(
        got.version == r.version,
        "usage is not a change: version {} became {}",
        r.version,
        got.version
    );
    let events = s
        .list_events(
            &r.id,
            crate::ports::Window {
                limit: 100,
                offset: 0,
            },
        )
        .await
        .map_err(|e| e.to_string())?;
    ensure!(events.total == 1, "record_call wrote events: {events:?}");
    // An admin's edit made from a read before the call keeps the call.
    let mut edit = r.clone();
    edit.label = Some("edited".into());
    edit.version += 1;
    s.update(&edit, r.version, &[])
        .await
        .map_err(|e| e.to_string())?;
    let got = s
        .get(&r.id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("gone")?;
    ensure!(
        got.last_call_at == Some(t(500)) && got.label.as_deref() == Some("edited"),
        "update moved last_call_at back to {:?}",
        got.last_call_at
    );
    let gone = s
        .record_call(&NumberId::new("conf_missing").unwrap(), t(1))
        .await;
    ensure!(
        matches!(gone, Err(Error::NotFound)),
        "record_call on an unknown id: {gone:?}"
    );
    Ok(())
}

async fn audit_trail<S: NumberStore>(s: S) -> Result<(), String> {
    let a = record(10, "acme");
    let b = record(12, "acme");
    s.insert(&a, &[event(&a)])
        .await
        .map_err(|e| e.to_string())?;
    s.insert(&b, &[event(&b)])
        .await
        .map_err(|e| e.to_string())?;
    let mut cur = a.clone();
    for i in 0..4 {
        let mut next = cur.clone();
        next.label = Some(format!("v{i}"));
        next.version += 1;
        let mut e = event(&next);
        e.kind = EventKind::Updated;
        e.detail.insert("step".into(), serde_json::json!(i));
        s.update(&next, cur.version, &[e])
            .await
            .map_err(|e| e.to_string())?;
        cur = next;
    }
    let w = |limit, offset| crate::ports::Window { limit, offset };
    let first = s
        .list_events(&a.id, w(2, 0))
        .await
        .map_err(|e| e.to_string())?;
    ensure!(
        first.total == 5,
        "total counts the number's events: {}",
        first.total
    );
    let steps: Vec<_> = first
        .items
        .iter()
        .map(|e| e.detail.get("step").cloned())
        .collect();
    ensure!(
        steps == [Some(serde_json::json!(3)), Some(serde_json::json!(2))],
        "newest first: {steps:?}"
    );
    let last = s
        .list_events(&a.id, w(2, 4))
        .await
        .map_err(|e| e.to_string())?;
    ensure!(
        last.items.len() == 1 && last.items[0].kind == EventKind::Created,
        "the last page ends with the oldest event: {:?}",
        last.items
    );
    ensure!(
        first
            .items
            .iter()
            .chain(&last.items)
            .all(|e| e.number_id == a.id),
        "events of another number"
    );
    let none = s
        .list_events(&NumberId::new("conf_missing").unwrap(), w(10, 0))
        .await
        .map_err(|e| e.to_string())?;
    ensure!(
        none.total == 0 && none.items.is_empty(),
        "events of no number: {none:?}"
    );
    Ok(())
}

async fn connections_and_events<S: NumberStore>(s: S) -> Result<(), String> {
    let c = Connection {
        id: ConnectionId::new("c1").unwrap(),
        tenant: TenantId::new("acme").unwrap(),
        name: None,
        provider: "twilio".into(),
        status: ConnectionStatus::Active,
        supports: VendorSupport::default(),
        account: None,
        auth: Some(crate::record::Secret::new("tok")),
    };
    s.put_connection(&c).await.map_err(|e| e.to_string())?;
    let got = s.get_connection(&c.id).await.map_err(|e| e.to_string())?;
    ensure!(
        got.as_ref() == Some(&c),
        "connection read back {got:?} (secrets must survive)"
    );
    let list = s
        .list_connections(&c.tenant)
        .await
        .map_err(|e| e.to_string())?;
    ensure!(list.len() == 1, "list_connections");
    ensure!(
        s.list_connections(&TenantId::new("globex").unwrap())
            .await
            .map_err(|e| e.to_string())?
            .is_empty(),
        "connections leak across tenants"
    );
    let rows = seed(&s, 4, "acme").await?;
    let by_conn = s
        .list_by_connection(&ConnectionId::new("c_even").unwrap())
        .await
        .map_err(|e| e.to_string())?;
    ensure!(by_conn.len() == 2, "list_by_connection: {}", by_conn.len());
    s.append_events(&[event(&rows[0])])
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

async fn tombstones<S: NumberStore>(s: S) -> Result<(), String> {
    let r = record(5, "acme");
    s.insert(&r, &[event(&r)])
        .await
        .map_err(|e| e.to_string())?;
    let none = s.tombstones(&r.e164).await.map_err(|e| e.to_string())?;
    ensure!(none.is_empty(), "tombstones before any delete: {none:?}");
    let stone = Tombstone {
        e164: r.e164,
        tenant: r.tenant.clone(),
        released_at: t(500),
    };
    let stale = s.delete(&r.id, r.version + 1, Some(&stone), &[]).await;
    ensure!(
        matches!(stale, Err(Error::VersionConflict { .. })),
        "stale delete with a tombstone: {stale:?}"
    );
    ensure!(
        s.tombstones(&r.e164)
            .await
            .map_err(|e| e.to_string())?
            .is_empty(),
        "a refused delete left its tombstone"
    );
    s.delete(&r.id, r.version, Some(&stone), &[event(&r)])
        .await
        .map_err(|e| e.to_string())?;
    let got = s.tombstones(&r.e164).await.map_err(|e| e.to_string())?;
    ensure!(
        got == vec![stone.clone()],
        "tombstones after delete: {got:?}"
    );
    let other = record(6, "acme");
    ensure!(
        s.tombstones(&other.e164)
            .await
            .map_err(|e| e.to_string())?
            .is_empty(),
        "a tombstone shows under another number"
    );
    // The number may be taken again (by its tenant) and deleted again:
    // both tombstones are kept.
    let mut again = record(5, "globex");
    again.id = NumberId::new("conf_again").unwrap();
    s.insert(&again, &[])
        .await
        .map_err(|e| format!("insert after a delete: {e}"))?;
    let second = Tombstone {
        e164: again.e164,
        tenant: again.tenant.clone(),
        released_at: t(900),
    };
    s.delete(&again.id, again.version, Some(&second), &[])
        .await
        .map_err(|e| e.to_string())?;
    let both = s.tombstones(&r.e164).await.map_err(|e| e.to_string())?;
    ensure!(
        both.len() == 2 && both.contains(&stone) && both.contains(&second),
        "two deletes of one number keep two tombstones: {both:?}"
    );
    Ok(())
}

async fn sub_accounts<S: NumberStore>(s: S) -> Result<(), String> {
    let sa = SubAccountRecord {
        id: AccountId::new("SA_1").unwrap(),
        master: AccountId::new("MA_1").unwrap(),
        tenant: TenantId::new("acme").unwrap(),
    };
    ensure!(
        s.get_sub_account(&sa.id)
            .await
            .map_err(|e| e.to_string())?
            .is_none(),
        "an unknown sub-account was found"
    );
    s.put_sub_account(&sa).await.map_err(|e| e.to_string())?;
    let got = s.get_sub_account(&sa.id).await.map_err(|e| e.to_string())?;
    ensure!(got.as_ref() == Some(&sa), "sub-account read back {got:?}");
    let moved = SubAccountRecord {
        master: AccountId::new("MA_2").unwrap(),
        ..sa.clone()
    };
    s.put_sub_account(&moved).await.map_err(|e| e.to_string())?;
    let got = s.get_sub_account(&sa.id).await.map_err(|e| e.to_string())?;
    ensure!(got == Some(moved), "put must replace: {got:?}");
    Ok(())
}

/// Runs every check, each on a fresh store from `make`.
pub async fn check_store<S: NumberStore, F: Fn() -> S>(make: F) -> ConformanceReport {
    let mut report = ConformanceReport::default();
    let results: Vec<(&'static str, Result<(), String>)> = vec![
        ("crud", crud(make()).await),
        ("version conflicts", versions(make()).await),
        ("pagination", pagination(make()).await),
        ("search and filters", search_and_filters(make()).await),
        ("tenant isolation", tenants(make()).await),
        ("idempotency records", idempotency(make()).await),
        (
            "connections and events",
            connections_and_events(make()).await,
        ),
        ("aging tombstones", tombstones(make()).await),
        ("sub-accounts", sub_accounts(make()).await),
        ("usage without a version bump", usage(make()).await),
        ("audit trail pages", audit_trail(make()).await),
    ];
    for (name, r) in results {
        match r {
            Ok(()) => report.passed.push(name),
            Err(m) => report.failed.push((name, m)),
        }
    }
    report
}
