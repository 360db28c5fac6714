#!/usr/bin/env python3
"""Writes tests/vectors/lifecycle.json: lifecycle, restriction, cool-off,
aging and screen scenarios. Every expectation here is written from the seed
rules (../shared/seeds and the lifecycle issue), not copied from telnum.

    python3 tests/vectors/build_lifecycle.py > tests/vectors/lifecycle.json

Format (shared by the Rust, Node and C runners):

    {"scenarios": [{"name", "state": {"record"?, "connection"?, "policy"?},
                    "steps": [{"op", "args", "use"?: [state keys to pass], "save"?: {state key: result key},
                               "expect": {"ok": subset} | {"error": code, "fields"?: {...}}}]}]}

`op` names a function of telnum's JSON facade (`telnum::json::call`). Keys in
`use` are copied from the scenario state into the arguments. After a
successful step, `save` ({state key: result key}) copies parts of the result
into the state; a null result part removes the state key. `ok` is matched as a subset:
every key of an expected object must match; arrays match element by element
and must have the same length.
"""
import copy
import json

T0 = "2026-05-01T09:00:00Z"


def at(day, h=9, m=0, s=0):
    return "2026-05-%02dT%02d:%02d:%02dZ" % (day, h, m, s)


def actor(tenant="acme", role="admin", user="u1"):
    return {"tenant": tenant, "role": role, "user": user}


ADMIN = actor()
MEMBER = actor(role="member")
READER = actor(role="read_only")
OUTSIDER = actor(tenant="globex")
ROOT = actor(tenant="platform", role="superadmin")


def record(**over):
    r = {
        "id": "num_1",
        "tenant": "acme",
        "account": "MA_1",
        "e164": "+14155550100",
        "country": "US",
        "kind": "local",
        "capabilities": {"voice": True, "sms": True},
        "source": "purchased",
        "management": "platform_managed",
        "status": "inactive",
        "label": "US Outbound Pool A",
        "connection_id": "conn_9",
        "provider": {"provider": "twilio", "sid": "PN0001"},
        "created_at": T0,
        "updated_at": T0,
        "version": 1,
    }
    r.update(over)
    return r


def byot(**over):
    return record(source="manual", management="byot", provider=None, **over)


def connection(**over):
    c = {
        "id": "conn_9",
        "tenant": "acme",
        "name": "Twilio prod",
        "provider": "twilio",
        "status": "active",
        "supports": {
            "search_purchase": True,
            "import_owned": True,
            "webhook_config": True,
            "release": True,
            "extra_phone_fields": [{"name": "executive_number", "max_len": 20}],
        },
    }
    c.update(over)
    return c


def apply(command, who=ADMIN, now=T0, expect=None, use=("record", "connection", "policy")):
    if isinstance(command, str):
        command = {"type": command}
    return {"op": "apply_command", "use": list(use), "args": {"command": command, "actor": who, "now": now},
            "save": {"record": "record"}, "expect": expect}


def ok(**subset):
    """Success; with no fields the result must be null (checks return null)."""
    return {"ok": subset if subset else None}


def err(code, **fields):
    e = {"error": code}
    if fields:
        e["fields"] = fields
    return e


def status(s, version=None, **more):
    rec = {"status": s}
    if version is not None:
        rec["version"] = version
    rec.update(more)
    return rec


S = []


def scenario(name, steps, rec=None, conn=None, policy=None):
    state = {}
    if rec is not None:
        state["record"] = rec
    if conn is not None:
        state["connection"] = conn
    if policy is not None:
        state["policy"] = policy
    S.append({"name": name, "state": state, "steps": steps})


# --- lifecycle -----------------------------------------------------------
scenario("purchase: pending, confirmed, activated, released, deleted", [
    apply({"type": "complete_acquisition", "provider": {"provider": "twilio", "sid": "PN0001"}},
          expect=ok(record=status("inactive", 2), events=[{"kind": "acquisition_completed"}], effects=[])),
    apply("activate", use=("record", "policy"), expect=err("number_not_bound", reason="no_connection")),
    apply("activate", now=at(1, 10), expect=ok(record=status("active", 3, updated_at=at(1, 10)),
                                                events=[{"kind": "activated", "actor": ADMIN, "at": at(1, 10),
                                                         "changes": [{"field": "status", "before": "inactive",
                                                                      "after": "active"}]}])),
    apply("activate", expect=err("invalid_transition", **{"from": "active", "command": "activate"})),
    apply("deactivate", expect=ok(record=status("inactive", 4))),
    apply("soft_release", now=at(2), expect=ok(record=status("released", 5, released_at=at(2)),
                                               events=[{"kind": "soft_released"}],
                                               effects=[{"type": "release_at_provider", "provider": "twilio",
                                                         "sid": "PN0001"}])),
    apply("activate", expect=err("invalid_transition", **{"from": "released", "command": "activate"})),
    apply({"type": "update", "patch": {"label": "again"}}, expect=err("invalid_transition")),
    apply({"type": "assign_to_sub_account", "sub_account": {"id": "SA_1", "master": "MA_1"}},
          expect=err("invalid_transition")),
    apply("hard_delete", expect=ok(record=None, events=[{"kind": "hard_deleted"}], effects=[])),
], rec=record(status="pending", provider=None), conn=connection())

scenario("purchase that the provider refuses is resolved with an event", [
    apply("activate", expect=err("invalid_transition", **{"from": "pending"})),
    apply("hard_delete", expect=err("invalid_transition", **{"from": "pending", "command": "hard_delete"})),
    apply({"type": "fail_acquisition", "reason": "number no longer available"},
          expect=ok(record=None, events=[{"kind": "acquisition_failed",
                                          "detail": {"reason": "number no longer available"}}], effects=[])),
], rec=record(status="pending"), conn=connection())

scenario("activation needs an active connection of the same tenant", [
    apply("activate", expect=err("number_not_bound", reason="connection_inactive")),
], rec=record(), conn=connection(status="inactive"))

scenario("activation refused for another tenant's connection", [
    apply("activate", expect=err("number_not_bound", reason="tenant_mismatch")),
], rec=record(), conn=connection(tenant="globex"))

scenario("activation refused for a connection the number is not on", [
    apply("activate", expect=err("number_not_bound", reason="connection_mismatch")),
], rec=record(), conn=connection(id="conn_other"))

scenario("BYOT numbers are removed from the app, never released at the provider", [
    apply("soft_release", expect=ok(record=status("released"), effects=[])),
    apply("hard_delete", expect=ok(record=None, effects=[])),
], rec=byot(status="active"), conn=connection())

scenario("hard delete of a platform-managed number releases it at the provider", [
    apply("hard_delete", expect=ok(record=None, events=[{"kind": "hard_deleted", "number_id": "num_1",
                                                         "e164": "+14155550100"}],
                                   effects=[{"type": "release_at_provider", "sid": "PN0001"}])),
], rec=record(status="active"), conn=connection())

scenario("tenant isolation and roles", [
    apply("deactivate", who=OUTSIDER, expect=err("not_found")),
    {"op": "allowed_actions", "use": ["record", "connection"], "args": {"actor": OUTSIDER},
     "expect": err("not_found")},
    apply("deactivate", who=READER, expect=err("forbidden")),
    apply({"type": "update", "patch": {"label": "x"}}, who=READER, expect=err("forbidden")),
    apply("deactivate", who=MEMBER, expect=ok(record=status("inactive", 2))),
    apply("activate", who=ROOT, expect=ok(record=status("active", 3))),
], rec=record(status="active"), conn=connection())

scenario("webhooks: vendor support and URL rules", [
    apply({"type": "configure_webhooks", "webhooks": {"voice_url": "http://example.com/voice"}},
          expect=err("invalid_webhook_url", field="voice_url", reason="scheme must be https")),
    apply({"type": "configure_webhooks", "webhooks": {"status_callback_url": "https://192.168.1.10/status"}},
          expect=err("invalid_webhook_url", field="status_callback_url", reason="internal host")),
    apply({"type": "configure_webhooks", "webhooks": {"status_callback_url": "https://ops:pw@example.com/s"}},
          expect=err("invalid_webhook_url", reason="user-info is not allowed")),
    apply({"type": "configure_webhooks", "webhooks": {"status_callback_url": "https://example.com/provider/status"}},
          expect=ok(record=status("active", 2, webhooks={"status_callback_url": "https://example.com/provider/status",
                                                         "voice_url": None}),
                    effects=[{"type": "configure_webhooks_at_provider"}],
                    events=[{"kind": "webhooks_configured"}])),
], rec=record(status="active"), conn=connection())

scenario("webhooks: internal hosts when the host policy allows them", [
    apply({"type": "configure_webhooks", "webhooks": {"voice_url": "https://localhost:8443/voice"}},
          expect=ok(record=status("inactive", 2))),
], rec=record(), conn=connection(), policy={"allow_internal_webhook_hosts": True})

scenario("webhooks refused when the vendor does not support them", [
    apply({"type": "configure_webhooks", "webhooks": {"voice_url": "https://example.com/voice"}},
          expect=err("not_supported", operation="configure_webhooks")),
], rec=record(), conn=connection(supports={"search_purchase": True}))

scenario("resync needs a provider SID", [
    apply({"type": "mark_resynced"}, expect=err("not_supported", operation="resync", reason="no_provider_sid")),
], rec=byot(), conn=connection())

scenario("resync with a SID records the sync", [
    apply({"type": "mark_resynced", "capabilities": {"voice": True, "sms": False}}, now=at(3),
          expect=ok(record=status("inactive", 2, last_synced_at=at(3),
                                  capabilities={"voice": True, "sms": False, "mms": False, "fax": False}),
                    events=[{"kind": "resynced"}])),
], rec=record(), conn=connection())

scenario("connection is read-only on platform-managed purchased numbers", [
    apply({"type": "update", "patch": {"connection_id": "conn_10"}},
          expect=err("read_only_field", field="connection_id")),
    apply({"type": "update", "patch": {"label": "India Pool B", "allowOutbound": True, "inbound_agent": "agent_7"}},
          expect=ok(record=status("inactive", 2, label="India Pool B", allow_outbound=True,
                                  inbound_agent="agent_7", connection_id="conn_9"))),
    apply({"type": "update", "patch": {"label": None}}, expect=ok(record=status("inactive", 3, label=None))),
], rec=record(), conn=connection())

scenario("manual numbers may move to another connection", [
    apply({"type": "update", "patch": {"connection_id": "conn_10"}},
          expect=ok(record=status("inactive", 2, connection_id="conn_10"))),
], rec=byot(), conn=connection())

scenario("vendor fields are validated against the connection", [
    apply({"type": "update", "patch": {"vendor_fields": {"executive_number": "+919800000000", "pin": "1"}}},
          expect=err("validation_failed", problems=[{"field": "vendor_fields.pin", "code": "unknown_vendor_field"}])),
    apply({"type": "update", "patch": {"vendor_fields": {"executive_number": "1" * 21}}},
          expect=err("validation_failed", problems=[{"field": "vendor_fields.executive_number", "code": "too_long"}])),
    apply({"type": "update", "patch": {"vendor_fields": {"executive_number": "+919800000000"}}},
          expect=ok(record=status("active", 2, vendor_fields={"executive_number": "+919800000000"}))),
], rec=byot(status="active"), conn=connection())

# --- sub-accounts and cool-off (Vobiz) -----------------------------------------
SUB = {"id": "SA_1", "master": "MA_1"}
scenario("sub-account assign and unassign under the 15-day cool-off", [
    apply({"type": "assign_to_sub_account", "sub_account": {"id": "SA_9", "master": "MA_2"}},
          expect=err("sub_account_mismatch")),
    apply({"type": "unassign_from_sub_account"}, expect=err("not_assigned")),
    apply({"type": "assign_to_sub_account", "sub_account": SUB},
          expect=ok(record=status("active", 2, sub_account="SA_1"), events=[{"kind": "assigned_to_sub_account"}])),
    apply({"type": "assign_to_sub_account", "sub_account": SUB}, expect=err("already_assigned")),
    apply({"type": "record_call", "at": at(1, 12)}, now=at(1, 12),
          expect=ok(record=status("active", 3, last_call_at=at(1, 12)))),
    apply({"type": "unassign_from_sub_account"}, now=at(10, 12),
          expect=err("did_cool_off_in_effect", cool_off_until=at(16, 12), cool_off_remaining_seconds=518400)),
    apply({"type": "unassign_from_sub_account"}, now=at(16, 11, 59, 59),
          expect=err("did_cool_off_in_effect", cool_off_until=at(16, 12), cool_off_remaining_seconds=1)),
    apply({"type": "unassign_from_sub_account", "force": True}, who=MEMBER, now=at(10, 12),
          expect=err("forbidden")),
    apply({"type": "unassign_from_sub_account", "force": True}, who=actor(user="ops-lead"), now=at(10, 12),
          expect=ok(record=status("active", 4, sub_account=None),
                    events=[{"kind": "unassigned_from_sub_account"},
                            {"kind": "cool_off_waived", "actor": actor(user="ops-lead"), "at": at(10, 12),
                             "detail": {"waived_seconds": 518400, "cool_off_until": at(16, 12)}}])),
], rec=record(status="active"), conn=connection())

scenario("cool-off ends exactly 15 days after the last call", [
    apply({"type": "unassign_from_sub_account"}, now=at(16, 12),
          expect=ok(record=status("active", 2, sub_account=None), events=[{"kind": "unassigned_from_sub_account"}])),
], rec=record(status="active", sub_account="SA_1", last_call_at=at(1, 12)), conn=connection())

scenario("a never-used DID moves back at once", [
    apply({"type": "unassign_from_sub_account"}, now=at(1, 9, 0, 1),
          expect=ok(record=status("inactive", 2, sub_account=None), events=[{"kind": "unassigned_from_sub_account"}])),
], rec=record(sub_account="SA_1"), conn=connection())

scenario("the host may configure the cool-off window", [
    apply({"type": "unassign_from_sub_account"}, now=at(2, 11, 59, 59),
          expect=err("did_cool_off_in_effect", cool_off_until=at(2, 12), cool_off_remaining_seconds=1)),
    apply({"type": "unassign_from_sub_account"}, now=at(2, 12), expect=ok(record=status("inactive", 2))),
], rec=record(sub_account="SA_1", last_call_at=at(1, 12)), conn=connection(),
    policy={"cool_off_seconds": 86400})

scenario("cool-off check on its own", [
    {"op": "check_cool_off", "args": {"last_call_at": at(1), "now": at(2)},
     "expect": err("did_cool_off_in_effect", cool_off_until=at(16), cool_off_remaining_seconds=14 * 86400)},
    {"op": "check_cool_off", "args": {"now": at(2)}, "expect": ok()},
    {"op": "check_cool_off", "args": {"last_call_at": at(1), "now": at(16)}, "expect": ok()},
])

# --- country restrictions --------------------------------------------------
scenario("country restrictions combine the allow flags and the lists", [
    {"op": "check_outbound", "use": ["record"], "args": {"country": "US"},
     "expect": err("country_not_allowed", country="US", direction="outbound")},
    {"op": "check_inbound", "use": ["record"], "args": {"country": "IN"}, "expect": ok()},
    apply({"type": "update", "patch": {"allow_outbound": True, "allowed_outbound_countries": ["GB", "US"],
                                       "allowed_inbound_countries": ["US"]}},
          expect=ok(record=status("active", 2, allowed_outbound_countries=["GB", "US"]))),
    {"op": "check_outbound", "use": ["record"], "args": {"country": "GB"}, "expect": ok()},
    {"op": "check_outbound", "use": ["record"], "args": {"country": "DE"},
     "expect": err("country_not_allowed", country="DE", direction="outbound")},
    {"op": "check_inbound", "use": ["record"], "args": {"country": "IN"},
     "expect": err("country_not_allowed", country="IN", direction="inbound")},
    apply({"type": "update", "patch": {"allow_inbound": False}}, expect=ok(record=status("active", 3))),
    {"op": "check_inbound", "use": ["record"], "args": {"country": "US"},
     "expect": err("country_not_allowed", country="US", direction="inbound")},
], rec=record(status="active"), conn=connection())

# --- aging -------------------------------------------------------------------
scenario("number aging keeps a released number from another tenant for 45 days", [
    {"op": "check_aging", "args": {"released_by": "acme", "released_at": at(1), "acquirer": "globex",
                                   "now": at(20)},
     "expect": err("number_aging", aging_until="2026-06-15T09:00:00Z")},
    {"op": "check_aging", "args": {"released_by": "acme", "released_at": at(1), "acquirer": "acme",
                                   "now": at(2)}, "expect": ok()},
    {"op": "check_aging", "args": {"released_by": "acme", "released_at": at(1), "acquirer": "globex",
                                   "now": "2026-06-15T09:00:00Z"}, "expect": ok()},
    {"op": "check_aging", "args": {"released_by": "acme", "released_at": at(1), "acquirer": "globex",
                                   "now": at(3), "aging_seconds": 86400}, "expect": ok()},
])

# --- optimistic concurrency ------------------------------------------------
scenario("a stale version is a conflict", [
    {"op": "check_version", "use": ["record"], "args": {"expected_version": 6},
     "expect": err("version_conflict", expected=6, actual=7)},
    {"op": "check_version", "use": ["record"], "args": {"expected_version": 7}, "expect": ok()},
], rec=record(version=7))

# --- screens -------------------------------------------------------------------
scenario("detail page of a platform-managed purchased number", [
    {"op": "allowed_actions", "use": ["record", "connection"], "args": {"actor": MEMBER},
     "expect": ok(actions=["deactivate", "release", "resync", "configure_webhooks"],
                  editable_sections=["label", "inbound_agent", "allowed_inbound_countries",
                                     "allowed_outbound_countries", "provider_fields"],
                  connection_read_only=True)},
    {"op": "allowed_actions", "use": ["record", "connection"], "args": {"actor": READER},
     "expect": ok(actions=[], editable_sections=[])},
], rec=record(status="active"), conn=connection())

scenario("detail page of a BYOT number without a SID", [
    {"op": "allowed_actions", "use": ["record", "connection"], "args": {"actor": ADMIN},
     "expect": ok(actions=["activate", "configure_webhooks"],
                  editable_sections=["label", "inbound_agent", "allowed_inbound_countries",
                                     "allowed_outbound_countries", "configuration", "provider_fields"],
                  connection_read_only=False)},
], rec=byot(), conn=connection())

scenario("add-number wizard sources", [
    {"op": "add_sources", "args": {"connections": [], "actor": MEMBER},
     "expect": ok(sources=[{"kind": "manual", "connection_ids": []}])},
    {"op": "add_sources", "args": {"connections": [connection(status="inactive")], "actor": MEMBER},
     "expect": ok(sources=[{"kind": "manual", "connection_ids": []}])},
    {"op": "add_sources", "args": {"connections": [connection(), connection(id="conn_mcube", provider="mcube",
                                                                            supports={})], "actor": MEMBER},
     "expect": ok(sources=[{"kind": "purchase", "connection_ids": ["conn_9"]},
                           {"kind": "import_owned", "connection_ids": ["conn_9"]},
                           {"kind": "manual", "connection_ids": ["conn_9", "conn_mcube"]}], hint=None)},
    {"op": "add_sources", "args": {"connections": [connection(tenant="globex")], "actor": MEMBER},
     "expect": ok(sources=[{"kind": "manual", "connection_ids": []}])},
    {"op": "add_sources", "args": {"connections": [connection()], "actor": READER}, "expect": ok(sources=[])},
])

scenario("manual wizard draft", [
    {"op": "validate_manual_draft", "args": {"draft": {}, "connections": [connection()], "actor": ADMIN},
     "expect": err("validation_failed", problems=[{"field": "e164", "code": "required"},
                                                   {"field": "connection_id", "code": "required"}])},
    {"op": "validate_manual_draft",
     "args": {"draft": {"e164": "+1 415 555", "connection_id": "conn_x", "allowed_inbound_countries": ["ZZ"]},
              "connections": [connection()], "actor": ADMIN},
     "expect": err("validation_failed", problems=[{"field": "e164", "code": "too_short"},
                                                   {"field": "connection_id", "code": "unknown_connection"},
                                                   {"field": "allowed_inbound_countries[0]",
                                                    "code": "invalid_country"}])},
    {"op": "validate_manual_draft",
     "args": {"draft": {"e164": "+14155551212", "connection_id": "conn_9", "label": "Front desk",
                        "inbound_agent": "agent_1", "allowed_outbound_countries": ["us", "CA"]},
              "connections": [connection()], "actor": ADMIN},
     "expect": ok(e164="+14155551212", country="US", connection_id="conn_9", label="Front desk",
                  inbound_agent="agent_1", allowed_outbound_countries=["CA", "US"])},
    {"op": "validate_manual_draft",
     "args": {"draft": {"e164": "+14155551212", "connection_id": "conn_9"}, "connections": [connection()],
              "actor": READER},
     "expect": err("forbidden")},
])

scenario("import owned needs an explicit confirmation", [
    {"op": "validate_import",
     "args": {"draft": {"numbers": [{"e164": "+14155550100", "label": "US Outbound Pool A"}],
                        "telephony_connection_id": "conn_9"}, "connections": [connection()], "actor": ADMIN},
     "expect": err("confirmation_required", confirmation="confirm_replace_webhooks")},
    {"op": "validate_import",
     "args": {"draft": {"numbers": [{"e164": "+14155550100", "label": "US Outbound Pool A"}],
                        "connection_id": "conn_9", "confirm_replace_webhooks": True},
              "connections": [connection()], "actor": ADMIN},
     "expect": ok(numbers=[{"e164": "+14155550100", "label": "US Outbound Pool A"}], connection_id="conn_9")},
    {"op": "validate_import",
     "args": {"draft": {"numbers": [], "connection_id": "conn_9", "confirm_replace_webhooks": True},
              "connections": [connection(supports={})], "actor": ADMIN},
     "expect": err("validation_failed", problems=[{"field": "numbers", "code": "required"},
                                                   {"field": "connection_id", "code": "not_supported"}])},
])

# --- garbage in -----------------------------------------------------------------
scenario("malformed arguments are invalid_input", [
    {"op": "apply_command", "args": {"record": {"id": "x"}, "command": {"type": "activate"}, "actor": ADMIN, "now": T0},
     "expect": err("invalid_input")},
    {"op": "apply_command", "use": ["record"], "args": {"command": {"type": "fly"}, "actor": ADMIN, "now": T0},
     "expect": err("invalid_input")},
    {"op": "apply_command", "use": ["record"], "args": {"command": {"type": "activate"}, "actor": ADMIN, "now": "yesterday"},
     "expect": err("invalid_input")},
    {"op": "check_outbound", "use": ["record"], "args": {"country": "Narnia"}, "expect": err("invalid_input")},
], rec=record())

if __name__ == "__main__":
    print(json.dumps({"scenarios": S}, indent=1, ensure_ascii=False))
