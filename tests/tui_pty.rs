//! End to end: the real `bsched` binary in a pseudo-terminal against the emulator. Keys are
//! typed, the screen is read back through a terminal parser.

mod common;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bsched::emulator::{DEMO_PASSWORD, DEMO_USER};
use common::Background;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const STAGING: u64 = 5_203_775;

struct Screen {
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
}

impl Screen {
    fn text(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
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
}

#[test]
fn filter_create_delete_quit_in_a_real_terminal() {
    let bg = Background::start();
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
    cmd.env("BSCHED_URL", bg.emu.url());
    cmd.env("BSCHED_USERNAME", DEMO_USER);
    cmd.env("BSCHED_PASSWORD", DEMO_PASSWORD);
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().unwrap();
    let mut writer = pty.master.take_writer().unwrap();
    let screen = Screen {
        parser: Arc::new(Mutex::new(vt100::Parser::new(
            30.try_into().unwrap(),
            110.try_into().unwrap(),
            0,
        ))),
        raw: Arc::new(Mutex::new(Vec::new())),
    };
    let (parser, raw) = (screen.parser.clone(), screen.raw.clone());
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            parser.lock().unwrap().process(&buf[..n]);
            raw.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    let mut send = |s: &str| {
        writer.write_all(s.as_bytes()).unwrap();
        writer.flush().unwrap();
        std::thread::sleep(Duration::from_millis(60));
    };

    screen.wait_for("the server list", |t| {
        t.contains("web-1") && t.contains("files")
    });
    send("/");
    send("staging");
    send("\r");
    screen.wait_for("the filter", |t| t.contains("Servers (1/15)"));
    screen.wait_for("staging's empty schedule pane", |t| {
        t.contains("No backup schedule")
    });

    send("n");
    screen.wait_for("the form", |t| t.contains("New schedule"));
    send("pty nightly");
    send("\t");
    send("w");
    send("\t");
    send("0201");
    send("\r");
    let t = screen.wait_for("the saved schedule", |t| {
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

    send("d");
    screen.wait_for("the delete dialog", |t| t.contains("Delete schedule?"));
    send("y");
    screen.wait_for("the empty pane again", |t| {
        t.contains("No backup schedule") && t.contains("Deleted")
    });
    assert!(bg.schedule_ids(STAGING).is_empty());

    send("q");
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "bsched did not exit"
        );
        std::thread::sleep(Duration::from_millis(30));
    };
    assert!(status.success(), "exit status {status:?}");
    std::thread::sleep(Duration::from_millis(100));
    let raw = screen.raw.lock().unwrap().clone();
    let text = String::from_utf8_lossy(&raw);
    assert!(text.contains("\u{1b}[?1049l"), "left the alternate screen");
    assert!(!screen.parser.lock().unwrap().screen().alternate_screen());
    assert!(
        !screen.parser.lock().unwrap().screen().hide_cursor(),
        "cursor shown again"
    );
}
