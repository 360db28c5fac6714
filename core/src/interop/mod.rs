//! Support for the bindings (feature `interop`, off by default): what the
//! WASM and C bindings share, so that JS and C offer the same operations
//! under the same names with the same behaviour. Not the API of the rules:
//! Rust code calls [`crate::service::Numbers`], [`crate::CallerIdPool`] and
//! the rule modules directly.
//!
//! - [`OPERATIONS`]: every operation either binding exposes, declared once.
//!   The bindings' entry points, the TypeScript declarations of the
//!   operations and the C error codes are generated from it by
//!   [`codegen`] (committed files; `core/tests/generated.rs` fails when one
//!   is stale, and rewrites them when run with `TELNUM_BLESS=1`). Names follow one
//!   rule: the JS name is the camelCase of [`Operation::name`], the C name
//!   is `telnum_` + the target's prefix (`pool_`, `numbers_`) + the name.
//! - [`ports`]: one adapter from a host's store and provider (JS objects
//!   or C callbacks) to [`crate::ports::NumberStore`] and
//!   [`crate::ports::Provider`], over the small [`ports::Host`] trait each
//!   binding implements for its calling convention.

pub mod codegen;
mod operations;
pub mod ports;

pub use operations::OPERATIONS;

/// Where an operation lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A free function: JS `telnum.name(...)`, C `telnum_name(...)`.
    Function,
    /// A method of a caller-ID pool: JS `CallerIdPool#name`, C
    /// `telnum_pool_name(TelnumPool *pool, ...)`.
    Pool,
    /// A method of the service: JS `Numbers#name`, C
    /// `telnum_numbers_name(TelnumNumbers *numbers, ...)`.
    Numbers,
}

impl Target {
    /// The C prefix after `telnum_`.
    pub fn c_prefix(self) -> &'static str {
        match self {
            Target::Function => "",
            Target::Pool => "pool_",
            Target::Numbers => "numbers_",
        }
    }
}

/// How an argument crosses a boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    /// A JSON value (C: JSON text; JS: any JSON-able value).
    Json,
    /// A string that is not JSON-quoted in C (ids, codes, E.164, days); JS:
    /// a string.
    Text,
    /// A time: C, RFC 3339 text; JS, an RFC 3339 string, a `Date` or
    /// milliseconds since the epoch.
    Time,
    /// A boolean: C `int` (non-zero is true); JS a boolean.
    Bool,
    /// A version number: C `int64_t` (negative means none when optional);
    /// JS a number.
    Version,
    /// A count: C `uint32_t`; JS a number.
    Count,
}

/// One argument of an operation.
#[derive(Debug, Clone, Copy)]
pub struct Arg {
    /// snake_case; JS uses its camelCase in the declarations.
    pub name: &'static str,
    /// The Rust type the binding deserialises (a path from the crate root
    /// of a binding, e.g. `telnum::Actor`).
    pub rust: &'static str,
    /// The TypeScript type.
    pub ts: &'static str,
    /// How it crosses.
    pub kind: ArgKind,
    /// May be left out (JS `undefined`/`null`, C NULL or a negative
    /// version); the body then sees an `Option`.
    pub optional: bool,
}

/// How the bindings implement an operation.
#[derive(Debug, Clone, Copy)]
pub enum Body {
    /// Generated: a Rust expression over the arguments (by name) and the
    /// target (`pool: &mut CallerIdPool`; `svc: &Numbers<..>` and `sim()`,
    /// the embedded simulated provider or `invalid_input`), yielding
    /// `telnum::Result<T>` with `T: Serialize` (or a future of it when
    /// `asynchronous`).
    Generated {
        /// The expression.
        expr: &'static str,
        /// Returns a Promise in JS and blocks in C.
        asynchronous: bool,
    },
    /// Written by hand in each binding, with the same name and arguments
    /// (constructors, `free`, and `pick_e164`, the allocation-free hot path).
    Manual,
}

/// One operation of the bindings.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// snake_case, unique within its target.
    pub name: &'static str,
    /// Where it lives.
    pub target: Target,
    /// What it does (the doc comment of every generated entry point).
    pub doc: &'static str,
    /// Its arguments, in order.
    pub args: &'static [Arg],
    /// The TypeScript type of the result (`void` for none); C writes the
    /// same value as JSON to `out_json`, or has no `out_json` for `void`.
    pub result: &'static str,
    /// How the bindings implement it.
    pub body: Body,
}

impl Operation {
    /// The JS name: camelCase of [`Operation::name`].
    pub fn js_name(&self) -> String {
        camel(self.name)
    }

    /// The C name: `telnum_` + target prefix + name.
    pub fn c_name(&self) -> String {
        format!("telnum_{}{}", self.target.c_prefix(), self.name)
    }
}

/// `snake_case` → `camelCase`.
pub fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut up = false;
    for c in snake.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_snake_case_and_map_by_one_rule() {
        let mut seen = std::collections::HashSet::new();
        for op in OPERATIONS {
            assert!(
                op.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{} is not snake_case",
                op.name
            );
            assert!(seen.insert(op.c_name()), "{} twice", op.c_name());
            for a in op.args {
                assert!(
                    !a.name.is_empty() && a.name != "out_json",
                    "{}: bad argument",
                    op.name
                );
            }
        }
        assert_eq!(camel("assign_sub_account"), "assignSubAccount");
        assert_eq!(camel("parse_e164"), "parseE164");
    }
}

/// How a [`ArgKind::Text`] argument is read from its string, with the
/// error code of the value's own constructor (`invalid_e164`,
/// `invalid_country`, …).
pub trait FromText: Sized {
    /// Reads the value.
    fn from_text(s: &str) -> crate::Result<Self>;
}

impl FromText for String {
    fn from_text(s: &str) -> crate::Result<Self> {
        Ok(s.to_string())
    }
}

impl FromText for crate::E164 {
    /// The canonical form only (`+` and digits), as everywhere in data.
    fn from_text(s: &str) -> crate::Result<Self> {
        crate::E164::from_canonical(s)
    }
}

impl FromText for crate::Country {
    fn from_text(s: &str) -> crate::Result<Self> {
        crate::Country::new(s)
    }
}

macro_rules! from_text_by_new {
    ($($t:ty),*) => {$(
        impl FromText for $t {
            fn from_text(s: &str) -> crate::Result<Self> {
                <$t>::new(s)
            }
        }
    )*};
}
from_text_by_new!(
    crate::NumberId,
    crate::ConnectionId,
    crate::AccountId,
    crate::TenantId
);

macro_rules! from_text_by_serde {
    ($($t:ty => $what:literal),*) => {$(
        impl FromText for $t {
            fn from_text(s: &str) -> crate::Result<Self> {
                serde_json::from_value(serde_json::Value::String(s.to_string()))
                    .map_err(|e| crate::Error::invalid_input(format!("{}: {e}", $what)))
            }
        }
    )*};
}
from_text_by_serde!(
    crate::Format => "format",
    crate::service::ReleaseMode => "mode",
    chrono::NaiveDate => "day"
);

/// Reads an RFC 3339 time (`invalid_input` naming `what` otherwise).
pub fn parse_time(s: &str, what: &str) -> crate::Result<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| crate::Error::invalid_input(format!("{what}: not an RFC 3339 time: {e}")))
}
