//! A `NumberStore` on SQLite (rusqlite, bundled): how a host puts telnum on
//! a real database. Records are stored as JSON (with secrets, via
//! `to_json_with_secrets`) next to the columns the store queries on; the
//! optimistic-concurrency check is done by SQL itself:
//! `UPDATE numbers SET … WHERE id = ? AND version = ?`, and insert, update
//! and delete write their audit events in the same transaction.
//!
//! Run: `cargo run -p telnum --example sqlite_store` (a short lifecycle on
//! a temporary database). The test suite runs the store conformance suite
//! against it (`core/tests/store_conformance.rs`).

use std::future::{ready, Future};
use std::sync::Mutex;

use rusqlite::{params, Connection as Db, OptionalExtension};
use telnum::ports::{
    IdempotencyRecord, ListQuery, MaybeSend, NumberStore, Page, SubAccountRecord, Tombstone, Window,
};
use telnum::{
    AccountId, AuditEvent, Connection, ConnectionId, Error, NumberId, PhoneNumber, Result,
    TenantId, E164,
};

/// A NumberStore on one SQLite connection.
pub struct SqliteStore {
    db: Mutex<Db>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS numbers (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    e164 TEXT NOT NULL,
    live INTEGER NOT NULL,
    connection_id TEXT,
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    body TEXT NOT NULL
);
-- At most one live record per number.
CREATE UNIQUE INDEX IF NOT EXISTS numbers_live_e164 ON numbers (e164) WHERE live = 1;
CREATE INDEX IF NOT EXISTS numbers_tenant ON numbers (tenant, created_at, id);
CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, number_id TEXT, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_number ON events (number_id, seq);
CREATE TABLE IF NOT EXISTS idempotency (tenant TEXT NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (tenant, key));
CREATE TABLE IF NOT EXISTS connections (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ids (n INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sub_accounts (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, body TEXT NOT NULL);
-- Aging tombstones of deleted records.
CREATE TABLE IF NOT EXISTS tombstones (e164 TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS tombstones_e164 ON tombstones (e164);
";

fn db_err(e: rusqlite::Error) -> Error {
    Error::Store {
        message: e.to_string(),
    }
}

fn json_err(e: serde_json::Error) -> Error {
    Error::Store {
        message: format!("corrupt row: {e}"),
    }
}

fn rfc(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

impl SqliteStore {
    /// A store on a fresh in-memory database.
    pub fn open_in_memory() -> Result<SqliteStore> {
        Self::from_db(Db::open_in_memory().map_err(db_err)?)
    }

    /// A store on a database file.
    pub fn open(path: &std::path::Path) -> Result<SqliteStore> {
        Self::from_db(Db::open(path).map_err(db_err)?)
    }

    fn from_db(db: Db) -> Result<SqliteStore> {
        db.execute_batch(SCHEMA).map_err(db_err)?;
        Ok(SqliteStore { db: Mutex::new(db) })
    }

    fn with<T>(&self, f: impl FnOnce(&mut Db) -> Result<T>) -> Result<T> {
        let mut db = self.db.lock().map_err(|_| Error::Store {
            message: "poisoned".into(),
        })?;
        f(&mut db)
    }

    fn records(db: &Db, sql: &str, p: &[&dyn rusqlite::ToSql]) -> Result<Vec<PhoneNumber>> {
        Self::rows(db, sql, p)
    }

    /// The JSON bodies selected by `sql` with one text parameter.
    fn bodies<T: serde::de::DeserializeOwned>(db: &Db, sql: &str, p: &str) -> Result<Vec<T>> {
        Self::rows(db, sql, &[&p])
    }

    /// The JSON bodies (first column) selected by `sql`.
    fn rows<T: serde::de::DeserializeOwned>(
        db: &Db,
        sql: &str,
        p: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<T>> {
        let mut stmt = db.prepare(sql).map_err(db_err)?;
        let rows = stmt
            .query_map(p, |r| r.get::<_, String>(0))
            .map_err(db_err)?
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(db_err)?;
        rows.iter()
            .map(|b| serde_json::from_str(b).map_err(json_err))
            .collect()
    }

    fn write_events(tx: &rusqlite::Transaction<'_>, events: &[AuditEvent]) -> Result<()> {
        for e in events {
            let body = serde_json::to_string(e).map_err(json_err)?;
            tx.execute(
                "INSERT INTO events (number_id, body) VALUES (?1, ?2)",
                params![e.number_id.as_str(), body],
            )
            .map_err(db_err)?;
        }
        Ok(())
    }
}

fn body(r: &PhoneNumber) -> Result<String> {
    serde_json::to_string(&r.to_json_with_secrets()).map_err(json_err)
}

fn is_live(r: &PhoneNumber) -> bool {
    r.status != telnum::NumberStatus::Released
}

impl NumberStore for SqliteStore {
    fn next_id(&self) -> impl Future<Output = Result<NumberId>> + MaybeSend {
        ready(self.with(|db| {
            db.execute("INSERT INTO ids (n) VALUES (1)", [])
                .map_err(db_err)?;
            NumberId::new(format!("num_{:08}", db.last_insert_rowid()))
        }))
    }

    fn get(&self, id: &NumberId) -> impl Future<Output = Result<Option<PhoneNumber>>> + MaybeSend {
        ready(self.with(|db| {
            Ok(Self::records(
                db,
                "SELECT body FROM numbers WHERE id = ?1",
                &[&id.as_str()],
            )?
            .pop())
        }))
    }

    fn find_by_e164(
        &self,
        e164: &E164,
    ) -> impl Future<Output = Result<Vec<PhoneNumber>>> + MaybeSend {
        ready(self.with(|db| {
            Self::records(
                db,
                "SELECT body FROM numbers WHERE e164 = ?1 ORDER BY created_at, id",
                &[&e164.as_str()],
            )
        }))
    }

    fn insert(
        &self,
        r: &PhoneNumber,
        events: &[AuditEvent],
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        ready(self.with(|db| {
            let tx = db.transaction().map_err(db_err)?;
            let res = tx.execute(
                "INSERT INTO numbers (id, tenant, e164, live, connection_id, created_at, version, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    r.id.as_str(),
                    r.tenant.as_str(),
                    r.e164.as_str(),
                    is_live(r),
                    r.connection_id.as_ref().map(|c| c.as_str().to_string()),
                    rfc(r.created_at),
                    r.version as i64,
                    body(r)?
                ],
            );
            match res {
                Err(rusqlite::Error::SqliteFailure(f, _)) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
                    return Err(Error::AlreadyExists { what: format!("{} / {}", r.id, r.e164) });
                }
                other => other.map_err(db_err)?,
            };
            Self::write_events(&tx, events)?;
            tx.commit().map_err(db_err)
        }))
    }

    fn update(
        &self,
        r: &PhoneNumber,
        expected: u64,
        events: &[AuditEvent],
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        ready(self.with(|db| {
            let tx = db.transaction().map_err(db_err)?;
            // A call recorded since the caller read the record is kept.
            let stored = Self::records(&tx, "SELECT body FROM numbers WHERE id = ?1", &[&r.id.as_str()])?;
            let mut r = r.clone();
            if let Some(s) = stored.first() {
                r.last_call_at = r.last_call_at.max(s.last_call_at);
            }
            let r = &r;
            // The version check is the WHERE clause: a stale writer changes no row.
            let n = tx
                .execute(
                    "UPDATE numbers SET tenant = ?1, e164 = ?2, live = ?3, connection_id = ?4, version = ?5, body = ?6
                     WHERE id = ?7 AND version = ?8",
                    params![
                        r.tenant.as_str(),
                        r.e164.as_str(),
                        is_live(r),
                        r.connection_id.as_ref().map(|c| c.as_str().to_string()),
                        r.version as i64,
                        body(r)?,
                        r.id.as_str(),
                        expected as i64
                    ],
                )
                .map_err(db_err)?;
            if n == 0 {
                let actual: Option<i64> = tx
                    .query_row("SELECT version FROM numbers WHERE id = ?1", [r.id.as_str()], |row| row.get(0))
                    .optional()
                    .map_err(db_err)?;
                return Err(match actual {
                    None => Error::NotFound,
                    Some(a) => Error::VersionConflict { expected, actual: a as u64 },
                });
            }
            Self::write_events(&tx, events)?;
            tx.commit().map_err(db_err)
        }))
    }

    fn delete(
        &self,
        id: &NumberId,
        expected: u64,
        tombstone: Option<&Tombstone>,
        events: &[AuditEvent],
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        ready(self.with(|db| {
            let tx = db.transaction().map_err(db_err)?;
            let n = tx
                .execute(
                    "DELETE FROM numbers WHERE id = ?1 AND version = ?2",
                    params![id.as_str(), expected as i64],
                )
                .map_err(db_err)?;
            if n == 0 {
                let actual: Option<i64> = tx
                    .query_row(
                        "SELECT version FROM numbers WHERE id = ?1",
                        [id.as_str()],
                        |row| row.get(0),
                    )
                    .optional()
                    .map_err(db_err)?;
                return Err(match actual {
                    None => Error::NotFound,
                    Some(a) => Error::VersionConflict {
                        expected,
                        actual: a as u64,
                    },
                });
            }
            if let Some(t) = tombstone {
                let body = serde_json::to_string(t).map_err(json_err)?;
                tx.execute(
                    "INSERT INTO tombstones (e164, body) VALUES (?1, ?2)",
                    params![t.e164.as_str(), body],
                )
                .map_err(db_err)?;
            }
            Self::write_events(&tx, events)?;
            tx.commit().map_err(db_err)
        }))
    }

    fn record_call(
        &self,
        id: &NumberId,
        at: chrono::DateTime<chrono::Utc>,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        ready(self.with(|db| {
            // Read and write in one transaction: no version bump, no event.
            let tx = db.transaction().map_err(db_err)?;
            let mut r = Self::records(
                &tx,
                "SELECT body FROM numbers WHERE id = ?1",
                &[&id.as_str()],
            )?
            .pop()
            .ok_or(Error::NotFound)?;
            if r.last_call_at.is_some_and(|t| t >= at) {
                return Ok(());
            }
            r.last_call_at = Some(at);
            tx.execute(
                "UPDATE numbers SET body = ?1 WHERE id = ?2",
                params![body(&r)?, id.as_str()],
            )
            .map_err(db_err)?;
            tx.commit().map_err(db_err)
        }))
    }

    fn list_events(
        &self,
        number: &NumberId,
        w: Window,
    ) -> impl Future<Output = Result<Page<AuditEvent>>> + MaybeSend {
        ready(self.with(|db| {
            let total: i64 = db
                .query_row(
                    "SELECT count(*) FROM events WHERE number_id = ?1",
                    [number.as_str()],
                    |r| r.get(0),
                )
                .map_err(db_err)?;
            let items = Self::rows(
                db,
                "SELECT body FROM events WHERE number_id = ?1 ORDER BY seq DESC LIMIT ?2 OFFSET ?3",
                &[&number.as_str(), &i64::from(w.limit), &i64::from(w.offset)],
            )?;
            Ok(Page {
                total: total as u64,
                items,
                limit: w.limit,
                offset: w.offset,
            })
        }))
    }

    fn tombstones(&self, e164: &E164) -> impl Future<Output = Result<Vec<Tombstone>>> + MaybeSend {
        ready(self.with(|db| {
            Self::bodies(
                db,
                "SELECT body FROM tombstones WHERE e164 = ?1",
                e164.as_str(),
            )
        }))
    }

    fn list(&self, q: &ListQuery) -> impl Future<Output = Result<Page<PhoneNumber>>> + MaybeSend {
        ready(self.with(|db| {
            let w = q.window()?;
            // Tenant and order in SQL; the remaining filters with the
            // query's own predicate (a production store would push them
            // into SQL too).
            let rows = match &q.tenant {
                Some(t) => Self::records(
                    db,
                    "SELECT body FROM numbers WHERE tenant = ?1 ORDER BY created_at, id",
                    &[&t.as_str()],
                )?,
                None => Self::records(db, "SELECT body FROM numbers ORDER BY created_at, id", &[])?,
            };
            let matching: Vec<PhoneNumber> = rows.into_iter().filter(|r| q.matches(r)).collect();
            Ok(Page {
                total: matching.len() as u64,
                items: matching
                    .into_iter()
                    .skip(w.offset as usize)
                    .take(w.limit as usize)
                    .collect(),
                limit: w.limit,
                offset: w.offset,
            })
        }))
    }

    fn list_by_connection(
        &self,
        c: &ConnectionId,
    ) -> impl Future<Output = Result<Vec<PhoneNumber>>> + MaybeSend {
        ready(self.with(|db| {
            Self::records(
                db,
                "SELECT body FROM numbers WHERE connection_id = ?1 ORDER BY created_at, id",
                &[&c.as_str()],
            )
        }))
    }

    fn append_events(&self, events: &[AuditEvent]) -> impl Future<Output = Result<()>> + MaybeSend {
        ready(self.with(|db| {
            let tx = db.transaction().map_err(db_err)?;
            Self::write_events(&tx, events)?;
            tx.commit().map_err(db_err)
        }))
    }

    fn get_idempotency(
        &self,
        tenant: &TenantId,
        key: &str,
    ) -> impl Future<Output = Result<Option<IdempotencyRecord>>> + MaybeSend {
        ready(self.with(|db| {
            let b: Option<String> = db
                .query_row(
                    "SELECT body FROM idempotency WHERE tenant = ?1 AND key = ?2",
                    params![tenant.as_str(), key],
                    |r| r.get(0),
                )
                .optional()
                .map_err(db_err)?;
            b.map(|b| serde_json::from_str(&b).map_err(json_err))
                .transpose()
        }))
    }

    fn put_idempotency(
        &self,
        rec: &IdempotencyRecord,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        ready(self.with(|db| {
            let body = serde_json::to_string(rec).map_err(json_err)?;
            match db.execute(
                "INSERT INTO idempotency (tenant, key, body) VALUES (?1, ?2, ?3)",
                params![rec.tenant.as_str(), rec.key, body],
            ) {
                Ok(_) => Ok(()),
                Err(rusqlite::Error::SqliteFailure(f, _))
                    if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    Err(Error::AlreadyExists {
                        what: format!("idempotency key {}", rec.key),
                    })
                }
                Err(e) => Err(db_err(e)),
            }
        }))
    }

    fn complete_idempotency(
        &self,
        rec: &IdempotencyRecord,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        ready(self.with(|db| {
            let body = serde_json::to_string(rec).map_err(json_err)?;
            let n = db
                .execute(
                    "UPDATE idempotency SET body = ?3 WHERE tenant = ?1 AND key = ?2",
                    params![rec.tenant.as_str(), rec.key, body],
                )
                .map_err(db_err)?;
            if n == 0 {
                return Err(Error::NotFound);
            }
            Ok(())
        }))
    }

    fn put_connection(&self, c: &Connection) -> impl Future<Output = Result<()>> + MaybeSend {
        ready(self.with(|db| {
            let body = serde_json::to_string(&c.to_json_with_secrets()).map_err(json_err)?;
            db.execute(
                "INSERT INTO connections (id, tenant, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET tenant = excluded.tenant, body = excluded.body",
                params![c.id.as_str(), c.tenant.as_str(), body],
            )
            .map_err(db_err)?;
            Ok(())
        }))
    }

    fn get_connection(
        &self,
        id: &ConnectionId,
    ) -> impl Future<Output = Result<Option<Connection>>> + MaybeSend {
        ready(self.with(|db| {
            Ok(Self::bodies(
                db,
                "SELECT body FROM connections WHERE id = ?1",
                id.as_str(),
            )?
            .pop())
        }))
    }

    fn list_connections(
        &self,
        tenant: &TenantId,
    ) -> impl Future<Output = Result<Vec<Connection>>> + MaybeSend {
        ready(self.with(|db| {
            Self::bodies(
                db,
                "SELECT body FROM connections WHERE tenant = ?1 ORDER BY id",
                tenant.as_str(),
            )
        }))
    }

    fn put_sub_account(
        &self,
        sub: &SubAccountRecord,
    ) -> impl Future<Output = Result<()>> + MaybeSend {
        ready(self.with(|db| {
            let body = serde_json::to_string(sub).map_err(json_err)?;
            db.execute(
                "INSERT OR REPLACE INTO sub_accounts (id, tenant, body) VALUES (?1, ?2, ?3)",
                params![sub.id.as_str(), sub.tenant.as_str(), body],
            )
            .map_err(db_err)?;
            Ok(())
        }))
    }

    fn get_sub_account(
        &self,
        id: &AccountId,
    ) -> impl Future<Output = Result<Option<SubAccountRecord>>> + MaybeSend {
        ready(self.with(|db| {
            let mut v = Self::bodies(
                db,
                "SELECT body FROM sub_accounts WHERE id = ?1",
                id.as_str(),
            )?;
            Ok(v.pop())
        }))
    }
}

/// A record for demos and tests.
pub fn demo_record() -> PhoneNumber {
    PhoneNumber::new(
        telnum::record::NewNumber {
            id: NumberId::new("num_demo").unwrap(),
            tenant: TenantId::new("acme").unwrap(),
            e164: E164::from_canonical("+14155550100").unwrap(),
            country: telnum::Country::new("US").unwrap(),
            kind: telnum::NumberKind::Local,
            source: telnum::Source::Manual,
            connection_id: None,
            status: telnum::NumberStatus::Inactive,
        },
        chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
    )
}

fn main() -> Result<()> {
    use telnum::memory::{block_on, ManualClock};
    use telnum::service::{Numbers, PurchaseRequest, ServiceConfig};
    use telnum::simulated::SimulatedProvider;

    let dir = std::env::temp_dir().join(format!("telnum-sqlite-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| Error::Store {
        message: e.to_string(),
    })?;
    let store = SqliteStore::open(&dir.join("numbers.db"))?;
    let conn = Connection {
        id: ConnectionId::new("conn_1")?,
        tenant: TenantId::new("acme")?,
        name: Some("Simulated".into()),
        provider: "simulated".into(),
        status: telnum::ConnectionStatus::Active,
        supports: telnum::VendorSupport {
            search_purchase: true,
            import_owned: true,
            webhook_config: true,
            release: true,
            extra_phone_fields: vec![],
        },
        account: None,
        auth: None,
    };
    block_on(store.put_connection(&conn))?;
    let clock = ManualClock::new(chrono::DateTime::<chrono::Utc>::from(
        std::time::SystemTime::now(),
    ));
    let svc = Numbers::new(
        store,
        SimulatedProvider::new(),
        clock,
        ServiceConfig::default(),
    )?;
    let admin = telnum::Actor::new(TenantId::new("acme")?, telnum::Role::Admin);
    let bought = block_on(svc.purchase(
        &admin,
        &PurchaseRequest {
            connection_id: Some(conn.id.clone()),
            idempotency_key: "sqlite-demo".into(),
            country: Some(telnum::Country::new("GB")?),
            quantity: Some(1),
            ..PurchaseRequest::default()
        },
    ))?;
    let n = &bought.numbers[0];
    println!(
        "bought {} into SQLite ({})",
        n.e164,
        dir.join("numbers.db").display()
    );
    let active = block_on(svc.activate(&admin, &n.id))?;
    println!(
        "activated: status {:?}, version {}",
        active.number.status, active.number.version
    );
    let stale = block_on(svc.update(&admin, &n.id, telnum::Patch::default(), Some(n.version)));
    println!("stale update refused by SQL: {}", stale.unwrap_err().code());
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}
