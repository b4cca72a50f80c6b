//! The servers pane, and what both panes share. Only the visible rows are built.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, Wrap};
use unicode_width::UnicodeWidthStr;

use super::columns;
use super::triage::{hidden_field, ignored_cell, name_cell, note_fits, sort_mark, untold_note};
use super::{Theme, fit, spinner, truncate};
use crate::domain::backups::Protection;
use crate::domain::timing::{age, countdown};
use crate::tui::model::{Model, Pane};
use crate::tui::text;

pub(super) fn block(title: String, focused: bool, theme: Theme) -> Block<'static> {
    let b = Block::bordered().title(Line::from(title));
    if focused {
        b.border_style(theme.accent())
    } else {
        b.border_style(theme.dim())
    }
}

/// The freshness mark in a pane's top-right corner: a spinner while a refresh runs, and how
/// long ago the data on screen arrived; in `room` cells (the border left of the title), in a
/// shorter form when the long one would run into the title, or not at all.
pub(super) fn freshness(
    model: &Model,
    updated: Option<jiff::Timestamp>,
    cached: bool,
    loading: bool,
    room: usize,
    theme: Theme,
) -> Option<Line<'static>> {
    let updated = updated?;
    let age = model.now.duration_since(updated).as_secs().max(0);
    let spin = if loading {
        format!("{} ", spinner(model))
    } else {
        String::new()
    };
    let text = text::freshness(&spin, &text::short_age(age), cached)
        .into_iter()
        .find(|t| t.width() < room)?;
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
pub(super) fn panel_filter_mark(model: &Model, width: u16, theme: Theme) -> Option<Line<'static>> {
    if model.fleet.panel_filter.is_empty() {
        return None;
    }
    let fields = crate::sanitize::for_terminal(&model.fleet.panel_filter.join(", ")).into_owned();
    let room = (width as usize).saturating_sub(4);
    let text = text::panel_filter_marks(&fields)
        .into_iter()
        .find(|t| t.width() <= room)
        .unwrap_or_else(|| truncate(text::PANEL_FILTER_ON, room));
    Some(Line::styled(text, theme.warn()))
}

/// The style of a row: reversed when selected in the focused pane, underlined in the other.
pub(super) fn row_style(selected: bool, focused: bool, theme: Theme) -> Style {
    match (selected, focused) {
        (true, true) => theme.selected(),
        (true, false) => theme.selected_unfocused(),
        (false, _) => theme.text(),
    }
}

/// The first row to show so that `sel` is visible in `height` rows.
pub(super) fn offset(sel: usize, height: usize) -> usize {
    super::layout::pane_first(sel, height)
}

/// The server list.
pub fn servers(model: &Model, theme: Theme, area: Rect, f: &mut Frame) {
    let focused = model.panes.pane == Pane::Servers;
    let count = if model.fleet.filter.is_empty() {
        format!("{}", model.fleet.servers().len())
    } else {
        format!(
            "{}/{}",
            model.fleet.visible.len(),
            model.fleet.servers().len()
        )
    };
    let title = text::servers_title(&count, &sort_mark(model));
    let room = (area.width as usize).saturating_sub(title.width() + 2);
    let mut b = block(title, focused, theme);
    if let Some(mark) = freshness(
        model,
        model.fleet.servers.updated,
        model.fleet.servers.cached,
        model.fleet.servers.loading.is_some(),
        room,
        theme,
    ) {
        b = b.title_top(mark);
    }
    if let Some(mark) = panel_filter_mark(model, area.width, theme) {
        b = b.title_bottom(mark);
    }
    let inner = b.inner(area);
    f.render_widget(b, area);
    if !model.fleet.servers_loaded() {
        let text = match &model.fleet.servers.error {
            Some(e) => Line::styled(truncate(e, inner.width as usize), theme.error()),
            None => Line::styled(
                format!("{} {}", spinner(model), text::LOADING_SERVERS),
                theme.warn(),
            ),
        };
        f.render_widget(Paragraph::new(text), inner);
        return;
    }
    if model.fleet.visible.is_empty() {
        let line = if model.fleet.servers().is_empty() {
            Line::styled(text::NO_SERVERS, theme.dim())
        } else if let Some(e) = &model.fleet.filter_error {
            Line::styled(text::filter_error(e), theme.error())
        } else if model.fleet.query.uses_state() && model.fleet.busy() {
            Line::styled(text::STATES_LOADING, theme.warn())
        } else {
            Line::styled(text::NO_SERVER_MATCHES, theme.dim())
        };
        f.render_widget(Paragraph::new(line).wrap(Wrap { trim: false }), inner);
        return;
    }
    let rows_h = inner.height.saturating_sub(1) as usize;
    let first = offset(model.panes.server_sel, rows_h);
    // A narrow pane drops the id, the data centre, the IP, the state and the next run, in
    // that order, before the name shrinks; the backup flag is shown whole, long or short.
    // Measured on the rows on screen only (a fleet may have thousands).
    let mark_w = if model.fleet.marked.is_empty() { 0 } else { 2 };
    let on_screen = || model.fleet.shown().skip(first).take(rows_h);
    let names = || on_screen().map(|s| s.name.as_str());
    let cols = columns::servers(
        inner.width as usize,
        columns::comfort(names()) + mark_w,
        columns::id_width(on_screen().map(|s| s.id)),
    );
    // A name cell is as wide as its longest name, and the note of why it matched.
    let noted = on_screen()
        .filter_map(|s| {
            let note = model.match_note(s, |f| hidden_field(f, &cols))?;
            Some(columns::drawn_width(&s.name) + 1 + note.width())
        })
        .max()
        .unwrap_or(0);
    let name_w = cols.name.min(columns::longest(names()).max(noted) + mark_w);
    // Why rows matched, when no column shows it and the name cell has no room to say it.
    let mut untold: Vec<String> = Vec::new();
    let rows = model
        .fleet
        .visible
        .iter()
        .enumerate()
        .skip(first)
        .take(rows_h)
        .map(|(row, i)| {
            let s = &model.fleet.servers()[*i];
            let ignored = model.ignored(s);
            let mut style = row_style(row == model.panes.server_sel, focused, theme);
            if ignored && row != model.panes.server_sel {
                style = theme.dim();
            }
            let note = model.match_note(s, |f| hidden_field(f, &cols)).filter(|n| {
                let fits = note_fits(n, name_w);
                if !fits && !untold.contains(n) {
                    untold.push(n.clone());
                }
                fits
            });
            let name = name_cell(model, s, note.as_deref(), name_w, theme);
            let mut cells = vec![Cell::from(name)];
            if cols.state {
                cells.push(Cell::from(fit(&s.status, columns::STATE)));
            }
            if cols.ip {
                cells.push(Cell::from(fit(&s.ip, columns::IP)));
            }
            if cols.dc {
                cells.push(Cell::from(fit(&s.datacenter, columns::DC)));
            }
            let info = model.row(s.id);
            cells.push(Cell::from(count_cell(model, s.id, theme)));
            let flag = if ignored {
                ignored_cell(cols.long_flag, theme)
            } else {
                backup_cell(model, s.id, info.protection, cols.long_flag, theme)
            };
            cells.push(Cell::from(flag));
            if cols.next {
                let next = info
                    .next
                    .map(|t| countdown(model.now, t))
                    .unwrap_or_default();
                cells.push(Cell::from(next));
            }
            if cols.id.is_some() {
                cells.push(Cell::from(Span::styled(s.id.to_string(), theme.dim())));
            }
            Row::new(cells).style(style)
        });
    let w = |n: usize| Constraint::Length(n as u16);
    let mut widths = vec![w(name_w)];
    let mut header = vec![text::HEAD_NAME];
    for (shown, width, head) in [
        (cols.state, columns::STATE, text::HEAD_STATUS),
        (cols.ip, columns::IP, text::HEAD_IP),
        (cols.dc, columns::DC, text::HEAD_DC),
        (true, columns::COUNT, text::HEAD_COUNT),
        (
            true,
            if cols.long_flag {
                columns::FLAG_LONG
            } else {
                columns::FLAG_SHORT
            },
            text::HEAD_BACKUP,
        ),
        (cols.next, columns::NEXT, text::HEAD_NEXT),
        (cols.id.is_some(), cols.id.unwrap_or(0), text::HEAD_ID),
    ] {
        if shown {
            widths.push(w(width));
            header.push(head);
        }
    }
    let table = Table::new(rows, widths).header(Row::new(header).style(theme.accent()));
    f.render_widget(table, inner);
    if let Some(line) = untold_note(&untold, area.width, theme) {
        let bottom = Rect::new(
            area.x + 1,
            area.bottom().saturating_sub(1),
            area.width.saturating_sub(2),
            1,
        );
        f.render_widget(Paragraph::new(line.right_aligned()), bottom);
    }
}

/// A server's schedule count: `…` until they arrive, `!` when they could not be loaded (the
/// schedules pane says why), and `2!` when the list on screen could not be read again.
fn count_cell(model: &Model, id: u64, theme: Theme) -> Span<'static> {
    let entry = model.fleet.schedules.get(&id);
    let failed = entry.is_some_and(|e| e.error.is_some());
    match entry.and_then(|e| e.list.as_ref()) {
        Some(l) if failed => Span::styled(format!("{}!", l.schedules.len()), theme.error()),
        Some(l) if l.schedules.is_empty() => Span::styled("0", theme.warn()),
        Some(l) => Span::styled(l.schedules.len().to_string(), theme.text()),
        None if failed => Span::styled(FAILED_MARK, theme.error()),
        None => Span::styled("…", theme.dim()),
    }
}

/// The mark of a load that failed, in the row (the schedules pane says why).
pub(super) const FAILED_MARK: &str = "!";

/// A server's backup state in one cell: the age of its last scheduled backup, or a flag, in
/// its long form or its short one (never cut).
fn backup_cell(
    model: &Model,
    id: u64,
    protection: Option<Protection>,
    long: bool,
    theme: Theme,
) -> Span<'static> {
    if model
        .fleet
        .backups
        .get(&id)
        .is_some_and(|b| b.error.is_some() && b.list.is_none())
    {
        return Span::styled(FAILED_MARK, theme.error());
    }
    let (text, style): (String, Style) = match protection {
        None => ("…".into(), theme.dim()),
        Some(Protection::Protected { last }) => {
            (text::backup_age(age(model.now, last), long), theme.ok())
        }
        Some(Protection::Missed { .. }) => (text::flag_missed(long).into(), theme.error()),
        Some(Protection::Unprotected { .. }) => (text::flag_unprotected(long).into(), theme.warn()),
        Some(Protection::Waiting { .. }) => (text::flag_waiting(long).into(), theme.dim()),
    };
    Span::styled(text, style)
}
