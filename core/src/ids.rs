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
        /// plain string. Shared, so a clone (every pick names its member
        /// three times) costs a reference count, not an allocation.
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(std::sync::Arc<str>);

        impl $name {
            /// Validates and wraps `value`.
            pub fn new(value: impl Into<String>) -> Result<Self> {
                let value = value.into();
                check_id(stringify!($name), &value)?;
                Ok($name(value.into()))
            }

            /// The id as a string.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
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
                s.serialize_str(&self.0)
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
        let err = serde_json::from_str::<NumberId>("\"\"").unwrap_err();
        assert!(err.to_string().contains("NumberId"));
    }
}
