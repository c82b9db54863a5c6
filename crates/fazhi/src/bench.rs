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
    /// (public notice list and search under load), `report` (indicators and
    /// annual report of a province year), or `all`.
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
    /// Skip SQLite (`log`, `proofs`, `portal` and `report`).
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
    /// Inspection tasks of the province year (`report` benchmark).
    #[arg(long, default_value_t = 1_000_000)]
    tasks: i64,
    /// Penalty cases of the province year (`report` benchmark).
    #[arg(long, default_value_t = 100_000)]
    cases: i64,
    /// Events in the log that `log` verifies: the appended rows, topped up to
    /// this many with events appended 1,000 per transaction (a realistic log
    /// is far longer than the append measurement needs).
    #[arg(long, default_value_t = 0)]
    verify_events: i64,
    /// Time only the bulk read path of `log` verification (skip the portable
    /// sqlx-rows path kept for comparison), e.g. to profile it.
    #[arg(long)]
    bulk_only: bool,
    /// Keep the `portal`, `report` and `log` benchmarks' databases and the
    /// `proofs` benchmark's PostgreSQL one, and print where they are
    /// (e.g. to run `fazhi indicators` on a province year, or to profile
    /// `fazhi log verify`).
    #[arg(long)]
    keep: bool,
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
                no_sqlite: args.no_sqlite,
                keep: args.keep,
            })
            .await
        }
        "report" => bench_report(&args).await,
        "all" => {
            bench_log(&args).await?;
            bench_import(&args).await?;
            bench_cases(&args).await
        }
        other => {
            bail!(
                "unknown benchmark '{other}': known are log, import, proofs, cases, draw, portal, report, all"
            )
        }
    }
}

/// A scratch database for one half of a benchmark: an empty, migrated
/// SQLite file in a temporary directory, or a PostgreSQL database created
/// on the server; `finish` removes it.
pub(crate) struct Scratch {
    pub db: Db,
    /// Where the benchmark's app keeps files (the SQLite directory, or the temp dir).
    pub dir: std::path::PathBuf,
    /// The PostgreSQL server and the scratch database's name, to drop it.
    postgres: Option<(String, String)>,
}

pub(crate) async fn scratch_sqlite() -> Result<Scratch> {
    let dir = std::env::temp_dir().join(format!(
        "fazhi-bench-{}",
        fazhi_app::random_token(6).map_err(|e| anyhow::anyhow!("{e}"))?
    ));
    let db = Db::open_sqlite(&dir).await?;
    db.migrate().await?;
    Ok(Scratch {
        db,
        dir,
        postgres: None,
    })
}

pub(crate) async fn scratch_postgres(pg_url: &str) -> Result<Scratch> {
    let name = format!(
        "fazhi_bench_{}",
        fazhi_app::random_token(6).map_err(|e| anyhow::anyhow!("{e}"))?
    );
    let url = fazhi_store::db::create_scratch_database(pg_url, &name)
        .await
        .with_context(|| "PostgreSQL for the benchmark (use --no-postgres to skip)")?;
    let db = Db::open_postgres(&url).await?;
    db.migrate().await?;
    Ok(Scratch {
        db,
        dir: std::env::temp_dir(),
        postgres: Some((pg_url.to_owned(), name)),
    })
}

impl Scratch {
    /// `finish`, or with `keep` leave the database and say where it is.
    pub(crate) async fn finish_or_keep(self, keep: bool) -> Result<()> {
        if !keep {
            return self.finish().await;
        }
        self.db.close().await;
        match &self.postgres {
            Some((server, name)) => eprintln!(
                "kept: --database-url {}",
                fazhi_store::testing::database_url_with_name(server, name)
            ),
            None => eprintln!("kept: --data-dir {}", self.dir.display()),
        }
        Ok(())
    }

    pub(crate) async fn finish(self) -> Result<()> {
        self.db.close().await;
        match self.postgres {
            Some((server, name)) => fazhi_store::db::drop_scratch_database(&server, &name).await?,
            None => {
                let _ = std::fs::remove_dir_all(&self.dir);
            }
        }
        Ok(())
    }
}

fn payload(i: i64) -> String {
    format!(r#"{{"case":"X卫罚〔2026〕{i}号","step":"filing"}}"#)
}

/// The `i`-th event the log benchmark appends, with a fresh salt.
fn bench_event(i: i64, at_us: i64) -> Result<NewEvent> {
    let mut salt = [0u8; EVENT_SALT_BYTES];
    getrandom::fill(&mut salt).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(NewEvent {
        at_us,
        actor_user_id: Some(1),
        agency_id: Some(1),
        kind: EventKind::DemoSeeded,
        subject: format!("case:{i}"),
        payload: serde_json::from_str(&payload(i))?,
        salt,
    })
}

async fn bench_log(args: &BenchArgs) -> Result<()> {
    if !args.no_sqlite {
        let s = scratch_sqlite().await?;
        let result = bench_log_on(args, &s.db, "sqlite").await;
        s.finish_or_keep(args.keep).await?;
        result?;
    }
    if !args.no_postgres {
        let s = scratch_postgres(&args.pg_url).await?;
        let result = bench_log_on(args, &s.db, "postgres").await;
        s.finish_or_keep(args.keep).await?;
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
        let event = bench_event(i, app.now_us())?.at_position(i);
        let mut tx = db.begin().await?;
        raw::insert_raw(
            &mut tx,
            i,
            event.at_us,
            event.agency_id,
            &event.subject,
            &event.canonical_bytes(),
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
        let event = bench_event(i, app.now_us())?;
        let mut tx = db.begin().await?;
        events::append(&mut tx, &event).await?;
        tx.commit().await?;
        bar.inc(1);
    }
    let append_rate = n as f64 / start.elapsed().as_secs_f64();
    bar.finish_and_clear();

    // Top the log up for verification, many events per transaction (the
    // tree is the same whatever the transaction boundaries).
    let extra = args.verify_events.saturating_sub(n);
    let bar = progress(args, extra, &format!("{backend}: log top-up"));
    let mut i = n;
    while i < n + extra {
        let mut tx = db.begin().await?;
        for _ in 0..1000.min(n + extra - i) {
            i += 1;
            events::append(&mut tx, &bench_event(i, app.now_us())?).await?;
            bar.inc(1);
        }
        tx.commit().await?;
    }
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
    // On PostgreSQL, the floors under verification: the server producing the
    // scan's rows for a client that only drains them, and for no client.
    let (mut drained_times, mut server_times) = (Vec::new(), Vec::new());
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
        if !args.bulk_only {
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
        }
        let started = Instant::now();
        if raw::scan_copy_drained(db).await?.is_some() {
            drained_times.push(started.elapsed().as_secs_f64().max(1e-9));
        }
        let started = Instant::now();
        if let Some(rows) = raw::scan_copy_on_server(db).await? {
            server_times.push(started.elapsed().as_secs_f64().max(1e-9));
            if i64::try_from(rows).ok() != Some(verified.events) {
                bail!(
                    "the server's COPY wrote {rows} rows for {} events",
                    verified.events
                );
            }
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
    let sha_s = median(&mut sha_times);
    let mib = verified.bytes_hashed as f64 / 1_048_576.0;
    // Each a verify throughput, as a ratio to SHA-256 over the same bytes; a
    // floor's ratio is the most any verifier reading through it could reach.
    // A series not timed on this backend (or by this run) is left out.
    for (measure, times) in [
        ("verify_rows", &mut rows_times),
        ("verify", &mut verify_times),
        ("verify_floor_drain", &mut drained_times),
        ("verify_floor_server", &mut server_times),
    ] {
        if times.is_empty() {
            continue;
        }
        let seconds = median(times);
        report(
            args,
            &Measure {
                name: format!("log.{measure}.{backend}"),
                value: mib / seconds,
                unit: "MiB/s",
                baseline: Some(mib / sha_s),
                ratio: Some(sha_s / seconds),
            },
        );
    }
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
            None,
            line.split(',').next().unwrap_or(""),
            line.as_bytes(),
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
        let s = scratch_sqlite().await?;
        let result = bench_proofs_on(args, &s.db, "sqlite", &s.dir).await;
        s.finish().await?;
        result?;
    }
    if !args.no_postgres {
        let s = scratch_postgres(&args.pg_url).await?;
        let result = bench_proofs_on(args, &s.db, "postgres", &s.dir).await;
        s.finish_or_keep(args.keep).await?;
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
    use fazhi_domain::action_log::leaf_hash_of;
    use fazhi_domain::merkle::{self, NodeId};
    let n = args.proof_leaves.max(2);
    // Store the tree as appends would have: full tiles and the hashes of those still filling.
    let bar = progress(
        args,
        i64::try_from(n + n / 256).unwrap_or(0),
        &format!("{backend}: building tree"),
    );
    let build_started = Instant::now();
    raw::load_tree(db, n, &|i| i.to_be_bytes().to_vec(), &|done| {
        bar.set_position(done)
    })
    .await?;
    // A log grown by appends has its statistics from autovacuum.
    db.refresh_statistics().await?;
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
        let s = scratch_postgres(&args.pg_url).await?;
        let result = bench_cases_on(args, &s.db, "postgres", &s.dir).await;
        s.finish().await?;
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
    // The figures are cut at a signed checkpoint, so the app needs a log key.
    let app = App::new(db.clone(), clock, PasswordParams::FAST_FOR_TESTS, dir).with_log_key(
        "fazhi.bench/action-log",
        fazhi_app::log_key::Seed([9u8; 32]),
    );
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
        let event = bench_event(i, app.now_us())?.at_position(1_000_000 + i);
        let mut tx = db.begin().await?;
        raw::insert_raw(
            &mut tx,
            event.id,
            event.at_us,
            event.agency_id,
            &event.subject,
            &event.canonical_bytes(),
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

/// 10:00 Beijing time on 20 January 2026: the report year 2025 is complete.
const REPORT_BENCH_NOW_US: i64 = 1_768_874_400_000_000;
const REPORT_BENCH_YEAR: i16 = 2025;

async fn bench_report(args: &BenchArgs) -> Result<()> {
    if !args.no_sqlite {
        let s = scratch_sqlite().await?;
        let result = bench_report_on(args, &s.db, "sqlite", &s.dir).await;
        s.finish_or_keep(args.keep).await?;
        result?;
    }
    if !args.no_postgres {
        let s = scratch_postgres(&args.pg_url).await?;
        let result = bench_report_on(args, &s.db, "postgres", &s.dir).await;
        s.finish_or_keep(args.keep).await?;
        result?;
    }
    Ok(())
}

/// A small deterministic generator (SplitMix64): the same rows every run.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Move every date in a case's JSON by `days` (the case's own order of
/// events is kept, so the copy is as consistent as its template).
fn shift_dates(v: &mut serde_json::Value, days: i64) {
    match v {
        serde_json::Value::String(s) if s.len() == 10 => {
            if let Ok(d) = s.parse::<jiff::civil::Date>()
                && let Ok(moved) = d.checked_add(jiff::Span::new().days(days))
            {
                *s = moved.to_string();
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|x| shift_dates(x, days)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|x| shift_dates(x, days)),
        _ => {}
    }
}

/// The province demo (`--scale province` registries, two years of demo
/// plans, inspections and cases), plus `--tasks` inspection tasks and
/// `--cases` cases for the report year written in bulk; then the timed part:
/// every indicator of the province tree for the year (with last year's) and
/// the annual report built from them, rendered to HTML and DOCX.
async fn bench_report_on(
    args: &BenchArgs,
    db: &Db,
    backend: &str,
    dir: &std::path::Path,
) -> Result<()> {
    let clock = Arc::new(fazhi_app::FixedClock::new(REPORT_BENCH_NOW_US));
    // The figures are cut at a signed checkpoint, so the app needs a log key.
    let app = App::new(db.clone(), clock, PasswordParams::FAST_FOR_TESTS, dir).with_log_key(
        "fazhi.bench/action-log",
        fazhi_app::log_key::Seed([9u8; 32]),
    );
    let err = |e: fazhi_app::AppError| anyhow::anyhow!("{e}");
    let start = Instant::now();
    fazhi_app::demo::seed_at_scale(&app, fazhi_app::demo::Scale::Province, &|_, _| {})
        .await
        .map_err(err)?;
    let root = fazhi_store::agencies::list_all(db)
        .await?
        .into_iter()
        .min_by_key(|a| (a.path.as_str().len(), a.id))
        .context("agency tree")?;
    let entities = raw::entity_agencies(db).await?;
    if entities.is_empty() {
        bail!("the province demo has no entities");
    }
    let now = app.now_us();
    // One plan per level, each for its own domain, as a province year has.
    let domains = fazhi_domain::registry::SupervisionDomain::ALL;
    let mut plans = Vec::new();
    {
        let mut tx = db.begin().await?;
        for (i, level) in ["national", "provincial", "city", "county"]
            .iter()
            .enumerate()
        {
            let domain = domains[i % domains.len()].code();
            let id = fazhi_store::inspections::insert_plan(
                &mut tx,
                &fazhi_store::inspections::NewPlan {
                    agency_id: root.id,
                    year: i64::from(REPORT_BENCH_YEAR),
                    level,
                    name: "基准测试抽查计划",
                    item_code: "BENCH",
                    domains: domain,
                    params_json: "{}",
                    due_on: "2025-11-30",
                    partners: "",
                    yearly_cap: 0,
                },
                now,
            )
            .await?;
            plans.push(id);
        }
        tx.commit().await?;
    }
    let seeded_s = start.elapsed().as_secs_f64();
    // Tasks: due over the year; most done (some late), some merged into one
    // visit, problems with opinions, a few leading to cases.
    let start = Instant::now();
    let mut mix = Mix(0x5EED_2025);
    let first = raw::next_id(db, false).await?;
    let year_start = jiff::civil::date(REPORT_BENCH_YEAR, 1, 1);
    let today = fazhi_app::registry::today_cst(&app);
    let bar = progress(args, args.tasks, &format!("{backend}: tasks"));
    let mut tx = db.begin().await?;
    let mut batch = Vec::with_capacity(20_000);
    let mut previous: Option<(i64, i64, i64, Option<jiff::civil::Date>)> = None;
    for n in 0..args.tasks {
        let id = first + n;
        let (mut entity_id, mut agency_id) = entities[mix.below(entities.len() as u64) as usize];
        let kind = mix.below(100);
        let (source, plan_id) = match kind {
            0..70 => ("random", plans[mix.below(plans.len() as u64) as usize]),
            70..95 => ("adhoc", 0),
            _ => ("recheck", 0),
        };
        let due = year_start
            .checked_add(jiff::Span::new().days(mix.below(365) as i64))
            .unwrap_or(year_start);
        let mut done = match mix.below(100) {
            0..80 => due
                .checked_sub(jiff::Span::new().days(mix.below(20) as i64))
                .ok(),
            80..90 => due
                .checked_add(jiff::Span::new().days(1 + mix.below(30) as i64))
                .ok(),
            _ => None,
        }
        .filter(|d| *d < today);
        // One done task in twenty is carried out in the previous done task's
        // visit (综合查一次): same entity, same day, one 户次.
        let mut visit = id;
        if let (Some(_), Some((lead, e, a, Some(day)))) = (done, previous)
            && mix.below(20) == 0
        {
            (visit, entity_id, agency_id, done) = (lead, e, a, Some(day));
        }
        if done.is_some() {
            previous = Some((visit, entity_id, agency_id, done));
        }
        let (result, opinion, case_id) = match (done, mix.below(100)) {
            (None, _) => ("", "", 0),
            (Some(_), 0..80) => ("pass", "", 0),
            (Some(_), 80..95) => ("rectify", "责令限期整改", 0),
            (Some(_), r) => ("fail", "责令限期整改", i64::from(r >= 98)),
        };
        let done_on = done.map(|d| d.to_string()).unwrap_or_default();
        batch.push(raw::BulkTask {
            id,
            agency_id,
            plan_id,
            entity_id,
            source,
            due_on: due.to_string(),
            visit,
            state: if done.is_some() { "done" } else { "assigned" },
            done_on,
            result,
            opinion,
            case_id,
        });
        if batch.len() == 20_000 {
            raw::insert_tasks(&mut tx, &batch, now).await?;
            bar.inc(batch.len() as u64);
            batch.clear();
        }
    }
    raw::insert_tasks(&mut tx, &batch, now).await?;
    bar.finish_and_clear();
    tx.commit().await?;
    let tasks_s = start.elapsed().as_secs_f64();
    // Cases: copies of the demo's cases (every stage the demo reaches), each
    // moved by up to two months and given to an agency of the tree.
    let start = Instant::now();
    let templates: Vec<(i64, serde_json::Value)> = raw::case_templates(db)
        .await?
        .into_iter()
        .filter_map(|(id, json)| Some((id, serde_json::from_str(&json).ok()?)))
        .collect();
    if templates.is_empty() {
        bail!("the province demo has no cases to copy");
    }
    let first = raw::next_id(db, true).await?;
    let mut tx = db.begin().await?;
    let mut batch = Vec::with_capacity(5_000);
    for n in 0..args.cases {
        let (template_id, json) = &templates[mix.below(templates.len() as u64) as usize];
        let mut json = json.clone();
        shift_dates(&mut json, mix.below(121) as i64 - 60);
        batch.push(raw::BulkCase {
            id: first + n,
            agency_id: entities[mix.below(entities.len() as u64) as usize].1,
            template_id: *template_id,
            state_json: json.to_string(),
        });
        if batch.len() == 5_000 {
            raw::insert_cases(&mut tx, &batch).await?;
            batch.clear();
        }
    }
    raw::insert_cases(&mut tx, &batch).await?;
    tx.commit().await?;
    let cases_s = start.elapsed().as_secs_f64();
    // A province's year grows by day: autovacuum would have analyzed it.
    db.refresh_statistics().await?;
    fazhi_app::transparency::make_checkpoint(&app, true)
        .await
        .map_err(err)?;
    if !args.json {
        println!(
            "{backend}: province demo {seeded_s:.1} s, {} tasks {tasks_s:.1} s, {} cases {cases_s:.1} s",
            args.tasks, args.cases
        );
    }
    // The measured part, three times (the median is reported).
    let mut runs = Vec::new();
    let mut last = None;
    for _ in 0..3 {
        let start = Instant::now();
        let figures = fazhi_app::indicators::compute(&app, root.id, REPORT_BENCH_YEAR)
            .await
            .map_err(err)?;
        let indicators_s = start.elapsed().as_secs_f64();
        let narrative =
            fazhi_app::annual_report::latest_narratives(&app, root.id, REPORT_BENCH_YEAR)
                .await
                .map_err(err)?;
        let report = fazhi_app::annual_report::build(
            &figures,
            &narrative,
            fazhi_report::model::Script::Simplified,
            "bench",
        );
        let html = fazhi_report::html::to_html(&report, &|_| None);
        let docx = fazhi_report::docx::to_docx(&report)?;
        let total_s = start.elapsed().as_secs_f64();
        runs.push((total_s, indicators_s, html.len() + docx.len()));
        last = Some(figures);
    }
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (total_s, indicators_s, _) = runs[1];
    report(
        args,
        &Measure {
            name: format!("report_{backend}_indicators_s"),
            value: indicators_s,
            unit: "s",
            baseline: None,
            ratio: None,
        },
    );
    report(
        args,
        &Measure {
            name: format!("report_{backend}_indicators_and_report_s"),
            value: total_s,
            unit: "s",
            baseline: None,
            ratio: None,
        },
    );
    if let Some(f) = last {
        let figures: serde_json::Map<String, serde_json::Value> = f
            .figures
            .iter()
            .filter(|x| x.value.is_some())
            .map(|x| {
                (
                    x.definition.id.to_owned(),
                    serde_json::json!(f.text(x.definition.id)),
                )
            })
            .collect();
        if args.json {
            println!(
                "{}",
                serde_json::json!({
                    "name": format!("report_{backend}_figures"),
                    "agency": f.agency_name,
                    "year": f.year,
                    "tasks_inserted": args.tasks,
                    "cases_inserted": args.cases,
                    "checkpoint_size": f.checkpoint.as_ref().map(|c| c.0),
                    "figures": figures,
                })
            );
        } else {
            for (id, v) in &figures {
                println!("  {id:<32} {}", v.as_str().unwrap_or_default());
            }
        }
    }
    Ok(())
}
