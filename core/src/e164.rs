//! `E164`: a validated, normalised phone number, and the two ways to get one.
//!
//! - [`E164::parse`] takes what people type (spaces, dashes, dots,
//!   parentheses, `00`/`011` international prefixes, `tel:` URIs, Unicode
//!   digits, bidi marks, a default region for national formats) and returns
//!   a number only if the validation engine says it is valid.
//! - [`E164::from_canonical`] is the fast structural path for strings that
//!   are already canonical (loaded from storage, received from a provider):
//!   `+`, a known country calling code and a possible length for it, checked
//!   without the engine. Serde deserialisation uses this path.
//!
//! Input clean-up (the part people type) is telnum's own code, so that the
//! engine only ever sees `+` and ASCII digits; `tel:` URIs are parsed here
//! too, never by the engine.
//!
//! # What the parser accepts, next to libphonenumber
//!
//! The rule: telnum never accepts a number other than the one
//! libphonenumber reads from the same text. Where the two differ, telnum
//! refuses (with a code) what the reference would accept, never the other
//! way round. The choices:
//!
//! - **Separators** are libphonenumber's punctuation set (`-`, `.`, `(`,
//!   `)`, `/`, `[`, `]`, `~`, the Unicode dashes, full-width forms, `⁓`,
//!   `∼`, `～`) and whitespace.
//! - **Extensions** are refused (`extension_not_allowed`) wherever the
//!   reference reads one: `x`, `ext`, `extension`, `#`, `;ext=`, and the
//!   ambiguous markers `~`, `～`, `,` and `;` followed by up to nine
//!   digits (fifteen after `;`) at the end of a number of two digits or
//!   more. `+4366412345 ~1` is an extension, not `+43664123451`.
//! - **Pasted punctuation** is dropped as the reference drops it: anything
//!   before the first `+`, digit or letter (quotes, `<`, bullets) and
//!   anything after the last digit, letter or `#` (quotes, `>`, `!`, `.`).
//!   Letters are never dropped: vanity numbers and words around a number
//!   are refused (`invalid_characters`), where the reference would skip
//!   leading words.
//! - **Tabs** (and the other whitespace controls LF, CR, VT, FF) separate
//!   digits like a space. The reference refuses a tab inside a number; we
//!   accept it because numbers pasted from spreadsheets carry tabs, and the
//!   digits read are the same.
//! - **Other C0 control characters** are dropped at the edges, as the
//!   reference does, and refused inside a number (`invalid_characters`):
//!   the reference would refuse them there too.
//! - **`tel:` URIs** follow RFC 3966 strictly inside (no spaces), but a
//!   space right after the colon (`tel: +212650123456`) is skipped, as the
//!   reference does.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::country::Country;
use crate::engine;
use crate::error::{Error, Result, MAX_INPUT_CHARS};
use crate::kind::NumberKind;
use crate::tables::{CallingCode, CALLING_CODES, CALLING_CODE_INDEX, DIGIT_ZEROS};

/// The most digits an E.164 number has (country code included).
pub const MAX_DIGITS: usize = 15;

/// A valid phone number in E.164 form, such as `+14155550100`.
///
/// 18 bytes, `Copy`, no heap: comparing, hashing and copying are cheap, and
/// the ordering is the ordering of the `+…` strings. `Display`, `FromStr`
/// (the full parser, no default region) and serde (the `+…` string; reading
/// uses the structural path) all use the canonical form.
///
/// ```
/// use telnum::{Country, E164, NumberKind};
/// let us = Country::new("US")?;
/// let n = E164::parse("(415) 555-2671", Some(us))?;
/// assert_eq!(n.as_str(), "+14155552671");
/// assert_eq!(n.country_calling_code(), 1);
/// assert_eq!(n.national_number(), "4155552671");
/// assert_eq!(n.region(), Some(us));
/// assert_eq!(n.kind(), NumberKind::FixedLineOrMobile);
///
/// // What people type, in many shapes, lands on the same value.
/// for typed in ["+1 415.555.2671", "011 1 415 555 2671", "tel:+1-415-555-2671"] {
///     assert_eq!(E164::parse(typed, Some(us))?, n);
/// }
/// // Bad input gets a coded error.
/// assert_eq!(E164::parse("1-800-FLOWERS", Some(us)).unwrap_err().code(), "invalid_characters");
/// assert_eq!(E164::parse("+1 415 555 2671 x12", None).unwrap_err().code(), "extension_not_allowed");
/// # Ok::<(), telnum::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct E164 {
    /// `+` then the digits; unused bytes are zero so derived traits agree
    /// with the string.
    buf: [u8; 1 + MAX_DIGITS + 1],
    /// Bytes used in `buf`, `+` included.
    len: u8,
    /// Digits of the country calling code (1 to 3).
    cc_len: u8,
}

/// How to write a number with [`E164::format`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// `+14155552671`
    E164,
    /// `+1 415-555-2671`
    International,
    /// `(415) 555-2671`
    National,
    /// `tel:+1-415-555-2671`
    Rfc3966,
}

/// Everything telnum knows about a number, in one serialisable value (the
/// form `parseE164` returns in JS and `telnum_e164_parse` in C).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumberInfo {
    /// The canonical `+…` form.
    pub e164: E164,
    /// The country calling code, e.g. 44.
    pub country_calling_code: u16,
    /// The national significant number, e.g. `"2071838750"`.
    pub national_number: String,
    /// The region, when the number belongs to one (None for `+800` etc.).
    pub region: Option<Country>,
    /// The type of number.
    pub kind: NumberKind,
}

/// Looks up the calling code at the start of `digits` (ASCII, first digit
/// non-zero). Calling codes are prefix-free, so at most one matches.
pub(crate) fn calling_code_prefix(digits: &[u8]) -> Option<(&'static CallingCode, usize)> {
    let mut cc = 0usize;
    for (i, d) in digits.iter().take(3).enumerate() {
        cc = cc * 10 + usize::from(d.wrapping_sub(b'0'));
        if cc >= 1000 {
            return None;
        }
        let row = CALLING_CODE_INDEX[cc];
        if row != 0 {
            return Some((&CALLING_CODES[usize::from(row) - 1], i + 1));
        }
    }
    None
}

/// Whether all eight bytes of `w` are ASCII digits: each byte's high
/// nibble is 3 and adding 6 leaves it 3 (so the low nibble is at most 9;
/// with high nibbles of 3 no byte carries into the next).
fn all_ascii_digits(w: u64) -> bool {
    const HIGH: u64 = 0xf0f0_f0f0_f0f0_f0f0;
    const THREES: u64 = 0x3030_3030_3030_3030;
    w & HIGH == THREES && w.wrapping_add(0x0606_0606_0606_0606) & HIGH == THREES
}

/// The calling-code row of a region.
pub(crate) fn calling_code_of_region(region: Country) -> Option<&'static CallingCode> {
    let b = region.as_bytes();
    CALLING_CODES.iter().find(|c| c.regions.contains(&b))
}

impl E164 {
    /// Parses what a person typed; `default_region` interprets national
    /// formats (`(415) 555-2671`, `020 7183 8750`) and international
    /// prefixes (`011` from the US, `00` from most of the world).
    ///
    /// Accepts spaces, dashes, dots, slashes, parentheses, full-width and
    /// other Unicode decimal digits, `tel:` URIs (RFC 3966, with
    /// `phone-context`), and strips bidi and invisible marks (U+200B–U+200F,
    /// U+202A–U+202E, U+2060, U+2066–U+2069, U+FEFF).
    ///
    /// # Errors
    /// Each with its own code: `input_too_long` (over 250 characters, checked
    /// before anything else), `empty_input`, `invalid_characters` (letters,
    /// symbols), `extension_not_allowed`, `invalid_tel_uri`,
    /// `region_required`, `invalid_country_code`, `too_short`, `too_long`,
    /// and `invalid_number` (well-formed but not valid for its region).
    /// Never panics.
    pub fn parse(input: &str, default_region: Option<Country>) -> Result<E164> {
        let cleaned = clean(input, default_region)?;
        engine::parse(&cleaned, default_region)
    }

    /// The fast structural path for strings already in canonical form: `+`
    /// then 2 to 15 ASCII digits, a known country calling code, and a
    /// national number whose length is possible for that code. Does not
    /// call the validation engine.
    ///
    /// ```
    /// use telnum::E164;
    /// let n = E164::from_canonical("+442071838750")?;
    /// assert_eq!(n.country_calling_code(), 44);
    /// assert_eq!(E164::from_canonical("+44 20").unwrap_err().code(), "invalid_e164");
    /// # Ok::<(), telnum::Error>(())
    /// ```
    pub fn from_canonical(s: &str) -> Result<E164> {
        Self::from_canonical_bytes(s.as_bytes())
    }

    /// [`E164::from_canonical`] over raw bytes, for callers that hold bytes
    /// rather than a `str` (a C buffer, a network frame): anything but `+`
    /// and ASCII digits is `invalid_e164`, so no UTF-8 check is needed
    /// first.
    ///
    /// ```
    /// use telnum::E164;
    /// assert_eq!(E164::from_canonical_bytes(b"+14155552671")?.as_str(), "+14155552671");
    /// assert!(E164::from_canonical_bytes(b"+1415\xff5552671").is_err());
    /// # Ok::<(), telnum::Error>(())
    /// ```
    pub fn from_canonical_bytes(b: &[u8]) -> Result<E164> {
        let bad = |reason: &str| Error::InvalidE164 {
            reason: reason.to_string(),
        };
        if b.first() != Some(&b'+') {
            return Err(bad("must start with +"));
        }
        if b.len() < 3 || b.len() > 1 + MAX_DIGITS {
            return Err(bad("must have 2 to 15 digits after +"));
        }
        let mut buf = [0u8; 1 + MAX_DIGITS + 1];
        let digits_ok = if b.len() > 8 {
            // Most numbers: two overlapping 8-byte words, the `+` out of
            // the second one, checked eight digits at a time (the hot path
            // of a C or JS caller).
            let word = |at: usize| {
                let mut w = [0u8; 8];
                w.copy_from_slice(&b[at..at + 8]);
                u64::from_le_bytes(w)
            };
            let (lo, hi) = (word(0), word(b.len() - 8));
            buf[..8].copy_from_slice(&lo.to_le_bytes());
            buf[b.len() - 8..b.len()].copy_from_slice(&hi.to_le_bytes());
            // `+` is byte 0 of `lo`: check it as a `0`.
            all_ascii_digits((lo & !0xff) | u64::from(b'0')) && all_ascii_digits(hi)
        } else {
            buf[..b.len()].copy_from_slice(b);
            b[1..].iter().all(u8::is_ascii_digit)
        };
        if !digits_ok {
            return Err(bad("only ASCII digits may follow +"));
        }
        Self::from_buf(buf, b.len()).map_err(|e| match e {
            Error::InvalidCountryCode => bad("unknown country calling code"),
            _ => bad("impossible length for its country calling code"),
        })
    }

    /// Builds a number from ASCII digits (country code first), checking the
    /// calling code and the possible national lengths.
    pub(crate) fn from_digits(digits: &[u8]) -> Result<E164> {
        if digits.len() > MAX_DIGITS {
            // The calling code is judged first, as for shorter input.
            let known =
                digits.first().is_some_and(|d| *d != b'0') && calling_code_prefix(digits).is_some();
            return Err(if known {
                Error::TooLong
            } else {
                Error::InvalidCountryCode
            });
        }
        let mut buf = [0u8; 1 + MAX_DIGITS + 1];
        buf[0] = b'+';
        buf[1..=digits.len()].copy_from_slice(digits);
        Self::from_buf(buf, digits.len() + 1)
    }

    /// Checks `buf[..len]`, `+` then at most [`MAX_DIGITS`] ASCII digits and
    /// zeros after them, for a known calling code and a possible length.
    fn from_buf(buf: [u8; 1 + MAX_DIGITS + 1], len: usize) -> Result<E164> {
        let digits = &buf[1..len];
        if digits.first().is_none_or(|d| *d == b'0') {
            return Err(Error::InvalidCountryCode);
        }
        let Some((cc, cc_len)) = calling_code_prefix(digits) else {
            return Err(Error::InvalidCountryCode);
        };
        let nsn = digits.len() - cc_len;
        if nsn < usize::from(cc.min_nsn) {
            return Err(Error::TooShort);
        }
        if nsn > usize::from(cc.max_nsn) {
            return Err(Error::TooLong);
        }
        Ok(E164 {
            buf,
            len: len as u8,
            cc_len: cc_len as u8,
        })
    }

    /// The canonical form, e.g. `"+14155552671"`.
    pub fn as_str(&self) -> &str {
        // Only '+' and ASCII digits are ever stored.
        std::str::from_utf8(&self.buf[..usize::from(self.len)]).unwrap_or("+")
    }

    /// The canonical form as bytes (`+` and ASCII digits), without the
    /// UTF-8 check [`E164::as_str`] makes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..usize::from(self.len)]
    }

    /// The canonical form in a fixed array: `+`, the digits, then zero
    /// bytes (at least one, so it is also a NUL-terminated C string). For
    /// fixed-size records such as the C binding's `TelnumPickResult`.
    pub fn to_nul_padded(&self) -> [u8; 1 + MAX_DIGITS + 1] {
        self.buf
    }

    /// The digits without `+`.
    pub fn digits(&self) -> &str {
        &self.as_str()[1..]
    }

    /// The national significant number as ASCII digit bytes (no UTF-8
    /// check), for the pool's hot path.
    pub(crate) fn national_bytes(&self) -> &[u8] {
        &self.buf[1 + usize::from(self.cc_len)..usize::from(self.len)]
    }

    /// The country calling code, e.g. 1 or 44.
    pub fn country_calling_code(&self) -> u16 {
        self.buf[1..=usize::from(self.cc_len)]
            .iter()
            .fold(0u16, |a, d| a * 10 + u16::from(d - b'0'))
    }

    /// The national significant number (no trunk prefix), e.g. `"4155552671"`.
    pub fn national_number(&self) -> &str {
        &self.as_str()[1 + usize::from(self.cc_len)..]
    }

    /// The region the number belongs to. Free when the calling code serves
    /// one region; for shared codes (+1, +7, +44, …) it asks the validation
    /// engine (about a microsecond). `None` for non-geographic numbers
    /// (+800, +870, …) and, in a build without the engine, for shared codes.
    pub fn region(&self) -> Option<Country> {
        let (cc, _) = calling_code_prefix(self.digits().as_bytes())?;
        match cc.regions {
            [] => None,
            [one] => Some(Country::from_table(*one)),
            _ => engine::region(self),
        }
    }

    /// The type of number according to the validation engine
    /// ([`NumberKind::Other`] in a build without the engine).
    pub fn kind(&self) -> NumberKind {
        engine::kind(self)
    }

    /// Writes the number in `format`. Without the validation engine,
    /// `International` is `+CC NSN`, `National` the bare national number.
    pub fn format(&self, format: Format) -> String {
        match format {
            Format::E164 => self.as_str().to_string(),
            _ => engine::format(self, format),
        }
    }

    /// Calling code, national number, region and kind together.
    pub fn info(&self) -> NumberInfo {
        NumberInfo {
            e164: *self,
            country_calling_code: self.country_calling_code(),
            national_number: self.national_number().to_string(),
            region: self.region(),
            kind: self.kind(),
        }
    }
}

impl fmt::Display for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "E164({})", self.as_str())
    }
}

impl FromStr for E164 {
    type Err = Error;
    /// The full parser with no default region: `"+1 415 555 2671"` works,
    /// a national format does not.
    fn from_str(s: &str) -> Result<E164> {
        E164::parse(s, None)
    }
}

impl Serialize for E164 {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for E164 {
    /// Reads the canonical form through the structural path.
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<E164, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        E164::from_canonical(&s).map_err(serde::de::Error::custom)
    }
}

// ---------------------------------------------------------------------------
// Input clean-up: what people type -> "+digits" or "digits".

/// Bidi controls and invisible marks that copy-paste leaves in numbers.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Separators people put between digits (libphonenumber's punctuation set).
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(c,
            '-' | '.' | '(' | ')' | '/' | '[' | ']' | '~' | '\u{00AD}'
            | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{30FC}' | '\u{FF0D}'..='\u{FF0F}'
            | '\u{FF08}' | '\u{FF09}' | '\u{FF3B}' | '\u{FF3D}' | '\u{2053}' | '\u{223C}'
            | '\u{FF5E}')
}

/// The value of a Unicode decimal digit (category Nd), if `c` is one.
pub(crate) fn decimal_digit(c: char) -> Option<u8> {
    if c.is_ascii_digit() {
        return Some(c as u8 - b'0');
    }
    let cp = c as u32;
    if cp < 0x660 {
        return None;
    }
    let i = DIGIT_ZEROS.partition_point(|z| *z <= cp);
    let zero = *DIGIT_ZEROS.get(i.checked_sub(1)?)?;
    let d = cp - zero;
    (d < 10).then_some(d as u8)
}

fn is_plus(c: char) -> bool {
    c == '+' || c == '\u{FF0B}'
}

/// Words that introduce an extension (libphonenumber's list, lower-case).
const EXTENSION_WORDS: &[&str] = &[
    "extensión",
    "extensio\u{301}n",
    "extension",
    "ｅｘｔｎ",
    "ｅｘｔ",
    "ｘ",
    "ｉｎｔ",
    "доб",
    "＃",
    "extn",
    "ext",
    "xtn",
    "x",
    "doba",
    "anexo",
    "ramal",
    "int",
    "#",
];

/// True when `rest` (starting at a letter or `#`) is an extension marker
/// followed by digits and nothing else.
fn is_extension(rest: &str) -> bool {
    let lower: String = rest.chars().flat_map(char::to_lowercase).collect();
    for w in EXTENSION_WORDS {
        if let Some(tail) = lower.strip_prefix(w) {
            let tail = tail.trim_start_matches(|c: char| c == '.' || c == ':' || c.is_whitespace());
            let tail = tail.trim_end_matches(|c: char| c == '#' || c.is_whitespace());
            if !tail.is_empty() && tail.chars().all(|c| decimal_digit(c).is_some()) {
                return true;
            }
        }
    }
    false
}

/// True when `rest` (what follows an ambiguous extension marker: `~`, `～`,
/// `,` or `;`) is an extension as libphonenumber reads one: an optional
/// `:` or `.`, separators, 1 to `max` digits, an optional `#`, the end.
fn is_marked_extension(rest: &str, max: usize) -> bool {
    let rest = rest
        .strip_prefix([':', '.', '\u{FF0E}'])
        .unwrap_or(rest)
        .trim_start_matches([' ', '\u{A0}', '\t', ',', '-']);
    let rest = rest.trim_end();
    let rest = rest.strip_suffix(['#', '\u{FF03}']).unwrap_or(rest);
    let n = rest.chars().count();
    (1..=max).contains(&n) && rest.chars().all(|c| decimal_digit(c).is_some())
}

/// What people paste around a number, as libphonenumber drops it: anything
/// before the first `+`, digit or letter (quotes, `<`, `(`, bullets,
/// control characters), and anything after the last digit, letter or `#`
/// (quotes, `>`, sentence punctuation). Letters are kept, so that they are
/// refused.
fn trim_pasted(s: &str) -> &str {
    let keep_start = |c: char| is_plus(c) || decimal_digit(c).is_some() || c.is_alphabetic();
    let Some(start) = s.find(keep_start) else {
        return "";
    };
    let s = &s[start..];
    let keep_end =
        |c: char| decimal_digit(c).is_some() || c.is_alphabetic() || c == '#' || c == '\u{FF03}';
    match s.rfind(keep_end) {
        Some(i) => &s[..i + s[i..].chars().next().map_or(0, char::len_utf8)],
        None => "",
    }
}

/// Turns typed input into `+digits` (international) or `digits` (national).
fn clean(input: &str, default_region: Option<Country>) -> Result<String> {
    // The length limit comes before any other work.
    if input.len() > MAX_INPUT_CHARS && input.chars().nth(MAX_INPUT_CHARS).is_some() {
        return Err(Error::InputTooLong {
            max: MAX_INPUT_CHARS,
        });
    }
    let visible: std::borrow::Cow<str> = if input.chars().any(is_invisible) {
        input
            .chars()
            .filter(|c| !is_invisible(*c))
            .collect::<String>()
            .into()
    } else {
        input.into()
    };
    let trimmed = trim_pasted(&visible);
    if trimmed.is_empty() {
        return Err(Error::EmptyInput);
    }
    match strip_tel_scheme(trimmed) {
        Some(uri) => fold_digits(&tel_uri(uri, default_region)?),
        None => {
            if trimmed.find(";ext=").is_some_and(|i| i > 0) {
                return Err(Error::ExtensionNotAllowed);
            }
            fold_digits(trimmed)
        }
    }
}

/// `Some(rest)` when `s` starts with the `tel:` scheme (any case).
/// Spaces right after the colon are skipped, as libphonenumber does
/// (`tel: +212650123456`); inside the URI they stay refused.
fn strip_tel_scheme(s: &str) -> Option<&str> {
    let head = s.get(..4)?;
    head.eq_ignore_ascii_case("tel:")
        .then(|| s[4..].trim_start())
}

/// RFC 3966: `tel:` global-number *params, or local-number *params with a
/// `phone-context` (a `+digits` prefix or a domain name).
fn tel_uri(uri: &str, default_region: Option<Country>) -> Result<String> {
    let bad = |reason: &str| Error::InvalidTelUri {
        reason: reason.to_string(),
    };
    let mut parts = uri.split(';');
    let number = parts.next().unwrap_or_default();
    let mut context: Option<&str> = None;
    for p in parts {
        let (name, value) = p.split_once('=').unwrap_or((p, ""));
        match name.to_ascii_lowercase().as_str() {
            "ext" => return Err(Error::ExtensionNotAllowed),
            "phone-context" => {
                if context.is_some() {
                    return Err(bad("phone-context given twice"));
                }
                context = Some(value);
            }
            // The ISDN subaddress and other parameters do not change the number.
            _ => {}
        }
    }
    let visual = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '.' | '(' | ')'))
    };
    if number.is_empty() {
        return Err(bad("no number"));
    }
    if let Some(global) = number.strip_prefix('+') {
        if !visual(global) || !global.bytes().any(|b| b.is_ascii_digit()) {
            return Err(bad("a global number is + then digits and - . ( )"));
        }
        if context.is_some() {
            return Err(bad("a global number takes no phone-context"));
        }
        return Ok(number.to_string());
    }
    if !visual(number) || !number.bytes().any(|b| b.is_ascii_digit()) {
        return Err(bad("a local number is digits and - . ( )"));
    }
    match context {
        None => Err(bad("a local number needs a phone-context")),
        Some(ctx) if ctx.starts_with('+') => {
            let digits = &ctx[1..];
            if digits.is_empty() || !visual(digits) || !digits.bytes().any(|b| b.is_ascii_digit()) {
                return Err(bad("phone-context prefix is + then digits"));
            }
            Ok(format!("{ctx}{number}"))
        }
        Some(ctx) => {
            if !is_domain_name(ctx) {
                return Err(bad("phone-context is neither +digits nor a domain name"));
            }
            if default_region.is_none() {
                return Err(Error::RegionRequired);
            }
            Ok(number.to_string())
        }
    }
}

/// RFC 3966 `domainname`: labels of alphanumerics and inner hyphens, the
/// last starting with a letter, an optional final dot.
fn is_domain_name(s: &str) -> bool {
    let s = s.strip_suffix('.').unwrap_or(s);
    if s.is_empty() {
        return false;
    }
    let labels: Vec<&str> = s.split('.').collect();
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    labels.iter().all(|l| label_ok(l))
        && labels
            .last()
            .and_then(|l| l.bytes().next())
            .is_some_and(|b| b.is_ascii_alphabetic())
}

/// Folds digits to ASCII, drops separators, keeps one leading `+`; rejects
/// letters (vanity numbers), extensions and stray symbols.
fn fold_digits(s: &str) -> Result<String> {
    let mut out = String::with_capacity(s.len().min(32));
    let mut digits = 0usize;
    for (i, c) in s.char_indices() {
        if let Some(d) = decimal_digit(c) {
            digits += 1;
            if digits > 2 * MAX_DIGITS + 2 {
                return Err(Error::TooLong);
            }
            out.push(char::from(b'0' + d));
        } else if is_plus(c) {
            if digits > 0 || out.starts_with('+') {
                return Err(Error::InvalidCharacters {
                    character: c.to_string(),
                });
            }
            out.push('+');
        } else if matches!(c, '~' | '\u{FF5E}' | ',' | ';') {
            // libphonenumber reads `~123`, `,123` and `;123` at the end of a
            // viable number (two digits or more) as an extension.
            let rest = &s[i + c.len_utf8()..];
            let max = if c == ';' { 15 } else { 9 };
            if digits >= 2 && is_marked_extension(rest, max) {
                return Err(Error::ExtensionNotAllowed);
            }
            if matches!(c, ',' | ';') {
                return Err(Error::InvalidCharacters {
                    character: c.to_string(),
                });
            }
        } else if is_separator(c) {
        } else if c.is_alphabetic() || c == '#' || c == '\u{FF03}' {
            if digits > 0 && is_extension(&s[i..]) {
                return Err(Error::ExtensionNotAllowed);
            }
            return Err(Error::InvalidCharacters {
                character: c.to_string(),
            });
        } else {
            return Err(Error::InvalidCharacters {
                character: c.to_string(),
            });
        }
    }
    if digits == 0 {
        return Err(Error::EmptyInput);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us() -> Option<Country> {
        Some(Country::new("US").unwrap())
    }

    #[test]
    fn canonical_path_checks_shape_code_and_length() {
        let n = E164::from_canonical("+14155552671").unwrap();
        assert_eq!(n.as_str(), "+14155552671");
        assert_eq!(n.national_number(), "4155552671");
        for bad in [
            "",
            "+",
            "14155552671",
            "+0123456",
            "+1415555267a",
            "+1 4155552671",
            "+9991234567",
            "+1234567890123456",
            "+44",
            "＋14155552671",
        ] {
            assert_eq!(
                E164::from_canonical(bad).unwrap_err().code(),
                "invalid_e164",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn value_is_small_copy_and_ordered_like_its_string() {
        assert!(std::mem::size_of::<E164>() <= 24);
        let mut v: Vec<E164> = ["+4930123456", "+14155552671", "+442071838750", "+1212555"]
            .iter()
            .filter_map(|s| E164::from_canonical(s).ok())
            .collect();
        v.sort();
        let strings: Vec<&str> = v.iter().map(E164::as_str).collect();
        let mut sorted = strings.clone();
        sorted.sort();
        assert_eq!(strings, sorted);
    }

    #[test]
    fn unicode_digits_fold_to_ascii() {
        assert_eq!(decimal_digit('٣'), Some(3)); // Arabic-Indic
        assert_eq!(decimal_digit('７'), Some(7)); // full-width
        assert_eq!(decimal_digit('९'), Some(9)); // Devanagari
        assert_eq!(decimal_digit('a'), None);
        assert_eq!(decimal_digit('½'), None);
    }

    #[test]
    fn cleaning_rejects_with_distinct_codes() {
        let code = |s: &str| E164::parse(s, us()).unwrap_err().code();
        assert_eq!(code(&"1".repeat(251)), "input_too_long");
        assert_eq!(code(&"a".repeat(10_000)), "input_too_long");
        assert_eq!(code(""), "empty_input");
        assert_eq!(code(" ( ) - "), "empty_input");
        assert_eq!(code("\u{200E}\u{FEFF}"), "empty_input");
        assert_eq!(code("1-800-FLOWERS"), "invalid_characters");
        assert_eq!(code("+1 650 253 0000 ext. 12"), "extension_not_allowed");
        assert_eq!(code("+1 650 253 0000;ext=12"), "extension_not_allowed");
        assert_eq!(code("tel:+1-650-253-0000;ext=12"), "extension_not_allowed");
        assert_eq!(code("tel:253-0000"), "invalid_tel_uri");
        assert_eq!(code("tel:253-0000;phone-context=+"), "invalid_tel_uri");
        assert_eq!(
            code("tel:253-0000;phone-context=-bad-.com"),
            "invalid_tel_uri"
        );
        assert_eq!(code("+1 650 * 253 0000"), "invalid_characters");
        assert_eq!(code("65+0"), "invalid_characters");
        // libphonenumber's ambiguous extension markers at the end of a number.
        assert_eq!(code("+4366412345 ~1"), "extension_not_allowed");
        assert_eq!(code("+971800123456 ~647"), "extension_not_allowed");
        assert_eq!(code("+971800123456～647"), "extension_not_allowed");
        assert_eq!(code("+1 650 253 0000, 12"), "extension_not_allowed");
        assert_eq!(code("+1 650 253 0000,,12#"), "extension_not_allowed");
        assert_eq!(code("+1 650 253 0000;12"), "extension_not_allowed");
        assert_eq!(code("+1 650 253 0000 ｘ12"), "extension_not_allowed");
        assert_eq!(code("+1 650 253 0000 ＃12"), "extension_not_allowed");
        assert_eq!(code("+1~650~253~0000"), "extension_not_allowed");
        assert_eq!(code("+1 650,253 0000"), "invalid_characters");
        assert_eq!(code("\"Tel +1 650 253 0000\""), "invalid_characters");
        assert_eq!(code("+1 650 253\u{1}0000"), "invalid_characters");
    }

    #[test]
    fn pasted_punctuation_around_a_number_is_dropped() {
        let ok = |s: &str, region: Option<&str>| {
            E164::parse(s, region.map(|r| Country::new(r).unwrap()))
                .unwrap_or_else(|e| panic!("{s:?}: {e}"))
                .to_string()
        };
        assert_eq!(ok("\"+62 809 1 234 519\"", None), "+628091234519");
        assert_eq!(ok("<1900 123456>", Some("AU")), "+611900123456");
        assert_eq!(ok("+84672012345!", None), "+84672012345");
        assert_eq!(ok("«+1 650 253 0000».", None), "+16502530000");
        assert_eq!(ok("• (650) 253-0000;", Some("US")), "+16502530000");
        assert_eq!(ok("\u{1}+1 650 253 0000\u{7}", None), "+16502530000");
        // `~` before more than nine digits, or after fewer than two, separates.
        assert_eq!(ok("+1~6502530000", None), "+16502530000");
        assert_eq!(ok("tel: +212650123456", None), "+212650123456");
    }

    #[test]
    fn tel_uris_resolve_phone_context() {
        let ch = Some(Country::new("CH").unwrap());
        let want = "+16502530000";
        assert_eq!(
            E164::parse("tel:+1-650-253-0000", None).unwrap().as_str(),
            want
        );
        assert_eq!(
            E164::parse("TEL:+1.650.253.0000", None).unwrap().as_str(),
            want
        );
        assert_eq!(
            E164::parse("tel:253-0000;phone-context=+1-650", None)
                .unwrap()
                .as_str(),
            want
        );
        assert_eq!(
            E164::parse("tel:044 668 1800;phone-context=example.ch", ch)
                .map(|n| n.to_string())
                .unwrap_or_else(|e| e.code().to_string()),
            "invalid_tel_uri",
            "spaces are not allowed in a tel: URI"
        );
        assert_eq!(
            E164::parse("tel:044-668-1800;phone-context=example.ch", ch)
                .unwrap()
                .as_str(),
            "+41446681800"
        );
        assert_eq!(
            E164::parse("tel:044-668-1800;phone-context=example.ch", None)
                .unwrap_err()
                .code(),
            "region_required"
        );
    }
}
