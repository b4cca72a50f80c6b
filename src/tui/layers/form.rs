//! The schedule form's state: name field, seven weekday checkboxes, a time picker.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::base::{Areas, Gesture, Kind, LayerState, Step};
use super::plan::{PlanScreen, plan_bulk};
use crate::domain::plan::{Start, stagger_starts};
use crate::tui::input::{Edit, TextField};
use crate::tui::keymap::{Action, Keymap, Section};
use crate::tui::layout;
use crate::tui::model::Model;
use crate::tui::text;

use crate::domain::{
    DAYS, InstanceId, NAME_MAX_CHARS, Schedule, ScheduleId, ScheduleName, ScheduleSpec, TimeOfDay,
    Weekdays,
};

mod save;

use save::Save;
pub(crate) use save::on_saved;

/// Which part of the form has focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The name text field.
    Name,
    /// The weekday checkboxes.
    Days,
    /// The time picker.
    Time,
    /// The end of the stagger window (bulk apply only).
    Spread,
    /// The Save button.
    Save,
    /// The Cancel button.
    Cancel,
}

const ORDER: [Field; 5] = [
    Field::Name,
    Field::Days,
    Field::Time,
    Field::Save,
    Field::Cancel,
];

const BULK_ORDER: [Field; 6] = [
    Field::Name,
    Field::Days,
    Field::Time,
    Field::Spread,
    Field::Save,
    Field::Cancel,
];

/// What a key did to the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormOutcome {
    /// Nothing for the app to do.
    Stay,
    /// The user wants to save this spec (it passed validation).
    Submit(ScheduleSpec),
    /// The user cancelled.
    Cancel,
}

/// The form for a new schedule or an edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// The server it is for.
    pub instance: InstanceId,
    /// That server's name, for the title.
    pub server_name: String,
    /// The schedule being edited, or None for a new one.
    pub editing: Option<ScheduleId>,
    /// The name as typed, with its caret.
    pub name: TextField,
    /// The checked days.
    pub days: Weekdays,
    /// The day under the cursor on the days row (0 = Monday).
    pub day_cursor: usize,
    /// The time.
    pub time: TimeOfDay,
    /// Whether ↑/↓ change the minute (else the hour).
    pub minute_part: bool,
    /// Digits typed into the time so far (four set it).
    pub typed: String,
    /// Focus.
    pub focus: Field,
    /// The validation or API error shown in the form.
    pub error: Option<String>,
    /// A save is on its way.
    pub saving: bool,
    /// Bulk apply: the servers it is for (empty for a single server).
    pub targets: Vec<(InstanceId, String)>,
    /// Bulk apply: start times are spread from `time` until this time (None: all at `time`).
    pub spread: Option<TimeOfDay>,
    /// Digits typed into the spread end so far.
    pub spread_typed: String,
}

impl Form {
    /// An empty form for a new schedule (Monday-Friday at 02:00 as a start).
    pub fn new(instance: InstanceId, server_name: &str) -> Form {
        Form {
            instance,
            server_name: server_name.to_string(),
            editing: None,
            name: TextField::default().max_chars(NAME_MAX_CHARS),
            days: Weekdays::EMPTY,
            day_cursor: 0,
            time: TimeOfDay::new(2, 0).unwrap_or(TimeOfDay::MIDNIGHT),
            minute_part: false,
            typed: String::new(),
            focus: Field::Name,
            error: None,
            saving: false,
            targets: Vec::new(),
            spread: None,
            spread_typed: String::new(),
        }
    }

    /// A form that applies one schedule to several servers, optionally staggered.
    pub fn bulk(targets: Vec<(InstanceId, String)>, from: Option<&Schedule>) -> Form {
        let mut f = match from {
            Some(s) => {
                let mut f = Form::edit(s, "");
                f.editing = None;
                f
            }
            None => Form::new(0, ""),
        };
        f.server_name = text::bulk_servers(targets.len());
        f.targets = targets;
        f
    }

    /// Whether this form applies to several servers.
    pub fn is_bulk(&self) -> bool {
        !self.targets.is_empty()
    }

    /// A form filled from an existing schedule.
    pub fn edit(s: &Schedule, server_name: &str) -> Form {
        let mut f = Form::new(s.instance_id, server_name);
        f.editing = Some(s.id);
        f.name = TextField::new(s.name.clone()).max_chars(NAME_MAX_CHARS);
        f.days = s.days;
        f.time = s.time;
        f
    }

    /// Whether a text field has focus (so `q` types instead of quitting).
    pub fn in_text(&self) -> bool {
        self.focus == Field::Name
    }

    /// Validates everything; the first problem is one sentence.
    pub fn validate(&self) -> Result<ScheduleSpec, String> {
        if !self.typed.is_empty() {
            return Err(text::half_typed(text::TIME_FIELD));
        }
        if !self.spread_typed.is_empty() {
            return Err(text::half_typed(text::SPREAD_FIELD));
        }
        let name = ScheduleName::new(self.name.value()).map_err(|e| e.to_string())?;
        let spec = ScheduleSpec::new(name, self.days, self.time).map_err(|e| e.to_string())?;
        if let Some(until) = self.spread {
            crate::domain::plan::stagger(self.targets.len(), self.time, until)
                .map_err(|e| e.to_string())?;
        }
        Ok(spec)
    }

    fn move_focus(&mut self, step: isize) {
        let order: &[Field] = if self.is_bulk() { &BULK_ORDER } else { &ORDER };
        let i = order.iter().position(|f| *f == self.focus).unwrap_or(0) as isize;
        self.focus = order[(i + step).rem_euclid(order.len() as isize) as usize];
    }

    /// What the user has set, to see whether a key changed any of it.
    fn content(
        &self,
    ) -> (
        String,
        Weekdays,
        TimeOfDay,
        Option<TimeOfDay>,
        String,
        String,
    ) {
        (
            self.name.value().to_string(),
            self.days,
            self.time,
            self.spread,
            self.typed.clone(),
            self.spread_typed.clone(),
        )
    }

    /// Pasted text goes into the name when it has focus (never submits: line breaks are
    /// dropped); elsewhere a paste does nothing.
    pub fn paste(&mut self, text: &str) {
        if self.saving || self.focus != Field::Name {
            return;
        }
        match self.name.paste(text) {
            Edit::Refused => self.error = Some(text::name_too_long(NAME_MAX_CHARS)),
            Edit::Changed => self.error = None,
            _ => {}
        }
    }

    /// Handles a key (the form's own bindings are the keymap's `[form]` section). A message
    /// about what was typed goes away as soon as something is changed.
    pub fn on_key(&mut self, key: &KeyEvent, keymap: &Keymap) -> FormOutcome {
        if self.saving {
            return FormOutcome::Stay;
        }
        let (before, error) = (self.content(), self.error.clone());
        let outcome = self.key(key, keymap);
        if outcome == FormOutcome::Stay && self.error == error && self.content() != before {
            self.error = None;
        }
        outcome
    }

    fn key(&mut self, key: &KeyEvent, keymap: &Keymap) -> FormOutcome {
        // In the name, a character is text whatever the form's bindings say.
        let typing = self.focus == Field::Name
            && matches!(key.code, KeyCode::Char(_))
            && !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        let action = if typing {
            None
        } else {
            keymap.action_in(Section::Form, key)
        };
        match action {
            Some(Action::CancelForm) => return FormOutcome::Cancel,
            Some(Action::NextField) => {
                self.move_focus(1);
                return FormOutcome::Stay;
            }
            Some(Action::PrevField) => {
                self.move_focus(-1);
                return FormOutcome::Stay;
            }
            Some(Action::Save) if self.focus == Field::Cancel => return FormOutcome::Cancel,
            Some(Action::Save) => {
                return match self.validate() {
                    Ok(spec) => {
                        self.error = None;
                        FormOutcome::Submit(spec)
                    }
                    Err(e) => {
                        self.error = Some(e);
                        FormOutcome::Stay
                    }
                };
            }
            _ => {}
        }
        match self.focus {
            Field::Name => self.name_key(key),
            Field::Days => self.days_key(key, action),
            Field::Time => self.time_key(key),
            Field::Spread => self.spread_key(key),
            Field::Save | Field::Cancel => match key.code {
                KeyCode::Left | KeyCode::Right | KeyCode::Char('h') | KeyCode::Char('l') => {
                    self.focus = if self.focus == Field::Save {
                        Field::Cancel
                    } else {
                        Field::Save
                    };
                }
                _ => {}
            },
        }
        FormOutcome::Stay
    }

    fn name_key(&mut self, key: &KeyEvent) {
        if self.name.on_key(key) == Edit::Refused {
            self.error = Some(text::name_too_long(NAME_MAX_CHARS));
        }
    }

    fn days_key(&mut self, key: &KeyEvent, action: Option<Action>) {
        match action {
            Some(Action::ToggleDay) => self.days = self.days.toggled(DAYS[self.day_cursor]),
            Some(Action::Workdays) => self.days = Weekdays::WORKDAYS,
            Some(Action::EveryDay) => self.days = Weekdays::ALL,
            Some(Action::NoDays) => self.days = Weekdays::EMPTY,
            _ => match key.code {
                KeyCode::Left | KeyCode::Char('h') => self.day_cursor = (self.day_cursor + 6) % 7,
                KeyCode::Right | KeyCode::Char('l') => self.day_cursor = (self.day_cursor + 1) % 7,
                KeyCode::Char(c @ '1'..='7') => {
                    let i = (c as u8 - b'1') as usize;
                    self.day_cursor = i;
                    self.days = self.days.toggled(DAYS[i]);
                }
                _ => {}
            },
        }
    }

    fn spread_key(&mut self, key: &KeyEvent) {
        let base = self.spread.unwrap_or(self.time);
        let by = |delta: i64| {
            TimeOfDay::from_minutes((i64::from(base.minutes()) + delta).rem_euclid(1440))
        };
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.spread = Some(by(15)),
            KeyCode::Down | KeyCode::Char('j') => self.spread = Some(by(-15)),
            KeyCode::Char('x') => {
                self.spread = None;
                self.spread_typed.clear();
            }
            KeyCode::Backspace if self.spread_typed.is_empty() => self.spread = None,
            KeyCode::Backspace => {
                self.spread_typed.pop();
            }
            KeyCode::Char(c) if c.is_ascii_digit() => {
                match type_digit(&mut self.spread_typed, c, text::SPREAD_FIELD) {
                    Some(Ok(t)) => {
                        self.spread = Some(t);
                        self.error = None;
                    }
                    Some(Err(e)) => self.error = Some(e),
                    None => {}
                }
            }
            _ => {}
        }
    }

    fn time_key(&mut self, key: &KeyEvent) {
        let (h, m) = (self.time.hour() as i64, self.time.minute() as i64);
        let step = |delta: i64| {
            if self.minute_part {
                TimeOfDay::from_minutes(h * 60 + (m + delta).rem_euclid(60))
            } else {
                TimeOfDay::from_minutes((h + delta).rem_euclid(24) * 60 + m)
            }
        };
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => {
                self.time = step(1);
                self.typed.clear();
            }
            KeyCode::Down | KeyCode::Char('j') => {
                self.time = step(-1);
                self.typed.clear();
            }
            KeyCode::Left | KeyCode::Right | KeyCode::Char('h') | KeyCode::Char('l') => {
                self.minute_part = !self.minute_part;
            }
            KeyCode::Backspace => {
                self.typed.pop();
            }
            KeyCode::Char(c) if c.is_ascii_digit() => {
                match type_digit(&mut self.typed, c, text::TIME_FIELD) {
                    Some(Ok(t)) => {
                        self.time = t;
                        self.error = None;
                    }
                    Some(Err(e)) => self.error = Some(e),
                    None => {}
                }
            }
            _ => {}
        }
    }
}

/// Adds a digit to a time being typed as HHMM. On the fourth digit the digits are cleared and
/// the time (or why it is not one, naming `field`) is returned.
fn type_digit(typed: &mut String, c: char, field: &str) -> Option<Result<TimeOfDay, String>> {
    typed.push(c);
    if typed.len() < 4 {
        return None;
    }
    let text = format!("{}:{}", &typed[..2], &typed[2..]);
    typed.clear();
    Some(
        text.parse::<TimeOfDay>()
            .map_err(|_| text::not_a_time(field, &text)),
    )
}

impl Form {
    /// A bulk form's plan screen, or why there is none.
    fn plan(&self, model: &mut Model, spec: ScheduleSpec) -> Result<PlanScreen, String> {
        let starts = match self.spread {
            // A window may cross midnight: its starts after 00:00 run the next day.
            Some(until) => {
                stagger_starts(self.targets.len(), spec.time(), until).map_err(|e| e.to_string())?
            }
            None => vec![Start::at(spec.time()); self.targets.len()],
        };
        let mut plan = plan_bulk(model, &self.targets, starts, &spec)?;
        plan.form = Some(Box::new(self.clone()));
        Ok(plan)
    }
}

impl Form {
    /// The hint line for the focused field.
    pub fn hint(&self, km: &crate::tui::keymap::Keymap) -> String {
        match self.focus {
            Field::Name => text::form_hint_name(km),
            Field::Days => text::form_hint_days(km),
            Field::Time => text::form_hint_time(km),
            Field::Spread => text::FORM_HINT_SPREAD.to_string(),
            Field::Save | Field::Cancel => text::form_hint_buttons(km),
        }
    }
}

impl LayerState for Form {
    fn kind(&self) -> Kind {
        Kind::Form
    }

    fn on_key(&mut self, model: &mut Model, key: &KeyEvent) -> Step {
        match self.on_key(key, &model.keymap) {
            FormOutcome::Stay => Step::stay(),
            FormOutcome::Cancel => Step::close(),
            FormOutcome::Submit(spec) if self.is_bulk() => match self.plan(model, spec) {
                Ok(plan) => Step::Replace(Box::new(plan)),
                Err(e) => {
                    self.error = Some(e);
                    Step::stay()
                }
            },
            FormOutcome::Submit(spec) => match self.save(model, spec) {
                Ok(Save::Send(cmd)) => {
                    self.saving = true;
                    Step::Keep(model.write(cmd))
                }
                Ok(Save::Unchanged(name)) => {
                    model.notify(text::nothing_changed(&name), false);
                    Step::close()
                }
                Err(e) => {
                    self.error = Some(e);
                    Step::stay()
                }
            },
        }
    }

    fn on_paste(&mut self, text: &str) {
        self.paste(text);
    }

    fn busy(&self) -> bool {
        self.saving
    }

    fn on_mouse(&mut self, _model: &Model, g: Gesture, areas: Areas) {
        // A click on a weekday's checkbox toggles it.
        if let Gesture::Click(x, y) = g
            && let Some(i) = layout::form_day_at(areas.screen, self.is_bulk(), x, y)
            && let Some(day) = crate::domain::Day::from_index(i)
        {
            self.days = self.days.toggled(day);
            self.focus = Field::Days;
            self.day_cursor = i;
        }
    }
}
