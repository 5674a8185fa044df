//! Finding Veriff ids in what people paste.
//!
//! Veriff ids look like UUIDs, but the API treats them as opaque text and even its own
//! documentation uses ids with letters past `f`, so the pattern accepts any ASCII
//! alphanumerics in the 8-4-4-4-12 shape.

use std::sync::LazyLock;

use regex::Regex;

static ID_SHAPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}\b")
        .expect("the id pattern is valid")
});

/// A UUID proper (hex digits only), as `endUserId` must be: stricter than the
/// ids Veriff hands out, which [`find_id`] accepts.
pub fn is_uuid(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Why pasted text was not accepted as an id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no Veriff id in {shown:?}: expected an id like f04bdb47-d3be-4b28-b028-a652feb060b5 or a link containing one")]
pub struct NoIdFound {
    shown: String,
}

/// The first id in `text`: a bare id, a portal link, or a line copied from a ticket.
/// Ids are returned lower-cased, the form Veriff prints them in.
pub fn find_id(text: &str) -> Result<String, NoIdFound> {
    ID_SHAPE
        .find(text)
        .map(|m| m.as_str().to_ascii_lowercase())
        .ok_or_else(|| NoIdFound {
            shown: crate::text::clean_short(text, 60),
        })
}

/// Ids of the three things the browser moves between, kept apart by type so a
/// session id can never be asked for as an attempt's. Opaque text, as Veriff treats
/// them; `Deref` gives the text for display and requests.
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            pub fn new(id: impl Into<String>) -> Self {
                $name(id.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The first eight characters, enough to tell ids apart in a narrow pane.
            pub fn short(&self) -> &str {
                short(&self.0)
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                $name(id.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                $name(id)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

id_type!(
    /// A verification session: what a customer's ticket names.
    SessionId
);
id_type!(
    /// One attempt of a session.
    AttemptId
);
id_type!(
    /// One captured file.
    MediaId
);

/// The ids in `text`, one per line, each kept once in the order met, and the
/// (1-based) numbers of the non-blank lines that hold none.
pub fn ids_in_lines(text: &str) -> (Vec<String>, Vec<usize>) {
    let mut ids: Vec<String> = Vec::new();
    let mut without = Vec::new();
    for (index, line) in text.lines().enumerate() {
        match find_id(line) {
            Ok(id) if !ids.contains(&id) => ids.push(id),
            Ok(_) => {}
            Err(_) if line.trim().is_empty() => {}
            Err(_) => without.push(index + 1),
        }
    }
    (ids, without)
}

/// The first eight characters, enough to tell sessions apart in a narrow pane.
pub fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_bare_ids_links_and_ticket_text() {
        let id = "f04bdb47-d3be-4b28-b028-a652feb060b5";
        assert_eq!(find_id(id).unwrap(), id);
        assert_eq!(
            find_id("https://station.veriff.com/verifications/F04BDB47-D3BE-4B28-B028-A652FEB060B5?tab=media").unwrap(),
            id
        );
        assert_eq!(find_id(&format!("  session: {id}, customer says hi")).unwrap(), id);
        // The seed's own ids are not valid UUIDs but are real Veriff-shaped ids.
        assert_eq!(
            find_id("e7ab18d1-5545-5e47-af7b-e23gb6247f80").unwrap(),
            "e7ab18d1-5545-5e47-af7b-e23gb6247f80"
        );
    }

    #[test]
    fn rejects_text_without_an_id_and_says_why() {
        let err = find_id("hello there").unwrap_err();
        assert!(err.to_string().contains("no Veriff id in \"hello there\""));
        assert!(find_id("f04bdb47-d3be-4b28-b028").is_err());
        // Escape sequences in the pasted text do not survive into the message.
        assert!(!find_id("\x1b[2J").unwrap_err().to_string().contains('\x1b'));
    }

    #[test]
    fn a_list_of_ids_may_be_links_and_ticket_lines() {
        let text = "f04bdb47-d3be-4b28-b028-a652feb060b5\n\n  https://x/B0A7F00D-2E4F-4A6B-8C9D-1E2F3A4B5C6D?t=1\nno id here\nf04bdb47-d3be-4b28-b028-a652feb060b5 again\n";
        let (ids, without) = ids_in_lines(text);
        assert_eq!(
            ids,
            [
                "f04bdb47-d3be-4b28-b028-a652feb060b5",
                "b0a7f00d-2e4f-4a6b-8c9d-1e2f3a4b5c6d"
            ]
        );
        assert_eq!(without, [4], "blank lines are not complained about");
    }

    #[test]
    fn short_ids_fit_narrow_panes() {
        assert_eq!(short("f04bdb47-d3be-4b28-b028-a652feb060b5"), "f04bdb47");
        assert_eq!(short("abc"), "abc");
    }
}
