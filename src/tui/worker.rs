//! Runs commands as tokio tasks; every result comes back as a message.

use tokio::sync::mpsc::UnboundedSender;

use super::msg::{Cmd, Msg};
use crate::api::Client;

/// Spawns the API call for `cmd`. Nothing here awaits in the caller.
pub fn spawn(client: &Client, cmd: Cmd, tx: &UnboundedSender<Msg>) {
    let client = client.clone();
    let tx = tx.clone();
    tokio::spawn(async move {
        let msg = match cmd {
            Cmd::LoadInstances { req } => Msg::Instances {
                req,
                result: client.instances().await,
            },
            Cmd::LoadSchedules { instance, req } => Msg::Schedules {
                instance,
                req,
                result: client.schedules(instance).await,
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
            Cmd::Quit => return,
        };
        // The loop may have ended; then nobody needs the answer.
        let _ = tx.send(msg);
    });
}
