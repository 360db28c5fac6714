//! The records telnum keeps: [`PhoneNumber`] and [`Connection`], and the
//! small types they are made of. Defaults come from the seeds:
//! `allow_inbound` true, `allow_outbound` false, empty country lists mean no
//! restriction.
//!
//! Secrets (SIP credentials, provider auth) live in [`Secret`], whose `Debug`
//! and serde form are redacted; [`PhoneNumber::to_json_with_secrets`] and
//! [`Connection::to_json_with_secrets`] are the explicit way to persist them.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::country::Country;
use crate::e164::E164;
use crate::ids::{AccountId, AgentId, ConnectionId, EndpointId, NumberId, TenantId};
use crate::kind::{Capabilities, NumberKind};
use crate::money::Money;

/// What a secret shows as in a redacted view.
pub const REDACTED: &str = "[redacted]";

/// A secret string (password, auth token).
///
/// Its serde form is the secret itself: that is the storage form, and a
/// serde round trip keeps it. `Debug` prints [`REDACTED`], and what telnum
/// shows (every service result, see [`PhoneNumber::redacted`] and
/// [`Connection::redacted`]) holds the marker instead of the secret. Read
/// the value with [`Secret::expose`].
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The marker a redacted view holds instead of a secret.
    pub fn redacted() -> Secret {
        Secret(REDACTED.into())
    }

    /// The secret value itself; use only where it is really needed.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when this holds the redaction marker rather than a secret.
    pub fn is_redacted(&self) -> bool {
        self.0 == REDACTED
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Lifecycle status of a number; see [`crate::lifecycle`] for the
/// transition table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberStatus {
    /// Acquisition in flight: the record exists, the provider has not
    /// confirmed yet.
    Pending,
    /// In service.
    Active,
    /// Owned but not in service.
    Inactive,
    /// Soft-released: kept for audit (inactive with `released_at`); terminal.
    Released,
}

impl NumberStatus {
    /// Every status.
    pub const ALL: [NumberStatus; 4] = [
        NumberStatus::Pending,
        NumberStatus::Active,
        NumberStatus::Inactive,
        NumberStatus::Released,
    ];

    /// The serde name.
    pub fn as_str(self) -> &'static str {
        match self {
            NumberStatus::Pending => "pending",
            NumberStatus::Active => "active",
            NumberStatus::Inactive => "inactive",
            NumberStatus::Released => "released",
        }
    }
}

/// How the number came to the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Bought through the platform from the provider's inventory.
    Purchased,
    /// Already owned at the provider and imported (webhooks replaced).
    Imported,
    /// Registered by hand (BYOT: bring your own telephony).
    Manual,
}

/// Who manages the number at the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Management {
    /// The platform manages it at the provider (purchased or imported):
    /// release happens at the provider.
    PlatformManaged,
    /// Bring your own telephony: the platform only references it; removing
    /// it never releases it at the provider.
    Byot,
}

/// Where the number lives at the provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderRef {
    /// Provider name, e.g. `"twilio"`, `"vobiz"`.
    pub provider: String,
    /// The provider's id for the number (Twilio SID, inventory id), when known.
    #[serde(default)]
    pub sid: Option<String>,
    /// The provider's order reference of a purchase it accepted but has
    /// not completed yet (the record stays `pending`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_ref: Option<String>,
}

/// Webhook configuration of a number at its provider.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebhookConfig {
    /// Voice URL (called on inbound calls).
    pub voice_url: Option<String>,
    /// Status callback URL.
    pub status_callback_url: Option<String>,
}

/// SIP credentials for inbound routing (seed: "details including SIP
/// credentials for routing").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SipCredentials {
    /// SIP user name.
    pub username: String,
    /// SIP password: in clear in the serde (storage) form, redacted in
    /// `Debug` and in [`PhoneNumber::redacted`].
    pub password: Secret,
}

/// What a number costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pricing {
    /// One-time setup fee.
    pub setup: Money,
    /// Recurring monthly fee.
    pub monthly: Money,
}

impl Pricing {
    /// What a purchase debits: setup plus the first month (seed: Vobiz).
    pub fn first_charge(&self) -> crate::Result<Money> {
        self.setup.checked_add(self.monthly)
    }
}

fn yes() -> bool {
    true
}

/// A phone number owned by a tenant, with everything the screens and the
/// rules need. Change it only through [`crate::lifecycle::apply`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhoneNumber {
    /// Record id.
    pub id: NumberId,
    /// The tenant (organisation) that owns it.
    pub tenant: TenantId,
    /// The provider account that owns it (a master account), if any.
    #[serde(default)]
    pub account: Option<AccountId>,
    /// The sub-account it is assigned to, if any (None: in the parent pool).
    #[serde(default)]
    pub sub_account: Option<AccountId>,
    /// The number.
    pub e164: E164,
    /// Its country.
    pub country: Country,
    /// Its type.
    pub kind: NumberKind,
    /// What it can do.
    #[serde(default)]
    pub capabilities: Capabilities,
    /// How it came to the platform.
    pub source: Source,
    /// Platform-managed or BYOT.
    pub management: Management,
    /// Lifecycle status.
    pub status: NumberStatus,
    /// Display name.
    #[serde(default)]
    pub label: Option<String>,
    /// The telephony connection it belongs to.
    #[serde(default)]
    pub connection_id: Option<ConnectionId>,
    /// Provider name and id.
    #[serde(default)]
    pub provider: Option<ProviderRef>,
    /// The agent that answers inbound calls.
    #[serde(default)]
    pub inbound_agent: Option<AgentId>,
    /// The endpoint calls route to.
    #[serde(default)]
    pub endpoint_id: Option<EndpointId>,
    /// SIP URI for inbound routing.
    #[serde(default)]
    pub sip_uri: Option<String>,
    /// SIP credentials (the password is redacted in every service result).
    #[serde(default)]
    pub sip_credentials: Option<SipCredentials>,
    /// Inbound calls allowed (default true).
    #[serde(default = "yes")]
    pub allow_inbound: bool,
    /// Outbound calls allowed (default false).
    #[serde(default)]
    pub allow_outbound: bool,
    /// Countries inbound calls may come from; empty = no restriction.
    #[serde(default)]
    pub allowed_inbound_countries: Vec<Country>,
    /// Countries outbound calls may go to; empty = no restriction.
    #[serde(default)]
    pub allowed_outbound_countries: Vec<Country>,
    /// Webhook configuration at the provider.
    #[serde(default)]
    pub webhooks: WebhookConfig,
    /// Vendor-specific fields (e.g. an mCube executive number), validated
    /// against the connection's declared fields.
    #[serde(default)]
    pub vendor_fields: BTreeMap<String, String>,
    /// Setup and monthly price.
    #[serde(default)]
    pub pricing: Option<Pricing>,
    /// When the number last carried a call (drives the cool-off).
    #[serde(default)]
    pub last_call_at: Option<DateTime<Utc>>,
    /// When the record was created.
    pub created_at: DateTime<Utc>,
    /// When the record last changed.
    pub updated_at: DateTime<Utc>,
    /// When it was soft-released.
    #[serde(default)]
    pub released_at: Option<DateTime<Utc>>,
    /// When it was last reconciled with the provider.
    #[serde(default)]
    pub last_synced_at: Option<DateTime<Utc>>,
    /// Set by sync when the provider no longer has the number.
    #[serde(default)]
    pub missing_at_provider: bool,
    /// Optimistic-concurrency version; every change bumps it.
    #[serde(default)]
    pub version: u64,
}

/// The fields needed to create a [`PhoneNumber`]; everything else takes
/// its default.
#[derive(Debug, Clone)]
pub struct NewNumber {
    /// Record id.
    pub id: NumberId,
    /// Owning tenant.
    pub tenant: TenantId,
    /// The number.
    pub e164: E164,
    /// Its country.
    pub country: Country,
    /// Its type.
    pub kind: NumberKind,
    /// How it came.
    pub source: Source,
    /// Its connection.
    pub connection_id: Option<ConnectionId>,
    /// Initial status (`Pending` for a purchase in flight, else `Inactive`).
    pub status: NumberStatus,
}

impl PhoneNumber {
    /// A new record with the seed defaults. Purchased and imported numbers
    /// are platform-managed; manual ones are BYOT.
    pub fn new(n: NewNumber, now: DateTime<Utc>) -> PhoneNumber {
        PhoneNumber {
            id: n.id,
            tenant: n.tenant,
            account: None,
            sub_account: None,
            e164: n.e164,
            country: n.country,
            kind: n.kind,
            capabilities: Capabilities::VOICE,
            source: n.source,
            management: match n.source {
                Source::Purchased | Source::Imported => Management::PlatformManaged,
                Source::Manual => Management::Byot,
            },
            status: n.status,
            label: None,
            connection_id: n.connection_id,
            provider: None,
            inbound_agent: None,
            endpoint_id: None,
            sip_uri: None,
            sip_credentials: None,
            allow_inbound: true,
            allow_outbound: false,
            allowed_inbound_countries: Vec::new(),
            allowed_outbound_countries: Vec::new(),
            webhooks: WebhookConfig::default(),
            vendor_fields: BTreeMap::new(),
            pricing: None,
            last_call_at: None,
            created_at: now,
            updated_at: now,
            released_at: None,
            last_synced_at: None,
            missing_at_provider: false,
            version: 1,
        }
    }

    /// The provider's id for the number, if known.
    pub fn provider_sid(&self) -> Option<&str> {
        self.provider.as_ref().and_then(|p| p.sid.as_deref())
    }

    /// The storage form: the serde form, secrets in clear. Reading it back
    /// with serde restores them.
    pub fn to_json_with_secrets(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The view telnum shows (API output, display): the SIP password
    /// replaced by [`REDACTED`]. Never store a view: its serde form holds
    /// the marker, not the secret.
    pub fn redacted(&self) -> PhoneNumber {
        let mut r = self.clone();
        if let Some(c) = r.sip_credentials.as_mut() {
            c.password = Secret::redacted();
        }
        r
    }
}

/// Status of a telephony connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionStatus {
    /// Usable.
    Active,
    /// Configured but not usable.
    Inactive,
}

/// An extra phone field a vendor declares (e.g. mCube's executive number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorField {
    /// Key in [`PhoneNumber::vendor_fields`].
    pub name: String,
    /// Label shown on screen.
    #[serde(default)]
    pub label: Option<String>,
    /// Must be present and non-empty.
    #[serde(default)]
    pub required: bool,
    /// Longest value accepted, in characters (default 256).
    #[serde(default)]
    pub max_len: Option<usize>,
}

/// What the vendor behind a connection supports in-app.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VendorSupport {
    /// Search inventory and purchase.
    pub search_purchase: bool,
    /// List and import numbers the account already owns.
    pub import_owned: bool,
    /// Configure webhooks from the app.
    pub webhook_config: bool,
    /// Release numbers at the provider.
    pub release: bool,
    /// Extra phone fields for manual (BYOT) numbers.
    pub extra_phone_fields: Vec<VendorField>,
}

/// A telephony connection: a provider account configured for a tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Connection {
    /// Connection id.
    pub id: ConnectionId,
    /// Owning tenant.
    pub tenant: TenantId,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Provider name, e.g. `"twilio"`.
    pub provider: String,
    /// Usable or not.
    pub status: ConnectionStatus,
    /// What the vendor supports.
    #[serde(default)]
    pub supports: VendorSupport,
    /// The provider account (master account) behind the connection.
    #[serde(default)]
    pub account: Option<AccountId>,
    /// Provider auth token: in clear in the serde (storage) form, redacted
    /// in `Debug` and in [`Connection::redacted`].
    #[serde(default)]
    pub auth: Option<Secret>,
}

impl Connection {
    /// The storage form: the serde form, the auth secret in clear.
    pub fn to_json_with_secrets(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The view telnum shows: the auth secret replaced by [`REDACTED`].
    pub fn redacted(&self) -> Connection {
        let mut c = self.clone();
        if c.auth.is_some() {
            c.auth = Some(Secret::redacted());
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> PhoneNumber {
        let now = DateTime::<Utc>::UNIX_EPOCH;
        let mut n = PhoneNumber::new(
            NewNumber {
                id: NumberId::new("n1").unwrap(),
                tenant: TenantId::new("t1").unwrap(),
                e164: E164::from_canonical("+14155550100").unwrap(),
                country: Country::new("US").unwrap(),
                kind: NumberKind::Local,
                source: Source::Manual,
                connection_id: None,
                status: NumberStatus::Inactive,
            },
            now,
        );
        n.sip_credentials = Some(SipCredentials {
            username: "u".into(),
            password: Secret::new("hunter2"),
        });
        n
    }

    #[test]
    fn defaults_follow_the_seeds() {
        let n = sample();
        assert!(n.allow_inbound);
        assert!(!n.allow_outbound);
        assert_eq!(n.management, Management::Byot);
        // Missing fields in JSON take the same defaults.
        let mut v = serde_json::to_value(&n).unwrap();
        let o = v.as_object_mut().unwrap();
        o.remove("allow_inbound");
        o.remove("allow_outbound");
        o.remove("allowed_inbound_countries");
        let back: PhoneNumber = serde_json::from_value(v).unwrap();
        assert!(back.allow_inbound && !back.allow_outbound);
        assert!(back.allowed_inbound_countries.is_empty());
    }

    #[test]
    fn serde_round_trip_keeps_secrets_and_views_redact_them() {
        let n = sample();
        assert!(!format!("{n:?}").contains("hunter2"));
        // The default serde form is the storage form: a round trip keeps
        // the password (it never turns into the marker).
        let plain = serde_json::to_string(&n).unwrap();
        let back: PhoneNumber = serde_json::from_str(&plain).unwrap();
        assert_eq!(back, n);
        assert_eq!(back.sip_credentials.unwrap().password.expose(), "hunter2");
        // The view shows the marker, and only the marker.
        let view = serde_json::to_string(&n.redacted()).unwrap();
        assert!(
            !view.contains("hunter2") && view.contains(REDACTED),
            "{view}"
        );
        assert!(n.redacted().sip_credentials.unwrap().password.is_redacted());
    }

    #[test]
    fn connection_auth_round_trips_and_is_redacted_in_views() {
        let c = Connection {
            id: ConnectionId::new("c1").unwrap(),
            tenant: TenantId::new("t1").unwrap(),
            name: None,
            provider: "twilio".into(),
            status: ConnectionStatus::Active,
            supports: VendorSupport::default(),
            account: None,
            auth: Some(Secret::new("tok")),
        };
        assert!(!format!("{c:?}").contains("tok"));
        let back: Connection = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        assert_eq!(back, c);
        let view = serde_json::to_string(&c.redacted()).unwrap();
        assert!(!view.contains("tok") && view.contains(REDACTED), "{view}");
    }
}
