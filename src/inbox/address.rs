//! Where a store is: its URL as it may be shown (never its password), and
//! whether a PostgreSQL URL would carry the team's data in clear off this machine.

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgSslMode};

/// `url` as an error or a log line may name it: the password, in the user part
/// (`postgres://user:***@host/db`) or a `password=` parameter, replaced by `***`.
/// Works on text that is no URL at all, so a typo is shown without its secret.
pub fn shown_url(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (&url[..scheme.len() + 3], rest),
        None => ("", url),
    };
    // The user part ends at the last `@`: a password may hold `/`, `?` or `#`
    // unencoded, and masking too much is the safe way to be wrong.
    let (userinfo, rest) = match rest.rsplit_once('@') {
        Some((user, after)) => (Some(user), after),
        None => (None, rest),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host, tail) = rest.split_at(end);
    let authority = match userinfo {
        Some(user) => match user.split_once(':') {
            Some((name, _)) => format!("{name}:***@{host}"),
            None => format!("{user}@{host}"),
        },
        None => host.to_owned(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let params: Vec<String> = query
                .split('&')
                .map(|param| match param.split_once('=') {
                    Some((key, _)) if is_password_key(key) => format!("{key}=***"),
                    _ => param.to_owned(),
                })
                .collect();
            format!("{path}?{}", params.join("&"))
        }
        None => tail.to_owned(),
    };
    format!("{scheme}{authority}{tail}")
}

fn is_password_key(key: &str) -> bool {
    // `password`, and libpq's `sslpassword` with it.
    key.to_ascii_lowercase().contains("pass")
}

/// `text` (a driver's error) with every form of `url`'s password in it masked:
/// sqlx's messages are not ours to word, so none of them is trusted not to quote it.
pub(super) fn without_password(text: &str, url: &str) -> String {
    let mut text = text.to_owned();
    for secret in passwords(url) {
        if !secret.is_empty() {
            text = text.replace(&secret, "***");
        }
    }
    text
}

/// The password as written in `url` (user part or parameter), and decoded.
fn passwords(url: &str) -> Vec<String> {
    let mut found = Vec::new();
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    if let Some((user, _)) = rest.rsplit_once('@')
        && let Some((_, password)) = user.split_once(':')
    {
        found.push(password.to_owned());
    }
    if let Some((_, query)) = rest.split_once('?') {
        for param in query.split('&') {
            if let Some((key, value)) = param.split_once('=')
                && is_password_key(key)
            {
                found.push(value.to_owned());
            }
        }
    }
    let decoded: Vec<String> = found
        .iter()
        .filter_map(|p| percent_decode(p))
        .filter(|d| !found.contains(d))
        .collect();
    found.extend(decoded);
    // The longest first, so no part of a longer form is left behind.
    found.sort_by_key(|p| std::cmp::Reverse(p.len()));
    found
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// The host a PostgreSQL `url` would reach in clear: one that is not this
/// machine (loopback or a unix socket) with no `sslmode` asking for TLS
/// (`require`, `verify-ca`, `verify-full`). `None` for SQLite, TLS or loopback.
/// Read as sqlx reads it, `PGHOST` and `PGSSLMODE` included.
pub fn cleartext_host(url: &str) -> Result<Option<String>, String> {
    if !is_postgres(url) {
        return Ok(None);
    }
    let options = PgConnectOptions::from_str(url).map_err(|e| {
        format!(
            "inbox URL {}: {}",
            shown_url(url),
            without_password(&e.to_string(), url)
        )
    })?;
    let host = options.get_host();
    let here = options.get_socket().is_some() || host.starts_with('/') || crate::api::is_loopback_host(host);
    let tls = matches!(
        options.get_ssl_mode(),
        PgSslMode::Require | PgSslMode::VerifyCa | PgSslMode::VerifyFull
    );
    Ok((!here && !tls).then(|| host.to_owned()))
}

/// Refuses, before any connection, a PostgreSQL URL that would carry names,
/// document numbers and webhook headers (the API key) in clear to another host,
/// unless `insecure` allows it. The caller adds how its user says so.
pub fn refuse_cleartext(url: &str, insecure: bool) -> Result<(), String> {
    match cleartext_host(url)? {
        Some(host) if !insecure => Err(format!(
            "the inbox at {host} would be reached without TLS: add ?sslmode=verify-full&sslrootcert=CA.pem \
             (or sslmode=require) to its URL"
        )),
        _ => Ok(()),
    }
}

pub(super) fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shown_url_keeps_everything_but_the_password() {
        for (url, shown) in [
            (
                "postgres://inbox:hunter2@db.internal/veriff",
                "postgres://inbox:***@db.internal/veriff",
            ),
            (
                "postgres://inbox@db.internal:6432/veriff",
                "postgres://inbox@db.internal:6432/veriff",
            ),
            (
                "postgres://db/veriff?user=inbox&password=hunter2&sslmode=require",
                "postgres://db/veriff?user=inbox&password=***&sslmode=require",
            ),
            ("mysql://u:hunter2@h/db", "mysql://u:***@h/db"),
            ("u:hunter2@h/db", "u:***@h/db"),
            ("postgres://u:p%40ss:word@h", "postgres://u:***@h"),
            ("sqlite:///home/marta/inbox.db", "sqlite:///home/marta/inbox.db"),
            // A password holding what ends a host part, unencoded.
            ("postgres://inbox:s3cr#t@db/x", "postgres://inbox:***@db/x"),
            (
                "postgres://inbox:a/b?c@db/x?sslmode=require",
                "postgres://inbox:***@db/x?sslmode=require",
            ),
        ] {
            assert_eq!(shown_url(url), shown, "{url}");
        }
        assert_eq!(without_password("at s3cr#t", "postgres://inbox:s3cr#t@db/x"), "at ***");
    }

    #[test]
    fn a_driver_error_loses_the_password_in_every_form() {
        let url = "postgres://u:p%40ss@h/db?password=hunter2";
        let said = without_password("bad p%40ss, p@ss or hunter2", url);
        assert_eq!(said, "bad ***, *** or ***");
    }

    #[test]
    fn a_remote_postgres_without_tls_is_refused_unless_insecure() {
        let plain = "postgres://u:hunter2@10.1.2.3/db";
        let said = refuse_cleartext(plain, false).unwrap_err();
        assert!(
            said.contains("10.1.2.3") && said.contains("sslmode=verify-full"),
            "{said}"
        );
        assert!(!said.contains("hunter2"), "{said}");
        assert_eq!(refuse_cleartext(plain, true), Ok(()));
        for mode in ["disable", "allow", "prefer"] {
            let url = format!("postgres://db.internal/veriff?sslmode={mode}");
            assert_eq!(cleartext_host(&url), Ok(Some("db.internal".to_owned())), "{url}");
        }
        for mode in ["require", "verify-ca", "verify-full"] {
            let url = format!("postgres://db.internal/veriff?sslmode={mode}");
            assert_eq!(cleartext_host(&url), Ok(None), "{url}");
        }
    }

    #[test]
    fn this_machine_is_reached_without_tls() {
        for url in [
            "postgres://postgres@127.0.0.1:5432/test",
            "postgres://postgres@localhost/test",
            "postgresql://postgres@[::1]/test",
            "postgres://postgres@%2Fvar%2Frun%2Fpostgresql/test",
            "postgres://db.internal/test?host=/var/run/postgresql",
            "sqlite:///tmp/inbox.db",
        ] {
            assert_eq!(cleartext_host(url), Ok(None), "{url}");
        }
        // The query's host is the one connected to.
        let url = "postgres://localhost/test?host=db.internal";
        assert_eq!(cleartext_host(url), Ok(Some("db.internal".to_owned())));
    }

    #[test]
    fn a_url_sqlx_cannot_read_is_named_without_its_password() {
        let said = cleartext_host("postgres://u:hunter2@h/db?sslmode=sometimes").unwrap_err();
        assert!(
            said.contains("postgres://u:***@h/db") && !said.contains("hunter2"),
            "{said}"
        );
    }
}
