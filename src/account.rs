//! Opening an account: placeholder until the shared version lands.

use crate::api::Client;
use crate::domain::timing::Zones;
use crate::journal::Journal;

/// An opened account.
#[derive(Debug, Clone)]
pub struct Account {
    /// The profile.
    pub profile: String,
    /// The account name.
    pub label: String,
    /// Its client.
    pub client: Client,
    /// Its journal.
    pub journal: Journal,
    /// Its zones.
    pub zones: Zones,
}

/// Opens a profile of the config file.
pub fn open_profile(
    config: Option<&std::path::Path>,
    run_profile: Option<&str>,
    name: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Account, String> {
    let r =
        crate::config::resolve_other(config, run_profile, name, env).map_err(|e| e.to_string())?;
    if !r.has_credentials() {
        return Err(format!("profile '{name}' has no credentials"));
    }
    let journal = crate::config::data_dir_from(env)
        .map(|d| Journal::at(d.join("journal.jsonl"), name))
        .ok_or_else(|| "cannot find a data directory for the change journal".to_string())?;
    let label = r
        .client
        .username
        .clone()
        .unwrap_or_else(|| format!("profile {name}"));
    let zones = r.zones.clone();
    let client = Client::new(r.client).map_err(|e| e.to_string())?;
    Ok(Account {
        profile: name.to_string(),
        label,
        client,
        journal,
        zones,
    })
}
