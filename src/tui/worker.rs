//! Runs commands as tokio tasks; every result comes back as a message.

use tokio::sync::mpsc::UnboundedSender;

use super::msg::{Cmd, Msg};
use crate::api::Client;

/// Spawns the API call for `cmd` on `client` (None only before login, when the only commands
/// are the login itself). Nothing here awaits in the caller.
pub fn spawn(client: Option<&Client>, cmd: Cmd, tx: &UnboundedSender<Msg>) {
    let tx = tx.clone();
    if let Cmd::Login { cfg } = cmd {
        tokio::spawn(async move {
            let result = match Client::new(*cfg) {
                Ok(c) => c.login_checking_totp().await.map(|code| (c, code)),
                Err(e) => Err(e),
            };
            let _ = tx.send(Msg::LoggedIn { result });
        });
        return;
    }
    let Some(client) = client.cloned() else {
        tracing::warn!("a request was asked for before login; dropped");
        return;
    };
    tokio::spawn(async move {
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
            Cmd::SetRetention { instance, keep } => Msg::RetentionSet {
                instance,
                keep,
                result: client.set_retention(instance, keep).await,
            },
            Cmd::Create { instance, spec } => Msg::Saved {
                instance,
                result: client.create_schedule(instance, &spec).await,
            },
            Cmd::Edit { instance, id, spec } => Msg::Saved {
                instance,
                result: client.edit_schedule(instance, id, &spec).await,
            },
            Cmd::Delete { instance, id } => Msg::Deleted {
                instance,
                id,
                result: client.delete_schedule(id, Some(instance)).await,
            },
            Cmd::Quit | Cmd::Login { .. } => return,
        };
        // The loop may have ended; then nobody needs the answer.
        let _ = tx.send(msg);
    });
}
