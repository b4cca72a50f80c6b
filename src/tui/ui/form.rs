//! The schedule form: name, seven weekday checkboxes, a time picker, Save and Cancel.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::{Theme, popup, truncate};
use crate::domain::DAYS;
use crate::domain::plan::window_minutes;
use crate::domain::timing::in_zone;
use crate::tui::layers::form::{Field, Form};
use crate::tui::layers::{Areas, Draw};
use crate::tui::model::Model;
use crate::tui::text;

/// Draws the form over `area`.
pub fn render(form: &Form, model: &Model, theme: Theme, area: Rect, f: &mut Frame) {
    let (zones, now, keymap) = (&model.session.zones, model.now, &model.keymap);
    let title = match form.editing {
        Some(_) => text::form_title_edit(&truncate(&form.server_name, 30)),
        None if form.is_bulk() => text::form_title_bulk(form.targets.len()),
        None => text::form_title_new(&truncate(&form.server_name, 30)),
    };
    let b = Block::bordered().title(title).border_style(theme.accent());
    let inner = popup(f, super::layout::form_box(area, form.is_bulk()), b);
    let label = |field: Field, text: &str| {
        let style = if form.focus == field {
            theme.accent()
        } else {
            theme.dim()
        };
        Span::styled(format!("{text:<6}"), style)
    };
    let focused = |field: Field| form.focus == field;

    // The name field, the caret where the next character goes (drawn by the terminal).
    let name_w = inner.width.saturating_sub(10) as usize;
    let (name, at) = form.name.boxed(name_w);
    if focused(Field::Name) && !form.saving {
        let pos = Position::new(inner.x + 7 + at, inner.y);
        if inner.contains(pos) {
            f.set_cursor_position(pos);
        }
    }
    let mut lines = vec![
        Line::from(vec![
            label(Field::Name, text::FORM_NAME),
            Span::styled(format!("[{name}]"), theme.text()),
        ]),
        Line::raw(""),
    ];

    let mut days = vec![label(Field::Days, text::FORM_DAYS)];
    for (i, d) in DAYS.iter().enumerate() {
        let on = form.days.contains(*d);
        let mut style = if on { theme.day_on() } else { theme.dim() };
        if focused(Field::Days) && form.day_cursor == i {
            style = style.patch(theme.selected());
        }
        days.push(Span::styled(
            format!("[{}]{}", if on { "x" } else { " " }, d.title()),
            style,
        ));
        days.push(Span::raw(" "));
    }
    lines.push(Line::from(days));
    lines.push(Line::raw(""));

    let part = |minute: bool, text: String| {
        let mut style = theme.text();
        if focused(Field::Time) && form.minute_part == minute && form.typed.is_empty() {
            style = theme.selected();
        }
        Span::styled(text, style)
    };
    let mut time = vec![label(Field::Time, text::FORM_TIME)];
    if form.typed.is_empty() {
        time.push(part(false, format!("{:02}", form.time.hour())));
        time.push(Span::raw(":"));
        time.push(part(true, format!("{:02}", form.time.minute())));
    } else {
        time.push(Span::styled(partial_time(&form.typed), theme.warn()));
    }
    // Which zone the picker edits, and the same days and time on the user's clock.
    time.push(Span::styled(
        format!("  {}", zones.server_label()),
        theme.dim(),
    ));
    if !zones.same(now) {
        let days = if form.days.is_empty() {
            None
        } else {
            Some(form.days)
        };
        // With no day set yet, the time alone is previewed.
        let probe = days.unwrap_or(crate::domain::Weekdays::ALL);
        if let Some((d, t)) = in_zone(probe, form.time, &zones.server, &zones.local, now) {
            let text = match days {
                Some(_) => format!(" = {} {t} {}", d.display(), zones.local_label()),
                None => format!(" = {t} {}", zones.local_label()),
            };
            time.push(Span::styled(text, theme.accent()));
        }
    }
    lines.push(Line::from(time));
    lines.push(Line::raw(""));
    if form.is_bulk() {
        let mut spread = vec![label(Field::Spread, text::FORM_UNTIL)];
        let text = if !form.spread_typed.is_empty() {
            Span::styled(partial_time(&form.spread_typed), theme.warn())
        } else {
            match form.spread {
                Some(t) => Span::styled(
                    t.to_string(),
                    if focused(Field::Spread) {
                        theme.selected()
                    } else {
                        theme.text()
                    },
                ),
                None => Span::styled(
                    text::SPREAD_OFF,
                    if focused(Field::Spread) {
                        theme.selected()
                    } else {
                        theme.dim()
                    },
                ),
            }
        };
        spread.push(text);
        let n = form.targets.len();
        let window = form
            .spread
            .map(|until| (until, window_minutes(form.time, until)));
        let note = match window {
            // Past midnight: those starts run the day after the chosen days.
            Some((until, Ok(width))) if n > 1 => {
                text::spread_starts(n, form.time, until, width / n as i64, until < form.time)
            }
            Some((_, Ok(_))) => text::spread_one(form.time),
            Some((_, Err(_))) => text::SPREAD_EMPTY.to_string(),
            None => text::spread_none(n, form.time),
        };
        spread.push(Span::styled(format!("  {note}"), theme.dim()));
        lines.push(Line::from(spread));
        lines.push(Line::raw(""));
    }

    let button = |field: Field, text: &str| {
        let style = if focused(field) {
            theme.selected()
        } else {
            theme.text()
        };
        Span::styled(format!("[ {text} ]"), style)
    };
    lines.push(Line::from(vec![
        Span::raw("      "),
        button(
            Field::Save,
            if form.saving {
                text::SAVING
            } else {
                text::SAVE
            },
        ),
        Span::raw("  "),
        button(Field::Cancel, text::CANCEL),
    ]));
    lines.push(Line::raw(""));
    match &form.error {
        Some(e) => lines.push(Line::styled(e.clone(), theme.error())),
        None if form.same_name(model) => {
            let warning = if form.editing.is_some() {
                text::SAME_NAME_EDIT
            } else {
                text::SAME_NAME
            };
            lines.push(Line::styled(warning, theme.warn()))
        }
        None => lines.push(Line::raw("")),
    }
    let hint = form.hint(keymap);
    lines.push(Line::styled(hint, theme.dim()));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// Digits of a time typed so far, as `02:_ _` with blanks for the missing ones.
fn partial_time(typed: &str) -> String {
    let mut t = typed.to_string();
    while t.len() < 4 {
        t.push('_');
    }
    format!("{}:{}", &t[..2], &t[2..])
}

impl Draw for Form {
    fn draw(&self, model: &Model, theme: Theme, areas: Areas, f: &mut Frame) {
        render(self, model, theme, areas.screen, f)
    }
}
