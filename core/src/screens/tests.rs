//! Screen rules; each test names the seed text it covers.

use super::*;
use crate::ids::{NumberId, TenantId};
use crate::record::{NewNumber, ProviderRef, VendorField, VendorSupport};
use chrono::{DateTime, Utc};

fn acme(role: Role) -> Actor {
    Actor::new(TenantId::new("acme").unwrap(), role)
}

fn conn(id: &str, status: ConnectionStatus, purchase: bool, webhooks: bool) -> Connection {
    Connection {
        id: ConnectionId::new(id).unwrap(),
        tenant: TenantId::new("acme").unwrap(),
        name: None,
        provider: "twilio".into(),
        status,
        supports: VendorSupport {
            search_purchase: purchase,
            import_owned: purchase,
            webhook_config: webhooks,
            release: purchase,
            extra_phone_fields: vec![VendorField {
                name: "executive_number".into(),
                label: Some("Executive number".into()),
                required: true,
                max_len: None,
            }],
        },
        account: None,
        auth: None,
    }
}

fn record(source: Source, status: NumberStatus, sid: bool) -> PhoneNumber {
    let mut n = PhoneNumber::new(
        NewNumber {
            id: NumberId::new("n1").unwrap(),
            tenant: TenantId::new("acme").unwrap(),
            e164: E164::from_canonical("+14155550100").unwrap(),
            country: Country::new("US").unwrap(),
            kind: NumberKind::Local,
            source,
            connection_id: Some(ConnectionId::new("c1").unwrap()),
            status,
        },
        DateTime::<Utc>::UNIX_EPOCH,
    );
    if sid {
        n.provider = Some(ProviderRef {
            provider: "twilio".into(),
            sid: Some("PN1".into()),
            order_ref: None,
        });
    }
    n
}

/// Seed (detail page): "Activate / Deactivate, Release number (Twilio-managed
/// only, ...), Re-sync from Twilio when a Twilio SID exists", "Configure
/// webhooks on {provider} when the vendor supports webhook config in-app",
/// "Configuration (telephony connection; read-only text for platform-managed
/// purchased numbers)".
#[test]
fn seed_detail_page_actions() {
    let c = conn("c1", ConnectionStatus::Active, true, true);
    let admin = acme(Role::Admin);
    let a = allowed_actions(
        &record(Source::Purchased, NumberStatus::Active, true),
        &admin,
        Some(&c),
    )
    .unwrap();
    assert_eq!(
        a.actions,
        [
            Action::Deactivate,
            Action::Release,
            Action::Resync,
            Action::ConfigureWebhooks
        ]
    );
    assert!(a.connection_read_only);
    assert!(!a.editable_sections.contains(&Section::Configuration));
    assert!(a.editable_sections.contains(&Section::ProviderFields));

    let byot = allowed_actions(
        &record(Source::Manual, NumberStatus::Inactive, false),
        &admin,
        None,
    )
    .unwrap();
    assert_eq!(byot.actions, [Action::Activate]);
    assert!(!byot.connection_read_only);
    assert!(byot.editable_sections.contains(&Section::Configuration));

    let reader = allowed_actions(
        &record(Source::Purchased, NumberStatus::Active, true),
        &acme(Role::ReadOnly),
        Some(&c),
    )
    .unwrap();
    assert!(reader.actions.is_empty() && reader.editable_sections.is_empty());

    let released = allowed_actions(
        &record(Source::Purchased, NumberStatus::Released, true),
        &admin,
        Some(&c),
    )
    .unwrap();
    assert!(released.actions.is_empty());

    let other = Actor::new(TenantId::new("globex").unwrap(), Role::Admin);
    assert_eq!(
        allowed_actions(
            &record(Source::Manual, NumberStatus::Active, false),
            &other,
            None
        )
        .unwrap_err()
        .code(),
        "not_found"
    );
}

/// Seed (add flow step 1): "Purchase from Twilio — Shown only if an active
/// telephony connection with provider Twilio exists"; "Add manually — Always
/// available"; "If Twilio is not connected: helper text".
#[test]
fn seed_add_sources() {
    let admin = acme(Role::Member);
    let none = add_sources(&[], &admin);
    assert_eq!(none.sources.len(), 1);
    assert_eq!(none.sources[0].kind, AddSourceKind::Manual);
    assert!(none.hint.is_some());

    let inactive = [conn("c1", ConnectionStatus::Inactive, true, true)];
    let s = add_sources(&inactive, &admin);
    assert!(s.sources.iter().all(|s| s.kind == AddSourceKind::Manual));

    let active = [
        conn("c1", ConnectionStatus::Active, true, true),
        conn("c2", ConnectionStatus::Active, false, false),
    ];
    let s = add_sources(&active, &admin);
    let kinds: Vec<AddSourceKind> = s.sources.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        [
            AddSourceKind::Purchase,
            AddSourceKind::ImportOwned,
            AddSourceKind::Manual
        ]
    );
    assert_eq!(s.sources[0].connection_ids.len(), 1);
    assert_eq!(s.sources[2].connection_ids.len(), 2);
    assert!(s.hint.is_none());
    assert!(add_sources(&active, &acme(Role::ReadOnly))
        .sources
        .is_empty());
}

/// Seed (manual path): "Next: Configure number is disabled until both E.164
/// and connection are set"; "Telephony connection (active connections only)".
#[test]
fn seed_manual_draft_reports_every_problem() {
    let conns = [
        conn("c1", ConnectionStatus::Active, false, false),
        conn("c2", ConnectionStatus::Inactive, false, false),
    ];
    let admin = acme(Role::Admin);
    let e = validate_manual_draft(&ManualDraft::default(), &conns, &admin).unwrap_err();
    let Error::ValidationFailed { problems } = e else {
        panic!()
    };
    let got: Vec<(&str, &str)> = problems
        .iter()
        .map(|p| (p.field.as_str(), p.code.as_str()))
        .collect();
    assert_eq!(got, [("e164", "required"), ("connection_id", "required")]);

    let draft = ManualDraft {
        e164: Some("415 555 0100".into()),
        connection_id: Some("c2".into()),
        allowed_outbound_countries: vec!["US".into(), "XX".into()],
        ..ManualDraft::default()
    };
    let Error::ValidationFailed { problems } =
        validate_manual_draft(&draft, &conns, &admin).unwrap_err()
    else {
        panic!()
    };
    let got: Vec<(&str, &str)> = problems
        .iter()
        .map(|p| (p.field.as_str(), p.code.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("e164", "region_required"),
            ("connection_id", "connection_inactive"),
            ("allowed_outbound_countries[1]", "invalid_country"),
        ]
    );

    let mut fields = BTreeMap::new();
    fields.insert("executive_number".to_string(), "+919800000000".to_string());
    let ok = validate_manual_draft(
        &ManualDraft {
            e164: Some("+1 415 555 0100".into()),
            connection_id: Some("c1".into()),
            label: Some("  Support line ".into()),
            allowed_inbound_countries: vec!["us".into(), "US".into(), "ca".into()],
            vendor_fields: fields,
            ..ManualDraft::default()
        },
        &conns,
        &admin,
    )
    .unwrap();
    assert_eq!(ok.e164.as_str(), "+14155550100");
    assert_eq!(ok.label.as_deref(), Some("Support line"));
    assert_eq!(ok.allowed_inbound_countries.len(), 2);
    // The vendor's required field is enforced.
    let e = validate_manual_draft(
        &ManualDraft {
            e164: Some("+14155550100".into()),
            connection_id: Some("c1".into()),
            ..ManualDraft::default()
        },
        &conns,
        &admin,
    )
    .unwrap_err();
    assert_eq!(e.to_json()["problems"][0]["code"], "required");
    assert_eq!(
        validate_manual_draft(&ManualDraft::default(), &conns, &acme(Role::ReadOnly))
            .unwrap_err()
            .code(),
        "forbidden"
    );
}

/// Seed (confirm dialogs): "Import owned: warns that voice webhook and
/// status callback will be updated"; Common mistakes: "Import breaks
/// another app — ... read it before confirming".
#[test]
fn seed_import_needs_explicit_confirmation() {
    let conns = [conn("c1", ConnectionStatus::Active, true, true)];
    let admin = acme(Role::Admin);
    let mut d = ImportDraft {
        numbers: vec![ImportItem {
            e164: Some("+14155550100".into()),
            label: Some("US Outbound Pool A".into()),
        }],
        connection_id: Some("c1".into()),
        confirm_replace_webhooks: false,
    };
    let e = validate_import(&d, &conns, &admin).unwrap_err();
    assert_eq!(e.code(), "confirmation_required");
    assert_eq!(e.to_json()["confirmation"], "confirm_replace_webhooks");
    d.confirm_replace_webhooks = true;
    let ok = validate_import(&d, &conns, &admin).unwrap();
    assert_eq!(ok.numbers[0].label.as_deref(), Some("US Outbound Pool A"));
    d.numbers.push(ImportItem {
        e164: Some("+1 415 555 0100".into()),
        label: None,
    });
    d.numbers.push(ImportItem {
        e164: Some("nope".into()),
        label: None,
    });
    let e = validate_import(&d, &conns, &admin).unwrap_err();
    let codes: Vec<String> = e.to_json()["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes, ["duplicate", "invalid_characters"]);
}
