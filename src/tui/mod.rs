//! The interactive terminal UI.

pub mod app;
pub mod input;
pub mod keymap;
pub mod layers;
pub mod layout;
pub mod model;
pub mod msg;
mod run;
pub mod text;
pub mod theme;
pub mod ui;
pub mod worker;

pub use run::{NO_TERMINAL, NOT_A_TERMINAL, check_terminal, run};

/// How often the TUI tells the API its session is still in use (BILLmanager ends a session
/// about an hour after its last request).
pub const KEEPALIVE_EVERY: std::time::Duration = std::time::Duration::from_secs(20 * 60);

/// A profile's last-known fleet: where it is kept, what was read, and why it could not be.
#[derive(Debug, Default)]
pub struct Kept {
    /// The cache file (None: no cache directory).
    pub path: Option<std::path::PathBuf>,
    /// The fleet, when one was kept for this host and account.
    pub cached: Option<crate::cache::FleetCache>,
    /// Why it could not be read (one sentence).
    pub error: Option<String>,
}

/// Where `profile`'s last-known fleet is kept, in the cache directory `env` names.
pub fn cache_path(
    profile: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<std::path::PathBuf> {
    crate::cache::FleetCache::dir_from(env).map(|dir| crate::cache::FleetCache::path(&dir, profile))
}

/// Reads the last-known fleet at `path` (none: not kept) for `host` and `account`.
pub fn read_cache(path: Option<std::path::PathBuf>, host: &str, account: &str) -> Kept {
    let Some(path) = path else {
        return Kept::default();
    };
    let (cached, error) = match crate::cache::FleetCache::load(&path, host, account) {
        Ok(c) => (c, None),
        Err(e) => (None, Some(e)),
    };
    Kept {
        path: Some(path),
        cached,
        error,
    }
}
