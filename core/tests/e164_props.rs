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
