//! The fleet cache on disk (issue 13): what is saved is read back unchanged, the file is
//! private and never torn, a cache of another account is never shown, and no file put at its
//! path (damaged, huge, of another version, a link, a directory, a FIFO) panics or is trusted.

use std::collections::HashMap;
use std::path::Path;

use bsched::cache::{FleetCache, MAX_FILE_BYTES};
use bsched::domain::backups::{Backup, BackupKind};
use bsched::domain::{Instance, Schedule, ScheduleList, TimeOfDay, Weekdays};
use jiff::Timestamp;
use jiff::civil::DateTime;
use proptest::prelude::*;

const HOST: &str = "api.example.test";
const ACCOUNT: &str = "ops@example.test";

fn server(id: u64, name: &str) -> Instance {
    Instance {
        id,
        name: name.to_string(),
        ip: format!("10.0.0.{}", id % 250),
        status: "active".into(),
        datacenter: "NL".into(),
    }
}

fn schedule(id: u64, instance: u64, name: &str) -> Schedule {
    Schedule {
        id,
        instance_id: instance,
        name: name.to_string(),
        days: Weekdays::WORKDAYS,
        time: "02:30".parse().expect("time"),
        created: "2024-07-24".into(),
    }
}

fn backup(id: u64) -> Backup {
    Backup {
        id,
        name: format!("backup {id}"),
        kind: BackupKind::Auto,
        created_text: "2025-03-01 02:31:07".into(),
        created: "2025-03-01T02:31:07".parse().ok(),
        status: "Active".into(),
        size: "2.1 GB".into(),
    }
}

/// A fleet of `n` servers, each with two schedules, a retention and a backup.
fn fleet(n: u64, tag: &str) -> FleetCache {
    let mut c = FleetCache::new(HOST, ACCOUNT);
    for id in 1..=n {
        c.servers.push(server(id, &format!("{tag}-{id}")));
        c.schedules.insert(
            id,
            ScheduleList {
                schedules: vec![
                    schedule(id * 10, id, &format!("{tag} nightly")),
                    schedule(id * 10 + 1, id, "weekly"),
                ],
                backup_rotation: Some(3),
            },
        );
        c.backups.insert(id, vec![backup(id * 100)]);
    }
    c
}

/// One sentence: not empty, one line, naming the file, never a panic's or serde's wording.
fn assert_one_sentence(e: &str, path: &Path) {
    assert!(!e.trim().is_empty(), "empty error");
    assert!(!e.contains('\n'), "one line: {e}");
    assert!(
        e.contains(&path.display().to_string()),
        "names the file: {e}"
    );
    assert!(
        e.starts_with("the fleet cache ") || e.starts_with("cannot read the fleet cache "),
        "{e}"
    );
    assert!(!e.contains("expected"), "no parser wording: {e}");
}

fn load_err(path: &Path) -> String {
    let e = FleetCache::load(path, HOST, ACCOUNT).expect_err("refused");
    assert_one_sentence(&e, path);
    e
}

#[test]
fn a_saved_fleet_is_read_back_unchanged_and_a_missing_one_is_none() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = FleetCache::path(tmp.path(), "default");
    assert_eq!(FleetCache::load(&path, HOST, ACCOUNT), Ok(None));
    let c = fleet(50, "web");
    c.save(&path).expect("save");
    let back = FleetCache::load(&path, HOST, ACCOUNT)
        .expect("readable")
        .expect("present");
    assert_eq!(back, c);
    // Saving again replaces it (a smaller fleet leaves nothing of the larger one).
    let small = fleet(2, "db");
    small.save(&path).expect("save");
    assert_eq!(FleetCache::load(&path, HOST, ACCOUNT), Ok(Some(small)));
}

#[cfg(unix)]
#[test]
fn the_file_is_0600_in_a_0700_dir_and_holds_no_temporary_file() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data/cache");
    let path = FleetCache::path(&dir, "work");
    fleet(3, "x").save(&path).expect("save");
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&tmp.path().join("data")), 0o700);
    let files: Vec<_> = std::fs::read_dir(&dir).expect("list").flatten().collect();
    assert_eq!(files.len(), 1);
    // A file made readable by others is made private again by the next save.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    fleet(3, "x").save(&path).expect("save");
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn a_cache_of_another_host_or_account_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = FleetCache::path(tmp.path(), "default");
    fleet(3, "web").save(&path).expect("save");
    for (host, account) in [
        ("other.example.test", ACCOUNT),
        (HOST, "someone@example.test"),
        (HOST, ""),
        ("", ACCOUNT),
        (HOST, "OPS@example.test"),
    ] {
        let e = FleetCache::load(&path, host, account).expect_err("another account's");
        assert_one_sentence(&e, &path);
        assert!(e.contains("another account or server"), "{e}");
        assert!(!e.contains(ACCOUNT), "{e}");
    }
    assert!(matches!(
        FleetCache::load(&path, HOST, ACCOUNT),
        Ok(Some(_))
    ));
}

#[test]
fn damaged_files_give_one_sentence_and_never_panic() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("c.json");
    let good = {
        fleet(3, "web").save(&path).expect("save");
        std::fs::read(&path).expect("read")
    };
    // Cut short anywhere: refused, never a partial fleet.
    for len in 0..good.len() {
        std::fs::write(&path, &good[..len]).expect("write");
        let e = load_err(&path);
        if len > 0 {
            assert!(e.contains("cut short"), "{len}: {e}");
        }
    }
    for (bytes, says) in [
        (&b"garbage"[..], "not a bsched fleet cache"),
        (b"\xff\xfe\x00\x01", "not a bsched fleet cache"),
        (b"[]", "not a bsched fleet cache"),
        (b"null", "not a bsched fleet cache"),
        (b"{}", "not a bsched fleet cache"),
        (b"{\"format\": \"something else\", \"version\": 1}", "not a bsched fleet cache"),
        (
            b"{\"format\": \"bsched fleet cache\", \"version\": 2, \"servers\": {\"new\": 1}}",
            "version 2",
        ),
        (b"{\"format\": \"bsched fleet cache\"}", "not a bsched fleet cache"),
        (
            b"{\"format\": \"bsched fleet cache\", \"version\": 1, \"host\": \"api.example.test\", \"account\": \"ops@example.test\", \"saved\": \"soon\"}",
            "no readable save time",
        ),
        (b"{\"a\": 1,,}", "damaged"),
    ] {
        std::fs::write(&path, bytes).expect("write");
        let e = load_err(&path);
        assert!(e.contains(says), "{:?}: {e}", String::from_utf8_lossy(bytes));
    }
    // Nested past any reasonable depth: refused, not a stack overflow.
    std::fs::write(&path, "[".repeat(100_000)).expect("write");
    load_err(&path);
}

#[test]
fn a_huge_file_is_refused_before_it_is_read() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("c.json");
    // Sparse: it takes no disk, and reading it would take 64 MB of memory.
    let f = std::fs::File::create(&path).expect("create");
    f.set_len(MAX_FILE_BYTES + 1).expect("grow");
    drop(f);
    let e = load_err(&path);
    assert!(e.contains("larger than the 64 MB"), "{e}");
}

#[cfg(unix)]
#[test]
fn a_link_a_directory_or_a_fifo_at_the_path_is_never_followed_nor_trusted() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("cache");
    std::fs::create_dir(&dir).expect("dir");
    let path = FleetCache::path(&dir, "default");

    // A link to another file (a cache of the right account, even): not read through...
    let elsewhere = tmp.path().join("elsewhere.json");
    fleet(2, "planted").save(&elsewhere).expect("save");
    let before = std::fs::read(&elsewhere).expect("read");
    std::os::unix::fs::symlink(&elsewhere, &path).expect("symlink");
    let e = load_err(&path);
    assert!(e.contains("symbolic link"), "{e}");
    // ...nor written through: the save replaces the link with a file of its own.
    let mine = fleet(1, "mine");
    mine.save(&path).expect("save");
    assert_eq!(std::fs::read(&elsewhere).expect("read"), before);
    assert!(
        std::fs::symlink_metadata(&path)
            .expect("meta")
            .file_type()
            .is_file()
    );
    assert_eq!(FleetCache::load(&path, HOST, ACCOUNT), Ok(Some(mine)));

    // A dangling link is refused too, not taken for "no cache".
    std::fs::remove_file(&path).expect("rm");
    std::os::unix::fs::symlink(tmp.path().join("none"), &path).expect("symlink");
    assert!(load_err(&path).contains("symbolic link"));
    std::fs::remove_file(&path).expect("rm");

    // A directory: refused on load, the save fails with an error, the directory stays.
    std::fs::create_dir(&path).expect("dir at the path");
    assert!(load_err(&path).contains("not a regular file"));
    assert!(fleet(1, "x").save(&path).is_err());
    assert!(path.is_dir());
    let left: Vec<_> = std::fs::read_dir(&dir).expect("list").flatten().collect();
    assert_eq!(left.len(), 1, "no temporary file is left: {left:?}");
    std::fs::remove_dir(&path).expect("rmdir");

    // A FIFO: the load neither blocks nor reads it.
    let made = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    assert!(load_err(&path).contains("not a regular file"));
}

#[test]
fn two_threads_saving_at_once_never_leave_a_torn_file() {
    const SAVES: usize = 30;
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = FleetCache::path(tmp.path(), "default");
    let fleets = [fleet(200, "a"), fleet(150, "b")];
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        let reader = s.spawn(|| {
            let mut seen = 0usize;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                match FleetCache::load(&path, HOST, ACCOUNT) {
                    Ok(None) => {}
                    Ok(Some(c)) => {
                        assert!(c == fleets[0] || c == fleets[1], "one save's fleet, whole");
                        seen += 1;
                    }
                    Err(e) => panic!("a reader met a torn file: {e}"),
                }
            }
            seen
        });
        let writers: Vec<_> = fleets
            .iter()
            .map(|f| {
                let path = &path;
                s.spawn(move || {
                    for _ in 0..SAVES {
                        f.save(path).expect("every save works");
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().expect("writer");
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        reader.join().expect("reader");
    });
    let last = FleetCache::load(&path, HOST, ACCOUNT)
        .expect("readable")
        .expect("present");
    assert!(last == fleets[0] || last == fleets[1]);
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("list")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left.len(), 1, "no temporary file is left: {left:?}");
}

#[test]
fn every_profile_name_has_its_own_file_inside_the_dir() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("cache");
    let long = "é".repeat(5000);
    let names = [
        "default",
        "../../etc",
        "../x",
        "a/b",
        "a_b",
        "/abs",
        "",
        ".",
        "..",
        "работа",
        long.as_str(),
    ];
    for (i, name) in names.iter().enumerate() {
        let path = FleetCache::path(&dir, name);
        assert_eq!(path.parent(), Some(dir.as_path()), "{name:?}");
        fleet(i as u64 + 1, "p").save(&path).expect(name);
    }
    let files = std::fs::read_dir(&dir).expect("list").flatten().count();
    assert_eq!(files, names.len(), "one file each, all in the dir");
    assert_eq!(
        std::fs::read_dir(tmp.path())
            .expect("list")
            .flatten()
            .count(),
        1,
        "nothing escaped the dir"
    );
    for (i, name) in names.iter().enumerate() {
        let c = FleetCache::load(&FleetCache::path(&dir, name), HOST, ACCOUNT)
            .expect("readable")
            .expect("present");
        assert_eq!(c.servers.len(), i + 1, "{name:?} reads its own fleet");
    }
}

#[test]
fn escape_sequences_in_names_are_kept_as_data() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("c.json");
    let mut c = fleet(1, "x");
    c.servers[0].name = "web\x1b[2J\x1b]0;owned\x07\u{202e}\u{0}".into();
    c.schedules.get_mut(&1).expect("list").schedules[0].name = "n\r\x1b[1A".into();
    c.save(&path).expect("save");
    let raw = std::fs::read(&path).expect("read");
    assert!(
        !raw.contains(&0x1b),
        "the file itself holds no raw escape byte"
    );
    let back = FleetCache::load(&path, HOST, ACCOUNT)
        .expect("readable")
        .expect("present");
    assert_eq!(back.servers[0].name, c.servers[0].name);
    assert_eq!(back, c);
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[a-z0-9 .:-]{0,16}"].prop_map(|s| s.chars().take(40).collect())
}

fn any_schedule(instance: u64) -> impl Strategy<Value = Schedule> {
    (
        any::<u64>(),
        any_text(),
        1u8..128,
        0u8..24,
        0u8..60,
        any_text(),
    )
        .prop_map(move |(id, name, days, h, m, created)| Schedule {
            id,
            instance_id: instance,
            name,
            days: Weekdays::from_bits(days),
            time: TimeOfDay::new(h, m).expect("in range"),
            created,
        })
}

fn any_backup() -> impl Strategy<Value = Backup> {
    let kind = prop_oneof![
        Just(BackupKind::Auto),
        Just(BackupKind::Manual),
        any_text().prop_map(BackupKind::Other),
    ];
    let created = proptest::option::of(
        (
            1970i16..2200,
            1i8..13,
            1i8..29,
            0i8..24,
            0i8..60,
            0i8..60,
            0i32..1_000_000_000,
        )
            .prop_map(|(y, mo, d, h, mi, s, ns)| {
                DateTime::new(y, mo, d, h, mi, s, ns).expect("valid")
            }),
    );
    (
        any::<u64>(),
        any_text(),
        kind,
        any_text(),
        created,
        any_text(),
        any_text(),
    )
        .prop_map(
            |(id, name, kind, created_text, created, status, size)| Backup {
                id,
                name,
                kind,
                created_text,
                created,
                status,
                size,
            },
        )
}

fn any_fleet() -> impl Strategy<Value = FleetCache> {
    let servers = prop::collection::vec(
        (any::<u64>(), any_text(), any_text(), any_text(), any_text()).prop_map(
            |(id, name, ip, status, datacenter)| Instance {
                id,
                name,
                ip,
                status,
                datacenter,
            },
        ),
        0..6,
    );
    let schedules = prop::collection::hash_map(
        any::<u64>(),
        (
            proptest::option::of(any::<u8>()),
            prop::collection::vec(any_schedule(7), 0..4),
        ),
        0..5,
    )
    .prop_map(|m| {
        m.into_iter()
            .map(|(id, (backup_rotation, schedules))| {
                (
                    id,
                    ScheduleList {
                        schedules,
                        backup_rotation,
                    },
                )
            })
            .collect::<HashMap<_, _>>()
    });
    let backups = prop::collection::hash_map(
        any::<u64>(),
        prop::collection::vec(any_backup(), 0..4),
        0..5,
    );
    (
        -377_705_023_200i64..253_402_207_200,
        0i32..1_000_000_000,
        any_text(),
        any_text(),
        servers,
        schedules,
        backups,
    )
        .prop_map(
            |(secs, nanos, host, account, servers, schedules, backups)| FleetCache {
                saved: Timestamp::new(secs, nanos).expect("in range"),
                host,
                account,
                servers,
                schedules,
                backups,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn any_fleet_round_trips(c in any_fleet()) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let path = tmp.path().join("c.json");
        c.save(&path).expect("save");
        let back = FleetCache::load(&path, &c.host, &c.account);
        prop_assert_eq!(back, Ok(Some(c)));
    }

    #[test]
    fn any_bytes_load_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let path = tmp.path().join("c.json");
        std::fs::write(&path, &bytes).expect("write");
        if let Err(e) = FleetCache::load(&path, HOST, ACCOUNT) {
            assert_one_sentence(&e, &path);
        }
    }

    #[test]
    fn a_saved_file_with_one_byte_changed_loads_without_panic(at in any::<usize>(), to in any::<u8>()) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let path = tmp.path().join("c.json");
        fleet(2, "w").save(&path).expect("save");
        let mut bytes = std::fs::read(&path).expect("read");
        let i = at % bytes.len();
        bytes[i] = to;
        std::fs::write(&path, &bytes).expect("write");
        if let Err(e) = FleetCache::load(&path, HOST, ACCOUNT) {
            assert_one_sentence(&e, &path);
        }
    }
}
