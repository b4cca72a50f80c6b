//! Colours and styles. The terminal's own palette and background; `NO_COLOR` gives a theme of
//! bold and reversed only.

use ratatui::style::{Color, Modifier, Style};

/// The styles the renderer uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    color: bool,
}

impl Theme {
    /// A theme; `color = false` for `NO_COLOR`.
    pub fn new(color: bool) -> Theme {
        Theme { color }
    }

    /// From the environment: `NO_COLOR` set and non-empty turns colour off.
    pub fn from_env() -> Theme {
        Theme::new(std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()))
    }

    fn fg(self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    /// Plain text.
    pub fn text(self) -> Style {
        Style::new()
    }
    /// Secondary text (and unset days).
    pub fn dim(self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }
    /// The selected row of the focused pane.
    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
    /// The selected row of the other pane.
    pub fn selected_unfocused(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
    /// Headings and the focused pane's border.
    pub fn accent(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    /// A set day.
    pub fn day_on(self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::BOLD)
    }
    /// Errors.
    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    /// Good news.
    pub fn ok(self) -> Style {
        self.fg(Color::Green)
    }
    /// Warnings (e.g. deleting…).
    pub fn warn(self) -> Style {
        self.fg(Color::Yellow)
    }
    /// Key names in hints.
    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
}
