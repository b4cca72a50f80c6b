//! What every command needs before it can talk to the API: the profile (from `--config`,
//! `--profile` and the environment), its credentials, its journal, the client and the [`Ops`]
//! that journal changes, and the fleet's servers with their schedules.

use super::args::Cli;
use super::error::CliError;
use super::output::warn_all;
use super::progress::{Progress, each};
use crate::api::{ApiError, Client};
use crate::config;
use crate::domain::timing::Zones;
use crate::domain::{Instance, ScheduleList};
use crate::journal::Journal;
use crate::ops::Ops;

/// The process's environment, as [`config`] and [`crate::account`] read it.
fn env(k: &str) -> Option<String> {
    std::env::var(k).ok()
}

/// Resolves the profile from the config file and the environment, printing its warnings.
pub fn resolve_profile(cli: &Cli) -> Result<config::Resolved, CliError> {
    let resolved = config::resolve(cli.config.as_deref(), cli.profile.as_deref(), &env)?;
    warn_all(resolved.warnings.iter().cloned());
    Ok(resolved)
}

/// Resolves the profile from `--config`/`--profile` and the environment, prints its warnings,
/// and refuses to go on without credentials.
pub fn resolve_with_credentials(cli: &Cli) -> Result<config::Resolved, CliError> {
    let resolved = resolve_profile(cli)?;
    if !resolved.has_credentials() {
        return Err(CliError::Usage(
            "no credentials: set BSCHED_USERNAME and BSCHED_PASSWORD (or BSCHED_TOKEN), or a profile in the config file; `bsched demo` tries bsched without an account".into(),
        ));
    }
    // A kept session others can read is warned about by the client that loads it.
    Ok(resolved)
}

/// The journal of `profile` in the data directory.
pub fn journal_for(profile: &str) -> Result<Journal, CliError> {
    crate::account::journal_for(profile, &env).map_err(|_| {
        CliError::Usage(
            "cannot find a data directory for the change journal (is HOME set?); nothing was changed"
                .into(),
        )
    })
}

/// The journal of `profile`, with its file warnings printed (readable by others).
pub(super) fn open_journal(profile: &str) -> Result<Journal, CliError> {
    let journal = journal_for(profile)?;
    warn_all(journal.file_warnings());
    Ok(journal)
}

/// Resolves the profile and builds a client whose changes are journaled; warns when others
/// can read the journal. After each change, print [`Ops::take_warnings`] (see `changed`).
pub fn ops_for(cli: &Cli) -> Result<Ops, CliError> {
    let resolved = resolve_with_credentials(cli)?;
    let journal = open_journal(&resolved.profile)?;
    Ok(Ops::new(Client::new(resolved.client)?, journal))
}

/// [`ops_for`], with the profile's zones (a schedule's time is in the server zone).
pub(super) fn ops_with_zones(cli: &Cli) -> Result<(Ops, Zones), CliError> {
    let resolved = resolve_with_credentials(cli)?;
    let journal = open_journal(&resolved.profile)?;
    let zones = resolved.zones.clone();
    Ok((Ops::new(Client::new(resolved.client)?, journal), zones))
}

/// The result of a change, after printing what the journal could not record about it (an
/// outcome not written): shown whether the change worked or not.
pub(super) fn changed<T>(ops: &Ops, result: Result<T, ApiError>) -> Result<T, CliError> {
    warn_all(ops.take_warnings());
    Ok(result?)
}

/// Resolves the profile and builds a client; refuses to go on without credentials.
pub(super) fn client_for(cli: &Cli) -> Result<Client, CliError> {
    Ok(Client::new(resolve_with_credentials(cli)?.client)?)
}

/// Resolves the profile and builds a client; refuses to go on without credentials. With the
/// profile's name and zones.
pub(super) fn connect(cli: &Cli) -> Result<(String, Client, Zones), CliError> {
    let resolved = resolve_with_credentials(cli)?;
    let zones = resolved.zones.clone();
    Ok((resolved.profile, Client::new(resolved.client)?, zones))
}

/// Every profile of the config file that has credentials, with its client and zones. The
/// environment's account variables belong to the run's profile alone.
pub(super) fn every_profile(cli: &Cli) -> Result<Vec<(String, Client, Zones)>, CliError> {
    let names = config::profile_names(cli.config.as_deref())?;
    if names.is_empty() {
        return Err(CliError::Usage(
            "--all-profiles needs profiles in the config file".into(),
        ));
    }
    let mut out = Vec::new();
    for name in names {
        let r = config::resolve_other(cli.config.as_deref(), cli.profile.as_deref(), &name, &env)?;
        // A profile without credentials is left out, not refused.
        if r.has_credentials() {
            let account = crate::account::open(r, &env).map_err(CliError::Usage)?;
            out.push((account.profile, account.client, account.zones));
        }
    }
    Ok(out)
}

/// Every server with its schedules (requests run as concurrently as the client allows), with a
/// progress bar on stderr while the schedules are listed (see [`super::progress`]).
pub(super) async fn fleet(client: &Client) -> Result<Vec<(Instance, ScheduleList)>, CliError> {
    let servers = client.instances().await?;
    let progress = Progress::new(servers.len() as u64, "servers");
    let fleet = schedules_of(client, servers, &progress).await;
    progress.finish();
    fleet
}

/// `servers` with their schedules, each server counted on `progress` when its list arrives.
pub(super) async fn schedules_of(
    client: &Client,
    servers: Vec<Instance>,
    progress: &Progress,
) -> Result<Vec<(Instance, ScheduleList)>, CliError> {
    let lists = each(progress, servers.iter().map(|s| client.schedules(s.id))).await?;
    Ok(servers.into_iter().zip(lists).collect())
}
