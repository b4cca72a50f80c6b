//! Typed errors of the API client. Messages are one sentence and never carry a body or a secret.

/// An error from talking to the API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The API answered with `doc.error` (HTTP 200).
    #[error("the API refused: {message}")]
    Refused {
        /// `$type`: `value`, `missed`, `exists`, …
        kind: String,
        /// `$object`: the field or object concerned, if any.
        object: Option<String>,
        /// The API's own message (`msg.$`), or a summary when it gave none.
        message: String,
    },
    /// Login failed or the session is not valid and could not be renewed.
    #[error("authentication failed: {0}")]
    Auth(String),
    /// The edge blocked this IP (HTTP 403 or 460).
    #[error(
        "the API blocked this IP address for now (HTTP {0}); wait a while, and if you use a VPN try without it"
    )]
    Blocked(u16),
    /// A status other than 200.
    #[error("the API answered HTTP {0} instead of a document")]
    Status(u16),
    /// An HTML page instead of JSON.
    #[error("the API answered with an HTML page instead of JSON (a proxy or maintenance page?)")]
    Html,
    /// An empty body.
    #[error("the API answered with an empty body")]
    Empty,
    /// A body that is not a readable document.
    #[error("the API's answer could not be read: {0}")]
    Malformed(String),
    /// The request timed out.
    #[error("the API did not answer within {0} seconds")]
    Timeout(u64),
    /// The connection could not be made or broke.
    #[error("network error: {0}")]
    Network(String),
    /// The write was sent (and may have applied) but its result could not be confirmed: the
    /// answer was lost or the listing after it failed. Never retried blindly; list to check.
    #[error(
        "the change was sent but could not be confirmed ({0}); it may have been applied: list the server's schedules to check before trying again"
    )]
    Unconfirmed(String),
    /// The server answered with a redirect, which is never followed: it would carry the
    /// password and the session to another place.
    #[error(
        "the API answered with a redirect to {0}; bsched follows no redirects and sent nothing there (check the URL in the profile)"
    )]
    Redirected(String),
    /// The answer was larger than the cap (`max_answer_mb`).
    #[error(
        "the API's answer is larger than {} MB; refused without reading the rest (raise max_answer_mb in the profile if this is expected)", .0 / (1024 * 1024)
    )]
    TooLarge(u64),
    /// A local problem before anything was sent (bad URL, bad credentials setup).
    #[error("{0}")]
    Setup(String),
}

impl ApiError {
    /// Whether the request may have reached the server and applied while its answer was lost:
    /// a write that fails this way must be reconciled by listing again, never retried blindly.
    pub fn answer_lost(&self) -> bool {
        matches!(
            self,
            ApiError::Timeout(_)
                | ApiError::Network(_)
                | ApiError::Status(_)
                | ApiError::Html
                | ApiError::Empty
                | ApiError::Malformed(_)
                | ApiError::Unconfirmed(_)
                | ApiError::TooLarge(_)
        )
    }

    /// Whether this is BILLmanager's "Request in process, please wait" (one request at a time
    /// per session, api.md 8a.6). Its `$type` is not documented, so the message decides, in
    /// English or Russian, or a type that says the same.
    pub fn is_busy(&self) -> bool {
        match self {
            ApiError::Refused { kind, message, .. } => {
                let m = message.to_lowercase();
                m.contains("request in process")
                    || m.contains("запрос обрабатывается")
                    || matches!(kind.as_str(), "inprocess" | "busy")
            }
            _ => false,
        }
    }

    /// Whether this is the API's "session expired or no rights" answer.
    pub fn is_access(&self) -> bool {
        matches!(self, ApiError::Refused { kind, .. } if kind == "access")
    }
}
