//! Audit events: what every successful command returns and the host
//! appends to its audit log.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::actor::Actor;
use crate::e164::E164;
use crate::ids::{NumberId, TenantId};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A record was created (purchase started, import, manual add, adoption by sync).
    Created,
    /// The provider confirmed the acquisition.
    AcquisitionCompleted,
    /// The acquisition failed at the provider; the pending record is resolved.
    AcquisitionFailed,
    /// The provider accepted the purchase as an order it completes later;
    /// the record stays pending with the order reference.
    OrderPending,
    /// Activated.
    Activated,
    /// Deactivated.
    Deactivated,
    /// Fields changed by a patch.
    Updated,
    /// Webhooks configured.
    WebhooksConfigured,
    /// Soft-released (kept for audit).
    SoftReleased,
    /// Hard-deleted (record removed).
    HardDeleted,
    /// Reconciled with the provider.
    Resynced,
    /// Assigned to a sub-account.
    AssignedToSubAccount,
    /// Moved back to the parent pool.
    UnassignedFromSubAccount,
    /// An admin waived the cool-off (force).
    CoolOffWaived,
    /// A call was recorded on the number.
    CallRecorded,
    /// Sync found the number missing at the provider.
    MissingAtProvider,
    /// Sync found drift between the record and the provider.
    DriftDetected,
    /// The number was flagged as spam (carrier label, analytics,
    /// complaint); every caller-ID pool holding it removes it.
    SpamFlagged,
}

/// One field that changed, before and after (serde values; secrets stay
/// redacted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldChange {
    /// Field name in the serde form of [`crate::PhoneNumber`].
    pub field: String,
    /// Value before.
    pub before: Value,
    /// Value after.
    pub after: Value,
}

/// An entry for the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditEvent {
    /// What happened.
    pub kind: EventKind,
    /// The record.
    pub number_id: NumberId,
    /// The number.
    pub e164: E164,
    /// The record's tenant.
    pub tenant: TenantId,
    /// Who did it.
    pub actor: Actor,
    /// When.
    pub at: DateTime<Utc>,
    /// Fields that changed.
    #[serde(default)]
    pub changes: Vec<FieldChange>,
    /// Extra facts (e.g. `waived_seconds` for a cool-off waiver).
    #[serde(default)]
    pub detail: BTreeMap<String, Value>,
}

/// The fields that differ between two serde objects, in field order,
/// leaving out bookkeeping (`version`, `updated_at`).
pub fn diff<T: Serialize>(before: &T, after: &T) -> Vec<FieldChange> {
    let (Ok(Value::Object(b)), Ok(Value::Object(a))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, bv) in &b {
        if k == "version" || k == "updated_at" {
            continue;
        }
        let av = a.get(k).cloned().unwrap_or(Value::Null);
        if &av != bv {
            out.push(FieldChange {
                field: k.clone(),
                before: bv.clone(),
                after: av,
            });
        }
    }
    out
}
