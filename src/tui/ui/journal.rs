//! The journal view: the changes bsched made, newest first.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use super::{Theme, popup, spinner};
use crate::domain::timing::local_stamp;
use crate::journal::{Outcome, entry_text};
use crate::sanitize::for_terminal;
use crate::tui::app::App;
use crate::tui::layers::journal::JournalView;
use crate::tui::text;

/// Draws the journal over `area`, newest first.
/// Draws the journal view over `area`.
pub fn render(app: &App, view: &JournalView, theme: Theme, area: Rect, f: &mut Frame) {
    let b = Block::bordered()
        .title(text::journal_title(&app.keymap))
        .border_style(theme.accent());
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
        .skip(view.scroll)
        .take(inner.height.saturating_sub(1) as usize)
        .map(|e| {
            let t = entry_text(e);
            let style = match e.outcome {
                Outcome::Done => theme.ok(),
                Outcome::Failed => theme.error(),
                Outcome::Unknown => theme.warn(),
            };
            Row::new(vec![
                Cell::from(e.id.to_string()),
                Cell::from(local_stamp(&app.session.zones.local, e.time)),
                Cell::from(for_terminal(&e.profile).into_owned()),
                Cell::from(t.server),
                Cell::from(format!("{} {}", t.action, t.change)),
                Cell::from(Span::styled(t.result, style)),
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
