//! `fazhi bench`: measurements stated as ratios to a physical baseline taken
//! in the same run (raw inserts of the same rows). Never thresholds in tests.

use anyhow::{Context, Result, bail};
use clap::Args;
use fazhi_app::password::PasswordParams;
use fazhi_app::{App, SystemClock};
use fazhi_domain::action_log::{EVENT_SALT_BYTES, EventKind, NewEvent};
use fazhi_store::{Db, bench as raw, events};
use indicatif::{ProgressBar, ProgressStyle};
use std::sync::Arc;
use std::time::Instant;

#[derive(Args)]
pub struct BenchArgs {
    /// Which benchmark: `log` (action-log append vs raw insert), `import`,
    /// `proofs`, `cases` (case transitions vs raw insert), `draw`, `portal`
    /// (public notice list and search under load), or `all`.
    #[arg(default_value = "all")]
    name: String,
    /// Print one JSON object per line per measure.
    #[arg(long)]
    json: bool,
    /// Rows per measure.
    #[arg(long, default_value_t = 3000)]
    rows: i64,
    /// PostgreSQL server for the PostgreSQL half (a scratch database is created and dropped).
    #[arg(
        long,
        env = "FAZHI_BENCH_PG_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/test"
    )]
    pg_url: String,
    /// Skip PostgreSQL.
    #[arg(long)]
    no_postgres: bool,
    /// Skip SQLite (`proofs` only: its tree of 10⁷ leaves takes a while to build).
    #[arg(long)]
    no_sqlite: bool,
    /// Leaves of the synthetic tree that proofs are served from (`proofs` benchmark).
    #[arg(long, default_value_t = 1_000_000)]
    proof_leaves: u64,
    /// Notices loaded for the `portal` benchmark.
    #[arg(long, default_value_t = 1_000_000)]
    notices: i64,
    /// Requests per second the `portal` load generator sends.
    #[arg(long, default_value_t = 200)]
    rate: u32,
    /// Seconds of load per `portal` scenario (list, search).
    #[arg(long, default_value_t = 10)]
    seconds: u64,
}

struct Measure {
    name: String,
    value: f64,
    unit: &'static str,
    baseline: Option<f64>,
    ratio: Option<f64>,
}

fn report(args: &BenchArgs, m: &Measure) {
    if args.json {
        let mut obj =
            serde_json::json!({ "name": m.name, "value": round2(m.value), "unit": m.unit });
        if let (Some(b), Some(r)) = (m.baseline, m.ratio) {
            obj["baseline"] = serde_json::json!(round2(b));
            obj["ratio"] = serde_json::json!((r * 1000.0).round() / 1000.0);
        }
        println!("{obj}");
    } else {
        match (m.baseline, m.ratio) {
            (Some(b), Some(r)) => println!(
                "{:<32} {:>12.0} {}  (baseline {:.0}, ratio {:.3})",
                m.name, m.value, m.unit, b, r
            ),
            _ => println!("{:<40} {:>12.2} {}", m.name, m.value, m.unit),
        }
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn progress(args: &BenchArgs, len: i64, label: &str) -> ProgressBar {
    if args.json {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(u64::try_from(len).unwrap_or(0));
    bar.set_style(
        ProgressStyle::with_template("{msg:28} [{bar:30}] {pos}/{len} {per_sec}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(label.to_owned());
    bar
}

pub async fn run(args: BenchArgs) -> Result<()> {
    match args.name.as_str() {
        "log" => bench_log(&args).await,
        "import" => bench_import(&args).await,
        "proofs" => bench_proofs(&args).await,
        "cases" => bench_cases(&args).await,
        "draw" => bench_draw(&args),
        "portal" => {
            crate::bench_portal::run(&crate::bench_portal::PortalArgs {
                json: args.json,
                notices: args.notices,
                rate: args.rate,
                seconds: args.seconds,
                pg_url: args.pg_url.clone(),
                no_postgres: args.no_postgres,
            })
            .await
        }
        "all" => {
            bench_log(&args).await?;
            bench_import(&args).await?;
            bench_cases(&args).await
        }
        other => {
            bail!(
                "unknown benchmark '{other}': known are log, import, proofs, cases, draw, portal, all"
            )
        }
    }
}

fn payload(i: i64) -> String {
    format!(r#"{{"case":"X卫罚〔2026〕{i}号","step":"filing"}}"#)
}

async fn bench_log(args: &BenchArgs) -> Result<()> {
    let dir = std::env::temp_dir().join(format!(
        "fazhi-bench-{}",
        fazhi_app::random_token(6).map_err(|e| anyhow::anyhow!("{e}"))?
    ));
    let sqlite = Db::open_sqlite(&dir).await?;
    sqlite.migrate().await?;
    bench_log_on(args, &sqlite, "sqlite").await?;
    sqlite.close().await;
    let _ = std::fs::remove_dir_all(&dir);

    if !args.no_postgres {
        let name = format!(
            "fazhi_bench_{}",
            fazhi_app::random_token(6).map_err(|e| anyhow::anyhow!("{e}"))?
        );
        let url = fazhi_store::db::create_scratch_database(&args.pg_url, &name)
            .await
            .with_context(|| "PostgreSQL for the benchmark (use --no-postgres to skip)")?;
        let pg = Db::open_postgres(&url).await?;
        pg.migrate().await?;
        let result = bench_log_on(args, &pg, "postgres").await;
        pg.close().await;
        fazhi_store::db::drop_scratch_database(&args.pg_url, &name).await?;
        result?;
    }
    Ok(())
}

async fn bench_log_on(args: &BenchArgs, db: &Db, backend: &str) -> Result<()> {
    raw::create_raw_table(db).await?;
    let app = App::new(
        db.clone(),
        Arc::new(SystemClock),
        PasswordParams::FAST_FOR_TESTS,
        &std::env::temp_dir(),
    );
    let n = args.rows.max(10);

    // Baseline: the same row shape, one row per transaction, no log machinery.
    let bar = progress(args, n, &format!("{backend}: raw insert"));
    let start = Instant::now();
    for i in 1..=n {
        let mut tx = db.begin().await?;
        raw::insert_raw(
            &mut tx,
            i,
            app.now_us(),
            &format!("case:{i}"),
            &payload(i),
            &[7u8; EVENT_SALT_BYTES],
        )
        .await?;
        tx.commit().await?;
        bar.inc(1);
    }
    let raw_rate = n as f64 / start.elapsed().as_secs_f64();
    bar.finish_and_clear();

    let bar = progress(args, n, &format!("{backend}: log append"));
    let start = Instant::now();
    for i in 1..=n {
        let mut salt = [0u8; EVENT_SALT_BYTES];
        getrandom::fill(&mut salt).map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut tx = db.begin().await?;
        events::append(
            &mut tx,
            &NewEvent {
                at_us: app.now_us(),
                actor_user_id: Some(1),
                agency_id: Some(1),
                kind: EventKind::DemoSeeded,
                subject: format!("case:{i}"),
                payload: serde_json::from_str(&payload(i))?,
                salt,
            },
        )
        .await?;
        tx.commit().await?;
        bar.inc(1);
    }
    let append_rate = n as f64 / start.elapsed().as_secs_f64();
    bar.finish_and_clear();

    report(
        args,
        &Measure {
            name: format!("log.raw_insert.{backend}"),
            value: raw_rate,
            unit: "rows/s",
            baseline: None,
            ratio: None,
        },
    );
    report(
        args,
        &Measure {
            name: format!("log.append.{backend}"),
            value: append_rate,
            unit: "rows/s",
            baseline: Some(raw_rate),
            ratio: Some(append_rate / raw_rate),
        },
    );

    // Full verification of what was appended, against single-core SHA-256 over the same bytes.
    // Both are timed VERIFY_RUNS times, interleaved, and the medians compared: the machine is
    // shared, and one descheduling of a verification that hands rows between threads can
    // cost more than the whole run.
    let encodings: Vec<Vec<u8>> = events::range(db, 1, i64::MAX)
        .await?
        .iter()
        .map(|e| e.canonical_bytes())
        .collect();
    let quiet = |_: &str, _: u64, _: u64| {};
    let (mut verify_times, mut rows_times, mut sha_times) = (Vec::new(), Vec::new(), Vec::new());
    let mut verified = fazhi_app::log_verify::VerifyReport::default();
    for _ in 0..VERIFY_RUNS {
        let started = Instant::now();
        verified = fazhi_app::log_verify::verify(&app, &quiet)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        verify_times.push(started.elapsed().as_secs_f64().max(1e-9));
        if let Some(problem) = &verified.problem {
            bail!("verification failed on fresh data: {problem}");
        }
        // The portable path (sqlx rows), for comparison.
        let started = Instant::now();
        let through_rows = fazhi_app::log_verify::verify_with(
            &app,
            &quiet,
            fazhi_app::log_verify::ReadPath::Rows,
            fazhi_app::log_verify::VERIFY_BATCH_ROWS,
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        rows_times.push(started.elapsed().as_secs_f64().max(1e-9));
        if through_rows != verified {
            bail!("the two read paths disagree on fresh data");
        }
        let started = Instant::now();
        let mut sink = [0u8; 32];
        for bytes in &encodings {
            sink = fazhi_domain::action_log::leaf_hash_of(bytes);
        }
        for _ in 0..verified.nodes {
            sink = fazhi_domain::action_log::interior_hash(&sink, &sink);
        }
        std::hint::black_box(sink);
        sha_times.push(started.elapsed().as_secs_f64().max(1e-9));
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (verify_s, sha_s) = (median(&mut verify_times), median(&mut sha_times));
    let rows_s = median(&mut rows_times);
    let mib = verified.bytes_hashed as f64 / 1_048_576.0;
    report(
        args,
        &Measure {
            name: format!("log.verify_rows.{backend}"),
            value: mib / rows_s,
            unit: "MiB/s",
            baseline: Some(mib / sha_s),
            ratio: Some(sha_s / rows_s),
        },
    );
    report(
        args,
        &Measure {
            name: format!("log.verify.{backend}"),
            value: mib / verify_s,
            unit: "MiB/s",
            baseline: Some(mib / sha_s),
            ratio: Some(sha_s / verify_s),
        },
    );
    Ok(())
}

/// Timed runs of `log verify` (and of its SHA-256 baseline) per backend; the medians are compared.
const VERIFY_RUNS: usize = 5;

/// Entity rows in the import benchmark (the issue's figure).
const IMPORT_BENCH_ROWS: usize = 100_000;

/// Import of 100,000 entity rows from CSV on SQLite, with validation, against
/// a raw insert of the same rows in one transaction in the same run.
async fn bench_import(args: &BenchArgs) -> Result<()> {
    let dir = std::env::temp_dir().join(format!(
        "fazhi-bench-{}",
        fazhi_app::random_token(6).map_err(|e| anyhow::anyhow!("{e}"))?
    ));
    let db = Db::open_sqlite(&dir).await?;
    db.migrate().await?;
    let app = App::new(
        db.clone(),
        Arc::new(SystemClock),
        PasswordParams::FAST_FOR_TESTS,
        &dir,
    );
    fazhi_app::demo::seed_accounts(&app)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let user = fazhi_store::users::credentials_by_username(&db, "dh.section")
        .await?
        .context("demo user")?
        .user;
    let actor = fazhi_app::auth::actor_of(&user);
    let csv = fazhi_app::demo::demo_entities_csv("东湖区", "990102", IMPORT_BENCH_ROWS, 7);
    let rows = IMPORT_BENCH_ROWS as f64;

    // Baseline: the same rows, already parsed, inserted raw in one transaction.
    raw::create_raw_table(&db).await?;
    let lines: Vec<&str> = csv.lines().skip(1).collect();
    let bar = progress(
        args,
        i64::try_from(lines.len()).unwrap_or(0),
        "sqlite: raw insert",
    );
    let started = Instant::now();
    let mut tx = db.begin().await?;
    for (i, line) in lines.iter().enumerate() {
        let id = i64::try_from(i).unwrap_or(0) + 1;
        raw::insert_raw(
            &mut tx,
            id,
            0,
            line.split(',').next().unwrap_or(""),
            line,
            &[0u8; EVENT_SALT_BYTES],
        )
        .await?;
        bar.inc(1);
    }
    tx.commit().await?;
    let raw_rate = rows / started.elapsed().as_secs_f64();
    bar.finish_and_clear();

    let bar = progress(
        args,
        i64::try_from(lines.len()).unwrap_or(0),
        "sqlite: import",
    );
    let report_progress = |done: usize, _total: usize| bar.set_position(done as u64);
    let started = Instant::now();
    let outcome = fazhi_app::registry::import(
        &app,
        &actor,
        fazhi_app::registry::ImportKind::Entities,
        "bench.csv",
        csv.as_bytes(),
        &report_progress,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let import_rate = rows / started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    if outcome.inserted != IMPORT_BENCH_ROWS {
        bail!(
            "import inserted {} of {IMPORT_BENCH_ROWS} rows",
            outcome.inserted
        );
    }
    report(
        args,
        &Measure {
            name: "import.raw_insert.sqlite".into(),
            value: raw_rate,
            unit: "rows/s",
            baseline: None,
            ratio: None,
        },
    );
    report(
        args,
        &Measure {
            name: "import.entities.sqlite".into(),
            value: import_rate,
            unit: "rows/s",
            baseline: Some(raw_rate),
            ratio: Some(import_rate / raw_rate),
        },
    );
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// Inclusion and consistency proofs served from the database for a tree of
/// `--proof-leaves` synthetic leaves, on SQLite and PostgreSQL: median latency
/// of each, and every proof checked against the root.
async fn bench_proofs(args: &BenchArgs) -> Result<()> {
    if !args.no_sqlite {
        let dir = std::env::temp_dir().join(format!(
            "fazhi-bench-{}",
            fazhi_app::random_token(6).map_err(|e| anyhow::anyhow!("{e}"))?
        ));
        let db = Db::open_sqlite(&dir).await?;
        db.migrate().await?;
        let result = bench_proofs_on(args, &db, "sqlite", &dir).await;
        db.close().await;
        let _ = std::fs::remove_dir_all(&dir);
        result?;
    }
    if !args.no_postgres {
        let name = format!(
            "fazhi_bench_{}",
            fazhi_app::random_token(6).map_err(|e| anyhow::anyhow!("{e}"))?
        );
        let url = fazhi_store::db::create_scratch_database(&args.pg_url, &name)
            .await
            .with_context(|| "PostgreSQL for the benchmark (use --no-postgres to skip)")?;
        let pg = Db::open_postgres(&url).await?;
        pg.migrate().await?;
        let result = bench_proofs_on(args, &pg, "postgres", &std::env::temp_dir()).await;
        pg.close().await;
        fazhi_store::db::drop_scratch_database(&args.pg_url, &name).await?;
        result?;
    }
    Ok(())
}

async fn bench_proofs_on(
    args: &BenchArgs,
    db: &Db,
    backend: &str,
    dir: &std::path::Path,
) -> Result<()> {
    use fazhi_domain::action_log::{interior_hash, leaf_hash_of};
    use fazhi_domain::merkle::{self, NodeId};
    let n = args.proof_leaves.max(2);
    // Build the tree level by level and store every complete subtree, as appends would.
    let bar = progress(
        args,
        i64::try_from(2 * n).unwrap_or(0),
        &format!("{backend}: building tree"),
    );
    let mut level: Vec<[u8; 32]> = (0..n).map(|i| leaf_hash_of(&i.to_be_bytes())).collect();
    let mut depth = 0i64;
    let build_started = Instant::now();
    while !level.is_empty() {
        const ROWS_PER_LOAD: usize = 1 << 20;
        for (k, chunk) in level.chunks(ROWS_PER_LOAD).enumerate() {
            let first = i64::try_from(k * ROWS_PER_LOAD).unwrap_or(i64::MAX);
            raw::load_nodes(db, depth, first, chunk).await?;
            bar.inc(chunk.len() as u64);
        }
        if level.len() < 2 {
            break;
        }
        level = level
            .chunks_exact(2)
            .map(|p| interior_hash(&p[0], &p[1]))
            .collect();
        depth += 1;
    }
    raw::analyze_nodes(db).await?;
    let build_s = build_started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    report(
        args,
        &Measure {
            name: format!("log.proof.build.{backend}.{n}_leaves"),
            value: build_s,
            unit: "s",
            baseline: None,
            ratio: None,
        },
    );
    let app = App::new(
        db.clone(),
        Arc::new(SystemClock),
        PasswordParams::FAST_FOR_TESTS,
        dir,
    );
    let root = fazhi_app::transparency::root_at(&app, n)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let samples = 1000u64;
    let mut inclusion_ms = Vec::new();
    let mut consistency_ms = Vec::new();
    for i in 0..samples {
        let index = (i * 7_919_993 + 12_345) % n;
        let started = Instant::now();
        let found =
            fazhi_app::transparency::read_nodes(&app, &merkle::inclusion_proof_nodes(index, n)?)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        let lookup = |id: NodeId| found.get(&id).copied();
        let proof = merkle::inclusion_proof(index, n, &lookup)?;
        inclusion_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        merkle::verify_inclusion(&leaf_hash_of(&index.to_be_bytes()), index, n, &proof, &root)?;
        let old = 1 + (i * 104_729) % (n - 1);
        let started = Instant::now();
        let found =
            fazhi_app::transparency::read_nodes(&app, &merkle::consistency_proof_nodes(old, n)?)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        let lookup = |id: NodeId| found.get(&id).copied();
        let proof = merkle::consistency_proof(old, n, &lookup)?;
        consistency_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        let old_root = fazhi_app::transparency::root_at(&app, old)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        merkle::verify_consistency(old, n, &old_root, &root, &proof)?;
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    report(
        args,
        &Measure {
            name: format!("log.proof.inclusion.{backend}.{n}_leaves.median"),
            value: median(&mut inclusion_ms),
            unit: "ms",
            baseline: None,
            ratio: None,
        },
    );
    report(
        args,
        &Measure {
            name: format!("log.proof.consistency.{backend}.{n}_leaves.median"),
            value: median(&mut consistency_ms),
            unit: "ms",
            baseline: None,
            ratio: None,
        },
    );
    Ok(())
}

/// Cases walked through the 10-step ordinary flow per backend.
const CASE_BENCH_CASES: i64 = 60;

/// Case transitions per second — each with its machine decision, facts
/// loaded, deadline computed, case row rewritten, event and Merkle leaf —
/// against a raw insert of one row per transaction in the same run.
async fn bench_cases(args: &BenchArgs) -> Result<()> {
    let dir = std::env::temp_dir().join(format!(
        "fazhi-bench-{}",
        fazhi_app::random_token(6).map_err(|e| anyhow::anyhow!("{e}"))?
    ));
    let sqlite = Db::open_sqlite(&dir).await?;
    sqlite.migrate().await?;
    bench_cases_on(args, &sqlite, "sqlite", &dir).await?;
    sqlite.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    if !args.no_postgres {
        let name = format!(
            "fazhi_bench_{}",
            fazhi_app::random_token(6).map_err(|e| anyhow::anyhow!("{e}"))?
        );
        let url = fazhi_store::db::create_scratch_database(&args.pg_url, &name)
            .await
            .with_context(|| "PostgreSQL for the benchmark (use --no-postgres to skip)")?;
        let pg = Db::open_postgres(&url).await?;
        pg.migrate().await?;
        let result = bench_cases_on(args, &pg, "postgres", &std::env::temp_dir()).await;
        pg.close().await;
        fazhi_store::db::drop_scratch_database(&args.pg_url, &name).await?;
        result?;
    }
    Ok(())
}

async fn bench_cases_on(
    args: &BenchArgs,
    db: &Db,
    backend: &str,
    dir: &std::path::Path,
) -> Result<()> {
    use fazhi_app::cases::{self, OpenInput, StepInput};
    // 10:00 Beijing time on Monday 3 March 2025: every deadline is computable.
    let clock = Arc::new(fazhi_app::FixedClock::new(1_740_967_200_000_000));
    let app = App::new(db.clone(), clock, PasswordParams::FAST_FOR_TESTS, dir);
    let err = |e: fazhi_app::AppError| anyhow::anyhow!("{e}");
    fazhi_app::demo::seed_accounts(&app).await.map_err(err)?;
    fazhi_app::demo::seed_registries(&app).await.map_err(err)?;
    let actor = |name: &'static str| {
        let app = app.clone();
        async move {
            let user = fazhi_store::users::credentials_by_username(&app.db, name)
                .await?
                .context("demo user")?
                .user;
            anyhow::Ok(fazhi_app::auth::actor_of(&user))
        }
    };
    let (o1, o2, section, head, reviewer) = (
        actor("dh.officer1").await?,
        actor("dh.officer2").await?,
        actor("dh.section").await?,
        actor("dh.head").await?,
        actor("dh.reviewer").await?,
    );
    raw::create_raw_table(db).await?;
    let n = CASE_BENCH_CASES;
    let steps_per_case = 10;
    let total = n * steps_per_case;
    let bar = progress(args, total, &format!("{backend}: raw insert"));
    let start = Instant::now();
    for i in 1..=total {
        let mut tx = db.begin().await?;
        raw::insert_raw(
            &mut tx,
            1_000_000 + i,
            app.now_us(),
            &format!("case:{i}"),
            &payload(i),
            &[7u8; EVENT_SALT_BYTES],
        )
        .await?;
        tx.commit().await?;
        bar.inc(1);
    }
    let raw_rate = total as f64 / start.elapsed().as_secs_f64();
    bar.finish_and_clear();

    let mut ids = Vec::new();
    for _ in 0..n {
        let id = cases::open(
            &app,
            &o1,
            &OpenInput {
                source: "inspection".into(),
                party_kind: "organisation".into(),
                party_name: "示范市东湖区基准测试宾馆".into(),
                party_id: "91350100M000100Y43".into(),
                party_address: "东湖路1号".into(),
                domain: "public_places".into(),
                power_code: "CF-003".into(),
                summary: "未取得卫生许可证擅自营业".into(),
                act_date: "2025-02-20".into(),
                life_health_harm: None,
                task_id: String::new(),
            },
        )
        .await
        .map_err(err)?;
        ids.push(id);
    }
    let bar = progress(args, total, &format!("{backend}: case steps"));
    let start = Instant::now();
    let handlers = vec![o1.user_id.to_string(), o2.user_id.to_string()];
    let checklist: Vec<String> = fazhi_domain::case::REVIEW_CHECKLIST
        .iter()
        .map(|(c, _)| (*c).to_owned())
        .collect();
    for id in ids {
        let mut version = 1;
        let flow: Vec<(&fazhi_domain::authz::Actor, StepInput)> = vec![
            (
                &section,
                StepInput {
                    command: "file".into(),
                    handlers: handlers.clone(),
                    ..StepInput::default()
                },
            ),
            (
                &o1,
                StepInput {
                    command: "add_evidence".into(),
                    evidence_kind: "record".into(),
                    title: "现场笔录".into(),
                    officers: handlers.clone(),
                    ..StepInput::default()
                },
            ),
            (
                &o1,
                StepInput {
                    command: "propose_outcome".into(),
                    outcome: "penalty".into(),
                    facts: "无证营业".into(),
                    legal_basis: "《公共场所卫生管理条例实施细则》第三十五条".into(),
                    circumstance: "ordinary".into(),
                    fine: "1500".into(),
                    ..StepInput::default()
                },
            ),
            (
                &o1,
                StepInput {
                    command: "submit_for_review".into(),
                    ..StepInput::default()
                },
            ),
            (
                &reviewer,
                StepInput {
                    command: "record_review".into(),
                    passed: "yes".into(),
                    checklist: checklist.clone(),
                    opinion: "同意".into(),
                    ..StepInput::default()
                },
            ),
            (
                &o1,
                StepInput {
                    command: "send_notice".into(),
                    date: "2025-03-03".into(),
                    ..StepInput::default()
                },
            ),
            (
                &o1,
                StepInput {
                    command: "waive_rights".into(),
                    ..StepInput::default()
                },
            ),
            (
                &head,
                StepInput {
                    command: "decide".into(),
                    ..StepInput::default()
                },
            ),
            (
                &o1,
                StepInput {
                    command: "serve".into(),
                    method: "direct".into(),
                    date: "2025-03-03".into(),
                    receipt: "签收".into(),
                    ..StepInput::default()
                },
            ),
            (
                &o1,
                StepInput {
                    command: "record_payment".into(),
                    date: "2025-03-03".into(),
                    amount: "1500".into(),
                    ..StepInput::default()
                },
            ),
        ];
        for (who, mut input) in flow {
            input.version = version;
            version = cases::act(&app, who, id, &input)
                .await
                .map_err(err)?
                .version;
            bar.inc(1);
        }
    }
    let step_rate = total as f64 / start.elapsed().as_secs_f64();
    bar.finish_and_clear();
    report(
        args,
        &Measure {
            name: format!("cases.raw_insert.{backend}"),
            value: raw_rate,
            unit: "rows/s",
            baseline: None,
            ratio: None,
        },
    );
    report(
        args,
        &Measure {
            name: format!("cases.transition.{backend}"),
            value: step_rate,
            unit: "steps/s",
            baseline: Some(raw_rate),
            ratio: Some(step_rate / raw_rate),
        },
    );
    Ok(())
}

/// A draw over `entities` entities in 40 strata (5 domains × 2 regions × 4
/// grades) with 10,000 officers, quota 5 %: wall time of `draw::draw` (commit,
/// seed, strata, apportionment, sampling, assignment), from 10,000 to 1,000,000.
fn bench_draw(args: &BenchArgs) -> Result<()> {
    use fazhi_domain::draw::{self, Entity, Officer, Params, Pool};
    let domains = [
        "medical",
        "public_places",
        "drinking_water",
        "school",
        "occupational",
    ];
    let regions = ["990102", "990103"];
    let grades = ["A", "B", "C", "D"];
    let officers: Vec<Officer> = (0..10_000)
        .map(|i| Officer {
            id: 10_000_000 + i,
            domains: vec![
                domains[(i % 5) as usize].to_owned(),
                domains[((i + 1) % 5) as usize].to_owned(),
            ],
            region: regions[(i % 2) as usize].to_owned(),
            credential_valid: i % 50 != 0,
            recused: if i % 97 == 0 {
                vec![i * 3, i * 7]
            } else {
                vec![]
            },
        })
        .collect();
    for n in [10_000i64, 100_000, 1_000_000] {
        let entities: Vec<Entity> = (1..=n)
            .map(|id| Entity {
                id,
                domain: domains[(id % 5) as usize].to_owned(),
                region: regions[((id / 5) % 2) as usize].to_owned(),
                grade: grades[((id / 10) % 4) as usize].to_owned(),
                days_since_inspection: if id % 7 == 0 { Some(40) } else { None },
                last_officers: vec![],
            })
            .collect();
        let pool = Pool {
            algorithm: draw::ALGORITHM.to_owned(),
            params: Params {
                quota: u32::try_from(n / 20).unwrap_or(u32::MAX),
                rates_bp: [("A", 300u32), ("B", 500), ("C", 1000), ("D", 2000)]
                    .into_iter()
                    .map(|(g, r)| (g.to_owned(), r))
                    .collect(),
                exclude_inspected_within_days: 90,
                officers_per_entity: 2,
                workload_cap: 40,
                same_region: true,
            },
            entities,
            officers: officers.clone(),
        };
        let started = Instant::now();
        let record = draw::draw(pool, "bench", "bench").map_err(|e| anyhow::anyhow!("{e}"))?;
        let seconds = started.elapsed().as_secs_f64();
        report(
            args,
            &Measure {
                name: format!(
                    "draw.{n}_entities.{}_drawn",
                    record.outcome.assignments.len()
                ),
                value: seconds * 1000.0,
                unit: "ms",
                baseline: None,
                ratio: None,
            },
        );
    }
    Ok(())
}
