//! Pool state shared between dialer processes: the port a host implements
//! over its distributed store ([`SharedPoolState`]), and the dialer that
//! drives it ([`SharedDialer`]).
//!
//! Every dialer keeps its own [`CallerIdPool`] replica. A call is placed
//! only after the shared store has applied its delta **atomically and
//! conditionally**: the day's and the hour's count under their caps, the
//! callee's rotation rule against the store's own history of that callee,
//! and the commit's id not applied before (so a commit retried after a lost
//! answer is counted once). The store then keeps the callee history
//! (trimmed, with a TTL), the sticky binding (with a TTL), and a feed of
//! the deltas, which every replica applies. `core/examples/redis_pool.rs`
//! implements the port over Redis with one Lua script.

use std::future::Future;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{CalleeMode, CallerIdPool, Pick, PickDelta, RecentUse, StickyBinding};
use crate::e164::E164;
use crate::error::{Error, Result};
use crate::ids::CampaignId;
use crate::ports::MaybeSend;
use crate::Callee;

/// What the shared store knows of a callee in a campaign.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedCallee {
    /// Its last caller IDs, most recent first.
    #[serde(default)]
    pub recent: Vec<RecentUse>,
    /// Its sticky binding, if one lasts.
    #[serde(default)]
    pub sticky: Option<StickyBinding>,
}

/// A delta to apply at the shared store, with the conditions it is
/// applied under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commit {
    /// Unique per commit (dialer id and sequence): a commit sent again is
    /// applied once.
    pub id: String,
    /// The pick's delta (`cap`, `hourly_cap`, `day`, `hour` and the callee
    /// part are the conditions and the effects).
    pub delta: PickDelta,
    /// Rotate mode: refuse when the member is among the callee's last
    /// `last_calls` caller IDs (0: no count rule).
    pub last_calls: u32,
    /// Rotate mode: refuse when the member called the callee less than this
    /// many seconds before the delta's time (0: no time rule).
    pub within_seconds: i64,
    /// Keep this many of the callee's caller IDs.
    pub keep: u32,
    /// Forget the callee's history this many seconds after its last call
    /// (None: keep until trimmed).
    pub history_ttl_seconds: Option<u32>,
}

/// What the shared store did with a [`Commit`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum CommitOutcome {
    /// Applied now.
    Applied,
    /// Applied before (the same id): nothing changed.
    Duplicate,
    /// Refused: the day's count is at the cap.
    OverCap {
        /// The authoritative count.
        calls_today: u32,
    },
    /// Refused: the hour's count is at the hourly cap.
    OverHourlyCap {
        /// The authoritative count.
        calls_this_hour: u32,
    },
    /// Refused: the callee saw this member inside its rotation window.
    CalleeFatigue {
        /// The store's history of the callee, most recent first.
        recent: Vec<RecentUse>,
    },
}

/// Deltas committed after a cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feed {
    /// `(commit id, delta)`, in commit order.
    pub deltas: Vec<(String, PickDelta)>,
    /// Where the next read starts.
    pub cursor: String,
}

/// The port for pool state shared by several dialers: the host implements
/// it over Redis, Postgres, or any store with atomic conditional updates.
/// Errors are `store_error` (the store is unreachable), and the dialer
/// passes them on.
pub trait SharedPoolState {
    /// What the store knows of `callee` in `campaign`.
    fn callee(
        &self,
        campaign: &CampaignId,
        callee: &E164,
    ) -> impl Future<Output = Result<SharedCallee>> + MaybeSend;

    /// Applies `commit` atomically if its conditions hold (see
    /// [`Commit`]): increments the day's and the hour's counts, pushes the
    /// callee's caller ID (trimmed to `keep`, expiring after the TTL), sets
    /// the sticky binding for its TTL, appends the delta to the feed and
    /// marks the id applied. All or nothing.
    fn commit(
        &self,
        campaign: &CampaignId,
        commit: &Commit,
    ) -> impl Future<Output = Result<CommitOutcome>> + MaybeSend;

    /// The deltas committed after `cursor` (`""`: from the start), at most
    /// `limit`.
    fn feed(
        &self,
        campaign: &CampaignId,
        cursor: &str,
        limit: usize,
    ) -> impl Future<Output = Result<Feed>> + MaybeSend;
}

/// How many refused commits a pick retries before it answers
/// `no_eligible_number` (each refusal teaches the replica something).
pub const MAX_COMMIT_ATTEMPTS: usize = 16;

/// A dialer on a shared pool: its replica, its identity and where it is in
/// the feed. [`SharedDialer::pick`] is the whole call path.
#[derive(Debug, Clone)]
pub struct SharedDialer {
    pool: CallerIdPool,
    dialer: String,
    seq: u64,
    cursor: String,
    /// A commit whose answer was lost (the store failed): sent again, with
    /// its id, before anything else.
    pending: Option<Commit>,
}

/// What [`SharedDialer::pick`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dialed {
    /// Committed: place the call.
    Call(Pick),
    /// An earlier commit whose answer was lost turned out applied (or was
    /// applied now): it counts, but its call was not placed. Pick again.
    Recovered(PickDelta),
}

impl SharedDialer {
    /// A dialer named `dialer` (unique among the dialers of the campaign:
    /// it prefixes commit ids) over a replica of the pool.
    pub fn new(pool: CallerIdPool, dialer: impl Into<String>) -> Result<SharedDialer> {
        let dialer = dialer.into();
        if dialer.is_empty() || dialer.contains(':') || dialer.len() > 64 {
            return Err(Error::invalid_input(
                "a dialer name is 1 to 64 bytes without ':'",
            ));
        }
        Ok(SharedDialer {
            pool,
            dialer,
            seq: 0,
            cursor: String::new(),
            pending: None,
        })
    }

    /// The replica.
    pub fn pool(&self) -> &CallerIdPool {
        &self.pool
    }

    /// Applies the deltas other dialers committed since the last sync.
    /// Returns how many.
    pub async fn sync<S: SharedPoolState>(&mut self, state: &S) -> Result<usize> {
        let campaign = self.pool.spec().campaign_id.clone();
        let own = format!("{}:", self.dialer);
        let mut applied = 0;
        loop {
            let feed = state.feed(&campaign, &self.cursor, 1000).await?;
            let n = feed.deltas.len();
            for (id, delta) in &feed.deltas {
                if !id.starts_with(&own) {
                    // A member removed from this replica's spec is not an
                    // error: its deltas no longer matter here.
                    if self.pool.apply(delta).is_ok() {
                        applied += 1;
                    }
                }
            }
            self.cursor = feed.cursor;
            if n < 1000 {
                return Ok(applied);
            }
        }
    }

    fn rule(&self) -> (u32, i64, Option<u32>) {
        let p = &self.pool.spec().policy;
        match p.callee_mode {
            CalleeMode::Rotate {
                last_calls,
                within_seconds,
            } => (last_calls, within_seconds, p.callee_ttl()),
            _ => (0, 0, p.callee_ttl()),
        }
    }

    /// Picks a caller ID for `callee` at `now` and commits it at the
    /// shared store: sync the feed, read the store's history of the
    /// callee, pick, commit; on a refusal learn the store's count or
    /// history and pick again.
    ///
    /// # Errors
    /// `store_error` when the store fails (the commit is kept and sent
    /// again by the next call, so it is counted once);
    /// `no_eligible_number` when nothing may call the callee.
    pub async fn pick<S: SharedPoolState>(
        &mut self,
        state: &S,
        callee: &E164,
        now: DateTime<Utc>,
    ) -> Result<Dialed> {
        let campaign = self.pool.spec().campaign_id.clone();
        if let Some(pending) = self.pending.clone() {
            match state.commit(&campaign, &pending).await? {
                CommitOutcome::Applied | CommitOutcome::Duplicate => {
                    self.pending = None;
                    let _ = self.pool.apply(&pending.delta);
                    return Ok(Dialed::Recovered(pending.delta));
                }
                _ => self.pending = None, // refused: it never counted
            }
        }
        self.sync(state).await?;
        let known = state.callee(&campaign, callee).await?;
        let mut c = Callee::new(*callee);
        c.recent = known.recent;
        c.sticky = known.sticky;
        let (last_calls, within_seconds, ttl) = self.rule();
        let keep = self.pool.spec().policy.remember_uses;
        for _ in 0..MAX_COMMIT_ATTEMPTS {
            let pick = self.pool.pick(&c, now)?;
            self.seq += 1;
            let commit = Commit {
                id: format!("{}:{}", self.dialer, self.seq),
                delta: pick.delta.clone(),
                last_calls,
                within_seconds,
                keep,
                history_ttl_seconds: ttl,
            };
            self.pending = Some(commit.clone());
            let outcome = state.commit(&campaign, &commit).await?;
            self.pending = None;
            match outcome {
                CommitOutcome::Applied | CommitOutcome::Duplicate => {
                    self.pool.apply(&pick.delta)?;
                    return Ok(Dialed::Call(pick));
                }
                CommitOutcome::OverCap { calls_today } => {
                    self.pool
                        .set_calls_today(&pick.number_id, pick.delta.day, calls_today)?;
                }
                CommitOutcome::OverHourlyCap { calls_this_hour } => {
                    self.pool.set_calls_this_hour(
                        &pick.number_id,
                        pick.delta.day,
                        pick.delta.hour,
                        calls_this_hour,
                    )?;
                }
                CommitOutcome::CalleeFatigue { recent } => {
                    // Another dialer called this callee meanwhile.
                    self.sync(state).await?;
                    c.recent = recent;
                }
            }
        }
        Err(Error::NoEligibleNumber {
            excluded: Default::default(),
            tiers: vec![],
        })
    }
}

/// [`SharedPoolState`] in memory, for tests and single-process hosts: the
/// semantics a distributed implementation must have, in one mutex.
#[derive(Debug, Default)]
pub struct MemoryPoolState {
    inner: std::sync::Mutex<MemoryState>,
}

#[derive(Debug, Default)]
struct MemoryState {
    counts: std::collections::HashMap<(String, String, chrono::NaiveDate), u32>,
    hours: std::collections::HashMap<(String, String, chrono::NaiveDate, u8), u32>,
    history: std::collections::HashMap<(String, E164), Vec<RecentUse>>,
    sticky: std::collections::HashMap<(String, E164), StickyBinding>,
    applied: std::collections::HashSet<String>,
    feed: std::collections::HashMap<String, Vec<(String, PickDelta)>>,
}

impl MemoryPoolState {
    /// An empty state.
    pub fn new() -> MemoryPoolState {
        MemoryPoolState::default()
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, MemoryState>> {
        self.inner.lock().map_err(|_| Error::Store {
            message: "pool state lock poisoned".into(),
        })
    }

    /// The day's count of a member, as the store has it.
    pub fn calls_on(&self, campaign: &CampaignId, number_id: &str, day: chrono::NaiveDate) -> u32 {
        self.lock().map_or(0, |s| {
            s.counts
                .get(&(campaign.as_str().to_string(), number_id.to_string(), day))
                .copied()
                .unwrap_or(0)
        })
    }
}

impl SharedPoolState for MemoryPoolState {
    fn callee(
        &self,
        campaign: &CampaignId,
        callee: &E164,
    ) -> impl Future<Output = Result<SharedCallee>> + MaybeSend {
        let key = (campaign.as_str().to_string(), *callee);
        let r = self.lock().map(|s| SharedCallee {
            recent: s.history.get(&key).cloned().unwrap_or_default(),
            sticky: s.sticky.get(&key).cloned(),
        });
        async move { r }
    }

    fn commit(
        &self,
        campaign: &CampaignId,
        commit: &Commit,
    ) -> impl Future<Output = Result<CommitOutcome>> + MaybeSend {
        let r = self.lock().map(|mut s| {
            let c = campaign.as_str().to_string();
            let d = &commit.delta;
            if s.applied.contains(&commit.id) {
                return CommitOutcome::Duplicate;
            }
            let member = d.number_id.as_str().to_string();
            let day_key = (c.clone(), member.clone(), d.day);
            let hour_key = (c.clone(), member.clone(), d.day, d.hour);
            let today = s.counts.get(&day_key).copied().unwrap_or(0);
            if d.cap.is_some_and(|cap| today >= cap) {
                return CommitOutcome::OverCap { calls_today: today };
            }
            let hour = s.hours.get(&hour_key).copied().unwrap_or(0);
            if d.hourly_cap.is_some_and(|cap| hour >= cap) {
                return CommitOutcome::OverHourlyCap {
                    calls_this_hour: hour,
                };
            }
            let ckey = (c.clone(), d.callee);
            let recent = s.history.get(&ckey).cloned().unwrap_or_default();
            let tired = recent.iter().enumerate().any(|(i, r)| {
                r.number_id == d.callee_recent.number_id
                    && ((i as u32) < commit.last_calls
                        || (d.last_used_at - r.at).num_seconds() < commit.within_seconds)
            });
            if tired {
                return CommitOutcome::CalleeFatigue { recent };
            }
            s.counts.insert(day_key, today + d.increment_calls_today);
            s.hours.insert(hour_key, hour + d.increment_calls_today);
            let h = s.history.entry(ckey.clone()).or_default();
            h.insert(0, d.callee_recent.clone());
            h.truncate(commit.keep.max(1) as usize);
            if let Some(b) = &d.sticky {
                s.sticky.insert(ckey, b.clone());
            }
            s.applied.insert(commit.id.clone());
            s.feed
                .entry(c)
                .or_default()
                .push((commit.id.clone(), d.clone()));
            CommitOutcome::Applied
        });
        async move { r }
    }

    fn feed(
        &self,
        campaign: &CampaignId,
        cursor: &str,
        limit: usize,
    ) -> impl Future<Output = Result<Feed>> + MaybeSend {
        let from: usize = cursor.parse().unwrap_or(0);
        let r = self.lock().map(|s| {
            let all = s.feed.get(campaign.as_str()).map_or(&[][..], |v| &v[..]);
            let part: Vec<_> = all.iter().skip(from).take(limit).cloned().collect();
            Feed {
                cursor: (from + part.len()).to_string(),
                deltas: part,
            }
        });
        async move { r }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::block_on;
    use crate::pool::tests::member;
    use crate::pool::{PoolPolicy, PoolSpec};
    use crate::TenantId;
    use chrono::{Duration, TimeZone};
    use std::collections::HashMap;

    /// Four dialers share a pool through the store, interleaved so that
    /// each sees the others' calls only through the feed: no cap overrun,
    /// shares follow the weights, no callee sees a caller ID again inside
    /// its window, and each commit counts once.
    #[test]
    fn four_dialers_share_one_pool() {
        let members = vec![
            member("a", "+12125550101", 3),
            member("b", "+12125550102", 2),
            member("c", "+12125550103", 1),
            member("d", "+12125550104", 1),
        ];
        let spec = |cap| PoolSpec {
            campaign_id: CampaignId::new("camp").unwrap(),
            tenant: TenantId::new("acme").unwrap(),
            members: members.clone(),
            policy: PoolPolicy {
                daily_cap: cap,
                // One call back: a share up to 1/2 is possible for each
                // callee (with 2 back no member could take over 1/3).
                callee_mode: CalleeMode::Rotate {
                    last_calls: 1,
                    within_seconds: 0,
                },
                ..PoolPolicy::default()
            },
        };
        let state = MemoryPoolState::new();
        let mut dialers: Vec<SharedDialer> = (0..4)
            .map(|k| {
                SharedDialer::new(CallerIdPool::new(spec(None)).unwrap(), format!("d{k}")).unwrap()
            })
            .collect();
        let start = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
        let mut got: HashMap<String, usize> = HashMap::new();
        let mut seen: HashMap<E164, Vec<String>> = HashMap::new();
        for i in 0..2800 {
            let callee = E164::from_canonical(&format!("+1212555{:04}", 7000 + i % 1000)).unwrap();
            let d = &mut dialers[i % 4];
            let now = start + Duration::seconds(i as i64);
            match block_on(d.pick(&state, &callee, now)).unwrap() {
                Dialed::Call(p) => {
                    *got.entry(p.number_id.as_str().into()).or_default() += 1;
                    seen.entry(callee)
                        .or_default()
                        .push(p.number_id.as_str().into());
                }
                Dialed::Recovered(_) => unreachable!("the store never failed"),
            }
        }
        for (id, w) in [("a", 3.0), ("b", 2.0), ("c", 1.0), ("d", 1.0)] {
            let share = got[id] as f64 / 2800.0;
            assert!((share - w / 7.0).abs() < 0.01, "{id}: {share}");
        }
        for (callee, ids) in &seen {
            for w in ids.windows(2) {
                assert_ne!(w[0], w[1], "{callee}: {ids:?}");
            }
        }
        // With a cap the store holds it, whatever the replicas believe.
        let state = MemoryPoolState::new();
        let mut dialers: Vec<SharedDialer> = (0..4)
            .map(|k| {
                SharedDialer::new(CallerIdPool::new(spec(Some(30))).unwrap(), format!("d{k}"))
                    .unwrap()
            })
            .collect();
        let mut placed = 0;
        for i in 0..200 {
            let callee = E164::from_canonical(&format!("+1212555{:04}", 8000 + i)).unwrap();
            let now = start + Duration::seconds(i as i64);
            match block_on(dialers[i % 4].pick(&state, &callee, now)) {
                Ok(Dialed::Call(_)) => placed += 1,
                Ok(Dialed::Recovered(_)) => unreachable!(),
                Err(e) => assert_eq!(e.code(), "no_eligible_number"),
            }
        }
        assert_eq!(placed, 120, "four members with a cap of 30");
        let camp = CampaignId::new("camp").unwrap();
        for m in ["a", "b", "c", "d"] {
            assert_eq!(state.calls_on(&camp, m, start.date_naive()), 30);
        }
    }

    /// A store that fails after applying (the answer is lost): the next
    /// pick sends the same commit again, and it counts once.
    #[test]
    fn a_commit_whose_answer_was_lost_counts_once() {
        struct Flaky {
            inner: MemoryPoolState,
            fail_next: std::sync::atomic::AtomicBool,
        }
        impl SharedPoolState for Flaky {
            fn callee(
                &self,
                c: &CampaignId,
                e: &E164,
            ) -> impl Future<Output = Result<SharedCallee>> + MaybeSend {
                self.inner.callee(c, e)
            }
            fn commit(
                &self,
                c: &CampaignId,
                k: &Commit,
            ) -> impl Future<Output = Result<CommitOutcome>> + MaybeSend {
                let r = block_on(self.inner.commit(c, k));
                let fail = self
                    .fail_next
                    .swap(false, std::sync::atomic::Ordering::SeqCst);
                async move {
                    if fail {
                        Err(Error::Store {
                            message: "connection reset".into(),
                        })
                    } else {
                        r
                    }
                }
            }
            fn feed(
                &self,
                c: &CampaignId,
                cur: &str,
                n: usize,
            ) -> impl Future<Output = Result<Feed>> + MaybeSend {
                self.inner.feed(c, cur, n)
            }
        }
        let spec = PoolSpec {
            campaign_id: CampaignId::new("camp").unwrap(),
            tenant: TenantId::new("acme").unwrap(),
            members: vec![member("a", "+12125550101", 1)],
            policy: PoolPolicy {
                callee_mode: CalleeMode::Off,
                ..PoolPolicy::default()
            },
        };
        let state = Flaky {
            inner: MemoryPoolState::new(),
            fail_next: true.into(),
        };
        let mut d = SharedDialer::new(CallerIdPool::new(spec).unwrap(), "d1").unwrap();
        let callee = E164::from_canonical("+12125559999").unwrap();
        let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
        assert_eq!(
            block_on(d.pick(&state, &callee, now)).unwrap_err().code(),
            "store_error"
        );
        assert!(matches!(
            block_on(d.pick(&state, &callee, now)).unwrap(),
            Dialed::Recovered(_)
        ));
        assert!(matches!(
            block_on(d.pick(&state, &callee, now)).unwrap(),
            Dialed::Call(_)
        ));
        let camp = CampaignId::new("camp").unwrap();
        assert_eq!(state.inner.calls_on(&camp, "a", now.date_naive()), 2);
        assert_eq!(
            d.pool()
                .usage()
                .members
                .values()
                .next()
                .unwrap()
                .calls_today,
            2
        );
    }
}
