//! Country restrictions: may this number receive a call from a caller's
//! country, or call a callee's country?
//!
//! `allow_inbound` / `allow_outbound` switch a direction off entirely; the
//! allowed-country lists narrow it (an empty list means no restriction, as
//! the add-number screen says). Refusals are `country_not_allowed` with the
//! country and the direction.

use crate::country::Country;
use crate::error::{Direction, Error, Result};
use crate::record::PhoneNumber;

fn check(allowed: bool, list: &[Country], other: Country, direction: Direction) -> Result<()> {
    if allowed && (list.is_empty() || list.contains(&other)) {
        Ok(())
    } else {
        Err(Error::CountryNotAllowed {
            country: other.to_string(),
            direction,
        })
    }
}

/// May `number` receive a call from a caller in `caller_country`?
pub fn check_inbound(number: &PhoneNumber, caller_country: Country) -> Result<()> {
    check(
        number.allow_inbound,
        &number.allowed_inbound_countries,
        caller_country,
        Direction::Inbound,
    )
}

/// May `number` call a callee in `callee_country`?
pub fn check_outbound(number: &PhoneNumber, callee_country: Country) -> Result<()> {
    check(
        number.allow_outbound,
        &number.allowed_outbound_countries,
        callee_country,
        Direction::Outbound,
    )
}
