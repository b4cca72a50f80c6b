//! The BILLmanager API client and its `$` document decoder.

mod client;
pub mod doc;
mod error;
mod paging;
mod parse;
pub mod password_command;
mod schedules;
pub mod scrub;
mod secret;
mod session;
pub mod session_store;
mod transport;
mod url;
mod writes;

pub use client::{Client, ClientConfig, DEFAULT_MAX_ANSWER_BYTES, print_warnings_to_stderr};
pub use error::ApiError;
pub use paging::{MAX_ELEMENTS, PAGE_SIZE};
pub use parse::decode_schedule_page;
pub use schedules::{RETENTION_RANGE, panel_filter_note};
pub use secret::Secret;
pub use session_store::SessionStore;
pub use url::{checked_url, is_loopback};
pub use writes::loosely_matches;
