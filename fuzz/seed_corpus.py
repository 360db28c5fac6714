#!/usr/bin/env python3
"""Writes the committed seed corpus of each fuzz target from the test
vectors (run by hand; the corpus is committed and replayed by tests/run)."""
import hashlib, json, os, random

ROOT = os.path.dirname(os.path.abspath(__file__))
VEC = os.path.join(ROOT, "..", "tests", "vectors")
REGIONS = ["US", "GB", "IN", "DE", "FR", "AT", "AE", "ID", "VN", "AU", "BR", "JP", "AR", "MX", "CN"]
OPS = ["parse_e164", "format_e164", "apply_command", "check_inbound", "check_outbound", "allowed_actions",
       "add_sources", "validate_manual_draft", "validate_import", "check_cool_off", "check_aging",
       "check_version", "snapshot_pick", "snapshot_apply", "snapshot_record_outcome", "snapshot_campaign_health", "sync_diff"]
SERVICE_OPS = ["list", "available", "pricing", "purchase", "import_owned", "owned", "add_manual", "get",
               "update", "activate", "deactivate", "sync", "resync", "configure_webhooks", "release",
               "assign_sub_account", "unassign_sub_account", "record_call"]


def put(target, data):
    d = os.path.join(ROOT, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


def main():
    rng = random.Random(7)
    cases = [json.loads(l) for l in open(os.path.join(VEC, "e164.jsonl")) if l.strip()]
    for c in rng.sample(cases, 400) + [c for c in cases if c.get("form") == "garbage"]:
        region = c.get("region")
        b = 0 if region is None else (REGIONS.index(region) + 1 if region in REGIONS else 0)
        put("e164_parse", bytes([b]) + c["input"].encode())
    for s in ["+4366412345 ~1", "+971800123456 ~647", "\"+62 809 1 234 519\"", "<1900 123456>",
              "+84672012345!", "tel: +212650123456", "+1 650 253 0000,,12#", "+1~6502530000"]:
        put("e164_parse", bytes([0]) + s.encode())
    for name in ["lifecycle.json", "pool.json"]:
        doc = json.load(open(os.path.join(VEC, name)))
        for sc in doc["scenarios"]:
            state = sc["state"]
            for st in sc["steps"]:
                if st["op"] not in OPS:
                    continue
                args = dict(st.get("args", {}))
                for k in st.get("use", []):
                    if k in state:
                        args[k] = state[k]
                put("json_ops", bytes([OPS.index(st["op"])]) + json.dumps(args).encode())
    admin = {"tenant": "acme", "role": "admin"}
    other = {"tenant": "globex", "role": "admin"}
    svc = [
        ("list", {"actor": admin, "query": {"page": 1, "per_page": 10}}),
        ("list", {"actor": other, "query": {"search": "415"}}),
        ("available", {"actor": admin, "connection_id": "c1", "query": {"country": "US", "limit": 3}}),
        ("pricing", {"actor": admin, "connection_id": "c1", "country": "US"}),
        ("purchase", {"actor": admin, "request": {"connection_id": "c1", "idempotency_key": "k", "country": "US", "quantity": 1}}),
        ("purchase", {"actor": other, "request": {"connection_id": "c1", "idempotency_key": "k", "country": "US", "quantity": 1}}),
        ("owned", {"actor": admin, "connection_id": "c1"}),
        ("add_manual", {"actor": admin, "draft": {"e164": "+14155550100", "connection_id": "c1"}}),
        ("get", {"actor": admin, "id": "num_000001", "reveal_secrets": True}),
        ("update", {"actor": admin, "id": "num_000001", "patch": {"label": "x", "connection_id": "c2"}, "expected_version": 1}),
        ("activate", {"actor": admin, "id": "num_000001"}),
        ("sync", {"actor": admin, "connection_id": "c1"}),
        ("release", {"actor": admin, "id": "num_000001", "mode": "soft"}),
        ("assign_sub_account", {"actor": admin, "id": "num_000001", "sub_account": "SA_1"}),
        ("unassign_sub_account", {"actor": admin, "id": "num_000001", "force": True}),
        ("record_call", {"actor": admin, "id": "num_000001", "at": "2026-07-31T00:00:00Z"}),
        ("configure_webhooks", {"actor": admin, "id": "num_000001", "webhooks": {"voice_url": "https://0x7f.1/"}}),
    ]
    for op, args in svc:
        put("service_ops", bytes([SERVICE_OPS.index(op)]) + json.dumps(args).encode())
    for i in range(64):
        put("pool_sequence", bytes(rng.getrandbits(8) for _ in range(rng.randint(8, 256))))
    for u in ["https://hooks.example.com/voice", "https://0x7f.1/", "https://[::127.0.0.1]/",
              "https://[64:ff9b::a9fe:a9fe]/", "https://[2002:7f00:1::]/", "https://198.18.0.1/",
              "https://2130706433/", "https://%6c%6f%63%61%6c%68%6f%73%74/", "https://bücher.example/",
              "https://[::ffff:8.8.8.8]:8443/x?y#z", "https://user@example.com/", "http://example.com/"]:
        put("webhook_url", u.encode())


if __name__ == "__main__":
    main()
