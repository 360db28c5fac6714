//! # telnum
//!
//! The phone-number lifecycle library for voice and messaging platforms:
//! the rules a platform needs to discover, acquire, activate, assign,
//! rotate, keep healthy, reconcile and release its numbers (DIDs), written
//! once in Rust and used from Rust services, from JavaScript through
//! WebAssembly (`telnum-wasm`) and from C (`telnum-c`).
//!
//! The core is pure: no I/O, no clock, no global mutable state. Time always
//! comes in as a parameter; storage and the telephony provider are traits
//! the host implements.
//!
//! ## Quick start
//!
//! ```
//! use telnum::{Country, E164, Error};
//!
//! // Parse what a person typed, with a default region for national formats.
//! let india = Country::new("IN")?;
//! let n = E164::parse("098765 43210", Some(india))?;
//! assert_eq!(n.to_string(), "+919876543210");
//! assert_eq!(n.region(), Some(india));
//!
//! // Values loaded from storage take the fast structural path.
//! let stored: E164 = serde_json::from_str("\"+919876543210\"").unwrap();
//! assert_eq!(stored, n);
//!
//! // Every error has a stable code and an HTTP status for the host.
//! let err: Error = E164::parse("+91 12", None).unwrap_err();
//! assert_eq!((err.code(), err.http_status()), ("too_short", 400));
//! # Ok::<(), Error>(())
//! ```
//!
//! ## The service in a few lines
//!
//! ```
//! use telnum::memory::{block_on, ManualClock, MemoryStore};
//! use telnum::service::{Numbers, PurchaseRequest, ServiceConfig};
//! use telnum::simulated::SimulatedProvider;
//! use telnum::{Actor, Connection, ConnectionId, ConnectionStatus, Country, Role, TenantId, VendorSupport};
//!
//! let store = MemoryStore::new();
//! store.add_connection(Connection {
//!     id: ConnectionId::new("conn_1")?,
//!     tenant: TenantId::new("acme")?,
//!     name: None,
//!     provider: "twilio".into(),
//!     status: ConnectionStatus::Active,
//!     supports: VendorSupport { search_purchase: true, ..VendorSupport::default() },
//!     account: None,
//!     auth: None,
//! });
//! let now = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
//! let svc = Numbers::new(store, SimulatedProvider::new(), ManualClock::new(now), ServiceConfig::default())?;
//! let admin = Actor::new(TenantId::new("acme")?, Role::Admin);
//! let bought = block_on(svc.purchase(&admin, &PurchaseRequest {
//!     connection_id: Some(ConnectionId::new("conn_1")?),
//!     idempotency_key: "order-1".into(),
//!     country: Some(Country::new("US")?),
//!     quantity: Some(2),
//!     ..PurchaseRequest::default()
//! }))?;
//! assert_eq!(bought.numbers.len(), 2);
//! let active = block_on(svc.activate(&admin, &bought.numbers[0].id))?;
//! assert_eq!(active.number.status, telnum::NumberStatus::Active);
//! # Ok::<(), telnum::Error>(())
//! ```
//!
//! A tokio/axum/sqlx host implements [`ports::NumberStore`] and
//! [`ports::Provider`] with `async fn`s and awaits the same calls; the
//! futures are `Send`, so they can run in `tokio::spawn`.
//!
//! ## Modules
//!
//! - [`e164`]: the [`E164`] value, the full parser and the structural path.
//! - [`country`]: [`Country`], ISO 3166-1 alpha-2.
//! - [`kind`]: [`NumberKind`] and [`Capabilities`].
//! - [`money`]: [`Money`] in integer minor units and [`Currency`].
//! - [`ids`]: opaque id newtypes.
//! - [`record`]: [`PhoneNumber`] and [`Connection`].
//! - [`actor`]: [`Actor`] and [`Role`]: tenancy and permissions.
//! - [`lifecycle`]: every change to a record, [`apply`], and the transition table.
//! - [`cooloff`]: the DID cool-off and number aging.
//! - [`restrictions`]: inbound/outbound country checks.
//! - [`screens`]: what the admin screens offer, and wizard validation.
//! - [`webhook`]: webhook URL rules.
//! - [`pool`]: campaign caller-ID pools: selection, rotation, geomatch, caps, health.
//! - [`ports`]: the traits the host implements: [`ports::NumberStore`],
//!   [`ports::Provider`], [`ports::Clock`].
//! - [`service`]: [`service::Numbers`], every seed operation over the ports.
//! - [`sync`]: the pure diff of provider inventory against records.
//! - [`memory`] and [`simulated`]: the embedded in-memory store and
//!   simulated provider (with fault injection), and `block_on`.
//! - `conformance` (feature `conformance`): a test suite for a host's store.
//! - [`events`]: audit events.
//! - [`json`]: the JSON form of every pure operation (used by the bindings
//!   and the conformance vectors).
//! - [`error`]: the one [`Error`] type; its codes are in [`error_codes`].
//!
//! ## Features
//!
//! - `validation` (default): full validation through the libphonenumber
//!   metadata engine (`rlibphonenumber`). Without it, the "lite" build checks
//!   structure, calling codes and possible lengths only and does **not**
//!   validate number ranges.
//! - `validation-small`: the same validation with `regex-lite` inside the
//!   engine (smaller, slower; for WASM).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod actor;
#[cfg(feature = "conformance")]
pub mod conformance;
pub mod cooloff;
pub mod country;
pub mod e164;
mod engine;
pub mod error;
pub mod events;
pub mod ids;
#[cfg(feature = "interop")]
pub mod interop;
pub mod json;
pub mod kind;
pub mod lifecycle;
pub mod memory;
pub mod money;
mod names;
mod nanp;
pub mod pool;
pub mod ports;
pub mod record;
pub mod restrictions;
pub mod screens;
pub mod service;
pub mod simulated;
pub mod sync;
mod tables;
mod time;
pub mod webhook;

/// The README's Rust examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

#[doc = include_str!("error_codes.md")]
pub mod error_codes {}

pub use actor::{Actor, Role};
pub use country::Country;
pub use e164::{Format, NumberInfo, E164};
pub use error::{Direction, Error, FieldProblem, Result};
pub use events::{AuditEvent, EventKind, FieldChange};
pub use ids::{AccountId, AgentId, CampaignId, ConnectionId, EndpointId, NumberId, TenantId};
pub use kind::{Capabilities, NumberKind};
pub use lifecycle::{apply, Command, Ctx, Effect, LifecyclePolicy, Outcome, Patch, SubAccount};
pub use money::{Currency, Money};
pub use pool::{
    CallOutcome, Callee, CallerIdPool, Member, MemberStatus, Pick, PickDelta, PoolPolicy, PoolSpec,
    Tier,
};
pub use record::{
    Connection, ConnectionStatus, Management, NumberStatus, PhoneNumber, Pricing, ProviderRef,
    Secret, Source, VendorField, VendorSupport, WebhookConfig,
};
