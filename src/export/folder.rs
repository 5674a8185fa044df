//! The export folder as something others may have touched: nothing beneath it is
//! followed if it is a link, read if it is not a regular file of the expected
//! size, or written through. Every name in it is mapped to the one endpoint it
//! holds before anything is written, so no two ids can end up in one file.
//!
//! The folder itself (DIR) is the user's choice and may be a link; only what is
//! beneath it is distrusted.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Component, Path};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use super::manifest;
use crate::api::Secret;
use crate::api::names;

/// Names the export writes itself, in the export folder or a session's: an id
/// never takes one of them.
pub const RESERVED: &[&str] = &[
    manifest::FILE_NAME,
    "attempts.json",
    "decision.json",
    "person.json",
    "watchlist.json",
    "media.json",
    "session-media.json",
    "nfc",
];

/// Characters of a cut name kept before its hash suffix.
const CUT: usize = 60;

/// The folder or file name an id is exported under: the id itself when it is a
/// safe name and not one of the export's own, otherwise what is left of it after
/// sanitising (cut short) with `-` and eight hex digits of its sha256, so ids that
/// sanitise alike still get names of their own.
pub fn name_for(id: &str) -> String {
    let safe = names::safe_component(id);
    if safe == id && !RESERVED.contains(&id) {
        return safe;
    }
    let kept: String = safe.chars().take(CUT).collect();
    format!("{kept}-{}", short_hash(id))
}

fn short_hash(text: &str) -> String {
    hex::encode(&Sha256::digest(text.as_bytes())[..4])
}

/// Which endpoint each path of the export holds, claimed before writing.
#[derive(Debug, Default)]
pub struct Names(Mutex<HashMap<String, String>>);

impl Names {
    /// `relative` for `endpoint`, or, when another endpoint already holds it, the
    /// same name with a hash of `endpoint` before its extension.
    pub fn claim(&self, relative: &str, endpoint: &str) -> String {
        let mut taken = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let mut candidate = relative.to_owned();
        loop {
            match taken.get(&candidate) {
                None => {
                    taken.insert(candidate.clone(), endpoint.to_owned());
                    return candidate;
                }
                Some(holder) if holder == endpoint => return candidate,
                Some(_) => {
                    let (stem, ext) = match candidate.rsplit_once('.') {
                        Some((stem, ext)) if !ext.contains('/') => (stem.to_owned(), format!(".{ext}")),
                        _ => (candidate.clone(), String::new()),
                    };
                    candidate = format!("{stem}-{}{ext}", short_hash(&format!("{endpoint}{candidate}")));
                }
            }
        }
    }
}

/// Creates the folders of `relative` (a `/`-separated path of plain names) beneath
/// `out`, private, refusing any that exists as something other than a folder of
/// this user's: a link planted there would carry every file written into it
/// somewhere else.
pub fn prepare_dir(out: &Path, relative: &str) -> io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt};
    let mut path = out.to_path_buf();
    // SAFETY: getuid has no preconditions and cannot fail.
    let me = unsafe { libc::getuid() };
    for component in Path::new(relative).components() {
        let Component::Normal(name) = component else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{relative} is not a plain relative path"),
            ));
        };
        path.push(name);
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_dir() && meta.uid() == me => {}
            Ok(meta) => return Err(refused(&path, &meta)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                // mkdir never follows a link planted in the meantime: it fails. A
                // folder another of the export's tasks made in the meantime is
                // looked at again like any that was there.
                match std::fs::DirBuilder::new().mode(0o700).create(&path) {
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => match std::fs::symlink_metadata(&path)? {
                        meta if meta.file_type().is_dir() && meta.uid() == me => {}
                        meta => return Err(refused(&path, &meta)),
                    },
                    other => other?,
                }
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn refused(path: &Path, meta: &std::fs::Metadata) -> io::Error {
    let what = if meta.file_type().is_symlink() {
        "a symbolic link"
    } else if meta.file_type().is_dir() {
        "a folder of another user"
    } else {
        "not a folder"
    };
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{} is {what}; refused, nothing written through it", path.display()),
    )
}

/// Opens `path` for reading only when it is a regular file (never through a link,
/// never blocking on a FIFO) whose size is `expected`, or at most `max` bytes when
/// no size is expected. `Ok(None)` when it is missing or is anything else.
pub fn open_regular(path: &Path, expected: Option<u64>, max: u64) -> io::Result<Option<(File, u64)>> {
    use std::os::unix::fs::OpenOptionsExt;
    let opened = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path);
    let file = match opened {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound || e.raw_os_error() == Some(libc::ELOOP) => {
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    let meta = file.metadata()?;
    let size = meta.len();
    let fits = match expected {
        Some(expected) => size == expected,
        None => size <= max,
    };
    Ok((meta.file_type().is_file() && fits).then_some((file, size)))
}

/// The whole of a regular file of at most `max` bytes, as [`open_regular`] allows.
pub fn read_regular(path: &Path, expected: Option<u64>, max: u64) -> io::Result<Option<Vec<u8>>> {
    let Some((file, size)) = open_regular(path, expected, max)? else {
        return Ok(None);
    };
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(size).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 == size).then_some(bytes))
}

/// What one read of a file on disk shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hashed {
    pub size: u64,
    pub sha256: String,
    /// Whether `signature` is the secret's HMAC of the bytes; `None` without a
    /// secret or a signature to check.
    pub signed: Option<bool>,
}

/// Size, sha256 and signature check of a regular file of `expected` bytes, in one
/// read; `None` when it is not one.
pub fn hash_regular(
    path: &Path,
    expected: Option<u64>,
    secret: Option<&Secret>,
    signature: Option<&str>,
) -> io::Result<Option<Hashed>> {
    let Some((file, size)) = open_regular(path, expected, u64::MAX)? else {
        return Ok(None);
    };
    let mut hasher = Sha256::new();
    let mut signer = secret
        .filter(|s| !s.is_empty() && signature.is_some())
        .map(Secret::signer);
    let mut buffer = vec![0; 256 * 1024];
    let mut read = 0u64;
    let mut file = file.take(size);
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        if let Some(signer) = &mut signer {
            signer.update(&buffer[..n]);
        }
        read += n as u64;
    }
    if read != size {
        return Ok(None);
    }
    Ok(Some(Hashed {
        size,
        sha256: hex::encode(hasher.finalize()),
        signed: signer
            .zip(signature)
            .map(|(signer, signature)| signer.verifies(signature)),
    }))
}

/// A warning when others than the user may write in `dir`: they could plant
/// files there between two runs.
pub fn folder_warning(dir: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir).ok()?.permissions().mode();
    (mode & 0o022 != 0).then(|| {
        format!(
            "warning: {} is writable by other users (mode {:o}); they could plant or swap files in the evidence",
            dir.display(),
            mode & 0o777
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every session's tasks make its folder at once: the ones that lose the race
    /// to create it take the folder the winner made.
    #[test]
    fn a_folder_made_by_a_task_racing_this_one_is_taken() {
        for _ in 0..20 {
            let out = tempfile::tempdir().unwrap();
            let threads: Vec<_> = (0..8)
                .map(|_| {
                    let out = out.path().to_path_buf();
                    std::thread::spawn(move || prepare_dir(&out, "session/attempt"))
                })
                .collect();
            for thread in threads {
                thread.join().unwrap().expect("each task has its folder");
            }
        }
    }

    #[test]
    fn ids_that_sanitise_or_cut_alike_get_names_of_their_own() {
        assert_eq!(name_for("a1000003-5f2e"), "a1000003-5f2e");
        let tilde = name_for("a~b");
        assert!(tilde.starts_with("a_b-") && tilde != name_for("a_b"), "{tilde}");
        let long_a = name_for(&format!("{}a", "x".repeat(90)));
        let long_b = name_for(&format!("{}b", "x".repeat(90)));
        assert_ne!(long_a, long_b);
        assert!(long_a.len() <= CUT + 9);
        assert_ne!(name_for("decision.json"), "decision.json");
        assert_ne!(name_for("manifest.json"), "manifest.json");
    }

    #[test]
    fn a_path_claimed_twice_goes_to_the_first_endpoint_and_the_second_gets_another() {
        let names = Names::default();
        assert_eq!(names.claim("s/a/face_x.jpg", "/v1/media/x"), "s/a/face_x.jpg");
        assert_eq!(names.claim("s/a/face_x.jpg", "/v1/media/x"), "s/a/face_x.jpg");
        let other = names.claim("s/a/face_x.jpg", "/v1/media/y");
        assert!(other.starts_with("s/a/face_x-") && other.ends_with(".jpg"), "{other}");
    }

    #[test]
    fn links_fifos_and_devices_are_neither_followed_nor_read() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("s")).unwrap();
        let err = prepare_dir(dir.path(), "s/a").unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);

        let fifo = dir.path().join("decision.json");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert_eq!(read_regular(&fifo, None, 1 << 20).unwrap(), None);
        let zero = dir.path().join("zero.jpg");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        assert_eq!(hash_regular(&zero, Some(10), None, None).unwrap(), None);
        assert_eq!(read_regular(Path::new("/dev/zero"), None, 1 << 20).unwrap(), None);

        std::fs::write(dir.path().join("f"), b"12345").unwrap();
        assert_eq!(read_regular(&dir.path().join("f"), Some(4), 10).unwrap(), None);
        assert_eq!(
            read_regular(&dir.path().join("f"), Some(5), 10).unwrap(),
            Some(b"12345".to_vec())
        );
        prepare_dir(dir.path(), "t/u").unwrap();
        assert!(dir.path().join("t/u").is_dir());
    }
}
