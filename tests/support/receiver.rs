//! `inbox receive` started as a user starts it: on a free loopback port, for the
//! integration whose credentials are in its environment (the demo server's).
#![allow(dead_code, reason = "each test uses what it needs")]

use tokio::io::AsyncBufReadExt;

pub struct Running {
    pub child: tokio::process::Child,
    /// `http://127.0.0.1:PORT` (`https://` with `--tls-cert`).
    pub url: String,
    /// `http://127.0.0.1:PORT/metrics`, with `--metrics`.
    pub metrics: Option<String>,
}

pub async fn start_with_demo_key(home: &std::path::Path, inbox_url: &str) -> Running {
    start_with_args(home, inbox_url, &[]).await
}

/// [`start_with_demo_key`] with more `inbox receive` arguments (`--listen` is
/// 127.0.0.1:0 unless they name one).
pub async fn start_with_args(home: &std::path::Path, inbox_url: &str, args: &[&str]) -> Running {
    let listen = if args.contains(&"--listen") {
        &[][..]
    } else {
        &["--listen", "127.0.0.1:0"][..]
    };
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_veriff-tui"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("VERIFF_API_KEY", veriff_tui::server::DEMO_API_KEY)
        .env("VERIFF_SHARED_SECRET", veriff_tui::server::DEMO_SHARED_SECRET)
        .args(["inbox", "--inbox-url", inbox_url, "receive"])
        .args(listen)
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let url = said(&mut lines, "listening on ").await;
    let metrics = match args.contains(&"--metrics") {
        true => Some(said(&mut lines, "metrics on ").await),
        false => None,
    };
    Running { child, url, metrics }
}

/// The URL in the receiver's next line on standard output, which starts with `what`.
pub async fn said(lines: &mut tokio::io::Lines<impl tokio::io::AsyncBufRead + Unpin>, what: &str) -> String {
    let line = tokio::time::timeout(std::time::Duration::from_secs(30), lines.next_line())
        .await
        .expect("the receiver says where it listens")
        .unwrap()
        .expect("a line");
    line.strip_prefix(what)
        .unwrap_or_else(|| panic!("{line:?} does not start with {what:?}"))
        .to_owned()
}

/// Posts `body` signed with the demo's secret, as Veriff would: the status and text.
pub async fn post_signed(url: &str, body: &[u8]) -> (u16, String) {
    post_signed_with(&reqwest::Client::new(), url, body).await
}

/// [`post_signed`] through `client` (bound to another address, trusting a test CA).
pub async fn post_signed_with(client: &reqwest::Client, url: &str, body: &[u8]) -> (u16, String) {
    let answer = signed(client, url, body).send().await.unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap_or_default())
}

/// The POST of `body` signed with the demo's secret, for more headers before it is sent.
pub fn signed(client: &reqwest::Client, url: &str, body: &[u8]) -> reqwest::RequestBuilder {
    let signature = veriff_tui::api::Secret::new(veriff_tui::server::DEMO_SHARED_SECRET).sign(body);
    client
        .post(url)
        .header("content-type", "application/json")
        .header("x-auth-client", veriff_tui::server::DEMO_API_KEY)
        .header("x-hmac-signature", signature)
        .body(body.to_vec())
}
