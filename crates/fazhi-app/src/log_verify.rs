//! Full verification of the action log as stored: every leaf recomputed from
//! its event, every stored interior node recomputed from its children, no gap
//! in event positions, every evidence file re-hashed against its record and
//! its event. Reports the first inconsistency precisely.

use crate::evidence::{FileCheck, check_file};
use crate::{App, AppError};
use fazhi_domain::action_log::{EntryFault, interior_hash, leaf_hash_of};
use fazhi_domain::checkpoint::NoteVerifier;
use fazhi_domain::merkle::{self, Hash};
use fazhi_store::log_scan::{self, ScanBatch};
use fazhi_store::log_tree::StoredCheckpoint;
use fazhi_store::{attachments, events, log_tree};

pub use fazhi_store::log_scan::ReadPath;
use std::collections::HashMap;

/// Events read per batch while streaming through the log (each with its leaf;
/// the interior nodes they complete are read alongside).
pub const VERIFY_BATCH_ROWS: usize = 4_096;

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
    /// The event's stored entry hashes to its leaf but is not one canonical
    /// encoding (it never was: the log writes only encodings).
    EntryUndecodable { id: i64, detail: String },
    /// A column kept beside the entry for the indexes (time, agency,
    /// subject) was changed: the event would show on another trail or day.
    ColumnMismatch { id: i64, column: &'static str },
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
            Problem::EntryUndecodable { id, detail } => {
                write!(f, "事件 {id} 的记录内容无法解析 / event {id}: {detail}")
            }
            Problem::ColumnMismatch { id, column } => write!(
                f,
                "事件 {id} 的索引列 {column} 与记录内容不符 / event {id}: column {column} differs from the event's recorded bytes"
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
    verify_with(app, progress, ReadPath::Bulk, VERIFY_BATCH_ROWS).await
}

/// [`verify`] reading the log through `path` in batches of `batch_rows`
/// events (tests compare the paths and move the batch boundaries).
pub async fn verify_with(
    app: &App,
    progress: Progress<'_>,
    path: ReadPath,
    batch_rows: usize,
) -> Result<VerifyReport, AppError> {
    let size = events::size(&app.db).await?;
    let total = u64::try_from(size).unwrap_or(0);
    let checkpoints = log_tree::all_checkpoints(&app.db).await?;
    let verifier = app.log_signer.as_ref().map(|s| NoteVerifier {
        name: s.key_name.clone(),
        public: s.public_key(),
    });
    let mut walk = Walk {
        report: VerifyReport::default(),
        checkpoints: &checkpoints,
        verifier,
        stored_leaves: log_tree::stored_leaves(size),
        carry: Vec::new(),
        levels: Vec::new(),
        added: HashMap::new(),
    };

    // One pass over the log: a reader streams batches of events with the tree
    // rows they complete while this task hashes the previous batch.
    let mut batches = log_scan::scan(&app.db, size, batch_rows, path);
    while walk.report.events < size {
        let Some(batch) = batches.recv().await else {
            walk.report.problem = Some(Problem::EventMissing {
                id: walk.report.events + 1,
            });
            return Ok(walk.report);
        };
        if let Err(problem) = walk.batch(&batch?) {
            walk.report.problem = Some(problem);
            return Ok(walk.report);
        }
        progress(
            "events",
            u64::try_from(walk.report.events).unwrap_or(0),
            total,
        );
    }
    drop(batches);
    let mut report = walk.report;
    if let Some(cp) = checkpoints.get(usize::try_from(report.checkpoints).unwrap_or(usize::MAX)) {
        // A checkpoint larger than the log: events were removed from the end.
        report.problem = Some(Problem::CheckpointMismatch { size: cp.size });
        return Ok(report);
    }
    if log_tree::leaves_beyond(&app.db, size).await? {
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
    /// Every checkpoint, oldest first; `report.checkpoints` of them are checked.
    checkpoints: &'a [StoredCheckpoint],
    verifier: Option<NoteVerifier>,
    /// Leaves `[0, stored_leaves)` must be stored: those of the full leaf
    /// tiles. The leaves of the tile still filling are not stored (see
    /// `log_tree`); one stored all the same is compared.
    stored_leaves: i64,
    /// Per level, the last recomputed node when it still waits for its right sibling.
    carry: Vec<Option<(i64, Hash)>>,
    /// Per level, the recomputed nodes the current batch consumed: `(first index, hashes)`.
    /// With `carry`, they hold every peak of every tree size inside the batch,
    /// from which checkpoint roots are folded (no second hashing of the tree).
    levels: Vec<(i64, Vec<Hash>)>,
    /// Payloads of `evidence.added` events by attachment id.
    added: HashMap<i64, serde_json::Value>,
}

/// Kind code of the events whose payloads the evidence check needs.
const EVIDENCE_ADDED: &[u8] = b"evidence.added";

impl Walk<'_> {
    /// Leaves, then interior nodes, then the checkpoints inside the batch.
    fn batch(&mut self, batch: &ScanBatch) -> Result<(), Problem> {
        let first_leaf = self.report.events;
        let leaves = self.leaves(batch)?;
        if let Some(problem) = self.nodes(first_leaf, leaves, &batch.nodes) {
            return Err(problem);
        }
        self.checkpoints_up_to(first_leaf, self.report.events)
    }

    /// Event `i` must exist and hash to stored leaf `i - 1`. Returns the
    /// batch's recomputed leaves.
    fn leaves(&mut self, batch: &ScanBatch) -> Result<Vec<Hash>, Problem> {
        let mut leaves = Vec::with_capacity(batch.events.len());
        let mut stored = batch.leaves.iter().peekable();
        for event in &batch.events {
            let id = self.report.events + 1;
            if event.id != id {
                return Err(Problem::EventMissing { id });
            }
            let bytes = &batch.encodings[event.bytes.clone()];
            let recomputed = leaf_hash_of(bytes);
            self.report.bytes_hashed += bytes.len() as u64 + 1;
            while stored.next_if(|(index, _)| *index < id - 1).is_some() {}
            // Every hash stored for this leaf (a row left beside its tile too).
            let mut found = false;
            while let Some((_, stored)) = stored.next_if(|(index, _)| *index == id - 1) {
                if *stored != recomputed {
                    return Err(Problem::LeafMismatch {
                        id,
                        stored: hex::encode(stored),
                        recomputed: hex::encode(recomputed),
                    });
                }
                found = true;
            }
            if !found && id - 1 < self.stored_leaves {
                return Err(Problem::NodeMissing {
                    level: 0,
                    index: id - 1,
                });
            }
            match &event.fault {
                None => {}
                Some(EntryFault::Undecodable(e)) => {
                    return Err(Problem::EntryUndecodable {
                        id,
                        detail: e.to_string(),
                    });
                }
                Some(EntryFault::Column(column)) => {
                    return Err(Problem::ColumnMismatch { id, column });
                }
            }
            if batch.encodings[event.kind.clone()] == *EVIDENCE_ADDED
                && let Ok(payload) = serde_json::from_slice::<serde_json::Value>(
                    &batch.encodings[event.payload_json.clone()],
                )
                && let Some(attachment) = payload["attachment_id"].as_i64()
            {
                self.added.insert(attachment, payload);
            }
            self.report.events = id;
            leaves.push(recomputed);
        }
        Ok(leaves)
    }

    /// The recomputed node `(level, index)`, if this batch or the carry holds it.
    fn recomputed(&self, level: usize, index: i64) -> Option<Hash> {
        if let Some((start, hashes)) = self.levels.get(level)
            && let Some(h) = usize::try_from(index - start)
                .ok()
                .and_then(|i| hashes.get(i))
        {
            return Some(*h);
        }
        match self.carry.get(level) {
            Some(Some((i, h))) if *i == index => Some(*h),
            _ => None,
        }
    }

    /// The root of the log at `size` (inside the current batch), folded from
    /// its peaks: for each bit `b` of `size`, node `(b, (size >> b) - 1)`.
    fn root_at(&self, size: i64) -> Option<Hash> {
        let mut root: Option<Hash> = None;
        for level in 0..63usize {
            if (size >> level) & 1 == 0 {
                continue;
            }
            let peak = self.recomputed(level, (size >> level) - 1)?;
            root = Some(match root {
                None => peak,
                Some(right) => interior_hash(&peak, &right),
            });
        }
        root
    }

    /// Every checkpoint of a size in `(from, to]`: its root must be the
    /// recomputed root, and its note must verify with the agency key.
    fn checkpoints_up_to(&mut self, from: i64, to: i64) -> Result<(), Problem> {
        while let Some(cp) = self
            .checkpoints
            .get(usize::try_from(self.report.checkpoints).unwrap_or(usize::MAX))
        {
            // A size already passed (or 0) stays unchecked and is reported after the pass.
            if cp.size > to || cp.size <= from {
                break;
            }
            let root = self.root_at(cp.size);
            if root.is_none_or(|root| cp.root != root) {
                return Err(Problem::CheckpointMismatch { size: cp.size });
            }
            if let Some(v) = &self.verifier {
                let opened = fazhi_domain::checkpoint::open_note(&cp.note, std::slice::from_ref(v));
                let size = u64::try_from(cp.size).ok();
                if !opened.is_ok_and(|c| Some(c.size) == size && Some(c.root) == root) {
                    return Err(Problem::CheckpointSignature { size: cp.size });
                }
            }
            self.report.checkpoints += 1;
        }
        Ok(())
    }

    /// Every interior node of a base level that leaves `[first_leaf,
    /// first_leaf + leaves.len())` complete must be stored and equal the hash of its children,
    /// `H(0x01 ‖ (l-1, 2i) ‖ (l-1, 2i+1))`. The children are the recomputed
    /// ones, which equal the stored ones (leaves were compared, and each level
    /// is compared before the next), so this is the same check as hashing the
    /// stored children, without reading every level twice.
    fn nodes(
        &mut self,
        first_leaf: i64,
        leaves: Vec<Hash>,
        stored: &[Vec<(i64, Hash)>],
    ) -> Option<Problem> {
        self.levels.clear();
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
                self.carry[child_level] = below.last().map(|h| (index, *h));
            }
            if below.len() < 2 {
                self.levels.push((start, below));
                return None;
            }
            let from = start / 2;
            // Only base levels are stored (see `log_tree`); the others are
            // checked through the base level above them.
            let is_stored = u8::try_from(level).is_ok_and(merkle::is_base_level);
            let found = stored
                .get(usize::try_from(level - 1).unwrap_or(usize::MAX))
                .map(Vec::as_slice)
                .unwrap_or_default();
            let mut parents = Vec::with_capacity(below.len() / 2);
            let mut found = found.iter().peekable();
            for (offset, pair) in below.chunks_exact(2).enumerate() {
                let index = from + i64::try_from(offset).unwrap_or(0);
                let hash = interior_hash(&pair[0], &pair[1]);
                self.report.bytes_hashed += 65;
                if is_stored {
                    let mut present = false;
                    while let Some((_, stored_hash)) = found.next_if(|(i, _)| *i == index) {
                        if *stored_hash != hash {
                            return Some(Problem::NodeMismatch { level, index });
                        }
                        present = true;
                    }
                    if !present {
                        return Some(Problem::NodeMissing { level, index });
                    }
                }
                self.report.nodes += 1;
                parents.push(hash);
            }
            self.levels.push((start, below));
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
            checkpoints: &[],
            verifier: None,
            stored_leaves: 0,
            carry: Vec::new(),
            levels: Vec::new(),
            added: HashMap::new(),
        }
    }

    /// What `log_tree::stored_between` reads (base levels only), from an in-memory tree.
    fn completed_by(tree: &HashMap<NodeId, Hash>, from: i64, to: i64) -> Vec<Vec<(i64, Hash)>> {
        let mut out = Vec::new();
        for level in 1..63i64 {
            let (lo, hi) = (from >> level, to >> level);
            if hi <= lo {
                break;
            }
            if level % 8 != 0 {
                out.push(Vec::new());
                continue;
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
            if let Some(p) = w.nodes(a, leaves[first..end].to_vec(), &stored) {
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
    fn a_changed_or_missing_stored_node_is_named_across_batch_boundaries() {
        let leaves: Vec<Hash> = (0u32..1100)
            .map(|i| leaf_hash_of(&i.to_be_bytes()))
            .collect();
        let honest = nodes_of_leaves(&leaves);
        // Level 8 is the first stored level above the leaves.
        for index in [0u64, 1, 3] {
            let id = NodeId { level: 8, index };
            let mut changed = honest.clone();
            changed.insert(id, [7; 32]);
            let mut missing = honest.clone();
            missing.remove(&id);
            let index = i64::try_from(index).unwrap();
            for batches in [&[1usize][..], &[3, 5], &[64], &[300], &[1100]] {
                assert_eq!(
                    run(&leaves, &changed, batches).report.problem,
                    Some(Problem::NodeMismatch { level: 8, index }),
                    "batches {batches:?}"
                );
                assert_eq!(
                    run(&leaves, &missing, batches).report.problem,
                    Some(Problem::NodeMissing { level: 8, index }),
                    "batches {batches:?}"
                );
            }
        }
        // A level between base levels is not stored, so nothing stored there can differ.
        let mut between = honest.clone();
        between.retain(|id, _| merkle::is_base_level(id.level));
        assert_eq!(run(&leaves, &between, &[64]).report.problem, None);
    }

    #[test]
    fn roots_folded_from_the_batch_and_the_carry_equal_the_compact_range_at_every_size() {
        let leaves: Vec<Hash> = (0u32..300)
            .map(|i| leaf_hash_of(&i.to_be_bytes()))
            .collect();
        let tree = nodes_of_leaves(&leaves);
        let mut compact = fazhi_domain::merkle::CompactRange::default();
        let roots: Vec<Hash> = leaves
            .iter()
            .map(|l| {
                compact.append(*l);
                compact.root()
            })
            .collect();
        for batches in [&[1usize][..], &[2], &[3, 5], &[7], &[64], &[300]] {
            let mut w = walk();
            let (mut first, mut sizes) = (0usize, batches.iter().cycle());
            while first < leaves.len() {
                let end = (first + *sizes.next().unwrap()).min(leaves.len());
                let (a, b) = (i64::try_from(first).unwrap(), i64::try_from(end).unwrap());
                let stored = completed_by(&tree, a, b);
                assert_eq!(w.nodes(a, leaves[first..end].to_vec(), &stored), None);
                for size in first + 1..=end {
                    assert_eq!(
                        w.root_at(i64::try_from(size).unwrap()),
                        Some(roots[size - 1]),
                        "size {size}, batches {batches:?}"
                    );
                }
                first = end;
            }
        }
    }
}
