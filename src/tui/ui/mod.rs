//! Rendering: `render(&Model, &Layers, &mut Frame)` only reads state. Each layer's drawing is
//! here under the layer's name, as its [`Draw`](super::layers::Draw).

pub mod backups;
mod bars;
mod columns;
pub mod confirm;
pub mod form;
pub mod help;
pub mod journal;
pub mod login;
mod panes;
pub mod plan;
pub mod retention;
mod schedules;
mod triage;
pub mod upcoming;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::layers::{Areas, Layers};
pub use super::layout::{self, MIN_HEIGHT, MIN_WIDTH, centered};
use super::model::Model;
use super::text;
pub use super::theme::Theme;

const SPINNER: [&str; 8] = ["⣾", "⣽", "⣻", "⢿", "⡿", "⣟", "⣯", "⣷"];

/// Draws the whole screen: the panes and their bars, then every open layer, bottom first
/// (from the topmost full-screen one, if any).
pub fn render(model: &Model, layers: &Layers, theme: Theme, f: &mut Frame) {
    let area = f.area();
    let Some(screen) = layout::screen(area) else {
        too_small(model, area, theme, f);
        return;
    };
    let body = screen.body;
    let (panes_show, on_top) = layers.to_draw();
    if panes_show {
        bars::header(model, layers, theme, screen.header, f);
        panes::servers(model, theme, screen.left, f);
        schedules::schedules(model, theme, screen.right, f);
        bars::status(model, theme, screen.status, f);
        bars::footer(model, layers, theme, screen.footer, f);
    }
    let areas = Areas { screen: area, body };
    for layer in on_top {
        layer.draw(model, theme, areas, f);
    }
}

/// The schedules pane inside its border: the table, and the details below it (empty when the
/// pane is too short for them).
pub fn schedules_split(model: &Model, inner: Rect) -> [Rect; 2] {
    schedules::split(model, inner)
}

/// The schedules pane's rows (inside its border, above the details, below the header).
pub fn schedule_rows(model: &Model, right: Rect) -> Rect {
    layout::below_header(schedules_split(model, layout::inner(right))[0])
}

/// The rows of a pane on a terminal of `screen` (empty below the minimum size).
pub fn pane_rows(model: &Model, pane: crate::tui::model::Pane) -> Rect {
    match (layout::screen(model.screen), pane) {
        (Some(s), crate::tui::model::Pane::Servers) => layout::server_rows(s.left),
        (Some(s), crate::tui::model::Pane::Schedules) => schedule_rows(model, s.right),
        (None, _) => Rect::default(),
    }
}

/// How many rows a page of a pane moves on a terminal of `screen`: as many as it shows.
pub fn pane_page(model: &Model, pane: crate::tui::model::Pane) -> usize {
    layout::page(pane_rows(model, pane))
}

fn too_small(model: &Model, area: Rect, theme: Theme, f: &mut Frame) {
    let text = vec![
        Line::styled(text::TOO_SMALL, theme.error()),
        Line::raw(text::need_size(
            (MIN_WIDTH, MIN_HEIGHT),
            (area.width, area.height),
        )),
        Line::raw(text::too_small(&model.keymap)),
    ];
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}

/// The spinner's current frame.
pub fn spinner(model: &Model) -> &'static str {
    SPINNER[model.spinner() % SPINNER.len()]
}

/// Draws a popup's chrome: clears `rect`, draws `block` on it, and gives the inside.
pub fn popup(f: &mut Frame, rect: Rect, block: Block) -> Rect {
    f.render_widget(Clear, rect);
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    inner
}

/// Cuts `s` to at most `width` terminal cells, ending in `…` when cut. Text from the API goes
/// through [`crate::sanitize::for_terminal`] first: a control or bidi character is shown as
/// `^[` or `\u{202e}`, never drawn raw (ratatui drops C0/C1 controls but not bidi controls).
pub fn truncate(s: &str, width: usize) -> String {
    fit(s, width).into_owned()
}

/// [`truncate`] without a copy when `s` is safe and fits (the hot path of table rows).
pub fn fit(s: &str, width: usize) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    match crate::sanitize::for_terminal(s) {
        Cow::Borrowed(safe) => cut(safe, width),
        Cow::Owned(safe) => Cow::Owned(cut(&safe, width).into_owned()),
    }
}

/// `s` cut to `width` cells with `…`; borrowed when it fits.
fn cut(s: &str, width: usize) -> std::borrow::Cow<'_, str> {
    if s.len() <= width || s.width() <= width {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn truncates_by_cells() {
        assert_eq!(super::truncate("сервер-бухгалтерия", 8), "сервер-…");
        assert_eq!(super::truncate("日本語サーバー", 7), "日本語…");
        assert_eq!(super::truncate("short", 10), "short");
    }

    #[test]
    fn controls_and_bidi_are_shown_not_drawn() {
        assert_eq!(super::fit("a\u{202e}b", 20), "a\\u{202e}b");
        assert_eq!(super::truncate("\u{2066}x\u{1b}[2J", 20), "\\u{2066}x^[[2J");
        assert_eq!(super::truncate("ab\u{202e}cdef", 6), "ab\\u{…");
    }
}
