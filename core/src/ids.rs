//! Opaque identifiers: newtypes over strings so a tenant id can never be
//! passed where a number id is expected.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

/// The longest id accepted, in bytes.
pub const MAX_ID_LEN: usize = 128;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// Opaque: 1 to 128 bytes, no control characters. Serialised as a
        /// plain string. Compared, ordered and hashed as that string.
        #[derive(Clone)]
        pub struct $name(IdRepr);

        impl $name {
            /// Validates and wraps `value`.
            pub fn new(value: impl Into<String>) -> Result<Self> {
                let value = value.into();
                check_id(stringify!($name), &value)?;
                Ok($name(IdRepr::new(value)))
            }

            /// The id as a string.
            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.0.as_bytes() == other.0.as_bytes()
            }
        }

        impl Eq for $name {}

        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for $name {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.0.as_bytes().cmp(other.0.as_bytes())
            }
        }

        impl std::hash::Hash for $name {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                self.as_str().hash(state)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self> {
                $name::new(s)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $name::new(s).map_err(serde::de::Error::custom)
            }
        }
    };
}

/// How an id is held: up to [`INLINE_ID_LEN`] bytes in place (a clone is a
/// copy: every pick names its member three times, and neither an
/// allocation nor an atomic count belongs on that path), longer ones
/// shared.
#[derive(Clone)]
enum IdRepr {
    Inline { len: u8, bytes: [u8; INLINE_ID_LEN] },
    Shared(std::sync::Arc<str>),
}

/// The longest id held in place.
const INLINE_ID_LEN: usize = 22;

impl IdRepr {
    fn new(value: String) -> IdRepr {
        if value.len() <= INLINE_ID_LEN {
            let mut bytes = [0u8; INLINE_ID_LEN];
            bytes[..value.len()].copy_from_slice(value.as_bytes());
            IdRepr::Inline {
                len: value.len() as u8,
                bytes,
            }
        } else {
            IdRepr::Shared(value.into())
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            IdRepr::Inline { len, bytes } => &bytes[..usize::from(*len)],
            IdRepr::Shared(s) => s.as_bytes(),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            // Whole UTF-8 (it came from a String, cut at its end).
            IdRepr::Inline { .. } => std::str::from_utf8(self.as_bytes()).unwrap_or_default(),
            IdRepr::Shared(s) => s,
        }
    }
}

fn check_id(kind: &str, value: &str) -> Result<()> {
    if value.is_empty() || value.len() > MAX_ID_LEN || value.chars().any(char::is_control) {
        return Err(Error::invalid_input(format!(
            "{kind} must be 1 to {MAX_ID_LEN} bytes without control characters"
        )));
    }
    Ok(())
}

id_type!(
    /// Identifies a phone-number record.
    NumberId
);
id_type!(
    /// Identifies a tenant (organisation, workspace).
    TenantId
);
id_type!(
    /// Identifies a provider account: a master account or a sub-account.
    AccountId
);
id_type!(
    /// Identifies a telephony connection (a configured provider).
    ConnectionId
);
id_type!(
    /// Identifies a voice agent that answers inbound calls.
    AgentId
);
id_type!(
    /// Identifies a campaign (and its caller-ID pool).
    CampaignId
);
id_type!(
    /// Identifies an endpoint (SIP trunk, application) calls route to.
    EndpointId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_validate_length_and_control_characters() {
        assert_eq!(TenantId::new("t-1").unwrap().as_str(), "t-1");
        assert!(TenantId::new("").is_err());
        assert!(TenantId::new("a\nb").is_err());
        assert!(TenantId::new("x".repeat(129)).is_err());
        assert!(TenantId::new("x".repeat(128)).is_ok());
        let id: NumberId = serde_json::from_str("\"num_1\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"num_1\"");
        // In place and shared, ids compare, order and hash as their strings.
        let short = NumberId::new("é".repeat(11)).unwrap(); // 22 bytes
        let long = NumberId::new("é".repeat(12)).unwrap(); // 24 bytes
        assert_eq!(short.as_str(), "é".repeat(11));
        assert_eq!(long.as_str(), "é".repeat(12));
        assert!(short < long);
        assert_eq!(short.clone(), short);
        let hash = |v: &dyn Fn(&mut std::collections::hash_map::DefaultHasher)| {
            use std::hash::Hasher;
            let mut h = std::collections::hash_map::DefaultHasher::new();
            v(&mut h);
            h.finish()
        };
        use std::hash::Hash;
        assert_eq!(hash(&|h| long.hash(h)), hash(&|h| long.as_str().hash(h)));
        assert_eq!(hash(&|h| short.hash(h)), hash(&|h| short.as_str().hash(h)));
        let mut ids = [
            NumberId::new("b").unwrap(),
            long.clone(),
            NumberId::new("a".repeat(40)).unwrap(),
        ];
        ids.sort();
        let strs: Vec<&str> = ids.iter().map(NumberId::as_str).collect();
        let mut sorted = strs.clone();
        sorted.sort();
        assert_eq!(strs, sorted);
        let err = serde_json::from_str::<NumberId>("\"\"").unwrap_err();
        assert!(err.to_string().contains("NumberId"));
    }
}
