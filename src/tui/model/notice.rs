//! The status line's notices: each goes by the clock, however busy the loop is (ticks alone
//! would stop while answers stream in). An error stays longer, to be read; a newer notice
//! replaces any notice at once.

use super::Model;

/// How long a notice stays on the status line.
pub const NOTICE_FOR: jiff::SignedDuration = jiff::SignedDuration::from_secs(6);
/// How long an error stays.
pub const ERROR_NOTICE_FOR: jiff::SignedDuration = jiff::SignedDuration::from_secs(15);

/// A timed message on the status line: it goes at `until` ([`NOTICE_FOR`] after it was
/// put up, [`ERROR_NOTICE_FOR`] for an error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The text.
    pub text: String,
    /// Whether it reports a failure.
    pub error: bool,
    /// When it goes.
    pub until: jiff::Timestamp,
}

impl Model {
    /// Puts a timed message on the status line.
    pub(crate) fn notify(&mut self, text: impl Into<String>, error: bool) {
        let for_ = if error { ERROR_NOTICE_FOR } else { NOTICE_FOR };
        self.notice = Some(Notice {
            text: text.into(),
            error,
            until: self.now.saturating_add(for_).unwrap_or(self.now),
        });
    }

    /// Takes a notice down once its time is up (before each message is handled).
    pub(crate) fn expire_notice(&mut self) {
        if self.notice.as_ref().is_some_and(|n| n.until <= self.now) {
            self.notice = None;
        }
    }
}
