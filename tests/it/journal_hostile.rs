//! The journal against second processes, a hostile middle and hostile files: parallel `apply`
//! runs on one journal, Ctrl+C during `apply`, an outcome that cannot be written, a listing
//! after a write that fails, a report that cannot be written, restore twice, and journals that
//! are pipes, devices, damaged or readable by others. The real binary against emulators on
//! 127.0.0.1.

use crate::common;
use crate::support::proxy;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bsched::domain::{ScheduleName, ScheduleSpec, Weekdays};
use bsched::emulator::Options;
use bsched::journal::{Journal, Outcome};
use bsched::tui::msg::{Cmd, Msg};
use bsched::tui::worker::Executor;
use common::Background;
use common::cli::{Home, Run, base, finish};
use proxy::Proxy;
use serde_json::Value;

const WEB1: u64 = 5_203_770; // "nightly" 301, Mon-Fri 02:01
const STAGING: u64 = 5_203_775; // no schedule
const APP01: u64 = 5_203_785; // app-01 .. app-10: no schedules

/// The generous bound for anything to happen on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(120);

fn journal_path(home: &Home) -> PathBuf {
    home.dir.path().join("data/bsched/journal.jsonl")
}

fn command(home: &Home, args: &[&str]) -> Command {
    let mut cmd = base(home.dir.path());
    cmd.envs(home.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .args(args);
    cmd
}

/// Waits for `child` to end, killing it (and failing) if it takes longer than `PATIENCE`.
fn wait(mut child: Child, what: &str) -> Run {
    let start = Instant::now();
    loop {
        if child.try_wait().expect("try_wait").is_some() {
            return finish(child.wait_with_output().expect("output"));
        }
        if start.elapsed() > PATIENCE {
            let _ = child.kill();
            let out = child.wait_with_output().expect("output");
            panic!(
                "{what} did not end: stdout {} stderr {}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Polls until `cond` holds, failing after `PATIENCE`.
fn until(what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < PATIENCE, "waited too long for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn writes(bg: &Background) -> usize {
    bg.emu.with(|w| {
        w.calls
            .iter()
            .filter(|c| c.ends_with(".edit") || c.ends_with(".delete"))
            .count()
    })
}

/// Schedules on `instance` as (id, name).
fn schedules(bg: &Background, instance: u64) -> Vec<(u64, String)> {
    bg.emu.with(|w| {
        w.data
            .schedules
            .iter()
            .filter(|s| s.instance_id == instance)
            .map(|s| (s.id, s.name.clone()))
            .collect()
    })
}

/// A plan creating `count` schedules named `{prefix}-{n}` on each of `servers`.
fn create_plan(servers: &[u64], prefix: &str, count: usize) -> String {
    let mut plan = String::from("server_timezone = \"+03:00\"\n");
    for s in servers {
        plan.push_str(&format!("[[server]]\nid = {s}\n"));
        for n in 0..count {
            plan.push_str(&format!(
                "[[server.schedule]]\nname = \"{prefix}-{s}-{n}\"\ndays = \"mon\"\ntime = \"{:02}:{:02}\"\n",
                n % 24,
                (n * 7) % 60
            ));
        }
    }
    plan
}

fn raw_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("journal")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn parallel_apply_processes_never_share_an_entry_number() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());
    let processes = 4;
    let per_server = 3;
    let children: Vec<(Child, Vec<u64>)> = (0..processes)
        .map(|p| {
            let servers = vec![APP01 + 2 * p, APP01 + 2 * p + 1];
            let plan = home.write(
                &format!("plan-{p}.toml"),
                &create_plan(&servers, &format!("p{p}"), per_server),
            );
            let child = command(&home, &["apply", "-f", plan.to_str().unwrap(), "--yes"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn");
            (child, servers)
        })
        .collect();
    for (child, _) in children {
        let r = wait(child, "apply");
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let total = processes as usize * 2 * per_server;

    // Raw lines: every intent has its own number, and the outcome written for it names the
    // schedule that intent asked for, on its server.
    let lines = raw_lines(&journal_path(&home));
    let mut intents: BTreeMap<u64, (u64, String)> = BTreeMap::new();
    for l in lines.iter().filter(|l| l.get("outcome_of").is_none()) {
        let id = l["id"].as_u64().unwrap();
        let was = intents.insert(
            id,
            (
                l["instance_id"].as_u64().unwrap(),
                l["after"]["name"].as_str().unwrap().to_string(),
            ),
        );
        assert!(was.is_none(), "entry {id} written twice");
    }
    assert_eq!(intents.len(), total);
    let mut outcomes = BTreeSet::new();
    for o in lines.iter().filter(|l| l.get("outcome_of").is_some()) {
        let id = o["outcome_of"].as_u64().unwrap();
        assert!(outcomes.insert(id), "two outcomes for entry {id}");
        let (instance, name) = &intents[&id];
        assert_eq!(o["outcome"], "done", "{o}");
        // Bulk apply trusts the server's clear answer and lists nothing after it; this
        // emulator answers a create without the new id, so the outcome names no id.
        assert!(o.get("after").is_none_or(|a| a.get("id").is_none()), "{o}");
        let on_server: Vec<u64> = schedules(&bg, *instance)
            .into_iter()
            .filter(|(_, n)| n == name)
            .map(|(sid, _)| sid)
            .collect();
        assert_eq!(
            on_server.len(),
            1,
            "entry {id}: '{name}' is on server {instance} once"
        );
    }
    assert_eq!(outcomes.len(), total);
    let log = Journal::at(journal_path(&home), "default")
        .load()
        .expect("load");
    assert!(log.unreadable.is_empty());
    assert!(log.entries.iter().all(|e| e.outcome == Outcome::Done));
}

#[test]
fn ctrl_c_during_apply_finishes_what_was_sent_and_sends_nothing_more() {
    let bg = Background::with(Options {
        latency_ms: 60,
        ..Options::default()
    });
    let home = Home::for_url(&bg.emu.url());
    let servers = [APP01, APP01 + 1, APP01 + 2];
    let per_server = 10;
    let plan = home.write("plan.toml", &create_plan(&servers, "c", per_server));
    let child = command(&home, &["apply", "-f", plan.to_str().unwrap(), "--yes"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let journal = journal_path(&home);
    until("the first change to be recorded", || {
        std::fs::read_to_string(&journal).is_ok_and(|t| t.contains("\"outcome_of\""))
    });
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(kill.success());
    let r = wait(child, "apply after Ctrl+C");
    assert_eq!(r.code, 130, "stdout {} stderr {}", r.stdout, r.stderr);
    assert!(r.stdout.contains("Interrupted: "), "{}", r.stdout);
    assert!(r.stderr.contains("not sent"), "{}", r.stderr);

    let entries = Journal::at(&journal, "default").read().expect("read");
    assert!(
        entries.iter().all(|e| e.outcome == Outcome::Done),
        "every change that was begun was finished and recorded: {entries:?}"
    );
    let created: usize = servers.iter().map(|s| schedules(&bg, *s).len()).sum();
    assert_eq!(created, entries.len(), "the journal says what was done");
    let not_sent: usize = r
        .stdout
        .split("Interrupted: ")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("a count of changes not sent");
    assert_eq!(
        created + not_sent,
        servers.len() * per_server,
        "{}",
        r.stdout
    );
    assert!(not_sent > 0, "{}", r.stdout);

    // The same apply again finishes the job.
    let again = home.run(&["apply", "-f", plan.to_str().unwrap(), "--yes"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    let created: usize = servers.iter().map(|s| schedules(&bg, *s).len()).sum();
    assert_eq!(created, servers.len() * per_server);
}

#[test]
fn an_outcome_that_cannot_be_written_is_a_visible_warning() {
    let bg = Background::start();
    let proxy = Proxy::start(&bg.emu.url());
    let home = Home::for_url(&proxy.url());
    let plan = home.write("plan.toml", &create_plan(&[STAGING], "w", 1));
    let held = proxy.hold("instances.fleio_bckps.schedule.edit");
    let child = command(&home, &["apply", "-f", plan.to_str().unwrap(), "--yes"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    held.wait_arrived();
    // The intent is written; now the journal cannot take the outcome (the disk is gone).
    let journal = journal_path(&home);
    std::fs::rename(&journal, journal.with_extension("old")).expect("rename");
    std::fs::create_dir(&journal).expect("mkdir");
    held.release();
    let r = wait(child, "apply");
    assert_eq!(r.code, 0, "the change was made: {}", r.stderr);
    assert_eq!(schedules(&bg, STAGING).len(), 1);
    assert!(
        r.stderr.contains(
            "warning: the change of journal entry 1 ended (done) but that could not be recorded"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn a_create_whose_listing_afterwards_fails_is_unknown_and_exits_5() {
    let bg = Background::start();
    let proxy = Proxy::start(&bg.emu.url());
    let home = Home::for_url(&proxy.url());
    let plan = home.write("plan.toml", &create_plan(&[STAGING], "u", 1));
    proxy.fail_listing_after_write();
    // `schedules add` lists after its write (bulk apply trusts a clear answer and does not):
    // the same schedule as the plan's.
    let name = format!("u-{STAGING}-0");
    let r = home.run(&[
        "schedules",
        "add",
        "--instance",
        &STAGING.to_string(),
        "--name",
        &name,
        "--days",
        "mon",
        "--time",
        "00:00",
    ]);
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("may have been applied"), "{}", r.stderr);
    assert_eq!(schedules(&bg, STAGING).len(), 1, "it was applied");
    let entries = Journal::at(journal_path(&home), "default")
        .read()
        .expect("read");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].outcome, Outcome::Unknown, "{entries:?}");
    let why = entries[0].error.clone().unwrap_or_default();
    assert!(why.contains("may have been applied"), "{why}");
    let log = home.run(&["log"]);
    assert!(log.stdout.contains("unknown: "), "{}", log.stdout);

    // Applying again lists first: the schedule is there, nothing is sent twice.
    let again = home.run(&["apply", "-f", plan.to_str().unwrap(), "--yes"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(again.stdout.starts_with("No changes"), "{}", again.stdout);
    assert_eq!(schedules(&bg, STAGING).len(), 1);
}

#[test]
fn a_report_that_cannot_be_written_after_a_change_exits_6_not_2() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());
    let rm = home.run(&[
        "schedules",
        "rm",
        "--instance",
        &WEB1.to_string(),
        "--id",
        "301",
        "--yes",
    ]);
    assert_eq!(rm.code, 0, "{}", rm.stderr);
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let out = command(&home, &["restore", "1"])
        .stdout(full)
        .output()
        .expect("run");
    let r = finish(out);
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(
        r.stderr.contains("was restored on server") && r.stderr.contains("bsched log"),
        "{}",
        r.stderr
    );
    assert_eq!(schedules(&bg, WEB1).len(), 1, "the change stands");
}

#[test]
fn restore_twice_sends_nothing_the_second_time() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());
    let rm = home.run(&[
        "schedules",
        "rm",
        "--instance",
        &WEB1.to_string(),
        "--id",
        "301",
        "--yes",
    ]);
    assert_eq!(rm.code, 0, "{}", rm.stderr);
    let first = home.run(&["restore", "1"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let sent = writes(&bg);
    let second = home.run(&["restore", "1"]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(
        second
            .stdout
            .contains("Entry 1 was restored already by entry 2"),
        "{}",
        second.stdout
    );
    assert!(
        second.stdout.contains("nothing was sent"),
        "{}",
        second.stdout
    );
    assert_eq!(writes(&bg), sent, "nothing was sent");
    assert_eq!(schedules(&bg, WEB1).len(), 1);

    // The same schedule made again by hand: a restore finds it there.
    let rm = home.run(&[
        "schedules",
        "rm",
        "--instance",
        &WEB1.to_string(),
        "--id",
        &schedules(&bg, WEB1)[0].0.to_string(),
        "--yes",
    ]);
    assert_eq!(rm.code, 0, "{}", rm.stderr);
    let add = home.run(&[
        "schedules",
        "add",
        "--instance",
        &WEB1.to_string(),
        "--name",
        "nightly",
        "--days",
        "mon-fri",
        "--time",
        "02:01",
    ]);
    assert_eq!(add.code, 0, "{}", add.stderr);
    let sent = writes(&bg);
    let entries = Journal::at(journal_path(&home), "default")
        .read()
        .expect("read");
    let last_delete = entries
        .iter()
        .rev()
        .find(|e| e.action == bsched::journal::Action::Delete)
        .expect("a delete")
        .id;
    let r = home.run(&["restore", &last_delete.to_string()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("'nightly' (Mon-Fri 02:01) is already on server"),
        "{}",
        r.stdout
    );
    assert_eq!(writes(&bg), sent, "nothing was sent");
    assert_eq!(schedules(&bg, WEB1).len(), 1);
}

#[test]
fn an_undo_in_the_tui_and_bsched_restore_do_not_duplicate() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let ctx = Executor::new(
        Some(common::client(&bg.emu)),
        Some(Journal::at(journal_path(&home), "default")),
    );
    let before = rt
        .block_on(common::client(&bg.emu).schedules(WEB1))
        .expect("list")
        .schedules
        .remove(0);
    let spec = ScheduleSpec::new(
        ScheduleName::new("nightly").unwrap(),
        Weekdays::WORKDAYS,
        "02:01".parse().unwrap(),
    )
    .unwrap();
    let undo = |rt: &tokio::runtime::Runtime| {
        rt.block_on(ctx.execute(Cmd::Restore {
            instance: WEB1,
            server: "web-1".into(),
            spec: spec.clone(),
        }))
    };

    // d, y, then u in the TUI; then `bsched restore` of the same delete.
    let deleted = rt.block_on(ctx.execute(Cmd::Delete {
        instance: WEB1,
        before: Box::new(before.clone()),
        server: "web-1".into(),
    }));
    assert!(matches!(deleted, Some(Msg::Deleted { result: Ok(()), .. })));
    assert!(matches!(
        undo(&rt),
        Some(Msg::Restored { result: Ok(_), .. })
    ));
    assert_eq!(schedules(&bg, WEB1).len(), 1);
    let sent = writes(&bg);
    let r = home.run(&["restore", "1"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("nothing was sent"), "{}", r.stdout);
    assert_eq!(writes(&bg), sent);
    assert_eq!(schedules(&bg, WEB1).len(), 1);

    // The other way round: `bsched restore`, then u in the TUI.
    let now = rt
        .block_on(common::client(&bg.emu).schedules(WEB1))
        .expect("list")
        .schedules
        .remove(0);
    let deleted = rt.block_on(ctx.execute(Cmd::Delete {
        instance: WEB1,
        before: Box::new(now),
        server: "web-1".into(),
    }));
    assert!(matches!(deleted, Some(Msg::Deleted { result: Ok(()), .. })));
    let entries = Journal::at(journal_path(&home), "default")
        .read()
        .expect("read");
    let delete = entries.last().expect("the delete").id;
    let r = home.run(&["restore", &delete.to_string()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Restored 'nightly'"), "{}", r.stdout);
    let sent = writes(&bg);
    let Some(Msg::Restored { result: Ok(s), .. }) = undo(&rt) else {
        panic!("the undo reports the schedule")
    };
    assert_eq!(s.name, "nightly");
    assert_eq!(writes(&bg), sent, "the undo sent nothing");
    assert_eq!(schedules(&bg, WEB1).len(), 1);
}

fn journal_with_three_entries(home: &Home) -> Journal {
    let j = Journal::at(journal_path(home), "default");
    for name in ["a", "b", "c"] {
        let id = j
            .begin(bsched::journal::Intent {
                action: bsched::journal::Action::Create,
                instance_id: STAGING,
                server: Some("staging".into()),
                before: None,
                after: Some(bsched::journal::Snapshot {
                    id: None,
                    name: name.into(),
                    days: vec!["mon".into()],
                    time: "02:00".into(),
                }),
                retention: None,
                restores: None,
            })
            .expect("begin");
        if name == "a" {
            // The disk filled in the middle of this outcome line.
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .open(journal_path(home))
                .expect("open");
            f.write_all(br#"{"outcome_of":1,"outc"#).expect("write");
        } else {
            j.finish(id, Outcome::Done, None, None).expect("finish");
        }
    }
    j
}

#[cfg(unix)]
#[test]
fn log_reports_damaged_lines_and_a_journal_others_can_read() {
    use std::os::unix::fs::PermissionsExt;
    let home = Home::for_url("http://127.0.0.1:9/");
    journal_with_three_entries(&home);
    let path = journal_path(&home);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    let r = home.run(&["log"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "warning: 1 unreadable line in {} (line 2)",
            path.display()
        )),
        "{}",
        r.stderr
    );
    for name in ["'a'", "'b'", "'c'"] {
        assert!(r.stdout.contains(name), "{name}: {}", r.stdout);
    }
    assert!(!r.stderr.contains("chmod"), "{}", r.stderr);

    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let r = home.run(&["log"]);
    assert!(
        r.stderr
            .contains(&format!("run: chmod 600 {}", path.display())),
        "{}",
        r.stderr
    );
}

#[test]
fn log_limit_zero_shows_every_entry() {
    let home = Home::for_url("http://127.0.0.1:9/");
    journal_with_three_entries(&home);
    let r = home.run(&["log", "--limit", "0", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 3, "{v}");
    let r = home.run(&["log", "--limit", "0"]);
    assert!(
        r.stdout.contains("'a'") && r.stdout.contains("'c'"),
        "{}",
        r.stdout
    );
    let r = home.run(&["log", "--limit", "1", "--json"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
}

#[cfg(unix)]
#[test]
fn a_journal_that_is_a_pipe_a_device_or_a_directory_is_refused() {
    type Make = fn(&Path);
    let cases: [(&str, Make); 3] = [
        ("a pipe", |p| {
            let ok = Command::new("mkfifo").arg(p).status().expect("mkfifo");
            assert!(ok.success());
        }),
        ("an endless device", |p| {
            std::os::unix::fs::symlink("/dev/zero", p).expect("symlink")
        }),
        ("a directory", |p| std::fs::create_dir(p).expect("mkdir")),
    ];
    for (what, make) in cases {
        let bg = Background::start();
        let home = Home::for_url(&bg.emu.url());
        let path = journal_path(&home);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        make(&path);
        for args in [
            vec!["log"],
            vec!["restore", "1"],
            vec![
                "schedules",
                "add",
                "--instance",
                "5203775",
                "--name",
                "x",
                "--days",
                "mon",
                "--time",
                "01:00",
            ],
        ] {
            let child = command(&home, &args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn");
            let r = wait(child, &format!("{args:?} on {what}"));
            assert_eq!(r.code, 2, "{what} {args:?}: {}", r.stderr);
            assert!(
                r.stderr.contains("not a regular file"),
                "{what} {args:?}: {}",
                r.stderr
            );
        }
        assert_eq!(writes(&bg), 0, "{what}: nothing was sent");
    }
}

#[cfg(unix)]
#[test]
fn the_tui_log_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let home = Home::for_url("http://127.0.0.1:9/");
    let mut cmd = base(home.dir.path());
    cmd.env("BSCHED_LOG", "debug");
    // No terminal: the TUI cannot start, but the log is opened first.
    let _ = cmd.output().expect("run");
    let log = home.dir.path().join("data/bsched/bsched.log");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&log), 0o600);
    assert_eq!(mode(log.parent().unwrap()), 0o700);
    assert_eq!(mode(&home.dir.path().join("data")), 0o700);
}
