//! Rendering: `render(&App, &mut Frame)` only reads state.

pub mod backups;
mod bars;
mod columns;
pub mod confirm;
pub mod form;
pub mod help;
pub mod journal;
pub mod layout;
pub mod login;
mod panes;
pub mod plan;
pub mod retention;
mod schedules;
pub mod theme;
mod triage;
pub mod upcoming;

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::app::App;
use super::layers::Areas;
use super::text;
pub use theme::Theme;

/// The smallest terminal the layout works in.
pub const MIN_WIDTH: u16 = 60;
/// The smallest terminal height.
pub const MIN_HEIGHT: u16 = 16;

const SPINNER: [&str; 8] = ["⣾", "⣽", "⣻", "⢿", "⡿", "⣟", "⣯", "⣷"];

/// Draws the whole screen: the panes and their bars, then every open layer, bottom first
/// (from the topmost full-screen one, if any).
pub fn render(app: &App, theme: Theme, f: &mut Frame) {
    let area = f.area();
    let Some(screen) = layout::screen(area) else {
        too_small(app, area, theme, f);
        return;
    };
    let body = screen.body;
    let (panes_show, layers) = app.layers.to_draw();
    if panes_show {
        bars::header(app, theme, screen.header, f);
        panes::servers(app, theme, screen.left, f);
        schedules::schedules(app, theme, screen.right, f);
        bars::status(app, theme, screen.status, f);
        bars::footer(app, theme, screen.footer, f);
    }
    let areas = Areas { screen: area, body };
    for layer in layers {
        layer.draw(app, theme, areas, f);
    }
}

fn too_small(app: &App, area: Rect, theme: Theme, f: &mut Frame) {
    let text = vec![
        Line::styled("Terminal too small", theme.error()),
        Line::raw(format!(
            "need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{}",
            area.width, area.height
        )),
        Line::raw(text::too_small(&app.keymap)),
    ];
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}

/// The spinner's current frame.
pub fn spinner(app: &App) -> &'static str {
    SPINNER[app.spinner() % SPINNER.len()]
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

/// A centred rectangle of at most `w`×`h` inside `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    area.centered(
        Constraint::Length(w.min(area.width)),
        Constraint::Length(h.min(area.height)),
    )
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
