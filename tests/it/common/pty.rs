//! The real binary in a pseudo-terminal, read back through a terminal parser.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bsched::emulator::{DEMO_PASSWORD, DEMO_USER};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};

use super::Background;

/// The bound for anything the terminal waits for: generous, because the machine may be busy.
/// A wait that succeeds returns as soon as its condition holds.
const PATIENCE: Duration = Duration::from_secs(120);

/// The real binary in a pseudo-terminal, with a terminal parser reading its output.
pub struct Pty {
    master: Box<dyn portable_pty::MasterPty + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    pub raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    pub home: tempfile::TempDir,
}

impl Pty {
    /// Starts `bsched` (no arguments) with a clean environment plus `env`.
    pub fn spawn(env: &[(&str, &str)]) -> Pty {
        Pty::spawn_args(&[], env)
    }

    /// Starts `bsched ARGS` with a clean environment plus `env`.
    pub fn spawn_args(args: &[&str], env: &[(&str, &str)]) -> Pty {
        Pty::spawn_in(tempfile::tempdir().unwrap(), args, env)
    }

    /// Starts `bsched ARGS` in `home` (prepared by the test) with a clean environment plus
    /// `env`.
    pub fn spawn_in(home: tempfile::TempDir, args: &[&str], env: &[(&str, &str)]) -> Pty {
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
        cmd.args(args);
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
            master: pty.master,
            parser,
            raw,
            writer,
            child,
            home,
        }
    }

    /// Starts `bsched` logged in to `bg`'s demo account.
    pub fn logged_in(bg: &Background) -> Pty {
        Pty::spawn(&[
            ("BSCHED_URL", &bg.emu.url()),
            ("BSCHED_USERNAME", DEMO_USER),
            ("BSCHED_PASSWORD", DEMO_PASSWORD),
        ])
    }

    pub fn text(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    pub fn send(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        std::thread::sleep(Duration::from_millis(60));
    }

    pub fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let text = self.text();
            if pred(&text) {
                return text;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "timed out waiting for {what}; screen:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// Resizes the terminal, as a window manager does.
    pub fn resize(&self, rows: u16, cols: u16) {
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        self.parser
            .lock()
            .unwrap()
            .screen_mut()
            .set_size(rows.try_into().unwrap(), cols.try_into().unwrap());
    }

    /// Whether the process still runs.
    pub fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Waits for the process to end and returns whether it exited with status 0.
    pub fn wait_exit(&mut self) -> bool {
        let start = Instant::now();
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            assert!(start.elapsed() < PATIENCE, "bsched did not exit");
            std::thread::sleep(Duration::from_millis(30));
        };
        status.success()
    }

    /// Waits for the process to end and returns its exit status.
    pub fn wait_code(&mut self) -> u32 {
        let start = Instant::now();
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s.exit_code();
            }
            assert!(start.elapsed() < PATIENCE, "bsched did not exit");
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// Asserts the terminal was given back: main screen, cursor visible, raw mode left.
    pub fn assert_restored(&self) {
        std::thread::sleep(Duration::from_millis(100));
        let raw = self.raw.lock().unwrap().clone();
        let text = String::from_utf8_lossy(&raw);
        assert!(text.contains("\u{1b}[?1049l"), "left the alternate screen");
        let parser = self.parser.lock().unwrap();
        assert!(!parser.screen().alternate_screen());
        assert!(!parser.screen().hide_cursor(), "cursor shown again");
    }

    /// How many bytes bsched has written so far: a mark for [`Pty::wait_raw`].
    pub fn raw_len(&self) -> usize {
        self.raw.lock().unwrap().len()
    }

    /// Waits until the bytes written after `mark` satisfy `pred`, and returns them.
    pub fn wait_raw(&self, what: &str, mark: usize, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let text = String::from_utf8_lossy(&self.raw.lock().unwrap()[mark..]).into_owned();
            if pred(&text) {
                return text;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "timed out waiting for {what}; bytes since the mark: {text:?}"
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// Whether the screen is the alternate one, and whether the cursor is hidden.
    pub fn alternate_screen(&self) -> (bool, bool) {
        let parser = self.parser.lock().unwrap();
        (
            parser.screen().alternate_screen(),
            parser.screen().hide_cursor(),
        )
    }

    /// Whether the terminal is in the shell's cooked mode (line editing and echo on) rather
    /// than raw mode, read from the pseudo-terminal's settings.
    pub fn cooked(&self) -> bool {
        let fd = self.master.as_raw_fd().expect("a pty fd");
        // SAFETY: a zeroed termios is a valid value to be overwritten by tcgetattr, and fd is
        // the open master of this pseudo-terminal.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        let rc = unsafe { libc::tcgetattr(fd, &mut t) };
        assert_eq!(rc, 0, "tcgetattr on the pty");
        t.c_lflag & libc::ICANON != 0 && t.c_lflag & libc::ECHO != 0
    }

    /// Waits until the process is stopped (state `T` in /proc).
    pub fn wait_stopped(&self) {
        let pid = self.child.process_id().expect("a pid");
        let start = Instant::now();
        loop {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // The state follows the command name, which is in parentheses.
            let state = stat
                .rsplit(')')
                .next()
                .and_then(|r| r.trim_start().chars().next());
            if state == Some('T') {
                return;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "bsched did not stop; /proc says {stat:?}"
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    pub fn signal(&self, sig: &str) {
        let pid = self.child.process_id().expect("a pid");
        let ok = std::process::Command::new("kill")
            .args([&format!("-{sig}"), &pid.to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -{sig} {pid}");
    }
}
