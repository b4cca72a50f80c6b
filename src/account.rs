//! Opening an account: a profile of the config file, resolved, with its credentials checked,
//! its change journal in the data directory, its client, the label the user knows it by and its
//! zones. One place for the CLI, the TUI and `main`. Nothing is sent and no keepalive is
//! started here.

use std::path::Path;

use crate::api::Client;
use crate::config;
use crate::domain::timing::Zones;
use crate::journal::Journal;

/// An opened account.
#[derive(Debug, Clone)]
pub struct Account {
    /// The profile's name.
    pub profile: String,
    /// What the user knows it by: the username, or `profile NAME` without one (a token).
    pub label: String,
    /// The API handle (its Debug print hides the secrets).
    pub client: Client,
    /// Where its changes are recorded.
    pub journal: Journal,
    /// Its server zone and the user's.
    pub zones: Zones,
    /// The TUI's automatic refresh (`refresh`), if on.
    pub refresh: Option<std::time::Duration>,
    /// The servers that need no backup (`ignore`).
    pub ignore: crate::domain::filter::Ignore,
}

/// The change journal of `profile`: `journal.jsonl` in the data directory `env` names (see
/// [`config::data_dir_from`]).
pub fn journal_for(profile: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Journal, String> {
    config::data_dir_from(env)
        .map(|d| Journal::at(d.join("journal.jsonl"), profile))
        .ok_or_else(|| "cannot find a data directory for the change journal".to_string())
}

/// Opens a resolved profile: refuses one without credentials (`profile 'NAME' has no
/// credentials`), then finds its journal in the data directory `env` names and builds its
/// client.
pub fn open(
    resolved: config::Resolved,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Account, String> {
    let name = resolved.profile.clone();
    if !resolved.has_credentials() {
        return Err(format!("profile '{name}' has no credentials"));
    }
    let journal = journal_for(&name, env)?;
    let label = resolved
        .client
        .username
        .clone()
        .unwrap_or_else(|| format!("profile {name}"));
    let client = Client::new(resolved.client).map_err(|e| e.to_string())?;
    Ok(Account {
        profile: name,
        label,
        client,
        journal,
        zones: resolved.zones,
        refresh: resolved.refresh,
        ignore: resolved.ignore,
    })
}

/// Opens profile `name` of the config file (`config`, or the default one) when the run itself
/// is for `run_profile` (`--profile`, or the file's default): the environment's account
/// variables apply only when `name` is the run's profile (see [`config::resolve_other`]).
pub fn open_profile(
    config: Option<&Path>,
    run_profile: Option<&str>,
    name: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Account, String> {
    let resolved =
        config::resolve_other(config, run_profile, name, env).map_err(|e| e.to_string())?;
    open(resolved, env)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `P` in the TUI: the environment's account variables belong to the run's profile only.
    #[tokio::test]
    async fn switching_profiles_leaves_the_environments_account_to_the_runs_profile() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("config.toml");
        std::fs::write(
            &config,
            "default_profile = \"a\"\n\
             [profiles.a]\nurl = \"http://127.0.0.1:1/\"\nusername = \"ua\"\n\
             [profiles.b]\nurl = \"http://127.0.0.1:2/\"\nusername = \"ub\"\npassword_command = \"printf b-pass\"\n\
             [profiles.c]\nurl = \"http://127.0.0.1:3/\"\nusername = \"uc\"\n",
        )
        .expect("write config");
        let data = dir.path().join("data");
        let data_text = data.display().to_string();
        let env = move |k: &str| -> Option<String> {
            match k {
                "BSCHED_URL" => Some("http://127.0.0.1:9/".into()),
                "BSCHED_USERNAME" => Some("env-user".into()),
                "BSCHED_PASSWORD" => Some("env-pass".into()),
                "BSCHED_DATA_DIR" => Some(data_text.clone()),
                _ => None,
            }
        };

        // The run's profile takes the environment.
        let a = open_profile(Some(&config), None, "a", &env).expect("profile a");
        assert_eq!(a.client.host(), "127.0.0.1:9");
        assert_eq!(a.client.username(), Some("env-user"));
        assert_eq!(a.label, "env-user");

        // Another profile keeps its own URL, user and password command: the environment's
        // password would have replaced the command.
        let b = open_profile(Some(&config), None, "b", &env).expect("profile b");
        assert_eq!(b.profile, "b");
        assert_eq!(b.client.host(), "127.0.0.1:2");
        assert_eq!(b.client.username(), Some("ub"));
        assert_eq!(b.label, "ub");
        let settings = b.client.settings_without_secrets();
        assert_eq!(settings.password_command.as_deref(), Some("printf b-pass"));
        assert_eq!(b.journal.path(), data.join("journal.jsonl"));
        assert_eq!(b.journal.profile(), "b");

        // A profile with nothing of its own does not borrow the environment's password.
        let c =
            open_profile(Some(&config), None, "c", &env).expect_err("profile c has no credentials");
        assert_eq!(c, "profile 'c' has no credentials");

        // Named on the command line, b is the run's profile and takes the environment.
        let b_run = open_profile(Some(&config), Some("b"), "b", &env).expect("run's b");
        assert_eq!(b_run.client.host(), "127.0.0.1:9");
        assert_eq!(b_run.client.username(), Some("env-user"));
    }

    #[test]
    fn a_token_account_is_labelled_by_its_profile_and_secrets_stay_out_of_debug() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data_text = dir.path().join("data").display().to_string();
        let env = move |k: &str| -> Option<String> {
            match k {
                "BSCHED_URL" => Some("http://127.0.0.1:9/".into()),
                "BSCHED_TOKEN" => Some("tok-secret-1234".into()),
                "BSCHED_DATA_DIR" => Some(data_text.clone()),
                _ => None,
            }
        };
        let config = dir.path().join("config.toml");
        std::fs::write(&config, "[profiles.work]\n").expect("write config");
        let acct = open_profile(Some(&config), Some("work"), "work", &env).expect("token");
        assert_eq!(acct.label, "profile work");
        assert_eq!(acct.profile, "work");
        let shown = format!("{acct:?}");
        assert!(!shown.contains("tok-secret-1234"), "{shown}");
    }

    #[test]
    fn a_data_directory_that_is_not_absolute_names_no_journal() {
        let env = |k: &str| -> Option<String> {
            (k == config::DATA_DIR_ENV).then(|| "relative/dir".to_string())
        };
        assert_eq!(
            journal_for("a", &env).expect_err("relative"),
            "cannot find a data directory for the change journal"
        );
        let env = |k: &str| -> Option<String> {
            (k == config::DATA_DIR_ENV).then(|| "/tmp/bsched-data".to_string())
        };
        let j = journal_for("a", &env).expect("absolute");
        assert_eq!(j.path(), Path::new("/tmp/bsched-data/journal.jsonl"));
    }
}
