//! Evidence store: attachments kept on disk content-addressed by SHA-256
//! (`<dir>/<first two hex>/<hash>`), written by streaming (never the whole
//! file in memory), with a size limit. The event that adds a file carries its
//! hash, size, media type, device and capture time, so a file whose bytes no
//! longer match is caught by `fazhi log verify`.

use crate::{App, AppError, random_token};
use fazhi_domain::action_log::EventKind;
use fazhi_domain::authz::{Action, Actor, authorize};
use fazhi_store::attachments::{self, Attachment};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

/// Default largest attachment: 4 GiB (long recorder videos).
pub const EVIDENCE_BYTES_MAX_DEFAULT: u64 = 4 * 1024 * 1024 * 1024;
const FILE_NAME_CHARS_MAX: usize = 200;
const DEVICE_ID_CHARS_MAX: usize = 64;

#[derive(Debug, Clone)]
pub struct EvidenceStore {
    pub dir: PathBuf,
    pub bytes_max: u64,
}

impl EvidenceStore {
    pub fn new(dir: PathBuf) -> Self {
        EvidenceStore {
            dir,
            bytes_max: EVIDENCE_BYTES_MAX_DEFAULT,
        }
    }

    /// Where the file of `sha256` lives.
    pub fn path_of(&self, sha256: &str) -> PathBuf {
        self.dir.join(sha256.get(..2).unwrap_or("xx")).join(sha256)
    }
}

/// What a client says about an upload (strings from the edge).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct EvidenceMeta {
    pub subject: String,
    pub media_type: String,
    pub file_name: String,
    pub device_id: Option<String>,
    /// RFC 3339 instant, e.g. `2026-11-23T10:15:00+08:00`.
    pub captured_at: Option<String>,
}

struct ParsedMeta {
    subject: String,
    media_type: String,
    file_name: String,
    device_id: Option<String>,
    captured_at_us: Option<i64>,
}

/// Subjects name a record as `kind:id`, e.g. `case:12`, `inspection:7`.
pub fn parse_subject(text: &str) -> Result<String, AppError> {
    let ok = text.split_once(':').is_some_and(|(kind, id)| {
        (1..=32).contains(&kind.len())
            && kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            && (1..=64).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    });
    if ok {
        Ok(text.to_owned())
    } else {
        Err(AppError::invalid(
            "subject",
            "记录对象须写作“类型:编号”，如 case:12",
            "subject must be 'kind:id', e.g. case:12",
        ))
    }
}

fn parse_meta(meta: &EvidenceMeta) -> Result<ParsedMeta, AppError> {
    let subject = parse_subject(meta.subject.trim())?;
    let media_type = meta.media_type.trim().to_ascii_lowercase();
    let media_ok = media_type.split_once('/').is_some_and(|(top, sub)| {
        let sub_ok = !sub.is_empty()
            && sub.len() <= 100
            && sub
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._+-".contains(&b));
        let top_ok = match top {
            "image" | "video" | "audio" | "text" => true,
            // Documents only: no executables or opaque binaries.
            "application" => {
                ["pdf", "ofd", "msword", "zip", "json", "xml"].contains(&sub)
                    || sub.starts_with("vnd.openxmlformats-officedocument.")
                    || sub.starts_with("vnd.ms-")
            }
            _ => false,
        };
        sub_ok && top_ok
    });
    if !media_ok {
        return Err(AppError::invalid(
            "media_type",
            format!(
                "不支持的文件类型“{media_type}”（须为图片、音视频、文本或 PDF/OFD/Office 文档）"
            ),
            format!(
                "unsupported media type '{media_type}' (images, audio, video, text, or PDF/OFD/Office documents)"
            ),
        ));
    }
    let file_name = meta.file_name.trim().to_owned();
    let n = file_name.chars().count();
    if n == 0
        || n > FILE_NAME_CHARS_MAX
        || file_name
            .chars()
            .any(|c| c.is_control() || c == '/' || c == '\\')
    {
        return Err(AppError::invalid(
            "file_name",
            format!("文件名须为 1–{FILE_NAME_CHARS_MAX} 个字符，且不含路径分隔符"),
            format!("file name must be 1–{FILE_NAME_CHARS_MAX} characters without path separators"),
        ));
    }
    let device_id = match meta.device_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) if d.chars().count() <= DEVICE_ID_CHARS_MAX && !d.chars().any(char::is_control) => {
            Some(d.to_owned())
        }
        Some(_) => {
            return Err(AppError::invalid(
                "device_id",
                format!("设备编号不超过 {DEVICE_ID_CHARS_MAX} 个字符"),
                format!("device id must be at most {DEVICE_ID_CHARS_MAX} characters"),
            ));
        }
    };
    let captured_at_us = match meta.captured_at.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(
            text.parse::<jiff::Timestamp>()
                .map_err(|_| {
                    AppError::invalid(
                        "captured_at",
                        format!("拍摄时间“{text}”须为带时区的时间，如 2026-11-23T10:15:00+08:00"),
                        format!("capture time '{text}' must be an RFC 3339 instant, e.g. 2026-11-23T10:15:00+08:00"),
                    )
                })?
                .as_microsecond(),
        ),
    };
    Ok(ParsedMeta {
        subject,
        media_type,
        file_name,
        device_id,
        captured_at_us,
    })
}

/// An upload in progress: bytes go to a temporary file while being hashed.
/// Dropped without `finish`, the temporary file is removed.
pub struct EvidenceUpload {
    actor: Actor,
    meta: ParsedMeta,
    file: Option<tokio::fs::File>,
    tmp_path: PathBuf,
    hasher: Sha256,
    size_bytes: u64,
    bytes_max: u64,
}

impl Drop for EvidenceUpload {
    fn drop(&mut self) {
        if self.file.is_some() {
            let _ = std::fs::remove_file(&self.tmp_path);
        }
    }
}

fn io_error(path: &Path, e: std::io::Error) -> AppError {
    AppError::Internal(format!("evidence store {}: {e}", path.display()))
}

/// Authorize and validate, then open the temporary file. Nothing is read from
/// the client before this succeeds.
pub async fn begin_upload(
    app: &App,
    actor: &Actor,
    meta: &EvidenceMeta,
) -> Result<EvidenceUpload, AppError> {
    authorize(actor, Action::AddEvidence, None)?;
    let meta = parse_meta(meta)?;
    let tmp_dir = app.evidence.dir.join("tmp");
    tokio::fs::create_dir_all(&tmp_dir)
        .await
        .map_err(|e| io_error(&tmp_dir, e))?;
    let tmp_path = tmp_dir.join(random_token(16)?);
    let file = tokio::fs::File::create(&tmp_path)
        .await
        .map_err(|e| io_error(&tmp_path, e))?;
    Ok(EvidenceUpload {
        actor: actor.clone(),
        meta,
        file: Some(file),
        tmp_path,
        hasher: Sha256::new(),
        size_bytes: 0,
        bytes_max: app.evidence.bytes_max,
    })
}

impl EvidenceUpload {
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), AppError> {
        self.size_bytes += chunk.len() as u64;
        if self.size_bytes > self.bytes_max {
            return Err(AppError::invalid(
                "body",
                format!("文件超过上限 {} 字节", self.bytes_max),
                format!("file exceeds the limit of {} bytes", self.bytes_max),
            ));
        }
        self.hasher.update(chunk);
        let Some(file) = self.file.as_mut() else {
            return Err(AppError::Internal("upload already finished".into()));
        };
        file.write_all(chunk)
            .await
            .map_err(|e| io_error(&self.tmp_path, e))
    }

    /// Move the file to its content address and record it with its event.
    pub async fn finish(mut self, app: &App) -> Result<Attachment, AppError> {
        if self.size_bytes == 0 {
            return Err(AppError::invalid("body", "文件为空", "the file is empty"));
        }
        let Some(mut file) = self.file.take() else {
            return Err(AppError::Internal("upload already finished".into()));
        };
        file.flush()
            .await
            .map_err(|e| io_error(&self.tmp_path, e))?;
        file.sync_all()
            .await
            .map_err(|e| io_error(&self.tmp_path, e))?;
        drop(file);
        let sha256 = hex::encode(std::mem::take(&mut self.hasher).finalize());
        let target = app.evidence.path_of(&sha256);
        if let Some(parent) = target.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(|e| io_error(parent, e))?;
        }
        if tokio::fs::try_exists(&target).await.unwrap_or(false) {
            // Same bytes already stored: keep the existing file.
            let _ = tokio::fs::remove_file(&self.tmp_path).await;
        } else {
            tokio::fs::rename(&self.tmp_path, &target)
                .await
                .map_err(|e| io_error(&target, e))?;
        }
        let record = Attachment {
            id: 0,
            sha256: sha256.clone(),
            size_bytes: i64::try_from(self.size_bytes).unwrap_or(i64::MAX),
            media_type: self.meta.media_type.clone(),
            file_name: self.meta.file_name.clone(),
            device_id: self.meta.device_id.clone(),
            captured_at_us: self.meta.captured_at_us,
            subject: self.meta.subject.clone(),
            agency_id: self.actor.agency_id,
            added_by: self.actor.user_id,
            created_at_us: app.now_us(),
        };
        let mut tx = app.db.begin().await?;
        let id = attachments::insert(&mut tx, &record).await?;
        app.log(
            &mut tx,
            Some(self.actor.user_id),
            Some(self.actor.agency_id),
            EventKind::EvidenceAdded,
            record.subject.clone(),
            serde_json::json!({
                "attachment_id": id,
                "sha256": record.sha256,
                "size_bytes": record.size_bytes,
                "media_type": record.media_type,
                "file_name": record.file_name,
                "device_id": record.device_id,
                "captured_at_us": record.captured_at_us,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(Attachment { id, ..record })
    }
}

/// The record and path of a stored file the actor may read.
pub async fn open(
    app: &App,
    actor: &Actor,
    sha256: &str,
) -> Result<(Attachment, PathBuf), AppError> {
    authorize(actor, Action::ViewEvidence, None)?;
    let record = attachments::by_hash(&app.db, sha256)
        .await?
        .ok_or(AppError::NotFound {
            zh: "证据文件",
            en: "evidence file",
        })?;
    let agency = fazhi_store::agencies::get(&app.db, record.agency_id)
        .await?
        .ok_or(AppError::NotFound {
            zh: "机构",
            en: "agency",
        })?;
    authorize(actor, Action::ViewEvidence, Some(&agency.path))?;
    let path = app.evidence.path_of(&record.sha256);
    Ok((record, path))
}

/// Result of re-hashing a stored file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileCheck {
    Intact,
    Missing,
    Mismatch { actual_sha256: String },
}

/// Re-hash a stored file by streaming it (for verification).
pub async fn check_file(store: &EvidenceStore, sha256: &str) -> Result<FileCheck, AppError> {
    use tokio::io::AsyncReadExt;
    let path = store.path_of(sha256);
    let mut file = match tokio::fs::File::open(&path).await {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileCheck::Missing),
        Err(e) => return Err(io_error(&path, e)),
    };
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1024 * 1024];
    loop {
        let n = file.read(&mut buf).await.map_err(|e| io_error(&path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    let actual = hex::encode(hasher.finalize());
    Ok(if actual == sha256 {
        FileCheck::Intact
    } else {
        FileCheck::Mismatch {
            actual_sha256: actual,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_media_types_and_capture_times_are_checked_at_the_edge() {
        assert!(parse_subject("case:12").is_ok());
        for bad in ["case", ":1", "Case:1", "case:1/2", "case:"] {
            assert_eq!(
                parse_subject(bad).unwrap_err().field(),
                Some("subject"),
                "{bad}"
            );
        }
        let ok = EvidenceMeta {
            subject: "inspection:7".into(),
            media_type: "video/mp4".into(),
            file_name: "执法记录仪-0001.mp4".into(),
            device_id: Some("ZFY-01".into()),
            captured_at: Some("2026-11-23T10:15:00+08:00".into()),
        };
        let parsed = parse_meta(&ok).unwrap();
        assert_eq!(parsed.captured_at_us, Some(1_795_400_100_000_000));
        let bad_type = EvidenceMeta {
            media_type: "exe".into(),
            ..ok.clone()
        };
        assert_eq!(
            parse_meta(&bad_type).err().unwrap().field(),
            Some("media_type")
        );
        let bad_name = EvidenceMeta {
            file_name: "../../etc/passwd".into(),
            ..ok.clone()
        };
        assert_eq!(
            parse_meta(&bad_name).err().unwrap().field(),
            Some("file_name")
        );
        let bad_time = EvidenceMeta {
            captured_at: Some("2026-02-30 10:00".into()),
            ..ok
        };
        assert_eq!(
            parse_meta(&bad_time).err().unwrap().field(),
            Some("captured_at")
        );
    }
}
