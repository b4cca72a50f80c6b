//! Config resolution: profiles, env overrides, URL rules, the permission warning.

use std::collections::HashMap;
use std::path::Path;

use bsched::config::{DEFAULT_URL, resolve};

/// The environment `pairs`, with the data directory (kept sessions) in `dir`: never the real
/// one, so a session the user keeps changes nothing here.
fn env(dir: &Path, pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let mut map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    map.entry("BSCHED_DATA_DIR".into())
        .or_insert_with(|| dir.join("data").display().to_string());
    move |k| map.get(k).cloned()
}

fn write(dir: &Path, text: &str) -> std::path::PathBuf {
    let p = dir.join("config.toml");
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn env_alone_is_enough_and_defaults_to_zomro() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "");
    let r = resolve(
        Some(&p),
        None,
        &env(
            dir.path(),
            &[("BSCHED_USERNAME", "u"), ("BSCHED_PASSWORD", "p")],
        ),
    )
    .unwrap();
    assert_eq!(r.client.url.as_str(), DEFAULT_URL);
    assert!(r.has_credentials());
    assert_eq!(r.profile, "default");
    let none = resolve(Some(&p), None, &env(dir.path(), &[])).unwrap();
    assert!(!none.has_credentials());
    let token_only = resolve(Some(&p), None, &env(dir.path(), &[("BSCHED_TOKEN", "t")])).unwrap();
    assert!(token_only.has_credentials());
}

#[test]
fn profile_values_and_env_precedence() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "[profiles.a]\nurl = \"https://a.example/\"\nusername = \"ua\"\nrequest_timeout_secs = 7\nconcurrency = 2\n\
         [profiles.b]\nurl = \"https://b.example/\"\n",
    );
    let a = resolve(Some(&p), Some("a"), &env(dir.path(), &[])).unwrap();
    assert_eq!(a.client.url.as_str(), "https://a.example/");
    assert_eq!(a.client.username.as_deref(), Some("ua"));
    assert_eq!(a.client.request_timeout.as_secs(), 7);
    assert_eq!(a.client.concurrency, 2);
    let over = resolve(
        Some(&p),
        Some("a"),
        &env(
            dir.path(),
            &[
                ("BSCHED_URL", "https://c.example/"),
                ("BSCHED_USERNAME", "uc"),
            ],
        ),
    )
    .unwrap();
    assert_eq!(over.client.url.as_str(), "https://c.example/");
    assert_eq!(over.client.username.as_deref(), Some("uc"));
    assert!(resolve(Some(&p), Some("zzz"), &env(dir.path(), &[])).is_err());
}

#[test]
fn bad_files_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "[profiles.a]\nurl = \"https://a.example/\"\nusernme = \"typo\"\n",
    );
    let e = resolve(Some(&p), Some("a"), &env(dir.path(), &[]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 3") && e.contains("usernme"), "{e}");
    let p = write(dir.path(), "[profiles.a]\nconcurrency = 0\n");
    assert!(resolve(Some(&p), Some("a"), &env(dir.path(), &[])).is_err());
    let p = write(dir.path(), "[profiles.a]\nurl = \"http://example.com/\"\n");
    let e = resolve(Some(&p), Some("a"), &env(dir.path(), &[]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("https://"), "{e}");
    let missing = dir.path().join("nope.toml");
    assert!(resolve(Some(&missing), None, &env(dir.path(), &[])).is_err());
}

#[test]
fn password_command_runs_only_when_asked_with_a_time_limit_and_no_output_in_errors() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("ran");
    let p = write(
        dir.path(),
        &format!(
            "[profiles.a]\nusername = \"u\"\npassword_command = \"touch {} && printf 'from-cmd\\\\n'\"\n",
            marker.display()
        ),
    );
    let r = resolve(Some(&p), Some("a"), &env(dir.path(), &[])).unwrap();
    assert!(!marker.exists(), "resolving a profile runs no command");
    assert!(r.client.password.is_none() && r.has_credentials());
    let cmd = r.client.password_command.clone().unwrap();
    let pass = bsched::config::run_password_command(&cmd).unwrap();
    assert_eq!(pass.expose(), "from-cmd");
    assert!(marker.exists());

    let e = bsched::config::run_password_command("echo leaked-secret >&2; echo leaked-out; exit 3")
        .unwrap_err()
        .to_string();
    assert_eq!(e, "password_command failed (exit status 3)");
    let e = bsched::config::run_password_command_within(
        "sleep 30",
        std::time::Duration::from_millis(300),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("did not finish"), "{e}");
}

#[test]
fn an_empty_password_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "[profiles.a]\nusername = \"u\"\npassword = \"\"\n",
    );
    let e = resolve(Some(&p), Some("a"), &env(dir.path(), &[]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("empty password"), "{e}");
}

#[test]
fn the_environment_applies_to_the_runs_profile_only() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "default_profile = \"a\"\n[profiles.a]\nurl = \"https://a.example/\"\nusername = \"ua\"\n\
         [profiles.b]\nurl = \"https://b.example/\"\nusername = \"ub\"\n",
    );
    let vars = [
        ("BSCHED_URL", "https://env.example/"),
        ("BSCHED_USERNAME", "envuser"),
        ("BSCHED_PASSWORD", "envpass"),
        ("BSCHED_TOKEN", "envtoken"),
    ];
    let b = bsched::config::resolve_other(Some(&p), None, "b", &env(dir.path(), &vars)).unwrap();
    assert_eq!(b.client.url.as_str(), "https://b.example/");
    assert_eq!(b.client.username.as_deref(), Some("ub"));
    assert!(b.client.password.is_none() && b.client.token.is_none());
    let a = bsched::config::resolve_other(Some(&p), None, "a", &env(dir.path(), &vars)).unwrap();
    assert_eq!(a.client.url.as_str(), "https://env.example/");
    assert_eq!(
        a.client.password.as_ref().map(|s| s.expose()),
        Some("envpass")
    );
    let b_run =
        bsched::config::resolve_other(Some(&p), Some("b"), "b", &env(dir.path(), &vars)).unwrap();
    assert_eq!(b_run.client.username.as_deref(), Some("envuser"));
}

#[cfg(unix)]
#[test]
fn warns_when_a_secret_is_readable_by_others() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "[profiles.a]\nusername = \"u\"\npassword = \"p\"\n",
    );
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
    let r = resolve(Some(&p), Some("a"), &env(dir.path(), &[])).unwrap();
    assert_eq!(r.warnings.len(), 1);
    assert!(r.warnings[0].contains("chmod 600"));
    assert!(!r.warnings[0].contains("\"p\""));
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(
        resolve(Some(&p), Some("a"), &env(dir.path(), &[]))
            .unwrap()
            .warnings
            .is_empty()
    );
}

#[test]
fn server_timezone_defaults_to_the_panels_gmt_plus_3_and_can_be_set() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "");
    let r = resolve(Some(&p), None, &env(dir.path(), &[])).unwrap();
    assert_eq!(r.zones.server_label(), "+03:00");
    let p = write(
        dir.path(),
        "[profiles.default]\nserver_timezone = \"Europe/Kyiv\"\n",
    );
    let r = resolve(Some(&p), None, &env(dir.path(), &[])).unwrap();
    assert_eq!(r.zones.server_label(), "Europe/Kyiv");
    let r = resolve(
        Some(&p),
        None,
        &env(dir.path(), &[("BSCHED_SERVER_TIMEZONE", "UTC")]),
    )
    .unwrap();
    assert_eq!(r.zones.server_label(), "UTC", "the environment wins");
    let p = write(
        dir.path(),
        "[profiles.default]\nserver_timezone = \"Mars/Olympus\"\n",
    );
    let e = resolve(Some(&p), None, &env(dir.path(), &[]))
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("server_timezone:"), "{e}");
    assert!(e.contains("Mars/Olympus"), "{e}");
}

/// A session file as bsched keeps it, for `profile` at `url`.
fn keep_session(data: &Path, profile: &str, url: &str, user: &str) {
    let sessions = data.join("sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    std::fs::write(
        sessions.join(format!("{profile}.json")),
        format!(r#"{{"url":"{url}","username":"{user}","session":"kept-session-id"}}"#),
    )
    .unwrap();
}

#[test]
fn kept_sessions_are_read_from_the_data_directory_of_the_environment_given() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "");
    let with_session = dir.path().join("with");
    keep_session(&with_session, "default", DEFAULT_URL, "kept-user");
    let data = with_session.display().to_string();
    let r = resolve(
        Some(&p),
        None,
        &env(dir.path(), &[("BSCHED_DATA_DIR", &data)]),
    )
    .unwrap();
    assert!(r.has_kept_session() && r.has_credentials());
    assert_eq!(r.client.username.as_deref(), Some("kept-user"));
    assert_eq!(
        r.client.session_store.as_ref().map(|s| s.path.clone()),
        Some(with_session.join("sessions/default.json"))
    );
    assert_eq!(
        bsched::config::data_dir_from(&env(dir.path(), &[("BSCHED_DATA_DIR", &data)])),
        Some(with_session.clone())
    );

    // Another data directory (the one every other test here uses) keeps nothing.
    let r = resolve(Some(&p), None, &env(dir.path(), &[])).unwrap();
    assert!(!r.has_kept_session() && !r.has_credentials());
    assert!(r.client.username.is_none());

    let e = resolve(
        Some(&p),
        None,
        &env(dir.path(), &[("BSCHED_DATA_DIR", "relative/dir")]),
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        e,
        "BSCHED_DATA_DIR must be an absolute path, not 'relative/dir'"
    );
}

/// Runs `cmd` with `limit` on a thread; its result, or a failure if it has not returned within
/// a bound far above the limit (the commands sleep far longer).
fn password_command_returns(cmd: &str, limit: std::time::Duration) -> Result<String, String> {
    let (tx, rx) = std::sync::mpsc::channel();
    let owned = cmd.to_string();
    std::thread::spawn(move || {
        let r = bsched::config::run_password_command_within(&owned, limit)
            .map(|s| s.expose().to_string())
            .map_err(|e| e.to_string());
        let _ = tx.send(r);
    });
    rx.recv_timeout(std::time::Duration::from_secs(20))
        .unwrap_or_else(|_| panic!("`{cmd}` with a {limit:?} limit did not return"))
}

/// Waits (with a generous bound) until the process whose id is in `pid_file` is gone: ended,
/// or a zombie waiting for whoever adopted it to reap it.
#[cfg(target_os = "linux")]
fn assert_stopped(pid_file: &Path) {
    // Stopped before it could start anything: nothing was left behind.
    let Ok(pid) = std::fs::read_to_string(pid_file) else {
        return;
    };
    if pid.trim().is_empty() {
        return;
    }
    let stat = format!("/proc/{}/stat", pid.trim());
    let start = std::time::Instant::now();
    loop {
        let running = std::fs::read_to_string(&stat)
            .ok()
            .and_then(|s| {
                s.rsplit(')')
                    .next()
                    .map(|rest| rest.trim_start().to_string())
            })
            .is_some_and(|rest| !rest.starts_with('Z') && !rest.starts_with('X'));
        if !running {
            return;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "process {} that password_command left is still running",
            pid.trim()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[cfg(not(target_os = "linux"))]
fn assert_stopped(_pid_file: &Path) {}

#[test]
fn password_command_is_stopped_at_its_limit_with_everything_it_started() {
    let dir = tempfile::tempdir().unwrap();
    let limit = std::time::Duration::from_secs(2);
    // The shell ends at once, but what it left behind holds the output open.
    let left = dir.path().join("left.pid");
    let e = password_command_returns(
        &format!("echo pw; sleep 300 & echo $! > '{}'", left.display()),
        limit,
    )
    .unwrap_err();
    assert!(e.contains("holding its output open"), "{e}");
    assert!(!e.contains("pw"), "{e}");
    assert_stopped(&left);
    // The shell itself runs too long, with a process started in the background.
    let behind = dir.path().join("behind.pid");
    let e = password_command_returns(
        &format!("sleep 300 & echo $! > '{}'; sleep 300", behind.display()),
        limit,
    )
    .unwrap_err();
    assert!(e.contains("did not finish within 2 seconds"), "{e}");
    assert_stopped(&behind);
    let e = password_command_returns("sleep 300", limit).unwrap_err();
    assert!(e.contains("did not finish"), "{e}");
    // A command that ends in time still gives its password.
    let pass = password_command_returns("printf pw", std::time::Duration::from_secs(30));
    assert_eq!(pass.as_deref(), Ok("pw"));
}

#[test]
fn refresh_is_off_by_default_and_read_as_a_duration_with_one_sentence_for_a_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let creds = [("BSCHED_USERNAME", "u"), ("BSCHED_PASSWORD", "p")];
    let p = write(dir.path(), "");
    let r = resolve(Some(&p), None, &env(dir.path(), &creds)).unwrap();
    assert_eq!(r.refresh, None, "off by default");
    for (text, secs) in [
        ("5m", Some(300)),
        ("90s", Some(90)),
        ("1h", Some(3600)),
        ("off", None),
    ] {
        let p = write(
            dir.path(),
            &format!("[profiles.default]\nrefresh = \"{text}\"\n"),
        );
        let r = resolve(Some(&p), None, &env(dir.path(), &creds)).unwrap();
        assert_eq!(
            r.refresh,
            secs.map(std::time::Duration::from_secs),
            "{text}"
        );
    }
    for bad in ["5", "10s", "2d", "soon", "\u{1b}[31m5m"] {
        let p = write(
            dir.path(),
            &format!(
                "[profiles.default]\nrefresh = \"{}\"\n",
                bad.replace('\u{1b}', "\\u001b")
            ),
        );
        let e = resolve(Some(&p), None, &env(dir.path(), &creds))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("refresh:") && !e.contains('\n'), "{bad}: {e}");
        assert!(!e.contains('\u{1b}'), "{e}");
    }
}
