//! `Display` and `FromStr` for the closed-set enums, spelled exactly as
//! their serde names (so `?status=active` in a query string parses to the
//! same value as `"active"` in JSON), from one macro.

/// Implements `Display` and `FromStr` through the type's serde name.
macro_rules! serde_names {
    ($($t:ty),* $(,)?) => {$(
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match serde_json::to_value(self) {
                    Ok(serde_json::Value::String(s)) => f.write_str(&s),
                    _ => write!(f, "{self:?}"),
                }
            }
        }

        impl std::str::FromStr for $t {
            type Err = crate::error::Error;

            /// The serde name (aliases included); `invalid_input` naming
            /// the value otherwise.
            fn from_str(s: &str) -> crate::error::Result<Self> {
                serde_json::from_value(serde_json::Value::String(s.to_string())).map_err(|_| {
                    crate::error::Error::invalid_input(format!(
                        "{s:?} is not a {}",
                        stringify!($t)
                    ))
                })
            }
        }
    )*};
}

serde_names!(
    crate::record::NumberStatus,
    crate::record::Source,
    crate::record::Management,
    crate::record::ConnectionStatus,
    crate::kind::NumberKind,
    crate::actor::Role,
    crate::pool::Tier,
    crate::pool::PoolStatus,
    crate::pool::PoolEventKind,
    crate::service::OwnedStatus,
    crate::service::SyncStep,
);

#[cfg(test)]
mod tests {
    use crate::actor::Role;
    use crate::kind::NumberKind;
    use crate::pool::Tier;
    use crate::record::{NumberStatus, Source};

    #[test]
    fn names_round_trip_through_display_from_str_and_serde() {
        for s in [
            NumberStatus::Active,
            NumberStatus::Released,
            NumberStatus::Pending,
        ] {
            let name = s.to_string();
            assert_eq!(serde_json::to_value(s).unwrap(), name.as_str());
            assert_eq!(name.parse::<NumberStatus>().unwrap(), s);
        }
        assert_eq!(
            "toll_free".parse::<NumberKind>().unwrap(),
            NumberKind::TollFree
        );
        assert_eq!(
            "fixed_line".parse::<NumberKind>().unwrap(),
            NumberKind::Local
        );
        assert_eq!(
            "read_only".parse::<Role>().unwrap().to_string(),
            "read_only"
        );
        assert_eq!("imported".parse::<Source>().unwrap(), Source::Imported);
        assert_eq!(Tier::SameNpa.to_string(), "same_npa");
        let e = "Active".parse::<NumberStatus>().unwrap_err();
        assert_eq!(e.code(), "invalid_input");
        assert!(e.to_string().contains("\"Active\""));
    }
}
