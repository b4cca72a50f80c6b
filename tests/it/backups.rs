//! Proof that backups happen: the emulator's synthesized scheduled backups, read by the client,
//! judged as protected, missed, waiting or unprotected.

use crate::common;

use bsched::domain::backups::{BackupKind, Protection, assess};
use bsched::domain::timing::parse_zone;
use jiff::Timestamp;

const WEB1: u64 = 5_203_770; // Mon-Fri 02:01, keeps 5, one manual backup
const DB_REPLICA: u64 = 5_203_773; // Sun 03:00, its runs fail in the demo
const STAGING: u64 = 5_203_775; // no schedule, one manual backup

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

#[tokio::test]
async fn scheduled_backups_prove_protection_and_expose_misses() {
    let emu = common::emulator().await;
    // Friday 2026-11-27 13:00 at +03:00.
    let now = ts("2026-11-27T10:00:00Z");
    emu.with(|w| w.clock = Some(now));
    let client = common::client(&emu);
    let tz = parse_zone("+03:00").unwrap();

    let backups = client.backups(WEB1).await.unwrap();
    let auto: Vec<_> = backups
        .iter()
        .filter(|b| b.kind == BackupKind::Auto)
        .collect();
    assert_eq!(auto.len(), 5, "retention keeps five scheduled backups");
    assert_eq!(
        auto[0].created_text, "2026-11-27 02:01:00",
        "the newest is this morning's run"
    );
    assert_eq!(
        auto[4].created_text, "2026-11-23 02:01:00",
        "Monday's run is the oldest kept"
    );
    assert!(
        backups
            .iter()
            .any(|b| b.kind == BackupKind::Manual && b.name == "pre-release")
    );
    let schedules = client.schedules(WEB1).await.unwrap().schedules;
    assert_eq!(
        assess(&schedules, &backups, &tz, now),
        Protection::Protected {
            last: ts("2026-11-26T23:01:00Z")
        }
    );

    // A server whose runs leave nothing: missed, naming the run that has no backup.
    let schedules = client.schedules(DB_REPLICA).await.unwrap().schedules;
    let backups = client.backups(DB_REPLICA).await.unwrap();
    assert!(backups.is_empty());
    assert_eq!(
        assess(&schedules, &backups, &tz, now),
        Protection::Missed {
            expected: ts("2026-11-22T00:00:00Z"),
            last: None
        }
    );

    // No schedule: unprotected, whatever manual backups exist.
    let backups = client.backups(STAGING).await.unwrap();
    assert_eq!(backups.len(), 1);
    assert_eq!(
        assess(&[], &backups, &tz, now),
        Protection::Unprotected { last: None }
    );

    // Retention follows backup_rotation.
    client.set_retention(WEB1, 2).await.unwrap();
    let auto = client
        .backups(WEB1)
        .await
        .unwrap()
        .into_iter()
        .filter(|b| b.kind == BackupKind::Auto)
        .count();
    assert_eq!(auto, 2);
}

#[tokio::test]
async fn the_skip_switch_makes_runs_missed_and_new_schedules_wait() {
    let emu = common::emulator().await;
    let now = ts("2026-11-27T10:00:00Z");
    emu.with(|w| {
        w.clock = Some(now);
        w.skip_backups = 1.0;
    });
    let client = common::client(&emu);
    let tz = parse_zone("+03:00").unwrap();
    let schedules = client.schedules(WEB1).await.unwrap().schedules;
    let backups = client.backups(WEB1).await.unwrap();
    assert!(matches!(
        assess(&schedules, &backups, &tz, now),
        Protection::Missed { expected, .. } if expected == ts("2026-11-26T23:01:00Z")
    ));

    // Within the grace period after a run, the run before it is the one judged.
    let early = ts("2026-11-27T00:00:00Z"); // 03:00 +03:00, an hour after the run
    emu.with(|w| {
        w.clock = Some(early);
        w.skip_backups = 0.0;
    });
    let backups = client.backups(WEB1).await.unwrap();
    assert_eq!(
        assess(&schedules, &backups, &tz, early),
        Protection::Protected {
            last: ts("2026-11-26T23:01:00Z")
        }
    );

    // A schedule created after its last start has had no chance yet.
    let mut fresh = schedules.clone();
    fresh[0].created = "2026-11-27 12:00:00".into();
    assert_eq!(
        assess(&fresh, &[], &tz, now),
        Protection::Waiting { last: None }
    );
}
