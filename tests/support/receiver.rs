//! `inbox receive` started as a user starts it: on a free loopback port, for the
//! integration whose credentials are in its environment (the demo server's).
#![allow(dead_code, reason = "each test uses what it needs")]

use tokio::io::AsyncBufReadExt;

pub struct Running {
    pub child: tokio::process::Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

pub async fn start_with_demo_key(home: &std::path::Path, inbox_url: &str) -> Running {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_veriff-tui"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("VERIFF_API_KEY", veriff_tui::server::DEMO_API_KEY)
        .env("VERIFF_SHARED_SECRET", veriff_tui::server::DEMO_SHARED_SECRET)
        .args(["inbox", "--inbox-url", inbox_url, "receive", "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(std::time::Duration::from_secs(30), lines.next_line())
        .await
        .expect("the receiver says where it listens")
        .unwrap()
        .expect("a line");
    let url = line.strip_prefix("listening on ").expect("listening on URL").to_owned();
    Running { child, url }
}

/// Posts `body` signed with the demo's secret, as Veriff would: the status and text.
pub async fn post_signed(url: &str, body: &[u8]) -> (u16, String) {
    let signature = veriff_tui::api::Secret::new(veriff_tui::server::DEMO_SHARED_SECRET).sign(body);
    let answer = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .header("x-auth-client", veriff_tui::server::DEMO_API_KEY)
        .header("x-hmac-signature", signature)
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap_or_default())
}
