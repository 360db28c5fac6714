//! The one error type of telnum, its stable codes and suggested HTTP statuses.
//!
//! Every variant has a stable snake_case [`Error::code`] that hosts may match
//! on and a suggested [`Error::http_status`], so a Rust service, a Node back
//! end and a C host answer the same way. [`Error::to_json`] gives the
//! serialised form `{ "code", "message", ...fields }` that crosses the WASM
//! and C boundaries unchanged.
//!
//! The table of codes is [`crate::error_codes`]; a test keeps it in step
//! with this enum.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The longest input, in characters, that [`crate::E164::parse`] looks at.
pub const MAX_INPUT_CHARS: usize = 250;

/// One problem found while validating a draft (for example the add-number
/// wizard), naming the field it concerns and a stable code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldProblem {
    /// The field the problem concerns, as named in the serde form of the draft.
    pub field: String,
    /// A stable snake_case code for the problem (often an [`Error::code`]).
    pub code: String,
    /// A human-readable explanation.
    pub message: String,
}

/// Direction of a call, for country restrictions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// A call the number receives.
    Inbound,
    /// A call the number places.
    Outbound,
}

impl std::fmt::Display for Direction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Direction {
    /// `"inbound"` or `"outbound"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }
}

/// Everything that can go wrong in telnum. See [`crate::error_codes`] for the
/// table of codes.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // ---- input values -------------------------------------------------
    /// The input is longer than [`MAX_INPUT_CHARS`] characters; nothing else
    /// was looked at.
    #[error("input is longer than {max} characters")]
    InputTooLong {
        /// The limit, [`MAX_INPUT_CHARS`].
        max: usize,
    },
    /// The input is empty or holds only separators.
    #[error("input is empty")]
    EmptyInput,
    /// The input holds letters or symbols that are not part of a phone number
    /// (telnum does not convert vanity letters).
    #[error("input contains a character that is not part of a phone number: {character:?}")]
    InvalidCharacters {
        /// The first offending character.
        character: String,
    },
    /// The input carries an extension (`x123`, `ext. 123`, `;ext=123`), which
    /// a routable E.164 number cannot hold.
    #[error("extensions are not allowed in an E.164 number")]
    ExtensionNotAllowed,
    /// A `tel:` URI that does not follow RFC 3966.
    #[error("invalid tel: URI: {reason}")]
    InvalidTelUri {
        /// What is wrong with it.
        reason: String,
    },
    /// A national-format number was given without a default region.
    #[error("a national number needs a default region (or write it with +country code)")]
    RegionRequired,
    /// The country calling code is not assigned.
    #[error("unknown country calling code")]
    InvalidCountryCode,
    /// Too few digits for any number of its country.
    #[error("too few digits for a number of this country")]
    TooShort,
    /// Too many digits for any number of its country.
    #[error("too many digits for a number of this country")]
    TooLong,
    /// Well-formed, but not a valid number of its region (the validation
    /// engine's range check).
    #[error("not a valid number for its region")]
    InvalidNumber,
    /// A string given as canonical E.164 (`+` and 2–15 digits, known calling
    /// code, possible length) is not.
    #[error("not a canonical E.164 number: {reason}")]
    InvalidE164 {
        /// What is wrong with it.
        reason: String,
    },
    /// Not an ISO 3166-1 alpha-2 country code.
    #[error("not an ISO 3166-1 alpha-2 country code: {value:?}")]
    InvalidCountry {
        /// The rejected value.
        value: String,
    },
    /// Not an ISO 4217 currency code.
    #[error("not an ISO 4217 currency code: {value:?}")]
    InvalidCurrency {
        /// The rejected value.
        value: String,
    },
    /// An argument is malformed: bad JSON, a wrong type, a missing field, a
    /// value out of range.
    #[error("invalid input: {message}")]
    InvalidInput {
        /// What is wrong.
        message: String,
    },

    // ---- access -------------------------------------------------------
    /// No such resource for this actor. Also the answer for another
    /// tenant's resource, so that its existence is never revealed
    /// ("Resource not available").
    #[error("Resource not available")]
    NotFound,
    /// The actor's role may not do this.
    #[error("forbidden: {reason}")]
    Forbidden {
        /// Why.
        reason: String,
    },

    // ---- lifecycle ----------------------------------------------------
    /// The command is not allowed in the record's current status.
    #[error("cannot {command} a number that is {from}")]
    InvalidTransition {
        /// The current status.
        from: String,
        /// The command that was refused.
        command: String,
    },
    /// The stored version is not the expected one: someone else changed
    /// the record first.
    #[error("version conflict: expected {expected}, found {actual}")]
    VersionConflict {
        /// The version the caller read.
        expected: u64,
        /// The version in the store.
        actual: u64,
    },
    /// Activation needs an active connection bound to the number's tenant
    /// (seed: "Activation fails — number not correctly bound to
    /// connection/tenant").
    #[error("number is not correctly bound to an active connection of its tenant: {reason}")]
    NumberNotBound {
        /// `no_connection`, `connection_mismatch`, `tenant_mismatch` or
        /// `connection_inactive`.
        reason: String,
    },
    /// The operation is not available for this number or its vendor.
    #[error("{operation} is not supported: {reason}")]
    NotSupported {
        /// The operation, e.g. `configure_webhooks`.
        operation: String,
        /// Why, e.g. `vendor_does_not_support_webhooks`.
        reason: String,
    },
    /// The field may not be changed on this number.
    #[error("{field} is read-only on this number")]
    ReadOnlyField {
        /// The field.
        field: String,
    },
    /// A webhook URL is not an absolute https URL to a public host.
    #[error("invalid webhook URL in {field}: {reason}")]
    InvalidWebhookUrl {
        /// `voice_url` or `status_callback_url`.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// One or more fields of a draft or patch are invalid; every problem is
    /// listed.
    #[error("validation failed: {} problem(s)", problems.len())]
    ValidationFailed {
        /// Every problem found, each with its field and code.
        problems: Vec<FieldProblem>,
    },
    /// An explicit confirmation is required (import replaces webhooks).
    #[error("confirmation required: {confirmation}")]
    ConfirmationRequired {
        /// The flag to set, e.g. `confirm_replace_webhooks`.
        confirmation: String,
    },
    /// The number may not call or be called from this country.
    #[error("{direction} calls with {country} are not allowed for this number")]
    CountryNotAllowed {
        /// The country of the other party.
        country: String,
        /// `inbound` or `outbound`.
        direction: Direction,
    },
    /// The number is inside its cool-off window after its last call and
    /// cannot move back to the parent pool yet.
    #[error("DID cool-off in effect until {}", rfc3339(*cool_off_until))]
    DidCoolOffInEffect {
        /// When the window ends.
        cool_off_until: DateTime<Utc>,
        /// Whole seconds left (rounded up).
        cool_off_remaining_seconds: i64,
    },
    /// The number was released by another tenant too recently.
    #[error("number is aging until {}", rfc3339(*aging_until))]
    NumberAging {
        /// When the aging period ends.
        aging_until: DateTime<Utc>,
    },
    /// The sub-account does not belong to the number's master account.
    #[error("sub-account does not belong to this master account")]
    SubAccountMismatch,
    /// The number is already assigned to a sub-account.
    #[error("number is already assigned to a sub-account")]
    AlreadyAssigned,
    /// The number has no master account, so it cannot be assigned to a
    /// sub-account.
    #[error("number has no master account")]
    NoMasterAccount,
    /// An id carried in a command (connection, sub-account, agent,
    /// endpoint) is unknown within the number's tenant. Another tenant's id
    /// answers the same way, and the error never describes it.
    #[error("unknown {field}")]
    UnknownReference {
        /// The field that carried the id, e.g. `connection_id`.
        field: String,
    },
    /// The number is not assigned to a sub-account.
    #[error("number is not assigned to a sub-account")]
    NotAssigned,

    // ---- pools --------------------------------------------------------
    /// No pool member may call this callee now. Never a silent fallback.
    #[error("no eligible caller ID: {excluded:?}")]
    NoEligibleNumber {
        /// Members excluded, per reason (`over_cap`, `resting`, …).
        excluded: std::collections::BTreeMap<String, u64>,
        /// The tiers that were tried, best first.
        tiers: Vec<String>,
    },

    // ---- service ------------------------------------------------------
    /// A record with this id or number already exists.
    #[error("already exists: {what}")]
    AlreadyExists {
        /// What exists, e.g. the number.
        what: String,
    },
    /// A purchase named no type and the provider has no local numbers of
    /// the country: telnum never picks a dearer kind silently.
    #[error(
        "no local numbers in stock; name a type ({})",
        kinds_in_stock(in_stock)
    )]
    KindRequired {
        /// The kinds in stock, with their prices.
        in_stock: Vec<crate::ports::PriceEntry>,
    },
    /// The idempotency key was used before with different parameters.
    #[error("idempotency key reused with different parameters")]
    IdempotencyMismatch,
    /// The host-supplied balance does not cover the charge.
    #[error("insufficient balance: {required} needed, {available} available")]
    InsufficientBalance {
        /// The charge (setup plus first month).
        required: crate::money::Money,
        /// The balance.
        available: crate::money::Money,
    },
    /// The provider failed or refused. The host's own code and message
    /// ride along; `retryable` says whether the same call may succeed
    /// later.
    #[error("provider error ({provider}): {message}")]
    Provider {
        /// Provider name.
        provider: String,
        /// What it said.
        message: String,
        /// True when the same call may succeed later (a timeout, a 5xx);
        /// false for a refusal (number gone, request refused).
        retryable: bool,
        /// The provider's or host's own error code, when it gave one (for
        /// example Twilio's `21422`).
        provider_code: Option<String>,
    },
    /// The provider refused the call for its rate limit (HTTP 429): retry
    /// after `retry_after_seconds` when it is given.
    #[error("provider rate limit ({provider}): {message}")]
    ProviderRateLimited {
        /// Provider name.
        provider: String,
        /// What it said.
        message: String,
        /// The provider's `Retry-After`, in seconds, when it gave one.
        retry_after_seconds: Option<u64>,
        /// The provider's or host's own error code, when it gave one.
        provider_code: Option<String>,
    },
    /// Another request with this idempotency key is still running: retry
    /// later to get its result.
    #[error("a request with this idempotency key is still in progress; retry later")]
    IdempotencyInProgress,
    /// A call time later than the host's clock allows.
    #[error("call time is more than {max_skew_seconds} s ahead of the clock")]
    CallInFuture {
        /// The largest skew accepted, in seconds.
        max_skew_seconds: i64,
    },
    /// A binding was used before it was ready: the browser build of the
    /// JavaScript package before `await init()`.
    #[error("telnum is not initialised yet: {what}")]
    NotInitialized {
        /// What to do first, e.g. `call and await init() before any other function`.
        what: String,
    },
    /// The host's store failed.
    #[error("store error: {message}")]
    Store {
        /// What it said.
        message: String,
    },
}

/// Stable code, HTTP status and a sample of every variant, in one place.
/// `sample` must build the variant at `index`; the exhaustive `match` in
/// [`Error::index`] makes a new variant fail to compile until it is listed.
macro_rules! codes {
    ($( $idx:literal $code:literal $status:literal => $sample:expr ),* $(,)?) => {
        impl Error {
            /// Every code, in table order.
            pub const CODES: &'static [&'static str] = &[$($code),*];
            /// The suggested HTTP status of every code, in table order.
            const STATUSES: &'static [u16] = &[$($status),*];

            /// One value of every variant, in table order (for tests and docs).
            #[doc(hidden)]
            pub fn samples() -> Vec<Error> {
                vec![$($sample),*]
            }
        }
    };
}

codes! {
    0 "input_too_long" 400 => Error::InputTooLong { max: MAX_INPUT_CHARS },
    1 "empty_input" 400 => Error::EmptyInput,
    2 "invalid_characters" 400 => Error::InvalidCharacters { character: "a".into() },
    3 "extension_not_allowed" 400 => Error::ExtensionNotAllowed,
    4 "invalid_tel_uri" 400 => Error::InvalidTelUri { reason: "r".into() },
    5 "region_required" 400 => Error::RegionRequired,
    6 "invalid_country_code" 400 => Error::InvalidCountryCode,
    7 "too_short" 400 => Error::TooShort,
    8 "too_long" 400 => Error::TooLong,
    9 "invalid_number" 422 => Error::InvalidNumber,
    10 "invalid_e164" 400 => Error::InvalidE164 { reason: "r".into() },
    11 "invalid_country" 400 => Error::InvalidCountry { value: "x".into() },
    12 "invalid_currency" 400 => Error::InvalidCurrency { value: "x".into() },
    13 "invalid_input" 400 => Error::InvalidInput { message: "m".into() },
    14 "not_found" 404 => Error::NotFound,
    15 "forbidden" 403 => Error::Forbidden { reason: "r".into() },
    16 "invalid_transition" 409 => Error::InvalidTransition { from: "released".into(), command: "activate".into() },
    17 "version_conflict" 409 => Error::VersionConflict { expected: 1, actual: 2 },
    18 "number_not_bound" 409 => Error::NumberNotBound { reason: "no_connection".into() },
    19 "not_supported" 422 => Error::NotSupported { operation: "o".into(), reason: "r".into() },
    20 "read_only_field" 422 => Error::ReadOnlyField { field: "f".into() },
    21 "invalid_webhook_url" 422 => Error::InvalidWebhookUrl { field: "f".into(), reason: "r".into() },
    22 "validation_failed" 422 => Error::ValidationFailed { problems: vec![] },
    23 "confirmation_required" 428 => Error::ConfirmationRequired { confirmation: "c".into() },
    24 "country_not_allowed" 403 => Error::CountryNotAllowed { country: "US".into(), direction: Direction::Outbound },
    25 "did_cool_off_in_effect" 409 => Error::DidCoolOffInEffect { cool_off_until: DateTime::<Utc>::UNIX_EPOCH, cool_off_remaining_seconds: 1 },
    26 "number_aging" 409 => Error::NumberAging { aging_until: DateTime::<Utc>::UNIX_EPOCH },
    27 "sub_account_mismatch" 422 => Error::SubAccountMismatch,
    28 "already_assigned" 409 => Error::AlreadyAssigned,
    29 "not_assigned" 409 => Error::NotAssigned,
    30 "no_eligible_number" 409 => Error::NoEligibleNumber { excluded: Default::default(), tiers: vec![] },
    31 "already_exists" 409 => Error::AlreadyExists { what: "w".into() },
    32 "idempotency_mismatch" 409 => Error::IdempotencyMismatch,
    33 "insufficient_balance" 402 => Error::InsufficientBalance { required: crate::money::Money::new(2, crate::money::Currency::USD), available: crate::money::Money::new(1, crate::money::Currency::USD) },
    34 "provider_error" 502 => Error::Provider { provider: "p".into(), message: "m".into(), retryable: false, provider_code: None },
    35 "store_error" 503 => Error::Store { message: "m".into() },
    36 "no_master_account" 409 => Error::NoMasterAccount,
    37 "unknown_reference" 422 => Error::UnknownReference { field: "connection_id".into() },
    38 "kind_required" 422 => Error::KindRequired { in_stock: vec![] },
    39 "provider_rate_limited" 429 => Error::ProviderRateLimited { provider: "p".into(), message: "m".into(), retry_after_seconds: Some(1), provider_code: None },
    40 "idempotency_in_progress" 409 => Error::IdempotencyInProgress,
    41 "call_in_future" 422 => Error::CallInFuture { max_skew_seconds: 300 },
    42 "not_initialized" 500 => Error::NotInitialized { what: "w".into() },
}

impl Error {
    fn index(&self) -> usize {
        match self {
            Error::InputTooLong { .. } => 0,
            Error::EmptyInput => 1,
            Error::InvalidCharacters { .. } => 2,
            Error::ExtensionNotAllowed => 3,
            Error::InvalidTelUri { .. } => 4,
            Error::RegionRequired => 5,
            Error::InvalidCountryCode => 6,
            Error::TooShort => 7,
            Error::TooLong => 8,
            Error::InvalidNumber => 9,
            Error::InvalidE164 { .. } => 10,
            Error::InvalidCountry { .. } => 11,
            Error::InvalidCurrency { .. } => 12,
            Error::InvalidInput { .. } => 13,
            Error::NotFound => 14,
            Error::Forbidden { .. } => 15,
            Error::InvalidTransition { .. } => 16,
            Error::VersionConflict { .. } => 17,
            Error::NumberNotBound { .. } => 18,
            Error::NotSupported { .. } => 19,
            Error::ReadOnlyField { .. } => 20,
            Error::InvalidWebhookUrl { .. } => 21,
            Error::ValidationFailed { .. } => 22,
            Error::ConfirmationRequired { .. } => 23,
            Error::CountryNotAllowed { .. } => 24,
            Error::DidCoolOffInEffect { .. } => 25,
            Error::NumberAging { .. } => 26,
            Error::SubAccountMismatch => 27,
            Error::AlreadyAssigned => 28,
            Error::NotAssigned => 29,
            Error::NoEligibleNumber { .. } => 30,
            Error::AlreadyExists { .. } => 31,
            Error::IdempotencyMismatch => 32,
            Error::InsufficientBalance { .. } => 33,
            Error::Provider { .. } => 34,
            Error::Store { .. } => 35,
            Error::NoMasterAccount => 36,
            Error::UnknownReference { .. } => 37,
            Error::KindRequired { .. } => 38,
            Error::ProviderRateLimited { .. } => 39,
            Error::IdempotencyInProgress => 40,
            Error::CallInFuture { .. } => 41,
            Error::NotInitialized { .. } => 42,
        }
    }

    /// The stable snake_case code of this error, e.g. `"invalid_number"`.
    pub fn code(&self) -> &'static str {
        Self::CODES[self.index()]
    }

    /// The HTTP status a host should answer with, e.g. 400 or 409.
    pub fn http_status(&self) -> u16 {
        Self::STATUSES[self.index()]
    }

    /// A provider refusal or failure: `retryable` false, no provider code.
    pub fn provider(provider: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Provider {
            provider: provider.into(),
            message: message.into(),
            retryable: false,
            provider_code: None,
        }
    }

    /// True when the same call may succeed later: a retryable provider
    /// error, a provider rate limit, a store error, or a request with the
    /// same idempotency key still in progress.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Provider { retryable, .. } => *retryable,
            Error::ProviderRateLimited { .. }
            | Error::IdempotencyInProgress
            | Error::Store { .. }
            | Error::VersionConflict { .. } => true,
            _ => false,
        }
    }

    /// A shorthand for [`Error::InvalidInput`].
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Error::InvalidInput {
            message: message.into(),
        }
    }

    /// The structured fields that ride with the code (snake_case keys),
    /// without `code` and `message`.
    pub fn fields(&self) -> Map<String, Value> {
        let mut m = Map::new();
        match self {
            Error::InputTooLong { max } => {
                m.insert("max".into(), Value::from(*max));
            }
            Error::InvalidCharacters { character } => {
                m.insert("character".into(), Value::from(character.as_str()));
            }
            Error::InvalidTelUri { reason } | Error::InvalidE164 { reason } => {
                m.insert("reason".into(), Value::from(reason.as_str()));
            }
            Error::InvalidCountry { value } | Error::InvalidCurrency { value } => {
                m.insert("value".into(), Value::from(value.as_str()));
            }
            Error::Forbidden { reason } | Error::NumberNotBound { reason } => {
                m.insert("reason".into(), Value::from(reason.as_str()));
            }
            Error::InvalidTransition { from, command } => {
                m.insert("from".into(), Value::from(from.as_str()));
                m.insert("command".into(), Value::from(command.as_str()));
            }
            Error::VersionConflict { expected, actual } => {
                m.insert("expected".into(), Value::from(*expected));
                m.insert("actual".into(), Value::from(*actual));
            }
            Error::NotSupported { operation, reason } => {
                m.insert("operation".into(), Value::from(operation.as_str()));
                m.insert("reason".into(), Value::from(reason.as_str()));
            }
            Error::ReadOnlyField { field } | Error::UnknownReference { field } => {
                m.insert("field".into(), Value::from(field.as_str()));
            }
            Error::InvalidWebhookUrl { field, reason } => {
                m.insert("field".into(), Value::from(field.as_str()));
                m.insert("reason".into(), Value::from(reason.as_str()));
            }
            Error::ValidationFailed { problems } => {
                m.insert(
                    "problems".into(),
                    serde_json::to_value(problems).unwrap_or(Value::Null),
                );
            }
            Error::ConfirmationRequired { confirmation } => {
                m.insert("confirmation".into(), Value::from(confirmation.as_str()));
            }
            Error::CountryNotAllowed { country, direction } => {
                m.insert("country".into(), Value::from(country.as_str()));
                m.insert("direction".into(), Value::from(direction.as_str()));
            }
            Error::DidCoolOffInEffect {
                cool_off_until,
                cool_off_remaining_seconds,
            } => {
                m.insert(
                    "cool_off_until".into(),
                    Value::from(rfc3339(*cool_off_until)),
                );
                m.insert(
                    "cool_off_remaining_seconds".into(),
                    Value::from(*cool_off_remaining_seconds),
                );
            }
            Error::NoEligibleNumber { excluded, tiers } => {
                m.insert(
                    "excluded".into(),
                    serde_json::to_value(excluded).unwrap_or(Value::Null),
                );
                m.insert(
                    "tiers".into(),
                    serde_json::to_value(tiers).unwrap_or(Value::Null),
                );
            }
            Error::KindRequired { in_stock } => {
                m.insert(
                    "in_stock".into(),
                    serde_json::to_value(in_stock).unwrap_or(Value::Null),
                );
            }
            Error::AlreadyExists { what } => {
                m.insert("what".into(), Value::from(what.as_str()));
            }
            Error::InsufficientBalance {
                required,
                available,
            } => {
                m.insert(
                    "required".into(),
                    serde_json::to_value(required).unwrap_or(Value::Null),
                );
                m.insert(
                    "available".into(),
                    serde_json::to_value(available).unwrap_or(Value::Null),
                );
            }
            Error::Provider {
                provider,
                retryable,
                provider_code,
                ..
            } => {
                m.insert("provider".into(), Value::from(provider.as_str()));
                m.insert("retryable".into(), Value::from(*retryable));
                if let Some(c) = provider_code {
                    m.insert("provider_code".into(), Value::from(c.as_str()));
                }
            }
            Error::ProviderRateLimited {
                provider,
                retry_after_seconds,
                provider_code,
                ..
            } => {
                m.insert("provider".into(), Value::from(provider.as_str()));
                m.insert("retryable".into(), Value::from(true));
                if let Some(s) = retry_after_seconds {
                    m.insert("retry_after_seconds".into(), Value::from(*s));
                }
                if let Some(c) = provider_code {
                    m.insert("provider_code".into(), Value::from(c.as_str()));
                }
            }
            Error::CallInFuture { max_skew_seconds } => {
                m.insert("max_skew_seconds".into(), Value::from(*max_skew_seconds));
            }
            Error::NotInitialized { what } => {
                m.insert("what".into(), Value::from(what.as_str()));
            }
            Error::NumberAging { aging_until } => {
                m.insert("aging_until".into(), Value::from(rfc3339(*aging_until)));
            }
            Error::EmptyInput
            | Error::NotFound
            | Error::SubAccountMismatch
            | Error::NoMasterAccount
            | Error::AlreadyAssigned
            | Error::NotAssigned
            | Error::IdempotencyMismatch
            | Error::IdempotencyInProgress
            | Error::Store { .. }
            | Error::ExtensionNotAllowed
            | Error::RegionRequired
            | Error::InvalidCountryCode
            | Error::TooShort
            | Error::TooLong
            | Error::InvalidNumber
            | Error::InvalidInput { .. } => {}
        }
        m
    }

    /// The serialised form: `{ "code", "message", "status", ...fields }`.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("code".into(), Value::from(self.code()));
        m.insert("message".into(), Value::from(self.to_string()));
        m.insert("status".into(), Value::from(self.http_status()));
        m.extend(self.fields());
        Value::Object(m)
    }
}

impl Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

fn kinds_in_stock(in_stock: &[crate::ports::PriceEntry]) -> String {
    if in_stock.is_empty() {
        return "none in stock".into();
    }
    in_stock
        .iter()
        .map(|p| {
            format!(
                "{}: {} setup, {} monthly",
                p.kind.as_str(),
                p.pricing.setup,
                p.pricing.monthly
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Formats a time as RFC 3339 with second precision and a `Z` suffix, the
/// one form telnum writes times in.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The result type of telnum.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_snake_case_and_match_samples() {
        let samples = Error::samples();
        assert_eq!(samples.len(), Error::CODES.len());
        let mut seen = HashSet::new();
        for (i, e) in samples.iter().enumerate() {
            assert_eq!(e.index(), i, "sample {i} is listed at the wrong index");
            assert_eq!(e.code(), Error::CODES[i]);
            assert!(seen.insert(e.code()), "duplicate code {}", e.code());
            assert!(e
                .code()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'));
            assert!((400..600).contains(&e.http_status()));
        }
    }

    #[test]
    fn documented_table_matches_codes() {
        // Rows of the table in error_codes.md look like "| `code` | status | ...".
        let doc = include_str!("error_codes.md");
        let rows: Vec<(String, u16)> = doc
            .lines()
            .filter_map(|l| {
                let cells: Vec<&str> = l.split('|').map(str::trim).collect();
                let code = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
                let status = cells.get(2)?.parse().ok()?;
                Some((code.to_string(), status))
            })
            .collect();
        let actual: Vec<(String, u16)> = Error::samples()
            .iter()
            .map(|e| (e.code().to_string(), e.http_status()))
            .collect();
        assert_eq!(rows, actual, "error_codes.md is out of step with Error");
    }

    #[test]
    fn json_form_carries_code_message_and_fields() {
        let v = Error::InvalidCountry { value: "ZZ".into() }.to_json();
        assert_eq!(v["code"], "invalid_country");
        assert_eq!(v["value"], "ZZ");
        assert_eq!(v["status"], 400);
        assert!(v["message"].as_str().unwrap().contains("ZZ"));
        let via_serde = serde_json::to_value(Error::TooShort).unwrap();
        assert_eq!(via_serde["code"], "too_short");
    }
}
