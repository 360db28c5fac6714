//! `Money`: an amount in integer minor units with an ISO 4217 currency.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

/// ISO 4217 codes accepted by [`Currency`], sorted.
const CURRENCIES: &str = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND \
BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF \
DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR \
IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA \
MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR \
PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB \
TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XAG XAU \
XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XTS XUA XXX YER ZAR ZMW ZWG ZWL";

/// An ISO 4217 currency code such as `USD` (upper-case, three bytes, `Copy`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

impl Currency {
    /// US dollar.
    pub const USD: Currency = Currency(*b"USD");
    /// Euro.
    pub const EUR: Currency = Currency(*b"EUR");
    /// Indian rupee.
    pub const INR: Currency = Currency(*b"INR");

    /// Validates a code (any case) against ISO 4217.
    pub fn new(code: &str) -> Result<Currency> {
        let up = code.to_ascii_uppercase();
        let b = up.as_bytes();
        if b.len() == 3 && b.iter().all(u8::is_ascii_uppercase) {
            let found = CURRENCIES.split(' ').any(|c| c == up);
            if found {
                return Ok(Currency([b[0], b[1], b[2]]));
            }
        }
        Err(Error::InvalidCurrency {
            value: code.chars().take(16).collect(),
        })
    }

    /// The code, e.g. `"EUR"`.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// Digits after the decimal point of this currency's minor unit (2 for
    /// most; 0 for JPY, KRW…; 3 for BHD, KWD…).
    pub fn minor_digits(&self) -> u32 {
        match &self.0 {
            b"BIF" | b"CLP" | b"DJF" | b"GNF" | b"ISK" | b"JPY" | b"KMF" | b"KRW" | b"PYG"
            | b"RWF" | b"UGX" | b"UYI" | b"VND" | b"VUV" | b"XAF" | b"XOF" | b"XPF" => 0,
            b"BHD" | b"IQD" | b"JOD" | b"KWD" | b"LYD" | b"OMR" | b"TND" => 3,
            b"CLF" | b"UYW" => 4,
            _ => 2,
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.as_str())
    }
}

impl FromStr for Currency {
    type Err = Error;
    fn from_str(s: &str) -> Result<Currency> {
        Currency::new(s)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Currency, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        Currency::new(&s).map_err(serde::de::Error::custom)
    }
}

/// An amount of money in integer minor units (cents, paise…) of a currency.
/// Never a float.
///
/// ```
/// use telnum::{Currency, Money};
/// let setup = Money::new(100, Currency::USD);
/// let month = Money::new(115, Currency::USD);
/// assert_eq!(setup.checked_add(month).unwrap().amount_minor, 215);
/// assert_eq!(setup.to_string(), "1.00 USD");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Money {
    /// The amount in minor units; negative for credits.
    pub amount_minor: i64,
    /// The currency.
    pub currency: Currency,
}

impl Money {
    /// An amount of `amount_minor` minor units of `currency`.
    pub const fn new(amount_minor: i64, currency: Currency) -> Money {
        Money {
            amount_minor,
            currency,
        }
    }

    /// Zero of `currency`.
    pub const fn zero(currency: Currency) -> Money {
        Money::new(0, currency)
    }

    /// The sum, or `invalid_input` when currencies differ or it overflows.
    pub fn checked_add(self, other: Money) -> Result<Money> {
        if self.currency != other.currency {
            return Err(Error::invalid_input(format!(
                "cannot add {} to {}",
                other.currency, self.currency
            )));
        }
        self.amount_minor
            .checked_add(other.amount_minor)
            .map(|a| Money::new(a, self.currency))
            .ok_or_else(|| Error::invalid_input("money amount overflows"))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.currency.minor_digits();
        let sign = if self.amount_minor < 0 { "-" } else { "" };
        let abs = self.amount_minor.unsigned_abs();
        if digits == 0 {
            return write!(f, "{sign}{abs} {}", self.currency);
        }
        let scale = 10u64.pow(digits);
        write!(
            f,
            "{sign}{}.{:0width$} {}",
            abs / scale,
            abs % scale,
            self.currency,
            width = digits as usize
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currency_validation() {
        assert_eq!(Currency::new("usd").unwrap(), Currency::USD);
        for bad in ["", "US", "USDD", "ABC", "12$"] {
            assert_eq!(Currency::new(bad).unwrap_err().code(), "invalid_currency");
        }
    }

    #[test]
    fn money_adds_only_same_currency_and_formats_minor_units() {
        let a = Money::new(250, Currency::USD);
        assert!(a.checked_add(Money::new(1, Currency::EUR)).is_err());
        assert!(Money::new(i64::MAX, Currency::USD).checked_add(a).is_err());
        assert_eq!(Money::new(-5, Currency::USD).to_string(), "-0.05 USD");
        assert_eq!(
            Money::new(1200, Currency::new("JPY").unwrap()).to_string(),
            "1200 JPY"
        );
        assert_eq!(
            Money::new(1234, Currency::new("KWD").unwrap()).to_string(),
            "1.234 KWD"
        );
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, r#"{"amount_minor":250,"currency":"USD"}"#);
        assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), a);
    }
}
