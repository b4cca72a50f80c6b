//! Aligned text tables for the CLI's human output, measured in terminal cells.

use std::borrow::Cow;
use std::io::IsTerminal;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::sanitize::for_terminal;

/// The narrowest a shortened column gets, in cells (the ellipsis included).
const MIN_SHORTENED: usize = 6;

/// Renders rows under a header, columns padded to their widest cell. Every cell goes through
/// [`for_terminal`] first: cells hold names and messages from the API and the journal, and an
/// escape sequence or bidi control in one must be shown, not obeyed.
pub fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    render_within(header, rows, None)
}

/// [`render`], shortened to the terminal's width when standard output is a terminal and
/// `wide` is false (see [`render_within`]); piped output is never shortened.
pub fn render_fit(header: &[&str], rows: &[Vec<String>], wide: bool) -> String {
    render_within(header, rows, terminal_width(wide))
}

/// The width tables are shortened to: the terminal's, when standard output is one and `wide`
/// is false.
pub fn terminal_width(wide: bool) -> Option<usize> {
    if wide || !std::io::stdout().is_terminal() {
        return None;
    }
    crossterm::terminal::size()
        .ok()
        .map(|(cols, _)| usize::from(cols))
        .filter(|c| *c > 0)
}

/// `text` cut to `width` cells, ending with `…` when it was cut.
fn shorten(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// [`render`] within `max` cells a line, when given: the widest column is shortened with `…`
/// (to no less than its header and [`MIN_SHORTENED`] cells) until the table fits, or as far as
/// it can.
pub fn render_within(header: &[&str], rows: &[Vec<String>], max: Option<usize>) -> String {
    let header: Vec<Cow<str>> = header.iter().map(|h| for_terminal(h)).collect();
    let mut rows: Vec<Vec<Cow<str>>> = rows
        .iter()
        .map(|row| row.iter().map(|c| for_terminal(c)).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let total = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
    if let Some(max) = max
        && total > max
        && let Some((col, &widest)) = widths.iter().enumerate().max_by_key(|(_, w)| **w)
    {
        let floor = header
            .get(col)
            .map_or(0, |h| h.width())
            .max(MIN_SHORTENED)
            .min(widest);
        let target = widest.saturating_sub(total - max).max(floor);
        for row in &mut rows {
            if let Some(cell) = row.get_mut(col)
                && cell.width() > target
            {
                *cell = Cow::Owned(shorten(cell, target));
            }
        }
        widths[col] = target;
    }
    let mut out = String::new();
    let mut line = |cells: &[Cow<str>]| {
        let mut l = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i > 0 {
                l.push_str("  ");
            }
            l.push_str(cell);
            l.push_str(&" ".repeat(w.saturating_sub(cell.width())));
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(&header);
    for row in &rows {
        line(row);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_widest_column_is_shortened_to_fit() {
        let rows = vec![
            vec![
                "1".into(),
                "a-very-long-server-name".into(),
                "active".into(),
            ],
            vec!["22".into(), "жжжжжжжжжжжж".into(), "stopped".into()],
        ];
        let full = super::render_within(&["ID", "NAME", "STATUS"], &rows, None);
        assert_eq!(full, super::render(&["ID", "NAME", "STATUS"], &rows));
        assert!(full.contains("a-very-long-server-name"));
        let fit = super::render_within(&["ID", "NAME", "STATUS"], &rows, Some(24));
        for line in fit.lines() {
            assert!(
                unicode_width::UnicodeWidthStr::width(line) <= 24,
                "{line:?} in\n{fit}"
            );
        }
        assert!(fit.contains("a-very-lon… "), "{fit}");
        assert!(fit.contains("жжжжжж"), "{fit}");
        assert!(fit.contains("stopped"), "{fit}");
        // Wide enough: unchanged.
        assert_eq!(
            super::render_within(&["ID", "NAME", "STATUS"], &rows, Some(80)),
            full
        );
        // Never below the floor, even when it cannot fit.
        let narrow = super::render_within(&["ID", "NAME", "STATUS"], &rows, Some(5));
        assert!(narrow.contains("a-ver…"), "{narrow}");
    }

    #[test]
    fn pads_by_cell_width() {
        let t = super::render(
            &["A", "B"],
            &[vec!["ж".into(), "1".into()], vec!["abc".into(), "2".into()]],
        );
        assert_eq!(t, "A    B\nж    1\nabc  2\n");
    }

    #[test]
    fn escapes_in_cells_are_shown_and_counted() {
        let t = super::render(
            &["NAME", "N"],
            &[
                vec!["a\r\x1b[2Kb\u{202e}".into(), "1".into()],
                vec!["c".into(), "2".into()],
            ],
        );
        assert!(
            !t.chars()
                .any(|c| c != '\n' && crate::sanitize::is_unsafe(c)),
            "{t:?}"
        );
        assert_eq!(
            t,
            "NAME               N\na^M^[[2Kb\\u{202e}  1\nc                  2\n"
        );
    }
}
