//! The login screen: API URL, username, masked password, then the one-time code if asked.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::{Theme, centered, popup, truncate};
use crate::tui::layers::login::{LoginField, LoginForm};

/// Draws the login screen over `area`; `spinner` is the current spinner frame.
pub fn render(login: &LoginForm, spinner: &str, theme: Theme, area: Rect, f: &mut Frame) {
    f.render_widget(Clear, area);
    let rect = centered(area, 64, 13);
    let b = Block::bordered()
        .title(" bsched · log in ")
        .border_style(theme.accent());
    let inner = popup(f, rect, b);
    let width = inner.width.saturating_sub(14) as usize;
    let field = |which: LoginField, label: &str, value: &str, locked: bool| {
        let focused = login.focus == which && !login.busy;
        let label_style = if focused { theme.accent() } else { theme.dim() };
        let mut shown = truncate(value, width);
        if focused {
            shown.push('▏');
        }
        let value_style = if locked { theme.dim() } else { theme.text() };
        Line::from(vec![
            Span::styled(format!("{label:<12}"), label_style),
            Span::styled(format!("[{shown}]"), value_style),
        ])
    };
    let locked = login.code_step;
    let mut lines = vec![
        field(LoginField::Url, "API URL", &login.url, locked),
        field(LoginField::Username, "Username", &login.username, locked),
        field(
            LoginField::Password,
            "Password",
            &login.password_mask(),
            locked,
        ),
        Line::raw(""),
    ];
    if login.code_step {
        lines.push(field(LoginField::Code, "Code", login.code(), false));
        lines.push(Line::styled(
            "This account uses two-factor login: enter the 6-digit code from your app.",
            theme.dim(),
        ));
    } else {
        lines.push(Line::styled(
            "No credentials are configured; they are used for this session only.",
            theme.dim(),
        ));
        lines.push(Line::raw(""));
    }
    lines.push(Line::raw(""));
    if login.busy {
        let what = if login.code_step {
            "Checking the code…"
        } else {
            "Logging in…"
        };
        lines.push(Line::styled(format!("{spinner} {what}"), theme.warn()));
    } else if let Some(e) = &login.error {
        lines.push(Line::styled(e.clone(), theme.error()));
    } else {
        lines.push(Line::raw(""));
    }
    let hint = if login.code_step {
        "Enter send code · Esc back"
    } else {
        "Enter log in · Tab next field · Ctrl+U clear · Esc quit"
    };
    lines.push(Line::styled(hint, theme.dim()));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
