//! Evidence store: attachments kept on disk content-addressed by SHA-256
//! (`<dir>/<first two hex>/<hash>`), written by streaming (never the whole
//! file in memory), with a size limit. The event that adds a file carries its
//! hash, size, media type, device and capture time, so a file whose bytes no
//! longer match is caught by `fazhi log verify`.
//!
//! Every upload is its own attachment row, naming the record it belongs to
//! (`case:12`, `inspection:7`, `request:3`), which must exist and be one the
//! uploader may work on; the row keeps its own media type and file name. The
//! bytes are stored once per hash, but who may read them follows each
//! attachment's record, never "the newest upload of that hash". Markup a
//! browser would run (HTML, SVG, XHTML, or bytes that sniff as such) is
//! refused, and every download is served as an attachment under a
//! sandboxing CSP with `nosniff`.

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
        sub_ok && top_ok && !is_markup_type(&media_type)
    });
    if !media_ok {
        return Err(AppError::invalid(
            "media_type",
            format!(
                "不支持的文件类型“{media_type}”（须为图片、音视频、文本或 PDF/OFD/Office 文档；不收 HTML、SVG 或脚本）"
            ),
            format!(
                "unsupported media type '{media_type}' (images, audio, video, text, or PDF/OFD/Office documents; no HTML, SVG or scripts)"
            ),
        ));
    }
    let file_name = clean_file_name(&meta.file_name);
    let n = file_name.chars().count();
    if n == 0 || n > FILE_NAME_CHARS_MAX {
        return Err(AppError::invalid(
            "file_name",
            format!(
                "文件名须为 1–{FILE_NAME_CHARS_MAX} 个字符（去掉控制字符、方向控制字符、路径分隔符和开头的点之后）"
            ),
            format!(
                "file name must be 1–{FILE_NAME_CHARS_MAX} characters once control, bidi and path characters and leading dots are removed"
            ),
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

/// Media types a browser renders as a document that can run script: never
/// accepted as evidence.
fn is_markup_type(media_type: &str) -> bool {
    let sub = media_type.split_once('/').map_or(media_type, |(_, s)| s);
    sub.contains("html")
        || sub.contains("svg")
        || sub.contains("javascript")
        || sub.contains("ecmascript")
        || sub == "xml"
        || sub.ends_with("+xml") && !sub.starts_with("vnd.")
}

/// The media type a download is served with: the attachment's own, except
/// that markup (rows stored before it was refused) goes out as bytes.
pub fn served_media_type(media_type: &str) -> &str {
    if is_markup_type(media_type) {
        "application/octet-stream"
    } else {
        media_type
    }
}

/// Bidi controls that make a name read other than it is (`txt.exe` shown as
/// `exe.txt`): LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI, LRM, RLM.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// A file name as stored and offered back: without control characters, bidi
/// controls, path separators, and leading dots or spaces.
pub fn clean_file_name(name: &str) -> String {
    let kept: String = name
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c) && *c != '/' && *c != '\\')
        .collect();
    kept.trim()
        .trim_start_matches(|c: char| c == '.' || c.is_whitespace())
        .to_owned()
}

/// Bytes read before an upload is judged by what it contains.
const SNIFF_BYTES: usize = 1024;

/// Whether the first bytes of a file are markup a browser would render
/// (the HTML signatures of the WHATWG MIME Sniffing standard, SVG, or XML
/// carrying SVG or XHTML), whatever media type the client declared.
pub fn sniffs_as_markup(head: &[u8]) -> bool {
    let body = head
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(head)
        .iter()
        .skip_while(|b| matches!(b, b'\t' | b'\n' | 0x0C | b'\r' | b' '))
        .map(u8::to_ascii_lowercase)
        .collect::<Vec<u8>>();
    const TAGS: [&[u8]; 18] = [
        b"<!doctype html",
        b"<html",
        b"<head",
        b"<script",
        b"<iframe",
        b"<h1",
        b"<div",
        b"<font",
        b"<table",
        b"<a",
        b"<style",
        b"<title",
        b"<b",
        b"<body",
        b"<br",
        b"<p",
        b"<svg",
        b"<?xml",
    ];
    if body.starts_with(b"<!--") {
        return true;
    }
    let tag = TAGS.iter().any(|t| {
        body.starts_with(t)
            && body
                .get(t.len())
                .is_none_or(|b| matches!(b, b' ' | b'>' | b'\t' | b'\n' | b'\r' | 0x0C | b'/'))
    });
    if !tag {
        return false;
    }
    if body.starts_with(b"<?xml") {
        let has = |needle: &[u8]| body.windows(needle.len()).any(|w| w == needle);
        return has(b"<svg") || has(b"<html") || has(b"http://www.w3.org/1999/xhtml");
    }
    true
}

/// An upload in progress: bytes go to a temporary file while being hashed.
/// Dropped without `finish`, the temporary file is removed.
pub struct EvidenceUpload {
    actor: Actor,
    meta: ParsedMeta,
    /// The agency of the record the file belongs to.
    record_agency_id: i64,
    /// The first bytes, to judge what the file is.
    head: Vec<u8>,
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
    let Some(record_agency_id) = subject_agency(app, actor, &meta.subject).await? else {
        return Err(no_such_subject(&meta.subject));
    };
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
        record_agency_id,
        head: Vec::new(),
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
        if self.head.len() < SNIFF_BYTES {
            let take = (SNIFF_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
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
        if sniffs_as_markup(&self.head) {
            return Err(AppError::invalid(
                "body",
                "文件内容是网页或矢量图标记（HTML/SVG），浏览器会执行其中的脚本，不能作为证据上传：请转为 PDF 或图片",
                "the file's content is HTML or SVG markup, which a browser would run: it cannot be uploaded as evidence (convert it to PDF or an image)",
            ));
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
            agency_id: self.record_agency_id,
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

fn no_such_subject(subject: &str) -> AppError {
    AppError::invalid(
        "subject",
        format!(
            "没有记录“{subject}”，或您无权向它添加证据（证据须属于您可办理的案件、检查任务或诉求）"
        ),
        format!(
            "there is no record '{subject}', or you may not add evidence to it (evidence belongs to a case, inspection task or request you may work on)"
        ),
    )
}

/// The agency of the record `subject` names, when it exists and the actor
/// may work on it (cases and requests of the actor's scope; inspection tasks
/// of the scope or assigned to the actor). `None` otherwise: a record that
/// does not exist and one out of reach look the same.
pub async fn subject_agency(
    app: &App,
    actor: &Actor,
    subject: &str,
) -> Result<Option<i64>, AppError> {
    let Some((kind, id)) = subject.split_once(':') else {
        return Ok(None);
    };
    let Ok(id) = id.parse::<i64>() else {
        return Ok(None);
    };
    let covers = |path: &str| {
        fazhi_domain::agency::AgencyPath::parse(path).is_some_and(|p| actor.agency_path.covers(&p))
    };
    Ok(match kind {
        "case" => fazhi_store::cases::get(&app.db, id)
            .await?
            .filter(|c| covers(&c.agency_path))
            .map(|c| c.agency_id),
        "request" => fazhi_store::requests::get(&app.db, id)
            .await?
            .filter(|r| covers(&r.agency_path))
            .map(|r| r.agency_id),
        "inspection" => match fazhi_store::inspections::get_task(&app.db, id).await? {
            Some(task) if crate::inspection_tasks::visible(app, actor, &task).await? => {
                Some(task.agency_id)
            }
            _ => None,
        },
        _ => None,
    })
}

/// Whether the actor may read an attachment: its own record decides (an
/// attachment whose record kind is not one evidence is added to any more
/// falls back to the agency it was stored under).
pub async fn may_read(app: &App, actor: &Actor, a: &Attachment) -> Result<bool, AppError> {
    let kind = a.subject.split_once(':').map_or("", |(k, _)| k);
    if ["case", "request", "inspection"].contains(&kind) {
        return Ok(subject_agency(app, actor, &a.subject).await?.is_some());
    }
    Ok(fazhi_store::agencies::get(&app.db, a.agency_id)
        .await?
        .is_some_and(|agency| actor.agency_path.covers(&agency.path)))
}

/// An attachment of the file `sha256` the actor may read, with the path of
/// its bytes: the one numbered `attachment` if given, else the newest upload
/// of these bytes the actor may read. Media type and name are that
/// attachment's. Not found when the actor may read none.
pub async fn open(
    app: &App,
    actor: &Actor,
    sha256: &str,
    attachment: Option<i64>,
) -> Result<(Attachment, PathBuf), AppError> {
    authorize(actor, Action::ViewEvidence, None)?;
    let not_found = AppError::NotFound {
        zh: "证据文件",
        en: "evidence file",
    };
    let candidates = match attachment {
        Some(id) => attachments::get(&app.db, id)
            .await?
            .filter(|a| a.sha256 == sha256)
            .into_iter()
            .collect(),
        None => attachments::all_by_hash(&app.db, sha256).await?,
    };
    for record in candidates {
        if may_read(app, actor, &record).await? {
            let path = app.evidence.path_of(&record.sha256);
            return Ok((record, path));
        }
    }
    Err(not_found)
}

/// Whether the actor may read some upload of the file `sha256` (what a case
/// may cite as evidence).
pub async fn readable_hash(app: &App, actor: &Actor, sha256: &str) -> Result<bool, AppError> {
    for a in attachments::all_by_hash(&app.db, sha256).await? {
        if may_read(app, actor, &a).await? {
            return Ok(true);
        }
    }
    Ok(false)
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
        let path_name = EvidenceMeta {
            file_name: "../../etc/passwd".into(),
            ..ok.clone()
        };
        assert_eq!(parse_meta(&path_name).unwrap().file_name, "etcpasswd");
        let bad_name = EvidenceMeta {
            file_name: "/\u{202E}.\u{0}".into(),
            ..ok.clone()
        };
        assert_eq!(
            parse_meta(&bad_name).err().unwrap().field(),
            Some("file_name")
        );
        for markup in [
            "text/html",
            "image/svg+xml",
            "application/xhtml+xml",
            "application/xml",
            "text/javascript",
        ] {
            let m = EvidenceMeta {
                media_type: markup.into(),
                ..ok.clone()
            };
            assert_eq!(
                parse_meta(&m).err().unwrap().field(),
                Some("media_type"),
                "{markup}"
            );
        }
        let bad_time = EvidenceMeta {
            captured_at: Some("2026-02-30 10:00".into()),
            ..ok
        };
        assert_eq!(
            parse_meta(&bad_time).err().unwrap().field(),
            Some("captured_at")
        );
    }

    #[test]
    fn file_names_lose_bidi_controls_control_characters_path_characters_and_leading_dots() {
        assert_eq!(clean_file_name("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
        assert_eq!(
            clean_file_name(
                "\u{2066}a\u{2067}b\u{2068}c\u{2069}\u{200E}d\u{200F}\u{202A}\u{202B}\u{202C}\u{202D}.jpg"
            ),
            "abcd.jpg"
        );
        assert_eq!(clean_file_name("..\\..\\x\ty\r\n.png"), "xy.png");
        assert_eq!(clean_file_name(" .hidden"), "hidden");
        assert_eq!(clean_file_name("现场照片 1.jpg"), "现场照片 1.jpg");
    }

    #[test]
    fn html_and_svg_content_sniffs_as_markup_whatever_the_declared_type() {
        for markup in [
            &b"<!DOCTYPE html><p>x"[..],
            b"\xEF\xBB\xBF  <html>",
            b"\n<script>alert(1)</script>",
            b"<svg xmlns='http://www.w3.org/2000/svg'>",
            b"<?xml version='1.0'?><svg/>",
            b"<?xml version='1.0'?><x:html xmlns:x='http://www.w3.org/1999/xhtml'>",
            b"<!-- c --><b>",
            b"<P>",
        ] {
            assert!(
                sniffs_as_markup(markup),
                "{}",
                String::from_utf8_lossy(markup)
            );
        }
        for plain in [
            &b"\xFF\xD8\xFF\xE0 JFIF"[..],
            b"%PDF-1.7",
            b"<?xml version='1.0'?><invoice/>",
            b"plain text <html>",
            b"<bold is not a tag",
        ] {
            assert!(
                !sniffs_as_markup(plain),
                "{}",
                String::from_utf8_lossy(plain)
            );
        }
        assert_eq!(served_media_type("text/html"), "application/octet-stream");
        assert_eq!(served_media_type("image/jpeg"), "image/jpeg");
    }
}
