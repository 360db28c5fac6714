//! Lifecycle rules: every change to a [`PhoneNumber`] is
//! [`apply`]`(record, command, actor, ctx) -> Result<Outcome>`, and nothing
//! else changes a record. A refused command returns an error and the caller
//! keeps its record untouched; a successful one returns the new record
//! (`None` after a delete), its version bumped, with at least one
//! [`AuditEvent`] and the provider [`Effect`]s the host must carry out.
//!
//! # Transition table
//!
#![doc = include_str!("lifecycle_table.md")]
//!
//! # Rules (from the seeds)
//!
//! - Activation needs an active connection bound to the number's tenant and
//!   matching its `connection_id`; otherwise `number_not_bound`.
//! - Only platform-managed numbers are released at the provider
//!   ([`Effect::ReleaseAtProvider`]); BYOT/manual numbers are removed from
//!   the app only.
//! - Soft release keeps the record (`released`, `released_at`) for audit;
//!   hard delete removes it and still emits its event.
//! - Resync needs a provider SID; webhook configuration needs a vendor that
//!   supports it (`not_supported`).
//! - The connection is read-only on platform-managed purchased numbers.
//! - Vendor extra fields are validated against the connection's fields.
//! - Webhook URLs: absolute https, no user-info, public host (see
//!   [`crate::webhook`]).
//! - A released number is never active or assigned again.
//! - Sub-accounts: assign only to a sub-account of the number's master
//!   account; unassign under the cool-off ([`crate::cooloff`]), which only
//!   an admin may waive with `force`, writing a `cool_off_waived` event.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::actor::Actor;
use crate::cooloff::{self, DEFAULT_AGING_SECONDS, DEFAULT_COOL_OFF_SECONDS};
use crate::country::Country;
use crate::error::{Error, FieldProblem, Result};
use crate::events::{diff, AuditEvent, EventKind};
use crate::ids::{AccountId, AgentId, ConnectionId, EndpointId};
use crate::kind::Capabilities;
use crate::record::{
    Connection, ConnectionStatus, Management, NumberStatus, PhoneNumber, ProviderRef, Source,
    VendorField, WebhookConfig,
};
use crate::webhook::check_webhook_url;

/// Host-configurable rule settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LifecyclePolicy {
    /// DID cool-off after the last call, in seconds (default 15 days).
    #[serde(deserialize_with = "crate::time::non_negative")]
    pub cool_off_seconds: i64,
    /// Aging before another tenant may acquire a released number, in
    /// seconds (default 45 days).
    #[serde(deserialize_with = "crate::time::non_negative")]
    pub aging_seconds: i64,
    /// Accept webhook URLs to loopback/private/link-local hosts (development).
    pub allow_internal_webhook_hosts: bool,
}

impl LifecyclePolicy {
    /// `invalid_input` for a negative duration.
    pub fn validate(&self) -> Result<()> {
        crate::time::check_non_negative("cool_off_seconds", self.cool_off_seconds)?;
        crate::time::check_non_negative("aging_seconds", self.aging_seconds)
    }
}

impl Default for LifecyclePolicy {
    fn default() -> Self {
        LifecyclePolicy {
            cool_off_seconds: DEFAULT_COOL_OFF_SECONDS,
            aging_seconds: DEFAULT_AGING_SECONDS,
            allow_internal_webhook_hosts: false,
        }
    }
}

/// A sub-account and the master account it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubAccount {
    /// The sub-account.
    pub id: AccountId,
    /// Its master account.
    pub master: AccountId,
}

/// Distinguishes a missing field (None) from an explicit null (Some(None)).
fn some<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// A partial update (seed: Callaro `PATCH /phone_numbers/{id}`, kros `PATCH
/// /phone-numbers/{id}`, and the detail page's per-section Save). Absent
/// fields are left alone; `null` clears a nullable field. kros's camelCase
/// names (`endpointId`, `allowInbound`, `allowOutbound`) are accepted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Patch {
    /// Label (name).
    #[serde(deserialize_with = "some", skip_serializing_if = "Option::is_none")]
    pub label: Option<Option<String>>,
    /// Inbound call agent.
    #[serde(deserialize_with = "some", skip_serializing_if = "Option::is_none")]
    pub inbound_agent: Option<Option<AgentId>>,
    /// Endpoint calls route to.
    #[serde(
        alias = "endpointId",
        deserialize_with = "some",
        skip_serializing_if = "Option::is_none"
    )]
    pub endpoint_id: Option<Option<EndpointId>>,
    /// SIP URI.
    #[serde(deserialize_with = "some", skip_serializing_if = "Option::is_none")]
    pub sip_uri: Option<Option<String>>,
    /// Allow inbound calls.
    #[serde(alias = "allowInbound", skip_serializing_if = "Option::is_none")]
    pub allow_inbound: Option<bool>,
    /// Allow outbound calls.
    #[serde(alias = "allowOutbound", skip_serializing_if = "Option::is_none")]
    pub allow_outbound: Option<bool>,
    /// Allowed inbound countries (empty: no restriction).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_inbound_countries: Option<Vec<Country>>,
    /// Allowed outbound countries (empty: no restriction).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_outbound_countries: Option<Vec<Country>>,
    /// Telephony connection (read-only on platform-managed purchased numbers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection_id: Option<ConnectionId>,
    /// Vendor extra fields (replaces the whole map).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor_fields: Option<BTreeMap<String, String>>,
    /// Capabilities.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<Capabilities>,
}

/// A command on a number record. Serialised with a `type` tag, e.g.
/// `{"type":"activate"}` or `{"type":"unassign_from_sub_account","force":true}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, tag = "type", rename_all = "snake_case")]
pub enum Command {
    /// The provider confirmed a purchase: `pending` → `inactive`.
    CompleteAcquisition {
        /// The provider's id for the number.
        #[serde(default)]
        provider: Option<ProviderRef>,
    },
    /// The provider refused a purchase: the pending record is resolved
    /// (removed), with an `acquisition_failed` event.
    FailAcquisition {
        /// Why, for the audit log.
        reason: String,
    },
    /// Put the number in service.
    Activate,
    /// Take the number out of service.
    Deactivate,
    /// Change fields.
    Update {
        /// What to change.
        patch: Patch,
    },
    /// Configure the number's webhooks at the provider.
    ConfigureWebhooks {
        /// The URLs; absent ones are left as they are.
        webhooks: WebhookConfig,
    },
    /// Release but keep the record for audit (kros `?action=release`).
    SoftRelease,
    /// Remove the record (kros default delete; Vobiz unrent; Callaro release).
    HardDelete,
    /// The number was reconciled with the provider (resync).
    MarkResynced {
        /// Capabilities reported by the provider.
        #[serde(default)]
        capabilities: Option<Capabilities>,
        /// Webhooks reported by the provider.
        #[serde(default)]
        webhooks: Option<WebhookConfig>,
    },
    /// Assign a parent-pool DID to a sub-account of the same master.
    AssignToSubAccount {
        /// The sub-account and its master.
        sub_account: SubAccount,
    },
    /// Move the DID back to the parent pool, under the cool-off.
    UnassignFromSubAccount {
        /// Waive the cool-off (admins only; writes `cool_off_waived`).
        #[serde(default)]
        force: bool,
    },
    /// Sync found the number missing at the provider: flag the drift.
    MarkMissingAtProvider,
    /// Record that the number carried a call at `at` (drives the cool-off).
    RecordCall {
        /// When the call happened.
        at: DateTime<Utc>,
    },
}

impl Command {
    /// The snake_case name of the command (its `type` tag).
    pub fn name(&self) -> &'static str {
        match self {
            Command::CompleteAcquisition { .. } => "complete_acquisition",
            Command::FailAcquisition { .. } => "fail_acquisition",
            Command::Activate => "activate",
            Command::Deactivate => "deactivate",
            Command::Update { .. } => "update",
            Command::ConfigureWebhooks { .. } => "configure_webhooks",
            Command::SoftRelease => "soft_release",
            Command::HardDelete => "hard_delete",
            Command::MarkResynced { .. } => "mark_resynced",
            Command::AssignToSubAccount { .. } => "assign_to_sub_account",
            Command::UnassignFromSubAccount { .. } => "unassign_from_sub_account",
            Command::MarkMissingAtProvider => "mark_missing_at_provider",
            Command::RecordCall { .. } => "record_call",
        }
    }
}

/// What [`apply`] needs besides the record, the command and the actor.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// The time of the command (nothing reads a clock).
    pub now: DateTime<Utc>,
    /// The number's telephony connection, where the command needs it
    /// (activate, configure webhooks, vendor fields).
    pub connection: Option<&'a Connection>,
    /// Rule settings.
    pub policy: &'a LifecyclePolicy,
}

/// Something the host must do at the provider after a successful command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, tag = "type", rename_all = "snake_case")]
pub enum Effect {
    /// Release the number at the provider (platform-managed numbers only).
    ReleaseAtProvider {
        /// Provider name.
        provider: Option<String>,
        /// Provider id of the number.
        sid: Option<String>,
    },
    /// Write the number's webhooks at the provider.
    ConfigureWebhooksAtProvider {
        /// The complete configuration to write.
        webhooks: WebhookConfig,
    },
}

/// The result of a successful command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// The new record, or None when the command removed it.
    pub record: Option<PhoneNumber>,
    /// Audit events (at least one).
    pub events: Vec<AuditEvent>,
    /// What to do at the provider.
    #[serde(default)]
    pub effects: Vec<Effect>,
}

/// The status a command moves a record in `from` to: `Ok(Some(status))`,
/// `Ok(None)` when it removes the record, or `invalid_transition`. This is
/// the transition table in code; a test checks it against the table in the
/// docs.
pub fn transition(from: NumberStatus, command: &Command) -> Result<Option<NumberStatus>> {
    use NumberStatus::*;
    let to = match (command, from) {
        (Command::CompleteAcquisition { .. }, Pending) => Some(Some(Inactive)),
        (Command::FailAcquisition { .. }, Pending) => Some(None),
        (Command::Activate, Inactive) => Some(Some(Active)),
        (Command::Deactivate, Active) => Some(Some(Inactive)),
        (Command::SoftRelease, Active | Inactive) => Some(Some(Released)),
        (Command::HardDelete, Active | Inactive | Released) => Some(None),
        (
            Command::Update { .. }
            | Command::ConfigureWebhooks { .. }
            | Command::MarkResynced { .. }
            | Command::AssignToSubAccount { .. }
            | Command::UnassignFromSubAccount { .. }
            | Command::MarkMissingAtProvider
            | Command::RecordCall { .. },
            Active | Inactive,
        ) => Some(Some(from)),
        _ => None,
    };
    to.ok_or_else(|| Error::InvalidTransition {
        from: from.as_str().into(),
        command: command.name().into(),
    })
}

/// Optimistic concurrency: Ok when `record` is still at `expected_version`,
/// otherwise `version_conflict` (stores use this for update-if-version).
pub fn check_version(record: &PhoneNumber, expected_version: u64) -> Result<()> {
    if record.version == expected_version {
        Ok(())
    } else {
        Err(Error::VersionConflict {
            expected: expected_version,
            actual: record.version,
        })
    }
}

/// Checks vendor extra fields against a connection's declared fields,
/// adding a problem per unknown, missing-required or over-long field.
pub fn vendor_field_problems(
    fields: &BTreeMap<String, String>,
    declared: &[VendorField],
    problems: &mut Vec<FieldProblem>,
) {
    for (k, v) in fields {
        match declared.iter().find(|d| &d.name == k) {
            None => problems.push(FieldProblem {
                field: format!("vendor_fields.{k}"),
                code: "unknown_vendor_field".into(),
                message: format!("the connection's vendor does not declare the field {k:?}"),
            }),
            Some(d) if v.chars().count() > d.max_len.unwrap_or(256) => {
                problems.push(FieldProblem {
                    field: format!("vendor_fields.{k}"),
                    code: "too_long".into(),
                    message: format!("{k} is longer than {} characters", d.max_len.unwrap_or(256)),
                })
            }
            Some(_) => {}
        }
    }
    for d in declared.iter().filter(|d| d.required) {
        if fields.get(&d.name).is_none_or(|v| v.trim().is_empty()) {
            problems.push(FieldProblem {
                field: format!("vendor_fields.{}", d.name),
                code: "required".into(),
                message: format!("{} is required by the vendor", d.name),
            });
        }
    }
}

/// Checks a label: at most 255 characters, no control characters.
pub fn label_problem(label: &str) -> Option<FieldProblem> {
    if label.chars().count() > 255 || label.chars().any(char::is_control) {
        Some(FieldProblem {
            field: "label".into(),
            code: "invalid_label".into(),
            message: "a label is at most 255 characters without control characters".into(),
        })
    } else {
        None
    }
}

fn dedup(mut v: Vec<Country>) -> Vec<Country> {
    v.sort();
    v.dedup();
    v
}

fn check_binding(record: &PhoneNumber, connection: Option<&Connection>) -> Result<()> {
    let not_bound = |reason: &str| Error::NumberNotBound {
        reason: reason.into(),
    };
    let Some(c) = connection else {
        return Err(not_bound("no_connection"));
    };
    if record.connection_id.as_ref() != Some(&c.id) {
        return Err(not_bound("connection_mismatch"));
    }
    if c.tenant != record.tenant {
        return Err(not_bound("tenant_mismatch"));
    }
    if c.status != ConnectionStatus::Active {
        return Err(not_bound("connection_inactive"));
    }
    Ok(())
}

fn apply_patch(r: &mut PhoneNumber, patch: &Patch, ctx: &Ctx<'_>) -> Result<()> {
    if let Some(c) = &patch.connection_id {
        if Some(c) != r.connection_id.as_ref()
            && r.management == Management::PlatformManaged
            && r.source == Source::Purchased
        {
            return Err(Error::ReadOnlyField {
                field: "connection_id".into(),
            });
        }
    }
    let mut problems = Vec::new();
    if let Some(Some(l)) = &patch.label {
        problems.extend(label_problem(l));
    }
    if let Some(Some(uri)) = &patch.sip_uri {
        let lower = uri.to_ascii_lowercase();
        if !(lower.starts_with("sip:") || lower.starts_with("sips:")) || uri.len() > 512 {
            problems.push(FieldProblem {
                field: "sip_uri".into(),
                code: "invalid_sip_uri".into(),
                message: "a SIP URI starts with sip: or sips: and is at most 512 bytes".into(),
            });
        }
    }
    if let Some(fields) = &patch.vendor_fields {
        let declared = ctx
            .connection
            .filter(|c| Some(&c.id) == patch.connection_id.as_ref().or(r.connection_id.as_ref()))
            .map(|c| c.supports.extra_phone_fields.as_slice())
            .unwrap_or(&[]);
        vendor_field_problems(fields, declared, &mut problems);
    }
    if !problems.is_empty() {
        return Err(Error::ValidationFailed { problems });
    }
    if let Some(v) = &patch.label {
        r.label = v.clone();
    }
    if let Some(v) = &patch.inbound_agent {
        r.inbound_agent = v.clone();
    }
    if let Some(v) = &patch.endpoint_id {
        r.endpoint_id = v.clone();
    }
    if let Some(v) = &patch.sip_uri {
        r.sip_uri = v.clone();
    }
    if let Some(v) = patch.allow_inbound {
        r.allow_inbound = v;
    }
    if let Some(v) = patch.allow_outbound {
        r.allow_outbound = v;
    }
    if let Some(v) = &patch.allowed_inbound_countries {
        r.allowed_inbound_countries = dedup(v.clone());
    }
    if let Some(v) = &patch.allowed_outbound_countries {
        r.allowed_outbound_countries = dedup(v.clone());
    }
    if let Some(v) = &patch.connection_id {
        r.connection_id = Some(v.clone());
    }
    if let Some(v) = &patch.vendor_fields {
        r.vendor_fields = v.clone();
    }
    if let Some(v) = patch.capabilities {
        r.capabilities = v;
    }
    Ok(())
}

fn event(kind: EventKind, r: &PhoneNumber, actor: &Actor, now: DateTime<Utc>) -> AuditEvent {
    AuditEvent {
        kind,
        number_id: r.id.clone(),
        e164: r.e164,
        tenant: r.tenant.clone(),
        actor: actor.clone(),
        at: now,
        changes: Vec::new(),
        detail: BTreeMap::new(),
    }
}

/// Applies `command` to `record` on behalf of `actor`.
///
/// Checks, in order: tenancy (`not_found` for another tenant's record),
/// role (`forbidden` for read-only), the transition table
/// (`invalid_transition`), then the command's own rules. On success the
/// returned record has `version + 1` and `updated_at = ctx.now`.
pub fn apply(
    record: &PhoneNumber,
    command: &Command,
    actor: &Actor,
    ctx: &Ctx<'_>,
) -> Result<Outcome> {
    actor.check_write(&record.tenant)?;
    let to = transition(record.status, command)?;
    let now = ctx.now;
    let mut r = record.clone();
    let mut events = Vec::new();
    let mut effects = Vec::new();
    let kind = match command {
        Command::CompleteAcquisition { provider } => {
            if provider.is_some() {
                r.provider = provider.clone();
            }
            EventKind::AcquisitionCompleted
        }
        Command::FailAcquisition { reason } => {
            let mut e = event(EventKind::AcquisitionFailed, record, actor, now);
            e.detail
                .insert("reason".into(), Value::from(reason.as_str()));
            return Ok(Outcome {
                record: None,
                events: vec![e],
                effects,
            });
        }
        Command::Activate => {
            check_binding(record, ctx.connection)?;
            EventKind::Activated
        }
        Command::Deactivate => EventKind::Deactivated,
        Command::Update { patch } => {
            apply_patch(&mut r, patch, ctx)?;
            EventKind::Updated
        }
        Command::ConfigureWebhooks { webhooks } => {
            let supported = ctx
                .connection
                .filter(|c| record.connection_id.as_ref() == Some(&c.id))
                .is_some_and(|c| c.supports.webhook_config);
            if !supported {
                return Err(Error::NotSupported {
                    operation: "configure_webhooks".into(),
                    reason: "vendor_does_not_support_webhook_config".into(),
                });
            }
            let allow = ctx.policy.allow_internal_webhook_hosts;
            if let Some(u) = &webhooks.voice_url {
                check_webhook_url("voice_url", u, allow)?;
            }
            if let Some(u) = &webhooks.status_callback_url {
                check_webhook_url("status_callback_url", u, allow)?;
            }
            if webhooks.voice_url.is_some() {
                r.webhooks.voice_url = webhooks.voice_url.clone();
            }
            if webhooks.status_callback_url.is_some() {
                r.webhooks.status_callback_url = webhooks.status_callback_url.clone();
            }
            effects.push(Effect::ConfigureWebhooksAtProvider {
                webhooks: r.webhooks.clone(),
            });
            EventKind::WebhooksConfigured
        }
        Command::SoftRelease => {
            r.released_at = Some(now);
            r.inbound_agent = None;
            r.sub_account = None;
            if record.management == Management::PlatformManaged {
                effects.push(release_effect(record));
            }
            EventKind::SoftReleased
        }
        Command::HardDelete => {
            // A soft-released number was already released at the provider.
            if record.management == Management::PlatformManaged
                && record.status != NumberStatus::Released
            {
                effects.push(release_effect(record));
            }
            let mut e = event(EventKind::HardDeleted, record, actor, now);
            e.detail.insert(
                "record".into(),
                serde_json::to_value(record).unwrap_or(Value::Null),
            );
            return Ok(Outcome {
                record: None,
                events: vec![e],
                effects,
            });
        }
        Command::MarkResynced {
            capabilities,
            webhooks,
        } => {
            if record.provider_sid().is_none() {
                return Err(Error::NotSupported {
                    operation: "resync".into(),
                    reason: "no_provider_sid".into(),
                });
            }
            if let Some(c) = capabilities {
                r.capabilities = *c;
            }
            if let Some(w) = webhooks {
                r.webhooks = w.clone();
            }
            r.last_synced_at = Some(now);
            r.missing_at_provider = false;
            EventKind::Resynced
        }
        Command::AssignToSubAccount { sub_account } => {
            if record.sub_account.is_some() {
                return Err(Error::AlreadyAssigned);
            }
            let Some(master) = record.account.as_ref() else {
                return Err(Error::NoMasterAccount);
            };
            if master != &sub_account.master || sub_account.id == sub_account.master {
                return Err(Error::SubAccountMismatch);
            }
            r.sub_account = Some(sub_account.id.clone());
            EventKind::AssignedToSubAccount
        }
        Command::UnassignFromSubAccount { force } => {
            if record.sub_account.is_none() {
                return Err(Error::NotAssigned);
            }
            if *force && !actor.is_admin() {
                return Err(Error::Forbidden {
                    reason: "only an admin may force past the cool-off".into(),
                });
            }
            if let Err(e) =
                cooloff::check_cool_off(record.last_call_at, now, ctx.policy.cool_off_seconds)
            {
                let Error::DidCoolOffInEffect {
                    cool_off_until,
                    cool_off_remaining_seconds,
                } = e
                else {
                    return Err(e);
                };
                if !*force {
                    return Err(e);
                }
                let mut w = event(EventKind::CoolOffWaived, record, actor, now);
                w.detail.insert(
                    "cool_off_until".into(),
                    Value::from(crate::error::rfc3339(cool_off_until)),
                );
                w.detail.insert(
                    "waived_seconds".into(),
                    Value::from(cool_off_remaining_seconds),
                );
                events.push(w);
            }
            r.sub_account = None;
            EventKind::UnassignedFromSubAccount
        }
        Command::MarkMissingAtProvider => {
            r.missing_at_provider = true;
            r.last_synced_at = Some(now);
            EventKind::MissingAtProvider
        }
        Command::RecordCall { at } => {
            if r.last_call_at.is_none_or(|t| t < *at) {
                r.last_call_at = Some(*at);
            }
            EventKind::CallRecorded
        }
    };
    if let Some(status) = to {
        r.status = status;
    }
    r.version = record.version.saturating_add(1);
    r.updated_at = now;
    let mut e = event(kind, &r, actor, now);
    e.changes = diff(record, &r);
    // An audit event never carries a secret: a changed SIP password shows
    // as a change of `sip_credentials` between redacted views.
    for c in e
        .changes
        .iter_mut()
        .filter(|c| c.field == "sip_credentials")
    {
        c.before = serde_json::to_value(&record.redacted().sip_credentials).unwrap_or(Value::Null);
        c.after = serde_json::to_value(&r.redacted().sip_credentials).unwrap_or(Value::Null);
    }
    events.insert(0, e);
    Ok(Outcome {
        record: Some(r),
        events,
        effects,
    })
}

fn release_effect(record: &PhoneNumber) -> Effect {
    Effect::ReleaseAtProvider {
        provider: record.provider.as_ref().map(|p| p.provider.clone()),
        sid: record.provider_sid().map(str::to_string),
    }
}

#[cfg(test)]
mod tests;
