//! `fazhi` — the one binary: wiring only. Commands parse their arguments,
//! open the database and call use cases; nothing else reads env or config.

mod bench;
mod bench_portal;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use fazhi_app::password::PasswordParams;
use fazhi_app::{App, SystemClock};
use fazhi_store::Db;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "fazhi",
    version,
    about = "法治 · 卫生健康行政执法与法治政府建设平台 / Fazhi health enforcement platform"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct DbArgs {
    /// Data directory (embedded SQLite database, keys, files).
    #[arg(long, env = "FAZHI_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// PostgreSQL URL (postgres://…); without it the embedded SQLite in the data directory is used.
    #[arg(long, env = "FAZHI_DATABASE_URL")]
    database_url: Option<String>,
    /// The action log's origin line in signed checkpoints (and the key's name).
    #[arg(
        long,
        env = "FAZHI_LOG_ORIGIN",
        default_value = "fazhi.local/action-log"
    )]
    log_origin: String,
}

#[derive(Args, Clone)]
struct ServeArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Address to listen on.
    #[arg(long, env = "FAZHI_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Mark cookies Secure (set when served over HTTPS).
    #[arg(long, env = "FAZHI_SECURE_COOKIES", default_value_t = false)]
    secure_cookies: bool,
    /// Seconds between automatic signed checkpoints (made only when the log grew).
    #[arg(long, env = "FAZHI_CHECKPOINT_INTERVAL_S", default_value_t = fazhi_app::transparency::CHECKPOINT_INTERVAL_S_DEFAULT)]
    checkpoint_interval_s: u64,
    /// Directories with the fonts for charts and the report PDF (a CJK font
    /// is needed); default /usr/share/fonts.
    #[arg(long = "font-dir", env = "FAZHI_FONT_DIR")]
    font_dirs: Vec<PathBuf>,
    /// A reverse proxy (IP address or CIDR network) whose X-Forwarded-For
    /// names the client for login and form throttling; repeat the flag or
    /// separate with commas. From any other peer the header is ignored.
    #[arg(
        long = "trusted-proxy",
        env = "FAZHI_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    trusted_proxies: Vec<String>,
}

#[derive(Args, Clone)]
struct DemoArgs {
    #[command(flatten)]
    serve: ServeArgs,
    /// Registry volume: `district` (~2,000 entities, 60 officers) or
    /// `province` (500,000 entities, 10,000 officers).
    #[arg(long, value_enum, default_value_t = DemoScale::District)]
    scale: DemoScale,
}

#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq)]
enum DemoScale {
    District,
    Province,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (migrates the database first).
    Serve(ServeArgs),
    /// Seed the demo agency tree and accounts (if the database is empty), print the logins, and serve.
    Demo(DemoArgs),
    /// Apply database migrations and exit.
    Migrate(DbArgs),
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage agencies.
    Agency {
        #[command(subcommand)]
        command: AgencyCommand,
    },
    /// Run benchmarks (e.g. `fazhi bench log --json`).
    Bench(bench::BenchArgs),
    /// Random draws (双随机): `fazhi draw verify RECORD.json` re-runs a published draw.
    Draw {
        #[command(subcommand)]
        command: DrawCommand,
    },
    /// Print every indicator of an agency subtree and year (value, unit, data source status).
    Indicators {
        #[command(flatten)]
        db: DbArgs,
        /// Agency id (its whole subtree is counted).
        #[arg(long)]
        agency: i64,
        #[arg(long)]
        year: i16,
        /// JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Write the annual rule-of-law report (法治政府建设年度报告) from the indicators.
    Report {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        agency: i64,
        #[arg(long)]
        year: i16,
        /// `html`, `docx` or `pdf`.
        #[arg(long, default_value = "html")]
        format: String,
        #[arg(long)]
        output: PathBuf,
        /// Traditional characters (繁體) instead of simplified.
        #[arg(long)]
        traditional: bool,
        /// Directories with the fonts for the PDF (a CJK font is needed); default /usr/share/fonts.
        #[arg(long = "font-dir", env = "FAZHI_FONT_DIR")]
        font_dirs: Vec<PathBuf>,
    },
    /// Import a registry file (CSV, UTF-8 or GB18030): `fazhi import entities FILE --user NAME`.
    /// Rows stay inside NAME's agency scope: the optional 所属机构 column names the agency; a row
    /// about an agency or record outside the scope rejects the whole file.
    Import {
        #[command(flatten)]
        db: DbArgs,
        /// `entities`, `officers`, `powers`, `discretion`, `no_penalty`, `spot_checks` or `recusals` (CSV or XLSX).
        kind: String,
        file: PathBuf,
        /// The account the import is done as (recorded in the action log; needs the right to manage registries).
        #[arg(long)]
        user: String,
    },
    /// Compute a statutory deadline and explain it; the last line is the due date (YYYY-MM-DD).
    Deadline {
        #[command(flatten)]
        db: DbArgs,
        /// Rule id, e.g. ap_service, ap_payment_deadline, ogi_reply_20_plus_20.
        #[arg(long)]
        rule: String,
        /// The day of the starting event (not counted), YYYY-MM-DD.
        #[arg(long)]
        from: String,
        /// `national` or a 6-digit province code for provincial overrides.
        #[arg(long, default_value = "national")]
        jurisdiction: String,
        /// English explanation instead of Chinese.
        #[arg(long)]
        english: bool,
        /// Agency id whose regional holidays apply (its own and its ancestors').
        #[arg(long)]
        agency: Option<i64>,
    },
    /// The holiday calendar: `fazhi holidays import FILE` adds next year's State Council schedule.
    Holidays {
        #[command(subcommand)]
        command: HolidaysCommand,
    },
    /// The action log (执法全过程记录): verification.
    Log {
        #[command(subcommand)]
        command: LogCommand,
    },
    /// Public notices (双公示): `fazhi notices retime` puts right the publicity
    /// periods of notices still up under the credit rule in force on their decision date.
    Notices {
        #[command(subcommand)]
        command: NoticesCommand,
    },
}

#[derive(Subcommand)]
enum NoticesCommand {
    /// Re-time the publicity periods of pending and published penalty notices (one logged event each).
    Retime {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum HolidaysCommand {
    /// Import a schedule file (same format as the embedded data/holidays_cn.toml).
    Import {
        #[command(flatten)]
        db: DbArgs,
        file: PathBuf,
        /// Replace years that are already loaded.
        #[arg(long)]
        replace: bool,
    },
    /// Add a regional holiday (set by the local government) for an agency and those below it.
    AddRegional {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        agency: i64,
        /// YYYY-MM-DD
        #[arg(long)]
        date: String,
        #[arg(long)]
        festival: String,
        /// The document that sets it (name or number).
        #[arg(long)]
        notice: String,
    },
}

#[derive(Subcommand)]
enum LogCommand {
    /// Sign a checkpoint of the log now and print it (C2SP signed note).
    Checkpoint {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Print the verifier key that checks this log's checkpoints.
    Key {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Export one record's events with inclusion proofs and a signed checkpoint, for offline checking.
    Bundle {
        #[command(flatten)]
        db: DbArgs,
        /// The record, `kind:id` (e.g. case:12).
        #[arg(long)]
        subject: String,
        #[arg(long)]
        output: PathBuf,
    },
    /// As a witness (e.g. the 司法局): check a checkpoint against the last one you
    /// cosigned (consistency proof from /api/v1/log/proof/consistency) and print
    /// your cosignature line. Your key is created in --witness-key on first use.
    Cosign {
        /// The checkpoint note (from /api/v1/log/checkpoints).
        #[arg(long)]
        checkpoint: PathBuf,
        /// The agency's published verifier key.
        #[arg(long)]
        verifier_key: String,
        #[arg(long)]
        witness_name: String,
        /// The witness's Ed25519 seed file (created if missing).
        #[arg(long)]
        witness_key: PathBuf,
        /// State of the last cosigned checkpoint (JSON; created/updated).
        #[arg(long)]
        state: PathBuf,
        /// Consistency proof JSON from the last cosigned size to this one.
        #[arg(long)]
        consistency_proof: Option<PathBuf>,
    },
    /// Check a bundle offline with the agency's published verifier key.
    VerifyBundle {
        file: PathBuf,
        /// The published verifier key; without it the key inside the bundle is used (and a warning printed).
        #[arg(long)]
        verifier_key: Option<String>,
    },
    /// Recompute every leaf, every stored tree node and every evidence file's
    /// hash; report the first inconsistency and exit non-zero.
    Verify {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account. The password is read from FAZHI_PASSWORD or --password.
    Add {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
        /// system_admin, officer, legal_reviewer, section_head, agency_head, legal_adviser, read_only
        #[arg(long)]
        role: String,
        /// Agency id (see `fazhi agency list`).
        #[arg(long)]
        agency: i64,
        #[arg(long, env = "FAZHI_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// Make an account act as an officer of the registry (its credential and recusals gate its cases).
    LinkOfficer {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        username: String,
        /// Staff number (工号) in the officer registry.
        #[arg(long)]
        staff_no: String,
    },
}

#[derive(Subcommand)]
enum DrawCommand {
    /// Re-run a published draw record (JSON) and confirm or refute it. Needs no database.
    Verify {
        /// The record file.
        record: PathBuf,
    },
}

#[derive(Subcommand)]
enum AgencyCommand {
    /// Create an agency (a root agency when --parent is omitted).
    Add {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        name: String,
        /// health_commission or supervision_institute
        #[arg(long, default_value = "health_commission")]
        kind: String,
        /// 6-digit administrative division code.
        #[arg(long)]
        region_code: String,
        #[arg(long)]
        parent: Option<i64>,
    },
    /// List agencies.
    List {
        #[command(flatten)]
        db: DbArgs,
    },
}

async fn open_app(db: &DbArgs, params: PasswordParams) -> Result<App> {
    let database = Db::open(db.database_url.as_deref(), &db.data_dir)
        .await
        .with_context(|| format!("opening the database (data dir {})", db.data_dir.display()))?;
    database.migrate().await.context("applying migrations")?;
    let seed = fazhi_app::log_key::load_or_create(&fazhi_app::log_key::key_path(&db.data_dir))
        .unwrap_or_else(|e| fail(&e));
    let app = App::new(database, Arc::new(SystemClock), params, &db.data_dir)
        .with_log_key(&db.log_origin, seed);
    // Holiday schedules imported after release apply on top of the embedded table.
    fazhi_app::law::load_imports(&app)
        .await
        .unwrap_or_else(|e| fail(&e));
    if let Some(year) = fazhi_app::law::next_year_missing(&app) {
        tracing::warn!(
            year,
            "{year}年国务院节假日安排尚未导入，跨年期限按暂定日历计算；发布后请执行 fazhi holidays import 或在系统管理员主页导入 / the {year} State Council holiday schedule is not imported: deadlines running into {year} are provisional until it is (fazhi holidays import, or the system administrator's home page)"
        );
    }
    Ok(app)
}

async fn serve(app: App, args: &ServeArgs) -> Result<()> {
    // Publicity periods set under a credit rule that no longer applied are
    // put right before anything is served (each change logged).
    match fazhi_app::notices::retime_periods(&app).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(retimed = n, "notice publicity periods re-timed"),
        Err(e) => tracing::error!(error = %e, "notice re-timing failed"),
    }
    // Sign a checkpoint now and then periodically, whenever the log has grown.
    let checkpointing = app.clone();
    let interval_s = args.checkpoint_interval_s.max(1);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(interval_s));
        loop {
            tick.tick().await;
            // Take down notices whose publicity period ended (双公示), then
            // sign: the checkpoint then covers the take-downs.
            match fazhi_app::notices::sweep_expired(&checkpointing).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(taken_down = n, "expired notices taken down"),
                Err(e) => tracing::error!(error = %e, "notice sweep failed"),
            }
            if let Err(e) = fazhi_app::transparency::make_checkpoint(&checkpointing, false).await {
                tracing::error!(error = %e, "checkpoint failed");
            }
        }
    });
    let font_dirs = if args.font_dirs.is_empty() {
        vec![PathBuf::from("/usr/share/fonts")]
    } else {
        args.font_dirs.clone()
    };
    // Charts measure CJK labels with a CJK font once one is registered; it
    // is read in the background so start-up does not wait on the font files.
    let chart_dirs = font_dirs.clone();
    tokio::task::spawn_blocking(move || {
        for dir in &chart_dirs {
            if let Err(e) = fazhi_report::chart::register_fonts(dir) {
                tracing::warn!(error = %e, "chart fonts");
            }
        }
    });
    let trusted_proxies = fazhi_web::client::TrustedProxies::from_list(&args.trusted_proxies)
        .map_err(|e| anyhow::anyhow!("--trusted-proxy: {e}"))?;
    let state = fazhi_web::AppState {
        app,
        secure_cookies: args.secure_cookies,
        pdf: Some(pdf_renderer(font_dirs)),
        trusted_proxies,
    };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("binding {}", args.listen))?;
    let addr = listener.local_addr()?;
    println!("Fazhi 已启动 / listening: http://{addr}/");
    fazhi_web::serve(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .context("serving")?;
    Ok(())
}

/// Report a use-case error to the operator and exit: 2 for bad input or a
/// refusal (nothing was changed), 1 for an internal failure.
fn fail(e: &fazhi_app::AppError) -> ! {
    match e {
        fazhi_app::AppError::Store(_) | fazhi_app::AppError::Internal(_) => {
            eprintln!("错误 / error: {e}");
            std::process::exit(1);
        }
        _ => {
            let field = e.field().map(|f| format!(" [{f}]")).unwrap_or_default();
            eprintln!(
                "错误 / error{field}: {} / {}",
                e.message_zh(),
                e.message_en()
            );
            std::process::exit(2);
        }
    }
}

#[tokio::main]
async fn main() {
    // An operator error is a message, not a stack trace (even with RUST_BACKTRACE set).
    if let Err(e) = run().await {
        eprintln!("错误 / error: {e:#}");
        std::process::exit(1);
    }
}

async fn run() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => {
            let app = open_app(&args.db, PasswordParams::PRODUCTION).await?;
            serve(app, &args).await
        }
        Command::Demo(DemoArgs { serve: args, scale }) => {
            use indicatif::{ProgressBar, ProgressStyle};
            let app = open_app(&args.db, PasswordParams::PRODUCTION).await?;
            let scale = match scale {
                DemoScale::District => fazhi_app::demo::Scale::District,
                DemoScale::Province => fazhi_app::demo::Scale::Province,
            };
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template("演示数据 demo data [{bar:30}] {pos}/{len} {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            let started = std::time::Instant::now();
            let seeded = fazhi_app::demo::seed_at_scale(&app, scale, &|done, of| {
                bar.set_length(of as u64);
                bar.set_position(done as u64);
            })
            .await
            .unwrap_or_else(|e| fail(&e));
            bar.finish_and_clear();
            if seeded {
                println!("seeded in {:.1} s", started.elapsed().as_secs_f64());
            }
            println!(
                "{}",
                if seeded {
                    "演示数据已生成 / demo data seeded"
                } else {
                    "使用已有数据 / using existing data"
                }
            );
            println!(
                "演示账号（密码均为 {} ）/ demo logins (password for all):",
                fazhi_app::demo::DEMO_PASSWORD
            );
            for a in fazhi_app::demo::ACCOUNTS {
                println!(
                    "  {:<12} {:<8} {} · {}",
                    a.username,
                    a.display_name,
                    a.role.name_zh(),
                    a.agency
                );
            }
            serve(app, &args).await
        }
        Command::Migrate(db) => {
            open_app(&db, PasswordParams::PRODUCTION).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::User { command } => match command {
            UserCommand::Add {
                db,
                username,
                display_name,
                role,
                agency,
                password,
            } => {
                let app = open_app(&db, PasswordParams::PRODUCTION).await?;
                let input = fazhi_app::accounts::CreateUser {
                    username,
                    display_name,
                    password,
                    role,
                    agency_id: agency,
                };
                let user = fazhi_app::accounts::create_user(&app, None, &input)
                    .await
                    .unwrap_or_else(|e| fail(&e));
                println!("created user {} (id {})", user.username, user.id);
                Ok(())
            }
            UserCommand::LinkOfficer {
                db,
                username,
                staff_no,
            } => {
                let app = open_app(&db, PasswordParams::PRODUCTION).await?;
                let user = fazhi_store::users::credentials_by_username(&app.db, &username)
                    .await?
                    .unwrap_or_else(|| {
                        fail(&fazhi_app::AppError::NotFound {
                            zh: "用户",
                            en: "user",
                        })
                    })
                    .user;
                fazhi_app::cases::link_officer(&app, None, user.id, &staff_no)
                    .await
                    .unwrap_or_else(|e| fail(&e));
                println!("{username} acts as officer {staff_no}");
                Ok(())
            }
        },
        Command::Agency { command } => match command {
            AgencyCommand::Add {
                db,
                name,
                kind,
                region_code,
                parent,
            } => {
                let app = open_app(&db, PasswordParams::PRODUCTION).await?;
                let input = fazhi_app::accounts::CreateAgency {
                    parent_id: parent,
                    name,
                    kind,
                    region_code,
                };
                let a = fazhi_app::accounts::create_agency(&app, None, &input)
                    .await
                    .unwrap_or_else(|e| fail(&e));
                println!("created agency {} (id {})", a.name, a.id);
                Ok(())
            }
            AgencyCommand::List { db } => {
                let app = open_app(&db, PasswordParams::PRODUCTION).await?;
                let all = fazhi_store::agencies::list_all(&app.db).await?;
                for a in all {
                    println!(
                        "{:>4}  {}  {}  {}",
                        a.id,
                        a.path.as_str(),
                        a.level.name_zh(),
                        a.name
                    );
                }
                Ok(())
            }
        },
        Command::Bench(args) => bench::run(args).await,
        Command::Draw {
            command: DrawCommand::Verify { record },
        } => {
            let text = std::fs::read_to_string(&record)
                .with_context(|| format!("cannot read {}", record.display()))?;
            let parsed: fazhi_domain::draw::Record = match serde_json::from_str(&text) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("错误 / error: 不是有效的抽取记录 / not a draw record: {e}");
                    std::process::exit(2);
                }
            };
            match fazhi_domain::draw::verify(&parsed) {
                Ok(()) => {
                    println!(
                        "核验通过 / confirmed: {} entities, algorithm {}, commitment {}, randomness \"{}\" ({})",
                        parsed.outcome.assignments.len(),
                        parsed.pool.algorithm,
                        parsed.commitment,
                        parsed.randomness,
                        parsed.randomness_source
                    );
                    Ok(())
                }
                Err(refuted) => {
                    eprintln!("核验不通过 / refuted: {refuted}");
                    std::process::exit(1);
                }
            }
        }
        Command::Deadline {
            db,
            rule,
            from,
            jurisdiction,
            english,
            agency,
        } => {
            let app = open_app(&db, PasswordParams::PRODUCTION).await?;
            let from = fazhi_app::law::parse_date("from", &from).unwrap_or_else(|e| fail(&e));
            let path = match agency {
                Some(id) => Some(
                    fazhi_store::agencies::get(&app.db, id)
                        .await?
                        .with_context(|| format!("no agency {id}"))?
                        .path,
                ),
                None => None,
            };
            let cal = fazhi_app::law::calendar_for(&app, path.as_ref())
                .await
                .unwrap_or_else(|e| fail(&e));
            let answer = fazhi_app::law::compute_deadline_on(
                &app,
                &cal,
                &rule,
                from,
                &jurisdiction,
                &[],
                &[],
            )
            .unwrap_or_else(|e| fail(&e));
            let lines = if english {
                &answer.explanation_en
            } else {
                &answer.explanation_zh
            };
            for line in lines {
                println!("{line}");
            }
            if answer.computed.provisional {
                println!("{} 暂定 / provisional", answer.computed.due);
            } else {
                println!("{}", answer.computed.due);
            }
            Ok(())
        }
        Command::Holidays { command } => match command {
            HolidaysCommand::Import { db, file, replace } => {
                let text = std::fs::read_to_string(&file)
                    .with_context(|| format!("reading {}", file.display()))?;
                let app = open_app(&db, PasswordParams::PRODUCTION).await?;
                let done = fazhi_app::law::import_holidays(&app, None, &text, replace)
                    .await
                    .unwrap_or_else(|e| fail(&e));
                println!(
                    "已导入 {:?} 年节假日安排，重算未届满期限 {} 个 / imported years {:?}, {} open deadlines recomputed",
                    done.years, done.recomputed, done.years, done.recomputed
                );
                Ok(())
            }
            HolidaysCommand::AddRegional {
                db,
                agency,
                date,
                festival,
                notice,
            } => {
                let app = open_app(&db, PasswordParams::PRODUCTION).await?;
                let n = fazhi_app::law::add_regional_holiday(
                    &app, None, agency, &date, &festival, &notice,
                )
                .await
                .unwrap_or_else(|e| fail(&e));
                println!(
                    "已增加地方节假日，重算未届满期限 {n} 个 / regional holiday added, {n} open deadlines recomputed"
                );
                Ok(())
            }
        },
        Command::Notices {
            command: NoticesCommand::Retime { db },
        } => {
            let app = open_app(&db, PasswordParams::PRODUCTION).await?;
            let n = fazhi_app::notices::retime_periods(&app)
                .await
                .unwrap_or_else(|e| fail(&e));
            println!("已重新计算公示期 {n} 条 / {n} notice periods re-timed");
            Ok(())
        }
        Command::Import {
            db,
            kind,
            file,
            user,
        } => import_file(&db, &kind, &file, &user).await,
        Command::Indicators {
            db,
            agency,
            year,
            json,
        } => {
            let app = open_app(&db, PasswordParams::PRODUCTION).await?;
            let f = fazhi_app::indicators::compute(&app, agency, year)
                .await
                .unwrap_or_else(|e| fail(&e));
            if json {
                let rows: Vec<serde_json::Value> = f
                    .figures
                    .iter()
                    .map(|x| {
                        serde_json::json!({ "id": x.definition.id, "name": x.definition.name_zh,
                            "value": x.value.as_ref().map(|v| v.display()), "raw": x.value,
                            "previous": x.previous.as_ref().map(|v| v.display()), "unit": x.definition.unit_zh,
                            "formula": x.definition.formula_zh, "status": x.status() })
                    })
                    .collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(
                        &serde_json::json!({ "agency": f.agency_name, "year": f.year,
                        "checkpoint": f.checkpoint, "indicators": rows })
                    )?
                );
            } else {
                for x in &f.figures {
                    println!(
                        "{:<28} {:<24} {:>16} {}",
                        x.definition.id,
                        x.definition.name_zh,
                        x.value
                            .as_ref()
                            .map_or_else(|| "暂无数据来源".to_owned(), |v| v.display()),
                        if matches!(x.value, Some(fazhi_domain::indicators::Value::Permille(_))) {
                            ""
                        } else {
                            x.definition.unit_zh
                        }
                    );
                }
            }
            Ok(())
        }
        Command::Report {
            db,
            agency,
            year,
            format,
            output,
            traditional,
            font_dirs,
        } => write_report(&db, agency, year, &format, &output, traditional, &font_dirs).await,
        Command::Log { command } => match command {
            LogCommand::Verify { db } => log_verify(&db).await,
            LogCommand::Checkpoint { db } => {
                let app = open_app(&db, PasswordParams::PRODUCTION).await?;
                match fazhi_app::transparency::make_checkpoint(&app, true)
                    .await
                    .unwrap_or_else(|e| fail(&e))
                {
                    Some(cp) => print!("{}", cp.note),
                    None => println!("日志为空 / the log is empty"),
                }
                Ok(())
            }
            LogCommand::Bundle {
                db,
                subject,
                output,
            } => {
                let app = open_app(&db, PasswordParams::PRODUCTION).await?;
                let bundle = fazhi_app::transparency::make_bundle(&app, &subject)
                    .await
                    .unwrap_or_else(|e| fail(&e));
                std::fs::write(&output, serde_json::to_vec_pretty(&bundle)?)
                    .with_context(|| format!("writing {}", output.display()))?;
                println!(
                    "{} 条记录、{} 个证据文件已导出 / {} events, {} attachments written to {}",
                    bundle.events.len(),
                    bundle.attachments.len(),
                    bundle.events.len(),
                    bundle.attachments.len(),
                    output.display()
                );
                Ok(())
            }
            LogCommand::VerifyBundle { file, verifier_key } => {
                let bundle: fazhi_domain::bundle::Bundle = serde_json::from_slice(
                    &std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?,
                )
                .with_context(|| "the file is not a Fazhi bundle")?;
                let key_text = match verifier_key {
                    Some(k) => k,
                    None => {
                        eprintln!(
                            "注意：使用证据包内附的公钥，请与机构公布的公钥核对 / warning: using the key inside the bundle; compare it with the published key"
                        );
                        bundle.verifier_key.clone()
                    }
                };
                let key = fazhi_domain::checkpoint::parse_verifier_key(&key_text)
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                match fazhi_domain::bundle::verify_bundle(&bundle, &key) {
                    Ok(r) => {
                        println!(
                            "校验通过：{} 的 {} 条记录均包含在大小为 {} 的已签名日志中且未被改动 / verified: {} events of {} are in the signed log of size {}, unaltered",
                            bundle.subject,
                            r.events_verified,
                            r.tree_size,
                            r.events_verified,
                            bundle.subject,
                            r.tree_size
                        );
                        Ok(())
                    }
                    Err(e) => {
                        eprintln!("校验失败 / verification FAILED: {e}");
                        std::process::exit(1);
                    }
                }
            }
            LogCommand::Cosign {
                checkpoint,
                verifier_key,
                witness_name,
                witness_key,
                state,
                consistency_proof,
            } => witness_cosign(
                &checkpoint,
                &verifier_key,
                &witness_name,
                &witness_key,
                &state,
                consistency_proof.as_deref(),
            ),
            LogCommand::Key { db } => {
                let app = open_app(&db, PasswordParams::PRODUCTION).await?;
                if let Some(s) = &app.log_signer {
                    println!("{}", s.verifier_key());
                }
                Ok(())
            }
        },
    }
}

async fn log_verify(db: &DbArgs) -> Result<()> {
    use indicatif::{ProgressBar, ProgressStyle};
    let app = open_app(db, PasswordParams::PRODUCTION).await?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg:8} [{bar:30}] {pos}/{len} {per_sec} {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let progress = |stage: &str, done: u64, total: u64| {
        bar.set_message(stage.to_owned());
        bar.set_length(total);
        bar.set_position(done);
    };
    let started = std::time::Instant::now();
    let report = fazhi_app::log_verify::verify(&app, &progress)
        .await
        .unwrap_or_else(|e| fail(&e));
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64().max(1e-9);
    println!(
        "events {} · tree nodes {} · checkpoints {} · evidence files {} · {:.1} MiB hashed in {:.2} s ({:.1} MiB/s, {:.0} events/s)",
        report.events,
        report.nodes,
        report.checkpoints,
        report.attachments,
        report.bytes_hashed as f64 / 1_048_576.0,
        seconds,
        report.bytes_hashed as f64 / 1_048_576.0 / seconds,
        report.events as f64 / seconds
    );
    match report.problem {
        None => {
            println!("校验通过 / verified: the log is complete and unaltered");
            Ok(())
        }
        Some(problem) => {
            eprintln!("校验失败 / verification FAILED: {problem}");
            std::process::exit(1);
        }
    }
}

async fn import_file(
    db: &DbArgs,
    kind: &str,
    file: &std::path::Path,
    username: &str,
) -> Result<()> {
    use fazhi_app::registry::{ImportFailure, ImportKind};
    use indicatif::{ProgressBar, ProgressStyle};
    let Some(kind) = ImportKind::parse(kind) else {
        anyhow::bail!(
            "未知的名录“{kind}” / unknown registry '{kind}': use entities, officers, powers, discretion, no_penalty, spot_checks or recusals"
        );
    };
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let app = open_app(db, PasswordParams::PRODUCTION).await?;
    let actor = fazhi_app::auth::actor_by_username(&app, username)
        .await
        .unwrap_or_else(|e| fail(&e));
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("导入 / import [{bar:30}] {pos}/{len} rows {per_sec} {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let started = std::time::Instant::now();
    let result = fazhi_app::registry::import(&app, &actor, kind, &name, &bytes, &progress).await;
    bar.finish_and_clear();
    match result {
        Ok(o) => {
            println!(
                "已导入 {} 行：新增 {}，更新 {}，未变 {}（{:.1} s） / imported {} rows: {} new, {} updated, {} unchanged",
                o.rows,
                o.inserted,
                o.updated,
                o.unchanged,
                started.elapsed().as_secs_f64(),
                o.rows,
                o.inserted,
                o.updated,
                o.unchanged
            );
            Ok(())
        }
        Err(ImportFailure::Rejected(errors)) => {
            eprintln!(
                "文件未导入，共 {} 处问题 / nothing imported, {} problems:",
                errors.len(),
                errors.len()
            );
            for e in &errors {
                eprintln!(
                    "  第 {} 行 / row {}  [{}]  {} / {}",
                    e.row, e.row, e.column, e.message_zh, e.message_en
                );
            }
            std::process::exit(2);
        }
        Err(ImportFailure::App(e)) => fail(&e),
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct WitnessState {
    origin: String,
    size: u64,
    root_hex: String,
}

fn witness_cosign(
    checkpoint: &std::path::Path,
    verifier_key: &str,
    witness_name: &str,
    witness_key: &std::path::Path,
    state_path: &std::path::Path,
    proof_path: Option<&std::path::Path>,
) -> Result<()> {
    use fazhi_domain::checkpoint as cp;
    let note = std::fs::read_to_string(checkpoint)
        .with_context(|| format!("reading {}", checkpoint.display()))?;
    let key = cp::parse_verifier_key(verifier_key).map_err(|e| anyhow::anyhow!("{e}"))?;
    let head =
        cp::open_note(&note, std::slice::from_ref(&key)).map_err(|e| anyhow::anyhow!("{e}"))?;
    let previous: Option<WitnessState> = match std::fs::read(state_path) {
        Ok(bytes) => Some(serde_json::from_slice(&bytes).context("witness state file")?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).context("reading witness state"),
    };
    if let Some(prev) = &previous {
        let prev_root: [u8; 32] = hex::decode(&prev.root_hex)
            .ok()
            .and_then(|b| b.try_into().ok())
            .context("state root")?;
        if prev.origin != head.origin {
            anyhow::bail!(
                "拒绝：日志来源不同 / refused: another log ({} vs {})",
                head.origin,
                prev.origin
            );
        }
        if head.size < prev.size {
            anyhow::bail!(
                "拒绝：日志倒退（{} < {}） / refused: the log shrank",
                head.size,
                prev.size
            );
        }
        if head.size == prev.size {
            if head.root != prev_root {
                anyhow::bail!(
                    "拒绝：同一大小出现两个树根，日志分叉 / refused: two roots for one size (fork)"
                );
            }
        } else {
            let path = proof_path.context(
                "a consistency proof from the last cosigned size is required (--consistency-proof)",
            )?;
            let proof: serde_json::Value = serde_json::from_slice(&std::fs::read(path)?)?;
            let hashes: Vec<[u8; 32]> = proof["proof"]
                .as_array()
                .context("proof array")?
                .iter()
                .map(|h| {
                    h.as_str()
                        .and_then(|h| hex::decode(h).ok())
                        .and_then(|b| b.try_into().ok())
                })
                .collect::<Option<_>>()
                .context("proof hashes")?;
            fazhi_domain::merkle::verify_consistency(prev.size, head.size, &prev_root, &head.root, &hashes)
                .map_err(|e| anyhow::anyhow!("拒绝：与上次签署的检查点不一致 / refused: not consistent with the last cosigned checkpoint: {e}"))?;
        }
    }
    let seed =
        fazhi_app::log_key::load_or_create(witness_key).map_err(|e| anyhow::anyhow!("{e}"))?;
    let time_s = u64::try_from(jiff::Timestamp::now().as_second()).unwrap_or(0);
    let line = cp::cosign(&head, witness_name, &seed.0, time_s);
    let state = WitnessState {
        origin: head.origin.clone(),
        size: head.size,
        root_hex: hex::encode(head.root),
    };
    std::fs::write(state_path, serde_json::to_vec_pretty(&state)?)
        .context("writing witness state")?;
    eprintln!(
        "见证方公钥 / witness key: {}",
        cp::verifier_key_text(witness_name, &cp::public_key(&seed.0))
    );
    println!("{line}");
    Ok(())
}

/// `fazhi report`: indicators → the report model → HTML, DOCX or PDF.
async fn write_report(
    db: &DbArgs,
    agency: i64,
    year: i16,
    format: &str,
    output: &std::path::Path,
    traditional: bool,
    font_dirs: &[PathBuf],
) -> Result<()> {
    use fazhi_report::model::Script;
    if !matches!(format, "html" | "docx" | "pdf") {
        anyhow::bail!("--format 须为 html、docx 或 pdf / --format must be html, docx or pdf");
    }
    let app = open_app(db, PasswordParams::PRODUCTION).await?;
    let figures = fazhi_app::indicators::compute(&app, agency, year)
        .await
        .unwrap_or_else(|e| fail(&e));
    let now = jiff::Zoned::now().strftime("%Y-%m-%d %H:%M").to_string();
    let script = if traditional {
        Script::Traditional
    } else {
        Script::Simplified
    };
    // The staff-written text the report editor saved (latest version of each part).
    let narrative = fazhi_app::annual_report::latest_narratives(&app, agency, year)
        .await
        .unwrap_or_else(|e| fail(&e));
    let mut report = fazhi_app::annual_report::build(&figures, &narrative, script, &now);
    if traditional {
        report = to_traditional(report);
    }
    let bytes = match format {
        "html" => fazhi_report::html::to_html(&report, &|_| None).into_bytes(),
        "docx" => fazhi_report::docx::to_docx(&report)?,
        _ => {
            let dirs = if font_dirs.is_empty() {
                vec![PathBuf::from("/usr/share/fonts")]
            } else {
                font_dirs.to_vec()
            };
            fazhi_report_pdf::to_pdf(&report, &dirs)?
        }
    };
    std::fs::write(output, &bytes).with_context(|| format!("writing {}", output.display()))?;
    println!(
        "已写入 {}（{} 字节）/ wrote {} ({} bytes)",
        output.display(),
        bytes.len(),
        output.display(),
        bytes.len()
    );
    Ok(())
}

/// The report editor's PDF export: typst, linked only by this binary, with
/// the fonts loaded on the first PDF and kept.
fn pdf_renderer(font_dirs: Vec<PathBuf>) -> fazhi_web::PdfRenderer {
    let fonts: std::sync::Arc<std::sync::OnceLock<Result<fazhi_report_pdf::PdfFonts, String>>> =
        std::sync::Arc::default();
    std::sync::Arc::new(move |report: &fazhi_report::model::AnnualReport| {
        let fonts = fonts.get_or_init(|| {
            fazhi_report_pdf::PdfFonts::load(&font_dirs).map_err(|e| e.to_string())
        });
        match fonts {
            Ok(f) => fazhi_report_pdf::render(report, f).map_err(|e| e.to_string()),
            Err(e) => Err(e.clone()),
        }
    })
}

/// Convert every text of the report to traditional characters (OpenCC).
fn to_traditional(report: fazhi_report::model::AnnualReport) -> fazhi_report::model::AnnualReport {
    let json = serde_json::to_string(&report).unwrap_or_default();
    serde_json::from_str(&fazhi_text::to_traditional(&json)).unwrap_or(report)
}
