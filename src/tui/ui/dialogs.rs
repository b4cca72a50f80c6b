//! The delete confirmation and the help overlay.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::{Theme, centered, truncate};
use crate::domain::timing::describe;
use crate::tui::app::{App, ConfirmDelete, RetentionDialog};

/// The retention dialog: choose 1-10, then confirm.
pub fn retention(d: &RetentionDialog, spinner: &str, theme: Theme, area: Rect, f: &mut Frame) {
    let rect = centered(area, 60, 10);
    f.render_widget(Clear, rect);
    let b = Block::bordered()
        .title(format!(" Backups kept · {} ", truncate(&d.server_name, 30)))
        .border_style(if d.confirming {
            theme.warn()
        } else {
            theme.accent()
        });
    let inner = b.inner(rect);
    f.render_widget(b, rect);
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
            Span::styled(" y ", theme.key()),
            Span::raw("change   "),
            Span::styled(" n/Esc ", theme.key()),
            Span::raw("back"),
        ]));
    } else {
        if let Some(e) = &d.error {
            lines.push(Line::styled(e.clone(), theme.error()));
        }
        lines.push(Line::styled(
            "↑/↓ or 1-9, 0 = 10 · Enter continue · Esc cancel",
            theme.dim(),
        ));
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// The delete dialog: names the schedule, its server, its days and time.
pub fn confirm(c: &ConfirmDelete, app: &App, theme: Theme, area: Rect, f: &mut Frame) {
    let rect = centered(area, 56, 9);
    f.render_widget(Clear, rect);
    let b = Block::bordered()
        .title(" Delete schedule? ")
        .border_style(theme.error());
    let inner = b.inner(rect);
    f.render_widget(b, rect);
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
            Span::raw(describe(s.days, s.time, &app.zones, app.now)),
        ]),
        Line::raw(""),
        Line::from(vec![
            Span::styled(" y ", theme.key()),
            Span::raw("delete   "),
            Span::styled(" n/Esc ", theme.key()),
            Span::raw("cancel"),
        ]),
    ];
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// Help, generated from the keymap.
pub fn help(app: &App, theme: Theme, area: Rect, f: &mut Frame) {
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
    let form = [
        ("Tab/Shift+Tab", "next / previous field"),
        ("Space, 1-7", "toggle a day (1 = Monday)"),
        ("w / a / x", "Mon-Fri / every day / none"),
        ("HHMM, ↑/↓", "type the time, or change hour/minute"),
        ("Enter / Esc", "save / cancel"),
    ];
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
    let rect = centered(area, w, h);
    f.render_widget(Clear, rect);
    let b = Block::bordered()
        .title(" Help · Esc or ? closes ")
        .border_style(theme.accent());
    let inner = b.inner(rect);
    f.render_widget(b, rect);
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
    for (k, d) in form {
        lines.push(line(k, d, 14));
    }
    f.render_widget(Paragraph::new(lines), inner);
}
