//! The schedules pane: the selected server's schedules, and below them the selected
//! schedule's details (both zones, the next run, a DST warning, the ids) and the server's
//! backups; or why they are not there (a failed load says why and when it is tried again).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Wrap};
use unicode_width::UnicodeWidthStr;

use super::columns::{self, Days};
use super::panes::{FAILED_MARK, block, freshness, offset, row_style};
use super::{Theme, spinner, truncate};
use crate::domain::backups::Protection;
use crate::domain::timing::{Zones, age, countdown, describe, dst_warning, local_stamp};
use crate::domain::{DAYS, Schedule, Weekdays};
use crate::tui::model::queue::BACKOFF;
use crate::tui::model::{Kind, Model, Pane};
use crate::tui::text;

/// The mark after a schedule's time that falls in a daylight-saving change (the details say
/// which day and what happens).
pub const DST_MARK: &str = "⚠";

/// A zone as a table cell names it: the abbreviation in use at `now` (`EET`, `MSK`) or the
/// offset (`+03:00`).
fn zone_short(zones: &Zones, now: jiff::Timestamp) -> String {
    let info = zones.server.to_offset_info(now);
    let abbr = info.abbreviation();
    if zones.server.iana_name().is_some() && abbr.chars().all(|c| c.is_ascii_alphabetic()) {
        abbr.to_string()
    } else {
        zones.server_label()
    }
}

/// The week as seven cells, Monday first (`Mo Tu We Th Fr Sa Su`): set days marked, unset dim.
pub fn week(days: Weekdays, theme: Theme) -> Line<'static> {
    let spans: Vec<Span> = DAYS
        .iter()
        .map(|d| {
            let letters = &d.title()[..2];
            if days.contains(*d) {
                Span::styled(format!("{letters} "), theme.day_on())
            } else {
                Span::styled("·  ", theme.dim())
            }
        })
        .collect();
    Line::from(spans)
}

/// Why a server's list is not on screen: the reason it failed and what comes next, or the
/// loading glyph while it is on its way.
fn not_loaded(
    model: &Model,
    id: u64,
    kind: Kind,
    error: Option<&String>,
    loading: &str,
    theme: Theme,
) -> Vec<Line<'static>> {
    let Some(e) = error else {
        return vec![Line::styled(
            format!("{} {loading}", spinner(model)),
            theme.warn(),
        )];
    };
    let mut lines = vec![Line::styled(
        format!("{FAILED_MARK} {}", text::could_not_load(kind.noun(), e)),
        theme.error(),
    )];
    let retry = model.fleet.queue.retry(id, kind);
    let pending = model.fleet.queue.pending(id, kind);
    let failures = retry.map_or(1, |r| r.failures);
    let next_in = retry
        .and_then(|r| r.at)
        .map(|at| at.duration_since(model.now).as_secs().max(0));
    let line = text::load_retry(failures, next_in, pending, BACKOFF.len(), &model.keymap);
    lines.push(Line::styled(
        if pending {
            format!("{} {line}", spinner(model))
        } else {
            line
        },
        theme.dim(),
    ));
    lines
}

/// The selected server's schedules.
pub fn schedules(model: &Model, theme: Theme, area: Rect, f: &mut Frame) {
    let focused = model.panes.pane == Pane::Schedules;
    let Some(server) = model.selected_server() else {
        let b = block(text::SCHEDULES_TITLE.into(), focused, theme);
        f.render_widget(b, area);
        return;
    };
    let entry = model.fleet.schedules.get(&server.id);
    let retention = entry
        .and_then(|e| e.list.as_ref())
        .and_then(|l| l.backup_rotation)
        .map(text::keeps)
        .unwrap_or_default();
    let title = format!(
        " {}{} ",
        truncate(&server.name, (area.width as usize).saturating_sub(20)),
        retention
    );
    let loading = model.fleet.queue.pending(server.id, Kind::Schedules);
    let cached = entry.is_some_and(|e| e.cached);
    let room = (area.width as usize).saturating_sub(title.width() + 2);
    let mut b = block(title, focused, theme);
    let updated = entry.and_then(|e| e.updated);
    if let Some(mark) = freshness(model, updated, cached, loading, room, theme) {
        b = b.title_top(mark);
    }
    let inner = b.inner(area);
    f.render_widget(b, area);
    let Some(list) = entry.and_then(|e| e.list.as_ref()) else {
        let mut lines = not_loaded(
            model,
            server.id,
            Kind::Schedules,
            entry.and_then(|e| e.error.as_ref()),
            text::LOADING_SCHEDULES,
            theme,
        );
        lines.push(Line::styled(text::ids(server.id, None), theme.dim()));
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        return;
    };
    if list.schedules.is_empty() {
        let mut lines = vec![Line::styled(text::NO_BACKUP_SCHEDULE, theme.warn())];
        lines.extend(protection_lines(model, server.id, theme));
        let (press, key, to_add) = text::add_one(&model.keymap);
        lines.push(Line::from(vec![
            Span::raw(press),
            Span::styled(key, theme.key()),
            Span::raw(to_add),
        ]));
        lines.push(Line::styled(text::ids(server.id, None), theme.dim()));
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        return;
    }
    let width = inner.width as usize;
    let (ids, ids_in_rule) = ids_of(model, server.id, width);
    let details = details(model, server.id, width, theme);
    let [table_area, detail_area] = split_for(inner, &details, list.schedules.len());
    let detail_h = detail_area.height;
    let rows_h = table_area.height.saturating_sub(1) as usize;
    let first = offset(model.panes.sched_sel, rows_h);
    let zones = &model.session.zones;
    // Measured on the rows on screen only (a server may have many schedules).
    let on_screen = &list.schedules[first.min(list.schedules.len())..]
        [..rows_h.min(list.schedules.len().saturating_sub(first))];
    let dst: Vec<bool> = on_screen
        .iter()
        .map(|s| dst_warning(s.days, s.time, &zones.server, model.now, 366).is_some())
        .collect();
    let names = || on_screen.iter().map(|s| s.name.as_str());
    // A narrow pane drops the id, the creation date, the zone after each time and the next
    // run, in that order, then shrinks the name; the days are never cut: seven cells where
    // they fit whole, else text (`Sat,Sun`). The details below say all of it.
    let zone = format!(" {}", zone_short(zones, model.now));
    let cols = columns::schedules(
        width,
        columns::comfort(names()),
        on_screen
            .iter()
            .map(|s| s.days.display().width())
            .max()
            .unwrap_or(0),
        zone.width(),
        dst.iter().any(|d| *d),
        columns::id_width(on_screen.iter().map(|s| s.id)),
    );
    let zone = if cols.zone { zone.as_str() } else { "" };
    let name_w = cols.name.min(columns::longest(names()));
    let rows = list
        .schedules
        .iter()
        .enumerate()
        .skip(first)
        .take(rows_h)
        .map(|(i, s)| {
            let style = row_style(i == model.panes.sched_sel, focused, theme);
            let deleting = model.fleet.is_deleting(s.id);
            let deleting_cell = || Cell::from(Span::styled(text::DELETING, theme.warn()));
            // A delete on its way shows in the last of CREATED, NEXT or the name.
            let name = if deleting && !cols.created && !cols.next {
                Cell::from(Span::styled(
                    truncate(&format!("{} {}", text::DELETING, s.name), name_w),
                    theme.warn(),
                ))
            } else {
                Cell::from(truncate(&s.name, name_w))
            };
            let days = match cols.days {
                Days::Cells => Cell::from(week(s.days, theme)),
                Days::Text(_) => Cell::from(Span::styled(s.days.display(), theme.day_on())),
            };
            let mut time = vec![Span::raw(format!("{}{zone}", s.time))];
            if dst.get(i - first).copied().unwrap_or(false) {
                time.push(Span::styled(format!(" {DST_MARK}"), theme.warn()));
            }
            let mut cells = vec![name, days, Cell::from(Line::from(time))];
            if cols.next {
                if deleting && !cols.created {
                    cells.push(deleting_cell());
                } else {
                    let next = model
                        .next_run_of(s)
                        .map(|t| countdown(model.now, t))
                        .unwrap_or_default();
                    cells.push(Cell::from(next));
                }
            }
            if cols.created {
                cells.push(if deleting {
                    deleting_cell()
                } else {
                    Cell::from(s.created.get(..10).unwrap_or(&s.created).to_string())
                });
            }
            if cols.id.is_some() {
                cells.push(Cell::from(Span::styled(s.id.to_string(), theme.dim())));
            }
            Row::new(cells).style(style)
        });
    let w = |n: usize| Constraint::Length(n as u16);
    let mut header = vec![
        text::HEAD_NAME,
        match cols.days {
            Days::Cells => text::WEEK_HEAD,
            Days::Text(_) => text::HEAD_DAYS,
        },
        text::HEAD_TIME,
    ];
    let mut widths = vec![w(name_w), w(cols.days.width()), w(cols.time)];
    for (shown, width, head) in [
        (cols.next, columns::NEXT, text::HEAD_NEXT),
        (cols.created, columns::CREATED, text::HEAD_CREATED),
        (cols.id.is_some(), cols.id.unwrap_or(0), text::HEAD_ID),
    ] {
        if shown {
            widths.push(w(width));
            header.push(head);
        }
    }
    let table = Table::new(rows, widths).header(Row::new(header).style(theme.accent()));
    f.render_widget(table, table_area);
    if detail_h > 0 {
        let rule = match ids_in_rule {
            true => format!(
                "── {ids} {}",
                "─".repeat(width.saturating_sub(ids.width() + 4))
            ),
            false => "─".repeat(width),
        };
        let mut lines = vec![Line::styled(truncate(&rule, width), theme.dim())];
        lines.extend(details);
        f.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: false }),
            detail_area,
        );
    }
}

/// How many rows a line takes when word-wrapped to `width` (as the details paragraph wraps).
fn wrapped_height(line: &Line, width: usize) -> usize {
    if width == 0 {
        return 1;
    }
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let (mut rows, mut used) = (1, 0);
    for word in text.split(' ') {
        let w = word.width();
        let need = if used == 0 { w } else { used + 1 + w };
        if need <= width {
            used = need;
        } else {
            rows += 1 + w.saturating_sub(1) / width;
            used = w % width;
        }
    }
    rows
}

/// The selected schedule in both zones, its next run in the user's time, and any DST warning.
fn schedule_details(model: &Model, s: &Schedule, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(
        describe(s.days, s.time, &model.session.zones, model.now),
        theme.text(),
    )];
    if let Some(next) = model.next_run_of(s) {
        lines.push(Line::from(vec![
            Span::styled(text::NEXT_RUN, theme.dim()),
            Span::styled(
                format!(
                    "{} {}",
                    local_stamp(&model.session.zones.local, next),
                    model.session.zones.local_label()
                ),
                theme.text(),
            ),
            Span::styled(format!(" · {}", countdown(model.now, next)), theme.accent()),
        ]));
    }
    if let Some(w) = dst_warning(s.days, s.time, &model.session.zones.server, model.now, 366) {
        lines.push(Line::styled(text::dst_detail(&w.text), theme.warn()));
    }
    lines
}

/// The server's last scheduled backup, or why it is missing.
fn protection_lines(model: &Model, id: u64, theme: Theme) -> Vec<Line<'static>> {
    let zone = &model.session.zones.local;
    let last = |t: Option<jiff::Timestamp>| match t {
        Some(t) => format!("{} ({})", age(model.now, t), local_stamp(zone, t)),
        None => text::NEVER.into(),
    };
    if let Some(line) = model
        .fleet
        .server(id)
        .and_then(|s| super::triage::ignored_line(model, s, theme))
    {
        return vec![line];
    }
    let line = match model.protection(id) {
        None => {
            let error = model.fleet.backups.get(&id).and_then(|b| b.error.as_ref());
            return not_loaded(
                model,
                id,
                Kind::Backups,
                error,
                text::LOADING_BACKUPS,
                theme,
            );
        }
        Some(Protection::Protected { last: t }) => Line::from(vec![
            Span::styled(text::LAST_BACKUP, theme.ok()),
            Span::raw(last(Some(t))),
        ]),
        Some(Protection::Missed { expected, last: t }) => Line::styled(
            text::missed_run(&local_stamp(zone, expected), &last(t)),
            theme.error(),
        ),
        Some(Protection::Unprotected { last: t }) => {
            Line::styled(text::unprotected(&last(t)), theme.warn())
        }
        Some(Protection::Waiting { last: t }) => Line::styled(text::waiting(&last(t)), theme.dim()),
    };
    vec![line]
}

/// The ids line, and whether it fits in the rule above the details.
fn ids_of(model: &Model, server: u64, width: usize) -> (String, bool) {
    let ids = text::ids(server, model.selected_schedule().map(|s| s.id));
    let fits = ids.width() + 4 <= width;
    (ids, fits)
}

/// The selected schedule's details and the server's backups.
fn details(model: &Model, server: u64, width: usize, theme: Theme) -> Vec<Line<'static>> {
    let (ids, ids_in_rule) = ids_of(model, server, width);
    let mut lines = Vec::new();
    if !ids_in_rule {
        lines.push(Line::styled(ids, theme.dim()));
    }
    // The list on screen is an older one: reading it again failed.
    let entry = model.fleet.schedules.get(&server);
    if let Some(e) = entry.and_then(|e| e.error.as_ref()) {
        lines.extend(not_loaded(
            model,
            server,
            Kind::Schedules,
            Some(e),
            "",
            theme,
        ));
    }
    lines.extend(protection_lines(model, server, theme));
    if let Some(s) = model.selected_schedule() {
        lines.extend(schedule_details(model, s, theme));
    }
    lines
}

/// The table and the details below it: the details take as many lines as they need (a
/// narrow pane wraps them), leaving the table its header and up to three rows. The ids go in
/// the rule above them, or on a line of their own when the rule is too short for them.
fn split_for(inner: Rect, details: &[Line<'static>], schedules: usize) -> [Rect; 2] {
    let detail_h = if inner.height >= 12 {
        let needed: usize = 1 + details
            .iter()
            .map(|l| wrapped_height(l, inner.width as usize))
            .sum::<usize>();
        let table_min = 1 + schedules.min(3);
        needed.min(inner.height as usize - table_min).max(5) as u16
    } else {
        0
    };
    Layout::vertical([Constraint::Min(2), Constraint::Length(detail_h)]).areas(inner)
}

/// The schedules pane's table and details areas inside its border `inner`, as drawn (the
/// mouse and the page keys use it too).
pub fn split(model: &Model, inner: Rect) -> [Rect; 2] {
    let Some(server) = model.selected_server() else {
        return [inner, Rect::default()];
    };
    let count = model
        .fleet
        .schedules
        .get(&server.id)
        .and_then(|e| e.list.as_ref())
        .map_or(0, |l| l.schedules.len());
    let details = details(model, server.id, inner.width as usize, Theme::new(false));
    split_for(inner, &details, count)
}
