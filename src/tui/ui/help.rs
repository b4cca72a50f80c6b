//! The help overlay, generated from the keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::{Theme, centered, popup, truncate};
use crate::tui::app::App;
use crate::tui::text;

/// Help, generated from the keymap.
pub fn render(app: &App, theme: Theme, area: Rect, f: &mut Frame) {
    let line = |k: &str, d: &str, kw: usize| {
        Line::from(vec![
            Span::styled(format!("{k:>kw$}  "), theme.key()),
            Span::raw(d.to_string()),
        ])
    };
    let mut keys: Vec<(String, String)> = app
        .keymap
        .help_rows()
        .into_iter()
        .map(|(k, d)| (k.to_string(), d.to_string()))
        .collect();
    keys.push(("Ctrl+C".into(), "quit, always".into()));
    let form = text::form_help(&app.keymap);
    // One column when it fits the height, else the bindings in two columns.
    let one_column = keys.len() + form.len() + 4 <= area.height as usize;
    let (w, h) = if one_column {
        (64, (keys.len() + form.len() + 4) as u16)
    } else {
        (
            area.width.min(110),
            (keys.len().div_ceil(2) + form.len() + 4) as u16,
        )
    };
    let b = Block::bordered()
        .title(text::help_title(&app.keymap))
        .border_style(theme.accent());
    let inner = popup(f, centered(area, w, h), b);
    let mut lines: Vec<Line> = Vec::new();
    if one_column {
        lines.extend(keys.iter().map(|(k, d)| line(k, d, 14)));
    } else {
        let half = keys.len().div_ceil(2);
        let col = (inner.width as usize / 2).max(10);
        for i in 0..half {
            let mut spans = Vec::new();
            for (k, d) in [keys.get(i), keys.get(i + half)].into_iter().flatten() {
                let text = truncate(d, col.saturating_sub(12));
                spans.push(Span::styled(format!("{k:>10}  "), theme.key()));
                spans.push(Span::raw(format!("{text:<w$}", w = col.saturating_sub(12))));
            }
            lines.push(Line::from(spans));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("In the form", theme.accent()));
    for (k, d) in &form {
        lines.push(line(k, d, 14));
    }
    f.render_widget(Paragraph::new(lines), inner);
}
