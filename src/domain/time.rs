//! `TimeOfDay`: a strict `HH:MM` wall-clock time, 00:00-23:59.

use std::fmt;
use std::str::FromStr;

use super::DomainError;

/// A wall-clock time of day. It cannot hold 24:00 or 12:60.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay {
    hour: u8,
    minute: u8,
}

impl TimeOfDay {
    /// Midnight.
    pub const MIDNIGHT: TimeOfDay = TimeOfDay { hour: 0, minute: 0 };

    /// A time from its parts, if they are in range.
    pub fn new(hour: u8, minute: u8) -> Result<TimeOfDay, DomainError> {
        if hour > 23 || minute > 59 {
            return Err(DomainError::Time(format!(
                "{hour:02}:{minute:02} is not a time between 00:00 and 23:59"
            )));
        }
        Ok(TimeOfDay { hour, minute })
    }

    /// The hour, 0-23.
    pub fn hour(self) -> u8 {
        self.hour
    }

    /// The minute, 0-59.
    pub fn minute(self) -> u8 {
        self.minute
    }

    /// Minutes since midnight, 0-1439.
    pub fn minutes(self) -> u16 {
        self.hour as u16 * 60 + self.minute as u16
    }

    /// The time at `minutes` past midnight, wrapping around the day.
    pub fn from_minutes(minutes: i64) -> TimeOfDay {
        let m = minutes.rem_euclid(24 * 60);
        TimeOfDay {
            hour: (m / 60) as u8,
            minute: (m % 60) as u8,
        }
    }
}

impl FromStr for TimeOfDay {
    type Err = DomainError;

    /// Strict `HH:MM`: two digits, a colon, two digits.
    fn from_str(s: &str) -> Result<TimeOfDay, DomainError> {
        let bad = || {
            DomainError::Time(format!(
                "'{s}' is not a time; use HH:MM between 00:00 and 23:59, e.g. 02:30"
            ))
        };
        let b = s.as_bytes();
        if b.len() != 5 || b[2] != b':' {
            return Err(bad());
        }
        let digits = [b[0], b[1], b[3], b[4]];
        if !digits.iter().all(u8::is_ascii_digit) {
            return Err(bad());
        }
        let hour = (b[0] - b'0') * 10 + (b[1] - b'0');
        let minute = (b[3] - b'0') * 10 + (b[4] - b'0');
        TimeOfDay::new(hour, minute).map_err(|_| bad())
    }
}

impl TimeOfDay {
    /// Reads a time as a server may write it: `HH:MM`, `H:MM`, `HH:MM:SS` or `H:MM:SS` (seconds
    /// must be 00: a schedule runs on the minute).
    pub fn from_api(s: &str) -> Option<TimeOfDay> {
        let mut parts = s.trim().split(':');
        let (h, m) = (parts.next()?, parts.next()?);
        if let Some(sec) = parts.next()
            && (sec.len() != 2 || sec != "00")
        {
            return None;
        }
        if parts.next().is_some()
            || !(1..=2).contains(&h.len())
            || m.len() != 2
            || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit())
        {
            return None;
        }
        TimeOfDay::new(h.parse().ok()?, m.parse().ok()?).ok()
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_forms() {
        for (text, want) in [
            ("02:01", "02:01"),
            ("2:01", "02:01"),
            ("02:01:00", "02:01"),
            (" 9:05:00 ", "09:05"),
        ] {
            assert_eq!(
                TimeOfDay::from_api(text).map(|t| t.to_string()).as_deref(),
                Some(want),
                "{text}"
            );
        }
        for bad in [
            "24:00",
            "2:1",
            "02:01:30",
            "02:01:00:00",
            "",
            "ab:cd",
            "+2:01",
        ] {
            assert!(TimeOfDay::from_api(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn strict_hh_mm() {
        assert_eq!("02:01".parse::<TimeOfDay>().unwrap().to_string(), "02:01");
        assert_eq!("23:59".parse::<TimeOfDay>().unwrap().minutes(), 1439);
        for bad in [
            "2:01",
            "24:00",
            "12:60",
            "12-30",
            " 12:30",
            "12:30 ",
            "",
            "ab:cd",
            "１２:30",
        ] {
            assert!(
                bad.parse::<TimeOfDay>().is_err(),
                "{bad:?} should be refused"
            );
        }
    }

    #[test]
    fn minutes_wrap() {
        assert_eq!(TimeOfDay::from_minutes(-1).to_string(), "23:59");
        assert_eq!(TimeOfDay::from_minutes(1440 + 61).to_string(), "01:01");
    }
}
