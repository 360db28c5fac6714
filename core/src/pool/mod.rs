//! Campaign caller-ID pools: which of a campaign's numbers should call this
//! person now?
//!
//! A [`CallerIdPool`] holds a campaign's members (number, weight, pool
//! status, warm-up), its [`PoolPolicy`], the usage snapshot (per-member
//! counters for today and this hour, rotation positions, health
//! statistics) and what it remembers of its callees.
//! [`CallerIdPool::pick`] is a pure function of that state, the [`Callee`]
//! and `now`: it returns the [`Pick`] — the number, the geomatch [`Tier`]
//! it matched, and the [`PickDelta`] the host must apply — or
//! `no_eligible_number` with the count of members excluded per reason.
//! There is never a silent fallback.
//!
//! A dialer needs no bookkeeping of its own: pick with [`Callee::new`],
//! apply the delta with [`CallerIdPool::apply`], dial. Applying a delta
//! records the callee's caller ID in the pool, so the next pick for the
//! same callee rotates (rotate mode) or keeps its number (sticky mode).
//!
//! # Selection
//!
//! 1. Sticky mode: the callee's sticky caller ID (the last one the pool
//!    gave it, for `ttl_seconds` after that call), if still eligible.
//! 2. Tiers, best first (with geomatch on): NANP — same area code, same
//!    state, same time zone; elsewhere — the longest common national
//!    prefix (5 down to 2 digits); then same country, then any country.
//!    The policy's `lowest_tier` is the floor: tiers after it are never
//!    tried. A higher tier with an eligible member is never skipped.
//! 3. Within a tier: weighted rotation (stride scheduling: each member's
//!    next turn is its pass plus `2^40 / weight`, the earliest turn first,
//!    ties to the earlier member) or least-used-today (fewest calls today
//!    relative to weight, by `(calls + 1/2) / weight`, so each day's calls
//!    are shared out by unbiased rounding). Weight 0 is never picked.
//! 4. Eligible: number active, outbound allowed to the callee's country,
//!    pool status active (a pause ends by itself at its `until`), under
//!    today's cap (the warm-up cap while warming up) and this hour's cap,
//!    not a caller ID the callee saw in its last N calls or T seconds
//!    (rotate mode).
//!
//! **Fairness.** Over any window of consecutive weighted picks from one
//! tier in which the members in rotation and their weights stay the same,
//! each member's count differs from its weight's share of the window by
//! less than the number of members in rotation (the property test
//! `every_window_of_picks_follows_the_weights` checks it). A member that
//! comes back into rotation — a pause or rest ending, the daily or hourly
//! cap resetting, its record reactivated, a weight raised, a new member —
//! re-enters at its tiers' current position (as CFS places a waking task
//! at `min_vruntime`), so it takes its share from then on, never a burst
//! to make up for the time it was out. A changed weight changes the
//! distance to the member's next turn in proportion (stride scheduling's
//! change of tickets).
//!
//! The callee rule comes first: with rotate mode's `last_calls = N`, no
//! member can take more than `1 / (N + 1)` of any one callee's calls, so a
//! weight share above that is out of reach when the same callees are
//! called again and again.
//!
//! Members that cannot be picked (paused, resting, capped, inactive, weight
//! 0) are out of the indexes until they come back; each tier is an ordered
//! index of its members by rotation key, so a pick costs a hash probe into
//! the callee memory and a few ordered-set probes, not a scan of the pool.
//!
//! # Caps
//!
//! `daily_cap` is optional (`None`: no cap) with
//! [`RECOMMENDED_DAILY_CAP`] as the default; `hourly_cap` caps each clock
//! hour of the cap-day beside it. Both are in the delta (`cap`,
//! `hourly_cap`), for the shared store's conditional increment.
//!
//! # What the pool remembers of callees
//!
//! Up to `remember_callees` callees (least recently called forgotten
//! first), each with its last `remember_uses` caller IDs to the second, and
//! for as long as the callee mode needs them (the sticky TTL; rotate mode's
//! window when it counts no calls). They are part of the [`Usage`]
//! snapshot (`callees`). A callee's `recent` and `sticky` add history the
//! host knows from elsewhere.
//!
//! # Sharing a pool between dialers
//!
//! The delta protocol keeps several dialer processes correct through the
//! host's database or cache. Each dialer keeps a `CallerIdPool` in memory,
//! picks locally, then applies the pick's [`PickDelta`] **atomically at the
//! shared store, conditionally on the caps**, and only then dials:
//!
//! - Redis: `INCR calls:{campaign}:{number}:{day}` inside a Lua script that
//!   first reads the day's and the hour's counters and refuses when one is
//!   already at `delta.cap` / `delta.hourly_cap`; then `LPUSH` the callee's
//!   history (`LTRIM` to N, `EXPIRE` T) and `SET sticky:{callee}` with the
//!   sticky TTL. Publish the delta on a channel; every dialer applies the
//!   deltas it receives with [`CallerIdPool::apply`], which also records
//!   the callee part, so every replica remembers every callee.
//! - Postgres: `UPDATE pool_usage SET calls_today = calls_today + 1
//!   WHERE campaign = $1 AND number = $2 AND day = $3 AND calls_today < $cap
//!   RETURNING calls_today` (insert the day's row first with `ON CONFLICT DO
//!   NOTHING`), and insert the callee history row, in one transaction;
//!   `LISTEN/NOTIFY` carries deltas to the others.
//!
//! When the conditional increment is refused (another dialer used the last
//! call of a cap), the dialer sets the authoritative count with
//! [`CallerIdPool::set_calls_today`] or
//! [`CallerIdPool::set_calls_this_hour`] and picks again. Every delta is an
//! increment, so deltas commute: dialers that apply each other's deltas in
//! any order converge on the same state. [`shared`] states this as a
//! port ([`shared::SharedPoolState`]) with a dialer that drives it
//! ([`shared::SharedDialer`]).

mod callees;
mod geo;
pub mod shared;

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::country::Country;
use crate::e164::E164;
use crate::error::{Error, Result};
use crate::ids::{CampaignId, NumberId, TenantId};
use crate::record::{NumberStatus, PhoneNumber};
use crate::time::{add_seconds, seconds};

use callees::{key_of, secs, CalleeMemory, Use};
use geo::{callee_tiers, member_keys, GeoKey};
pub use geo::{npa_info, NpaInfo, Tier};

/// The daily cap a pool gets by default, and the one to start from: most
/// carriers' analytics start labelling a number as spam somewhere above
/// 100 to 150 calls a day. Raise it only for numbers with a registered
/// reputation; `daily_cap: None` removes the cap.
pub const RECOMMENDED_DAILY_CAP: u32 = 100;
/// Fixed-point scale of rotation keys.
const SCALE: u64 = 1 << 40;

// ------------------------------------------------------------------ policy

/// How a tier's members take turns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rotation {
    /// Deterministic weighted rotation: shares follow weights exactly.
    Weighted,
    /// The member with the fewest calls today relative to its weight.
    LeastUsedToday,
}

/// What the callee should see across calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, tag = "mode", rename_all = "snake_case")]
pub enum CalleeMode {
    /// Avoid the caller IDs this callee saw in its last `last_calls` calls
    /// or within `within_seconds` (repeated-caller fatigue).
    Rotate {
        /// How many of the callee's most recent calls to avoid repeating.
        last_calls: u32,
        /// Avoid any caller ID used for this callee within this many seconds.
        #[serde(deserialize_with = "crate::time::non_negative")]
        within_seconds: i64,
    },
    /// The same caller ID for this callee for `ttl_seconds` after the last
    /// call (call screening trusts a familiar number).
    Sticky {
        /// How long a binding lasts after its last use.
        #[serde(deserialize_with = "crate::time::non_negative")]
        ttl_seconds: i64,
    },
    /// No per-callee rule.
    Off,
}

/// Health thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HealthPolicy {
    /// Outcomes kept per member for the windowed answer rate.
    pub window: u32,
    /// Outcomes needed in the window before a member is judged.
    pub min_sample: u32,
    /// Pause a member whose windowed answer rate is below this fraction of
    /// the pool median (a sudden drop is a spam signal).
    pub min_fraction_of_median: f64,
    /// Pause a member whose windowed answer rate is below this, if set.
    pub min_answer_rate: Option<f64>,
    /// Pause (rest) a member on a carrier block.
    pub pause_on_carrier_block: bool,
}

impl Default for HealthPolicy {
    fn default() -> Self {
        HealthPolicy {
            window: 50,
            min_sample: 20,
            min_fraction_of_median: 0.5,
            min_answer_rate: None,
            pause_on_carrier_block: true,
        }
    }
}

/// A campaign pool's policy. Defaults follow industry practice: a daily cap
/// of 100 ([`RECOMMENDED_DAILY_CAP`]), no hourly cap, warm-up at 25 a day
/// for 14 days, 48 hours of rest, and a memory of the last 4 caller IDs of
/// up to 100,000 callees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PoolPolicy {
    /// Rotation within a tier.
    pub rotation: Rotation,
    /// Per-callee rule.
    pub callee_mode: CalleeMode,
    /// Prefer numbers local to the callee.
    pub geomatch: bool,
    /// The lowest tier a pick may come from (with geomatch on). Tiers are
    /// tried best first, in the order `same_npa`, `prefix5` … `prefix2`,
    /// `same_state`, `same_time_zone`, `same_country`, `any_country`; this
    /// tier and every tier before it are tried, none after it. So
    /// `prefix2` accepts area-code matches only (the NANP area code, or a
    /// national prefix of two or more digits), `same_state` adds the
    /// callee's NANP state, `same_country` (the default) anything in the
    /// callee's country, and `any_country` any member. `sticky` and `any`
    /// are not floors.
    pub lowest_tier: Tier,
    /// Calls a number may place per cap-day; `None` (JSON `null`): no
    /// daily cap. Default [`RECOMMENDED_DAILY_CAP`]; at least 1 when set.
    pub daily_cap: Option<u32>,
    /// Calls a number may place per clock hour of the cap-day; `None` (the
    /// default): no hourly cap. At least 1 when set.
    pub hourly_cap: Option<u32>,
    /// Calls per day while warming up (the daily cap still applies when
    /// lower).
    pub warmup_cap: u32,
    /// How long a new number warms up, in seconds.
    #[serde(deserialize_with = "crate::time::non_negative")]
    pub warmup_seconds: i64,
    /// How long a number at risk rests, in seconds.
    #[serde(deserialize_with = "crate::time::non_negative")]
    pub rest_seconds: i64,
    /// UTC offset of the day boundary for daily caps, in seconds.
    pub day_offset_seconds: i64,
    /// Health thresholds.
    pub health: HealthPolicy,
    /// How many callees the pool remembers (their last caller IDs, for the
    /// callee mode), least recently called forgotten first; 0: none, and
    /// the host passes each callee's history in [`Callee`].
    pub remember_callees: u32,
    /// How many of each callee's last caller IDs the pool remembers (1 to
    /// 64; at least rotate mode's `last_calls`). Rotate mode's
    /// `within_seconds` looks back over these uses only.
    pub remember_uses: u32,
}

impl Default for PoolPolicy {
    fn default() -> Self {
        PoolPolicy {
            rotation: Rotation::Weighted,
            callee_mode: CalleeMode::Rotate {
                last_calls: 3,
                within_seconds: 24 * 3600,
            },
            geomatch: true,
            lowest_tier: Tier::SameCountry,
            daily_cap: Some(RECOMMENDED_DAILY_CAP),
            hourly_cap: None,
            warmup_cap: 25,
            warmup_seconds: 14 * 86_400,
            rest_seconds: 48 * 3600,
            day_offset_seconds: 0,
            health: HealthPolicy::default(),
            remember_callees: 100_000,
            remember_uses: 4,
        }
    }
}

/// The most uses per callee a pool may remember.
pub const MAX_REMEMBER_USES: u32 = 64;

impl PoolPolicy {
    fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(Error::invalid_input(m));
        if self.daily_cap == Some(0) {
            return bad("daily_cap must be at least 1, or null for no daily cap");
        }
        if self.hourly_cap == Some(0) {
            return bad("hourly_cap must be at least 1, or null for no hourly cap");
        }
        if matches!(self.lowest_tier, Tier::Sticky | Tier::Any) {
            return bad("lowest_tier must be a geographic tier (same_npa … any_country)");
        }
        if self.remember_uses == 0 || self.remember_uses > MAX_REMEMBER_USES {
            return bad("remember_uses must be 1 to 64");
        }
        let within = match self.callee_mode {
            CalleeMode::Rotate {
                within_seconds,
                last_calls,
            } => {
                if self.remember_callees > 0 && last_calls > self.remember_uses {
                    return bad("rotate mode's last_calls must not exceed remember_uses");
                }
                within_seconds
            }
            _ => 0,
        };
        if self.warmup_seconds < 0 || self.rest_seconds < 0 || within < 0 {
            return bad("durations must not be negative");
        }
        if self.day_offset_seconds.abs() > 14 * 3600 {
            return bad("day_offset_seconds must be within ±14 hours");
        }
        if let CalleeMode::Sticky { ttl_seconds } = self.callee_mode {
            if ttl_seconds <= 0 {
                return bad("sticky ttl_seconds must be positive");
            }
        }
        let h = &self.health;
        if !(0.0..=1.0).contains(&h.min_fraction_of_median)
            || h.min_answer_rate.is_some_and(|r| !(0.0..=1.0).contains(&r))
            || h.window == 0
            || h.window > 10_000
        {
            return bad("health thresholds are fractions in 0..=1 and window is 1 to 10000");
        }
        Ok(())
    }

    /// The cap-day of `now`.
    pub fn day_of(&self, now: DateTime<Utc>) -> NaiveDate {
        crate::time::add_seconds(now, self.day_offset_seconds).date_naive()
    }

    /// The clock hour (0–23) of the cap-day that `now` falls in.
    pub fn hour_of(&self, now: DateTime<Utc>) -> u8 {
        (now.timestamp()
            .saturating_add(self.day_offset_seconds)
            .rem_euclid(86_400)
            / 3600) as u8
    }

    /// When cap-day `day` begins, in seconds since 1970.
    fn day_start(&self, day: NaiveDate) -> i64 {
        day.and_time(chrono::NaiveTime::MIN).and_utc().timestamp() - self.day_offset_seconds
    }

    /// When the clock hour after the one `now` is in begins, in seconds.
    fn next_hour(&self, now: DateTime<Utc>) -> i64 {
        let local = now.timestamp() + self.day_offset_seconds;
        (local.div_euclid(3600) + 1) * 3600 - self.day_offset_seconds
    }

    /// How long the pool remembers a callee after its newest use, from the
    /// callee mode: the sticky TTL; rotate mode's window when it counts no
    /// calls; otherwise until evicted.
    fn callee_ttl(&self) -> Option<u32> {
        let clamp = |s: i64| s.clamp(0, i64::from(u32::MAX)) as u32;
        match self.callee_mode {
            CalleeMode::Sticky { ttl_seconds } => Some(clamp(ttl_seconds)),
            CalleeMode::Rotate {
                last_calls: 0,
                within_seconds,
            } => Some(clamp(within_seconds)),
            _ => None,
        }
    }

    /// How many callees the pool's memory holds (none in `off` mode).
    fn memory_size(&self) -> usize {
        match self.callee_mode {
            CalleeMode::Off => 0,
            _ => self.remember_callees as usize,
        }
    }
}

// ------------------------------------------------------------------ members

/// A member's status in the pool, serialised with a `state` tag:
/// `{"state":"active"}`, `{"state":"paused","reason":"rest","until":"…"}`,
/// `{"state":"removed","reason":"spam_flagged"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, tag = "state", rename_all = "snake_case")]
pub enum MemberStatus {
    /// Picked normally.
    Active,
    /// Not picked until `until` (resting), or until resumed when None.
    Paused {
        /// Why.
        reason: String,
        /// When it resumes by itself.
        #[serde(default)]
        until: Option<DateTime<Utc>>,
    },
    /// Never picked (e.g. spam-flagged).
    Removed {
        /// Why.
        reason: String,
    },
}

/// One number in a campaign pool, with what selection needs from its record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// The number's record id.
    pub number_id: NumberId,
    /// The number.
    pub e164: E164,
    /// Its country.
    pub country: Country,
    /// Relative weight; 0 = never picked.
    pub weight: u32,
    /// Pool status (default active).
    #[serde(default = "active")]
    pub status: MemberStatus,
    /// When it joined the pool.
    pub added_at: DateTime<Utc>,
    /// A new number: capped at the warm-up cap until `added_at + warmup`.
    #[serde(default)]
    pub warm_up: bool,
    /// The record is active (lifecycle status).
    #[serde(default = "yes")]
    pub number_active: bool,
    /// The record allows outbound calls.
    #[serde(default = "yes")]
    pub allow_outbound: bool,
    /// The record's allowed outbound countries (empty: no restriction).
    #[serde(default)]
    pub allowed_outbound_countries: Vec<Country>,
}

fn active() -> MemberStatus {
    MemberStatus::Active
}

fn yes() -> bool {
    true
}

impl Member {
    /// A member made from a number record: its activity and outbound rules
    /// come from the record.
    pub fn from_record(
        record: &PhoneNumber,
        weight: u32,
        added_at: DateTime<Utc>,
        warm_up: bool,
    ) -> Member {
        Member {
            number_id: record.id.clone(),
            e164: record.e164,
            country: record.country,
            weight,
            status: MemberStatus::Active,
            added_at,
            warm_up,
            number_active: record.status == NumberStatus::Active,
            allow_outbound: record.allow_outbound,
            allowed_outbound_countries: record.allowed_outbound_countries.clone(),
        }
    }

    fn outbound_allowed(&self, callee_country: Option<Country>) -> bool {
        self.allow_outbound
            && (self.allowed_outbound_countries.is_empty()
                || callee_country.is_some_and(|c| self.allowed_outbound_countries.contains(&c)))
    }
}

/// A pool's definition: campaign, members and policy (the serde form a
/// host stores).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolSpec {
    /// The campaign.
    pub campaign_id: CampaignId,
    /// The tenant that owns the campaign.
    pub tenant: TenantId,
    /// Members.
    #[serde(default)]
    pub members: Vec<Member>,
    /// Policy.
    #[serde(default)]
    pub policy: PoolPolicy,
}

// ------------------------------------------------------------------ usage

/// Health counters of a member.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MemberStats {
    /// Calls attempted.
    pub attempts: u64,
    /// Calls answered.
    pub answered: u64,
    /// Spam flags received.
    pub spam_flags: u64,
    /// Carrier blocks received.
    pub carrier_blocks: u64,
    /// Talk time, seconds.
    pub talk_seconds: u64,
    /// The last outcomes (true = answered), oldest first, at most the
    /// policy's window.
    pub recent: VecDeque<bool>,
}

/// A member's usage: today's calls, rotation and health counters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MemberUsage {
    /// The cap-day `calls_today` counts.
    pub day: Option<NaiveDate>,
    /// Calls placed on `day`.
    pub calls_today: u32,
    /// The clock hour of `day` (0–23) that `calls_this_hour` counts.
    pub hour: Option<u8>,
    /// Calls placed in `hour` of `day`.
    pub calls_this_hour: u32,
    /// Picks ever made by the weighted rotation.
    pub picks: u64,
    /// The member's position in the weighted rotation (stride scheduling's
    /// pass): each pick adds `2^40 / weight`; a member coming back into
    /// rotation is moved up to the current position.
    pub pass: u64,
    /// Last time the member was picked.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Health counters.
    pub stats: MemberStats,
}

/// The explicit usage snapshot of a pool: by member, and what it remembers
/// of its callees.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Usage {
    /// Usage per member.
    pub members: BTreeMap<NumberId, MemberUsage>,
    /// The callees the pool remembers, most recently called first (at most
    /// the policy's `remember_callees`, each with at most `remember_uses`
    /// uses, most recent first). Times are kept to the second.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub callees: Vec<CalleeHistory>,
}

/// What a pool remembers of one callee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalleeHistory {
    /// The callee.
    pub e164: E164,
    /// Its last caller IDs, most recent first.
    pub recent: Vec<RecentUse>,
}

// ------------------------------------------------------------------ picks

/// One of the callee's recent caller IDs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecentUse {
    /// The member used.
    pub number_id: NumberId,
    /// When.
    pub at: DateTime<Utc>,
}

/// A callee's sticky caller ID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StickyBinding {
    /// The member.
    pub number_id: NumberId,
    /// When the binding expires.
    pub until: DateTime<Utc>,
}

/// The person to call. The pool remembers each callee's caller IDs itself
/// (every applied [`PickDelta`] records its callee part), so
/// [`Callee::new`] is all a dialer needs; `recent` and `sticky` add history
/// the host knows from elsewhere, and count beside the pool's own memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Callee {
    /// Their number (canonical; the structural path is enough).
    pub e164: E164,
    /// Their country, when known better than the calling code says
    /// (e.g. JE for a +44 7797 number); default: the NANP table, else the
    /// main region of the calling code.
    #[serde(default)]
    pub country: Option<Country>,
    /// Recent caller IDs the pool may not know of, most recent first
    /// (rotate mode avoids these as well as the ones it remembers).
    #[serde(default)]
    pub recent: Vec<RecentUse>,
    /// A sticky binding the pool may not know of; it takes precedence over
    /// the remembered one while it lasts.
    #[serde(default)]
    pub sticky: Option<StickyBinding>,
}

impl Callee {
    /// A callee with no history.
    pub fn new(e164: E164) -> Callee {
        Callee {
            e164,
            country: None,
            recent: Vec::new(),
            sticky: None,
        }
    }
}

/// The state change of a pick, to apply atomically at the shared store
/// (see the module docs) and then to every replica with
/// [`CallerIdPool::apply`]. Every part is an increment or an append.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PickDelta {
    /// The member picked.
    pub number_id: NumberId,
    /// The cap-day of the call.
    pub day: NaiveDate,
    /// The clock hour (0–23) of `day` of the call, for the hourly cap.
    pub hour: u8,
    /// Add to the member's calls on `day` (and in `hour`).
    pub increment_calls_today: u32,
    /// Refuse the increment if the day's count would go over this (`None`:
    /// no daily cap).
    pub cap: Option<u32>,
    /// Refuse the increment if the hour's count would go over this
    /// (`None`: no hourly cap).
    #[serde(default)]
    pub hourly_cap: Option<u32>,
    /// Add to the member's rotation counter.
    pub increment_picks: u32,
    /// The member's last use.
    pub last_used_at: DateTime<Utc>,
    /// The callee.
    pub callee: E164,
    /// Push onto the callee's recent caller IDs.
    pub callee_recent: RecentUse,
    /// Set the callee's sticky binding (sticky mode).
    #[serde(default)]
    pub sticky: Option<StickyBinding>,
}

/// The answer to "which number should call this person now?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pick {
    /// The member picked.
    pub number_id: NumberId,
    /// Its number: the caller ID to present.
    pub e164: E164,
    /// The tier it matched.
    pub tier: Tier,
    /// What to apply.
    pub delta: PickDelta,
}

/// Why a member was not eligible (keys of `no_eligible_number`'s `excluded`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// The record is not active.
    NumberInactive,
    /// Outbound calls to the callee's country are not allowed.
    OutboundRestricted,
    /// Paused with no end.
    Paused,
    /// Paused until later (resting).
    Resting,
    /// Removed from the pool.
    Removed,
    /// Removed because spam-flagged.
    SpamFlagged,
    /// Weight 0.
    ZeroWeight,
    /// Today's cap reached.
    OverCap,
    /// Today's warm-up cap reached.
    OverWarmupCap,
    /// This hour's cap reached.
    OverHourlyCap,
    /// Used for this callee too recently (rotate mode).
    CalleeFatigue,
    /// Not in any tier the policy allows for this callee.
    NoGeoMatch,
}

impl Exclusion {
    fn as_str(self) -> &'static str {
        match self {
            Exclusion::NumberInactive => "number_inactive",
            Exclusion::OutboundRestricted => "outbound_restricted",
            Exclusion::Paused => "paused",
            Exclusion::Resting => "resting",
            Exclusion::Removed => "removed",
            Exclusion::SpamFlagged => "spam_flagged",
            Exclusion::ZeroWeight => "zero_weight",
            Exclusion::OverCap => "over_cap",
            Exclusion::OverWarmupCap => "over_warmup_cap",
            Exclusion::OverHourlyCap => "over_hourly_cap",
            Exclusion::CalleeFatigue => "callee_fatigue",
            Exclusion::NoGeoMatch => "no_geo_match",
        }
    }
}

// ------------------------------------------------------------------ outcomes

/// What happened on a call placed with a pool member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallOutcome {
    /// The member used.
    pub number_id: NumberId,
    /// Answered by a person.
    pub answered: bool,
    /// Talk time in seconds.
    #[serde(default)]
    pub duration_seconds: u32,
    /// The call was flagged as spam (analytics, carrier label, complaint).
    #[serde(default)]
    pub spam_flagged: bool,
    /// The carrier blocked the call.
    #[serde(default)]
    pub carrier_blocked: bool,
    /// When the call ended.
    pub at: DateTime<Utc>,
}

/// What happened to a number record that every pool holding it follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberChangeKind {
    /// Flagged as spam: removed from the pool.
    SpamFlagged,
    /// The record was deactivated: out of rotation until reactivated.
    Deactivated,
    /// The record was activated again: back in rotation, at the current
    /// position.
    Activated,
    /// Released or deleted: removed from the pool.
    Released,
}

/// A change to a number record, for every pool that holds the number
/// ([`CallerIdPool::number_changed`]). Made from the audit events the
/// service returns with [`NumberChange::from_events`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumberChange {
    /// The number's record id.
    pub number_id: NumberId,
    /// What happened.
    pub kind: NumberChangeKind,
    /// When.
    pub at: DateTime<Utc>,
}

impl NumberChange {
    /// The changes pools must follow among a service result's audit events
    /// (`spam_flagged`, `deactivated`, `activated`, `soft_released`,
    /// `hard_deleted`), in order; other events are none of a pool's
    /// business.
    pub fn from_events(events: &[crate::events::AuditEvent]) -> Vec<NumberChange> {
        use crate::events::EventKind as K;
        events
            .iter()
            .filter_map(|e| {
                let kind = match e.kind {
                    K::SpamFlagged => NumberChangeKind::SpamFlagged,
                    K::Deactivated => NumberChangeKind::Deactivated,
                    K::Activated => NumberChangeKind::Activated,
                    K::SoftReleased | K::HardDeleted => NumberChangeKind::Released,
                    _ => return None,
                };
                Some(NumberChange {
                    number_id: e.number_id.clone(),
                    kind,
                    at: e.at,
                })
            })
            .collect()
    }
}

/// What a pool event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PoolEventKind {
    /// A spam flag removed the member.
    RemovedSpamFlagged,
    /// The number was released: removed from the pool.
    RemovedReleased,
    /// The number record was deactivated: out of rotation.
    NumberDeactivated,
    /// The number record was activated again: back in rotation.
    NumberActivated,
    /// The answer rate fell below the floor: paused.
    PausedLowAnswerRate,
    /// A carrier block paused the member.
    PausedCarrierBlock,
}

/// A member's status on the Campaign Health page, as of a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PoolStatus {
    /// In rotation (a pause that has ended counts as active).
    Active,
    /// Paused.
    Paused,
    /// Removed.
    Removed,
}

/// A pool event for the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolEvent {
    /// What happened.
    pub kind: PoolEventKind,
    /// The campaign.
    pub campaign_id: CampaignId,
    /// The member.
    pub number_id: NumberId,
    /// Its number.
    pub e164: E164,
    /// When.
    pub at: DateTime<Utc>,
    /// Figures behind the decision.
    #[serde(default)]
    pub detail: BTreeMap<String, Value>,
}

/// What [`CallerIdPool::record_outcome`] decided: counter updates, a status
/// change, events. Apply with [`CallerIdPool::apply_outcome`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeUpdate {
    /// The outcome recorded.
    pub outcome: CallOutcome,
    /// The member's new status, when it changes.
    #[serde(default)]
    pub status: Option<MemberStatus>,
    /// Events.
    #[serde(default)]
    pub events: Vec<PoolEvent>,
    /// A change every other pool holding the number must follow (a spam
    /// flag): pass it to their [`CallerIdPool::number_changed`], and flag
    /// the record with the service's `flag_spam` for its audit trail.
    #[serde(default)]
    pub number_change: Option<NumberChange>,
}

/// A row of the Campaign Health table (seed: campaign link, pool status,
/// attempts, answered, answer rate, weight).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthRow {
    /// The campaign.
    pub campaign_id: CampaignId,
    /// The member.
    pub number_id: NumberId,
    /// Its number.
    pub e164: E164,
    /// Active, paused or removed, as of `now`.
    pub pool_status: PoolStatus,
    /// Calls attempted.
    pub attempts: u64,
    /// Calls answered.
    pub answered: u64,
    /// answered ÷ attempts (None before the first attempt).
    pub answer_rate: Option<f64>,
    /// Weight.
    pub weight: u32,
    /// Calls today.
    pub calls_today: u32,
    /// Spam flags.
    pub spam_flags: u64,
}

// ------------------------------------------------------------------ the pool

#[derive(Default, Clone, Copy)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0 ^ v)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(29);
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// A callee as a pick sees it: what the host says, what the pool
/// remembers, and the time.
struct CalleeView<'a> {
    callee: &'a Callee,
    country: Option<Country>,
    remembered: &'a [Use],
    now: DateTime<Utc>,
    now_secs: u32,
}

/// A campaign's caller-ID pool: members, policy, usage, what it remembers
/// of its callees, and the indexes that make a pick cheap. See the module
/// docs.
#[derive(Debug, Clone)]
pub struct CallerIdPool {
    spec: PoolSpec,
    usage: Vec<MemberUsage>,
    slots: HashMap<NumberId, u32>,
    /// Per geographic group, the members in rotation ordered by rotation
    /// key.
    groups: FastMap<GeoKey, BTreeSet<(u64, u64, u32)>>,
    /// Current rotation key of each member (None: out of rotation).
    keys: Vec<Option<(u64, u64)>>,
    member_keys: Vec<Vec<GeoKey>>,
    /// The cap-day the usage counts refer to.
    day: Option<NaiveDate>,
    /// The latest time an applied change carried.
    clock: Option<DateTime<Utc>>,
    /// Members out of rotation until a time (seconds since 1970): a rest,
    /// a cap until the next day or hour, a warm-up cap until warm-up ends.
    sleepers: BTreeSet<(i64, u32)>,
    /// Each member's entry in `sleepers`.
    wake_at: Vec<Option<i64>>,
    /// Whether a member coming back into rotation is lifted to the current
    /// position (off while the indexes are built from a snapshot).
    lift_on_wake: bool,
    callees: CalleeMemory,
}

/// When a member is out of rotation.
enum Sleep {
    /// In rotation.
    Awake,
    /// Out until a time, in seconds since 1970.
    Until(i64),
    /// Out until the member or its record changes.
    Indefinitely,
}

impl CallerIdPool {
    /// Builds a pool with empty usage. `invalid_input` for a bad policy or
    /// duplicate members.
    pub fn new(spec: PoolSpec) -> Result<CallerIdPool> {
        Self::with_usage(spec, Usage::default())
    }

    /// Builds a pool from a definition and a usage snapshot (with the
    /// callees it remembers, if any).
    pub fn with_usage(spec: PoolSpec, usage: Usage) -> Result<CallerIdPool> {
        spec.policy.validate()?;
        let mut slots = HashMap::new();
        let mut numbers = std::collections::HashSet::new();
        for (i, m) in spec.members.iter().enumerate() {
            if slots.insert(m.number_id.clone(), i as u32).is_some() || !numbers.insert(m.e164) {
                return Err(Error::invalid_input(format!(
                    "member {} ({}) is listed twice",
                    m.number_id, m.e164
                )));
            }
        }
        if spec.members.len() > u32::MAX as usize / 2 {
            return Err(Error::invalid_input("too many members"));
        }
        let mut u: Vec<MemberUsage> = spec
            .members
            .iter()
            .map(|m| usage.members.get(&m.number_id).cloned().unwrap_or_default())
            .collect();
        let window = spec.policy.health.window as usize;
        for mu in &mut u {
            while mu.stats.recent.len() > window {
                mu.stats.recent.pop_front();
            }
        }
        let day = u.iter().filter_map(|m| m.day).max();
        // The snapshot's clock: the latest pick it counts.
        let clock = u.iter().filter_map(|m| m.last_used_at).max();
        let member_keys = spec
            .members
            .iter()
            .map(|m| member_keys(&m.e164, m.country))
            .collect();
        let p = &spec.policy;
        let callees = CalleeMemory::new(p.memory_size(), p.remember_uses as usize, p.callee_ttl());
        let n = spec.members.len();
        let mut pool = CallerIdPool {
            keys: vec![None; n],
            wake_at: vec![None; n],
            spec,
            usage: u,
            slots,
            groups: FastMap::default(),
            member_keys,
            day,
            clock,
            sleepers: BTreeSet::new(),
            lift_on_wake: false,
            callees,
        };
        for h in usage.callees.iter().rev() {
            let key = key_of(&h.e164);
            for r in h.recent.iter().rev() {
                if let Some(&slot) = pool.slots.get(&r.number_id) {
                    pool.callees.record(
                        key,
                        Use {
                            slot,
                            at: secs(r.at),
                        },
                    );
                }
            }
        }
        pool.rebuild();
        Ok(pool)
    }

    /// The position of a member in the definition's `members` (a hash
    /// probe).
    pub fn member_index(&self, number_id: &NumberId) -> Option<usize> {
        self.slots.get(number_id).map(|s| *s as usize)
    }

    /// The definition.
    pub fn spec(&self) -> &PoolSpec {
        &self.spec
    }

    /// The explicit usage snapshot, with the callees the pool remembers.
    pub fn usage(&self) -> Usage {
        Usage {
            members: self
                .spec
                .members
                .iter()
                .zip(&self.usage)
                .map(|(m, u)| (m.number_id.clone(), u.clone()))
                .collect(),
            callees: self
                .callees
                .iter()
                .filter_map(|(key, uses)| {
                    Some(CalleeHistory {
                        e164: callees::e164_of(key)?,
                        recent: uses
                            .iter()
                            .filter_map(|u| {
                                Some(RecentUse {
                                    number_id: self
                                        .spec
                                        .members
                                        .get(u.slot as usize)?
                                        .number_id
                                        .clone(),
                                    at: DateTime::from_timestamp(i64::from(u.at), 0)?,
                                })
                            })
                            .collect(),
                    })
                })
                .collect(),
        }
    }

    /// How many callees the pool remembers now.
    pub fn remembered_callees(&self) -> usize {
        self.callees.len()
    }

    /// Bytes of heap the callee memory holds (for capacity planning: under
    /// 64 per remembered callee with the default `remember_uses`).
    pub fn callee_memory_bytes(&self) -> usize {
        self.callees.heap_bytes()
    }

    fn stride(weight: u32) -> u64 {
        SCALE / u64::from(weight.max(1))
    }

    fn calls_on(&self, slot: usize, day: NaiveDate) -> u32 {
        let u = &self.usage[slot];
        if u.day == Some(day) {
            u.calls_today
        } else {
            0
        }
    }

    fn calls_in_hour(&self, slot: usize, day: NaiveDate, hour: u8) -> u32 {
        let u = &self.usage[slot];
        if u.day == Some(day) && u.hour == Some(hour) {
            u.calls_this_hour
        } else {
            0
        }
    }

    /// The rotation key of a member in rotation. Weighted: its
    /// stride-scheduling pass. Least-used: today's calls relative to
    /// weight, ties broken by the pass so that long-run shares still follow
    /// the weights.
    fn rotation_key(&self, slot: usize) -> (u64, u64) {
        let m = &self.spec.members[slot];
        // The pass after the member's next pick (its virtual finish time,
        // as in weighted fair queueing): heavier members come first from
        // an equal start, and a changed weight changes the next turn.
        let pass = self.usage_pass(slot).saturating_add(Self::stride(m.weight));
        match self.spec.policy.rotation {
            Rotation::Weighted => (pass, 0),
            Rotation::LeastUsedToday => {
                let calls = self.day.map_or(0, |d| self.calls_on(slot, d));
                (Self::least_used_key(calls, m.weight), pass)
            }
        }
    }

    /// Least-used order: the smallest `(calls + 1/2) / weight` first
    /// (Sainte-Laguë), so that a day's calls are shared out by unbiased
    /// rounding of the weights; with equal weights, the least used today.
    fn least_used_key(calls: u32, weight: u32) -> u64 {
        u64::from(calls)
            .saturating_mul(2)
            .saturating_add(1)
            .saturating_mul(Self::stride(weight))
    }

    /// Whether, and until when, a member is out of rotation as of the
    /// pool's clock. [`CallerIdPool::exclusion`] stays the rule at pick
    /// time; this keeps members that cannot be picked out of the indexes,
    /// so that they neither slow picks down nor keep their old position.
    fn sleep(&self, slot: usize) -> Sleep {
        let m = &self.spec.members[slot];
        let p = &self.spec.policy;
        if m.weight == 0 || !m.number_active {
            return Sleep::Indefinitely;
        }
        match &m.status {
            MemberStatus::Removed { .. } | MemberStatus::Paused { until: None, .. } => {
                return Sleep::Indefinitely
            }
            MemberStatus::Paused { until: Some(t), .. } if self.clock.is_none_or(|c| c < *t) => {
                return Sleep::Until(t.timestamp())
            }
            _ => {}
        }
        let Some(day) = self.day else {
            return Sleep::Awake;
        };
        let day_start = p.day_start(day);
        let now = self
            .clock
            .filter(|c| c.timestamp() >= day_start)
            .unwrap_or_else(|| DateTime::from_timestamp(day_start, 0).unwrap_or_default());
        let next_day = day.succ_opt().map_or(i64::MAX, |d| p.day_start(d));
        if let Some(cap) = self.cap_for(slot, now) {
            if self.calls_on(slot, day) >= cap {
                let warm_end = add_seconds(m.added_at, p.warmup_seconds).timestamp();
                let wake = if self.warming_up(slot, now) {
                    next_day.min(warm_end)
                } else {
                    next_day
                };
                return Sleep::Until(wake);
            }
        }
        if let (Some(cap), Some(clock)) = (p.hourly_cap, self.clock) {
            if p.day_of(clock) == day && self.calls_in_hour(slot, day, p.hour_of(clock)) >= cap {
                return Sleep::Until(p.next_hour(clock));
            }
        }
        Sleep::Awake
    }

    /// Puts a member where it belongs: in the indexes at its rotation key
    /// when in rotation, else out (and in `sleepers` when it comes back by
    /// itself). A member coming back into rotation re-enters at the
    /// current position of its groups, never behind it (see
    /// [`CallerIdPool::lift`]).
    fn reindex(&mut self, slot: usize) {
        let s = slot as u32;
        if let Some(t) = self.wake_at[slot].take() {
            self.sleepers.remove(&(t, s));
        }
        let new = match self.sleep(slot) {
            Sleep::Awake => {
                if self.keys[slot].is_none() && self.lift_on_wake {
                    self.lift(slot);
                }
                Some(self.rotation_key(slot))
            }
            Sleep::Until(t) => {
                self.sleepers.insert((t, s));
                self.wake_at[slot] = Some(t);
                None
            }
            Sleep::Indefinitely => None,
        };
        let old = self.keys[slot];
        if old == new {
            return;
        }
        for k in &self.member_keys[slot] {
            let set = self.groups.entry(*k).or_default();
            if let Some((a, b)) = old {
                set.remove(&(a, b, s));
            }
            if let Some((a, b)) = new {
                set.insert((a, b, s));
            }
        }
        self.keys[slot] = new;
    }

    /// A member coming back into rotation (a pause or rest ended, a cap
    /// reset, the record reactivated, a new member) starts at the current
    /// position of the groups it belongs to, as CFS places a waking task at
    /// the run queue's `min_vruntime`: its pass is raised to the smallest
    /// pass in rotation in each of its groups (the largest of those), so it
    /// takes its weight's share from then on instead of a burst to make up
    /// for the time it was out. Least-used rotation needs no lift: its
    /// order is today's calls.
    fn lift(&mut self, slot: usize) {
        if self.spec.policy.rotation != Rotation::Weighted {
            return;
        }
        let stride = Self::stride(self.spec.members[slot].weight);
        let own = self.rotation_key(slot).0;
        if let Some(p) = self.position(slot).filter(|p| *p > own) {
            self.usage[slot].pass = p.saturating_sub(stride);
        }
    }

    /// The current position of a member's groups (their virtual time):
    /// the rotation key of the member next in turn in each group it belongs
    /// to, the largest of those.
    fn position(&self, slot: usize) -> Option<u64> {
        self.member_keys[slot]
            .iter()
            .filter_map(|k| self.groups.get(k).and_then(|s| s.first()).map(|e| e.0))
            .max()
    }

    fn rebuild(&mut self) {
        // The positions of a snapshot are kept as they are.
        self.lift_on_wake = false;
        self.groups.clear();
        self.keys = vec![None; self.spec.members.len()];
        for slot in 0..self.spec.members.len() {
            self.reindex(slot);
        }
        self.lift_on_wake = true;
    }

    /// Moves the pool's clock to `now`: a later cap-day resets the counts,
    /// and members whose time out of rotation has ended come back.
    fn advance(&mut self, now: DateTime<Utc>) {
        if self.clock.is_some_and(|c| c >= now) {
            return;
        }
        self.clock = Some(now);
        let day = self.spec.policy.day_of(now);
        if self.day.is_none_or(|d| d < day) {
            self.roll_day(day);
        }
        let t = now.timestamp();
        let due: Vec<u32> = self
            .sleepers
            .iter()
            .take_while(|(w, _)| *w <= t)
            .map(|(_, s)| *s)
            .collect();
        for s in due {
            self.reindex(s as usize);
        }
    }

    fn usage_pass(&self, slot: usize) -> u64 {
        self.usage[slot].pass
    }

    fn callee_country(&self, callee: &Callee) -> Option<Country> {
        callee
            .country
            .or_else(|| npa_info(&callee.e164).map(|i| i.country))
            .or_else(|| {
                crate::e164::calling_code_prefix(&callee.e164.as_bytes()[1..])
                    .and_then(|(cc, _)| cc.regions.first())
                    .map(|r| Country::from_table(*r))
            })
    }

    fn warming_up(&self, slot: usize, now: DateTime<Utc>) -> bool {
        let m = &self.spec.members[slot];
        m.warm_up && now < add_seconds(m.added_at, self.spec.policy.warmup_seconds)
    }

    /// Why `slot` may not call the callee now, if it may not.
    fn exclusion(&self, slot: usize, c: &CalleeView, day: NaiveDate) -> Option<Exclusion> {
        let m = &self.spec.members[slot];
        let p = &self.spec.policy;
        let now = c.now;
        match &m.status {
            MemberStatus::Removed { reason } => {
                return Some(if reason == "spam_flagged" {
                    Exclusion::SpamFlagged
                } else {
                    Exclusion::Removed
                })
            }
            MemberStatus::Paused { until: None, .. } => return Some(Exclusion::Paused),
            MemberStatus::Paused { until: Some(t), .. } if now < *t => {
                return Some(Exclusion::Resting)
            }
            _ => {}
        }
        if m.weight == 0 {
            return Some(Exclusion::ZeroWeight);
        }
        if !m.number_active {
            return Some(Exclusion::NumberInactive);
        }
        if !m.outbound_allowed(c.country) {
            return Some(Exclusion::OutboundRestricted);
        }
        let calls = self.calls_on(slot, day);
        if let Some(cap) = self.cap_for(slot, now) {
            if calls >= cap {
                return Some(if self.warming_up(slot, now) {
                    Exclusion::OverWarmupCap
                } else {
                    Exclusion::OverCap
                });
            }
        }
        if let Some(cap) = p.hourly_cap {
            if self.calls_in_hour(slot, day, p.hour_of(now)) >= cap {
                return Some(Exclusion::OverHourlyCap);
            }
        }
        if let CalleeMode::Rotate {
            last_calls,
            within_seconds,
        } = p.callee_mode
        {
            let told = c.callee.recent.iter().enumerate().any(|(i, r)| {
                r.number_id == m.number_id
                    && ((i as u32) < last_calls || now - r.at < seconds(within_seconds))
            });
            let remembered = c.remembered.iter().enumerate().any(|(i, u)| {
                u.slot == slot as u32
                    && ((i as u32) < last_calls
                        || i64::from(c.now_secs.saturating_sub(u.at)) < within_seconds)
            });
            if told || remembered {
                return Some(Exclusion::CalleeFatigue);
            }
        }
        None
    }

    /// Today's cap of a member at `now` (the warm-up cap while it warms
    /// up, unless the daily cap is lower); `None`: no cap.
    fn cap_for(&self, slot: usize, now: DateTime<Utc>) -> Option<u32> {
        let p = &self.spec.policy;
        if self.warming_up(slot, now) {
            Some(p.daily_cap.map_or(p.warmup_cap, |d| d.min(p.warmup_cap)))
        } else {
            p.daily_cap
        }
    }

    fn make_pick(&self, slot: usize, tier: Tier, c: &CalleeView, day: NaiveDate) -> Pick {
        let m = &self.spec.members[slot];
        let now = c.now;
        let sticky = match self.spec.policy.callee_mode {
            CalleeMode::Sticky { ttl_seconds } => Some(StickyBinding {
                number_id: m.number_id.clone(),
                until: add_seconds(now, ttl_seconds),
            }),
            _ => None,
        };
        Pick {
            number_id: m.number_id.clone(),
            e164: m.e164,
            tier,
            delta: PickDelta {
                number_id: m.number_id.clone(),
                day,
                hour: self.spec.policy.hour_of(now),
                increment_calls_today: 1,
                cap: self.cap_for(slot, now),
                hourly_cap: self.spec.policy.hourly_cap,
                increment_picks: 1,
                last_used_at: now,
                callee: c.callee.e164,
                callee_recent: RecentUse {
                    number_id: m.number_id.clone(),
                    at: now,
                },
                sticky,
            },
        }
    }

    /// The member of the callee's sticky binding, if one lasts at `now`:
    /// the host's binding first, else the one the pool remembers (its last
    /// caller ID, for the policy's TTL after that call).
    fn sticky_slot(&self, c: &CalleeView) -> Option<usize> {
        let CalleeMode::Sticky { ttl_seconds } = self.spec.policy.callee_mode else {
            return None;
        };
        if let Some(s) = c.callee.sticky.as_ref().filter(|s| c.now < s.until) {
            return self.member_index(&s.number_id);
        }
        c.remembered
            .first()
            .filter(|u| i64::from(c.now_secs) - i64::from(u.at) < ttl_seconds)
            .map(|u| u.slot as usize)
    }

    /// Picks the caller ID for `callee` at `now`, from what the pool knows
    /// (its members, usage and the callee's remembered caller IDs) and what
    /// `callee` adds. Pure: apply the returned delta (at the shared store,
    /// then with [`CallerIdPool::apply`]) to make it count; that also makes
    /// the pool remember the call for this callee.
    ///
    /// # Errors
    /// `no_eligible_number` with `excluded` (members excluded per reason,
    /// over the tiers the policy allows) and `tiers` (the tiers tried).
    pub fn pick(&self, callee: &Callee, now: DateTime<Utc>) -> Result<Pick> {
        let p = &self.spec.policy;
        let day = p.day_of(now);
        let now_secs = secs(now);
        let c = CalleeView {
            callee,
            country: self.callee_country(callee),
            remembered: self.callees.get(key_of(&callee.e164), now_secs),
            now,
            now_secs,
        };
        if let Some(slot) = self.sticky_slot(&c) {
            if self.exclusion(slot, &c, day).is_none() {
                return Ok(self.make_pick(slot, Tier::Sticky, &c, day));
            }
        }
        let tiers = callee_tiers(&callee.e164, c.country, p.geomatch, p.lowest_tier);
        let now_ts = now.timestamp();
        // Members back in rotation since the last applied change (rare).
        let any_woken = self.sleepers.first().is_some_and(|(w, _)| *w <= now_ts);
        // Least-used keys refer to self.day; on another day every count is 0
        // and the order is by slot, which a scan gives.
        let stale = p.rotation == Rotation::LeastUsedToday && self.day != Some(day);
        for (tier, key) in tiers.iter() {
            let mut found = None;
            if let Some(set) = self.groups.get(key) {
                found = if stale {
                    set.iter()
                        .map(|(_, _, s)| *s as usize)
                        .filter(|s| self.exclusion(*s, &c, day).is_none())
                        .min_by_key(|s| {
                            let w = self.spec.members[*s].weight;
                            (Self::least_used_key(0, w), self.usage_pass(*s), *s)
                        })
                } else {
                    set.iter()
                        .map(|(_, _, s)| *s as usize)
                        .find(|s| self.exclusion(*s, &c, day).is_none())
                };
            }
            if !any_woken {
                if let Some(slot) = found {
                    return Ok(self.make_pick(slot, *tier, &c, day));
                }
                continue;
            }
            // Members whose time out of rotation ended after the last
            // applied change compete at the position they will come back
            // at.
            let at = |s: usize| {
                let own = self.rotation_key(s);
                match (self.spec.policy.rotation, self.position(s)) {
                    (Rotation::Weighted, Some(p)) if p > own.0 => ((p, own.1), s),
                    _ => (own, s),
                }
            };
            let woken = self
                .sleepers
                .iter()
                .take_while(|(w, _)| *w <= now_ts)
                .map(|(_, s)| *s as usize)
                .filter(|s| self.member_keys[*s].contains(key))
                .filter(|s| self.exclusion(*s, &c, day).is_none())
                .map(at)
                .min();
            let best = match (found, woken) {
                (Some(f), Some(w)) if w < (self.keys[f].unwrap_or_default(), f) => Some(w.1),
                (Some(f), _) => Some(f),
                (None, w) => w.map(|w| w.1),
            };
            if let Some(slot) = best {
                return Ok(self.make_pick(slot, *tier, &c, day));
            }
        }
        Err(self.no_eligible(&c, &tiers, day))
    }

    fn no_eligible(&self, c: &CalleeView, tiers: &[(Tier, GeoKey)], day: NaiveDate) -> Error {
        let mut excluded: BTreeMap<String, u64> = BTreeMap::new();
        for (slot, keys) in self.member_keys.iter().enumerate() {
            let why = if tiers.iter().any(|(_, k)| keys.contains(k)) {
                self.exclusion(slot, c, day)
            } else {
                Some(Exclusion::NoGeoMatch)
            };
            if let Some(w) = why {
                *excluded.entry(w.as_str().to_string()).or_default() += 1;
            }
        }
        Error::NoEligibleNumber {
            excluded,
            tiers: tiers.iter().map(|(t, _)| t.as_str().to_string()).collect(),
        }
    }

    /// The slot of a member; `not_found` when it is not in the pool.
    fn slot_of(&self, number_id: &NumberId) -> Result<usize> {
        match self.slots.get(number_id) {
            Some(&slot) => Ok(slot as usize),
            None => Err(Error::NotFound),
        }
    }

    /// Applies a pick's delta (this dialer's or another's): the member's
    /// counters, and the callee's caller ID in the pool's memory. Deltas
    /// commute, and a delta applied twice is remembered once for the
    /// callee (the counters are increments: apply each delta once).
    /// `not_found` when the member is not in the pool.
    pub fn apply(&mut self, delta: &PickDelta) -> Result<()> {
        let slot = self.slot_of(&delta.number_id)?;
        if delta.hour > 23 {
            return Err(Error::invalid_input("delta.hour must be 0 to 23"));
        }
        if let Some(&used) = self.slots.get(&delta.callee_recent.number_id) {
            self.callees.record(
                key_of(&delta.callee),
                Use {
                    slot: used,
                    at: secs(delta.callee_recent.at),
                },
            );
        }
        if self.day.is_none_or(|d| d < delta.day) {
            self.roll_day(delta.day);
        }
        self.advance(delta.last_used_at);
        let u = &mut self.usage[slot];
        let hour = Some(delta.hour);
        match u.day {
            Some(d) if d == delta.day => {
                u.calls_today = u.calls_today.saturating_add(delta.increment_calls_today);
                if u.hour == hour {
                    u.calls_this_hour = u
                        .calls_this_hour
                        .saturating_add(delta.increment_calls_today);
                } else if u.hour.is_none_or(|h| Some(h) < hour) {
                    u.hour = hour;
                    u.calls_this_hour = delta.increment_calls_today;
                }
            }
            Some(d) if d > delta.day => {} // a late delta from an earlier day
            _ => {
                u.day = Some(delta.day);
                u.calls_today = delta.increment_calls_today;
                u.hour = hour;
                u.calls_this_hour = delta.increment_calls_today;
            }
        }
        u.picks = u.picks.saturating_add(u64::from(delta.increment_picks));
        u.pass = u.pass.saturating_add(
            u64::from(delta.increment_picks)
                .saturating_mul(Self::stride(self.spec.members[slot].weight)),
        );
        if u.last_used_at.is_none_or(|t| t < delta.last_used_at) {
            u.last_used_at = Some(delta.last_used_at);
        }
        self.reindex(slot);
        Ok(())
    }

    fn roll_day(&mut self, day: NaiveDate) {
        self.day = Some(day);
        if self.spec.policy.rotation == Rotation::LeastUsedToday {
            self.rebuild();
        } else {
            // Members capped on the previous day come back.
            let capped: Vec<u32> = self.sleepers.iter().map(|(_, s)| *s).collect();
            for s in capped {
                self.reindex(s as usize);
            }
        }
    }

    /// Sets a member's authoritative count for `day` (after the shared
    /// store refused an increment). The hour's count is left as it is.
    pub fn set_calls_today(
        &mut self,
        number_id: &NumberId,
        day: NaiveDate,
        calls: u32,
    ) -> Result<()> {
        let slot = self.slot_of(number_id)?;
        if self.day.is_none_or(|d| d < day) {
            self.roll_day(day);
        }
        let u = &mut self.usage[slot];
        if u.day != Some(day) {
            u.hour = None;
            u.calls_this_hour = 0;
        }
        u.day = Some(day);
        u.calls_today = calls;
        self.reindex(slot);
        Ok(())
    }

    /// Sets a member's authoritative count for clock hour `hour` of `day`
    /// (after the shared store refused an increment on the hourly cap).
    pub fn set_calls_this_hour(
        &mut self,
        number_id: &NumberId,
        day: NaiveDate,
        hour: u8,
        calls: u32,
    ) -> Result<()> {
        let slot = self.slot_of(number_id)?;
        if hour > 23 {
            return Err(Error::invalid_input("hour must be 0 to 23"));
        }
        if self.day.is_none_or(|d| d < day) {
            self.roll_day(day);
        }
        let u = &mut self.usage[slot];
        if u.day != Some(day) {
            // The day's count is at least the hour's.
            u.day = Some(day);
            u.calls_today = calls;
        }
        u.hour = Some(hour);
        u.calls_this_hour = calls;
        self.reindex(slot);
        Ok(())
    }

    /// Adds or replaces a member (e.g. after its record changed). A new
    /// member, or one coming back into rotation, starts at the pool's
    /// current position; a changed weight keeps the member's position and
    /// changes its share from then on.
    pub fn upsert_member(&mut self, member: Member) -> Result<()> {
        if let Some(&slot) = self.slots.get(&member.number_id) {
            let slot = slot as usize;
            if self.spec.members[slot].e164 != member.e164 {
                return Err(Error::invalid_input(
                    "a member's number cannot change; remove it first",
                ));
            }
            let old_weight = self.spec.members[slot].weight;
            if member.weight != old_weight && member.weight > 0 && old_weight > 0 {
                // Stride scheduling's change of tickets: the distance from
                // the current position to the member's next turn is scaled
                // by the change of its stride.
                let (old, new) = (Self::stride(old_weight), Self::stride(member.weight));
                let next = self.usage_pass(slot).saturating_add(old);
                let position = self.position(slot).unwrap_or(next).min(next);
                let remain =
                    (u128::from(next - position) * u128::from(new) / u128::from(old)) as u64;
                self.usage[slot].pass = position.saturating_add(remain).saturating_sub(new);
            }
            self.spec.members[slot] = member;
            self.reindex(slot);
            return Ok(());
        }
        if self.spec.members.iter().any(|m| m.e164 == member.e164) {
            return Err(Error::invalid_input(format!(
                "{} is already in the pool",
                member.e164
            )));
        }
        let slot = self.spec.members.len();
        self.slots.insert(member.number_id.clone(), slot as u32);
        self.member_keys
            .push(member_keys(&member.e164, member.country));
        self.spec.members.push(member);
        self.usage.push(MemberUsage::default());
        self.keys.push(None);
        self.wake_at.push(None);
        self.reindex(slot);
        Ok(())
    }

    /// Sets a member's pool status (pause, resume, remove). A member
    /// resumed re-enters at the pool's current position.
    pub fn set_member_status(&mut self, number_id: &NumberId, status: MemberStatus) -> Result<()> {
        let slot = self.slot_of(number_id)?;
        self.spec.members[slot].status = status;
        self.reindex(slot);
        Ok(())
    }

    /// Follows a change to a number record: a spam flag or a release
    /// removes the member, a deactivation takes it out of rotation, an
    /// activation brings it back at the current position. Answers the pool
    /// event, or None when the number is not in this pool or the change
    /// changes nothing here (already removed, already inactive). Call it on
    /// every pool: that is how a spam flag in one campaign, or a number
    /// released in the admin screens, reaches all of them.
    pub fn number_changed(&mut self, change: &NumberChange) -> Option<PoolEvent> {
        let slot = self.member_index(&change.number_id)?;
        let m = &self.spec.members[slot];
        if matches!(m.status, MemberStatus::Removed { .. }) {
            return None;
        }
        let kind = match change.kind {
            NumberChangeKind::SpamFlagged | NumberChangeKind::Released => {
                let (reason, kind) = if change.kind == NumberChangeKind::SpamFlagged {
                    ("spam_flagged", PoolEventKind::RemovedSpamFlagged)
                } else {
                    ("released", PoolEventKind::RemovedReleased)
                };
                self.spec.members[slot].status = MemberStatus::Removed {
                    reason: reason.into(),
                };
                kind
            }
            NumberChangeKind::Deactivated if m.number_active => {
                self.spec.members[slot].number_active = false;
                PoolEventKind::NumberDeactivated
            }
            NumberChangeKind::Activated if !m.number_active => {
                self.spec.members[slot].number_active = true;
                PoolEventKind::NumberActivated
            }
            _ => return None,
        };
        self.reindex(slot);
        let m = &self.spec.members[slot];
        Some(PoolEvent {
            kind,
            campaign_id: self.spec.campaign_id.clone(),
            number_id: m.number_id.clone(),
            e164: m.e164,
            at: change.at,
            detail: BTreeMap::new(),
        })
    }

    /// Judges a call's outcome: counters, and the health rules — a spam
    /// flag removes the number at once; a carrier block, or a windowed
    /// answer rate under the policy's fraction of the pool median (with a
    /// minimum sample), rests it for `rest_seconds`, after which it resumes
    /// by itself. Pure: apply with [`CallerIdPool::apply_outcome`].
    pub fn record_outcome(&self, outcome: &CallOutcome) -> Result<OutcomeUpdate> {
        let slot = self.slot_of(&outcome.number_id)?;
        let m = &self.spec.members[slot];
        let p = &self.spec.policy;
        let now = outcome.at;
        let mut update = OutcomeUpdate {
            outcome: outcome.clone(),
            status: None,
            events: Vec::new(),
            number_change: None,
        };
        let event = |kind: PoolEventKind, detail: BTreeMap<String, Value>| PoolEvent {
            kind,
            campaign_id: self.spec.campaign_id.clone(),
            number_id: m.number_id.clone(),
            e164: m.e164,
            at: now,
            detail,
        };
        if matches!(m.status, MemberStatus::Removed { .. }) {
            return Ok(update);
        }
        if outcome.spam_flagged {
            update.number_change = Some(NumberChange {
                number_id: m.number_id.clone(),
                kind: NumberChangeKind::SpamFlagged,
                at: now,
            });
            update.status = Some(MemberStatus::Removed {
                reason: "spam_flagged".into(),
            });
            update
                .events
                .push(event(PoolEventKind::RemovedSpamFlagged, BTreeMap::new()));
            return Ok(update);
        }
        let rest = MemberStatus::Paused {
            reason: String::new(),
            until: Some(add_seconds(now, p.rest_seconds)),
        };
        let with_reason = |reason: &str| match &rest {
            MemberStatus::Paused { until, .. } => MemberStatus::Paused {
                reason: reason.into(),
                until: *until,
            },
            other => other.clone(),
        };
        if outcome.carrier_blocked && p.health.pause_on_carrier_block {
            update.status = Some(with_reason("carrier_block"));
            update
                .events
                .push(event(PoolEventKind::PausedCarrierBlock, BTreeMap::new()));
            return Ok(update);
        }
        // Windowed answer rate after this outcome.
        let mut recent = self.usage[slot].stats.recent.clone();
        recent.push_back(outcome.answered);
        while recent.len() > p.health.window as usize {
            recent.pop_front();
        }
        if recent.len() < p.health.min_sample as usize {
            return Ok(update);
        }
        let rate = recent.iter().filter(|a| **a).count() as f64 / recent.len() as f64;
        let mut rates: Vec<f64> = self
            .usage
            .iter()
            .enumerate()
            .filter_map(|(i, u)| {
                let r = if i == slot { &recent } else { &u.stats.recent };
                (r.len() >= p.health.min_sample as usize && !r.is_empty())
                    .then(|| r.iter().filter(|a| **a).count() as f64 / r.len() as f64)
            })
            .collect();
        rates.sort_by(f64::total_cmp);
        let median = if rates.is_empty() {
            rate
        } else if rates.len() % 2 == 1 {
            rates[rates.len() / 2]
        } else {
            (rates[rates.len() / 2 - 1] + rates[rates.len() / 2]) / 2.0
        };
        let floor = p.health.min_answer_rate.unwrap_or(0.0);
        if rate < median * p.health.min_fraction_of_median || rate < floor {
            let mut detail = BTreeMap::new();
            detail.insert("answer_rate".into(), Value::from(rate));
            detail.insert("pool_median".into(), Value::from(median));
            detail.insert("sample".into(), Value::from(recent.len()));
            update.status = Some(with_reason("low_answer_rate"));
            update
                .events
                .push(event(PoolEventKind::PausedLowAnswerRate, detail));
        }
        Ok(update)
    }

    /// Applies an [`OutcomeUpdate`]: counters, then the status change.
    pub fn apply_outcome(&mut self, update: &OutcomeUpdate) -> Result<()> {
        let o = &update.outcome;
        let slot = self.slot_of(&o.number_id)?;
        let window = self.spec.policy.health.window as usize;
        let s = &mut self.usage[slot].stats;
        // The counters come from the caller's usage snapshot: saturate, so
        // no value a host sends can overflow (or wrap to 0 in release).
        s.attempts = s.attempts.saturating_add(1);
        s.answered = s.answered.saturating_add(u64::from(o.answered));
        s.spam_flags = s.spam_flags.saturating_add(u64::from(o.spam_flagged));
        s.carrier_blocks = s
            .carrier_blocks
            .saturating_add(u64::from(o.carrier_blocked));
        s.talk_seconds = s.talk_seconds.saturating_add(u64::from(o.duration_seconds));
        s.recent.push_back(o.answered);
        while s.recent.len() > window {
            s.recent.pop_front();
        }
        if let Some(st) = &update.status {
            self.set_member_status(&o.number_id, st.clone())?;
        }
        Ok(())
    }

    /// The Campaign Health table, one row per member, as of `now`.
    pub fn campaign_health(&self, now: DateTime<Utc>) -> Vec<HealthRow> {
        let day = self.spec.policy.day_of(now);
        self.spec
            .members
            .iter()
            .zip(&self.usage)
            .enumerate()
            .map(|(slot, (m, u))| HealthRow {
                campaign_id: self.spec.campaign_id.clone(),
                number_id: m.number_id.clone(),
                e164: m.e164,
                pool_status: match &m.status {
                    MemberStatus::Active => PoolStatus::Active,
                    MemberStatus::Paused { until: Some(t), .. } if now >= *t => PoolStatus::Active,
                    MemberStatus::Paused { .. } => PoolStatus::Paused,
                    MemberStatus::Removed { .. } => PoolStatus::Removed,
                },
                attempts: u.stats.attempts,
                answered: u.stats.answered,
                answer_rate: (u.stats.attempts > 0)
                    .then(|| u.stats.answered as f64 / u.stats.attempts as f64),
                weight: m.weight,
                calls_today: self.calls_on(slot, day),
                spam_flags: u.stats.spam_flags,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
