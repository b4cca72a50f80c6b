//! End to end: the real `bsched` binary in a pseudo-terminal against the emulator. Keys are
//! typed, the screen is read back through a terminal parser.

mod common;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bsched::emulator::{DEMO_PASSWORD, DEMO_TOTP_CODE, DEMO_TOTP_USER, DEMO_USER};
use common::Background;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const STAGING: u64 = 5_203_775;

/// The real binary in a pseudo-terminal, with a terminal parser reading its output.
struct Pty {
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    _home: tempfile::TempDir,
}

impl Pty {
    /// Starts `bsched` (no arguments) with a clean environment plus `env`.
    fn spawn(env: &[(&str, &str)]) -> Pty {
        let home = tempfile::tempdir().unwrap();
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 30,
                cols: 110,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_bsched"));
        cmd.env_clear();
        cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
        cmd.env("HOME", home.path());
        cmd.env("XDG_CONFIG_HOME", home.path().join("config"));
        cmd.env("XDG_DATA_HOME", home.path().join("data"));
        cmd.env("TERM", "xterm-256color");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            30.try_into().unwrap(),
            110.try_into().unwrap(),
            0,
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (p, r) = (parser.clone(), raw.clone());
        std::thread::spawn(move || {
            let _master = pty.master;
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                p.lock().unwrap().process(&buf[..n]);
                r.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Pty {
            parser,
            raw,
            writer,
            child,
            _home: home,
        }
    }

    /// Starts `bsched` logged in to `bg`'s demo account.
    fn logged_in(bg: &Background) -> Pty {
        Pty::spawn(&[
            ("BSCHED_URL", &bg.emu.url()),
            ("BSCHED_USERNAME", DEMO_USER),
            ("BSCHED_PASSWORD", DEMO_PASSWORD),
        ])
    }

    fn text(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    fn send(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        std::thread::sleep(Duration::from_millis(60));
    }

    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let text = self.text();
            if pred(&text) {
                return text;
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "timed out waiting for {what}; screen:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// Waits for the process to end and returns whether it exited with status 0.
    fn wait_exit(&mut self) -> bool {
        let start = Instant::now();
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "bsched did not exit"
            );
            std::thread::sleep(Duration::from_millis(30));
        };
        status.success()
    }

    /// Asserts the terminal was given back: main screen, cursor visible, raw mode left.
    fn assert_restored(&self) {
        std::thread::sleep(Duration::from_millis(100));
        let raw = self.raw.lock().unwrap().clone();
        let text = String::from_utf8_lossy(&raw);
        assert!(text.contains("\u{1b}[?1049l"), "left the alternate screen");
        let parser = self.parser.lock().unwrap();
        assert!(!parser.screen().alternate_screen());
        assert!(!parser.screen().hide_cursor(), "cursor shown again");
    }

    fn signal(&self, sig: &str) {
        let pid = self.child.process_id().expect("a pid");
        let ok = std::process::Command::new("kill")
            .args([&format!("-{sig}"), &pid.to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -{sig} {pid}");
    }
}

#[test]
fn filter_create_delete_quit_in_a_real_terminal() {
    let bg = Background::start();
    let mut pty = Pty::logged_in(&bg);
    pty.wait_for("the server list", |t| {
        t.contains("web-1") && t.contains("files")
    });
    pty.send("/");
    pty.send("staging");
    pty.send("\r");
    pty.wait_for("the filter", |t| t.contains("Servers (1/25)"));
    pty.wait_for("staging's empty schedule pane", |t| {
        t.contains("No backup schedule")
    });

    pty.send("n");
    pty.wait_for("the form", |t| t.contains("New schedule"));
    pty.send("pty nightly");
    pty.send("\t");
    pty.send("w");
    pty.send("\t");
    pty.send("0201");
    pty.send("\r");
    let t = pty.wait_for("the saved schedule", |t| {
        t.contains("pty nightly") && t.contains("Created schedule")
    });
    assert!(t.contains("02:01"), "{t}");
    let stored = bg.emu.with(|w| {
        w.data
            .schedules
            .iter()
            .filter(|s| s.instance_id == STAGING)
            .map(|s| (s.name.clone(), s.days.clone(), s.time.clone()))
            .collect::<Vec<_>>()
    });
    assert_eq!(
        stored,
        vec![(
            "pty nightly".to_string(),
            "1,2,3,4,5".to_string(),
            "02:01".to_string()
        )]
    );

    pty.send("d");
    pty.wait_for("the delete dialog", |t| t.contains("Delete schedule?"));
    pty.send("y");
    pty.wait_for("the empty pane again", |t| {
        t.contains("No backup schedule") && t.contains("Deleted")
    });
    assert!(bg.schedule_ids(STAGING).is_empty());

    pty.send("q");
    assert!(pty.wait_exit(), "exit status 0");
    pty.assert_restored();
}

#[test]
fn with_no_credentials_a_login_screen_asks_for_them_and_the_one_time_code() {
    let bg = Background::start();
    let url = bg.emu.url();
    let mut pty = Pty::spawn(&[("BSCHED_URL", &url)]);
    let t = pty.wait_for("the login screen", |t| t.contains("log in"));
    assert!(t.contains(&url), "the URL is pre-filled: {t}");
    pty.send(DEMO_TOTP_USER);
    pty.send("\t");
    pty.send("wrong password");
    pty.send("\r");
    pty.wait_for("the refusal", |t| {
        t.contains("Invalid username or password")
    });
    // Everything typed is kept: fix the password only.
    for _ in 0.."wrong password".len() {
        pty.send("\u{7f}");
    }
    pty.send(DEMO_PASSWORD);
    pty.send("\r");
    let t = pty.wait_for("the code step", |t| t.contains("6-digit code"));
    assert!(!t.contains(DEMO_PASSWORD), "the password is masked: {t}");
    pty.send(DEMO_TOTP_CODE);
    pty.send("\r");
    pty.wait_for("the server list", |t| {
        t.contains("web-1") && t.contains("files")
    });
    pty.send("q");
    assert!(pty.wait_exit());
    pty.assert_restored();
}

#[test]
fn sigterm_and_sighup_give_the_terminal_back() {
    let bg = Background::start();
    for sig in ["TERM", "HUP"] {
        let mut pty = Pty::logged_in(&bg);
        pty.wait_for("the server list", |t| t.contains("web-1"));
        pty.signal(sig);
        assert!(pty.wait_exit(), "SIG{sig} ends bsched with status 0");
        pty.assert_restored();
    }
}
