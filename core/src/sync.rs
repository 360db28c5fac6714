//! Reconciliation: a pure, linear diff of a provider's inventory against
//! the records of one connection (seed: Callaro `POST /phone_numbers/sync`,
//! "Sync mismatch — Provider-side drift").
//!
//! - **adopt**: the provider bills us for a number no record holds (a
//!   purchase whose store write failed, a number bought outside the app);
//! - **complete**: a pending record whose number the provider now has;
//! - **expire**: a pending record the provider does not have, older than
//!   the pending timeout (its acquisition failed);
//! - **orders**: a pending order (the provider accepted the purchase and
//!   completes it later, `order_ref`) the provider does not have yet: never
//!   expired, whatever its age; the provider is asked where it stands;
//! - **missing**: a live platform-managed record the provider no longer
//!   has (flagged, never silently deleted);
//! - **reappeared**: a record flagged missing that the provider has again;
//! - **drift**: differences in webhooks, capabilities and label.
//!
//! BYOT (manual) records are not managed at the provider and are left out.
//! The diff hashes the provider's list once and walks the records once.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::e164::E164;
use crate::ids::NumberId;
use crate::ports::OwnedNumber;
use crate::record::{Management, NumberStatus, PhoneNumber};

/// Pending records younger than this are left alone by sync.
pub const DEFAULT_PENDING_TIMEOUT_SECONDS: i64 = 15 * 60;

/// One field that differs between a record and the provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DriftField {
    /// `webhooks`, `capabilities` or `label`.
    pub field: String,
    /// The record's value.
    pub record: Value,
    /// The provider's value.
    pub provider: Value,
}

/// A record that drifted from the provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Drift {
    /// The record.
    pub number_id: NumberId,
    /// The number.
    pub e164: E164,
    /// What differs.
    pub fields: Vec<DriftField>,
}

/// The diff of a provider's inventory against records.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncDiff {
    /// Owned numbers without a record.
    pub adopt: Vec<OwnedNumber>,
    /// Pending records the provider now has: (record, provider entry).
    pub complete: Vec<(NumberId, OwnedNumber)>,
    /// Pending records past the timeout that the provider does not have.
    pub expire: Vec<NumberId>,
    /// Pending orders (a purchase the provider completes later, with its
    /// `order_ref`) the provider does not have yet: never expired by the
    /// timeout; ask the provider where they stand.
    #[serde(default)]
    pub orders: Vec<NumberId>,
    /// Live records the provider no longer has (not yet flagged).
    pub missing: Vec<NumberId>,
    /// Records flagged missing that the provider has again.
    pub reappeared: Vec<(NumberId, OwnedNumber)>,
    /// Records that differ from the provider.
    pub drift: Vec<Drift>,
}

impl SyncDiff {
    /// True when records and provider agree.
    pub fn is_empty(&self) -> bool {
        self.adopt.is_empty()
            && self.complete.is_empty()
            && self.expire.is_empty()
            && self.orders.is_empty()
            && self.missing.is_empty()
            && self.reappeared.is_empty()
            && self.drift.is_empty()
    }
}

fn drift_of(r: &PhoneNumber, o: &OwnedNumber) -> Vec<DriftField> {
    let mut out = Vec::new();
    // Compare natively; serialise only what differs (the hot path of a
    // large sync is "no drift").
    if r.webhooks != o.webhooks {
        out.push(field("webhooks", val(&r.webhooks), val(&o.webhooks)));
    }
    if r.capabilities != o.capabilities {
        out.push(field(
            "capabilities",
            val(&r.capabilities),
            val(&o.capabilities),
        ));
    }
    if o.label.is_some() && r.label != o.label {
        out.push(field("label", val(&r.label), val(&o.label)));
    }
    out
}

fn field(name: &str, record: Value, provider: Value) -> DriftField {
    DriftField {
        field: name.into(),
        record,
        provider,
    }
}

fn val<T: Serialize>(x: &T) -> Value {
    serde_json::to_value(x).unwrap_or(Value::Null)
}

/// Diffs `owned` (the provider's inventory for a connection) against
/// `records` (that connection's records) at `now`. Linear in both.
pub fn diff(
    records: &[PhoneNumber],
    owned: &[OwnedNumber],
    now: DateTime<Utc>,
    pending_timeout_seconds: i64,
) -> SyncDiff {
    let mut by_number: HashMap<E164, &OwnedNumber> = HashMap::with_capacity(owned.len());
    for o in owned {
        by_number.insert(o.e164, o);
    }
    let mut claimed: HashMap<E164, ()> = HashMap::with_capacity(records.len());
    let mut d = SyncDiff::default();
    for r in records {
        if r.management != Management::PlatformManaged || r.status == NumberStatus::Released {
            continue;
        }
        let at_provider = by_number.get(&r.e164).copied();
        if at_provider.is_some() {
            claimed.insert(r.e164, ());
        }
        match (r.status, at_provider) {
            (NumberStatus::Pending, Some(o)) => d.complete.push((r.id.clone(), o.clone())),
            (NumberStatus::Pending, None) => {
                if r.provider.as_ref().is_some_and(|p| p.order_ref.is_some()) {
                    d.orders.push(r.id.clone());
                } else if now - r.created_at >= crate::time::seconds(pending_timeout_seconds) {
                    d.expire.push(r.id.clone());
                }
            }
            (_, None) => {
                if !r.missing_at_provider {
                    d.missing.push(r.id.clone());
                }
            }
            (_, Some(o)) => {
                if r.missing_at_provider {
                    d.reappeared.push((r.id.clone(), o.clone()));
                }
                let fields = drift_of(r, o);
                if !fields.is_empty() {
                    d.drift.push(Drift {
                        number_id: r.id.clone(),
                        e164: r.e164,
                        fields,
                    });
                }
            }
        }
    }
    for o in owned {
        if !claimed.contains_key(&o.e164) {
            // A BYOT record for the same number does not claim it either:
            // the provider bills us, so the platform adopts it.
            d.adopt.push(o.clone());
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::country::Country;
    use crate::ids::TenantId;
    use crate::kind::{Capabilities, NumberKind};
    use crate::record::{NewNumber, ProviderRef, Source, WebhookConfig};
    use chrono::{Duration, TimeZone};

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap()
    }

    fn owned(e: &str) -> OwnedNumber {
        OwnedNumber {
            e164: E164::from_canonical(e).unwrap(),
            sid: format!("PN{e}"),
            country: Country::new("US").unwrap(),
            kind: NumberKind::Local,
            capabilities: Capabilities::VOICE,
            label: None,
            webhooks: WebhookConfig::default(),
            pricing: None,
        }
    }

    fn rec(id: &str, e: &str, status: NumberStatus, source: Source) -> PhoneNumber {
        let mut r = PhoneNumber::new(
            NewNumber {
                id: NumberId::new(id).unwrap(),
                tenant: TenantId::new("t").unwrap(),
                e164: E164::from_canonical(e).unwrap(),
                country: Country::new("US").unwrap(),
                kind: NumberKind::Local,
                source,
                connection_id: None,
                status,
            },
            t0(),
        );
        r.provider = Some(ProviderRef {
            provider: "sim".into(),
            sid: Some(format!("PN{e}")),
            order_ref: None,
        });
        r
    }

    #[test]
    fn diff_classifies_every_case() {
        let records = vec![
            rec(
                "same",
                "+14155550100",
                NumberStatus::Active,
                Source::Purchased,
            ),
            rec(
                "gone",
                "+14155550101",
                NumberStatus::Active,
                Source::Purchased,
            ),
            rec(
                "pending_ok",
                "+14155550102",
                NumberStatus::Pending,
                Source::Purchased,
            ),
            rec(
                "pending_old",
                "+14155550103",
                NumberStatus::Pending,
                Source::Purchased,
            ),
            rec("byot", "+14155550104", NumberStatus::Active, Source::Manual),
            rec(
                "released",
                "+14155550105",
                NumberStatus::Released,
                Source::Purchased,
            ),
        ];
        let mut drifted = owned("+14155550100");
        drifted.webhooks.voice_url = Some("https://other.example.com/voice".into());
        let inv = vec![
            drifted,
            owned("+14155550102"),
            owned("+14155550109"),
            owned("+14155550105"),
        ];
        let d = diff(
            &records,
            &inv,
            t0() + Duration::minutes(20),
            DEFAULT_PENDING_TIMEOUT_SECONDS,
        );
        let ids = |v: &[NumberId]| v.iter().map(|i| i.to_string()).collect::<Vec<_>>();
        assert_eq!(ids(&d.missing), ["gone"]);
        assert_eq!(d.complete[0].0.as_str(), "pending_ok");
        assert_eq!(ids(&d.expire), ["pending_old"]);
        assert!(d.orders.is_empty());
        // The same old pending record as an order the provider completes
        // later: asked about, never expired.
        let mut ordered = records.clone();
        if let Some(p) = ordered[3].provider.as_mut() {
            p.order_ref = Some("ORD1".into());
        }
        let o = diff(
            &ordered,
            &inv,
            t0() + Duration::days(30),
            DEFAULT_PENDING_TIMEOUT_SECONDS,
        );
        assert_eq!(ids(&o.orders), ["pending_old"]);
        assert!(o.expire.is_empty());
        let adopted: Vec<&str> = d.adopt.iter().map(|o| o.e164.as_str()).collect();
        assert_eq!(adopted, ["+14155550109", "+14155550105"]);
        assert_eq!(d.drift[0].fields[0].field, "webhooks");
        // Young pending records are left alone; flagged records are not re-flagged.
        let d = diff(
            &records,
            &inv,
            t0() + Duration::minutes(1),
            DEFAULT_PENDING_TIMEOUT_SECONDS,
        );
        assert!(d.expire.is_empty());
        let mut flagged = records.clone();
        flagged[1].missing_at_provider = true;
        let d = diff(&flagged, &inv, t0(), DEFAULT_PENDING_TIMEOUT_SECONDS);
        assert!(d.missing.is_empty());
    }
}
