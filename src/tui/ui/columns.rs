//! Which columns the two panes show at a width. A narrow pane drops whole columns first, in
//! order of least use, then shrinks the name; it never cuts a column's text. The days of a
//! schedule are shown as seven cells (`Mo Tu We Th Fr Sa Su`) where they fit whole, and as
//! text (`Sat,Sun`, `Mon-Fri`) where they do not; never as single letters (`T` and `S` are
//! ambiguous). A server's backup flag is shown in its long form or its short one, never cut.

use unicode_width::UnicodeWidthStr;

/// The gap between two columns (ratatui's default column spacing).
const GAP: usize = 1;
/// A name is never squeezed below this.
pub const NAME_MIN: usize = 6;
/// A name keeps this much (or its whole length, if shorter) before optional columns are
/// added: below it, the optional columns go first.
pub const NAME_COMFORT: usize = 12;
/// The seven day cells: `Mo Tu We Th Fr Sa Su`.
pub const WEEK_CELLS: usize = 20;
/// The long backup flags (`unprotected`, `✗ missed`, `10h ago`).
pub const FLAG_LONG: usize = 11;
/// The short backup flags (`none`, `missed`, `10h`).
pub const FLAG_SHORT: usize = 6;
/// The server's schedule count (`12`, `…`, `!`).
pub const COUNT: usize = 3;
/// The next run (`in 15h 30m`).
pub const NEXT: usize = 10;
/// A server's state (`active`, `stopped`).
pub const STATE: usize = 8;
/// An IPv4 address.
pub const IP: usize = 15;
/// A data centre (`Netherlands-2`).
pub const DC: usize = 13;
/// A creation date (`2026-01-10`).
pub const CREATED: usize = 10;
/// A time of day (`04:30`).
pub const TIME: usize = 5;
/// The DST mark after a time (` ⚠`).
pub const DST_MARK: usize = 2;

/// How wide the name is and how many of the optional columns (in priority order) fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fit {
    /// Cells for the name.
    pub name: usize,
    /// How many optional columns are shown, from the first.
    pub optional: usize,
}

/// Fits a table `width` cells wide: the name (wanting `comfort` cells, at least `min`), the
/// `fixed` columns that are always shown, then as many `optional` ones, in order, as fit
/// without squeezing the name below `comfort`. Widths include the gap before the column.
/// None when the fixed columns do not fit even with the name at `min`.
pub fn fit(
    width: usize,
    comfort: usize,
    min: usize,
    fixed: &[usize],
    optional: &[usize],
) -> Option<Fit> {
    let fixed: usize = fixed.iter().sum();
    if comfort + fixed <= width {
        let mut used = comfort + fixed;
        let mut shown = 0;
        for w in optional {
            if used + w > width {
                break;
            }
            used += w;
            shown += 1;
        }
        return Some(Fit {
            name: width - (used - comfort),
            optional: shown,
        });
    }
    (min.min(comfort) + fixed <= width).then(|| Fit {
        name: width - fixed,
        optional: 0,
    })
}

/// A column's width with the gap before it.
pub const fn col(w: usize) -> usize {
    w + GAP
}

/// The width a name column would like: the longest name, up to [`NAME_COMFORT`].
pub fn comfort<'a>(names: impl Iterator<Item = &'a str>) -> usize {
    names
        .map(drawn_width)
        .max()
        .unwrap_or(0)
        .clamp(4, NAME_COMFORT)
}

/// The width of the longest name (at least the header's, `NAME`): a name column wider than
/// that leaves the rest blank, so it gives the room to the end of the row instead.
pub fn longest<'a>(names: impl Iterator<Item = &'a str>) -> usize {
    names.map(drawn_width).max().unwrap_or(0).max(4)
}

/// The cells a name from the API takes as drawn (a control or bidi character shown as `^[` or
/// `\u{202e}`, see [`super::fit`]).
pub fn drawn_width(name: &str) -> usize {
    crate::sanitize::for_terminal(name).width()
}

/// The width of an id column: the longest id, and the header `ID`.
pub fn id_width(ids: impl Iterator<Item = u64>) -> usize {
    ids.map(|id| id.to_string().len()).max().unwrap_or(0).max(2)
}

/// The servers pane's columns: NAME STATE IP DC # BACKUP NEXT ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerCols {
    /// Cells for the name.
    pub name: usize,
    /// The backup flag in its long form (else the short one).
    pub long_flag: bool,
    /// The next run.
    pub next: bool,
    /// The server's state.
    pub state: bool,
    /// The IP address.
    pub ip: bool,
    /// The data centre.
    pub dc: bool,
    /// The id, this wide.
    pub id: Option<usize>,
}

/// The servers pane at `width`. Always: the name, the schedule count and the backup flag
/// (long when the name keeps its comfort, else short). Then, by use: NEXT (when a backup runs
/// next), STATE, IP, DC, and the id last (it is always in the schedules pane's details).
pub fn servers(width: usize, comfort: usize, id_w: usize) -> ServerCols {
    let optional = [col(NEXT), col(STATE), col(IP), col(DC), col(id_w)];
    let (fit, long_flag) = match fit(
        width,
        comfort,
        comfort,
        &[col(COUNT), col(FLAG_LONG)],
        &optional,
    ) {
        Some(f) => (f, true),
        None => {
            let f = fit(
                width,
                comfort,
                NAME_MIN,
                &[col(COUNT), col(FLAG_SHORT)],
                &optional,
            )
            .unwrap_or(Fit {
                name: width.saturating_sub(col(COUNT) + col(FLAG_SHORT)),
                optional: 0,
            });
            (f, false)
        }
    };
    let n = fit.optional;
    ServerCols {
        name: fit.name,
        long_flag,
        next: n >= 1,
        state: n >= 2,
        ip: n >= 3,
        dc: n >= 4,
        id: (n >= 5).then_some(id_w),
    }
}

/// How a schedule's days are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Days {
    /// Seven cells, `Mo Tu We Th Fr Sa Su`.
    Cells,
    /// Text (`Sat,Sun`), this wide.
    Text(usize),
}

impl Days {
    /// The column's width.
    pub fn width(self) -> usize {
        match self {
            Days::Cells => WEEK_CELLS,
            Days::Text(w) => w,
        }
    }
}

/// The schedules pane's columns: NAME DAYS TIME NEXT CREATED ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduleCols {
    /// Cells for the name.
    pub name: usize,
    /// The days.
    pub days: Days,
    /// The TIME column's width (the time, the zone when shown, the DST mark when any).
    pub time: usize,
    /// The zone after each time.
    pub zone: bool,
    /// The next run.
    pub next: bool,
    /// The creation date.
    pub created: bool,
    /// The id, this wide.
    pub id: Option<usize>,
}

/// The schedules pane at `width`. Always: the name, the days (seven cells when they fit with
/// the name at [`NAME_MIN`], else as text `text_w` wide) and the time (with a DST mark when
/// `dst`). Then, by use: NEXT, the zone after the time (the details say it too), CREATED, and
/// the id last (the details always show it).
pub fn schedules(
    width: usize,
    comfort: usize,
    text_w: usize,
    zone_w: usize,
    dst: bool,
    id_w: usize,
) -> ScheduleCols {
    let time = TIME + if dst { DST_MARK } else { 0 };
    // The zone is part of the time cell: no gap of its own.
    let optional = [col(NEXT), zone_w, col(CREATED), col(id_w)];
    let text = Days::Text(text_w.max(4));
    let (fit, days) = [Days::Cells, text]
        .into_iter()
        .find_map(|days| {
            fit(
                width,
                comfort,
                NAME_MIN,
                &[col(days.width()), col(time)],
                &optional,
            )
            .map(|f| (f, days))
        })
        .unwrap_or((
            Fit {
                name: width.saturating_sub(col(text.width()) + col(time)),
                optional: 0,
            },
            text,
        ));
    let n = fit.optional;
    let zone = n >= 2 && zone_w > 0;
    ScheduleCols {
        name: fit.name,
        days,
        time: time + if zone { zone_w } else { 0 },
        zone,
        next: n >= 1,
        created: n >= 3,
        id: (n >= 4).then_some(id_w),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_columns_go_before_the_name_shrinks() {
        // 12 + 4 + 12 = 28: nothing optional fits in 30; the name takes the rest.
        let f = fit(30, 12, 6, &[4, 12], &[11, 9]).unwrap();
        assert_eq!(
            f,
            Fit {
                name: 14,
                optional: 0
            }
        );
        let f = fit(39, 12, 6, &[4, 12], &[11, 9]).unwrap();
        assert_eq!(
            f,
            Fit {
                name: 12,
                optional: 1
            }
        );
        // Below the comfort, the name shrinks to its minimum and nothing optional shows.
        let f = fit(25, 12, 6, &[4, 12], &[11, 9]).unwrap();
        assert_eq!(
            f,
            Fit {
                name: 9,
                optional: 0
            }
        );
        assert_eq!(fit(21, 12, 6, &[4, 12], &[1]), None);
    }

    #[test]
    fn the_week_is_seven_whole_cells_or_text_at_every_width() {
        for width in 20..200 {
            let c = schedules(width, 12, 7, 7, true, 6);
            let used = c.name
                + col(c.days.width())
                + col(c.time)
                + [
                    c.next.then_some(col(NEXT)),
                    c.created.then_some(col(CREATED)),
                    c.id.map(col),
                ]
                .into_iter()
                .flatten()
                .sum::<usize>();
            if width >= NAME_MIN + col(WEEK_CELLS) + col(TIME + DST_MARK) {
                assert_eq!(c.days, Days::Cells, "at {width}");
            } else {
                assert_eq!(c.days, Days::Text(7), "at {width}");
            }
            assert!(c.name >= 1 || width < 20, "at {width}: {c:?}");
            assert!(
                used <= width.max(c.name + col(7) + col(TIME + DST_MARK)),
                "at {width}: {c:?}"
            );
            // Lower columns never show without the higher ones.
            assert!(!c.created || (c.next && c.zone), "at {width}: {c:?}");
            assert!(c.id.is_none() || c.created, "at {width}: {c:?}");
        }
    }

    #[test]
    fn the_backup_flag_is_long_or_short_never_cut() {
        for width in 15..120 {
            let c = servers(width, 12, 7);
            let flag = if c.long_flag { FLAG_LONG } else { FLAG_SHORT };
            assert!(
                c.name + col(COUNT) + col(flag) <= width,
                "at {width}: {c:?}"
            );
            assert!(!c.state || c.next, "at {width}: {c:?}");
            assert!(!c.dc || c.ip, "at {width}: {c:?}");
        }
        assert!(servers(34, 12, 7).long_flag);
        assert!(!servers(25, 12, 7).long_flag);
    }
}
