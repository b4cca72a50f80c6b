//! The API client against the emulator over real HTTP on 127.0.0.1.

use crate::common;

use std::time::Duration;

use bsched::api::{ApiError, Client, Secret};
use bsched::domain::{ScheduleName, ScheduleSpec, TimeOfDay, Weekdays};
use bsched::emulator::{Fault, When, state::EmuInstance};

const WEB1: u64 = 5_203_770; // one schedule
const WEB2: u64 = 5_203_771; // two schedules
const STAGING: u64 = 5_203_775; // none

fn spec(name: &str, days: &str, time: &str) -> ScheduleSpec {
    ScheduleSpec::new(
        ScheduleName::new(name).unwrap(),
        Weekdays::parse_user(days).unwrap(),
        time.parse::<TimeOfDay>().unwrap(),
    )
    .unwrap()
}

fn count(calls: &[String], func: &str) -> usize {
    calls.iter().filter(|c| *c == func).count()
}

#[tokio::test]
async fn instances_collects_every_page() {
    let emu = common::emulator().await;
    let mut cfg = common::config(&emu);
    cfg.page_size = 10;
    let client = Client::new(cfg).unwrap();
    let list = client.instances().await.unwrap();
    assert_eq!(
        list.len(),
        25,
        "demo seed has 25 servers over three pages of 10"
    );
    assert_eq!(count(&emu.calls(), "instances"), 3);
    assert!(list.iter().any(|i| i.name == "сервер-бухгалтерия"));
    assert_eq!(list[0].status, "active", "status read case-insensitively");
    // The default page size takes the whole list in one request.
    let one = common::client(&emu);
    assert_eq!(one.instances().await.unwrap().len(), 25);
    assert_eq!(count(&emu.calls(), "instances"), 4);

    // 35 servers: four pages.
    emu.with(|w| {
        let template = w.data.instances[0].clone();
        for n in 0..10 {
            w.data.instances.push(EmuInstance {
                id: 9_000_000 + n,
                servername: format!("extra-{n}"),
                ..template.clone()
            });
        }
    });
    let list = client.instances().await.unwrap();
    assert_eq!(list.len(), 35);
    let mut ids: Vec<u64> = list.iter().map(|i| i.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), 35, "no duplicates across pages");
}

#[tokio::test]
async fn schedules_one_many_none_and_retention() {
    let emu = common::emulator().await;
    let client = common::client(&emu);
    let one = client.schedules(WEB1).await.unwrap();
    assert_eq!(one.schedules.len(), 1);
    assert_eq!(one.schedules[0].days, Weekdays::WORKDAYS);
    assert_eq!(one.schedules[0].time.to_string(), "02:01");
    assert_eq!(one.backup_rotation, Some(5));
    let two = client.schedules(WEB2).await.unwrap();
    assert_eq!(two.schedules.len(), 2);
    assert_eq!(two.schedules[1].days, Weekdays::WEEKENDS);
    let none = client.schedules(STAGING).await.unwrap();
    assert!(none.schedules.is_empty());
    assert_eq!(none.backup_rotation, Some(2));
}

#[tokio::test]
async fn schedules_list_follows_pages_too() {
    let emu = common::emulator().await;
    let client = common::client(&emu);
    for n in 0..12 {
        client
            .create_schedule(STAGING, &spec(&format!("s{n}"), "mon", "01:00"))
            .await
            .unwrap();
    }
    assert_eq!(client.schedules(STAGING).await.unwrap().schedules.len(), 12);
}

#[tokio::test]
async fn create_edit_delete_round_trip() {
    let emu = common::emulator().await;
    let client = common::client(&emu);
    let created = client
        .create_schedule(STAGING, &spec("nightly", "mon-fri", "02:01"))
        .await
        .unwrap();
    assert_eq!(created.name, "nightly");
    assert_eq!(created.instance_id, STAGING);
    let edited = client
        .edit_schedule(STAGING, created.id, &spec("weekend", "sat,sun", "23:59"))
        .await
        .unwrap();
    assert_eq!(edited.id, created.id);
    assert_eq!(edited.days, Weekdays::WEEKENDS);
    let stored = emu.with(|w| {
        w.data
            .schedules
            .iter()
            .find(|s| s.id == created.id)
            .cloned()
    });
    assert_eq!(
        stored.unwrap().days,
        "0,6",
        "sent as numbers with 0 = Sunday"
    );
    client
        .delete_schedule(created.id, Some(STAGING))
        .await
        .unwrap();
    assert!(
        client
            .schedules(STAGING)
            .await
            .unwrap()
            .schedules
            .is_empty()
    );
}

#[tokio::test]
async fn api_errors_are_typed() {
    let emu = common::emulator().await;
    let client = common::client(&emu);
    // Values the domain refuses can only reach the API through a raw call.
    let bad_time = client
        .call(
            "instances.fleio_bckps.schedule.edit",
            &[
                ("plid", STAGING.to_string()),
                ("name", "x".into()),
                ("rotation_days", "1".into()),
                ("rotation_time", "25:00".into()),
                ("sok", "ok".into()),
            ],
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&bad_time, ApiError::Refused { kind, object: Some(o), .. } if kind == "value" && o == "rotation_time"),
        "{bad_time:?}"
    );
    let missing = client.delete_schedule(999_999, None).await.unwrap_err();
    assert!(matches!(&missing, ApiError::Refused { kind, .. } if kind == "missed"));
    let unknown_server = client.schedules(1).await.unwrap_err();
    assert!(matches!(unknown_server, ApiError::Refused { .. }));

    let mut cfg = common::config(&emu);
    cfg.password = Some(Secret::new("wrong"));
    let bad = Client::new(cfg).unwrap().instances().await.unwrap_err();
    assert!(matches!(bad, ApiError::Auth(_)), "{bad:?}");
}

#[tokio::test]
async fn write_without_sok_changes_nothing() {
    let emu = common::emulator().await;
    let client = common::client(&emu);
    client
        .call(
            "instances.fleio_bckps.schedule.edit",
            &[
                ("plid", STAGING.to_string()),
                ("name", "x".into()),
                ("rotation_days", "1".into()),
                ("rotation_time", "01:00".into()),
            ],
        )
        .await
        .unwrap();
    assert!(
        client
            .schedules(STAGING)
            .await
            .unwrap()
            .schedules
            .is_empty()
    );
}

#[tokio::test]
async fn expired_session_logs_in_again_once() {
    let emu = common::emulator().await;
    let client = common::client(&emu);
    client.instances().await.unwrap();
    emu.with(|w| w.expire_sessions());
    let created = client
        .create_schedule(STAGING, &spec("after expiry", "daily", "03:00"))
        .await
        .unwrap();
    assert_eq!(created.name, "after expiry");
    let calls = emu.calls();
    assert_eq!(count(&calls, "auth"), 2, "{calls:?}");
    // Nothing is listed before a create now, so the write itself meets the expired session:
    // refused (not applied), then sent once more after the login. One schedule is made.
    assert_eq!(
        count(&calls, "instances.fleio_bckps.schedule.edit"),
        2,
        "{calls:?}"
    );
    let made = emu.with(|w| {
        w.data
            .schedules
            .iter()
            .filter(|s| s.name == "after expiry")
            .count()
    });
    assert_eq!(made, 1);
}

#[tokio::test]
async fn expired_token_without_password_is_an_auth_error() {
    let emu = common::emulator().await;
    let client = common::client(&emu);
    client.login().await.unwrap();
    let mut cfg = common::config(&emu);
    cfg.password = None;
    cfg.token = Some(Secret::new("not-a-session"));
    let err = Client::new(cfg).unwrap().instances().await.unwrap_err();
    assert!(matches!(err, ApiError::Auth(_)), "{err:?}");
}

#[tokio::test]
async fn transport_faults_become_clear_errors() {
    let emu = common::emulator().await;
    let client = common::client(&emu);
    client.login().await.unwrap();
    let cases = [
        (Fault::Status(503), "HTTP 503"),
        (Fault::Status(460), "blocked"),
        (Fault::Status(403), "blocked"),
        (Fault::Html, "HTML"),
        (Fault::Truncated, "truncated"),
        (Fault::Empty, "empty"),
        (Fault::running_operation(), "already running"),
    ];
    for (fault, needle) in cases {
        emu.push_fault(fault.clone(), When::Before, Some("instances"));
        let err = client.instances().await.unwrap_err();
        let text = err.to_string();
        assert!(text.contains(needle), "{fault:?}: {text}");
        assert!(!text.contains("tparams") && !text.contains('{'), "{text}");
    }
    // The client still works afterwards.
    assert_eq!(client.instances().await.unwrap().len(), 25);
}

#[tokio::test]
async fn a_slow_answer_times_out() {
    let emu = common::emulator().await;
    let mut cfg = common::config(&emu);
    cfg.request_timeout = Duration::from_secs(1);
    let client = Client::new(cfg).unwrap();
    client.login().await.unwrap();
    emu.push_fault(Fault::Delay(3000), When::Before, Some("instances"));
    let err = client.instances().await.unwrap_err();
    assert_eq!(err, ApiError::Timeout(1));
}

#[tokio::test]
async fn a_refused_connection_is_a_network_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let emu = common::emulator().await;
    let mut cfg = common::config(&emu);
    cfg.url = bsched::api::checked_url(&format!("http://{addr}/")).unwrap();
    let err = Client::new(cfg).unwrap().instances().await.unwrap_err();
    assert!(matches!(err, ApiError::Network(_)), "{err:?}");
}

#[tokio::test]
async fn a_create_whose_answer_was_lost_is_reconciled_not_resent() {
    let emu = common::emulator().await;
    let client = common::client(&emu);
    emu.push_fault(
        Fault::Status(502),
        When::After,
        Some("instances.fleio_bckps.schedule.edit"),
    );
    let created = client
        .create_schedule(STAGING, &spec("lost answer", "mon", "05:00"))
        .await
        .expect("found by listing again");
    assert_eq!(created.name, "lost answer");
    let calls = emu.calls();
    assert_eq!(count(&calls, "instances.fleio_bckps.schedule.edit"), 1);
    assert_eq!(client.schedules(STAGING).await.unwrap().schedules.len(), 1);
}

#[tokio::test]
async fn a_create_that_never_applied_is_reported_not_retried() {
    let emu = common::emulator().await;
    let client = common::client(&emu);
    emu.push_fault(
        Fault::Status(502),
        When::Before,
        Some("instances.fleio_bckps.schedule.edit"),
    );
    let err = client
        .create_schedule(STAGING, &spec("never", "mon", "05:00"))
        .await
        .unwrap_err();
    assert_eq!(err, ApiError::Status(502));
    assert_eq!(
        count(&emu.calls(), "instances.fleio_bckps.schedule.edit"),
        1
    );
    assert!(
        client
            .schedules(STAGING)
            .await
            .unwrap()
            .schedules
            .is_empty()
    );
}

#[tokio::test]
async fn a_delete_whose_answer_was_lost_is_checked_by_listing() {
    let emu = common::emulator().await;
    let client = common::client(&emu);
    let id = client.schedules(WEB1).await.unwrap().schedules[0].id;
    emu.push_fault(
        Fault::Truncated,
        When::After,
        Some("instances.fleio_bckps.schedule.delete"),
    );
    client.delete_schedule(id, Some(WEB1)).await.unwrap();
    assert!(client.schedules(WEB1).await.unwrap().schedules.is_empty());
}

#[tokio::test]
async fn retention_is_read_and_set() {
    let emu = common::emulator().await;
    let client = common::client(&emu);
    client.set_retention(WEB1, 9).await.unwrap();
    assert_eq!(
        client.schedules(WEB1).await.unwrap().backup_rotation,
        Some(9)
    );
    assert!(matches!(
        client.set_retention(WEB1, 11).await,
        Err(ApiError::Setup(_))
    ));
}

#[tokio::test]
async fn secrets_stay_out_of_debug_and_errors() {
    let emu = common::emulator().await;
    let mut cfg = common::config(&emu);
    cfg.password = Some(Secret::new("pw-s3cr3t"));
    cfg.token = Some(Secret::new("tok-s3cr3t"));
    let client = Client::new(cfg.clone()).unwrap();
    let err = client.instances().await.unwrap_err();
    let shown = format!("{client:?} {cfg:?} {err} {err:?}");
    assert!(!shown.contains("s3cr3t"), "{shown}");
    assert!(shown.contains("Secret(***)"));
}

#[tokio::test]
async fn two_factor_login_asks_for_the_code_and_takes_the_new_session() {
    let emu = common::emulator().await;
    let mut cfg = common::config(&emu);
    cfg.username = Some(bsched::emulator::DEMO_TOTP_USER.into());
    let client = Client::new(cfg).unwrap();
    assert!(
        client.login_checking_totp().await.unwrap(),
        "the code is asked for"
    );
    let wrong = client.confirm_totp("000000").await.unwrap_err();
    assert!(
        wrong.to_string().contains("Invalid confirmation code"),
        "{wrong}"
    );
    assert!(client.confirm_totp("12345").await.is_err(), "six digits");
    client
        .confirm_totp(bsched::emulator::DEMO_TOTP_CODE)
        .await
        .unwrap();
    assert!(!client.needs_totp().await.unwrap());
    assert_eq!(client.instances().await.unwrap().len(), 25);

    // When that session expires, a password alone cannot log in again: say so.
    emu.push_fault(Fault::ExpireSessions, When::Before, Some("instances"));
    let e = client.instances().await.unwrap_err();
    assert!(matches!(e, ApiError::Auth(_)), "{e:?}");
    assert!(e.to_string().contains("one-time code"), "{e}");
}

#[tokio::test]
async fn a_password_alone_on_a_two_factor_account_gets_a_clear_error() {
    let emu = common::emulator().await;
    let mut cfg = common::config(&emu);
    cfg.username = Some(bsched::emulator::DEMO_TOTP_USER.into());
    let client = Client::new(cfg).unwrap();
    let e = client.instances().await.unwrap_err();
    assert!(matches!(e, ApiError::Auth(_)), "{e:?}");
    assert!(e.to_string().contains("one-time code"), "{e}");
}
