//! The backups view: a server's backups, newest first, the scheduled ones marked.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use super::{Theme, popup, spinner, truncate};
use crate::domain::backups::BackupKind;
use crate::tui::layers::backups::BackupsView;
use crate::tui::layers::{Areas, Draw};
use crate::tui::model::Model;
use crate::tui::text;

fn safe(s: &str) -> String {
    crate::sanitize::for_terminal(s).into_owned()
}

/// How many backups the view shows at once on the app's screen.
pub fn rows_shown(model: &Model) -> usize {
    super::layout::screen(model.screen).map_or(1, |s| {
        super::layout::page(super::layout::below_header(super::layout::inner(s.body)))
    })
}

/// Draws the view over `area`.
pub fn render(model: &Model, view: &BackupsView, theme: Theme, area: Rect, f: &mut Frame) {
    let list = view.list(model);
    let n = list.as_ref().map_or(0, Vec::len);
    let inner = super::layout::inner(area);
    let shown = super::layout::page(super::layout::below_header(inner));
    let first = view.pos.top(n, shown);
    let name = truncate(
        &view.server,
        (area.width as usize).saturating_sub(40).max(8),
    );
    let mut b = Block::bordered()
        .title(text::backups_title(&name, &model.keymap))
        .border_style(theme.accent());
    if let Some(mark) = super::layout::position(first, shown, n) {
        b = b.title_bottom(Line::styled(mark, theme.accent()).right_aligned());
    }
    if view.loading(model) {
        b = b.title_top(
            Line::styled(
                format!(" {} {} ", spinner(model), text::READING),
                theme.warn(),
            )
            .right_aligned(),
        );
    }
    let inner = popup(f, area, b);
    let error = model
        .fleet
        .backups
        .get(&view.instance)
        .and_then(|l| l.error.clone());
    let Some(list) = list else {
        let line = match error {
            Some(e) => Line::styled(e, theme.error()),
            None => Line::styled(
                format!("{} {}", spinner(model), text::READING_BACKUPS),
                theme.warn(),
            ),
        };
        f.render_widget(Paragraph::new(line), inner);
        return;
    };
    if list.is_empty() {
        f.render_widget(
            Paragraph::new(Line::styled(text::NO_BACKUPS, theme.dim())),
            inner,
        );
        return;
    }
    let name_w = (inner.width as usize)
        .saturating_sub(10 + 11 + 19 + 8 + 9 + 5)
        .max(8);
    let rows = list.iter().skip(first).take(shown).map(|b| {
        let kind = match &b.kind {
            BackupKind::Auto => Span::styled(format!("● {}", text::KIND_SCHEDULED), theme.ok()),
            BackupKind::Manual => Span::styled(format!("  {}", text::KIND_MANUAL), theme.dim()),
            BackupKind::Other(o) => Span::raw(format!("  {}", truncate(&safe(o), 9))),
        };
        Row::new(vec![
            Cell::from(b.id.to_string()),
            Cell::from(truncate(&safe(&b.name), name_w)),
            Cell::from(kind),
            Cell::from(truncate(&safe(&b.created_text), 19)),
            Cell::from(truncate(&safe(&b.status), 8)),
            Cell::from(truncate(&safe(&b.size), 9)),
        ])
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(10),
            Constraint::Min(8),
            Constraint::Length(11),
            Constraint::Length(19),
            Constraint::Length(8),
            Constraint::Length(9),
        ],
    )
    .header(Row::new(text::BACKUPS_HEAD).style(theme.accent()));
    f.render_widget(table, inner);
}

impl Draw for BackupsView {
    fn draw(&self, model: &Model, theme: Theme, areas: Areas, f: &mut Frame) {
        render(model, self, theme, areas.body, f)
    }

    fn rows_shown(&self, model: &Model) -> usize {
        rows_shown(model)
    }
}
