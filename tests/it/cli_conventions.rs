//! The conventions of the ecosystem (issue 14, points 14, 16, 17 and the output failures of
//! point 7): completions and a man page, `--version` everywhere, exit statuses for Ctrl+C, a
//! broken pipe and a full disk, tables that fit the terminal, the coloured `apply` diff,
//! `apply -f -`, `backups --check --quiet` and `upcoming --all-profiles` with a profile that
//! fails.

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common;

use bsched::emulator::{DEMO_PASSWORD, DEMO_USER, Fault, When};
use common::Background;
use common::cli::{Home, Run, base, finish};
use common::pty::Pty;
use unicode_width::UnicodeWidthStr;

const WEB2: u64 = 5_203_771;
const STAGING: u64 = 5_203_775;
const LONG_NAME: &str =
    "analytics-warehouse-eu-west-production-cluster-node-with-an-unreasonably-long-hostname-01";

/// The generous bound for anything to happen on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(120);

fn env_of(bg: &Background) -> Vec<(&'static str, String)> {
    vec![
        ("BSCHED_URL", bg.emu.url()),
        ("BSCHED_USERNAME", DEMO_USER.into()),
        ("BSCHED_PASSWORD", DEMO_PASSWORD.into()),
    ]
}

/// `bsched ARGS` in a pseudo-terminal; returns its exit status and every byte it wrote.
fn in_pty(bg: &Background, args: &[&str], extra: &[(&str, &str)]) -> (u32, String) {
    let env = env_of(bg);
    let mut all: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    all.extend_from_slice(extra);
    let mut pty = Pty::spawn_args(args, &all);
    let code = pty.wait_code();
    // The reader thread may still be draining the last bytes: wait for the end of the output.
    let raw = pty.wait_raw("the output", 0, |t| t.ends_with('\n'));
    (code, raw)
}

fn schedules_on(bg: &Background, instance: u64) -> Vec<String> {
    bg.emu.with(|w| {
        w.data
            .schedules
            .iter()
            .filter(|s| s.instance_id == instance)
            .map(|s| format!("{} {}", s.name, s.time))
            .collect()
    })
}

#[test]
fn completions_for_every_shell_name_the_subcommands() {
    let home = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let r = finish(
            base(home.path())
                .args(["completions", shell])
                .output()
                .unwrap(),
        );
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        for sub in [
            "schedules",
            "upcoming",
            "apply",
            "backups",
            "completions",
            "man",
        ] {
            assert!(r.stdout.contains(sub), "{shell} lacks {sub}");
        }
        assert!(r.stdout.contains("bsched"), "{shell}");
    }
    let r = finish(
        base(home.path())
            .args(["completions", "tcsh"])
            .output()
            .unwrap(),
    );
    assert_eq!(r.code, 2, "an unknown shell is bad usage");
}

#[test]
fn the_man_page_is_roff_with_the_name_and_the_exit_statuses() {
    let home = tempfile::tempdir().unwrap();
    let r = finish(base(home.path()).arg("man").output().unwrap());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with(".ie") || r.stdout.starts_with(".TH"),
        "{}",
        &r.stdout[..80.min(r.stdout.len())]
    );
    assert!(r.stdout.contains(".TH bsched"), "roff title");
    assert!(r.stdout.contains("schedules"));
    assert!(
        r.stdout.contains("141"),
        "the exit statuses are in the page"
    );
}

#[test]
fn version_works_on_every_subcommand() {
    let home = tempfile::tempdir().unwrap();
    let want = format!("{}\n", env!("CARGO_PKG_VERSION"));
    for args in [
        vec!["--version"],
        vec!["instances", "--version"],
        vec!["schedules", "list", "--version"],
        vec!["apply", "--version"],
        vec!["completions", "--version"],
    ] {
        let r = finish(base(home.path()).args(&args).output().unwrap());
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert!(r.stdout.ends_with(&want), "{args:?}: {}", r.stdout);
    }
}

#[test]
fn a_broken_pipe_ends_quietly_with_141_and_a_change_still_stands() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());
    let closed = |args: &[&str]| -> Run {
        let mut cmd = base(home.dir.path());
        cmd.envs(home.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        // The reader goes away before bsched writes a byte (it writes after the network).
        drop(child.stdout.take());
        finish(child.wait_with_output().unwrap())
    };
    let r = closed(&["instances"]);
    assert_eq!(r.code, 141, "{}", r.stderr);
    assert_eq!(r.stderr, "", "quiet");
    let r = closed(&["instances", "--json"]);
    assert_eq!(r.code, 141, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    let r = closed(&[
        "schedules",
        "add",
        "--instance",
        "staging",
        "--name",
        "piped",
        "--days",
        "mon",
        "--time",
        "03:00",
    ]);
    assert_eq!(r.code, 141, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    assert_eq!(schedules_on(&bg, STAGING), vec!["piped 03:00".to_string()]);
}

#[test]
fn output_that_cannot_be_written_exits_6_not_2() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());
    for args in [&["instances"][..], &["upcoming", "--json"], &["man"]] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let mut cmd = base(home.dir.path());
        cmd.envs(home.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .args(args)
            .stdout(full);
        let r = finish(cmd.output().unwrap());
        assert_eq!(r.code, 6, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.starts_with("error: cannot write"),
            "{args:?}: {}",
            r.stderr
        );
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    }
}

#[test]
fn ctrl_c_while_waiting_for_the_api_exits_130_without_a_panic() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());
    // The server list takes a minute: bsched is waiting for it when Ctrl+C comes.
    bg.emu
        .push_fault(Fault::Delay(60_000), When::Before, Some("instances"));
    let mut cmd = base(home.dir.path());
    cmd.envs(home.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .args(["instances"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = cmd.spawn().unwrap();
    let start = Instant::now();
    while !bg.emu.calls().iter().any(|c| c == "instances") {
        assert!(
            start.elapsed() < PATIENCE,
            "bsched never asked for the servers"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let ok = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let r = finish(child.wait_with_output().unwrap());
    assert_eq!(r.code, 130, "{}", r.stderr);
    assert_eq!(r.stderr, "error: interrupted\n");
    assert_eq!(r.stdout, "");
}

#[test]
fn ctrl_c_during_a_change_exits_130_and_leaves_the_journal_whole() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());
    let create = "instances.fleio_bckps.schedule.edit";
    bg.emu
        .push_fault(Fault::Delay(60_000), When::Before, Some(create));
    let mut cmd = base(home.dir.path());
    cmd.envs(home.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .args([
            "schedules",
            "add",
            "--instance",
            "staging",
            "--name",
            "late",
            "--days",
            "mon",
            "--time",
            "03:00",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = cmd.spawn().unwrap();
    let start = Instant::now();
    while !bg.emu.calls().iter().any(|c| c == create) {
        assert!(start.elapsed() < PATIENCE, "bsched never sent the create");
        std::thread::sleep(Duration::from_millis(20));
    }
    let ok = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let r = finish(child.wait_with_output().unwrap());
    assert_eq!(r.code, 130, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "interrupted: a change being sent may or may not have been made; `bsched log` shows it"
        ),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    // Every line of the journal is whole, and the intent is there.
    let journal = std::fs::read_to_string(home.dir.path().join("data/bsched/journal.jsonl"))
        .expect("the journal");
    assert!(journal.ends_with('\n'), "{journal}");
    for line in journal.lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap_or_else(|e| panic!("{e}: {line}"));
    }
    let log = home.run(&["log"]);
    assert_eq!(log.code, 0, "{}", log.stderr);
    assert!(log.stdout.contains("late"), "{}", log.stdout);
}

#[test]
fn ctrl_c_at_a_delete_prompt_exits_130_and_deletes_nothing() {
    let bg = Background::start();
    let env = env_of(&bg);
    let all: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut pty = Pty::spawn_args(
        &["schedules", "rm", "--instance", "web-2", "--id", "nightly"],
        &all,
    );
    pty.wait_for("the question", |t| t.contains("[y/N]"));
    pty.send("\u{3}");
    assert_eq!(pty.wait_code(), 130);
    let text = pty.wait_for("the message", |t| t.contains("interrupted"));
    assert!(!text.contains("panicked"), "{text}");
    assert_eq!(schedules_on(&bg, WEB2).len(), 2, "nothing deleted");
}

#[test]
fn tables_fit_the_terminal_and_never_when_wide_or_piped() {
    let bg = Background::start();
    // The pseudo-terminal is 110 columns wide; the long name alone is 89.
    let (code, raw) = in_pty(&bg, &["instances"], &[]);
    assert_eq!(code, 0, "{raw}");
    assert!(!raw.contains(LONG_NAME), "{raw}");
    let lines: Vec<&str> = raw.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 26, "{raw}");
    for l in &lines {
        assert!(l.width() <= 110, "{} cells: {l}", l.width());
    }
    let long = lines
        .iter()
        .find(|l| l.contains("analytics-warehouse"))
        .expect("the long row");
    assert!(
        long.contains('…') && long.contains("203.0.113.80"),
        "{long}"
    );
    // Other names are whole.
    assert!(raw.contains("сервер-бухгалтерия"), "{raw}");

    // --wide, before or after the command: never shortened.
    for args in [&["--wide", "instances"][..], &["instances", "--wide"]] {
        let (code, raw) = in_pty(&bg, args, &[]);
        assert_eq!(code, 0, "{raw}");
        assert!(raw.contains(LONG_NAME), "{args:?}: {raw}");
    }
    // Piped: never shortened.
    let home = Home::for_url(&bg.emu.url());
    let r = home.run(&["instances"]);
    assert!(r.stdout.contains(LONG_NAME), "{}", r.stdout);
    assert!(!r.stdout.contains('…'));
}

fn plan_for_web2() -> String {
    format!(
        "server_timezone = \"+03:00\"\n[[server]]\nid = {WEB2}\n\
         [[server.schedule]]\nname = \"nightly\"\ndays = \"mon-fri\"\ntime = \"03:00\"\n\
         [[server.schedule]]\nname = \"new one\"\ndays = \"sat\"\ntime = \"05:00\"\n"
    )
}

#[test]
fn the_apply_diff_is_coloured_on_a_terminal_unless_no_color() {
    let bg = Background::start();
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.toml");
    std::fs::write(&plan, plan_for_web2()).unwrap();
    let plan = plan.to_str().unwrap();
    let args = ["apply", "-f", plan, "--prune", "--dry-run"];
    let (code, raw) = in_pty(&bg, &args, &[]);
    assert_eq!(code, 0, "{raw}");
    assert!(raw.contains("\x1b[32m+ create 'new one'"), "{raw:?}");
    assert!(raw.contains("\x1b[33m~ update 'nightly'"), "{raw:?}");
    assert!(raw.contains("\x1b[31m- delete 'weekend full'"), "{raw:?}");
    assert!(raw.contains("\x1b[0m"), "{raw:?}");
    let (_, plain) = in_pty(&bg, &args, &[("NO_COLOR", "1")]);
    assert!(plain.contains("+ create 'new one'"), "{plain:?}");
    assert!(!plain.contains("\x1b[3"), "{plain:?}");
    // An empty NO_COLOR does not count.
    let (_, empty) = in_pty(&bg, &args, &[("NO_COLOR", "")]);
    assert!(empty.contains("\x1b[32m+ create"), "{empty:?}");
    // Piped: never.
    let home = Home::for_url(&bg.emu.url());
    let r = home.run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("+ create 'new one'"), "{}", r.stdout);
    assert!(!r.stdout.contains('\x1b'), "{:?}", r.stdout);
}

/// `bsched ARGS` with `input` on standard input (written from another thread: bsched may stop
/// reading early).
fn with_stdin(home: &Home, args: &[&str], input: Vec<u8>) -> Run {
    let mut cmd = base(home.dir.path());
    cmd.envs(home.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let r = finish(child.wait_with_output().unwrap());
    writer.join().unwrap();
    r
}

#[test]
fn apply_reads_the_plan_from_stdin_with_a_size_cap() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());
    // Without --yes there is no one to answer: refused before anything is sent.
    let r = with_stdin(&home, &["apply", "-f", "-"], plan_for_web2().into_bytes());
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("add --yes"), "{}", r.stderr);
    assert!(bg.emu.calls().is_empty(), "{:?}", bg.emu.calls());
    // Too large: refused, nothing sent.
    let r = with_stdin(
        &home,
        &["apply", "-f", "-", "--yes"],
        vec![b' '; 5 * 1024 * 1024],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("larger than 4 MiB"), "{}", r.stderr);
    assert!(bg.emu.calls().is_empty(), "{:?}", bg.emu.calls());
    // A mistake names the source.
    let r = with_stdin(
        &home,
        &["apply", "-f", "-", "--yes"],
        b"server_timezone = 3".to_vec(),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("the plan on standard input: line 1"),
        "{}",
        r.stderr
    );
    // TOML.
    let r = with_stdin(
        &home,
        &["apply", "-f", "-", "--yes"],
        plan_for_web2().into_bytes(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Applied 2 of 2 changes."), "{}", r.stdout);
    let mut now = schedules_on(&bg, WEB2);
    now.sort();
    assert_eq!(
        now,
        ["new one 05:00", "nightly 03:00", "weekend full 04:30"]
    );
    // JSON, told by its first character.
    let json = format!(
        "{{\"server_timezone\": \"+03:00\", \"servers\": [{{\"id\": {WEB2}, \"schedules\": [{{\"name\": \"nightly\", \"days\": \"mon-fri\", \"time\": \"03:30\"}}]}}]}}"
    );
    let r = with_stdin(&home, &["apply", "-f", "-", "--yes"], json.into_bytes());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(schedules_on(&bg, WEB2).contains(&"nightly 03:30".to_string()));
}

#[test]
fn backups_check_quiet_prints_only_the_problems() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());
    let r = home.run(&["backups", "--check", "--quiet"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let rows: Vec<&str> = r
        .stdout
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("52"))
        .collect();
    assert!(!rows.is_empty(), "{}", r.stdout);
    for row in &rows {
        assert!(
            row.contains("MISSED") || row.contains("UNPROTECTED"),
            "{row}"
        );
    }
    assert!(!r.stdout.contains("web-1"), "web-1 is fine: {}", r.stdout);
    let all = home.run(&["backups", "--check"]);
    assert!(all.stdout.contains("web-1"), "{}", all.stdout);
    assert_eq!(all.code, 1);
    // --quiet alone makes no sense: bad usage.
    assert_eq!(home.run(&["backups", "--quiet"]).code, 2);
    // All is well: nothing printed, status 0.
    bg.emu
        .with(|w| w.data.instances.retain(|i| i.servername == "web-1"));
    let r = home.run(&["backups", "--check", "--quiet"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{}", r.stderr);
    let r = home.run(&["backups", "--check", "--quiet", "--json"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "[]\n"), "{}", r.stderr);
}

#[test]
fn upcoming_all_profiles_prints_the_others_when_one_fails() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());
    let url = bg.emu.url();
    let cfg = home.write(
        "config.toml",
        &format!(
            "default_profile = \"work\"\n\
             [profiles.broken]\nurl = \"{url}\"\nusername = \"{DEMO_USER}\"\npassword_command = \"echo wrong\"\n\
             [profiles.work]\nurl = \"{url}\"\nusername = \"{DEMO_USER}\"\npassword_command = \"printf '{DEMO_PASSWORD}\\\\n'\"\nserver_timezone = \"Europe/Amsterdam\"\n"
        ),
    );
    let mut home = home;
    home.env.clear();
    home.env
        .push(("BSCHED_CONFIG".into(), cfg.to_str().unwrap().into()));
    home.env.push(("TZ".into(), "UTC".into()));
    let r = home.run(&["upcoming", "--all-profiles", "--hours", "168"]);
    assert_eq!(
        r.code, 4,
        "the failed profile's status (authentication): {}",
        r.stderr
    );
    assert!(
        r.stdout.contains("web-1"),
        "the readable profile: {}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("schedules run at: broken +03:00, work Europe/Amsterdam"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr
            .contains("1 of 2 profiles could not be read and are not shown: 'broken'"),
        "{}",
        r.stderr
    );
    let r = home.run(&["upcoming", "--all-profiles", "--hours", "168", "--json"]);
    assert_eq!(r.code, 4, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let profiles = v["profiles"].as_array().unwrap();
    assert_eq!(profiles.len(), 2);
    assert_eq!(profiles[0]["profile"], "broken");
    assert!(profiles[0]["error"].is_string());
    assert_eq!(profiles[1]["server_timezone"], "Europe/Amsterdam");
    assert!(profiles[1].get("error").is_none());
    assert!(!v["runs"].as_array().unwrap().is_empty());
}
