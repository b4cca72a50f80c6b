//! The help overlay, generated from the keymap; it scrolls when it does not fit.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::{Theme, centered, popup, truncate};
use crate::tui::layers::ListPos;
use crate::tui::layers::help::Help;
use crate::tui::layers::{Areas, Draw};
use crate::tui::model::Model;
use crate::tui::text;

/// The help's lines for a screen of `area`, and the box they go in.
fn content(model: &Model, theme: Theme, area: Rect) -> (Vec<Line<'static>>, Rect) {
    let line = |k: &str, d: &str, kw: usize| {
        Line::from(vec![
            Span::styled(format!("{k:>kw$}  "), theme.key()),
            Span::raw(d.to_string()),
        ])
    };
    let mut keys: Vec<(String, String)> = model
        .keymap
        .help_rows()
        .into_iter()
        .map(|(k, d)| (k.to_string(), d.to_string()))
        .collect();
    keys.extend(
        text::FIXED_HELP
            .iter()
            .map(|(k, d)| (k.to_string(), d.to_string())),
    );
    let sections = text::help_sections(&model.keymap);
    let extra: usize = sections.iter().map(|(_, rows)| rows.len() + 2).sum();
    // The sections below the bindings are one column: key, two spaces, text.
    let row_w = |rows: &[(String, &str)], kw: usize| {
        rows.iter()
            .map(|(k, d)| k.width().max(kw) + 2 + d.width())
            .max()
            .unwrap_or(0)
    };
    let sections_w = sections
        .iter()
        .map(|(title, rows)| row_w(rows, 17).max(title.width()))
        .max()
        .unwrap_or(0);
    // One column when it fits the height, else the bindings in two columns (and the whole
    // scrolls when even that does not fit). The box is as wide as its longest line (and the
    // screen allows): descriptions are cut only when the screen is too narrow for them.
    let one_column = keys.len() + extra + 2 <= area.height as usize;
    let kw2 = keys
        .iter()
        .map(|(k, _)| k.width())
        .max()
        .unwrap_or(0)
        .max(10);
    let dw = keys.iter().map(|(_, d)| d.width()).max().unwrap_or(0);
    let bindings = if one_column {
        keys.iter()
            .map(|(k, d)| k.width().max(17) + 2 + d.width())
            .max()
            .unwrap_or(0)
    } else {
        2 * (kw2 + 2 + dw + 2)
    };
    let longest = bindings.max(sections_w);
    let w = area
        .width
        .min(u16::try_from(longest + 4).unwrap_or(u16::MAX));
    let inner_w = w.saturating_sub(2) as usize;
    // A one-column row too long for the box ends in `…`, never cut silently.
    let fitted = |k: &str, d: &str, kw: usize| {
        let room = inner_w.saturating_sub(k.width().max(kw) + 2);
        line(k, &truncate(d, room), kw)
    };
    let mut lines: Vec<Line> = Vec::new();
    if one_column {
        lines.extend(keys.iter().map(|(k, d)| fitted(k, d, 17)));
    } else {
        let half = keys.len().div_ceil(2);
        let col = (inner_w / 2).max(10);
        let text_w = col.saturating_sub(kw2 + 2);
        for i in 0..half {
            let mut spans = Vec::new();
            for (k, d) in [keys.get(i), keys.get(i + half)].into_iter().flatten() {
                let text = truncate(d, text_w);
                spans.push(Span::styled(format!("{k:>kw2$}  "), theme.key()));
                spans.push(Span::raw(format!("{text:<text_w$}")));
            }
            lines.push(Line::from(spans));
        }
    }
    for (title, rows) in &sections {
        lines.push(Line::raw(""));
        lines.push(Line::styled(*title, theme.accent()));
        for (k, d) in rows {
            lines.push(fitted(k, d, 17));
        }
    }
    let h = (lines.len() + 2).min(u16::MAX as usize) as u16;
    (lines, centered(area, w, h))
}

/// How many lines the help has, and how many it shows at once, on the app's screen.
pub fn extent(model: &Model) -> (usize, usize) {
    let (lines, rect) = content(model, Theme::new(true), model.screen);
    (lines.len(), super::layout::page(super::layout::inner(rect)))
}

/// Draws the help over `area`, scrolled to `pos`.
pub fn render(model: &Model, pos: ListPos, theme: Theme, area: Rect, f: &mut Frame) {
    let (lines, rect) = content(model, theme, area);
    let shown = super::layout::page(super::layout::inner(rect));
    let first = pos.top(lines.len(), shown);
    let mut b = Block::bordered()
        .title(text::help_title(&model.keymap))
        .border_style(theme.accent());
    if lines.len() > shown
        && let Some(mark) = super::layout::position(first, shown, lines.len())
    {
        b = b.title_bottom(Line::styled(mark, theme.accent()).right_aligned());
    }
    let inner = popup(f, rect, b);
    let lines: Vec<Line> = lines.into_iter().skip(first).collect();
    f.render_widget(Paragraph::new(lines), inner);
}

impl Draw for Help {
    fn draw(&self, model: &Model, theme: Theme, areas: Areas, f: &mut Frame) {
        render(model, self.pos, theme, areas.screen, f)
    }

    fn rows_shown(&self, model: &Model) -> usize {
        extent(model).1
    }

    fn extent(&self, model: &Model) -> (usize, usize) {
        extent(model)
    }
}
