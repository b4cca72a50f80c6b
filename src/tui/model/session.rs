//! Which account the TUI shows: labels only. The executor holds the client and the journal.

use crate::api::{Client, ClientConfig};
use crate::domain::timing::Zones;

/// The account on screen.
#[derive(Debug, Clone, Default)]
pub struct Session {
    /// The account shown in the header.
    pub account: String,
    /// The API host shown in the header.
    pub host: String,
    /// The active profile.
    pub profile: String,
    /// Every profile of the config file (`P` cycles through them).
    pub profiles: Vec<String>,
    /// The server's zone and the user's.
    pub zones: Zones,
    /// The account's settings without its secrets: what the login screen is filled with when
    /// the session cannot be renewed (None: nothing to log in again with).
    pub settings: Option<ClientConfig>,
    /// The automatic refresh of the server list and the servers on screen (`refresh`).
    pub refresh: Option<std::time::Duration>,
    /// The host and account the last-known fleet is kept under (None: not kept).
    pub cache_key: Option<(String, String)>,
    /// The profile's servers that need no backup (`ignore`): shown as ignored, never flagged
    /// unprotected.
    pub ignore: crate::domain::filter::Ignore,
}

impl Session {
    /// A session shown as `account @ host` on the default profile.
    pub fn new(account: &str, host: &str) -> Session {
        Session {
            account: account.to_string(),
            host: host.to_string(),
            profile: crate::config::DEFAULT_PROFILE.to_string(),
            ..Session::default()
        }
    }

    /// A session for the account `client` is made for (its secrets stay with the client).
    pub fn for_client(client: &Client, account: &str) -> Session {
        let mut s = Session::new(account, &client.host());
        s.settings = Some(client.settings_without_secrets());
        s
    }
}
