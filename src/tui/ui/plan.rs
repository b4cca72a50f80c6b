//! The bulk apply plan screen: what will happen per server, then progress and results.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Gauge, Paragraph, Row, Table};

use super::{Theme, popup, spinner, truncate};
use crate::domain::Weekdays;
use crate::domain::plan::Change;
use crate::tui::app::App;
use crate::tui::layers::plan::{PlanScreen, RowState};
use crate::tui::text;

/// A row's change; a create on other days than the plan's (a start after midnight in a
/// staggered window runs the next day) names its days.
fn what(change: &Change, plan_days: Option<Weekdays>) -> String {
    match change {
        Change::Create { spec, .. } if plan_days.is_some_and(|d| d != spec.days()) => {
            format!("create {} {}", spec.days().display(), spec.time())
        }
        Change::Create { spec, .. } => format!("create at {}", spec.time()),
        Change::Update { before, spec, .. } => {
            if before.days == spec.days() {
                format!("replace {} → {}", before.time, spec.time())
            } else {
                format!(
                    "replace {} {} → {} {}",
                    before.days.display(),
                    before.time,
                    spec.days().display(),
                    spec.time()
                )
            }
        }
        Change::Unchanged { schedule, .. } => format!("unchanged ({})", schedule.time),
        Change::Delete { before, .. } => format!("delete {}", before.time),
        Change::Retention { after, .. } => format!("keep {after}"),
    }
}

/// Draws the plan screen over `area`.
pub fn render(app: &App, plan: &PlanScreen, theme: Theme, area: Rect, f: &mut Frame) {
    let total = plan.changes();
    let (done, failed, running) = plan.progress();
    let title = format!(
        " {} on {} servers · {} change{} ",
        plan.title,
        plan.rows.len(),
        total,
        if total == 1 { "" } else { "s" }
    );
    let b = Block::bordered().title(title).border_style(if failed > 0 {
        theme.error()
    } else {
        theme.accent()
    });
    let inner = popup(f, area, b);
    let [list, gauge, hint] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    let name_w = (list.width as usize).saturating_sub(60).max(10);
    let plan_days = plan.rows.first().map(|r| r.spec.days());
    let rows = plan
        .rows
        .iter()
        .skip(plan.scroll)
        .take(list.height.saturating_sub(1) as usize)
        .map(|r| {
            let (state, style) = match &r.state {
                RowState::Planned => (String::new(), theme.dim()),
                RowState::Running => (format!("{} sending", spinner(app)), theme.warn()),
                RowState::Rechecking => (format!("{} listing again", spinner(app)), theme.warn()),
                RowState::Done(note) => (format!("✓ {note}"), theme.ok()),
                RowState::Failed(why) => (format!("✗ {why}"), theme.error()),
            };
            let change_style = if r.change.is_change() {
                theme.text()
            } else {
                theme.dim()
            };
            Row::new(vec![
                Cell::from(truncate(&r.server, name_w)),
                Cell::from(Span::styled(what(&r.change, plan_days), change_style)),
                Cell::from(Span::styled(state, style)),
            ])
        });
    let table = Table::new(
        rows,
        [
            Constraint::Length(name_w as u16),
            Constraint::Length(30),
            Constraint::Min(10),
        ],
    )
    .header(Row::new(vec!["SERVER", "WHAT", "RESULT"]).style(theme.accent()));
    f.render_widget(table, list);
    if plan.started {
        let ratio = if total == 0 {
            1.0
        } else {
            (done + failed) as f64 / total as f64
        };
        let label = format!("{done} applied, {failed} failed, {running} in flight of {total}");
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
    let text = text::plan_hint(&app.keymap, plan.started, plan.finished(), failed);
    f.render_widget(Paragraph::new(Line::styled(text, theme.dim())), hint);
}
