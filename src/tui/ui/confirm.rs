//! The delete confirmation.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::{Theme, centered, popup, truncate};
use crate::domain::timing::describe;
use crate::tui::app::App;
use crate::tui::layers::confirm::ConfirmDelete;
use crate::tui::text;

/// The delete dialog: names the schedule, its server, its days and time.
pub fn render(c: &ConfirmDelete, app: &App, theme: Theme, area: Rect, f: &mut Frame) {
    let b = Block::bordered()
        .title(" Delete schedule? ")
        .border_style(theme.error());
    let inner = popup(f, centered(area, 56, 9), b);
    let (yes, no) = text::yes_no(&app.keymap);
    let w = inner.width.saturating_sub(10) as usize;
    let s = &c.schedule;
    let lines = vec![
        Line::from(vec![
            Span::styled("Schedule ", theme.dim()),
            Span::styled(truncate(&s.name, w), theme.accent()),
        ]),
        Line::from(vec![
            Span::styled("Server   ", theme.dim()),
            Span::raw(truncate(&c.server_name, w)),
        ]),
        Line::from(vec![
            Span::styled("Runs     ", theme.dim()),
            Span::raw(describe(s.days, s.time, &app.session.zones, app.now)),
        ]),
        Line::raw(""),
        Line::from(vec![
            Span::styled(format!(" {yes} "), theme.key()),
            Span::raw("delete   "),
            Span::styled(format!(" {no} "), theme.key()),
            Span::raw("cancel"),
        ]),
    ];
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
