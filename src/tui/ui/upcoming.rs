//! The fleet's upcoming backups, soonest first, beside a 7 x 24 heat map of start hours.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use super::{Theme, popup, truncate};
use crate::domain::DAYS;
use crate::domain::timing::{countdown, local_stamp};
use crate::domain::upcoming::Upcoming;
use crate::tui::layers::upcoming::UpcomingView;
use crate::tui::layers::{Areas, Draw, ListPos};
use crate::tui::model::Model;
use crate::tui::text;

/// Width of the heat map: day label, 24 two-cell hours, borders.
const HEAT_W: u16 = 4 + 48 + 2;
/// Height of the heat map: header, seven days, legend, peak, borders.
const HEAT_H: u16 = 1 + 7 + 1 + 2 + 2;

/// The view's parts inside `area` (the body): the box, the list (with its header line) and
/// the heat map when there is room for it.
pub fn areas(area: Rect) -> (Rect, Option<Rect>) {
    let inner = super::layout::inner(area);
    if inner.width >= HEAT_W + 50 {
        let [l, h] =
            Layout::horizontal([Constraint::Min(40), Constraint::Length(HEAT_W)]).areas(inner);
        (l, Some(h))
    } else if inner.height >= HEAT_H + 5 {
        let [l, h] =
            Layout::vertical([Constraint::Min(4), Constraint::Length(HEAT_H)]).areas(inner);
        (l, Some(h))
    } else {
        (inner, None)
    }
}

/// The list's rows on a screen of `screen` (below the header line).
pub fn rows_area(screen: Rect) -> Option<Rect> {
    let body = super::layout::screen(screen)?.body;
    Some(super::layout::below_header(areas(body).0))
}

/// How many runs the list shows at once on the app's screen.
pub fn rows_shown(model: &Model) -> usize {
    rows_area(model.screen).map_or(1, super::layout::page)
}

/// Draws the view over `area`, its list at `pos`.
pub fn render(model: &Model, up: &Upcoming, pos: ListPos, theme: Theme, area: Rect, f: &mut Frame) {
    let title = text::upcoming_title(
        &model.keymap,
        &model.session.zones.local_label(),
        &model.fleet.filter,
    );
    let (list_area, heat_area) = areas(area);
    let shown = super::layout::page(super::layout::below_header(list_area));
    let first = pos.first(up.rows.len(), shown);
    let mut b = Block::bordered().title(title).border_style(theme.accent());
    if let Some(mark) = super::layout::position(first, shown, up.rows.len()) {
        b = b.title_top(Line::styled(mark, theme.accent()).right_aligned());
    }
    if let Some(mark) = super::panes::panel_filter_mark(model, area.width, theme) {
        b = b.title_bottom(mark);
    }
    if let Some(cover) = coverage(model) {
        b = b.title_bottom(Line::styled(cover, theme.warn()).right_aligned());
    }
    popup(f, area, b);
    list(model, up, first, pos.sel, theme, list_area, f);
    if let Some(h) = heat_area {
        heat(up, theme, h, f);
    }
}

fn list(
    model: &Model,
    up: &Upcoming,
    first: usize,
    sel: usize,
    theme: Theme,
    area: Rect,
    f: &mut Frame,
) {
    if up.rows.is_empty() {
        let text = if up.servers.0 < up.servers.1 {
            text::STILL_LOADING
        } else {
            text::NO_RUNS
        };
        f.render_widget(Paragraph::new(Line::styled(text, theme.dim())), area);
        return;
    }
    let width = area.width as usize;
    let show_dc = width >= 72;
    let fixed = 17 + 11 + if show_dc { 14 } else { 0 };
    let rest = width.saturating_sub(fixed);
    let server_w = (rest / 2).max(6);
    let sched_w = rest.saturating_sub(server_w + 1).max(6);
    let rows = up
        .rows
        .iter()
        .enumerate()
        .skip(first)
        .take(area.height.saturating_sub(1) as usize)
        .map(|(i, r)| {
            let mut cells = vec![
                Cell::from(local_stamp(&model.session.zones.local, r.at)),
                Cell::from(Span::styled(countdown(model.now, r.at), theme.accent())),
                Cell::from(truncate(&r.server, server_w)),
                Cell::from(truncate(&r.schedule, sched_w)),
            ];
            if show_dc {
                cells.push(Cell::from(truncate(&r.datacenter, 13)));
            }
            let row = Row::new(cells);
            if i == sel {
                row.style(theme.selected())
            } else {
                row
            }
        });
    let mut widths = vec![
        Constraint::Length(16),
        Constraint::Length(10),
        Constraint::Length(server_w as u16),
        Constraint::Min(6),
    ];
    let mut header = text::UPCOMING_HEAD.to_vec();
    if show_dc {
        widths.push(Constraint::Length(13));
        header.push(text::HEAD_DC);
    }
    let table = Table::new(rows, widths).header(Row::new(header).style(theme.accent()));
    f.render_widget(table, area);
}

/// One of five shades for a count, relative to the busiest hour.
fn shade(count: u32, max: u32) -> usize {
    if count == 0 || max == 0 {
        0
    } else {
        (count * 4).div_ceil(max).clamp(1, 4) as usize
    }
}

const SHADES: [&str; 5] = ["· ", "░░", "▒▒", "▓▓", "██"];

fn heat(up: &Upcoming, theme: Theme, area: Rect, f: &mut Frame) {
    let b = Block::bordered()
        .title(text::HEAT_TITLE)
        .border_style(theme.dim());
    let inner = b.inner(area);
    f.render_widget(b, area);
    let max = up.heat.iter().flatten().copied().max().unwrap_or(0);
    let mut header = String::from("    ");
    for h in 0..24 {
        header.push_str(&if h % 3 == 0 {
            format!("{h:<2}")
        } else {
            "  ".into()
        });
    }
    let mut lines = vec![Line::styled(header, theme.dim())];
    for (d, day) in DAYS.iter().enumerate() {
        let mut spans = vec![Span::styled(format!("{} ", day.title()), theme.dim())];
        for h in 0..24 {
            let level = shade(up.heat[d][h], max);
            let style = match level {
                0 => theme.dim(),
                4 => theme.error(),
                3 => theme.warn(),
                _ => theme.ok(),
            };
            spans.push(Span::styled(SHADES[level], style));
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::styled(legend(max), theme.dim()));
    if let Some(p) = &up.peak {
        let text = text::busiest(p.day.title(), p.hour, p.count, p.dc_count, &p.datacenter);
        let style = if p.dc_count > 1 {
            theme.warn()
        } else {
            theme.text()
        };
        lines.push(Line::styled(text, style));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// The legend: which counts each shade stands for (only the shades in use).
fn legend(max: u32) -> String {
    if max == 0 {
        return text::NO_RUNS_WEEK.into();
    }
    let mut parts = Vec::new();
    for (level, glyph) in SHADES.iter().enumerate().skip(1) {
        let glyph = glyph.chars().next().unwrap_or(' ');
        let counts: Vec<u32> = (1..=max).filter(|c| shade(*c, max) == level).collect();
        match (counts.first(), counts.last()) {
            (Some(lo), Some(hi)) if lo == hi => parts.push(format!("{glyph} {lo}")),
            (Some(lo), Some(hi)) => parts.push(format!("{glyph} {lo}-{hi}")),
            _ => {}
        }
    }
    text::heat_legend(&parts.join("  "))
}

/// How much of the shown fleet the view covers, while schedules load or come from the cache.
fn coverage(model: &Model) -> Option<String> {
    let (mut known, mut cached, mut total) = (0, 0, 0);
    for s in model.fleet.shown() {
        total += 1;
        if let Some(l) = model
            .fleet
            .schedules
            .get(&s.id)
            .filter(|l| l.list.is_some())
        {
            known += 1;
            cached += usize::from(l.cached);
        }
    }
    text::coverage(known, total, cached)
}

impl Draw for UpcomingView {
    fn draw(&self, model: &Model, theme: Theme, areas: Areas, f: &mut Frame) {
        render(model, &self.data, self.pos, theme, areas.body, f)
    }

    fn rows_shown(&self, model: &Model) -> usize {
        rows_shown(model)
    }

    fn list_rows(&self, _model: &Model, on: Areas) -> Option<Rect> {
        Some(super::layout::below_header(areas(on.body).0))
    }
}
