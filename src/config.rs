//! Configuration: a TOML file of profiles, overridden by environment variables.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::api::{ClientConfig, Secret, checked_url};
use crate::domain::filter::Ignore;
use crate::domain::timing::{DEFAULT_SERVER_ZONE, Zones, parse_zone};

/// The API endpoint when nothing else is configured.
pub const DEFAULT_URL: &str = "https://api.zomro.com/";
/// The profile used when none is named.
pub const DEFAULT_PROFILE: &str = "default";

/// A configuration problem, stated in one sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// The config file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The profile used when `--profile` and `BSCHED_PROFILE` are not given.
    pub default_profile: Option<String>,
    /// Named profiles.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
    /// Key bindings (read by the TUI).
    #[serde(default)]
    pub keys: BTreeMap<String, toml::Value>,
    /// Whether the TUI takes the mouse (clicks, the wheel); `false` leaves it to the
    /// terminal's own selection. On when not given.
    pub mouse: Option<bool>,
}

/// One account.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// API endpoint.
    pub url: Option<String>,
    /// Login name.
    pub username: Option<String>,
    /// Password in the file (discouraged: prefer `password_command`).
    pub password: Option<String>,
    /// A shell command whose standard output is the password.
    pub password_command: Option<String>,
    /// An existing session id.
    pub token: Option<String>,
    /// Seconds to wait for a connection.
    pub connect_timeout_secs: Option<u64>,
    /// Seconds to wait for a whole request.
    pub request_timeout_secs: Option<u64>,
    /// Requests in flight at once (default 1: BILLmanager serializes a session's requests).
    pub concurrency: Option<usize>,
    /// The largest API answer read, in megabytes (default 16).
    pub max_answer_mb: Option<u64>,
    /// The zone schedule times are in: an IANA name or a fixed offset (default `+03:00`).
    pub server_timezone: Option<String>,
    /// How often the TUI reads the server list and the servers on screen again (`"5m"`);
    /// off when not set.
    pub refresh: Option<String>,
    /// Servers that need no backup: names, ids or filter words (see [`crate::domain::filter::Ignore`]).
    pub ignore: Option<Vec<String>>,
}

/// Where the config file is, by default.
pub fn default_config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "bsched").map(|d| d.config_dir().join("config.toml"))
}

/// Where the journal, the log, kept sessions and the demo's data live: `BSCHED_DATA_DIR` of
/// this process's environment when set, else the platform's data directory.
pub fn data_dir() -> Option<PathBuf> {
    data_dir_from(&|k| std::env::var(k).ok())
}

/// [`data_dir`] as `env` says: its `BSCHED_DATA_DIR` when set (an absolute path; a relative
/// one names no data directory, and [`resolve`] refuses it with a sentence), else the
/// platform's data directory (`~/.local/share/bsched` on Linux).
pub fn data_dir_from(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    match env_nonempty(env, DATA_DIR_ENV) {
        Some(dir) => Some(PathBuf::from(dir)).filter(|p| p.is_absolute()),
        None => {
            directories::ProjectDirs::from("", "", "bsched").map(|d| d.data_dir().to_path_buf())
        }
    }
}

/// The variable that moves the data directory.
pub const DATA_DIR_ENV: &str = "BSCHED_DATA_DIR";

/// Where sessions are kept between runs, one file per profile.
pub fn sessions_dir() -> Option<PathBuf> {
    data_dir().map(|d| d.join("sessions"))
}

/// [`sessions_dir`] as `env` says (see [`data_dir_from`]).
pub fn sessions_dir_from(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    data_dir_from(env).map(|d| d.join("sessions"))
}

/// The variables that name an account; they apply to the profile selected for the run only.
pub const ACCOUNT_ENV: [&str; 5] = [
    "BSCHED_URL",
    "BSCHED_USERNAME",
    "BSCHED_PASSWORD",
    "BSCHED_TOKEN",
    "BSCHED_SERVER_TIMEZONE",
];

/// Everything needed to talk to one account.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The profile's name.
    pub profile: String,
    /// The client settings, credentials included.
    pub client: ClientConfig,
    /// Non-fatal problems to show the user (e.g. a secret readable by others).
    pub warnings: Vec<String>,
    /// Key binding overrides (`[keys]`).
    pub keys: BTreeMap<String, toml::Value>,
    /// The server's zone (`server_timezone`) and the user's (the system's).
    pub zones: Zones,
    /// The TUI's automatic refresh (`refresh`), if on.
    pub refresh: Option<Duration>,
    /// The servers that need no backup (`ignore`).
    pub ignore: Ignore,
    /// Whether the TUI takes the mouse (`mouse`, on unless `false`).
    pub mouse: bool,
}

impl Resolved {
    /// Whether the client can authenticate at all.
    pub fn has_credentials(&self) -> bool {
        self.client.can_login() || self.client.token.is_some() || self.has_kept_session()
    }

    /// Whether a session from an earlier run is kept for this profile, URL and user.
    pub fn has_kept_session(&self) -> bool {
        self.client
            .session_store
            .as_ref()
            .is_some_and(|s| s.load().session.is_some())
    }
}

/// The profiles of the config file (`config_path`, or the default one if it exists); none
/// when there is no file.
pub fn profile_names(config_path: Option<&Path>) -> Result<Vec<String>, ConfigError> {
    let path = config_path
        .map(Path::to_path_buf)
        .or_else(default_config_path)
        .filter(|p| p.exists());
    match path {
        Some(p) => Ok(load_file(&p)?.profiles.into_keys().collect()),
        None => Ok(Vec::new()),
    }
}

/// Reads a config file.
pub fn load_file(path: &Path) -> Result<ConfigFile, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError(format!("cannot read config file {}: {e}", path.display())))?;
    toml::from_str(&text).map_err(|e| {
        let line = e.span().map(|s| {
            text.as_bytes()[..s.start.min(text.len())]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1
        });
        ConfigError(match line {
            Some(l) => format!("config file {} line {l}: {}", path.display(), e.message()),
            None => format!("config file {}: {}", path.display(), e.message()),
        })
    })
}

fn env_nonempty(env: &dyn Fn(&str) -> Option<String>, key: &str) -> Option<String> {
    env(key).filter(|v| !v.trim().is_empty())
}

/// Resolves profile `name` when the run itself is for `run_profile` (`--profile`, or the file's
/// default): the account variables of the environment ([`ACCOUNT_ENV`]) apply only when `name`
/// is the run's profile, so one account's password never goes to another profile's server.
pub fn resolve_other(
    config_path: Option<&Path>,
    run_profile: Option<&str>,
    name: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Resolved, ConfigError> {
    let file_default = match config_path
        .map(Path::to_path_buf)
        .or_else(default_config_path)
    {
        Some(p) if p.exists() => load_file(&p)?.default_profile,
        _ => None,
    };
    let run = run_profile
        .map(str::to_string)
        .or(file_default)
        .unwrap_or_else(|| DEFAULT_PROFILE.to_string());
    if run == name {
        return resolve(config_path, Some(name), env);
    }
    let without_account = |k: &str| {
        if ACCOUNT_ENV.contains(&k) {
            None
        } else {
            env(k)
        }
    };
    resolve(config_path, Some(name), &without_account)
}

/// Resolves the profile selected for the run: the file (explicit path, or the default location
/// if it exists), then `BSCHED_URL`, `BSCHED_USERNAME`, `BSCHED_PASSWORD`, `BSCHED_TOKEN` and
/// `BSCHED_SERVER_TIMEZONE` over it. Kept sessions are looked for in the data directory `env`
/// names ([`data_dir_from`]). `password_command` is not run here: the client runs it when a
/// login needs it.
pub fn resolve(
    config_path: Option<&Path>,
    profile: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Resolved, ConfigError> {
    let mut warnings = Vec::new();
    if let Some(dir) = env_nonempty(env, DATA_DIR_ENV)
        && !Path::new(&dir).is_absolute()
    {
        return Err(ConfigError(format!(
            "{DATA_DIR_ENV} must be an absolute path, not '{}'",
            crate::sanitize::for_terminal(&dir)
        )));
    }
    let sessions = sessions_dir_from(env);
    let (file, path) = match config_path {
        Some(p) => (load_file(p)?, Some(p.to_path_buf())),
        None => match default_config_path().filter(|p| p.exists()) {
            Some(p) => (load_file(&p)?, Some(p)),
            None => (ConfigFile::default(), None),
        },
    };
    let named = profile.map(str::to_string).or(file.default_profile.clone());
    let name = named.clone().unwrap_or_else(|| DEFAULT_PROFILE.to_string());
    let prof = match file.profiles.get(&name) {
        Some(p) => p.clone(),
        None if named.is_some() && (profile.is_some() || !file.profiles.is_empty()) => {
            let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
            return Err(ConfigError(format!(
                "profile '{name}' is not in the config file (known: {})",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            )));
        }
        None => Profile::default(),
    };
    if let Some(path) = &path {
        let holds_secret = file
            .profiles
            .values()
            .any(|p| p.password.is_some() || p.token.is_some());
        if holds_secret && crate::fsutil::readable_by_others(path) {
            warnings.push(format!(
                "config file {} holds a password or token and can be read by other users; run: chmod 600 {}",
                path.display(),
                path.display()
            ));
        }
    }

    let url_text = env_nonempty(env, "BSCHED_URL")
        .or(prof.url.clone())
        .unwrap_or_else(|| DEFAULT_URL.to_string());
    let url = checked_url(&url_text).map_err(|e| ConfigError(e.to_string()))?;
    let mut client = ClientConfig::new(url);
    client.username = env_nonempty(env, "BSCHED_USERNAME")
        .or(prof.username.clone())
        .or_else(|| {
            sessions.as_deref().and_then(|d| {
                crate::api::SessionStore::kept_username(d, &name, client.url.as_str())
            })
        });
    client.token = env_nonempty(env, "BSCHED_TOKEN")
        .or(prof.token.clone())
        .map(Secret::new);
    if prof.password.as_deref() == Some("") {
        return Err(ConfigError(format!(
            "profile '{name}' has an empty password; remove the line or set the password (or use password_command)"
        )));
    }
    client.password = match env_nonempty(env, "BSCHED_PASSWORD") {
        Some(p) => Some(Secret::new(p)),
        None => prof.password.clone().map(Secret::new),
    };
    if client.password.is_none() {
        client.password_command = prof
            .password_command
            .clone()
            .filter(|c| !c.trim().is_empty());
    }
    if client.token.is_none()
        && let (Some(user), Some(dir)) = (&client.username, &sessions)
    {
        client.session_store = Some(crate::api::SessionStore::new(
            dir,
            &name,
            client.url.as_str(),
            user,
        ));
    }
    if let Some(mb) = prof.max_answer_mb {
        if !(1..=1024).contains(&mb) {
            return Err(ConfigError(format!(
                "max_answer_mb must be between 1 and 1024, not {mb}"
            )));
        }
        client.max_answer_bytes = mb * 1024 * 1024;
    }
    if let Some(secs) = prof.connect_timeout_secs {
        client.connect_timeout = timeout("connect_timeout_secs", secs)?;
    }
    if let Some(secs) = prof.request_timeout_secs {
        client.request_timeout = timeout("request_timeout_secs", secs)?;
    }
    if let Some(c) = prof.concurrency {
        if !(1..=64).contains(&c) {
            return Err(ConfigError(format!(
                "concurrency must be between 1 and 64, not {c}"
            )));
        }
        client.concurrency = c;
    }
    let zone_text = env_nonempty(env, "BSCHED_SERVER_TIMEZONE")
        .or(prof.server_timezone.clone())
        .unwrap_or_else(|| DEFAULT_SERVER_ZONE.to_string());
    let server =
        parse_zone(&zone_text).map_err(|e| ConfigError(format!("server_timezone: {e}")))?;
    let refresh = prof
        .refresh
        .as_deref()
        .map(parse_refresh)
        .transpose()?
        .flatten();
    let ignore = Ignore::parse(prof.ignore.as_deref().unwrap_or_default())
        .map_err(|e| ConfigError(format!("profile '{name}': ignore: {e}")))?;
    Ok(Resolved {
        ignore,
        profile: name,
        client,
        warnings,
        keys: file.keys,
        mouse: file.mouse.unwrap_or(true),
        refresh,
        zones: Zones {
            server,
            local: jiff::tz::TimeZone::system(),
        },
    })
}

/// The shortest and longest automatic refresh.
pub const REFRESH_RANGE: std::ops::RangeInclusive<Duration> =
    Duration::from_secs(30)..=Duration::from_secs(24 * 3600);

/// Reads `refresh`: a duration like `5m`, `90s` or `1h` (30 s to 24 h), or `off`.
pub fn parse_refresh(text: &str) -> Result<Option<Duration>, ConfigError> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let bad = || {
        ConfigError(format!(
            "refresh: '{}' is not a duration between 30s and 24h (write e.g. \"5m\", \"90s\" or \"off\")",
            crate::sanitize::for_terminal(text)
                .chars()
                .take(40)
                .collect::<String>()
        ))
    };
    let d: jiff::SignedDuration = text.parse().map_err(|_| bad())?;
    let d = Duration::try_from(d).map_err(|_| bad())?;
    if !REFRESH_RANGE.contains(&d) {
        return Err(bad());
    }
    Ok(Some(d))
}

fn timeout(key: &str, secs: u64) -> Result<Duration, ConfigError> {
    if !(1..=600).contains(&secs) {
        return Err(ConfigError(format!(
            "{key} must be between 1 and 600 seconds, not {secs}"
        )));
    }
    Ok(Duration::from_secs(secs))
}

pub use crate::api::password_command::{
    PASSWORD_COMMAND_TIMEOUT, run_password_command, run_password_command_within,
};
