//! The validation engine, behind one module so it can be swapped.
//!
//! With the `validation` feature (the default) this is `rlibphonenumber`, a
//! port of Google's libphonenumber: it validates number ranges, finds the
//! region of shared calling codes and classifies the number type. Its
//! metadata loads on first use (a few milliseconds) and is immutable after.
//!
//! Without it (the "lite" build) numbers are checked structurally only:
//! a known calling code and a possible national length. National formats
//! drop one trunk prefix (`0`, or `1` in the NANP). Number ranges are **not**
//! validated, and the kind is always [`NumberKind::Other`].
//!
//! The engine only ever receives `+` and ASCII digits: [`crate::e164`] has
//! already cleaned the input.

use crate::country::Country;
use crate::e164::{Format, E164};
use crate::error::{Error, Result};
use crate::kind::NumberKind;

pub(crate) use imp::{format, kind, parse, region};

#[cfg(feature = "engine")]
mod imp {
    use super::*;
    use rlibphonenumber::{
        ParseError, PhoneNumber, PhoneNumberFormat, PhoneNumberType, Region, ValidationError,
        PHONE_NUMBER_UTIL,
    };

    fn to_region(c: Country) -> Option<Region> {
        Region::from_code(c.as_str()).ok()
    }

    fn to_country(r: Region) -> Option<Country> {
        Country::new(r.as_region_str().as_str()).ok()
    }

    fn engine_number(n: &E164) -> Option<PhoneNumber> {
        PHONE_NUMBER_UTIL.parse(n.as_str(), None).ok()
    }

    /// Parses cleaned input (`+digits` or `digits`) and accepts it only if
    /// the engine finds it valid.
    pub(crate) fn parse(cleaned: &str, region: Option<Country>) -> Result<E164> {
        let international = cleaned.starts_with('+');
        let engine_region = match region {
            Some(c) => Some(to_region(c).ok_or(Error::InvalidCountry {
                value: c.to_string(),
            })?),
            None if international => None,
            None => return Err(Error::RegionRequired),
        };
        let number = PHONE_NUMBER_UTIL
            .parse(cleaned, engine_region)
            .map_err(|e| match e {
                ParseError::InvalidCountryCode => Error::InvalidCountryCode,
                ParseError::TooShortAfterIdd | ParseError::TooShortNsn => Error::TooShort,
                ParseError::TooLongNsn => Error::TooLong,
                ParseError::NotANumber(_) => Error::InvalidNumber,
            })?;
        if !PHONE_NUMBER_UTIL.is_valid_number(&number) {
            return Err(
                match PHONE_NUMBER_UTIL.is_possible_number_with_reason(&number) {
                    Err(ValidationError::InvalidCountryCode) => Error::InvalidCountryCode,
                    Err(ValidationError::TooShort) => Error::TooShort,
                    Err(ValidationError::TooLong) => Error::TooLong,
                    _ => Error::InvalidNumber,
                },
            );
        }
        let canonical = PHONE_NUMBER_UTIL.format(&number, PhoneNumberFormat::E164);
        let digits = canonical.strip_prefix('+').unwrap_or(&canonical);
        // The engine allows national numbers longer than E.164's 15 digits.
        E164::from_digits(digits.as_bytes())
    }

    pub(crate) fn region(n: &E164) -> Option<Country> {
        engine_number(n)
            .and_then(|p| PHONE_NUMBER_UTIL.get_region_for_number(&p))
            .and_then(to_country)
    }

    pub(crate) fn kind(n: &E164) -> NumberKind {
        let Some(p) = engine_number(n) else {
            return NumberKind::Other;
        };
        match PHONE_NUMBER_UTIL.get_number_type(&p) {
            PhoneNumberType::FixedLine => NumberKind::Local,
            PhoneNumberType::Mobile => NumberKind::Mobile,
            PhoneNumberType::FixedLineOrMobile => NumberKind::FixedLineOrMobile,
            PhoneNumberType::TollFree => NumberKind::TollFree,
            PhoneNumberType::PremiumRate => NumberKind::PremiumRate,
            PhoneNumberType::SharedCost => NumberKind::SharedCost,
            PhoneNumberType::VoIP => NumberKind::Voip,
            PhoneNumberType::PersonalNumber => NumberKind::PersonalNumber,
            PhoneNumberType::UAN => NumberKind::Uan,
            _ => NumberKind::Other,
        }
    }

    pub(crate) fn format(n: &E164, format: Format) -> String {
        let Some(p) = engine_number(n) else {
            return n.as_str().to_string();
        };
        let f = match format {
            Format::E164 => PhoneNumberFormat::E164,
            Format::International => PhoneNumberFormat::International,
            Format::National => PhoneNumberFormat::National,
            Format::Rfc3966 => PhoneNumberFormat::RFC3966,
        };
        PHONE_NUMBER_UTIL.format(&p, f).into_owned()
    }
}

#[cfg(not(feature = "engine"))]
mod imp {
    use super::*;
    use crate::e164::calling_code_of_region;

    /// Structural parse: international prefixes and one trunk prefix are
    /// handled by rule of thumb, not by metadata.
    pub(crate) fn parse(cleaned: &str, region: Option<Country>) -> Result<E164> {
        if let Some(digits) = cleaned.strip_prefix('+') {
            return E164::from_digits(digits.as_bytes());
        }
        let region = region.ok_or(Error::RegionRequired)?;
        let cc = calling_code_of_region(region).ok_or(Error::InvalidCountryCode)?;
        let nanp = cc.code == 1;
        let idd: &[&str] = if nanp { &["011"] } else { &["00"] };
        for p in idd {
            if let Some(rest) = cleaned.strip_prefix(p) {
                return E164::from_digits(rest.as_bytes());
            }
        }
        let national = if nanp {
            cleaned.strip_prefix('1').unwrap_or(cleaned)
        } else {
            cleaned.strip_prefix('0').unwrap_or(cleaned)
        };
        let full = format!("{}{}", cc.code, national);
        E164::from_digits(full.as_bytes())
    }

    pub(crate) fn region(_n: &E164) -> Option<Country> {
        None
    }

    pub(crate) fn kind(_n: &E164) -> NumberKind {
        NumberKind::Other
    }

    pub(crate) fn format(n: &E164, format: Format) -> String {
        match format {
            Format::E164 => n.as_str().to_string(),
            Format::International => {
                format!("+{} {}", n.country_calling_code(), n.national_number())
            }
            Format::National => n.national_number().to_string(),
            Format::Rfc3966 => format!("tel:+{}-{}", n.country_calling_code(), n.national_number()),
        }
    }
}
