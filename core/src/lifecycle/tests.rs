//! Unit tests of the lifecycle rules; each names the seed rule it covers.

use super::*;
use crate::actor::Role;
use crate::e164::E164;
use crate::ids::{NumberId, TenantId};
use crate::kind::NumberKind;
use crate::record::{NewNumber, VendorSupport};
use chrono::{Duration, TimeZone};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 1, 9, 0, 0).unwrap()
}

fn tenant(s: &str) -> TenantId {
    TenantId::new(s).unwrap()
}

fn actor(t: &str, role: Role) -> Actor {
    Actor::new(tenant(t), role).with_user("u1")
}

fn number(source: Source, status: NumberStatus) -> PhoneNumber {
    let mut n = PhoneNumber::new(
        NewNumber {
            id: NumberId::new("n1").unwrap(),
            tenant: tenant("acme"),
            e164: E164::from_canonical("+14155550100").unwrap(),
            country: Country::new("US").unwrap(),
            kind: NumberKind::Local,
            source,
            connection_id: Some(ConnectionId::new("c1").unwrap()),
            status,
        },
        t0(),
    );
    n.provider = Some(ProviderRef {
        provider: "twilio".into(),
        sid: Some("PN123".into()),
        order_ref: None,
    });
    n.account = Some(AccountId::new("MA_1").unwrap());
    n
}

fn connection() -> Connection {
    Connection {
        id: ConnectionId::new("c1").unwrap(),
        tenant: tenant("acme"),
        name: Some("Twilio prod".into()),
        provider: "twilio".into(),
        status: ConnectionStatus::Active,
        supports: VendorSupport {
            search_purchase: true,
            import_owned: true,
            webhook_config: true,
            release: true,
            extra_phone_fields: vec![VendorField {
                name: "executive_number".into(),
                label: None,
                required: false,
                max_len: Some(20),
            }],
        },
        account: None,
        auth: None,
    }
}

fn run(r: &PhoneNumber, cmd: Command, a: &Actor, conn: Option<&Connection>) -> Result<Outcome> {
    let policy = LifecyclePolicy::default();
    apply(
        r,
        &cmd,
        a,
        &Ctx {
            now: t0() + Duration::hours(1),
            connection: conn,
            policy: &policy,
        },
    )
}

fn admin() -> Actor {
    actor("acme", Role::Admin)
}

#[test]
fn transition_table_in_docs_matches_code() {
    let table = include_str!("../lifecycle_table.md");
    let samples: Vec<Command> = vec![
        Command::CompleteAcquisition { provider: None },
        Command::FailAcquisition { reason: "r".into() },
        Command::Activate,
        Command::Deactivate,
        Command::Update {
            patch: Patch::default(),
        },
        Command::ConfigureWebhooks {
            webhooks: WebhookConfig::default(),
        },
        Command::SoftRelease,
        Command::HardDelete,
        Command::MarkResynced {
            capabilities: None,
            webhooks: None,
        },
        Command::AssignToSubAccount {
            sub_account: SubAccount {
                id: AccountId::new("s").unwrap(),
                master: AccountId::new("m").unwrap(),
            },
        },
        Command::UnassignFromSubAccount { force: false },
        Command::MarkMissingAtProvider,
        Command::RecordCall { at: t0() },
    ];
    let mut rows = 0;
    for line in table
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| command"))
    {
        let cells: Vec<&str> = line
            .split('|')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        let cmd = samples
            .iter()
            .find(|c| c.name() == cells[0])
            .unwrap_or_else(|| panic!("unknown command in table: {}", cells[0]));
        for (status, cell) in NumberStatus::ALL.iter().zip(&cells[1..]) {
            let got = match transition(*status, cmd) {
                Ok(Some(s)) => s.as_str(),
                Ok(None) => "deleted",
                Err(e) => {
                    assert_eq!(e.code(), "invalid_transition");
                    "—"
                }
            };
            assert_eq!(got, *cell, "{} from {}", cells[0], status.as_str());
        }
        rows += 1;
    }
    assert_eq!(rows, samples.len(), "every command has a row");
}

/// Seed (Callaro failure modes): "Activation fails — Number not correctly
/// bound to connection/tenant".
#[test]
fn seed_activation_needs_an_active_connection_of_the_same_tenant() {
    let r = number(Source::Purchased, NumberStatus::Inactive);
    let a = admin();
    let reason = |c: Option<&Connection>| {
        run(&r, Command::Activate, &a, c).unwrap_err().to_json()["reason"].clone()
    };
    assert_eq!(reason(None), "no_connection");
    let mut other = connection();
    other.id = ConnectionId::new("c2").unwrap();
    assert_eq!(reason(Some(&other)), "connection_mismatch");
    let mut foreign = connection();
    foreign.tenant = tenant("globex");
    assert_eq!(reason(Some(&foreign)), "tenant_mismatch");
    let mut off = connection();
    off.status = ConnectionStatus::Inactive;
    assert_eq!(reason(Some(&off)), "connection_inactive");
    assert_eq!(
        run(&r, Command::Activate, &a, None).unwrap_err().code(),
        "number_not_bound"
    );
    let ok = run(&r, Command::Activate, &a, Some(&connection())).unwrap();
    let rec = ok.record.unwrap();
    assert_eq!(rec.status, NumberStatus::Active);
    assert_eq!(rec.version, r.version + 1);
    assert_eq!(ok.events[0].kind, EventKind::Activated);
    assert_eq!(ok.events[0].changes[0].field, "status");
}

/// Seed (detail page): "Release number (Twilio-managed only)"; BYOT numbers
/// are removed from the app, never released at the provider.
#[test]
fn seed_only_platform_managed_numbers_are_released_at_the_provider() {
    let a = admin();
    let managed = number(Source::Purchased, NumberStatus::Active);
    let out = run(&managed, Command::SoftRelease, &a, None).unwrap();
    assert!(matches!(out.effects[0], Effect::ReleaseAtProvider { .. }));
    let out = run(&managed, Command::HardDelete, &a, None).unwrap();
    assert_eq!(out.effects.len(), 1);

    let byot = number(Source::Manual, NumberStatus::Active);
    assert_eq!(byot.management, Management::Byot);
    let out = run(&byot, Command::SoftRelease, &a, None).unwrap();
    assert!(out.effects.is_empty());
    let out = run(&byot, Command::HardDelete, &a, None).unwrap();
    assert!(out.effects.is_empty());
    assert!(out.record.is_none());
    assert_eq!(out.events[0].kind, EventKind::HardDeleted);
}

/// Seed (kros DELETE): soft release "marks the number as inactive ... but
/// keeps the record for audit"; hard delete "permanently removes" it.
#[test]
fn seed_soft_release_keeps_the_record_hard_delete_removes_it() {
    let a = admin();
    let r = number(Source::Purchased, NumberStatus::Active);
    let soft = run(&r, Command::SoftRelease, &a, None).unwrap();
    let kept = soft.record.unwrap();
    assert_eq!(kept.status, NumberStatus::Released);
    assert_eq!(kept.released_at, Some(t0() + Duration::hours(1)));
    // Released is terminal: never active or assigned again.
    for cmd in [
        Command::Activate,
        Command::Update {
            patch: Patch::default(),
        },
        Command::AssignToSubAccount {
            sub_account: SubAccount {
                id: AccountId::new("SA_1").unwrap(),
                master: AccountId::new("MA_1").unwrap(),
            },
        },
        Command::SoftRelease,
    ] {
        let e = run(&kept, cmd, &a, Some(&connection())).unwrap_err();
        assert_eq!(e.code(), "invalid_transition");
    }
    // Hard delete of the audit record does not release twice.
    let gone = run(&kept, Command::HardDelete, &a, None).unwrap();
    assert!(gone.record.is_none() && gone.effects.is_empty());
}

/// Seed (detail page): "Re-sync from Twilio when a Twilio SID exists";
/// "Configure webhooks on {provider} when the vendor supports webhook config".
#[test]
fn seed_resync_needs_a_sid_and_webhooks_need_vendor_support() {
    let a = admin();
    let mut r = number(Source::Imported, NumberStatus::Active);
    assert!(run(
        &r,
        Command::MarkResynced {
            capabilities: None,
            webhooks: None
        },
        &a,
        None
    )
    .is_ok());
    r.provider = None;
    let e = run(
        &r,
        Command::MarkResynced {
            capabilities: None,
            webhooks: None,
        },
        &a,
        None,
    )
    .unwrap_err();
    assert_eq!(
        (e.code(), e.to_json()["reason"].clone()),
        ("not_supported", "no_provider_sid".into())
    );

    let cmd = Command::ConfigureWebhooks {
        webhooks: WebhookConfig {
            voice_url: None,
            status_callback_url: Some("https://example.com/provider/status".into()),
        },
    };
    let mut plain = connection();
    plain.supports.webhook_config = false;
    assert_eq!(
        run(&r, cmd.clone(), &a, Some(&plain)).unwrap_err().code(),
        "not_supported"
    );
    let out = run(&r, cmd, &a, Some(&connection())).unwrap();
    assert_eq!(
        out.record.unwrap().webhooks.status_callback_url.as_deref(),
        Some("https://example.com/provider/status")
    );
    assert!(matches!(
        out.effects[0],
        Effect::ConfigureWebhooksAtProvider { .. }
    ));
    let bad = Command::ConfigureWebhooks {
        webhooks: WebhookConfig {
            voice_url: Some("http://10.0.0.1/voice".into()),
            status_callback_url: None,
        },
    };
    assert_eq!(
        run(&r, bad, &a, Some(&connection())).unwrap_err().code(),
        "invalid_webhook_url"
    );
}

/// Seed (detail page): "Configuration (telephony connection; read-only text
/// for platform-managed purchased numbers)".
#[test]
fn seed_connection_is_read_only_on_platform_managed_purchases() {
    let a = admin();
    let patch = Patch {
        connection_id: Some(ConnectionId::new("c9").unwrap()),
        ..Patch::default()
    };
    let bought = number(Source::Purchased, NumberStatus::Active);
    let e = run(
        &bought,
        Command::Update {
            patch: patch.clone(),
        },
        &a,
        None,
    )
    .unwrap_err();
    assert_eq!(e.code(), "read_only_field");
    let manual = number(Source::Manual, NumberStatus::Active);
    let out = run(&manual, Command::Update { patch }, &a, None).unwrap();
    assert_eq!(out.record.unwrap().connection_id.unwrap().as_str(), "c9");
}

/// Seed (add flow): "Vendor-specific fields (e.g. mCube executive number)
/// appear ... when the vendor exposes extra phone fields".
#[test]
fn seed_vendor_fields_are_validated_against_the_connection() {
    let a = admin();
    let r = number(Source::Manual, NumberStatus::Active);
    let mut fields = BTreeMap::new();
    fields.insert("executive_number".to_string(), "+919800000000".to_string());
    fields.insert("bogus".to_string(), "x".to_string());
    let patch = Patch {
        vendor_fields: Some(fields.clone()),
        label: Some(Some("x".repeat(300))),
        ..Patch::default()
    };
    let e = run(&r, Command::Update { patch }, &a, Some(&connection())).unwrap_err();
    let Error::ValidationFailed { problems } = &e else {
        panic!("{e:?}")
    };
    let codes: Vec<&str> = problems.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(
        codes,
        ["invalid_label", "unknown_vendor_field"],
        "every problem at once"
    );
    fields.remove("bogus");
    let patch = Patch {
        vendor_fields: Some(fields),
        ..Patch::default()
    };
    assert!(run(&r, Command::Update { patch }, &a, Some(&connection())).is_ok());
}

/// Seed (Vobiz): assign a parent-pool DID to a sub-account; unassign under
/// the 15-day cool-off; admins override with force, writing an audit record.
#[test]
fn seed_sub_account_assign_unassign_and_forced_cool_off() {
    let a = admin();
    let r = number(Source::Purchased, NumberStatus::Active);
    let wrong = SubAccount {
        id: AccountId::new("SA_9").unwrap(),
        master: AccountId::new("MA_other").unwrap(),
    };
    let e = run(
        &r,
        Command::AssignToSubAccount { sub_account: wrong },
        &a,
        None,
    )
    .unwrap_err();
    assert_eq!(e.code(), "sub_account_mismatch");
    let sub = SubAccount {
        id: AccountId::new("SA_1").unwrap(),
        master: AccountId::new("MA_1").unwrap(),
    };
    let assigned = run(
        &r,
        Command::AssignToSubAccount {
            sub_account: sub.clone(),
        },
        &a,
        None,
    )
    .unwrap()
    .record
    .unwrap();
    assert_eq!(assigned.sub_account.as_ref().unwrap().as_str(), "SA_1");
    assert_eq!(
        run(
            &assigned,
            Command::AssignToSubAccount { sub_account: sub },
            &a,
            None
        )
        .unwrap_err()
        .code(),
        "already_assigned"
    );
    // A call 10 days before "now" puts the DID in cool-off.
    let mut called = assigned.clone();
    called.last_call_at = Some(t0() + Duration::hours(1) - Duration::days(10));
    let e = run(
        &called,
        Command::UnassignFromSubAccount { force: false },
        &a,
        None,
    )
    .unwrap_err();
    assert_eq!(e.code(), "did_cool_off_in_effect");
    assert_eq!(e.to_json()["cool_off_remaining_seconds"], 5 * 86_400);
    // A member may not force; an admin may, with a waiver event.
    let member = actor("acme", Role::Member);
    let e = run(
        &called,
        Command::UnassignFromSubAccount { force: true },
        &member,
        None,
    )
    .unwrap_err();
    assert_eq!(e.code(), "forbidden");
    let out = run(
        &called,
        Command::UnassignFromSubAccount { force: true },
        &a,
        None,
    )
    .unwrap();
    assert!(out.record.as_ref().unwrap().sub_account.is_none());
    let kinds: Vec<EventKind> = out.events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EventKind::UnassignedFromSubAccount,
            EventKind::CoolOffWaived
        ]
    );
    let waiver = &out.events[1];
    assert_eq!(waiver.actor.user.as_deref(), Some("u1"));
    assert_eq!(waiver.detail["waived_seconds"], 5 * 86_400);
    // Never used: moves at once, no waiver.
    let out = run(
        &assigned,
        Command::UnassignFromSubAccount { force: false },
        &a,
        None,
    )
    .unwrap();
    assert_eq!(out.events.len(), 1);
    // Not assigned.
    assert_eq!(
        run(
            &r,
            Command::UnassignFromSubAccount { force: false },
            &a,
            None
        )
        .unwrap_err()
        .code(),
        "not_assigned"
    );
}

/// Seed (common mistakes): "Wrong workspace — Tenant must match; permission
/// errors show Resource not available".
#[test]
fn seed_tenant_isolation_and_roles() {
    let r = number(Source::Purchased, NumberStatus::Inactive);
    let outsider = actor("globex", Role::Admin);
    let e = run(&r, Command::Deactivate, &outsider, None).unwrap_err();
    assert_eq!(
        (e.code(), e.to_string()),
        ("not_found", "Resource not available".into())
    );
    let reader = actor("acme", Role::ReadOnly);
    assert_eq!(
        run(&r, Command::HardDelete, &reader, None)
            .unwrap_err()
            .code(),
        "forbidden"
    );
    let root = actor("platform", Role::Superadmin);
    assert!(run(&r, Command::HardDelete, &root, None).is_ok());
}

#[test]
fn patch_distinguishes_absent_from_null_and_accepts_kros_names() {
    let p: Patch = serde_json::from_str(r#"{"label":null,"allowOutbound":true}"#).unwrap();
    assert_eq!(p.label, Some(None));
    assert_eq!(p.inbound_agent, None);
    assert_eq!(p.allow_outbound, Some(true));
    assert!(serde_json::from_str::<Patch>(r#"{"nope":1}"#).is_err());
    let c: Command =
        serde_json::from_str(r#"{"type":"update","patch":{"label":"India Pool B"}}"#).unwrap();
    assert_eq!(c.name(), "update");
}

#[test]
fn record_call_only_moves_forward() {
    let a = admin();
    let mut r = number(Source::Purchased, NumberStatus::Active);
    r.last_call_at = Some(t0());
    let out = run(
        &r,
        Command::RecordCall {
            at: t0() - Duration::days(1),
        },
        &a,
        None,
    )
    .unwrap();
    assert_eq!(out.record.unwrap().last_call_at, Some(t0()));
}
