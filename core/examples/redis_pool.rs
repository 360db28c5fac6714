//! Caller-ID pools shared by several dialer processes through Redis: an
//! implementation of `telnum::pool::shared::SharedPoolState` on the `redis`
//! crate (tokio, a `ConnectionManager` that reconnects by itself) with one
//! Lua script for the atomic, conditional commit.
//!
//! ```text
//! cargo run --example redis_pool -- dialer --url redis://127.0.0.1:6379 --name d1 --picks 5000
//! cargo run --example redis_pool -- check --url redis://127.0.0.1:6379 --dialers 4 --picks 5000
//! ```
//!
//! `dialer` places `--picks` calls on the campaign `fair` (six members,
//! weights 3:2:2:1:1:1, no cap, rotate mode one call back) and a third as
//! many on `capped` (four members, 200 calls a day each), retrying through
//! store failures, and leaves its summary in Redis. `check` verifies what
//! the dialers did: no cap overrun, shares within 1% of the weights, no
//! callee given the same caller ID twice in a row, every commit counted
//! once. `tests/run` runs four dialers against a Redis it starts on
//! loopback, restarts Redis in the middle of the run, then runs `check`.
//!
//! Keys, per campaign `c` (the `{c}` hash tag keeps a campaign on one
//! cluster slot): `tn:{c}:calls:<member>:<day>` and `…:<day>:<hour>`
//! (counts), `tn:{c}:hist:<callee>` (caller IDs, most recent first, trimmed
//! and expiring), `tn:{c}:sticky:<callee>`, `tn:{c}:applied` (commit ids),
//! `tn:{c}:feed` (a stream of deltas), `tn:{c}:log` (every call, for
//! `check`).

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, TimeZone, Utc};
use redis::aio::ConnectionManager;
use redis::AsyncCommands;
use telnum::pool::shared::{
    Commit, CommitOutcome, Dialed, Feed, SharedCallee, SharedDialer, SharedPoolState,
};
use telnum::pool::{CalleeMode, MemberStatus, PoolPolicy, RecentUse, StickyBinding};
use telnum::ports::MaybeSend;
use telnum::{
    CallerIdPool, CampaignId, Country, Error, Member, NumberId, PoolSpec, TenantId, E164,
};

/// The commit: refuse on a duplicate id, a cap, or the callee rule; else
/// count, remember the callee, set the sticky binding, append to the feed.
const COMMIT: &str = r#"
-- KEYS: 1 day count, 2 hour count, 3 callee history, 4 sticky, 5 applied ids, 6 feed, 7 log
-- ARGV: 1 id, 2 member, 3 cap, 4 hourly cap, 5 last_calls, 6 within_ms, 7 now_ms,
--       8 keep, 9 history ttl_ms, 10 sticky until_ms, 11 delta json, 12 callee, 13 increment
if redis.call('SISMEMBER', KEYS[5], ARGV[1]) == 1 then return {'duplicate'} end
local day = tonumber(redis.call('GET', KEYS[1]) or '0')
if ARGV[3] ~= '' and day >= tonumber(ARGV[3]) then return {'over_cap', tostring(day)} end
local hour = tonumber(redis.call('GET', KEYS[2]) or '0')
if ARGV[4] ~= '' and hour >= tonumber(ARGV[4]) then return {'over_hourly_cap', tostring(hour)} end
local hist = redis.call('LRANGE', KEYS[3], 0, -1)
local last, within, now = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
for i, e in ipairs(hist) do
  local m, at = string.match(e, '^(.*)|(%-?%d+)$')
  if m == ARGV[2] and (i <= last or now - tonumber(at) < within) then
    local out = {'callee_fatigue'}
    for _, h in ipairs(hist) do table.insert(out, h) end
    return out
  end
end
local inc = tonumber(ARGV[13])
redis.call('INCRBY', KEYS[1], inc)
redis.call('EXPIRE', KEYS[1], 259200)
redis.call('INCRBY', KEYS[2], inc)
redis.call('EXPIRE', KEYS[2], 259200)
redis.call('LPUSH', KEYS[3], ARGV[2] .. '|' .. ARGV[7])
redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[8]) - 1)
if ARGV[9] ~= '' then redis.call('PEXPIRE', KEYS[3], ARGV[9]) end
if ARGV[10] ~= '' then
  local ttl = tonumber(ARGV[10]) - now
  if ttl > 0 then redis.call('SET', KEYS[4], ARGV[2] .. '|' .. ARGV[10], 'PX', ttl) end
end
redis.call('SADD', KEYS[5], ARGV[1])
redis.call('XADD', KEYS[6], '*', 'id', ARGV[1], 'delta', ARGV[11])
redis.call('RPUSH', KEYS[7], ARGV[12] .. '|' .. ARGV[2])
return {'applied'}
"#;

/// `SharedPoolState` over Redis.
#[derive(Clone)]
struct RedisPoolState {
    con: ConnectionManager,
    commit: redis::Script,
}

fn store_error(e: redis::RedisError) -> Error {
    Error::Store {
        message: format!("redis: {e}"),
    }
}

fn key(c: &CampaignId, rest: &str) -> String {
    format!("tn:{{{}}}:{rest}", c.as_str())
}

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn use_of(entry: &str) -> Option<RecentUse> {
    let (member, at) = entry.rsplit_once('|')?;
    Some(RecentUse {
        number_id: NumberId::new(member).ok()?,
        at: DateTime::from_timestamp_millis(at.parse().ok()?)?,
    })
}

impl RedisPoolState {
    async fn open(url: &str) -> Result<RedisPoolState, Error> {
        let client = redis::Client::open(url).map_err(store_error)?;
        let con = ConnectionManager::new(client).await.map_err(store_error)?;
        Ok(RedisPoolState {
            con,
            commit: redis::Script::new(COMMIT),
        })
    }
}

impl SharedPoolState for RedisPoolState {
    fn callee(
        &self,
        campaign: &CampaignId,
        callee: &E164,
    ) -> impl Future<Output = telnum::Result<SharedCallee>> + MaybeSend {
        let mut con = self.con.clone();
        let hist = key(campaign, &format!("hist:{callee}"));
        let sticky = key(campaign, &format!("sticky:{callee}"));
        async move {
            let (entries, bound): (Vec<String>, Option<String>) = redis::pipe()
                .lrange(&hist, 0, -1)
                .get(&sticky)
                .query_async(&mut con)
                .await
                .map_err(store_error)?;
            Ok(SharedCallee {
                recent: entries.iter().filter_map(|e| use_of(e)).collect(),
                sticky: bound.as_deref().and_then(use_of).map(|u| StickyBinding {
                    number_id: u.number_id,
                    until: u.at,
                }),
            })
        }
    }

    fn commit(
        &self,
        campaign: &CampaignId,
        commit: &Commit,
    ) -> impl Future<Output = telnum::Result<CommitOutcome>> + MaybeSend {
        let mut con = self.con.clone();
        let d = &commit.delta;
        let member = d.number_id.as_str().to_string();
        let mut inv = self.commit.prepare_invoke();
        inv.key(key(campaign, &format!("calls:{member}:{}", d.day)))
            .key(key(
                campaign,
                &format!("calls:{member}:{}:{}", d.day, d.hour),
            ))
            .key(key(campaign, &format!("hist:{}", d.callee)))
            .key(key(campaign, &format!("sticky:{}", d.callee)))
            .key(key(campaign, "applied"))
            .key(key(campaign, "feed"))
            .key(key(campaign, "log"))
            .arg(&commit.id)
            .arg(&member)
            .arg(d.cap.map(|c| c.to_string()).unwrap_or_default())
            .arg(d.hourly_cap.map(|c| c.to_string()).unwrap_or_default())
            .arg(commit.last_calls)
            .arg(commit.within_seconds.saturating_mul(1000))
            .arg(ms(d.last_used_at))
            .arg(commit.keep.max(1))
            .arg(
                commit
                    .history_ttl_seconds
                    .map(|s| (i64::from(s) * 1000).to_string())
                    .unwrap_or_default(),
            )
            .arg(
                d.sticky
                    .as_ref()
                    .map(|s| ms(s.until).to_string())
                    .unwrap_or_default(),
            )
            .arg(serde_json::to_string(d).unwrap_or_default())
            .arg(d.callee.as_str())
            .arg(d.increment_calls_today);
        async move {
            let reply: Vec<String> = inv.invoke_async(&mut con).await.map_err(store_error)?;
            let count = |i: usize| reply.get(i).and_then(|v| v.parse().ok()).unwrap_or(0);
            match reply.first().map(String::as_str) {
                Some("applied") => Ok(CommitOutcome::Applied),
                Some("duplicate") => Ok(CommitOutcome::Duplicate),
                Some("over_cap") => Ok(CommitOutcome::OverCap {
                    calls_today: count(1),
                }),
                Some("over_hourly_cap") => Ok(CommitOutcome::OverHourlyCap {
                    calls_this_hour: count(1),
                }),
                Some("callee_fatigue") => Ok(CommitOutcome::CalleeFatigue {
                    recent: reply[1..].iter().filter_map(|e| use_of(e)).collect(),
                }),
                other => Err(Error::Store {
                    message: format!("unexpected commit reply {other:?}"),
                }),
            }
        }
    }

    fn feed(
        &self,
        campaign: &CampaignId,
        cursor: &str,
        limit: usize,
    ) -> impl Future<Output = telnum::Result<Feed>> + MaybeSend {
        let mut con = self.con.clone();
        let stream = key(campaign, "feed");
        let start = if cursor.is_empty() {
            "-".to_string()
        } else {
            format!("({cursor}")
        };
        let cursor = cursor.to_string();
        async move {
            let entries: Vec<(String, Vec<String>)> = redis::cmd("XRANGE")
                .arg(&stream)
                .arg(&start)
                .arg("+")
                .arg("COUNT")
                .arg(limit)
                .query_async(&mut con)
                .await
                .map_err(store_error)?;
            let mut feed = Feed {
                deltas: Vec::with_capacity(entries.len()),
                cursor,
            };
            for (entry, fields) in entries {
                let field = |name: &str| {
                    fields
                        .chunks(2)
                        .find(|kv| kv[0] == name)
                        .and_then(|kv| kv.get(1).cloned())
                };
                let (Some(id), Some(delta)) = (field("id"), field("delta")) else {
                    return Err(Error::Store {
                        message: format!("feed entry {entry} without id or delta"),
                    });
                };
                let delta = serde_json::from_str(&delta).map_err(|e| Error::Store {
                    message: format!("feed entry {entry}: {e}"),
                })?;
                feed.deltas.push((id, delta));
                feed.cursor = entry;
            }
            Ok(feed)
        }
    }
}

// ------------------------------------------------------------ the scenario

const FAIR_WEIGHTS: [u32; 6] = [3, 2, 2, 1, 1, 1];
const CAPPED_MEMBERS: usize = 4;
const CAP: u32 = 200;
const CALLEES: usize = 2_000;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap()
}

fn spec(campaign: &str, weights: &[u32], cap: Option<u32>) -> PoolSpec {
    let members = weights
        .iter()
        .enumerate()
        .map(|(i, w)| Member {
            number_id: NumberId::new(format!("{campaign}_{i}")).unwrap(),
            e164: E164::from_canonical(&format!("+1212555{:04}", 100 + i)).unwrap(),
            country: Country::new("US").unwrap(),
            weight: *w,
            status: MemberStatus::Active,
            added_at: start() - Duration::days(60),
            warm_up: false,
            number_active: true,
            allow_outbound: true,
            allowed_outbound_countries: vec![],
        })
        .collect();
    PoolSpec {
        campaign_id: CampaignId::new(campaign).unwrap(),
        tenant: TenantId::new("acme").unwrap(),
        members,
        policy: PoolPolicy {
            daily_cap: cap,
            callee_mode: CalleeMode::Rotate {
                last_calls: 1,
                within_seconds: 0,
            },
            ..PoolPolicy::default()
        },
    }
}

fn callee(i: usize) -> E164 {
    E164::from_canonical(&format!("+1646{:07}", 2_000_000 + i % CALLEES)).unwrap()
}

#[derive(Default, Debug)]
struct Tally {
    calls: u64,
    recovered: u64,
    exhausted: u64,
}

/// Places `picks` calls, riding out store failures: a failed pick is tried
/// again (its commit, if it was sent, is resent with its id first).
async fn dial(
    state: &RedisPoolState,
    d: &mut SharedDialer,
    name: &str,
    picks: usize,
    errors: &mut BTreeMap<String, u64>,
) -> Tally {
    let mut t = Tally::default();
    let mut i = 0;
    let salt = name.bytes().map(usize::from).sum::<usize>() * 7919;
    while i < picks {
        let now = start() + Duration::milliseconds(i as i64 * 500);
        match d.pick(state, &callee(salt + i * 13), now).await {
            Ok(Dialed::Call(_)) => {
                t.calls += 1;
                i += 1;
            }
            Ok(Dialed::Recovered(_)) => t.recovered += 1,
            Err(e) if e.code() == "no_eligible_number" => {
                t.exhausted += 1;
                i += 1;
            }
            Err(e) => {
                *errors.entry(e.code().to_string()).or_default() += 1;
                tokio::time::sleep(StdDuration::from_millis(50)).await;
            }
        }
    }
    t
}

async fn dialer(url: &str, name: &str, picks: usize) -> Result<(), Error> {
    let state = RedisPoolState::open(url).await?;
    let mut fair = SharedDialer::new(CallerIdPool::new(spec("fair", &FAIR_WEIGHTS, None))?, name)?;
    let mut capped = SharedDialer::new(
        CallerIdPool::new(spec("capped", &[1; CAPPED_MEMBERS], Some(CAP)))?,
        name,
    )?;
    let mut errors = BTreeMap::new();
    let f = dial(&state, &mut fair, name, picks, &mut errors).await;
    let c = dial(&state, &mut capped, name, picks / 3, &mut errors).await;
    let summary = serde_json::json!({
        "fair": {"calls": f.calls, "recovered": f.recovered, "exhausted": f.exhausted},
        "capped": {"calls": c.calls, "recovered": c.recovered, "exhausted": c.exhausted},
        "errors": errors,
    });
    println!("{name}: {summary}");
    let mut con = state.con.clone();
    // Written until it lands (Redis may be restarting).
    loop {
        let r: redis::RedisResult<()> = con.hset("tn:summaries", name, summary.to_string()).await;
        if r.is_ok() {
            return Ok(());
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
}

fn fail(msg: String) -> Error {
    Error::invalid_input(msg)
}

async fn check(url: &str, dialers: usize, picks: usize) -> Result<(), Error> {
    let state = RedisPoolState::open(url).await?;
    let mut con = state.con.clone();
    let summaries: HashMap<String, String> =
        con.hgetall("tn:summaries").await.map_err(store_error)?;
    if summaries.len() != dialers {
        return Err(fail(format!(
            "{} of {dialers} dialers reported",
            summaries.len()
        )));
    }
    let mut errors: BTreeMap<String, u64> = BTreeMap::new();
    let mut reported: HashMap<&str, u64> = HashMap::new();
    for s in summaries.values() {
        let v: serde_json::Value = serde_json::from_str(s).map_err(|e| fail(e.to_string()))?;
        for c in ["fair", "capped"] {
            *reported.entry(c).or_default() +=
                v[c]["calls"].as_u64().unwrap_or(0) + v[c]["recovered"].as_u64().unwrap_or(0);
        }
        for (code, n) in v["errors"].as_object().into_iter().flatten() {
            *errors.entry(code.clone()).or_default() += n.as_u64().unwrap_or(0);
        }
    }
    let day = start().date_naive();
    for (campaign, weights, cap) in [
        ("fair", &FAIR_WEIGHTS[..], None),
        ("capped", &[1; CAPPED_MEMBERS][..], Some(CAP)),
    ] {
        let c = CampaignId::new(campaign)?;
        let applied: u64 = con.scard(key(&c, "applied")).await.map_err(store_error)?;
        let mut counts = Vec::new();
        for i in 0..weights.len() {
            let n: Option<u64> = con
                .get(key(&c, &format!("calls:{campaign}_{i}:{day}")))
                .await
                .map_err(store_error)?;
            counts.push(n.unwrap_or(0));
        }
        let total: u64 = counts.iter().sum();
        let log: Vec<String> = con
            .lrange(key(&c, "log"), 0, -1)
            .await
            .map_err(store_error)?;
        println!(
            "{campaign}: {applied} commits applied, {total} counted, {} logged, {} reported by the dialers; per member {counts:?}",
            log.len(),
            reported[campaign]
        );
        if total != applied || log.len() as u64 != applied || reported[campaign] != applied {
            return Err(fail(format!(
                "{campaign}: a commit was counted twice or lost"
            )));
        }
        if let Some(cap) = cap {
            if let Some(over) = counts.iter().find(|n| **n > u64::from(cap)) {
                return Err(fail(format!(
                    "{campaign}: {over} calls over the cap of {cap}"
                )));
            }
            println!("{campaign}: 0 cap overruns (cap {cap})");
        } else {
            let wsum: u32 = weights.iter().sum();
            for (i, (n, w)) in counts.iter().zip(weights).enumerate() {
                let share = *n as f64 / total as f64;
                let want = f64::from(*w) / f64::from(wsum);
                println!("  member {i}: share {share:.4}, weight share {want:.4}");
                if (share - want).abs() > 0.01 {
                    return Err(fail(format!("{campaign}: member {i} off its weight share")));
                }
            }
            if total < (dialers * picks) as u64 {
                return Err(fail(format!("{campaign}: only {total} calls placed")));
            }
        }
        let mut by_callee: HashMap<&str, Vec<&str>> = HashMap::new();
        for e in &log {
            if let Some((callee, member)) = e.split_once('|') {
                by_callee.entry(callee).or_default().push(member);
            }
        }
        for (callee, members) in &by_callee {
            if let Some(w) = members.windows(2).find(|w| w[0] == w[1]) {
                return Err(fail(format!(
                    "{campaign}: {callee} got {} twice in a row",
                    w[0]
                )));
            }
        }
        println!(
            "{campaign}: {} callees, none given a caller ID again inside its window",
            by_callee.len()
        );
    }
    println!("errors the dialers rode out: {errors:?}");
    if errors.keys().any(|c| c != "store_error") {
        return Err(fail("an error other than store_error".into()));
    }
    Ok(())
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let url = arg(&args, "--url").unwrap_or_else(|| "redis://127.0.0.1:6379".into());
    let picks: usize = arg(&args, "--picks")
        .and_then(|p| p.parse().ok())
        .unwrap_or(5_000);
    let r = match args.first().map(String::as_str) {
        Some("dialer") => {
            let name = arg(&args, "--name").unwrap_or_else(|| "d1".into());
            dialer(&url, &name, picks).await
        }
        Some("check") => {
            let n = arg(&args, "--dialers")
                .and_then(|p| p.parse().ok())
                .unwrap_or(4);
            check(&url, n, picks).await
        }
        _ => {
            eprintln!(
                "usage: redis_pool dialer|check --url URL [--name N] [--picks N] [--dialers N]"
            );
            std::process::exit(2);
        }
    };
    if let Err(e) = r {
        eprintln!("redis_pool: {} ({})", e, e.code());
        std::process::exit(1);
    }
}
