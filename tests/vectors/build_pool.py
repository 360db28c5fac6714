#!/usr/bin/env python3
"""Writes tests/vectors/pool.json: caller-ID pool scenarios (same format as
lifecycle.json; see build_lifecycle.py). Expectations follow the pool rules
in the pools issue and telnum's documented rotation (stride scheduling:
each member's next turn is its pass plus its stride, the earliest turn
first, ties to the earlier member; a member coming back into rotation
starts at the current position), not output copied from telnum.

    python3 tests/vectors/build_pool.py > tests/vectors/pool.json
"""
import json

NOW = "2026-06-01T14:00:00Z"


def at(h, m=0, day=1):
    return "2026-06-%02dT%02d:%02d:00Z" % (day, h, m)


def member(nid, e164, weight=1, country="US", **over):
    m = {"number_id": nid, "e164": e164, "country": country, "weight": weight,
         "added_at": "2026-03-01T00:00:00Z"}
    m.update(over)
    return m


def pool(members, **policy):
    return {"campaign_id": "camp_1", "tenant": "acme", "members": members, "policy": policy}


OFF = {"mode": "off"}


def pick(callee, now=NOW, expect=None, **callee_extra):
    c = {"e164": callee}
    c.update(callee_extra)
    return {"op": "snapshot_pick", "use": ["pool", "usage"], "args": {"callee": c, "now": now},
            "save": {"usage": "usage"}, "expect": expect}


def picked(nid, tier=None, **delta):
    p = {"number_id": nid}
    if tier:
        p["tier"] = tier
    if delta:
        p["delta"] = delta
    return {"ok": {"pick": p}}


def outcome(nid, answered, now=NOW, **flags):
    o = {"number_id": nid, "answered": answered, "at": now}
    o.update(flags)
    return o


S = []


def scenario(name, state, steps):
    S.append({"name": name, "state": state, "steps": steps})


scenario("weighted rotation follows weights 2:1, deterministically", {
    "pool": pool([member("a", "+12125550101", 2), member("b", "+12125550102", 1)], callee_mode=OFF),
}, [
    # Turns: a at 1/2, 1, 3/2, 2 …; b at 1, 2 … (ties to the earlier member).
    pick("+12125559999", expect=picked("a", "same_npa")),
    pick("+12125559999", expect=picked("a", "same_npa")),
    pick("+12125559999", expect=picked("b")),
    pick("+12125559999", expect=picked("a")),
    pick("+12125559999", expect=picked("a")),
    pick("+12125559999", expect=picked("b")),
])

scenario("weight 0 and paused members are never picked", {
    "pool": pool([member("zero", "+12125550101", 0),
                  member("paused", "+12125550102", 5, status={"state": "paused", "reason": "manual"}),
                  member("ok", "+12125550103", 1)], callee_mode=OFF),
}, [
    pick("+12125559999", expect=picked("ok")),
    pick("+12125559999", expect=picked("ok")),
])

scenario("geomatch tiers: area code, state (overlay), time zone, country", {
    "pool": pool([member("ny_646", "+16465550101"), member("nj_201", "+12015550102"),
                  member("sf_415", "+14155550103"), member("ny_212", "+12125550104")], callee_mode=OFF),
}, [
    pick("+12125559999", expect=picked("ny_212", "same_npa")),
    pick("+19175559999", expect=picked("ny_646", "same_state")),
    pick("+16175559999", expect={"ok": {"pick": {"tier": "same_time_zone"}}}),
    pick("+13035559999", expect={"ok": {"pick": {"tier": "same_country"}}}),
    pick("+442071838750", expect={"error": "no_eligible_number",
                                  "fields": {"excluded": {"no_geo_match": 4}}}),
])

scenario("any country only when the policy allows it", {
    "pool": pool([member("ny", "+12125550101")], callee_mode=OFF, lowest_tier="any_country"),
}, [
    pick("+442071838750", expect=picked("ny", "any_country")),
])

scenario("lowest tier prefix2: only area-code matches", {
    "pool": pool([member("sf", "+14155550101")], callee_mode=OFF, lowest_tier="prefix2"),
}, [
    pick("+14155559999", expect=picked("sf", "same_npa")),
    pick("+13035559999", expect={"error": "no_eligible_number", "fields": {"tiers": ["same_npa"]}}),
])

scenario("longest common national prefix outside the NANP", {
    "pool": pool([member("london", "+442071838750", country="GB"),
                  member("leeds", "+441134960000", country="GB")], callee_mode=OFF),
}, [
    pick("+442079460000", expect=picked("london", "prefix3")),
    pick("+441134961234", expect=picked("leeds", "prefix5")),
    pick("+441614960000", expect={"ok": {"pick": {"tier": "same_country"}}}),
])

scenario("daily cap, then a coded refusal with counts", {
    "pool": pool([member("a", "+12125550101")], callee_mode=OFF, daily_cap=2),
}, [
    pick("+12125559999", expect=picked("a", cap=2, day="2026-06-01")),
    pick("+12125559999", expect=picked("a")),
    pick("+12125559999", expect={"error": "no_eligible_number", "fields": {"excluded": {"over_cap": 1}}}),
    pick("+12125559999", now=at(0, 0, day=2), expect=picked("a", day="2026-06-02")),
])

scenario("no daily cap: null means none", {
    "pool": pool([member("a", "+12125550101")], callee_mode=OFF, daily_cap=None),
}, [pick("+12125559999", now=at(14, k), expect=picked("a", cap=None)) for k in range(0, 3)] + [
    {"op": "snapshot_campaign_health", "use": ["pool", "usage"], "args": {"now": NOW},
     "expect": {"ok": [{"number_id": "a", "calls_today": 3}]}},
])

scenario("hourly cap beside the daily one", {
    "pool": pool([member("a", "+12125550101")], callee_mode=OFF, hourly_cap=2),
}, [
    pick("+12125559999", now=at(14, 10), expect=picked("a", hour=14, hourly_cap=2, cap=100)),
    pick("+12125559999", now=at(14, 20), expect=picked("a")),
    pick("+12125559999", now=at(14, 59), expect={"error": "no_eligible_number",
                                                 "fields": {"excluded": {"over_hourly_cap": 1}}}),
    pick("+12125559999", now=at(15, 0), expect=picked("a", hour=15)),
])

scenario("lowest tier same_state: the overlay while the area code's member is capped", {
    "pool": pool([member("ny_212", "+12125550101"), member("ny_646", "+16465550102"),
                  member("ca_415", "+14155550103")], callee_mode=OFF, daily_cap=1, lowest_tier="same_state"),
}, [
    pick("+12125559999", expect=picked("ny_212", "same_npa")),
    pick("+12125559999", expect=picked("ny_646", "same_state")),
    pick("+12125559999", expect={"error": "no_eligible_number",
                                 "fields": {"tiers": ["same_npa", "same_state"],
                                            "excluded": {"over_cap": 2, "no_geo_match": 1}}}),
])

scenario("the pool remembers the callee: rotation with no history from the host", {
    "pool": pool([member("a", "+12125550101"), member("b", "+12125550102"), member("c", "+12125550103")],
                 callee_mode={"mode": "rotate", "last_calls": 2, "within_seconds": 0}),
}, [
    pick("+12125559999", now=at(9), expect=picked("a")),
    # Another callee moves the rotation on: "b" for them.
    pick("+12125558888", now=at(9, 1), expect=picked("b")),
    # The first callee saw "a": next in turn is "c".
    pick("+12125559999", now=at(9, 2), expect=picked("c")),
    # Seen a and c: "b" although "a" is next in turn.
    pick("+12125559999", now=at(9, 3), expect=picked("b")),
    # Its last two were c and b: "a".
    pick("+12125559999", now=at(9, 4), expect=picked("a")),
])

scenario("the pool remembers the callee: stickiness with no binding from the host", {
    "pool": pool([member("a", "+12125550101"), member("b", "+12125550102")],
                 callee_mode={"mode": "sticky", "ttl_seconds": 3600}),
}, [
    pick("+12125559999", now=at(9), expect=picked("a", "same_npa")),
    pick("+12125558888", now=at(9, 1), expect=picked("b", "same_npa")),
    pick("+12125559999", now=at(9, 30), expect=picked("a", "sticky")),
    pick("+12125558888", now=at(9, 31), expect=picked("b", "sticky")),
    # An hour after its last call the binding has lapsed.
    pick("+12125559999", now=at(10, 31), expect={"ok": {"pick": {"tier": "same_npa"}}}),
])

scenario("a member back from a pause takes its turn, not a burst", {
    "pool": pool([member("a", "+12125550101"), member("b", "+12125550102"),
                  member("c", "+12125550103", status={"state": "paused", "reason": "rest",
                                                      "until": "2026-06-01T10:00:00Z"})],
                 callee_mode=OFF),
}, [pick("+12125559999", now=at(9, k), expect=picked("ab"[k % 2])) for k in range(0, 8)] + [
    # Back at 10:00 after a and b took 4 picks each (next turns at 5): the
    # 10:00 pick sees a first; c then joins at the current turn (b's 5,
    # after b on the tie), and takes one pick in three from then on.
    pick("+12125559999", now=at(10, 0), expect=picked("a")),
    pick("+12125559999", now=at(10, 1), expect=picked("b")),
    pick("+12125559999", now=at(10, 2), expect=picked("c")),
    pick("+12125559999", now=at(10, 3), expect=picked("a")),
    pick("+12125559999", now=at(10, 4), expect=picked("b")),
    pick("+12125559999", now=at(10, 5), expect=picked("c")),
])

scenario("warm-up cap for a new number", {
    "pool": pool([member("new", "+12125550101", warm_up=True, added_at="2026-05-30T00:00:00Z")],
                 callee_mode=OFF, warmup_cap=1),
}, [
    pick("+12125559999", expect=picked("new", cap=1)),
    pick("+12125559999", expect={"error": "no_eligible_number", "fields": {"excluded": {"over_warmup_cap": 1}}}),
])

scenario("outbound country rules of the number record", {
    "pool": pool([member("no_out", "+12125550101", allow_outbound=False),
                  member("ca_only", "+12125550102", allowed_outbound_countries=["CA"]),
                  member("inactive", "+12125550103", number_active=False)], callee_mode=OFF,
                 lowest_tier="any_country"),
}, [
    pick("+12125559999", expect={"error": "no_eligible_number",
                                 "fields": {"excluded": {"outbound_restricted": 2, "number_inactive": 1}}}),
    pick("+14165559999", expect=picked("ca_only", "any_country")),
])

scenario("rotate mode avoids the callee's recent caller IDs", {
    "pool": pool([member("a", "+12125550101"), member("b", "+12125550102")],
                 callee_mode={"mode": "rotate", "last_calls": 1, "within_seconds": 3600}),
}, [
    pick("+12125559999", recent=[{"number_id": "a", "at": at(9)}], expect=picked("b")),
    pick("+12125559999", recent=[{"number_id": "b", "at": at(13, 30)}, {"number_id": "a", "at": at(13, 45)}],
         expect={"error": "no_eligible_number", "fields": {"excluded": {"callee_fatigue": 2}}}),
])

scenario("sticky mode keeps the callee's caller ID while it is eligible", {
    "pool": pool([member("a", "+12125550101"), member("b", "+12125550102")],
                 callee_mode={"mode": "sticky", "ttl_seconds": 691200}),
}, [
    pick("+12125559999", sticky={"number_id": "b", "until": at(0, 0, day=5)},
         expect=picked("b", "sticky", sticky={"number_id": "b", "until": "2026-06-09T14:00:00Z"})),
    # A binding that has lapsed is not kept (another callee: the pool
    # remembers the first one's call).
    pick("+12125558888", sticky={"number_id": "b", "until": at(13)}, expect=picked("a", "same_npa")),
])

scenario("health: spam flag removes, answer rate reported", {
    "pool": pool([member("a", "+12125550101"), member("b", "+12125550102")], callee_mode=OFF),
}, [
    {"op": "snapshot_record_outcome", "use": ["pool", "usage"], "args": {"outcome": outcome("a", True)},
     "save": {"pool": "pool", "usage": "usage"}, "expect": {"ok": {"update": {"status": None, "events": []}}}},
    {"op": "snapshot_record_outcome", "use": ["pool", "usage"], "args": {"outcome": outcome("a", False)},
     "save": {"pool": "pool", "usage": "usage"}, "expect": {"ok": {"update": {"status": None}}}},
    {"op": "snapshot_record_outcome", "use": ["pool", "usage"],
     "args": {"outcome": outcome("b", False, spam_flagged=True)},
     "save": {"pool": "pool", "usage": "usage"},
     "expect": {"ok": {"update": {"status": {"state": "removed", "reason": "spam_flagged"},
                                  "events": [{"kind": "removed_spam_flagged", "number_id": "b"}]}}}},
    {"op": "snapshot_campaign_health", "use": ["pool", "usage"], "args": {"now": NOW},
     "expect": {"ok": [
         {"number_id": "a", "pool_status": "active", "attempts": 2, "answered": 1, "answer_rate": 0.5,
          "weight": 1, "campaign_id": "camp_1"},
         {"number_id": "b", "pool_status": "removed", "attempts": 1, "answered": 0, "answer_rate": 0.0,
          "spam_flags": 1}]}},
    pick("+12125559999", expect=picked("a")),
])

scenario("carrier block rests a number, which resumes by itself", {
    "pool": pool([member("a", "+12125550101")], callee_mode=OFF, rest_seconds=7200),
}, [
    {"op": "snapshot_record_outcome", "use": ["pool", "usage"],
     "args": {"outcome": outcome("a", False, carrier_blocked=True)},
     "save": {"pool": "pool", "usage": "usage"},
     "expect": {"ok": {"update": {"status": {"state": "paused", "reason": "carrier_block",
                                             "until": "2026-06-01T16:00:00Z"}}}}},
    pick("+12125559999", now=at(15), expect={"error": "no_eligible_number",
                                             "fields": {"excluded": {"resting": 1}}}),
    pick("+12125559999", now=at(16), expect=picked("a")),
])

scenario("number changes pools follow, from a service result's audit events", {}, [
    {"op": "number_changes", "args": {"events": [
        {"kind": "spam_flagged", "number_id": "n1", "e164": "+12125550101", "tenant": "acme",
         "actor": {"tenant": "acme", "role": "admin"}, "at": NOW, "detail": {"source": "carrier"}},
        {"kind": "updated", "number_id": "n2", "e164": "+12125550102", "tenant": "acme",
         "actor": {"tenant": "acme", "role": "admin"}, "at": NOW},
        {"kind": "soft_released", "number_id": "n3", "e164": "+12125550103", "tenant": "acme",
         "actor": {"tenant": "acme", "role": "admin"}, "at": NOW}]},
     "expect": {"ok": [{"number_id": "n1", "kind": "spam_flagged", "at": NOW},
                       {"number_id": "n3", "kind": "released", "at": NOW}]}},
])

scenario("bad pools and callees are invalid_input", {}, [
    {"op": "snapshot_pick", "args": {"pool": pool([], daily_cap=0), "callee": {"e164": "+12125559999"}, "now": NOW},
     "expect": {"error": "invalid_input"}},
    {"op": "snapshot_pick", "args": {"pool": pool([], lowest_tier="sticky"), "callee": {"e164": "+12125559999"}, "now": NOW},
     "expect": {"error": "invalid_input"}},
    {"op": "snapshot_pick", "args": {"pool": pool([], fallback="reject"), "callee": {"e164": "+12125559999"}, "now": NOW},
     "expect": {"error": "invalid_input"}},
    {"op": "snapshot_pick", "args": {"pool": pool([]), "callee": {"e164": "212 555 9999"}, "now": NOW},
     "expect": {"error": "invalid_input"}},
    {"op": "snapshot_pick", "args": {"pool": pool([member("a", "+12125550101"), member("a", "+12125550102")]),
                                 "callee": {"e164": "+12125559999"}, "now": NOW},
     "expect": {"error": "invalid_input"}},
])

if __name__ == "__main__":
    print(json.dumps({"scenarios": S}, indent=1))
