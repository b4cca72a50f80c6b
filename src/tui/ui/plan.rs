//! The bulk apply plan screen: what will happen per server, then progress and results.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Gauge, Paragraph, Row, Table};

use super::{Theme, popup, spinner, truncate};
use crate::tui::layers::plan::{PlanScreen, RowState};
use crate::tui::layers::{Areas, Draw};
use crate::tui::model::Model;
use crate::tui::text;
use unicode_width::UnicodeWidthStr;

/// The screen's parts inside `area` (the body): the table (with its header line), the
/// progress gauge and the hint line.
pub fn areas(area: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(super::layout::inner(area))
}

/// How many rows the plan shows at once on the app's screen.
pub fn rows_shown(model: &Model) -> usize {
    super::layout::screen(model.screen).map_or(1, |s| {
        super::layout::page(super::layout::below_header(areas(s.body)[0]))
    })
}

/// Column widths for a table `width` cells wide with two gaps: the result keeps its full
/// width (and takes the room to spare), the server name shrinks first (to 8), then what is
/// done (to 10), and only then the result.
fn widths(width: usize, rows: &[(&str, String, String)]) -> [usize; 3] {
    let most = |w: &dyn Fn(&(&str, String, String)) -> usize, head: usize| {
        rows.iter().map(w).max().unwrap_or(0).max(head)
    };
    let [server, what, _] = text::PLAN_HEAD;
    let server = most(&|r| super::columns::drawn_width(r.0), server.width());
    let what = most(&|r| r.1.width(), what.width());
    // Room for "⣾ listing again" whatever the rows say now, so it does not jump.
    let result = most(&|r| r.2.width(), 16);
    let avail = width.saturating_sub(2);
    let result = result.min(avail.saturating_sub(server.min(8) + what.min(10)));
    let what = what.min(avail.saturating_sub(result + server.min(8)));
    let server_w = avail.saturating_sub(result + what).min(server);
    let result = avail.saturating_sub(server_w + what);
    [server_w, what, result]
}

/// Draws the plan screen over `area`.
pub fn render(model: &Model, plan: &PlanScreen, theme: Theme, area: Rect, f: &mut Frame) {
    let total = plan.changes();
    let (done, failed, running) = plan.progress();
    let title = text::plan_title(&plan.title, plan.rows.len(), total);
    let [list, gauge, hint] = areas(area);
    let shown = super::layout::page(super::layout::below_header(list));
    let first = plan.pos.top(plan.rows.len(), shown);
    let mut b = Block::bordered().title(title).border_style(if failed > 0 {
        theme.error()
    } else {
        theme.accent()
    });
    if let Some(mark) = super::layout::position(first, shown, plan.rows.len()) {
        b = b.title_top(Line::styled(mark, theme.accent()).right_aligned());
    }
    popup(f, area, b);
    let visible: Vec<_> = plan
        .rows
        .iter()
        .skip(first)
        .take(shown)
        .map(|r| {
            let (state, style) = match &r.state {
                RowState::Planned => (String::new(), theme.dim()),
                RowState::Running => (
                    format!("{} {}", spinner(model), text::SENDING),
                    theme.warn(),
                ),
                RowState::Rechecking => (
                    format!("{} {}", spinner(model), text::LISTING_AGAIN),
                    theme.warn(),
                ),
                RowState::Done(note) => (format!("✓ {note}"), theme.ok()),
                RowState::Failed(why) => (format!("✗ {why}"), theme.error()),
            };
            (r, state, style)
        })
        .collect();
    let plan_days = plan.rows.first().map(|r| r.spec.days());
    let texts: Vec<(&str, String, String)> = visible
        .iter()
        .map(|(r, state, _)| {
            (
                r.server.as_str(),
                text::change_what(&r.change, plan_days),
                state.clone(),
            )
        })
        .collect();
    let w = widths(list.width as usize, &texts);
    let rows = visible.iter().zip(&texts).map(|((r, _, style), t)| {
        let change_style = if r.change.is_change() {
            theme.text()
        } else {
            theme.dim()
        };
        Row::new(vec![
            Cell::from(truncate(t.0, w[0])),
            Cell::from(Span::styled(truncate(&t.1, w[1]), change_style)),
            Cell::from(Span::styled(truncate(&t.2, w[2]), *style)),
        ])
    });
    let table = Table::new(rows, w.map(|x| Constraint::Length(x as u16)))
        .header(Row::new(text::PLAN_HEAD).style(theme.accent()));
    f.render_widget(table, list);
    if plan.started {
        let ratio = if total == 0 {
            1.0
        } else {
            (done + failed) as f64 / total as f64
        };
        let label = text::plan_progress(done, failed, running, total);
        f.render_widget(
            Gauge::default()
                .ratio(ratio.clamp(0.0, 1.0))
                .label(label)
                .gauge_style(if failed > 0 {
                    theme.error()
                } else {
                    theme.ok()
                }),
            gauge,
        );
    }
    let line = if plan.quit_asked {
        Line::styled(text::quit_while_applying(&model.keymap), theme.warn())
    } else {
        let text = text::plan_hint(&model.keymap, plan.started, plan.finished(), failed);
        Line::styled(text, theme.dim())
    };
    f.render_widget(Paragraph::new(line), hint);
}

impl Draw for PlanScreen {
    fn draw(&self, model: &Model, theme: Theme, areas: Areas, f: &mut Frame) {
        render(model, self, theme, areas.body, f)
    }

    fn rows_shown(&self, model: &Model) -> usize {
        rows_shown(model)
    }
}
