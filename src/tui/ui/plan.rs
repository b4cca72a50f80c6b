//! The bulk apply plan screen (what will happen per server, then progress and results) and
//! the journal view.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Clear, Gauge, Paragraph, Row, Table};

use super::{Theme, spinner, truncate};
use crate::domain::plan::Change;
use crate::domain::timing::local_stamp;
use crate::journal::{Action, Outcome};
use crate::tui::app::{App, JournalView};
use crate::tui::bulk::{PlanScreen, RowState};

fn what(change: &Change) -> String {
    match change {
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
    f.render_widget(Clear, area);
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
    let inner = b.inner(area);
    f.render_widget(b, area);
    let [list, gauge, hint] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    let name_w = (list.width as usize).saturating_sub(60).max(10);
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
                Cell::from(Span::styled(what(&r.change), change_style)),
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
    let text = if !plan.started {
        "Enter/y applies this plan · Esc/n cancels (nothing is sent) · ↑/↓ scroll"
    } else if !plan.finished() {
        "applying… each server gets its own result; one failure does not stop the others"
    } else if failed > 0 {
        "r retries the failed ones (after listing them again) · Esc/Enter closes"
    } else {
        "done · Esc/Enter closes"
    };
    f.render_widget(Paragraph::new(Line::styled(text, theme.dim())), hint);
}

/// Draws the journal over `area`, newest first.
pub fn journal(app: &App, view: &JournalView, theme: Theme, area: Rect, f: &mut Frame) {
    f.render_widget(Clear, area);
    let b = Block::bordered()
        .title(" Change journal · newest first · L/Esc closes · bsched restore ENTRY recreates a delete ")
        .border_style(theme.accent());
    let inner = b.inner(area);
    f.render_widget(b, area);
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
                    format!("{} reading…", spinner(app)),
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
            Paragraph::new(Line::styled("No changes recorded yet.", theme.dim())),
            inner,
        );
        return;
    }
    let rows = entries
        .iter()
        .rev()
        .take(inner.height.saturating_sub(1) as usize)
        .map(|e| {
            let what = match e.action {
                Action::Create => e
                    .after
                    .as_ref()
                    .map(|s| format!("+ '{}' {}", s.name, s.time)),
                Action::Edit => e
                    .after
                    .as_ref()
                    .map(|s| format!("~ '{}' {}", s.name, s.time)),
                Action::Delete => e
                    .before
                    .as_ref()
                    .map(|s| format!("- '{}' {}", s.name, s.time)),
                Action::Retention => e.retention.map(|(_, a)| format!("keep {a}")),
            }
            .unwrap_or_default();
            let (outcome, style) = match e.outcome {
                Outcome::Done => ("done".to_string(), theme.ok()),
                Outcome::Failed => (
                    format!("failed: {}", e.error.clone().unwrap_or_default()),
                    theme.error(),
                ),
                Outcome::Unknown => ("unknown".to_string(), theme.warn()),
            };
            Row::new(vec![
                Cell::from(e.id.to_string()),
                Cell::from(local_stamp(&app.zones.local, e.time)),
                Cell::from(e.profile.clone()),
                Cell::from(
                    e.server
                        .clone()
                        .unwrap_or_else(|| e.instance_id.to_string()),
                ),
                Cell::from(what),
                Cell::from(Span::styled(outcome, style)),
            ])
        });
    let table = Table::new(
        rows,
        [
            Constraint::Length(5),
            Constraint::Length(16),
            Constraint::Length(10),
            Constraint::Length(18),
            Constraint::Min(16),
            Constraint::Min(8),
        ],
    )
    .header(
        Row::new(vec![
            "ENTRY", "TIME", "PROFILE", "SERVER", "CHANGE", "OUTCOME",
        ])
        .style(theme.accent()),
    );
    f.render_widget(table, inner);
}
