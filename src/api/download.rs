//! Streamed downloads that are verified before they exist: bytes go to a temporary
//! file beside the target, and only once the byte count and the response signature
//! check out is it renamed into place. Any failure, or dropping the future (Ctrl-C,
//! Esc), deletes the temporary file.

use std::path::{Path, PathBuf};

use reqwest::Response;
use reqwest::header::CONTENT_TYPE;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncWrite, AsyncWriteExt, BufWriter};

use super::client::{Client, transport_error};
use super::error::ApiError;
use super::names;
use crate::files::Part;
use crate::ids::MediaId;

/// Where a download goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveAs {
    /// Exactly this path.
    Path(PathBuf),
    /// Into `dir`, named from `parts` (made safe) and the extension of the
    /// response's `Content-Type`.
    InDir { dir: PathBuf, parts: Vec<String> },
}

/// A file downloaded as evidence: its size and sha256, taken as it streamed, and
/// the `X-HMAC-SIGNATURE` Veriff sent with it (`None` only when unsigned replies
/// are allowed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub size: u64,
    pub sha256: String,
    pub signature: Option<String>,
}

/// How far a download has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub received: u64,
    /// From `Content-Length`, when the server sent one.
    pub total: Option<u64>,
}

/// Lets through at most ten progress reports a second, and always the last, each
/// with the time since the first: what a person can read, not one per chunk.
#[derive(Debug, Default)]
pub struct ProgressThrottle {
    started: Option<std::time::Instant>,
    last: Option<std::time::Instant>,
}

impl ProgressThrottle {
    /// The time since the first report, when this one should be shown.
    pub fn pass(&mut self, progress: &Progress) -> Option<std::time::Duration> {
        let now = std::time::Instant::now();
        let started = *self.started.get_or_insert(now);
        let finished = Some(progress.received) == progress.total;
        if !finished
            && self
                .last
                .is_some_and(|last| now - last < std::time::Duration::from_millis(100))
        {
            return None;
        }
        self.last = Some(now);
        Some(now - started)
    }
}

const WRITE_BUFFER: usize = 256 * 1024;

impl Client {
    /// Downloads the media file to a file and returns its final path. An existing
    /// file is replaced only with `overwrite`.
    pub async fn download(
        &self,
        media: &MediaId,
        save_as: &SaveAs,
        overwrite: bool,
        mut on_progress: impl FnMut(Progress),
    ) -> Result<PathBuf, ApiError> {
        if let SaveAs::Path(path) = save_as
            && !overwrite
            && path.exists()
        {
            return Err(ApiError::Exists(path.clone()));
        }
        let response = self.media_response(media).await?;
        let target = match save_as {
            SaveAs::Path(path) => path.clone(),
            SaveAs::InDir { dir, parts } => {
                let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
                dir.join(names::file_name(&parts, content_type(&response).as_deref()))
            }
        };
        if !overwrite && target.exists() {
            return Err(ApiError::Exists(target));
        }
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let io_error = |source| ApiError::Io {
            path: target.clone(),
            source,
        };
        // Sub-folders made here hold identity documents: private, like the files.
        crate::files::create_private_dir_all(&dir).map_err(io_error)?;
        let temp = tempfile::Builder::new()
            .prefix(".veriff-tui-")
            .suffix(".part")
            .tempfile_in(&dir)
            .map_err(io_error)?;
        let (file, temp_path) = temp.into_parts();
        let mut file = BufWriter::with_capacity(WRITE_BUFFER, tokio::fs::File::from_std(file));
        self.stream_verified(response, &mut file, &target, &mut on_progress, None)
            .await?;
        // Flushed (stream_verified) but not fsynced: like curl and wget, the bytes
        // are left to the page cache. The rename still means no reader ever sees a
        // partial file; an fsync would only add crash durability, at a third more
        // time on a large download (measured in BENCHMARKS.md).
        drop(file);
        let persisted = if overwrite {
            temp_path.persist(&target)
        } else {
            temp_path.persist_noclobber(&target)
        };
        persisted.map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                ApiError::Exists(target.clone())
            } else {
                io_error(e.error)
            }
        })?;
        Ok(target)
    }

    /// Downloads the media file into `out` (stdout, for `-o -`) and returns the byte
    /// count. Bytes already written cannot be taken back, so a bad signature or a
    /// short body is reported after the fact as an error.
    pub async fn download_to_writer(
        &self,
        media: &MediaId,
        out: &mut (impl AsyncWrite + Unpin),
        mut on_progress: impl FnMut(Progress),
    ) -> Result<u64, ApiError> {
        let response = self.media_response(media).await?;
        self.stream_verified(response, out, Path::new("standard output"), &mut on_progress, None)
            .await
            .map(|(received, _)| received)
    }

    /// Downloads the media file into `part` and renames it to its name in its
    /// folder, through that folder's handle (whatever entry has the name is
    /// replaced, never written through), hashing the bytes as they stream by:
    /// evidence, with what proves it. On any failure the part is removed.
    pub async fn download_evidence(
        &self,
        media: &MediaId,
        mut part: Part,
        mut on_progress: impl FnMut(Progress),
    ) -> Result<Evidence, ApiError> {
        let target = part.path();
        let response = self.media_response(media).await?;
        let mut file = BufWriter::with_capacity(WRITE_BUFFER, tokio::fs::File::from_std(part.take_file()));
        let mut hasher = Sha256::new();
        let (size, signature) = self
            .stream_verified(response, &mut file, &target, &mut on_progress, Some(&mut hasher))
            .await?;
        drop(file);
        part.persist().map_err(|source| ApiError::Io { path: target, source })?;
        Ok(Evidence {
            size,
            sha256: hex::encode(hasher.finalize()),
            signature,
        })
    }

    async fn media_response(&self, media: &MediaId) -> Result<Response, ApiError> {
        // No whole-request timeout: a large file on a slow link is fine as long as
        // bytes keep coming (the client's read timeout).
        self.get(&self.endpoint(&["media", media]), media, None).await
    }

    async fn stream_verified(
        &self,
        mut response: Response,
        out: &mut (impl AsyncWrite + Unpin),
        target: &Path,
        on_progress: &mut impl FnMut(Progress),
        mut hasher: Option<&mut Sha256>,
    ) -> Result<(u64, Option<String>), ApiError> {
        let url = response.url().clone();
        let total = response.content_length();
        let signature = self.required_signature(&response)?;
        let mut signer = self.config().secret.signer();
        let mut received = 0u64;
        on_progress(Progress { received, total });
        let io_error = |source| ApiError::Io {
            path: target.to_path_buf(),
            source,
        };
        loop {
            let chunk = match response.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                // A stalled body is a timeout, whatever its length said.
                Err(e) if e.is_timeout() => return Err(ApiError::Timeout(self.config().timeout)),
                // A body that ends before its Content-Length surfaces as a body error.
                Err(_) if total.is_some_and(|t| received < t) => {
                    return Err(ApiError::Truncated {
                        received,
                        expected: total.unwrap_or_default(),
                    });
                }
                Err(e) => return Err(transport_error(&e, &url, self.config().timeout)),
            };
            signer.update(&chunk);
            if let Some(hasher) = &mut hasher {
                hasher.update(&chunk);
            }
            out.write_all(&chunk).await.map_err(io_error)?;
            received += chunk.len() as u64;
            on_progress(Progress { received, total });
        }
        out.flush().await.map_err(io_error)?;
        if let Some(expected) = total
            && received != expected
        {
            return Err(ApiError::Truncated { received, expected });
        }
        if let Some(signature) = &signature
            && !signer.verifies(signature)
        {
            return Err(ApiError::BadSignature);
        }
        Ok((received, signature))
    }
}

fn content_type(response: &Response) -> Option<String> {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}
