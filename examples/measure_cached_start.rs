//! The first frame after start with the last-known fleet of 1,000 servers in the cache, against
//! the first frame of an empty screen (no cache), side by side in one run, the API at 300 ms.
//! `cargo build --release && cargo run --release --example measure_cached_start -- [servers] [runs]`.
//! Linux only.

// Measuring code, like a test: a failure to set up is a panic with a message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bsched::api::{Client, ClientConfig, Secret, checked_url};
use bsched::cache::FleetCache;
use bsched::emulator::{DEMO_PASSWORD, DEMO_USER, Emulator, Options, Seed};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};

/// Starts the binary in a pty and returns the time until `what` is on screen.
fn first(bin: &std::path::Path, url: &str, cache_dir: &std::path::Path, what: &str) -> Duration {
    let home = tempfile::tempdir().unwrap();
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(bin);
    cmd.env_clear();
    cmd.env("HOME", home.path());
    cmd.env("XDG_DATA_HOME", home.path().join("data"));
    cmd.env("BSCHED_CACHE_DIR", cache_dir);
    cmd.env("BSCHED_URL", url);
    cmd.env("BSCHED_USERNAME", DEMO_USER);
    cmd.env("BSCHED_PASSWORD", DEMO_PASSWORD);
    cmd.env("TERM", "xterm-256color");
    let start = Instant::now();
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    let mut reader = pty.master.try_clone_reader().unwrap();
    let seen = Arc::new(Mutex::new((None::<Duration>, Vec::<u8>::new())));
    let s = seen.clone();
    let what = what.to_string();
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            let mut g = s.lock().unwrap();
            g.1.extend_from_slice(&buf[..n]);
            if g.0.is_none() && String::from_utf8_lossy(&g.1).contains(&what) {
                g.0 = Some(start.elapsed());
            }
        }
    });
    while seen.lock().unwrap().0.is_none() && start.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(1));
    }
    let t = seen.lock().unwrap().0.expect("the frame was drawn");
    let _ = child.kill();
    let _ = child.wait();
    t
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main]
async fn main() {
    let mut argv = std::env::args().skip(1);
    let servers: u64 = argv.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let runs: usize = argv.next().and_then(|a| a.parse().ok()).unwrap_or(10);
    let bin = std::env::current_dir()
        .unwrap()
        .join("target/release/bsched");
    let emu = Emulator::start(Options {
        seed: Seed::Empty,
        ..Default::default()
    })
    .await
    .unwrap();
    emu.with(|w| {
        let demo = bsched::emulator::Data::demo();
        for i in 0..servers {
            let id = 8_000_000 + i;
            w.data.instances.push(bsched::emulator::state::EmuInstance {
                id,
                servername: format!("node-{i:04}"),
                ..demo.instances[0].clone()
            });
            w.data.schedules.push(bsched::emulator::state::EmuSchedule {
                id: 9_000_000 + i,
                instance_id: id,
                ..demo.schedules[0].clone()
            });
        }
    });
    // The cache as a first run leaves it (read at full speed), then the API slows down.
    let mut cfg = ClientConfig::new(checked_url(&emu.url()).unwrap());
    cfg.username = Some(DEMO_USER.into());
    cfg.password = Some(Secret::new(DEMO_PASSWORD));
    let client = Client::new(cfg).unwrap();
    let mut cache = FleetCache::new(&client.host(), DEMO_USER);
    cache.servers = client.instances().await.unwrap();
    for s in &cache.servers {
        cache
            .schedules
            .insert(s.id, client.schedules(s.id).await.unwrap());
        // As the TUI keeps them: the newest backup of each kind.
        let mut backups = client.backups(s.id).await.unwrap();
        backups.sort_by_key(|b| std::cmp::Reverse(b.created));
        let mut kept: Vec<bsched::domain::backups::Backup> = Vec::new();
        for b in backups {
            if !kept.iter().any(|k| k.kind == b.kind) {
                kept.push(b);
            }
        }
        cache.backups.insert(s.id, kept);
    }
    let with = tempfile::tempdir().unwrap();
    cache
        .save(&FleetCache::path(with.path(), "default"))
        .unwrap();
    let path = FleetCache::path(with.path(), "default");
    let size = std::fs::metadata(&path).unwrap().len();
    let t = Instant::now();
    for _ in 0..10 {
        FleetCache::load(&path, &client.host(), DEMO_USER)
            .unwrap()
            .unwrap();
    }
    println!(
        "cache file {} KB, read in {:.2} ms",
        size / 1024,
        t.elapsed().as_secs_f64() * 100.0
    );
    let without = tempfile::tempdir().unwrap();
    emu.with(|w| w.faults.latency_ms = 300);
    let url = emu.url();
    let (mut cached, mut empty) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        // The first row of the cached fleet; the empty screen's pane title.
        cached.push(first(&bin, &url, with.path(), "node-0000"));
        empty.push(first(&bin, &url, without.path(), "Servers"));
    }
    let (c, e) = (median(cached.clone()), median(empty.clone()));
    println!(
        "first frame, {servers} servers cached: median {:.1} ms (max {:.1}); empty screen: median {:.1} ms (max {:.1}); ratio {:.2}x",
        c.as_secs_f64() * 1000.0,
        cached.iter().max().unwrap().as_secs_f64() * 1000.0,
        e.as_secs_f64() * 1000.0,
        empty.iter().max().unwrap().as_secs_f64() * 1000.0,
        c.as_secs_f64() / e.as_secs_f64()
    );
}
