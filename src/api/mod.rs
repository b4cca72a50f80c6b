//! The BILLmanager API client and its `$` document decoder.

mod client;
pub mod doc;
mod error;
mod secret;
mod url;

pub use client::{Client, ClientConfig, decode_schedule_page};
pub use error::ApiError;
pub use secret::Secret;
pub use url::{checked_url, is_loopback};
