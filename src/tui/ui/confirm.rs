//! The delete confirmation.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::{Theme, centered, popup, truncate};
use crate::domain::timing::describe;
use crate::tui::layers::confirm::ConfirmDelete;
use crate::tui::layers::{Areas, Draw};
use crate::tui::model::Model;
use crate::tui::text;

/// The label column: `Schedule `.
const LABEL: usize = 9;
/// The dialog's widest.
const WIDTH: u16 = 56;
/// Lines a value may take before it is cut with `…`.
const MOST_LINES: usize = 4;

/// The delete dialog: names the schedule, its server, its days and time. Every value wraps
/// inside the dialog under its own column, and the dialog grows to hold it.
pub fn render(c: &ConfirmDelete, model: &Model, theme: Theme, area: Rect, f: &mut Frame) {
    let width = WIDTH.min(area.width);
    let w = (width as usize).saturating_sub(2 + LABEL).max(1);
    let s = &c.schedule;
    let mut lines = Vec::new();
    let mut field = |label: &str, value: &str, style: Style| {
        let safe = crate::sanitize::for_terminal(value);
        for (i, part) in wrap(&safe, w).into_iter().enumerate() {
            let head = if i == 0 { label } else { "" };
            lines.push(Line::from(vec![
                Span::styled(format!("{head:<LABEL$}"), theme.dim()),
                Span::styled(part, style),
            ]));
        }
    };
    field(text::CONFIRM_SCHEDULE, &s.name, theme.accent());
    field(text::CONFIRM_SERVER, &c.server_name, theme.text());
    field(
        text::CONFIRM_RUNS,
        &describe(s.days, s.time, &model.session.zones, model.now),
        theme.text(),
    );
    lines.push(Line::raw(""));
    lines.push(answers(text::confirm_answers(&model.keymap), theme));
    let height = (lines.len() as u16 + 2).max(7);
    let b = Block::bordered()
        .title(text::CONFIRM_TITLE)
        .border_style(theme.error());
    let inner = popup(f, centered(area, width, height), b);
    f.render_widget(Paragraph::new(lines), inner);
}

/// A question's answers on one line: each key in its style, then what it does.
pub(super) fn answers(
    [(yes, first), (no, second)]: [text::Hint; 2],
    theme: Theme,
) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!(" {yes} "), theme.key()),
        Span::raw(format!("{first}   ")),
        Span::styled(format!(" {no} "), theme.key()),
        Span::raw(second),
    ])
}

/// `text` in lines of at most `width` cells, broken at spaces where it can be and inside a
/// word where it must; at most [`MOST_LINES`], the last cut with `…`.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let sep = usize::from(!line.is_empty());
        if line.width() + sep + word.width() <= width {
            if sep == 1 {
                line.push(' ');
            }
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        // A word wider than the line is cut into pieces.
        for c in word.chars() {
            if line.width() + c.width().unwrap_or(0) > width {
                out.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    if out.len() > MOST_LINES {
        out.truncate(MOST_LINES);
        if let Some(last) = out.last_mut() {
            *last = truncate(&format!("{last}…"), width);
            if !last.ends_with('…') {
                last.pop();
                last.push('…');
            }
        }
    }
    out
}

impl Draw for ConfirmDelete {
    fn draw(&self, model: &Model, theme: Theme, areas: Areas, f: &mut Frame) {
        render(self, model, theme, areas.screen, f)
    }
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_at_spaces_and_inside_long_words() {
        assert_eq!(
            wrap("Mon-Fri 02:00 (+03:00)", 10),
            ["Mon-Fri", "02:00", "(+03:00)"]
        );
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), [""]);
        let long = wrap(&"x".repeat(100), 10);
        assert_eq!(long.len(), 4);
        assert!(long[3].ends_with('…'));
        assert!(
            long.iter()
                .all(|l| unicode_width::UnicodeWidthStr::width(l.as_str()) <= 10)
        );
    }
}
