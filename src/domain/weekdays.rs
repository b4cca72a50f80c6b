//! `Weekdays`: a set of days of the week, with the API's two encodings and the user's syntax.

use std::fmt;

use super::DomainError;

/// One day of the week, Monday first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

/// Every day, Monday first.
pub const DAYS: [Day; 7] = [
    Day::Mon,
    Day::Tue,
    Day::Wed,
    Day::Thu,
    Day::Fri,
    Day::Sat,
    Day::Sun,
];

const FULL_NAMES: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// The names the API answers with when `lang` is not English (Russian locale).
const RU_NAMES: [&str; 7] = [
    "понедельник",
    "вторник",
    "среда",
    "четверг",
    "пятница",
    "суббота",
    "воскресенье",
];

impl Day {
    /// Index 0..7, Monday = 0.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The day at a Monday-first index (0..7).
    pub fn from_index(i: usize) -> Option<Day> {
        DAYS.get(i).copied()
    }

    /// The API's number for this day: 0 = Sunday, 1 = Monday … 6 = Saturday.
    pub fn api_number(self) -> u8 {
        ((self.index() + 1) % 7) as u8
    }

    /// The day for an API number (0 = Sunday).
    pub fn from_api_number(n: u8) -> Option<Day> {
        if n > 6 {
            return None;
        }
        Day::from_index((n as usize + 6) % 7)
    }

    /// Lowercase three-letter name, `mon`.
    pub fn short(self) -> &'static str {
        &FULL_NAMES[self.index()][..3]
    }

    /// Capitalised three-letter name, `Mon`.
    pub fn title(self) -> &'static str {
        ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][self.index()]
    }

    /// The English name the API answers with, `Monday`.
    pub fn api_name(self) -> &'static str {
        [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ][self.index()]
    }

    /// The Russian name the API answers with without `lang=en`.
    pub fn ru_name(self) -> &'static str {
        RU_NAMES[self.index()]
    }

    /// The day after this one (Sunday wraps to Monday).
    pub fn next(self) -> Day {
        DAYS[(self.index() + 1) % 7]
    }

    /// The day before this one (Monday wraps to Sunday).
    pub fn prev(self) -> Day {
        DAYS[(self.index() + 6) % 7]
    }

    /// A user-typed day name: `mon`, `monday` (any case).
    fn from_user_name(s: &str) -> Option<Day> {
        let s = s.to_lowercase();
        FULL_NAMES
            .iter()
            .position(|full| *full == s || (s.len() == 3 && full.starts_with(&s)))
            .and_then(Day::from_index)
    }

    /// A day name as the API writes it, English or Russian, any case.
    fn from_api_name(s: &str) -> Option<Day> {
        // Case-insensitive without allocating: this runs for every day of every listed schedule.
        let same = |n: &str| s.chars().flat_map(char::to_lowercase).eq(n.chars());
        FULL_NAMES
            .iter()
            .position(|n| s.eq_ignore_ascii_case(n))
            .or_else(|| RU_NAMES.iter().position(|n| same(n)))
            .and_then(Day::from_index)
    }
}

/// A set of weekdays. May be empty (a form being edited); the parsers never return an empty set
/// and [`crate::domain::ScheduleSpec`] refuses one, so an empty set never reaches the API.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Weekdays(u8);

impl Weekdays {
    /// No day.
    pub const EMPTY: Weekdays = Weekdays(0);
    /// Every day.
    pub const ALL: Weekdays = Weekdays(0b111_1111);
    /// Monday to Friday.
    pub const WORKDAYS: Weekdays = Weekdays(0b001_1111);
    /// Saturday and Sunday.
    pub const WEEKENDS: Weekdays = Weekdays(0b110_0000);

    /// The set with exactly these days.
    pub fn from_days(days: impl IntoIterator<Item = Day>) -> Weekdays {
        days.into_iter()
            .fold(Weekdays::EMPTY, |acc, d| acc.with(d, true))
    }

    /// The raw bits, Monday = bit 0.
    pub fn bits(self) -> u8 {
        self.0
    }

    /// The set from raw bits (Monday = bit 0); bits above Sunday are ignored.
    pub fn from_bits(bits: u8) -> Weekdays {
        Weekdays(bits & Self::ALL.0)
    }

    /// Whether the set holds `day`.
    pub fn contains(self, day: Day) -> bool {
        self.0 & (1 << day.index()) != 0
    }

    /// A copy with `day` set or cleared.
    pub fn with(self, day: Day, on: bool) -> Weekdays {
        if on {
            Weekdays(self.0 | (1 << day.index()))
        } else {
            Weekdays(self.0 & !(1 << day.index()))
        }
    }

    /// A copy with `day` flipped.
    pub fn toggled(self, day: Day) -> Weekdays {
        self.with(day, !self.contains(day))
    }

    /// Whether no day is set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// How many days are set.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The days in the set, Monday first.
    pub fn iter(self) -> impl Iterator<Item = Day> {
        DAYS.into_iter().filter(move |d| self.contains(*d))
    }

    /// Every day shifted by `offset` days (−1 moves Monday to Sunday).
    pub fn shifted(self, offset: i32) -> Weekdays {
        Weekdays::from_days(
            self.iter()
                .map(|d| DAYS[(d.index() as i32 + offset).rem_euclid(7) as usize]),
        )
    }

    /// Parses the API's request encoding: `1,2,3` (commas or spaces), 0 = Sunday.
    pub fn from_api_numbers(s: &str) -> Result<Weekdays, DomainError> {
        let mut set = Weekdays::EMPTY;
        for part in s.split(|c: char| c == ',' || c.is_whitespace()) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let day = part
                .parse::<u8>()
                .ok()
                .and_then(Day::from_api_number)
                .ok_or_else(|| DomainError::Days(format!("'{part}' is not a day number 0-6")))?;
            set = set.with(day, true);
        }
        non_empty(set)
    }

    /// Parses the API's answer encoding: `"Monday Tuesday "` (any order, any case, extra spaces;
    /// Russian names accepted too).
    pub fn from_api_names(s: &str) -> Result<Weekdays, DomainError> {
        let mut set = Weekdays::EMPTY;
        for word in s.split(|c: char| c.is_whitespace() || c == ',') {
            if word.is_empty() {
                continue;
            }
            let day = Day::from_api_name(word)
                .ok_or_else(|| DomainError::Days(format!("'{word}' is not a day name")))?;
            set = set.with(day, true);
        }
        non_empty(set)
    }

    /// Parses what the API answers, whichever encoding it used (names, or numbers as a fallback).
    pub fn from_api(s: &str) -> Result<Weekdays, DomainError> {
        if s.trim().chars().next().is_some_and(|c| c.is_ascii_digit()) {
            Weekdays::from_api_numbers(s)
        } else {
            Weekdays::from_api_names(s)
        }
    }

    /// Parses the user's syntax: comma lists of names (`mon`, `monday`), ranges (`mon-fri`,
    /// wrapping `fri-mon`) and presets (`daily`, `weekdays`, `weekends`). Bare numbers are
    /// refused: 0-6 against 1-7 is a classic source of wrong schedules.
    pub fn parse_user(s: &str) -> Result<Weekdays, DomainError> {
        let mut set = Weekdays::EMPTY;
        for item in s.split(',') {
            let item = item.trim();
            if item.is_empty() {
                return Err(DomainError::Days(format!(
                    "'{}' has an empty item; use e.g. mon-fri or mon,wed,fri",
                    s.trim()
                )));
            }
            set = Weekdays(set.0 | parse_user_item(item)?.0);
        }
        non_empty(set)
    }

    /// The API's request encoding, ascending numbers: `0,1,5` (0 = Sunday).
    pub fn to_api_csv(self) -> String {
        let mut nums: Vec<u8> = self.iter().map(Day::api_number).collect();
        nums.sort_unstable();
        nums.iter().map(u8::to_string).collect::<Vec<_>>().join(",")
    }

    /// The English names the API answers with: `Monday Tuesday ` (trailing space included).
    pub fn to_api_names(self) -> String {
        self.iter().map(|d| format!("{} ", d.api_name())).collect()
    }

    /// Lowercase three-letter names, Monday first: `["mon", "tue"]`.
    pub fn short_names(self) -> Vec<&'static str> {
        self.iter().map(Day::short).collect()
    }

    /// Compact Monday-first display: `Mon-Fri`, `Mon,Wed,Fri`, `Daily`, `Sat,Sun`. A run that
    /// goes through Sunday into Monday reads as one range: `Sun-Thu`, `Fri-Mon`.
    pub fn display(self) -> String {
        if self == Weekdays::ALL {
            return "Daily".to_string();
        }
        if self.is_empty() {
            return "none".to_string();
        }
        // Start at Monday, unless a run wraps from Sunday into Monday: then at that run's start.
        let mut first = 0;
        if self.contains(Day::Sun) && self.contains(Day::Mon) {
            first = 6;
            while self.contains(DAYS[(first + 6) % 7]) {
                first = (first + 6) % 7;
            }
        }
        let mut parts = Vec::new();
        let mut i = 0;
        while i < 7 {
            let day = |k: usize| DAYS[(first + k) % 7];
            if !self.contains(day(i)) {
                i += 1;
                continue;
            }
            let start = i;
            while i + 1 < 7 && self.contains(day(i + 1)) {
                i += 1;
            }
            parts.push(match i - start {
                0 => day(start).title().to_string(),
                1 => format!("{},{}", day(start).title(), day(i).title()),
                _ => format!("{}-{}", day(start).title(), day(i).title()),
            });
            i += 1;
        }
        parts.join(",")
    }
}

fn non_empty(set: Weekdays) -> Result<Weekdays, DomainError> {
    if set.is_empty() {
        Err(DomainError::Days("at least one day is required".into()))
    } else {
        Ok(set)
    }
}

fn parse_user_item(item: &str) -> Result<Weekdays, DomainError> {
    match item.to_lowercase().as_str() {
        "daily" | "all" | "every" => return Ok(Weekdays::ALL),
        "weekdays" | "workdays" => return Ok(Weekdays::WORKDAYS),
        "weekends" | "weekend" => return Ok(Weekdays::WEEKENDS),
        _ => {}
    }
    if item.chars().any(|c| c.is_ascii_digit()) {
        return Err(DomainError::Days(format!(
            "'{item}': day numbers are ambiguous (0-6 or 1-7?); use names such as mon-fri or sat,sun"
        )));
    }
    let day = |s: &str| {
        Day::from_user_name(s.trim()).ok_or_else(|| {
            DomainError::Days(format!(
                "'{}' is not a day; use mon, tue, wed, thu, fri, sat, sun, or daily, weekdays, weekends",
                s.trim()
            ))
        })
    };
    match item.split_once('-') {
        None => Ok(Weekdays::EMPTY.with(day(item)?, true)),
        Some((a, b)) => {
            let (from, to) = (day(a)?, day(b)?);
            let mut set = Weekdays::EMPTY.with(from, true);
            let mut d = from;
            while d != to {
                d = d.next();
                set = set.with(d, true);
            }
            Ok(set)
        }
    }
}

impl fmt::Debug for Weekdays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Weekdays({})", self.display())
    }
}

impl fmt::Display for Weekdays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_numbers_use_zero_for_sunday() {
        let set = Weekdays::from_api_numbers("0,1,6").unwrap();
        assert_eq!(set.short_names(), vec!["mon", "sat", "sun"]);
        assert_eq!(set.to_api_csv(), "0,1,6");
        assert!(Weekdays::from_api_numbers("7").is_err());
        assert!(Weekdays::from_api_numbers("").is_err());
    }

    #[test]
    fn api_names_any_order_case_and_trailing_space() {
        let set = Weekdays::from_api_names("friday Monday  TUESDAY ").unwrap();
        assert_eq!(set.short_names(), vec!["mon", "tue", "fri"]);
        assert_eq!(
            Weekdays::from_api_names("Понедельник Среда ").unwrap(),
            Weekdays::from_days([Day::Mon, Day::Wed])
        );
        assert!(Weekdays::from_api_names("Funday").is_err());
        assert!(Weekdays::from_api_names("  ").is_err());
    }

    #[test]
    fn user_syntax_ranges_presets_and_lists() {
        assert_eq!(Weekdays::parse_user("mon-fri").unwrap(), Weekdays::WORKDAYS);
        assert_eq!(
            Weekdays::parse_user("weekdays").unwrap(),
            Weekdays::WORKDAYS
        );
        assert_eq!(
            Weekdays::parse_user("Sat,SUNDAY").unwrap(),
            Weekdays::WEEKENDS
        );
        assert_eq!(Weekdays::parse_user("daily").unwrap(), Weekdays::ALL);
        assert_eq!(
            Weekdays::parse_user("fri-mon").unwrap().short_names(),
            vec!["mon", "fri", "sat", "sun"]
        );
        assert_eq!(
            Weekdays::parse_user("mon, wed-thu,weekends")
                .unwrap()
                .display(),
            "Sat-Mon,Wed,Thu"
        );
        assert_eq!(
            Weekdays::parse_user("sun-thu").unwrap().display(),
            "Sun-Thu"
        );
        assert_eq!(
            Weekdays::parse_user("fri-mon").unwrap().display(),
            "Fri-Mon"
        );
        assert_eq!(
            Weekdays::parse_user("mon,wed,fri").unwrap().display(),
            "Mon,Wed,Fri"
        );
    }

    #[test]
    fn user_syntax_refuses_numbers_and_junk() {
        for bad in ["1", "1,2", "mon-5", "", "mon,,tue", "mo", "funday", "mon-"] {
            assert!(
                Weekdays::parse_user(bad).is_err(),
                "{bad:?} should be refused"
            );
        }
        let msg = Weekdays::parse_user("1-5").unwrap_err().to_string();
        assert!(msg.contains("ambiguous"), "{msg}");
    }

    #[test]
    fn display_is_monday_first_and_compact() {
        assert_eq!(Weekdays::WORKDAYS.display(), "Mon-Fri");
        assert_eq!(Weekdays::ALL.display(), "Daily");
        assert_eq!(Weekdays::WEEKENDS.display(), "Sat,Sun");
        assert_eq!(Weekdays::EMPTY.display(), "none");
        assert_eq!(
            Weekdays::from_days([Day::Sun, Day::Mon]).to_api_names(),
            "Monday Sunday "
        );
    }

    #[test]
    fn shifting_wraps_the_week() {
        assert_eq!(
            Weekdays::WORKDAYS.shifted(-1).short_names(),
            vec!["mon", "tue", "wed", "thu", "sun"]
        );
        assert_eq!(
            Weekdays::WEEKENDS.shifted(1).short_names(),
            vec!["mon", "sun"]
        );
    }
}
