//! The progress bar of a long fan-out (one request per server): "servers 340/1000" with the
//! time elapsed and the time left at the current pace, on stderr when stderr is a terminal and
//! nowhere else. It is cleared when the fan-out ends or fails, so a terminal keeps only what the
//! command prints, and a script that reads stdout or stderr never sees it.
//!
//! Usage: `let p = Progress::new(servers.len() as u64, "servers");`, then
//! `each(&p, futures).await` (or [`Progress::inc`] per item done), then [`Progress::finish`].
//! The label is fixed text chosen by the caller; it is shown through [`for_terminal`] all the
//! same, and nothing else (no server name, no API text) is ever put in the bar.

use std::future::Future;
use std::io::IsTerminal;
use std::time::Duration;

use futures_util::future::try_join_all;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressStyle};

use crate::sanitize::for_terminal;

/// How the bar reads: "servers 340/1000 [=====>    ] 1m 42s elapsed, 3m 18s left".
const TEMPLATE: &str = "{msg} {pos}/{len} [{bar:30}] {elapsed} elapsed, {eta} left";

/// Redraws per second at most.
const REFRESH_HZ: u8 = 10;

/// How often the bar is redrawn while no item completes, so the elapsed time moves and the bar
/// shows up even when the first answer takes a while.
const TICK: Duration = Duration::from_millis(200);

/// A count of items done out of a total, drawn on stderr only when stderr is a terminal.
/// Dropping it clears the bar as [`Progress::finish`] does (e.g. when a request fails).
pub(super) struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar counting `total` items called `what` (e.g. "servers"), drawn at once when stderr
    /// is a terminal and hidden otherwise.
    pub fn new(total: u64, what: &str) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress::hidden();
        }
        let style = ProgressStyle::with_template(TEMPLATE)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        let bar = ProgressBar::with_draw_target(
            Some(total),
            ProgressDrawTarget::stderr_with_hz(REFRESH_HZ),
        )
        .with_style(style)
        .with_message(for_terminal(what).into_owned())
        .with_finish(ProgressFinish::AndClear);
        bar.enable_steady_tick(TICK);
        Progress { bar }
    }

    /// A bar that is never drawn, whatever stderr is.
    pub fn hidden() -> Progress {
        Progress {
            bar: ProgressBar::hidden(),
        }
    }

    /// One more item done.
    pub fn inc(&self) {
        self.bar.inc(1);
    }

    /// The items done so far.
    #[cfg(test)]
    fn done(&self) -> u64 {
        self.bar.position()
    }

    /// Clears the bar from the terminal.
    pub fn finish(self) {
        self.bar.finish_and_clear();
    }
}

/// Runs `futs` as [`try_join_all`] does (all at once, as concurrently as the client allows;
/// results in the order of `futs`; the first error ends the wait), counting each one that
/// succeeds on `progress`.
pub(super) async fn each<I, F, T, E>(progress: &Progress, futs: I) -> Result<Vec<T>, E>
where
    I: IntoIterator<Item = F>,
    F: Future<Output = Result<T, E>>,
{
    try_join_all(futs.into_iter().map(|f| async move {
        let r = f.await;
        if r.is_ok() {
            progress.inc();
        }
        r
    }))
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn each_keeps_the_order_and_counts_what_succeeded() {
        let p = Progress::hidden();
        let got: Result<Vec<u32>, ()> =
            each(&p, [1u32, 2, 3].map(|n| async move { Ok(n * 10) })).await;
        assert_eq!(got, Ok(vec![10, 20, 30]));
        assert_eq!(p.done(), 3);
        p.finish();
    }

    #[tokio::test]
    async fn each_stops_at_the_first_error_and_does_not_count_it() {
        let p = Progress::hidden();
        let got: Result<Vec<u32>, &str> =
            each(&p, [Ok(1u32), Err("refused")].map(|r| async move { r })).await;
        assert_eq!(got, Err("refused"));
        assert_eq!(p.done(), 1);
    }
}
