//! 双随机: the verifiable random draw of entities and officers.
//!
//! The pools and parameters are frozen first and their hash committed (to the
//! action log, hence to a signed checkpoint). The randomness comes later from
//! a value that did not exist at commit time (a public lottery draw, the root
//! of the next checkpoint). The seed is SHA-256(commitment ‖ randomness); the
//! sampler is this file's own code over the ChaCha20 stream, so anyone can
//! re-run a published record with [`verify`] and get the same result.
//!
//! Algorithm `fazhi-draw/1`:
//! 1. Eligible entities (not inspected within the plan's window) are grouped
//!    into strata by (domain, region, credit grade), each stratum's members in
//!    ascending id order, strata in ascending key order.
//! 2. The quota is apportioned to strata in proportion to `members × rate of
//!    the grade` by the largest-remainder method, ties broken by stratum key;
//!    no stratum gets more than it has.
//! 3. In each stratum, in key order, a partial Fisher–Yates shuffle picks its
//!    share; a uniform index below `n` is drawn by rejection from 64-bit
//!    ChaCha20 outputs (no modulo bias).
//! 4. Officers are assigned entity by entity in draw order: among those with a
//!    valid credential for the entity's domain (and region, if required), not
//!    recused, not the last inspectors and under the workload cap, `k` are
//!    picked by the same partial shuffle. If fewer than `k` remain, the draw
//!    fails and names the entity and the constraint that exhausted the pool.

use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::{SeedableRng, TryRng};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The algorithm this module implements; a record names it.
pub const ALGORITHM: &str = "fazhi-draw/1";

/// One candidate entity as frozen in the pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    pub id: i64,
    /// Supervision domain code.
    pub domain: String,
    /// Region code (GB/T 2260).
    pub region: String,
    /// Credit grade (A/B/C/D).
    pub grade: String,
    /// Days since its last inspection, if any.
    pub days_since_inspection: Option<u32>,
    /// Officers (ids) of its last inspection.
    pub last_officers: Vec<i64>,
}

/// One officer as frozen in the pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Officer {
    pub id: i64,
    pub domains: Vec<String>,
    pub region: String,
    /// Credential valid on the draw day.
    pub credential_valid: bool,
    /// Entities (ids) this officer must not inspect.
    pub recused: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    /// Entities to draw in all.
    pub quota: u32,
    /// Sampling weight per credit grade in basis points (e.g. A 300 = 3 %, D 2000 = 20 %).
    pub rates_bp: BTreeMap<String, u32>,
    /// Leave out entities inspected within this many days (0: none left out).
    pub exclude_inspected_within_days: u32,
    /// Officers per entity (at least 2, 《行政处罚法》第四十二条 / 第五十五条).
    pub officers_per_entity: u32,
    /// Most entities one officer may be given in this draw.
    pub workload_cap: u32,
    /// Officers must be of the entity's region.
    pub same_region: bool,
}

/// What everyone commits to before the randomness exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pool {
    pub algorithm: String,
    pub params: Params,
    pub entities: Vec<Entity>,
    pub officers: Vec<Officer>,
}

impl Pool {
    /// The commitment: SHA-256, hex, over the canonical encoding of the pool
    /// (see [`Pool::write_canonical`]). The order the pools were listed in does
    /// not matter; any change to any field does.
    pub fn commitment(&self) -> String {
        let mut h = Sha256::new();
        self.write_canonical(&mut h);
        hex::encode(h.finalize())
    }

    /// Canonical encoding v1: the algorithm name, the parameters as JSON, then
    /// every entity and every officer in ascending id order; `u32`
    /// little-endian lengths and counts, `i64` little-endian ids, UTF-8
    /// strings prefixed by their byte length, an absent number as `u32::MAX`,
    /// lists (recusals, last officers, domains) sorted.
    pub fn write_canonical(&self, h: &mut Sha256) {
        fn text(h: &mut Sha256, t: &str) {
            h.update((t.len() as u32).to_le_bytes());
            h.update(t.as_bytes());
        }
        fn ids(h: &mut Sha256, v: &[i64]) {
            let mut v = v.to_vec();
            v.sort_unstable();
            h.update((v.len() as u32).to_le_bytes());
            for id in v {
                h.update(id.to_le_bytes());
            }
        }
        text(h, &self.algorithm);
        text(h, &serde_json::to_string(&self.params).unwrap_or_default());
        let mut entities: Vec<&Entity> = self.entities.iter().collect();
        entities.sort_by_key(|e| e.id);
        h.update((entities.len() as u32).to_le_bytes());
        for e in entities {
            h.update(e.id.to_le_bytes());
            text(h, &e.domain);
            text(h, &e.region);
            text(h, &e.grade);
            h.update(e.days_since_inspection.unwrap_or(u32::MAX).to_le_bytes());
            ids(h, &e.last_officers);
        }
        let mut officers: Vec<&Officer> = self.officers.iter().collect();
        officers.sort_by_key(|o| o.id);
        h.update((officers.len() as u32).to_le_bytes());
        for o in officers {
            h.update(o.id.to_le_bytes());
            let mut domains: Vec<&String> = o.domains.iter().collect();
            domains.sort();
            h.update((domains.len() as u32).to_le_bytes());
            for d in domains {
                text(h, d);
            }
            text(h, &o.region);
            h.update([u8::from(o.credential_valid)]);
            ids(h, &o.recused);
        }
    }
}

/// The seed: SHA-256 over the commitment (hex text) and the randomness value.
pub fn seed(commitment: &str, randomness: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(commitment.as_bytes());
    h.update(b"\n");
    h.update(randomness.trim().as_bytes());
    h.finalize().into()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub entity: i64,
    pub officers: Vec<i64>,
}

/// A stratum and what it got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StratumShare {
    pub domain: String,
    pub region: String,
    pub grade: String,
    pub members: u32,
    pub drawn: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub strata: Vec<StratumShare>,
    pub assignments: Vec<Assignment>,
}

/// A published draw: everything needed to re-run it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub pool: Pool,
    pub commitment: String,
    pub randomness: String,
    pub randomness_source: String,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
pub enum DrawError {
    #[error(
        "抽取数量 {quota} 超过符合条件的检查对象 {eligible} 户 / the quota {quota} exceeds the {eligible} eligible entities"
    )]
    QuotaTooLarge { quota: u32, eligible: u32 },
    #[error("每户至少两名执法人员（《行政处罚法》第四十二条） / at least two officers per entity")]
    TooFewOfficersPerEntity,
    #[error("未知的算法“{0}” / unknown algorithm '{0}'")]
    UnknownAlgorithm(String),
    #[error(
        "检查对象 {entity} 无法配足 {needed} 名执法人员：{explanation} / entity {entity} cannot get {needed} officers: {explanation_en}"
    )]
    Infeasible {
        entity: i64,
        needed: u32,
        /// Which constraint exhausted the pool, with the counts after each filter.
        explanation: String,
        explanation_en: String,
    },
}

/// ChaCha20 as this algorithm uses it.
struct Stream(ChaCha20Rng);

impl Stream {
    fn new(seed: [u8; 32]) -> Stream {
        Stream(ChaCha20Rng::from_seed(seed))
    }
    fn next_u64(&mut self) -> u64 {
        match self.0.try_next_u64() {
            Ok(v) => v,
            Err(never) => match never {},
        }
    }
    /// Uniform in `0..n` by rejection: values in the last partial block of
    /// size `2^64 mod n` are drawn again, so every index is equally likely.
    fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        let zone = u64::MAX - (u64::MAX - n + 1) % n;
        loop {
            let v = self.next_u64();
            if v <= zone {
                return v % n;
            }
        }
    }
    /// Pick `k` of `items` (in their given order) by a partial Fisher–Yates shuffle.
    fn pick<T: Copy>(&mut self, items: &[T], k: usize) -> Vec<T> {
        let mut v: Vec<T> = items.to_vec();
        let n = v.len();
        for i in 0..k.min(n) {
            let j = i + self.below((n - i) as u64) as usize;
            v.swap(i, j);
        }
        v.truncate(k.min(n));
        v
    }
}

type StratumKey<'a> = (&'a str, &'a str, &'a str);

/// One officer filter of the assignment: its names (zh, en) and the test.
type Filter<'a> = (
    &'static str,
    &'static str,
    Box<dyn Fn(&Officer) -> bool + 'a>,
);

/// Largest-remainder apportionment of `total` over `weights` (exact integer
/// arithmetic), each share capped at `caps[i]`; ties go to the earlier index.
pub fn apportion(total: u64, weights: &[u64], caps: &[u64]) -> Vec<u64> {
    let mut shares = vec![0u64; weights.len()];
    let mut remaining = total;
    let mut open: Vec<usize> = (0..weights.len())
        .filter(|i| weights[*i] > 0 && caps[*i] > 0)
        .collect();
    // Capped strata are filled and the rest re-apportioned until nothing exceeds its cap.
    while remaining > 0 && !open.is_empty() {
        let w: u128 = open.iter().map(|i| u128::from(weights[*i])).sum();
        let mut quotas: Vec<(usize, u64, u128)> = open
            .iter()
            .map(|i| {
                let num = u128::from(remaining) * u128::from(weights[*i]);
                (*i, (num / w) as u64, num % w)
            })
            .collect();
        let floor_sum: u64 = quotas.iter().map(|q| q.1).sum();
        let mut extra = remaining - floor_sum;
        let mut order: Vec<usize> = (0..quotas.len()).collect();
        order.sort_by(|a, b| {
            quotas[*b]
                .2
                .cmp(&quotas[*a].2)
                .then(quotas[*a].0.cmp(&quotas[*b].0))
        });
        for o in order {
            if extra == 0 {
                break;
            }
            quotas[o].1 += 1;
            extra -= 1;
        }
        let over: Vec<usize> = quotas
            .iter()
            .filter(|(i, q, _)| shares[*i] + q > caps[*i])
            .map(|(i, _, _)| *i)
            .collect();
        if over.is_empty() {
            for (i, q, _) in quotas {
                shares[i] += q;
            }
            remaining = 0;
        } else {
            for i in over {
                remaining -= caps[i] - shares[i];
                shares[i] = caps[i];
                open.retain(|x| *x != i);
            }
        }
    }
    shares
}

/// Run the draw of a pool with a seed.
pub fn run(pool: &Pool, seed: [u8; 32]) -> Result<Outcome, DrawError> {
    if pool.algorithm != ALGORITHM {
        return Err(DrawError::UnknownAlgorithm(pool.algorithm.clone()));
    }
    let p = &pool.params;
    if p.officers_per_entity < 2 {
        return Err(DrawError::TooFewOfficersPerEntity);
    }
    // 1. Strata of eligible entities.
    let mut strata: BTreeMap<StratumKey, Vec<&Entity>> = BTreeMap::new();
    for e in &pool.entities {
        let recently = p.exclude_inspected_within_days > 0
            && e.days_since_inspection
                .is_some_and(|d| d < p.exclude_inspected_within_days);
        if !recently {
            strata
                .entry((e.domain.as_str(), e.region.as_str(), e.grade.as_str()))
                .or_default()
                .push(e);
        }
    }
    for members in strata.values_mut() {
        members.sort_by_key(|e| e.id);
        members.dedup_by_key(|e| e.id);
    }
    let eligible: u32 = strata.values().map(|m| m.len() as u32).sum();
    if p.quota > eligible {
        return Err(DrawError::QuotaTooLarge {
            quota: p.quota,
            eligible,
        });
    }
    // 2. Apportionment.
    let keys: Vec<&StratumKey> = strata.keys().collect();
    let weights: Vec<u64> = keys
        .iter()
        .map(|k| strata[*k].len() as u64 * u64::from(*p.rates_bp.get(k.2).unwrap_or(&0)))
        .collect();
    let caps: Vec<u64> = keys.iter().map(|k| strata[*k].len() as u64).collect();
    let shares = apportion(u64::from(p.quota), &weights, &caps);
    // 3. Sampling within strata.
    let mut stream = Stream::new(seed);
    let mut drawn: Vec<&Entity> = Vec::new();
    let mut report = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        let members = &strata[*k];
        let picked = stream.pick(members, shares[i] as usize);
        report.push(StratumShare {
            domain: k.0.to_owned(),
            region: k.1.to_owned(),
            grade: k.2.to_owned(),
            members: members.len() as u32,
            drawn: picked.len() as u32,
        });
        drawn.extend(picked);
    }
    // 4. Officers.
    let mut officers: Vec<&Officer> = pool.officers.iter().collect();
    officers.sort_by_key(|o| o.id);
    officers.dedup_by_key(|o| o.id);
    let mut by_domain: HashMap<&str, Vec<&Officer>> = HashMap::new();
    for o in &officers {
        for d in &o.domains {
            by_domain.entry(d.as_str()).or_default().push(o);
        }
    }
    let recusals: HashSet<(i64, i64)> = officers
        .iter()
        .flat_map(|o| o.recused.iter().map(move |e| (o.id, *e)))
        .collect();
    // Officers who pass the fixed filters (credential, domain, region), per
    // (domain, region) — or per domain when any region will do.
    let mut groups: HashMap<(&str, &str), Vec<&Officer>> = HashMap::new();
    for o in officers.iter().filter(|o| o.credential_valid) {
        for d in &o.domains {
            let region = if p.same_region { o.region.as_str() } else { "" };
            groups.entry((d.as_str(), region)).or_default().push(o);
        }
    }
    let mut load: HashMap<i64, u32> = HashMap::new();
    let k = p.officers_per_entity as usize;
    let mut assignments = Vec::with_capacity(drawn.len());
    let mut tried: HashSet<usize> = HashSet::new();
    for e in drawn {
        let region = if p.same_region { e.region.as_str() } else { "" };
        let group = groups
            .get(&(e.domain.as_str(), region))
            .map_or(&[][..], Vec::as_slice);
        // Examine the group in a uniformly random order (rejecting indices
        // already examined) and keep the first `k` that pass the per-entity
        // filters: the kept ones are a uniform sample of those that pass.
        tried.clear();
        let mut chosen: Vec<i64> = Vec::with_capacity(k);
        while chosen.len() < k && tried.len() < group.len() {
            let i = stream.below(group.len() as u64) as usize;
            if !tried.insert(i) {
                continue;
            }
            let o = group[i];
            let ok = !recusals.contains(&(o.id, e.id))
                && !e.last_officers.contains(&o.id)
                && load.get(&o.id).copied().unwrap_or(0) < p.workload_cap;
            if ok {
                chosen.push(o.id);
            }
        }
        if chosen.len() < k {
            return Err(explain(
                p,
                e,
                by_domain
                    .get(e.domain.as_str())
                    .map_or(&[][..], Vec::as_slice),
                &recusals,
                &load,
            ));
        }
        chosen.sort_unstable();
        for o in &chosen {
            *load.entry(*o).or_insert(0) += 1;
        }
        assignments.push(Assignment {
            entity: e.id,
            officers: chosen,
        });
    }
    Ok(Outcome {
        strata: report,
        assignments,
    })
}

/// Why an entity cannot get its officers: the count after each filter, and
/// the first filter after which too few were left.
fn explain(
    p: &Params,
    e: &Entity,
    in_domain: &[&Officer],
    recusals: &HashSet<(i64, i64)>,
    load: &HashMap<i64, u32>,
) -> DrawError {
    let steps: [Filter; 5] = [
        (
            "持有效执法证",
            "valid credential",
            Box::new(|o: &Officer| o.credential_valid),
        ),
        (
            "同一区域",
            "same region",
            Box::new(|o: &Officer| !p.same_region || o.region == e.region),
        ),
        (
            "不属回避人员",
            "not recused",
            Box::new(|o: &Officer| !recusals.contains(&(o.id, e.id))),
        ),
        (
            "非上次检查人员",
            "not its last inspectors",
            Box::new(|o: &Officer| !e.last_officers.contains(&o.id)),
        ),
        (
            "未达工作量上限",
            "under the workload cap",
            Box::new(|o: &Officer| load.get(&o.id).copied().unwrap_or(0) < p.workload_cap),
        ),
    ];
    let k = p.officers_per_entity as usize;
    let mut left: Vec<&Officer> = in_domain.to_vec();
    let mut zh = vec![format!("本专业执法人员 {} 名", left.len())];
    let mut en = vec![format!("{} officers of the domain", left.len())];
    let mut failed_at = None;
    for (name_zh, name_en, keep) in &steps {
        left.retain(|o| keep(o));
        zh.push(format!("{name_zh} {} 名", left.len()));
        en.push(format!("{name_en}: {}", left.len()));
        if left.len() < k && failed_at.is_none() {
            failed_at = Some((*name_zh, *name_en));
        }
    }
    let (at_zh, at_en) = failed_at.unwrap_or(("本专业执法人员", "officers of the domain"));
    DrawError::Infeasible {
        entity: e.id,
        needed: p.officers_per_entity,
        explanation: format!("按“{at_zh}”筛选后不足（{}）", zh.join(" → ")),
        explanation_en: format!("too few after '{at_en}' ({})", en.join(" → ")),
    }
}

/// Make the record of a draw: commitment, seed from the randomness, outcome.
pub fn draw(pool: Pool, randomness: &str, source: &str) -> Result<Record, DrawError> {
    let commitment = pool.commitment();
    let outcome = run(&pool, seed(&commitment, randomness))?;
    Ok(Record {
        pool,
        commitment,
        randomness: randomness.trim().to_owned(),
        randomness_source: source.to_owned(),
        outcome,
    })
}

/// Why a record does not re-run to itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refuted {
    #[error("承诺值与公布的候选池不符 / the commitment does not match the published pools")]
    Commitment,
    #[error("按公布的随机数重新抽取无法完成：{0} / the draw cannot be re-run: {0}")]
    Rerun(DrawError),
    #[error(
        "重新抽取的结果与公布的结果不同（第一处差异：{0}） / re-running gives a different result (first difference: {0})"
    )]
    Outcome(String),
}

/// Re-run a published record: confirm it, or say how it is refuted.
pub fn verify(record: &Record) -> Result<(), Refuted> {
    if record.pool.commitment() != record.commitment {
        return Err(Refuted::Commitment);
    }
    let outcome =
        run(&record.pool, seed(&record.commitment, &record.randomness)).map_err(Refuted::Rerun)?;
    if outcome == record.outcome {
        return Ok(());
    }
    let first = outcome
        .assignments
        .iter()
        .zip(&record.outcome.assignments)
        .position(|(a, b)| a != b)
        .map_or_else(
            || "数量不同 / counts differ".to_owned(),
            |i| format!("#{}", i + 1),
        );
    Err(Refuted::Outcome(first))
}

#[cfg(test)]
#[path = "draw_tests.rs"]
mod tests;
