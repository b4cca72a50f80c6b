//! Rendering: `render(&App, &mut Frame)` only reads state.

mod dialogs;
mod form;
mod login;
mod panes;
mod plan;
pub mod theme;
mod upcoming;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::app::App;
pub use theme::Theme;

/// The smallest terminal the layout works in.
pub const MIN_WIDTH: u16 = 60;
/// The smallest terminal height.
pub const MIN_HEIGHT: u16 = 16;

const SPINNER: [&str; 8] = ["⣾", "⣽", "⣻", "⢿", "⡿", "⣟", "⣯", "⣷"];

/// Draws the whole screen.
pub fn render(app: &App, theme: Theme, f: &mut Frame) {
    let area = f.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(area, theme, f);
        return;
    }
    if let Some(login) = &app.login {
        login::render(login, spinner(app), theme, area, f);
        return;
    }
    let [header, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(5),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    render_header(app, theme, header, f);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(body);
    panes::servers(app, theme, left, f);
    panes::schedules(app, theme, right, f);
    render_status(app, theme, status, f);
    render_footer(app, theme, footer, f);
    if let Some(up) = &app.upcoming {
        upcoming::render(app, up, theme, body, f);
    }
    if let Some(p) = &app.plan {
        plan::render(app, p, theme, body, f);
    }
    if let Some(j) = &app.journal_view {
        plan::journal(app, j, theme, body, f);
    }
    if let Some(form) = &app.form {
        form::render(form, &app.zones, app.now, theme, area, f);
    }
    if let Some(c) = &app.confirm {
        dialogs::confirm(c, app, theme, area, f);
    }
    if let Some(d) = &app.retention {
        dialogs::retention(d, spinner(app), theme, area, f);
    }
    if app.help {
        dialogs::help(app, theme, area, f);
    }
}

fn too_small(area: Rect, theme: Theme, f: &mut Frame) {
    let text = vec![
        Line::styled("Terminal too small", theme.error()),
        Line::raw(format!(
            "need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{}",
            area.width, area.height
        )),
        Line::raw("q quits"),
    ];
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}

/// The spinner's current frame.
pub fn spinner(app: &App) -> &'static str {
    SPINNER[app.spinner % SPINNER.len()]
}

fn render_header(app: &App, theme: Theme, area: Rect, f: &mut Frame) {
    let mut spans = vec![
        Span::styled(" bsched ", theme.accent()),
        Span::styled(format!("[{}] ", app.profile), theme.key()),
        Span::styled(format!("{} @ {}", app.account, app.host), theme.text()),
    ];
    if app.busy() {
        spans.push(Span::styled(
            format!("  {} loading", spinner(app)),
            theme.warn(),
        ));
    }
    let left = Line::from(spans);
    let used = left.width();
    f.render_widget(Paragraph::new(left), area);
    // Which clock the screen speaks: the user's, and the zone schedules are kept in.
    let zones = format!(
        "times in {} · schedules at {} ",
        app.zones.local_label(),
        app.zones.server_label()
    );
    if used + zones.width() + 2 <= area.width as usize {
        f.render_widget(
            Paragraph::new(Line::styled(zones, theme.dim()).right_aligned()),
            area,
        );
    }
}

fn render_status(app: &App, theme: Theme, area: Rect, f: &mut Frame) {
    let line = if app.filter_editing {
        Line::from(vec![
            Span::styled(" / ", theme.key()),
            Span::raw(app.filter.clone()),
            Span::styled("▏", theme.accent()),
            Span::styled("   Enter keep · Esc clear", theme.dim()),
        ])
    } else if let Some(n) = &app.notice {
        let style = if n.error { theme.error() } else { theme.ok() };
        Line::styled(format!(" {}", n.text), style)
    } else if !app.marked.is_empty() {
        use super::keymap::Action as A;
        Line::styled(
            format!(
                " {} marked · {} applies a schedule to them · {} copies the selected one · {} unmarks all shown",
                app.marked.len(),
                app.keymap.keys_for(A::BulkApply),
                app.keymap.keys_for(A::Copy),
                app.keymap.keys_for(A::MarkAll),
            ),
            theme.accent(),
        )
    } else if !app.filter.is_empty() {
        Line::styled(
            format!(" filter: {}  (Esc clears)", app.filter),
            theme.dim(),
        )
    } else {
        Line::raw("")
    };
    f.render_widget(Paragraph::new(line), area);
}

fn render_footer(app: &App, theme: Theme, area: Rect, f: &mut Frame) {
    use super::keymap::Action as A;
    // Help and quit always show; the others in order while they fit.
    let hints: &[(A, &str)] = &[
        (A::Help, "help"),
        (A::Quit, "quit"),
        (A::New, "new"),
        (A::Edit, "edit"),
        (A::Delete, "delete"),
        (A::Upcoming, "upcoming"),
        (A::Filter, "filter"),
        (A::Retention, "retention"),
        (A::Mark, "mark"),
        (A::BulkApply, "apply to marked"),
        (A::Undo, "undo"),
        (A::Journal, "journal"),
        (A::SwitchPane, "pane"),
        (A::Refresh, "refresh"),
    ];
    let mut chosen: Vec<(A, String, &str)> = Vec::new();
    let mut used = 0;
    for (action, label) in hints {
        let keys = app.keymap.keys_for(*action);
        if keys.is_empty() {
            continue;
        }
        let w = keys.width() + label.width() + 3;
        if used + w > area.width as usize {
            continue;
        }
        used += w;
        chosen.push((*action, keys, label));
    }
    // Shown in the order a user reads them: actions first, help and quit last.
    chosen.sort_by_key(|(a, _, _)| hints.iter().position(|(h, _)| h == a).map(|p| (p < 2, p)));
    let mut spans = Vec::new();
    for (_, keys, label) in chosen {
        spans.push(Span::styled(format!(" {keys}"), theme.key()));
        spans.push(Span::styled(format!(" {label} "), theme.dim()));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Cuts `s` to at most `width` terminal cells, ending in `…` when cut.
pub fn truncate(s: &str, width: usize) -> String {
    fit(s, width).into_owned()
}

/// [`truncate`] without a copy when `s` fits (the hot path of table rows).
pub fn fit(s: &str, width: usize) -> std::borrow::Cow<'_, str> {
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
}
