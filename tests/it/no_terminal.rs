//! `bsched` and `bsched demo` without a terminal to draw on: one sentence in words, pointing at
//! the commands, and nothing drawn into a file or a pipe.

use crate::common;

use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::process::CommandExt;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use bsched::emulator::{DEMO_PASSWORD, DEMO_USER};
use common::Background;
use common::cli::base;

/// Waits for `child` with a generous bound (today's code would wait for keys forever).
fn wait(mut child: Child) -> (i32, String, String) {
    let start = Instant::now();
    while child.try_wait().expect("try_wait").is_none() {
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("bsched kept running without a terminal");
        }
        std::thread::sleep(Duration::from_millis(30));
    }
    let out = child.wait_with_output().expect("output");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn with_stdout_to_a_pipe_the_screen_is_refused_in_one_sentence() {
    let bg = Background::start();
    let url = bg.emu.url();
    let logged_in = [
        ("BSCHED_URL", url.as_str()),
        ("BSCHED_USERNAME", DEMO_USER),
        ("BSCHED_PASSWORD", DEMO_PASSWORD),
    ];
    type Env<'a> = &'a [(&'a str, &'a str)];
    let cases: [(&str, &[&str], Env); 3] = [
        ("bsched", &[], &logged_in),
        (
            "bsched (login screen)",
            &[],
            &[("BSCHED_URL", url.as_str())],
        ),
        ("bsched demo", &["demo"], &[]),
    ];
    for (what, args, env) in cases {
        let home = tempfile::tempdir().unwrap();
        let mut cmd = base(home.path());
        cmd.env("TERM", "xterm-256color")
            .envs(env.iter().copied())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let (code, stdout, stderr) = wait(cmd.spawn().expect("spawn"));
        assert_eq!(code, 2, "{what}: usage status; stderr: {stderr}");
        assert!(
            stdout.is_empty(),
            "{what}: nothing drawn into the pipe: {stdout:?}"
        );
        assert_eq!(stderr.lines().count(), 1, "{what}: one sentence: {stderr}");
        assert!(
            stderr.contains(bsched::tui::NOT_A_TERMINAL),
            "{what}: {stderr}"
        );
        assert!(stderr.contains("bsched --help"), "{what}: {stderr}");
        // Refused before anything was started: the demo's emulator never wrote its state.
        let data = home.path().join("data/bsched");
        assert!(
            !data.join("demo-state.json").exists(),
            "{what}: the demo's state was not created"
        );
    }
}

#[test]
fn with_no_controlling_terminal_the_error_is_in_words() {
    // stdout is a terminal, but bsched runs in a session of its own with no controlling
    // terminal and no terminal on stdin: nothing to read keys from.
    let pty = portable_pty::native_pty_system()
        .openpty(portable_pty::PtySize::default())
        .expect("a pty");
    let tty = pty.master.tty_name().expect("the pty's name");
    let screen = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOCTTY)
        .open(&tty)
        .expect("open the pty");
    let home = tempfile::tempdir().unwrap();
    let mut cmd = base(home.path());
    cmd.env("TERM", "xterm-256color")
        .env("BSCHED_URL", "http://127.0.0.1:9")
        .env("BSCHED_USERNAME", DEMO_USER)
        .env("BSCHED_PASSWORD", DEMO_PASSWORD)
        .stdout(screen)
        .stderr(Stdio::piped());
    // SAFETY: setsid is async-signal-safe and touches no memory of the parent.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let (code, _, stderr) = wait(cmd.spawn().expect("spawn"));
    assert_eq!(code, 2, "stderr: {stderr}");
    assert!(stderr.contains(bsched::tui::NO_TERMINAL), "{stderr}");
    assert!(!stderr.contains("os error"), "{stderr}");
}
