//! Property tests: `E164::parse` never panics and always answers Ok or a
//! coded error; what it returns round-trips through the structural path.

use proptest::prelude::*;
use telnum::{Country, Error, E164};

fn region() -> impl Strategy<Value = Option<Country>> {
    prop::option::of(prop::sample::select(vec![
        "US", "GB", "DE", "IN", "BR", "JP", "CH", "RU",
    ]))
    .prop_map(|r| r.map(|r| Country::new(r).unwrap()))
}

/// Strings that look like phone numbers, to reach deep into the parser.
fn phoneish() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "0",
            "1",
            "2",
            "4",
            "5",
            "7",
            "9",
            "00",
            "011",
            "+",
            " ",
            "-",
            ".",
            "(",
            ")",
            "/",
            "tel:",
            ";phone-context=",
            ";ext=",
            "x",
            "٣",
            "７",
            "\u{200E}",
            "\u{202E}",
            "#",
            "*",
            "a",
            "ext.",
            "+44",
            "+1",
            "+800",
            ";isub=",
            "example.com",
        ]),
        0..40,
    )
    .prop_map(|v| v.concat())
}

fn check(input: &str, region: Option<Country>) -> Result<(), TestCaseError> {
    match E164::parse(input, region) {
        Ok(n) => {
            let back = E164::from_canonical(n.as_str());
            prop_assert_eq!(back, Ok(n));
            prop_assert!(n.as_str().len() <= 16);
        }
        Err(e) => prop_assert!(Error::CODES.contains(&e.code())),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn any_unicode_string_gets_ok_or_a_coded_error(s in "\\PC{0,300}", r in region()) {
        check(&s, r)?;
    }

    #[test]
    fn phone_like_strings_get_ok_or_a_coded_error(s in phoneish(), r in region()) {
        check(&s, r)?;
    }

    #[test]
    fn structural_path_never_panics(s in "\\+?[0-9a ]{0,20}") {
        if let Err(e) = E164::from_canonical(&s) {
            prop_assert_eq!(e.code(), "invalid_e164");
        }
    }
}

/// `+` then 1 to 17 bytes, mostly digits, with bytes next to the digits
/// (`/`, `:`, `?`, `@`, NUL, 0xB0–0xB9, …) to test the word-at-a-time
/// digit check at every position and length.
fn canonical_ish() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        8 => b'0'..=b'9',
        1 => prop::sample::select(vec![b'/', b':', b'?', b'@', b' ', b'+', 0, 0x7f, 0xb0, 0xb9, 0xff, 0x20, 0x3f]),
    ];
    (
        prop::collection::vec(byte, 1..18),
        prop::bool::weighted(0.95),
    )
        .prop_map(|(mut v, plus)| {
            v.insert(0, if plus { b'+' } else { b'1' });
            v
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5000))]

    /// The byte path agrees with the definition: `+`, 2 to 15 ASCII
    /// digits, then the calling-code and length rules (checked against the
    /// validation engine where it accepts the number).
    #[test]
    fn canonical_bytes_follow_the_definition(b in canonical_ish()) {
        let r = E164::from_canonical_bytes(&b);
        let digits = &b[1..];
        let shaped = b[0] == b'+'
            && (2..=15).contains(&digits.len())
            && digits.iter().all(u8::is_ascii_digit);
        match &r {
            Ok(n) => {
                prop_assert!(shaped);
                prop_assert_eq!(n.as_bytes(), &b[..]);
                prop_assert_eq!(n.as_str().as_bytes(), &b[..]);
                let padded = n.to_nul_padded();
                prop_assert_eq!(&padded[..b.len()], &b[..]);
                prop_assert!(padded[b.len()..].iter().all(|z| *z == 0));
                let cc = n.country_calling_code().to_string();
                prop_assert!(digits.starts_with(cc.as_bytes()));
                let rebuilt = format!("+{}{}", cc, n.national_number());
                prop_assert_eq!(rebuilt.as_bytes(), &b[..]);
            }
            Err(Error::InvalidE164 { reason }) => {
                let non_digit = reason == "only ASCII digits may follow +";
                if b[0] == b'+' && (2..=15).contains(&digits.len()) {
                    prop_assert_eq!(non_digit, !shaped, "{:?}: {}", b, reason);
                }
                if shaped {
                    let s = std::str::from_utf8(&b).unwrap();
                    // A number the engine calls valid as written has a known
                    // calling code and a possible length. (The engine may
                    // also read `+11…` as `+1…`; that is another number.)
                    let valid_as_written = E164::parse(s, None).is_ok_and(|n| n.as_str() == s);
                    prop_assert!(!valid_as_written, "{} rejected", s);
                }
            }
            Err(e) => prop_assert!(false, "{:?}", e),
        }
        // The str entry point is the byte entry point.
        if let Ok(s) = std::str::from_utf8(&b) {
            prop_assert_eq!(E164::from_canonical(s), r);
        }
    }
}

#[test]
fn canonical_bytes_name_the_first_problem() {
    let reason = |b: &[u8]| match E164::from_canonical_bytes(b) {
        Err(Error::InvalidE164 { reason }) => reason,
        other => panic!("{other:?}"),
    };
    assert_eq!(reason(b"14155552671"), "must start with +");
    assert_eq!(reason(b"+1"), "must have 2 to 15 digits after +");
    assert_eq!(
        reason(b"+1415555267100000"),
        "must have 2 to 15 digits after +"
    );
    // A non-digit in the first word, in the last word, and in a short number.
    assert_eq!(reason(b"+1415:552671"), "only ASCII digits may follow +");
    assert_eq!(
        reason(b"+141555526\x0071"),
        "only ASCII digits may follow +"
    );
    assert_eq!(reason(b"+44 207"), "only ASCII digits may follow +");
    assert_eq!(reason(b"+0123456789"), "unknown country calling code");
    assert_eq!(
        reason(b"+4420"),
        "impossible length for its country calling code"
    );
    let n = E164::from_canonical_bytes(b"+442071838750").unwrap();
    assert_eq!(
        (n.country_calling_code(), n.national_number()),
        (44, "2071838750")
    );
    // The shortest numbers take the byte-at-a-time path.
    assert_eq!(
        E164::from_canonical_bytes(b"+2901234").map(|n| n.country_calling_code()),
        Ok(290)
    );
}
