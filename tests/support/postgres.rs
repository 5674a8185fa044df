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
    })
}

impl Drop for TempDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
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
                }
            });
        })
        .join();
    }
}
