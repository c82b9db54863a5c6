//! Storage of the Merkle tree over the action log, its signed checkpoints and
//! witness cosignatures. The tree math is in `fazhi_domain::merkle`; this
//! module reads and writes the stored hashes.
//!
//! The tree is stored as tiles ([`merkle::TILE_HEIGHT`], the geometry of
//! C2SP tlog-tiles): only the hashes of base levels 0, 8, 16, … are kept.
//! Those of a full tile (256 consecutive hashes) are one `log_tiles` row.
//! Of a tile still filling, the hashes of level 8 and up are `log_nodes`
//! rows, one per hash, folded into their tile row when it fills (in the
//! appending transaction); the leaves of the leaf tile still filling are not
//! stored at all: each is `H(0x00 ‖ entry)` of its event, read from `events`
//! (at most 255 rows) when needed, and hashed into the tile's row when the
//! tile fills. Any other node is the root of a perfect subtree of at most
//! 128 base hashes of one tile, recomputed when read.

use crate::{Db, StoreError, Tx, on_db, on_tx};
use fazhi_domain::merkle::{self, NodeId, TILE_WIDTH};
use std::collections::{BTreeSet, HashMap};

type Hash = [u8; 32];

/// Most tiles (or tile ranges of `log_nodes`) one read asks for.
pub const TILES_PER_READ_MAX: usize = 64;

/// Deepest base level stored (a tree of 2^62 leaves).
const BASE_LEVEL_MAX: i64 = 56;

/// Hashes per tile (and leaves per leaf tile).
pub(crate) const WIDTH: i64 = TILE_WIDTH as i64;
const HEIGHT: i64 = merkle::TILE_HEIGHT as i64;

pub type NodeKey = (i64, i64);

/// The unfolded hashes of base level `$1` with indices in `[$2, $3)`, in order.
const UNFOLDED_BETWEEN: &str =
    "SELECT idx, hash FROM log_nodes WHERE level = $1 AND idx >= $2 AND idx < $3 ORDER BY idx";

/// The entries of the events at leaf indices `[$1, $2)` (ids `($1, $2]`), in order.
const ENTRIES_BETWEEN: &str = "SELECT id, entry FROM events WHERE id > $1 AND id <= $2 ORDER BY id";

/// Leaves `(idx, hash)` of event rows `(id, entry)`: leaf `id - 1` is `H(0x00 ‖ entry)`.
fn leaves_of(rows: Vec<(i64, Vec<u8>)>) -> impl Iterator<Item = (i64, Hash)> {
    rows.into_iter()
        .map(|(id, entry)| (id - 1, fazhi_domain::action_log::leaf_hash_of(&entry)))
}

fn to_hash(bytes: &[u8], key: NodeKey) -> Result<Hash, StoreError> {
    bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt(format!("log node {key:?} is not 32 bytes")))
}

/// The hashes of a tile row, `(level, idx)` its key.
fn tile_hashes(bytes: &[u8], level: i64, idx: i64) -> Result<Vec<Hash>, StoreError> {
    if bytes.len() != 32 * TILE_WIDTH as usize {
        return Err(StoreError::Corrupt(format!(
            "log tile ({level}, {idx}) holds {} bytes, not {}",
            bytes.len(),
            32 * TILE_WIDTH
        )));
    }
    Ok(bytes
        .chunks_exact(32)
        .map(|c| c.try_into().unwrap_or([0; 32]))
        .collect())
}

/// Stored base hashes read for some tiles: `(base level, index) → hash`,
/// with whether it came from a full tile (a tile's rows are read only when
/// the tile is missing, so each place has one hash).
#[derive(Debug, Default)]
struct BaseHashes(HashMap<NodeKey, (Hash, bool)>);

impl BaseHashes {
    fn add(&mut self, level: i64, idx: i64, hash: Hash, in_tile: bool) {
        self.0.entry((level, idx)).or_insert((hash, in_tile));
    }
    fn add_tile(&mut self, tile_level: i64, tile_idx: i64, bytes: &[u8]) -> Result<(), StoreError> {
        let level = tile_level * HEIGHT;
        for (i, h) in tile_hashes(bytes, tile_level, tile_idx)?
            .into_iter()
            .enumerate()
        {
            self.add(
                level,
                tile_idx * WIDTH + i64::try_from(i).unwrap_or(0),
                h,
                true,
            );
        }
        Ok(())
    }
    fn get(&self, level: i64, idx: i64) -> Option<(Hash, bool)> {
        self.0.get(&(level, idx)).copied()
    }
}

/// Tiles `(tile level, tile idx)` that `keys` are computed from, and the
/// nodes themselves once their base hashes are read.
fn spans(keys: &[NodeKey]) -> Vec<(NodeKey, merkle::TileSpan)> {
    keys.iter()
        .filter_map(|&(level, idx)| {
            let id = NodeId {
                level: u8::try_from(level).ok().filter(|l| *l <= 62)?,
                index: u64::try_from(idx).ok()?,
            };
            Some(((level, idx), merkle::tile_span(id)))
        })
        .collect()
}

/// A node read from the stored tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredNode {
    pub hash: Hash,
    /// Computed from hashes of a tile still filling (the right edge of the
    /// tree): every proof against the newest tree needs these, and they
    /// cost a row per hash to read.
    pub unfolded: bool,
}

fn compute(
    spans: &[(NodeKey, merkle::TileSpan)],
    base: &BaseHashes,
) -> Result<HashMap<NodeKey, StoredNode>, StoreError> {
    let mut out = HashMap::with_capacity(spans.len());
    'node: for (key, span) in spans {
        let level = i64::from(span.base_level);
        let first = i64::try_from(span.first).unwrap_or(i64::MAX);
        let mut hashes = Vec::with_capacity(usize::try_from(span.count).unwrap_or(0));
        let mut unfolded = false;
        for idx in first..first + i64::try_from(span.count).unwrap_or(0) {
            match base.get(level, idx) {
                Some((h, in_tile)) => {
                    hashes.push(h);
                    unfolded |= !in_tile;
                }
                None => continue 'node,
            }
        }
        let hash = merkle::perfect_root(&hashes)
            .map_err(|e| StoreError::Corrupt(format!("log node {key:?}: {e}")))?;
        out.insert(*key, StoredNode { hash, unfolded });
    }
    Ok(out)
}

/// Many nodes of complete subtrees in one read: each from the tile (or the
/// tile's unfolded rows) below it. A node whose base hashes are not all
/// stored is absent from the map. Every node of a full tile of level 1 and
/// up that was read comes too, asked for or not (511 per tile, 255 hashes to
/// compute): the tiles above the leaves are few (one per 65,536 leaves), and
/// a cache of them lets later proofs read just the leaf tile.
///
/// On PostgreSQL the tile keys go as bound arrays joined to the table: one
/// statement text for any number of keys, planned as primary-key probes (an
/// `IN ((…), …)` list was replanned on every call: at 10,000,000 leaves
/// planning took longer than running it); a second one reads the rows of
/// tiles still filling, when some are needed.
pub async fn nodes(db: &Db, keys: &[NodeKey]) -> Result<HashMap<NodeKey, StoredNode>, StoreError> {
    let spans = spans(keys);
    let tiles: BTreeSet<(i64, i64)> = spans
        .iter()
        .map(|(_, s)| {
            let (level, idx) = s.tile();
            (i64::from(level), i64::try_from(idx).unwrap_or(i64::MAX))
        })
        .collect();
    let mut base = BaseHashes::default();
    // Full tiles above the leaves that were read (see above).
    let mut upper_full = Vec::new();
    match db {
        Db::Postgres(pool) => {
            let (levels, idxs): (Vec<i64>, Vec<i64>) = tiles.iter().copied().unzip();
            let rows: Vec<(i64, i64, Vec<u8>)> = sqlx::query_as(
                "SELECT t.level, t.idx, t.hashes \
                 FROM unnest($1::bigint[], $2::bigint[]) AS k(level, idx) \
                 JOIN log_tiles t ON t.level = k.level AND t.idx = k.idx",
            )
            .bind(levels)
            .bind(idxs)
            .fetch_all(pool)
            .await?;
            let mut filling: BTreeSet<(i64, i64)> = tiles.clone();
            for (level, idx, bytes) in rows {
                base.add_tile(level, idx, &bytes)?;
                filling.remove(&(level, idx));
                if level >= 1 {
                    upper_full.push((level, idx));
                }
            }
            // Tiles still filling (the right edge, which the proof cache
            // keeps): the leaves from their events, the hashes above from
            // their rows (one each), a statement for each.
            let (leaf_tiles, filling): (Vec<_>, Vec<_>) =
                filling.into_iter().partition(|(level, _)| *level == 0);
            if !leaf_tiles.is_empty() {
                let idxs: Vec<i64> = leaf_tiles.into_iter().map(|(_, idx)| idx).collect();
                let rows: Vec<(i64, Vec<u8>)> = sqlx::query_as(
                    "SELECT e.id, e.entry FROM unnest($1::bigint[]) AS k(idx) \
                     JOIN events e ON e.id > k.idx * $2 AND e.id <= (k.idx + 1) * $2",
                )
                .bind(idxs)
                .bind(WIDTH)
                .fetch_all(pool)
                .await?;
                for (idx, hash) in leaves_of(rows) {
                    base.add(0, idx, hash, false);
                }
            }
            if !filling.is_empty() {
                let (levels, idxs): (Vec<i64>, Vec<i64>) = filling.into_iter().unzip();
                let rows: Vec<(i64, i64, Vec<u8>)> = sqlx::query_as(
                    "SELECT n.level, n.idx, n.hash \
                     FROM unnest($1::bigint[], $2::bigint[]) AS k(level, idx) \
                     JOIN log_nodes n ON n.level = k.level * $3 \
                     AND n.idx >= k.idx * $4 AND n.idx < (k.idx + 1) * $4",
                )
                .bind(levels)
                .bind(idxs)
                .bind(HEIGHT)
                .bind(WIDTH)
                .fetch_all(pool)
                .await?;
                for (level, idx, bytes) in rows {
                    base.add(level, idx, to_hash(&bytes, (level, idx))?, false);
                }
            }
        }
        Db::Sqlite { reader, .. } => {
            for (level, idx) in &tiles {
                let tile: Option<Vec<u8>> = sqlx::query_scalar(
                    "SELECT hashes FROM log_tiles WHERE level = $1 AND idx = $2",
                )
                .bind(level)
                .bind(idx)
                .fetch_optional(reader)
                .await?;
                match tile {
                    Some(bytes) => {
                        base.add_tile(*level, *idx, &bytes)?;
                        if *level >= 1 {
                            upper_full.push((*level, *idx));
                        }
                    }
                    None if *level == 0 => {
                        let rows: Vec<(i64, Vec<u8>)> = sqlx::query_as(ENTRIES_BETWEEN)
                            .bind(idx * WIDTH)
                            .bind((idx + 1) * WIDTH)
                            .fetch_all(reader)
                            .await?;
                        for (i, h) in leaves_of(rows) {
                            base.add(0, i, h, false);
                        }
                    }
                    None => {
                        let base_level = level * HEIGHT;
                        let rows: Vec<(i64, Vec<u8>)> = sqlx::query_as(UNFOLDED_BETWEEN)
                            .bind(base_level)
                            .bind(idx * WIDTH)
                            .bind((idx + 1) * WIDTH)
                            .fetch_all(reader)
                            .await?;
                        for (i, h) in rows {
                            base.add(base_level, i, to_hash(&h, (base_level, i))?, false);
                        }
                    }
                }
            }
        }
    }
    let mut out = compute(&spans, &base)?;
    for (tile_level, tile_idx) in upper_full {
        for (key, hash) in tile_nodes(&base, tile_level, tile_idx) {
            out.entry(key).or_insert(StoredNode {
                hash,
                unfolded: false,
            });
        }
    }
    Ok(out)
}

/// Every node of full tile `(tile_level, tile_idx)`: its 256 base hashes and
/// the levels above them up to (not including) the next base level.
fn tile_nodes(base: &BaseHashes, tile_level: i64, tile_idx: i64) -> Vec<(NodeKey, Hash)> {
    let level0 = tile_level * HEIGHT;
    let first = tile_idx * WIDTH;
    let mut row: Vec<Hash> = (first..first + WIDTH)
        .filter_map(|i| base.get(level0, i).map(|(h, _)| h))
        .collect();
    if row.len() != TILE_WIDTH as usize {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(2 * TILE_WIDTH as usize);
    let (mut level, mut start) = (level0, first);
    while level < level0 + HEIGHT {
        out.extend((start..).zip(&row).map(|(i, h)| ((level, i), *h)));
        row = row
            .chunks_exact(2)
            .map(|p| fazhi_domain::action_log::interior_hash(&p[0], &p[1]))
            .collect();
        level += 1;
        start /= 2;
    }
    out
}

/// Store the hash at `(base level, idx)` of a tree being appended to, and
/// fold every tile it fills: the tile row is written from the 255 hashes
/// before it in that tile (the leaves hashed from their events' entries; at
/// the levels above, `log_nodes` rows, which are folded into it: deleted,
/// which the database allows only for a row equal to its place in the
/// tile), and the tile's root is stored one base level up, where it may
/// fill a tile in turn. A leaf that does not fill its tile writes nothing:
/// its event's row is all an append writes, as its entry is the leaf's input.
pub async fn append_base_hash(
    tx: &mut Tx,
    level: i64,
    idx: i64,
    hash: Hash,
) -> Result<(), StoreError> {
    let (mut level, mut idx, mut hash) = (level, idx, hash);
    loop {
        if idx % WIDTH != WIDTH - 1 {
            if level == 0 {
                return Ok(());
            }
            return insert_node(tx, level, idx, &hash).await;
        }
        let tile = idx / WIDTH;
        let mut hashes = if level == 0 {
            leaves_in_tx(tx, tile * WIDTH, idx).await?
        } else {
            unfolded_in_tx(tx, level, tile * WIDTH, idx).await?
        };
        hashes.push(hash);
        hash = fold(tx, level, tile, &hashes).await?;
        level += HEIGHT;
        idx = tile;
    }
}

/// The unfolded hashes of base level `level` with indices in `[from, to)`,
/// every one of them, in order (a tile about to be folded).
async fn unfolded_in_tx(
    tx: &mut Tx,
    level: i64,
    from: i64,
    to: i64,
) -> Result<Vec<Hash>, StoreError> {
    let rows: Vec<(i64, Vec<u8>)> = on_tx!(tx, |c| sqlx::query_as(UNFOLDED_BETWEEN)
        .bind(level)
        .bind(from)
        .bind(to)
        .fetch_all(&mut *c)
        .await?);
    let rows = rows
        .into_iter()
        .map(|(i, h)| Ok((i, to_hash(&h, (level, i))?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    all_between(rows, level, from, to)
}

/// The leaves at indices `[from, to)`, hashed from their events' entries,
/// every one of them, in order (a leaf tile about to be written).
pub(crate) async fn leaves_in_tx(tx: &mut Tx, from: i64, to: i64) -> Result<Vec<Hash>, StoreError> {
    let rows: Vec<(i64, Vec<u8>)> = on_tx!(tx, |c| sqlx::query_as(ENTRIES_BETWEEN)
        .bind(from)
        .bind(to)
        .fetch_all(&mut *c)
        .await?);
    all_between(leaves_of(rows).collect(), 0, from, to)
}

/// The hashes of `rows` `(idx, hash)` of base level `level`, which must be
/// exactly the indices `[from, to)` in order.
fn all_between(
    rows: Vec<(i64, Hash)>,
    level: i64,
    from: i64,
    to: i64,
) -> Result<Vec<Hash>, StoreError> {
    let mut hashes = Vec::with_capacity(TILE_WIDTH as usize);
    for (expected, (i, h)) in (from..).zip(&rows) {
        if *i != expected {
            return Err(StoreError::Corrupt(format!(
                "log node ({level}, {expected}) missing"
            )));
        }
        hashes.push(*h);
    }
    if i64::try_from(rows.len()).unwrap_or(i64::MAX) != to - from {
        return Err(StoreError::Corrupt(format!(
            "log tile ({}, {}) has {} of the {} hashes expected before position {to}",
            level / HEIGHT,
            from / WIDTH,
            rows.len(),
            to - from
        )));
    }
    Ok(hashes)
}

/// Write tile `(level / 8, tile)` from its 256 `hashes`, delete the rows of
/// `log_nodes` it replaces, and return its root (the hash one base level up).
async fn fold(tx: &mut Tx, level: i64, tile: i64, hashes: &[Hash]) -> Result<Hash, StoreError> {
    let bytes: Vec<u8> = hashes.iter().flatten().copied().collect();
    on_tx!(tx, |c| sqlx::query(
        "INSERT INTO log_tiles (level, idx, hashes) VALUES ($1, $2, $3)"
    )
    .bind(level / HEIGHT)
    .bind(tile)
    .bind(&bytes)
    .execute(&mut *c)
    .await?
    .rows_affected());
    on_tx!(tx, |c| sqlx::query(
        "DELETE FROM log_nodes WHERE level = $1 AND idx >= $2 AND idx < $3"
    )
    .bind(level)
    .bind(tile * WIDTH)
    .bind((tile + 1) * WIDTH)
    .execute(&mut *c)
    .await?
    .rows_affected());
    merkle::perfect_root(hashes)
        .map_err(|e| StoreError::Corrupt(format!("log tile ({level}, {tile}): {e}")))
}

async fn insert_node(tx: &mut Tx, level: i64, idx: i64, hash: &Hash) -> Result<(), StoreError> {
    on_tx!(tx, |c| sqlx::query(
        "INSERT INTO log_nodes (level, idx, hash) VALUES ($1, $2, $3)"
    )
    .bind(level)
    .bind(idx)
    .bind(hash.as_slice())
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(())
}

/// Fold the full tiles of a tree stored one row per node (databases made
/// before migration 0021, which kept every level and dropped the levels
/// between base levels): each base level's complete groups of 256 rows
/// become tile rows. The root of each is already stored one base level up
/// (inserted when absent). Returns how many tiles were written.
pub async fn fold_rows_into_tiles(db: &Db) -> Result<i64, StoreError> {
    let mut folded = 0;
    for level in (0..=BASE_LEVEL_MAX).step_by(usize::try_from(HEIGHT).unwrap_or(8)) {
        let full: Vec<i64> = on_db!(db, |c| {
            sqlx::query_scalar(
            "SELECT idx / 256 FROM log_nodes WHERE level = $1 GROUP BY idx / 256 HAVING COUNT(*) = 256 ORDER BY 1"
        )
        .bind(level)
        .fetch_all(c)
        .await?
        });
        for tile in full {
            let mut tx = db.begin().await?;
            let hashes = unfolded_in_tx(&mut tx, level, tile * WIDTH, (tile + 1) * WIDTH).await?;
            let root = fold(&mut tx, level, tile, &hashes).await?;
            on_tx!(&mut tx, |c| {
                sqlx::query(
                "INSERT INTO log_nodes (level, idx, hash) VALUES ($1, $2, $3) ON CONFLICT (level, idx) DO NOTHING"
            )
            .bind(level + HEIGHT)
            .bind(tile)
            .bind(root.as_slice())
            .execute(&mut *c)
            .await?
            .rows_affected()
            });
            tx.commit().await?;
            folded += 1;
        }
    }
    Ok(folded)
}

/// The leaves a log of `size` events stores: those of its full leaf tiles.
/// The leaves of the tile still filling are its events' entries, hashed.
pub fn stored_leaves(size: i64) -> i64 {
    size / WIDTH * WIDTH
}

/// The leaves up to the end of the last leaf tile stored (256 per tile).
/// The leaves after them are not stored: they are the events after them,
/// hashed.
pub async fn leaves_in_tiles(db: &Db) -> Result<i64, StoreError> {
    let tiles: i64 = on_db!(db, |c| sqlx::query_scalar(
        "SELECT COALESCE(MAX(idx) + 1, 0) FROM log_tiles WHERE level = 0"
    )
    .fetch_one(c)
    .await?);
    Ok(tiles * WIDTH)
}

/// Whether any leaf is stored at a position `size` or beyond (a tree
/// longer than the log): in a leaf tile, or as a `log_nodes` row (which
/// appends no longer write, but a database could hold).
pub async fn leaves_beyond(db: &Db, size: i64) -> Result<bool, StoreError> {
    Ok(on_db!(db, |c| sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM log_tiles WHERE level = 0 AND (idx + 1) * $2 > $1) \
         OR EXISTS (SELECT 1 FROM log_nodes WHERE level = 0 AND idx >= $1)"
    )
    .bind(size)
    .bind(WIDTH)
    .fetch_one(c)
    .await?))
}

/// Tiles of base level `$1 · HEIGHT` with `idx` in `[$2, $3)`, in order.
const TILES_BETWEEN: &str =
    "SELECT idx, hashes FROM log_tiles WHERE level = $1 AND idx >= $2 AND idx < $3 ORDER BY idx";

/// Stored hashes of base level `level` with `idx` in `[from, to)`, in index
/// order, from tiles and unfolded rows (a hash stored twice comes twice).
pub async fn base_between(
    db: &Db,
    level: i64,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, Hash)>, StoreError> {
    let (tile_from, tile_to) = tiles_over(from, to);
    let tiles: Vec<(i64, Vec<u8>)> = on_db!(db, |c| {
        sqlx::query_as(TILES_BETWEEN)
            .bind(level / HEIGHT)
            .bind(tile_from)
            .bind(tile_to)
            .fetch_all(c)
            .await?
    });
    let loose: Vec<(i64, Vec<u8>)> = on_db!(db, |c| {
        sqlx::query_as(UNFOLDED_BETWEEN)
            .bind(level)
            .bind(from)
            .bind(to)
            .fetch_all(c)
            .await?
    });
    merge_base(level, from, to, tiles, loose)
}

/// The tiles `[first, end)` holding indices `[from, to)` of a base level.
fn tiles_over(from: i64, to: i64) -> (i64, i64) {
    (from / WIDTH, (to + WIDTH - 1) / WIDTH)
}

/// [`base_between`] of the rows read: the tiles' hashes in `[from, to)` and
/// the unfolded ones, in index order.
fn merge_base(
    level: i64,
    from: i64,
    to: i64,
    tiles: Vec<(i64, Vec<u8>)>,
    loose: Vec<(i64, Vec<u8>)>,
) -> Result<Vec<(i64, Hash)>, StoreError> {
    let mut out = Vec::with_capacity(usize::try_from(to - from).unwrap_or(0));
    for (tile, bytes) in tiles {
        for (i, h) in tile_hashes(&bytes, level / HEIGHT, tile)?
            .into_iter()
            .enumerate()
        {
            let idx = tile * WIDTH + i64::try_from(i).unwrap_or(0);
            if (from..to).contains(&idx) {
                out.push((idx, h));
            }
        }
    }
    for (idx, h) in loose {
        out.push((idx, to_hash(&h, (level, idx))?));
    }
    // Stable: of a hash stored twice, the tile's comes first.
    out.sort_by_key(|(idx, _)| *idx);
    Ok(out)
}

/// Stored hashes that some leaves complete: the leaves `(idx, hash)`, and
/// per level from 1 the stored nodes (see [`stored_between`]).
pub type StoredHashes = (Vec<(i64, Hash)>, Vec<Vec<(i64, Hash)>>);

/// What leaves `[from_leaf, to_leaf)` complete, per level from 0 (the
/// leaves) up to the highest with a node: `Some((level, from, to))`, the
/// stored hashes to read (of `level`, `idx` in `[from, to)`), for the leaves
/// and each base level; `None` for a level between, which is not stored.
fn stored_ranges(from_leaf: i64, to_leaf: i64) -> impl Iterator<Item = Option<(i64, i64, i64)>> {
    (0..63i64)
        .map(move |level| (level, from_leaf >> level, to_leaf >> level))
        .take_while(|(level, from, to)| *level == 0 || from < to)
        .map(|(level, from, to)| {
            u8::try_from(level)
                .is_ok_and(merkle::is_base_level)
                .then_some((level, from, to))
        })
}

/// The hashes read for [`stored_ranges`], one entry per level from 0, as
/// leaves and nodes.
fn by_level(mut read: Vec<Vec<(i64, Hash)>>) -> StoredHashes {
    let leaves = if read.is_empty() {
        Vec::new()
    } else {
        read.remove(0)
    };
    (leaves, read)
}

/// The stored hashes that leaves `[from_leaf, to_leaf)` complete: the leaves,
/// and per level `l` from 1 (entry `l - 1`) the stored nodes of level `l`
/// with `idx` in `[from_leaf >> l, to_leaf >> l)` — empty for a level that is
/// not a base level, as those are not stored.
pub async fn stored_between(
    db: &Db,
    from_leaf: i64,
    to_leaf: i64,
) -> Result<StoredHashes, StoreError> {
    let mut read = Vec::new();
    for range in stored_ranges(from_leaf, to_leaf) {
        read.push(match range {
            Some((level, from, to)) => base_between(db, level, from, to).await?,
            None => Vec::new(),
        });
    }
    Ok(by_level(read))
}

/// [`stored_between`] on a SQLite bulk reader (see `bulk_read`), in its
/// read transaction: the log scan reads a batch's tree hashes with its
/// events, in the same snapshot, without a trip through sqlx's worker.
pub(crate) fn stored_between_native(
    conn: &rusqlite::Connection,
    from_leaf: i64,
    to_leaf: i64,
) -> Result<StoredHashes, StoreError> {
    let rows = |sql: &str, params: (i64, i64, i64)| {
        let mut statement = conn.prepare(sql)?;
        let rows = statement.query_map(params, |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<Vec<(i64, Vec<u8>)>, _>>()
    };
    let read = stored_ranges(from_leaf, to_leaf)
        .map(|range| {
            let Some((level, from, to)) = range else {
                return Ok(Vec::new());
            };
            let (tile_from, tile_to) = tiles_over(from, to);
            let tiles = rows(TILES_BETWEEN, (level / HEIGHT, tile_from, tile_to))?;
            let loose = rows(UNFOLDED_BETWEEN, (level, from, to))?;
            merge_base(level, from, to, tiles, loose)
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(by_level(read))
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StoredCheckpoint {
    pub id: i64,
    pub size: i64,
    #[serde(skip)]
    pub root: Vec<u8>,
    pub note: String,
    pub created_at_us: i64,
}

#[derive(sqlx::FromRow)]
struct CheckpointRow {
    id: i64,
    size: i64,
    root: Vec<u8>,
    note: String,
    created_at_us: i64,
}

impl From<CheckpointRow> for StoredCheckpoint {
    fn from(r: CheckpointRow) -> Self {
        StoredCheckpoint {
            id: r.id,
            size: r.size,
            root: r.root,
            note: r.note,
            created_at_us: r.created_at_us,
        }
    }
}

pub async fn insert_checkpoint(
    tx: &mut Tx,
    size: i64,
    root: &[u8; 32],
    note: &str,
    at_us: i64,
) -> Result<i64, StoreError> {
    let id: i64 = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT COALESCE(MAX(id), 0) + 1 FROM checkpoints"
    )
    .fetch_one(&mut *c)
    .await?);
    on_tx!(tx, |c| sqlx::query(
        "INSERT INTO checkpoints (id, size, root, note, created_at_us) VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(id)
    .bind(size)
    .bind(root.as_slice())
    .bind(note)
    .bind(at_us)
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(id)
}

const CHECKPOINT_COLUMNS: &str = "SELECT id, size, root, note, created_at_us FROM checkpoints";

pub async fn latest_checkpoint(db: &Db) -> Result<Option<StoredCheckpoint>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("{CHECKPOINT_COLUMNS} ORDER BY size DESC LIMIT 1"));
    let row: Option<CheckpointRow> = on_db!(db, |c| sqlx::query_as(sql).fetch_optional(c).await?);
    Ok(row.map(StoredCheckpoint::from))
}

pub async fn checkpoint_by_size(
    db: &Db,
    size: i64,
) -> Result<Option<StoredCheckpoint>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("{CHECKPOINT_COLUMNS} WHERE size = $1"));
    let row: Option<CheckpointRow> = on_db!(db, |c| sqlx::query_as(sql)
        .bind(size)
        .fetch_optional(c)
        .await?);
    Ok(row.map(StoredCheckpoint::from))
}

/// Checkpoints newest first, `limit_rows` at most.
pub async fn list_checkpoints(
    db: &Db,
    limit_rows: i64,
) -> Result<Vec<StoredCheckpoint>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("{CHECKPOINT_COLUMNS} ORDER BY size DESC LIMIT $1"));
    let rows: Vec<CheckpointRow> = on_db!(db, |c| sqlx::query_as(sql)
        .bind(limit_rows)
        .fetch_all(c)
        .await?);
    Ok(rows.into_iter().map(StoredCheckpoint::from).collect())
}

/// Every checkpoint, oldest first (for verification).
pub async fn all_checkpoints(db: &Db) -> Result<Vec<StoredCheckpoint>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("{CHECKPOINT_COLUMNS} ORDER BY size"));
    let rows: Vec<CheckpointRow> = on_db!(db, |c| sqlx::query_as(sql).fetch_all(c).await?);
    Ok(rows.into_iter().map(StoredCheckpoint::from).collect())
}

pub async fn insert_cosignature(
    tx: &mut Tx,
    checkpoint_id: i64,
    witness: &str,
    line: &str,
    at_us: i64,
) -> Result<i64, StoreError> {
    let id: i64 = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT COALESCE(MAX(id), 0) + 1 FROM cosignatures"
    )
    .fetch_one(&mut *c)
    .await?);
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO cosignatures (id, checkpoint_id, witness, line, created_at_us) VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(id)
    .bind(checkpoint_id)
    .bind(witness)
    .bind(line)
    .bind(at_us)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    Ok(id)
}

/// `(witness, line)` of every cosignature of a checkpoint.
pub async fn cosignatures(
    db: &Db,
    checkpoint_id: i64,
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(on_db!(db, |c| sqlx::query_as(
        "SELECT witness, line FROM cosignatures WHERE checkpoint_id = $1 ORDER BY witness"
    )
    .bind(checkpoint_id)
    .fetch_all(c)
    .await?))
}
