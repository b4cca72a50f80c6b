//! `bsched login` against hostile input: a data directory path (from the environment) that
//! holds escape sequences is shown visibly, and an endless answer on standard input is
//! refused after 4 KiB with nothing sent. The real binary against an emulator on 127.0.0.1.

use crate::common;

use std::io::Write;
use std::process::Stdio;

use bsched::emulator::{DEMO_PASSWORD, DEMO_USER};
use common::Background;
use common::cli::{Run, base, finish};

/// `bsched login` with `env` and `input` on standard input (written from a thread: bsched may
/// stop reading early).
fn login(home: &std::path::Path, env: &[(&str, &str)], input: Vec<u8>) -> Run {
    let mut cmd = base(home);
    cmd.envs(env.iter().copied())
        .arg("login")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        // A closed pipe is what a refusal looks like from here.
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("wait");
    let _ = writer.join();
    finish(out)
}

#[test]
fn the_kept_sessions_path_is_shown_without_its_escape_sequences() {
    let bg = Background::start();
    let home = tempfile::tempdir().expect("home");
    let data = home.path().join("data\u{1b}[2J\u{1b}]0;owned\u{7}");
    let data_text = data.display().to_string();
    let url = bg.emu.url();
    let env = [
        ("BSCHED_URL", url.as_str()),
        ("BSCHED_USERNAME", DEMO_USER),
        ("BSCHED_DATA_DIR", data_text.as_str()),
    ];
    let r = login(home.path(), &env, format!("{DEMO_PASSWORD}\n").into_bytes());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("Logged in as"), "{}", r.stderr);
    assert!(
        !r.stderr.contains('\u{1b}') && !r.stderr.contains('\u{7}'),
        "{:?}",
        r.stderr
    );
    assert!(r.stderr.contains("data^[[2J^[]0;owned^G"), "{:?}", r.stderr);
    assert!(
        data.join("sessions/default.json").is_file(),
        "the session is kept where the variable says"
    );
}

#[test]
fn an_endless_answer_is_refused_after_4_kib_and_nothing_is_sent() {
    let bg = Background::start();
    let home = tempfile::tempdir().expect("home");
    let url = bg.emu.url();
    let before = bg.emu.logins();
    // No user name configured: it is asked for first.
    let r = login(
        home.path(),
        &[("BSCHED_URL", url.as_str())],
        vec![b'u'; 1024 * 1024],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("the answer is longer than 4096 bytes; nothing was sent"),
        "{}",
        r.stderr
    );
    assert_eq!(bg.emu.logins(), before, "no login was sent");
    assert!(bg.emu.requests().is_empty(), "nothing was sent");
}
