//! `NumberKind` (what sort of number) and `Capabilities` (what it can do).

use serde::{Deserialize, Serialize};

/// The type of a number, as the validation engine classifies it and as
/// providers sell it.
///
/// Serialised in snake_case (`"local"`, `"toll_free"`, …). `"fixed_line"`
/// is accepted as an alias of `local`, `"tollfree"` of `toll_free`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberKind {
    /// A geographic fixed-line ("local") number.
    #[serde(alias = "fixed_line")]
    Local,
    /// A mobile number.
    Mobile,
    /// A number that may be fixed-line or mobile (the engine cannot tell,
    /// as in the NANP).
    FixedLineOrMobile,
    /// A toll-free (freephone) number.
    #[serde(alias = "tollfree")]
    TollFree,
    /// A premium-rate number.
    PremiumRate,
    /// A shared-cost number.
    SharedCost,
    /// A VoIP number.
    Voip,
    /// A personal number (follow-me).
    PersonalNumber,
    /// A universal access number.
    Uan,
    /// Anything else: pager, voicemail, unknown.
    Other,
}

impl NumberKind {
    /// Every kind, in declaration order.
    pub const ALL: [NumberKind; 10] = [
        NumberKind::Local,
        NumberKind::Mobile,
        NumberKind::FixedLineOrMobile,
        NumberKind::TollFree,
        NumberKind::PremiumRate,
        NumberKind::SharedCost,
        NumberKind::Voip,
        NumberKind::PersonalNumber,
        NumberKind::Uan,
        NumberKind::Other,
    ];

    /// The serde name, e.g. `"toll_free"`.
    pub fn as_str(self) -> &'static str {
        match self {
            NumberKind::Local => "local",
            NumberKind::Mobile => "mobile",
            NumberKind::FixedLineOrMobile => "fixed_line_or_mobile",
            NumberKind::TollFree => "toll_free",
            NumberKind::PremiumRate => "premium_rate",
            NumberKind::SharedCost => "shared_cost",
            NumberKind::Voip => "voip",
            NumberKind::PersonalNumber => "personal_number",
            NumberKind::Uan => "uan",
            NumberKind::Other => "other",
        }
    }
}

/// What a number can do. Missing fields deserialise as `false`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Capabilities {
    /// Voice calls.
    pub voice: bool,
    /// SMS.
    pub sms: bool,
    /// MMS.
    pub mms: bool,
    /// Fax.
    pub fax: bool,
}

impl Capabilities {
    /// Voice only.
    pub const VOICE: Capabilities = Capabilities {
        voice: true,
        sms: false,
        mms: false,
        fax: false,
    };
    /// Voice and SMS.
    pub const VOICE_SMS: Capabilities = Capabilities {
        voice: true,
        sms: true,
        mms: false,
        fax: false,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_serialise_as_their_names_and_accept_aliases() {
        for k in NumberKind::ALL {
            let s = serde_json::to_string(&k).unwrap();
            assert_eq!(s, format!("\"{}\"", k.as_str()));
            assert_eq!(serde_json::from_str::<NumberKind>(&s).unwrap(), k);
        }
        let k: NumberKind = serde_json::from_str("\"fixed_line\"").unwrap();
        assert_eq!(k, NumberKind::Local);
        let k: NumberKind = serde_json::from_str("\"tollfree\"").unwrap();
        assert_eq!(k, NumberKind::TollFree);
    }

    #[test]
    fn capabilities_default_missing_fields_to_false() {
        let c: Capabilities = serde_json::from_str(r#"{"voice":true}"#).unwrap();
        assert_eq!(c, Capabilities::VOICE);
    }
}
