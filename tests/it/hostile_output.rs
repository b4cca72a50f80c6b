//! A hostile server's names and messages on their way to the terminal, and names the user types
//! that could pass for another. Text mode shows every escape sequence, control character and
//! bidi control visibly; `--json` keeps the exact strings; a spoofing name is refused before
//! anything is sent.

use crate::common;

use std::io::{Read, Write};
use std::net::TcpListener;

use bsched::emulator::{DEMO_PASSWORD, DEMO_USER};
use bsched::sanitize::is_unsafe;
use common::Background;
use common::cli::{Home, Run};
use common::pty::Pty;
use serde_json::Value;

const MAIL: u64 = 5_203_774;
const STAGING: u64 = 5_203_775;

/// A server name that sets the window title, erases the line, and reverses what follows.
const EVIL_SERVER: &str = "mail\r\u{1b}[2K\u{1b}]0;pwned\u{7}\u{9b}31m\u{202e}liam\u{2066}";
/// A schedule name that rewrites the `rm` prompt: it returns to the start of the line, erases
/// it, writes a harmless-looking question and hides the rest.
const EVIL_SCHEDULE: &str =
    "x\r\u{1b}[2KDelete schedule 1 'harmless' on server 1? [y/N] \u{1b}[8m\u{85}\u{2028}";
/// What a visible rendering of the two names starts with.
const SHOWN_SERVER: &str = "mail^M^[[2K^[]0;pwned^G\\u{9b}31m\\u{202e}liam\\u{2066}";
const SHOWN_SCHEDULE: &str = "x^M^[[2KDelete schedule 1 'harmless' on server 1? [y/N] ^[[8m";

/// An emulator whose mail server and its schedule carry the hostile names, and whose staging
/// server (no schedule) is hostile too.
fn hostile() -> (Background, u64) {
    let bg = Background::start();
    let id = bg.emu.with(|w| {
        for s in &mut w.data.instances {
            if s.id == MAIL || s.id == STAGING {
                s.servername = EVIL_SERVER.into();
            }
        }
        let s = w
            .data
            .schedules
            .iter_mut()
            .find(|s| s.instance_id == MAIL)
            .expect("mail has a schedule");
        s.name = EVIL_SCHEDULE.into();
        s.id
    });
    (bg, id)
}

fn home(bg: &Background) -> Home {
    let mut h = Home::for_url(&bg.emu.url());
    h.env.push(("TZ".into(), "UTC".into()));
    h
}

/// No escape, control (but the line break), C1, bidi or separator character in `text`.
fn assert_clean(what: &str, text: &str) {
    if let Some(c) = text.chars().find(|c| *c != '\n' && is_unsafe(*c)) {
        panic!("{what}: {c:?} reached the terminal raw in {text:?}");
    }
}

fn assert_run_clean(what: &str, r: &Run) {
    assert_clean(&format!("{what} (stdout)"), &r.stdout);
    assert_clean(&format!("{what} (stderr)"), &r.stderr);
}

fn json(r: &Run) -> Value {
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

#[test]
fn tables_and_lines_show_hostile_names_visibly() {
    let (bg, _) = hostile();
    let h = home(&bg);
    let mail = MAIL.to_string();
    for args in [
        vec!["instances"],
        vec!["schedules", "list", "--instance", &mail],
        vec!["upcoming", "--hours", "48"],
        vec!["backups"],
    ] {
        let what = args.join(" ");
        let r = h.run(&args);
        assert_eq!(r.code, 0, "{what}: {}", r.stderr);
        assert_run_clean(&what, &r);
        let shown = if args[0] == "schedules" {
            SHOWN_SCHEDULE
        } else {
            SHOWN_SERVER
        };
        assert!(r.stdout.contains(shown), "{what}: {}", r.stdout);
    }
    // An error that names servers (here: one with no schedule) is shown the same way.
    let r = h.run(&["backups", "--check"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_run_clean("backups --check", &r);
    assert!(r.stderr.contains(SHOWN_SERVER), "{}", r.stderr);
}

#[test]
fn json_keeps_the_exact_strings() {
    let (bg, id) = hostile();
    let h = home(&bg);
    let list = json(&h.run(&["instances", "--json"]));
    let mail = list
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == MAIL)
        .expect("mail listed");
    assert_eq!(mail["name"], EVIL_SERVER);
    let list = json(&h.run(&[
        "schedules",
        "list",
        "--instance",
        &MAIL.to_string(),
        "--json",
    ]));
    assert_eq!(list[0]["id"], id);
    assert_eq!(list[0]["name"], EVIL_SCHEDULE);
    let up = json(&h.run(&["upcoming", "--hours", "48", "--json"]));
    let run = up["runs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["instance_id"] == MAIL)
        .expect("mail runs daily");
    assert_eq!(run["server"], EVIL_SERVER);
    assert_eq!(run["schedule"], EVIL_SCHEDULE);
}

#[test]
fn the_rm_prompt_shows_the_schedule_it_deletes() {
    let (bg, id) = hostile();
    let id = id.to_string();
    let url = bg.emu.url();
    let mut pty = Pty::spawn_args(
        &[
            "schedules",
            "rm",
            "--id",
            &id,
            "--instance",
            &MAIL.to_string(),
        ],
        &[
            ("BSCHED_URL", &url),
            ("BSCHED_USERNAME", DEMO_USER),
            ("BSCHED_PASSWORD", DEMO_PASSWORD),
        ],
    );
    let raw = pty.wait_raw("the question", 0, |r| r.ends_with("[y/N] "));
    // The terminal turns line breaks into CR LF; any other CR, and every escape, is hostile.
    assert_clean("the rm prompt", &raw.replace("\r\n", "\n"));
    let screen = pty.text();
    assert!(
        screen.contains(&format!("Delete schedule {id} '{SHOWN_SCHEDULE}")),
        "the real id, then the name shown visibly: {screen}"
    );
    pty.send("n\r");
    let raw = pty.wait_raw("the answer", 0, |r| r.contains("Nothing deleted."));
    assert_clean("after the answer", &raw.replace("\r\n", "\n"));
    assert!(pty.wait_exit());
    assert!(bg.schedule_ids(MAIL).iter().any(|s| s.to_string() == id));

    // With --yes, the line that reports the deletion is just as safe.
    let r = home(&bg).run(&[
        "schedules",
        "rm",
        "--id",
        &id,
        "--instance",
        &MAIL.to_string(),
        "--yes",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_run_clean("rm --yes", &r);
    assert!(r.stdout.contains(SHOWN_SCHEDULE), "{}", r.stdout);
    assert!(bg.schedule_ids(MAIL).is_empty());
}

/// A server on 127.0.0.1 that answers every request with an API error whose message holds
/// escape sequences.
fn hostile_api() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut req = Vec::new();
            let mut buf = [0u8; 4096];
            // The headers, then as much body as they announce.
            while let Ok(n) = s.read(&mut buf) {
                if n == 0 {
                    break;
                }
                req.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&req).to_lowercase();
                if let Some(end) = text.find("\r\n\r\n") {
                    let len = text
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    if req.len() >= end + 4 + len {
                        break;
                    }
                }
            }
            let body = serde_json::json!({"doc": {"error": {
                "$type": "access",
                "$object": "func",
                "msg": {"$": "Access denied\r\u{1b}[2K\u{1b}]0;pwned\u{7}\u{9b}31m\u{202e}retry later"}
            }}})
            .to_string();
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{addr}/billmgr")
}

#[test]
fn an_api_message_with_escapes_is_shown_visibly() {
    let url = hostile_api();
    let h = Home::for_url(&url);
    for args in [
        vec!["instances"],
        vec!["schedules", "list", "--instance", "1"],
    ] {
        let r = h.run(&args);
        assert_ne!(r.code, 0, "{args:?}: {}", r.stdout);
        assert!(r.stderr.starts_with("error: "), "{}", r.stderr);
        assert_run_clean(&args.join(" "), &r);
    }
}

#[test]
fn names_that_spoof_are_refused_before_anything_is_sent() {
    let bg = Background::start();
    let h = home(&bg);
    let staging = STAGING.to_string();
    for (name, says) in [
        ("nightly\u{202e}ylthgin", "text-direction control (U+202E)"),
        ("a\u{2067}b", "text-direction control (U+2067)"),
        ("week\u{2028}end", "line break (U+2028)"),
        ("\u{200b}\u{2060}", "no visible characters"),
    ] {
        let r = h.run(&[
            "schedules",
            "add",
            "--instance",
            &staging,
            "--name",
            name,
            "--days",
            "mon",
            "--time",
            "02:00",
        ]);
        assert_eq!(r.code, 2, "{name:?}: {}", r.stderr);
        assert_eq!(r.stderr.lines().count(), 1, "one sentence: {}", r.stderr);
        assert!(r.stderr.contains(says), "{name:?}: {}", r.stderr);
        assert_run_clean("add", &r);
    }
    // An edit to such a name, and a plan file that holds one.
    let web1 = bg.schedule_ids(5_203_770)[0].to_string();
    let r = h.run(&[
        "schedules",
        "edit",
        "--instance",
        "5203770",
        "--id",
        &web1,
        "--name",
        "night\u{202d}ly",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("U+202D"), "{}", r.stderr);
    let plan = h.write(
        "plan.toml",
        &format!(
            "server_timezone = \"+03:00\"\n\n[[servers]]\nid = {STAGING}\n\n[[servers.schedules]]\nname = \"nightly\\u2066\"\ndays = \"mon\"\ntime = \"02:00\"\n"
        ),
    );
    let r = h.run(&["apply", "--file", plan.to_str().unwrap(), "--yes"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("U+2066"), "{}", r.stderr);
    assert!(
        bg.emu.calls().is_empty(),
        "nothing reached the API: {:?}",
        bg.emu.calls()
    );
    assert!(bg.schedule_ids(STAGING).is_empty());
}

#[test]
fn the_tui_form_refuses_the_same_names() {
    for (name, says) in [
        ("nightly\u{202e}", "text-direction control (U+202E)"),
        ("\u{200b}", "no visible characters"),
        ("a\u{2029}b", "line break (U+2029)"),
    ] {
        let mut form = bsched::tui::layers::form::Form::new(STAGING, "staging");
        form.name = name.into();
        let e = form.validate().expect_err(name);
        assert!(e.contains(says), "{name:?}: {e}");
    }
}
