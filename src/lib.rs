//! `bsched`: backup schedules of Cloud VPS servers on the Zomro BILLmanager API.

pub mod account;
pub mod api;
pub mod cache;
pub mod cli;
pub mod config;
pub mod domain;
pub mod emulator;
pub mod fsutil;
pub mod journal;
pub mod ops;
pub mod sanitize;
pub mod tui;
