//! The interactive terminal UI.

pub mod app;
pub mod keymap;
pub mod layers;
pub mod msg;
mod run;
pub mod text;
pub mod ui;
pub mod worker;

pub use run::{NO_TERMINAL, NOT_A_TERMINAL, check_terminal, run};

/// How often the TUI tells the API its session is still in use (BILLmanager ends a session
/// about an hour after its last request).
pub const KEEPALIVE_EVERY: std::time::Duration = std::time::Duration::from_secs(20 * 60);
