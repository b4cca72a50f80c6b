//! Config resolution: profiles, env overrides, URL rules, the permission warning.

use std::collections::HashMap;
use std::path::Path;

use bsched::config::{DEFAULT_URL, resolve};

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
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
        &env(&[("BSCHED_USERNAME", "u"), ("BSCHED_PASSWORD", "p")]),
    )
    .unwrap();
    assert_eq!(r.client.url.as_str(), DEFAULT_URL);
    assert!(r.has_credentials());
    assert_eq!(r.profile, "default");
    let none = resolve(Some(&p), None, &env(&[])).unwrap();
    assert!(!none.has_credentials());
    let token_only = resolve(Some(&p), None, &env(&[("BSCHED_TOKEN", "t")])).unwrap();
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
    let a = resolve(Some(&p), Some("a"), &env(&[])).unwrap();
    assert_eq!(a.client.url.as_str(), "https://a.example/");
    assert_eq!(a.client.username.as_deref(), Some("ua"));
    assert_eq!(a.client.request_timeout.as_secs(), 7);
    assert_eq!(a.client.concurrency, 2);
    let over = resolve(
        Some(&p),
        Some("a"),
        &env(&[
            ("BSCHED_URL", "https://c.example/"),
            ("BSCHED_USERNAME", "uc"),
        ]),
    )
    .unwrap();
    assert_eq!(over.client.url.as_str(), "https://c.example/");
    assert_eq!(over.client.username.as_deref(), Some("uc"));
    assert!(resolve(Some(&p), Some("zzz"), &env(&[])).is_err());
}

#[test]
fn bad_files_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "[profiles.a]\nurl = \"https://a.example/\"\nusernme = \"typo\"\n",
    );
    let e = resolve(Some(&p), Some("a"), &env(&[]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 3") && e.contains("usernme"), "{e}");
    let p = write(dir.path(), "[profiles.a]\nconcurrency = 0\n");
    assert!(resolve(Some(&p), Some("a"), &env(&[])).is_err());
    let p = write(dir.path(), "[profiles.a]\nurl = \"http://example.com/\"\n");
    let e = resolve(Some(&p), Some("a"), &env(&[]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("https://"), "{e}");
    let missing = dir.path().join("nope.toml");
    assert!(resolve(Some(&missing), None, &env(&[])).is_err());
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
    let r = resolve(Some(&p), Some("a"), &env(&[])).unwrap();
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
    let e = resolve(Some(&p), Some("a"), &env(&[]))
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
    let b = bsched::config::resolve_other(Some(&p), None, "b", &env(&vars)).unwrap();
    assert_eq!(b.client.url.as_str(), "https://b.example/");
    assert_eq!(b.client.username.as_deref(), Some("ub"));
    assert!(b.client.password.is_none() && b.client.token.is_none());
    let a = bsched::config::resolve_other(Some(&p), None, "a", &env(&vars)).unwrap();
    assert_eq!(a.client.url.as_str(), "https://env.example/");
    assert_eq!(
        a.client.password.as_ref().map(|s| s.expose()),
        Some("envpass")
    );
    let b_run = bsched::config::resolve_other(Some(&p), Some("b"), "b", &env(&vars)).unwrap();
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
    let r = resolve(Some(&p), Some("a"), &env(&[])).unwrap();
    assert_eq!(r.warnings.len(), 1);
    assert!(r.warnings[0].contains("chmod 600"));
    assert!(!r.warnings[0].contains("\"p\""));
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(
        resolve(Some(&p), Some("a"), &env(&[]))
            .unwrap()
            .warnings
            .is_empty()
    );
}

#[test]
fn server_timezone_defaults_to_the_panels_gmt_plus_3_and_can_be_set() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "");
    let r = resolve(Some(&p), None, &env(&[])).unwrap();
    assert_eq!(r.zones.server_label(), "+03:00");
    let p = write(
        dir.path(),
        "[profiles.default]\nserver_timezone = \"Europe/Kyiv\"\n",
    );
    let r = resolve(Some(&p), None, &env(&[])).unwrap();
    assert_eq!(r.zones.server_label(), "Europe/Kyiv");
    let r = resolve(Some(&p), None, &env(&[("BSCHED_SERVER_TIMEZONE", "UTC")])).unwrap();
    assert_eq!(r.zones.server_label(), "UTC", "the environment wins");
    let p = write(
        dir.path(),
        "[profiles.default]\nserver_timezone = \"Mars/Olympus\"\n",
    );
    let e = resolve(Some(&p), None, &env(&[])).unwrap_err().to_string();
    assert!(e.starts_with("server_timezone:"), "{e}");
    assert!(e.contains("Mars/Olympus"), "{e}");
}
