//! The journal view: the changes bsched made, newest first, the selected one in full below
//! the table, and the restore question over it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, Wrap};
use unicode_width::UnicodeWidthStr;

use super::{Theme, centered, popup, spinner, truncate};
use crate::domain::timing::local_stamp;
use crate::journal::{Entry, Outcome, entry_text};
use crate::tui::layers::journal::JournalView;
use crate::tui::layers::{Areas, Draw};
use crate::tui::model::Model;
use crate::tui::text;

/// Lines under the table for the selected entry in full (a rule, who and when, and what in
/// two lines).
const DETAIL_H: u16 = 4;

/// The view's parts inside `area` (the body): the table (with its header line) and the
/// selected entry's details (empty when the screen is short).
pub fn areas(area: Rect) -> [Rect; 2] {
    let inner = super::layout::inner(area);
    let detail = if inner.height >= 10 { DETAIL_H } else { 0 };
    Layout::vertical([Constraint::Min(1), Constraint::Length(detail)]).areas(inner)
}

/// How many entries the table shows at once on the app's screen.
pub fn rows_shown(model: &Model) -> usize {
    super::layout::screen(model.screen).map_or(1, |s| {
        super::layout::page(super::layout::below_header(areas(s.body)[0]))
    })
}

fn safe(s: &str) -> String {
    crate::sanitize::for_terminal(s).into_owned()
}

/// An entry's server, change and outcome, as `bsched log` says them.
fn parts(e: &Entry) -> (String, String, String) {
    let t = entry_text(e);
    (t.server, format!("{} {}", t.action, t.change), t.result)
}

/// Column widths for a table `width` cells wide with five gaps: the entry and the time keep
/// their width; the outcome keeps its own unless the change, the profile and the server would
/// fall below a readable minimum (a long failure is then cut here and shown whole in the
/// details below); of the rest, the server name shrinks first, then the change.
fn widths(width: usize, rows: &[(String, String, String, String)]) -> [usize; 6] {
    let most = |f: fn(&(String, String, String, String)) -> &String, head: &str| {
        rows.iter()
            .map(|r| f(r).width())
            .max()
            .unwrap_or(0)
            .max(head.width())
    };
    let [_, _, profile, server, change, outcome] = text::JOURNAL_HEAD;
    let profile = most(|r| &r.0, profile).min(12);
    let server = most(|r| &r.1, server);
    let change = most(|r| &r.2, change);
    let outcome = most(|r| &r.3, outcome);
    let (entry_w, time_w) = (5, 16);
    let avail = width.saturating_sub(5 + entry_w + time_w);
    let least = profile.min(7) + change.min(20) + server.min(8);
    let outcome = outcome.min(avail.saturating_sub(least)).max(7);
    let mut rest = avail.saturating_sub(outcome);
    let profile = profile.min(rest.saturating_sub(change.min(20) + server.min(8)));
    rest = rest.saturating_sub(profile);
    let change_w = change.min(rest.saturating_sub(server.min(8)));
    rest = rest.saturating_sub(change_w);
    let server_w = server.min(rest);
    // Room to spare goes to the outcome, the last column.
    let outcome = outcome + rest.saturating_sub(server_w);
    [entry_w, time_w, profile, server_w, change_w, outcome]
}

/// Draws the journal view over `area`.
pub fn render(model: &Model, view: &JournalView, theme: Theme, area: Rect, f: &mut Frame) {
    let [table_area, detail_area] = areas(area);
    let rows_area = super::layout::below_header(table_area);
    let shown = super::layout::page(rows_area);
    let n = view.entries.as_ref().map_or(0, Vec::len);
    let first = view.pos.first(n, shown);
    let mut b = Block::bordered()
        .title(text::journal_title(&model.keymap))
        .border_style(theme.accent());
    if let Some(mark) = super::layout::position(first, shown, n) {
        b = b.title_bottom(Line::styled(mark, theme.accent()).right_aligned());
    }
    let inner = popup(f, area, b);
    let entries = match (&view.entries, &view.error) {
        (_, Some(e)) => {
            f.render_widget(
                Paragraph::new(Line::styled(e.clone(), theme.error())),
                inner,
            );
            return;
        }
        (None, None) => {
            f.render_widget(
                Paragraph::new(Line::styled(
                    format!("{} {}", spinner(model), text::READING),
                    theme.warn(),
                )),
                inner,
            );
            return;
        }
        (Some(e), None) => e,
    };
    if entries.is_empty() {
        f.render_widget(
            Paragraph::new(Line::styled(text::NO_CHANGES, theme.dim())),
            inner,
        );
        return;
    }
    let visible: Vec<&Entry> = entries.iter().rev().skip(first).take(shown).collect();
    let texts: Vec<(String, String, String, String)> = visible
        .iter()
        .map(|e| {
            let (server, change, outcome) = parts(e);
            (safe(&e.profile), server, change, outcome)
        })
        .collect();
    let w = widths(table_area.width as usize, &texts);
    let rows = visible.iter().zip(&texts).enumerate().map(|(i, (e, t))| {
        let style = match e.outcome {
            Outcome::Done => theme.ok(),
            Outcome::Failed => theme.error(),
            Outcome::Unknown => theme.warn(),
        };
        let row = Row::new(vec![
            Cell::from(e.id.to_string()),
            Cell::from(local_stamp(&model.session.zones.local, e.time)),
            Cell::from(truncate(&t.0, w[2])),
            Cell::from(truncate(&t.1, w[3])),
            Cell::from(truncate(&t.2, w[4])),
            Cell::from(Span::styled(truncate(&t.3, w[5]), style)),
        ]);
        if first + i == view.pos.sel {
            row.style(theme.selected())
        } else {
            row
        }
    });
    let table = Table::new(rows, w.map(|x| Constraint::Length(x as u16)))
        .header(Row::new(text::JOURNAL_HEAD).style(theme.accent()));
    f.render_widget(table, table_area);
    if detail_area.height > 0
        && let Some(e) = view.selected()
    {
        let [rule, who, what] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(0),
        ])
        .areas(detail_area);
        let width = detail_area.width as usize;
        let (server, change, outcome) = parts(e);
        f.render_widget(Line::styled("─".repeat(width), theme.dim()), rule);
        let head = text::entry_head(
            e.id,
            &local_stamp(&model.session.zones.local, e.time),
            &safe(&e.profile),
            &server,
        );
        f.render_widget(Line::styled(truncate(&head, width), theme.dim()), who);
        f.render_widget(
            Paragraph::new(format!("{change} · {outcome}")).wrap(Wrap { trim: false }),
            what,
        );
    }
    if let Some(q) = view.question(model) {
        let w = (q.width() as u16 + 4).min(area.width);
        let h = if q.width() + 4 > area.width as usize {
            4
        } else {
            3
        };
        let b = Block::bordered()
            .title(text::RESTORE_TITLE)
            .border_style(theme.warn());
        let inner = popup(f, centered(area, w, h), b);
        f.render_widget(
            Paragraph::new(Line::styled(q, theme.text())).wrap(Wrap { trim: true }),
            inner,
        );
    } else if let Some(entry) = view.restoring.filter(|_| detail_area.height > 0) {
        let line = Line::styled(
            format!(" {} {} ", spinner(model), text::restoring_entry(entry)),
            theme.warn(),
        );
        f.render_widget(
            Paragraph::new(line),
            Rect {
                height: 1,
                ..detail_area
            },
        );
    }
}

impl Draw for JournalView {
    fn draw(&self, model: &Model, theme: Theme, areas: Areas, f: &mut Frame) {
        render(model, self, theme, areas.body, f)
    }

    fn rows_shown(&self, model: &Model) -> usize {
        rows_shown(model)
    }

    fn list_rows(&self, _model: &Model, on: Areas) -> Option<Rect> {
        Some(super::layout::below_header(areas(on.body)[0]))
    }
}
