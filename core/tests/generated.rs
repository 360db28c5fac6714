//! The bindings' generated files match the operation table
//! (`telnum::interop::OPERATIONS`) and the error table. Run with
//! `TELNUM_BLESS=1` to rewrite them after changing a table.

use std::path::PathBuf;

use telnum::interop::codegen;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn check(path: &str, fresh: String) {
    let file = root().join(path);
    let committed = std::fs::read_to_string(&file).unwrap_or_default();
    if committed == fresh {
        return;
    }
    if std::env::var_os("TELNUM_BLESS").is_some() {
        std::fs::write(&file, fresh).expect("write the generated file");
        return;
    }
    panic!("{path} is out of date with the operation table; run `TELNUM_BLESS=1 cargo test -p telnum --features interop --test generated`");
}

#[test]
fn c_entry_points_are_up_to_date() {
    check("bindings-c/src/generated.rs", codegen::c_source());
}

#[test]
fn wasm_entry_points_are_up_to_date() {
    check("bindings-wasm/src/generated.rs", codegen::wasm_source());
}

#[test]
fn typescript_declarations_are_up_to_date() {
    let path = "bindings-wasm/js/telnum.d.ts";
    let dts = std::fs::read_to_string(root().join(path)).expect("read telnum.d.ts");
    check(path, codegen::typescript(&dts).expect("generated regions"));
}

#[test]
fn operation_list_for_node_and_c_is_up_to_date() {
    check("tests/vectors/operations.json", codegen::operations_json());
}

#[test]
fn every_error_field_has_a_typescript_type() {
    assert_eq!(codegen::untyped_error_fields(), Vec::<String>::new());
}
