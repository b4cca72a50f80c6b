//! Plans: the schedules an account should have, per server, as a file (`bsched export`,
//! `bsched apply`) or built in the TUI (bulk apply, copy), and the diff between a plan and the
//! account. Pure: no I/O.
//!
//! By concern: `format` is the file's shape (TOML or JSON), `parse` reads a whole file and says
//! on which line it is wrong, `diff` turns a plan into changes, `stagger` spreads start times
//! over a window, and `lint` finds duplicate and overlapping schedules.

mod diff;
mod format;
mod lint;
mod parse;
mod stagger;

pub use diff::{Change, diff};
pub use format::{Plan, PlanDays, PlanError, PlanFormat, PlanSchedule, PlanServer};
pub use lint::{Finding, lint};
pub use stagger::{Start, stagger, stagger_starts, window_minutes};
