//! Key bindings: the defaults in `assets/keymap.toml`, user overrides from the config file.
//! The help overlay and the footer hints are generated from this table, so they cannot disagree
//! with what the keys do.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const DEFAULTS: &str = include_str!("../../assets/keymap.toml");

/// Something a key can do outside text fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// Quit.
    Quit,
    /// Show help.
    Help,
    /// Reload from the API.
    Refresh,
    /// Move between the panes.
    SwitchPane,
    /// Move up.
    Up,
    /// Move down.
    Down,
    /// First row.
    Top,
    /// Last row.
    Bottom,
    /// A page up.
    PageUp,
    /// A page down.
    PageDown,
    /// Edit the server filter.
    Filter,
    /// New schedule.
    New,
    /// Edit the selected schedule.
    Edit,
    /// Delete the selected schedule.
    Delete,
    /// The fleet's upcoming backups and the heat map.
    Upcoming,
    /// Change the selected server's retention.
    Retention,
    /// Mark or unmark the selected server.
    Mark,
    /// Mark every server the filter shows (again: unmark them).
    MarkAll,
    /// Apply a schedule to the marked servers.
    BulkApply,
    /// Copy the selected schedule to the marked servers.
    Copy,
    /// Undo the last delete.
    Undo,
    /// Show the change journal.
    Journal,
    /// Switch to the next profile.
    Profile,
}

/// Every action with its config name and its help text, in help order.
pub const ACTIONS: [(Action, &str, &str); 23] = [
    (Action::New, "new", "new schedule"),
    (Action::Edit, "edit", "edit schedule"),
    (Action::Delete, "delete", "delete schedule"),
    (Action::Upcoming, "upcoming", "upcoming backups, heat map"),
    (Action::Retention, "retention", "backups kept (retention)"),
    (Action::Mark, "mark", "mark server"),
    (Action::MarkAll, "mark_all", "mark all shown"),
    (Action::BulkApply, "bulk_apply", "apply schedule to marked"),
    (Action::Copy, "copy", "copy schedule to marked"),
    (Action::Undo, "undo", "undo last delete"),
    (Action::Journal, "journal", "change journal"),
    (Action::Profile, "profile", "next profile (account)"),
    (Action::Filter, "filter", "filter servers"),
    (Action::SwitchPane, "switch_pane", "switch pane"),
    (Action::Refresh, "refresh", "refresh"),
    (Action::Up, "up", "up"),
    (Action::Down, "down", "down"),
    (Action::Top, "top", "first"),
    (Action::Bottom, "bottom", "last"),
    (Action::PageUp, "page_up", "page up"),
    (Action::PageDown, "page_down", "page down"),
    (Action::Help, "help", "help"),
    (Action::Quit, "quit", "quit"),
];

/// A key as bindings name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    code: KeyCode,
    ctrl: bool,
}

impl Key {
    /// Parses `q`, `G`, `tab`, `ctrl-r`, `f5` …
    pub fn parse(s: &str) -> Option<Key> {
        let (ctrl, rest) = match s.strip_prefix("ctrl-") {
            Some(r) => (true, r),
            None => (false, s),
        };
        let code = match rest {
            "tab" => KeyCode::Tab,
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "space" => KeyCode::Char(' '),
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pgup" => KeyCode::PageUp,
            "pgdn" => KeyCode::PageDown,
            "delete" => KeyCode::Delete,
            "backspace" => KeyCode::Backspace,
            f if f.len() > 1 && f.starts_with('f') => KeyCode::F(f[1..].parse().ok()?),
            c => {
                let mut chars = c.chars();
                let ch = chars.next()?;
                if chars.next().is_some() {
                    return None;
                }
                KeyCode::Char(ch)
            }
        };
        Some(Key { code, ctrl })
    }

    /// The key of a terminal event.
    pub fn of(ev: &KeyEvent) -> Key {
        Key {
            code: ev.code,
            ctrl: ev.modifiers.contains(KeyModifiers::CONTROL),
        }
    }

    /// How the help and footer show the key.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Tab => "Tab".to_string(),
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Esc => "Esc".to_string(),
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::Home => "Home".to_string(),
            KeyCode::End => "End".to_string(),
            KeyCode::PageUp => "PgUp".to_string(),
            KeyCode::PageDown => "PgDn".to_string(),
            KeyCode::Delete => "Del".to_string(),
            KeyCode::Backspace => "Bksp".to_string(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Char(c) => c.to_string(),
            _ => "?".to_string(),
        };
        if self.ctrl {
            format!("Ctrl+{base}")
        } else {
            base
        }
    }
}

/// The active bindings.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<(Key, Action)>,
}

impl Keymap {
    /// The defaults with `overrides` (config `[keys]`: action name → list of keys) applied.
    pub fn new(overrides: &BTreeMap<String, toml::Value>) -> Result<Keymap, String> {
        let defaults: BTreeMap<String, toml::Value> =
            toml::from_str(DEFAULTS).map_err(|e| format!("built-in keymap: {e}"))?;
        let mut bindings = Vec::new();
        for (action, name, _) in ACTIONS {
            let value = overrides.get(name).or_else(|| defaults.get(name));
            let keys = match value {
                Some(toml::Value::Array(items)) => items.clone(),
                Some(toml::Value::String(s)) => vec![toml::Value::String(s.clone())],
                Some(_) => return Err(format!("keys.{name} must be a list of keys")),
                None => Vec::new(),
            };
            for k in keys {
                let text = k.as_str().unwrap_or("");
                let key = Key::parse(text)
                    .ok_or_else(|| format!("keys.{name}: '{text}' is not a key name"))?;
                if let Some((_, other)) = bindings.iter().find(|(k, _)| *k == key) {
                    return Err(format!(
                        "keys.{name}: '{text}' is already bound to {}",
                        name_of(*other)
                    ));
                }
                bindings.push((key, action));
            }
        }
        for name in overrides.keys() {
            if !ACTIONS.iter().any(|(_, n, _)| n == name) {
                return Err(format!("keys.{name} is not an action"));
            }
        }
        Ok(Keymap { bindings })
    }

    /// The action bound to a key event.
    pub fn action(&self, ev: &KeyEvent) -> Option<Action> {
        let key = Key::of(ev);
        self.bindings
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, a)| *a)
    }

    /// The labels of the keys bound to `action`, e.g. `"j/↓"`.
    pub fn keys_for(&self, action: Action) -> String {
        self.bindings
            .iter()
            .filter(|(_, a)| *a == action)
            .map(|(k, _)| k.label())
            .collect::<Vec<_>>()
            .join("/")
    }

    /// `(keys, description)` for every action, in help order.
    pub fn help_rows(&self) -> Vec<(String, &'static str)> {
        ACTIONS
            .iter()
            .map(|(a, _, desc)| (self.keys_for(*a), *desc))
            .collect()
    }
}

impl Default for Keymap {
    fn default() -> Keymap {
        Keymap::new(&BTreeMap::new()).unwrap_or(Keymap {
            bindings: Vec::new(),
        })
    }
}

fn name_of(action: Action) -> &'static str {
    ACTIONS
        .iter()
        .find(|(a, _, _)| *a == action)
        .map(|(_, n, _)| *n)
        .unwrap_or("?")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn defaults_and_overrides() {
        let km = Keymap::default();
        assert_eq!(km.action(&ev(KeyCode::Char('d'))), Some(Action::Delete));
        assert_eq!(km.action(&ev(KeyCode::Down)), Some(Action::Down));
        assert_eq!(km.keys_for(Action::Down), "j/↓");
        let mut o = BTreeMap::new();
        o.insert("delete".to_string(), toml::Value::Array(vec!["x".into()]));
        let km = Keymap::new(&o).unwrap();
        assert_eq!(km.action(&ev(KeyCode::Char('x'))), Some(Action::Delete));
        assert_eq!(km.action(&ev(KeyCode::Char('d'))), None);
        o.insert("quit".to_string(), toml::Value::Array(vec!["x".into()]));
        assert!(Keymap::new(&o).unwrap_err().contains("already bound"));
        let mut bad = BTreeMap::new();
        bad.insert("explode".to_string(), toml::Value::Array(vec![]));
        assert!(Keymap::new(&bad).is_err());
    }
}
