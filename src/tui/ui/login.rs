//! The login screen: API URL, username, masked password, then the one-time code if asked.

use ratatui::Frame;

use crate::sanitize::for_terminal;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::{Theme, centered, popup, spinner};
use crate::tui::input::TextField;
use crate::tui::layers::login::{LoginField, LoginForm, Origin};
use crate::tui::layers::{Areas, Draw};
use crate::tui::model::Model;
use crate::tui::text;

/// The label column's width.
const LABEL: u16 = 12;

/// Draws the login screen over `area`, the caret in the focused field.
pub fn render(login: &LoginForm, model: &Model, theme: Theme, area: Rect, f: &mut Frame) {
    f.render_widget(Clear, area);
    let rect = centered(area, 64, 13);
    let b = Block::bordered()
        .title(text::LOGIN_TITLE)
        .border_style(theme.accent());
    let inner = popup(f, rect, b);
    // Inside the brackets.
    let width = inner.width.saturating_sub(LABEL + 2) as usize;
    let field = |which: LoginField, label: &str, value: &TextField, locked: bool| {
        let focused = login.focus == which && !login.busy;
        let label_style = if focused { theme.accent() } else { theme.dim() };
        let (shown, _) = value.boxed(width);
        let value_style = if locked { theme.dim() } else { theme.text() };
        Line::from(vec![
            Span::styled(format!("{label:<12}"), label_style),
            Span::styled(format!("[{shown}]"), value_style),
        ])
    };
    let locked = login.code_step;
    let password = if login.code_only {
        // The profile's own password logged in: nothing to show or type.
        TextField::new(text::FROM_PROFILE)
    } else {
        login.password_field().clone()
    };
    let mut lines = vec![
        field(LoginField::Url, text::LOGIN_URL, &login.url, locked),
        field(
            LoginField::Username,
            text::LOGIN_USERNAME,
            &login.username,
            locked,
        ),
        field(
            LoginField::Password,
            text::LOGIN_PASSWORD,
            &password,
            locked,
        ),
    ];
    lines.push(Line::raw(""));
    let start = matches!(login.origin, Origin::Start);
    if login.code_step {
        lines.push(field(
            LoginField::Code,
            text::LOGIN_CODE,
            login.code_field(),
            false,
        ));
    }
    let note = if login.no_password && !login.code_step {
        text::login_note_no_password(&for_terminal(&model.session.profile))
    } else {
        text::login_note(login.code_step, login.code_only, start).to_string()
    };
    lines.push(Line::styled(note, theme.dim()));
    if !login.code_step {
        lines.push(Line::raw(""));
    }
    lines.push(Line::raw(""));
    if login.busy {
        let what = match (&login.origin, login.code_step) {
            (Origin::Switched(prev), _) if login.leaving => {
                text::going_back(&for_terminal(&prev.session.profile))
            }
            (_, true) => text::CHECKING_CODE.to_string(),
            (_, false) => text::LOGGING_IN.to_string(),
        };
        lines.push(Line::styled(
            format!("{} {what}", spinner(model)),
            theme.warn(),
        ));
    } else if let Some(e) = &login.error {
        lines.push(Line::styled(for_terminal(e).into_owned(), theme.error()));
    } else {
        lines.push(Line::raw(""));
    }
    let esc = match &login.origin {
        _ if login.code_step && !login.code_only => text::ESC_BACK.to_string(),
        Origin::Start => text::ESC_QUIT.to_string(),
        Origin::Expired => text::ESC_CLOSE.to_string(),
        Origin::Switched(prev) => text::esc_back_to(&for_terminal(&prev.session.profile)),
    };
    lines.push(Line::styled(
        text::login_hint(login.code_step, &esc),
        theme.dim(),
    ));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    if !login.busy {
        let row = match login.focus {
            LoginField::Url => 0,
            LoginField::Username => 1,
            LoginField::Password => 2,
            LoginField::Code => 4,
        };
        let (_, at) = login.focused().view(width);
        // One cell in: the field's opening bracket.
        let pos = Position::new(inner.x + LABEL + 1 + at, inner.y + row);
        if inner.contains(pos) {
            f.set_cursor_position(pos);
        }
    }
}

impl Draw for LoginForm {
    fn draw(&self, model: &Model, theme: Theme, areas: Areas, f: &mut Frame) {
        render(self, model, theme, areas.screen, f)
    }
}
