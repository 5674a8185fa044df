//! Files and folders the tool creates hold identity documents, logs of what was
//! looked at, and session history: private to the user from the moment they exist.

use std::io;
use std::path::Path;

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
}
