//! Peak RSS with 10,000 servers and 100,000 schedules loaded into the TUI's state, one frame
//! drawn. `cargo run --release --example measure_memory`. Linux only (reads /proc).

// Measuring code, like a test: a failure to set up is a panic with a message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../benches/fixture.rs"]
mod fixture;

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn main() {
    let before = peak_rss_kib().unwrap_or(0);
    let app = fixture::loaded_app(10_000, 10);
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(200, 60)).unwrap();
    t.draw(|f| app.draw(bsched::tui::ui::Theme::new(true), f))
        .unwrap();
    let after = peak_rss_kib().unwrap_or(0);
    let schedules: usize = app
        .fleet
        .schedules
        .values()
        .filter_map(|e| e.list.as_ref())
        .map(|l| l.schedules.len())
        .sum();
    println!(
        "servers {} schedules {schedules}: peak RSS {:.1} MB (process before loading: {:.1} MB)",
        app.fleet.servers().len(),
        after as f64 / 1024.0,
        before as f64 / 1024.0
    );
}
