//! Campaign caller-ID pools: which of a campaign's numbers should call this
//! person now?
//!
//! A [`CallerIdPool`] holds a campaign's members (number, weight, pool
//! status, warm-up), its [`PoolPolicy`] and the usage snapshot (per-member
//! counters for today, rotation counters, health statistics).
//! [`CallerIdPool::pick`] is a pure function of that state, the [`Callee`]
//! (its number, its recent caller IDs, its sticky binding) and `now`: it
//! returns the [`Pick`] — the number, the geomatch [`Tier`] it matched, and
//! the [`PickDelta`] the host must apply atomically — or
//! `no_eligible_number` with the count of members excluded per reason.
//! There is never a silent fallback.
//!
//! # Selection
//!
//! 1. Sticky mode: the callee's sticky caller ID, if still eligible.
//! 2. Tiers, best first (with geomatch on): NANP — same area code, same
//!    state, same time zone, same country; elsewhere — the longest common
//!    national prefix (5 down to 2 digits), same country; then any country
//!    if the policy allows. A higher tier with an eligible member is never
//!    skipped. With `fallback: reject`, only area-code tiers are tried.
//! 3. Within a tier: weighted deterministic rotation (stride scheduling:
//!    each member's share of picks equals its share of the weights, to
//!    within one pick per member of the tier, whatever the number of
//!    picks) or least-used-today (fewest calls today relative to weight,
//!    by `(calls + 1/2) / weight`, so each day's calls are shared out by
//!    unbiased rounding). Weight 0 is never picked.
//! 4. Eligible: number active, outbound allowed to the callee's country,
//!    pool status active (a pause ends by itself at its `until`), under
//!    today's cap (the warm-up cap while warming up), not the caller ID the
//!    callee saw in its last N calls or T seconds (rotate mode).
//!
//! Each tier is an ordered index of its members by rotation key, so a pick
//! costs a few ordered-set probes, not a scan of the pool.
//!
//! # Sharing a pool between dialers
//!
//! The delta protocol keeps several dialer processes correct through the
//! host's database or cache. Each dialer keeps a `CallerIdPool` in memory,
//! picks locally, then applies the pick's [`PickDelta`] **atomically at the
//! shared store, conditionally on the cap**, and only then dials:
//!
//! - Redis: `INCR calls:{campaign}:{number}:{day}` inside a Lua script that
//!   first reads the counter and refuses when it is already at
//!   `delta.cap`; then `INCR picks:{campaign}:{number}`, `LPUSH` the callee's
//!   history (`LTRIM` to N, `EXPIRE` T) and `SET sticky:{callee}` with the
//!   sticky TTL. Publish the delta on a channel; every dialer applies the
//!   deltas it receives with [`CallerIdPool::apply`].
//! - Postgres: `UPDATE pool_usage SET calls_today = calls_today + 1, picks =
//!   picks + 1, last_used_at = $now WHERE campaign = $1 AND number = $2 AND
//!   day = $3 AND calls_today < $cap RETURNING calls_today` (insert the day's
//!   row first with `ON CONFLICT DO NOTHING`), and insert the callee history
//!   row, in one transaction; `LISTEN/NOTIFY` carries deltas to the others.
//!
//! When the conditional increment is refused (another dialer used the last
//! call of the cap), the dialer sets the authoritative count with
//! [`CallerIdPool::set_calls_today`] and picks again. Every delta is an
//! increment, so deltas commute: dialers that apply each other's deltas in
//! any order converge on the same state.

mod geo;

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

use geo::{callee_tiers, member_keys, GeoKey};
pub use geo::{npa_info, NpaInfo, Tier};

/// The hard ceiling on a daily cap (industry practice: never over 150).
pub const MAX_DAILY_CAP: u32 = 150;
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

/// What to do when the best geographic tier has nothing eligible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GeoFallback {
    /// Try the next tier (state, time zone, country, then any country if
    /// allowed).
    NextTier,
    /// Only area-code tiers (NPA; national prefixes of 2+ digits); else
    /// `no_eligible_number`.
    Reject,
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
/// of 100, warm-up at 25 a day for 14 days, 48 hours of rest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PoolPolicy {
    /// Rotation within a tier.
    pub rotation: Rotation,
    /// Per-callee rule.
    pub callee_mode: CalleeMode,
    /// Prefer numbers local to the callee.
    pub geomatch: bool,
    /// What to do when the best tier is empty.
    pub fallback: GeoFallback,
    /// Allow a caller ID from another country than the callee's.
    pub allow_any_country: bool,
    /// Calls a number may place per day (at most 150).
    pub daily_cap: u32,
    /// Calls per day while warming up (never more than `daily_cap`).
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
            fallback: GeoFallback::NextTier,
            allow_any_country: false,
            daily_cap: 100,
            warmup_cap: 25,
            warmup_seconds: 14 * 86_400,
            rest_seconds: 48 * 3600,
            day_offset_seconds: 0,
            health: HealthPolicy::default(),
        }
    }
}

impl PoolPolicy {
    fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(Error::invalid_input(m));
        if self.daily_cap == 0 || self.daily_cap > MAX_DAILY_CAP {
            return bad("daily_cap must be 1 to 150");
        }
        let within = match self.callee_mode {
            CalleeMode::Rotate { within_seconds, .. } => within_seconds,
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
    /// Picks ever made by the weighted rotation.
    pub picks: u64,
    /// Rotation key at which the member joined (so a newcomer does not
    /// take a burst of calls).
    pub start_pass: u64,
    /// Last time the member was picked.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Health counters.
    pub stats: MemberStats,
}

/// The explicit usage snapshot of a pool, by member.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Usage {
    /// Usage per member.
    pub members: BTreeMap<NumberId, MemberUsage>,
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

/// The person to call, with what the host knows of their history.
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
    /// Their recent caller IDs, most recent first.
    #[serde(default)]
    pub recent: Vec<RecentUse>,
    /// Their sticky binding.
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
    /// Add to the member's calls on `day`.
    pub increment_calls_today: u32,
    /// Refuse the increment if the count would go over this.
    pub cap: u32,
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

/// What a pool event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PoolEventKind {
    /// A spam flag removed the member.
    RemovedSpamFlagged,
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

/// A campaign's caller-ID pool: members, policy, usage and the indexes that
/// make a pick cheap. See the module docs.
#[derive(Debug, Clone)]
pub struct CallerIdPool {
    spec: PoolSpec,
    usage: Vec<MemberUsage>,
    slots: HashMap<NumberId, u32>,
    /// Per geographic group, members ordered by rotation key.
    groups: FastMap<GeoKey, BTreeSet<(u64, u64, u32)>>,
    /// Current rotation key of each member (None: not in the index).
    keys: Vec<Option<(u64, u64)>>,
    member_keys: Vec<Vec<GeoKey>>,
    /// The cap-day the least-used keys refer to.
    day: Option<NaiveDate>,
}

impl CallerIdPool {
    /// Builds a pool with empty usage. `invalid_input` for a bad policy or
    /// duplicate members.
    pub fn new(spec: PoolSpec) -> Result<CallerIdPool> {
        Self::with_usage(spec, Usage::default())
    }

    /// Builds a pool from a definition and a usage snapshot.
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
        let member_keys = spec
            .members
            .iter()
            .map(|m| member_keys(&m.e164, m.country))
            .collect();
        let mut pool = CallerIdPool {
            keys: vec![None; spec.members.len()],
            spec,
            usage: u,
            slots,
            groups: FastMap::default(),
            member_keys,
            day,
        };
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

    /// The explicit usage snapshot.
    pub fn usage(&self) -> Usage {
        Usage {
            members: self
                .spec
                .members
                .iter()
                .zip(&self.usage)
                .map(|(m, u)| (m.number_id.clone(), u.clone()))
                .collect(),
        }
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

    /// The rotation key of a member, or None when it is never picked
    /// (weight 0 or removed). Weighted: its stride-scheduling pass.
    /// Least-used: today's calls relative to weight, ties broken by the pass
    /// so that long-run shares still follow the weights.
    fn rotation_key(&self, slot: usize) -> Option<(u64, u64)> {
        let m = &self.spec.members[slot];
        if m.weight == 0 || matches!(m.status, MemberStatus::Removed { .. }) {
            return None;
        }
        let u = &self.usage[slot];
        let pass = u
            .start_pass
            .saturating_add(u.picks.saturating_mul(Self::stride(m.weight)));
        Some(match self.spec.policy.rotation {
            Rotation::Weighted => (pass, 0),
            Rotation::LeastUsedToday => {
                let calls = self.day.map_or(0, |d| self.calls_on(slot, d));
                (Self::least_used_key(calls, m.weight), pass)
            }
        })
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

    fn reindex(&mut self, slot: usize) {
        let new = self.rotation_key(slot);
        let old = self.keys[slot];
        if old == new {
            return;
        }
        let s = slot as u32;
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

    fn rebuild(&mut self) {
        self.groups.clear();
        self.keys = vec![None; self.spec.members.len()];
        for slot in 0..self.spec.members.len() {
            self.reindex(slot);
        }
    }

    /// The smallest rotation key in use, for newcomers.
    fn virtual_time(&self) -> u64 {
        self.groups
            .get(&GeoKey::any())
            .and_then(|s| {
                s.iter()
                    .map(|(_, _, slot)| self.usage_pass(*slot as usize))
                    .min()
            })
            .unwrap_or(0)
    }

    fn usage_pass(&self, slot: usize) -> u64 {
        let u = &self.usage[slot];
        u.start_pass.saturating_add(
            u.picks
                .saturating_mul(Self::stride(self.spec.members[slot].weight)),
        )
    }

    fn callee_country(&self, callee: &Callee) -> Option<Country> {
        callee
            .country
            .or_else(|| npa_info(&callee.e164).map(|i| i.country))
            .or_else(|| {
                crate::e164::calling_code_prefix(callee.e164.digits().as_bytes())
                    .and_then(|(cc, _)| cc.regions.first())
                    .map(|r| Country::from_table(*r))
            })
    }

    /// Why `slot` may not call `callee` now, if it may not.
    fn exclusion(
        &self,
        slot: usize,
        callee: &Callee,
        callee_country: Option<Country>,
        day: NaiveDate,
        now: DateTime<Utc>,
    ) -> Option<Exclusion> {
        let m = &self.spec.members[slot];
        let p = &self.spec.policy;
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
        if !m.outbound_allowed(callee_country) {
            return Some(Exclusion::OutboundRestricted);
        }
        let calls = self.calls_on(slot, day);
        if m.warm_up && now < add_seconds(m.added_at, p.warmup_seconds) {
            if calls >= p.warmup_cap.min(p.daily_cap) {
                return Some(Exclusion::OverWarmupCap);
            }
        } else if calls >= p.daily_cap {
            return Some(Exclusion::OverCap);
        }
        if let CalleeMode::Rotate {
            last_calls,
            within_seconds,
        } = p.callee_mode
        {
            let recent = callee.recent.iter().enumerate().any(|(i, r)| {
                r.number_id == m.number_id
                    && ((i as u32) < last_calls || now - r.at < seconds(within_seconds))
            });
            if recent {
                return Some(Exclusion::CalleeFatigue);
            }
        }
        None
    }

    fn cap_for(&self, slot: usize, now: DateTime<Utc>) -> u32 {
        let m = &self.spec.members[slot];
        let p = &self.spec.policy;
        if m.warm_up && now < add_seconds(m.added_at, p.warmup_seconds) {
            p.warmup_cap.min(p.daily_cap)
        } else {
            p.daily_cap
        }
    }

    fn make_pick(
        &self,
        slot: usize,
        tier: Tier,
        callee: &Callee,
        day: NaiveDate,
        now: DateTime<Utc>,
    ) -> Pick {
        let m = &self.spec.members[slot];
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
                increment_calls_today: 1,
                cap: self.cap_for(slot, now),
                increment_picks: 1,
                last_used_at: now,
                callee: callee.e164,
                callee_recent: RecentUse {
                    number_id: m.number_id.clone(),
                    at: now,
                },
                sticky,
            },
        }
    }

    /// Picks the caller ID for `callee` at `now`. Pure: apply the returned
    /// delta (at the shared store, then with [`CallerIdPool::apply`]) to
    /// make it count.
    ///
    /// # Errors
    /// `no_eligible_number` with `excluded` (members excluded per reason,
    /// over the tiers the policy allows) and `tiers` (the tiers tried).
    pub fn pick(&self, callee: &Callee, now: DateTime<Utc>) -> Result<Pick> {
        let p = &self.spec.policy;
        let day = p.day_of(now);
        let callee_country = self.callee_country(callee);
        if let (CalleeMode::Sticky { .. }, Some(s)) = (p.callee_mode, &callee.sticky) {
            if now < s.until {
                if let Some(&slot) = self.slots.get(&s.number_id) {
                    let slot = slot as usize;
                    if self
                        .exclusion(slot, callee, callee_country, day, now)
                        .is_none()
                    {
                        return Ok(self.make_pick(slot, Tier::Sticky, callee, day, now));
                    }
                }
            }
        }
        let tiers = callee_tiers(
            &callee.e164,
            callee_country,
            p.geomatch,
            p.allow_any_country,
            p.fallback == GeoFallback::Reject,
        );
        // Least-used keys refer to self.day; on another day every count is 0
        // and the order is by slot, which a scan gives.
        let stale = p.rotation == Rotation::LeastUsedToday && self.day != Some(day);
        for (tier, key) in &tiers {
            let Some(set) = self.groups.get(key) else {
                continue;
            };
            if stale {
                if let Some(slot) = set
                    .iter()
                    .map(|(_, _, s)| *s as usize)
                    .filter(|s| {
                        self.exclusion(*s, callee, callee_country, day, now)
                            .is_none()
                    })
                    .min_by_key(|s| {
                        let w = self.spec.members[*s].weight;
                        (Self::least_used_key(0, w), self.usage_pass(*s), *s)
                    })
                {
                    return Ok(self.make_pick(slot, *tier, callee, day, now));
                }
                continue;
            }
            for (_, _, s) in set {
                let slot = *s as usize;
                if self
                    .exclusion(slot, callee, callee_country, day, now)
                    .is_none()
                {
                    return Ok(self.make_pick(slot, *tier, callee, day, now));
                }
            }
        }
        Err(self.no_eligible(callee, callee_country, &tiers, day, now))
    }

    fn no_eligible(
        &self,
        callee: &Callee,
        callee_country: Option<Country>,
        tiers: &[(Tier, GeoKey)],
        day: NaiveDate,
        now: DateTime<Utc>,
    ) -> Error {
        let in_tier: Vec<bool> = self
            .member_keys
            .iter()
            .map(|keys| tiers.iter().any(|(_, k)| keys.contains(k)))
            .collect();
        let mut excluded: BTreeMap<String, u64> = BTreeMap::new();
        for (slot, inside) in in_tier.iter().enumerate() {
            let why = if *inside {
                self.exclusion(slot, callee, callee_country, day, now)
            } else {
                Some(Exclusion::NoGeoMatch)
            };
            if let Some(w) = why {
                *excluded.entry(w.as_str().to_string()).or_default() += 1;
            }
        }
        Error::NoEligibleNumber {
            excluded,
            tiers: tiers
                .iter()
                .map(|(t, _)| {
                    serde_json::to_value(t)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from))
                        .unwrap_or_default()
                })
                .collect(),
        }
    }

    /// The slot of a member; `not_found` when it is not in the pool.
    fn slot_of(&self, number_id: &NumberId) -> Result<usize> {
        match self.slots.get(number_id) {
            Some(&slot) => Ok(slot as usize),
            None => Err(Error::NotFound),
        }
    }

    /// Applies a pick's delta (this dialer's or another's). Deltas commute.
    /// `not_found` when the member is not in the pool.
    pub fn apply(&mut self, delta: &PickDelta) -> Result<()> {
        let slot = self.slot_of(&delta.number_id)?;
        if self.day.is_none_or(|d| d < delta.day) {
            self.roll_day(delta.day);
        }
        let u = &mut self.usage[slot];
        match u.day {
            Some(d) if d == delta.day => {
                u.calls_today = u.calls_today.saturating_add(delta.increment_calls_today)
            }
            Some(d) if d > delta.day => {} // a late delta from an earlier day
            _ => {
                u.day = Some(delta.day);
                u.calls_today = delta.increment_calls_today;
            }
        }
        u.picks = u.picks.saturating_add(u64::from(delta.increment_picks));
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
        }
    }

    /// Sets a member's authoritative count for `day` (after the shared
    /// store refused an increment).
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
        u.day = Some(day);
        u.calls_today = calls;
        self.reindex(slot);
        Ok(())
    }

    /// Adds or replaces a member (e.g. after its record changed). A new
    /// member starts at the pool's current rotation position.
    pub fn upsert_member(&mut self, member: Member) -> Result<()> {
        if let Some(&slot) = self.slots.get(&member.number_id) {
            let slot = slot as usize;
            if self.spec.members[slot].e164 != member.e164 {
                return Err(Error::invalid_input(
                    "a member's number cannot change; remove it first",
                ));
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
        let vt = self.virtual_time();
        self.slots.insert(member.number_id.clone(), slot as u32);
        self.member_keys
            .push(member_keys(&member.e164, member.country));
        self.spec.members.push(member);
        self.usage.push(MemberUsage {
            start_pass: vt,
            ..MemberUsage::default()
        });
        self.keys.push(None);
        self.reindex(slot);
        Ok(())
    }

    /// Sets a member's pool status (pause, resume, remove).
    pub fn set_member_status(&mut self, number_id: &NumberId, status: MemberStatus) -> Result<()> {
        let slot = self.slot_of(number_id)?;
        self.spec.members[slot].status = status;
        self.reindex(slot);
        Ok(())
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
