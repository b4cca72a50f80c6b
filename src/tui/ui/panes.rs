//! The servers pane and the schedule pane. Only the visible rows are built.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, Wrap};
use unicode_width::UnicodeWidthStr;

use super::{Theme, fit, spinner, truncate};
use crate::domain::backups::Protection;
use crate::domain::timing::{Zones, age, countdown, describe, dst_warning, local_stamp};
use crate::domain::{DAYS, Schedule, Weekdays};
use crate::tui::app::{App, Pane};

fn block(title: String, focused: bool, theme: Theme) -> Block<'static> {
    let b = Block::bordered().title(Line::from(title));
    if focused {
        b.border_style(theme.accent())
    } else {
        b.border_style(theme.dim())
    }
}

/// The freshness mark in a pane's top-right corner: a spinner while a refresh runs, and how
/// long ago the data on screen arrived.
fn freshness(
    app: &App,
    updated: Option<jiff::Timestamp>,
    cached: bool,
    loading: bool,
    theme: Theme,
) -> Option<Line<'static>> {
    let updated = updated?;
    let age = app.now.duration_since(updated).as_secs().max(0);
    let age = match age {
        0..60 => format!("{age}s"),
        60..3600 => format!("{}m", age / 60),
        3600..172_800 => format!("{}h", age / 3600),
        _ => format!("{}d", age / 86_400),
    };
    let seen = if cached { "cached, seen" } else { "updated" };
    let text = if loading {
        format!(" {} {seen} {age} ago ", spinner(app))
    } else {
        format!(" {seen} {age} ago ")
    };
    let style = if loading || cached {
        theme.warn()
    } else {
        theme.dim()
    };
    Some(Line::styled(text, style).right_aligned())
}

/// The mark on every view of the server list while the panel's server filter is on (it hides
/// servers from bsched too): the longest wording that fits a border `width` cells wide. The
/// status line's notice says how to clear it.
pub(super) fn panel_filter_mark(app: &App, width: u16, theme: Theme) -> Option<Line<'static>> {
    if app.fleet.panel_filter.is_empty() {
        return None;
    }
    let fields = crate::sanitize::for_terminal(&app.fleet.panel_filter.join(", ")).into_owned();
    let room = (width as usize).saturating_sub(4);
    let text = [
        format!(" ⚠ panel filter on ({fields}): some servers may be hidden "),
        " ⚠ panel filter on: some servers may be hidden ".to_string(),
        " ⚠ panel filter on: some hidden ".to_string(),
    ]
    .into_iter()
    .find(|t| t.width() <= room)
    .unwrap_or_else(|| truncate(" ⚠ panel filter on ", room));
    Some(Line::styled(text, theme.warn()))
}

/// The style of a row: reversed when selected in the focused pane, underlined in the other.
fn row_style(selected: bool, focused: bool, theme: Theme) -> Style {
    match (selected, focused) {
        (true, true) => theme.selected(),
        (true, false) => theme.selected_unfocused(),
        (false, _) => theme.text(),
    }
}

/// The first row to show so that `sel` is visible in `height` rows.
fn offset(sel: usize, height: usize) -> usize {
    super::layout::pane_first(sel, height)
}

/// The server list.
pub fn servers(app: &App, theme: Theme, area: Rect, f: &mut Frame) {
    let focused = app.panes.pane == Pane::Servers;
    let count = if app.fleet.filter.is_empty() {
        format!("{}", app.fleet.servers().len())
    } else {
        format!("{}/{}", app.fleet.visible.len(), app.fleet.servers().len())
    };
    let title = format!(" Servers ({count}) ");
    let mut b = block(title, focused, theme);
    if let Some(mark) = freshness(
        app,
        app.fleet.servers.updated,
        app.fleet.servers.cached,
        app.fleet.servers.loading.is_some(),
        theme,
    ) {
        b = b.title_top(mark);
    }
    if let Some(mark) = panel_filter_mark(app, area.width, theme) {
        b = b.title_bottom(mark);
    }
    let inner = b.inner(area);
    f.render_widget(b, area);
    if !app.fleet.servers_loaded() {
        let text = match &app.fleet.servers.error {
            Some(e) => Line::styled(truncate(e, inner.width as usize), theme.error()),
            None => Line::styled(format!("{} loading servers…", spinner(app)), theme.warn()),
        };
        f.render_widget(Paragraph::new(text), inner);
        return;
    }
    if app.fleet.visible.is_empty() {
        let text = if app.fleet.servers().is_empty() {
            "No servers on this account."
        } else {
            "No server matches the filter."
        };
        f.render_widget(Paragraph::new(Line::styled(text, theme.dim())), inner);
        return;
    }
    let rows_h = inner.height.saturating_sub(1) as usize;
    let first = offset(app.panes.server_sel, rows_h);
    // Narrow panes drop the data centre, then the IP, before squeezing names.
    let width = inner.width as usize;
    let show_next = width >= 46;
    let show_ip = width >= 66;
    let show_dc = width >= 80;
    let fixed = 9
        + 4
        + 12
        + if show_next { 11 } else { 0 }
        + if show_ip { 16 } else { 0 }
        + if show_dc { 14 } else { 0 };
    let name_w = width.saturating_sub(fixed).max(8);
    let rows = app
        .fleet
        .visible
        .iter()
        .enumerate()
        .skip(first)
        .take(rows_h)
        .map(|(row, i)| {
            let s = &app.fleet.servers()[*i];
            let n = match app.fleet.schedules.get(&s.id).and_then(|e| e.list.as_ref()) {
                Some(l) => l.schedules.len().to_string(),
                None => "…".into(),
            };
            let count_style = if n == "0" { theme.warn() } else { theme.text() };
            let style = row_style(row == app.panes.server_sel, focused, theme);
            let name = if app.fleet.marked.contains(&s.id) {
                Line::from(vec![
                    Span::styled("● ", theme.accent()),
                    Span::raw(fit(&s.name, name_w.saturating_sub(2))),
                ])
            } else {
                Line::raw(fit(&s.name, name_w))
            };
            let mut cells = vec![Cell::from(name), Cell::from(fit(&s.status, 8))];
            if show_ip {
                cells.push(Cell::from(s.ip.as_str()));
            }
            if show_dc {
                cells.push(Cell::from(fit(&s.datacenter, 13)));
            }
            let info = app.row(s.id);
            cells.push(Cell::from(Span::styled(n, count_style)));
            cells.push(Cell::from(backup_cell(app, s.id, info.protection, theme)));
            if show_next {
                let next = info.next.map(|t| countdown(app.now, t)).unwrap_or_default();
                cells.push(Cell::from(next));
            }
            Row::new(cells).style(style)
        });
    let mut widths = vec![Constraint::Min(8), Constraint::Length(8)];
    let mut header = vec!["NAME", "STATE"];
    if show_ip {
        widths.push(Constraint::Length(15));
        header.push("IP");
    }
    if show_dc {
        widths.push(Constraint::Length(13));
        header.push("DC");
    }
    widths.push(Constraint::Length(3));
    header.push("#");
    widths.push(Constraint::Length(11));
    header.push("BACKUP");
    if show_next {
        widths.push(Constraint::Length(10));
        header.push("NEXT");
    }
    let table = Table::new(rows, widths).header(Row::new(header).style(theme.accent()));
    f.render_widget(table, inner);
}

/// A server's backup state in one cell: the age of its last scheduled backup, or a flag.
fn backup_cell(app: &App, id: u64, protection: Option<Protection>, theme: Theme) -> Span<'static> {
    if app
        .fleet
        .backups
        .get(&id)
        .is_some_and(|b| b.error.is_some() && b.list.is_none())
    {
        return Span::styled("?", theme.error());
    }
    match protection {
        None => Span::styled("…", theme.dim()),
        Some(Protection::Protected { last }) => Span::styled(age(app.now, last), theme.ok()),
        Some(Protection::Missed { .. }) => Span::styled("✗ missed", theme.error()),
        Some(Protection::Unprotected { .. }) => Span::styled("unprotected", theme.warn()),
        Some(Protection::Waiting { .. }) => Span::styled("waiting", theme.dim()),
    }
}

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

/// The week as seven cells, Monday first: set days marked, unset dim. `letters` is 2 for
/// `Mo Tu …`, 1 for the narrow `M T …`.
pub fn week(days: Weekdays, letters: usize, theme: Theme) -> Line<'static> {
    let spans: Vec<Span> = DAYS
        .iter()
        .map(|d| {
            let letter = &d.title()[..letters];
            if days.contains(*d) {
                Span::styled(format!("{letter} "), theme.day_on())
            } else {
                Span::styled(format!("{:<w$}", "·", w = letters + 1), theme.dim())
            }
        })
        .collect();
    Line::from(spans)
}

/// The selected server's schedules.
pub fn schedules(app: &App, theme: Theme, area: Rect, f: &mut Frame) {
    let focused = app.panes.pane == Pane::Schedules;
    let Some(server) = app.selected_server() else {
        let b = block(" Schedules ".into(), focused, theme);
        f.render_widget(b, area);
        return;
    };
    let entry = app.fleet.schedules.get(&server.id);
    let retention = entry
        .and_then(|e| e.list.as_ref())
        .and_then(|l| l.backup_rotation)
        .map(|r| format!(" · keeps {r}"))
        .unwrap_or_default();
    let title = format!(
        " {}{} ",
        truncate(&server.name, (area.width as usize).saturating_sub(20)),
        retention
    );
    let loading = app
        .fleet
        .queue
        .pending(server.id, crate::tui::app::Kind::Schedules);
    let cached = entry.is_some_and(|e| e.cached);
    let mut b = block(title, focused, theme);
    if let Some(mark) = freshness(app, entry.and_then(|e| e.updated), cached, loading, theme) {
        b = b.title_top(mark);
    }
    let inner = b.inner(area);
    f.render_widget(b, area);
    let Some(list) = entry.and_then(|e| e.list.as_ref()) else {
        let text = match entry.and_then(|e| e.error.as_ref()) {
            Some(e) => Line::styled(truncate(e, inner.width as usize), theme.error()),
            None => Line::styled(format!("{} loading schedules…", spinner(app)), theme.warn()),
        };
        f.render_widget(Paragraph::new(text), inner);
        return;
    };
    if list.schedules.is_empty() {
        let mut lines = vec![Line::styled(
            "No backup schedule: this server is not backed up automatically.",
            theme.warn(),
        )];
        lines.push(protection_line(app, server.id, theme));
        lines.push(Line::from(vec![
            Span::raw("Press "),
            Span::styled(
                crate::tui::text::keys(&app.keymap, crate::tui::keymap::Action::New),
                theme.key(),
            ),
            Span::raw(" to add one."),
        ]));
        f.render_widget(Paragraph::new(lines), inner);
        return;
    }
    // The selected schedule's details and the server's backups take the bottom lines.
    let [table_area, detail_area] = super::layout::schedules_split(inner);
    let detail_h = detail_area.height;
    let rows_h = table_area.height.saturating_sub(1) as usize;
    let first = offset(app.panes.sched_sel, rows_h);
    // Narrow panes get one-letter days, then lose the created date, before names shrink.
    let width = inner.width as usize;
    let letters = if width >= 64 { 2 } else { 1 };
    let week_w = 7 * (letters + 1);
    // The zone goes into each time cell when there is room; the details below always say it.
    let zone = if width >= 60 {
        format!(" {}", zone_short(&app.session.zones, app.now))
    } else {
        String::new()
    };
    let time_w = 5 + zone.chars().count();
    let show_created = width >= 76;
    let fixed = week_w + 1 + time_w + 1 + 11 + if show_created { 11 } else { 0 };
    let name_w = width.saturating_sub(fixed).max(6);
    let rows = list
        .schedules
        .iter()
        .enumerate()
        .skip(first)
        .take(rows_h)
        .map(|(i, s)| {
            let style = row_style(i == app.panes.sched_sel, focused, theme);
            let next = app
                .next_run_of(s)
                .map(|t| countdown(app.now, t))
                .unwrap_or_default();
            let mut cells = vec![
                Cell::from(truncate(&s.name, name_w)),
                Cell::from(week(s.days, letters, theme)),
                Cell::from(format!("{}{zone}", s.time)),
                Cell::from(next),
            ];
            if app.fleet.is_deleting(s.id) {
                cells.push(Cell::from(Span::styled("deleting…", theme.warn())));
            } else if show_created {
                cells.push(Cell::from(
                    s.created.get(..10).unwrap_or(&s.created).to_string(),
                ));
            }
            Row::new(cells).style(style)
        });
    let week_head = if letters == 2 {
        "Mo Tu We Th Fr Sa Su"
    } else {
        "M T W T F S S"
    };
    let mut header = vec!["NAME", week_head, "TIME", "NEXT"];
    let mut widths = vec![
        Constraint::Min(6),
        Constraint::Length(week_w as u16 - 1),
        Constraint::Length(time_w as u16),
        Constraint::Length(10),
    ];
    if show_created || !app.fleet.deleting.is_empty() {
        header.push(if show_created { "CREATED" } else { "" });
        widths.push(Constraint::Length(10));
    }
    let table = Table::new(rows, widths).header(Row::new(header).style(theme.accent()));
    f.render_widget(table, table_area);
    if detail_h > 0 {
        let mut lines = vec![Line::styled("─".repeat(width), theme.dim())];
        lines.push(protection_line(app, server.id, theme));
        if let Some(s) = app.selected_schedule() {
            lines.extend(schedule_details(app, s, theme));
        }
        f.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: false }),
            detail_area,
        );
    }
}

/// The selected schedule in both zones, its next run in the user's time, and any DST warning.
fn schedule_details(app: &App, s: &Schedule, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(
        describe(s.days, s.time, &app.session.zones, app.now),
        theme.text(),
    )];
    if let Some(next) = app.next_run_of(s) {
        lines.push(Line::from(vec![
            Span::styled("Next run ", theme.dim()),
            Span::styled(
                format!(
                    "{} {}",
                    local_stamp(&app.session.zones.local, next),
                    app.session.zones.local_label()
                ),
                theme.text(),
            ),
            Span::styled(format!(" · {}", countdown(app.now, next)), theme.accent()),
        ]));
    }
    if let Some(w) = dst_warning(s.days, s.time, &app.session.zones.server, app.now, 366) {
        lines.push(Line::styled(format!("⚠ {}", w.text), theme.warn()));
    }
    lines
}

/// The server's last scheduled backup, or why it is missing.
fn protection_line(app: &App, id: u64, theme: Theme) -> Line<'static> {
    let zone = &app.session.zones.local;
    let last = |t: Option<jiff::Timestamp>| match t {
        Some(t) => format!("{} ({})", age(app.now, t), local_stamp(zone, t)),
        None => "never".into(),
    };
    match app.protection(id) {
        None => match app.fleet.backups.get(&id).and_then(|b| b.error.clone()) {
            Some(e) => Line::styled(format!("Backups: {e}"), theme.error()),
            None => Line::styled(format!("{} loading backups…", spinner(app)), theme.dim()),
        },
        Some(Protection::Protected { last: t }) => Line::from(vec![
            Span::styled("✓ Last backup ", theme.ok()),
            Span::raw(last(Some(t))),
        ]),
        Some(Protection::Missed { expected, last: t }) => Line::styled(
            format!(
                "✗ Missed the {} run · last backup {}",
                local_stamp(zone, expected),
                last(t)
            ),
            theme.error(),
        ),
        Some(Protection::Unprotected { last: t }) => Line::styled(
            format!("Unprotected · last scheduled backup {}", last(t)),
            theme.warn(),
        ),
        Some(Protection::Waiting { last: t }) => Line::styled(
            format!("Waiting for the first run · last backup {}", last(t)),
            theme.dim(),
        ),
    }
}
