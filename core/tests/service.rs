//! The Numbers service end to end on the embedded store and simulated
//! provider, through the public API as a host would use it.

use std::collections::HashMap;

use chrono::{Duration, TimeZone, Utc};
use telnum::memory::{block_on, ManualClock, MemoryStore};
use telnum::ports::{AvailableQuery, Clock, ListQuery, NumberStore, SubAccountRecord};
use telnum::record::{Connection, ConnectionStatus, NumberStatus, VendorSupport, WebhookConfig};
use telnum::screens::{ImportDraft, ImportItem, ManualDraft};
use telnum::service::{ImportRequest, Numbers, PurchaseRequest, ReleaseMode, ServiceConfig};
use telnum::simulated::SimulatedProvider;
use telnum::{
    AccountId, Actor, ConnectionId, Country, Currency, Money, NumberId, Patch, PhoneNumber, Role,
    TenantId, E164,
};

type Svc = Numbers<MemoryStore, SimulatedProvider, ManualClock>;

fn conn_id() -> ConnectionId {
    ConnectionId::new("conn_twilio").unwrap()
}

fn connection(tenant: &str, id: &str) -> Connection {
    Connection {
        id: ConnectionId::new(id).unwrap(),
        tenant: TenantId::new(tenant).unwrap(),
        name: Some("Twilio".into()),
        provider: "twilio".into(),
        status: ConnectionStatus::Active,
        supports: VendorSupport {
            search_purchase: true,
            import_owned: true,
            webhook_config: true,
            release: true,
            extra_phone_fields: vec![],
        },
        account: Some(AccountId::new("MA_1").unwrap()),
        auth: None,
    }
}

fn service() -> Svc {
    let store = MemoryStore::new();
    store.add_connection(connection("acme", "conn_twilio"));
    store.add_connection(connection("globex", "conn_globex"));
    store.add_sub_account(SubAccountRecord {
        id: AccountId::new("SA_1").unwrap(),
        master: AccountId::new("MA_1").unwrap(),
        tenant: TenantId::new("acme").unwrap(),
    });
    Numbers::new(
        store,
        SimulatedProvider::new(),
        ManualClock::new(Utc.with_ymd_and_hms(2026, 8, 1, 9, 0, 0).unwrap()),
        ServiceConfig {
            default_webhooks: Some(WebhookConfig {
                voice_url: Some("https://voice.example.com/inbound".into()),
                status_callback_url: Some("https://voice.example.com/status".into()),
            }),
            ..ServiceConfig::default()
        },
    )
    .unwrap()
}

fn admin() -> Actor {
    Actor::new(TenantId::new("acme").unwrap(), Role::Admin).with_user("ops")
}

fn buy(svc: &Svc, key: &str, quantity: u32) -> telnum::Result<Vec<PhoneNumber>> {
    block_on(svc.purchase(
        &admin(),
        &PurchaseRequest {
            connection_id: Some(conn_id()),
            idempotency_key: key.into(),
            country: Some(Country::new("US").unwrap()),
            quantity: Some(quantity),
            ..PurchaseRequest::default()
        },
    ))
    .map(|r| r.numbers)
}

#[test]
fn purchase_activate_assign_release_lifecycle() {
    let svc = service();
    let a = admin();
    let avail = block_on(svc.available(
        &a,
        &conn_id(),
        AvailableQuery {
            country: Some(Country::new("US").unwrap()),
            ..AvailableQuery::default()
        },
    ))
    .unwrap();
    assert!(!avail.is_empty());
    let prices = block_on(svc.pricing(&a, &conn_id(), Country::new("US").unwrap())).unwrap();
    assert_eq!(prices.len(), 3);

    let bought = buy(&svc, "order-1", 2).unwrap();
    assert_eq!(bought.len(), 2);
    for n in &bought {
        assert_eq!(n.status, NumberStatus::Inactive);
        assert!(n.provider_sid().is_some());
        assert_eq!(
            n.webhooks.voice_url.as_deref(),
            Some("https://voice.example.com/inbound")
        );
    }
    let owned = svc.provider().owned(&conn_id());
    assert_eq!(owned.len(), 2);
    // Webhooks were written at the provider too.
    assert!(owned
        .iter()
        .all(|o| o.webhooks.status_callback_url.is_some()));

    let n = block_on(svc.activate(&a, &bought[0].id)).unwrap();
    assert_eq!(n.number.status, NumberStatus::Active);
    let n = block_on(svc.update(
        &a,
        &n.number.id,
        Patch {
            inbound_agent: Some(Some(telnum::AgentId::new("agent_7").unwrap())),
            ..Patch::default()
        },
        Some(n.number.version),
    ))
    .unwrap();
    assert_eq!(n.number.inbound_agent.unwrap().as_str(), "agent_7");

    // Soft release keeps the record; the provider lets the number go.
    let kept = block_on(svc.release(&a, &bought[1].id, ReleaseMode::Soft))
        .unwrap()
        .number
        .unwrap();
    assert_eq!(kept.status, NumberStatus::Released);
    assert_eq!(svc.provider().owned(&conn_id()).len(), 1);
    // Hard release removes it.
    assert!(block_on(svc.release(&a, &bought[0].id, ReleaseMode::Hard))
        .unwrap()
        .number
        .is_none());
    assert!(svc.provider().owned(&conn_id()).is_empty());
    assert!(block_on(svc.store().get(&bought[0].id)).unwrap().is_none());
    let kinds: Vec<String> = svc
        .store()
        .events()
        .iter()
        .map(|e| {
            serde_json::to_value(e.kind)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    for k in [
        "created",
        "acquisition_completed",
        "activated",
        "updated",
        "soft_released",
        "hard_deleted",
    ] {
        assert!(kinds.contains(&k.to_string()), "no {k} event in {kinds:?}");
    }
}

#[test]
fn idempotent_purchase_never_buys_twice() {
    let svc = service();
    let first = buy(&svc, "order-7", 2).unwrap();
    let inventory = svc.provider().inventory_len();
    let calls_before = svc.provider().faults().calls();
    let again = buy(&svc, "order-7", 2).unwrap();
    assert_eq!(first, again);
    assert_eq!(svc.provider().inventory_len(), inventory);
    assert_eq!(
        svc.provider().faults().calls(),
        calls_before,
        "the provider was not called again"
    );
    let e = buy(&svc, "order-7", 3).unwrap_err();
    assert_eq!(e.code(), "idempotency_mismatch");
}

#[test]
fn purchase_checks_balance_before_buying() {
    let svc = service();
    let e = block_on(svc.purchase(
        &admin(),
        &PurchaseRequest {
            connection_id: Some(conn_id()),
            idempotency_key: "k".into(),
            country: Some(Country::new("US").unwrap()),
            kind: Some(telnum::NumberKind::Local),
            quantity: Some(2),
            balance: Some(Money::new(300, Currency::USD)),
            ..PurchaseRequest::default()
        },
    ))
    .unwrap_err();
    // Local US: 100 setup + 115 first month, twice = 430.
    assert_eq!(e.code(), "insufficient_balance");
    assert_eq!(e.to_json()["required"]["amount_minor"], 430);
    assert!(svc.provider().owned(&conn_id()).is_empty());
    assert!(svc.store().records().is_empty());
}

#[test]
fn purchase_by_inventory_id_attaches_the_endpoint() {
    let svc = service();
    let avail = block_on(svc.available(
        &admin(),
        &conn_id(),
        AvailableQuery {
            country: Some(Country::new("GB").unwrap()),
            kind: Some(telnum::NumberKind::Mobile),
            ..AvailableQuery::default()
        },
    ))
    .unwrap();
    let pick = &avail[3];
    let r = block_on(svc.purchase(
        &admin(),
        &PurchaseRequest {
            connection_id: Some(conn_id()),
            idempotency_key: "inv".into(),
            inventory_id: Some(pick.inventory_id.clone()),
            endpoint_id: Some(telnum::EndpointId::new("ep_1").unwrap()),
            ..PurchaseRequest::default()
        },
    ))
    .unwrap();
    assert_eq!(r.numbers[0].e164, pick.e164);
    assert_eq!(r.numbers[0].endpoint_id.as_ref().unwrap().as_str(), "ep_1");
    assert_eq!(r.charge.unwrap().amount_minor, 700);
    // Nobody can buy it twice.
    let e = block_on(svc.purchase(
        &admin(),
        &PurchaseRequest {
            connection_id: Some(conn_id()),
            idempotency_key: "inv-2".into(),
            e164: Some(pick.e164.to_string()),
            country: Some(Country::new("GB").unwrap()),
            ..PurchaseRequest::default()
        },
    ))
    .unwrap_err();
    assert!(
        ["already_exists", "validation_failed"].contains(&e.code()),
        "{e:?}"
    );
}

#[test]
fn import_owned_needs_confirmation_and_reports_already_imported() {
    let svc = service();
    let n = E164::from_canonical("+14155550177").unwrap();
    svc.provider().add_owned(
        &conn_id(),
        telnum::ports::OwnedNumber {
            e164: n,
            sid: String::new(),
            country: Country::new("US").unwrap(),
            kind: telnum::NumberKind::Local,
            capabilities: telnum::Capabilities::VOICE_SMS,
            label: Some("old app".into()),
            webhooks: WebhookConfig {
                voice_url: Some("https://old.example.com/v".into()),
                status_callback_url: None,
            },
            pricing: None,
        },
    );
    let owned = block_on(svc.owned(&admin(), &conn_id())).unwrap();
    assert_eq!(owned[0].status, telnum::service::OwnedStatus::NotInApp);
    let mut req = ImportRequest {
        draft: ImportDraft {
            numbers: vec![ImportItem {
                e164: Some("+1 415 555 0177".into()),
                label: Some("US Outbound Pool A".into()),
            }],
            connection_id: Some("conn_twilio".into()),
            confirm_replace_webhooks: false,
        },
        idempotency_key: "imp-1".into(),
    };
    assert_eq!(
        block_on(svc.import_owned(&admin(), &req))
            .unwrap_err()
            .code(),
        "confirmation_required"
    );
    req.draft.confirm_replace_webhooks = true;
    let r = block_on(svc.import_owned(&admin(), &req)).unwrap();
    assert_eq!(r.imported[0].label.as_deref(), Some("US Outbound Pool A"));
    // The import replaced the webhooks at the provider.
    let at_provider = &svc.provider().owned(&conn_id())[0];
    assert_eq!(
        at_provider.webhooks.voice_url.as_deref(),
        Some("https://voice.example.com/inbound")
    );
    let owned = block_on(svc.owned(&admin(), &conn_id())).unwrap();
    assert_eq!(
        owned[0].status,
        telnum::service::OwnedStatus::AlreadyImported
    );
    req.idempotency_key = "imp-2".into();
    let r = block_on(svc.import_owned(&admin(), &req)).unwrap();
    assert_eq!(r.already_imported, vec![n]);
    // A number the account does not own cannot be imported.
    req.idempotency_key = "imp-3".into();
    req.draft.numbers[0].e164 = Some("+14155550188".into());
    let e = block_on(svc.import_owned(&admin(), &req)).unwrap_err();
    assert_eq!(e.to_json()["problems"][0]["code"], "not_owned");
}

#[test]
fn byot_release_never_touches_the_provider() {
    let svc = service();
    let r = block_on(svc.add_manual(
        &admin(),
        &ManualDraft {
            e164: Some("+14155550123".into()),
            connection_id: Some("conn_twilio".into()),
            ..ManualDraft::default()
        },
    ))
    .unwrap();
    assert_eq!(r.number.management, telnum::Management::Byot);
    svc.provider().faults().fail_on_call(1);
    // Would fail if the provider were called.
    assert!(
        block_on(svc.release(&admin(), &r.number.id, ReleaseMode::Hard))
            .unwrap()
            .number
            .is_none()
    );
    svc.provider().faults().clear();
}

#[test]
fn tenants_never_see_each_other() {
    let svc = service();
    let bought = buy(&svc, "o", 1).unwrap();
    let other = Actor::new(TenantId::new("globex").unwrap(), Role::Admin);
    let e = block_on(svc.get(&other, &bought[0].id, false)).unwrap_err();
    assert_eq!((e.code(), e.http_status()), ("not_found", 404));
    assert_eq!(
        block_on(svc.activate(&other, &bought[0].id))
            .unwrap_err()
            .code(),
        "not_found"
    );
    let page = block_on(svc.list(&other, ListQuery::default())).unwrap();
    assert_eq!(page.total, 0);
    // Even naming the other tenant in the query does not help.
    let page = block_on(svc.list(
        &other,
        ListQuery {
            tenant: Some(TenantId::new("acme").unwrap()),
            ..ListQuery::default()
        },
    ))
    .unwrap();
    assert_eq!(page.total, 0);
    assert_eq!(
        block_on(svc.sync(&other, &conn_id())).unwrap_err().code(),
        "not_found"
    );
    let root = Actor::new(TenantId::new("platform").unwrap(), Role::Superadmin);
    assert_eq!(
        block_on(svc.list(&root, ListQuery::default()))
            .unwrap()
            .total,
        1
    );
}

#[test]
fn list_pages_searches_and_filters() {
    let svc = service();
    let bought = buy(&svc, "bulk", 12).unwrap();
    let a = admin();
    let q = |f: fn(&mut ListQuery)| {
        let mut q = ListQuery::default();
        f(&mut q);
        block_on(svc.list(&a, q))
    };
    let p = q(|q| {
        q.page = Some(2);
        q.per_page = Some(5);
    })
    .unwrap();
    assert_eq!((p.items.len(), p.total, p.offset), (5, 12, 5));
    let p = q(|q| {
        q.limit = Some(5);
        q.offset = Some(10);
    })
    .unwrap();
    assert_eq!(p.items.len(), 2);
    assert_eq!(
        q(|q| q.limit = Some(101)).unwrap_err().code(),
        "invalid_input"
    );
    assert_eq!(
        q(|q| q.limit = Some(0)).unwrap_err().code(),
        "invalid_input"
    );
    let digits = bought[3].e164.national_number()[4..].to_string();
    let needle: &'static str = Box::leak(digits.into_boxed_str());
    let p = block_on(svc.list(
        &a,
        ListQuery {
            search: Some(needle.into()),
            ..ListQuery::default()
        },
    ))
    .unwrap();
    assert!(p.items.iter().any(|r| r.id == bought[3].id));
    block_on(svc.activate(&a, &bought[0].id)).unwrap();
    let p = q(|q| q.status = Some(NumberStatus::Active)).unwrap();
    assert_eq!(p.total, 1);
    // Stable order: created_at then id, the same on every call.
    let one = q(|q| q.limit = Some(100)).unwrap();
    let two = q(|q| q.limit = Some(100)).unwrap();
    assert_eq!(one.items, two.items);
}

#[test]
fn sub_account_cool_off_then_forced_move() {
    let svc = service();
    let n = buy(&svc, "sa", 1).unwrap().remove(0);
    let a = admin();
    let sub = AccountId::new("SA_1").unwrap();
    block_on(svc.assign_sub_account(&a, &n.id, &sub)).unwrap();
    let now = svc.clock().now().unwrap();
    block_on(svc.record_call(&a, &n.id, now - Duration::days(3))).unwrap();
    let e = block_on(svc.unassign_sub_account(&a, &n.id, false)).unwrap_err();
    assert_eq!(e.code(), "did_cool_off_in_effect");
    assert_eq!(e.to_json()["cool_off_remaining_seconds"], 12 * 86_400);
    let member = Actor::new(TenantId::new("acme").unwrap(), Role::Member);
    assert_eq!(
        block_on(svc.unassign_sub_account(&member, &n.id, true))
            .unwrap_err()
            .code(),
        "forbidden"
    );
    let moved = block_on(svc.unassign_sub_account(&a, &n.id, true)).unwrap();
    assert!(moved.number.sub_account.is_none());
    assert!(svc
        .store()
        .events()
        .iter()
        .any(|e| e.kind == telnum::EventKind::CoolOffWaived));
}

#[test]
fn sync_adopts_flags_and_reports_drift() {
    let svc = service();
    let a = admin();
    let bought = buy(&svc, "s", 3).unwrap();
    // Provider-side drift: one number vanishes, one gets new webhooks, one
    // appears that the app never bought.
    svc.provider().drop_owned(&conn_id(), &bought[0].e164);
    svc.provider()
        .set_webhooks(&conn_id(), &bought[1].e164, WebhookConfig::default());
    svc.provider().add_owned(
        &conn_id(),
        telnum::ports::OwnedNumber {
            e164: E164::from_canonical("+14155550199").unwrap(),
            sid: String::new(),
            country: Country::new("US").unwrap(),
            kind: telnum::NumberKind::Local,
            capabilities: telnum::Capabilities::VOICE,
            label: None,
            webhooks: WebhookConfig::default(),
            pricing: None,
        },
    );
    let report = block_on(svc.sync(&a, &conn_id())).unwrap();
    assert_eq!(report.missing, vec![bought[0].id.clone()]);
    assert_eq!(report.adopted.len(), 1);
    assert_eq!(report.drift.len(), 1);
    assert_eq!(report.drift[0].fields[0].field, "webhooks");
    let flagged = block_on(svc.store().get(&bought[0].id)).unwrap().unwrap();
    assert!(flagged.missing_at_provider);
    // A second sync finds nothing new to do but the same drift.
    let again = block_on(svc.sync(&a, &conn_id())).unwrap();
    assert!(again.adopted.is_empty() && again.missing.is_empty());
    // Resync takes the provider's view.
    let fixed = block_on(svc.resync(&a, &bought[1].id)).unwrap();
    assert_eq!(fixed.number.webhooks, WebhookConfig::default());
}

#[test]
fn get_redacts_secrets_unless_an_admin_asks() {
    let svc = service();
    let n = buy(&svc, "sip", 1).unwrap().remove(0);
    let mut r = block_on(svc.store().get(&n.id)).unwrap().unwrap();
    let before = r.version;
    r.sip_credentials = Some(telnum::record::SipCredentials {
        username: "trunk".into(),
        password: telnum::Secret::new("s3cret"),
    });
    r.version += 1;
    block_on(svc.store().update(&r, before, &[])).unwrap();
    let member = Actor::new(TenantId::new("acme").unwrap(), Role::Member);
    let d = block_on(svc.get(&member, &n.id, true)).unwrap();
    assert!(d
        .number
        .sip_credentials
        .as_ref()
        .unwrap()
        .password
        .is_redacted());
    let d = block_on(svc.get(&admin(), &n.id, false)).unwrap();
    assert!(d
        .number
        .sip_credentials
        .as_ref()
        .unwrap()
        .password
        .is_redacted());
    let d = block_on(svc.get(&admin(), &n.id, true)).unwrap();
    assert_eq!(
        d.number.sip_credentials.as_ref().unwrap().password.expose(),
        "s3cret"
    );
    assert!(d
        .allowed_actions
        .actions
        .contains(&telnum::screens::Action::Release));
}

// ---- concurrency --------------------------------------------------------

#[test]
fn two_services_on_one_store_exactly_one_update_wins() {
    let a = service();
    let store = a.store().clone();
    let b = Numbers::new(
        store.clone(),
        a.provider().clone(),
        ManualClock::new(a.clock().now().unwrap()),
        ServiceConfig::default(),
    )
    .unwrap();
    let n = buy(&a, "c", 1).unwrap().remove(0);
    let updated_events = |store: &MemoryStore| {
        store
            .events()
            .iter()
            .filter(|e| e.kind == telnum::EventKind::Updated && e.number_id == n.id)
            .count() as u64
    };
    let baseline = updated_events(&store);
    let label = |s: &str| Patch {
        label: Some(Some(s.into())),
        ..Patch::default()
    };
    let v = n.version;
    let first = block_on(a.update(&admin(), &n.id, label("from A"), Some(v)));
    let second = block_on(b.update(&admin(), &n.id, label("from B"), Some(v)));
    assert!(first.is_ok());
    assert_eq!(second.unwrap_err().code(), "version_conflict");
    let stored = block_on(store.get(&n.id)).unwrap().unwrap();
    assert_eq!(stored.label.as_deref(), Some("from A"));
    assert_eq!(stored.version, v + 1);

    // Threads racing on the same record: every update lands exactly once.
    let svcs = std::sync::Arc::new((a, b));
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let svcs = svcs.clone();
            let id = n.id.clone();
            std::thread::spawn(move || {
                let svc = if i % 2 == 0 { &svcs.0 } else { &svcs.1 };
                let mut wins = 0;
                for k in 0..25 {
                    let cur = block_on(svc.store().get(&id)).unwrap().unwrap();
                    let p = Patch {
                        label: Some(Some(format!("t{i}-{k}"))),
                        ..Patch::default()
                    };
                    match block_on(svc.update(&admin(), &id, p, Some(cur.version))) {
                        Ok(_) => wins += 1,
                        Err(e) => assert_eq!(e.code(), "version_conflict"),
                    }
                }
                wins
            })
        })
        .collect();
    let wins: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    let stored = block_on(store.get(&n.id)).unwrap().unwrap();
    assert_eq!(
        stored.version,
        v + 1 + wins,
        "every win bumped the version once"
    );
    assert_eq!(
        updated_events(&store),
        baseline + 1 + wins,
        "one audit event per winning update"
    );
}

// ---- fault injection ------------------------------------------------------

/// After recovery plus one sync: every number the provider bills has
/// exactly one live record, and no live platform-managed record claims a
/// number the provider does not have without being flagged as drift.
fn assert_invariant(svc: &Svc, tag: &str) {
    let owned = svc.provider().owned(&conn_id());
    let records = svc.store().records();
    let mut live: HashMap<E164, Vec<&PhoneNumber>> = HashMap::new();
    for r in records
        .iter()
        .filter(|r| r.status != NumberStatus::Released)
    {
        live.entry(r.e164).or_default().push(r);
    }
    for o in &owned {
        let n = live.get(&o.e164).map_or(0, Vec::len);
        assert_eq!(n, 1, "{tag}: {} billed with {n} live records", o.e164);
    }
    for r in records.iter().filter(|r| {
        r.status != NumberStatus::Released && r.management == telnum::Management::PlatformManaged
    }) {
        let at_provider = owned.iter().any(|o| o.e164 == r.e164);
        assert!(
            at_provider || r.missing_at_provider,
            "{tag}: record {} ({}) claims a number the provider does not have",
            r.id,
            r.e164
        );
    }
}

fn recover(svc: &Svc) {
    svc.store().faults().clear();
    svc.provider().faults().clear();
    // Past the pending timeout, so half-done purchases are resolved.
    svc.clock().advance(Duration::minutes(30));
    let report = block_on(svc.sync(&admin(), &conn_id())).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
}

#[test]
fn every_failed_step_of_purchase_import_release_and_sync_recovers() {
    type Op = fn(&Svc) -> telnum::Result<()>;
    let ops: Vec<(&str, Op)> = vec![
        ("purchase", |s| buy(s, "p", 2).map(|_| ())),
        ("import", |s| {
            s.provider().add_owned(
                &conn_id(),
                telnum::ports::OwnedNumber {
                    e164: E164::from_canonical("+14155550166").unwrap(),
                    sid: "PNEXT1".into(),
                    country: Country::new("US").unwrap(),
                    kind: telnum::NumberKind::Local,
                    capabilities: telnum::Capabilities::VOICE,
                    label: None,
                    webhooks: WebhookConfig::default(),
                    pricing: None,
                },
            );
            block_on(s.import_owned(
                &admin(),
                &ImportRequest {
                    draft: ImportDraft {
                        numbers: vec![ImportItem {
                            e164: Some("+14155550166".into()),
                            label: None,
                        }],
                        connection_id: Some("conn_twilio".into()),
                        confirm_replace_webhooks: true,
                    },
                    idempotency_key: "i".into(),
                },
            ))
            .map(|_| ())
        }),
        ("release-hard", |s| {
            let id = s.store().records().first().map(|r| r.id.clone()).unwrap();
            block_on(s.release(&admin(), &id, ReleaseMode::Hard)).map(|_| ())
        }),
        ("release-soft", |s| {
            let id = s.store().records().first().map(|r| r.id.clone()).unwrap();
            block_on(s.release(&admin(), &id, ReleaseMode::Soft)).map(|_| ())
        }),
        ("sync", |s| {
            s.provider()
                .drop_owned(&conn_id(), &s.store().records()[0].e164);
            block_on(s.sync(&admin(), &conn_id())).map(|_| ())
        }),
    ];
    let mut exercised: HashMap<String, u64> = HashMap::new();
    for (name, op) in &ops {
        for side in ["store", "provider"] {
            for n in 1..=12u64 {
                let svc = service();
                // Every scenario but purchase starts from two bought numbers.
                if *name != "purchase" {
                    buy(&svc, "setup", 2).unwrap();
                }
                match side {
                    "store" => svc.store().faults().fail_on_call(n),
                    _ => svc.provider().faults().fail_on_call(n),
                }
                let result = op(&svc);
                let calls = if side == "store" {
                    svc.store().faults().calls()
                } else {
                    svc.provider().faults().calls()
                };
                if calls >= n {
                    *exercised.entry(format!("{name}/{side}")).or_default() += 1;
                    assert!(
                        result.is_err() || *name == "sync",
                        "{name}: fault {side}#{n} went unnoticed"
                    );
                }
                recover(&svc);
                assert_invariant(&svc, &format!("{name} {side}#{n}"));
                // The operation succeeds when retried after recovery.
                if *name == "purchase" {
                    let again = buy(&svc, "p", 2).unwrap();
                    assert_eq!(again.len(), 2);
                    recover(&svc);
                    assert_invariant(&svc, &format!("{name} retry {side}#{n}"));
                }
            }
        }
    }
    // Every operation had faults injected on both sides.
    assert_eq!(exercised.len(), ops.len() * 2, "{exercised:?}");
}

#[test]
fn a_number_released_by_one_tenant_ages_before_another_takes_it() {
    let svc = service();
    let n = buy(&svc, "age", 1).unwrap().remove(0);
    block_on(svc.release(&admin(), &n.id, ReleaseMode::Soft)).unwrap();
    let globex = Actor::new(TenantId::new("globex").unwrap(), Role::Admin);
    let req = PurchaseRequest {
        connection_id: Some(ConnectionId::new("conn_globex").unwrap()),
        idempotency_key: "g".into(),
        e164: Some(n.e164.to_string()),
        country: Some(Country::new("US").unwrap()),
        ..PurchaseRequest::default()
    };
    let e = block_on(svc.purchase(&globex, &req)).unwrap_err();
    assert_eq!(e.code(), "number_aging");
    svc.clock().advance(Duration::days(46));
    let r = block_on(svc.purchase(&globex, &req)).unwrap();
    assert_eq!(r.numbers[0].tenant.as_str(), "globex");
    assert_eq!(
        r.numbers[0].id,
        NumberId::new(r.numbers[0].id.as_str()).unwrap()
    );
}

#[cfg(feature = "conformance")]
#[test]
fn the_json_service_facade_runs_the_same_operations() {
    use serde_json::json;
    use telnum::json::call_service;
    let svc = service();
    let actor = json!({"tenant": "acme", "role": "admin"});
    let bought = block_on(call_service(
        &svc,
        "purchase",
        json!({"actor": actor, "request": {"connection_id": "conn_twilio", "idempotency_key": "j1", "country": "US", "quantity": 1}}),
    ))
    .unwrap();
    let id = bought["numbers"][0]["id"].as_str().unwrap().to_string();
    let active = block_on(call_service(
        &svc,
        "activate",
        json!({"actor": actor, "id": id}),
    ))
    .unwrap();
    assert_eq!(active["number"]["status"], "active");
    assert_eq!(active["events"][0]["kind"], "activated");
    let page = block_on(call_service(
        &svc,
        "list",
        json!({"actor": actor, "query": {"status": "active"}}),
    ))
    .unwrap();
    assert_eq!(page["total"], 1);
    // Garbage is refused before anything happens.
    for (op, args) in [
        ("activate", json!({"actor": actor})),
        ("activate", json!({"actor": actor, "id": id, "bogus": 1})),
        (
            "release",
            json!({"actor": actor, "id": id, "mode": "sideways"}),
        ),
        ("list", json!([])),
        ("fly", json!({"actor": actor})),
        ("list", json!({"actor": {"tenant": "acme"}})),
    ] {
        let e = block_on(call_service(&svc, op, args)).unwrap_err();
        assert_eq!(e.code(), "invalid_input", "{op}");
    }
    let still = block_on(svc.store().get(&NumberId::new(&id).unwrap()))
        .unwrap()
        .unwrap();
    assert_eq!(still.status, NumberStatus::Active);
    let other = json!({"tenant": "globex", "role": "admin"});
    let e = block_on(call_service(&svc, "get", json!({"actor": other, "id": id}))).unwrap_err();
    assert_eq!(e.code(), "not_found");
}

#[test]
fn a_retry_after_the_host_debited_its_balance_gets_the_first_result() {
    let svc = service();
    let req = |balance: i64| PurchaseRequest {
        connection_id: Some(conn_id()),
        idempotency_key: "debit".into(),
        country: Some(Country::new("US").unwrap()),
        kind: Some(telnum::NumberKind::Local),
        quantity: Some(1),
        balance: Some(Money::new(balance, Currency::USD)),
        ..PurchaseRequest::default()
    };
    let first = block_on(svc.purchase(&admin(), &req(1_000))).unwrap();
    // The host debited 215 and retries with its live balance.
    let again = block_on(svc.purchase(&admin(), &req(785))).unwrap();
    assert_eq!(first, again);
    assert_eq!(svc.provider().owned(&conn_id()).len(), 1);
    // Another intent under the same key is still a mismatch.
    let mut other = req(785);
    other.quantity = Some(2);
    assert_eq!(
        block_on(svc.purchase(&admin(), &other)).unwrap_err().code(),
        "idempotency_mismatch"
    );
}

#[test]
fn a_patch_that_changes_nothing_writes_nothing() {
    let svc = service();
    let n = buy(&svc, "noop", 1).unwrap().remove(0);
    let a = admin();
    let labelled = block_on(svc.update(
        &a,
        &n.id,
        Patch {
            label: Some(Some("Desk".into())),
            ..Patch::default()
        },
        None,
    ))
    .unwrap();
    let events = svc.store().events().len();
    for patch in [
        Patch::default(),
        Patch {
            label: Some(Some("Desk".into())),
            allow_inbound: Some(labelled.number.allow_inbound),
            ..Patch::default()
        },
    ] {
        let same = block_on(svc.update(&a, &n.id, patch, Some(labelled.number.version))).unwrap();
        assert_eq!(same.number, labelled.number);
        assert!(same.events.is_empty(), "{:?}", same.events);
    }
    assert_eq!(
        svc.store().events().len(),
        events,
        "no empty `updated` event"
    );
    let stored = block_on(svc.get(&a, &n.id, false)).unwrap();
    assert_eq!(stored.number.version, labelled.number.version);
}

#[test]
fn a_superadmin_adds_and_imports_on_the_target_tenants_connection() {
    let svc = service();
    let root = Actor::new(TenantId::new("platform").unwrap(), Role::Superadmin);
    let manual = block_on(svc.add_manual(
        &root,
        &ManualDraft {
            e164: Some("+14155550188".into()),
            connection_id: Some("conn_globex".into()),
            ..ManualDraft::default()
        },
    ))
    .unwrap();
    assert_eq!(manual.number.tenant.as_str(), "globex");
    let n = E164::from_canonical("+14155550189").unwrap();
    svc.provider().add_owned(
        &ConnectionId::new("conn_globex").unwrap(),
        telnum::ports::OwnedNumber {
            e164: n,
            sid: String::new(),
            country: Country::new("US").unwrap(),
            kind: telnum::NumberKind::Local,
            capabilities: telnum::Capabilities::VOICE_SMS,
            label: None,
            webhooks: WebhookConfig::default(),
            pricing: None,
        },
    );
    let imported = block_on(svc.import_owned(
        &root,
        &ImportRequest {
            draft: ImportDraft {
                numbers: vec![ImportItem {
                    e164: Some(n.to_string()),
                    label: None,
                }],
                connection_id: Some("conn_globex".into()),
                confirm_replace_webhooks: true,
            },
            idempotency_key: "root-import".into(),
        },
    ))
    .unwrap();
    assert_eq!(imported.imported[0].tenant.as_str(), "globex");
    // An admin of acme cannot name globex's connection.
    let e = block_on(svc.add_manual(
        &admin(),
        &ManualDraft {
            e164: Some("+14155550187".into()),
            connection_id: Some("conn_globex".into()),
            ..ManualDraft::default()
        },
    ))
    .unwrap_err();
    assert_eq!(e.code(), "validation_failed");
    assert!(!e.to_json().to_string().contains("globex"));
}

#[test]
fn a_purchase_without_a_type_buys_local_numbers_or_says_what_is_in_stock() {
    let svc = service();
    let typeless = |key: &str, quantity: u32| PurchaseRequest {
        connection_id: Some(conn_id()),
        idempotency_key: key.into(),
        country: Some(Country::new("US").unwrap()),
        quantity: Some(quantity),
        ..PurchaseRequest::default()
    };
    let bought = block_on(svc.purchase(&admin(), &typeless("t1", 2))).unwrap();
    assert!(bought
        .numbers
        .iter()
        .all(|n| n.kind == telnum::NumberKind::Local));
    // Buy out the local stock, then ask again without a type.
    let rest = telnum::simulated::NUMBERS_PER_KIND as u32 - 2;
    block_on(svc.purchase(
        &admin(),
        &PurchaseRequest {
            kind: Some(telnum::NumberKind::Local),
            ..typeless("t2", rest)
        },
    ))
    .unwrap();
    let records = svc.store().records().len();
    let e = block_on(svc.purchase(&admin(), &typeless("t3", 1))).unwrap_err();
    assert_eq!(e.code(), "kind_required");
    let in_stock = e.to_json()["in_stock"].clone();
    let kinds: Vec<&str> = in_stock
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"mobile") && kinds.contains(&"toll_free"),
        "{kinds:?}"
    );
    assert!(!kinds.contains(&"local"));
    assert!(in_stock[0]["pricing"]["setup"]["amount_minor"].is_i64());
    assert_eq!(svc.store().records().len(), records, "nothing bought");
}

/// A spam flag on a number held by three pools removes it from all three,
/// with a pool event each and a `spam_flagged` audit event on the number;
/// a deactivation and an activation reach every pool too, and a release
/// removes it for good.
#[test]
fn number_level_signals_reach_every_pool() {
    use telnum::pool::{CalleeMode, NumberChange, PoolEventKind, PoolPolicy, Tier};
    use telnum::{Callee, CallerIdPool, CampaignId, Member, PoolSpec};
    let svc = service();
    let nums = buy(&svc, "signals", 3).unwrap();
    let now = svc.clock().now().unwrap();
    let mut members = Vec::new();
    for n in &nums {
        block_on(svc.activate(&admin(), &n.id)).unwrap();
        let allow = Patch {
            allow_outbound: Some(true),
            ..Patch::default()
        };
        let r = block_on(svc.update(&admin(), &n.id, allow, None))
            .unwrap()
            .number;
        members.push(Member::from_record(&r, 1, now - Duration::days(30), false));
    }
    let mut pools: Vec<CallerIdPool> = ["c1", "c2", "c3"]
        .iter()
        .map(|c| {
            CallerIdPool::new(PoolSpec {
                campaign_id: CampaignId::new(*c).unwrap(),
                tenant: TenantId::new("acme").unwrap(),
                members: members.clone(),
                policy: PoolPolicy {
                    callee_mode: CalleeMode::Off,
                    lowest_tier: Tier::AnyCountry,
                    ..PoolPolicy::default()
                },
            })
            .unwrap()
        })
        .collect();
    let flagged = &nums[0].id;
    let follow = |pools: &mut Vec<CallerIdPool>, events: &[telnum::events::AuditEvent]| {
        let mut out = Vec::new();
        for change in NumberChange::from_events(events) {
            for p in pools.iter_mut() {
                out.extend(p.number_changed(&change));
            }
        }
        out
    };

    let r = block_on(svc.flag_spam(&admin(), flagged, "carrier label")).unwrap();
    assert_eq!(r.events.len(), 1);
    assert_eq!(r.events[0].kind, telnum::events::EventKind::SpamFlagged);
    assert_eq!(r.events[0].detail["source"], "carrier label");
    let pool_events = follow(&mut pools, &r.events);
    assert_eq!(pool_events.len(), 3, "one event per pool");
    assert!(pool_events
        .iter()
        .all(|e| e.kind == PoolEventKind::RemovedSpamFlagged && &e.number_id == flagged));
    for p in &pools {
        for k in 0..20 {
            let callee = Callee::new(E164::from_canonical(&format!("+1212555{k:04}")).unwrap());
            let pick = p.pick(&callee, now).unwrap();
            assert_ne!(&pick.number_id, flagged);
        }
    }
    // Following the same change again changes nothing.
    assert!(follow(&mut pools, &r.events).is_empty());
    // The audit trail of the number has it.
    let page = block_on(svc.audit(&admin(), flagged, Default::default())).unwrap();
    assert!(page
        .items
        .iter()
        .any(|e| e.kind == telnum::events::EventKind::SpamFlagged));

    // Deactivation and activation of the second number reach every pool.
    let second = &nums[1].id;
    let off = block_on(svc.deactivate(&admin(), second)).unwrap();
    let ev = follow(&mut pools, &off.events);
    assert_eq!(ev.len(), 3);
    assert!(ev
        .iter()
        .all(|e| e.kind == PoolEventKind::NumberDeactivated));
    let callee = Callee::new(E164::from_canonical("+12125550000").unwrap());
    for p in &pools {
        assert_eq!(&p.pick(&callee, now).unwrap().number_id, &nums[2].id);
    }
    let on = block_on(svc.activate(&admin(), second)).unwrap();
    assert_eq!(follow(&mut pools, &on.events).len(), 3);
    assert!(pools.iter().all(|p| p
        .spec()
        .members
        .iter()
        .any(|m| &m.number_id == second && m.number_active)));

    // A release removes it from every pool.
    block_on(svc.deactivate(&admin(), second)).unwrap();
    let gone = block_on(svc.release(&admin(), second, ReleaseMode::Soft)).unwrap();
    follow(&mut pools, &gone.events);
    for p in &pools {
        let m = p
            .spec()
            .members
            .iter()
            .find(|m| &m.number_id == second)
            .unwrap();
        assert!(matches!(m.status, telnum::MemberStatus::Removed { .. }));
    }
    // A read-only actor may not flag; another tenant does not see the number.
    let viewer = Actor::new(TenantId::new("acme").unwrap(), Role::ReadOnly);
    assert_eq!(
        block_on(svc.flag_spam(&viewer, &nums[2].id, "x"))
            .unwrap_err()
            .code(),
        "forbidden"
    );
    let other = Actor::new(TenantId::new("globex").unwrap(), Role::Admin);
    assert_eq!(
        block_on(svc.flag_spam(&other, &nums[2].id, "x"))
            .unwrap_err()
            .code(),
        "not_found"
    );
    assert_eq!(
        block_on(svc.flag_spam(&admin(), &nums[2].id, " "))
            .unwrap_err()
            .code(),
        "invalid_input"
    );
}

/// A spam flag in one pool's outcome names the change the others follow.
#[test]
fn a_spam_outcome_carries_the_number_change() {
    use telnum::pool::{CallOutcome, NumberChangeKind};
    let spec: telnum::PoolSpec = serde_json::from_value(serde_json::json!({
        "campaign_id": "c", "tenant": "acme", "policy": {"callee_mode": {"mode": "off"}},
        "members": [{"number_id": "a", "e164": "+12125550101", "country": "US", "weight": 1,
                     "added_at": "2026-01-01T00:00:00Z"}]}))
    .unwrap();
    let mut p = telnum::CallerIdPool::new(spec.clone()).unwrap();
    let at = Utc.with_ymd_and_hms(2026, 8, 1, 9, 0, 0).unwrap();
    let u = p
        .record_outcome(&CallOutcome {
            number_id: NumberId::new("a").unwrap(),
            answered: false,
            duration_seconds: 0,
            spam_flagged: true,
            carrier_blocked: false,
            at,
        })
        .unwrap();
    let change = u.number_change.clone().unwrap();
    assert_eq!(change.kind, NumberChangeKind::SpamFlagged);
    p.apply_outcome(&u).unwrap();
    let mut other = telnum::CallerIdPool::new(spec).unwrap();
    assert!(other.number_changed(&change).is_some());
    assert!(other.number_changed(&change).is_none());
}
