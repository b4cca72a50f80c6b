//! Where things are on screen, from the screen's size alone: one set of functions shared by
//! drawing, by the lists' page sizes (PgUp/PgDn move by what is visible) and by the mouse's
//! hit testing, so the three can never disagree.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Block;

/// The smallest terminal the layout works in.
pub const MIN_WIDTH: u16 = 60;
/// The smallest terminal height.
pub const MIN_HEIGHT: u16 = 16;

/// A centred rectangle of at most `w`×`h` inside `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    area.centered(
        Constraint::Length(w.min(area.width)),
        Constraint::Length(h.min(area.height)),
    )
}

/// The main screen's parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Screen {
    /// The header line.
    pub header: Rect,
    /// Between the header and the status line: the panes, and the views drawn over them.
    pub body: Rect,
    /// The status line.
    pub status: Rect,
    /// The key hints.
    pub footer: Rect,
    /// The servers pane.
    pub left: Rect,
    /// The schedules pane.
    pub right: Rect,
}

/// The screen's parts in a terminal of `area`; None below the minimum size (the "too small"
/// screen).
pub fn screen(area: Rect) -> Option<Screen> {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return None;
    }
    let [header, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(5),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(body);
    Some(Screen {
        header,
        body,
        status,
        footer,
        left,
        right,
    })
}

/// Inside a bordered box.
pub fn inner(area: Rect) -> Rect {
    Block::bordered().inner(area)
}

/// A table's rows: `area` below its header line.
pub fn below_header(area: Rect) -> Rect {
    Rect {
        y: area.y.saturating_add(1).min(area.bottom()),
        height: area.height.saturating_sub(1),
        ..area
    }
}

/// The servers pane's rows (inside its border, below the table's header).
pub fn server_rows(left: Rect) -> Rect {
    below_header(inner(left))
}

/// The first row a pane shows so that its selection `sel` is visible in `height` rows (the
/// panes keep no offset of their own: it follows the selection).
pub fn pane_first(sel: usize, height: usize) -> usize {
    if height == 0 {
        0
    } else {
        sel.saturating_sub(height - 1)
    }
}

/// The schedule form's box on a screen of `area`.
pub fn form_box(area: Rect, bulk: bool) -> Rect {
    centered(area, 62, if bulk { 16 } else { 14 })
}

/// The form's lines above the days row (the name, a blank line).
const FORM_DAYS_LINE: u16 = 2;
/// The form's field labels' width (`Days  `).
const FORM_LABEL_W: u16 = 6;
/// One weekday checkbox (`[x]Mon`) and the space after it.
const FORM_DAY_W: u16 = 7;

/// The form's weekday checkbox at `(x, y)` (0 = Monday), on a screen of `area`.
pub fn form_day_at(area: Rect, bulk: bool, x: u16, y: u16) -> Option<usize> {
    let inner = inner(form_box(area, bulk));
    if y != inner.y + FORM_DAYS_LINE {
        return None;
    }
    let dx = x.checked_sub(inner.x + FORM_LABEL_W)?;
    let i = (dx / FORM_DAY_W) as usize;
    (i < 7 && dx % FORM_DAY_W < FORM_DAY_W - 1).then_some(i)
}

/// How many rows a list of `area` shows, at least one (a page never moves by nothing).
pub fn page(area: Rect) -> usize {
    (area.height as usize).max(1)
}

/// Which row of a list drawn in `rows` (first shown: `first`) is at `(x, y)`.
pub fn row_at(rows: Rect, first: usize, x: u16, y: u16) -> Option<usize> {
    let inside = x >= rows.x && x < rows.right() && y >= rows.y && y < rows.bottom();
    inside.then(|| first + (y - rows.y) as usize)
}

/// Whether `(x, y)` is inside `r`.
pub fn contains(r: Rect, x: u16, y: u16) -> bool {
    x >= r.x && x < r.right() && y >= r.y && y < r.bottom()
}

/// The position mark of a list: which rows show, of how many (`12-31 of 45`); None when
/// empty.
pub fn position(first: usize, shown: usize, total: usize) -> Option<String> {
    if total == 0 {
        return None;
    }
    let last = (first + shown).min(total);
    Some(crate::tui::text::position(
        (first + 1).min(last),
        last,
        total,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_panes_rows_at_80x24() {
        let s = screen(Rect::new(0, 0, 80, 24)).expect("big enough");
        assert_eq!(s.body.height, 21);
        assert_eq!(server_rows(s.left).height, 18);
        assert!(screen(Rect::new(0, 0, 59, 24)).is_none());
    }

    #[test]
    fn position_marks() {
        assert_eq!(position(11, 20, 45).as_deref(), Some(" 12-31 of 45 "));
        assert_eq!(position(40, 20, 45).as_deref(), Some(" 41-45 of 45 "));
        assert_eq!(position(0, 20, 0), None);
    }
}
