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
fn password_command_supplies_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "[profiles.a]\nusername = \"u\"\npassword_command = \"printf 'from-cmd\\\\n'\"\n",
    );
    let r = resolve(Some(&p), Some("a"), &env(&[])).unwrap();
    assert_eq!(
        r.client.password.as_ref().map(|s| s.expose()),
        Some("from-cmd")
    );
    let p = write(
        dir.path(),
        "[profiles.a]\nusername = \"u\"\npassword_command = \"exit 3\"\n",
    );
    assert!(resolve(Some(&p), Some("a"), &env(&[])).is_err());
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
