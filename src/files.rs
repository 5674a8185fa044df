//! Files and folders the tool creates hold identity documents, logs of what was
//! looked at, and session history: private to the user from the moment they exist.

use std::io;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustix::fs::{self, AtFlags, Mode, OFlags};

/// Like `create_dir_all`, with every folder it creates made mode 0700 (folders that
/// already exist are left as they are: the user chose them).
pub fn create_private_dir_all(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Options that create a missing file as mode 0600 (an existing one keeps its mode).
pub fn private_file_options() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

/// Writes `bytes` to `path` whole or not at all (a temporary file beside it, then a
/// rename), private to the user; its folder is created private if missing.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    create_private_dir_all(dir)?;
    // tempfile creates files 0600.
    let mut file = tempfile::Builder::new()
        .prefix(".veriff-tui-")
        .suffix(".part")
        .tempfile_in(dir)?;
    file.write_all(bytes)?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A folder held open, written only through its handle: whatever is renamed,
/// moved or swapped for a link on the way to it afterwards, what is created,
/// renamed or removed through it lands in this folder and nowhere else.
#[derive(Debug, Clone)]
pub struct Folder {
    fd: Arc<OwnedFd>,
    /// Where it was when opened, for messages only: never opened again by path.
    path: PathBuf,
}

impl Folder {
    /// `path`, created private if missing. The user named it, so a link there is
    /// followed, once: from then on it is this handle.
    pub fn open(path: &Path) -> io::Result<Folder> {
        create_private_dir_all(path)?;
        let fd = fs::openat(
            fs::CWD,
            path,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        Ok(Folder {
            fd: Arc::new(fd),
            path: path.to_path_buf(),
        })
    }

    /// The folder `name` in this one, created private if missing, opened without
    /// following a link and refused unless it is a folder of this user's: a link
    /// planted there would carry every file written into it somewhere else.
    pub fn child(&self, name: &str) -> io::Result<Folder> {
        let path = self.join(plain(name)?);
        match fs::mkdirat(&*self.fd, name, Mode::from_bits_truncate(0o700)) {
            Ok(()) | Err(rustix::io::Errno::EXIST) => {}
            Err(e) => return Err(e.into()),
        }
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let fd = match fs::openat(&*self.fd, name, flags, Mode::empty()) {
            Ok(fd) => fd,
            Err(e @ (rustix::io::Errno::LOOP | rustix::io::Errno::NOTDIR)) => {
                let what = match fs::statat(&*self.fd, name, AtFlags::SYMLINK_NOFOLLOW) {
                    Ok(stat) if fs::FileType::from_raw_mode(stat.st_mode) == fs::FileType::Symlink => "a symbolic link",
                    Ok(stat) if fs::FileType::from_raw_mode(stat.st_mode) == fs::FileType::Directory => {
                        "a symbolic link when opened"
                    }
                    Ok(_) => "not a folder",
                    Err(_) => return Err(e.into()),
                };
                return Err(refused(&path, what));
            }
            Err(e) => return Err(e.into()),
        };
        let stat = fs::fstat(&fd)?;
        if stat.st_uid != rustix::process::getuid().as_raw() {
            return Err(refused(&path, "a folder of another user"));
        }
        Ok(Folder { fd: Arc::new(fd), path })
    }

    /// Where the folder was when opened (for messages).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `name` in this folder as a path (for messages).
    pub fn join(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// A new private temporary file here that becomes `name` when persisted and
    /// is removed if it never is.
    pub fn part(&self, name: &str) -> io::Result<Part> {
        plain(name)?;
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        loop {
            let temp = format!(".veriff-tui-{:016x}.part", fastrand::u64(..));
            match fs::openat(&*self.fd, temp.as_str(), flags, Mode::from_bits_truncate(0o600)) {
                Ok(fd) => {
                    return Ok(Part {
                        file: Some(std::fs::File::from(fd)),
                        folder: self.clone(),
                        temp,
                        name: name.to_owned(),
                    });
                }
                Err(rustix::io::Errno::EXIST) => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Writes `bytes` as `name` here, whole or not at all, private to the user;
    /// whatever entry `name` was (a link too) is replaced, never written through.
    pub fn write(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        use std::io::Write;
        let mut part = self.part(name)?;
        part.file().write_all(bytes)?;
        part.persist()
    }

    /// Removes the file `name` here, if there is one.
    pub fn remove(&self, name: &str) -> io::Result<()> {
        match fs::unlinkat(&*self.fd, plain(name)?, AtFlags::empty()) {
            Ok(()) | Err(rustix::io::Errno::NOENT) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Opens `name` here for reading, never through a link, never blocking on a
    /// FIFO or taking a terminal.
    pub fn open_read(&self, name: &str) -> io::Result<std::fs::File> {
        let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
        Ok(fs::openat(&*self.fd, plain(name)?, flags, Mode::empty())?.into())
    }
}

/// A temporary file in a [`Folder`] on its way to its name: removed, through
/// the folder's handle, when dropped before [`Part::persist`].
#[derive(Debug)]
pub struct Part {
    file: Option<std::fs::File>,
    folder: Folder,
    temp: String,
    name: String,
}

impl Part {
    /// The file to write to.
    pub fn file(&mut self) -> &mut std::fs::File {
        self.file.as_mut().expect("a part has its file until persisted")
    }

    /// Takes the file to write to (the part is still removed unless persisted).
    pub fn take_file(&mut self) -> std::fs::File {
        self.file.take().expect("a part's file is taken once")
    }

    /// The path it will have, for messages.
    pub fn path(&self) -> PathBuf {
        self.folder.join(&self.name)
    }

    /// Renames it to its name, replacing whatever entry is there.
    pub fn persist(mut self) -> io::Result<()> {
        self.file = None;
        fs::renameat(
            &*self.folder.fd,
            self.temp.as_str(),
            &*self.folder.fd,
            self.name.as_str(),
        )?;
        self.temp.clear();
        Ok(())
    }

    /// Renames it to its name unless an entry of that name is there.
    pub fn persist_noclobber(mut self) -> io::Result<()> {
        self.file = None;
        fs::renameat_with(
            &*self.folder.fd,
            self.temp.as_str(),
            &*self.folder.fd,
            self.name.as_str(),
            fs::RenameFlags::NOREPLACE,
        )?;
        self.temp.clear();
        Ok(())
    }
}

impl Drop for Part {
    fn drop(&mut self) {
        if !self.temp.is_empty() {
            let _ = fs::unlinkat(&*self.folder.fd, self.temp.as_str(), AtFlags::empty());
        }
    }
}

/// `name` when it is one plain name: never empty, `.`, `..` or with a `/`.
fn plain(name: &str) -> io::Result<&str> {
    if name.is_empty() || name == "." || name == ".." || name.contains('/') || name.contains('\0') {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{name:?} is not a plain file name"),
        ));
    }
    Ok(name)
}

fn refused(path: &Path, what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{} is {what}; refused, nothing written through it", path.display()),
    )
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn created_folders_and_files_are_private_whatever_the_umask() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b/c");
        create_private_dir_all(&nested).unwrap();
        for path in [dir.path().join("a"), dir.path().join("a/b"), nested.clone()] {
            assert_eq!(mode(&path), 0o700, "{}", path.display());
        }
        let file = nested.join("log");
        private_file_options().create(true).append(true).open(&file).unwrap();
        assert_eq!(mode(&file), 0o600);
        let written = dir.path().join("new/opened.jpg");
        write_private(&written, b"bytes").unwrap();
        assert_eq!(
            (mode(&written), std::fs::read(&written).unwrap()),
            (0o600, b"bytes".to_vec())
        );
        assert_eq!(mode(&dir.path().join("new")), 0o700);
    }

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_part_becomes_its_name_private_or_is_removed_unless_persisted() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let folder = Folder::open(&dir.path().join("out")).unwrap();
        let mut part = folder.part("a.jpg").unwrap();
        part.file().write_all(b"half").unwrap();
        assert!(names_in(folder.path())[0].ends_with(".part"));
        drop(part);
        assert!(names_in(folder.path()).is_empty(), "a dropped part is removed");

        let mut part = folder.part("a.jpg").unwrap();
        part.file().write_all(b"whole").unwrap();
        part.persist().unwrap();
        assert_eq!(names_in(folder.path()), ["a.jpg"]);
        assert_eq!(mode(&folder.join("a.jpg")), 0o600);
        let refused = folder.part("a.jpg").unwrap().persist_noclobber().unwrap_err();
        assert_eq!(refused.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(names_in(folder.path()), ["a.jpg"], "the refused part is removed too");
        assert_eq!(std::fs::read(folder.join("a.jpg")).unwrap(), b"whole");

        folder.remove("a.jpg").unwrap();
        folder.remove("a.jpg").unwrap();
        assert!(folder.part("../a.jpg").is_err() && folder.child("..").is_err());
    }
}
