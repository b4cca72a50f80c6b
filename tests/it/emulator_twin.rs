//! The emulator as the real server's harder twin, over raw HTTP: paging state on the server,
//! one request at a time per session, answers as the real server writes them, writes,
//! logins and their refusals, the panel's server filter, one emulator per state file.

use std::time::{Duration, Instant};

use bsched::emulator::{
    BUSY_MESSAGE, DEMO_PASSWORD, DEMO_USER, Emulator, Fault, LoginRefusal, OddAnswers, Options,
    RequestRecord, Seed, UNREADABLE_SCHEDULE_ID, When,
};
use serde_json::{Value, json};

const WEB1: &str = "5203770"; // "nightly" 301, Mon-Fri 02:01
const STAGING: &str = "5203775"; // no schedule
const LIST: &str = "instances.fleio_bckps.schedule";
const EDIT: &str = "instances.fleio_bckps.schedule.edit";

async fn post(emu: &Emulator, form: &[(&str, &str)]) -> Value {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let body = reqwest::Client::new()
        .post(emu.url())
        .form(form)
        .send()
        .await
        .expect("the emulator answers")
        .text()
        .await
        .expect("a body");
    serde_json::from_str(&body).expect("JSON")
}

async fn login(emu: &Emulator) -> String {
    let v = post(
        emu,
        &[
            ("func", "auth"),
            ("username", DEMO_USER),
            ("password", DEMO_PASSWORD),
            ("out", "json"),
        ],
    )
    .await;
    v["doc"]["auth"]["$id"]
        .as_str()
        .expect("a session")
        .to_string()
}

async fn start(opts: Options) -> Emulator {
    Emulator::start(opts).await.expect("emulator starts")
}

/// Waits (up to a generous bound) until `cond` holds on the emulator.
async fn wait_for(emu: &Emulator, what: &str, cond: impl Fn(&Emulator) -> bool) {
    let end = Instant::now() + Duration::from_secs(60);
    while !cond(emu) {
        assert!(Instant::now() < end, "gave up waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn ids(v: &Value) -> Vec<String> {
    v["doc"]["elem"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["id"]["$"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn paging_state_lives_on_the_server() {
    let emu = start(Options::default()).await;
    let a = login(&emu).await;
    let list = |tok: &str, extra: &[(&'static str, &'static str)]| {
        let mut form = vec![
            ("func", "instances".to_string()),
            ("auth", tok.to_string()),
            ("out", "json".to_string()),
        ];
        form.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
        form
    };
    let ask = |form: Vec<(&'static str, String)>| {
        let emu = &emu;
        async move {
            let f: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            post(emu, &f).await
        }
    };
    let page2 = ask(list(&a, &[("p_num", "2"), ("p_cnt", "10")])).await;
    assert_eq!(page2["doc"]["p_num"], json!({"$": "2"}));
    assert_eq!(ids(&page2)[0], "5203780");
    // No p_num: the page this session asked last, not page 1.
    let again = ask(list(&a, &[])).await;
    assert_eq!(again["doc"]["p_num"]["$"], "2", "{again}");
    assert_eq!(ids(&again), ids(&page2));
    // Another function of the same session starts at page 1.
    let sched = post(
        &emu,
        &[
            ("func", LIST),
            ("elid", WEB1),
            ("auth", &a),
            ("out", "json"),
        ],
    )
    .await;
    assert_eq!(sched["doc"]["p_num"]["$"], "1");
    // Another session of the same user has its own page, but the user's rows-per-page.
    ask(list(&a, &[("p_num", "2"), ("p_cnt", "7")])).await;
    let b = login(&emu).await;
    let other = ask(list(&b, &[])).await;
    assert_eq!(other["doc"]["p_num"]["$"], "1");
    assert_eq!(other["doc"]["p_cnt"]["$"], "7");
    assert_eq!(ids(&other).len(), 7);
    // A page past the end is the last page, and says so.
    let past = ask(list(&b, &[("p_num", "9")])).await;
    assert_eq!(past["doc"]["p_num"]["$"], "4");
    assert_eq!(past["doc"]["p_elems"]["$"], "25");
    assert_eq!(ids(&past), vec!["5203791", "5203792", "5203793", "5203794"]);
}

#[tokio::test]
async fn a_second_request_of_a_session_is_refused_while_one_runs() {
    let emu = start(Options::default()).await;
    let tok = login(&emu).await;
    emu.push_fault(Fault::Delay(60_000), When::Before, Some("instances"));
    let url = emu.url();
    let held_tok = tok.clone();
    let held = tokio::spawn(async move {
        let form = [("func", "instances"), ("auth", held_tok.as_str())];
        reqwest::Client::new().post(url).form(&form).send().await
    });
    wait_for(&emu, "the first request to run", |e| {
        e.with(|w| w.requests_in_flight()) == 1
    })
    .await;
    let second = post(
        &emu,
        &[
            ("func", LIST),
            ("elid", WEB1),
            ("auth", &tok),
            ("out", "json"),
        ],
    )
    .await;
    assert_eq!(
        second["doc"]["error"],
        json!({"$type": "inprocess", "$object": "", "msg": {"$": "Request in process, please wait"}})
    );
    assert_eq!(second["doc"]["tparams"]["auth"]["$"], tok.as_str());
    let ru = post(&emu, &[("func", "whoami"), ("auth", &tok), ("lang", "ru")]).await;
    assert_eq!(
        ru["doc"]["error"]["msg"]["$"],
        "Ваш запрос обрабатывается, пожалуйста подождите"
    );
    // Another session and a login are served meanwhile.
    let other = login(&emu).await;
    let served = post(
        &emu,
        &[
            ("func", LIST),
            ("elid", WEB1),
            ("auth", &other),
            ("out", "json"),
        ],
    )
    .await;
    assert!(served["doc"]["elem"].is_array(), "{served}");
    assert_eq!(emu.with(|w| w.busy_refusals), 2);
    let refused: Vec<RequestRecord> = emu
        .requests()
        .into_iter()
        .filter(|r| r.refused_busy)
        .collect();
    assert_eq!(refused.len(), 2);
    assert_eq!(refused[0].func, LIST);
    held.abort();
}

#[tokio::test]
async fn a_session_stays_busy_until_the_server_is_done_even_when_the_client_gave_up() {
    let emu = start(Options::default()).await;
    let tok = login(&emu).await;
    emu.push_fault(Fault::Delay(5_000), When::After, Some(EDIT));
    let url = emu.url();
    let held_tok = tok.clone();
    let create = tokio::spawn(async move {
        let form = [
            ("func", EDIT),
            ("plid", STAGING),
            ("name", "late"),
            ("rotation_days", "1"),
            ("rotation_time", "01:00"),
            ("sok", "ok"),
            ("auth", held_tok.as_str()),
        ];
        reqwest::Client::new().post(url).form(&form).send().await
    });
    wait_for(&emu, "the create to run", |e| {
        e.with(|w| w.requests_in_flight()) == 1
    })
    .await;
    // The client hangs up; the server carries on.
    create.abort();
    let listing = post(
        &emu,
        &[
            ("func", LIST),
            ("elid", STAGING),
            ("auth", &tok),
            ("out", "json"),
        ],
    )
    .await;
    assert_eq!(listing["doc"]["error"]["msg"]["$"], BUSY_MESSAGE);
    wait_for(&emu, "the create to finish", |e| {
        e.with(|w| w.requests_in_flight()) == 0
    })
    .await;
    let listing = post(
        &emu,
        &[
            ("func", LIST),
            ("elid", STAGING),
            ("auth", &tok),
            ("out", "json"),
        ],
    )
    .await;
    assert_eq!(listing["doc"]["elem"][0]["name"]["$"], "late", "{listing}");
}

#[tokio::test]
async fn the_busy_mark_is_left_on_every_way_out() {
    let emu = start(Options::default()).await;
    let tok = login(&emu).await;
    for (fault, when) in [
        (Fault::Status(500), When::Before),
        (Fault::Html, When::After),
        (Fault::Reset, When::After),
        (Fault::Truncated, When::Before),
        (Fault::running_operation(), When::Before),
    ] {
        emu.push_fault(fault.clone(), when, Some("instances"));
        let sent = reqwest::Client::new()
            .post(emu.url())
            .form(&[("func", "instances"), ("auth", tok.as_str())])
            .send()
            .await;
        if let Ok(answer) = sent {
            let _ = answer.text().await;
        }
        wait_for(&emu, "the mark to be left", |e| {
            e.with(|w| w.requests_in_flight()) == 0
        })
        .await;
        let next = post(&emu, &[("func", "instances"), ("auth", &tok)]).await;
        assert!(next["doc"]["elem"].is_array(), "after {fault:?}: {next}");
    }
    // An unknown session is refused as such, as often as asked.
    for _ in 0..2 {
        let v = post(&emu, &[("func", "instances"), ("auth", "nope")]).await;
        assert_eq!(v["doc"]["error"]["$type"], "access");
    }
    assert_eq!(emu.with(|w| w.busy_refusals), 0);
}

#[tokio::test]
async fn the_parallel_switch_serves_overlapping_requests() {
    let emu = start(Options {
        parallel_sessions: true,
        ..Options::default()
    })
    .await;
    let tok = login(&emu).await;
    emu.push_fault(Fault::Delay(60_000), When::Before, Some("instances"));
    let url = emu.url();
    let held_tok = tok.clone();
    let held = tokio::spawn(async move {
        let form = [("func", "instances"), ("auth", held_tok.as_str())];
        reqwest::Client::new().post(url).form(&form).send().await
    });
    wait_for(&emu, "the first request to arrive", |e| {
        e.calls().iter().any(|c| c == "instances")
    })
    .await;
    let second = post(&emu, &[("func", LIST), ("elid", WEB1), ("auth", &tok)]).await;
    assert!(second["doc"]["elem"].is_array(), "{second}");
    assert_eq!(emu.with(|w| w.busy_refusals), 0);
    held.abort();
}

#[tokio::test]
async fn answers_are_written_as_the_real_server_writes_them() {
    let emu = start(Options::default()).await;
    emu.with(|w| w.clock = Some("2026-11-27T10:00:00Z".parse().expect("time")));
    let tok = login(&emu).await;
    let en = [
        ("func", LIST),
        ("elid", WEB1),
        ("auth", &tok),
        ("lang", "en"),
    ];
    let v = post(&emu, &en).await;
    let list = v["doc"]["elem"].as_array().expect("elem is an array");
    assert_eq!(list.len(), 1);
    let s = &list[0];
    assert_eq!(s["create_date"], json!({"$": "2026-01-10"}), "date-only");
    assert_eq!(
        s["rotation_time"],
        json!({"$": "02:01", "$orig": "02:01:00"})
    );
    assert_eq!(
        s["rotation_days"],
        json!({"$": "Monday Tuesday Wednesday Thursday Friday ", "$orig": "1,2,3,4,5"})
    );
    let servers = post(&emu, &[("func", "instances"), ("auth", &tok)]).await;
    assert_eq!(
        servers["doc"]["elem"][0]["item_status"],
        json!({"$": "Active", "$orig": "2"})
    );
    assert_eq!(
        servers["doc"]["elem"][0]["instance_status"]["$orig"],
        "active"
    );
    for key in ["p_cnt", "p_num", "p_elems"] {
        assert!(servers["doc"][key]["$"].is_string(), "{key}");
    }
    // A new schedule is dated today (server time), date only.
    let made = post(
        &emu,
        &[
            ("func", EDIT),
            ("plid", STAGING),
            ("name", "fresh"),
            ("rotation_days", "0,6"),
            ("rotation_time", "04:30"),
            ("sok", "ok"),
            ("auth", &tok),
        ],
    )
    .await;
    assert_eq!(made["doc"]["ok"], json!({}));
    assert!(made["doc"].get("id").is_none(), "no id by default: {made}");
    let v = post(&emu, &[("func", LIST), ("elid", STAGING), ("auth", &tok)]).await;
    assert_eq!(v["doc"]["elem"][0]["create_date"]["$"], "2026-11-27");
}

#[tokio::test]
async fn an_old_state_file_with_times_is_served_date_only() {
    let dir = tempfile::tempdir().expect("dir");
    let state = dir.path().join("state.json");
    let mut data = bsched::emulator::Data::demo();
    data.schedules[0].create_date = "2025-03-04 10:11:12".into();
    std::fs::write(&state, serde_json::to_string(&data).expect("json")).expect("write");
    let emu = start(Options {
        state_file: Some(state),
        ..Options::default()
    })
    .await;
    let tok = login(&emu).await;
    let v = post(&emu, &[("func", LIST), ("elid", WEB1), ("auth", &tok)]).await;
    assert_eq!(v["doc"]["elem"][0]["create_date"]["$"], "2025-03-04");
}

#[tokio::test]
async fn odd_answers_are_harder_still() {
    let emu = start(Options {
        odd_answers: OddAnswers::all(5_203_772),
        ..Options::default()
    })
    .await;
    let tok = login(&emu).await;
    // db-primary: morning, evening, before payroll, and the unreadable one in the middle.
    let v = post(
        &emu,
        &[
            ("func", LIST),
            ("elid", "5203772"),
            ("auth", &tok),
            ("lang", "en"),
        ],
    )
    .await;
    let list = v["doc"]["elem"].as_array().expect("array");
    assert_eq!(list.len(), 4);
    assert_eq!(v["doc"]["p_elems"]["$"], "4");
    assert_eq!(list[1]["id"]["$"], UNREADABLE_SCHEDULE_ID.to_string());
    assert_eq!(list[1]["rotation_days"]["$"], "Blursday ");
    assert_eq!(list[1]["rotation_days"]["$orig"], "9");
    assert_eq!(list[0]["rotation_time"]["$"], "6:00");
    assert_eq!(list[0]["rotation_time"]["$orig"], "06:00:00");
    assert_eq!(
        list[0]["rotation_days"]["$"],
        "Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday"
    );
    // Other servers carry no unreadable element.
    let v = post(&emu, &[("func", LIST), ("elid", WEB1), ("auth", &tok)]).await;
    assert_eq!(ids(&v), vec!["301"]);
}

async fn create(emu: &Emulator, tok: &str, name: &str, time: &str) -> Value {
    post(
        emu,
        &[
            ("func", EDIT),
            ("plid", STAGING),
            ("name", name),
            ("rotation_days", "1,3"),
            ("rotation_time", time),
            ("sok", "ok"),
            ("auth", tok),
        ],
    )
    .await
}

#[tokio::test]
async fn a_create_names_its_id_only_when_told() {
    let emu = start(Options {
        create_returns_id: true,
        ..Options::default()
    })
    .await;
    let tok = login(&emu).await;
    let v = create(&emu, &tok, "with id", "03:00").await;
    let stored = emu.with(|w| w.data.schedules.last().map(|s| s.id));
    assert_eq!(
        v["doc"]["id"]["$"],
        stored.expect("stored").to_string(),
        "{v}"
    );
    assert_eq!(v["doc"]["ok"], json!({}));
    // An edit answers ok alone.
    let edit = post(
        &emu,
        &[
            ("func", EDIT),
            ("elid", "301"),
            ("plid", WEB1),
            ("name", "nightly"),
            ("rotation_days", "1"),
            ("rotation_time", "02:01"),
            ("sok", "ok"),
            ("auth", &tok),
        ],
    )
    .await;
    assert!(edit["doc"].get("id").is_none(), "{edit}");
}

#[tokio::test]
async fn a_normalizing_server_lists_what_it_made_of_the_request() {
    let emu = start(Options {
        normalize: true,
        ..Options::default()
    })
    .await;
    let tok = login(&emu).await;
    create(&emu, &tok, "  nightly   run ", "02:05").await;
    let v = post(&emu, &[("func", LIST), ("elid", STAGING), ("auth", &tok)]).await;
    let s = &v["doc"]["elem"][0];
    assert_eq!(s["name"]["$"], "nightly run");
    assert_eq!(
        s["rotation_time"],
        json!({"$": "2:05", "$orig": "02:05:00"})
    );
    // Without the switch, the name is kept exactly as sent.
    let plain = start(Options::default()).await;
    let tok = login(&plain).await;
    create(&plain, &tok, "  nightly   run ", "02:05").await;
    let v = post(&plain, &[("func", LIST), ("elid", STAGING), ("auth", &tok)]).await;
    assert_eq!(v["doc"]["elem"][0]["name"]["$"], "  nightly   run ");
    assert_eq!(v["doc"]["elem"][0]["rotation_time"]["$"], "02:05");
}

#[tokio::test]
async fn logins_are_counted_and_limited_per_minute() {
    let emu = start(Options {
        login_limit_per_minute: Some(2),
        ..Options::default()
    })
    .await;
    login(&emu).await;
    login(&emu).await;
    let v = post(
        &emu,
        &[
            ("func", "auth"),
            ("username", DEMO_USER),
            ("password", DEMO_PASSWORD),
        ],
    )
    .await;
    assert_eq!(v["doc"]["error"]["$type"], "auth");
    assert_eq!(v["doc"]["error"]["$object"], "blocklogon");
    assert_eq!(
        v["doc"]["error"]["msg"]["$"],
        "Your account has been blocked for 20 seconds"
    );
    assert_eq!(emu.logins(), 3);
    assert_eq!(
        emu.with(|w| w.logins_by_user.get(DEMO_USER).copied()),
        Some(3)
    );
    // Another login name has its own count.
    let other = post(
        &emu,
        &[
            ("func", "auth"),
            ("username", bsched::emulator::DEMO_TOTP_USER),
            ("password", DEMO_PASSWORD),
        ],
    )
    .await;
    assert!(other["doc"]["auth"]["$id"].is_string(), "{other}");
}

#[tokio::test]
async fn each_login_refusal_has_the_panels_shape() {
    let emu = start(Options::default()).await;
    for refusal in LoginRefusal::ALL {
        emu.refuse_next_login(refusal);
        let v = post(
            &emu,
            &[
                ("func", "auth"),
                ("username", DEMO_USER),
                ("password", DEMO_PASSWORD),
            ],
        )
        .await;
        let e = &v["doc"]["error"];
        assert_eq!(e["$type"], "auth");
        assert_eq!(e["$object"], refusal.object());
        assert_eq!(e["msg"]["$"], refusal.message());
        // One-shot: the next login goes through.
        login(&emu).await;
    }
    let blocked = LoginRefusal::BlockedIp.message();
    assert_eq!(
        blocked,
        "The limit for the number of unsuccessful login attempts has been exceeded"
    );
    assert_eq!(emu.logins(), 10);
}

#[tokio::test]
async fn keepalive_keeps_a_session_and_logon_ends_it() {
    let emu = start(Options::default()).await;
    let tok = login(&emu).await;
    let v = post(&emu, &[("func", "keepalive"), ("auth", &tok)]).await;
    assert_eq!(v["doc"]["ok"], json!({}));
    post(&emu, &[("func", "logon"), ("auth", &tok)]).await;
    let v = post(&emu, &[("func", "instances"), ("auth", &tok)]).await;
    assert_eq!(v["doc"]["error"]["$type"], "access");
    assert_eq!(
        emu.requests()[..2],
        [
            RequestRecord {
                func: "auth".into(),
                with_session: false,
                refused_busy: false,
                elid: String::new(),
            },
            RequestRecord {
                func: "keepalive".into(),
                with_session: true,
                refused_busy: false,
                elid: String::new(),
            }
        ]
    );
}

const FIELDS: [&str; 14] = [
    "autoprolong",
    "cost_from",
    "cost_to",
    "datacenter",
    "domain",
    "expiredate",
    "id",
    "ip",
    "opendate",
    "orderdatefrom",
    "orderdateto",
    "period",
    "pricelist",
    "instance_status",
];

/// `instances.filter` with `sok`, every field the panel sends, `set` filled in.
async fn set_filter(emu: &Emulator, tok: &str, set: &[(&str, &str)]) -> Value {
    let mut form = vec![
        ("func", "instances.filter"),
        ("sok", "ok"),
        ("auth", tok),
        ("out", "json"),
    ];
    for f in FIELDS {
        let v = set.iter().find(|(k, _)| *k == f).map_or("", |(_, v)| v);
        form.push((f, v));
    }
    post(emu, &form).await
}

async fn count(emu: &Emulator, tok: &str) -> String {
    let v = post(emu, &[("func", "instances"), ("auth", tok), ("p_num", "1")]).await;
    v["doc"]["p_elems"]["$"].as_str().unwrap_or("").to_string()
}

#[tokio::test]
async fn the_panel_filter_hides_servers_from_every_session_of_the_user() {
    let emu = start(Options::default()).await;
    let a = login(&emu).await;
    let b = login(&emu).await;
    let form = post(&emu, &[("func", "instances.filter"), ("auth", &a)]).await;
    assert_eq!(form["doc"]["datacenter"], json!({}), "not set: {form}");
    let dcs = form["doc"]["slist"]
        .as_array()
        .and_then(|l| l.iter().find(|s| s["$name"] == "datacenter"))
        .expect("a datacenter list")["val"]
        .clone();
    let poland = dcs
        .as_array()
        .and_then(|v| v.iter().find(|o| o["$"] == "Poland"))
        .expect("Poland")["$key"]
        .as_str()
        .expect("key")
        .to_string();
    let v = set_filter(&emu, &a, &[("datacenter", &poland)]).await;
    assert_eq!(v["doc"]["ok"], json!({}));
    assert_eq!(count(&emu, &b).await, "9", "the other session sees it too");
    let form = post(&emu, &[("func", "instances.filter"), ("auth", &b)]).await;
    assert_eq!(form["doc"]["datacenter"], json!({"$": poland}));
    assert_eq!(form["doc"]["id"], json!({}));
    // A new session (the next run of a client) meets it as well.
    let c = login(&emu).await;
    assert_eq!(count(&emu, &c).await, "9");
    set_filter(&emu, &a, &[("id", "5203775")]).await;
    assert_eq!(count(&emu, &c).await, "1", "a new filter replaces the old");
    set_filter(&emu, &a, &[("instance_status", "suspend")]).await;
    let v = post(&emu, &[("func", "instances"), ("auth", &c)]).await;
    assert_eq!(v["doc"]["elem"][0]["servername"]["$"], "legacy-crm");
    set_filter(&emu, &a, &[("ip", "203.0.113.14")]).await;
    assert_eq!(count(&emu, &c).await, "3");
    // The panel clears it by sending every field empty.
    set_filter(&emu, &a, &[]).await;
    assert_eq!(count(&emu, &c).await, "25");
    assert!(emu.with(|w| w.data.filters.is_empty()));
}

#[tokio::test]
async fn a_second_emulator_on_one_state_file_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let state = dir.path().join("emu").join("state.json");
    let opts = Options {
        state_file: Some(state.clone()),
        seed: Seed::Empty,
        ..Options::default()
    };
    let first = start(opts.clone()).await;
    let err = Emulator::start(opts.clone())
        .await
        .expect_err("a second emulator is refused");
    assert_eq!(
        err,
        format!(
            "another bsched emulator is using {}; stop it first",
            state.display()
        )
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| {
            std::fs::metadata(p).expect("exists").permissions().mode() & 0o777
        };
        assert_eq!(mode(&state), 0o600, "the state file is private");
        assert_eq!(mode(&dir.path().join("emu")), 0o700);
    }
    drop(first);
    let again = start(opts).await;
    assert!(again.with(|w| w.data.instances.is_empty()));
}
