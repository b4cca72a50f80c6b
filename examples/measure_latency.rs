//! Key press to drawn frame, in-process, while 100 requests with 2 s latency are in flight on
//! the same runtime: each key goes through `App::update` and a full 200x60 draw, as in the
//! event loop. Prints percentiles. `cargo run --release --example measure_latency`.

// Measuring code, like a test: a failure to set up is a panic with a message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../benches/fixture.rs"]
mod fixture;

use std::time::{Duration, Instant};

use bsched::emulator::{Emulator, Options};
use bsched::tui::msg::{Cmd, Msg};
use bsched::tui::worker::Executor;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let emu = Emulator::start(Options::default()).await.unwrap();
    emu.with(|w| w.faults.latency_ms = 2_000);
    let mut cfg = bsched::api::ClientConfig::new(bsched::api::checked_url(&emu.url()).unwrap());
    cfg.username = Some(bsched::emulator::DEMO_USER.into());
    cfg.password = Some(bsched::api::Secret::new(bsched::emulator::DEMO_PASSWORD));
    cfg.concurrency = 100;
    let executor = Executor::new(Some(bsched::api::Client::new(cfg).unwrap()), None);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Msg>();
    for n in 0..100u64 {
        executor.spawn(
            Cmd::LoadSchedules {
                instance: 5_203_770 + n % 25,
                req: n,
            },
            &tx,
        );
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut app = fixture::loaded_app(10_000, 10);
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(200, 60)).unwrap();
    let keys = [
        KeyCode::Down,
        KeyCode::Down,
        KeyCode::Tab,
        KeyCode::Down,
        KeyCode::Tab,
        KeyCode::Up,
    ];
    let mut samples = Vec::new();
    let mut in_flight_seen = 0;
    for i in 0..1500 {
        let start = Instant::now();
        app.update(Msg::Key(KeyEvent::new(
            keys[i % keys.len()],
            KeyModifiers::NONE,
        )));
        app.prepare();
        t.draw(|f| app.draw(bsched::tui::ui::Theme::new(true), f))
            .unwrap();
        samples.push(start.elapsed());
        if rx.try_recv().is_err() {
            in_flight_seen += 1;
        }
        // Keys arrive at typing speed, not in a tight loop.
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    samples.sort();
    let pct = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)];
    println!(
        "{} key presses with 100 requests in flight (2 s latency): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} of them while no answer had arrived yet)",
        samples.len(),
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        samples[samples.len() - 1].as_secs_f64() * 1e3,
        in_flight_seen
    );
}
