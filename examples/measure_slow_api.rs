//! bsched on a slow, serial API (issue 13): the emulator in-process on 127.0.0.1 with N
//! servers, `latency` ms per request and one request at a time per session (its default).
//!
//! ```text
//! cargo build --release --bin bsched --example measure_slow_api
//! cargo run --release --example measure_slow_api -- [--servers 1000] [--latency-ms 300]
//!     [--only refresh,changes,naive,first-frame] [--moves 50] [--apply 100] [--bin PATH]
//! ```
//!
//! Parts (each selectable with `--only`, comma-separated):
//! - `refresh` (figures a and b): the real `App` and `Executor` in a loop like `tui::run`'s
//!   (no terminal), from start until every server's schedules and backups arrived: wall time,
//!   the requests in the emulator's log (R), and wall / (R x latency). During it, `--moves`
//!   selection changes spread over the refresh, each timed from the key to that server's
//!   schedules arriving fresh (loaded in this refresh), in round trips.
//! - `changes` (figure c): the real `bsched` binary with a kept session, requests per change
//!   counted from the emulator's log: `schedules list`, `add`, `edit`, `rm --instance`, and
//!   `apply -f plan.toml` adding one schedule on each of `--apply` servers.
//! - `naive`: `scripts/bench-naive.sh` against the same emulator (curl: login, list the
//!   servers, then each server's schedules one after another).
//! - `first-frame` (figure d): a hook, see [`first_frame_cached_vs_empty`].
//!
//! Progress goes to stderr; the results, as a markdown table, to stdout.

// Measuring code, like a test: a failure to set up is a panic with a message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use bsched::api::{Client, ClientConfig, Secret, checked_url};
use bsched::domain::InstanceId;
use bsched::emulator::state::{EmuInstance, EmuManualBackup, EmuSchedule};
use bsched::emulator::{DEMO_PASSWORD, DEMO_USER, Data, Emulator, Options, Seed};
use bsched::tui::app::{App, Session};
use bsched::tui::msg::{Cmd, Msg};
use bsched::tui::worker::Executor;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The first server id of the generated fleet.
const FIRST_ID: u64 = 8_000_000;
/// The part names `--only` takes.
const PARTS: [&str; 4] = ["refresh", "changes", "naive", "first-frame"];

#[derive(Debug, Clone)]
struct Args {
    servers: usize,
    latency_ms: u64,
    only: Vec<String>,
    moves: usize,
    apply: usize,
    bin: Option<PathBuf>,
}

fn args() -> Args {
    let mut a = Args {
        servers: 1000,
        latency_ms: 300,
        only: PARTS.iter().map(|s| s.to_string()).collect(),
        moves: 50,
        apply: 100,
        bin: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .unwrap_or_else(|| panic!("{flag} needs a value (see the top of this file)"))
        };
        match flag.as_str() {
            "--servers" => a.servers = value().parse().expect("--servers: a number"),
            "--latency-ms" => a.latency_ms = value().parse().expect("--latency-ms: a number"),
            "--moves" => a.moves = value().parse().expect("--moves: a number"),
            "--apply" => a.apply = value().parse().expect("--apply: a number"),
            "--bin" => a.bin = Some(PathBuf::from(value())),
            "--only" => {
                a.only = value().split(',').map(|s| s.trim().to_string()).collect();
                for p in &a.only {
                    assert!(
                        PARTS.contains(&p.as_str()),
                        "--only: unknown part {p:?}; the parts are {}",
                        PARTS.join(", ")
                    );
                }
            }
            other => panic!("unknown argument {other:?}; see the top of this file"),
        }
    }
    assert!(a.servers >= 3, "--servers: at least 3");
    assert!(a.latency_ms >= 1, "--latency-ms: at least 1");
    a.apply = a.apply.min(a.servers);
    a
}

/// One row of the results table.
struct Row {
    what: String,
    target: String,
    measured: String,
    naive: String,
}

fn row(what: impl Into<String>, target: &str, measured: String, naive: String) -> Row {
    Row {
        what: what.into(),
        target: target.into(),
        measured,
        naive,
    }
}

macro_rules! progress {
    ($($t:tt)*) => { eprintln!("[measure_slow_api] {}", format!($($t)*)) };
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = args();
    let emu = Emulator::start(Options {
        seed: Seed::Empty,
        latency_ms: args.latency_ms,
        ..Default::default()
    })
    .await
    .unwrap();
    add_fleet(&emu, args.servers);
    progress!(
        "emulator on {} with {} servers, {} ms per request, one request at a time per session",
        emu.url(),
        args.servers,
        args.latency_ms
    );
    let wants = |p: &str| args.only.iter().any(|o| o == p);
    let mut rows = Vec::new();
    let mut naive = None;
    // The naive loop runs first so that its figures can go beside bsched's.
    if wants("naive") {
        naive = Some(run_naive(&emu, &args).await);
    }
    if wants("refresh") {
        rows.extend(refresh(&emu, &args, naive.as_ref()).await);
    } else if let Some(n) = &naive {
        rows.extend(naive_only_rows(n, &args));
    }
    if wants("changes") {
        rows.extend(changes(&emu, &args).await);
    }
    if wants("first-frame") {
        rows.extend(first_frame_cached_vs_empty(&args));
    }
    println!();
    println!(
        "Emulator on 127.0.0.1, {} servers, {} ms per request, one request at a time per session ({}).",
        args.servers,
        args.latency_ms,
        jiff::Timestamp::now().strftime("%Y-%m-%d %H:%M UTC")
    );
    println!();
    println!("| What | Target | bsched | naive curl loop |");
    println!("|---|---|---|---|");
    for r in rows {
        println!(
            "| {} | {} | {} | {} |",
            r.what, r.target, r.measured, r.naive
        );
    }
}

/// N servers, each with one or two schedules and, for every third, a backup made by hand.
fn add_fleet(emu: &Emulator, n: usize) {
    emu.with(|w| {
        let template = Data::demo().instances[0].clone();
        let mut next = w.data.next_schedule_id.max(1000);
        for k in 0..n as u64 {
            let id = FIRST_ID + k;
            w.data.instances.push(EmuInstance {
                id,
                servername: format!("node-{k:04}"),
                ip: format!("10.{}.{}.{}", k / 65536, (k / 256) % 256, k % 256),
                datacenter: ["Netherlands-1", "Netherlands-2", "Poland"][k as usize % 3].into(),
                ..template.clone()
            });
            for s in 0..1 + k % 2 {
                w.data.schedules.push(EmuSchedule {
                    id: next,
                    instance_id: id,
                    name: ["nightly", "weekend full"][s as usize].into(),
                    days: ["1,2,3,4,5", "0,6"][s as usize].into(),
                    time: format!("{:02}:{:02}", (k % 6), (k * 7) % 60),
                    create_date: "2026-01-10".into(),
                });
                next += 1;
            }
            if k % 3 == 0 {
                w.data.manual_backups.push(EmuManualBackup {
                    id: 900_000 + k,
                    instance_id: id,
                    name: "by hand".into(),
                    createdate: "2026-10-02 14:20:00".into(),
                });
            }
        }
        w.data.next_schedule_id = next;
    });
}

fn mark(emu: &Emulator) -> usize {
    emu.with(|w| w.requests.len())
}

/// Requests since `from`: (all, of them refused busy, the functions called).
fn since(emu: &Emulator, from: usize) -> (usize, usize, Vec<String>) {
    emu.with(|w| {
        let new = &w.requests[from.min(w.requests.len())..];
        (
            new.len(),
            new.iter().filter(|r| r.refused_busy).count(),
            new.iter().map(|r| r.func.clone()).collect(),
        )
    })
}

/// `["a", "a", "b"]` as `a ×2, b`.
fn summarize(funcs: &[String]) -> String {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for f in funcs {
        match counts.iter_mut().find(|(g, _)| g == f) {
            Some((_, n)) => *n += 1,
            None => counts.push((f.clone(), 1)),
        }
    }
    counts
        .iter()
        .map(|(f, n)| {
            if *n == 1 {
                f.clone()
            } else {
                format!("{f} ×{n}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Nearest-rank percentile of sorted values.
fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn client(emu: &Emulator) -> Client {
    let mut cfg = ClientConfig::new(checked_url(&emu.url()).unwrap());
    cfg.username = Some(DEMO_USER.into());
    cfg.password = Some(Secret::new(DEMO_PASSWORD));
    // concurrency: the client's default (one request at a time).
    Client::new(cfg).unwrap()
}

/// Figures a and b: a full refresh through the real App and Executor, with selection moves.
async fn refresh(emu: &Emulator, args: &Args, naive: Option<&Naive>) -> Vec<Row> {
    let lat = args.latency_ms as f64;
    let client = client(emu);
    // A kept session, as when bsched starts with one: the login is not part of the refresh.
    client.login().await.unwrap();
    let session = Session::for_client(&client, DEMO_USER);
    let executor = Executor::new(Some(client), None);
    let mut app = App::new(session, Default::default());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Msg>();
    let n = args.servers;
    let from = mark(emu);
    progress!(
        "refresh: {n} servers, about {:.0} s at one request at a time",
        (2 * n + 1) as f64 * lat / 1e3
    );
    let t0 = Instant::now();
    app.now = jiff::Timestamp::now();
    for cmd in app.init() {
        executor.spawn(cmd, &tx);
    }
    // Per server: when its schedules (Ok) first arrived in this refresh.
    let mut fresh: HashMap<InstanceId, Instant> = HashMap::new();
    let mut sched_done: HashSet<InstanceId> = HashSet::new();
    let mut backups_done: HashSet<InstanceId> = HashSet::new();
    let mut errors = 0usize;
    let mut list_at = None;
    let mut done_at = None;
    let mut requests_at_done = None;
    // Moves: (server, when the key was sent); results in round trips.
    let mut pending: Vec<(InstanceId, Instant)> = Vec::new();
    let mut waits: Vec<f64> = Vec::new();
    let mut already_fresh = 0usize;
    let mut moves_sent = 0usize;
    let mut rng: u64 = 0x2545_f491_4f6c_dd1d;
    let total = 2 * n;
    let deadline = Duration::from_millis((total as u64 + 10) * args.latency_ms * 3 + 120_000);
    let mut last_report = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    loop {
        let first = tokio::select! {
            m = rx.recv() => m,
            _ = tick.tick(), if app.needs_tick() => Some(Msg::Tick),
            _ = tokio::time::sleep(Duration::from_secs(5)) => None,
        };
        let mut batch: Vec<Msg> = first.into_iter().collect();
        while let Ok(m) = rx.try_recv() {
            batch.push(m);
        }
        app.now = jiff::Timestamp::now();
        for msg in batch {
            let at = Instant::now();
            match &msg {
                Msg::Adopt(ctx) => {
                    executor.adopt((**ctx).clone());
                    continue;
                }
                Msg::Instances { result, .. } => {
                    if result.is_err() {
                        errors += 1;
                    }
                    list_at.get_or_insert(at);
                }
                Msg::Schedules {
                    instance, result, ..
                } => {
                    sched_done.insert(*instance);
                    match result {
                        Ok(_) => {
                            fresh.entry(*instance).or_insert(at);
                            pending.retain(|(id, key)| {
                                if id == instance {
                                    waits.push(at.duration_since(*key).as_secs_f64() * 1e3 / lat);
                                    false
                                } else {
                                    true
                                }
                            });
                        }
                        Err(_) => errors += 1,
                    }
                }
                Msg::Backups {
                    instance, result, ..
                } => {
                    backups_done.insert(*instance);
                    if result.is_err() {
                        errors += 1;
                    }
                }
                _ => {}
            }
            for cmd in app.update(msg) {
                if cmd != Cmd::Quit {
                    executor.spawn(cmd, &tx);
                }
            }
        }
        let answers = sched_done.len() + backups_done.len();
        // The next selection move, once the refresh has got this far.
        let visible = app.fleet.visible.len();
        if moves_sent < args.moves
            && visible >= 3
            && answers > moves_sent * total.saturating_sub(2) / args.moves
        {
            // A row anywhere in the list; the key lands on it from the row above or below (the
            // selection is put beside it first, as if the user had scrolled there).
            rng = rng
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let target = (rng >> 33) as usize % visible;
            let down = (moves_sent.is_multiple_of(2) && target > 0) || target + 1 >= visible;
            app.panes.server_sel = if down { target - 1 } else { target + 1 };
            let code = if down { KeyCode::Down } else { KeyCode::Up };
            let key = Instant::now();
            for cmd in app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))) {
                if cmd != Cmd::Quit {
                    executor.spawn(cmd, &tx);
                }
            }
            let id = app
                .selected_server()
                .map(|s| s.id)
                .expect("a server is selected");
            assert_eq!(
                app.panes.server_sel, target,
                "the key moved the selection to the target row"
            );
            if fresh.contains_key(&id) {
                already_fresh += 1;
                waits.push(0.0);
            } else {
                pending.push((id, key));
            }
            moves_sent += 1;
        }
        if last_report.elapsed() >= Duration::from_secs(5) {
            last_report = Instant::now();
            progress!(
                "refresh: {answers} / {total} answers after {:.0} s ({} requests, {moves_sent} moves, {} waiting)",
                t0.elapsed().as_secs_f64(),
                since(emu, from).0,
                pending.len()
            );
        }
        if done_at.is_none()
            && list_at.is_some()
            && sched_done.len() >= n
            // Every backup list too, unless the app loads them later (then it is idle here).
            && (backups_done.len() >= n || !app.busy())
        {
            done_at = Some(Instant::now());
            requests_at_done = Some(since(emu, from));
        }
        // Done when everything arrived (a move still waiting then waits on a failed load).
        if done_at.is_some() {
            break;
        }
        if t0.elapsed() > deadline {
            progress!("refresh: gave up after {:.0} s", t0.elapsed().as_secs_f64());
            break;
        }
    }
    let wall = done_at.map(|d| d.duration_since(t0));
    let (r, busy, funcs) = requests_at_done.unwrap_or_else(|| since(emu, from));
    let unresolved = pending.len();
    waits.sort_by(f64::total_cmp);
    progress!(
        "refresh done: {} in {} requests ({}); {busy} refused busy, {errors} errors; schedules of {} and backups of {} of {n} servers",
        wall.map_or("INCOMPLETE".into(), |w| format!("{:.1} s", w.as_secs_f64())),
        r,
        summarize(&funcs),
        sched_done.len(),
        backups_done.len()
    );
    let mut rows = Vec::new();
    let naive_refresh = naive.map_or("(not run)".into(), |nv| {
        format!(
            "{:.1} s, R = {}, {:.3}× R × latency",
            nv.total_ms / 1e3,
            nv.requests,
            nv.total_ms / (nv.requests as f64 * lat)
        )
    });
    rows.push(row(
        format!("Full refresh of {n} servers (schedules and backups), wall / (R × latency)"),
        "≤ 1.05",
        match wall {
            Some(w) => format!(
                "{:.1} s, R = {r} ({busy} refused busy, {errors} errors): **{:.3}×**",
                w.as_secs_f64(),
                w.as_secs_f64() * 1e3 / (r as f64 * lat)
            ),
            None => format!(
                "INCOMPLETE after {:.0} s, R = {r}",
                t0.elapsed().as_secs_f64()
            ),
        },
        naive_refresh,
    ));
    let naive_sel = naive.map_or("(not run)".into(), |nv| {
        format!(
            "first / middle / last server after {:.0} / {:.0} / {:.0} RT",
            nv.first_ms / lat,
            nv.middle_ms / lat,
            nv.last_ms / lat
        )
    });
    rows.push(row(
        format!(
            "Selection change during the refresh → that server's fresh schedules, in round trips ({} moves)",
            waits.len() + unresolved
        ),
        "p50 and p99 ≤ 2",
        format!(
            "p50 **{:.1}**, p99 **{:.1}**, max {:.1} RT ({already_fresh} already fresh at the key{})",
            pct(&waits, 0.5),
            pct(&waits, 0.99),
            waits.last().copied().unwrap_or(f64::NAN),
            if unresolved > 0 {
                format!(", {unresolved} never arrived")
            } else {
                String::new()
            }
        ),
        naive_sel,
    ));
    rows
}

/// The naive loop's figures.
#[derive(Debug, Clone)]
struct Naive {
    total_ms: f64,
    requests: usize,
    first_ms: f64,
    middle_ms: f64,
    last_ms: f64,
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

async fn run_naive(emu: &Emulator, args: &Args) -> Naive {
    let script = repo().join("scripts/bench-naive.sh");
    let url = emu.url();
    progress!(
        "naive: {} with curl, about {:.0} s",
        script.display(),
        (args.servers + 2) as f64 * args.latency_ms as f64 / 1e3
    );
    let from = mark(emu);
    let out = tokio::task::spawn_blocking(move || {
        Command::new("bash")
            .arg(&script)
            .arg(&url)
            .stderr(std::process::Stdio::inherit())
            .output()
            .expect("bash runs scripts/bench-naive.sh")
    })
    .await
    .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "bench-naive.sh failed:\n{text}");
    let field = |k: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{k}=")))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("bench-naive.sh printed no {k}=:\n{text}"))
    };
    let (logged, busy, _) = since(emu, from);
    let counted = field("requests") as usize;
    if counted != logged {
        progress!("naive: the script counted {counted} requests, the emulator logged {logged}");
    }
    let n = Naive {
        total_ms: field("total_ms"),
        // The emulator's log, as for bsched.
        requests: logged,
        first_ms: field("first_ms"),
        middle_ms: field("middle_ms"),
        last_ms: field("last_ms"),
    };
    progress!(
        "naive: {:.1} s, {logged} requests in the emulator's log ({busy} refused busy)",
        n.total_ms / 1e3
    );
    n
}

fn naive_only_rows(nv: &Naive, args: &Args) -> Vec<Row> {
    let lat = args.latency_ms as f64;
    vec![row(
        format!(
            "Naive order only (curl), {} servers' schedules",
            args.servers
        ),
        "(reference)",
        "(refresh not run)".into(),
        format!(
            "{:.1} s, R = {}, {:.3}× R × latency; first / middle / last server after {:.0} / {:.0} / {:.0} RT",
            nv.total_ms / 1e3,
            nv.requests,
            nv.total_ms / (nv.requests as f64 * lat),
            nv.first_ms / lat,
            nv.middle_ms / lat,
            nv.last_ms / lat
        ),
    )]
}

/// The `bsched` binary: `--bin`, else the one beside this example (target/PROFILE/bsched).
fn bsched_bin(args: &Args) -> PathBuf {
    if let Some(b) = &args.bin {
        return b.clone();
    }
    let exe = std::env::current_exe().expect("the example's own path");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/PROFILE/examples/");
    let bin = dir.join("bsched");
    assert!(
        bin.exists(),
        "{} does not exist: build it with the same profile (cargo build --release --bin bsched) or pass --bin",
        bin.display()
    );
    bin
}

/// Runs the CLI with the emulator's account and a private data directory; its stdout.
fn cli(bin: &Path, home: &Path, url: &str, argv: &[&str]) -> String {
    let out = Command::new(bin)
        .args(argv)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("BSCHED_DATA_DIR", home.join("data"))
        .env("BSCHED_URL", url)
        .env("BSCHED_USERNAME", DEMO_USER)
        .env("BSCHED_PASSWORD", DEMO_PASSWORD)
        .env("BSCHED_SERVER_TIMEZONE", "+03:00")
        .env("TZ", "UTC")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("bsched runs");
    assert!(
        out.status.success(),
        "bsched {} failed ({}): {}",
        argv.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Figure c: requests per change, the real binary with a kept session.
async fn changes(emu: &Emulator, args: &Args) -> Vec<Row> {
    let bin = bsched_bin(args);
    let home = tempfile::tempdir().unwrap();
    let url = emu.url();
    let server = (FIRST_ID + args.servers as u64 / 2).to_string();
    let lat = args.latency_ms as f64;
    // Runs one command; its stdout, requests, refusals, functions and wall time.
    let run = |argv: Vec<String>| {
        let bin = bin.clone();
        let home = home.path().to_path_buf();
        let url = url.clone();
        let from = mark(emu);
        async move {
            let start = Instant::now();
            let out = tokio::task::spawn_blocking(move || {
                let a: Vec<&str> = argv.iter().map(String::as_str).collect();
                cli(&bin, &home, &url, &a)
            })
            .await
            .unwrap();
            (out, start.elapsed(), from)
        }
    };
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    progress!("changes: logging in once (kept session)");
    run(s(&["schedules", "list", "--instance", &server])).await;
    let mut rows = Vec::new();
    let mut report = |what: &str, target: &str, took: Duration, from: usize| {
        let (r, busy, funcs) = since(emu, from);
        progress!(
            "changes: {what}: {r} requests ({}) in {:.2} s",
            summarize(&funcs),
            took.as_secs_f64()
        );
        rows.push(row(
            format!("Round trips: {what}"),
            target,
            format!(
                "**{r}** ({}{}; {:.1} s = {:.1} RT)",
                summarize(&funcs),
                if busy > 0 {
                    format!(", {busy} refused busy")
                } else {
                    String::new()
                },
                took.as_secs_f64(),
                took.as_secs_f64() * 1e3 / lat
            ),
            String::new(),
        ));
    };
    let (_, took, from) = run(s(&["schedules", "list", "--instance", &server])).await;
    report("`schedules list`", "1", took, from);
    let (out, took, from) = run(s(&[
        "schedules",
        "add",
        "--instance",
        &server,
        "--name",
        "bench-added",
        "--days",
        "mon-fri",
        "--time",
        "03:00",
        "--json",
    ]))
    .await;
    report("`schedules add`", "1 or 2", took, from);
    let id = serde_json::from_str::<serde_json::Value>(&out)
        .ok()
        .and_then(|v| v.get("id").and_then(serde_json::Value::as_u64))
        .unwrap_or_else(|| panic!("schedules add --json printed no id: {out}"))
        .to_string();
    let (_, took, from) = run(s(&[
        "schedules",
        "edit",
        "--instance",
        &server,
        "--id",
        &id,
        "--time",
        "03:30",
    ]))
    .await;
    report("`schedules edit`", "2", took, from);
    let (_, took, from) = run(s(&[
        "schedules",
        "rm",
        "--id",
        &id,
        "--instance",
        &server,
        "--yes",
    ]))
    .await;
    report("`schedules rm --instance`", "2", took, from);
    // One new schedule on each of the first `apply` servers.
    let mut plan = String::from("server_timezone = \"+03:00\"\n");
    for k in 0..args.apply as u64 {
        plan.push_str(&format!(
            "\n[[server]]\nid = {}\n\n[[server.schedule]]\nname = \"bench-applied\"\ndays = \"daily\"\ntime = \"04:{:02}\"\n",
            FIRST_ID + k,
            k % 60
        ));
    }
    let plan_path = home.path().join("plan.toml");
    std::fs::write(&plan_path, plan).unwrap();
    progress!(
        "changes: apply -f plan.toml to {} servers, about {:.0} s",
        args.apply,
        (3 * args.apply) as f64 * lat / 1e3
    );
    let (_, took, from) = run(vec![
        "apply".into(),
        "-f".into(),
        plan_path.display().to_string(),
        "--yes".into(),
    ])
    .await;
    report(
        &format!(
            "`apply -f plan.toml`, one new schedule on each of {} servers",
            args.apply
        ),
        &format!("≤ {}", 2 * args.apply),
        took,
        from,
    );
    rows
}

/// Figure d: the first frame after start with a cached fleet, beside the first frame of an
/// empty screen.
///
/// TODO(issue 13, lead): there is no fleet cache on this branch yet. Once it lands, measure
/// here (like `examples/measure_tui.rs`: the real binary in a pseudo-terminal, the emulator at
/// `args.latency_ms` with `args.servers` servers): run `bsched` once until the cache is
/// written, then time start → first frame that shows a cached server row (e.g. `node-0000`)
/// ten times, and beside it, start → first frame of an empty screen (no cache file), ten
/// times, alternating; report the medians and their ratio. Targets: cached < 100 ms, and
/// ≤ 1.2 × the empty screen's.
fn first_frame_cached_vs_empty(args: &Args) -> Vec<Row> {
    progress!(
        "first-frame: TODO, the fleet cache is not on this branch ({} servers, {} ms)",
        args.servers,
        args.latency_ms
    );
    vec![row(
        "First frame after start showing the cached fleet, vs an empty screen",
        "< 100 ms and ≤ 1.2×",
        "TODO: not measurable before the fleet cache exists".into(),
        "(nothing to show until every list is back)".into(),
    )]
}
