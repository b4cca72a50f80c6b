//! Aligned text tables for the CLI's human output, measured in terminal cells.

use unicode_width::UnicodeWidthStr;

/// Renders rows under a header, columns padded to their widest cell.
pub fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut l = String::new();
        for (i, (cell, w)) in cells.zip(&widths).enumerate() {
            if i > 0 {
                l.push_str("  ");
            }
            l.push_str(cell);
            l.push_str(&" ".repeat(w.saturating_sub(cell.width())));
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(&mut header.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
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
}
