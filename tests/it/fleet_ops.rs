//! Plan files, the journal, restore, lint and several accounts: the real binary against
//! emulators on 127.0.0.1.

use crate::common;

use common::Background;
use common::cli::Home;
use serde_json::Value;

const WEB1: u64 = 5_203_770;
const DB_REPLICA: u64 = 5_203_773;
const STAGING: u64 = 5_203_775;

fn json(r: &common::cli::Run) -> Value {
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

fn writes(bg: &Background) -> usize {
    bg.emu.with(|w| {
        w.calls
            .iter()
            .filter(|c| c.ends_with(".edit") || c.ends_with(".delete"))
            .count()
    })
}

/// Every schedule on the account as (server, name, days, time), sorted.
fn state(bg: &Background) -> Vec<(u64, String, String, String)> {
    let mut v: Vec<_> = bg.emu.with(|w| {
        w.data
            .schedules
            .iter()
            .map(|s| {
                (
                    s.instance_id,
                    s.name.clone(),
                    s.days.clone(),
                    s.time.clone(),
                )
            })
            .collect()
    });
    v.sort();
    v
}

#[test]
fn export_then_apply_changes_nothing_in_toml_and_json() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());
    for format in ["toml", "json"] {
        let exported = home.run(&["export", "--format", format]);
        assert_eq!(exported.code, 0, "{}", exported.stderr);
        let file = home.write(&format!("plan.{format}"), &exported.stdout);
        let before = writes(&bg);
        let r = home.run(&["apply", "-f", file.to_str().unwrap(), "--prune", "--yes"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.starts_with("No changes"), "{}", r.stdout);
        assert_eq!(writes(&bg), before, "nothing was sent");
    }
    let toml = home.run(&["export"]).stdout;
    assert!(toml.contains("server_timezone = \"+03:00\""), "{toml}");
    assert!(toml.contains("days = \"mon-fri\""), "{toml}");
}

#[test]
fn a_plan_creates_updates_and_prunes_then_is_idempotent() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());
    let plan = format!(
        r#"server_timezone = "+03:00"

[[server]]
id = {WEB1}
[[server.schedule]]
name = "nightly"
days = "mon-fri"
time = "03:15"

[[server]]
id = {STAGING}
retention = 3
[[server.schedule]]
name = "fresh"
days = ["sat", "sun"]
time = "05:00"

[[server]]
id = {DB_REPLICA}
"#
    );
    let file = home.write("plan.toml", &plan);
    let f = file.to_str().unwrap();
    let before = state(&bg);

    // Without --prune, db-replica's schedule (not named in the plan) stays.
    let dry = home.run(&["apply", "-f", f, "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(
        dry.stdout
            .contains("~ update 'nightly' Mon-Fri 02:01 -> Mon-Fri 03:15"),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout.contains("+ create 'fresh' Sat,Sun 05:00"),
        "{}",
        dry.stdout
    );
    assert!(dry.stdout.contains("~ retention 2 -> 3"), "{}", dry.stdout);
    assert!(!dry.stdout.contains("delete"), "{}", dry.stdout);
    assert_eq!(state(&bg), before, "a dry run changes nothing");

    // Without a terminal and without --yes, nothing is applied.
    let refused = home.run(&["apply", "-f", f, "--prune"]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert_eq!(state(&bg), before);

    let r = home.run(&["apply", "-f", f, "--prune", "--yes"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("- delete 'weekly' Sun 03:00"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("Applied 4 of 4 changes"), "{}", r.stdout);
    let after = state(&bg);
    assert!(after.contains(&(WEB1, "nightly".into(), "1,2,3,4,5".into(), "03:15".into())));
    assert!(
        after.contains(&(STAGING, "fresh".into(), "0,6".into(), "05:00".into())),
        "{after:?}"
    );
    assert!(!after.iter().any(|s| s.0 == DB_REPLICA), "pruned");
    assert_eq!(
        bg.emu.with(|w| w
            .data
            .instances
            .iter()
            .find(|i| i.id == STAGING)
            .unwrap()
            .backup_rotation),
        3
    );

    // The same file again: nothing to do, nothing sent.
    let sent = writes(&bg);
    let again = home.run(&["apply", "-f", f, "--prune", "--yes"]);
    assert!(again.stdout.starts_with("No changes"), "{}", again.stdout);
    assert_eq!(writes(&bg), sent);

    // Every change is in the journal, and the pruned schedule can be restored from it.
    let log = json(&home.run(&["log", "--json"]));
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions.len(), 4, "{log}");
    for a in ["edit", "delete", "create", "retention"] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .all(|e| e["outcome"] == "done")
    );
    let deleted = log
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "delete")
        .unwrap();
    assert_eq!(deleted["before"]["name"], "weekly");
    let entry = deleted["id"].to_string();
    let restored = home.run(&["restore", &entry]);
    assert_eq!(restored.code, 0, "{}", restored.stderr);
    assert!(state(&bg).contains(&(DB_REPLICA, "weekly".into(), "0".into(), "03:00".into())));
    let not_a_delete = home.run(&["restore", "1"]);
    assert_eq!(not_a_delete.code, 2);
    assert!(
        not_a_delete.stderr.contains("not a delete"),
        "{}",
        not_a_delete.stderr
    );
}

#[test]
fn bad_plan_files_name_the_line_and_field_and_apply_nothing() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());
    let cases = [
        (
            "bad-time.toml",
            format!(
                "server_timezone = \"+03:00\"\n[[server]]\nid = {WEB1}\n[[server.schedule]]\nname = \"x\"\ndays = \"mon\"\ntime = \"25:00\"\n"
            ),
            "line 7",
            "time",
        ),
        (
            "bad-days.toml",
            format!(
                "server_timezone = \"+03:00\"\n[[server]]\nid = {WEB1}\n[[server.schedule]]\nname = \"x\"\ndays = \"1,2\"\ntime = \"02:00\"\n"
            ),
            "line 6",
            "days",
        ),
        (
            "typo.toml",
            format!(
                "server_timezone = \"+03:00\"\n[[server]]\nid = {WEB1}\n[[server.schedule]]\nname = \"x\"\ndayz = \"mon\"\ntime = \"02:00\"\n"
            ),
            "line 6",
            "dayz",
        ),
        (
            "bad.json",
            format!(
                "{{\"server_timezone\": \"+03:00\",\n \"servers\": [{{\"id\": {WEB1},\n  \"schedules\": [{{\"name\": \"x\", \"days\": \"mon\",\n   \"time\": \"2:61\"}}]}}]}}"
            ),
            "line 4",
            "time",
        ),
        (
            "unknown-server.toml",
            "server_timezone = \"+03:00\"\n[[server]]\nid = 42\n".to_string(),
            "server 42",
            "not on this account",
        ),
        (
            "zone.toml",
            format!("server_timezone = \"UTC\"\n[[server]]\nid = {WEB1}\n"),
            "UTC",
            "server_timezone",
        ),
    ];
    for (name, text, line, field) in cases {
        let file = home.write(name, &text);
        let r = home.run(&["apply", "-f", file.to_str().unwrap(), "--yes"]);
        assert_eq!(r.code, 2, "{name}: {}", r.stderr);
        assert!(r.stderr.contains(line), "{name}: {}", r.stderr);
        assert!(r.stderr.contains(field), "{name}: {}", r.stderr);
        assert_eq!(r.stderr.lines().count(), 1, "one sentence: {}", r.stderr);
    }
    assert_eq!(writes(&bg), 0, "nothing was applied");
}

#[test]
fn a_deleted_schedule_is_restored_from_the_journal() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());
    let id = bg.schedule_ids(WEB1)[0].to_string();
    let rm = home.run(&[
        "schedules",
        "rm",
        "--id",
        &id,
        "--instance",
        &WEB1.to_string(),
        "--yes",
    ]);
    assert_eq!(rm.code, 0, "{}", rm.stderr);
    assert!(bg.schedule_ids(WEB1).is_empty());
    let log = home.run(&["log"]);
    assert!(
        log.stdout.contains("delete") && log.stdout.contains("'nightly' Mon-Fri 02:01"),
        "{}",
        log.stdout
    );
    let r = home.run(&["restore", "1"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Restored 'nightly'"), "{}", r.stdout);
    assert_eq!(state(&bg).iter().filter(|s| s.0 == WEB1).count(), 1);
    let log = json(&home.run(&["log", "--json"]));
    assert_eq!(
        log.as_array().unwrap().len(),
        2,
        "the restore is journaled too"
    );
}

#[test]
fn a_journal_that_cannot_be_written_stops_the_change() {
    let bg = Background::start();
    let mut home = Home::for_url(&bg.emu.url());
    // The data directory is a file: the journal cannot be created.
    let blocker = home.write("blocker", "");
    home.env
        .push(("XDG_DATA_HOME".into(), blocker.to_str().unwrap().into()));
    let r = home.run(&[
        "schedules",
        "add",
        "--instance",
        &STAGING.to_string(),
        "--name",
        "x",
        "--days",
        "mon",
        "--time",
        "02:00",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("journal"), "{}", r.stderr);
    assert!(r.stderr.contains("nothing was changed"), "{}", r.stderr);
    assert_eq!(writes(&bg), 0);
    assert!(bg.schedule_ids(STAGING).is_empty());
}

#[test]
fn lint_finds_duplicates_and_near_overlaps() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());
    let clean = home.run(&["lint"]);
    assert_eq!(clean.code, 0, "the demo fleet is clean: {}", clean.stdout);
    let add = |name: &str, days: &str, time: &str| {
        let r = home.run(&[
            "schedules",
            "add",
            "--instance",
            &WEB1.to_string(),
            "--name",
            name,
            "--days",
            days,
            "--time",
            time,
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    };
    add("copy of nightly", "mon-fri", "02:01");
    add("close call", "fri", "02:10");
    let r = home.run(&["lint", "--json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let found: Value = serde_json::from_str(&r.stdout).unwrap();
    let kinds: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "duplicate").count(),
        1,
        "{found}"
    );
    assert_eq!(
        kinds.iter().filter(|k| **k == "overlap").count(),
        2,
        "{found}"
    );
    let overlap = found
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "overlap")
        .unwrap();
    assert_eq!(overlap["minutes"], 9);
    assert_eq!(overlap["days"], "Fri");
    let narrow = home.run(&["lint", "--within", "5"]);
    assert_eq!(narrow.code, 1);
    assert!(
        narrow.stdout.contains("duplicate") && !narrow.stdout.contains("overlap"),
        "{}",
        narrow.stdout
    );
}

#[test]
fn two_profiles_on_two_emulators() {
    let a = Background::start();
    let b = Background::with(bsched::emulator::Options {
        seed: bsched::emulator::Seed::Empty,
        ..Default::default()
    });
    // The second account has one server with one schedule.
    b.emu.with(|w| {
        let demo = bsched::emulator::Data::demo();
        w.data.instances.push(demo.instances[0].clone());
        let mut s = demo.schedules[0].clone();
        s.name = "second account".into();
        w.data.schedules.push(s);
    });
    let home = Home::for_url(&a.emu.url());
    let config = format!(
        "default_profile = \"one\"\n[profiles.one]\nurl = \"{}\"\nusername = \"demo@bsched.test\"\npassword_command = \"echo demo\"\n[profiles.two]\nurl = \"{}\"\nusername = \"demo@bsched.test\"\npassword_command = \"echo demo\"\n",
        a.emu.url(),
        b.emu.url()
    );
    let cfg = home.write("config.toml", &config);
    let mut home = home;
    home.env.clear();
    home.env
        .push(("BSCHED_CONFIG".into(), cfg.to_str().unwrap().into()));
    let one = json(&home.run(&["instances", "--json"]));
    assert_eq!(one.as_array().unwrap().len(), 25);
    let two = json(&home.run(&["--profile", "two", "instances", "--json"]));
    assert_eq!(two.as_array().unwrap().len(), 1);
    let all = json(&home.run(&["upcoming", "--all-profiles", "--hours", "168", "--json"]));
    let profiles: std::collections::BTreeSet<&str> = all["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["profile"].as_str().unwrap())
        .collect();
    assert_eq!(profiles, ["one", "two"].into_iter().collect());
    assert!(
        all["runs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["schedule"] == "second account")
    );
    // Changes are journaled with their profile.
    let added = home.run(&[
        "--profile",
        "two",
        "schedules",
        "add",
        "--instance",
        &WEB1.to_string(),
        "--name",
        "n",
        "--days",
        "sat",
        "--time",
        "01:00",
    ]);
    assert_eq!(added.code, 0, "{}", added.stderr);
    let log = json(&home.run(&["log", "--json"]));
    assert_eq!(log[0]["profile"], "two");
}

#[test]
fn a_plan_with_one_name_twice_on_a_server_is_refused_with_both_lines() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());
    let plan = format!(
        "server_timezone = \"+03:00\"\n[[server]]\nid = {STAGING}\n[[server.schedule]]\nname = \"Nightly\"\ndays = \"mon\"\ntime = \"01:00\"\n[[server.schedule]]\nname = \"nightly\"\ndays = \"tue\"\ntime = \"02:00\"\n"
    );
    let file = home.write("twice.toml", &plan);
    let r = home.run(&["apply", "-f", file.to_str().unwrap(), "--yes"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("line 5 and line 9"), "{}", r.stderr);
    assert!(r.stderr.contains("'Nightly' and 'nightly'"), "{}", r.stderr);
    assert!(r.stderr.contains("nothing was applied"), "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert_eq!(writes(&bg), 0);
}

#[test]
fn prune_that_empties_a_server_says_so_before_the_confirmation() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());
    // web-1 keeps its schedule; db-replica and staging (none today) are listed without any.
    let plan = format!(
        "server_timezone = \"+03:00\"\n[[server]]\nid = {WEB1}\n[[server.schedule]]\nname = \"nightly\"\ndays = \"mon-fri\"\ntime = \"02:01\"\n[[server]]\nid = {DB_REPLICA}\n[[server]]\nid = {STAGING}\n"
    );
    let file = home.write("prune.toml", &plan);
    let f = file.to_str().unwrap();
    for args in [
        vec!["apply", "-f", f, "--prune", "--dry-run"],
        // Without a terminal the confirmation is refused: the line came before it.
        vec!["apply", "-f", f, "--prune"],
    ] {
        let r = home.run(&args);
        let warned: Vec<&str> = r
            .stdout
            .lines()
            .filter(|l| l.contains("deletes every schedule"))
            .collect();
        assert_eq!(
            warned,
            vec![
                "! --prune deletes every schedule of db-replica (5203773): all 1; it will have no scheduled backups"
            ],
            "{}",
            r.stdout
        );
        let at = r.stdout.find("deletes every schedule").unwrap();
        assert!(at < r.stdout.find("Plan: ").unwrap(), "{}", r.stdout);
    }
    assert_eq!(writes(&bg), 0);
}

#[test]
fn text_output_shows_escape_sequences_from_the_api_visibly() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());
    let evil_server = "web\x1b[2K\r-1";
    let evil_name = "night\x1b[8mly\u{202e}";
    bg.emu.with(|w| {
        w.data
            .instances
            .iter_mut()
            .find(|i| i.id == WEB1)
            .unwrap()
            .servername = evil_server.into();
        let s = w.data.schedules.iter_mut().find(|s| s.id == 301).unwrap();
        s.name = evil_name.into();
        let mut twin = s.clone();
        twin.id = 999;
        w.data.schedules.push(twin);
    });
    let raw = |text: &str| {
        text.chars()
            .any(|c| c == '\x1b' || c == '\r' || c == '\u{202e}')
    };

    let plan = format!("server_timezone = \"+03:00\"\n[[server]]\nid = {WEB1}\n");
    let file = home.write("prune.toml", &plan);
    let dry = home.run(&[
        "apply",
        "-f",
        file.to_str().unwrap(),
        "--prune",
        "--dry-run",
    ]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(!raw(&dry.stdout), "{:?}", dry.stdout);
    assert!(
        dry.stdout.contains("- delete 'night^[[8mly\\u{202e}'"),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout.contains("web^[[2K^M-1 (5203770)"),
        "{}",
        dry.stdout
    );

    let lint = home.run(&["lint"]);
    assert_eq!(lint.code, 1, "{}", lint.stderr);
    assert!(!raw(&lint.stdout), "{:?}", lint.stdout);
    assert!(lint.stdout.contains("night^[[8mly"), "{}", lint.stdout);

    let applied = home.run(&["apply", "-f", file.to_str().unwrap(), "--prune", "--yes"]);
    assert_eq!(applied.code, 0, "{}", applied.stderr);
    assert!(!raw(&applied.stdout), "{:?}", applied.stdout);
    let log = home.run(&["log"]);
    assert_eq!(log.code, 0, "{}", log.stderr);
    assert!(!raw(&log.stdout), "{:?}", log.stdout);
    assert!(log.stdout.contains("night^[[8mly"), "{}", log.stdout);
    // JSON keeps the exact strings.
    let log = json(&home.run(&["log", "--json"]));
    assert_eq!(log[0]["before"]["name"], evil_name);
    assert_eq!(log[0]["server"], evil_server);

    let restore = home.run(&["restore", "1"]);
    assert!(!raw(&restore.stdout), "{:?}", restore.stdout);
    assert!(!raw(&restore.stderr), "{:?}", restore.stderr);
}
