//! Our RFC 6962 tree hash, inclusion proofs and consistency proofs against the
//! published reference vectors that Certificate Transparency implementations
//! share. Every expected value below is copied from
//!
//!   transparency-dev/merkle, `proof/verify_test.go`
//!   (commit 02194e9afb6c1d95b5381350007963aa70fff472: `leaves`, `roots`,
//!   `inclusionProofs`, `consistencyProofs`), and
//!   transparency-dev/merkle, `rfc6962/rfc6962_test.go`
//!   (commit 78493b07ef9b552e3379abf9e23d4da26fbe797c: `TestRFC6962Hasher`),
//!
//! the same vectors as google/certificate-transparency-go's merkle tests. None
//! of them is computed with this crate's code: a log no other implementation
//! agrees with proves nothing to anyone.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use fazhi_domain::action_log::leaf_hash_of;
use fazhi_domain::merkle::{
    self, CompactRange, Hash, MerkleError, NodeId, consistency_proof, empty_root, inclusion_proof,
    nodes_of_leaves, verify_consistency, verify_inclusion,
};

/// The eight reference leaves (their entry bytes, hex).
const LEAVES: [&str; 8] = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
];

/// `roots[i]` is the root of the tree of the first `i + 1` leaves.
const ROOTS: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/// SHA-256 of the empty string (`sha256EmptyTreeHash`).
const EMPTY_TREE: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// `(leaf, size, proof)`; as in the Go source, `leaf` is 1-based.
const INCLUSION: [(u64, u64, &[&str]); 5] = [
    (1, 1, &[]),
    (
        1,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        &[
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        3,
        3,
        &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
    ),
    (
        2,
        5,
        &[
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
];

/// `(size1, size2, proof)`.
const CONSISTENCY: [(u64, u64, &[&str]); 5] = [
    (1, 1, &[]),
    (
        1,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        &[
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
];

fn h(hex_text: &str) -> Hash {
    hex::decode(hex_text)
        .expect("vector is hex")
        .try_into()
        .expect("vector is 32 bytes")
}

fn hashes(list: &[&str]) -> Vec<Hash> {
    list.iter().map(|x| h(x)).collect()
}

fn leaf_hashes() -> Vec<Hash> {
    LEAVES
        .iter()
        .map(|l| leaf_hash_of(&hex::decode(l).expect("vector is hex")))
        .collect()
}

/// Every complete subtree of the eight leaves, stored as appends store it.
fn stored_tree() -> std::collections::HashMap<NodeId, Hash> {
    nodes_of_leaves(&leaf_hashes())
}

#[test]
fn leaf_and_empty_tree_hashes_match_rfc6962_hasher_vectors() {
    assert_eq!(empty_root(), h(EMPTY_TREE));
    // echo -n 00 | xxd -r -p | sha256sum
    assert_eq!(
        leaf_hash_of(b""),
        h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
    );
    // echo -n 004C313233343536 | xxd -r -p | sha256sum
    assert_eq!(
        leaf_hash_of(b"L123456"),
        h("395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56")
    );
}

#[test]
fn root_of_reference_leaves_matches_rfc6962_vectors_for_sizes_0_to_8() {
    let nodes = stored_tree();
    let lookup = |id: NodeId| nodes.get(&id).copied();
    assert_eq!(merkle::root(0, &lookup).unwrap(), h(EMPTY_TREE), "size 0");
    for (i, want) in ROOTS.iter().enumerate() {
        let size = i as u64 + 1;
        assert_eq!(merkle::root(size, &lookup).unwrap(), h(want), "size {size}");
    }
}

#[test]
fn compact_range_root_matches_rfc6962_vectors_after_each_append() {
    let mut range = CompactRange::default();
    assert_eq!(range.root(), h(EMPTY_TREE));
    for (leaf, want) in leaf_hashes().into_iter().zip(ROOTS) {
        range.append(leaf);
        assert_eq!(range.root(), h(want), "size {}", range.size());
    }
}

#[test]
fn inclusion_proofs_match_and_verify_against_published_vectors() {
    let nodes = stored_tree();
    let lookup = |id: NodeId| nodes.get(&id).copied();
    let leaves = leaf_hashes();
    for (leaf, size, want) in INCLUSION {
        let index = leaf - 1;
        let want = hashes(want);
        let root = h(ROOTS[size as usize - 1]);
        assert_eq!(
            inclusion_proof(index, size, &lookup).unwrap(),
            want,
            "inclusion proof of leaf {index} in tree of size {size}"
        );
        verify_inclusion(&leaves[index as usize], index, size, &want, &root)
            .unwrap_or_else(|e| panic!("published proof {index}/{size} refused: {e}"));
    }
}

#[test]
fn published_inclusion_proofs_are_refused_when_corrupted_as_the_go_tests_corrupt_them() {
    let leaves = leaf_hashes();
    for (leaf, size, proof) in INCLUSION {
        let (index, proof) = (leaf - 1, hashes(proof));
        let root = h(ROOTS[size as usize - 1]);
        let leaf_hash = leaves[index as usize];
        let ok = |i: u64, s: u64, l: &Hash, p: &[Hash], r: &Hash| verify_inclusion(l, i, s, p, r);
        assert!(ok(index, size, &leaf_hash, &proof, &root).is_ok());
        if index > 0 {
            assert!(ok(index - 1, size, &leaf_hash, &proof, &root).is_err());
        }
        assert!(ok(index + 1, size, &leaf_hash, &proof, &root).is_err());
        assert!(ok(index ^ 2, size, &leaf_hash, &proof, &root).is_err());
        assert!(ok(index, size * 2, &leaf_hash, &proof, &root).is_err());
        assert!(ok(index, size / 2, &leaf_hash, &proof, &root).is_err());
        assert!(ok(index, size, &leaf_hash_of(b"WrongLeaf"), &proof, &root).is_err());
        assert!(ok(index, size, &leaf_hash, &proof, &h(EMPTY_TREE)).is_err());
        let mut trailing = proof.clone();
        trailing.push(root);
        assert!(ok(index, size, &leaf_hash, &trailing, &root).is_err());
        let mut preceding = vec![root];
        preceding.extend_from_slice(&proof);
        assert!(ok(index, size, &leaf_hash, &preceding, &root).is_err());
        for i in 0..proof.len() {
            let mut flipped = proof.clone();
            flipped[i][0] ^= 8;
            assert_eq!(
                ok(index, size, &leaf_hash, &flipped, &root),
                Err(MerkleError::Mismatch),
                "bit flipped in proof[{i}] of {index}/{size}"
            );
        }
        if !proof.is_empty() {
            assert!(ok(index, size, &leaf_hash, &proof[..proof.len() - 1], &root).is_err());
        }
    }
}

#[test]
fn consistency_proofs_match_and_verify_against_published_vectors() {
    let nodes = stored_tree();
    let lookup = |id: NodeId| nodes.get(&id).copied();
    for (old, new, want) in CONSISTENCY {
        let want = hashes(want);
        let (old_root, new_root) = (h(ROOTS[old as usize - 1]), h(ROOTS[new as usize - 1]));
        assert_eq!(
            consistency_proof(old, new, &lookup).unwrap(),
            want,
            "consistency proof {old} -> {new}"
        );
        verify_consistency(old, new, &old_root, &new_root, &want)
            .unwrap_or_else(|e| panic!("published proof {old} -> {new} refused: {e}"));
    }
}

#[test]
fn published_consistency_proofs_are_refused_when_corrupted_as_the_go_tests_corrupt_them() {
    for (old, new, proof) in CONSISTENCY {
        let proof = hashes(proof);
        if proof.is_empty() {
            continue;
        }
        let (r1, r2) = (h(ROOTS[old as usize - 1]), h(ROOTS[new as usize - 1]));
        let ok = |o: u64, n: u64, a: &Hash, b: &Hash, p: &[Hash]| verify_consistency(o, n, a, b, p);
        assert!(ok(old, new, &r1, &r2, &proof).is_ok());
        assert!(ok(old - 1, new, &r1, &r2, &proof).is_err());
        assert!(ok(old + 1, new, &r1, &r2, &proof).is_err());
        assert!(ok(old ^ 2, new, &r1, &r2, &proof).is_err());
        assert!(ok(old, new * 2, &r1, &r2, &proof).is_err());
        assert!(ok(old, new / 2, &r1, &r2, &proof).is_err());
        assert!(ok(old, new, &h(EMPTY_TREE), &r2, &proof).is_err());
        assert!(ok(old, new, &r1, &h(EMPTY_TREE), &proof).is_err());
        assert!(ok(old, new, &r2, &r1, &proof).is_err());
        assert!(ok(old, new, &r1, &r2, &[]).is_err());
        for extra in [r1, r2] {
            let mut trailing = proof.clone();
            trailing.push(extra);
            assert!(ok(old, new, &r1, &r2, &trailing).is_err());
        }
        for extra in [r1, r2, proof[0]] {
            let mut preceding = vec![extra];
            preceding.extend_from_slice(&proof);
            assert!(ok(old, new, &r1, &r2, &preceding).is_err());
        }
        assert!(ok(old, new, &r1, &r2, &proof[..proof.len() - 1]).is_err());
        for i in 0..proof.len() {
            let mut flipped = proof.clone();
            flipped[i][0] ^= 16;
            assert!(
                ok(old, new, &r1, &r2, &flipped).is_err(),
                "bit flipped in proof[{i}] of {old} -> {new}"
            );
        }
    }
}
