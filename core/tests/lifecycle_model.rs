//! Model-based property test of the lifecycle: random sequences of commands
//! by random actors at random times, checked against a small independent
//! model and the invariants of the lifecycle issue:
//!
//! - released is terminal (only a hard delete follows it);
//! - the cool-off is never bypassed without an admin `force` and its
//!   `cool_off_waived` event;
//! - no cross-tenant read or write;
//! - a version bump and at least one event on every success, no change on
//!   failure.

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use telnum::lifecycle::{apply, Command, Ctx, LifecyclePolicy, Patch, SubAccount};
use telnum::record::{
    Connection, ConnectionStatus, NewNumber, NumberStatus, PhoneNumber, ProviderRef, Source,
    VendorSupport, WebhookConfig,
};
use telnum::{
    AccountId, Actor, ConnectionId, Country, EventKind, NumberId, NumberKind, Role, TenantId, E164,
};

#[derive(Debug, Clone)]
enum Op {
    CompleteAcquisition,
    FailAcquisition,
    Activate,
    Deactivate,
    Update,
    ConfigureWebhooks,
    SoftRelease,
    HardDelete,
    Resync,
    Assign { good_master: bool },
    Unassign { force: bool },
    RecordCall,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => Just(Op::CompleteAcquisition),
        1 => Just(Op::FailAcquisition),
        3 => Just(Op::Activate),
        2 => Just(Op::Deactivate),
        2 => Just(Op::Update),
        1 => Just(Op::ConfigureWebhooks),
        1 => Just(Op::SoftRelease),
        1 => Just(Op::HardDelete),
        1 => Just(Op::Resync),
        3 => any::<bool>().prop_map(|good_master| Op::Assign { good_master }),
        3 => any::<bool>().prop_map(|force| Op::Unassign { force }),
        3 => Just(Op::RecordCall),
    ]
}

fn actor() -> impl Strategy<Value = Actor> {
    (
        prop::sample::select(vec!["acme", "acme", "acme", "globex"]),
        prop::sample::select(vec![
            Role::Superadmin,
            Role::Admin,
            Role::Member,
            Role::ReadOnly,
        ]),
    )
        .prop_map(|(t, r)| Actor::new(TenantId::new(t).unwrap(), r).with_user("someone"))
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
}

fn initial(status: NumberStatus) -> PhoneNumber {
    let mut n = PhoneNumber::new(
        NewNumber {
            id: NumberId::new("n1").unwrap(),
            tenant: TenantId::new("acme").unwrap(),
            e164: E164::from_canonical("+14155550100").unwrap(),
            country: Country::new("US").unwrap(),
            kind: NumberKind::Local,
            source: Source::Purchased,
            connection_id: Some(ConnectionId::new("c1").unwrap()),
            status,
        },
        start(),
    );
    n.account = Some(AccountId::new("MA_1").unwrap());
    n.provider = Some(ProviderRef {
        provider: "twilio".into(),
        sid: Some("PN1".into()),
        order_ref: None,
    });
    n
}

fn connection() -> Connection {
    Connection {
        id: ConnectionId::new("c1").unwrap(),
        tenant: TenantId::new("acme").unwrap(),
        name: None,
        provider: "twilio".into(),
        status: ConnectionStatus::Active,
        supports: VendorSupport {
            webhook_config: true,
            ..VendorSupport::default()
        },
        account: None,
        auth: None,
    }
}

fn command(op: &Op, now: DateTime<Utc>) -> Command {
    match op {
        Op::CompleteAcquisition => Command::CompleteAcquisition { provider: None },
        Op::FailAcquisition => Command::FailAcquisition { reason: "x".into() },
        Op::Activate => Command::Activate,
        Op::Deactivate => Command::Deactivate,
        Op::Update => Command::Update {
            patch: Patch {
                label: Some(Some(format!("label {}", now.timestamp()))),
                ..Patch::default()
            },
        },
        Op::ConfigureWebhooks => Command::ConfigureWebhooks {
            webhooks: WebhookConfig {
                voice_url: Some("https://example.com/voice".into()),
                status_callback_url: None,
            },
        },
        Op::SoftRelease => Command::SoftRelease,
        Op::HardDelete => Command::HardDelete,
        Op::Resync => Command::MarkResynced {
            capabilities: None,
            webhooks: None,
        },
        Op::Assign { good_master } => Command::AssignToSubAccount {
            sub_account: SubAccount {
                id: AccountId::new("SA_1").unwrap(),
                master: AccountId::new(if *good_master { "MA_1" } else { "MA_2" }).unwrap(),
            },
        },
        Op::Unassign { force } => Command::UnassignFromSubAccount { force: *force },
        Op::RecordCall => Command::RecordCall { at: now },
    }
}

/// The model's expected status after `op` from `status`, or None if the
/// model expects a refusal by the transition table; `Some(None)` = deleted.
fn model(status: NumberStatus, op: &Op) -> Option<Option<NumberStatus>> {
    use NumberStatus::*;
    let live = matches!(status, Active | Inactive);
    match op {
        Op::CompleteAcquisition => (status == Pending).then_some(Some(Inactive)),
        Op::FailAcquisition => (status == Pending).then_some(None),
        Op::Activate => (status == Inactive).then_some(Some(Active)),
        Op::Deactivate => (status == Active).then_some(Some(Inactive)),
        Op::SoftRelease => live.then_some(Some(Released)),
        Op::HardDelete => (status != Pending).then_some(None),
        _ => live.then_some(Some(status)),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn lifecycle_invariants_hold(
        pending in any::<bool>(),
        steps in prop::collection::vec((op(), actor(), 0i64..(20 * 86_400)), 1..40),
    ) {
        let policy = LifecyclePolicy::default();
        let conn = connection();
        let mut record = Some(initial(if pending { NumberStatus::Pending } else { NumberStatus::Inactive }));
        let mut now = start();
        let mut was_released = false;
        for (op, actor, advance) in steps {
            let Some(r) = record.clone() else { break };
            now += Duration::seconds(advance);
            let cmd = command(&op, now);
            let before = r.clone();
            let ctx = Ctx { now, connection: Some(&conn), policy: &policy };
            let result = apply(&r, &cmd, &actor, &ctx);
            // The input is never touched.
            prop_assert_eq!(&r, &before);
            let other_tenant = actor.role != Role::Superadmin && actor.tenant != r.tenant;
            match result {
                Err(e) => {
                    if other_tenant {
                        prop_assert_eq!(e.code(), "not_found");
                    } else if actor.role == Role::ReadOnly {
                        prop_assert_eq!(e.code(), "forbidden");
                    } else if model(r.status, &op).is_none() {
                        prop_assert_eq!(e.code(), "invalid_transition");
                    }
                }
                Ok(out) => {
                    prop_assert!(!other_tenant, "cross-tenant write succeeded");
                    prop_assert!(actor.role != Role::ReadOnly, "read-only write succeeded");
                    prop_assert!(!out.events.is_empty(), "success without an event");
                    prop_assert!(out.events.iter().all(|e| e.at == now && e.actor == actor));
                    let expected = model(r.status, &op);
                    prop_assert!(expected.is_some(), "model refuses {:?} from {:?}", op, r.status);
                    match (&out.record, expected.unwrap()) {
                        (Some(n), Some(status)) => {
                            prop_assert_eq!(n.status, status);
                            prop_assert_eq!(n.version, r.version + 1);
                            prop_assert_eq!(n.updated_at, now);
                        }
                        (None, None) => {}
                        (got, want) => prop_assert!(false, "got {:?}, model wants {:?}", got.as_ref().map(|n| n.status), want),
                    }
                    if was_released {
                        prop_assert!(out.record.is_none(), "released is terminal");
                    }
                    if let Op::Unassign { force } = op {
                        let in_cool_off = r.last_call_at.is_some_and(|t| now < t + Duration::seconds(policy.cool_off_seconds));
                        let waived = out.events.iter().any(|e| e.kind == EventKind::CoolOffWaived);
                        if in_cool_off {
                            prop_assert!(force && actor.role <= Role::Admin && waived, "cool-off bypassed");
                        } else {
                            prop_assert!(!waived);
                        }
                    }
                    if let Some(n) = &out.record {
                        if n.status == NumberStatus::Released {
                            was_released = true;
                            prop_assert!(n.sub_account.is_none() && n.inbound_agent.is_none());
                        }
                    }
                    record = out.record;
                }
            }
        }
    }
}
