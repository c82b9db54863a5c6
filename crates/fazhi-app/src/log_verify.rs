//! Full verification of the action log as stored: every leaf recomputed from
//! its event, every stored interior node recomputed from its children, no gap
//! in event positions, every evidence file re-hashed against its record and
//! its event. Reports the first inconsistency precisely.

use crate::evidence::{FileCheck, check_file};
use crate::{App, AppError};
use fazhi_domain::action_log::interior_hash;
use fazhi_store::{attachments, events, log_tree};

/// Rows read per batch while streaming through the log.
pub const VERIFY_BATCH_ROWS: i64 = 10_000;

/// The first thing found wrong, with what differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// An event position has no row (deleted behind the triggers' back).
    EventMissing { id: i64 },
    /// The event's bytes no longer hash to the stored leaf (changed, reordered or swapped).
    LeafMismatch {
        id: i64,
        stored: String,
        recomputed: String,
    },
    /// A leaf row exists for an event that does not.
    LeafWithoutEvent { index: i64 },
    /// An interior node differs from the hash of its stored children.
    NodeMismatch { level: i64, index: i64 },
    /// A complete subtree has no stored node.
    NodeMissing { level: i64, index: i64 },
    /// An evidence file is gone or its bytes do not match the recorded hash.
    AttachmentMissing { id: i64, sha256: String },
    AttachmentMismatch {
        id: i64,
        sha256: String,
        actual: String,
    },
    /// The attachment row and the event that added it disagree.
    AttachmentRecordMismatch { id: i64, detail: String },
    /// A checkpoint's root is not the root of the log at its size.
    CheckpointMismatch { size: i64 },
    /// A checkpoint's signature does not verify with the agency key.
    CheckpointSignature { size: i64 },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::EventMissing { id } => write!(f, "事件 {id} 缺失 / event {id} is missing"),
            Problem::LeafMismatch {
                id,
                stored,
                recomputed,
            } => write!(
                f,
                "事件 {id} 的内容与记录的叶哈希不符 / event {id} does not match its leaf: stored {stored}, recomputed {recomputed}"
            ),
            Problem::LeafWithoutEvent { index } => {
                write!(f, "叶 {index} 没有对应事件 / leaf {index} has no event")
            }
            Problem::NodeMismatch { level, index } => {
                write!(
                    f,
                    "树节点 ({level}, {index}) 与其子节点不符 / tree node ({level}, {index}) does not match its children"
                )
            }
            Problem::NodeMissing { level, index } => write!(
                f,
                "树节点 ({level}, {index}) 缺失 / tree node ({level}, {index}) is missing"
            ),
            Problem::AttachmentMissing { id, sha256 } => write!(
                f,
                "证据 {id} 的文件 {sha256} 缺失 / evidence {id}: file {sha256} is missing"
            ),
            Problem::AttachmentMismatch { id, sha256, actual } => write!(
                f,
                "证据 {id} 的文件内容已改变 / evidence {id}: file {sha256} now hashes to {actual}"
            ),
            Problem::AttachmentRecordMismatch { id, detail } => {
                write!(f, "证据 {id} 的记录与事件不符 / evidence {id}: {detail}")
            }
            Problem::CheckpointMismatch { size } => {
                write!(
                    f,
                    "大小为 {size} 的检查点树根与日志不符 / the checkpoint of size {size} does not match the log"
                )
            }
            Problem::CheckpointSignature { size } => {
                write!(
                    f,
                    "大小为 {size} 的检查点签名无效 / the checkpoint of size {size} has an invalid signature"
                )
            }
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyReport {
    pub events: i64,
    pub nodes: i64,
    pub attachments: i64,
    pub checkpoints: i64,
    /// Bytes hashed (event encodings, node inputs, files).
    pub bytes_hashed: u64,
    pub problem: Option<Problem>,
}

/// Progress callback: `(stage, done, total)`.
pub type Progress<'a> = &'a (dyn Fn(&str, u64, u64) + Sync);

pub async fn verify(app: &App, progress: Progress<'_>) -> Result<VerifyReport, AppError> {
    let mut report = VerifyReport::default();
    let size = events::size(&app.db).await?;
    let total = u64::try_from(size).unwrap_or(0);

    // Leaves: event i must exist and hash to stored leaf i - 1. The roots of
    // every checkpoint are recomputed from the events on the way.
    let checkpoints = fazhi_store::log_tree::all_checkpoints(&app.db).await?;
    let mut pending_checkpoints = checkpoints.iter().peekable();
    let mut compact = fazhi_domain::merkle::CompactRange::default();
    let verifier = app
        .log_signer
        .as_ref()
        .map(|s| fazhi_domain::checkpoint::NoteVerifier {
            name: s.key_name.clone(),
            public: s.public_key(),
        });
    let mut next_id = 1i64;
    while next_id <= size {
        let batch = events::range(&app.db, next_id, VERIFY_BATCH_ROWS).await?;
        let leaves = log_tree::level_range(&app.db, 0, next_id - 1, VERIFY_BATCH_ROWS).await?;
        let mut leaf_iter = leaves.into_iter().peekable();
        for event in &batch {
            if event.id != next_id {
                report.problem = Some(Problem::EventMissing { id: next_id });
                return Ok(report);
            }
            let recomputed = event.leaf_hash();
            report.bytes_hashed += event.canonical_bytes().len() as u64 + 1;
            match leaf_iter.next() {
                Some((index, stored)) if index == event.id - 1 => {
                    if stored != recomputed {
                        report.problem = Some(Problem::LeafMismatch {
                            id: event.id,
                            stored: hex::encode(stored),
                            recomputed: hex::encode(recomputed),
                        });
                        return Ok(report);
                    }
                }
                _ => {
                    report.problem = Some(Problem::NodeMissing {
                        level: 0,
                        index: event.id - 1,
                    });
                    return Ok(report);
                }
            }
            report.events += 1;
            next_id += 1;
            compact.append(recomputed);
            while let Some(cp) = pending_checkpoints.peek() {
                if cp.size != report.events {
                    break;
                }
                if cp.root != compact.root() {
                    report.problem = Some(Problem::CheckpointMismatch { size: cp.size });
                    return Ok(report);
                }
                if let Some(v) = &verifier {
                    let opened =
                        fazhi_domain::checkpoint::open_note(&cp.note, std::slice::from_ref(v));
                    if !opened.is_ok_and(|c| c.size == compact.size() && c.root == compact.root()) {
                        report.problem = Some(Problem::CheckpointSignature { size: cp.size });
                        return Ok(report);
                    }
                }
                report.checkpoints += 1;
                pending_checkpoints.next();
            }
        }
        if batch.is_empty() {
            report.problem = Some(Problem::EventMissing { id: next_id });
            return Ok(report);
        }
        progress("events", u64::try_from(report.events).unwrap_or(0), total);
    }
    if let Some(cp) = pending_checkpoints.next() {
        // A checkpoint larger than the log: events were removed from the end.
        report.problem = Some(Problem::CheckpointMismatch { size: cp.size });
        return Ok(report);
    }
    if log_tree::leaf_count(&app.db).await? > size {
        report.problem = Some(Problem::LeafWithoutEvent { index: size });
        return Ok(report);
    }

    // Interior nodes, level by level: node (l, i) = H(0x01 ‖ (l-1, 2i) ‖ (l-1, 2i+1)).
    let mut level = 1i64;
    while (1i64 << level) <= size {
        let expected_count = size >> level;
        let mut index = 0i64;
        while index < expected_count {
            let nodes = log_tree::level_range(&app.db, level, index, VERIFY_BATCH_ROWS).await?;
            let children =
                log_tree::level_range(&app.db, level - 1, 2 * index, 2 * VERIFY_BATCH_ROWS).await?;
            for (offset, (stored_index, stored)) in nodes.iter().enumerate() {
                let want = index + i64::try_from(offset).unwrap_or(0);
                if *stored_index != want {
                    report.problem = Some(Problem::NodeMissing { level, index: want });
                    return Ok(report);
                }
                let (Some(left), Some(right)) =
                    (children.get(2 * offset), children.get(2 * offset + 1))
                else {
                    report.problem = Some(Problem::NodeMissing {
                        level: level - 1,
                        index: 2 * want + 1,
                    });
                    return Ok(report);
                };
                report.bytes_hashed += 65;
                if interior_hash(&left.1, &right.1) != *stored {
                    report.problem = Some(Problem::NodeMismatch { level, index: want });
                    return Ok(report);
                }
                report.nodes += 1;
            }
            if nodes.is_empty() {
                report.problem = Some(Problem::NodeMissing { level, index });
                return Ok(report);
            }
            index += i64::try_from(nodes.len()).unwrap_or(0);
            if nodes.len() < usize::try_from(VERIFY_BATCH_ROWS).unwrap_or(usize::MAX)
                && index < expected_count
            {
                report.problem = Some(Problem::NodeMissing { level, index });
                return Ok(report);
            }
        }
        progress("nodes", u64::try_from(report.nodes).unwrap_or(0), total);
        level += 1;
    }

    // Evidence files against their rows, and rows against the events that added them.
    let added: std::collections::HashMap<i64, serde_json::Value> = {
        let mut map = std::collections::HashMap::new();
        let mut from = 1i64;
        loop {
            let batch = events::range(&app.db, from, VERIFY_BATCH_ROWS).await?;
            let Some(last) = batch.last() else { break };
            from = last.id + 1;
            for e in batch.iter().filter(|e| e.kind == "evidence.added") {
                if let Ok(payload) = serde_json::from_str::<serde_json::Value>(&e.payload_json)
                    && let Some(id) = payload["attachment_id"].as_i64()
                {
                    map.insert(id, payload);
                }
            }
        }
        map
    };
    let mut from = 1i64;
    loop {
        let batch = attachments::range(&app.db, from, 1000).await?;
        let Some(last) = batch.last() else { break };
        from = last.id + 1;
        for a in &batch {
            let recorded = added.get(&a.id);
            let agrees = recorded.is_some_and(|p| {
                p["sha256"] == a.sha256.as_str() && p["size_bytes"] == a.size_bytes
            });
            if !agrees {
                report.problem = Some(Problem::AttachmentRecordMismatch {
                    id: a.id,
                    detail: "哈希或大小与添加证据的事件不一致 / hash or size differs from the event that added it".into(),
                });
                return Ok(report);
            }
            match check_file(&app.evidence, &a.sha256).await? {
                FileCheck::Intact => {}
                FileCheck::Missing => {
                    report.problem = Some(Problem::AttachmentMissing {
                        id: a.id,
                        sha256: a.sha256.clone(),
                    });
                    return Ok(report);
                }
                FileCheck::Mismatch { actual_sha256 } => {
                    report.problem = Some(Problem::AttachmentMismatch {
                        id: a.id,
                        sha256: a.sha256.clone(),
                        actual: actual_sha256,
                    });
                    return Ok(report);
                }
            }
            report.bytes_hashed += u64::try_from(a.size_bytes).unwrap_or(0);
            report.attachments += 1;
        }
    }
    Ok(report)
}
