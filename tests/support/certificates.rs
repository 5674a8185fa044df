//! Certificates made for a test with openssl: CAs, and server certificates they
//! sign for localhost and 127.0.0.1 (P-256 keys: made in milliseconds).
#![allow(dead_code, reason = "each test uses what it needs")]

use std::path::Path;
use std::process::{Command, Stdio};

pub fn openssl(dir: &Path, args: &[&str]) {
    let status = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "openssl {args:?}");
}

/// A new key on the P-256 curve, no passphrase.
const EC: [&str; 5] = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/// A self-signed CA: `NAME.pem` and `NAME.key` in `dir`.
pub fn make_ca(dir: &Path, name: &str, subject: &str) {
    let (key, pem) = (format!("{name}.key"), format!("{name}.pem"));
    let args = [
        &["req", "-x509"][..],
        &EC[..],
        &["-keyout", &key, "-out", &pem, "-days", "2", "-subj", subject],
    ];
    openssl(dir, &args.concat());
}

/// `NAME.pem` and `NAME.key` in `dir`: a server certificate for localhost and
/// 127.0.0.1, signed by the CA `ca` (`CA.pem`, `CA.key`) made there.
pub fn make_server(dir: &Path, ca: &str, name: &str) {
    let (key, csr, pem) = (format!("{name}.key"), format!("{name}.csr"), format!("{name}.pem"));
    let args = [
        &["req"][..],
        &EC[..],
        &["-keyout", &key, "-out", &csr, "-subj", "/CN=localhost"],
    ];
    openssl(dir, &args.concat());
    std::fs::write(dir.join("san"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n").unwrap();
    let (ca_pem, ca_key) = (format!("{ca}.pem"), format!("{ca}.key"));
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            &ca_pem,
            "-CAkey",
            &ca_key,
            "-CAcreateserial",
            "-out",
            &pem,
            "-days",
            "2",
            "-extfile",
            "san",
        ],
    );
}
