//! The fault matrix: every fault the emulator injects, against every flow of the CLI (the real
//! binary) and of the TUI (its state machine driven through the real command executor). Each
//! cell checks: no panic, no wait beyond the timeouts, one clear error, the right exit code, the
//! form's content kept, nothing deleted that was not confirmed, no schedule created twice.
//!
//! The matrix is written to RELIABILITY.md: run with `BSCHED_WRITE_DOCS=1` to regenerate it;
//! otherwise the test fails when the committed file no longer matches what the run observed.

use crate::common;
use crate::support::proxy;

use std::time::{Duration, Instant};

use bsched::emulator::{Emulator, Fault, When};
use bsched::journal::{Journal, Outcome};
use bsched::tui::app::App;
use bsched::tui::worker::Executor;
use common::Background;
use common::cli::Home;
use common::tui::{ch, drive, key, press, test_now, test_zones, typed};
use crossterm::event::KeyCode;
use proxy::Proxy;

const WEB1: u64 = 5_203_770; // "nightly" 301, Mon-Fri 02:01
const STAGING: u64 = 5_203_775; // no schedule
const TIMEOUT_SECS: u64 = 1;
/// The longest a flow may take: a few requests, each bounded by the timeout, and the busy
/// backoff (1 s, then 2 s). An upper bound for "does not hang", not a timing test.
const LIMIT: Duration = Duration::from_secs(20);

const LIST: &str = "instances.fleio_bckps.schedule";
const EDIT: &str = "instances.fleio_bckps.schedule.edit";
const DELETE: &str = "instances.fleio_bckps.schedule.delete";

#[derive(Clone)]
struct Case {
    name: &'static str,
    fault: Option<Fault>,
    when: When,
    /// Exit status when the flow fails because of it.
    code: i32,
    /// The fault is not the emulator's but a proxy's in front of it: the first listing of a
    /// server after a write to it answers HTTP 500 (the write applied).
    listing: bool,
}

impl Case {
    /// Nothing listens: the connection is refused.
    fn refused(&self) -> bool {
        self.fault.is_none() && !self.listing
    }
}

fn cases() -> Vec<Case> {
    let refuse = |kind: &str, object: &str, msg: &str| Fault::Refuse {
        kind: kind.into(),
        object: object.into(),
        msg: msg.into(),
    };
    let c = |name, fault, when, code| Case {
        name,
        fault,
        when,
        code,
        listing: false,
    };
    vec![
        c(
            "latency past the timeout (after applying)",
            Some(Fault::Delay(2_500)),
            When::After,
            5,
        ),
        c("HTTP 500", Some(Fault::Status(500)), When::Before, 5),
        c(
            "HTTP 502 (after applying)",
            Some(Fault::Status(502)),
            When::After,
            5,
        ),
        c("HTTP 503", Some(Fault::Status(503)), When::Before, 5),
        c(
            "HTML error page (after applying)",
            Some(Fault::Html),
            When::After,
            5,
        ),
        c(
            "empty body (after applying)",
            Some(Fault::Empty),
            When::After,
            5,
        ),
        c(
            "truncated JSON (after applying)",
            Some(Fault::Truncated),
            When::After,
            5,
        ),
        c(
            "connection reset (after applying)",
            Some(Fault::Reset),
            When::After,
            5,
        ),
        c("connection refused", None, When::Before, 5),
        c(
            "session expired mid-flow",
            Some(Fault::ExpireSessions),
            When::Before,
            4,
        ),
        c("403 edge block", Some(Fault::Status(403)), When::Before, 5),
        c("460 edge block", Some(Fault::Status(460)), When::Before, 5),
        c(
            "doc.error runningoperation",
            Some(Fault::running_operation()),
            When::Before,
            3,
        ),
        c(
            "doc.error value",
            Some(refuse(
                "value",
                "rotation_time",
                "The value of the field is invalid",
            )),
            When::Before,
            3,
        ),
        Case {
            listing: true,
            ..c("the listing after a write fails", None, When::Before, 5)
        },
    ]
}

/// The outcome the journal in `path` records for its newest entry.
fn last_outcome(path: &std::path::Path) -> Option<Outcome> {
    Journal::at(path, "default")
        .read()
        .ok()
        .and_then(|e| e.last().map(|e| e.outcome.clone()))
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// Schedules on the account: (instance, name) of each.
fn names(emu: &Emulator) -> Vec<(u64, String)> {
    emu.with(|w| {
        w.data
            .schedules
            .iter()
            .map(|s| (s.instance_id, s.name.clone()))
            .collect()
    })
}

fn count(emu: &Emulator, instance: u64, name: &str) -> usize {
    names(emu)
        .iter()
        .filter(|(i, n)| *i == instance && n == name)
        .count()
}

struct CliFlow {
    name: &'static str,
    func: &'static str,
    args: fn(&Home) -> Vec<String>,
    /// Whether the flow changes the account (then a lost answer is reconciled).
    write: bool,
    /// What must hold after a success: (instance, name, count).
    created: Option<(u64, &'static str)>,
    /// Whether it deletes schedule 301 (confirmed with --yes).
    deletes: bool,
}

fn cli_flows() -> Vec<CliFlow> {
    vec![
        CliFlow {
            name: "CLI list",
            func: LIST,
            args: |_| {
                vec![
                    "schedules".into(),
                    "list".into(),
                    "--instance".into(),
                    WEB1.to_string(),
                ]
            },
            write: false,
            created: None,
            deletes: false,
        },
        CliFlow {
            name: "CLI add",
            func: EDIT,
            args: |_| {
                [
                    "schedules",
                    "add",
                    "--instance",
                    &STAGING.to_string(),
                    "--name",
                    "fm",
                    "--days",
                    "mon",
                    "--time",
                    "01:00",
                ]
                .map(String::from)
                .to_vec()
            },
            write: true,
            created: Some((STAGING, "fm")),
            deletes: false,
        },
        CliFlow {
            name: "CLI edit",
            func: EDIT,
            args: |_| {
                [
                    "schedules",
                    "edit",
                    "--instance",
                    &WEB1.to_string(),
                    "--id",
                    "301",
                    "--time",
                    "03:00",
                ]
                .map(String::from)
                .to_vec()
            },
            write: true,
            created: None,
            deletes: false,
        },
        CliFlow {
            name: "CLI rm",
            func: DELETE,
            args: |_| {
                [
                    "schedules",
                    "rm",
                    "--instance",
                    &WEB1.to_string(),
                    "--id",
                    "301",
                    "--yes",
                ]
                .map(String::from)
                .to_vec()
            },
            write: true,
            created: None,
            deletes: true,
        },
        CliFlow {
            name: "CLI apply",
            func: EDIT,
            args: |home| {
                let plan = home.write(
                    "plan.toml",
                    &format!(
                        "server_timezone = \"+03:00\"\n[[server]]\nid = {STAGING}\n[[server.schedule]]\nname = \"fm\"\ndays = \"mon\"\ntime = \"01:00\"\n"
                    ),
                );
                vec![
                    "apply".into(),
                    "-f".into(),
                    plan.to_str().unwrap().into(),
                    "--yes".into(),
                ]
            },
            write: true,
            created: Some((STAGING, "fm")),
            deletes: false,
        },
    ]
}

/// Runs one CLI cell and returns what it observed, for the table.
fn cli_cell(flow: &CliFlow, case: &Case) -> String {
    let bg = Background::start();
    let proxy = case.listing.then(|| Proxy::start(&bg.emu.url()));
    let url = match (&case.fault, &proxy) {
        (_, Some(p)) => p.url(),
        (None, None) => format!("http://127.0.0.1:{}/", closed_port()),
        (Some(_), None) => bg.emu.url(),
    };
    let mut home = Home::for_url(&url);
    let cfg = home.write(
        "config.toml",
        &format!("[profiles.default]\nrequest_timeout_secs = {TIMEOUT_SECS}\nconnect_timeout_secs = {TIMEOUT_SECS}\n"),
    );
    home.env
        .push(("BSCHED_CONFIG".into(), cfg.to_str().unwrap().into()));
    let expire = matches!(case.fault, Some(Fault::ExpireSessions));
    if let Some(f) = &case.fault {
        bg.emu.push_fault(f.clone(), case.when, Some(flow.func));
    }
    if let Some(p) = &proxy {
        p.fail_listing_after_write();
    }
    let before = names(&bg.emu);
    let args = (flow.args)(&home);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let start = Instant::now();
    let r = home.run(&args);
    let took = start.elapsed();
    let cell = format!("{} × {}", flow.name, case.name);
    assert!(
        !r.stderr.contains("panicked"),
        "{cell}: panic: {}",
        r.stderr
    );
    assert!(took < LIMIT, "{cell}: took {took:?}");
    let after = names(&bg.emu);
    if r.code != 0 {
        assert_eq!(r.code, case.code, "{cell}: {}", r.stderr);
        let lines: Vec<&str> = r.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{cell}: one clear error: {}", r.stderr);
        assert!(lines[0].starts_with("error: "), "{cell}: {}", r.stderr);
        assert!(
            !lines[0].contains('{') && !lines[0].contains("<html"),
            "{cell}: no body echoed: {}",
            lines[0]
        );
    }
    // Nothing deleted that was not confirmed; at most one of anything created.
    if !flow.deletes {
        for s in &before {
            assert!(after.contains(s), "{cell}: {s:?} disappeared");
        }
    }
    if let Some((inst, name)) = flow.created {
        let n = count(&bg.emu, inst, name);
        // A write whose listing afterwards failed was applied, whatever the exit status.
        let expected = usize::from(r.code == 0 || case.listing);
        assert_eq!(n, expected, "{cell}: created {n} times, exit {}", r.code);
    }
    let unknown = case.listing && flow.write && r.code != 0;
    if unknown {
        let journal = home.dir.path().join("data/bsched/journal.jsonl");
        assert_eq!(
            last_outcome(&journal),
            Some(Outcome::Unknown),
            "{cell}: the journal says it may have been applied"
        );
    }
    if flow.deletes {
        let gone = !after.iter().any(|(i, n)| *i == WEB1 && n == "nightly");
        assert_eq!(gone, r.code == 0, "{cell}: deleted only when it says so");
    }
    match (r.code, expire, flow.write, case.when) {
        (0, true, _, _) => "✓ logged in again, done".into(),
        (0, _, true, When::After) => "✓ applied; lost answer reconciled by listing".into(),
        (0, _, _, _) => "✓ done".into(),
        (code, _, _, _) if unknown => format!("✓ exit {code}, applied once, journal: unknown"),
        (code, _, _, _) => format!("✓ exit {code}, one-line error"),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TuiFlow {
    Load,
    Create,
    Edit,
    Delete,
    Bulk,
}

impl TuiFlow {
    fn name(self) -> &'static str {
        match self {
            TuiFlow::Load => "TUI load",
            TuiFlow::Create => "TUI create",
            TuiFlow::Edit => "TUI edit",
            TuiFlow::Delete => "TUI delete",
            TuiFlow::Bulk => "TUI bulk apply",
        }
    }

    fn func(self) -> &'static str {
        match self {
            TuiFlow::Load => "instances",
            TuiFlow::Create | TuiFlow::Edit | TuiFlow::Bulk => EDIT,
            TuiFlow::Delete => DELETE,
        }
    }
}

/// Selects a server by name through the filter.
fn select(app: &mut App, name: &str) {
    press(app, [ch('/')]);
    press(app, typed(name));
    press(app, [key(KeyCode::Enter)]);
}

async fn tui_cell(flow: TuiFlow, case: &Case) -> String {
    let emu = common::emulator().await;
    let proxy = case.listing.then(|| Proxy::start(&emu.url()));
    let url = match (&case.fault, &proxy) {
        (_, Some(p)) => p.url(),
        (None, None) => format!("http://127.0.0.1:{}/", closed_port()),
        (Some(_), None) => emu.url(),
    };
    let mut cfg = bsched::api::ClientConfig::new(bsched::api::checked_url(&url).unwrap());
    cfg.username = Some(bsched::emulator::DEMO_USER.into());
    cfg.password = Some(bsched::api::Secret::new(bsched::emulator::DEMO_PASSWORD));
    cfg.request_timeout = Duration::from_secs(TIMEOUT_SECS);
    cfg.connect_timeout = Duration::from_secs(TIMEOUT_SECS);
    let client = bsched::api::Client::new(cfg).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let journal_path = dir.path().join("journal.jsonl");
    let journal = Journal::at(&journal_path, "default");
    let ctx = Executor::new(Some(client.clone()), Some(journal));
    let mut app = App::new(
        bsched::tui::app::Session::for_client(&client, "demo"),
        Default::default(),
    );
    app.now = test_now();
    app.session.zones = test_zones();
    let cell = format!("{} × {}", flow.name(), case.name);
    let expire = matches!(case.fault, Some(Fault::ExpireSessions));
    let inject = |emu: &Emulator| {
        if let Some(f) = &case.fault {
            emu.push_fault(f.clone(), case.when, Some(flow.func()));
        }
        if let Some(p) = &proxy {
            p.fail_listing_after_write();
        }
    };
    if flow == TuiFlow::Load {
        inject(&emu);
    }
    let start = Instant::now();
    let cmds = app.init();
    drive(&mut app, &ctx, cmds).await;
    if flow == TuiFlow::Load {
        assert!(start.elapsed() < LIMIT, "{cell}");
        return if app.fleet.servers_loaded() {
            assert_eq!(app.fleet.servers().len(), 25, "{cell}");
            if expire {
                "✓ logged in again, loaded"
            } else {
                "✓ loaded"
            }
            .into()
        } else {
            let err = app.fleet.servers.error.clone().unwrap_or_default();
            assert!(!err.is_empty() && !err.contains('\n'), "{cell}: {err}");
            assert!(app.notice.as_ref().is_some_and(|n| n.error), "{cell}");
            "✓ error shown, nothing loaded".into()
        };
    }
    if case.refused() {
        // The connection was refused already at load; nothing more to do.
        assert!(!app.fleet.servers_loaded(), "{cell}");
        return "✓ error shown, nothing loaded".into();
    }
    inject(&emu);
    let before = names(&emu);
    let start = Instant::now();
    let outcome = match flow {
        TuiFlow::Create | TuiFlow::Edit => {
            if flow == TuiFlow::Create {
                select(&mut app, "staging");
                press(&mut app, [ch('n')]);
                press(&mut app, typed("fm"));
                press(&mut app, [key(KeyCode::Tab), ch('1'), key(KeyCode::Tab)]);
                press(&mut app, typed("0100"));
            } else {
                select(&mut app, "web-1");
                press(
                    &mut app,
                    [
                        key(KeyCode::Tab),
                        ch('e'),
                        key(KeyCode::Tab),
                        key(KeyCode::Tab),
                    ],
                );
                press(&mut app, typed("0300"));
            }
            let typed_form = app
                .layers
                .get::<bsched::tui::layers::form::Form>()
                .cloned()
                .unwrap();
            let cmds = press(&mut app, [key(KeyCode::Enter)]);
            drive(&mut app, &ctx, cmds).await;
            match app.layers.get::<bsched::tui::layers::form::Form>() {
                None => {
                    if flow == TuiFlow::Create {
                        assert_eq!(count(&emu, STAGING, "fm"), 1, "{cell}: exactly once");
                    }
                    if expire {
                        "✓ logged in again, saved".to_string()
                    } else if case.when == When::After {
                        "✓ saved; lost answer reconciled by listing".to_string()
                    } else {
                        "✓ saved".to_string()
                    }
                }
                Some(form) => {
                    assert_eq!(
                        (&form.name, form.days, form.time),
                        (&typed_form.name, typed_form.days, typed_form.time),
                        "{cell}: the form keeps what was typed"
                    );
                    let err = form.error.clone().unwrap_or_default();
                    assert!(!err.is_empty() && !err.contains('\n'), "{cell}: {err}");
                    if case.listing {
                        // Applied, but the listing after it failed: it may have been applied.
                        if flow == TuiFlow::Create {
                            assert_eq!(count(&emu, STAGING, "fm"), 1, "{cell}");
                        }
                        assert_eq!(
                            last_outcome(&journal_path),
                            Some(Outcome::Unknown),
                            "{cell}"
                        );
                        "✓ form kept with the reason; journal: unknown".to_string()
                    } else {
                        if flow == TuiFlow::Create {
                            assert_eq!(count(&emu, STAGING, "fm"), 0, "{cell}");
                        }
                        "✓ form kept with the reason".to_string()
                    }
                }
            }
        }
        TuiFlow::Delete => {
            select(&mut app, "web-1");
            press(&mut app, [key(KeyCode::Tab), ch('d')]);
            assert!(
                app.layers
                    .is_open::<bsched::tui::layers::confirm::ConfirmDelete>()
            );
            let cmds = press(&mut app, [ch('y')]);
            drive(&mut app, &ctx, cmds).await;
            let gone = count(&emu, WEB1, "nightly") == 0;
            let notice = app.notice.clone().unwrap();
            assert!(!notice.text.contains('\n'), "{cell}");
            assert_eq!(
                !notice.error, gone,
                "{cell}: says deleted only when it is: {}",
                notice.text
            );
            if gone {
                if case.when == When::After {
                    "✓ deleted; lost answer reconciled by listing".into()
                } else if expire {
                    "✓ logged in again, deleted".into()
                } else {
                    "✓ deleted".into()
                }
            } else {
                "✓ row kept, reason shown".into()
            }
        }
        TuiFlow::Bulk => {
            press(&mut app, [ch('/')]);
            press(&mut app, typed("app-0"));
            press(&mut app, [key(KeyCode::Enter), ch('*'), ch('A')]);
            press(&mut app, typed("fm"));
            press(&mut app, [key(KeyCode::Tab), ch('w'), key(KeyCode::Tab)]);
            press(&mut app, typed("0200"));
            press(&mut app, [key(KeyCode::Enter)]);
            let cmds = press(&mut app, [ch('y')]);
            drive(&mut app, &ctx, cmds).await;
            let (done, failed, _) = app
                .layers
                .get::<bsched::tui::layers::plan::PlanScreen>()
                .unwrap()
                .progress();
            assert_eq!(done + failed, 9, "{cell}");
            if failed > 0 {
                let cmds = press(&mut app, [ch('r')]);
                drive(&mut app, &ctx, cmds).await;
            }
            let (done_after, failed_after, _) = app
                .layers
                .get::<bsched::tui::layers::plan::PlanScreen>()
                .unwrap()
                .progress();
            assert_eq!(
                (done_after, failed_after),
                (9, 0),
                "{cell}: a retry completes it"
            );
            let per_server: Vec<usize> = (0..9).map(|i| count(&emu, 5_203_785 + i, "fm")).collect();
            assert!(
                per_server.iter().all(|n| *n == 1),
                "{cell}: once per server: {per_server:?}"
            );
            if failed > 0 {
                format!("✓ {failed} failed, retry completed, no duplicate")
            } else if expire {
                "✓ logged in again, all applied".into()
            } else if case.when == When::After {
                "✓ all applied; lost answer reconciled".into()
            } else {
                "✓ all applied".into()
            }
        }
        TuiFlow::Load => unreachable!(),
    };
    assert!(
        start.elapsed() < LIMIT,
        "{cell}: took {:?}",
        start.elapsed()
    );
    // Nothing deleted that was not confirmed.
    let after = names(&emu);
    if flow != TuiFlow::Delete {
        for s in &before {
            assert!(after.contains(s), "{cell}: {s:?} disappeared");
        }
    }
    outcome
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_against_every_flow() {
    let cases = cases();
    let flows = cli_flows();
    let tui = [
        TuiFlow::Load,
        TuiFlow::Create,
        TuiFlow::Edit,
        TuiFlow::Delete,
        TuiFlow::Bulk,
    ];
    let mut table = String::new();
    let mut head = vec!["fault".to_string()];
    head.extend(flows.iter().map(|f| f.name.to_string()));
    head.extend(tui.iter().map(|f| f.name().to_string()));
    table.push_str(&format!("| {} |\n", head.join(" | ")));
    table.push_str(&format!("|{}\n", "---|".repeat(head.len())));
    for case in &cases {
        let mut row = vec![case.name.to_string()];
        for flow in &flows {
            let case = case.clone();
            let flow_idx = flows.iter().position(|f| f.name == flow.name).unwrap();
            let cell = tokio::task::spawn_blocking(move || cli_cell(&cli_flows()[flow_idx], &case))
                .await
                .unwrap();
            row.push(cell);
        }
        for flow in tui {
            row.push(tui_cell(flow, case).await);
        }
        table.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    let doc = format!(
        "# Reliability\n\n\
         Generated by `tests/it/fault_matrix.rs` \
         (`BSCHED_WRITE_DOCS=1 cargo test --test it fault_matrix` rewrites it; a plain `cargo test` \
         fails if this file no longer matches what the run observed).\n\n\
         Every fault the emulator can inject, against every flow: the CLI as the real binary, the \
         TUI as its state machine driven through the real command executor, each against a fresh \
         emulator on 127.0.0.1 with a {TIMEOUT_SECS} s request timeout. \"After applying\" faults let \
         the change happen and then lose its answer. Each cell asserted: no panic; the flow ended \
         within {} s; a failure is one line (`error: …` on stderr, or the form's or status line's \
         message) with the right exit code (3 refused, 4 authentication, 5 network or unreadable \
         answer); the form keeps what was typed; nothing was deleted that was not confirmed; no \
         schedule was created twice (a create whose answer was lost is reconciled by listing \
         again, and a bulk retry lists the failed servers again before sending anything).\n\n\
         The last row's fault is not the emulator's: a proxy in the test \
         (`tests/it/support/proxy.rs`) lets a write through and answers HTTP 500 to the first \
         listing of that server after it. \
         The change was applied but could not be confirmed, so the journal records its outcome as \
         unknown (never failed) with a note that it may have been applied and how to check, and \
         the CLI exits 5; `apply` lists first, so running it again sends nothing twice. Flows \
         that do not list after a clear answer are not affected: list, delete, and the writes \
         that trust an `ok` (the CLI's edit and `apply`, the TUI's bulk apply).\n\n\
         A session that expires mid-flow is renewed by logging in again once; the CLI cells \
         show that as \"logged in again\". The TUI's connection-refused row is the load, since \
         nothing else can start without it.\n\n{table}",
        LIMIT.as_secs()
    );
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("RELIABILITY.md");
    if std::env::var_os("BSCHED_WRITE_DOCS").is_some() {
        // The sections after the matrix (fuzzing, terminal, security) are written by hand.
        let existing = std::fs::read_to_string(&path).unwrap_or_default();
        let tail = existing.find("\n## ").map(|i| &existing[i..]).unwrap_or("");
        std::fs::write(&path, format!("{doc}{tail}")).unwrap();
    } else {
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        // The generated part ends where the hand-written sections begin.
        let fault_table = |s: &str| {
            let generated = s.find("\n## ").map_or(s, |i| &s[..i]);
            generated
                .lines()
                .filter(|l| l.starts_with('|'))
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fault_table(&committed),
            fault_table(&doc),
            "RELIABILITY.md is out of date: run BSCHED_WRITE_DOCS=1 cargo test --test it fault_matrix"
        );
    }
}
