//! Geographic keys for caller-ID geomatch, from stored E.164 values only
//! (a table probe, never a parse).
//!
//! - NANP (+1): the area code (NPA), its state or province, its time zone
//!   and its country, from the compact table `nanp.rs` generated from
//!   Python `phonenumbers`' geocoder and time-zone data.
//! - Elsewhere: national prefixes of 2 to 5 digits (the longest common one
//!   is the area-code match, as VICIdial does) and the country.

use serde::{Deserialize, Serialize};

use crate::country::Country;
use crate::e164::E164;
use crate::nanp::{COUNTRIES, NPA_GEO, STATES, TIME_ZONES};

/// Longest national prefix compared outside the NANP.
pub const MAX_PREFIX: usize = 5;
/// Shortest national prefix that counts as an area-code match.
pub const MIN_PREFIX: usize = 2;

/// How closely a caller ID matched the callee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// The callee's sticky caller ID.
    Sticky,
    /// Same NANP area code.
    SameNpa,
    /// Same national prefix of five digits (outside the NANP).
    Prefix5,
    /// Same national prefix of four digits.
    Prefix4,
    /// Same national prefix of three digits.
    Prefix3,
    /// Same national prefix of two digits.
    Prefix2,
    /// Same NANP state or province (overlay area codes land here).
    SameState,
    /// Same NANP time zone.
    SameTimeZone,
    /// Same country.
    SameCountry,
    /// Any country (only when the policy allows).
    AnyCountry,
    /// Geomatch is off: the whole pool.
    Any,
}

impl Tier {
    /// Every tier, best first.
    pub const ALL: [Tier; 11] = [
        Tier::Sticky,
        Tier::SameNpa,
        Tier::Prefix5,
        Tier::Prefix4,
        Tier::Prefix3,
        Tier::Prefix2,
        Tier::SameState,
        Tier::SameTimeZone,
        Tier::SameCountry,
        Tier::AnyCountry,
        Tier::Any,
    ];

    /// The tier's name, as serde writes it (`"same_npa"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Sticky => "sticky",
            Tier::SameNpa => "same_npa",
            Tier::Prefix5 => "prefix5",
            Tier::Prefix4 => "prefix4",
            Tier::Prefix3 => "prefix3",
            Tier::Prefix2 => "prefix2",
            Tier::SameState => "same_state",
            Tier::SameTimeZone => "same_time_zone",
            Tier::SameCountry => "same_country",
            Tier::AnyCountry => "any_country",
            Tier::Any => "any",
        }
    }

    /// The tier for a national prefix of `len` digits.
    pub(crate) fn prefix(len: usize) -> Tier {
        match len {
            5 => Tier::Prefix5,
            4 => Tier::Prefix4,
            3 => Tier::Prefix3,
            _ => Tier::Prefix2,
        }
    }
}

/// What the NANP table knows about an area code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpaInfo {
    /// The area code.
    pub npa: u16,
    /// Country of the area code.
    pub country: Country,
    /// Index of the state in the table.
    pub state: u8,
    /// Index of the time zone in the table.
    pub time_zone: u8,
}

impl NpaInfo {
    /// The state or province name, e.g. `"New Jersey"` (territories give
    /// their country code).
    pub fn state_name(&self) -> &'static str {
        STATES.get(usize::from(self.state)).copied().unwrap_or("")
    }

    /// The IANA time zone, e.g. `"America/New_York"`.
    pub fn time_zone_name(&self) -> &'static str {
        TIME_ZONES
            .get(usize::from(self.time_zone))
            .copied()
            .unwrap_or("")
    }
}

/// The area code of a NANP number and what the table knows of it.
pub fn npa_info(n: &E164) -> Option<NpaInfo> {
    if n.country_calling_code() != 1 {
        return None;
    }
    let d = n.national_bytes();
    if d.len() < 3 {
        return None;
    }
    let npa = d[..3]
        .iter()
        .fold(0u16, |a, b| a * 10 + u16::from(b.wrapping_sub(b'0')));
    let v = *NPA_GEO.get(usize::from(npa).checked_sub(200)?)?;
    if v == 0 {
        return None;
    }
    Some(NpaInfo {
        npa,
        country: Country::from_table(COUNTRIES[((v >> 16) & 0xFF) as usize]),
        state: ((v >> 8) & 0xFF) as u8,
        time_zone: (v & 0xFF) as u8,
    })
}

/// A group of pool members sharing a geographic trait. Packed into a u64
/// so that lookups hash one integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct GeoKey(u64);

impl GeoKey {
    const NPA: u64 = 1;
    const STATE: u64 = 2;
    const TZ: u64 = 3;
    const COUNTRY: u64 = 4;
    const PREFIX: u64 = 5;
    const ANY: u64 = 6;

    pub(crate) fn any() -> GeoKey {
        GeoKey(Self::ANY << 56)
    }
    fn country(c: Country) -> GeoKey {
        let b = c.as_bytes();
        GeoKey(Self::COUNTRY << 56 | u64::from(b[0]) << 8 | u64::from(b[1]))
    }
    fn nanp(kind: u64, v: u16) -> GeoKey {
        GeoKey(kind << 56 | u64::from(v))
    }
    fn prefix(cc: u16, digits: &[u8]) -> GeoKey {
        // kind | len (4 bits) | cc (10 bits) | prefix value (up to 5 digits).
        let value = digits
            .iter()
            .fold(0u64, |a, b| a * 10 + u64::from(b.wrapping_sub(b'0')));
        GeoKey(Self::PREFIX << 56 | (digits.len() as u64) << 48 | u64::from(cc) << 24 | value)
    }
}

/// The groups a member belongs to (for the pool's index).
pub(crate) fn member_keys(n: &E164, country: Country) -> Vec<GeoKey> {
    let mut keys = vec![GeoKey::any(), GeoKey::country(country)];
    if let Some(info) = npa_info(n) {
        keys.push(GeoKey::nanp(GeoKey::NPA, info.npa));
        keys.push(GeoKey::nanp(GeoKey::STATE, u16::from(info.state)));
        keys.push(GeoKey::nanp(GeoKey::TZ, u16::from(info.time_zone)));
    } else if n.country_calling_code() != 1 {
        let d = n.national_bytes();
        for len in MIN_PREFIX..=MAX_PREFIX.min(d.len()) {
            keys.push(GeoKey::prefix(n.country_calling_code(), &d[..len]));
        }
    }
    keys
}

/// The tiers to try for a callee, best first, with their group keys.
/// `callee_country` is the callee's country when known.
pub(crate) fn callee_tiers(
    callee: &E164,
    callee_country: Option<Country>,
    geomatch: bool,
    lowest: Tier,
) -> Tiers {
    let mut tiers = Tiers {
        items: [(Tier::Any, GeoKey::any()); 8],
        len: 0,
    };
    if !geomatch {
        tiers.push((Tier::Any, GeoKey::any()));
        return tiers;
    }
    let npa = npa_info(callee);
    if let Some(info) = npa {
        tiers.push((Tier::SameNpa, GeoKey::nanp(GeoKey::NPA, info.npa)));
        tiers.push((
            Tier::SameState,
            GeoKey::nanp(GeoKey::STATE, u16::from(info.state)),
        ));
        tiers.push((
            Tier::SameTimeZone,
            GeoKey::nanp(GeoKey::TZ, u16::from(info.time_zone)),
        ));
    } else if callee.country_calling_code() != 1 {
        let d = callee.national_bytes();
        for len in (MIN_PREFIX..=MAX_PREFIX.min(d.len())).rev() {
            tiers.push((
                Tier::prefix(len),
                GeoKey::prefix(callee.country_calling_code(), &d[..len]),
            ));
        }
    }
    if let Some(c) = npa.map(|i| i.country).or(callee_country) {
        tiers.push((Tier::SameCountry, GeoKey::country(c)));
    }
    tiers.push((Tier::AnyCountry, GeoKey::any()));
    // The floor: this tier and the ones before it (Tier's order).
    let kept = tiers.iter().take_while(|(t, _)| *t <= lowest).count();
    tiers.len = kept as u8;
    tiers
}

/// The tiers of a callee, best first, in place (a pick allocates nothing
/// for them): at most 4 prefixes, or area code, state and time zone; then
/// country and any country.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tiers {
    items: [(Tier, GeoKey); 8],
    len: u8,
}

impl Tiers {
    fn push(&mut self, t: (Tier, GeoKey)) {
        if let Some(slot) = self.items.get_mut(self.len as usize) {
            *slot = t;
            self.len += 1;
        }
    }
}

impl std::ops::Deref for Tiers {
    type Target = [(Tier, GeoKey)];
    fn deref(&self) -> &Self::Target {
        &self.items[..self.len as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tier_names_are_the_serde_names_in_order() {
        for (i, t) in Tier::ALL.iter().enumerate() {
            assert_eq!(serde_json::to_value(t).unwrap(), t.as_str());
            assert_eq!(
                serde_json::from_value::<Tier>(serde_json::json!(t.as_str())).unwrap(),
                *t
            );
            if i > 0 {
                assert!(Tier::ALL[i - 1] < *t, "best first");
            }
        }
    }

    fn e(s: &str) -> E164 {
        E164::from_canonical(s).unwrap()
    }

    #[test]
    fn nanp_table_knows_states_zones_and_countries() {
        let nj = npa_info(&e("+12015550123")).unwrap();
        assert_eq!(
            (nj.npa, nj.state_name(), nj.time_zone_name()),
            (201, "New Jersey", "America/New_York")
        );
        assert_eq!(nj.country.as_str(), "US");
        let to = npa_info(&e("+14165550123")).unwrap();
        assert_eq!((to.country.as_str(), to.state_name()), ("CA", "Ontario"));
        // 212 and 646 overlay Manhattan: same state, different NPA.
        let a = npa_info(&e("+12125550123")).unwrap();
        let b = npa_info(&e("+16465550123")).unwrap();
        assert_ne!(a.npa, b.npa);
        assert_eq!(a.state, b.state);
        assert_eq!(
            npa_info(&e("+18005550100")).map(|i| i.npa),
            None,
            "toll-free has no geography"
        );
        assert!(npa_info(&e("+442071838750")).is_none());
    }

    #[test]
    fn tiers_for_nanp_and_elsewhere() {
        let t: Vec<Tier> = callee_tiers(&e("+12015550123"), None, true, Tier::AnyCountry)
            .iter()
            .map(|t| t.0)
            .collect();
        assert_eq!(
            t,
            [
                Tier::SameNpa,
                Tier::SameState,
                Tier::SameTimeZone,
                Tier::SameCountry,
                Tier::AnyCountry
            ]
        );
        let uk = Country::new("GB").ok();
        let t: Vec<Tier> = callee_tiers(&e("+442071838750"), uk, true, Tier::SameCountry)
            .iter()
            .map(|t| t.0)
            .collect();
        assert_eq!(
            t,
            [
                Tier::Prefix5,
                Tier::Prefix4,
                Tier::Prefix3,
                Tier::Prefix2,
                Tier::SameCountry
            ]
        );
        assert_eq!(
            callee_tiers(&e("+442071838750"), uk, false, Tier::SameCountry)[0].0,
            Tier::Any
        );
    }
}
