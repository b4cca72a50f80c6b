//! The plan screen of bulk apply and copy: one row per server with what will happen, then
//! progress and one result per server.

use std::collections::BTreeSet;

use crossterm::event::KeyEvent;

use super::base::{Areas, Draw, Gesture, Kind, LayerState, Layers, ListPos, Step, nav};
use crate::api::ApiError;
use crate::domain::plan::{Change, diff};
use crate::domain::{InstanceId, ScheduleSpec};
use crate::tui::keymap::{Action, Section};
use crate::tui::model::Model;
use crate::tui::msg::Cmd;
use crate::tui::text;

/// Where one server's change is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowState {
    /// Shown, not sent.
    Planned,
    /// On its way.
    Running,
    /// Done, with a short note.
    Done(String),
    /// Failed, with the API's reason.
    Failed(String),
    /// The server is being listed again before a retry.
    Rechecking,
}

/// One server in the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRow {
    /// The server.
    pub instance: InstanceId,
    /// Its name.
    pub server: String,
    /// The schedule it should have (with its staggered time).
    pub spec: ScheduleSpec,
    /// What that takes.
    pub change: Change,
    /// Where it is.
    pub state: RowState,
}

/// The plan screen.
#[derive(Debug)]
pub struct PlanScreen {
    /// Results of this batch carry its number (older answers are ignored).
    pub batch: u64,
    /// One row per server.
    pub rows: Vec<PlanRow>,
    /// Whether it was applied.
    pub started: bool,
    /// The first row shown.
    pub pos: ListPos,
    /// What is applied, for the title.
    pub title: String,
    /// The bulk form it was planned from, as typed: closing the plan before applying goes
    /// back to it, to adjust and look again.
    pub form: Option<Box<dyn LayerState>>,
    /// Ctrl+C was pressed while it runs: the question is on screen.
    pub quit_asked: bool,
}

impl PlanScreen {
    /// How many rows change something.
    pub fn changes(&self) -> usize {
        self.rows.iter().filter(|r| r.change.is_change()).count()
    }

    /// (done, failed, in flight) among the changes.
    pub fn progress(&self) -> (usize, usize, usize) {
        let mut c = (0, 0, 0);
        for r in self.rows.iter().filter(|r| r.change.is_change()) {
            match r.state {
                RowState::Done(_) => c.0 += 1,
                RowState::Failed(_) => c.1 += 1,
                RowState::Running | RowState::Rechecking => c.2 += 1,
                RowState::Planned => {}
            }
        }
        c
    }

    /// Rows whose server is being listed again before the plan can be applied.
    pub fn checking(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.state == RowState::Rechecking)
            .count()
    }

    /// Whether every change has its result.
    pub fn finished(&self) -> bool {
        self.started && self.progress().2 == 0
    }

    /// Sends every change; rows that change nothing are done at once.
    fn start(&mut self, model: &mut Model) -> Vec<Cmd> {
        self.started = true;
        let mut cmds = Vec::new();
        for (index, row) in self.rows.iter_mut().enumerate() {
            if matches!(row.state, RowState::Failed(_)) {
                // Its server could not be listed again: nothing is sent on the cached copy.
                continue;
            }
            if row.change.is_change() {
                row.state = RowState::Running;
                cmds.push(Cmd::ApplyChange {
                    batch: self.batch,
                    index,
                    change: Box::new(row.change.clone()),
                    server: row.server.clone(),
                });
            } else {
                row.state = RowState::Done(text::ALREADY_SO.into());
            }
        }
        if cmds.is_empty() {
            model.notify(text::NOTHING_TO_CHANGE, false);
        }
        cmds
    }

    /// Retry: list the failed servers again and plan them afresh, so a change whose answer was
    /// lost is not sent twice.
    fn retry(&mut self, model: &mut Model) -> Vec<Cmd> {
        let mut servers = Vec::new();
        for row in self.rows.iter_mut() {
            if matches!(row.state, RowState::Failed(_)) {
                row.state = RowState::Rechecking;
                if !servers.contains(&row.instance) {
                    servers.push(row.instance);
                }
            }
        }
        for id in servers {
            model.load_schedules(id);
        }
        Vec::new()
    }
}

impl LayerState for PlanScreen {
    fn kind(&self) -> Kind {
        Kind::Plan
    }

    fn on_key(&mut self, model: &mut Model, key: &KeyEvent) -> Step {
        // Asked about quitting: y quits; any other key goes on, and does what it does.
        if std::mem::take(&mut self.quit_asked)
            && model.keymap.action_in(Section::Confirm, key) == Some(Action::Yes)
        {
            return Step::Keep(model.quit_now());
        }
        if let Some(action) = nav(model, key) {
            self.pos
                .scroll(action, self.rows.len(), self.rows_shown(model));
            return Step::stay();
        }
        let action = model.keymap.action_in(Section::Plan, key);
        let finished = self.finished();
        match action {
            Some(Action::ApplyPlan) if !self.started && self.checking() > 0 => {
                model.notify(text::checking_first(self.checking()), false);
                Step::stay()
            }
            Some(Action::ApplyPlan) if !self.started => Step::Keep(self.start(model)),
            Some(Action::ClosePlan | Action::ApplyPlan) if self.started && !finished => {
                // Being applied: it cannot close, and says so (and how to stop).
                model.notify(text::plan_applying(&model.keymap), false);
                Step::stay()
            }
            Some(Action::ClosePlan) if !self.started => {
                // Back to the form as it was typed, to adjust and look again.
                model.notify(text::NOTHING_APPLIED, false);
                match self.form.take() {
                    Some(form) => Step::Replace(form),
                    None => Step::close(),
                }
            }
            Some(Action::RetryFailed) if finished && self.progress().1 > 0 => {
                Step::Keep(self.retry(model))
            }
            Some(Action::ClosePlan | Action::ApplyPlan) if finished => {
                let touched: BTreeSet<InstanceId> = self
                    .rows
                    .iter()
                    .filter(|r| r.change.is_change())
                    .map(|r| r.instance)
                    .collect();
                model.fleet.marked.clear();
                // A bulk write is not listed after (one listing per server, here, shows
                // every result, created ids included).
                for id in touched {
                    model.load_schedules(id);
                }
                Step::close()
            }
            _ => Step::stay(),
        }
    }

    fn busy(&self) -> bool {
        self.started && !self.finished()
    }

    fn footer(&self, model: &Model) -> Vec<(String, String)> {
        text::plan_footer(
            &model.keymap,
            self.started,
            self.finished(),
            self.progress().1,
        )
    }

    fn on_mouse(&mut self, model: &Model, g: Gesture, _areas: Areas) {
        let (n, h) = (self.rows.len(), self.rows_shown(model));
        self.pos.wheel(g, n, h);
    }
}

/// Ctrl+C: while a bulk apply runs, the first one asks (the plan screen shows the question)
/// and says so; true when it asked, false when the app may quit.
pub(crate) fn ask_before_quit(model: &mut Model, layers: &mut Layers) -> bool {
    match layers.get_mut::<PlanScreen>() {
        Some(plan) if plan.busy() && !plan.quit_asked => {
            plan.quit_asked = true;
            let question = text::quit_while_applying(&model.keymap);
            model.notify(question, true);
            true
        }
        _ => false,
    }
}

/// The plan of a bulk form: one row per server, with its staggered time; or why it cannot be
/// made yet.
pub(crate) fn plan_bulk(
    model: &mut Model,
    targets: &[(InstanceId, String)],
    starts: Vec<crate::domain::plan::Start>,
    spec: &ScheduleSpec,
) -> Result<PlanScreen, String> {
    let mut rows = Vec::new();
    for ((id, name), start) in targets.iter().zip(starts) {
        let Some(list) = model.fleet.schedules_of(*id) else {
            // A load that failed is not "on its way": say why, and what to do.
            return Err(
                match model.fleet.schedules.get(id).and_then(|e| e.error.as_ref()) {
                    Some(e) => text::plan_load_failed(name, e, &model.keymap),
                    None => text::not_loaded_yet(name, &model.keymap),
                },
            );
        };
        // A server shown from the cache is listed again, and planned from that, before
        // anything can be applied to it.
        let fresh = model.fleet.schedules_fresh(*id);
        let (days, time) = (start.days(spec.days()), start.time);
        let wanted =
            ScheduleSpec::new(spec.name().clone(), days, time).map_err(|e| e.to_string())?;
        for change in diff(*id, &list.schedules, std::slice::from_ref(&wanted), false) {
            rows.push(PlanRow {
                instance: *id,
                server: name.clone(),
                spec: wanted.clone(),
                change,
                state: match fresh {
                    true => RowState::Planned,
                    false => RowState::Rechecking,
                },
            });
        }
        if !fresh {
            model.load_schedules(*id);
        }
    }
    Ok(PlanScreen {
        batch: model.batch(),
        rows,
        started: false,
        pos: ListPos::default(),
        form: None,
        quit_asked: false,
        title: format!("'{}' {}", spec.name().as_str(), spec.days().display()),
    })
}

/// One change's answer.
pub(crate) fn on_applied(
    model: &mut Model,
    layers: &mut Layers,
    batch: u64,
    index: usize,
    result: Result<(), ApiError>,
) -> Vec<Cmd> {
    let Some(plan) = layers.get_mut::<PlanScreen>().filter(|p| p.batch == batch) else {
        return Vec::new();
    };
    let Some(row) = plan.rows.get_mut(index) else {
        return Vec::new();
    };
    row.state = match result {
        Ok(()) => RowState::Done(text::applied_note(row.change.verb()).into()),
        Err(e) => RowState::Failed(e.to_string()),
    };
    if plan.finished() {
        let (done, failed, _) = plan.progress();
        let notice = text::plan_finished(done, failed, &model.keymap);
        model.notify(notice, failed > 0);
    }
    Vec::new()
}

/// After a server's schedules arrive: plan its rechecking rows again and run them.
pub(crate) fn recheck(
    model: &mut Model,
    layers: &mut Layers,
    instance: InstanceId,
    failed: Option<&String>,
) -> Vec<Cmd> {
    let current = model
        .fleet
        .schedules_of(instance)
        .map(|l| l.schedules.clone());
    let Some(plan) = layers.get_mut::<PlanScreen>() else {
        return Vec::new();
    };
    let batch = plan.batch;
    let started = plan.started;
    let mut cmds = Vec::new();
    for (index, row) in plan.rows.iter_mut().enumerate() {
        if row.instance != instance || row.state != RowState::Rechecking {
            continue;
        }
        if let Some(e) = failed {
            row.state = RowState::Failed(e.clone());
            continue;
        }
        let Some(current) = &current else { continue };
        let fresh = diff(instance, current, std::slice::from_ref(&row.spec), false);
        match fresh.into_iter().next() {
            // Listed before the plan was applied: planned afresh, for the user to confirm.
            Some(change) if !started => {
                row.change = change;
                row.state = RowState::Planned;
            }
            None if !started => row.state = RowState::Planned,
            Some(change) if change.is_change() => {
                row.change = change.clone();
                row.state = RowState::Running;
                cmds.push(Cmd::ApplyChange {
                    batch,
                    index,
                    change: Box::new(change),
                    server: row.server.clone(),
                });
            }
            _ => row.state = RowState::Done(text::ALREADY_APPLIED.into()),
        }
    }
    cmds
}
