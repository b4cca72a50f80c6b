//! Key bindings: the defaults in `assets/keymap.toml`, user overrides from the config file.
//! The help overlay and the footer hints are generated from this table, so they cannot disagree
//! with what the keys do.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const DEFAULTS: &str = include_str!("../../assets/keymap.toml");

/// Where a binding applies: the main screen, or one of the layers with keys of its own.
/// In the config file, the main screen's keys are `[keys]` and a layer's are `[keys.LAYER]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    /// The panes (and the navigation keys of every list).
    Main,
    /// A yes/no question: the delete dialog, the retention change.
    Confirm,
    /// The retention dialog.
    Retention,
    /// The bulk apply plan screen.
    Plan,
    /// The schedule form (outside its text field).
    Form,
    /// The full-screen views (upcoming, journal, help).
    View,
}

impl Section {
    /// The name of its table in `assets/keymap.toml` and under `[keys]` in the config file.
    pub fn name(self) -> &'static str {
        match self {
            Section::Main => "main",
            Section::Confirm => "confirm",
            Section::Retention => "retention_dialog",
            Section::Plan => "plan",
            Section::Form => "form",
            Section::View => "view",
        }
    }
}

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
    /// A question: yes.
    Yes,
    /// A question: no, back.
    No,
    /// Retention: one more backup kept.
    More,
    /// Retention: one fewer.
    Fewer,
    /// Retention: go on to the confirmation.
    Choose,
    /// Retention: close without a change.
    CancelRetention,
    /// Plan: send it (once it finished: close it).
    ApplyPlan,
    /// Plan: list the failed servers again and retry them.
    RetryFailed,
    /// Plan: close it (before it started: nothing is sent).
    ClosePlan,
    /// Form: next field.
    NextField,
    /// Form: previous field.
    PrevField,
    /// Form: toggle the day under the cursor.
    ToggleDay,
    /// Form: Monday to Friday.
    Workdays,
    /// Form: every day.
    EveryDay,
    /// Form: no day.
    NoDays,
    /// Form: save.
    Save,
    /// Form: cancel.
    CancelForm,
    /// A full-screen view: close it.
    Close,
}

/// What the help, the footer and the config file know of an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionInfo {
    /// The action.
    pub action: Action,
    /// Where its keys apply.
    pub section: Section,
    /// Its name in the config file.
    pub name: &'static str,
    /// Its line in the help.
    pub help: &'static str,
    /// Its short label in the footer (None: not in the footer).
    pub footer: Option<&'static str>,
}

const fn info(
    action: Action,
    section: Section,
    name: &'static str,
    help: &'static str,
    footer: Option<&'static str>,
) -> ActionInfo {
    ActionInfo {
        action,
        section,
        name,
        help,
        footer,
    }
}

use Section::{Confirm as C, Form as F, Main as M, Plan as P, Retention as R, View as V};

/// Every action, in help order within its section.
pub const ACTIONS: [ActionInfo; 41] = [
    info(Action::New, M, "new", "new schedule", Some("new")),
    info(Action::Edit, M, "edit", "edit schedule", Some("edit")),
    info(
        Action::Delete,
        M,
        "delete",
        "delete schedule",
        Some("delete"),
    ),
    info(
        Action::Upcoming,
        M,
        "upcoming",
        "upcoming backups, heat map",
        Some("upcoming"),
    ),
    info(
        Action::Retention,
        M,
        "retention",
        "backups kept (retention)",
        Some("retention"),
    ),
    info(Action::Mark, M, "mark", "mark server", Some("mark")),
    info(Action::MarkAll, M, "mark_all", "mark all shown", None),
    info(
        Action::BulkApply,
        M,
        "bulk_apply",
        "apply schedule to marked",
        Some("apply to marked"),
    ),
    info(Action::Copy, M, "copy", "copy schedule to marked", None),
    info(Action::Undo, M, "undo", "undo last delete", Some("undo")),
    info(
        Action::Journal,
        M,
        "journal",
        "change journal",
        Some("journal"),
    ),
    info(
        Action::Profile,
        M,
        "profile",
        "next profile (account)",
        None,
    ),
    info(
        Action::Filter,
        M,
        "filter",
        "filter servers",
        Some("filter"),
    ),
    info(
        Action::SwitchPane,
        M,
        "switch_pane",
        "switch pane",
        Some("pane"),
    ),
    info(Action::Refresh, M, "refresh", "refresh", Some("refresh")),
    info(Action::Up, M, "up", "up", None),
    info(Action::Down, M, "down", "down", None),
    info(Action::Top, M, "top", "first", None),
    info(Action::Bottom, M, "bottom", "last", None),
    info(Action::PageUp, M, "page_up", "page up", None),
    info(Action::PageDown, M, "page_down", "page down", None),
    info(Action::Help, M, "help", "help", Some("help")),
    info(Action::Quit, M, "quit", "quit", Some("quit")),
    info(Action::Yes, C, "yes", "yes", None),
    info(Action::No, C, "no", "no, back", None),
    info(Action::More, R, "more", "keep one more", None),
    info(Action::Fewer, R, "fewer", "keep one fewer", None),
    info(Action::Choose, R, "choose", "continue", None),
    info(Action::CancelRetention, R, "cancel", "cancel", None),
    info(Action::ApplyPlan, P, "apply", "apply the plan", None),
    info(
        Action::RetryFailed,
        P,
        "retry",
        "retry the failed ones",
        None,
    ),
    info(
        Action::ClosePlan,
        P,
        "close",
        "close (before applying: nothing is sent)",
        None,
    ),
    info(Action::NextField, F, "next_field", "next field", None),
    info(Action::PrevField, F, "prev_field", "previous field", None),
    info(Action::ToggleDay, F, "toggle_day", "toggle a day", None),
    info(Action::Workdays, F, "workdays", "Mon-Fri", None),
    info(Action::EveryDay, F, "every_day", "every day", None),
    info(Action::NoDays, F, "no_days", "no day", None),
    info(Action::Save, F, "save", "save", None),
    info(Action::CancelForm, F, "cancel", "cancel", None),
    info(Action::Close, V, "close", "close the view", None),
];

/// The footer's hints, most wanted first: help and quit always show, the others while they fit.
pub const FOOTER: [Action; 14] = [
    Action::Help,
    Action::Quit,
    Action::New,
    Action::Edit,
    Action::Delete,
    Action::Upcoming,
    Action::Filter,
    Action::Retention,
    Action::Mark,
    Action::BulkApply,
    Action::Undo,
    Action::Journal,
    Action::SwitchPane,
    Action::Refresh,
];

/// What is known of `action`.
pub fn info_of(action: Action) -> Option<&'static ActionInfo> {
    ACTIONS.iter().find(|i| i.action == action)
}

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

    /// The labels of the keys bound to `action`, e.g. `"j/↓"`. An upper-case letter bound
    /// beside its lower-case one (`y` and `Y`) shows once.
    pub fn keys_for(&self, action: Action) -> String {
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
            .collect::<Vec<_>>()
            .join("/")
    }

    /// `(keys, description)` for every action of the main screen, in help order.
    pub fn help_rows(&self) -> Vec<(String, &'static str)> {
        ACTIONS
            .iter()
            .filter(|i| i.section == Section::Main)
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
        assert_eq!(km.action(&y), None, "y means nothing on the main screen");
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
