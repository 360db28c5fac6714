//! The store conformance suite against the embedded MemoryStore and the
//! SQLite store of `examples/sqlite_store.rs`.

#[allow(dead_code)]
#[path = "../examples/sqlite_store.rs"]
mod sqlite_store;

use telnum::memory::{block_on, MemoryStore};

#[test]
fn memory_store_conforms() {
    let r = block_on(telnum::conformance::check_store(MemoryStore::new));
    assert_eq!(r.passed.len(), 11);
    r.assert_ok();
}

#[test]
fn sqlite_store_conforms() {
    let r = block_on(telnum::conformance::check_store(|| {
        sqlite_store::SqliteStore::open_in_memory().expect("open sqlite")
    }));
    r.assert_ok();
    assert_eq!(r.passed.len(), 11);
}

#[test]
fn a_stale_update_is_refused_in_sql() {
    use telnum::ports::NumberStore;
    let store = sqlite_store::SqliteStore::open_in_memory().unwrap();
    let r = sqlite_store::demo_record();
    block_on(store.insert(&r, &[])).unwrap();
    let mut next = r.clone();
    next.version += 1;
    block_on(store.update(&next, r.version, &[])).unwrap();
    // The same expected version again: the UPDATE ... WHERE version = ?
    // matches no row.
    let e = block_on(store.update(&next, r.version, &[])).unwrap_err();
    assert_eq!(e.code(), "version_conflict");
}
