//! Runs commands as tokio tasks; every result comes back as a message.

use tokio::sync::mpsc::UnboundedSender;

use std::sync::{Arc, Mutex};

use super::msg::{Cmd, LoggedIn, Msg, SessionInfo};
use crate::api::{ApiError, Client};
use crate::journal::Journal;
use crate::ops::Ops;

/// What the tasks run with: the API client and the journal of the account on screen.
#[derive(Debug, Clone, Default)]
pub struct Ctx {
    /// The API handle (None until logged in).
    pub client: Option<Client>,
    /// Where changes are recorded.
    pub journal: Option<Journal>,
    /// Where the account's last-known fleet is kept (None: not kept).
    pub cache: Option<std::path::PathBuf>,
}

/// Where the profiles come from, for switching between them.
#[derive(Debug, Clone, Default)]
pub struct Profiles {
    /// The config file named on the command line.
    pub config: Option<std::path::PathBuf>,
    /// The profile named for the run (`--profile`): the environment's account variables apply
    /// to it alone.
    pub run_profile: Option<String>,
}

/// Runs the app's commands: it owns the I/O handles, and swaps them on login and profile
/// switch. The app holds labels only.
#[derive(Debug, Clone, Default)]
pub struct Executor {
    ctx: Arc<Mutex<Ctx>>,
    profiles: Profiles,
}

impl Executor {
    /// An executor for an account (no client: only the login screen's commands work).
    pub fn new(client: Option<Client>, journal: Option<Journal>) -> Executor {
        Executor {
            ctx: Arc::new(Mutex::new(Ctx {
                client,
                journal,
                cache: None,
            })),
            profiles: Profiles::default(),
        }
    }

    /// The same, keeping the last-known fleet in `path`.
    pub fn with_cache(self, path: Option<std::path::PathBuf>) -> Executor {
        if let Ok(mut c) = self.ctx.lock() {
            c.cache = path;
        }
        self
    }

    /// The same, able to switch to the config file's other profiles.
    pub fn with_profiles(mut self, profiles: Profiles) -> Executor {
        self.profiles = profiles;
        self
    }

    /// The handles commands run with now.
    pub fn ctx(&self) -> Ctx {
        self.ctx.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// Takes new handles (see [`Msg::Adopt`]).
    pub fn adopt(&self, ctx: Ctx) {
        if let Ok(mut c) = self.ctx.lock() {
            *c = ctx;
        }
    }

    /// Runs a command as a task; its result, and any warnings, come back on `tx`. New handles
    /// come back as [`Msg::Adopt`] for the loop to hand over in order.
    pub fn spawn(&self, cmd: Cmd, tx: &UnboundedSender<Msg>) {
        let ctx = self.ctx();
        let profiles = self.profiles.clone();
        let tx = tx.clone();
        tokio::spawn(async move {
            let (msg, adopt) = run(&ctx, &profiles, cmd).await;
            // The loop may have ended; then nobody needs the answers.
            if let Some(new) = adopt {
                let _ = tx.send(Msg::Adopt(Box::new(new)));
            }
            if let Some(msg) = msg {
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

    /// Runs a command in place and returns its message; new handles are taken at once.
    pub async fn execute(&self, cmd: Cmd) -> Option<Msg> {
        let (msg, adopt) = run(&self.ctx(), &self.profiles, cmd).await;
        if let Some(new) = adopt {
            self.adopt(new);
        }
        msg
    }
}

/// The panel's server filter, sent with the server list it was read for.
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

/// What the client and the journal noted on the way (an unreadable element, an entry that
/// could not be recorded).
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

/// A login: a new client, logged in (the two-factor step may follow).
async fn login(cfg: crate::api::ClientConfig) -> Result<(Client, bool), ApiError> {
    let client = Client::new(cfg)?;
    client.keep_session_alive(super::KEEPALIVE_EVERY);
    let needs_code = client.login_checking_totp().await?;
    Ok((client, needs_code))
}

/// Runs one command: its message, and new handles when it opened an account.
async fn run(ctx: &Ctx, profiles: &Profiles, cmd: Cmd) -> (Option<Msg>, Option<Ctx>) {
    match cmd {
        Cmd::Quit => (None, None),
        Cmd::Login { cfg } => match login(*cfg).await {
            Ok((client, needs_code)) => {
                let done = LoggedIn {
                    host: client.host(),
                    account: client.username().unwrap_or_default().to_string(),
                    settings: client.settings_without_secrets(),
                    needs_code,
                };
                let adopt = Ctx {
                    client: Some(client),
                    journal: ctx.journal.clone(),
                    cache: ctx.cache.clone(),
                };
                (Some(Msg::LoggedIn { result: Ok(done) }), Some(adopt))
            }
            Err(e) => (Some(Msg::LoggedIn { result: Err(e) }), None),
        },
        Cmd::SaveCache { cache } => {
            let Some(path) = ctx.cache.clone() else {
                return (None, None);
            };
            let saved =
                tokio::task::spawn_blocking(move || cache.save(&path).map_err(|e| (path, e))).await;
            let msg = match saved {
                Ok(Err((path, e))) => Some(Msg::Warnings(vec![format!(
                    "the last-known fleet could not be kept in {}: {e}",
                    path.display()
                )])),
                _ => None,
            };
            (msg, None)
        }
        Cmd::LoadJournal => {
            let result = match &ctx.journal {
                Some(j) => j.read().map_err(|e| e.to_string()),
                None => Ok(Vec::new()),
            };
            (Some(Msg::JournalRead { result }), None)
        }
        Cmd::SwitchProfile { name } => {
            let env = |k: &str| std::env::var(k).ok();
            let opened = crate::account::open_profile(
                profiles.config.as_deref(),
                profiles.run_profile.as_deref(),
                &name,
                &env,
            );
            match opened {
                Ok(acc) => {
                    acc.client.keep_session_alive(super::KEEPALIVE_EVERY);
                    let host = acc.client.host();
                    let kept =
                        super::read_cache(super::cache_path(&acc.profile, &env), &host, &acc.label);
                    let info = SessionInfo {
                        profile: acc.profile,
                        account: acc.label.clone(),
                        zones: acc.zones,
                        refresh: acc.refresh,
                        ignore: acc.ignore,
                        settings: acc.client.settings_without_secrets(),
                        cache_key: Some((host.clone(), acc.label)),
                        cached: kept.cached.map(Box::new),
                        cache_error: kept.error,
                        host,
                    };
                    let adopt = Ctx {
                        client: Some(acc.client),
                        journal: Some(acc.journal),
                        cache: kept.path,
                    };
                    (Some(Msg::Switched { result: Ok(info) }), Some(adopt))
                }
                Err(e) => (Some(Msg::Switched { result: Err(e) }), None),
            }
        }
        cmd => (api(ctx, cmd).await, None),
    }
}

/// Runs a command that needs the account's client (and, for a change, its journal).
async fn api(ctx: &Ctx, cmd: Cmd) -> Option<Msg> {
    let Some(client) = ctx.client.clone() else {
        tracing::warn!("a request was asked for before login; dropped");
        return None;
    };
    // A change is recorded in the journal; without one, nothing is changed.
    let ops = ctx
        .journal
        .clone()
        .map(|j| Ops::new(client.clone(), j))
        .ok_or_else(|| ApiError::Setup("no change journal is open; nothing was changed".into()));
    Some(match cmd {
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
            result: async {
                let ops = ops?;
                ops.set_retention(instance, None, before, keep).await
            }
            .await,
        },
        Cmd::Create { instance, spec } => Msg::Saved {
            instance,
            result: async {
                let ops = ops?;
                ops.create(instance, None, &spec).await
            }
            .await,
        },
        Cmd::Edit {
            instance,
            before,
            spec,
        } => Msg::Saved {
            instance,
            result: async {
                let ops = ops?;
                ops.edit(instance, None, &before, &spec).await
            }
            .await,
        },
        Cmd::Delete {
            instance,
            before,
            server,
        } => Msg::Deleted {
            instance,
            id: before.id,
            result: async {
                let ops = ops?;
                ops.delete(Some(instance), Some(&server), before.id, Some(&before))
                    .await
            }
            .await,
        },
        Cmd::ApplyChange {
            batch,
            index,
            change,
            server,
        } => Msg::Applied {
            batch,
            index,
            result: async {
                let ops = ops?;
                ops.apply(&change, Some(&server)).await.map(|_| ())
            }
            .await,
        },
        Cmd::Restore {
            instance,
            server,
            spec,
        } => Msg::Restored {
            instance,
            result: async {
                let ops = ops?;
                ops.restore(instance, Some(&server), &spec, None)
                    .await
                    .map(crate::ops::Restored::into_schedule)
            }
            .await,
        },
        Cmd::RestoreEntry {
            entry,
            instance,
            server,
            spec,
        } => Msg::EntryRestored {
            entry,
            instance,
            result: async {
                ops?.restore(instance, Some(&server), &spec, Some(entry))
                    .await
            }
            .await,
            server,
        },
        Cmd::Quit
        | Cmd::Login { .. }
        | Cmd::LoadJournal
        | Cmd::SwitchProfile { .. }
        | Cmd::Clipboard { .. }
        | Cmd::SaveCache { .. } => {
            return None;
        }
    })
}
