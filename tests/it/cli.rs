//! Every CLI command, run as the real binary against the emulator on 127.0.0.1.

use crate::common;

use bsched::emulator::{DEMO_PASSWORD, DEMO_USER, Fault, When};
use common::Background;
use common::cli::{Run, base, finish};
use serde_json::Value;

const WEB1: u64 = 5_203_770;
const WEB2: u64 = 5_203_771;
const STAGING: u64 = 5_203_775;

/// Runs `bsched ARGS` in a fresh home with these environment variables.
fn run_env(env: &[(&str, &str)], args: &[&str]) -> Run {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = base(home.path());
    cmd.envs(env.iter().copied()).args(args);
    finish(cmd.output().unwrap())
}

/// Runs `bsched ARGS` with the demo credentials for `bg`.
fn run(bg: &Background, args: &[&str]) -> Run {
    run_env(
        &[
            ("BSCHED_URL", &bg.emu.url()),
            ("BSCHED_USERNAME", DEMO_USER),
            ("BSCHED_PASSWORD", DEMO_PASSWORD),
        ],
        args,
    )
}

fn json(r: &Run) -> Value {
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

#[test]
fn instances_json_follows_the_contract() {
    let bg = Background::start();
    let v = json(&run(&bg, &["instances", "--json"]));
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), 25);
    let first = list[0].as_object().unwrap();
    let mut keys: Vec<&str> = first.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["datacenter", "id", "ip", "name", "status"]);
    assert_eq!(first["name"], "web-1");
    assert_eq!(first["id"], WEB1);
}

#[test]
fn instances_table_is_aligned() {
    let bg = Background::start();
    let r = run(&bg, &["instances"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 26);
    assert!(lines[0].starts_with("ID") && lines[0].contains("DATACENTER"));
    let col = lines[0].find("STATUS").unwrap();
    // Aligned in terminal cells, not bytes: Cyrillic letters are one cell, two bytes.
    let cyr = lines.iter().find(|l| l.contains("сервер")).unwrap();
    assert_eq!(
        lines[1].char_indices().nth(col).map(|(_, c)| c),
        Some('a'),
        "status column starts at the header's column: {}",
        lines[1]
    );
    let row = cyr.chars().collect::<Vec<_>>();
    assert_eq!(row[col], 'a', "{cyr}");
}

#[test]
fn schedules_list_json_days_are_monday_first_names() {
    let bg = Background::start();
    let v = json(&run(
        &bg,
        &[
            "schedules",
            "list",
            "--instance",
            &WEB2.to_string(),
            "--json",
        ],
    ));
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(
        list[0]["days"],
        serde_json::json!(["mon", "tue", "wed", "thu", "fri"])
    );
    assert_eq!(list[1]["days"], serde_json::json!(["sat", "sun"]));
    let mut keys: Vec<&str> = list[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        ["created", "days", "id", "instance_id", "name", "time"]
    );
    assert_eq!(list[0]["instance_id"], WEB2);
    let empty = json(&run(
        &bg,
        &[
            "schedules",
            "list",
            "--instance",
            &STAGING.to_string(),
            "--json",
        ],
    ));
    assert_eq!(empty, serde_json::json!([]));
}

#[test]
fn add_then_edit_keeps_unspecified_fields() {
    let bg = Background::start();
    let st = STAGING.to_string();
    let added = json(&run(
        &bg,
        &[
            "schedules",
            "add",
            "--instance",
            &st,
            "--name",
            "nightly",
            "--days",
            "mon-fri",
            "--time",
            "02:01",
            "--json",
        ],
    ));
    assert_eq!(added["name"], "nightly");
    assert_eq!(added["time"], "02:01");
    let id = added["id"].as_u64().unwrap();
    assert_eq!(bg.schedule_ids(STAGING), vec![id]);

    let edited = json(&run(
        &bg,
        &[
            "schedules",
            "edit",
            "--instance",
            &st,
            "--id",
            &id.to_string(),
            "--time",
            "03:30",
            "--json",
        ],
    ));
    assert_eq!(edited["id"], id);
    assert_eq!(edited["name"], "nightly");
    assert_eq!(
        edited["days"],
        serde_json::json!(["mon", "tue", "wed", "thu", "fri"])
    );
    assert_eq!(edited["time"], "03:30");

    let human = run(
        &bg,
        &[
            "schedules",
            "edit",
            "--instance",
            &st,
            "--id",
            &id.to_string(),
            "--days",
            "weekends",
        ],
    );
    assert_eq!(human.code, 0, "{}", human.stderr);
    assert!(human.stdout.contains("Sat,Sun 03:30"), "{}", human.stdout);
}

#[test]
fn validation_errors_exit_2_and_send_nothing() {
    let bg = Background::start();
    let st = STAGING.to_string();
    let long = "x".repeat(101);
    let cases: Vec<Vec<&str>> = vec![
        vec![
            "schedules",
            "add",
            "--instance",
            &st,
            "--name",
            "n",
            "--days",
            "1-5",
            "--time",
            "02:00",
        ],
        vec![
            "schedules",
            "add",
            "--instance",
            &st,
            "--name",
            "n",
            "--days",
            "mon",
            "--time",
            "24:00",
        ],
        vec![
            "schedules",
            "add",
            "--instance",
            &st,
            "--name",
            "  ",
            "--days",
            "mon",
            "--time",
            "02:00",
        ],
        vec![
            "schedules",
            "add",
            "--instance",
            &st,
            "--name",
            &long,
            "--days",
            "mon",
            "--time",
            "02:00",
        ],
        vec![
            "schedules",
            "edit",
            "--instance",
            &st,
            "--id",
            "301",
            "--time",
            "2:00",
        ],
        vec!["schedules", "edit", "--instance", &st, "--id", "301"],
        vec!["schedules", "list", "--instance", " "],
        vec!["retention", "--instance", &st, "--set", "11"],
    ];
    for args in cases {
        let r = run(&bg, &args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(!r.stderr.trim().is_empty());
    }
    assert!(
        bg.emu.calls().is_empty(),
        "nothing reached the API: {:?}",
        bg.emu.calls()
    );
}

#[test]
fn rm_refuses_without_a_terminal_and_deletes_with_yes() {
    let bg = Background::start();
    let id = bg.schedule_ids(WEB1)[0].to_string();
    let r = run(
        &bg,
        &[
            "schedules",
            "rm",
            "--id",
            &id,
            "--instance",
            &WEB1.to_string(),
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--yes"), "{}", r.stderr);
    assert!(bg.emu.calls().is_empty());
    assert_eq!(bg.schedule_ids(WEB1).len(), 1);

    let r = run(
        &bg,
        &[
            "schedules",
            "rm",
            "--id",
            &id,
            "--instance",
            &WEB1.to_string(),
            "--yes",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Deleted schedule"), "{}", r.stdout);
    assert!(bg.schedule_ids(WEB1).is_empty());

    let again = run(&bg, &["schedules", "rm", "--id", &id, "--yes"]);
    assert_eq!(again.code, 3, "{}", again.stderr);
}

#[test]
fn rm_names_only_a_schedule_of_that_server() {
    let bg = Background::start();
    let id = bg.schedule_ids(WEB1)[0].to_string();
    let r = run(
        &bg,
        &[
            "schedules",
            "rm",
            "--id",
            &id,
            "--instance",
            &WEB2.to_string(),
            "--yes",
        ],
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(bg.schedule_ids(WEB1).len(), 1, "nothing deleted");
}

#[test]
fn exit_codes_for_refusal_auth_and_network() {
    let bg = Background::start();
    let refused = run(&bg, &["schedules", "list", "--instance", "1"]);
    assert_eq!(refused.code, 3);
    assert_eq!(refused.stderr.lines().count(), 1, "{}", refused.stderr);

    bg.emu.push_fault(
        Fault::running_operation(),
        When::Before,
        Some("instances.fleio_bckps.schedule.edit"),
    );
    let busy = run(
        &bg,
        &[
            "schedules",
            "add",
            "--instance",
            &STAGING.to_string(),
            "--name",
            "n",
            "--days",
            "mon",
            "--time",
            "01:00",
        ],
    );
    assert_eq!(busy.code, 3, "{}", busy.stderr);
    assert!(busy.stderr.contains("already running"));

    let auth = run_env(
        &[
            ("BSCHED_URL", &bg.emu.url()),
            ("BSCHED_USERNAME", DEMO_USER),
            ("BSCHED_PASSWORD", "wrong"),
        ],
        &["instances"],
    );
    assert_eq!(auth.code, 4, "{}", auth.stderr);

    bg.emu
        .push_fault(Fault::Html, When::Before, Some("instances"));
    let html = run(&bg, &["instances"]);
    assert_eq!(html.code, 5, "{}", html.stderr);
    assert!(!html.stderr.contains("<html"), "{}", html.stderr);

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}/", listener.local_addr().unwrap());
    drop(listener);
    let net = run_env(
        &[
            ("BSCHED_URL", &dead),
            ("BSCHED_USERNAME", DEMO_USER),
            ("BSCHED_PASSWORD", DEMO_PASSWORD),
        ],
        &["instances"],
    );
    assert_eq!(net.code, 5, "{}", net.stderr);
}

#[test]
fn setup_errors_exit_2_before_any_connection() {
    let bg = Background::start();
    let none = run_env(&[("BSCHED_URL", &bg.emu.url())], &["instances"]);
    assert_eq!(none.code, 2);
    assert!(none.stderr.contains("no credentials"), "{}", none.stderr);
    let plain = run_env(
        &[
            ("BSCHED_URL", "http://api.zomro.com/"),
            ("BSCHED_USERNAME", "u"),
            ("BSCHED_PASSWORD", "p"),
        ],
        &["instances"],
    );
    assert_eq!(plain.code, 2);
    assert!(plain.stderr.contains("https://"), "{}", plain.stderr);
    assert!(bg.emu.calls().is_empty());
}

#[test]
fn retention_shows_and_sets() {
    let bg = Background::start();
    let w = WEB1.to_string();
    let shown = json(&run(&bg, &["retention", "--instance", &w, "--json"]));
    assert_eq!(shown["backup_rotation"], 5);
    let set = json(&run(
        &bg,
        &["retention", "--instance", &w, "--set", "8", "--json"],
    ));
    assert_eq!(set["backup_rotation"], 8);
}

#[test]
fn profiles_come_from_the_config_file_and_env_overrides_them() {
    let bg = Background::start();
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("bsched.toml");
    std::fs::write(
        &cfg,
        format!(
            "default_profile = \"broken\"\n\
             [profiles.broken]\nurl = \"{url}\"\nusername = \"{DEMO_USER}\"\npassword_command = \"echo wrong\"\n\
             [profiles.work]\nurl = \"{url}\"\nusername = \"{DEMO_USER}\"\npassword_command = \"printf '{DEMO_PASSWORD}\\\\n'\"\n",
            url = bg.emu.url()
        ),
    )
    .unwrap();
    let with = |args: &[&str], env: &[(&str, &str)]| {
        let mut c = base(home.path());
        c.env("BSCHED_CONFIG", &cfg).args(args);
        for (k, v) in env {
            c.env(k, v);
        }
        finish(c.output().unwrap())
    };
    assert_eq!(
        with(&["instances"], &[]).code,
        4,
        "default profile has a wrong password"
    );
    let work = with(&["--profile", "work", "instances", "--json"], &[]);
    assert_eq!(work.code, 0, "{}", work.stderr);
    let env_profile = with(&["instances"], &[("BSCHED_PROFILE", "work")]);
    assert_eq!(env_profile.code, 0, "{}", env_profile.stderr);
    let env_wins = with(&["instances"], &[("BSCHED_PASSWORD", DEMO_PASSWORD)]);
    assert_eq!(env_wins.code, 0, "{}", env_wins.stderr);
    let unknown = with(&["--profile", "nope", "instances"], &[]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("work"), "{}", unknown.stderr);
}

#[test]
fn a_two_factor_account_without_a_session_exits_4_with_a_hint() {
    let bg = Background::start();
    let r = run_env(
        &[
            ("BSCHED_URL", &bg.emu.url()),
            ("BSCHED_USERNAME", bsched::emulator::DEMO_TOTP_USER),
            ("BSCHED_PASSWORD", DEMO_PASSWORD),
        ],
        &["instances"],
    );
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(r.stderr.contains("one-time code"), "{}", r.stderr);
    assert!(r.stderr.contains("bsched login"), "{}", r.stderr);
}

#[test]
fn upcoming_lists_runs_soonest_first_within_the_window() {
    let bg = Background::start();
    let r = run_env(
        &[
            ("BSCHED_URL", &bg.emu.url()),
            ("BSCHED_USERNAME", DEMO_USER),
            ("BSCHED_PASSWORD", DEMO_PASSWORD),
            ("TZ", "UTC"),
        ],
        &["upcoming", "--hours", "48", "--json"],
    );
    let v = json(&r);
    assert_eq!(v["server_timezone"], "+03:00");
    assert_eq!(v["local_timezone"], "UTC");
    let runs = v["runs"].as_array().unwrap();
    assert!(!runs.is_empty(), "the demo fleet runs something every day");
    let secs: Vec<i64> = runs
        .iter()
        .map(|r| r["in_seconds"].as_i64().unwrap())
        .collect();
    assert!(secs.windows(2).all(|w| w[0] <= w[1]), "soonest first");
    assert!(secs.iter().all(|s| *s > 0 && *s <= 48 * 3600));
    // mail runs daily at 01:15 +03:00, i.e. 22:15 UTC: once or twice in 48 hours.
    let mail: Vec<&Value> = runs.iter().filter(|r| r["server"] == "mail").collect();
    assert!((1..=2).contains(&mail.len()), "{mail:?}");
    assert!(
        mail[0]["local"]
            .as_str()
            .unwrap()
            .contains("T22:15:00+00:00")
    );
    // The heat map covers the whole week: 11 demo schedules, each day they run.
    let total: u64 = v["heatmap"]["counts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d.as_array().unwrap())
        .map(|c| c.as_u64().unwrap())
        .sum();
    // web-1 5, web-2 5+2, db-primary 7+7+1, db-replica 1, mail 7, сервер 5, monitoring 2, files 1
    assert_eq!(total, 43);
    let text = run_env(
        &[
            ("BSCHED_URL", &bg.emu.url()),
            ("BSCHED_USERNAME", DEMO_USER),
            ("BSCHED_PASSWORD", DEMO_PASSWORD),
            ("TZ", "UTC"),
        ],
        &["upcoming"],
    );
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout
            .contains("times in UTC (schedules run at +03:00)"),
        "{}",
        text.stdout
    );
}

#[test]
fn backups_flag_missed_and_unprotected_servers() {
    let bg = Background::start();
    let v = json(&run(&bg, &["backups", "--json"]));
    let state = |name: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|s| s["server"] == name)
            .unwrap_or_else(|| panic!("{name} in {v}"))
            .clone()
    };
    assert_eq!(state("web-1")["state"], "protected");
    assert!(state("web-1")["last"].is_string());
    assert_eq!(state("db-replica")["state"], "missed");
    assert!(state("db-replica")["expected"].is_string());
    assert_eq!(state("staging")["state"], "unprotected");
    assert_eq!(state("staging")["schedules"], 0);

    let checked = run(&bg, &["backups", "--check"]);
    assert_eq!(checked.code, 1, "{}", checked.stderr);
    assert!(checked.stderr.contains("db-replica"), "{}", checked.stderr);
    assert!(checked.stdout.contains("MISSED"), "{}", checked.stdout);

    let list = json(&run(&bg, &["backups", "--instance", "5203770", "--json"]));
    let kinds: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "auto").count(), 5, "{list}");
    assert_eq!(kinds.iter().filter(|k| **k == "manual").count(), 1);
}
