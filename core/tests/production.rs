//! What a production host relies on: retries and concurrency that never buy
//! twice, usage without churn, results that carry their events, discovery,
//! account-wide sync, providers that answer late or refuse for a while.
//! Everything through the public API, on the embedded store and a
//! simulated provider that does not deduplicate purchases.

use std::collections::HashSet;
use std::future::Future;
use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use telnum::memory::{block_on, ManualClock, MemoryStore};
use telnum::ports::{
    AvailableNumber, AvailableQuery, Clock, CountryOffer, EventQuery, MaybeSend, NumberStore,
    OwnedNumber, PriceEntry, Provider, ProviderOrder, ProviderPurchase,
};
use telnum::record::{Connection, ConnectionStatus, NumberStatus, VendorSupport, WebhookConfig};
use telnum::service::{Numbers, PurchaseRequest, ReleaseMode, ServiceConfig, SyncStep};
use telnum::simulated::{SimulatedProvider, Simulation};
use telnum::{
    AccountId, Actor, ConnectionId, Country, Error, EventKind, NumberKind, Patch, Result, Role,
    TenantId,
};

fn connection(id: &str, release: bool) -> Connection {
    Connection {
        id: ConnectionId::new(id).unwrap(),
        tenant: TenantId::new("acme").unwrap(),
        name: None,
        provider: "twilio".into(),
        status: ConnectionStatus::Active,
        supports: VendorSupport {
            search_purchase: true,
            import_owned: true,
            webhook_config: true,
            release,
            extra_phone_fields: vec![],
        },
        account: Some(AccountId::new("MA_1").unwrap()),
        auth: None,
    }
}

fn service_with<P: Provider>(provider: P) -> Numbers<MemoryStore, P, ManualClock> {
    let store = MemoryStore::new();
    store.add_connection(connection("conn_a", true));
    store.add_connection(connection("conn_b", true));
    store.add_connection(connection("conn_norelease", false));
    Numbers::new(
        store,
        provider,
        ManualClock::new(Utc.with_ymd_and_hms(2026, 9, 1, 9, 0, 0).unwrap()),
        ServiceConfig::default(),
    )
    .unwrap()
}

fn admin() -> Actor {
    Actor::new(TenantId::new("acme").unwrap(), Role::Admin)
}

fn order(key: &str, conn: &str, quantity: u32) -> PurchaseRequest {
    PurchaseRequest {
        connection_id: Some(ConnectionId::new(conn).unwrap()),
        idempotency_key: key.into(),
        country: Some(Country::new("US").unwrap()),
        quantity: Some(quantity),
        ..PurchaseRequest::default()
    }
}

#[test]
fn one_key_from_eight_threads_buys_each_number_once() {
    for round in 0..20 {
        let sim = SimulatedProvider::new();
        let svc = Arc::new(service_with(sim.clone()));
        let key = format!("k{round}");
        let results: Vec<Result<_>> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..8)
                .map(|_| {
                    let svc = svc.clone();
                    let key = key.clone();
                    s.spawn(move || block_on(svc.purchase(&admin(), &order(&key, "conn_a", 5))))
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        // The provider, which does not deduplicate, bought 5 numbers.
        assert_eq!(sim.purchase_calls(), 5, "round {round}: {results:?}");
        let mut firsts = Vec::new();
        for r in &results {
            match r {
                Ok(p) => firsts.push(p.numbers.iter().map(|n| n.id.clone()).collect::<Vec<_>>()),
                Err(Error::IdempotencyInProgress) => {}
                Err(e) => panic!("round {round}: a same-key call failed with {e:?}"),
            }
        }
        assert!(!firsts.is_empty());
        assert!(firsts.windows(2).all(|w| w[0] == w[1]), "{firsts:?}");
        // A retry afterwards gets the first result.
        let again = block_on(svc.purchase(&admin(), &order(&key, "conn_a", 5))).unwrap();
        assert_eq!(
            again
                .numbers
                .iter()
                .map(|n| n.id.clone())
                .collect::<Vec<_>>(),
            firsts[0]
        );
        assert_eq!(sim.purchase_calls(), 5);
    }
}

#[test]
fn eight_concurrent_buyers_never_collide_on_an_inventory_number() {
    let sim = SimulatedProvider::new();
    let svc = Arc::new(service_with(sim.clone()));
    for round in 0..200 {
        let bought: Vec<_> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..8)
                .map(|t| {
                    let svc = svc.clone();
                    s.spawn(move || {
                        block_on(
                            svc.purchase(&admin(), &order(&format!("r{round}-{t}"), "conn_a", 1)),
                        )
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut seen = HashSet::new();
        for b in bought {
            let b = b.unwrap_or_else(|e| panic!("round {round}: {e:?}"));
            let n = &b.numbers[0];
            assert!(
                seen.insert(n.e164),
                "round {round}: {} bought twice",
                n.e164
            );
            // Give the number back so the inventory lasts 200 rounds.
            block_on(svc.release(&admin(), &n.id, ReleaseMode::Hard)).unwrap();
        }
    }
}

#[test]
fn purchase_ids_come_from_the_store_and_retries_resume_with_them() {
    let sim = SimulatedProvider::new();
    let svc = service_with(sim.clone());
    // The provider refuses for a while: nothing is bought, the reserved
    // ids are kept for the retry.
    sim.simulate(&Simulation::RateLimit {
        calls: 1,
        retry_after_seconds: Some(30),
    });
    let e = block_on(svc.purchase(&admin(), &order("ids", "conn_a", 2))).unwrap_err();
    match &e {
        Error::ProviderRateLimited {
            retry_after_seconds,
            ..
        } => assert_eq!(*retry_after_seconds, Some(30)),
        other => panic!("{other:?}"),
    }
    assert_eq!(e.http_status(), 429);
    assert_eq!(e.to_json()["retry_after_seconds"], 30);
    assert!(
        svc.store().records().is_empty(),
        "a refused purchase leaves no record"
    );
    let ok = block_on(svc.purchase(&admin(), &order("ids", "conn_a", 2))).unwrap();
    let ids: Vec<_> = ok
        .numbers
        .iter()
        .map(|n| n.id.as_str().to_string())
        .collect();
    // MemoryStore's next_id: the two ids reserved by the first attempt.
    assert_eq!(ids, ["num_000001", "num_000002"]);
    assert_eq!(sim.purchase_calls(), 2);
}

#[test]
fn an_ambiguous_provider_failure_waits_for_sync_and_never_buys_twice() {
    let sim = SimulatedProvider::new();
    let svc = service_with(sim.clone());
    sim.simulate(&Simulation::FailAfterPurchase { calls: 1 });
    let e = block_on(svc.purchase(&admin(), &order("amb", "conn_a", 1))).unwrap_err();
    assert!(
        matches!(
            e,
            Error::Provider {
                retryable: true,
                ..
            }
        ),
        "{e:?}"
    );
    // The provider bought it; the record stays pending, the retry waits.
    let retry = block_on(svc.purchase(&admin(), &order("amb", "conn_a", 1)));
    assert!(
        matches!(retry, Err(Error::IdempotencyInProgress)),
        "{retry:?}"
    );
    assert_eq!(sim.purchase_calls(), 1);
    let report = block_on(svc.sync(&admin(), &ConnectionId::new("conn_a").unwrap())).unwrap();
    assert_eq!(report.completed.len(), 1, "{report:?}");
    let done = block_on(svc.purchase(&admin(), &order("amb", "conn_a", 1))).unwrap();
    assert_eq!(done.numbers[0].status, NumberStatus::Inactive);
    assert_eq!(sim.purchase_calls(), 1);
}

#[test]
fn an_order_the_provider_completes_later_stays_pending_until_it_does() {
    let sim = SimulatedProvider::new();
    let svc = service_with(sim.clone());
    let conn = ConnectionId::new("conn_a").unwrap();
    sim.simulate(&Simulation::HoldOrders { hold: true });
    let r = block_on(svc.purchase(&admin(), &order("held", "conn_a", 1))).unwrap();
    let n = &r.numbers[0];
    assert_eq!(n.status, NumberStatus::Pending);
    let order_ref = n.provider.as_ref().unwrap().order_ref.clone().unwrap();
    assert!(r.events.iter().any(|e| e.kind == EventKind::OrderPending));
    // Long past the pending timeout: still pending, never expired.
    svc.clock().advance(Duration::days(3));
    let report = block_on(svc.sync(&admin(), &conn)).unwrap();
    assert_eq!(
        report.still_pending,
        std::slice::from_ref(&n.id),
        "{report:?}"
    );
    assert!(report.expired.is_empty());
    // A retry gets the pending order, and buys nothing.
    let again = block_on(svc.purchase(&admin(), &order("held", "conn_a", 1))).unwrap();
    assert_eq!(again.numbers[0].id, n.id);
    assert_eq!(sim.purchase_calls(), 1);
    // The provider completes it: resync (or sync) completes the record.
    sim.simulate(&Simulation::SettleOrders { complete: true });
    let done = block_on(svc.resync(&admin(), &n.id)).unwrap();
    assert_eq!(done.number.status, NumberStatus::Inactive);
    assert!(done.number.provider_sid().is_some());
    assert!(done
        .events
        .iter()
        .any(|e| e.kind == EventKind::AcquisitionCompleted));
    let _ = order_ref;

    // A rejected order is resolved by sync.
    let r = block_on(svc.purchase(&admin(), &order("held2", "conn_a", 1))).unwrap();
    sim.simulate(&Simulation::SettleOrders { complete: false });
    let report = block_on(svc.sync(&admin(), &conn)).unwrap();
    assert_eq!(report.expired, [r.numbers[0].id.clone()], "{report:?}");
    assert!(block_on(svc.store().get(&r.numbers[0].id))
        .unwrap()
        .is_none());
}

#[test]
fn usage_is_not_a_change() {
    let svc = service_with(SimulatedProvider::new());
    let n = block_on(svc.purchase(&admin(), &order("u", "conn_a", 1)))
        .unwrap()
        .numbers
        .remove(0);
    let events = svc.store().events().len();
    let now = svc.clock().now().unwrap();
    for i in 0..1000 {
        block_on(svc.record_call(&admin(), &n.id, now - Duration::seconds(1000 - i))).unwrap();
    }
    let after = block_on(svc.store().get(&n.id)).unwrap().unwrap();
    assert_eq!(after.version, n.version, "1,000 calls moved the version");
    assert_eq!(
        svc.store().events().len(),
        events,
        "usage wrote audit events"
    );
    assert_eq!(after.last_call_at, Some(now - Duration::seconds(1)));
    // An admin's edit read before a call does not undo the call.
    let edited = block_on(svc.update(
        &admin(),
        &n.id,
        Patch {
            label: Some(Some("Front desk".into())),
            ..Patch::default()
        },
        Some(n.version),
    ))
    .unwrap();
    assert_eq!(edited.number.last_call_at, Some(now - Duration::seconds(1)));
    // A call from the future (beyond the stated skew) is refused.
    let future = block_on(svc.record_call(&admin(), &n.id, now + Duration::hours(1)));
    assert!(
        matches!(future, Err(Error::CallInFuture { .. })),
        "{future:?}"
    );
    block_on(svc.record_call(&admin(), &n.id, now + Duration::seconds(60))).unwrap();
}

#[test]
fn results_carry_their_events_and_the_trail_pages() {
    let svc = service_with(SimulatedProvider::new());
    let bought = block_on(svc.purchase(&admin(), &order("ev", "conn_a", 1))).unwrap();
    let kinds: Vec<_> = bought.events.iter().map(|e| e.kind).collect();
    assert!(
        kinds.starts_with(&[EventKind::Created, EventKind::AcquisitionCompleted]),
        "{kinds:?}"
    );
    let id = bought.numbers[0].id.clone();
    let active = block_on(svc.activate(&admin(), &id)).unwrap();
    assert_eq!(active.events.len(), 1);
    assert_eq!(active.events[0].kind, EventKind::Activated);
    let released = block_on(svc.release(&admin(), &id, ReleaseMode::Soft)).unwrap();
    assert_eq!(released.events[0].kind, EventKind::SoftReleased);
    let all = svc
        .store()
        .events()
        .into_iter()
        .filter(|e| e.number_id == id)
        .count() as u64;
    let page = block_on(svc.audit(
        &admin(),
        &id,
        EventQuery {
            limit: Some(2),
            offset: None,
        },
    ))
    .unwrap();
    assert_eq!(page.total, all);
    assert_eq!(page.items[0].kind, EventKind::SoftReleased, "newest first");
    let other = Actor::new(TenantId::new("globex").unwrap(), Role::Admin);
    assert!(matches!(
        block_on(svc.audit(&other, &id, EventQuery::default())),
        Err(Error::NotFound)
    ));
    let bad = block_on(svc.audit(
        &admin(),
        &id,
        EventQuery {
            limit: Some(0),
            offset: None,
        },
    ));
    assert!(matches!(bad, Err(Error::InvalidInput { .. })));
}

#[test]
fn countries_lists_kinds_in_stock_and_pricing() {
    let svc = service_with(SimulatedProvider::new());
    let offers = block_on(svc.countries(&admin(), &ConnectionId::new("conn_a").unwrap())).unwrap();
    assert!(offers.len() >= 14);
    let india = offers
        .iter()
        .find(|o| o.country == Country::new("IN").unwrap())
        .unwrap();
    assert_eq!(
        india.kinds,
        [NumberKind::Local, NumberKind::Mobile, NumberKind::TollFree]
    );
    assert!(india.pricing_known);
    let other = Actor::new(TenantId::new("globex").unwrap(), Role::Admin);
    assert!(matches!(
        block_on(svc.countries(&other, &ConnectionId::new("conn_a").unwrap())),
        Err(Error::NotFound)
    ));
}

#[test]
fn release_is_refused_where_the_vendor_cannot_release() {
    let sim = SimulatedProvider::new();
    let svc = service_with(sim.clone());
    let n = block_on(svc.purchase(&admin(), &order("nr", "conn_norelease", 1)))
        .unwrap()
        .numbers
        .remove(0);
    let e = block_on(svc.release(&admin(), &n.id, ReleaseMode::Hard)).unwrap_err();
    match e {
        Error::NotSupported { reason, .. } => assert_eq!(reason, "vendor_does_not_support_release"),
        other => panic!("{other:?}"),
    }
    // Nothing changed: the number is still the account's and the record's.
    assert!(block_on(svc.store().get(&n.id)).unwrap().is_some());
    assert_eq!(
        sim.owned(&ConnectionId::new("conn_norelease").unwrap())
            .len(),
        1
    );
    let details = block_on(svc.get(&admin(), &n.id, false)).unwrap();
    assert!(!details
        .allowed_actions
        .actions
        .contains(&telnum::screens::Action::Release));
}

/// The simulated provider, with one connection whose account cannot be
/// read.
#[derive(Clone)]
struct OneDown(SimulatedProvider);

impl Provider for OneDown {
    fn search_available(
        &self,
        c: &Connection,
        q: &AvailableQuery,
    ) -> impl Future<Output = Result<Vec<AvailableNumber>>> + MaybeSend {
        self.0.search_available(c, q)
    }
    fn pricing(
        &self,
        c: &Connection,
        country: Country,
    ) -> impl Future<Output = Result<Vec<PriceEntry>>> + MaybeSend {
        self.0.pricing(c, country)
    }
    fn countries(
        &self,
        c: &Connection,
    ) -> impl Future<Output = Result<Vec<CountryOffer>>> + MaybeSend {
        self.0.countries(c)
    }
    fn purchase(
        &self,
        c: &Connection,
        r: &ProviderPurchase,
    ) -> impl Future<Output = Result<ProviderOrder>> + MaybeSend {
        self.0.purchase(c, r)
    }
    fn list_owned(
        &self,
        c: &Connection,
    ) -> impl Future<Output = Result<Vec<OwnedNumber>>> + MaybeSend {
        let down = c.id.as_str() == "conn_b";
        let inner = self.0.clone();
        let c = c.clone();
        async move {
            if down {
                return Err(Error::Provider {
                    provider: "twilio".into(),
                    message: "503 Service Unavailable".into(),
                    retryable: true,
                    provider_code: Some("503".into()),
                });
            }
            inner.list_owned(&c).await
        }
    }
    fn fetch(
        &self,
        c: &Connection,
        sid: &str,
    ) -> impl Future<Output = Result<Option<OwnedNumber>>> + MaybeSend {
        self.0.fetch(c, sid)
    }
    fn release(&self, c: &Connection, sid: &str) -> impl Future<Output = Result<()>> + MaybeSend {
        self.0.release(c, sid)
    }
    fn configure_webhooks(
        &self,
        c: &Connection,
        sid: &str,
        w: &WebhookConfig,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        self.0.configure_webhooks(c, sid, w)
    }
}

#[test]
fn an_account_wide_sync_goes_on_past_a_failing_connection() {
    let sim = SimulatedProvider::new();
    let svc = service_with(OneDown(sim.clone()));
    let owned = |e164: &str| OwnedNumber {
        e164: telnum::E164::from_canonical(e164).unwrap(),
        sid: String::new(),
        country: Country::new("US").unwrap(),
        kind: NumberKind::Local,
        capabilities: Default::default(),
        label: None,
        webhooks: WebhookConfig::default(),
        pricing: None,
    };
    sim.add_owned(&ConnectionId::new("conn_a").unwrap(), owned("+14155550177"));
    sim.add_owned(
        &ConnectionId::new("conn_norelease").unwrap(),
        owned("+14155550178"),
    );
    let report = block_on(svc.sync_account(&admin())).unwrap();
    assert_eq!(report.adopted.len(), 2, "{report:?}");
    assert_eq!(report.connections.len(), 3);
    assert_eq!(report.errors.len(), 1, "{report:?}");
    let f = &report.errors[0];
    assert_eq!(f.step, SyncStep::Connection);
    assert_eq!(f.connection_id.as_str(), "conn_b");
    assert_eq!(f.code, "provider_error");
    assert!(f.retryable);
    assert_eq!(report.events.len(), 2);
    // A read-only actor may not sync.
    let ro = Actor::new(TenantId::new("acme").unwrap(), Role::ReadOnly);
    assert!(matches!(
        block_on(svc.sync_account(&ro)),
        Err(Error::Forbidden { .. })
    ));
}

#[test]
fn a_serde_round_trip_never_turns_a_secret_into_the_marker() {
    let svc = service_with(SimulatedProvider::new());
    let n = block_on(svc.purchase(&admin(), &order("sip", "conn_a", 1)))
        .unwrap()
        .numbers
        .remove(0);
    let mut stored = block_on(svc.store().get(&n.id)).unwrap().unwrap();
    stored.sip_credentials = Some(telnum::record::SipCredentials {
        username: "u".into(),
        password: telnum::record::Secret::new("s3cret"),
    });
    let back: telnum::PhoneNumber =
        serde_json::from_str(&serde_json::to_string(&stored).unwrap()).unwrap();
    assert_eq!(back.sip_credentials.unwrap().password.expose(), "s3cret");
    let view = serde_json::to_string(&stored.redacted()).unwrap();
    assert!(!view.contains("s3cret"));
}
