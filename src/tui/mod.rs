//! The interactive terminal UI.

pub mod app;
pub mod bulk;
pub mod form;
pub mod keymap;
pub mod login;
pub mod msg;
mod run;
pub mod ui;
pub mod worker;

pub use run::{NO_TERMINAL, NOT_A_TERMINAL, check_terminal, run};
