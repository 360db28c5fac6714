//! `Country`: an ISO 3166-1 alpha-2 code, validated and upper-case.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};
use crate::tables::COUNTRY_BITS;

/// An ISO 3166-1 alpha-2 country code such as `US` or `IN`.
///
/// Accepts the 249 officially assigned codes plus the three that telephony
/// uses beyond them: `AC` (Ascension Island), `TA` (Tristan da Cunha) and
/// `XK` (Kosovo). Parsing is case-insensitive; the value is always
/// upper-case. Two bytes, `Copy`.
///
/// ```
/// use telnum::Country;
/// let us: Country = "us".parse().unwrap();
/// assert_eq!(us.as_str(), "US");
/// assert_eq!("ZZ".parse::<Country>().unwrap_err().code(), "invalid_country");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Country([u8; 2]);

impl Country {
    /// Validates `code` (two ASCII letters, any case) against the accepted set.
    pub fn new(code: &str) -> Result<Country> {
        let invalid = || Error::InvalidCountry {
            value: code.chars().take(16).collect(),
        };
        let b = code.as_bytes();
        if b.len() != 2 {
            return Err(invalid());
        }
        let (a, c) = (b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase());
        if !a.is_ascii_uppercase() || !c.is_ascii_uppercase() {
            return Err(invalid());
        }
        if COUNTRY_BITS[usize::from(a - b'A')] & (1 << (c - b'A')) == 0 {
            return Err(invalid());
        }
        Ok(Country([a, c]))
    }

    /// Builds a country from two bytes known to be valid (generated tables).
    pub(crate) const fn from_table(code: [u8; 2]) -> Country {
        Country(code)
    }

    /// The code as a `&str`, e.g. `"GB"`.
    pub fn as_str(&self) -> &str {
        // Always two ASCII upper-case letters.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// The country calling code of this country, e.g. 44 for `GB` and `GG`,
    /// or `None` where it has no telephone numbering of its own (`AQ`).
    ///
    /// ```
    /// use telnum::Country;
    /// assert_eq!(Country::new("GB")?.calling_code(), Some(44));
    /// assert_eq!(Country::new("AQ")?.calling_code(), None);
    /// # Ok::<(), telnum::Error>(())
    /// ```
    pub fn calling_code(&self) -> Option<u16> {
        crate::e164::calling_code_of_region(*self).map(|c| c.code)
    }

    /// The two ASCII bytes of the code.
    pub const fn as_bytes(&self) -> [u8; 2] {
        self.0
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Country({})", self.as_str())
    }
}

impl FromStr for Country {
    type Err = Error;
    fn from_str(s: &str) -> Result<Country> {
        Country::new(s)
    }
}

impl Serialize for Country {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Country {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Country, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        Country::new(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_assigned_and_telephony_codes_in_any_case() {
        for c in ["US", "gb", "In", "AC", "TA", "XK", "AQ"] {
            assert_eq!(Country::new(c).unwrap().as_str(), c.to_ascii_uppercase());
        }
    }

    #[test]
    fn rejects_unassigned_and_malformed() {
        for c in ["", "U", "USA", "ZZ", "UK", "1A", "é1", "EU", "\u{0}\u{0}"] {
            assert_eq!(
                Country::new(c).unwrap_err().code(),
                "invalid_country",
                "{c:?}"
            );
        }
    }

    #[test]
    fn serde_is_the_code_string() {
        let c: Country = serde_json::from_str("\"de\"").unwrap();
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"DE\"");
        assert!(serde_json::from_str::<Country>("\"QQ\"").is_err());
    }
}
