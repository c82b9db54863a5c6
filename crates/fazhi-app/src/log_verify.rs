//! Full verification of the action log as stored: every leaf recomputed from
//! its event, every stored interior node recomputed from its children, no gap
//! in event positions, every evidence file re-hashed against its record and
//! its event. Reports the first inconsistency precisely.

use crate::evidence::{FileCheck, check_file};
use crate::{App, AppError};
use fazhi_domain::action_log::{Event, interior_hash, leaf_hash_of};
use fazhi_domain::checkpoint::NoteVerifier;
use fazhi_domain::merkle::{CompactRange, Hash};
use fazhi_store::log_tree::StoredCheckpoint;
use fazhi_store::{attachments, events, log_tree};
use std::collections::HashMap;

/// Events read per batch while streaming through the log (each with its leaf;
/// the interior nodes they complete are read alongside).
pub const VERIFY_BATCH_ROWS: i64 = 16_384;

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
    let size = events::size(&app.db).await?;
    let total = u64::try_from(size).unwrap_or(0);
    let checkpoints = log_tree::all_checkpoints(&app.db).await?;
    let verifier = app.log_signer.as_ref().map(|s| NoteVerifier {
        name: s.key_name.clone(),
        public: s.public_key(),
    });
    let mut walk = Walk {
        report: VerifyReport::default(),
        compact: CompactRange::default(),
        checkpoints: &checkpoints,
        verifier,
        carry: Vec::new(),
        added: HashMap::new(),
    };

    // One pass over the log in keyset-paginated batches. Each batch's events
    // come with their stored leaves; while its leaves are hashed, the interior
    // nodes it completes and the next batch are read (a pipeline: the reads
    // run on the database's side while this thread hashes).
    let mut batch = if size > 0 {
        events::after_with_leaves(&app.db, 0, VERIFY_BATCH_ROWS).await?
    } else {
        Vec::new()
    };
    while walk.report.events < size {
        let first_leaf = walk.report.events;
        let Some(last_id) = batch.last().map(|(e, _)| e.id) else {
            walk.report.problem = Some(Problem::EventMissing { id: first_leaf + 1 });
            return Ok(walk.report);
        };
        // Only a gapless batch ends at `last_id`; a gap stops at the leaf check.
        let end_leaf = last_id.min(size);
        let (next, stored_nodes, leaves) = tokio::join!(
            async {
                if last_id < size {
                    events::after_with_leaves(&app.db, last_id, VERIFY_BATCH_ROWS).await
                } else {
                    Ok(Vec::new())
                }
            },
            log_tree::completed_by(&app.db, first_leaf, end_leaf),
            async { walk.leaves(&batch) },
        );
        let leaves = match leaves {
            Ok(leaves) => leaves,
            Err(problem) => {
                walk.report.problem = Some(problem);
                return Ok(walk.report);
            }
        };
        if let Some(problem) = walk.nodes(first_leaf, leaves, stored_nodes?) {
            walk.report.problem = Some(problem);
            return Ok(walk.report);
        }
        progress(
            "events",
            u64::try_from(walk.report.events).unwrap_or(0),
            total,
        );
        batch = next?;
    }
    let mut report = walk.report;
    if let Some(cp) = checkpoints.get(usize::try_from(report.checkpoints).unwrap_or(usize::MAX)) {
        // A checkpoint larger than the log: events were removed from the end.
        report.problem = Some(Problem::CheckpointMismatch { size: cp.size });
        return Ok(report);
    }
    if log_tree::leaf_count(&app.db).await? > size {
        report.problem = Some(Problem::LeafWithoutEvent { index: size });
        return Ok(report);
    }

    // Evidence files against their rows, and rows against the events that added them
    // (collected on the pass above).
    let added = walk.added;
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

/// State of the single pass over the log.
struct Walk<'a> {
    report: VerifyReport,
    /// The right edge of the tree recomputed from the events (checkpoint roots).
    compact: CompactRange,
    /// Every checkpoint, oldest first; `report.checkpoints` of them are checked.
    checkpoints: &'a [StoredCheckpoint],
    verifier: Option<NoteVerifier>,
    /// Per level, the last recomputed node when it still waits for its right sibling.
    carry: Vec<Option<(i64, Hash)>>,
    /// Payloads of `evidence.added` events by attachment id.
    added: HashMap<i64, serde_json::Value>,
}

impl Walk<'_> {
    /// Event `i` must exist and hash to stored leaf `i - 1`; checkpoints are
    /// checked against the roots recomputed on the way. Returns the batch's
    /// recomputed leaves.
    fn leaves(&mut self, batch: &[(Event, Option<Hash>)]) -> Result<Vec<Hash>, Problem> {
        let mut leaves = Vec::with_capacity(batch.len());
        for (event, stored) in batch {
            let id = self.report.events + 1;
            if event.id != id {
                return Err(Problem::EventMissing { id });
            }
            let bytes = event.canonical_bytes();
            let recomputed = leaf_hash_of(&bytes);
            self.report.bytes_hashed += bytes.len() as u64 + 1;
            match stored {
                Some(stored) if *stored == recomputed => {}
                Some(stored) => {
                    return Err(Problem::LeafMismatch {
                        id,
                        stored: hex::encode(stored),
                        recomputed: hex::encode(recomputed),
                    });
                }
                None => {
                    return Err(Problem::NodeMissing {
                        level: 0,
                        index: id - 1,
                    });
                }
            }
            if event.kind == "evidence.added"
                && let Ok(payload) = serde_json::from_str::<serde_json::Value>(&event.payload_json)
                && let Some(attachment) = payload["attachment_id"].as_i64()
            {
                self.added.insert(attachment, payload);
            }
            self.report.events = id;
            leaves.push(recomputed);
            self.compact.append(recomputed);
            self.checkpoints_at(id)?;
        }
        Ok(leaves)
    }

    /// Every checkpoint of size `size`: its root must be the recomputed root,
    /// and its note must verify with the agency key.
    fn checkpoints_at(&mut self, size: i64) -> Result<(), Problem> {
        while let Some(cp) = self
            .checkpoints
            .get(usize::try_from(self.report.checkpoints).unwrap_or(usize::MAX))
        {
            if cp.size != size {
                break;
            }
            let root = self.compact.root();
            if cp.root != root {
                return Err(Problem::CheckpointMismatch { size: cp.size });
            }
            if let Some(v) = &self.verifier {
                let opened = fazhi_domain::checkpoint::open_note(&cp.note, std::slice::from_ref(v));
                if !opened.is_ok_and(|c| c.size == self.compact.size() && c.root == root) {
                    return Err(Problem::CheckpointSignature { size: cp.size });
                }
            }
            self.report.checkpoints += 1;
        }
        Ok(())
    }

    /// Every interior node that leaves `[first_leaf, first_leaf + leaves.len())`
    /// complete must be stored and equal the hash of its children,
    /// `H(0x01 ‖ (l-1, 2i) ‖ (l-1, 2i+1))`. The children are the recomputed
    /// ones, which equal the stored ones (leaves were compared, and each level
    /// is compared before the next), so this is the same check as hashing the
    /// stored children, without reading every level twice.
    fn nodes(
        &mut self,
        first_leaf: i64,
        leaves: Vec<Hash>,
        stored: Vec<Vec<(i64, Hash)>>,
    ) -> Option<Problem> {
        let mut below = leaves;
        let mut start = first_leaf;
        for level in 1i64.. {
            let child_level = usize::try_from(level - 1).unwrap_or(0);
            if self.carry.len() <= child_level {
                self.carry.resize(child_level + 1, None);
            }
            if start % 2 == 1 {
                match self.carry[child_level].take() {
                    Some((index, hash)) if index == start - 1 => {
                        below.insert(0, hash);
                        start -= 1;
                    }
                    _ => {
                        return Some(Problem::NodeMissing {
                            level: level - 1,
                            index: start - 1,
                        });
                    }
                }
            }
            if below.len() % 2 == 1 {
                let index = start + i64::try_from(below.len()).unwrap_or(0) - 1;
                self.carry[child_level] = below.pop().map(|h| (index, h));
            }
            if below.is_empty() {
                return None;
            }
            let from = start / 2;
            let found = stored
                .get(usize::try_from(level - 1).unwrap_or(usize::MAX))
                .map(Vec::as_slice)
                .unwrap_or_default();
            let mut parents = Vec::with_capacity(below.len() / 2);
            let mut found = found.iter();
            for (offset, pair) in below.chunks_exact(2).enumerate() {
                let index = from + i64::try_from(offset).unwrap_or(0);
                let hash = interior_hash(&pair[0], &pair[1]);
                self.report.bytes_hashed += 65;
                match found.next() {
                    Some((stored_index, stored_hash)) if *stored_index == index => {
                        if *stored_hash != hash {
                            return Some(Problem::NodeMismatch { level, index });
                        }
                    }
                    _ => return Some(Problem::NodeMissing { level, index }),
                }
                self.report.nodes += 1;
                parents.push(hash);
            }
            below = parents;
            start = from;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fazhi_domain::merkle::{NodeId, nodes_of_leaves};

    fn walk() -> Walk<'static> {
        Walk {
            report: VerifyReport::default(),
            compact: CompactRange::default(),
            checkpoints: &[],
            verifier: None,
            carry: Vec::new(),
            added: HashMap::new(),
        }
    }

    /// What `log_tree::completed_by` reads, from an in-memory tree.
    fn completed_by(tree: &HashMap<NodeId, Hash>, from: i64, to: i64) -> Vec<Vec<(i64, Hash)>> {
        let mut out = Vec::new();
        for level in 1..63i64 {
            let (lo, hi) = (from >> level, to >> level);
            if hi <= lo {
                break;
            }
            out.push(
                (lo..hi)
                    .filter_map(|i| {
                        let id = NodeId {
                            level: u8::try_from(level).unwrap(),
                            index: u64::try_from(i).unwrap(),
                        };
                        tree.get(&id).map(|h| (i, *h))
                    })
                    .collect(),
            );
        }
        out
    }

    fn run(leaves: &[Hash], tree: &HashMap<NodeId, Hash>, batches: &[usize]) -> Walk<'static> {
        let mut w = walk();
        let mut first = 0usize;
        let mut sizes = batches.iter().cycle();
        while first < leaves.len() {
            let end = (first + *sizes.next().unwrap()).min(leaves.len());
            let (a, b) = (i64::try_from(first).unwrap(), i64::try_from(end).unwrap());
            let stored = completed_by(tree, a, b);
            if let Some(p) = w.nodes(a, leaves[first..end].to_vec(), stored) {
                w.report.problem = Some(p);
                return w;
            }
            first = end;
        }
        w
    }

    #[test]
    fn interior_nodes_are_checked_exactly_once_whatever_the_batch_boundaries() {
        let leaves: Vec<Hash> = (0u32..1000)
            .map(|i| leaf_hash_of(&i.to_be_bytes()))
            .collect();
        for n in [1usize, 2, 3, 7, 8, 9, 255, 256, 257, 1000] {
            let tree = nodes_of_leaves(&leaves[..n]);
            for batches in [&[1usize][..], &[2], &[3], &[5, 1, 7], &[16], &[1000]] {
                let w = run(&leaves[..n], &tree, batches);
                assert_eq!(w.report.problem, None, "n {n}, batches {batches:?}");
                let n = i64::try_from(n).unwrap();
                assert_eq!(
                    w.report.nodes,
                    n - i64::from(n.count_ones()),
                    "n - popcount(n) interior nodes, batches {batches:?}"
                );
            }
        }
    }

    #[test]
    fn a_changed_or_missing_interior_node_is_named_across_batch_boundaries() {
        let leaves: Vec<Hash> = (0u32..300)
            .map(|i| leaf_hash_of(&i.to_be_bytes()))
            .collect();
        let honest = nodes_of_leaves(&leaves);
        for (level, index) in [(1u8, 0u64), (1, 149), (3, 17), (8, 0), (5, 8)] {
            let id = NodeId { level, index };
            let mut changed = honest.clone();
            changed.insert(id, [7; 32]);
            let mut missing = honest.clone();
            missing.remove(&id);
            let (level, index) = (i64::from(level), i64::try_from(index).unwrap());
            for batches in [&[1usize][..], &[3, 5], &[64], &[300]] {
                assert_eq!(
                    run(&leaves, &changed, batches).report.problem,
                    Some(Problem::NodeMismatch { level, index }),
                    "batches {batches:?}"
                );
                assert_eq!(
                    run(&leaves, &missing, batches).report.problem,
                    Some(Problem::NodeMissing { level, index }),
                    "batches {batches:?}"
                );
            }
        }
    }
}
