//! Property tests of the domain types (bounded case count so CI stays quick).

use bsched::domain::{DAYS, ScheduleName, TimeOfDay, Weekdays};
use proptest::prelude::*;

fn any_days() -> impl Strategy<Value = Weekdays> {
    (1u8..128).prop_map(Weekdays::from_bits)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn days_round_trip_through_every_encoding(days in any_days()) {
        prop_assert_eq!(Weekdays::from_api_numbers(&days.to_api_csv()).unwrap(), days);
        prop_assert_eq!(Weekdays::from_api_names(&days.to_api_names()).unwrap(), days);
        prop_assert_eq!(Weekdays::from_api(&days.to_api_names()).unwrap(), days);
        let user = days.short_names().join(",");
        prop_assert_eq!(Weekdays::parse_user(&user).unwrap(), days);
        prop_assert_eq!(Weekdays::parse_user(&days.display()).unwrap(), days);
    }

    #[test]
    fn api_names_in_any_order_and_case(days in any_days(), upper in any::<bool>(), seed in any::<u64>()) {
        let mut names: Vec<String> = days.iter().map(|d| d.api_name().to_string()).collect();
        let n = names.len();
        names.rotate_left((seed as usize) % n);
        let text = names.iter().map(|s| if upper { s.to_uppercase() } else { s.to_lowercase() })
            .collect::<Vec<_>>().join("  ") + " ";
        prop_assert_eq!(Weekdays::from_api_names(&text).unwrap(), days);
    }

    #[test]
    fn ranges_cover_the_days_between(a in 0usize..7, b in 0usize..7) {
        let set = Weekdays::parse_user(&format!("{}-{}", DAYS[a].short(), DAYS[b].short())).unwrap();
        let expected = if a <= b { b - a + 1 } else { 7 - a + b + 1 };
        prop_assert_eq!(set.len(), expected);
        prop_assert!(set.contains(DAYS[a]) && set.contains(DAYS[b]));
    }

    #[test]
    fn user_syntax_never_accepts_digits(s in "[0-9a-z,\\- ]{0,12}") {
        if s.chars().any(|c| c.is_ascii_digit()) {
            prop_assert!(Weekdays::parse_user(&s).is_err());
        }
    }

    #[test]
    fn every_valid_time_round_trips(h in 0u8..24, m in 0u8..60) {
        let text = format!("{h:02}:{m:02}");
        let t: TimeOfDay = text.parse().unwrap();
        prop_assert_eq!(t.to_string(), text);
        prop_assert_eq!((t.hour(), t.minute()), (h, m));
    }

    #[test]
    fn time_parser_refuses_everything_else(s in "\\PC{0,8}") {
        let valid = s.len() == 5
            && s.as_bytes()[2] == b':'
            && s[..2].parse::<u8>().is_ok_and(|h| h < 24) && s[..2].bytes().all(|b| b.is_ascii_digit())
            && s[3..].parse::<u8>().is_ok_and(|m| m < 60) && s[3..].bytes().all(|b| b.is_ascii_digit());
        prop_assert_eq!(s.parse::<TimeOfDay>().is_ok(), valid, "{:?}", s);
    }

    #[test]
    fn names_count_characters_not_bytes(s in "\\PC{0,120}") {
        let trimmed = s.trim();
        let ok = !trimmed.is_empty() && trimmed.chars().count() <= 100;
        let name = ScheduleName::new(&s);
        prop_assert_eq!(name.is_ok(), ok && bsched::sanitize::check_name(trimmed).is_ok());
        // An accepted name is shown as it is: nothing in it needs escaping for a terminal.
        if let Ok(n) = name {
            prop_assert!(!n.as_str().chars().any(bsched::sanitize::is_unsafe), "{:?}", n);
        }
    }
}
