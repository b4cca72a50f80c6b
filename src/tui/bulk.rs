//! The plan screen of bulk apply and copy: one row per server with what will happen, then
//! progress and one result per server.

use crate::domain::plan::Change;
use crate::domain::{InstanceId, ScheduleSpec};

/// Where one row stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowState {
    /// Planned, not started.
    Planned,
    /// Sent, waiting for the answer.
    Running,
    /// Applied (or nothing to do), with a note.
    Done(String),
    /// Failed, with the reason.
    Failed(String),
    /// Listing again before a retry.
    Rechecking,
}

/// One server of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRow {
    /// The server.
    pub instance: InstanceId,
    /// Its name.
    pub server: String,
    /// What it should end up with.
    pub spec: ScheduleSpec,
    /// What that takes.
    pub change: Change,
    /// Progress.
    pub state: RowState,
}

/// The plan screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanScreen {
    /// Batch id (answers of older batches are dropped).
    pub batch: u64,
    /// One row per server.
    pub rows: Vec<PlanRow>,
    /// Whether the user confirmed and it runs (or ran).
    pub started: bool,
    /// The first row shown.
    pub scroll: usize,
    /// What the plan does, for the title ("Apply 'nightly'", "Copy 'nightly'").
    pub title: String,
}

impl PlanScreen {
    /// Rows that send something.
    pub fn changes(&self) -> usize {
        self.rows.iter().filter(|r| r.change.is_change()).count()
    }

    /// (done, failed, in flight) among the rows that send something.
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

    /// Whether every change has an answer.
    pub fn finished(&self) -> bool {
        self.started && self.progress().2 == 0
    }
}
