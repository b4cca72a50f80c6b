//! Shared test helpers: an emulator on 127.0.0.1 and a client for it.

pub mod cli;
pub mod fake;
pub mod pty;
pub mod tui;

use std::time::Duration;

use bsched::api::{Client, ClientConfig, Secret, checked_url};
use bsched::emulator::{DEMO_PASSWORD, DEMO_USER, Emulator, Options};

/// An emulator with the demo seed on a free loopback port.
pub async fn emulator() -> Emulator {
    Emulator::start(Options::default())
        .await
        .expect("emulator starts")
}

/// A client config for `emu` with the demo credentials.
pub fn config(emu: &Emulator) -> ClientConfig {
    let mut cfg = ClientConfig::new(checked_url(&emu.url()).expect("loopback url"));
    cfg.username = Some(DEMO_USER.into());
    cfg.password = Some(Secret::new(DEMO_PASSWORD));
    cfg.request_timeout = Duration::from_secs(5);
    cfg
}

/// A client for `emu` with the demo credentials.
pub fn client(emu: &Emulator) -> Client {
    Client::new(config(emu)).expect("client builds")
}

/// An emulator that lives on its own runtime thread, for tests that run the binary.
pub struct Background {
    pub emu: Emulator,
    /// Runs the emulator's tasks for as long as the `Background` lives.
    _rt: tokio::runtime::Runtime,
}

impl Background {
    pub fn start() -> Background {
        Background::with(Options::default())
    }

    pub fn with(opts: Options) -> Background {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let emu = rt.block_on(Emulator::start(opts)).expect("emulator starts");
        Background { emu, _rt: rt }
    }

    /// Schedule ids of an instance, straight from the emulator's data.
    pub fn schedule_ids(&self, instance: u64) -> Vec<u64> {
        self.emu.with(|w| {
            w.data
                .schedules
                .iter()
                .filter(|s| s.instance_id == instance)
                .map(|s| s.id)
                .collect()
        })
    }
}
