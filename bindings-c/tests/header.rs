//! The committed header must match what cbindgen makes from the source.

#[test]
fn committed_header_is_up_to_date() {
    let fresh = include_str!(concat!(env!("OUT_DIR"), "/telnum.h"));
    let committed = include_str!("../include/telnum.h");
    assert!(
        fresh == committed,
        "bindings-c/include/telnum.h is stale; regenerate it with:\n  \
         cbindgen --config bindings-c/cbindgen.toml --crate telnum-c \
         --output bindings-c/include/telnum.h bindings-c"
    );
}
