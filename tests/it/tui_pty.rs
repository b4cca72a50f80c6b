//! End to end: the real `bsched` binary in a pseudo-terminal against the emulator. Keys are
//! typed, the screen is read back through a terminal parser.

use crate::common;

use bsched::emulator::{DEMO_PASSWORD, DEMO_TOTP_CODE, DEMO_TOTP_USER};
use common::Background;
use common::pty::Pty;

const STAGING: u64 = 5_203_775;

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
    pty.wait_for("the refusal", |t| t.contains("Wrong username or password"));
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

#[test]
fn sigint_and_sigquit_from_outside_give_the_terminal_back() {
    let bg = Background::start();
    for sig in ["INT", "QUIT"] {
        let mut pty = Pty::logged_in(&bg);
        pty.wait_for("the server list", |t| t.contains("web-1"));
        pty.signal(sig);
        assert!(pty.wait_exit(), "SIG{sig} ends bsched with status 0");
        pty.assert_restored();
    }
}

#[test]
fn ctrl_z_and_sigtstp_stop_with_the_terminal_given_back_and_fg_takes_it_again() {
    let bg = Background::start();
    for how in ["Ctrl+Z", "SIGTSTP"] {
        let mut pty = Pty::logged_in(&bg);
        pty.wait_for("the server list", |t| {
            t.contains("web-1") && t.contains("Servers")
        });
        assert!(!pty.cooked(), "raw mode while the screen is drawn");
        let mark = pty.raw_len();
        match how {
            "Ctrl+Z" => pty.send("\u{1a}"),
            _ => pty.signal("TSTP"),
        }
        pty.wait_raw(&format!("{how} to leave the alternate screen"), mark, |r| {
            r.contains("\u{1b}[?1049l")
        });
        pty.wait_stopped();
        assert_eq!(
            pty.alternate_screen(),
            (false, false),
            "{how}: the main screen with a visible cursor while stopped"
        );
        assert!(pty.cooked(), "{how}: the shell's line mode while stopped");

        let mark = pty.raw_len();
        pty.signal("CONT");
        pty.wait_raw("fg to enter the alternate screen again", mark, |r| {
            r.contains("\u{1b}[?1049h")
        });
        // Entering the alternate screen blanks it: only a full redraw brings the rows back.
        pty.wait_for("a full redraw after fg", |t| {
            t.contains("web-1") && t.contains("Servers")
        });
        assert!(
            pty.alternate_screen().0,
            "{how}: back on the alternate screen"
        );
        assert!(!pty.cooked(), "{how}: raw mode again after fg");
        // A single key acts at once, as only raw mode allows.
        pty.send("q");
        assert!(pty.wait_exit(), "{how}: quits with status 0 after fg");
        pty.assert_restored();
    }
}

#[test]
fn a_panic_gives_the_terminal_back_with_its_message() {
    let bg = Background::start();
    let mut pty = Pty::spawn(&[
        ("BSCHED_URL", &bg.emu.url()),
        ("BSCHED_USERNAME", bsched::emulator::DEMO_USER),
        ("BSCHED_PASSWORD", DEMO_PASSWORD),
        ("BSCHED_CRASH_DRILL", "1"),
    ]);
    assert!(!pty.wait_exit(), "a panic is a failure exit");
    pty.assert_restored();
    let raw = String::from_utf8_lossy(&pty.raw.lock().unwrap()).into_owned();
    assert!(
        raw.contains("crash drill"),
        "the panic message shows after the screen is back"
    );
}

#[test]
fn fast_resizes_down_to_one_cell_never_crash() {
    let bg = Background::start();
    let mut pty = Pty::logged_in(&bg);
    pty.wait_for("the server list", |t| t.contains("web-1"));
    for (rows, cols) in [
        (1, 1),
        (8, 30),
        (3, 200),
        (60, 2),
        (24, 80),
        (1, 120),
        (16, 60),
    ] {
        pty.resize(rows, cols);
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    for i in 0..40u16 {
        pty.resize(5 + i % 30, 20 + i * 3);
    }
    pty.resize(30, 110);
    pty.wait_for("a normal frame again", |t| {
        t.contains("web-1") && t.contains("Servers")
    });
    assert!(pty.alive());
    pty.send("q");
    assert!(pty.wait_exit());
    pty.assert_restored();
}
