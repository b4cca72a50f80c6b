//! Next-run maths with an injected clock: the end of a week, midnight in either direction, and
//! the real DST transitions of Europe/Kyiv.

use bsched::domain::timing::{
    Zones, describe, dst_warning, in_zone, next_run, parse_zone, previous_run, runs_between,
};
use bsched::domain::{TimeOfDay, Weekdays};
use jiff::Timestamp;
use proptest::prelude::*;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn t(s: &str) -> TimeOfDay {
    s.parse().unwrap()
}

fn days(s: &str) -> Weekdays {
    Weekdays::parse_user(s).unwrap()
}

fn msk() -> jiff::tz::TimeZone {
    parse_zone("+03:00").unwrap()
}

#[test]
fn next_run_later_today_and_exactly_at_the_time() {
    // Friday 2026-11-27, 01:00 at +03:00.
    let now = ts("2026-11-26T22:00:00Z");
    let next = next_run(days("mon-fri"), t("02:01"), &msk(), now).unwrap();
    assert_eq!(next, ts("2026-11-26T23:01:00Z"), "today at 02:01 +03:00");
    // At the very minute it runs, the next one is Monday's.
    let after = next_run(days("mon-fri"), t("02:01"), &msk(), next).unwrap();
    assert_eq!(after, ts("2026-11-29T23:01:00Z"));
}

#[test]
fn next_run_across_the_end_of_the_week() {
    // Sunday 2026-11-29 12:00 +03:00; a Monday-only schedule runs the next morning.
    let now = ts("2026-11-29T09:00:00Z");
    assert_eq!(
        next_run(days("mon"), t("02:01"), &msk(), now).unwrap(),
        ts("2026-11-29T23:01:00Z")
    );
    // Sunday-only, after Sunday's run: a whole week ahead.
    assert_eq!(
        next_run(days("sun"), t("02:00"), &msk(), now).unwrap(),
        ts("2026-12-05T23:00:00Z")
    );
    assert_eq!(
        previous_run(days("sun"), t("02:00"), &msk(), now).unwrap(),
        ts("2026-11-28T23:00:00Z")
    );
}

#[test]
fn crossing_midnight_backwards_shifts_the_days_back() {
    let zones = Zones {
        server: msk(),
        local: jiff::tz::TimeZone::UTC,
    };
    let now = ts("2026-11-27T10:00:00Z");
    assert_eq!(
        describe(days("mon-fri"), t("02:01"), &zones, now),
        "Mon-Fri 02:01 (+03:00) = Sun-Thu 23:01 UTC"
    );
}

#[test]
fn crossing_midnight_forwards_shifts_the_days_on() {
    let zones = Zones {
        server: msk(),
        local: parse_zone("+10:00").unwrap(),
    };
    let now = ts("2026-11-27T10:00:00Z");
    assert_eq!(
        describe(days("mon-fri"), t("22:30"), &zones, now),
        "Mon-Fri 22:30 (+03:00) = Tue-Sat 05:30 (+10:00)".replace("(+10:00)", "+10:00")
    );
    // The same zone twice shows one time only.
    let same = Zones {
        server: msk(),
        local: msk(),
    };
    assert_eq!(
        describe(days("sat,sun"), t("04:30"), &same, now),
        "Sat,Sun 04:30 (+03:00)"
    );
}

#[test]
fn kyiv_spring_forward_gap() {
    let kyiv = parse_zone("Europe/Kyiv").unwrap();
    // 2027-03-28: 03:00 EET becomes 04:00 EEST. 03:30 does not exist that day.
    let now = ts("2027-03-27T12:00:00Z");
    let next = next_run(Weekdays::ALL, t("03:30"), &kyiv, now).unwrap();
    assert_eq!(
        next,
        ts("2027-03-28T01:30:00Z"),
        "moves on by the gap: 04:30 EEST"
    );
    let w = dst_warning(Weekdays::ALL, t("03:30"), &kyiv, now, 30).unwrap();
    assert!(w.gap);
    assert_eq!(w.date.to_string(), "2027-03-28");
    assert!(w.text.contains("does not exist"), "{}", w.text);
    assert!(w.text.contains("04:30"), "{}", w.text);
    // The day before and after are ordinary: 03:30 EET = 01:30Z, 03:30 EEST = 00:30Z.
    let runs = runs_between(
        Weekdays::ALL,
        t("03:30"),
        &kyiv,
        ts("2027-03-26T12:00:00Z"),
        ts("2027-03-29T12:00:00Z"),
    );
    assert_eq!(
        runs,
        vec![
            ts("2027-03-27T01:30:00Z"),
            ts("2027-03-28T01:30:00Z"),
            ts("2027-03-29T00:30:00Z"),
        ]
    );
    // A Saturday-only schedule never meets the Sunday transition.
    assert!(dst_warning(days("sat"), t("03:30"), &kyiv, now, 30).is_none());
    // A time outside the gap is fine.
    assert!(dst_warning(Weekdays::ALL, t("02:01"), &kyiv, now, 30).is_none());
}

#[test]
fn kyiv_fall_back_overlap() {
    let kyiv = parse_zone("Europe/Kyiv").unwrap();
    // 2027-10-31: 04:00 EEST becomes 03:00 EET. 03:30 happens twice.
    let now = ts("2027-10-30T12:00:00Z");
    let next = next_run(days("sun"), t("03:30"), &kyiv, now).unwrap();
    assert_eq!(next, ts("2027-10-31T00:30:00Z"), "the first 03:30 (EEST)");
    let w = dst_warning(days("sun"), t("03:30"), &kyiv, now, 30).unwrap();
    assert!(!w.gap);
    assert!(w.text.contains("twice"), "{}", w.text);
    // After the first 03:30, the next run is a week later, not the second 03:30.
    let after = next_run(days("sun"), t("03:30"), &kyiv, next).unwrap();
    assert_eq!(after, ts("2027-11-07T01:30:00Z"));
}

#[test]
fn the_local_view_follows_dst_of_the_server_zone() {
    let kyiv = parse_zone("Europe/Kyiv").unwrap();
    let utc = jiff::tz::TimeZone::UTC;
    // Summer: 02:00 EEST = 23:00 UTC the day before. Winter: 02:00 EET = 00:00 UTC.
    let summer = in_zone(
        days("mon"),
        t("02:00"),
        &kyiv,
        &utc,
        ts("2027-07-01T00:00:00Z"),
    );
    assert_eq!(summer, Some((days("sun"), t("23:00"))));
    let winter = in_zone(
        days("mon"),
        t("02:00"),
        &kyiv,
        &utc,
        ts("2027-12-01T00:00:00Z"),
    );
    assert_eq!(winter, Some((days("mon"), t("00:00"))));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn next_run_is_the_first_matching_minute_after_now(
        bits in 1u8..128,
        minutes in 0i64..1440,
        secs in 1_700_000_000i64..1_900_000_000,
        zone in prop::sample::select(vec!["+03:00", "UTC", "Europe/Kyiv", "America/New_York", "-09:30"]),
    ) {
        let days = Weekdays::from_bits(bits);
        let time = TimeOfDay::from_minutes(minutes);
        let tz = parse_zone(zone).unwrap();
        let now = Timestamp::from_second(secs).unwrap();
        let next = next_run(days, time, &tz, now).unwrap();
        prop_assert!(next > now);
        prop_assert!(next.duration_since(now).as_hours() <= 8 * 24);
        let prev = previous_run(days, time, &tz, next).unwrap();
        prop_assert_eq!(prev, next, "the run is its own previous run");
        // Nothing runs in between.
        prop_assert!(previous_run(days, time, &tz, next - jiff::SignedDuration::from_secs(1))
            .is_none_or(|p| p <= now));
    }
}
