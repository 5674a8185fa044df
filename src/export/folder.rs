//! The export folder as something others may have touched: nothing beneath it is
//! followed if it is a link, read if it is not a regular file of the expected
//! size, or written through. Every write beneath it goes through the handle of
//! the folder it lands in, each opened from the one above without following a
//! link, so a folder swapped for a link after it was checked still gets nothing
//! through the link. Every name in it is mapped to the one endpoint it holds
//! before anything is written, so no two ids can end up in one file.
//!
//! The folder itself (DIR) is the user's choice and may be a link; only what is
//! beneath it is distrusted.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Component, Path};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use crate::api::Secret;
use crate::api::names;
use crate::files::Folder;

/// The manifest's name in the export folder.
pub const MANIFEST_FILE: &str = "manifest.json";

/// Names the export writes itself, in the export folder or a session's: an id
/// never takes one of them.
pub const RESERVED: &[&str] = &[
    MANIFEST_FILE,
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

/// The folder `relative` (a `/`-separated path of plain names) beneath `out`,
/// each folder on the way created private if missing and opened through the
/// one before it, never through a link and only if it is this user's: what is
/// then written through the handle lands there, whatever is swapped meanwhile.
pub fn prepare_dir(out: &Folder, relative: &str) -> io::Result<Folder> {
    let mut folder = out.clone();
    for component in Path::new(relative).components() {
        let name = match component {
            Component::Normal(name) => name.to_str(),
            _ => None,
        };
        let Some(name) = name else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{relative} is not a plain relative path"),
            ));
        };
        folder = folder.child(name)?;
    }
    Ok(folder)
}

/// The folder `relative` names beneath `out` and the file name in it.
pub fn prepare_parent(out: &Folder, relative: &str) -> io::Result<(Folder, String)> {
    match relative.rsplit_once('/') {
        Some((dir, name)) => Ok((prepare_dir(out, dir)?, name.to_owned())),
        None => Ok((out.clone(), relative.to_owned())),
    }
}

/// Opens `path` for reading only when it is a regular file (never through a link,
/// never blocking on a FIFO) whose size is `expected`, or at most `max` bytes when
/// no size is expected. `Ok(None)` when it is missing or is anything else.
pub fn open_regular(path: &Path, expected: Option<u64>, max: u64) -> io::Result<Option<(File, u64)>> {
    use std::os::unix::fs::OpenOptionsExt;
    let opened = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(
            (rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOCTTY).bits() as i32,
        )
        .open(path);
    regular(opened, expected, max)
}

/// [`open_regular`] of `name` in `dir`, through its handle.
pub fn open_regular_in(dir: &Folder, name: &str, expected: Option<u64>, max: u64) -> io::Result<Option<(File, u64)>> {
    regular(dir.open_read(name), expected, max)
}

fn regular(opened: io::Result<File>, expected: Option<u64>, max: u64) -> io::Result<Option<(File, u64)>> {
    let file = match opened {
        Ok(file) => file,
        Err(e)
            if e.kind() == io::ErrorKind::NotFound
                || e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) =>
        {
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
    read_whole(open_regular(path, expected, max)?)
}

/// [`read_regular`] of `name` in `dir`, through its handle.
pub fn read_regular_in(dir: &Folder, name: &str, expected: Option<u64>, max: u64) -> io::Result<Option<Vec<u8>>> {
    read_whole(open_regular_in(dir, name, expected, max)?)
}

fn read_whole(opened: Option<(File, u64)>) -> io::Result<Option<Vec<u8>>> {
    let Some((file, size)) = opened else {
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
    hash_whole(open_regular(path, expected, u64::MAX)?, secret, signature)
}

/// [`hash_regular`] of `name` in `dir`, through its handle.
pub fn hash_regular_in(
    dir: &Folder,
    name: &str,
    expected: Option<u64>,
    secret: Option<&Secret>,
    signature: Option<&str>,
) -> io::Result<Option<Hashed>> {
    hash_whole(open_regular_in(dir, name, expected, u64::MAX)?, secret, signature)
}

fn hash_whole(
    opened: Option<(File, u64)>,
    secret: Option<&Secret>,
    signature: Option<&str>,
) -> io::Result<Option<Hashed>> {
    let Some((file, size)) = opened else {
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
                    let out = Folder::open(out.path()).unwrap();
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
        let handle = Folder::open(dir.path()).unwrap();
        let err = prepare_dir(&handle, "s/a").unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);

        let fifo = dir.path().join("decision.json");
        rustix::fs::mkfifoat(rustix::fs::CWD, &fifo, rustix::fs::Mode::from_raw_mode(0o600)).unwrap();
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
        prepare_dir(&handle, "t/u").unwrap();
        assert!(dir.path().join("t/u").is_dir());
        assert_eq!(
            read_regular_in(&handle, "f", Some(5), 10).unwrap(),
            Some(b"12345".to_vec())
        );
        assert_eq!(read_regular_in(&handle, "zero.jpg", None, 10).unwrap(), None);
        assert_eq!(read_regular_in(&handle, "decision.json", None, 10).unwrap(), None);
    }

    /// The handle holds the folder it opened: once a session folder is swapped
    /// for a link, a file written through a handle opened before goes into the
    /// real folder (moved, still inside the export), and the next open is refused.
    #[test]
    fn a_folder_swapped_for_a_link_after_it_was_opened_gets_nothing_through_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let out = Folder::open(dir.path()).unwrap();
        let session = prepare_dir(&out, "s/a").unwrap();
        std::fs::rename(dir.path().join("s"), dir.path().join("moved")).unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("s")).unwrap();
        session.write("decision.json", b"{}").unwrap();
        assert_eq!(std::fs::read(dir.path().join("moved/a/decision.json")).unwrap(), b"{}");
        let err = prepare_dir(&out, "s/a").unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    }
}
