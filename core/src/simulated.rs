//! [`SimulatedProvider`]: a deterministic telephony provider for examples,
//! tests and the quick start. Inventory for 14 countries (US, CA, GB, DE,
//! FR, IN, AU, BR, MX, ES, NG, ZA, NL, SG) with local, mobile and toll-free
//! numbers that are valid E.164, a price list, owned numbers per
//! connection, webhooks, release, and fault injection. Purchases are not
//! idempotent (like Twilio's): the service is what keeps a key from buying
//! twice. [`SimulatedProvider::simulate`] makes it behave as real providers
//! do at times: orders completed later, rate limits, numbers that vanish.
//! No sleeps, no randomness.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use std::future::{ready, Future};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::country::Country;
use crate::e164::E164;
use crate::error::{Error, Result};
use crate::ids::ConnectionId;
use crate::kind::{Capabilities, NumberKind};
use crate::memory::Faults;
use crate::money::{Currency, Money};
use crate::ports::{
    AvailableNumber, AvailableQuery, CountryOffer, MaybeSend, OrderStatus, OwnedNumber, PriceEntry,
    Provider, ProviderOrder, ProviderPurchase,
};
use crate::record::{Connection, Pricing, WebhookConfig};

/// Country, kind, the number without its last two digits, setup and
/// monthly price in US cents.
const CATALOG: &[(&str, NumberKind, &str, i64, i64)] = &[
    ("US", NumberKind::Local, "+141555501", 100, 115),
    ("US", NumberKind::Mobile, "+120155501", 100, 115),
    ("US", NumberKind::TollFree, "+180023456", 200, 215),
    ("CA", NumberKind::Local, "+150623456", 100, 130),
    ("CA", NumberKind::Mobile, "+141655501", 100, 130),
    ("CA", NumberKind::TollFree, "+180021234", 200, 215),
    ("GB", NumberKind::Local, "+4412123456", 150, 150),
    ("GB", NumberKind::Mobile, "+4474001234", 300, 400),
    ("GB", NumberKind::TollFree, "+4480012345", 300, 500),
    ("DE", NumberKind::Local, "+49301234", 150, 100),
    ("DE", NumberKind::Mobile, "+49151234567", 500, 600),
    ("DE", NumberKind::TollFree, "+4980012345678", 1500, 2500),
    ("FR", NumberKind::Local, "+331234567", 150, 120),
    ("FR", NumberKind::Mobile, "+336123456", 400, 500),
    ("FR", NumberKind::TollFree, "+338012345", 1500, 2000),
    ("IN", NumberKind::Local, "+9174104101", 300, 400),
    ("IN", NumberKind::Mobile, "+9181234567", 500, 600),
    ("IN", NumberKind::TollFree, "+9118001234", 2000, 2500),
    ("AU", NumberKind::Local, "+612123456", 300, 300),
    ("AU", NumberKind::Mobile, "+614123456", 600, 650),
    ("AU", NumberKind::TollFree, "+6118001234", 1000, 1600),
    ("BR", NumberKind::Local, "+5511234567", 500, 400),
    ("BR", NumberKind::Mobile, "+55119612345", 700, 900),
    ("BR", NumberKind::TollFree, "+558001234", 2500, 3000),
    ("MX", NumberKind::Local, "+5220012345", 300, 400),
    ("MX", NumberKind::Mobile, "+5222212345", 500, 700),
    ("MX", NumberKind::TollFree, "+5280012345", 2000, 2500),
    ("ES", NumberKind::Local, "+348101234", 150, 100),
    ("ES", NumberKind::Mobile, "+346123456", 400, 500),
    ("ES", NumberKind::TollFree, "+348001234", 1500, 2000),
    ("NG", NumberKind::Local, "+23420331234", 500, 500),
    ("NG", NumberKind::Mobile, "+23480212345", 700, 800),
    ("NG", NumberKind::TollFree, "+234800175917", 2500, 3000),
    ("ZA", NumberKind::Local, "+271012345", 200, 200),
    ("ZA", NumberKind::Mobile, "+277112345", 500, 600),
    ("ZA", NumberKind::TollFree, "+278012345", 1500, 1800),
    ("NL", NumberKind::Local, "+311012345", 150, 100),
    ("NL", NumberKind::Mobile, "+316123456", 400, 500),
    ("NL", NumberKind::TollFree, "+3180012", 1500, 2000),
    ("SG", NumberKind::Local, "+65612345", 300, 400),
    ("SG", NumberKind::Mobile, "+65812345", 500, 600),
    ("SG", NumberKind::TollFree, "+65180012345", 2000, 2500),
];

/// Numbers per country and kind in the initial inventory.
pub const NUMBERS_PER_KIND: usize = 20;

/// A way to make the simulated provider behave as real providers do at
/// times (the same in Rust, JS `simulate()` and C `telnum_numbers_simulate`).
/// JSON: `{"action": "hold_orders", ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Simulation {
    /// From now on, purchases are accepted as orders completed later
    /// (`hold: true`), or completed at once again (`hold: false`).
    HoldOrders {
        /// Hold or not.
        hold: bool,
    },
    /// Settles every held order: the numbers become the account's
    /// (`complete: true`), or the orders fail (`complete: false`).
    SettleOrders {
        /// Complete or fail them.
        complete: bool,
    },
    /// The next `calls` provider calls fail with a rate limit (HTTP 429).
    RateLimit {
        /// How many calls.
        calls: u32,
        /// The `Retry-After` to report, in seconds.
        retry_after_seconds: Option<u64>,
    },
    /// The next `calls` purchases fail with a retryable error, after
    /// buying the number (a timeout after the provider acted).
    FailAfterPurchase {
        /// How many purchases.
        calls: u32,
    },
    /// The number disappears from the connection's account (drift).
    DropNumber {
        /// The connection.
        connection_id: ConnectionId,
        /// The number.
        e164: E164,
    },
}

#[derive(Debug, Default)]
struct Inner {
    inventory: BTreeMap<E164, AvailableNumber>,
    owned: HashMap<ConnectionId, BTreeMap<E164, OwnedNumber>>,
    /// Orders held for later: order ref → (connection, number).
    orders: BTreeMap<String, (ConnectionId, AvailableNumber)>,
    /// Orders settled as completed: order ref → (connection, number).
    completed_orders: HashMap<String, (ConnectionId, E164)>,
    /// Orders settled as failed: order ref → reason.
    failed_orders: HashMap<String, String>,
    hold_orders: bool,
    rate_limited_calls: u32,
    retry_after_seconds: Option<u64>,
    fail_after_purchase: u32,
    purchases: u64,
    next_sid: u64,
    next_order: u64,
}

/// A deterministic in-memory provider. Cloning shares the same state.
#[derive(Debug, Clone)]
pub struct SimulatedProvider {
    inner: Arc<Mutex<Inner>>,
    faults: Arc<Faults>,
    name: String,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn pricing(setup: i64, monthly: i64) -> Pricing {
    Pricing {
        setup: Money::new(setup, Currency::USD),
        monthly: Money::new(monthly, Currency::USD),
    }
}

fn capabilities(kind: NumberKind) -> Capabilities {
    match kind {
        NumberKind::TollFree => Capabilities::VOICE,
        _ => Capabilities::VOICE_SMS,
    }
}

impl Default for SimulatedProvider {
    fn default() -> Self {
        SimulatedProvider::new()
    }
}

impl SimulatedProvider {
    /// The provider with its full initial inventory.
    pub fn new() -> SimulatedProvider {
        let mut inv = BTreeMap::new();
        for (country, kind, base, setup, monthly) in CATALOG {
            let country = Country::new(country).unwrap_or(Country::from_table(*b"US"));
            let mut made = 0;
            for k in 0..100 {
                if made == NUMBERS_PER_KIND {
                    break;
                }
                let text = format!("{base}{k:02}");
                // Only numbers the validation engine accepts (in a lite
                // build, the structural check).
                let Ok(e164) = E164::parse(&text, None) else {
                    continue;
                };
                inv.insert(
                    e164,
                    AvailableNumber {
                        inventory_id: format!("inv_{}", e164.digits()),
                        e164,
                        country,
                        kind: *kind,
                        capabilities: capabilities(*kind),
                        pricing: pricing(*setup, *monthly),
                    },
                );
                made += 1;
            }
        }
        SimulatedProvider {
            inner: Arc::new(Mutex::new(Inner {
                inventory: inv,
                ..Inner::default()
            })),
            faults: Arc::new(Faults::default()),
            name: "simulated".into(),
        }
    }

    /// Fault injection (shared by clones).
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Makes the provider behave as real providers do at times; see
    /// [`Simulation`]. Answers whether the simulation applied (a dropped
    /// number the account did not own answers false).
    pub fn simulate(&self, s: &Simulation) -> bool {
        let mut i = lock(&self.inner);
        match s {
            Simulation::HoldOrders { hold } => i.hold_orders = *hold,
            Simulation::SettleOrders { complete } => {
                let orders = std::mem::take(&mut i.orders);
                for (order, (conn, a)) in orders {
                    if *complete {
                        let e164 = a.e164;
                        Self::own(&mut i, &conn, a);
                        i.completed_orders.insert(order, (conn, e164));
                    } else {
                        i.inventory.insert(a.e164, a);
                        i.failed_orders
                            .insert(order, "rejected by regulatory review".into());
                    }
                }
            }
            Simulation::RateLimit {
                calls,
                retry_after_seconds,
            } => {
                i.rate_limited_calls = *calls;
                i.retry_after_seconds = *retry_after_seconds;
            }
            Simulation::FailAfterPurchase { calls } => i.fail_after_purchase = *calls,
            Simulation::DropNumber {
                connection_id,
                e164,
            } => {
                drop(i);
                return self.drop_owned(connection_id, e164);
            }
        }
        true
    }

    /// How many purchases the provider has been asked for (each one
    /// buys: it does not deduplicate).
    pub fn purchase_calls(&self) -> u64 {
        lock(&self.inner).purchases
    }

    fn own(i: &mut Inner, conn: &ConnectionId, a: AvailableNumber) -> OwnedNumber {
        i.next_sid += 1;
        let owned = OwnedNumber {
            e164: a.e164,
            sid: format!("PNSIM{:08}", i.next_sid),
            country: a.country,
            kind: a.kind,
            capabilities: a.capabilities,
            label: None,
            webhooks: WebhookConfig::default(),
            pricing: Some(a.pricing),
        };
        i.owned
            .entry(conn.clone())
            .or_default()
            .insert(a.e164, owned.clone());
        owned
    }

    /// Numbers still available.
    pub fn inventory_len(&self) -> usize {
        lock(&self.inner).inventory.len()
    }

    /// Every number a connection owns (what the provider bills for).
    pub fn owned(&self, connection: &ConnectionId) -> Vec<OwnedNumber> {
        lock(&self.inner)
            .owned
            .get(connection)
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default()
    }

    /// Gives a connection a number bought outside the app (for import and
    /// sync scenarios). Takes it out of the inventory if it was there.
    pub fn add_owned(&self, connection: &ConnectionId, mut number: OwnedNumber) {
        let mut i = lock(&self.inner);
        i.inventory.remove(&number.e164);
        if number.sid.is_empty() {
            i.next_sid += 1;
            number.sid = format!("PNSIM{:08}", i.next_sid);
        }
        i.owned
            .entry(connection.clone())
            .or_default()
            .insert(number.e164, number);
    }

    /// Provider-side drift: the number disappears from the account.
    pub fn drop_owned(&self, connection: &ConnectionId, e164: &E164) -> bool {
        lock(&self.inner)
            .owned
            .get_mut(connection)
            .is_some_and(|m| m.remove(e164).is_some())
    }

    /// Provider-side drift: someone changed the webhooks at the provider.
    pub fn set_webhooks(
        &self,
        connection: &ConnectionId,
        e164: &E164,
        webhooks: WebhookConfig,
    ) -> bool {
        match lock(&self.inner)
            .owned
            .get_mut(connection)
            .and_then(|m| m.get_mut(e164))
        {
            Some(o) => {
                o.webhooks = webhooks;
                true
            }
            None => false,
        }
    }

    fn guarded<T>(&self, op: &str, f: impl FnOnce(&mut Inner) -> Result<T>) -> Result<T> {
        if self.faults.hit() {
            return Err(Error::Provider {
                provider: self.name.clone(),
                message: format!("injected fault in {op}"),
                retryable: false,
                provider_code: Some("injected_fault".into()),
            });
        }
        let mut i = lock(&self.inner);
        if i.rate_limited_calls > 0 {
            i.rate_limited_calls -= 1;
            return Err(Error::ProviderRateLimited {
                provider: self.name.clone(),
                message: format!("too many requests ({op})"),
                retry_after_seconds: i.retry_after_seconds,
                provider_code: Some("20429".into()),
            });
        }
        f(&mut i)
    }

    fn refuse(&self, message: impl Into<String>) -> Error {
        Error::provider(self.name.clone(), message)
    }
}

impl Provider for SimulatedProvider {
    fn search_available(
        &self,
        _c: &Connection,
        q: &AvailableQuery,
    ) -> impl Future<Output = Result<Vec<AvailableNumber>>> + MaybeSend {
        ready(self.guarded("search_available", |i| {
            if let Some(id) = &q.inventory_id {
                return Ok(i
                    .inventory
                    .values()
                    .filter(|a| &a.inventory_id == id)
                    .cloned()
                    .collect());
            }
            let country = q
                .country
                .ok_or_else(|| Error::invalid_input("country is required"))?;
            let limit = q.limit.unwrap_or(20).clamp(1, 100) as usize;
            let area = q.area_code.as_deref().unwrap_or("");
            let contains = q.contains.as_deref().unwrap_or("");
            Ok(i.inventory
                .values()
                .filter(|a| {
                    a.country == country
                        && q.kind.is_none_or(|k| k == a.kind)
                        && a.e164.national_number().starts_with(area)
                        && a.e164.digits().contains(contains)
                })
                .take(limit)
                .cloned()
                .collect())
        }))
    }

    fn pricing(
        &self,
        _c: &Connection,
        country: Country,
    ) -> impl Future<Output = Result<Vec<PriceEntry>>> + MaybeSend {
        ready(self.guarded("pricing", |_| {
            Ok(CATALOG
                .iter()
                .filter(|(c, ..)| *c == country.as_str())
                .map(|(_, kind, _, s, m)| PriceEntry {
                    country,
                    kind: *kind,
                    pricing: pricing(*s, *m),
                })
                .collect())
        }))
    }

    fn countries(
        &self,
        _c: &Connection,
    ) -> impl Future<Output = Result<Vec<CountryOffer>>> + MaybeSend {
        ready(self.guarded("countries", |i| {
            let mut by_country: BTreeMap<Country, Vec<NumberKind>> = BTreeMap::new();
            for a in i.inventory.values() {
                let kinds = by_country.entry(a.country).or_default();
                if !kinds.contains(&a.kind) {
                    kinds.push(a.kind);
                }
            }
            Ok(by_country
                .into_iter()
                .map(|(country, kinds)| CountryOffer {
                    country,
                    kinds,
                    pricing_known: CATALOG.iter().any(|(c, ..)| *c == country.as_str()),
                })
                .collect())
        }))
    }

    fn purchase(
        &self,
        c: &Connection,
        req: &ProviderPurchase,
    ) -> impl Future<Output = Result<ProviderOrder>> + MaybeSend {
        ready(self.guarded("purchase", |i| {
            i.purchases += 1;
            let found = match (&req.inventory_id, &req.e164) {
                (Some(id), _) => i
                    .inventory
                    .values()
                    .find(|a| &a.inventory_id == id)
                    .map(|a| a.e164),
                (None, Some(e)) => i.inventory.contains_key(e).then_some(*e),
                (None, None) => None,
            };
            let Some(e164) = found else {
                return Err(self.refuse("number not available"));
            };
            let a = i
                .inventory
                .remove(&e164)
                .ok_or_else(|| self.refuse("number not available"))?;
            if i.hold_orders {
                i.next_order += 1;
                let order_ref = format!("ORDSIM{:08}", i.next_order);
                i.orders.insert(order_ref.clone(), (c.id.clone(), a));
                return Ok(ProviderOrder::Pending { order_ref });
            }
            let owned = Self::own(i, &c.id, a);
            if i.fail_after_purchase > 0 {
                i.fail_after_purchase -= 1;
                return Err(Error::Provider {
                    provider: self.name.clone(),
                    message: "timed out waiting for the provider".into(),
                    retryable: true,
                    provider_code: Some("timeout".into()),
                });
            }
            Ok(ProviderOrder::Completed(owned))
        }))
    }

    fn order_status(
        &self,
        c: &Connection,
        order_ref: &str,
    ) -> impl Future<Output = Result<OrderStatus>> + MaybeSend {
        ready(self.guarded("order_status", |i| {
            if i.orders.contains_key(order_ref) {
                return Ok(OrderStatus::Pending);
            }
            if let Some(reason) = i.failed_orders.get(order_ref) {
                return Ok(OrderStatus::Failed {
                    reason: reason.clone(),
                });
            }
            let done = i
                .completed_orders
                .get(order_ref)
                .filter(|(conn, _)| conn == &c.id)
                .and_then(|(conn, e164)| i.owned.get(conn)?.get(e164));
            match done {
                Some(number) => Ok(OrderStatus::Completed {
                    number: number.clone(),
                }),
                None => Err(self.refuse(format!("unknown order {order_ref}"))),
            }
        }))
    }

    fn list_owned(
        &self,
        c: &Connection,
    ) -> impl Future<Output = Result<Vec<OwnedNumber>>> + MaybeSend {
        ready(self.guarded("list_owned", |i| {
            Ok(i.owned
                .get(&c.id)
                .map(|m| m.values().cloned().collect())
                .unwrap_or_default())
        }))
    }

    fn fetch(
        &self,
        c: &Connection,
        sid: &str,
    ) -> impl Future<Output = Result<Option<OwnedNumber>>> + MaybeSend {
        ready(self.guarded("fetch", |i| {
            Ok(i.owned
                .get(&c.id)
                .and_then(|m| m.values().find(|o| o.sid == sid))
                .cloned())
        }))
    }

    fn release(&self, c: &Connection, sid: &str) -> impl Future<Output = Result<()>> + MaybeSend {
        ready(self.guarded("release", |i| {
            let m = i
                .owned
                .get_mut(&c.id)
                .ok_or_else(|| self.refuse("unknown number"))?;
            let e164 = m
                .values()
                .find(|o| o.sid == sid)
                .map(|o| o.e164)
                .ok_or_else(|| self.refuse("unknown number"))?;
            if let Some(o) = m.remove(&e164) {
                let pricing = o.pricing.unwrap_or_else(|| pricing(100, 100));
                i.inventory.insert(
                    e164,
                    AvailableNumber {
                        inventory_id: format!("inv_{}", e164.digits()),
                        e164,
                        country: o.country,
                        kind: o.kind,
                        capabilities: o.capabilities,
                        pricing,
                    },
                );
            }
            Ok(())
        }))
    }

    fn configure_webhooks(
        &self,
        c: &Connection,
        sid: &str,
        w: &WebhookConfig,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        ready(self.guarded("configure_webhooks", |i| {
            let o = i
                .owned
                .get_mut(&c.id)
                .and_then(|m| m.values_mut().find(|o| o.sid == sid))
                .ok_or_else(|| self.refuse("unknown number"))?;
            o.webhooks = w.clone();
            Ok(())
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inventory_covers_fourteen_countries_and_three_kinds_with_valid_numbers() {
        let p = SimulatedProvider::new();
        let inv = lock(&p.inner).inventory.clone();
        let mut seen = std::collections::BTreeSet::new();
        for a in inv.values() {
            seen.insert((a.country, a.kind));
            // Every inventory number round-trips through the full parser.
            assert_eq!(E164::parse(a.e164.as_str(), None).unwrap(), a.e164);
        }
        let countries: std::collections::BTreeSet<_> = seen.iter().map(|(c, _)| *c).collect();
        assert!(countries.len() >= 14, "{countries:?}");
        assert!(seen.len() >= 40, "country/kind pairs: {}", seen.len());
    }
}
