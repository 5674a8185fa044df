//! File names built from what the server says, safe whatever it says.

/// Longest component kept, so a hostile name cannot exceed the file system's limit.
const MAX_COMPONENT: usize = 80;

/// `s` with every character outside `[A-Za-z0-9._-]` replaced by `_`, no leading dot
/// (no hidden files, no `..`), never empty, at most [`MAX_COMPONENT`] characters.
pub fn safe_component(s: &str) -> String {
    let mut out: String = s
        .chars()
        .take(MAX_COMPONENT)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.starts_with('.') {
        out.replace_range(..1, "_");
    }
    if out.is_empty() {
        out.push('_');
    }
    out
}

/// The mimetypes Veriff serves media as, with their extensions. Anything else is
/// saved as `.bin`: an extension chosen by the server (`.html`, `.desktop`) could
/// make the system opener run or render it.
const KNOWN: &[(&str, &str)] = &[
    ("image/jpeg", "jpg"),
    ("image/jpg", "jpg"),
    ("image/pjpeg", "jpg"),
    ("image/png", "png"),
    ("image/webp", "webp"),
    ("image/heic", "heic"),
    ("image/avif", "avif"),
    ("image/gif", "gif"),
    ("image/tiff", "tiff"),
    ("video/webm", "webm"),
    ("video/mp4", "mp4"),
    ("video/quicktime", "mov"),
    ("application/pdf", "pdf"),
];

/// The extension for a mimetype (parameters and case ignored), `bin` when unknown.
fn extension_for(mimetype: Option<&str>) -> &'static str {
    let essence = mimetype
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    KNOWN.iter().find(|(m, _)| *m == essence).map_or("bin", |(_, ext)| ext)
}

/// Whether `ext` is the extension of a mimetype in the table: a file named by
/// [`file_name`] with it has a type Veriff serves media as.
pub fn is_known_extension(ext: &str) -> bool {
    KNOWN.iter().any(|(_, known)| *known == ext)
}

/// `part1_part2_..._partN.ext`, every part made safe: a name that cannot leave the
/// folder it is joined to.
pub fn file_name(parts: &[&str], mimetype: Option<&str>) -> String {
    let stem: Vec<String> = parts
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| safe_component(p))
        .collect();
    let stem = if stem.is_empty() {
        "media".to_owned()
    } else {
        stem.join("_")
    };
    format!("{stem}.{}", extension_for(mimetype))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_stay_in_the_folder() {
        for hostile in [
            "../../etc/passwd",
            "..",
            ".",
            "/abs/path",
            "a\\b",
            "\x1b[2Jx",
            "",
            "名前",
        ] {
            let name = file_name(&[hostile], Some("image/jpeg"));
            assert!(!name.contains('/') && !name.contains('\\'), "{name}");
            assert!(!name.starts_with('.'), "{name}");
            assert!(
                name.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)),
                "{name}"
            );
            let joined = std::path::Path::new("/downloads").join(&name);
            assert_eq!(joined.parent(), Some(std::path::Path::new("/downloads")));
        }
        assert_eq!(
            file_name(&["../../etc/passwd"], Some("image/png")),
            "_._.._etc_passwd.png"
        );
    }

    #[test]
    fn names_are_built_from_ids_context_and_mimetype() {
        assert_eq!(
            file_name(
                &["f04bdb47", "document-front", "d69a07cf-4434"],
                Some("image/jpeg; charset=binary")
            ),
            "f04bdb47_document-front_d69a07cf-4434.jpg"
        );
        assert_eq!(extension_for(Some("video/webm")), "webm");
        assert_eq!(extension_for(Some("IMAGE/AVIF")), "avif");
        assert_eq!(extension_for(Some("image/../../\x1b[2J")), "bin");
        assert_eq!(extension_for(Some("text/html")), "bin", "no server-chosen extension");
        assert_eq!(extension_for(None), "bin");
        assert!(is_known_extension("jpg"));
        assert!(!is_known_extension("bin") && !is_known_extension("html"));
        assert!(file_name(&[&"x".repeat(500)], None).len() <= MAX_COMPONENT + 4);
    }
}
