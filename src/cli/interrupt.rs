//! Ctrl+C in a command: it ends with status 130 ([`super::EXIT_INTERRUPTED`]) and one line on
//! stderr, not a panic. Commands run under [`until_interrupted`]; a part that handles Ctrl+C
//! itself (a running `apply`, which finishes the changes in flight) holds an [`OwnInterrupts`]
//! guard meanwhile, and the Ctrl+C is left to it.
//!
//! Nothing is left half-written: journal appends are single appends of one line under a lock,
//! stored sessions and caches are written whole and renamed; a command stopped here stops at an
//! await point, between two such writes.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::error::CliError;

/// How many parts handle Ctrl+C themselves right now.
static OWNED: AtomicUsize = AtomicUsize::new(0);

/// While it lives, Ctrl+C is left to its holder.
pub(super) struct OwnInterrupts(());

impl OwnInterrupts {
    /// Takes over Ctrl+C until dropped.
    pub fn take() -> OwnInterrupts {
        OWNED.fetch_add(1, Ordering::SeqCst);
        OwnInterrupts(())
    }
}

impl Drop for OwnInterrupts {
    fn drop(&mut self) {
        OWNED.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Waits for a Ctrl+C that no [`OwnInterrupts`] holder takes. Never returns if the signal
/// cannot be listened to (Ctrl+C then ends the process as it would without bsched).
async fn unowned_ctrl_c() {
    loop {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        if OWNED.load(Ordering::SeqCst) == 0 {
            return;
        }
    }
}

/// Runs `command`; a Ctrl+C ends it with [`CliError::Interrupted`]. `changes`: whether the
/// command can be sending a change, so the sentence says where to look.
pub async fn until_interrupted<F>(command: F, changes: bool) -> Result<(), CliError>
where
    F: Future<Output = Result<(), CliError>>,
{
    tokio::select! {
        biased;
        _ = unowned_ctrl_c() => Err(CliError::Interrupted(if changes {
            "interrupted: a change being sent may or may not have been made; `bsched log` shows it".into()
        } else {
            "interrupted".into()
        })),
        r = command => r,
    }
}
