//! A profile switch (`P`) in the executor: the profile opened, with its kept session or a new
//! client, or without a client when it has no credentials (the login screen asks for them).

use super::{Ctx, Setup, var};
use crate::tui::msg::{Msg, SessionInfo};

/// Opens profile `name`: its session as kept from the last time it was on screen (same URL and
/// user), or a new client, which is asked whether the account waits for a one-time code. A
/// profile without credentials opens without a client: the login screen asks for them.
pub(super) async fn switch(setup: Setup<'_>, name: &str) -> Result<(Msg, Ctx), String> {
    let (profiles, kept, vars) = setup;
    let env = |k: &str| var(vars, k);
    let resolved = crate::config::resolve_other(
        profiles.config.as_deref(),
        profiles.run_profile.as_deref(),
        name,
        &env,
    )
    .map_err(|e| e.to_string())?;
    if !resolved.has_credentials() {
        // Logged in on the login screen earlier in this run: that session is kept too.
        let again = kept
            .lock()
            .ok()
            .and_then(|k| k.get(name).cloned())
            .filter(|c| {
                c.client.as_ref().is_some_and(|c| {
                    let cfg = c.settings_without_secrets();
                    cfg.url == resolved.client.url && cfg.username == resolved.client.username
                })
            });
        return without_credentials(resolved, &env, again);
    }
    let login = resolved.client.clone();
    let acc = crate::account::open(resolved, &env)?;
    let host = acc.client.host();
    let again = kept
        .lock()
        .ok()
        .and_then(|k| k.get(name).and_then(|c| c.client.clone()))
        .filter(|c| c.host() == host && c.username() == acc.client.username());
    let (client, needs_code) = match again {
        Some(c) => (c, false),
        None => {
            acc.client.keep_session_alive(crate::tui::KEEPALIVE_EVERY);
            // A failure here is met again by the first load, which says why.
            let needs_code = acc.client.needs_totp().await.unwrap_or(false);
            (acc.client, needs_code)
        }
    };
    let kept_fleet = crate::tui::read_cache(
        crate::tui::cache_path(&acc.profile, &env),
        &host,
        &acc.label,
    );
    let info = SessionInfo {
        profile: acc.profile,
        account: acc.label.clone(),
        zones: acc.zones,
        refresh: acc.refresh,
        ignore: acc.ignore,
        settings: client.settings_without_secrets(),
        cache_key: Some((host.clone(), acc.label)),
        cached: kept_fleet.cached.map(Box::new),
        cache_error: kept_fleet.error,
        host,
        needs_code,
    };
    let adopt = Ctx {
        client: Some(client),
        journal: Some(acc.journal),
        cache: kept_fleet.path,
        login: login.can_login().then(|| Box::new(login)),
    };
    Ok((Msg::Switched { result: Ok(info) }, adopt))
}

/// A profile without credentials: its labels and journal, and no client until the login
/// screen has logged in with what is typed there (kept for this run only: `again`, the
/// handles of that login when the profile was on screen before). As at start, no last-known
/// fleet is shown or kept for it.
fn without_credentials(
    resolved: crate::config::Resolved,
    env: &dyn Fn(&str) -> Option<String>,
    again: Option<Ctx>,
) -> Result<(Msg, Ctx), String> {
    let journal = crate::account::journal_for(&resolved.profile, env)?;
    let settings = match again.as_ref().and_then(|c| c.client.as_ref()) {
        Some(client) => client.settings_without_secrets(),
        None => resolved.client.without_secrets(),
    };
    let info = SessionInfo {
        account: settings
            .username
            .clone()
            .unwrap_or_else(|| format!("profile {}", resolved.profile)),
        profile: resolved.profile,
        host: match settings.url.port() {
            Some(p) => format!("{}:{p}", settings.url.host_str().unwrap_or("?")),
            None => settings.url.host_str().unwrap_or("?").to_string(),
        },
        zones: resolved.zones,
        refresh: resolved.refresh,
        ignore: resolved.ignore,
        cache_key: None,
        cached: None,
        cache_error: None,
        settings,
        needs_code: false,
    };
    match again {
        Some(ctx) => Ok((
            Msg::Switched { result: Ok(info) },
            Ctx {
                journal: Some(journal),
                ..ctx
            },
        )),
        None => Ok((
            Msg::SwitchedToLogin {
                info: Box::new(info),
            },
            Ctx {
                client: None,
                journal: Some(journal),
                cache: None,
                login: None,
            },
        )),
    }
}
