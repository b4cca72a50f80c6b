//! bsched's integration tests, in one test binary: one module per area, the shared helpers in
//! `common` (emulator, CLI runs, fake servers, pseudo-terminals, TUI key replays) and the proxy
//! in `support`. Run one area with `cargo test --test it NAME`, e.g. `cargo test --test it cli::`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod architecture;
mod common;
mod support;

mod backups;
mod cache;
mod cli;
mod cli_conventions;
mod cli_names;
mod client;
mod config;
mod domain_props;
mod emulator;
mod emulator_twin;
mod fault_matrix;
mod fleet_ops;
mod fuzz_props;
mod hostile_output;
mod hostile_server;
mod ignore;
mod journal_hostile;
mod journal_story;
mod login_input;
mod loose_ends;
mod no_terminal;
mod progress_bar;
mod readme;
mod real_api;
mod restore_race;
mod round_trips;
mod secrets;
mod stagger;
mod timing;
mod tui_cache;
mod tui_failed_loads;
mod tui_fleet;
mod tui_hostile_names;
mod tui_input;
mod tui_login;
mod tui_mouse;
mod tui_narrow;
mod tui_pty;
mod tui_queue;
mod tui_render;
mod tui_triage;
mod tui_update;
mod tui_views;
