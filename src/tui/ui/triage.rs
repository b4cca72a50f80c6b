//! The servers pane's triage marks, as small functions the pane calls: the sort in the title,
//! why a row matched the filter when no column shows it, and the profile's ignored servers.

use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::{Theme, fit, truncate};
use crate::domain::filter::Field;
use crate::tui::model::Model;

/// The servers pane title's mark of the list's order (empty in the API's order).
pub(super) fn sort_mark(model: &Model) -> String {
    model
        .fleet
        .sort
        .label()
        .map(|l| format!(" {}", crate::tui::text::sort_title(l)))
        .unwrap_or_default()
}

/// Whether a field the filter matched on has no column at this width (the row then says it).
pub(super) fn hidden_field(f: Field, cols: &super::columns::ServerCols) -> bool {
    match f {
        Field::Ip => !cols.ip,
        Field::Dc => !cols.dc,
        Field::Id => cols.id.is_none(),
        Field::Status => !cols.state,
        // The BACKUP column is always on screen.
        Field::State => false,
    }
}

/// The name cell: the mark of a marked server, the name, and, dim after it, why the server
/// matched the filter when no column shows it (`dc:Poland`); the name gives up room first.
pub(super) fn name_cell(
    model: &Model,
    s: &crate::domain::Instance,
    note: Option<&str>,
    width: usize,
    theme: Theme,
) -> Line<'static> {
    let mut spans = Vec::new();
    let mut room = width;
    if model.fleet.marked.contains(&s.id) {
        spans.push(Span::styled("● ", theme.accent()));
        room = room.saturating_sub(2);
    }
    let note = note
        .map(|n| fit(n, room / 2).into_owned())
        .filter(|n| !n.trim().is_empty());
    let name_w = room.saturating_sub(note.as_ref().map_or(0, |n| n.width() + 1));
    let name = fit(&s.name, name_w).into_owned();
    spans.push(Span::raw(match &note {
        Some(_) => format!("{name} "),
        None => name,
    }));
    if let Some(n) = note {
        spans.push(Span::styled(n, theme.dim()));
    }
    Line::from(spans)
}

/// Whether a note of why a row matched fits after a name of at least 10 cells.
pub(super) fn note_fits(note: &str, name_w: usize) -> bool {
    name_w >= note.width() + 1 + 10
}

/// The notes no row had room for, on the pane's bottom border (`matched dc:Poland`).
pub(super) fn untold_note(notes: &[String], width: u16, theme: Theme) -> Option<Line<'static>> {
    if notes.is_empty() || width < 12 {
        return None;
    }
    let text = crate::tui::text::matched(notes);
    Some(Line::styled(
        truncate(&text, (width as usize).saturating_sub(4)),
        theme.dim(),
    ))
}

/// The detail pane's line for a server in the profile's `ignore` list.
pub(super) fn ignored_line(
    model: &Model,
    s: &crate::domain::Instance,
    theme: Theme,
) -> Option<Line<'static>> {
    model
        .ignored(s)
        .then(|| Line::styled(crate::tui::text::IGNORED_DETAIL, theme.dim()))
}

/// The BACKUP cell of a server in the profile's `ignore` list.
pub(super) fn ignored_cell(long: bool, theme: Theme) -> Span<'static> {
    match long {
        true => Span::styled(format!("– {}", crate::tui::text::IGNORED), theme.dim()),
        false => Span::styled("–", theme.dim()),
    }
}
