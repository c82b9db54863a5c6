//! RFC 6962 / RFC 9162 Merkle tree math over the action log.
//!
//! Storage model: every complete subtree is stored once as `NodeId { level,
//! index }` (level 0 = leaves; node (l, i) covers leaves `[i·2^l, (i+1)·2^l)`).
//! Any tree head, inclusion proof or consistency proof needs the hashes of
//! O(log n) complete subtrees. Each computation runs twice over the same
//! control flow: once to list the nodes it needs (so the store reads them in
//! one query), then with their hashes. The verifiers follow RFC 9162
//! §2.1.3.2 and §2.1.4.2 exactly.

use crate::action_log::interior_hash;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

pub type Hash = [u8; 32];

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct NodeId {
    pub level: u8,
    pub index: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MerkleError {
    #[error("树节点 ({level}, {index}) 缺失 / tree node ({level}, {index}) is missing")]
    MissingNode { level: u8, index: u64 },
    #[error(
        "序号 {index} 不在大小为 {size} 的树中 / index {index} is not in a tree of size {size}"
    )]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("树大小 {old} 与 {new} 无法比较一致性 / sizes {old} and {new} cannot be compared")]
    BadSizes { old: u64, new: u64 },
    #[error("证明格式错误 / the proof is malformed")]
    Malformed,
    #[error("证明与树根不符 / the proof does not match the root")]
    Mismatch,
}

/// SHA-256 of the empty string: the root of the empty tree.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The largest power of two smaller than `n` (n ≥ 2).
fn split(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1u64 << (63 - (n - 1).leading_zeros())
}

/// Where hashes come from: stored nodes, or a recorder listing what is needed.
trait Source {
    fn node(&mut self, id: NodeId) -> Result<Hash, MerkleError>;
}

struct Recorder(Vec<NodeId>);

impl Source for Recorder {
    fn node(&mut self, id: NodeId) -> Result<Hash, MerkleError> {
        self.0.push(id);
        Ok([0; 32])
    }
}

struct Lookup<'a, F: Fn(NodeId) -> Option<Hash>>(&'a F);

impl<F: Fn(NodeId) -> Option<Hash>> Source for Lookup<'_, F> {
    fn node(&mut self, id: NodeId) -> Result<Hash, MerkleError> {
        (self.0)(id).ok_or(MerkleError::MissingNode {
            level: id.level,
            index: id.index,
        })
    }
}

/// MTH of leaves `[lo, hi)` where `lo` is aligned as RFC recursion leaves it.
fn mth(src: &mut dyn Source, lo: u64, hi: u64) -> Result<Hash, MerkleError> {
    let n = hi - lo;
    if n.is_power_of_two() && lo.is_multiple_of(n) {
        let level = u8::try_from(n.trailing_zeros()).map_err(|_| MerkleError::Malformed)?;
        return src.node(NodeId {
            level,
            index: lo >> level,
        });
    }
    let k = split(n);
    let left = mth(src, lo, lo + k)?;
    let right = mth(src, lo + k, hi)?;
    Ok(interior_hash(&left, &right))
}

fn path(
    src: &mut dyn Source,
    m: u64,
    lo: u64,
    hi: u64,
    out: &mut Vec<Hash>,
) -> Result<(), MerkleError> {
    let n = hi - lo;
    if n == 1 {
        return Ok(());
    }
    let k = split(n);
    if m < k {
        path(src, m, lo, lo + k, out)?;
        out.push(mth(src, lo + k, hi)?);
    } else {
        path(src, m - k, lo + k, hi, out)?;
        out.push(mth(src, lo, lo + k)?);
    }
    Ok(())
}

fn subproof(
    src: &mut dyn Source,
    m: u64,
    lo: u64,
    hi: u64,
    complete: bool,
    out: &mut Vec<Hash>,
) -> Result<(), MerkleError> {
    let n = hi - lo;
    if m == n {
        if !complete {
            out.push(mth(src, lo, hi)?);
        }
        return Ok(());
    }
    let k = split(n);
    if m <= k {
        subproof(src, m, lo, lo + k, complete, out)?;
        out.push(mth(src, lo + k, hi)?);
    } else {
        subproof(src, m - k, lo + k, hi, false, out)?;
        out.push(mth(src, lo, lo + k)?);
    }
    Ok(())
}

/// The nodes whose hashes give the root of a tree of `size` (empty for size 0).
pub fn root_nodes(size: u64) -> Vec<NodeId> {
    let mut r = Recorder(Vec::new());
    if size > 0 {
        let _ = mth(&mut r, 0, size);
    }
    r.0
}

pub fn root(size: u64, lookup: &impl Fn(NodeId) -> Option<Hash>) -> Result<Hash, MerkleError> {
    if size == 0 {
        return Ok(empty_root());
    }
    mth(&mut Lookup(lookup), 0, size)
}

pub fn inclusion_proof_nodes(index: u64, size: u64) -> Result<Vec<NodeId>, MerkleError> {
    if index >= size {
        return Err(MerkleError::IndexOutOfRange { index, size });
    }
    let mut r = Recorder(Vec::new());
    path(&mut r, index, 0, size, &mut Vec::new())?;
    Ok(r.0)
}

/// RFC 9162 §2.1.3.1 PATH(index, D[size]).
pub fn inclusion_proof(
    index: u64,
    size: u64,
    lookup: &impl Fn(NodeId) -> Option<Hash>,
) -> Result<Vec<Hash>, MerkleError> {
    if index >= size {
        return Err(MerkleError::IndexOutOfRange { index, size });
    }
    let mut out = Vec::new();
    path(&mut Lookup(lookup), index, 0, size, &mut out)?;
    Ok(out)
}

pub fn consistency_proof_nodes(old: u64, new: u64) -> Result<Vec<NodeId>, MerkleError> {
    if old == 0 || old > new {
        return Err(MerkleError::BadSizes { old, new });
    }
    let mut r = Recorder(Vec::new());
    subproof(&mut r, old, 0, new, true, &mut Vec::new())?;
    Ok(r.0)
}

/// RFC 9162 §2.1.4.1 PROOF(old, D[new]).
pub fn consistency_proof(
    old: u64,
    new: u64,
    lookup: &impl Fn(NodeId) -> Option<Hash>,
) -> Result<Vec<Hash>, MerkleError> {
    if old == 0 || old > new {
        return Err(MerkleError::BadSizes { old, new });
    }
    let mut out = Vec::new();
    subproof(&mut Lookup(lookup), old, 0, new, true, &mut out)?;
    Ok(out)
}

/// RFC 9162 §2.1.3.2: verify that `leaf` is at `index` in the tree of `size` with `root`.
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), MerkleError> {
    if index >= size {
        return Err(MerkleError::IndexOutOfRange { index, size });
    }
    let (mut fn_, mut sn) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if sn == 0 {
            return Err(MerkleError::Malformed);
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = interior_hash(p, &r);
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        } else {
            r = interior_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(MerkleError::Malformed);
    }
    if &r != root {
        return Err(MerkleError::Mismatch);
    }
    Ok(())
}

/// RFC 9162 §2.1.4.2: verify that the tree (`new`, `new_root`) extends (`old`, `old_root`).
pub fn verify_consistency(
    old: u64,
    new: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), MerkleError> {
    if old == 0 || old > new {
        return Err(MerkleError::BadSizes { old, new });
    }
    if old == new {
        return if proof.is_empty() && old_root == new_root {
            Ok(())
        } else {
            Err(MerkleError::Mismatch)
        };
    }
    let mut path: Vec<Hash> = proof.to_vec();
    if old.is_power_of_two() {
        path.insert(0, *old_root);
    }
    let Some((first, rest)) = path.split_first() else {
        return Err(MerkleError::Malformed);
    };
    let (mut fn_, mut sn) = (old - 1, new - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    let (mut fr, mut sr) = (*first, *first);
    for c in rest {
        if sn == 0 {
            return Err(MerkleError::Malformed);
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = interior_hash(c, &fr);
            sr = interior_hash(c, &sr);
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        } else {
            sr = interior_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(MerkleError::Malformed);
    }
    if &fr != old_root || &sr != new_root {
        return Err(MerkleError::Mismatch);
    }
    Ok(())
}

/// Build all complete-subtree nodes of some leaves in memory (tests, bundles, benches).
pub fn nodes_of_leaves(leaves: &[Hash]) -> HashMap<NodeId, Hash> {
    let mut out = HashMap::new();
    let mut level_hashes: Vec<Hash> = leaves.to_vec();
    let mut level = 0u8;
    loop {
        for (i, h) in level_hashes.iter().enumerate() {
            out.insert(
                NodeId {
                    level,
                    index: i as u64,
                },
                *h,
            );
        }
        if level_hashes.len() < 2 {
            break;
        }
        level_hashes = level_hashes
            .chunks_exact(2)
            .map(|p| interior_hash(&p[0], &p[1]))
            .collect();
        level += 1;
    }
    out
}

/// Levels per tile: the tree is stored in tiles (the geometry of C2SP
/// tlog-tiles), each holding [`TILE_WIDTH`] consecutive hashes of one *base*
/// level (0, 8, 16, …). The levels in between are not stored: node `(l, i)`,
/// `h = l mod 8`, is the root of the perfect subtree over base hashes
/// `[i·2^h, (i+1)·2^h)` of level `l − h`, which lie in one tile. A log of n
/// events stores about n·(1 + 1/256) hashes in n/256 rows instead of 2n rows.
pub const TILE_HEIGHT: u8 = 8;
/// Hashes in a full tile.
pub const TILE_WIDTH: u64 = 1 << TILE_HEIGHT;

/// Whether hashes of `level` are stored (in tiles, or one by one until their tile is full).
pub fn is_base_level(level: u8) -> bool {
    level.is_multiple_of(TILE_HEIGHT)
}

/// The base hashes a node is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileSpan {
    /// The base level (a multiple of [`TILE_HEIGHT`]).
    pub base_level: u8,
    /// First base index.
    pub first: u64,
    /// Number of base hashes, a power of two up to `TILE_WIDTH / 2`.
    pub count: u64,
}

impl TileSpan {
    /// The tile holding the span: `(tile level = base level / 8, tile index)`.
    pub fn tile(&self) -> (u8, u64) {
        (self.base_level / TILE_HEIGHT, self.first / TILE_WIDTH)
    }
}

pub fn tile_span(id: NodeId) -> TileSpan {
    let h = id.level % TILE_HEIGHT;
    TileSpan {
        base_level: id.level - h,
        first: id.index << h,
        count: 1 << h,
    }
}

/// The root of the perfect subtree over `hashes` (a power-of-two count, in
/// order): a tile's 256 base hashes give the node 8 levels up.
pub fn perfect_root(hashes: &[Hash]) -> Result<Hash, MerkleError> {
    if !hashes.len().is_power_of_two() {
        return Err(MerkleError::Malformed);
    }
    let mut level: Vec<Hash> = hashes.to_vec();
    while level.len() > 1 {
        for i in 0..level.len() / 2 {
            level[i] = interior_hash(&level[2 * i], &level[2 * i + 1]);
        }
        level.truncate(level.len() / 2);
    }
    Ok(level[0])
}

/// The right edge of a growing tree, O(log n) memory: append leaves, read the root at any size.
#[derive(Debug, Clone, Default)]
pub struct CompactRange {
    size: u64,
    /// Complete subtrees from left (largest) to right (smallest).
    stack: Vec<(u8, Hash)>,
}

impl CompactRange {
    pub fn append(&mut self, leaf: Hash) {
        let mut level = 0u8;
        let mut h = leaf;
        while let Some((top_level, top)) = self.stack.last().copied() {
            if top_level != level {
                break;
            }
            self.stack.pop();
            h = interior_hash(&top, &h);
            level += 1;
        }
        self.stack.push((level, h));
        self.size += 1;
    }
    pub fn size(&self) -> u64 {
        self.size
    }
    pub fn root(&self) -> Hash {
        let mut iter = self.stack.iter().rev();
        let Some((_, first)) = iter.next() else {
            return empty_root();
        };
        iter.fold(*first, |acc, (_, h)| interior_hash(h, &acc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action_log::leaf_hash_of;
    use ct_merkle::mem_backed_tree::MemoryBackedTree;
    use proptest::prelude::*;

    #[test]
    fn a_node_is_computed_from_the_base_hashes_of_one_tile_below_it() {
        let base: Vec<Hash> = (0..512u32)
            .map(|i| leaf_hash_of(&i.to_be_bytes()))
            .collect();
        let all = nodes_of_leaves(&base);
        for level in 0..=9u8 {
            for index in [0u64, 1, (512 >> level) - 1]
                .into_iter()
                .filter(|i| *i < 512 >> level)
            {
                let id = NodeId { level, index };
                let span = tile_span(id);
                assert!(is_base_level(span.base_level));
                let (lo, n) = (span.first as usize, span.count as usize);
                let from_base = if span.base_level == 0 {
                    perfect_root(&base[lo..lo + n]).unwrap()
                } else {
                    let eights: Vec<Hash> = (0..2u64)
                        .map(|i| all[&NodeId { level: 8, index: i }])
                        .collect();
                    perfect_root(&eights[lo..lo + n]).unwrap()
                };
                assert_eq!(from_base, all[&id], "node ({level}, {index})");
                assert_eq!(span.tile().1, (span.first) / TILE_WIDTH);
            }
        }
        assert_eq!(tile_span(NodeId { level: 7, index: 3 }).tile(), (0, 1));
        assert_eq!(
            tile_span(NodeId {
                level: 17,
                index: 5
            })
            .tile(),
            (2, 0)
        );
        assert!(perfect_root(&base[..3]).is_err());
    }

    fn leaves(n: u64) -> Vec<Vec<u8>> {
        (0..n).map(|i| format!("event {i}").into_bytes()).collect()
    }

    fn oracle(items: &[Vec<u8>]) -> MemoryBackedTree<Sha256, Vec<u8>> {
        let mut t = MemoryBackedTree::new();
        for i in items {
            t.push(i.clone());
        }
        t
    }

    fn ours(items: &[Vec<u8>]) -> HashMap<NodeId, Hash> {
        nodes_of_leaves(&items.iter().map(|i| leaf_hash_of(i)).collect::<Vec<_>>())
    }

    fn flat(proof: &[Hash]) -> Vec<u8> {
        proof.iter().flatten().copied().collect()
    }

    #[test]
    fn roots_and_inclusion_proofs_match_ct_merkle_for_every_size_up_to_300() {
        let all = leaves(300);
        for n in 1..=300u64 {
            let items = &all[..n as usize];
            let o = oracle(items);
            let nodes = ours(items);
            let lookup = |id: NodeId| nodes.get(&id).copied();
            let r = root(n, &lookup).unwrap();
            assert_eq!(
                r.as_slice(),
                o.root().as_bytes().as_slice(),
                "root of size {n}"
            );
            let mut cr = CompactRange::default();
            items.iter().for_each(|i| cr.append(leaf_hash_of(i)));
            assert_eq!(cr.root(), r, "compact range root of size {n}");
            for idx in 0..n {
                let p = inclusion_proof(idx, n, &lookup).unwrap();
                assert_eq!(
                    flat(&p),
                    o.prove_inclusion(idx as usize).as_bytes(),
                    "inclusion {idx} of {n}"
                );
                verify_inclusion(&leaf_hash_of(&items[idx as usize]), idx, n, &p, &r).unwrap();
                assert!(inclusion_proof_nodes(idx, n).unwrap().len() <= 2 * 64);
            }
        }
    }

    #[test]
    fn consistency_proofs_match_ct_merkle_for_all_pairs_up_to_64_and_verify() {
        let all = leaves(64);
        for new in 1..=64u64 {
            let items = &all[..new as usize];
            let o = oracle(items);
            let nodes = ours(items);
            let lookup = |id: NodeId| nodes.get(&id).copied();
            let new_root = root(new, &lookup).unwrap();
            for old in 1..new {
                let p = consistency_proof(old, new, &lookup).unwrap();
                assert_eq!(
                    flat(&p),
                    o.prove_consistency((new - old) as usize).as_bytes(),
                    "consistency {old}->{new}"
                );
                let old_root = root(old, &lookup).unwrap();
                verify_consistency(old, new, &old_root, &new_root, &p).unwrap();
            }
        }
    }

    #[test]
    fn the_node_lists_are_exactly_what_the_computations_read() {
        let items = leaves(1000);
        let nodes = ours(&items);
        for (idx, n) in [(0u64, 1000u64), (999, 1000), (517, 777), (3, 4)] {
            let wanted: HashMap<NodeId, Hash> = inclusion_proof_nodes(idx, n)
                .unwrap()
                .into_iter()
                .map(|id| (id, nodes[&id]))
                .collect();
            let lookup = |id: NodeId| wanted.get(&id).copied();
            assert!(inclusion_proof(idx, n, &lookup).is_ok());
        }
        let wanted: HashMap<NodeId, Hash> = consistency_proof_nodes(300, 1000)
            .unwrap()
            .into_iter()
            .map(|id| (id, nodes[&id]))
            .collect();
        assert!(consistency_proof(300, 1000, &|id| wanted.get(&id).copied()).is_ok());
        assert!(
            root_nodes(1000).len() <= 10,
            "one node per set bit of the size"
        );
    }

    #[test]
    fn tampered_proofs_wrong_leaves_and_wrong_indices_are_refused() {
        let items = leaves(37);
        let nodes = ours(&items);
        let lookup = |id: NodeId| nodes.get(&id).copied();
        let r = root(37, &lookup).unwrap();
        let p = inclusion_proof(20, 37, &lookup).unwrap();
        let leaf = leaf_hash_of(&items[20]);
        assert_eq!(
            verify_inclusion(&leaf_hash_of(b"other"), 20, 37, &p, &r),
            Err(MerkleError::Mismatch)
        );
        assert!(verify_inclusion(&leaf, 21, 37, &p, &r).is_err());
        assert!(verify_inclusion(&leaf, 20, 37, &p[..p.len() - 1], &r).is_err());
        let mut bad = p.clone();
        bad[0][0] ^= 1;
        assert_eq!(
            verify_inclusion(&leaf, 20, 37, &bad, &r),
            Err(MerkleError::Mismatch)
        );
        assert_eq!(
            verify_inclusion(&leaf, 37, 37, &p, &r),
            Err(MerkleError::IndexOutOfRange {
                index: 37,
                size: 37
            })
        );
        let old_root = root(10, &lookup).unwrap();
        let c = consistency_proof(10, 37, &lookup).unwrap();
        assert!(verify_consistency(10, 37, &old_root, &r, &c).is_ok());
        assert!(verify_consistency(11, 37, &old_root, &r, &c).is_err());
        assert!(verify_consistency(10, 37, &r, &r, &c).is_err());
        assert_eq!(root(0, &lookup).unwrap(), empty_root());
        let missing = |_: NodeId| None;
        assert!(matches!(
            root(5, &missing),
            Err(MerkleError::MissingNode { .. })
        ));
    }

    proptest! {
        #[test]
        fn random_larger_trees_agree_with_ct_merkle(n in 301u64..1500, seed in any::<u64>()) {
            let items = leaves(n);
            let o = oracle(&items);
            let nodes = ours(&items);
            let lookup = |id: NodeId| nodes.get(&id).copied();
            let idx = seed % n;
            let ours_root = root(n, &lookup).unwrap();
            let oracle_root = o.root();
            prop_assert_eq!(ours_root.as_slice(), oracle_root.as_bytes().as_slice());
            prop_assert_eq!(flat(&inclusion_proof(idx, n, &lookup).unwrap()), o.prove_inclusion(idx as usize).as_bytes().to_vec());
            let old = 1 + seed % (n - 1);
            prop_assert_eq!(flat(&consistency_proof(old, n, &lookup).unwrap()), o.prove_consistency((n - old) as usize).as_bytes().to_vec());
        }
    }
}
