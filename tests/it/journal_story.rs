//! The journal tells the whole story, the same way everywhere: every entry names its server as
//! `web-1 (5203770)` whether it came from the CLI (given only ids), the TUI's executor or a
//! bulk apply; an edit reads before → after; retention `5 → 3`; a delete given only the
//! schedule's id still records its server and the whole schedule (so it can be restored);
//! entries written before this change still read; `log`'s footer and counts read right.

use crate::common;
use crate::common::Background;
use crate::common::cli::{Home, Run};

use bsched::domain::plan::Change;
use bsched::domain::{ScheduleName, ScheduleSpec, TimeOfDay, Weekdays};
use bsched::journal::{Journal, entry_text};
use bsched::tui::msg::Cmd;
use bsched::tui::worker::Executor;
use serde_json::Value;

const WEB1: u64 = 5_203_770; // "web-1": 'nightly' 301, Mon-Fri 02:01, keeps 5
const STAGING: u64 = 5_203_775; // "staging": no schedule

fn ok(r: &Run) -> &str {
    assert_eq!(r.code, 0, "stdout: {}\nstderr: {}", r.stdout, r.stderr);
    &r.stdout
}

fn json(r: &Run) -> Value {
    serde_json::from_str(ok(r)).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

/// The line of `log` for entry `n`.
fn row(log: &str, n: u64) -> &str {
    log.lines()
        .find(|l| l.split_whitespace().next() == Some(&n.to_string()))
        .unwrap_or_else(|| panic!("no entry {n}: {log}"))
}

#[test]
fn the_cli_given_only_ids_records_every_server_by_name_and_every_change_before_and_after() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());
    let web1 = WEB1.to_string();
    let staging = STAGING.to_string();
    let edit = |args: &[&str]| {
        let mut all = vec!["schedules", "edit", "--instance", &web1, "--id", "301"];
        all.extend_from_slice(args);
        ok(&home.run(&all)).to_string()
    };
    edit(&["--time", "03:00"]); // 1
    edit(&["--days", "sat,sun"]); // 2
    edit(&["--name", "weekend"]); // 3
    ok(&home.run(&["retention", "--instance", &web1, "--set", "3"])); // 4
    let created = json(&home.run(&[
        "schedules",
        "add",
        "--instance",
        &staging,
        "--name",
        "fresh",
        "--days",
        "mon-fri",
        "--time",
        "01:00",
        "--json",
    ])); // 5
    let id = created["id"].as_u64().unwrap().to_string();
    // A delete given only the schedule's id: no --instance.
    let rm = home.run(&["schedules", "rm", "--id", &id, "--yes"]); // 6
    assert!(
        ok(&rm).contains("on server staging (5203775)"),
        "{}",
        rm.stdout
    );
    assert!(bg.schedule_ids(STAGING).is_empty());

    let log = home.run(&["log"]);
    let log = ok(&log);
    for n in 1..=4 {
        assert!(row(log, n).contains("web-1 (5203770)"), "{n}: {log}");
    }
    for n in 5..=6 {
        assert!(row(log, n).contains("staging (5203775)"), "{n}: {log}");
    }
    assert!(row(log, 1).contains("'nightly' 02:01 → 03:00"), "{log}");
    assert!(row(log, 2).contains("'nightly' Mon-Fri → Sat,Sun"), "{log}");
    assert!(row(log, 3).contains("'nightly' → 'weekend'"), "{log}");
    assert!(row(log, 4).contains("keep 5 → 3"), "{log}");
    assert!(row(log, 5).contains("'fresh' Mon-Fri 01:00"), "{log}");
    assert!(row(log, 6).contains("delete"), "{log}");
    assert!(row(log, 6).contains("'fresh' Mon-Fri 01:00"), "{log}");
    assert!(log.contains("All 6 entries of the journal."), "{log}");

    let entries = json(&home.run(&["log", "--json"]));
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 6);
    for e in entries {
        assert!(e["server"].is_string(), "every entry names its server: {e}");
        assert_ne!(e["instance_id"], 0, "{e}");
    }

    // The delete holds the whole schedule: it can be restored.
    let r = home.run(&["restore", "6"]);
    assert!(
        ok(&r).contains("Restored 'fresh' (Mon-Fri 01:00) on server staging (5203775)"),
        "{}",
        r.stdout
    );
    assert_eq!(bg.schedule_ids(STAGING).len(), 1);
}

#[test]
fn a_delete_of_a_schedule_no_server_has_is_refused_and_sends_no_delete() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());
    let r = home.run(&["schedules", "rm", "--id", "999999", "--yes"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("schedule 999999 is on none of the servers this account lists"),
        "{}",
        r.stderr
    );
    assert!(
        bg.emu
            .requests()
            .iter()
            .all(|q| q.func != "instances.fleio_bckps.schedule.delete"),
        "nothing was deleted"
    );
    let log = json(&home.run(&["log", "--json"]));
    assert_eq!(log.as_array().map(Vec::len), Some(0), "nothing journaled");
}

fn spec(name: &str, days: Weekdays, time: &str) -> ScheduleSpec {
    ScheduleSpec::new(
        ScheduleName::new(name).unwrap(),
        days,
        time.parse::<TimeOfDay>().unwrap(),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tui_executor_and_a_bulk_apply_name_servers_as_the_cli_does_without_asking_again() {
    let emu = common::emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::at(dir.path().join("journal.jsonl"), "default");
    let client = common::client(&emu);
    let ex = Executor::new(Some(client.clone()), Some(journal.clone()));
    // The TUI lists the servers first; the worker's changes then pass no name.
    let servers = client.instances().await.unwrap();
    let before = client.schedules(WEB1).await.unwrap();
    let nightly = before.schedules[0].clone();
    let mark = emu.requests().len();
    ex.execute(Cmd::SetRetention {
        instance: STAGING,
        before: Some(2),
        keep: 4,
    })
    .await
    .unwrap();
    let sent: Vec<String> = emu.requests()[mark..]
        .iter()
        .map(|r| r.func.clone())
        .collect();
    assert_eq!(sent, ["instances.edit"], "the name was known: nothing more");
    ex.execute(Cmd::Edit {
        instance: WEB1,
        before: Box::new(nightly.clone()),
        spec: spec("nightly", Weekdays::WEEKENDS, "03:00"),
    })
    .await
    .unwrap();
    ex.execute(Cmd::Create {
        instance: STAGING,
        spec: spec("fresh", Weekdays::ALL, "01:00"),
    })
    .await
    .unwrap();
    // A bulk apply names the server it was given.
    let db = servers.iter().find(|s| s.name == "db-primary").unwrap();
    ex.execute(Cmd::ApplyChange {
        batch: 1,
        index: 0,
        change: Box::new(Change::Create {
            instance: db.id,
            spec: spec("bulk", Weekdays::ALL, "04:00"),
        }),
        server: db.name.clone(),
    })
    .await
    .unwrap();

    let entries = journal.read().unwrap();
    let shown: Vec<(String, String, String)> = entries
        .iter()
        .map(|e| {
            let t = entry_text(e);
            (t.server, t.change, t.result)
        })
        .collect();
    let db_label = format!("db-primary ({})", db.id);
    assert_eq!(
        shown,
        [
            (
                "staging (5203775)".into(),
                "keep 2 → 4".into(),
                "done".into()
            ),
            (
                "web-1 (5203770)".into(),
                "'nightly' Mon-Fri → Sat,Sun, 02:01 → 03:00".into(),
                "done".into()
            ),
            (
                "staging (5203775)".into(),
                "'fresh' Daily 01:00".into(),
                "done".into()
            ),
            (db_label, "'bulk' Daily 04:00".into(), "done".into()),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_made_knowing_only_the_id_learns_the_name_after_the_write() {
    let emu = common::emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::at(dir.path().join("journal.jsonl"), "default");
    let ops = bsched::ops::Ops::new(common::client(&emu), journal.clone());
    // staging has no schedule: its name comes from the server list, after the write.
    ops.set_retention(STAGING, None, Some(2), 4).await.unwrap();
    let funcs: Vec<String> = emu.requests().into_iter().map(|r| r.func).collect();
    let write = funcs.iter().position(|f| f == "instances.edit").unwrap();
    assert!(
        !funcs[..write].iter().any(|f| f.starts_with("instances")),
        "nothing listed before the write: {funcs:?}"
    );
    let entries = journal.read().unwrap();
    assert_eq!(entries[0].server.as_deref(), Some("staging"));
    assert_eq!(entry_text(&entries[0]).server, "staging (5203775)");
    // The intent line was written before the name was known; the outcome line carries it.
    let text = std::fs::read_to_string(journal.path()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(!lines[0].contains("staging"), "{text}");
    assert!(lines[1].contains("\"server\":\"staging\""), "{text}");
}

/// Lines as bsched wrote them before every entry named its server: a delete given only the
/// schedule's id (server 0, the id alone), a create without the server's name and its outcome
/// line, and a retention change.
const OLD_JOURNAL: &str = r#"{"id":1,"time":"2026-01-02T03:04:05Z","profile":"default","action":"delete","instance_id":0,"before":{"id":301,"name":"","days":[],"time":""},"outcome":"unknown"}
{"outcome_of":1,"outcome":"done"}
{"id":2,"time":"2026-01-02T03:05:05Z","profile":"default","action":"create","instance_id":5203770,"after":{"name":"nightly","days":["mon","tue","wed","thu","fri"],"time":"02:01"},"outcome":"unknown"}
{"outcome_of":2,"outcome":"done","after":{"id":302,"name":"nightly","days":["mon","tue","wed","thu","fri"],"time":"02:01"}}
{"id":3,"time":"2026-01-02T03:06:05Z","profile":"default","action":"retention","instance_id":5203770,"server":"web-1","retention":[7,3],"outcome":"unknown"}
{"outcome_of":3,"outcome":"failed","error":"refused"}
"#;

#[test]
fn entries_written_before_this_change_still_read_as_well_as_they_can() {
    let home = Home::for_url("http://127.0.0.1:9/");
    let path = home.dir.path().join("data/bsched/journal.jsonl");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, OLD_JOURNAL).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::set_permissions(
        path.parent().unwrap(),
        std::fs::Permissions::from_mode(0o700),
    )
    .unwrap();

    let r = home.run(&["log"]);
    let log = ok(&r);
    assert!(!r.stderr.contains("unreadable"), "{}", r.stderr);
    assert!(row(log, 1).contains("unknown server"), "{log}");
    assert!(row(log, 1).contains("schedule 301"), "{log}");
    assert!(row(log, 1).contains("done"), "{log}");
    assert!(row(log, 2).contains("5203770"), "{log}");
    assert!(row(log, 2).contains("'nightly' Mon-Fri 02:01"), "{log}");
    assert!(row(log, 3).contains("web-1 (5203770)"), "{log}");
    assert!(row(log, 3).contains("keep 7 → 3"), "{log}");
    assert!(row(log, 3).contains("failed: refused"), "{log}");

    // Counts and the footer: all, the newest N of M, the only one; never "last 0" or "1 entries".
    assert!(log.contains("All 3 entries of the journal."), "{log}");
    let r = home.run(&["log", "--limit", "0"]);
    assert!(
        ok(&r).contains("All 3 entries of the journal."),
        "{}",
        r.stdout
    );
    let r = home.run(&["log", "--limit", "1"]);
    let one = ok(&r);
    assert!(
        one.contains("The newest 1 entry of 3; --limit 0 shows every entry."),
        "{one}"
    );
    assert!(!one.contains("entries of 3"), "{one}");
    let r = home.run(&["log", "--limit", "2"]);
    assert!(
        ok(&r).contains("The newest 2 entries of 3; --limit 0 shows every entry."),
        "{}",
        r.stdout
    );
    std::fs::write(
        &path,
        OLD_JOURNAL.lines().take(2).collect::<Vec<_>>().join("\n"),
    )
    .unwrap();
    let r = home.run(&["log"]);
    assert!(
        ok(&r).contains("The only entry of the journal."),
        "{}",
        r.stdout
    );

    // Restoring the old delete says why it cannot, in one sentence.
    let r = home.run(&["restore", "1"]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("does not hold the whole schedule"),
        "{}",
        r.stderr
    );
}

#[test]
fn the_tui_journal_view_shows_the_same_parts_as_the_log() {
    use bsched::tui::msg::Msg;
    use bsched::tui::ui::Theme;
    use ratatui::{Terminal, backend::TestBackend};

    let mut app = common::tui::loaded();
    common::tui::press(&mut app, [common::tui::ch('L')]);
    let entries: Vec<bsched::journal::Entry> = OLD_JOURNAL
        .lines()
        .filter(|l| l.contains("\"action\""))
        .map(|l| serde_json::from_str(l).unwrap())
        .chain(std::iter::once(
            serde_json::from_str(
                r#"{"id":4,"time":"2026-01-02T03:07:05Z","profile":"default","action":"edit","instance_id":5203770,"server":"web-1","before":{"id":301,"name":"nightly","days":["mon","tue","wed","thu","fri"],"time":"02:01"},"after":{"id":301,"name":"nightly","days":["mon","tue","wed","thu","fri"],"time":"03:00"},"outcome":"done"}"#,
            )
            .unwrap(),
        ))
        .collect();
    app.update(Msg::JournalRead {
        result: Ok(entries.clone()),
    });
    let mut t = Terminal::new(TestBackend::new(160, 30)).unwrap();
    t.draw(|f| app.draw(Theme::new(true), f)).unwrap();
    let screen = t.backend().to_string();
    for e in &entries {
        let parts = entry_text(e);
        assert!(screen.contains(&parts.server), "{}: {screen}", parts.server);
        assert!(
            screen.contains(&format!("{} {}", parts.action, parts.change)),
            "{}: {screen}",
            parts.change
        );
    }
    assert!(screen.contains("edit 'nightly' 02:01 → 03:00"), "{screen}");
    assert!(screen.contains("web-1 (5203770)"), "{screen}");
}
