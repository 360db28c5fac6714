#!/usr/bin/env python3
"""Generate tests/vectors/e164.jsonl: E.164 parsing cases with the verdict of
an independent oracle, Python's `phonenumbers` (a port of Google's
libphonenumber).

    pip install phonenumbers==9.0.43
    python3 tests/vectors/gen_e164.py > tests/vectors/e164.jsonl

Seeded and deterministic. One JSON object per line:

    {"id": 17, "form": "national", "input": "...", "region": "GB" | null,
     "oracle": {"parsed": true, "e164": "+44...", "region": "GB", "kind": "local"},
     "telnum_error": "invalid_characters",   # only where telnum differs by design
     "disagreement": "reason"}               # only for a known, explained difference

`oracle.parsed` means the oracle parsed the input AND found the number valid:
telnum only ever returns valid numbers. Bidi and invisible marks are stripped
by telnum, so for those cases the oracle judged the stripped input.
"""
import json
import random
import sys

import phonenumbers as pn
from phonenumbers import PhoneNumberFormat as F
from phonenumbers import PhoneNumberType as T

SEED = 20261124
REGIONS = """US CA GB DE FR IN BR MX JP CN AU IT ES NL BE CH AT SE NO DK FI PL PT IE RU
KZ TR ZA NG KE EG SA AE IL SG HK MY ID PH TH VN KR NZ AR CL CO PE UA RO CZ HU GR PK BD
LK GG JE IM SM VA PR JM""".split()
TYPES = [T.FIXED_LINE, T.MOBILE, T.TOLL_FREE, T.PREMIUM_RATE, T.SHARED_COST, T.VOIP,
         T.PERSONAL_NUMBER, T.UAN]
NON_GEO = [800, 808, 870, 878, 881, 882, 883, 888, 979]
KIND = {
    T.FIXED_LINE: "local", T.MOBILE: "mobile", T.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    T.TOLL_FREE: "toll_free", T.PREMIUM_RATE: "premium_rate", T.SHARED_COST: "shared_cost",
    T.VOIP: "voip", T.PERSONAL_NUMBER: "personal_number", T.UAN: "uan",
}
# Regions whose international prefix is 00 / 011, for IDD forms.
IDD_00 = ["GB", "DE", "FR", "IN", "ES", "IT", "NL", "CH", "SE", "ZA", "AE", "BR"]
DIGIT_SETS = {"fullwidth": 0xFF10, "arabic_indic": 0x0660, "devanagari": 0x0966,
              "bengali": 0x09E6, "thai": 0x0E50, "ext_arabic_indic": 0x06F0}
INVISIBLE = ["\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
             "\u2066", "\u2067", "\u2068", "\u2069", "\ufeff", "\u200b", "\u2060"]
KEYPAD = {"2": "ABC", "3": "DEF", "4": "GHI", "5": "JKL", "6": "MNO", "7": "PQRS",
          "8": "TUV", "9": "WXYZ"}

# Stray symbols the oracle skips over and telnum rejects by design: a symbol
# in a number is a typo or a paste accident worth surfacing, not dropping.
# Trailing sentence punctuation is dropped, as libphonenumber does
# ("+1 (650) 253-0000 !" is the number), so only these stay refused.
STRAY_SYMBOLS = {"++1 650 253 0000", "*#06#"}

# Known, explained differences between telnum and the oracle. Filled in from
# the Rust runner's report; each one says why.
KNOWN = {}


def oracle(text, region):
    try:
        n = pn.parse(text, region)
    except pn.NumberParseException:
        return {"parsed": False}, None
    if not pn.is_valid_number(n):
        return {"parsed": False}, n
    return {
        "parsed": True,
        "e164": pn.format_number(n, F.E164),
        "region": pn.region_code_for_number(n) if pn.region_code_for_number(n) != "001" else None,
        "kind": KIND.get(pn.number_type(n), "other"),
    }, n


def strip_invisible(s):
    return "".join(c for c in s if c not in INVISIBLE)


def seeds(rng):
    """Example numbers per region and type, plus near variants."""
    out = []
    for r in REGIONS:
        for t in TYPES:
            ex = pn.example_number_for_type(r, t)
            if ex is not None:
                out.append((r, ex))
    for cc in NON_GEO:
        ex = pn.example_number_for_non_geo_entity(cc)
        if ex is not None:
            out.append((None, ex))
    variants = []
    for r, ex in out:
        nsn = pn.national_significant_number(ex)
        for _ in range(3):
            k = rng.randint(1, min(4, len(nsn) - 1))
            new = nsn[:-k] + "".join(rng.choice("0123456789") for _ in range(k))
            variants.append((r, ex.country_code, new))
        # Invalid on purpose: one digit short, one too many, a changed lead digit.
        variants.append((r, ex.country_code, nsn[:-1]))
        variants.append((r, ex.country_code, nsn + rng.choice("0123456789")))
        variants.append((r, ex.country_code, rng.choice("0123456789") + nsn[1:]))
    return variants


def to_number(cc, nsn):
    n = pn.PhoneNumber(country_code=cc, national_number=int(nsn))
    lead = len(nsn) - len(nsn.lstrip("0"))
    if lead:
        n.italian_leading_zero = True
        if lead > 1:
            n.number_of_leading_zeros = lead
    return n


def forms(rng, region, cc, nsn):
    n = to_number(cc, nsn)
    e164 = "+%d%s" % (cc, nsn)
    intl = pn.format_number(n, F.INTERNATIONAL)
    natl = pn.format_number(n, F.NATIONAL) if region else None
    yield "e164", e164, None
    yield "e164_with_region", e164, region or rng.choice(REGIONS)
    yield "international", intl, None
    yield "international_dots", intl.replace(" ", ".").replace("-", "."), None
    yield "international_dashes", intl.replace(" ", "-"), None
    if region:
        yield "national", natl, region
        yield "national_parens", "(" + natl[:3] + ") " + natl[3:], region
        yield "national_no_region", natl, None
        yield "national_wrong_region", natl, rng.choice([r for r in REGIONS if r != region])
    src = rng.choice(IDD_00)
    yield "idd_00", "00 %d %s" % (cc, nsn), src
    yield "idd_011", "011 %d %s" % (cc, nsn), "US"
    yield "tel_global", "tel:" + intl.replace(" ", "-"), None
    if len(nsn) > 4:
        yield "tel_context_prefix", "tel:%s;phone-context=+%d" % (nsn, cc), None
    if region and natl:
        local = "".join(c for c in natl if c.isdigit())
        yield "tel_context_domain", "tel:%s;phone-context=example.com" % local, region
    base = rng.choice([intl, natl or intl])
    name, zero = rng.choice(sorted(DIGIT_SETS.items()))
    folded = "".join(chr(zero + int(c)) if c.isdigit() else c for c in base)
    yield "unicode_digits_" + name, folded, region if base == natl else None
    marks = list(intl)
    for _ in range(rng.randint(1, 3)):
        marks.insert(rng.randint(0, len(marks)), rng.choice(INVISIBLE))
    yield "bidi", "".join(marks), None


def special(rng):
    """Forms that are not a seed number in another dress."""
    cases = [
        ("empty", "", None), ("empty", "   ", "US"), ("empty", "()-.", "US"),
        ("too_long_input", "+1 650 253 0000" + " " * 240, None),
        ("too_long_input", "1" * 251, "US"), ("too_long_input", "+" + "9" * 300, None),
        ("historic_panic", "tel:+1-650-253-0000;phone-context=+1", None),
        ("historic_panic", "tel:253-0000;phone-context=+1-650", None),
        ("historic_panic", "tel:253-0000;phone-context=", None),
        ("historic_panic", "tel:;phone-context=+64", None),
        ("historic_panic", "+800 1234 5678", None), ("historic_panic", "+80012345678", None),
        ("historic_panic", "x3001", "CH"), ("historic_panic", "+1 650-253-0000", None),
        ("historic_panic", "+41/800/123-456", None), ("historic_panic", "+41 800 123 456", None),
        ("historic_panic", "+7 800 555 35 35", None), ("historic_panic", "+39 06 698 12345", None),
        ("historic_panic", "+378 0549 885 555", None), ("historic_panic", "0549 885 555", "SM"),
        ("garbage", "+", None), ("garbage", "++1 650 253 0000", None), ("garbage", "*#06#", "US"),
        ("garbage", "+1 (650) 253-0000 !", None), ("garbage", "650 253 0000 +", "US"),
        ("garbage", "+999 1234 5678", None), ("garbage", "+0 650 253 0000", None),
        ("garbage", "12", "US"), ("garbage", "+1", None), ("garbage", "+44 20", None),
    ]
    # Vanity numbers: telnum rejects letters by design.
    for r, cc, nsn in [("US", 1, "8003569377"), ("US", 1, "6502530000"), ("GB", 44, "2071838750"),
                       ("AU", 61, "1800123456")]:
        for _ in range(8):
            chars = list(nsn)
            for i in rng.sample(range(3, len(chars)), 4):
                if chars[i] in KEYPAD:
                    chars[i] = rng.choice(KEYPAD[chars[i]])
            if "".join(chars) == nsn:
                continue
            cases.append(("letters", "+%d %s" % (cc, "".join(chars)), None))
            cases.append(("letters_national", "".join(chars), r))
    for word in ["FLOWERS", "CALL-NOW", "GOOGLE", "abc"]:
        cases.append(("letters", "1-800-" + word, "US"))
    return cases


def main():
    rng = random.Random(SEED)
    raw = []
    for region, cc, nsn in seeds(rng):
        # Every form exists for every seed; four of them, drawn at random,
        # keep the file near 10,000 cases while covering every form often.
        all_forms = list(forms(rng, region, cc, nsn))
        raw.extend(rng.sample(all_forms, 4))
    # Extensions on valid-looking numbers.
    for region, cc, nsn in rng.sample(seeds(random.Random(SEED + 1)), 120):
        n = to_number(cc, nsn)
        intl = pn.format_number(n, F.INTERNATIONAL)
        ext = str(rng.randint(1, 99999))
        suffix = rng.choice([" ext. ", " ext ", " x", " x ", ";ext=", " extension ", " #"])
        raw.append(("extension", intl + suffix + ext, None))
    raw.extend(special(rng))

    seen = set()
    out = []
    for form, text, reg in raw:
        key = (text, reg)
        if key in seen:
            continue
        seen.add(key)
        judged = strip_invisible(text) if form == "bidi" else text
        verdict, parsed = oracle(judged, reg)
        case = {"id": len(out), "form": form, "input": text, "region": reg, "oracle": verdict}
        has_letters = any(c.isascii() and c.isalpha() for c in judged.lower().replace("tel:", "")
                          .replace("phone-context=", "").replace("example.com", ""))
        if form == "extension" or (parsed is not None and parsed.extension):
            case["telnum_error"] = "extension_not_allowed"
        elif form.startswith("letters") or (has_letters and form not in ("tel_context_domain",)):
            case["telnum_error"] = "invalid_characters"
        elif verdict["parsed"] and len(verdict["e164"]) > 16:
            # ITU-T E.164 caps a number at 15 digits; libphonenumber allows
            # longer national numbers (German toll-free, for one).
            case["telnum_error"] = "too_long"
        elif text in STRAY_SYMBOLS:
            case["telnum_error"] = "invalid_characters"
        elif form == "too_long_input":
            case["telnum_error"] = "input_too_long"
        elif form == "empty":
            case["telnum_error"] = "empty_input"
        if (text, reg) in KNOWN:
            case["disagreement"] = KNOWN[(text, reg)]
        out.append(case)

    for case in out:
        sys.stdout.write(json.dumps(case, ensure_ascii=False, sort_keys=True) + "\n")
    regions = {c["oracle"].get("region") for c in out if c["oracle"]["parsed"]}
    print("cases: %d, parsed by oracle: %d, regions: %d" % (
        len(out), sum(c["oracle"]["parsed"] for c in out), len(regions)), file=sys.stderr)


if __name__ == "__main__":
    main()
