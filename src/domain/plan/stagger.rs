//! Start times spread over a window, one per server. A window may cross midnight (`23:00` to
//! `01:00`, the most common backup window): then the starts after midnight run the next day.

use crate::domain::{DomainError, TimeOfDay, Weekdays};

const DAY: i64 = 24 * 60;

/// One server's start in a staggered window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Start {
    /// When it starts.
    pub time: TimeOfDay,
    /// Whether it starts after midnight in a window that began the day before: its schedule
    /// runs on the day after each chosen day.
    pub next_day: bool,
}

impl Start {
    /// A start at `time` on the chosen days (no window).
    pub fn at(time: TimeOfDay) -> Start {
        Start {
            time,
            next_day: false,
        }
    }

    /// The days its schedule runs on, for a window that starts on `days`: the next day of each
    /// for a start after midnight (a Mon-Fri window from 23:00 runs its 00:30 start Tue-Sat).
    pub fn days(self, days: Weekdays) -> Weekdays {
        match self.next_day {
            true => days.shifted(1),
            false => days,
        }
    }
}

/// The length of the window `from`..`to` in minutes (through midnight when `to` is earlier
/// than `from`); a window that ends where it starts is refused.
pub fn window_minutes(from: TimeOfDay, to: TimeOfDay) -> Result<i64, DomainError> {
    let width = (i64::from(to.minutes()) - i64::from(from.minutes())).rem_euclid(DAY);
    if width == 0 {
        return Err(DomainError::Time(format!(
            "the stagger window {from}-{to} ends where it starts; give another end time (one earlier than {from} crosses midnight, as 23:00-01:00 does)"
        )));
    }
    Ok(width)
}

/// Starts spread over `from`..`to` (which may cross midnight), one per server in the order
/// given: the i-th of n starts `i * width / n` minutes after `from`, so every start lies in
/// the window (its end excluded). The same servers in the same order always get the same
/// starts.
pub fn stagger_starts(
    count: usize,
    from: TimeOfDay,
    to: TimeOfDay,
) -> Result<Vec<Start>, DomainError> {
    let width = window_minutes(from, to)?;
    let a = i64::from(from.minutes());
    Ok((0..count as i64)
        .map(|i| {
            let at = a + i * width / count.max(1) as i64;
            Start {
                time: TimeOfDay::from_minutes(at),
                next_day: at >= DAY,
            }
        })
        .collect())
}

/// The start times of [`stagger_starts`].
pub fn stagger(
    count: usize,
    from: TimeOfDay,
    to: TimeOfDay,
) -> Result<Vec<TimeOfDay>, DomainError> {
    Ok(stagger_starts(count, from, to)?
        .into_iter()
        .map(|s| s.time)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> TimeOfDay {
        s.parse().expect("a time")
    }

    #[test]
    fn a_window_across_midnight_wraps_and_its_late_starts_run_the_next_day() {
        let starts = stagger_starts(4, t("23:00"), t("01:00")).expect("a valid window");
        let shown: Vec<String> = starts.iter().map(|s| s.time.to_string()).collect();
        assert_eq!(shown, ["23:00", "23:30", "00:00", "00:30"]);
        let next: Vec<bool> = starts.iter().map(|s| s.next_day).collect();
        assert_eq!(next, [false, false, true, true]);
        assert_eq!(starts[3].days(Weekdays::WORKDAYS).display(), "Tue-Sat");
        assert_eq!(starts[0].days(Weekdays::WORKDAYS).display(), "Mon-Fri");
        assert_eq!(starts[2].days(Weekdays::ALL), Weekdays::ALL);
    }

    #[test]
    fn a_window_that_ends_where_it_starts_is_refused_in_one_sentence() {
        let e = stagger(3, t("02:00"), t("02:00")).expect_err("refused");
        let text = e.to_string();
        assert!(text.contains("ends where it starts"), "{text}");
        assert_eq!(text.matches(". ").count(), 0, "one sentence: {text}");
        // Earlier on the clock is a window through midnight, not a mistake.
        assert_eq!(
            stagger(2, t("02:00"), t("01:00")).expect("23 hours"),
            [t("02:00"), t("13:30")]
        );
        assert_eq!(
            stagger(3, t("01:00"), t("02:30")).expect("same day"),
            [t("01:00"), t("01:30"), t("02:00")]
        );
    }
}
