//! Aligned text tables for the CLI's human output, measured in terminal cells.

use std::borrow::Cow;

use unicode_width::UnicodeWidthStr;

use crate::sanitize::for_terminal;

/// Renders rows under a header, columns padded to their widest cell. Every cell goes through
/// [`for_terminal`] first: cells hold names and messages from the API and the journal, and an
/// escape sequence or bidi control in one must be shown, not obeyed.
pub fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let header: Vec<Cow<str>> = header.iter().map(|h| for_terminal(h)).collect();
    let rows: Vec<Vec<Cow<str>>> = rows
        .iter()
        .map(|row| row.iter().map(|c| for_terminal(c)).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
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
