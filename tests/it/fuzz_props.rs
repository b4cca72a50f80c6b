//! Fuzz properties, bounded for CI: the parsers that read the network, files and the user never
//! panic on arbitrary input, and what bsched writes it reads back unchanged. (Unbounded runs
//! are the cargo-fuzz targets in `fuzz/`, see RELIABILITY.md.)

use bsched::api::decode_schedule_page;
use bsched::api::doc::decode_body;
use bsched::config::ConfigFile;
use bsched::domain::plan::{Plan, PlanDays, PlanFormat, PlanSchedule, PlanServer};
use bsched::domain::{ScheduleName, TimeOfDay, Weekdays};
use proptest::prelude::*;

/// Strings that look a little like what the parsers expect, and arbitrary ones.
fn texty() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ \\[\\]{}\"$:,a-zA-Z0-9_.=#\\n-]{0,80}",
        "(mon|tue|fri|sun|daily|weekdays|[0-9]|-|,| ){0,12}",
        "[0-9:]{0,6}",
    ]
}

/// JSON documents in the `$` shape with random holes and odd values.
fn dollar_doc() -> impl Strategy<Value = Vec<u8>> {
    let value = prop_oneof![
        Just(serde_json::json!({})),
        Just(serde_json::json!(null)),
        any::<String>().prop_map(|s| serde_json::json!({"$": s})),
        any::<String>().prop_map(|s| serde_json::json!([{"$": s}])),
        any::<i64>().prop_map(|n| serde_json::json!({"$": n.to_string(), "$orig": n})),
        Just(serde_json::json!({"$": "Monday Sunday "})),
        Just(serde_json::json!({"$": "25:99"})),
    ];
    let elem = prop::collection::btree_map(
        prop::sample::select(vec![
            "id",
            "instance_id",
            "name",
            "rotation_days",
            "rotation_time",
            "create_date",
            "error",
            "msg",
        ]),
        value,
        0..8,
    );
    (prop::collection::vec(elem, 0..4), any::<bool>(), 0usize..40).prop_map(|(elems, one, cut)| {
        let elem = if one && !elems.is_empty() {
            serde_json::to_value(&elems[0]).unwrap()
        } else {
            serde_json::to_value(&elems).unwrap()
        };
        let mut bytes = serde_json::to_vec(&serde_json::json!({"doc": {"elem": elem}})).unwrap();
        // Sometimes cut it short, like a broken connection.
        if cut < 10 {
            bytes.truncate(bytes.len().saturating_sub(cut));
        }
        bytes
    })
}

fn any_plan() -> impl Strategy<Value = Plan> {
    let schedule = ("[a-zA-Zа-я0-9 ]{1,30}", 1u8..128, 0i64..1440).prop_filter_map(
        "a valid name",
        |(name, bits, minutes)| {
            Some(PlanSchedule {
                name: ScheduleName::new(&name).ok()?,
                days: PlanDays(Weekdays::from_bits(bits)),
                time: TimeOfDay::from_minutes(minutes),
            })
        },
    );
    let server = (
        1u64..10_000_000,
        prop::option::of("[a-z0-9-]{1,20}"),
        prop::option::of(1u8..=10),
        prop::collection::vec(schedule, 0..4),
    )
        .prop_map(|(id, name, retention, mut schedules)| {
            // A plan never holds two schedules whose names match ignoring
            // case and spaces (the parser refuses it), so neither may this.
            let mut seen = std::collections::HashSet::new();
            schedules.retain(|s| seen.insert(s.name.as_str().trim().to_lowercase()));
            PlanServer {
                id,
                name,
                retention,
                schedules,
            }
        });
    prop::collection::vec(server, 0..5).prop_map(|mut servers| {
        servers.sort_by_key(|s| s.id);
        servers.dedup_by_key(|s| s.id);
        Plan {
            server_timezone: "+03:00".into(),
            servers,
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_document_decoder_never_panics(status in prop::sample::select(vec![200u16, 403, 460, 500]), body in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = decode_body(status, &body);
        let _ = decode_schedule_page(status, &body, 1);
    }

    #[test]
    fn dollar_documents_decode_or_fail_cleanly(body in dollar_doc()) {
        match decode_schedule_page(200, &body, 1) {
            Ok(list) => prop_assert!(list.iter().all(|s| !s.days.is_empty())),
            Err(e) => {
                let text = e.to_string();
                prop_assert!(!text.contains('\n'), "{}", text);
            }
        }
    }

    #[test]
    fn day_and_time_parsers_never_panic(s in texty()) {
        let _ = Weekdays::parse_user(&s);
        let _ = Weekdays::from_api(&s);
        let _ = s.parse::<TimeOfDay>();
        let _ = ScheduleName::new(&s);
        let _ = bsched::domain::timing::parse_zone(&s);
        let _ = bsched::tui::keymap::Key::parse(&s);
    }

    #[test]
    fn plan_and_config_parsers_never_panic(s in texty()) {
        let _ = Plan::parse(&s, PlanFormat::Toml);
        let _ = Plan::parse(&s, PlanFormat::Json);
        let _ = toml::from_str::<ConfigFile>(&s);
    }

    #[test]
    fn plans_round_trip_through_both_formats(plan in any_plan()) {
        for format in [PlanFormat::Toml, PlanFormat::Json] {
            let text = plan.render(format).unwrap();
            let back = Plan::parse(&text, format).unwrap();
            prop_assert_eq!(&back, &plan);
        }
    }

    #[test]
    fn displayed_days_read_back_exactly(bits in 1u8..128) {
        let days = Weekdays::from_bits(bits);
        prop_assert_eq!(Weekdays::parse_user(&days.display()).unwrap(), days);
        prop_assert_eq!(Weekdays::parse_user(&days.display().to_lowercase()).unwrap(), days);
    }
}
