//! The action log as a transparency log: signed checkpoints and proofs.
//!
//! Checkpoints are the log's statements about itself (size and root, signed
//! with the agency key); they are kept in their own append-only table, not as
//! events, so that making one does not grow the log it describes.

use crate::log_key::Seed;
use crate::{App, AppError};
use fazhi_domain::checkpoint::{self, Checkpoint};
use fazhi_domain::merkle::{self, Hash, NodeId};
use fazhi_store::log_tree::{self, StoredCheckpoint};
use std::collections::HashMap;

/// Default period between automatic checkpoints (when the log grew).
pub const CHECKPOINT_INTERVAL_S_DEFAULT: u64 = 600;

/// Who signs this log's checkpoints.
#[derive(Clone, Debug)]
pub struct LogSigner {
    /// The log's origin line, e.g. `fazhi/示范市东湖区卫生健康局`.
    pub origin: String,
    /// The signature key name (the same text goes into the verifier key).
    pub key_name: String,
    pub seed: Seed,
}

impl LogSigner {
    pub fn public_key(&self) -> [u8; 32] {
        checkpoint::public_key(&self.seed.0)
    }
    pub fn verifier_key(&self) -> String {
        checkpoint::verifier_key_text(&self.key_name, &self.public_key())
    }
}

fn signer(app: &App) -> Result<&LogSigner, AppError> {
    app.log_signer
        .as_ref()
        .ok_or_else(|| AppError::Internal("no log-signing key configured".into()))
}

fn merkle_error(e: merkle::MerkleError) -> AppError {
    match e {
        merkle::MerkleError::IndexOutOfRange { .. } | merkle::MerkleError::BadSizes { .. } => {
            let t = e.to_string();
            let (zh, en) = t.split_once(" / ").unwrap_or((&t, &t));
            AppError::invalid("size", zh.to_owned(), en.to_owned())
        }
        other => AppError::Internal(other.to_string()),
    }
}

/// The upper levels of the stored tree, kept in memory between requests.
///
/// The hash of a complete subtree never changes: the tree is append-only
/// like the log (the database refuses updates, and deletes but of a row
/// folded into its tile), and a node is read only once its subtree is
/// complete. So a node read once can be served again without the database.
/// Only levels from [`TREE_CACHE_MIN_LEVEL`] up are kept: they are few (one
/// per 256 leaves) and every proof needs some of them, where the nodes below
/// are spread over the whole tree. So are the nodes of the right edge
/// computed from a tile still filling (read a row per hash): every proof
/// against the newest tree needs them. `log verify` never reads
/// through this cache: it checks the rows themselves.
#[derive(Debug, Default)]
pub struct TreeCache {
    nodes: std::sync::RwLock<HashMap<NodeId, Hash>>,
}

/// Lowest tree level [`TreeCache`] keeps (a node of level 8 covers 256 leaves).
pub const TREE_CACHE_MIN_LEVEL: u8 = 8;
/// Most nodes [`TreeCache`] keeps: 262,144 × about 64 bytes ≈ 16 MiB, enough
/// for every node of level 8 and up of a log of 33,000,000 events. Beyond
/// that the nodes read are served but not kept.
pub const TREE_CACHE_NODES_MAX: usize = 1 << 18;

impl TreeCache {
    /// Nodes of `ids` found here, and the ids still to read.
    fn split(&self, ids: &[NodeId]) -> (HashMap<NodeId, Hash>, Vec<NodeId>) {
        let nodes = self.nodes.read().unwrap_or_else(|e| e.into_inner());
        let mut found = HashMap::with_capacity(ids.len());
        let mut missing = Vec::new();
        for id in ids {
            match nodes.get(id) {
                Some(h) => {
                    found.insert(*id, *h);
                }
                None => missing.push(*id),
            }
        }
        (found, missing)
    }

    fn keep(&self, read: &HashMap<NodeId, log_tree::StoredNode>) {
        let mut nodes = self.nodes.write().unwrap_or_else(|e| e.into_inner());
        for (id, n) in read {
            if (id.level >= TREE_CACHE_MIN_LEVEL || n.unfolded)
                && nodes.len() < TREE_CACHE_NODES_MAX
            {
                nodes.insert(*id, n.hash);
            }
        }
    }

    /// The nodes kept, in order.
    pub fn node_ids(&self) -> Vec<NodeId> {
        let nodes = self.nodes.read().unwrap_or_else(|e| e.into_inner());
        let mut ids: Vec<NodeId> = nodes.keys().copied().collect();
        ids.sort();
        ids
    }

    /// How many nodes are kept.
    pub fn len(&self) -> usize {
        self.nodes.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Read the hashes of `ids` from the stored tree: the upper levels from
/// [`TreeCache`], the rest in one query. Absent nodes are absent from the map.
pub async fn read_nodes(app: &App, ids: &[NodeId]) -> Result<HashMap<NodeId, Hash>, AppError> {
    let (mut nodes, missing) = app.tree_cache.split(ids);
    if missing.is_empty() {
        return Ok(nodes);
    }
    let key = |n: &NodeId| {
        (
            i64::from(n.level),
            i64::try_from(n.index).unwrap_or(i64::MAX),
        )
    };
    let keys: Vec<(i64, i64)> = missing.iter().map(key).collect();
    let found = log_tree::nodes(&app.db, &keys).await?;
    // All that was read is kept (the store also returns whole upper tiles).
    let read: HashMap<NodeId, log_tree::StoredNode> = found
        .into_iter()
        .filter_map(|((level, index), n)| {
            let id = NodeId {
                level: u8::try_from(level).ok()?,
                index: u64::try_from(index).ok()?,
            };
            Some((id, n))
        })
        .collect();
    app.tree_cache.keep(&read);
    nodes.extend(
        missing
            .iter()
            .filter_map(|id| read.get(id).map(|n| (*id, n.hash))),
    );
    Ok(nodes)
}

/// The root of the tree of `size`, from stored nodes.
pub async fn root_at(app: &App, size: u64) -> Result<Hash, AppError> {
    let nodes = read_nodes(app, &merkle::root_nodes(size)).await?;
    merkle::root(size, &|id| nodes.get(&id).copied()).map_err(merkle_error)
}

/// Sign a checkpoint of the log as it is now. Without `force`, nothing is
/// made when the log has not grown since the last one.
pub async fn make_checkpoint(app: &App, force: bool) -> Result<Option<StoredCheckpoint>, AppError> {
    let signer = signer(app)?;
    let size = u64::try_from(fazhi_store::events::size(&app.db).await?).unwrap_or(0);
    let latest = log_tree::latest_checkpoint(&app.db).await?;
    if size == 0
        || latest
            .as_ref()
            .is_some_and(|c| c.size == i64::try_from(size).unwrap_or(-1) && !force)
    {
        return Ok(None);
    }
    if let Some(l) = &latest
        && l.size == i64::try_from(size).unwrap_or(-1)
    {
        return Ok(Some(l.clone()));
    }
    let root = root_at(app, size).await?;
    let cp = Checkpoint {
        origin: signer.origin.clone(),
        size,
        root,
    };
    let note = checkpoint::sign(&cp, &signer.key_name, &signer.seed.0);
    let mut tx = app.db.begin().await?;
    let id = log_tree::insert_checkpoint(
        &mut tx,
        i64::try_from(size).unwrap_or(i64::MAX),
        &root,
        &note,
        app.now_us(),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(StoredCheckpoint {
        id,
        size: i64::try_from(size).unwrap_or(i64::MAX),
        root: root.to_vec(),
        note,
        created_at_us: app.now_us(),
    }))
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InclusionAnswer {
    pub event_id: i64,
    pub leaf_index: u64,
    pub tree_size: u64,
    pub leaf_hash: String,
    pub root: String,
    pub proof: Vec<String>,
    /// The signed checkpoint of `tree_size` (if one was made at that size).
    pub checkpoint: Option<String>,
    /// The proof checked against the root here, as a client would.
    pub verified: bool,
}

/// Inclusion proof of event `event_id` in the tree of the latest checkpoint
/// (or of `size`). Reveals hashes only.
pub async fn inclusion(
    app: &App,
    event_id: i64,
    size: Option<u64>,
) -> Result<InclusionAnswer, AppError> {
    let size = match size {
        Some(s) => s,
        None => log_tree::latest_checkpoint(&app.db)
            .await?
            .map(|c| u64::try_from(c.size).unwrap_or(0))
            .ok_or_else(|| AppError::invalid("size", "尚无检查点", "no checkpoint yet"))?,
    };
    let log_size = u64::try_from(fazhi_store::events::size(&app.db).await?).unwrap_or(0);
    if size > log_size {
        return Err(AppError::invalid(
            "size",
            format!("日志只有 {log_size} 条"),
            format!("the log has only {log_size} entries"),
        ));
    }
    let index = u64::try_from(event_id - 1).map_err(|_| {
        AppError::invalid("event", "事件序号须为正整数", "event id must be positive")
    })?;
    let ids = merkle::inclusion_proof_nodes(index, size).map_err(merkle_error)?;
    let mut wanted = ids.clone();
    wanted.push(NodeId { level: 0, index });
    wanted.extend(merkle::root_nodes(size));
    let nodes = read_nodes(app, &wanted).await?;
    let lookup = |id: NodeId| nodes.get(&id).copied();
    let proof = merkle::inclusion_proof(index, size, &lookup).map_err(merkle_error)?;
    let root = merkle::root(size, &lookup).map_err(merkle_error)?;
    let leaf = lookup(NodeId { level: 0, index })
        .ok_or_else(|| AppError::Internal(format!("leaf {index} missing")))?;
    let verified = merkle::verify_inclusion(&leaf, index, size, &proof, &root).is_ok();
    let checkpoint = log_tree::checkpoint_by_size(&app.db, i64::try_from(size).unwrap_or(-1))
        .await?
        .map(|c| c.note);
    Ok(InclusionAnswer {
        event_id,
        leaf_index: index,
        tree_size: size,
        leaf_hash: hex::encode(leaf),
        root: hex::encode(root),
        proof: proof.iter().map(hex::encode).collect(),
        checkpoint,
        verified,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ConsistencyAnswer {
    pub from_size: u64,
    pub to_size: u64,
    pub from_root: String,
    pub to_root: String,
    pub proof: Vec<String>,
}

pub async fn consistency(app: &App, from: u64, to: u64) -> Result<ConsistencyAnswer, AppError> {
    let log_size = u64::try_from(fazhi_store::events::size(&app.db).await?).unwrap_or(0);
    if to > log_size {
        return Err(AppError::invalid(
            "to",
            format!("日志只有 {log_size} 条"),
            format!("the log has only {log_size} entries"),
        ));
    }
    let mut wanted = merkle::consistency_proof_nodes(from, to).map_err(merkle_error)?;
    wanted.extend(merkle::root_nodes(from));
    wanted.extend(merkle::root_nodes(to));
    let nodes = read_nodes(app, &wanted).await?;
    let lookup = |id: NodeId| nodes.get(&id).copied();
    let proof = merkle::consistency_proof(from, to, &lookup).map_err(merkle_error)?;
    Ok(ConsistencyAnswer {
        from_size: from,
        to_size: to,
        from_root: hex::encode(merkle::root(from, &lookup).map_err(merkle_error)?),
        to_root: hex::encode(merkle::root(to, &lookup).map_err(merkle_error)?),
        proof: proof.iter().map(hex::encode).collect(),
    })
}

/// A checkpoint with its witness cosignature lines.
pub struct PublishedCheckpoint {
    pub checkpoint: StoredCheckpoint,
    pub cosignatures: Vec<String>,
}

/// The newest checkpoints (public: hashes and signatures only).
pub async fn checkpoints(app: &App, limit_rows: i64) -> Result<Vec<PublishedCheckpoint>, AppError> {
    let list = log_tree::list_checkpoints(&app.db, limit_rows.clamp(1, 1000)).await?;
    let mut out = Vec::with_capacity(list.len());
    for c in list {
        let cosignatures = log_tree::cosignatures(&app.db, c.id)
            .await?
            .into_iter()
            .map(|(_, line)| line)
            .collect();
        out.push(PublishedCheckpoint {
            checkpoint: c,
            cosignatures,
        });
    }
    Ok(out)
}

/// Build the offline bundle of one record: its events with inclusion proofs
/// against a signed checkpoint covering all of them (made now if needed).
pub async fn make_bundle(
    app: &App,
    subject: &str,
) -> Result<fazhi_domain::bundle::Bundle, AppError> {
    let subject = crate::evidence::parse_subject(subject)?;
    let events = fazhi_store::events::for_subject(&app.db, &subject).await?;
    let Some(last) = events.last() else {
        return Err(AppError::NotFound {
            zh: "该对象的记录",
            en: "records of that subject",
        });
    };
    let cp = match log_tree::latest_checkpoint(&app.db).await? {
        Some(c) if c.size >= last.id => c,
        _ => make_checkpoint(app, true)
            .await?
            .ok_or_else(|| AppError::Internal("empty log".into()))?,
    };
    let size = u64::try_from(cp.size).unwrap_or(0);
    let mut bundle_events = Vec::with_capacity(events.len());
    for e in &events {
        let index = u64::try_from(e.id - 1).unwrap_or(0);
        let nodes = read_nodes(
            app,
            &merkle::inclusion_proof_nodes(index, size).map_err(merkle_error)?,
        )
        .await?;
        let proof = merkle::inclusion_proof(index, size, &|id| nodes.get(&id).copied())
            .map_err(merkle_error)?;
        bundle_events.push(fazhi_domain::bundle::BundleEvent::from_event(
            e,
            proof.iter().map(hex::encode).collect(),
        ));
    }
    let attachments = fazhi_store::attachments::for_subject(&app.db, &subject)
        .await?
        .into_iter()
        .map(|a| fazhi_domain::bundle::BundleAttachment {
            sha256: a.sha256,
            size_bytes: a.size_bytes,
            media_type: a.media_type,
            file_name: a.file_name,
        })
        .collect();
    Ok(fazhi_domain::bundle::Bundle {
        format: fazhi_domain::bundle::BUNDLE_FORMAT.to_owned(),
        subject,
        verifier_key: signer(app)?.verifier_key(),
        checkpoint: cp.note,
        events: bundle_events,
        attachments,
    })
}

/// Store a witness's cosignature of the checkpoint of `size` after checking it
/// with the witness's key (verifier-key text). One event records it.
pub async fn add_cosignature(
    app: &App,
    actor: &fazhi_domain::authz::Actor,
    size: i64,
    witness_key: &str,
    line: &str,
) -> Result<(), AppError> {
    fazhi_domain::authz::authorize(actor, fazhi_domain::authz::Action::ManageAgencies, None)?;
    let key = checkpoint::parse_verifier_key(witness_key).map_err(|_| {
        AppError::invalid(
            "witness_key",
            "见证方公钥格式错误",
            "the witness key is malformed",
        )
    })?;
    let stored = log_tree::checkpoint_by_size(&app.db, size)
        .await?
        .ok_or(AppError::NotFound {
            zh: "该大小的检查点",
            en: "checkpoint of that size",
        })?;
    let (body, _) = stored
        .note
        .split_once("\n\n")
        .ok_or_else(|| AppError::Internal("stored note malformed".into()))?;
    let cp = Checkpoint::parse_body(&format!("{body}\n"))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let time_s =
        checkpoint::verify_cosignature(&cp, line, &key.name, &key.public).map_err(|_| {
            AppError::invalid(
                "line",
                "见证签名无法用该公钥验证",
                "the cosignature does not verify with that key",
            )
        })?;
    let mut tx = app.db.begin().await?;
    log_tree::insert_cosignature(&mut tx, stored.id, &key.name, line.trim(), app.now_us())
        .await
        .map_err(|e| {
            if e.is_unique_violation() {
                AppError::Conflict {
                    zh: "该见证方已签署此检查点".into(),
                    en: "this witness already cosigned this checkpoint".into(),
                }
            } else {
                e.into()
            }
        })?;
    app.log(
        &mut tx,
        Some(actor.user_id),
        Some(actor.agency_id),
        fazhi_domain::action_log::EventKind::CosignatureAdded,
        format!("checkpoint:{size}"),
        serde_json::json!({ "witness": key.name, "witness_key": witness_key.trim(), "time_s": time_s }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
