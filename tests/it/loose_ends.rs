//! Loose ends of the hostile-world work: single CLI changes whose report cannot be written
//! (exit 6, the change stands) or whose outcome the journal cannot record (a warning), files
//! other users can read (warned about by commands, the TUI and the demo), and the TUI's worker
//! forwarding journal warnings and the panel's server filter. The real binary and the real
//! executor against emulators on 127.0.0.1.

use crate::common;
use crate::support::proxy;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bsched::api::{Client, ClientConfig, Secret, checked_url};
use bsched::domain::{ScheduleName, ScheduleSpec, Weekdays};
use bsched::emulator::{DEMO_PASSWORD, DEMO_USER, Options};
use bsched::journal::Journal;
use bsched::tui::app::App;
use bsched::tui::msg::{Cmd, Msg};
use bsched::tui::worker::Executor;
use common::Background;
use common::cli::{Home, Run, base, finish};
use common::pty::Pty;
use proxy::Proxy;

const WEB1: u64 = 5_203_770; // "nightly" 301, Mon-Fri 02:01
const STAGING: u64 = 5_203_775; // no schedule

/// The generous bound for anything to happen on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(120);

fn data_dir(home: &Path) -> PathBuf {
    home.join("data/bsched")
}

fn command(home: &Home, args: &[&str]) -> Command {
    let mut cmd = base(home.dir.path());
    cmd.envs(home.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .args(args);
    cmd
}

/// Runs `bsched ARGS` with its standard output on `/dev/full`: every write fails with ENOSPC.
fn run_full(home: &Home, args: &[&str]) -> Run {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    finish(command(home, args).stdout(full).output().expect("run"))
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

fn names_on(bg: &Background, instance: u64) -> Vec<String> {
    bg.emu.with(|w| {
        w.data
            .schedules
            .iter()
            .filter(|s| s.instance_id == instance)
            .map(|s| s.name.clone())
            .collect()
    })
}

fn retention_of(bg: &Background, instance: u64) -> u8 {
    bg.emu.with(|w| {
        w.data
            .instances
            .iter()
            .find(|i| i.id == instance)
            .map(|i| i.backup_rotation)
            .expect("the server")
    })
}

/// The report could not be written, the change stands: exit 6 with a sentence that says so.
fn assert_made(r: &Run, what: &str, made: &str) {
    assert_eq!(r.code, 6, "{what}: {}", r.stderr);
    assert!(
        r.stderr.contains(made)
            && r.stderr.contains("the report could not be written")
            && r.stderr.contains("bsched log"),
        "{what}: {}",
        r.stderr
    );
    assert!(!r.stderr.contains("nothing was"), "{what}: {}", r.stderr);
}

#[test]
fn single_changes_whose_report_cannot_be_written_exit_6_and_stand() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());

    let r = run_full(
        &home,
        &[
            "schedules",
            "add",
            "--instance",
            &STAGING.to_string(),
            "--name",
            "full disk",
            "--days",
            "mon",
            "--time",
            "03:00",
        ],
    );
    assert_made(&r, "add", "was created on server");
    assert_eq!(names_on(&bg, STAGING), vec!["full disk".to_string()]);

    // The same with --json: the JSON cannot be written either.
    let r = run_full(
        &home,
        &[
            "schedules",
            "add",
            "--instance",
            &STAGING.to_string(),
            "--name",
            "full json",
            "--days",
            "tue",
            "--time",
            "04:00",
            "--json",
        ],
    );
    assert_made(&r, "add --json", "was created on server");
    assert_eq!(names_on(&bg, STAGING).len(), 2);

    let r = run_full(
        &home,
        &[
            "schedules",
            "edit",
            "--instance",
            &WEB1.to_string(),
            "--id",
            "301",
            "--name",
            "renamed",
        ],
    );
    assert_made(&r, "edit", "was changed");
    assert_eq!(names_on(&bg, WEB1), vec!["renamed".to_string()]);

    let before = retention_of(&bg, WEB1);
    let keep = if before == 3 { 4 } else { 3 };
    let r = run_full(
        &home,
        &[
            "retention",
            "--instance",
            &WEB1.to_string(),
            "--set",
            &keep.to_string(),
        ],
    );
    assert_made(&r, "retention --set", "was set to keep");
    assert_eq!(retention_of(&bg, WEB1), keep);

    let r = run_full(
        &home,
        &[
            "schedules",
            "rm",
            "--instance",
            &WEB1.to_string(),
            "--id",
            "301",
            "--yes",
        ],
    );
    assert_made(&r, "rm", "was deleted");
    assert!(names_on(&bg, WEB1).is_empty());

    // Every change is in the journal, each done.
    let log = home.run(&["log", "--json", "--limit", "0"]);
    assert_eq!(log.code, 0, "{}", log.stderr);
    let entries: serde_json::Value = serde_json::from_str(&log.stdout).expect("json");
    let outcomes: Vec<&str> = entries
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["outcome"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(outcomes, vec!["done"; 5], "{}", log.stdout);

    // A failure to write output before anything was changed is an output error (6), not bad
    // usage (2).
    let r = run_full(
        &home,
        &["schedules", "list", "--instance", &WEB1.to_string()],
    );
    assert_eq!(r.code, 6, "{}", r.stderr);
}

fn wait_child(child: std::process::Child, what: &str) -> Run {
    let mut child = child;
    let start = Instant::now();
    loop {
        if child.try_wait().expect("try_wait").is_some() {
            return finish(child.wait_with_output().expect("output"));
        }
        if start.elapsed() > PATIENCE {
            let _ = child.kill();
            panic!("{what} did not end");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Replaces the journal with a directory: the next append fails (as with a vanished disk).
fn break_journal(journal: &Path) {
    std::fs::rename(journal, journal.with_extension("old")).expect("rename");
    std::fs::create_dir(journal).expect("mkdir");
}

#[test]
fn a_single_change_whose_outcome_cannot_be_recorded_warns_on_stderr() {
    let bg = Background::start();
    let proxy = Proxy::start(&bg.emu.url());
    let home = Home::for_url(&proxy.url());
    let held = proxy.hold("instances.fleio_bckps.schedule.edit");
    let child = command(
        &home,
        &[
            "schedules",
            "add",
            "--instance",
            &STAGING.to_string(),
            "--name",
            "unrecorded",
            "--days",
            "mon",
            "--time",
            "03:00",
        ],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("spawn");
    held.wait_arrived();
    // The intent is written; now the journal cannot take the outcome.
    break_journal(&data_dir(home.dir.path()).join("journal.jsonl"));
    held.release();
    let r = wait_child(child, "schedules add");
    assert_eq!(r.code, 0, "the change was made: {}", r.stderr);
    assert!(r.stdout.contains("Created schedule"), "{}", r.stdout);
    assert_eq!(names_on(&bg, STAGING), vec!["unrecorded".to_string()]);
    assert!(
        r.stderr.contains(
            "warning: the change of journal entry 1 ended (done) but that could not be recorded"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn commands_warn_about_a_journal_or_a_session_others_can_read() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());
    let set = |n: &str| home.run(&["retention", "--instance", &WEB1.to_string(), "--set", n]);
    let first = set("2");
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(!first.stderr.contains("warning"), "{}", first.stderr);
    let data = data_dir(home.dir.path());
    let journal = data.join("journal.jsonl");
    let session = data.join("sessions/default.json");
    assert!(session.is_file(), "the session is kept");

    chmod(&journal, 0o644);
    let r = set("3");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let line = format!(
        "warning: {} (the change journal) can be read by other users; run: chmod 600 {}",
        journal.display(),
        journal.display()
    );
    assert!(r.stderr.contains(&line), "{}", r.stderr);
    chmod(&journal, 0o600);

    chmod(&session, 0o640);
    let r = home.run(&["instances"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let line = format!(
        "warning: {} (a stored session) can be read by other users; run: chmod 600 {}",
        session.display(),
        session.display()
    );
    assert!(r.stderr.contains(&line), "{}", r.stderr);
    assert_eq!(r.stderr.matches("can be read by other users").count(), 1);
}

fn client_for(url: &str) -> Client {
    let mut cfg = ClientConfig::new(checked_url(url).expect("loopback url"));
    cfg.username = Some(DEMO_USER.into());
    cfg.password = Some(Secret::new(DEMO_PASSWORD));
    cfg.request_timeout = Duration::from_secs(30);
    Client::new(cfg).expect("client")
}

/// Receives messages until one satisfies `done`, returning every message seen.
fn receive_until(
    rt: &tokio::runtime::Runtime,
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<Msg>,
    what: &str,
    done: impl Fn(&[Msg]) -> bool,
) -> Vec<Msg> {
    let mut seen = Vec::new();
    while !done(&seen) {
        let next = rt.block_on(tokio::time::timeout(PATIENCE, rx.recv()));
        match next {
            Ok(Some(m)) => seen.push(m),
            _ => panic!("waited too long for {what}; seen: {seen:?}"),
        }
    }
    seen
}

#[test]
fn the_tui_worker_forwards_what_the_journal_could_not_record() {
    let bg = Background::start();
    let proxy = Proxy::start(&bg.emu.url());
    let dir = tempfile::tempdir().expect("tempdir");
    let journal = dir.path().join("journal.jsonl");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let _guard = rt.enter();
    let ctx = Executor::new(
        Some(client_for(&proxy.url())),
        Some(Journal::at(&journal, "default")),
    );
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let held = proxy.hold("instances.fleio_bckps.schedule.edit");
    let spec = ScheduleSpec::new(
        ScheduleName::new("tui unrecorded").unwrap(),
        Weekdays::WORKDAYS,
        "05:00".parse().unwrap(),
    )
    .unwrap();
    ctx.spawn(
        Cmd::Create {
            instance: STAGING,
            spec,
        },
        &tx,
    );
    held.wait_arrived();
    break_journal(&journal);
    held.release();
    let seen = receive_until(&rt, &mut rx, "the warning", |seen| {
        seen.iter().any(|m| matches!(m, Msg::Warnings(_)))
    });
    assert!(
        seen.iter()
            .any(|m| matches!(m, Msg::Saved { result: Ok(_), .. })),
        "the change was made: {seen:?}"
    );
    let Some(Msg::Warnings(list)) = seen.iter().find(|m| matches!(m, Msg::Warnings(_))) else {
        unreachable!()
    };
    assert!(
        list.iter().any(|w| w
            .contains("the change of journal entry 1 ended (done) but that could not be recorded")),
        "{list:?}"
    );
    assert_eq!(names_on(&bg, STAGING), vec!["tui unrecorded".to_string()]);

    // In the app, it is an error notice in the status line.
    let mut app = App::new(
        bsched::tui::app::Session::new("demo", "127.0.0.1"),
        Default::default(),
    );
    app.update(Msg::Warnings(list.clone()));
    let notice = app.notice.as_ref().expect("a notice");
    assert!(notice.error && notice.text.contains("could not be recorded"));
}

#[test]
fn the_tui_worker_sends_the_panel_filter_with_the_server_list() {
    let bg = Background::start();
    bg.emu
        .with(|w| w.set_filter(DEMO_USER, &[("datacenter", "Poland")]));
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let _guard = rt.enter();
    let client = client_for(&bg.emu.url());
    let mut app = App::new(
        bsched::tui::app::Session::for_client(&client, DEMO_USER),
        Default::default(),
    );
    let ctx = Executor::new(Some(client.clone()), None);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let cmds = app.init();
    assert_eq!(cmds.len(), 1);
    for cmd in cmds {
        ctx.spawn(cmd, &tx);
    }
    let seen = receive_until(&rt, &mut rx, "the server list", |seen| {
        seen.iter().any(|m| matches!(m, Msg::Instances { .. }))
    });
    let filter_at = seen
        .iter()
        .position(|m| matches!(m, Msg::PanelFilter { .. }))
        .unwrap_or_else(|| panic!("the filter comes with the list: {seen:?}"));
    let list_at = seen
        .iter()
        .position(|m| matches!(m, Msg::Instances { .. }))
        .expect("the list");
    assert!(filter_at < list_at, "the filter comes first: {seen:?}");
    let Msg::PanelFilter { fields, .. } = &seen[filter_at] else {
        unreachable!()
    };
    assert_eq!(fields, &vec!["datacenter".to_string()]);
    for m in seen {
        app.update(m);
    }
    assert_eq!(app.fleet.panel_filter, vec!["datacenter".to_string()]);
    assert!(app.fleet.servers_loaded());
    assert!(
        app.fleet
            .servers()
            .iter()
            .all(|s| s.datacenter.contains("Poland")),
        "the emulator hides the others"
    );

    // Cleared in the panel; a new session reads it again, and the next list drops the mark.
    bg.emu.with(|w| w.set_filter(DEMO_USER, &[]));
    let ctx = Executor::new(Some(client_for(&bg.emu.url())), None);
    let refresh = app.update(Msg::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('r'),
        crossterm::event::KeyModifiers::NONE,
    )));
    let load = refresh
        .into_iter()
        .find(|c| matches!(c, Cmd::LoadInstances { .. }))
        .expect("r loads the servers again");
    ctx.spawn(load, &tx);
    let seen = receive_until(&rt, &mut rx, "the new list", |seen| {
        seen.iter().any(|m| matches!(m, Msg::Instances { .. }))
    });
    for m in seen {
        app.update(m);
    }
    assert!(
        app.fleet.panel_filter.is_empty(),
        "{:?}",
        app.fleet.panel_filter
    );
    assert_eq!(
        app.fleet.servers().len(),
        25,
        "every server is listed again"
    );
}

/// `bsched demo` in a terminal, in a home whose demo state and a stored session others can
/// read: each is warned about, with its fix, before the screen is taken.
#[test]
fn the_demo_warns_about_files_others_can_read_before_taking_the_screen() {
    let home = tempfile::tempdir().expect("tempdir");
    let data = data_dir(home.path());
    let state = data.join("demo-state.json");
    std::fs::create_dir_all(data.join("sessions")).expect("mkdir");
    // A demo state from an earlier run (written by an emulator), then made readable.
    drop(Background::with(Options {
        state_file: Some(state.clone()),
        ..Options::default()
    }));
    assert!(state.is_file());
    chmod(&state, 0o644);
    let session = data.join("sessions/work.json");
    std::fs::write(&session, "{}").expect("write");
    chmod(&session, 0o644);

    let mut pty = Pty::spawn_in(home, &["demo"], &[]);
    pty.wait_for("the server list", |t| t.contains("web-1"));
    let raw = String::from_utf8_lossy(&pty.raw.lock().unwrap()).into_owned();
    let screen_at = raw.find("\u{1b}[?1049h").expect("the alternate screen");
    for (path, what) in [(&state, "the demo's state"), (&session, "a stored session")] {
        let line = format!(
            "warning: {} ({what}) can be read by other users; run: chmod 600 {}",
            path.display(),
            path.display()
        );
        let at = raw
            .find(&line)
            .unwrap_or_else(|| panic!("{what} is warned about: {raw:?}"));
        assert!(at < screen_at, "{what}: before the screen is taken");
    }
    pty.send("q");
    assert!(pty.wait_exit(), "exit status 0");
    pty.assert_restored();
}
