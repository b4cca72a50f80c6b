//! The emulator's own fidelity to api.md: raw HTTP, quirks included.

use bsched::emulator::{DEMO_PASSWORD, DEMO_USER, Emulator, Options, Seed};
use serde_json::Value;

async fn post(emu: &Emulator, form: &[(&str, &str)]) -> Value {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let body = reqwest::Client::new()
        .post(emu.url())
        .form(form)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    serde_json::from_str(&body).unwrap()
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
    v["doc"]["auth"]["$id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn answers_follow_the_dollar_format_and_its_quirks() {
    let emu = Emulator::start(Options::default()).await.unwrap();
    let tok = login(&emu).await;
    // Without lang=en the day names are localized.
    let ru = post(
        &emu,
        &[
            ("func", "instances.fleio_bckps.schedule"),
            ("elid", "5203770"),
            ("auth", &tok),
            ("out", "json"),
        ],
    )
    .await;
    let list = &ru["doc"]["elem"];
    assert_eq!(
        list.as_array().map(Vec::len),
        Some(1),
        "a list of one is still an array: {list}"
    );
    let one = &list[0];
    assert_eq!(
        one["rotation_days"]["$"],
        "Понедельник Вторник Среда Четверг Пятница "
    );
    assert_eq!(ru["doc"]["backup_rotation"]["$"], "5");
    assert_eq!(
        ru["doc"]["tparams"]["auth"]["$"],
        tok.as_str(),
        "the API echoes the token"
    );
    let en = post(
        &emu,
        &[
            ("func", "instances.fleio_bckps.schedule"),
            ("elid", "5203770"),
            ("auth", &tok),
            ("out", "json"),
            ("lang", "en"),
        ],
    )
    .await;
    assert_eq!(
        en["doc"]["elem"][0]["rotation_days"]["$"],
        "Monday Tuesday Wednesday Thursday Friday "
    );
    let none = post(
        &emu,
        &[
            ("func", "instances.fleio_bckps.schedule"),
            ("elid", "5203775"),
            ("auth", &tok),
            ("out", "json"),
        ],
    )
    .await;
    assert!(
        none["doc"].get("elem").is_none(),
        "an empty list has no elem key"
    );
    let page = post(
        &emu,
        &[("func", "instances"), ("auth", &tok), ("out", "json")],
    )
    .await;
    assert_eq!(
        page["doc"]["elem"].as_array().unwrap().len(),
        10,
        "default page of 10"
    );
    assert_eq!(page["doc"]["p_elems"]["$"], "25");
    assert_eq!(page["doc"]["elem"][0]["ip_v6"], serde_json::json!({}));
    assert!(
        page["doc"]["elem"][0]["createdate"].is_array(),
        "createdate may be an array"
    );
    let bad = post(
        &emu,
        &[("func", "instances"), ("auth", "nope"), ("out", "json")],
    )
    .await;
    assert_eq!(bad["doc"]["error"]["$type"], "access");
}

#[tokio::test]
async fn multipart_and_get_requests_work_too() {
    let emu = Emulator::start(Options::default()).await.unwrap();
    let tok = login(&emu).await;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let boundary = "XbschedX";
    let mut body = String::new();
    for (k, v) in [
        ("func", "instances"),
        ("auth", tok.as_str()),
        ("out", "json"),
    ] {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    let text = reqwest::Client::new()
        .post(emu.url())
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["doc"]["p_elems"]["$"], "25");
    let url = format!("{}?func=instances&out=json&auth={tok}", emu.url());
    let v: Value =
        serde_json::from_str(&reqwest::get(url).await.unwrap().text().await.unwrap()).unwrap();
    assert_eq!(v["doc"]["p_elems"]["$"], "25");
}

#[tokio::test]
async fn state_survives_a_restart_and_reset_reseeds() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let opts = Options {
        state_file: Some(state.clone()),
        seed: Seed::Empty,
        ..Options::default()
    };
    {
        let emu = Emulator::start(opts.clone()).await.unwrap();
        emu.with(|w| w.data.instances.clear());
        let tok = login(&emu).await;
        // Empty seed: no servers, so a create is refused for the unknown plid.
        let v = post(
            &emu,
            &[
                ("func", "instances.fleio_bckps.schedule.edit"),
                ("plid", "1"),
                ("name", "x"),
                ("rotation_days", "1"),
                ("rotation_time", "01:00"),
                ("sok", "ok"),
                ("auth", &tok),
            ],
        )
        .await;
        assert_eq!(v["doc"]["error"]["$type"], "missed");
    }
    let demo = Options {
        state_file: Some(state.clone()),
        seed: Seed::Demo,
        ..Options::default()
    };
    {
        let emu = Emulator::start(demo.clone()).await.unwrap();
        assert!(
            emu.with(|w| w.data.instances.is_empty()),
            "state file wins over the seed"
        );
    }
    let reset = Options {
        reset: true,
        ..demo
    };
    let emu = Emulator::start(reset).await.unwrap();
    let tok = login(&emu).await;
    let v = post(
        &emu,
        &[
            ("func", "instances.fleio_bckps.schedule.edit"),
            ("plid", "5203775"),
            ("name", "kept"),
            ("rotation_days", "0"),
            ("rotation_time", "01:00"),
            ("sok", "ok"),
            ("auth", &tok),
        ],
    )
    .await;
    assert!(v["doc"]["ok"].is_object(), "{v}");
    drop(emu);
    let saved = std::fs::read_to_string(&state).unwrap();
    assert!(saved.contains("\"kept\""), "written to the state file");
    assert!(
        !dir.path().join("state.json.tmp").exists(),
        "written atomically"
    );
}

#[tokio::test]
async fn validation_errors_name_the_field() {
    let emu = Emulator::start(Options::default()).await.unwrap();
    let tok = login(&emu).await;
    let long = "ж".repeat(101);
    for (name, days, time, field) in [
        ("", "1", "01:00", "name"),
        (long.as_str(), "1", "01:00", "name"),
        ("x", "", "01:00", "rotation_days"),
        ("x", "7", "01:00", "rotation_days"),
        ("x", "1", "1:00", "rotation_time"),
        ("x", "1", "24:00", "rotation_time"),
    ] {
        let v = post(
            &emu,
            &[
                ("func", "instances.fleio_bckps.schedule.edit"),
                ("plid", "5203775"),
                ("name", name),
                ("rotation_days", days),
                ("rotation_time", time),
                ("sok", "ok"),
                ("auth", &tok),
            ],
        )
        .await;
        assert_eq!(v["doc"]["error"]["$type"], "value", "{v}");
        assert_eq!(v["doc"]["error"]["$object"], field);
    }
    assert_eq!(
        emu.with(|w| w.data.schedules.len()),
        11,
        "nothing was stored"
    );
}

#[tokio::test]
async fn refuses_a_non_loopback_address_unless_told() {
    let opts = Options {
        listen: "0.0.0.0:0".parse().unwrap(),
        ..Options::default()
    };
    let err = Emulator::start(opts).await.unwrap_err();
    assert!(err.contains("loopback"), "{err}");
}
