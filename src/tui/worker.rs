//! Runs commands as tokio tasks; every result comes back as a message.

use tokio::sync::mpsc::UnboundedSender;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub use super::msg::Ctx;
use super::msg::{Cmd, LoggedIn, Msg};
use crate::api::{ApiError, Client, ClientConfig};
use crate::journal::Journal;
use crate::ops::Ops;

mod switch;
use switch::switch;

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
    kept: Kept,
    env: Env,
}

/// The environment profiles are read with: the process's, or a fixed one (tests).
type Env = Option<Arc<HashMap<String, String>>>;

/// A variable of `env`.
fn var(env: &Env, k: &str) -> Option<String> {
    match env {
        Some(map) => map.get(k).cloned(),
        None => std::env::var(k).ok(),
    }
}

/// The handles of the profiles left with `P`, by profile: coming back reuses the session (a
/// two-factor account is not asked for its code again while the TUI runs).
type Kept = Arc<Mutex<HashMap<String, Ctx>>>;

impl Executor {
    /// An executor for an account (no client: only the login screen's commands work).
    pub fn new(client: Option<Client>, journal: Option<Journal>) -> Executor {
        Executor {
            ctx: Arc::new(Mutex::new(Ctx {
                client,
                journal,
                cache: None,
                login: None,
            })),
            profiles: Profiles::default(),
            kept: Kept::default(),
            env: None,
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

    /// The same, reading profiles with these variables instead of the process's (tests).
    pub fn with_env(mut self, vars: HashMap<String, String>) -> Executor {
        self.env = Some(Arc::new(vars));
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
        let kept = self.kept.clone();
        let env = self.env.clone();
        let tx = tx.clone();
        tokio::spawn(async move {
            let (msg, adopt) = run(&ctx, (&profiles, &kept, &env), cmd).await;
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
        let setup = (&self.profiles, &self.kept, &self.env);
        let (msg, adopt) = run(&self.ctx(), setup, cmd).await;
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
async fn login(cfg: ClientConfig) -> Result<(Client, bool), ApiError> {
    let client = Client::new(cfg)?;
    client.keep_session_alive(super::KEEPALIVE_EVERY);
    let needs_code = client.login_checking_totp().await?;
    Ok((client, needs_code))
}

/// A login with `cfg`: what the screen shows of it, and the handles that replace `ctx`'s.
async fn login_with(ctx: &Ctx, cfg: ClientConfig) -> Result<(LoggedIn, Ctx), ApiError> {
    let (client, needs_code) = login(cfg.clone()).await?;
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
        login: Some(Box::new(cfg)),
    };
    Ok((done, adopt))
}

/// The settings, credentials included, to log in to `profile` again: those the client was
/// built from, or the profile read again; None when neither has a password to log in with.
fn renewal_settings(ctx: &Ctx, setup: Setup<'_>, profile: &str) -> Option<ClientConfig> {
    if let Some(cfg) = &ctx.login {
        return cfg.can_login().then(|| (**cfg).clone());
    }
    let (profiles, _, vars) = setup;
    let env = |k: &str| var(vars, k);
    let resolved = crate::config::resolve_other(
        profiles.config.as_deref(),
        profiles.run_profile.as_deref(),
        profile,
        &env,
    )
    .ok()?;
    // The profile must still be the account on screen.
    let client = ctx.client.as_ref()?;
    let same = resolved.client.username.as_deref() == client.username()
        && resolved.client.url == client.settings_without_secrets().url;
    (same && resolved.client.can_login()).then_some(resolved.client)
}

/// Runs one command: its message, and new handles when it opened an account.
/// What commands run with besides the handles: the profiles, the kept sessions, the
/// environment.
type Setup<'a> = (&'a Profiles, &'a Kept, &'a Env);

async fn run(ctx: &Ctx, setup: Setup<'_>, cmd: Cmd) -> (Option<Msg>, Option<Ctx>) {
    let (_, kept, _) = setup;
    match cmd {
        Cmd::Quit => (None, None),
        Cmd::Login { cfg } => match login_with(ctx, *cfg).await {
            Ok((done, adopt)) => (Some(Msg::LoggedIn { result: Ok(done) }), Some(adopt)),
            Err(e) => (Some(Msg::LoggedIn { result: Err(e) }), None),
        },
        Cmd::Renew { profile } => match renewal_settings(ctx, setup, &profile) {
            None => (Some(Msg::Renewed { result: None }), None),
            Some(cfg) => match login_with(ctx, cfg).await {
                Ok((done, adopt)) => (
                    Some(Msg::Renewed {
                        result: Some(Ok(done)),
                    }),
                    Some(adopt),
                ),
                Err(e) => (
                    Some(Msg::Renewed {
                        result: Some(Err(e)),
                    }),
                    None,
                ),
            },
        },
        Cmd::Resume { profile } => {
            let back = kept.lock().ok().and_then(|k| k.get(&profile).cloned());
            match back {
                Some(back) => (Some(Msg::Resumed { result: Ok(()) }), Some(back)),
                None => (
                    Some(Msg::Resumed {
                        result: Err(format!("the session of profile '{profile}' is not kept")),
                    }),
                    None,
                ),
            }
        }
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
        Cmd::SwitchProfile { name, from } => {
            if let Ok(mut k) = kept.lock() {
                k.insert(from, ctx.clone());
            }
            match switch(setup, &name).await {
                Ok((msg, adopt)) => (Some(msg), Some(adopt)),
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
        | Cmd::Renew { .. }
        | Cmd::Resume { .. }
        | Cmd::SaveCache { .. } => {
            return None;
        }
    })
}
