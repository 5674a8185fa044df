//! Outside programs a test drives (tmux, sshd, ImageMagick, minisign): under CI=true a missing one
//! fails the test, because `.ci/run` installs them; elsewhere the test says loudly
//! that it skipped, and why.
#![allow(dead_code, reason = "each test names only the tools it drives")]

use std::process::Command;

/// A program the test needs, and how to tell the real one is there.
pub struct Tool {
    /// What to run to check it, e.g. `["convert", "-version"]`.
    pub check: &'static [&'static str],
    /// Text its output must contain (a stand-in of the same name does not count).
    pub says: &'static str,
    /// The Debian package that brings it.
    pub package: &'static str,
}

pub const SSHD: Tool = Tool {
    check: &["/usr/sbin/sshd", "-V"],
    says: "OpenSSH",
    package: "openssh-server",
};
pub const SSH: Tool = Tool {
    check: &["ssh", "-V"],
    says: "OpenSSH",
    package: "openssh-client",
};
pub const SSH_KEYGEN: Tool = Tool {
    check: &["ssh-keygen", "--help"],
    says: "ssh-keygen",
    package: "openssh-client",
};
pub const IMAGEMAGICK: Tool = Tool {
    check: &["convert", "-version"],
    // Not just "ImageMagick": a stand-in `convert` may say it is missing.
    says: "Version: ImageMagick",
    package: "imagemagick",
};
pub const PGREP: Tool = Tool {
    check: &["pgrep", "-V"],
    says: "pgrep",
    package: "procps",
};
pub const OPENSSL: Tool = Tool {
    check: &["openssl", "version"],
    says: "OpenSSL",
    package: "openssl",
};
pub const MINISIGN: Tool = Tool {
    check: &["minisign", "-v"],
    says: "minisign",
    package: "minisign",
};
pub const TMUX: Tool = Tool {
    check: &["tmux", "-V"],
    says: "tmux",
    package: "tmux",
};

fn present(tool: &Tool) -> bool {
    let Ok(out) = Command::new(tool.check[0]).args(&tool.check[1..]).output() else {
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
    text.contains(tool.says)
}

/// Whether every tool is there. Under CI=true a missing one panics; otherwise
/// the test prints why it is skipped and returns false.
pub fn available(test: &str, tools: &[Tool]) -> bool {
    let missing: Vec<&str> = tools.iter().filter(|t| !present(t)).map(|t| t.package).collect();
    if missing.is_empty() {
        return true;
    }
    let message = format!(
        "{test} needs {} (apt-get install {}; .ci/run installs them)",
        missing.join(", "),
        missing.join(" ")
    );
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
    eprintln!("\n!!!!!!!! SKIPPED {message} !!!!!!!!\n");
    false
}
