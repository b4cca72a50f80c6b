//! A profile's `ignore` list (names, ids, filter words): read from the config file with one
//! clear sentence for a bad entry, and kept out of `bsched backups --check`; and properties of
//! the filter language it shares with the TUI's `/`.

use crate::common::Background;
use crate::common::cli::{base, finish};
use bsched::domain::Instance;
use bsched::domain::filter::{Facts, Ignore, Query, State};
use bsched::emulator::{DEMO_PASSWORD, DEMO_USER};
use proptest::prelude::*;

fn check_with(bg: &Background, config: &str, args: &[&str]) -> crate::common::cli::Run {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("config.toml");
    std::fs::write(&path, config).unwrap();
    let mut cmd = base(home.path());
    cmd.env("BSCHED_URL", bg.emu.url())
        .env("BSCHED_USERNAME", DEMO_USER)
        .env("BSCHED_PASSWORD", DEMO_PASSWORD)
        .arg("--config")
        .arg(&path)
        .args(args);
    finish(cmd.output().unwrap())
}

/// The servers `backups --check` flags without an ignore list, by name.
fn problems(bg: &Background) -> Vec<String> {
    let r = check_with(bg, "", &["backups", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .filter(|s| s["state"] == "missed" || s["state"] == "unprotected")
        .map(|s| s["server"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn ignored_servers_are_kept_out_of_the_check_but_still_listed() {
    let bg = Background::start();
    let bad = problems(&bg);
    assert!(bad.len() >= 2, "the demo fleet has problems: {bad:?}");
    assert!(bad.contains(&"ci-runner".to_string()), "{bad:?}");

    // Every problem ignored, by name, by id or by a filter word: the check passes.
    let (keep, rest) = bad.split_at(1);
    let mut entries: Vec<String> = rest.iter().map(|n| format!("{n:?}")).collect();
    entries.push(format!("{:?}", keep[0]));
    entries.push("\"status:stopped\"".into());
    let config = format!("[profiles.default]\nignore = [{}]\n", entries.join(", "));
    let r = check_with(&bg, &config, &["backups", "--check"]);
    assert_eq!(r.code, 0, "stdout: {}\nstderr: {}", r.stdout, r.stderr);
    // Shown as ignored, not hidden.
    for name in &bad {
        let line = r
            .stdout
            .lines()
            .find(|l| l.contains(name.as_str()))
            .unwrap_or_else(|| panic!("{name} is still listed: {}", r.stdout));
        assert!(line.contains("ignored ("), "{line}");
    }
    let json = check_with(&bg, &config, &["backups", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let ignored: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["ignored"] == true)
        .map(|s| s["server"].as_str().unwrap())
        .collect();
    for name in &bad {
        assert!(ignored.contains(&name.as_str()), "{name} in {v}");
    }

    // One left out of the list: the check fails and names only that one.
    let config = format!(
        "[profiles.default]\nignore = [{}]\n",
        rest.iter()
            .map(|n| format!("{n:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let r = check_with(&bg, &config, &["backups", "--check"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("1 server missed a backup or has no schedule"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains(keep[0].as_str()), "{}", r.stderr);
}

#[test]
fn a_bad_ignore_entry_is_one_sentence_and_nothing_runs() {
    let bg = Background::start();
    let r = check_with(
        &bg,
        "[profiles.default]\nignore = [\"ci-runner\", \"stat:stopped\"]\n",
        &["backups", "--check"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("profile 'default': ignore: 'stat:stopped': 'stat:' is not a filter key"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

fn server(name: String, ip: String, dc: String, status: String) -> Instance {
    Instance {
        id: 42,
        name,
        ip,
        status,
        datacenter: dc,
    }
}

proptest! {
    /// Whatever is typed, reading it never panics, and a refusal is one printable sentence.
    #[test]
    fn any_filter_reads_or_is_refused_in_one_printable_sentence(text in "\\PC{0,40}|[a-z:\" \x1b\u{202e}]{0,30}") {
        if let Err(e) = Query::parse(&text) {
            prop_assert!(!e.0.is_empty());
            prop_assert!(!e.0.chars().any(|c| c.is_control() || bsched::sanitize::is_bidi_control(c)), "{:?}", e.0);
        }
        let _ = Ignore::parse(&[text]);
    }

    /// A plain word (no colon, no quote) shows exactly the servers whose name, IP or data
    /// centre contains it, in any case.
    #[test]
    fn a_plain_word_matches_name_ip_or_dc(
        word in "[a-zA-Z0-9.-]{1,6}",
        name in "[a-zA-Z0-9.-]{0,12}",
        ip in "[0-9.]{0,15}",
        dc in "[a-zA-Z0-9-]{0,12}",
    ) {
        let s = server(name.clone(), ip.clone(), dc.clone(), "active".into());
        let q = Query::parse(&word).unwrap();
        let w = word.to_lowercase();
        let expected = [name, ip, dc].iter().any(|f| f.to_lowercase().contains(&w));
        prop_assert_eq!(q.matches(&Facts { server: &s, state: None }), expected);
    }

    /// Words combine: a filter of two words matches exactly when each word alone does.
    #[test]
    fn words_combine_with_and(
        a in prop::sample::select(vec!["web", "dc:pol", "status:stopped", "state:missed", "state:ok", "id:42", "10.0"]),
        b in prop::sample::select(vec!["db", "dc:neth", "status:active", "state:unprotected", "name:web", "poland"]),
        st in prop::option::of(prop::sample::select(State::ALL.to_vec())),
        stopped in any::<bool>(),
    ) {
        let s = server(
            "web-1".into(),
            "10.0.0.1".into(),
            "Poland".into(),
            if stopped { "stopped".into() } else { "active".into() },
        );
        let f = Facts { server: &s, state: st };
        let one = |q: &str| Query::parse(q).unwrap().matches(&f);
        prop_assert_eq!(one(&format!("{a} {b}")), one(a) && one(b));
    }
}
