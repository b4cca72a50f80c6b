//! When schedules run: next and previous runs in the server's zone, the same schedule in the
//! user's zone, countdowns, and warnings for times that fall in a DST gap or overlap.
//! All zone arithmetic is jiff's; the clock is always passed in.

use jiff::civil::{Date, DateTime, Weekday};
use jiff::tz::{AmbiguousOffset, Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};

use super::{Day, DomainError, TimeOfDay, Weekdays};

/// The zone the panel labels "GMT+3": the default `server_timezone`.
pub const DEFAULT_SERVER_ZONE: &str = "+03:00";

/// Reads a zone: an IANA name (`Europe/Kyiv`, `UTC`) or a fixed offset (`+03:00`, `-0530`, `+3`).
pub fn parse_zone(s: &str) -> Result<TimeZone, DomainError> {
    let s = s.trim();
    if let Some(offset) = parse_offset(s) {
        return Ok(TimeZone::fixed(offset));
    }
    TimeZone::get(s).map_err(|_| {
        DomainError::Zone(format!(
            "'{s}' is neither an IANA zone name (like Europe/Kyiv) nor an offset (like +03:00)"
        ))
    })
}

fn parse_offset(s: &str) -> Option<Offset> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    // Only digits and a colon: anything else is not an offset (and must not be sliced).
    if !rest.bytes().all(|b| b.is_ascii_digit() || b == b':') {
        return None;
    }
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() == 4 => rest.split_at(2),
        None => (rest, "0"),
    };
    if h.is_empty() || h.len() > 2 || m.is_empty() || m.len() > 2 {
        return None;
    }
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    if h > 14 || m > 59 {
        return None;
    }
    Offset::from_seconds(sign * (h * 3600 + m * 60)).ok()
}

/// How a zone is named on screen: its IANA name, or its offset as `+03:00`.
pub fn zone_label(tz: &TimeZone) -> String {
    match tz.iana_name() {
        Some(name) => name.to_string(),
        None => offset_label(tz.to_offset(Timestamp::UNIX_EPOCH)),
    }
}

/// An offset as `+03:00`.
pub fn offset_label(o: Offset) -> String {
    let secs = o.seconds();
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.abs();
    format!("{sign}{:02}:{:02}", secs / 3600, (secs % 3600) / 60)
}

/// The server's zone and the user's.
#[derive(Debug, Clone)]
pub struct Zones {
    /// The zone `rotation_time` is in (the profile's `server_timezone`).
    pub server: TimeZone,
    /// The user's zone (the system's).
    pub local: TimeZone,
}

impl Default for Zones {
    fn default() -> Zones {
        Zones {
            server: TimeZone::fixed(Offset::constant(3)),
            local: TimeZone::system(),
        }
    }
}

impl Zones {
    /// Whether the two zones give the same wall-clock time at `now`, and so one time is enough.
    pub fn same(&self, now: Timestamp) -> bool {
        self.server == self.local || self.server.to_offset(now) == self.local.to_offset(now)
    }

    /// The server zone's label.
    pub fn server_label(&self) -> String {
        zone_label(&self.server)
    }

    /// The local zone's label.
    pub fn local_label(&self) -> String {
        zone_label(&self.local)
    }
}

/// The weekday of a civil date as a `Day`.
pub fn day_of(date: Date) -> Day {
    match date.weekday() {
        Weekday::Monday => Day::Mon,
        Weekday::Tuesday => Day::Tue,
        Weekday::Wednesday => Day::Wed,
        Weekday::Thursday => Day::Thu,
        Weekday::Friday => Day::Fri,
        Weekday::Saturday => Day::Sat,
        Weekday::Sunday => Day::Sun,
    }
}

/// Where an instant falls in the week of `tz`: (weekday, Monday = 0; hour): a heat map cell.
pub fn hour_of_week(tz: &TimeZone, ts: Timestamp) -> (usize, usize) {
    let dt = tz.to_datetime(ts);
    (day_of(dt.date()).index(), dt.hour() as usize)
}

fn at(date: Date, time: TimeOfDay) -> DateTime {
    date.at(time.hour() as i8, time.minute() as i8, 0, 0)
}

/// The instant a wall-clock time on `date` names in `tz`. In a DST gap the clock has jumped
/// past it, and the time moves forward by the gap; in an overlap it is the first of the two.
pub fn instant(tz: &TimeZone, date: Date, time: TimeOfDay) -> Option<Timestamp> {
    tz.to_ambiguous_timestamp(at(date, time)).compatible().ok()
}

fn shift(date: Date, days: i64) -> Option<Date> {
    date.checked_add(SignedDuration::from_hours(24 * days)).ok()
}

/// The first run strictly after `after`.
pub fn next_run(
    days: Weekdays,
    time: TimeOfDay,
    tz: &TimeZone,
    after: Timestamp,
) -> Option<Timestamp> {
    if days.is_empty() {
        return None;
    }
    let today = tz.to_datetime(after).date();
    // One day back covers a run pushed past midnight by a gap; eight forward cover a week.
    (-1..=8)
        .filter_map(|d| shift(today, d))
        .filter(|date| days.contains(day_of(*date)))
        .filter_map(|date| instant(tz, date, time))
        .filter(|ts| *ts > after)
        .min()
}

/// The last run at or before `at_or_before`.
pub fn previous_run(
    days: Weekdays,
    time: TimeOfDay,
    tz: &TimeZone,
    at_or_before: Timestamp,
) -> Option<Timestamp> {
    if days.is_empty() {
        return None;
    }
    let today = tz.to_datetime(at_or_before).date();
    (-8..=1)
        .filter_map(|d| shift(today, d))
        .filter(|date| days.contains(day_of(*date)))
        .filter_map(|date| instant(tz, date, time))
        .filter(|ts| *ts <= at_or_before)
        .max()
}

/// Every run in `(from, to]`, soonest first.
pub fn runs_between(
    days: Weekdays,
    time: TimeOfDay,
    tz: &TimeZone,
    from: Timestamp,
    to: Timestamp,
) -> Vec<Timestamp> {
    let mut out = Vec::new();
    let mut cur = from;
    while let Some(next) = next_run(days, time, tz, cur) {
        if next > to {
            break;
        }
        out.push(next);
        cur = next;
    }
    out
}

/// The schedule as the user's clock sees it: the days and time of each server-zone run of the
/// coming week, converted. When the time crosses midnight the days shift.
pub fn in_zone(
    days: Weekdays,
    time: TimeOfDay,
    from: &TimeZone,
    to: &TimeZone,
    now: Timestamp,
) -> Option<(Weekdays, TimeOfDay)> {
    let mut local_days = Weekdays::EMPTY;
    let mut local_time = None;
    let mut cur = now;
    for _ in 0..days.len() {
        let run = next_run(days, time, from, cur)?;
        let dt = to.to_datetime(run);
        local_days = local_days.with(day_of(dt.date()), true);
        if local_time.is_none() {
            local_time = Some(TimeOfDay::new(dt.hour() as u8, dt.minute() as u8).ok()?);
        }
        cur = run;
    }
    Some((local_days, local_time?))
}

/// `Mon-Fri 02:01 (+03:00)`, followed by ` = Sun-Thu 23:01 UTC` when the user's zone differs.
pub fn describe(days: Weekdays, time: TimeOfDay, zones: &Zones, now: Timestamp) -> String {
    let server = format!("{} {} ({})", days.display(), time, zones.server_label());
    if zones.same(now) {
        return server;
    }
    match in_zone(days, time, &zones.server, &zones.local, now) {
        Some((d, t)) => format!("{server} = {} {t} {}", d.display(), zones.local_label()),
        None => server,
    }
}

/// A countdown: `in 5h 12m`, `in 3d 4h`, `in 12m`, `in <1m`; past instants read `due`.
pub fn countdown(now: Timestamp, then: Timestamp) -> String {
    let secs = then.duration_since(now).as_secs();
    if secs <= 0 {
        return "due".into();
    }
    let mins = (secs + 59) / 60; // round up: "in 1m" until it is due
    let (d, h, m) = (mins / 1440, (mins % 1440) / 60, mins % 60);
    match (d, h) {
        (0, 0) if secs < 60 => "in <1m".into(),
        (0, 0) => format!("in {m}m"),
        (0, _) => format!("in {h}h {m}m"),
        _ => format!("in {d}d {h}h"),
    }
}

/// An age: `12m ago`, `5h ago`, `3d ago`.
pub fn age(now: Timestamp, then: Timestamp) -> String {
    let mins = now.duration_since(then).as_secs().max(0) / 60;
    match mins {
        0 => "just now".into(),
        1..60 => format!("{mins}m ago"),
        60..2880 => format!("{}h ago", mins / 60),
        _ => format!("{}d ago", mins / 1440),
    }
}

/// An instant as RFC 3339 in `tz`: `2026-11-27T23:01:00+00:00`.
pub fn rfc3339_in(tz: &TimeZone, ts: Timestamp) -> String {
    let dt = tz.to_datetime(ts);
    format!(
        "{}{}",
        dt.strftime("%Y-%m-%dT%H:%M:%S"),
        offset_label(tz.to_offset(ts))
    )
}

/// A time as the user reads it: `Fri 28 Nov 23:01` in `tz`.
pub fn local_stamp(tz: &TimeZone, ts: Timestamp) -> String {
    let dt = tz.to_datetime(ts);
    format!(
        "{} {:02} {} {:02}:{:02}",
        day_of(dt.date()).title(),
        dt.day(),
        MONTHS[(dt.month() - 1) as usize],
        dt.hour(),
        dt.minute()
    )
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A run that the server zone's daylight-saving rules make odd.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DstWarning {
    /// The date it happens on, in the server zone.
    pub date: Date,
    /// True for a gap (clocks go forward past the time), false for an overlap (it happens twice).
    pub gap: bool,
    /// What will happen, in one sentence.
    pub text: String,
}

/// Looks for a run in the coming `horizon_days` whose wall-clock time falls in a DST gap or an
/// overlap of the server zone, and says what will happen.
pub fn dst_warning(
    days: Weekdays,
    time: TimeOfDay,
    tz: &TimeZone,
    now: Timestamp,
    horizon_days: i64,
) -> Option<DstWarning> {
    let end = now
        .checked_add(SignedDuration::from_hours(24 * horizon_days))
        .ok()?;
    for tr in tz.following(now) {
        if tr.timestamp() > end {
            break;
        }
        let after = tr.timestamp();
        // The wall-clock dates on either side of the transition.
        for date in [
            tz.to_datetime(after).date(),
            tz.to_datetime(after - SignedDuration::from_secs(1)).date(),
        ] {
            if !days.contains(day_of(date)) {
                continue;
            }
            let dt = at(date, time);
            match tz.to_ambiguous_timestamp(dt).offset() {
                AmbiguousOffset::Gap { before, after } => {
                    let run = instant(tz, date, time)?;
                    let moved = tz.to_datetime(run);
                    return Some(DstWarning {
                        date,
                        gap: true,
                        text: format!(
                            "On {} clocks go forward ({} → {}): {time} does not exist that day, so the backup runs at {:02}:{:02} or is skipped.",
                            date_label(date),
                            offset_label(before),
                            offset_label(after),
                            moved.hour(),
                            moved.minute()
                        ),
                    });
                }
                AmbiguousOffset::Fold { before, after } => {
                    return Some(DstWarning {
                        date,
                        gap: false,
                        text: format!(
                            "On {} clocks go back ({} → {}): {time} happens twice that day, so the backup may run twice, an hour apart.",
                            date_label(date),
                            offset_label(before),
                            offset_label(after),
                        ),
                    });
                }
                AmbiguousOffset::Unambiguous { .. } => {}
            }
        }
    }
    None
}

fn date_label(date: Date) -> String {
    format!(
        "{} {} {} {}",
        day_of(date).title(),
        date.day(),
        MONTHS[(date.month() - 1) as usize],
        date.year()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn offsets_and_names_parse() {
        assert_eq!(zone_label(&parse_zone("+03:00").unwrap()), "+03:00");
        assert_eq!(zone_label(&parse_zone("+0530").unwrap()), "+05:30");
        assert_eq!(zone_label(&parse_zone("-3").unwrap()), "-03:00");
        assert_eq!(
            zone_label(&parse_zone("Europe/Kyiv").unwrap()),
            "Europe/Kyiv"
        );
        assert!(parse_zone("Mars/Olympus").is_err());
        // Found by fuzzing: a multi-byte character where digits were expected.
        assert!(parse_zone("-そ+").is_err());
        assert!(parse_zone("+1é").is_err());
        assert!(parse_zone("+25:00").is_err());
    }

    #[test]
    fn countdowns_and_ages_read_well() {
        let now = ts("2026-11-27T10:00:00Z");
        assert_eq!(countdown(now, ts("2026-11-27T15:12:00Z")), "in 5h 12m");
        assert_eq!(countdown(now, ts("2026-11-27T10:00:30Z")), "in <1m");
        assert_eq!(countdown(now, ts("2026-11-30T14:00:00Z")), "in 3d 4h");
        assert_eq!(countdown(now, now), "due");
        assert_eq!(age(now, ts("2026-11-27T07:00:00Z")), "3h ago");
        assert_eq!(age(now, ts("2026-11-24T07:00:00Z")), "3d ago");
    }
}
