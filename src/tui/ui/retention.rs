//! The retention dialog.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::{Theme, centered, popup, spinner, truncate};
use crate::tui::layers::retention::RetentionDialog;
use crate::tui::layers::{Areas, Draw};
use crate::tui::model::Model;
use crate::tui::text;

/// The retention dialog: choose 1-10, then confirm.
pub fn render(d: &RetentionDialog, model: &Model, theme: Theme, area: Rect, f: &mut Frame) {
    let spinner = spinner(model);
    let b = Block::bordered()
        .title(text::retention_title(&truncate(&d.server_name, 30)))
        .border_style(if d.confirming {
            theme.warn()
        } else {
            theme.accent()
        });
    let inner = popup(f, centered(area, 60, 10), b);
    let current = d
        .current
        .map(|c| c.to_string())
        .unwrap_or_else(|| text::UNKNOWN.into());
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("{:<9}", text::RETENTION_NOW), theme.dim()),
            Span::raw(current.clone()),
        ]),
        Line::from(vec![
            Span::styled(format!("{:<9}", text::RETENTION_KEEP), theme.dim()),
            Span::styled(format!("◀ {:>2} ▶", d.value), theme.selected()),
            Span::styled(text::RETENTION_RANGE, theme.dim()),
        ]),
        Line::raw(""),
    ];
    if d.saving {
        lines.push(Line::styled(
            format!("{spinner} {}", text::RETENTION_SAVING),
            theme.warn(),
        ));
    } else if d.confirming {
        let shrink = d.current.is_some_and(|c| d.value < c);
        lines.push(Line::styled(
            text::change_question(&current, d.value, shrink),
            theme.warn(),
        ));
        lines.push(super::confirm::answers(
            text::retention_answers(&model.keymap),
            theme,
        ));
    } else {
        if let Some(e) = &d.error {
            lines.push(Line::styled(e.clone(), theme.error()));
        }
        lines.push(Line::styled(
            text::retention_hint(&model.keymap),
            theme.dim(),
        ));
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

impl Draw for RetentionDialog {
    fn draw(&self, model: &Model, theme: Theme, areas: Areas, f: &mut Frame) {
        render(self, model, theme, areas.screen, f)
    }
}
