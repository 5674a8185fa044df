//! An `https://` API: its certificate is checked against one CA bundle file
//! (`SSL_CERT_FILE`, else the distribution's), never the platform verifier's scan
//! of a directory. The server is `openssl s_server` on loopback with a CA made for
//! the test, so only the bundle decides whether the handshake succeeds.

#[path = "support/certificates.rs"]
mod certificates;
#[path = "support/tools.rs"]
mod tools;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

const SESSION: &str = "c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f";

/// A CA (`ca.pem`) and a certificate it signed for 127.0.0.1 (`server.pem`).
fn certificates(dir: &Path) {
    certificates::make_ca(dir, "ca", "/CN=veriff-tui test CA");
    certificates::make_server(dir, "ca", "server");
}

/// `openssl s_server` answering every request with its status page: a TLS
/// server, not a Veriff one. Its URL, and the process (killed on drop).
struct Server(Child, String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(dir: &Path) -> Server {
    let mut child = Command::new("openssl")
        .args([
            "s_server",
            "-accept",
            "127.0.0.1:0",
            "-cert",
            "server.pem",
            "-key",
            "server.key",
            "-www",
        ])
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let port = lines
        .find_map(|line| line.ok()?.strip_prefix("ACCEPT 127.0.0.1:").map(str::to_owned))
        .expect("s_server says where it listens");
    Server(child, format!("https://127.0.0.1:{port}"))
}

/// `veriff-tui attempts` against `url` with `SSL_CERT_FILE` set: its one-line error.
fn attempts(home: &Path, url: &str, bundle: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_veriff-tui"))
        .args(["attempts", SESSION])
        .env_clear()
        .env("HOME", home)
        .env("VERIFF_TUI_CONFIG", "/dev/null")
        .env("VERIFF_API_URL", url)
        .env("VERIFF_API_KEY", "de770000-0000-4000-8000-00000000de70")
        .env("VERIFF_SHARED_SECRET", "test-secret")
        .env("SSL_CERT_FILE", bundle)
        .output()
        .unwrap();
    assert!(!out.status.success(), "a status page is not an answer");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn https_trusts_the_one_bundle_it_is_given_and_names_a_bundle_it_cannot_use() {
    if !tools::available("the https test", &[tools::OPENSSL]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    certificates(dir.path());
    let server = serve(dir.path());
    // The test CA in the bundle: the handshake succeeds, and the status page is
    // refused for what it is (no signature), not for its certificate.
    let said = attempts(dir.path(), &server.1, &dir.path().join("ca.pem"));
    assert!(!said.to_lowercase().contains("certificate"), "{said}");
    assert!(said.contains("signature") || said.contains("signed"), "{said}");
    // A bundle of another CA: the certificate is refused.
    certificates::make_ca(dir.path(), "other", "/CN=another CA");
    let said = attempts(dir.path(), &server.1, &dir.path().join("other.pem"));
    assert!(said.to_lowercase().contains("certificate"), "{said}");
    // A bundle that is not there: said, with its path and the way out.
    let missing = dir.path().join("missing.pem");
    let said = attempts(dir.path(), &server.1, &missing);
    assert!(
        said.contains(&format!("cannot use the CA bundle {}", missing.display())),
        "{said}"
    );
    assert!(said.contains("SSL_CERT_FILE"), "{said}");
}
