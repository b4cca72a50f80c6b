//! The real binary in a pseudo-terminal: time from start to the first frame (before any data
//! arrives), and CPU used while the TUI sits idle for 10 s with everything loaded.
//! `cargo build --release && cargo run --release --example measure_tui`. Linux only.

// Measuring code, like a test: a failure to set up is a panic with a message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name: utime is the 14th, stime the 15th field overall.
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

fn main() {
    let bin = std::env::current_dir()
        .unwrap()
        .join("target/release/bsched");
    let mut firsts = Vec::new();
    let mut idle = None;
    for run in 0..10 {
        let home = tempfile::tempdir().unwrap();
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 40,
                cols: 120,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(&bin);
        cmd.env_clear();
        cmd.env("HOME", home.path());
        cmd.env("XDG_DATA_HOME", home.path().join("data"));
        cmd.env("TERM", "xterm-256color");
        cmd.arg("demo");
        let start = Instant::now();
        let mut child = pty.slave.spawn_command(cmd).unwrap();
        let pid = child.process_id().unwrap();
        let mut reader = pty.master.try_clone_reader().unwrap();
        let seen = Arc::new(Mutex::new((None::<Duration>, Vec::<u8>::new())));
        let s = seen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut g = s.lock().unwrap();
                g.1.extend_from_slice(&buf[..n]);
                if g.0.is_none() && String::from_utf8_lossy(&g.1).contains("Servers") {
                    g.0 = Some(start.elapsed());
                }
            }
        });
        while seen.lock().unwrap().0.is_none() && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(1));
        }
        if let Some(t) = seen.lock().unwrap().0 {
            firsts.push(t);
        }
        if run == 0 {
            // Let everything load, then sit idle for 10 s.
            std::thread::sleep(Duration::from_secs(3));
            let a = cpu_ticks(pid).unwrap_or(0);
            std::thread::sleep(Duration::from_secs(10));
            let b = cpu_ticks(pid).unwrap_or(0);
            let hz = 100.0; // USER_HZ on Linux
            idle = Some((b - a) as f64 / hz / 10.0 * 100.0);
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    firsts.sort();
    println!(
        "first frame after start: median {:.1} ms, max {:.1} ms over {} runs",
        firsts[firsts.len() / 2].as_secs_f64() * 1e3,
        firsts[firsts.len() - 1].as_secs_f64() * 1e3,
        firsts.len()
    );
    if let Some(p) = idle {
        println!("idle for 10 s with everything loaded: {p:.2}% of one core");
    }
}
