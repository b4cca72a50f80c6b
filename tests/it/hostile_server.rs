//! The client against a hostile server: a fake API on 127.0.0.1 whose every answer the test
//! writes. Redirects, echoed secrets, endless answers, broken paging, a busy session, login
//! refusals and odd but valid answers; and the binary run against such a server.

use crate::common;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use bsched::api::{ApiError, Client, ClientConfig, Secret, checked_url};
use bsched::domain::{ScheduleName, ScheduleSpec, TimeOfDay, Weekdays};
use bsched::emulator::{BUSY_MESSAGE, BUSY_MESSAGE_RU, LoginRefusal, Options};
use common::cli::{base, finish};
use common::fake::{self, Fake, Trap};
use serde_json::{Value, json};

const USER: &str = "owner@example.com";
const PASS: &str = "Pw-Hostile-9x";
const TOKEN: &str = "sess-abcdef123456";
const LIST: &str = "instances.fleio_bckps.schedule";
const EDIT: &str = "instances.fleio_bckps.schedule.edit";

fn t(v: impl std::fmt::Display) -> Value {
    json!({ "$": v.to_string() })
}

fn config(url: &str) -> ClientConfig {
    let mut cfg = ClientConfig::new(checked_url(url).expect("loopback url"));
    cfg.username = Some(USER.into());
    cfg.password = Some(Secret::new(PASS));
    cfg.connect_timeout = Duration::from_secs(10);
    cfg.request_timeout = Duration::from_secs(20);
    cfg
}

fn client(f: &Fake) -> Client {
    Client::new(config(&f.url())).expect("client builds")
}

fn spec(name: &str) -> ScheduleSpec {
    ScheduleSpec::new(
        ScheduleName::new(name).expect("name"),
        Weekdays::parse_user("daily").expect("days"),
        "02:00".parse::<TimeOfDay>().expect("time"),
    )
    .expect("spec")
}

fn redirect(status: u16, to: &str) -> Response {
    (
        StatusCode::from_u16(status).expect("status"),
        [(header::LOCATION, to.to_string())],
        "",
    )
        .into_response()
}

fn server(id: u64) -> Value {
    json!({"id": t(id), "servername": t(format!("s{id}")), "instance_status": t("active"),
           "ip": t("10.0.0.1"), "datacentername": t("dc")})
}

fn schedule(id: u64, name: &str) -> Value {
    json!({"id": t(id), "name": t(name), "rotation_days": t("0 1 2 3 4 5 6"),
           "rotation_time": t("02:00"), "create_date": t("2024-07-24")})
}

/// A page of servers `from..=to` with the paging fields.
fn page(from: u64, to: u64, p_num: Option<u64>, p_elems: u64, p_cnt: u64) -> Response {
    let elems: Vec<Value> = (from..=to).map(server).collect();
    let mut doc = json!({"elem": elems, "p_elems": t(p_elems), "p_cnt": t(p_cnt)});
    if let Some(n) = p_num {
        doc["p_num"] = t(n);
    }
    fake::doc(doc)
}

/// The page a request asked for, and its size.
fn asked(seen: &fake::Seen) -> (u64, u64) {
    let n = seen.get("p_num").and_then(|v| v.parse().ok()).unwrap_or(0);
    let c = seen.get("p_cnt").and_then(|v| v.parse().ok()).unwrap_or(0);
    (n, c)
}

/// A well-behaved answer to the requests every test makes besides the one under attack.
fn plain(seen: &fake::Seen) -> Option<Response> {
    match seen.func() {
        "auth" => Some(fake::auth_ok(TOKEN)),
        "instances.filter" => Some(fake::doc(json!({}))),
        "whoami" => Some(fake::doc(json!({"ok": {}}))),
        _ => None,
    }
}

/// Every `instances` request named its page and asked for the same page size.
fn assert_paged(f: &Fake) {
    let sizes: HashSet<Option<String>> = f
        .seen()
        .iter()
        .filter(|s| s.func() == "instances")
        .map(|s| {
            assert!(
                s.get("p_num").is_some_and(|n| n.parse::<u64>().is_ok()),
                "{s:?}"
            );
            s.get("p_cnt").map(str::to_string)
        })
        .collect();
    assert_eq!(sizes.len(), 1, "one page size on every page: {sizes:?}");
    assert!(sizes.iter().all(Option::is_some));
}

// ---------------------------------------------------------------------------------------------
// 1. Redirects
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_redirect_is_an_error_naming_its_target_and_nothing_follows_it() {
    let trap = Trap::start().await;
    let to = format!("http://127.0.0.1:{}/billmgr", trap.addr.port());
    for status in [307, 308] {
        let target = to.clone();
        let f =
            Fake::start(move |seen, _| plain(seen).unwrap_or_else(|| redirect(status, &target)))
                .await;
        let c = client(&f);
        let e = c.instances().await.expect_err("a redirect fails");
        let ApiError::Redirected(named) = &e else {
            panic!("{status}: {e:?}");
        };
        assert!(
            named.contains(&format!("127.0.0.1:{}", trap.addr.port())),
            "{named}"
        );
        assert!(e.to_string().contains("follows no redirects"), "{e}");
        // Other calls of the same client: still no second login.
        assert!(matches!(c.schedules(1).await, Err(ApiError::Redirected(_))));
        assert_eq!(f.count("auth"), 1, "{status}");
        let with_password = f
            .seen()
            .iter()
            .filter(|s| s.get("password").is_some())
            .count();
        assert_eq!(with_password, 1, "{status}: the password was sent once");
    }

    // A redirect on func=auth itself: the password is not sent there, nor sent again here.
    let target = to.clone();
    let f = Fake::start(move |_, _| redirect(307, &target)).await;
    let c = client(&f);
    for _ in 0..3 {
        let e = c.instances().await.expect_err("redirected login");
        assert!(matches!(e, ApiError::Redirected(_)), "{e:?}");
    }
    assert_eq!(f.count("auth"), 1, "a redirected login is not tried again");
    assert_eq!(trap.hits(), 0, "nothing ever reached the redirect target");
}

#[tokio::test]
async fn a_redirect_target_that_spells_a_secret_is_not_repeated() {
    // The password (lower-cased, as a host name is) in the host, the session in the query.
    let to = format!("http://{}.invalid/?auth={TOKEN}", PASS.to_lowercase());
    let f = Fake::start(move |seen, _| plain(seen).unwrap_or_else(|| redirect(302, &to))).await;
    let e = client(&f).instances().await.expect_err("redirect");
    let text = format!("{e} {e:?}");
    assert!(matches!(e, ApiError::Redirected(_)), "{text}");
    assert!(
        !text.to_lowercase().contains(&PASS.to_lowercase()) && !text.contains(TOKEN),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Echoed secrets
// ---------------------------------------------------------------------------------------------

fn echo() -> Value {
    json!({"auth": t(TOKEN), "password": t(PASS), "username": t(USER), "func": t("x")})
}

/// A server that repeats the password and the session wherever it can.
fn echoing(seen: &fake::Seen) -> Response {
    let both = format!("{PASS} / {TOKEN}");
    match seen.func() {
        "auth" => fake::doc(
            json!({"auth": {"$id": TOKEN, "$": TOKEN}, "tparams": echo(), "msg": t(&both)}),
        ),
        "instances" => fake::doc(json!({
            "elem": [
                {"id": t(7), "servername": t(format!("web {both}")), "ip": t(TOKEN),
                 "instance_status": {"$": PASS, "$orig": "active"}, "datacentername": t(PASS)},
                {"id": t(format!("bad-{TOKEN}")), "servername": t(PASS)}
            ],
            "p_num": t(1), "p_elems": t(2), "p_cnt": t(100),
            "tparams": echo()
        })),
        // A filter field named like the password: the warning names fields.
        "instances.filter" => fake::doc(json!({PASS: t("on"), TOKEN: t("on"), "tparams": echo()})),
        LIST => fake::doc(json!({
            "elem": [
                schedule(11, &format!("nightly {both}")),
                {"id": t(12), "name": t(PASS), "rotation_days": t(format!("day {TOKEN}")),
                 "rotation_time": t("02:00")}
            ],
            "backup_rotation": t(3),
            "p_num": t(1), "p_elems": t(2), "p_cnt": t(100),
            "tparams": echo()
        })),
        EDIT => fake::doc(json!({
            "error": {"$type": "value", "$object": format!("name {TOKEN}"),
                      "msg": t(format!("Refused {PASS} for session {TOKEN}"))},
            "tparams": echo()
        })),
        _ => fake::error("missed", TOKEN, &format!("who is {PASS}? {TOKEN}")),
    }
}

fn assert_clean(what: &str, text: &str) {
    assert!(
        !text.contains(PASS) && !text.contains(TOKEN),
        "{what} leaks a secret: {text}"
    );
}

#[tokio::test]
async fn secrets_echoed_by_the_server_reach_no_result_error_or_warning() {
    let f = Fake::start(|seen, _| echoing(seen)).await;
    let c = client(&f);
    let servers = c.instances().await.expect("servers");
    assert_eq!(
        servers.len(),
        1,
        "the unreadable element is skipped: {:?}",
        c.take_warnings()
    );
    assert!(servers[0].name.contains("***"), "{:?}", servers[0]);
    assert_clean("instances", &format!("{servers:?}"));

    let list = c.schedules(7).await.expect("schedules");
    assert_eq!(list.schedules.len(), 1);
    assert!(list.schedules[0].name.contains("***"));
    assert_clean("schedules", &format!("{list:?}"));

    let e = c
        .create_schedule(7, &spec("new"))
        .await
        .expect_err("refused");
    assert!(matches!(e, ApiError::Refused { .. }), "{e:?}");
    assert_clean("a refusal", &format!("{e} {e:?}"));

    let e = c.backups(7).await.expect_err("refused");
    assert_clean("another refusal", &format!("{e} {e:?}"));

    let warnings = c.take_warnings();
    assert!(
        warnings.iter().any(|w| w.contains("could not be read")),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("filter")),
        "{warnings:?}"
    );
    for w in &warnings {
        assert_clean("a warning", w);
    }
    assert_clean("the client", &format!("{c:?}"));

    // A refused login that quotes the password.
    let f =
        Fake::start(|_, _| fake::error("auth", "odd", &format!("no such password {PASS}"))).await;
    let e = client(&f).instances().await.expect_err("refused login");
    assert!(matches!(e, ApiError::Auth(_)), "{e:?}");
    assert_clean("a login refusal", &format!("{e} {e:?}"));
}

/// Every file under `dir`, except the kept session (which holds the session id by design).
fn written(dir: &std::path::Path) -> Vec<(std::path::PathBuf, String)> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "sessions") {
                continue;
            }
            out.extend(written(&p));
        } else if let Ok(bytes) = std::fs::read(&p) {
            out.push((p, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_echoed_by_the_server_reach_no_output_journal_or_log_of_the_cli() {
    let f = Fake::start(|seen, _| echoing(seen)).await;
    let home = tempfile::tempdir().expect("home");
    let run = |args: &[&str]| {
        let mut cmd = base(home.path());
        cmd.env("BSCHED_URL", f.url())
            .env("BSCHED_USERNAME", USER)
            .env("BSCHED_PASSWORD", PASS)
            .env("BSCHED_LOG", "debug")
            .args(args);
        finish(cmd.output().expect("runs"))
    };
    let r = run(&["instances"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("***"), "{}", r.stdout);
    assert!(r.stderr.contains("filter"), "{}", r.stderr);
    let mut all = vec![r];
    all.push(run(&["instances", "--json"]));
    all.push(run(&["schedules", "list", "--instance", "7"]));
    all.push(run(&["schedules", "list", "--instance", "7", "--json"]));
    let add = run(&[
        "schedules",
        "add",
        "--instance",
        "7",
        "--name",
        "new",
        "--days",
        "daily",
        "--time",
        "02:00",
    ]);
    assert_eq!(add.code, 3, "{}", add.stderr);
    assert!(add.stderr.contains("Refused ***"), "{}", add.stderr);
    all.push(add);
    all.push(run(&["log"]));
    all.push(run(&["log", "--json"]));
    for (i, r) in all.iter().enumerate() {
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        assert_clean(&format!("stdout of run {i}"), &r.stdout);
        assert_clean(&format!("stderr (and debug log) of run {i}"), &r.stderr);
    }
    let files = written(home.path());
    assert!(
        files.iter().any(|(p, _)| p.ends_with("journal.jsonl")),
        "{files:?}"
    );
    for (p, text) in files {
        assert_clean(&p.display().to_string(), &text);
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Size cap
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_answer_over_the_cap_is_refused_quickly() {
    let big = Fake::start(|seen, _| {
        plain(seen).unwrap_or_else(|| {
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                vec![b' '; 3 * 1024 * 1024],
            )
                .into_response()
        })
    })
    .await;
    let endless = Fake::start(|seen, _| plain(seen).unwrap_or_else(fake::endless)).await;
    for f in [&big, &endless] {
        let mut cfg = config(&f.url());
        cfg.max_answer_bytes = 1024 * 1024;
        let c = Client::new(cfg).expect("client");
        let start = Instant::now();
        let e = c.instances().await.expect_err("too large");
        assert_eq!(e, ApiError::TooLarge(1024 * 1024));
        assert!(e.to_string().contains("larger than 1 MB"), "{e}");
        // Generous: reading 1 MiB on loopback takes milliseconds; an unbounded read never ends.
        assert!(start.elapsed() < Duration::from_secs(15));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_refuses_an_endless_answer_with_exit_5() {
    let f = Fake::start(|seen, _| plain(seen).unwrap_or_else(fake::endless)).await;
    let home = tempfile::tempdir().expect("home");
    let cfg = home.path().join("config.toml");
    std::fs::write(&cfg, "[profiles.default]\nmax_answer_mb = 1\n").expect("config");
    let mut cmd = base(home.path());
    cmd.env("BSCHED_URL", f.url())
        .env("BSCHED_USERNAME", USER)
        .env("BSCHED_PASSWORD", PASS)
        .arg("--config")
        .arg(&cfg)
        .arg("instances");
    let r = finish(cmd.output().expect("runs"));
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("the API's answer is larger than 1 MB; refused without reading the rest"),
        "{}",
        r.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// 4. Paging guards
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_server_that_ignores_p_num_is_stopped_after_a_few_requests() {
    // It says which page it sends (always 1).
    let f =
        Fake::start(|seen, _| plain(seen).unwrap_or_else(|| page(1, 10, Some(1), 25, 10))).await;
    let e = client(&f).instances().await.expect_err("never whole");
    assert!(e.to_string().contains("page"), "{e}");
    assert!(f.count("instances") <= 6, "{}", f.count("instances"));
    assert_paged(&f);

    // It says nothing about pages but the count: the repeat is seen.
    let f = Fake::start(|seen, _| plain(seen).unwrap_or_else(|| page(1, 10, None, 25, 10))).await;
    let e = client(&f).instances().await.expect_err("never whole");
    assert!(e.to_string().contains("same elements"), "{e}");
    assert!(f.count("instances") <= 6, "{}", f.count("instances"));
    assert_paged(&f);
}

#[tokio::test]
async fn an_absurd_count_is_refused_at_once() {
    let f = Fake::start(|seen, _| {
        plain(seen).unwrap_or_else(|| page(1, 10, Some(1), 1_000_000_000, 10))
    })
    .await;
    let e = client(&f).instances().await.expect_err("absurd");
    assert!(e.to_string().contains("1000000000"), "{e}");
    assert_eq!(f.count("instances"), 1);
}

#[tokio::test]
async fn another_page_than_asked_restarts_the_walk_once() {
    let first = Arc::new(AtomicBool::new(true));
    let f = Fake::start(move |seen, _| {
        plain(seen).unwrap_or_else(|| {
            let (n, _) = asked(seen);
            // The session's remembered page: 2, the first time only.
            if first.swap(false, Ordering::SeqCst) {
                return page(11, 15, Some(2), 15, 10);
            }
            match n {
                1 => page(1, 10, Some(1), 15, 10),
                _ => page(11, 15, Some(2), 15, 10),
            }
        })
    })
    .await;
    let servers = client(&f).instances().await.expect("whole list");
    let ids: Vec<u64> = servers.iter().map(|s| s.id).collect();
    assert_eq!(ids, (1..=15).collect::<Vec<_>>());
    assert_eq!(f.count("instances"), 3);
    assert_paged(&f);
}

#[tokio::test]
async fn a_list_that_shrinks_while_read_is_read_again_whole() {
    let shrunk = Arc::new(AtomicBool::new(false));
    let f = Fake::start(move |seen, _| {
        plain(seen).unwrap_or_else(|| {
            let (n, _) = asked(seen);
            let total = if shrunk.swap(true, Ordering::SeqCst) {
                15
            } else {
                25
            };
            let from = (n - 1) * 10 + 1;
            page(from, (from + 9).min(total), Some(n), total, 10)
        })
    })
    .await;
    let servers = client(&f).instances().await.expect("whole list");
    let ids: Vec<u64> = servers.iter().map(|s| s.id).collect();
    assert_eq!(ids, (1..=15).collect::<Vec<_>>());
    assert_eq!(f.count("instances"), 4);
    assert_paged(&f);
}

#[tokio::test]
async fn pages_served_out_of_order_never_make_a_list_with_duplicates() {
    // Pages 1, 2, then page 1's elements again as "page 3": 30 elements, 20 distinct.
    let f = Fake::start(|seen, _| {
        plain(seen).unwrap_or_else(|| {
            let (n, _) = asked(seen);
            match n {
                2 => page(11, 20, Some(2), 30, 10),
                _ => page(1, 10, Some(n), 30, 10),
            }
        })
    })
    .await;
    let e = client(&f).instances().await.expect_err("not one list");
    assert!(e.to_string().contains("came twice"), "{e}");
    assert!(f.count("instances") <= 6);
    assert_paged(&f);
}

#[tokio::test]
async fn many_pages_each_under_the_cap_are_held_to_the_cap_in_all() {
    // 10 elements of about 20 KB a page, 1000 claimed: 2 MB in all, over a 1 MiB cap.
    let f = Fake::start(|seen, _| {
        plain(seen).unwrap_or_else(|| {
            let (n, _) = asked(seen);
            let elems: Vec<Value> = ((n - 1) * 10 + 1..=n * 10)
                .map(|id| json!({"id": t(id), "servername": t("x".repeat(20_000))}))
                .collect();
            fake::doc(json!({"elem": elems, "p_num": t(n), "p_elems": t(1000), "p_cnt": t(10)}))
        })
    })
    .await;
    let mut cfg = config(&f.url());
    cfg.max_answer_bytes = 1024 * 1024;
    let e = Client::new(cfg)
        .expect("client")
        .instances()
        .await
        .expect_err("too large in all");
    assert_eq!(e, ApiError::TooLarge(1024 * 1024));
    assert!(f.count("instances") <= 7, "{}", f.count("instances"));
}

#[tokio::test]
async fn thousands_of_unreadable_elements_or_filter_fields_make_a_few_lines() {
    let f = Fake::start(|seen, _| match seen.func() {
        "instances" => {
            let mut elems: Vec<Value> = (0..50)
                .map(|i| json!({"id": t(format!("bad{i}"))}))
                .collect();
            elems.push(server(1));
            fake::doc(json!({"elem": elems, "p_num": t(1), "p_elems": t(51), "p_cnt": t(100)}))
        }
        "instances.filter" => {
            let fields: serde_json::Map<String, Value> =
                (0..30).map(|i| (format!("field{i}"), t("on"))).collect();
            fake::doc(Value::Object(fields))
        }
        _ => plain(seen).expect("known"),
    })
    .await;
    let c = client(&f);
    assert_eq!(c.instances().await.expect("servers").len(), 1);
    let warnings = c.take_warnings();
    assert_eq!(warnings.len(), 5, "{warnings:#?}");
    assert!(warnings[3].contains("47 more elements"), "{}", warnings[3]);
    assert!(warnings[4].contains("25 more"), "{}", warnings[4]);
    assert!(warnings[4].len() < 400, "{}", warnings[4]);
}

// ---------------------------------------------------------------------------------------------
// 5. A busy session
// ---------------------------------------------------------------------------------------------

/// A server whose `instances` is refused as busy `times` times, with `kind` and `msg`.
async fn busy_reads(times: usize, kind: &'static str, msg: &'static str) -> Fake {
    let n = Arc::new(AtomicUsize::new(0));
    Fake::start(move |seen, _| {
        plain(seen).unwrap_or_else(|| {
            if n.fetch_add(1, Ordering::SeqCst) < times {
                fake::error(kind, "", msg)
            } else {
                page(1, 3, Some(1), 3, 100)
            }
        })
    })
    .await
}

#[tokio::test]
async fn a_read_refused_as_busy_is_tried_three_times_in_all() {
    for (kind, msg) in [("inprocess", BUSY_MESSAGE), ("unheard_of", BUSY_MESSAGE_RU)] {
        let f = busy_reads(2, kind, msg).await;
        let servers = client(&f).instances().await.expect("third try");
        assert_eq!(servers.len(), 3);
        assert_eq!(f.count("instances"), 3, "{kind}");
    }
    let f = busy_reads(3, "inprocess", BUSY_MESSAGE).await;
    let e = client(&f).instances().await.expect_err("still busy");
    assert!(e.is_busy(), "{e:?}");
    assert_eq!(f.count("instances"), 3);
}

/// A server whose schedule create is refused as busy; `applied`: the listing after it shows
/// the schedule anyway.
async fn busy_write(applied: bool) -> Fake {
    let edited = Arc::new(AtomicBool::new(false));
    Fake::start(move |seen, _| {
        plain(seen).unwrap_or_else(|| match seen.func() {
            EDIT => {
                edited.store(true, Ordering::SeqCst);
                fake::error("inprocess", "", BUSY_MESSAGE)
            }
            LIST => {
                let mut elems = vec![schedule(1, "old")];
                if applied && edited.load(Ordering::SeqCst) {
                    elems.push(schedule(2, "new"));
                }
                fake::doc(
                    json!({"elem": elems, "p_num": t(1), "p_elems": t(elems.len()),
                                 "p_cnt": t(100)}),
                )
            }
            _ => fake::error("missed", "func", "no such function"),
        })
    })
    .await
}

#[tokio::test]
async fn a_write_refused_as_busy_is_sent_once_and_the_listing_decides() {
    let f = busy_write(false).await;
    let e = client(&f)
        .create_schedule(7, &spec("new"))
        .await
        .expect_err("not made");
    assert!(e.to_string().contains("did not make the change"), "{e}");
    assert_eq!(f.count(EDIT), 1, "the write is never sent twice");
    assert_eq!(f.count(LIST), 1, "listed once, after the write");

    let f = busy_write(true).await;
    let made = client(&f)
        .create_schedule(7, &spec("new"))
        .await
        .expect("the listing shows it");
    assert_eq!(made.id, 2);
    assert_eq!(f.count(EDIT), 1);
}

// ---------------------------------------------------------------------------------------------
// 6. Logins
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn each_login_refusal_has_its_own_sentence() {
    let mut sentences = HashSet::new();
    for refusal in LoginRefusal::ALL {
        let f =
            Fake::start(move |_, _| fake::error("auth", refusal.object(), refusal.message())).await;
        let e = client(&f).instances().await.expect_err("refused");
        let ApiError::Auth(text) = &e else {
            panic!("{refusal:?}: {e:?}");
        };
        let expected = match refusal {
            LoginRefusal::BadPassword => "wrong username or password",
            LoginRefusal::BlockLogon => "blocked for about 20 seconds",
            LoginRefusal::BlockedIp => "until the provider's support unblocks it",
            LoginRefusal::BadIp => "not allowed for this account",
            LoginRefusal::BlockGeoIp => "comes from a new region",
        };
        assert!(text.contains(expected), "{refusal:?}: {text}");
        assert!(
            !text.contains(refusal.message()),
            "our own sentence: {text}"
        );
        assert!(sentences.insert(text.clone()), "{text}");
        assert_eq!(f.count("auth"), 1);
    }
}

#[tokio::test]
async fn a_server_that_refuses_every_session_gets_at_most_one_more_login() {
    let f = Fake::start(|seen, i| match seen.func() {
        "auth" => fake::auth_ok(&format!("session-number-{i}")),
        _ => fake::error("access", "", "Access denied"),
    })
    .await;
    let c = client(&f);
    for _ in 0..4 {
        let e = c.instances().await.expect_err("refused");
        assert!(matches!(e, ApiError::Auth(_)), "{e:?}");
        let e = c.schedules(7).await.expect_err("refused");
        assert!(matches!(e, ApiError::Auth(_)), "{e:?}");
    }
    assert!(f.count("auth") <= 2, "{} logins", f.count("auth"));
    assert!(c.logins() <= 2);
}

#[tokio::test]
async fn an_auth_refusal_of_another_function_is_one_login_and_one_retry() {
    let n = Arc::new(AtomicUsize::new(0));
    let f = Fake::start(move |seen, i| match seen.func() {
        "auth" => fake::auth_ok(&format!("session-number-{i}")),
        "instances" => {
            // Served, then refused as `auth` once (the session ended), then served.
            if n.fetch_add(1, Ordering::SeqCst) == 1 {
                fake::error("auth", "", "Authorization required")
            } else {
                page(1, 2, Some(1), 2, 100)
            }
        }
        _ => plain(seen).expect("known"),
    })
    .await;
    let c = client(&f);
    assert_eq!(c.instances().await.expect("first").len(), 2);
    assert_eq!(c.instances().await.expect("after a new login").len(), 2);
    assert_eq!(f.count("auth"), 2);
    assert_eq!(f.count("instances"), 3);
}

// ---------------------------------------------------------------------------------------------
// 7. Odd but valid answers
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn numbers_booleans_and_raw_only_values_are_read_and_a_bad_element_is_named() {
    let f = Fake::start(|seen, _| match seen.func() {
        "instances" => fake::doc(json!({
            "elem": [
                {"id": 5, "servername": {"$orig": "web"}, "instance_status": {"$orig": "active"}},
                {"id": {"$": "five"}, "servername": t("broken")}
            ],
            "p_num": 1, "p_elems": 2, "p_cnt": 100
        })),
        // Booleans: `false` is unset, `true` is set.
        "instances.filter" => fake::doc(json!({"autoprolong": false, "datacenter": true})),
        LIST => fake::doc(json!({
            "elem": [
                {"id": 21, "instance_id": 5, "name": {"$orig": "raw"},
                 "rotation_days": {"$orig": "1 3"}, "rotation_time": {"$orig": "02:05:00"},
                 "create_date": {"$orig": "2024-07-24"}},
                {"id": 77, "name": t("odd"), "rotation_days": t("Blursday"),
                 "rotation_time": t("02:00")}
            ],
            "backup_rotation": 4,
            "p_num": 1, "p_elems": 2, "p_cnt": 100
        })),
        _ => plain(seen).expect("known"),
    })
    .await;
    let c = client(&f);
    let servers = c.instances().await.expect("servers");
    assert_eq!(servers.len(), 1);
    assert_eq!(
        (
            servers[0].id,
            servers[0].name.as_str(),
            servers[0].status.as_str()
        ),
        (5, "web", "active")
    );
    let list = c.schedules(5).await.expect("schedules");
    assert_eq!(list.backup_rotation, Some(4));
    assert_eq!(list.schedules.len(), 1);
    let s = &list.schedules[0];
    assert_eq!((s.id, s.name.as_str()), (21, "raw"));
    assert_eq!(s.days.display(), "Mon,Wed");
    assert_eq!(s.time.to_string(), "02:05");
    let warnings = c.take_warnings();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("five") && w.contains("server list")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("77") && w.contains("server 5")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("filter is on (datacenter)")),
        "{warnings:?}"
    );
}

#[tokio::test]
async fn a_create_answer_with_an_id_is_used_and_the_listing_after_is_skipped_next_time() {
    let listed = Arc::new(std::sync::Mutex::new(vec![schedule(1, "old")]));
    let next = Arc::new(AtomicUsize::new(41));
    let l = listed.clone();
    let f = Fake::start(move |seen, _| match seen.func() {
        EDIT => {
            let id = next.fetch_add(1, Ordering::SeqCst) as u64 + 1;
            l.lock()
                .expect("lock")
                .push(schedule(id, seen.get("name").unwrap_or("")));
            fake::doc(json!({"id": id, "ok": {}}))
        }
        LIST => {
            let elems = l.lock().expect("lock").clone();
            let n = elems.len();
            fake::doc(json!({"elem": elems, "p_num": t(1), "p_elems": t(n), "p_cnt": t(100)}))
        }
        _ => plain(seen).expect("known"),
    })
    .await;
    let c = client(&f);
    let a = c.create_schedule(7, &spec("a")).await.expect("made");
    assert_eq!(a.id, 42);
    assert_eq!(
        f.count(LIST),
        1,
        "the first create lists after the write: the answered id is checked once"
    );
    let b = c.create_schedule(7, &spec("b")).await.expect("made");
    assert_eq!(b.id, 43);
    assert_eq!(f.count(LIST), 1, "the second create sends the write alone");
    assert_eq!(f.count(EDIT), 2);
}

#[tokio::test]
async fn an_answered_id_that_the_listing_does_not_confirm_is_never_relied_on() {
    // The server answers with an id that is not the new schedule (an old one).
    let listed = Arc::new(std::sync::Mutex::new(vec![schedule(1, "old")]));
    let l = listed.clone();
    let next = Arc::new(AtomicUsize::new(100));
    let f = Fake::start(move |seen, _| match seen.func() {
        EDIT => {
            let id = next.fetch_add(1, Ordering::SeqCst) as u64;
            l.lock()
                .expect("lock")
                .push(schedule(id, seen.get("name").unwrap_or("")));
            fake::doc(json!({"id": 1, "ok": {}}))
        }
        LIST => {
            let elems = l.lock().expect("lock").clone();
            let n = elems.len();
            fake::doc(json!({"elem": elems, "p_num": t(1), "p_elems": t(n), "p_cnt": t(100)}))
        }
        _ => plain(seen).expect("known"),
    })
    .await;
    let c = client(&f);
    for (name, want) in [("a", 100), ("b", 101)] {
        let made = c.create_schedule(7, &spec(name)).await.expect("made");
        assert_eq!(made.id, want, "the new id comes from the listing");
    }
    assert_eq!(f.count(LIST), 2, "every create still lists after the write");
}

#[tokio::test]
async fn a_server_that_stops_naming_the_id_does_not_make_a_create_look_failed() {
    let n = Arc::new(AtomicUsize::new(0));
    let made = Arc::new(AtomicBool::new(false));
    let f = Fake::start(move |seen, _| match seen.func() {
        EDIT => {
            made.store(true, Ordering::SeqCst);
            // The first answer names the id, the second does not.
            if n.fetch_add(1, Ordering::SeqCst) == 0 {
                fake::doc(json!({"id": t(2), "ok": {}}))
            } else {
                fake::doc(json!({"ok": {}}))
            }
        }
        LIST => {
            let mut elems = vec![schedule(1, "old")];
            if made.load(Ordering::SeqCst) {
                elems.push(schedule(2, "a"));
                elems.push(schedule(3, "b"));
            }
            fake::doc(
                json!({"elem": elems, "p_num": t(1), "p_elems": t(elems.len()),
                             "p_cnt": t(100)}),
            )
        }
        _ => plain(seen).expect("known"),
    })
    .await;
    let c = client(&f);
    assert_eq!(c.create_schedule(7, &spec("a")).await.expect("a").id, 2);
    let b = c
        .create_schedule(7, &spec("b"))
        .await
        .expect("b was accepted");
    assert_eq!((b.id, b.name.as_str()), (3, "b"));
    assert_eq!(f.count(EDIT), 2, "never sent twice");
}

#[tokio::test]
async fn a_normalizing_server_does_not_make_a_save_look_failed() {
    let emu = bsched::emulator::Emulator::start(Options {
        normalize: true,
        ..Options::default()
    })
    .await
    .expect("emulator");
    let c = common::client(&emu);
    let staging = 5_203_775;
    let made = c
        .create_schedule(staging, &spec("nightly   run"))
        .await
        .expect("saved");
    assert_eq!(made.name, "nightly run");
    let warnings = c.take_warnings();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("stored schedule") && w.contains("nightly run")),
        "{warnings:?}"
    );
    let edited = c
        .edit_schedule(staging, made.id, &spec("nightly   again"))
        .await
        .expect("saved");
    assert_eq!(edited.name, "nightly again");
    assert_eq!(c.take_warnings().len(), 1);
}

// ---------------------------------------------------------------------------------------------
// 8. Proxies
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loopback_traffic_never_goes_through_a_proxy() {
    let emu = common::emulator().await;
    let trap = Trap::start().await;
    let proxy = format!("http://127.0.0.1:{}", trap.addr.port());
    let home = tempfile::tempdir().expect("home");
    let mut cmd = base(home.path());
    cmd.env("BSCHED_URL", emu.url())
        .env("BSCHED_USERNAME", bsched::emulator::DEMO_USER)
        .env("BSCHED_PASSWORD", bsched::emulator::DEMO_PASSWORD);
    for var in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"] {
        cmd.env(var, &proxy).env(var.to_lowercase(), &proxy);
    }
    let r = finish(cmd.arg("instances").output().expect("runs"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(emu.logins() >= 1, "the emulator was reached directly");
    assert_eq!(trap.hits(), 0, "the proxy saw the traffic");
}

// ---------------------------------------------------------------------------------------------
// 9. TLS
// ---------------------------------------------------------------------------------------------

/// A TLS listener on 127.0.0.1 with a self-signed certificate; it only shakes hands.
fn self_signed_server() -> std::net::SocketAddr {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let cert = CertificateDer::from(include_bytes!("support/selfsigned-cert.der").to_vec());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        include_bytes!("support/selfsigned-key.der").to_vec(),
    ));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_no_client_auth()
    .with_single_cert(vec![cert], key)
    .expect("certificate");
    let config = Arc::new(config);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for sock in listener.incoming() {
            let Ok(mut sock) = sock else { return };
            let Ok(mut conn) = rustls::ServerConnection::new(config.clone()) else {
                return;
            };
            let _ = sock.set_read_timeout(Some(Duration::from_secs(10)));
            while conn.is_handshaking() {
                if conn.complete_io(&mut sock).is_err() {
                    break;
                }
            }
        }
    });
    addr
}

#[tokio::test]
async fn an_untrusted_certificate_is_named_as_such() {
    let addr = self_signed_server();
    let c = Client::new(config(&format!("https://127.0.0.1:{}/", addr.port()))).expect("client");
    let e = c.instances().await.expect_err("untrusted");
    let text = e.to_string();
    assert!(text.contains("certificate"), "{text}");
    assert!(text.contains("not trusted"), "{text}");
    assert!(!text.contains("could not connect"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Found in review: paging without a count, a page bound the server cannot stretch, a login
// that failed on the way, a create that is accepted but not listed.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_server_that_pages_without_a_count_is_followed_to_its_short_page() {
    // 250 servers, pages of 100, no `p_elems` at all.
    let f = Fake::start(|seen, _| {
        if let Some(r) = plain(seen) {
            return r;
        }
        let (n, c) = asked(seen);
        let from = (n - 1) * c + 1;
        let to = (n * c).min(250);
        let elems: Vec<Value> = (from..=to).map(server).collect();
        fake::doc(json!({"elem": elems, "p_num": t(n)}))
    })
    .await;
    let list = client(&f).instances().await.expect("the whole list");
    assert_eq!(list.len(), 250);
    assert_eq!(f.count("instances"), 3);
    assert_paged(&f);
}

#[tokio::test]
async fn a_server_that_sends_one_element_a_page_cannot_make_thousands_of_requests() {
    for declared in [Some(1), None] {
        let f = Fake::start(move |seen, _| {
            if let Some(r) = plain(seen) {
                return r;
            }
            let (n, _) = asked(seen);
            let mut doc = json!({"elem": [server(n)], "p_num": t(n), "p_elems": t(3000)});
            if let Some(d) = declared {
                doc["p_cnt"] = t(d);
            }
            fake::doc(doc)
        })
        .await;
        let e = client(&f).instances().await.expect_err("stopped");
        assert!(matches!(e, ApiError::Malformed(_)), "{e}");
        assert!(
            f.count("instances") <= 4,
            "{declared:?}: {} requests",
            f.count("instances")
        );
    }
}

#[tokio::test]
async fn a_login_that_fails_on_the_way_is_not_sent_again_at_once() {
    let f = Fake::start(|seen, _| match seen.func() {
        "auth" => (StatusCode::BAD_GATEWAY, "bad gateway").into_response(),
        _ => plain(seen).expect("known"),
    })
    .await;
    let c = client(&f);
    for _ in 0..5 {
        let e = c.instances().await.expect_err("no session");
        assert!(matches!(e, ApiError::Status(502)), "{e}");
    }
    assert_eq!(f.count("auth"), 1, "one login for five calls");
}

#[tokio::test]
async fn a_create_accepted_but_not_listed_is_unconfirmed_not_failed() {
    let f = Fake::start(|seen, _| match seen.func() {
        EDIT => fake::doc(json!({"ok": {}})),
        LIST => fake::doc(json!({"elem": [schedule(1, "old")], "p_num": t(1),
                                 "p_elems": t(1), "p_cnt": t(100)})),
        _ => plain(seen).expect("known"),
    })
    .await;
    let e = client(&f)
        .create_schedule(7, &spec("new"))
        .await
        .expect_err("not listed");
    assert!(matches!(e, ApiError::Unconfirmed(_)), "{e}");
    assert_eq!(f.count(EDIT), 1, "sent once");
}

#[tokio::test]
async fn the_trace_masks_a_secret_the_server_escaped_another_way() {
    // The password echoed with every letter escaped, and with an escaped slash.
    let escaped: String = PASS
        .chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect();
    let body = format!(
        r#"{{"doc": {{"elem": [], "p_num": {{"$": "1"}}, "p_elems": {{"$": "0"}}, "note": {{"$": "{escaped} and {} \/"}}}}}}"#,
        TOKEN
    );
    let f = Fake::start(move |seen, _| match seen.func() {
        "instances" => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            body.clone(),
        )
            .into_response(),
        _ => plain(seen).expect("known"),
    })
    .await;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("trace");
    let c = client(&f);
    c.trace_to(&path).expect("trace");
    c.instances().await.expect("list");
    let trace = std::fs::read_to_string(&path).expect("read");
    assert!(trace.contains("< HTTP 200"), "{trace}");
    assert!(!trace.contains(PASS), "{trace}");
    assert!(!trace.contains(TOKEN), "{trace}");
    assert!(!trace.contains(&escaped), "{trace}");
}
