//! A PostgreSQL database of the test's own (random name, dropped at the end, even on
//! panic), so parallel tests and helpers never share one. Under CI=true a server
//! that cannot be reached fails the test (`.ci/run` starts one); elsewhere the test
//! says loudly that it skipped.
#![allow(dead_code, reason = "each test uses what it needs")]

use sqlx::Connection;
use sqlx::postgres::PgConnection;

/// The server's maintenance database (`VERIFF_TEST_POSTGRES` overrides it).
fn admin_url() -> String {
    std::env::var("VERIFF_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

pub struct TempDatabase {
    pub url: String,
    name: String,
    /// Logins made for the test, dropped after the database.
    logins: std::sync::Mutex<Vec<String>>,
}

/// A fresh database at this version's schema (as `inbox migrate` leaves it: no
/// other command migrates a PostgreSQL store), or `None` (skipped loudly) when no
/// server answers outside CI.
pub async fn database(test: &str) -> Option<TempDatabase> {
    let db = empty_database(test).await?;
    veriff_tui::inbox::Store::migrate(&db.url, false)
        .await
        .expect("migrate the test database");
    Some(db)
}

/// A fresh database with no tables, or `None` as [`database`].
pub async fn empty_database(test: &str) -> Option<TempDatabase> {
    let admin = admin_url();
    let mut conn = match PgConnection::connect(&admin).await {
        Ok(conn) => conn,
        Err(e) => {
            let message = format!("{test} needs PostgreSQL at {admin} ({e}; .ci/run installs and starts it)");
            assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
            eprintln!("\n!!!!!!!! SKIPPED {message} !!!!!!!!\n");
            return None;
        }
    };
    let name = format!("inbox_test_{:016x}", fastrand::u64(..));
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create a test database");
    let _ = conn.close().await;
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
    Some(TempDatabase {
        url: format!("{base}/{name}"),
        name,
        logins: std::sync::Mutex::new(Vec::new()),
    })
}

/// `url` as `who` would open it: on PostgreSQL, as the login of that name
/// (made by [`TempDatabase::login_named`]); a SQLite URL as it is.
pub fn as_who(url: &str, who: &str) -> String {
    match url.strip_prefix("postgres://") {
        Some(rest) => {
            let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
            format!("postgres://{}@{host}", who.replace('@', "%40"))
        }
        None => url.to_owned(),
    }
}

impl TempDatabase {
    /// A login named `name` as it is (`ann@desk1`: an analyst of a test that
    /// names them so), with every right on this database's tables. Shared by the
    /// tests that use the name, so made if missing and never dropped.
    pub async fn login_named(&self, name: &str) {
        let mut conn = PgConnection::connect(&self.url).await.expect("the test database");
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        let literal = name.replace('\'', "''");
        let make = format!(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{literal}') THEN \
             CREATE ROLE {quoted} LOGIN; END IF; \
             EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        );
        for statement in [
            make,
            format!("GRANT ALL ON ALL TABLES IN SCHEMA public TO {quoted}"),
            format!("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {quoted}"),
        ] {
            sqlx::query(&statement).execute(&mut conn).await.expect("make a login");
        }
        let _ = conn.close().await;
    }

    /// A login of the test's own on this database (a person of a team: the store
    /// records them by it), named `prefix_XXXXXXXX`: in `role` where given
    /// (`docs/postgres-roles.sql`), else with every right on the inbox's tables.
    /// Its name and its URL.
    pub async fn login(&self, prefix: &str, role: Option<&str>) -> (String, String) {
        let name = format!("{prefix}_{:08x}", fastrand::u32(..));
        let mut conn = PgConnection::connect(&self.url).await.expect("the test database");
        let statements = match role {
            Some(role) => vec![format!("CREATE ROLE {name} LOGIN IN ROLE {role}")],
            None => vec![
                format!("CREATE ROLE {name} LOGIN"),
                format!("GRANT ALL ON ALL TABLES IN SCHEMA public TO {name}"),
                format!("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {name}"),
            ],
        };
        for statement in statements {
            sqlx::query(&statement).execute(&mut conn).await.expect("make a login");
        }
        let _ = conn.close().await;
        self.logins.lock().unwrap().push(name.clone());
        let (base, database) = self.url.rsplit_once('/').unwrap();
        let host = base.rsplit_once('@').map_or(base, |(_, host)| host);
        let url = format!("postgres://{name}@{host}/{database}");
        (name, url)
    }
}

impl Drop for TempDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        let logins = std::mem::take(&mut *self.logins.lock().unwrap());
        // Its own thread and runtime: Drop may run inside the test's runtime.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                if let Ok(mut conn) = PgConnection::connect(&admin_url()).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut conn)
                        .await;
                    for login in logins {
                        let _ = sqlx::query(&format!("DROP ROLE IF EXISTS {login}"))
                            .execute(&mut conn)
                            .await;
                    }
                }
            });
        })
        .join();
    }
}
