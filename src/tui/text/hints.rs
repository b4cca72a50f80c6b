//! The footer's hints over the views and the plan screen (the keys of the topmost layer,
//! from the keymap), and the sentences of keys that cannot do their usual thing just now.

use super::{closes, keys, plan_closes, short};
use crate::tui::keymap::{Action, Keymap};

/// A footer hint: the keys, and what they do.
pub type Hint = (String, String);

fn hint(keys: String, label: &str) -> Hint {
    (keys, label.to_string())
}

/// The keys that move in a list: `↑/↓`.
fn moves(km: &Keymap) -> String {
    format!("{}/{}", short(km, Action::Up), short(km, Action::Down))
}

/// The upcoming view's footer: move, go to the run, close.
pub fn upcoming_footer(km: &Keymap) -> Vec<Hint> {
    vec![
        hint(moves(km), "move"),
        hint(keys(km, Action::Open), "go to"),
        hint(closes(km, Action::Upcoming), "close"),
    ]
}

/// The journal view's footer: move, restore the selected delete (not while a restore runs),
/// close; while the restore question is asked, its answers.
pub fn journal_footer(km: &Keymap, asking: bool, restoring: bool) -> Vec<Hint> {
    if asking {
        return vec![
            hint(keys(km, Action::Yes), "restore"),
            hint(keys(km, Action::No), "no"),
        ];
    }
    let mut out = vec![hint(moves(km), "move")];
    if !restoring {
        out.push(hint(keys(km, Action::Open), "restore"));
    }
    out.push(hint(closes(km, Action::Journal), "close"));
    out
}

/// The backups view's footer: scroll, close.
pub fn backups_footer(km: &Keymap) -> Vec<Hint> {
    vec![
        hint(moves(km), "scroll"),
        hint(closes(km, Action::Backups), "close"),
    ]
}

/// The help's footer: scroll, close.
pub fn help_footer(km: &Keymap) -> Vec<Hint> {
    vec![
        hint(moves(km), "scroll"),
        hint(closes(km, Action::Help), "close"),
    ]
}

/// The plan screen's footer: before applying, apply or go back to the form; while it runs,
/// scroll only; once every change has its result, retry the failed ones and close.
pub fn plan_footer(km: &Keymap, started: bool, finished: bool, failed: usize) -> Vec<Hint> {
    let mut out = Vec::new();
    if !started {
        out.push(hint(keys(km, Action::ApplyPlan), "apply"));
        out.push(hint(keys(km, Action::ClosePlan), "back to the form"));
    } else if finished {
        if failed > 0 {
            out.push(hint(keys(km, Action::RetryFailed), "retry failed"));
        }
        out.push(hint(plan_closes(km), "close"));
    }
    out.push(hint(moves(km), "scroll"));
    out
}

/// The plan's close or apply key while it is being applied.
pub fn plan_applying(km: &Keymap) -> String {
    format!(
        "The plan is being applied and closes once every server has its result; Ctrl+C asks to quit (then {} quits).",
        keys(km, Action::Yes)
    )
}

/// Reads keep failing everywhere: only the selected server's are retried.
pub fn reads_keep_failing(km: &Keymap) -> String {
    format!(
        "Reads keep failing; retrying only the selected server. {} retries all.",
        keys(km, Action::Refresh)
    )
}
