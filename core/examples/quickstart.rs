//! The whole life of a platform's phone numbers, on the embedded in-memory
//! store and simulated provider:
//!
//! inventory and pricing → purchase 2 → import an owned number → activate
//! and assign an agent → a campaign pool picks caller IDs → sync after
//! provider drift → sub-account cool-off refusal, then a forced move → soft
//! release.
//!
//! Run: `cargo run --example quickstart`

use chrono::{DateTime, Duration, Utc};
use telnum::memory::{block_on, ManualClock, MemoryStore};
use telnum::pool::{CalleeMode, PoolPolicy, Tier};
use telnum::ports::{AvailableQuery, Clock, ListQuery, NumberStore, OwnedNumber, SubAccountRecord};
use telnum::record::WebhookConfig;
use telnum::screens::{ImportDraft, ImportItem};
use telnum::service::{ImportRequest, Numbers, PurchaseRequest, ReleaseMode, ServiceConfig};
use telnum::simulated::SimulatedProvider;
use telnum::{
    AccountId, Actor, AgentId, Callee, CallerIdPool, CampaignId, Capabilities, Connection,
    ConnectionId, ConnectionStatus, Country, Member, NumberKind, NumberStatus, Patch, PoolSpec,
    Role, TenantId, VendorSupport, E164,
};

fn step(n: u32, title: &str) {
    println!("\n== {n}. {title}");
}

fn main() -> telnum::Result<()> {
    // The host's side: a store, a provider, a clock (here: the embedded ones;
    // the clock starts at the wall-clock time and moves only when we say).
    let store = MemoryStore::new();
    let connection_id = ConnectionId::new("conn_twilio")?;
    store.add_connection(Connection {
        id: connection_id.clone(),
        tenant: TenantId::new("acme")?,
        name: Some("Twilio (simulated)".into()),
        provider: "twilio".into(),
        status: ConnectionStatus::Active,
        supports: VendorSupport {
            search_purchase: true,
            import_owned: true,
            webhook_config: true,
            release: true,
            extra_phone_fields: vec![],
        },
        account: Some(AccountId::new("MA_acme")?),
        auth: None,
    });
    let provider = SimulatedProvider::new();
    let clock = ManualClock::new(DateTime::<Utc>::from(std::time::SystemTime::now()));
    let svc = Numbers::new(
        store,
        provider,
        clock,
        ServiceConfig {
            default_webhooks: Some(WebhookConfig {
                voice_url: Some("https://voice.example.com/inbound".into()),
                status_callback_url: Some("https://voice.example.com/status".into()),
            }),
            ..ServiceConfig::default()
        },
    )?;
    let admin = Actor::new(TenantId::new("acme")?, Role::Admin).with_user("ops@acme");
    let us = Country::new("US")?;

    step(1, "Inventory and pricing (US)");
    let available = block_on(svc.available(
        &admin,
        &connection_id,
        AvailableQuery {
            country: Some(us),
            kind: Some(NumberKind::Local),
            limit: Some(3),
            ..AvailableQuery::default()
        },
    ))?;
    for a in &available {
        println!(
            "  available {}  {:?}  setup {} + {}/month",
            a.e164, a.kind, a.pricing.setup, a.pricing.monthly
        );
    }
    for p in block_on(svc.pricing(&admin, &connection_id, us))? {
        println!(
            "  price {:>9}: setup {}, monthly {}",
            p.kind.as_str(),
            p.pricing.setup,
            p.pricing.monthly
        );
    }

    step(
        2,
        "Purchase 2 numbers (a pending record first, then the provider)",
    );
    let purchase = PurchaseRequest {
        connection_id: Some(connection_id.clone()),
        idempotency_key: "order-2026-0001".into(),
        country: Some(us),
        kind: Some(NumberKind::Local),
        quantity: Some(2),
        label: Some("US Outbound Pool A".into()),
        balance: Some(telnum::Money::new(10_000, telnum::Currency::USD)),
        ..PurchaseRequest::default()
    };
    let bought = block_on(svc.purchase(&admin, &purchase))?;
    for n in &bought.numbers {
        println!(
            "  bought {} ({}) status {:?}, sid {}",
            n.e164,
            n.id,
            n.status,
            n.provider_sid().unwrap_or("-")
        );
    }
    println!(
        "  charged {} (setup + first month)",
        bought.charge.map(|m| m.to_string()).unwrap_or_default()
    );
    let retry = block_on(svc.purchase(&admin, &purchase))?;
    println!(
        "  retry with the same key returns the same numbers: {}",
        retry == bought
    );

    step(3, "Import a number the account already owns");
    let owned_e164 = E164::parse("+1 201 555 0199", None)?;
    svc.provider().add_owned(
        &connection_id,
        OwnedNumber {
            e164: owned_e164,
            sid: String::new(),
            country: us,
            kind: NumberKind::Local,
            capabilities: Capabilities::VOICE_SMS,
            label: Some("legacy IVR".into()),
            webhooks: WebhookConfig::default(),
            pricing: None,
        },
    );
    let mut import = ImportRequest {
        draft: ImportDraft {
            numbers: vec![ImportItem {
                e164: Some(owned_e164.to_string()),
                label: Some("Support line".into()),
            }],
            connection_id: Some(connection_id.to_string()),
            confirm_replace_webhooks: false,
        },
        idempotency_key: "import-0001".into(),
    };
    match block_on(svc.import_owned(&admin, &import)) {
        Err(e) => println!("  without confirmation: {} ({})", e.code(), e),
        Ok(_) => unreachable!("the import must be confirmed"),
    }
    import.draft.confirm_replace_webhooks = true;
    let imported = block_on(svc.import_owned(&admin, &import))?;
    println!(
        "  imported {} as {}",
        imported.imported[0].e164, imported.imported[0].id
    );

    step(4, "Activate and assign an inbound agent");
    let first = &bought.numbers[0];
    let active = block_on(svc.activate(&admin, &first.id))?;
    let active = block_on(svc.update(
        &admin,
        &active.number.id,
        Patch {
            inbound_agent: Some(Some(AgentId::new("agent_maya")?)),
            allow_outbound: Some(true),
            ..Patch::default()
        },
        Some(active.number.version),
    ))?;
    println!(
        "  {} is {:?}, agent {}, outbound allowed: {}",
        active.number.e164,
        active.number.status,
        active
            .number
            .inbound_agent
            .as_ref()
            .map(|a| a.as_str())
            .unwrap_or("-"),
        active.number.allow_outbound
    );
    let other = Actor::new(TenantId::new("globex")?, Role::Admin);
    let e = block_on(svc.get(&other, &active.number.id, false)).unwrap_err();
    println!("  another tenant asking for it: {} ({})", e.code(), e);

    step(5, "A campaign pool picks caller IDs");
    // Pool members must be active and allowed to call out.
    let mut members = Vec::new();
    for (i, n) in bought.numbers.iter().chain(&imported.imported).enumerate() {
        let mut record = block_on(svc.store().get(&n.id))?.ok_or(telnum::Error::NotFound)?;
        if record.status != NumberStatus::Active {
            record = block_on(svc.activate(&admin, &record.id))?.number;
        }
        if !record.allow_outbound {
            let allow = Patch {
                allow_outbound: Some(true),
                ..Patch::default()
            };
            record = block_on(svc.update(&admin, &record.id, allow, None))?.number;
        }
        members.push(Member::from_record(
            &record,
            1 + i as u32,
            svc.clock().now()? - Duration::days(30),
            false,
        ));
    }
    let mut pool = CallerIdPool::new(PoolSpec {
        campaign_id: CampaignId::new("spring-renewals")?,
        tenant: TenantId::new("acme")?,
        members,
        policy: PoolPolicy {
            callee_mode: CalleeMode::Rotate {
                last_calls: 2,
                within_seconds: 3600,
            },
            lowest_tier: Tier::AnyCountry,
            ..PoolPolicy::default()
        },
    })?;
    // The pool remembers each callee's caller IDs itself: the same person
    // called three times sees three different numbers, with no history
    // kept here.
    for callee in [
        "+14155559876",
        "+14155559876",
        "+14155559876",
        "+12015551234",
    ] {
        let c = Callee::new(E164::from_canonical(callee)?);
        let pick = pool.pick(&c, svc.clock().now()?)?;
        println!(
            "  callee {callee}: caller ID {} (tier {:?})",
            pick.e164, pick.tier
        );
        pool.apply(&pick.delta)?;
    }
    for row in pool.campaign_health(svc.clock().now()?) {
        println!(
            "  health {}: {} calls today, weight {}, status {}",
            row.e164, row.calls_today, row.weight, row.pool_status
        );
    }

    step(6, "Sync after provider-side drift");
    svc.provider()
        .drop_owned(&connection_id, &bought.numbers[1].e164);
    svc.provider().set_webhooks(
        &connection_id,
        &first.e164,
        WebhookConfig {
            voice_url: Some("https://someone-else.example.com/voice".into()),
            status_callback_url: None,
        },
    );
    let report = block_on(svc.sync(&admin, &connection_id))?;
    println!(
        "  missing at the provider (flagged): {:?}",
        report
            .missing
            .iter()
            .map(|i| i.as_str())
            .collect::<Vec<_>>()
    );
    for d in &report.drift {
        println!(
            "  drift on {}: {:?}",
            d.e164,
            d.fields
                .iter()
                .map(|f| f.field.as_str())
                .collect::<Vec<_>>()
        );
    }
    let fixed = block_on(svc.configure_webhooks(
        &admin,
        &first.id,
        WebhookConfig {
            voice_url: Some("https://voice.example.com/inbound".into()),
            status_callback_url: Some("https://voice.example.com/status".into()),
        },
    ))?;
    println!(
        "  webhooks written back at the provider: {:?}",
        fixed.number.webhooks.voice_url
    );

    step(7, "Sub-account: the 15-day cool-off, then a forced move");
    // Sub-accounts live in the store; the service resolves them there and
    // never trusts a master account a caller claims.
    let sub = AccountId::new("SA_reseller")?;
    block_on(svc.store().put_sub_account(&SubAccountRecord {
        id: sub.clone(),
        master: AccountId::new("MA_acme")?,
        tenant: admin.tenant.clone(),
    }))?;
    block_on(svc.assign_sub_account(&admin, &first.id, &sub))?;
    block_on(svc.record_call(&admin, &first.id, svc.clock().now()? - Duration::days(2)))?;
    match block_on(svc.unassign_sub_account(&admin, &first.id, false)) {
        Err(e) => {
            let j = e.to_json();
            println!(
                "  refused: {} until {} ({} s left)",
                e.code(),
                j["cool_off_until"].as_str().unwrap_or("?"),
                j["cool_off_remaining_seconds"]
            );
        }
        Ok(_) => unreachable!("inside the cool-off"),
    }
    let moved = block_on(svc.unassign_sub_account(&admin, &first.id, true))?;
    println!(
        "  forced by an admin: sub-account now {:?} (audit: cool_off_waived)",
        moved.number.sub_account
    );

    step(8, "Soft release (kept for audit; released at the provider)");
    let released = block_on(svc.release(&admin, &bought.numbers[0].id, ReleaseMode::Soft))?;
    if let Some(r) = released.number {
        println!(
            "  {} is {:?}, released at {}",
            r.e164,
            r.status,
            r.released_at
                .map(telnum::error::rfc3339)
                .unwrap_or_default()
        );
    }
    let page = block_on(svc.list(&admin, ListQuery::default()))?;
    println!(
        "\n{} numbers on record, {} audit events",
        page.total,
        svc.store().events().len()
    );
    Ok(())
}
