//! Key bindings: the defaults in `assets/keymap.toml`, user overrides from the config file.
//! The help overlay and the footer hints are generated from this table, so they cannot disagree
//! with what the keys do.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const DEFAULTS: &str = include_str!("../../../assets/keymap.toml");

mod actions;

pub use actions::{ACTIONS, Action, ActionInfo, FOOTER, Section, info_of};

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
            "backtab" => KeyCode::BackTab,
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
            KeyCode::BackTab => "Shift+Tab".to_string(),
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
    bindings: Vec<(Section, Key, Action)>,
}

/// The key lists of one section: action name → keys (a list, or one key as a string).
type Table = BTreeMap<String, toml::Value>;

/// Splits a `[keys]` table into the main screen's bindings and the layers' sub-tables.
fn sections(table: &Table, whose: &str) -> Result<BTreeMap<Section, Table>, String> {
    let mut out: BTreeMap<Section, Table> = BTreeMap::new();
    for (name, value) in table {
        if let toml::Value::Table(sub) = value {
            let Some(section) = SECTIONS.iter().find(|s| s.name() == name) else {
                return Err(format!("{whose}.{name} is not a key section"));
            };
            out.entry(*section)
                .or_default()
                .extend(sub.iter().map(|(k, v)| (k.clone(), v.clone())));
        } else {
            out.entry(Section::Main)
                .or_default()
                .insert(name.clone(), value.clone());
        }
    }
    Ok(out)
}

/// Every section, main first.
const SECTIONS: [Section; 6] = [
    Section::Main,
    Section::Confirm,
    Section::Retention,
    Section::Plan,
    Section::Form,
    Section::View,
];

/// How the config file names a binding: `keys.delete`, `keys.confirm.yes`.
fn path(section: Section, name: &str) -> String {
    match section {
        Section::Main => format!("keys.{name}"),
        s => format!("keys.{}.{name}", s.name()),
    }
}

impl Keymap {
    /// The defaults with `overrides` (config `[keys]`: action name → list of keys, and
    /// `[keys.SECTION]` tables for the layers) applied.
    pub fn new(overrides: &BTreeMap<String, toml::Value>) -> Result<Keymap, String> {
        let defaults: Table =
            toml::from_str(DEFAULTS).map_err(|e| format!("built-in keymap: {e}"))?;
        let defaults = sections(&defaults, "built-in keymap")?;
        let overrides = sections(overrides, "keys")?;
        let mut bindings: Vec<(Section, Key, Action)> = Vec::new();
        for info in &ACTIONS {
            let table = |t: &BTreeMap<Section, Table>| {
                t.get(&info.section).and_then(|t| t.get(info.name)).cloned()
            };
            let value = table(&overrides).or_else(|| table(&defaults));
            let name = path(info.section, info.name);
            let keys = match value {
                Some(toml::Value::Array(items)) => items,
                Some(toml::Value::String(s)) => vec![toml::Value::String(s)],
                Some(_) => return Err(format!("{name} must be a list of keys")),
                None => Vec::new(),
            };
            for k in keys {
                let text = k.as_str().unwrap_or("");
                let key = Key::parse(text)
                    .ok_or_else(|| format!("{name}: '{text}' is not a key name"))?;
                if let Some((_, _, other)) = bindings
                    .iter()
                    .find(|(s, k, _)| *s == info.section && *k == key)
                {
                    return Err(format!(
                        "{name}: '{text}' is already bound to {}",
                        name_of(*other)
                    ));
                }
                bindings.push((info.section, key, info.action));
            }
        }
        for (section, table) in &overrides {
            for name in table.keys() {
                if !ACTIONS
                    .iter()
                    .any(|i| i.section == *section && i.name == name)
                {
                    return Err(format!("{} is not an action", path(*section, name)));
                }
            }
        }
        Ok(Keymap { bindings })
    }

    /// The main screen's action bound to a key event.
    pub fn action(&self, ev: &KeyEvent) -> Option<Action> {
        self.action_in(Section::Main, ev)
    }

    /// The action a key event has in `section`.
    pub fn action_in(&self, section: Section, ev: &KeyEvent) -> Option<Action> {
        let key = Key::of(ev);
        self.bindings
            .iter()
            .find(|(s, k, _)| *s == section && *k == key)
            .map(|(_, _, a)| *a)
    }

    /// Whether `ev` is bound to `action`.
    pub fn is(&self, action: Action, ev: &KeyEvent) -> bool {
        let key = Key::of(ev);
        self.bindings
            .iter()
            .any(|(_, k, a)| *a == action && *k == key)
    }

    /// The labels of the keys bound to `action`, in binding order. An upper-case letter bound
    /// beside its lower-case one (`y` and `Y`) shows once.
    pub fn labels(&self, action: Action) -> Vec<String> {
        let keys: Vec<Key> = self
            .bindings
            .iter()
            .filter(|(_, _, a)| *a == action)
            .map(|(_, k, _)| *k)
            .collect();
        keys.iter()
            .filter(|k| match k.code {
                KeyCode::Char(c) if c.is_uppercase() => !keys.iter().any(|o| {
                    o.ctrl == k.ctrl && matches!(o.code, KeyCode::Char(l) if c.to_lowercase().eq(std::iter::once(l)))
                }),
                _ => true,
            })
            .map(Key::label)
            .collect()
    }

    /// The labels of the keys bound to `action`, e.g. `"j/↓"`.
    pub fn keys_for(&self, action: Action) -> String {
        self.labels(action).join("/")
    }

    /// `(keys, description)` for every action of the main screen, in help order.
    pub fn help_rows(&self) -> Vec<(String, &'static str)> {
        self.help_rows_in(Section::Main)
    }

    /// `(keys, description)` for every action of `section`, in help order.
    pub fn help_rows_in(&self, section: Section) -> Vec<(String, &'static str)> {
        ACTIONS
            .iter()
            .filter(|i| i.section == section)
            .map(|i| (self.keys_for(i.action), i.help))
            .collect()
    }

    /// `(keys, label)` of the footer's hints, most wanted first (actions without a key left out).
    pub fn footer(&self) -> Vec<(Action, String, &'static str)> {
        FOOTER
            .iter()
            .filter_map(|a| {
                let label = info_of(*a)?.footer?;
                let keys = self.keys_for(*a);
                (!keys.is_empty()).then_some((*a, keys, label))
            })
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
    info_of(action).map(|i| i.name).unwrap_or("?")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn defaults_and_overrides() {
        if let Err(e) = Keymap::new(&BTreeMap::new()) {
            panic!("the built-in keymap: {e}");
        }
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

    fn table(pairs: &[(&str, &[&str])]) -> toml::Value {
        toml::Value::Table(
            pairs
                .iter()
                .map(|(k, v)| {
                    let keys = v.iter().map(|s| toml::Value::from(*s)).collect();
                    (k.to_string(), toml::Value::Array(keys))
                })
                .collect(),
        )
    }

    #[test]
    fn layers_have_sections_of_their_own() {
        let km = Keymap::default();
        let y = ev(KeyCode::Char('y'));
        assert_eq!(km.action_in(Section::Confirm, &y), Some(Action::Yes));
        assert_eq!(km.action_in(Section::Plan, &y), Some(Action::ApplyPlan));
        assert_eq!(
            km.action(&y),
            Some(Action::CopyId),
            "on the main screen y copies an id"
        );
        assert_eq!(km.keys_for(Action::Yes), "y", "Y shows once, as y");
        assert_eq!(km.keys_for(Action::No), "n/Esc");
        assert_eq!(km.keys_for(Action::PrevField), "Shift+Tab");

        // The same key may mean different things in different sections, not twice in one.
        let mut o = BTreeMap::new();
        o.insert("confirm".to_string(), table(&[("yes", &["j"])]));
        let km = Keymap::new(&o).unwrap();
        assert_eq!(
            km.action_in(Section::Confirm, &ev(KeyCode::Char('j'))),
            Some(Action::Yes)
        );
        assert_eq!(km.action_in(Section::Confirm, &y), None);
        assert_eq!(km.action(&ev(KeyCode::Char('j'))), Some(Action::Down));
        o.insert("confirm".to_string(), table(&[("yes", &["n"])]));
        let e = Keymap::new(&o).unwrap_err();
        assert_eq!(e, "keys.confirm.no: 'n' is already bound to yes");

        let mut o = BTreeMap::new();
        o.insert("plan".to_string(), table(&[("explode", &["x"])]));
        assert_eq!(
            Keymap::new(&o).unwrap_err(),
            "keys.plan.explode is not an action"
        );
        let mut o = BTreeMap::new();
        o.insert("dialog".to_string(), table(&[]));
        assert_eq!(
            Keymap::new(&o).unwrap_err(),
            "keys.dialog is not a key section"
        );
    }
}
