//! The bars around the panes: the header, the status line and the footer.

use ratatui::Frame;

use crate::sanitize::for_terminal;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::{Theme, spinner, truncate};
use crate::tui::keymap::Action;
use crate::tui::layers::Layers;
use crate::tui::model::Model;
use crate::tui::text;

/// The header: the account, a spinner while anything loads, and the zones.
pub fn header(model: &Model, layers: &Layers, theme: Theme, area: Rect, f: &mut Frame) {
    let mut spans = vec![
        Span::styled(text::HEADER_NAME, theme.accent()),
        // From the config file and the environment: shown escaped, like every name.
        Span::styled(
            format!("[{}] ", for_terminal(&model.session.profile)),
            theme.key(),
        ),
        Span::styled(
            format!(
                "{} @ {}",
                for_terminal(&model.session.account),
                for_terminal(&model.session.host)
            ),
            theme.text(),
        ),
    ];
    if let Some(round) = &model.fleet.queue.round {
        spans.push(Span::styled(
            format!(
                "  {} {}",
                spinner(model),
                text::refreshing(round.servers_done, round.servers, round.eta(model.now))
            ),
            theme.warn(),
        ));
    } else if model.busy() || layers.busy() {
        spans.push(Span::styled(
            format!("  {} {}", spinner(model), text::LOADING),
            theme.warn(),
        ));
    }
    let left = Line::from(spans);
    let used = left.width();
    f.render_widget(Paragraph::new(left), area);
    // Which clock the screen speaks: the user's, and the zone schedules are kept in.
    let zones = text::zones(
        &model.session.zones.local_label(),
        &model.session.zones.server_label(),
    );
    if used + zones.width() + 2 <= area.width as usize {
        f.render_widget(
            Paragraph::new(Line::styled(zones, theme.dim()).right_aligned()),
            area,
        );
    }
}

/// The status line: the filter being typed, a notice, the marks, or the filter. A notice or
/// filter longer than the line ends in `…` (never cut silently), and a name from the API in
/// it is shown escaped (see [`super::fit`]).
pub fn status(model: &Model, theme: Theme, area: Rect, f: &mut Frame) {
    let fleet = &model.fleet;
    let width = area.width as usize;
    let line = if model.panes.filter_editing {
        // The field as typed (the filter set with `/` before any key is its start), and the
        // caret where the next character goes.
        let field = if model.panes.filter_input.value() == fleet.filter {
            model.panes.filter_input.clone()
        } else {
            crate::tui::input::TextField::new(fleet.filter.clone())
        };
        let room = (area.width as usize)
            .saturating_sub(3 + text::FILTER_EDITING.width())
            .max(8);
        let (shown, at) = field.view(room);
        let pos = Position::new(area.x + 3 + at, area.y);
        if area.contains(pos) {
            f.set_cursor_position(pos);
        }
        let pad = room.saturating_sub(shown.width());
        Line::from(vec![
            Span::styled(" / ", theme.key()),
            Span::raw(shown),
            Span::raw(" ".repeat(pad.min(1))),
            Span::styled(text::FILTER_EDITING, theme.dim()),
        ])
    } else if let Some(n) = &model.notice {
        let style = if n.error { theme.error() } else { theme.ok() };
        Line::styled(truncate(&format!(" {}", n.text), width), style)
    } else if !fleet.marked.is_empty() {
        Line::styled(
            text::marked(&model.keymap, fleet.marked.len()),
            theme.accent(),
        )
    } else if !fleet.filter.is_empty() {
        Line::styled(
            truncate(&text::filter_set(&fleet.filter), width),
            theme.dim(),
        )
    } else {
        Line::raw("")
    };
    f.render_widget(Paragraph::new(line), area);
}

/// The footer: the keys of the topmost layer (a view's, the plan's; none under a dialog or
/// the form, which show theirs), or else the main screen's that fit, all from the keymap.
pub fn footer(model: &Model, layers: &Layers, theme: Theme, area: Rect, f: &mut Frame) {
    if let Some(hints) = layers.footer(model) {
        let mut spans = Vec::new();
        let mut used = 0;
        for (keys, label) in hints {
            let w = keys.width() + label.width() + 3;
            if used + w > area.width as usize {
                break;
            }
            used += w;
            spans.push(Span::styled(format!(" {keys}"), theme.key()));
            spans.push(Span::styled(format!(" {label} "), theme.dim()));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), area);
        return;
    }
    // Help and quit always show; the others in order while they fit.
    let hints = model.keymap.footer();
    let mut chosen = Vec::new();
    let mut used = 0;
    for (rank, (action, keys, label)) in hints.into_iter().enumerate() {
        let always = matches!(action, Action::Help | Action::Quit);
        let w = keys.width() + label.width() + 3;
        if used + w > area.width as usize {
            continue;
        }
        used += w;
        chosen.push(((always, rank), keys, label));
    }
    // Shown in the order a user reads them: actions first, help and quit last.
    chosen.sort_by_key(|(order, _, _)| *order);
    let mut spans = Vec::new();
    for (_, keys, label) in chosen {
        spans.push(Span::styled(format!(" {keys}"), theme.key()));
        spans.push(Span::styled(format!(" {label} "), theme.dim()));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}
