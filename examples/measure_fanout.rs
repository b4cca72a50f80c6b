//! Loading the schedules of 1,000 servers from the emulator with 50 ms latency per request,
//! with the client's concurrency c, beside a sequential run (c = 1).
//! `cargo run --release --example measure_fanout -- [c ...]` (default: 1 4 8).

// Measuring code, like a test: a failure to set up is a panic with a message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use bsched::api::{Client, ClientConfig, Secret, checked_url};
use bsched::emulator::{DEMO_PASSWORD, DEMO_USER, Emulator, Options, Seed};
use futures_util::future::try_join_all;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let levels: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let levels = if levels.is_empty() {
        vec![1, 4, 8]
    } else {
        levels
    };
    let emu = Emulator::start(Options {
        seed: Seed::Empty,
        ..Default::default()
    })
    .await
    .unwrap();
    let ids: Vec<u64> = (0..1000).map(|n| 8_000_000 + n).collect();
    emu.with(|w| {
        let template = bsched::emulator::Data::demo().instances[0].clone();
        for id in &ids {
            w.data.instances.push(bsched::emulator::state::EmuInstance {
                id: *id,
                servername: format!("n{id}"),
                ..template.clone()
            });
        }
        w.faults.latency_ms = 50;
    });
    for c in levels {
        let mut cfg = ClientConfig::new(checked_url(&emu.url()).unwrap());
        cfg.username = Some(DEMO_USER.into());
        cfg.password = Some(Secret::new(DEMO_PASSWORD));
        cfg.concurrency = c;
        let client = Client::new(cfg).unwrap();
        client.login().await.unwrap();
        let start = Instant::now();
        let lists = try_join_all(ids.iter().map(|id| client.schedules(*id)))
            .await
            .unwrap();
        let took = start.elapsed();
        let ideal = Duration::from_millis(ids.len().div_ceil(c) as u64 * 50);
        println!(
            "concurrency {c:>2}: {} lists in {:.2} s; ideal ceil(1000/{c}) x 50 ms = {:.2} s; ratio {:.3}",
            lists.len(),
            took.as_secs_f64(),
            ideal.as_secs_f64(),
            took.as_secs_f64() / ideal.as_secs_f64()
        );
    }
}
