//! `fazhi bench portal`: the public notice list and its search under load.
//!
//! Loads N notices (default 1,000,000) straight into the store, serves the
//! real web application in this process, and drives it from a load
//! generator in the same process at a fixed arrival rate (open loop: each
//! request's latency counts from the moment it was due to be sent, so a
//! slow server cannot hide its queueing). Reports p50/p95/p99 of list pages
//! and of searches, the achieved rate, and the process's memory.

use crate::bench::{scratch_postgres, scratch_sqlite};
use anyhow::{Context, Result, bail};
use fazhi_app::password::PasswordParams;
use fazhi_app::{App, SystemClock};
use fazhi_store::Db;
use fazhi_store::notices::{Lifecycle, NewNotice};
use indicatif::{ProgressBar, ProgressStyle};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Notices written per transaction while loading.
const LOAD_BATCH: usize = 5_000;
/// Keep-alive connections the load generator may open.
const CONNECTIONS_MAX: usize = 64;

const PLACES: &[&str] = &["示范市", "东湖区", "西山区", "南城区", "北岸县"];
const NAMES: &[&str] = &[
    "鸿运", "康宁", "德馨", "华美", "仁和", "瑞丰", "安泰", "永盛", "金桥", "青松", "明珠", "长乐",
];
const TRADES: &[&str] = &[
    "宾馆有限公司",
    "餐饮管理有限公司",
    "口腔诊所",
    "游泳馆",
    "美容美发店",
    "供水站",
    "医院有限公司",
    "中医门诊部",
    "足浴店",
    "消毒用品有限公司",
];
const VIOLATIONS: &[&str] = &[
    "未取得卫生许可证擅自营业",
    "未按规定对顾客用品用具进行清洗消毒",
    "从业人员未取得健康合格证明",
    "使用非卫生技术人员从事医疗卫生技术工作",
    "未按规定进行卫生检测",
    "医疗废物未分类收集",
    "超出登记的诊疗科目范围开展诊疗活动",
    "供水水质不符合国家卫生标准",
    "未建立传染病疫情报告制度",
    "放射诊疗场所未设置警示标志",
];
const DOMAINS: &[&str] = &[
    "public_places",
    "public_places",
    "medical",
    "public_places",
    "public_places",
    "drinking_water",
    "medical",
    "medical",
    "public_places",
    "disinfection",
];
/// Search words people type, a third of them in traditional script.
const QUERIES: &[&str] = &[
    "卫生许可",
    "衛生許可證",
    "消毒",
    "健康合格证明",
    "非卫生技术人员",
    "醫療廢物",
    "宾馆",
    "診所",
    "游泳馆",
    "水质",
    "鸿运宾馆",
    "放射诊疗",
    "传染病",
    "美容美發",
    "东湖区",
];

/// A small deterministic generator: the bench needs varied, repeatable
/// data, not unpredictability.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

pub struct PortalArgs {
    pub json: bool,
    pub notices: i64,
    pub rate: u32,
    pub seconds: u64,
    pub pg_url: String,
    pub no_postgres: bool,
    pub no_sqlite: bool,
    pub keep: bool,
}

pub async fn run(args: &PortalArgs) -> Result<()> {
    if !args.no_sqlite {
        let s = scratch_sqlite().await?;
        let result = run_on(args, &s.db, "sqlite", &s.dir).await;
        s.finish_or_keep(args.keep).await?;
        result?;
    }
    if !args.no_postgres {
        let s = scratch_postgres(&args.pg_url).await?;
        let result = run_on(args, &s.db, "postgres", &s.dir).await;
        s.finish_or_keep(args.keep).await?;
        result?;
    }
    Ok(())
}

async fn run_on(args: &PortalArgs, db: &Db, backend: &str, dir: &std::path::Path) -> Result<()> {
    let app = App::new(
        db.clone(),
        Arc::new(SystemClock),
        PasswordParams::FAST_FOR_TESTS,
        dir,
    );
    let err = |e: fazhi_app::AppError| anyhow::anyhow!("{e}");
    fazhi_app::demo::seed_accounts(&app).await.map_err(err)?;
    let load_start = Instant::now();
    load(args, db, backend).await?;
    let load_s = load_start.elapsed().as_secs_f64();
    say(
        args,
        &format!(
            "{backend}: loaded {} notices in {load_s:.1} s",
            args.notices
        ),
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let state = fazhi_web::AppState {
        app: app.clone(),
        secure_cookies: false,
        pdf: None,
        trusted_proxies: Default::default(),
    };
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        fazhi_web::serve(listener, state, async {
            let _ = stop_rx.await;
        })
        .await
    });
    // Warm the caches the way a running server's would be.
    let mut rng = Lcg(7);
    for _ in 0..50 {
        get(addr, &list_path(&mut rng, args.notices)).await?;
        get(addr, &search_path(&mut rng)).await?;
    }
    for (what, make) in [
        ("list", list_path as fn(&mut Lcg, i64) -> String),
        ("search", |r: &mut Lcg, _| search_path(r)),
    ] {
        let stats = drive(args, addr, what, make).await?;
        report(args, backend, what, &stats);
    }
    let (rss, hwm) = memory_kib();
    if args.json {
        println!(
            "{}",
            serde_json::json!({ "name": format!("portal {backend} memory"), "rss_mib": rss / 1024, "peak_mib": hwm / 1024,
                                "notices": args.notices, "load_s": (load_s * 10.0).round() / 10.0 })
        );
    } else {
        println!(
            "portal {backend}: process memory {} MiB (peak {} MiB), {} notices",
            rss / 1024,
            hwm / 1024,
            args.notices
        );
    }
    let _ = stop_tx.send(());
    server.await??;
    Ok(())
}

fn say(args: &PortalArgs, text: &str) {
    if !args.json {
        eprintln!("{text}");
    }
}

fn list_path(rng: &mut Lcg, n: i64) -> String {
    match rng.next() % 4 {
        // The first page, as most visitors see it.
        0 => "/public/notices".to_owned(),
        1 => format!("/public/notices?year={}", 2024 + rng.next() % 3),
        2 => format!("/public/notices?domain={}", rng.pick(DOMAINS)),
        // A later page (keyset: `before` an id somewhere in the list).
        _ => format!(
            "/public/notices?before={}",
            1 + (rng.next() as i64) % n.max(1)
        ),
    }
}

fn search_path(rng: &mut Lcg) -> String {
    let q = rng.pick(QUERIES);
    let mut path = format!("/public/notices?q={}", fazhi_web::auth::percent_encode(q));
    if rng.next().is_multiple_of(3) {
        path.push_str(&format!("&year={}", 2024 + rng.next() % 3));
    }
    path
}

async fn load(args: &PortalArgs, db: &Db, backend: &str) -> Result<()> {
    let agencies = fazhi_store::agencies::list_all(db).await?;
    if agencies.is_empty() {
        bail!("no agencies to own the notices");
    }
    // Tokens of each fragment, computed once: a notice's tokens are the
    // concatenation of its fragments' (what segmenting the whole text gives,
    // up to words spanning two fragments, which the titles do not have).
    let tokens = |s: &str| fazhi_text::search_tokens(s);
    let names: Vec<(String, String)> = PLACES
        .iter()
        .flat_map(|p| NAMES.iter().map(move |n| format!("{p}{n}")))
        .map(|s| {
            let t = tokens(&s);
            (s, t)
        })
        .collect();
    let trades: Vec<String> = TRADES.iter().map(|s| tokens(s)).collect();
    let violations: Vec<String> = VIOLATIONS.iter().map(|s| tokens(s)).collect();
    let agency_tokens: Vec<String> = agencies.iter().map(|a| tokens(&a.name)).collect();
    let bar = if args.json {
        ProgressBar::hidden()
    } else {
        let b = ProgressBar::new(u64::try_from(args.notices).unwrap_or(0));
        b.set_style(
            ProgressStyle::with_template("{msg:28} [{bar:30}] {pos}/{len} {per_sec} eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b.set_message(format!("{backend}: load notices"));
        b
    };
    let mut rng = Lcg(20_251_130);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX));
    let mut next_id = 1;
    while next_id <= args.notices {
        let count = (args.notices - next_id + 1).min(LOAD_BATCH as i64);
        let mut owned = Vec::with_capacity(count as usize);
        for i in 0..count {
            let id = next_id + i;
            let name = &names[(rng.next() % names.len() as u64) as usize];
            let ti = (rng.next() % TRADES.len() as u64) as usize;
            let vi = (rng.next() % VIOLATIONS.len() as u64) as usize;
            let ai = (rng.next() % agencies.len() as u64) as usize;
            // Decided over the last three years; up for three years.
            let days_back = (rng.next() % 1_000) as i64;
            let decided = jiff::civil::date(2026, 11, 1)
                .checked_sub(jiff::Span::new().days(days_back))
                .unwrap_or(jiff::civil::date(2024, 1, 1));
            let until = decided
                .checked_add(jiff::Span::new().years(3))
                .unwrap_or(decided);
            let party = format!("{}{}", name.0, TRADES[ti]);
            let title = format!("{party}{}案", VIOLATIONS[vi]);
            let number = format!("示卫罚〔{}〕{}号", decided.year(), id);
            let search = format!(
                "{} {} {} {} {}",
                name.1,
                trades[ti],
                violations[vi],
                agency_tokens[ai],
                tokens(&number)
            );
            owned.push((
                agencies[ai].id,
                DOMAINS[ti],
                number,
                (i64::from(decided.year()), decided.to_string()),
                until.to_string(),
                party,
                title,
                search,
                VIOLATIONS[vi],
            ));
        }
        let rows: Vec<(NewNotice<'_>, Lifecycle)> = owned
            .iter()
            .map(
                |(
                    agency_id,
                    domain,
                    number,
                    (year, decided),
                    until,
                    party,
                    title,
                    search,
                    facts,
                )| {
                    (
                        NewNotice {
                            agency_id: *agency_id,
                            kind: "penalty",
                            case_id: 0,
                            number,
                            decided_on: decided,
                            year: *year,
                            domain,
                            party_name: party,
                            party_kind: "organisation",
                            party_code: "91350100M000100Y3K",
                            title,
                            facts,
                            basis: "《公共场所卫生管理条例实施细则》第三十五条",
                            content: "警告；罚款人民币 2,000 元",
                            search_tokens: search,
                        },
                        Lifecycle {
                            state: "published".into(),
                            due_on: decided.clone(),
                            published_on: decided.clone(),
                            shortest_until: decided.clone(),
                            until_on: until.clone(),
                            ..Lifecycle::default()
                        },
                    )
                },
            )
            .collect();
        let mut tx = db.begin().await?;
        fazhi_store::notices::bulk_insert(&mut tx, next_id, &rows, now).await?;
        tx.commit().await?;
        next_id += count;
        bar.inc(count as u64);
    }
    bar.finish_and_clear();
    // A portal that grew over years has its statistics from autovacuum.
    db.refresh_statistics().await?;
    Ok(())
}

struct Stats {
    sent: usize,
    errors: usize,
    achieved_rps: f64,
    p50_ms: f64,
    p95_ms: f64,
    p99_ms: f64,
    max_ms: f64,
}

/// Open-loop load: a request is due every 1/rate s whether or not earlier
/// ones have come back; its latency counts from when it was due.
async fn drive(
    args: &PortalArgs,
    addr: std::net::SocketAddr,
    what: &str,
    make: fn(&mut Lcg, i64) -> String,
) -> Result<Stats> {
    let total = (u64::from(args.rate) * args.seconds) as usize;
    let interval = Duration::from_secs_f64(1.0 / f64::from(args.rate.max(1)));
    let pool = Arc::new(tokio::sync::Mutex::new(Vec::<TcpStream>::new()));
    let permits = Arc::new(tokio::sync::Semaphore::new(CONNECTIONS_MAX));
    let mut rng = Lcg(match what {
        "list" => 11,
        _ => 13,
    });
    let start = Instant::now();
    let mut handles = Vec::with_capacity(total);
    for i in 0..total {
        let due = start + interval * i as u32;
        tokio::time::sleep_until(tokio::time::Instant::from_std(due)).await;
        let path = make(&mut rng, args.notices);
        let pool = pool.clone();
        let permits = permits.clone();
        handles.push(tokio::spawn(async move {
            let Ok(_permit) = permits.acquire().await else {
                return Err(anyhow::anyhow!("semaphore closed"));
            };
            let conn = pool.lock().await.pop();
            let mut conn = match conn {
                Some(c) => c,
                None => TcpStream::connect(addr).await?,
            };
            let status = request(&mut conn, &path).await?;
            pool.lock().await.push(conn);
            anyhow::Ok((due.elapsed(), status))
        }));
    }
    let mut latencies = Vec::with_capacity(total);
    let mut errors = 0;
    for h in handles {
        match h.await? {
            Ok((lat, 200)) => latencies.push(lat.as_secs_f64() * 1000.0),
            Ok(_) | Err(_) => errors += 1,
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    latencies.sort_by(f64::total_cmp);
    let q = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or(f64::NAN)
    };
    Ok(Stats {
        sent: total,
        errors,
        achieved_rps: latencies.len() as f64 / elapsed,
        p50_ms: q(0.50),
        p95_ms: q(0.95),
        p99_ms: q(0.99),
        max_ms: latencies.last().copied().unwrap_or(f64::NAN),
    })
}

fn report(args: &PortalArgs, backend: &str, what: &str, s: &Stats) {
    let r = |v: f64| (v * 100.0).round() / 100.0;
    if args.json {
        println!(
            "{}",
            serde_json::json!({
                "name": format!("portal {backend} {what}"), "rate": args.rate, "sent": s.sent, "errors": s.errors,
                "achieved_rps": r(s.achieved_rps), "p50_ms": r(s.p50_ms), "p95_ms": r(s.p95_ms),
                "p99_ms": r(s.p99_ms), "max_ms": r(s.max_ms),
            })
        );
    } else {
        println!(
            "portal {backend} {what:<6} {} req at {}/s: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms, {} errors, {:.0} req/s done",
            s.sent, args.rate, s.p50_ms, s.p95_ms, s.p99_ms, s.max_ms, s.errors, s.achieved_rps
        );
    }
}

/// One GET on a kept-alive connection; returns the status after reading
/// the whole body (Content-Length or chunked).
async fn request(conn: &mut TcpStream, path: &str) -> Result<u16> {
    let req = format!("GET {path} HTTP/1.1\r\nHost: bench\r\nAccept-Language: zh-CN\r\n\r\n");
    conn.write_all(req.as_bytes()).await?;
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut chunk = [0u8; 16 * 1024];
    let header_end = loop {
        let n = conn.read(&mut chunk).await?;
        if n == 0 {
            bail!("connection closed");
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_ascii_lowercase();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("status line")?;
    if let Some(len) = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        while buf.len() < header_end + len {
            let n = conn.read(&mut chunk).await?;
            if n == 0 {
                bail!("connection closed");
            }
            buf.extend_from_slice(&chunk[..n]);
        }
    } else if head.contains("transfer-encoding: chunked") {
        while !buf[header_end..].ends_with(b"0\r\n\r\n") {
            let n = conn.read(&mut chunk).await?;
            if n == 0 {
                bail!("connection closed");
            }
            buf.extend_from_slice(&chunk[..n]);
        }
    }
    Ok(status)
}

async fn get(addr: std::net::SocketAddr, path: &str) -> Result<u16> {
    let mut conn = TcpStream::connect(addr).await?;
    request(&mut conn, path).await
}

/// Resident and peak resident memory of this process (server and load
/// generator together), in KiB, from /proc.
fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}
