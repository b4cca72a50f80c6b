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
        .title(format!(" Backups kept · {} ", truncate(&d.server_name, 30)))
        .border_style(if d.confirming {
            theme.warn()
        } else {
            theme.accent()
        });
    let inner = popup(f, centered(area, 60, 10), b);
    let (yes, no) = text::yes_no(&model.keymap);
    let current = d
        .current
        .map(|c| c.to_string())
        .unwrap_or_else(|| "unknown".into());
    let mut lines = vec![
        Line::from(vec![
            Span::styled("Now      ", theme.dim()),
            Span::raw(current.clone()),
        ]),
        Line::from(vec![
            Span::styled("Keep     ", theme.dim()),
            Span::styled(format!("◀ {:>2} ▶", d.value), theme.selected()),
            Span::styled("  scheduled backups (1-10)", theme.dim()),
        ]),
        Line::raw(""),
    ];
    if d.saving {
        lines.push(Line::styled(format!("{spinner} saving…"), theme.warn()));
    } else if d.confirming {
        let shrink = d.current.is_some_and(|c| d.value < c);
        let mut text = format!("Change from {current} to {}?", d.value);
        if shrink {
            text.push_str(" Older scheduled backups beyond the new count will be overwritten.");
        }
        lines.push(Line::styled(text, theme.warn()));
        lines.push(Line::from(vec![
            Span::styled(format!(" {yes} "), theme.key()),
            Span::raw("change   "),
            Span::styled(format!(" {no} "), theme.key()),
            Span::raw("back"),
        ]));
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
