//! Runs commands as tokio tasks; every result comes back as a message.

use tokio::sync::mpsc::UnboundedSender;

use super::msg::{Account, Cmd, Msg};
use crate::api::{ApiError, Client};
use crate::journal::Journal;
use crate::ops::Ops;

/// What the tasks work with: the API handle and the journal (None only before login).
#[derive(Debug, Clone, Default)]
pub struct Ctx {
    /// The API.
    pub client: Option<Client>,
    /// The journal changes go to.
    pub journal: Option<Journal>,
}

/// Spawns `cmd` as a task; its answer is sent to `tx`. Nothing here awaits in the caller.
pub fn spawn(ctx: &Ctx, cmd: Cmd, tx: &UnboundedSender<Msg>) {
    let ctx = ctx.clone();
    let tx = tx.clone();
    tokio::spawn(async move {
        // The loop may have ended; then nobody needs the answers.
        if let Some(msg) = execute(&ctx, cmd).await {
            if let Some(filter) = panel_filter_of(&ctx, &msg) {
                let _ = tx.send(filter);
            }
            let _ = tx.send(msg);
        }
        let warnings = warnings_of(&ctx);
        if !warnings.is_empty() {
            let _ = tx.send(Msg::Warnings(warnings));
        }
    });
}

/// After a server list arrived, what the client knows of the panel's server filter, sent just
/// before the list itself (so it carries the list's request id and is dropped with it).
fn panel_filter_of(ctx: &Ctx, msg: &Msg) -> Option<Msg> {
    let Msg::Instances {
        req, result: Ok(_), ..
    } = msg
    else {
        return None;
    };
    let fields = ctx.client.as_ref()?.known_panel_filter()?;
    Some(Msg::PanelFilter { req: *req, fields })
}

/// What the client noted (an element skipped, a value stored differently) and what the journal
/// could not record (an outcome that was not written), not shown yet.
pub fn warnings_of(ctx: &Ctx) -> Vec<String> {
    let mut warnings = Vec::new();
    if let Some(client) = &ctx.client {
        warnings.extend(client.take_warnings());
    }
    if let Some(journal) = &ctx.journal {
        warnings.extend(journal.take_warnings());
    }
    warnings
}

fn no_journal() -> ApiError {
    ApiError::Setup("no change journal is open; nothing was changed".into())
}

/// Runs one command to its answer.
pub async fn execute(ctx: &Ctx, cmd: Cmd) -> Option<Msg> {
    if let Cmd::Login { cfg } = cmd {
        let result = match Client::new(*cfg) {
            Ok(c) => {
                c.keep_session_alive(super::KEEPALIVE_EVERY);
                c.login_checking_totp().await.map(|code| (c, code))
            }
            Err(e) => Err(e),
        };
        return Some(Msg::LoggedIn { result });
    }
    if let Cmd::LoadJournal = cmd {
        let result = match &ctx.journal {
            Some(j) => j.read().map_err(|e| e.to_string()),
            None => Ok(Vec::new()),
        };
        return Some(Msg::JournalRead { result });
    }
    if let Cmd::SwitchProfile {
        name,
        config,
        run_profile,
    } = cmd
    {
        return Some(Msg::Switched {
            result: open_profile(&name, config.as_deref(), run_profile.as_deref()).map(Box::new),
        });
    }
    let Some(client) = ctx.client.clone() else {
        tracing::warn!("a request was asked for before login; dropped");
        return None;
    };
    let ops = ctx.journal.clone().map(|j| Ops::new(client.clone(), j));
    let msg = match cmd {
        Cmd::ConfirmCode { code } => Msg::CodeChecked {
            result: client.confirm_totp(code.expose()).await,
        },
        Cmd::LoadInstances { req } => Msg::Instances {
            req,
            result: client.instances().await,
        },
        Cmd::LoadSchedules { instance, req } => Msg::Schedules {
            instance,
            req,
            result: client.schedules(instance).await,
        },
        Cmd::LoadBackups { instance, req } => Msg::Backups {
            instance,
            req,
            result: client.backups(instance).await,
        },
        Cmd::SetRetention {
            instance,
            before,
            keep,
        } => Msg::RetentionSet {
            instance,
            keep,
            result: match &ops {
                Some(ops) => ops.set_retention(instance, None, before, keep).await,
                None => Err(no_journal()),
            },
        },
        Cmd::Create { instance, spec } => Msg::Saved {
            instance,
            result: match &ops {
                Some(ops) => ops.create(instance, None, &spec).await,
                None => Err(no_journal()),
            },
        },
        Cmd::Edit {
            instance,
            before,
            spec,
        } => Msg::Saved {
            instance,
            result: match &ops {
                Some(ops) => ops.edit(instance, None, &before, &spec).await,
                None => Err(no_journal()),
            },
        },
        Cmd::Delete {
            instance,
            before,
            server,
        } => Msg::Deleted {
            instance,
            id: before.id,
            result: match &ops {
                Some(ops) => {
                    ops.delete(Some(instance), Some(&server), before.id, Some(&before))
                        .await
                }
                None => Err(no_journal()),
            },
        },
        Cmd::ApplyChange {
            batch,
            index,
            change,
            server,
        } => Msg::Applied {
            batch,
            index,
            result: match &ops {
                Some(ops) => ops.apply(&change, Some(&server)).await.map(|_| ()),
                None => Err(no_journal()),
            },
        },
        Cmd::Restore {
            instance,
            server,
            spec,
        } => Msg::Restored {
            instance,
            result: match &ops {
                Some(ops) => ops
                    .restore(instance, Some(&server), &spec, None)
                    .await
                    .map(crate::ops::Restored::into_schedule),
                None => Err(no_journal()),
            },
        },
        Cmd::Quit | Cmd::Login { .. } | Cmd::LoadJournal | Cmd::SwitchProfile { .. } => {
            return None;
        }
    };
    Some(msg)
}

/// Opens a profile of the config file: its client, journal and zones. The environment's
/// account variables apply only when `name` is the run's profile.
pub fn open_profile(
    name: &str,
    config: Option<&std::path::Path>,
    run_profile: Option<&str>,
) -> Result<Account, String> {
    open_profile_with(name, config, run_profile, &|k: &str| std::env::var(k).ok())
}

/// [`open_profile`] with the environment `env` instead of the process's.
pub fn open_profile_with(
    name: &str,
    config: Option<&std::path::Path>,
    run_profile: Option<&str>,
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
    let account = r
        .client
        .username
        .clone()
        .unwrap_or_else(|| format!("profile {name}"));
    let zones = r.zones.clone();
    let client = Client::new(r.client).map_err(|e| e.to_string())?;
    client.keep_session_alive(super::KEEPALIVE_EVERY);
    Ok(Account {
        profile: name.to_string(),
        account,
        client,
        journal,
        zones,
    })
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
        let a = open_profile_with("a", Some(&config), None, &env).expect("profile a");
        assert_eq!(a.client.host(), "127.0.0.1:9");
        assert_eq!(a.client.username(), Some("env-user"));

        // Another profile keeps its own URL, user and password command: the environment's
        // password would have replaced the command.
        let b = open_profile_with("b", Some(&config), None, &env).expect("profile b");
        assert_eq!(b.profile, "b");
        assert_eq!(b.client.host(), "127.0.0.1:2");
        assert_eq!(b.client.username(), Some("ub"));
        assert_eq!(b.account, "ub");
        let settings = b.client.settings_without_secrets();
        assert_eq!(settings.password_command.as_deref(), Some("printf b-pass"));
        assert_eq!(b.journal.path(), data.join("journal.jsonl"));

        // A profile with nothing of its own does not borrow the environment's password.
        let c = open_profile_with("c", Some(&config), None, &env)
            .expect_err("profile c has no credentials");
        assert_eq!(c, "profile 'c' has no credentials");

        // Named on the command line, b is the run's profile and takes the environment.
        let b_run = open_profile_with("b", Some(&config), Some("b"), &env).expect("run's b");
        assert_eq!(b_run.client.host(), "127.0.0.1:9");
        assert_eq!(b_run.client.username(), Some("env-user"));
    }
}
