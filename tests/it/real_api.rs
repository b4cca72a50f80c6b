//! The binary against the harder twin (the emulator with its default, real-server behaviour):
//! sessions kept between runs, `login` and `logout`, login refusals, the panel's filter,
//! `doctor`, when `password_command` runs, and which profile the environment belongs to.

use crate::common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use bsched::emulator::{
    DEMO_PASSWORD, DEMO_TOTP_CODE, DEMO_TOTP_USER, DEMO_USER, Fault, LoginRefusal, Options, When,
};
use common::Background;
use common::cli::{Home, Run, base, finish};
use common::fake::{self, Fake};
use serde_json::{Value, json};

const PASSWORD: &str = "pw-Real-Api-77";

fn sessions_dir(home: &Path) -> PathBuf {
    home.join("data").join("bsched").join("sessions")
}

/// The one kept session file of a home.
fn session_file(home: &Path) -> Option<PathBuf> {
    let files: Vec<PathBuf> = std::fs::read_dir(sessions_dir(home))
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    assert!(files.len() <= 1, "{files:?}");
    files.into_iter().next()
}

fn kept_session(home: &Path) -> String {
    let path = session_file(home).expect("a kept session");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("read"))
        .expect("session file is JSON");
    v["session"].as_str().expect("session").to_string()
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
}

/// `bsched ARGS` in `home` with `env`, `input` on standard input (a pipe, not a terminal).
fn run_with_input(home: &Path, env: &[(&str, &str)], args: &[&str], input: &str) -> Run {
    let mut cmd = base(home);
    cmd.envs(env.iter().copied())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input.as_bytes()).expect("write stdin");
    drop(stdin);
    finish(child.wait_with_output().expect("wait"))
}

fn func_count(bg: &Background, func: &str) -> usize {
    bg.emu.requests().iter().filter(|r| r.func == func).count()
}

// ---------------------------------------------------------------------------------------------
// 10. Sessions kept between runs
// ---------------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn a_kept_session_is_reused_privately_and_renewed_once_when_it_expires() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());
    for _ in 0..2 {
        let r = home.run(&["instances", "--json"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    assert_eq!(bg.emu.logins(), 1, "the second command reused the session");
    let file = session_file(home.dir.path()).expect("kept");
    assert_eq!(mode(&file), 0o600);
    assert_eq!(mode(&sessions_dir(home.dir.path())), 0o700);
    let token = kept_session(home.dir.path());
    assert!(bg.emu.with(|w| w.session_tokens()).contains(&token));
    // A kept session that others can read is still used, with a warning naming the fix.
    std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o644))
        .expect("chmod");
    let r = home.run(&["instances", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("can be read by other users; run: chmod 600"),
        "{}",
        r.stderr
    );
    assert_eq!(bg.emu.logins(), 1);

    bg.emu.with(|w| w.expire_sessions());
    let r = home.run(&["instances", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(bg.emu.logins(), 2, "exactly one login again");
    assert_ne!(
        kept_session(home.dir.path()),
        token,
        "the new session is kept"
    );
    let r = home.run(&["schedules", "list", "--instance", "5203770"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(bg.emu.logins(), 2);
}

// ---------------------------------------------------------------------------------------------
// 11. `bsched login` and `bsched logout`
// ---------------------------------------------------------------------------------------------

#[test]
fn login_keeps_a_session_that_later_commands_use_without_a_password() {
    let bg = Background::start();
    for (user, input) in [
        (DEMO_USER, format!("{DEMO_PASSWORD}\n")),
        (
            DEMO_TOTP_USER,
            format!("{DEMO_PASSWORD}\n{DEMO_TOTP_CODE}\n"),
        ),
    ] {
        let home = tempfile::tempdir().expect("home");
        let url = bg.emu.url();
        let env = [("BSCHED_URL", url.as_str()), ("BSCHED_USERNAME", user)];
        let before = bg.emu.logins();
        let r = run_with_input(home.path(), &env, &["login"], &input);
        assert_eq!(r.code, 0, "{user}: {}", r.stderr);
        assert!(r.stderr.contains("Logged in as"), "{}", r.stderr);
        assert_eq!(bg.emu.logins(), before + 1, "{user}");
        let token = kept_session(home.path());

        let calls_before = bg.emu.requests().len();
        let r = run_with_input(home.path(), &env, &["instances", "--json"], "");
        assert_eq!(r.code, 0, "{user}: {}", r.stderr);
        assert!(serde_json::from_str::<Value>(&r.stdout).is_ok());
        assert_eq!(bg.emu.logins(), before + 1, "{user}: no login sent");
        let sent = &bg.emu.requests()[calls_before..];
        assert!(sent.iter().all(|r| r.func != "auth" && r.with_session));

        let r = run_with_input(home.path(), &env, &["logout"], "");
        assert_eq!(r.code, 0, "{user}: {}", r.stderr);
        assert!(r.stderr.contains("Logged out"), "{}", r.stderr);
        assert!(session_file(home.path()).is_none(), "the file is deleted");
        assert!(
            !bg.emu.with(|w| w.session_tokens()).contains(&token),
            "{user}: the session is ended on the server"
        );
        let refused = bg.emu.with(|w| {
            w.respond(&bsched::emulator::Params(vec![
                ("func".into(), "instances".into()),
                ("auth".into(), token.clone()),
                ("out".into(), "json".into()),
            ]))
        });
        assert_eq!(refused["doc"]["error"]["$type"], json!("access"));

        let r = run_with_input(home.path(), &env, &["logout"], "");
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stderr.contains("No session is kept"), "{}", r.stderr);
        assert_eq!(bg.emu.logins(), before + 1, "logout never logs in");
    }
}

#[test]
fn a_failed_login_leaves_the_kept_session_as_it_was() {
    let bg = Background::start();
    let home = tempfile::tempdir().expect("home");
    let url = bg.emu.url();
    let env = [
        ("BSCHED_URL", url.as_str()),
        ("BSCHED_USERNAME", DEMO_TOTP_USER),
    ];
    let r = run_with_input(
        home.path(),
        &env,
        &["login"],
        &format!("{DEMO_PASSWORD}\n{DEMO_TOTP_CODE}\n"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let good = kept_session(home.path());
    // A wrong code, then a wrong password: each fails, and the good session stays kept.
    for input in [
        format!("{DEMO_PASSWORD}\n000000\n"),
        "not the password\n".to_string(),
    ] {
        let r = run_with_input(home.path(), &env, &["login"], &input);
        assert_ne!(r.code, 0, "{}", r.stderr);
        assert_eq!(kept_session(home.path()), good);
    }
    let r = run_with_input(home.path(), &env, &["instances", "--json"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn a_user_name_typed_at_login_is_remembered_with_the_session() {
    let bg = Background::start();
    let home = tempfile::tempdir().expect("home");
    let url = bg.emu.url();
    let env = [("BSCHED_URL", url.as_str())];
    let r = run_with_input(
        home.path(),
        &env,
        &["login"],
        &format!("{DEMO_USER}\n{DEMO_PASSWORD}\n"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run_with_input(home.path(), &env, &["instances", "--json"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(bg.emu.logins(), 1);
    let r = run_with_input(home.path(), &env, &["logout"], "");
    assert!(r.stderr.contains("Logged out"), "{}", r.stderr);
    let r = run_with_input(home.path(), &env, &["instances"], "");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("no credentials"), "{}", r.stderr);
}

#[test]
fn a_logout_the_server_does_not_confirm_says_what_happened() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());
    assert_eq!(home.run(&["instances"]).code, 0);
    bg.emu
        .push_fault(Fault::Status(500), When::Before, Some("logon"));
    let r = home.run(&["logout"]);
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("forgotten here, but ending it on the server failed"),
        "{}",
        r.stderr
    );
    assert!(session_file(home.dir.path()).is_none());
}

// ---------------------------------------------------------------------------------------------
// 12. Login refusals through the CLI
// ---------------------------------------------------------------------------------------------

#[test]
fn each_login_refusal_exits_4_with_its_sentence_and_never_loops() {
    let bg = Background::start();
    for refusal in LoginRefusal::ALL {
        let home = Home::for_url(&bg.emu.url());
        let before = bg.emu.logins();
        bg.emu.refuse_next_login(refusal);
        let r = home.run(&["instances"]);
        assert_eq!(r.code, 4, "{refusal:?}: {}", r.stderr);
        let expected = match refusal {
            LoginRefusal::BadPassword => "wrong username or password",
            LoginRefusal::BlockLogon => "blocked for about 20 seconds",
            LoginRefusal::BlockedIp => "until the provider's support unblocks it",
            LoginRefusal::BadIp => "not allowed for this account",
            LoginRefusal::BlockGeoIp => "comes from a new region",
        };
        assert!(r.stderr.contains(expected), "{refusal:?}: {}", r.stderr);
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert_eq!(bg.emu.logins(), before + 1, "{refusal:?}: one login");
    }

    // Every session refused right after a good login: one more login, then a clear error.
    let home = Home::for_url(&bg.emu.url());
    for _ in 0..6 {
        bg.emu.push_fault(
            Fault::Refuse {
                kind: "access".into(),
                object: String::new(),
                msg: "Access denied".into(),
            },
            When::Before,
            Some("instances"),
        );
    }
    let before = bg.emu.logins();
    let r = home.run(&["instances"]);
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(r.stderr.contains("not logging in again"), "{}", r.stderr);
    assert!(
        bg.emu.logins() - before <= 2,
        "{}",
        bg.emu.logins() - before
    );
}

#[test]
fn a_login_limit_is_met_with_one_login_per_command() {
    let bg = Background::with(Options {
        login_limit_per_minute: Some(2),
        ..Options::default()
    });
    let mut codes = Vec::new();
    for _ in 0..3 {
        // A fresh home each time: no session kept, so each command must log in.
        let home = Home::for_url(&bg.emu.url());
        let r = home.run(&["instances"]);
        codes.push(r.code);
        if r.code != 0 {
            assert!(
                r.stderr.contains("blocked for about 20 seconds"),
                "{}",
                r.stderr
            );
        }
    }
    assert_eq!(codes, [0, 0, 4]);
    assert_eq!(bg.emu.logins(), 3, "one login per command, no loop");
}

// ---------------------------------------------------------------------------------------------
// 13. The panel's server filter
// ---------------------------------------------------------------------------------------------

#[test]
fn the_panels_filter_is_named_on_stderr_and_json_keeps_its_shape() {
    let bg = Background::start();
    let plain = Home::for_url(&bg.emu.url());
    let r = plain.run(&["instances", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let all = serde_json::from_str::<Value>(&r.stdout).expect("JSON");
    assert!(!r.stderr.contains("filter"), "{}", r.stderr);

    bg.emu
        .with(|w| w.set_filter(DEMO_USER, &[("datacenter", "1")]));
    let home = Home::for_url(&bg.emu.url());
    let r = home.run(&["instances", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("the panel's server filter is on (datacenter)"),
        "{}",
        r.stderr
    );
    let filtered = serde_json::from_str::<Value>(&r.stdout).expect("stdout is JSON alone");
    assert!(filtered.is_array() && all.is_array());
    assert!(
        filtered.as_array().map(Vec::len) < all.as_array().map(Vec::len),
        "the filter hides servers"
    );
    // Again with the kept session: still said.
    let r = home.run(&["instances"]);
    assert!(r.stderr.contains("server filter is on"), "{}", r.stderr);
}

// ---------------------------------------------------------------------------------------------
// 14. `bsched doctor`
// ---------------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn doctor_checks_a_healthy_account_changes_nothing_and_traces_without_secrets() {
    let bg = Background::start();
    bg.emu.with(|w| w.data.users[0].password = PASSWORD.into());
    let mut home = Home::for_url(&bg.emu.url());
    home.env.retain(|(k, _)| k != "BSCHED_PASSWORD");
    home.env.push(("BSCHED_PASSWORD".into(), PASSWORD.into()));
    let trace = home.dir.path().join("trace.txt");
    // A file left readable by others is made private before anything is written to it.
    std::fs::write(&trace, "old").expect("write");
    std::fs::set_permissions(&trace, std::os::unix::fs::PermissionsExt::from_mode(0o644))
        .expect("chmod");
    let r = home.run(&["doctor", "--trace", trace.to_str().expect("utf-8")]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(lines.len() >= 8, "{}", r.stdout);
    for l in &lines {
        assert!(l.starts_with("ok") || l.starts_with("note"), "{l}");
    }
    for check in ["address", "login", "servers", "schedules", "backups"] {
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("ok") && l.contains(check)),
            "{check}: {}",
            r.stdout
        );
    }
    assert_eq!(mode(&trace), 0o600);
    let text = std::fs::read_to_string(&trace).expect("trace");
    assert!(
        text.contains("func=auth") && text.contains("password=***"),
        "{text}"
    );
    assert!(text.contains("< HTTP 200"), "{text}");
    assert!(!text.contains(PASSWORD), "the password is in the trace");
    let tokens = bg.emu.with(|w| w.session_tokens());
    assert!(!tokens.is_empty());
    for t in &tokens {
        assert!(!text.contains(t.as_str()), "a session id is in the trace");
    }
    assert!(!r.stdout.contains(PASSWORD) && !r.stderr.contains(PASSWORD));
    let writes: Vec<String> = bg
        .emu
        .calls()
        .into_iter()
        .filter(|f| f.ends_with(".edit") || f.ends_with(".delete"))
        .collect();
    assert!(writes.is_empty(), "doctor wrote: {writes:?}");

    // The next doctor reuses the kept session.
    let logins = bg.emu.logins();
    let r = home.run(&["doctor"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("ok") && l.contains("session reuse")),
        "{}",
        r.stdout
    );
    assert_eq!(bg.emu.logins(), logins);
}

#[test]
fn doctor_takes_an_auth_refusal_of_the_kept_session_as_expired() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());
    assert_eq!(home.run(&["instances"]).code, 0);
    bg.emu.with(|w| w.expire_sessions());
    bg.emu.push_fault(
        Fault::Refuse {
            kind: "auth".into(),
            object: String::new(),
            msg: "Authorization required".into(),
        },
        When::Before,
        Some("whoami"),
    );
    let r = home.run(&["doctor"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("note") && l.contains("expired")),
        "{}",
        r.stdout
    );
    assert_eq!(bg.emu.logins(), 2);
}

#[test]
fn doctor_names_the_first_failing_check() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());
    bg.emu.push_fault(
        Fault::Refuse {
            kind: "value".into(),
            object: "elid".into(),
            msg: "Not allowed".into(),
        },
        When::Before,
        Some("instances.fleio_bckps.schedule"),
    );
    let r = home.run(&["doctor"]);
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("FAIL") && l.contains("schedules")),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr.contains("the check 'schedules' failed"),
        "{}",
        r.stderr
    );

    let home = Home::for_url(&bg.emu.url());
    bg.emu.refuse_next_login(LoginRefusal::BadPassword);
    let r = home.run(&["doctor"]);
    assert_eq!(r.code, 4, "{}", r.stdout);
    assert!(
        r.stderr.contains("the check 'login' failed"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.contains("wrong username or password"),
        "{}",
        r.stdout
    );
}

// ---------------------------------------------------------------------------------------------
// 15. password_command runs only when a login needs it
// ---------------------------------------------------------------------------------------------

#[test]
fn password_command_runs_only_for_a_login() {
    let bg = Background::start();
    let home = tempfile::tempdir().expect("home");
    let marker = home.path().join("ran");
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[profiles.default]\nurl = \"{}\"\nusername = \"{DEMO_USER}\"\npassword_command = \"touch '{}'; printf {DEMO_PASSWORD}\"\n",
            bg.emu.url(),
            marker.display()
        ),
    )
    .expect("config");
    let cfg = config.to_str().expect("utf-8");
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = base(home.path());
        cmd.arg("--config")
            .arg(cfg)
            .args(args)
            .envs(env.iter().copied());
        finish(cmd.output().expect("runs"))
    };

    let r = run(&["log"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!marker.exists(), "`log` needs no password");

    // A session given in the environment: no login, no command.
    let token = bg.emu.with(|w| {
        w.respond(&bsched::emulator::Params(vec![
            ("func".into(), "auth".into()),
            ("username".into(), DEMO_USER.into()),
            ("password".into(), DEMO_PASSWORD.into()),
        ]))
    })["doc"]["auth"]["$id"]
        .as_str()
        .expect("token")
        .to_string();
    let r = run(&["instances"], &[("BSCHED_TOKEN", &token)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!marker.exists(), "BSCHED_TOKEN needs no password");

    // The first command logs in (and runs it); the next one uses the kept session.
    let r = run(&["instances"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(marker.exists(), "a login runs password_command");
    std::fs::remove_file(&marker).expect("rm");
    let logins = bg.emu.logins();
    let r = run(&["schedules", "list", "--instance", "5203770"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!marker.exists(), "a kept session needs no password");
    assert_eq!(bg.emu.logins(), logins);
    assert_eq!(
        func_count(&bg, "auth"),
        1,
        "the token above was made without HTTP"
    );
}

// ---------------------------------------------------------------------------------------------
// 16. The environment belongs to the run's profile
// ---------------------------------------------------------------------------------------------

/// A fake account with no servers that answers every read.
async fn empty_account() -> Fake {
    Fake::start(|seen, i| match seen.func() {
        "auth" => fake::auth_ok(&format!("fake-session-{i}")),
        "instances" => fake::doc(json!({"p_num": {"$": "1"}, "p_elems": {"$": "0"}})),
        _ => fake::doc(json!({})),
    })
    .await
}

fn all_values(f: &Fake) -> Vec<String> {
    f.seen()
        .iter()
        .flat_map(|s| s.params.iter().map(|(_, v)| v.clone()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_environment_never_reaches_another_profiles_server() {
    for with_token in [false, true] {
        let env_server = empty_account().await;
        let file_a = empty_account().await;
        let b = empty_account().await;
        let home = tempfile::tempdir().expect("home");
        let config = home.path().join("config.toml");
        std::fs::write(
            &config,
            format!(
                "default_profile = \"a\"\n\
                 [profiles.a]\nurl = \"{}\"\nusername = \"user-a\"\npassword = \"pass-file-a\"\n\
                 [profiles.b]\nurl = \"{}\"\nusername = \"user-b\"\npassword = \"pass-file-b\"\n",
                file_a.url(),
                b.url()
            ),
        )
        .expect("config");
        let mut cmd = base(home.path());
        cmd.arg("--config")
            .arg(&config)
            .args(["upcoming", "--all-profiles", "--json"])
            .env("BSCHED_URL", env_server.url())
            .env("BSCHED_USERNAME", "env-user")
            .env("BSCHED_PASSWORD", "pass-from-env");
        if with_token {
            cmd.env("BSCHED_TOKEN", "token-from-env");
        }
        let r = finish(cmd.output().expect("runs"));
        assert_eq!(r.code, 0, "{}", r.stderr);

        assert!(file_a.seen().is_empty(), "profile a went to BSCHED_URL");
        let to_b = all_values(&b);
        assert!(!to_b.is_empty(), "profile b was read");
        for secret in ["pass-from-env", "token-from-env", "env-user", "pass-file-a"] {
            assert!(
                !to_b.iter().any(|v| v.contains(secret)),
                "{secret} went to b"
            );
        }
        assert!(to_b.iter().any(|v| v == "pass-file-b"));
        let to_env = all_values(&env_server);
        for secret in ["pass-file-b", "user-b", "pass-file-a"] {
            assert!(
                !to_env.iter().any(|v| v.contains(secret)),
                "{secret} went to BSCHED_URL"
            );
        }
        if with_token {
            assert!(to_env.iter().any(|v| v == "token-from-env"));
        } else {
            assert!(to_env.iter().any(|v| v == "pass-from-env"));
        }
    }
}

#[test]
fn doctor_sees_a_server_that_refuses_overlapping_requests_and_the_shape_of_its_answers() {
    // With some latency the slow and the quick request overlap: the twin refuses the second.
    let bg = Background::with(Options {
        latency_ms: 150,
        ..Options::default()
    });
    let home = Home::for_url(&bg.emu.url());
    let r = home.run(&["doctor"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let parallel = r
        .stdout
        .lines()
        .find(|l| l.contains("parallel"))
        .expect("a parallel line");
    assert!(parallel.contains("refused"), "{parallel}");
    assert!(parallel.contains("concurrency = 1"), "{parallel}");
    assert!(!parallel.contains("may work"), "{parallel}");
    let servers = r
        .stdout
        .lines()
        .find(|l| l.contains("servers answer"))
        .expect("a shape line");
    assert!(servers.contains("elem is an array"), "{servers}");
}

#[test]
fn a_panel_filter_set_after_the_first_command_is_seen_by_the_next() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());
    let first = home.run(&["instances", "--json"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(!first.stderr.contains("filter"), "{}", first.stderr);
    assert_eq!(bg.emu.logins(), 1);
    bg.emu
        .with(|w| w.set_filter(DEMO_USER, &[("datacenter", "Poland")]));
    let second = home.run(&["instances", "--json"]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(bg.emu.logins(), 1, "the kept session was reused");
    assert!(
        second.stderr.contains("panel's server filter is on"),
        "{}",
        second.stderr
    );
}

#[test]
fn a_retention_change_whose_answer_was_lost_is_read_back_not_called_failed() {
    let bg = Background::start();
    let home = Home::for_url(&bg.emu.url());
    let id = "5203770";
    bg.emu
        .push_fault(Fault::Reset, When::After, Some("instances.edit"));
    let r = home.run(&["retention", "--instance", id, "--set", "7"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let kept = bg.emu.with(|w| {
        w.data
            .instances
            .iter()
            .find(|i| i.id == 5_203_770)
            .map(|i| i.backup_rotation)
    });
    assert_eq!(kept, Some(7));
    let log = home.run(&["log", "--json"]);
    let entries: Value = serde_json::from_str(&log.stdout).expect("json");
    let last = entries
        .as_array()
        .and_then(|a| a.last())
        .cloned()
        .expect("an entry");
    assert_eq!(last["outcome"], json!("done"), "{last}");
}
