//! The cache module's unit tests.

use super::*;
use crate::domain::backups::BackupKind;

fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |k| {
        vars.iter()
            .find(|(name, _)| *name == k)
            .map(|(_, v)| v.to_string())
    }
}

#[test]
fn the_cache_dir_follows_the_environment() {
    let d = FleetCache::dir_from(&env(&[
        ("BSCHED_CACHE_DIR", "/c"),
        ("BSCHED_DATA_DIR", "/d"),
    ]));
    assert_eq!(d, Some(PathBuf::from("/c")));
    let d = FleetCache::dir_from(&env(&[("BSCHED_DATA_DIR", "/d")]));
    assert_eq!(d, Some(PathBuf::from("/d/cache")));
    // A blank variable is unset; a relative one names no directory (never the working
    // directory, never the user's real cache instead of a test's).
    let d = FleetCache::dir_from(&env(&[
        ("BSCHED_CACHE_DIR", " "),
        ("BSCHED_DATA_DIR", "/d"),
    ]));
    assert_eq!(d, Some(PathBuf::from("/d/cache")));
    assert_eq!(
        FleetCache::dir_from(&env(&[("BSCHED_CACHE_DIR", "rel")])),
        None
    );
    assert_eq!(
        FleetCache::dir_from(&env(&[("BSCHED_DATA_DIR", "rel")])),
        None
    );
    let platform = FleetCache::dir_from(&env(&[]));
    if let Some(p) = platform {
        assert!(p.ends_with("bsched"), "{}", p.display());
        assert!(p.is_absolute());
    }
}

#[test]
fn any_profile_name_is_one_plain_file_inside_the_dir() {
    let dir = Path::new("/cache");
    let long = "x".repeat(5000);
    let names = [
        "default",
        "../../etc",
        "..",
        ".",
        "a/b",
        "a\\b",
        "a_b",
        "",
        "работа",
        "\u{0}\n\x1b[2J",
        long.as_str(),
        "x",
    ];
    let mut seen = std::collections::HashSet::new();
    for name in names {
        let p = FleetCache::path(dir, name);
        assert_eq!(p.parent(), Some(dir), "{name:?} -> {}", p.display());
        let file = p
            .file_name()
            .and_then(|f| f.to_str())
            .expect("a plain name");
        assert!(
            file.starts_with("fleet-") && file.ends_with(".json"),
            "{file}"
        );
        assert!(file.len() < 100, "{file}");
        assert!(
            file.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)),
            "{file}"
        );
        assert!(seen.insert(p.clone()), "{name:?} collides: {}", p.display());
        assert_eq!(FleetCache::path(dir, name), p, "stable");
    }
    // Names that sanitize alike stay apart.
    assert_ne!(FleetCache::path(dir, "a/b"), FleetCache::path(dir, "a_b"));
    assert_ne!(FleetCache::path(dir, "a.b"), FleetCache::path(dir, "a_b"));
    // The name is stable across builds: a fixed value, not a per-process hash.
    assert_eq!(
        FleetCache::path(dir, "default"),
        dir.join(format!("fleet-default-{:032x}.json", fnv1a_128("default")))
    );
    assert_eq!(
        fnv1a_128(""),
        0x6c62_272e_07bb_0142_62b8_2175_6295_c58d,
        "FNV-1a 128 of nothing is its offset basis"
    );
    assert_eq!(fnv1a_128("a"), 0xd228_cb69_6f1a_8caf_7891_2b70_4e4a_8964);
}

#[test]
fn an_element_that_cannot_be_rebuilt_is_skipped() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("c.json");
    let long = "n".repeat(MAX_STRING_BYTES + 1);
    let text = serde_json::json!({
        "format": FORMAT, "version": VERSION, "saved": "2025-01-02T03:04:05Z",
        "host": "h", "account": "a",
        "servers": [
            {"id": 1, "name": "web", "ip": "", "status": "active", "datacenter": "NL"},
            {"id": 2, "name": long, "ip": "", "status": "", "datacenter": ""},
            {"id": "three"},
            7,
            {"id": 4, "name": "db", "ip": "10.0.0.1", "status": "stopped", "datacenter": ""}
        ],
        "schedules": [
            {"server": 1, "rotation": 3, "schedules": [
                {"id": 10, "instance_id": 1, "name": "n", "days": 1, "time": "02:00", "created": ""},
                {"id": 11, "instance_id": 1, "name": "n", "days": 0, "time": "02:00", "created": ""},
                {"id": 12, "instance_id": 1, "name": "n", "days": 200, "time": "02:00", "created": ""},
                {"id": 13, "instance_id": 1, "name": "n", "days": 3, "time": "24:00", "created": ""},
                {"id": 14, "instance_id": 1, "name": "n", "days": 3, "time": "2:00", "created": ""}
            ]},
            {"server": 4, "rotation": 999, "schedules": []},
            {"server": 5, "rotation": null, "schedules": "none"}
        ],
        "backups": [
            {"server": 1, "backups": [
                {"id": 1, "name": "b", "kind": "auto", "created_text": "2025-01-01 02:00",
                 "created": "2025-01-01T02:00:00", "status": "Active", "size": "1 GB"},
                {"id": 2, "name": "b", "kind": "weird", "created_text": "",
                 "created": null, "status": "", "size": ""},
                {"id": 3, "name": "b", "kind": "auto", "created_text": "",
                 "created": "yesterday", "status": "", "size": ""}
            ]}
        ]
    });
    std::fs::write(&path, text.to_string()).expect("write");
    let c = FleetCache::load(&path, "h", "a")
        .expect("readable")
        .expect("present");
    assert_eq!(
        c.saved,
        "2025-01-02T03:04:05Z".parse::<Timestamp>().expect("ts")
    );
    let ids: Vec<_> = c.servers.iter().map(|s| s.id).collect();
    assert_eq!(ids, [1, 4]);
    let list = &c.schedules[&1];
    assert_eq!(list.backup_rotation, Some(3));
    assert_eq!(
        list.schedules.iter().map(|s| s.id).collect::<Vec<_>>(),
        [10]
    );
    assert!(!c.schedules.contains_key(&4) && !c.schedules.contains_key(&5));
    let b = &c.backups[&1];
    assert_eq!(b.iter().map(|b| b.id).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(b[1].kind, BackupKind::Other("weird".into()));
    assert_eq!(b[0].created.map(|d| d.hour()), Some(2));

    // Deep nesting inside the lists: no stack overflow, the rest is still read.
    let deep = "[".repeat(200_000) + &"]".repeat(200_000);
    let text = format!(
        r#"{{"format": "{FORMAT}", "version": 1, "saved": "2025-01-02T03:04:05Z",
        "host": "h", "account": "a", "servers": [{deep}, {{"id": 1, "name": "web",
        "ip": "", "status": "", "datacenter": ""}}],
        "schedules": [{{"server": 1, "rotation": 2, "schedules": [{deep}]}}],
        "backups": {deep}}}"#
    );
    std::fs::write(&path, text).expect("write");
    match FleetCache::load(&path, "h", "a") {
        Ok(Some(c)) => {
            assert_eq!(c.servers.len(), 1);
            assert_eq!(c.schedules[&1].backup_rotation, Some(2));
        }
        Err(e) => assert!(e.starts_with("the fleet cache "), "{e}"),
        Ok(None) => panic!("present"),
    }
}
