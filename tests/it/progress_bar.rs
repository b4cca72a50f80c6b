//! The fan-out commands' progress bar: drawn on stderr when stderr is a terminal ("servers
//! 12/25 [...] 1s elapsed, 0s left"), cleared when done, absent when stderr is piped, and never
//! in stdout, which stays byte for byte what a script reads.
//!
//! The binary runs with stdout on a pipe and stderr on a pseudo-terminal, so what the bar draws
//! and what the command prints are read apart.

use std::fs::File;
use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::Stdio;

use bsched::emulator::{DEMO_PASSWORD, Options};

use crate::common::Background;
use crate::common::cli::{Home, base};

/// Servers in the demo seed.
const DEMO_SERVERS: usize = 25;

/// What a run with stderr on a terminal gave: its exit code, its stdout, every byte written to
/// the terminal, and the terminal's screen at the end.
struct TtyRun {
    code: i32,
    stdout: Vec<u8>,
    tty: String,
    screen: String,
}

/// A pseudo-terminal of 30 rows and 110 columns: (master, slave).
fn openpty() -> (OwnedFd, OwnedFd) {
    let (mut master, mut slave) = (-1, -1);
    let size = libc::winsize {
        ws_row: 30,
        ws_col: 110,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: the out-pointers are valid for writes; a null name and termios are allowed.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(rc, 0, "openpty");
    // SAFETY: openpty succeeded, so both are open descriptors that nothing else owns.
    unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) }
}

/// Runs `bsched ARGS` in `home` with stdout on a pipe and stderr on a pseudo-terminal, and
/// waits for it to end and for the terminal to be read to its end.
fn run_with_tty_stderr(home: &Home, args: &[&str]) -> TtyRun {
    let (master, slave) = openpty();
    let mut cmd = base(home.dir.path());
    cmd.envs(home.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("TERM", "xterm-256color")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::from(slave));
    let child = cmd.spawn().unwrap();
    // The slave must be closed on this side, or reading the master never ends.
    drop(cmd);
    let reader = std::thread::spawn(move || {
        let mut master = File::from(master);
        let mut bytes = Vec::new();
        let mut buf = [0u8; 8192];
        // The read fails (EIO) once the child, the slave's last holder, has exited.
        while let Ok(n) = master.read(&mut buf) {
            if n == 0 {
                break;
            }
            bytes.extend_from_slice(&buf[..n]);
        }
        bytes
    });
    let out = child.wait_with_output().unwrap();
    let bytes = reader.join().unwrap();
    let mut parser = vt100::Parser::new(30.try_into().unwrap(), 110.try_into().unwrap(), 0);
    parser.process(&bytes);
    TtyRun {
        code: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        tty: String::from_utf8_lossy(&bytes).into_owned(),
        screen: parser.screen().contents(),
    }
}

/// The text the terminal was sent, escape sequences left out, cut at each carriage return
/// and line feed: each piece is one drawing of the bar or one line of the command.
fn drawn_lines(tty: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut chars = tty.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters final-byte.
            if chars.next_if_eq(&'[').is_some() {
                for p in chars.by_ref() {
                    if ('\u{40}'..='\u{7e}').contains(&p) {
                        break;
                    }
                }
            }
            continue;
        }
        plain.push(c);
    }
    plain
        .split(['\r', '\n'])
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// Whether `line` is a drawing of the bar counting `what` out of `total`: only the label,
/// numbers, the bar and two durations, nothing from the server.
fn is_bar(line: &str, what: &str, total: usize) -> bool {
    let Some(rest) = line.strip_prefix(&format!("{what} ")) else {
        return false;
    };
    let Some((count, rest)) = rest.split_once(' ') else {
        return false;
    };
    let Some((done, of)) = count.split_once('/') else {
        return false;
    };
    let done_ok = done.parse::<usize>().is_ok_and(|d| d <= total);
    let Some((bar, times)) = rest.strip_prefix('[').and_then(|r| r.split_once("] ")) else {
        return false;
    };
    let duration = |s: &str| {
        s.len() >= 2
            && s[..s.len() - 1].bytes().all(|b| b.is_ascii_digit())
            && s.ends_with(['s', 'm', 'h', 'd', 'w', 'y'])
    };
    let times_ok = times
        .strip_suffix(" left")
        .and_then(|t| t.split_once(" elapsed, "))
        .is_some_and(|(e, l)| duration(e) && duration(l));
    done_ok
        && of == total.to_string()
        && bar.chars().count() == 30
        && bar.chars().all(|c| matches!(c, '=' | '>' | ' '))
        && times_ok
}

/// An emulator that answers each request after a delay, as the real API does, so the bar is
/// seen moving.
fn slow_emulator() -> Background {
    Background::with(Options {
        latency_ms: 20,
        ..Options::default()
    })
}

#[test]
fn export_draws_a_bar_of_servers_on_a_terminal_and_clears_it_leaving_stdout_as_piped() {
    let bg = slow_emulator();
    let home = Home::for_url(&bg.emu.url());
    let tty = run_with_tty_stderr(&home, &["export"]);
    assert_eq!(tty.code, 0, "{}", tty.tty);
    let lines = drawn_lines(&tty.tty);
    assert!(
        lines.iter().any(|l| is_bar(l, "servers", DEMO_SERVERS)),
        "no bar of servers drawn: {lines:#?}"
    );
    // Everything on the terminal was the bar: the label, counts and times, nothing else (no
    // server-provided text, no secret).
    assert!(
        lines.iter().all(|l| is_bar(l, "servers", DEMO_SERVERS)),
        "{lines:#?}"
    );
    assert!(!tty.tty.contains(DEMO_PASSWORD));
    // Cleared when done: the terminal is left as it was.
    assert_eq!(tty.screen.trim(), "", "the bar is left on screen");

    // The same command with stderr piped: not a byte of progress, and the same stdout.
    let piped = home.run(&["export"]);
    assert_eq!(piped.code, 0, "{}", piped.stderr);
    assert_eq!(piped.stderr, "", "stderr when piped");
    assert_eq!(String::from_utf8(tty.stdout).unwrap(), piped.stdout);
    assert!(piped.stdout.contains("web-1"), "{}", piped.stdout);
}

#[test]
fn backups_check_counts_servers_then_backups_and_leaves_only_its_verdict() {
    let bg = slow_emulator();
    let home = Home::for_url(&bg.emu.url());
    let tty = run_with_tty_stderr(&home, &["backups", "--check"]);
    // The demo has a server that missed a backup and one without a schedule.
    assert_eq!(tty.code, 1, "{}", tty.tty);
    let lines = drawn_lines(&tty.tty);
    let servers = lines
        .iter()
        .position(|l| is_bar(l, "servers", DEMO_SERVERS));
    let backups = lines
        .iter()
        .position(|l| is_bar(l, "backups", DEMO_SERVERS));
    assert!(
        matches!((servers, backups), (Some(s), Some(b)) if s < b),
        "a bar of servers, then one of backups: {lines:#?}"
    );
    // Besides the bars, only the verdict reached the terminal.
    let other: Vec<&String> = lines
        .iter()
        .filter(|l| !is_bar(l, "servers", DEMO_SERVERS) && !is_bar(l, "backups", DEMO_SERVERS))
        .collect();
    assert_eq!(other.len(), 1, "{other:#?}");
    assert!(other[0].contains("db-replica"), "{other:#?}");
    let screen = tty.screen.trim();
    assert!(screen.contains("db-replica"), "{screen}");
    assert!(
        !screen.contains("elapsed")
            && !screen
                .lines()
                .map(str::trim_start)
                .any(|l| l.starts_with("servers ") || l.starts_with("backups ")),
        "a bar is left on screen: {screen}"
    );
    let stdout = String::from_utf8(tty.stdout).unwrap();
    assert!(stdout.contains("MISSED"), "{stdout}");
    assert!(!stdout.contains("elapsed"), "{stdout}");

    let piped = home.run(&["backups", "--check"]);
    assert_eq!(piped.code, 1);
    assert_eq!(
        drawn_lines(&piped.stderr),
        [other[0].clone()],
        "stderr when piped is the verdict alone"
    );
    assert!(!piped.stderr.contains('\r') && !piped.stderr.contains('\u{1b}'));
}

#[test]
fn upcoming_for_every_profile_draws_one_bar_over_all_their_servers() {
    let (a, b) = (slow_emulator(), slow_emulator());
    b.emu.with(|w| {
        w.data.instances.truncate(1);
        let id = w.data.instances[0].id;
        w.data.schedules.retain(|s| s.instance_id == id);
    });
    let mut home = Home::for_url(&a.emu.url());
    let config = format!(
        "default_profile = \"one\"\n[profiles.one]\nurl = \"{}\"\nusername = \"demo@bsched.test\"\npassword_command = \"echo demo\"\n[profiles.two]\nurl = \"{}\"\nusername = \"demo@bsched.test\"\npassword_command = \"echo demo\"\n",
        a.emu.url(),
        b.emu.url()
    );
    let cfg = home.write("config.toml", &config);
    home.env = vec![("BSCHED_CONFIG".into(), cfg.to_str().unwrap().into())];
    let args = ["upcoming", "--all-profiles", "--hours", "168", "--json"];
    let tty = run_with_tty_stderr(&home, &args);
    assert_eq!(tty.code, 0, "{}", tty.tty);
    let lines = drawn_lines(&tty.tty);
    let total = DEMO_SERVERS + 1;
    assert!(!lines.is_empty(), "no bar drawn");
    assert!(
        lines.iter().all(|l| is_bar(l, "servers", total)),
        "one bar over both profiles' {total} servers: {lines:#?}"
    );
    assert_eq!(tty.screen.trim(), "", "the bar is left on screen");
    let v: serde_json::Value = serde_json::from_slice(&tty.stdout).unwrap();
    assert!(!v["runs"].as_array().unwrap().is_empty());

    let piped = home.run(&args);
    assert_eq!(piped.code, 0, "{}", piped.stderr);
    assert_eq!(piped.stderr, "", "stderr when piped");
}

#[test]
fn with_stderr_piped_no_fan_out_command_writes_progress() {
    let bg = slow_emulator();
    let home = Home::for_url(&bg.emu.url());
    for args in [
        vec!["upcoming"],
        vec!["upcoming", "--json"],
        vec!["export"],
        vec!["lint"],
        vec!["backups"],
        vec!["backups", "--json"],
    ] {
        let r = home.run(&args);
        assert!(r.code == 0 || r.code == 1, "{args:?}: {}", r.stderr);
        assert!(
            !r.stderr.contains("elapsed")
                && !r.stderr.contains('\r')
                && !r.stderr.contains('\u{1b}'),
            "{args:?} wrote progress to a pipe: {:?}",
            r.stderr
        );
        assert_eq!(r.stderr, "", "{args:?}");
        assert!(!r.stdout.contains("elapsed"), "{args:?}");
    }
}

#[test]
fn apply_counts_the_servers_it_lists_then_the_changes_it_sends() {
    let bg = slow_emulator();
    let home = Home::for_url(&bg.emu.url());
    let plan = home.write(
        "plan.toml",
        "server_timezone = \"+03:00\"\n\n[[server]]\nid = 5203770\n\n[[server.schedule]]\nname = \"bar test\"\ndays = \"Sat\"\ntime = \"03:00\"\n\n[[server]]\nid = 5203771\n\n[[server.schedule]]\nname = \"bar test\"\ndays = \"Sun\"\ntime = \"03:00\"\n",
    );
    let plan = plan.display().to_string();
    let tty = run_with_tty_stderr(&home, &["apply", "-f", &plan, "--yes"]);
    assert_eq!(tty.code, 0, "{}", tty.tty);
    let lines = drawn_lines(&tty.tty);
    assert!(
        lines.iter().any(|l| is_bar(l, "servers", 2)),
        "no bar of servers: {lines:#?}"
    );
    assert!(
        lines.iter().any(|l| is_bar(l, "changes", 2)),
        "no bar of changes: {lines:#?}"
    );
    assert!(!tty.tty.contains(DEMO_PASSWORD));
    assert_eq!(tty.screen.trim(), "", "the bar is left on screen");
}
