//! The secrets audit: with a known password and session token, every CLI command and the main
//! TUI flows run with trace logging, and neither secret appears in stdout, stderr, the log
//! file, the journal, the screen or a `Debug` print.

use crate::common;

use bsched::emulator::{DEMO_USER, Fault, When};
use common::Background;
use common::cli::Home;
use common::pty::Pty;

const PASSWORD: &str = "pw-Sup3rS3cret";
const WEB1: u64 = 5_203_770;
const STAGING: u64 = 5_203_775;

/// Logs in straight at the emulator to learn a real session token.
fn token(bg: &Background) -> String {
    let doc = bg.emu.with(|w| {
        w.respond(&bsched::emulator::Params(vec![
            ("func".into(), "auth".into()),
            ("username".into(), DEMO_USER.into()),
            ("password".into(), PASSWORD.into()),
        ]))
    });
    doc["doc"]["auth"]["$id"].as_str().unwrap().to_string()
}

fn everything_written(home: &Home) -> String {
    let mut all = String::new();
    for entry in walk(home.dir.path()) {
        if let Ok(text) = std::fs::read_to_string(&entry) {
            all.push_str(&text);
        }
    }
    all
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn no_cli_command_reveals_the_password_or_the_session() {
    let bg = Background::start();
    bg.emu.with(|w| w.data.users[0].password = PASSWORD.into());
    let token = token(&bg);
    let mut home = Home::for_url(&bg.emu.url());
    home.env.retain(|(k, _)| k != "BSCHED_PASSWORD");
    home.env.push(("BSCHED_PASSWORD".into(), PASSWORD.into()));
    home.env.push(("BSCHED_LOG".into(), "trace".into()));
    let (web1, st) = (WEB1.to_string(), STAGING.to_string());
    let exported = home.run(&["export"]);
    let plan = home.write("plan.toml", &exported.stdout);
    let plan = plan.to_str().unwrap().to_string();
    let commands: Vec<Vec<&str>> = vec![
        vec!["instances"],
        vec!["instances", "--json"],
        vec!["schedules", "list", "--instance", &st, "--json"],
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
            "01:00",
        ],
        vec![
            "schedules",
            "edit",
            "--instance",
            &web1,
            "--id",
            "301",
            "--time",
            "03:00",
        ],
        vec![
            "schedules",
            "rm",
            "--instance",
            &web1,
            "--id",
            "301",
            "--yes",
        ],
        vec!["schedules", "list", "--instance", "1"],
        vec!["retention", "--instance", &st],
        vec!["retention", "--instance", &st, "--set", "4", "--json"],
        vec!["upcoming", "--json"],
        vec!["backups", "--check"],
        vec!["backups", "--instance", &web1, "--json"],
        vec!["export", "--format", "json"],
        vec!["apply", "-f", &plan, "--dry-run", "--prune"],
        vec!["apply", "-f", &plan, "--yes", "--prune"],
        vec!["log", "--json"],
        vec!["restore", "1"],
        vec!["lint"],
    ];
    let mut printed = exported.stdout + &exported.stderr;
    for args in &commands {
        let out = home.run(args);
        printed.push_str(&out.stdout);
        printed.push_str(&out.stderr);
    }
    // Faults that echo the request's token back in odd places, and a wrong password.
    let mut with_token = Home::for_url(&bg.emu.url());
    with_token.env = vec![
        ("BSCHED_URL".into(), bg.emu.url()),
        ("BSCHED_TOKEN".into(), token.clone()),
        ("BSCHED_LOG".into(), "trace".into()),
    ];
    for fault in [
        Fault::Truncated,
        Fault::Html,
        Fault::Status(500),
        Fault::Empty,
    ] {
        bg.emu.push_fault(fault, When::Before, Some("instances"));
        let out = with_token.run(&["instances"]);
        printed.push_str(&out.stdout);
        printed.push_str(&out.stderr);
    }
    bg.emu.with(|w| w.expire_sessions());
    let expired = with_token.run(&["instances"]);
    assert_eq!(expired.code, 4, "{}", expired.stderr);
    printed.push_str(&expired.stderr);
    let mut wrong = Home::for_url(&bg.emu.url());
    wrong
        .env
        .push(("BSCHED_PASSWORD".into(), format!("{PASSWORD}-wrong")));
    let refused = wrong.run(&["instances"]);
    assert_eq!(refused.code, 4);
    printed.push_str(&refused.stderr);

    assert!(printed.contains("calling"), "trace logging was on");
    let files = everything_written(&home);
    assert!(
        files.contains("\"action\":\"edit\""),
        "the journal was written"
    );
    for (what, text) in [("output", &printed), ("files", &files)] {
        assert!(
            !text.contains("Sup3rS3cret"),
            "the password reached the {what}"
        );
        assert!(
            !text.contains(&token),
            "the session token reached the {what}"
        );
    }
}

#[test]
fn the_tui_keeps_secrets_off_the_screen_and_out_of_its_log() {
    let bg = Background::start();
    bg.emu.with(|w| w.data.users[0].password = PASSWORD.into());
    let url = bg.emu.url();
    // Logged in by configuration, with trace logging to the data directory's bsched.log.
    let mut pty = Pty::spawn(&[
        ("BSCHED_URL", &url),
        ("BSCHED_USERNAME", DEMO_USER),
        ("BSCHED_PASSWORD", PASSWORD),
        ("BSCHED_LOG", "trace"),
    ]);
    pty.wait_for("the server list", |t| {
        t.contains("web-1") && t.contains("files")
    });
    pty.send("/");
    pty.send("staging");
    pty.send("\r");
    pty.wait_for("staging", |t| t.contains("No backup schedule"));
    pty.send("n");
    pty.send("secret-free");
    pty.send("\t");
    pty.send("w");
    pty.send("\r");
    pty.wait_for("the created schedule", |t| t.contains("Created schedule"));
    pty.send("d");
    pty.send("y");
    pty.wait_for("the delete", |t| t.contains("Deleted"));
    pty.send("q");
    assert!(pty.wait_exit());
    let log = std::fs::read_to_string(pty.home.path().join("data/bsched/bsched.log"))
        .expect("the TUI wrote its log to the data directory");
    assert!(log.contains("calling"), "{log}");
    let journal = std::fs::read_to_string(pty.home.path().join("data/bsched/journal.jsonl"))
        .expect("the journal");
    let screen = String::from_utf8_lossy(&pty.raw.lock().unwrap()).into_owned();
    for (what, text) in [("log", &log), ("journal", &journal), ("screen", &screen)] {
        assert!(
            !text.contains("Sup3rS3cret"),
            "the password reached the {what}"
        );
    }
    // The session the TUI used is the emulator's only one for the account: it is nowhere.
    let sessions: Vec<String> = bg.emu.with(|w| w.session_tokens());
    assert!(!sessions.is_empty());
    for s in sessions {
        for (what, text) in [("log", &log), ("journal", &journal), ("screen", &screen)] {
            assert!(!text.contains(&s), "the session token reached the {what}");
        }
    }

    // Typed on the login screen, the password is masked and not logged either.
    let mut pty = Pty::spawn(&[("BSCHED_URL", &url), ("BSCHED_LOG", "trace")]);
    pty.wait_for("the login screen", |t| t.contains("log in"));
    pty.send(DEMO_USER);
    pty.send("\t");
    pty.send(PASSWORD);
    pty.send("\r");
    pty.wait_for("the server list", |t| t.contains("web-1"));
    pty.send("q");
    assert!(pty.wait_exit());
    let screen = String::from_utf8_lossy(&pty.raw.lock().unwrap()).into_owned();
    let log =
        std::fs::read_to_string(pty.home.path().join("data/bsched/bsched.log")).unwrap_or_default();
    assert!(!screen.contains("Sup3rS3cret") && !log.contains("Sup3rS3cret"));
}

#[test]
fn debug_prints_of_everything_holding_a_secret_are_redacted() {
    let url = bsched::api::checked_url("https://my.example.test/").unwrap();
    let mut cfg = bsched::api::ClientConfig::new(url);
    cfg.username = Some("me".into());
    cfg.password = Some(bsched::api::Secret::new(PASSWORD));
    cfg.token = Some(bsched::api::Secret::new("tok-Sup3rS3cret"));
    let client = bsched::api::Client::new(cfg.clone()).unwrap();
    let mut app = bsched::tui::app::App::login_screen(cfg.clone(), Default::default());
    for c in PASSWORD.chars() {
        let _ = app
            .layers
            .get_mut::<bsched::tui::layers::login::LoginForm>()
            .unwrap()
            .on_key(&crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Char(c),
                crossterm::event::KeyModifiers::NONE,
            ));
    }
    let cmd = bsched::tui::msg::Cmd::Login {
        cfg: Box::new(cfg.clone()),
    };
    for text in [
        format!("{cfg:?}"),
        format!("{client:?}"),
        format!("{app:?}"),
        format!("{cmd:?}"),
    ] {
        assert!(!text.contains("Sup3rS3cret"), "{text}");
    }
}

/// A listener that must never be reached: whether anything connected is read from its backlog
/// without accepting during the run.
struct Trap(std::net::TcpListener);

impl Trap {
    fn new() -> Trap {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.set_nonblocking(true).unwrap();
        Trap(l)
    }

    fn url(&self) -> String {
        format!("http://{}/", self.0.local_addr().unwrap())
    }

    fn reached(&self) -> bool {
        self.0.accept().is_ok()
    }
}

#[test]
fn a_server_that_echoes_secrets_or_redirects_gets_nothing_shown_or_sent() {
    let bg = Background::start();
    bg.emu.with(|w| {
        w.data.users[0].password = PASSWORD.into();
    });
    let token = token(&bg);
    // The server repeats the password and the session in a schedule name and in refusals.
    bg.emu.with(|w| {
        let s = w
            .data
            .schedules
            .iter_mut()
            .find(|s| s.instance_id == WEB1)
            .unwrap();
        s.name = format!("echo {PASSWORD} {token}");
    });
    let mut home = Home::for_url(&bg.emu.url());
    home.env.retain(|(k, _)| k != "BSCHED_PASSWORD");
    home.env.push(("BSCHED_PASSWORD".into(), PASSWORD.into()));
    home.env.push(("BSCHED_TOKEN".into(), token.clone()));
    home.env.push(("BSCHED_LOG".into(), "trace".into()));
    let echo = format!("bad request: username={DEMO_USER}&password={PASSWORD}&auth={token}");
    let refuse = |func: &str| {
        bg.emu.push_fault(
            Fault::Refuse {
                kind: "value".into(),
                object: "name".into(),
                msg: echo.clone(),
            },
            When::Before,
            Some(func),
        )
    };
    let web1 = WEB1.to_string();
    let mut outputs = Vec::new();
    let listed = home.run(&["schedules", "list", "--instance", &web1]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert!(listed.stdout.contains("echo *** ***"), "{}", listed.stdout);
    outputs.push(listed);
    refuse("instances.fleio_bckps.schedule");
    let read = home.run(&["schedules", "list", "--instance", &web1]);
    assert_eq!(read.code, 3, "{}", read.stderr);
    assert!(read.stderr.contains("password=***"), "{}", read.stderr);
    outputs.push(read);
    refuse("instances.fleio_bckps.schedule.edit");
    let write = home.run(&[
        "schedules",
        "add",
        "--instance",
        &web1,
        "--name",
        "n",
        "--days",
        "mon",
        "--time",
        "01:00",
    ]);
    assert_eq!(write.code, 3, "{}", write.stderr);
    outputs.push(write);
    outputs.push(home.run(&["log", "--json"]));

    // A redirect, on the login and on a read after it, is not followed: nothing reaches the
    // place it points to.
    let trap = Trap::new();
    let mut fresh = Home::for_url(&bg.emu.url());
    fresh.env.retain(|(k, _)| k != "BSCHED_PASSWORD");
    fresh.env.push(("BSCHED_PASSWORD".into(), PASSWORD.into()));
    for func in ["auth", "instances"] {
        bg.emu.push_fault(
            Fault::Redirect {
                status: 307,
                location: trap.url(),
            },
            When::Before,
            Some(func),
        );
        let r = fresh.run(&["instances"]);
        assert_eq!(r.code, 5, "{func}: {}", r.stderr);
        assert!(r.stderr.contains("redirect"), "{func}: {}", r.stderr);
        assert!(r.stderr.contains("127.0.0.1"), "{func}: {}", r.stderr);
        assert!(!trap.reached(), "{func}: the redirect was followed");
        outputs.push(r);
    }
    let written = everything_written(&home) + &everything_written(&fresh);
    for r in &outputs {
        for text in [&r.stdout, &r.stderr] {
            assert!(!text.contains(PASSWORD), "password shown: {text}");
            assert!(!text.contains(&token), "session shown: {text}");
        }
    }
    assert!(!written.contains(PASSWORD), "password written to a file");
    assert!(!written.contains(&token), "session written to a file");
}

#[test]
fn a_pasted_text_never_prints_in_a_debug_of_the_message() {
    let msg = bsched::tui::msg::Msg::Paste(bsched::api::Secret::new("hunter2-pasted"));
    assert!(!format!("{msg:?}").contains("hunter2"), "{msg:?}");
}
