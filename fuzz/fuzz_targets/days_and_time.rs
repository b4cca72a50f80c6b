//! The day, time, name and zone parsers on arbitrary text; what parses displays and parses back.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    if let Ok(days) = bsched::domain::Weekdays::parse_user(s) {
        assert_eq!(bsched::domain::Weekdays::parse_user(&days.display()).ok(), Some(days));
    }
    let _ = bsched::domain::Weekdays::from_api(s);
    if let Ok(t) = s.parse::<bsched::domain::TimeOfDay>() {
        assert_eq!(t.to_string().parse::<bsched::domain::TimeOfDay>().ok(), Some(t));
    }
    let _ = bsched::domain::ScheduleName::new(s);
    let _ = bsched::domain::timing::parse_zone(s);
});
