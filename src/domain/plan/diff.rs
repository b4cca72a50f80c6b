//! What it takes to bring one server to its plan: the changes, in the order they are sent.

use std::fmt;

use crate::domain::{InstanceId, Schedule, ScheduleId, ScheduleSpec};

/// One step that brings a server to its plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Create a schedule.
    Create {
        /// The server.
        instance: InstanceId,
        /// What to create.
        spec: ScheduleSpec,
    },
    /// Replace a schedule's days or time (same name).
    Update {
        /// The server.
        instance: InstanceId,
        /// The schedule as it is.
        before: Schedule,
        /// What it becomes.
        spec: ScheduleSpec,
    },
    /// Delete a schedule the plan does not name (only with prune).
    Delete {
        /// The server.
        instance: InstanceId,
        /// The schedule.
        before: Schedule,
    },
    /// Change the retention.
    Retention {
        /// The server.
        instance: InstanceId,
        /// Now (if known).
        before: Option<u8>,
        /// Wanted.
        after: u8,
    },
    /// Already as planned.
    Unchanged {
        /// The server.
        instance: InstanceId,
        /// The schedule.
        schedule: Schedule,
    },
}

impl Change {
    /// The server it concerns.
    pub fn instance(&self) -> InstanceId {
        match self {
            Change::Create { instance, .. }
            | Change::Update { instance, .. }
            | Change::Delete { instance, .. }
            | Change::Retention { instance, .. }
            | Change::Unchanged { instance, .. } => *instance,
        }
    }

    /// Whether it sends anything.
    pub fn is_change(&self) -> bool {
        !matches!(self, Change::Unchanged { .. })
    }

    /// One word: create, update, delete, retention, unchanged.
    pub fn verb(&self) -> &'static str {
        match self {
            Change::Create { .. } => "create",
            Change::Update { .. } => "update",
            Change::Delete { .. } => "delete",
            Change::Retention { .. } => "retention",
            Change::Unchanged { .. } => "unchanged",
        }
    }

    /// The schedule id it changes, when one exists already.
    pub fn schedule_id(&self) -> Option<ScheduleId> {
        match self {
            Change::Update { before, .. } | Change::Delete { before, .. } => Some(before.id),
            Change::Unchanged { schedule, .. } => Some(schedule.id),
            _ => None,
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let spec = |s: &ScheduleSpec| {
            format!(
                "'{}' {} {}",
                s.name().as_str(),
                s.days().display(),
                s.time()
            )
        };
        let sched = |s: &Schedule| format!("'{}' {} {}", s.name, s.days.display(), s.time);
        match self {
            Change::Create { spec: s, .. } => write!(f, "+ create {}", spec(s)),
            Change::Update {
                before, spec: s, ..
            } => write!(
                f,
                "~ update '{}' {} {} -> {} {}",
                before.name,
                before.days.display(),
                before.time,
                s.days().display(),
                s.time()
            ),
            Change::Delete { before, .. } => write!(f, "- delete {}", sched(before)),
            Change::Retention { before, after, .. } => match before {
                Some(b) => write!(f, "~ retention {b} -> {after}"),
                None => write!(f, "~ retention -> {after}"),
            },
            Change::Unchanged { schedule, .. } => write!(f, "= unchanged {}", sched(schedule)),
        }
    }
}

/// What it takes to bring one server from `current` to `wanted`. Schedules are matched by
/// name (case-insensitive, trimmed); with `prune`, schedules `wanted` does not name are
/// deleted, otherwise they are left alone. Deletes come first, then updates, then creates.
pub fn diff(
    instance: InstanceId,
    current: &[Schedule],
    wanted: &[ScheduleSpec],
    prune: bool,
) -> Vec<Change> {
    let key = |s: &str| s.trim().to_lowercase();
    let mut used = vec![false; current.len()];
    let mut updates = Vec::new();
    let mut creates = Vec::new();
    for spec in wanted {
        let found = current
            .iter()
            .enumerate()
            .find(|(i, s)| !used[*i] && key(&s.name) == key(spec.name().as_str()));
        match found {
            Some((i, s)) => {
                used[i] = true;
                if spec.matches(s) {
                    updates.push(Change::Unchanged {
                        instance,
                        schedule: s.clone(),
                    });
                } else {
                    updates.push(Change::Update {
                        instance,
                        before: s.clone(),
                        spec: spec.clone(),
                    });
                }
            }
            None => creates.push(Change::Create {
                instance,
                spec: spec.clone(),
            }),
        }
    }
    let mut out = Vec::new();
    if prune {
        out.extend(
            current
                .iter()
                .zip(&used)
                .filter(|(_, u)| !**u)
                .map(|(s, _)| Change::Delete {
                    instance,
                    before: s.clone(),
                }),
        );
    }
    out.extend(updates);
    out.extend(creates);
    out
}
