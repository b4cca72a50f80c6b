//! Benchmarks (divan): `cargo bench --bench bsched`. Figures and targets are in BENCHMARKS.md.
//! Ratios are measured side by side in one run; absolute times depend on the machine.

// Measuring code, like a test: a failure to set up is a panic with a message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use bsched::api::decode_schedule_page;
use bsched::tui::msg::Msg;
use bsched::tui::ui::Theme;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use divan::Bencher;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

#[path = "fixture.rs"]
mod fixture;
use fixture::loaded_app;

fn main() {
    divan::main();
}

/// A schedule list page of `n` elements, in the API's `$` format with day names.
fn schedule_doc(n: usize) -> Vec<u8> {
    let elems: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            serde_json::json!({
                "id": {"$": (1000 + i).to_string()},
                "instance_id": {"$": "5203770"},
                "name": {"$": format!("schedule {i}")},
                "rotation_days": {"$": "Monday Tuesday Wednesday Thursday Friday "},
                "rotation_time": {"$": format!("{:02}:{:02}", i % 24, i % 60)},
                "create_date": {"$": "2026-01-10 10:00:00"},
                "servername": {"$": "web-1"},
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({"doc": {
        "backup_rotation": {"$": "5"},
        "p_cnt": {"$": n.to_string()}, "p_num": {"$": "1"}, "p_elems": {"$": n.to_string()},
        "elem": elems,
    }}))
    .unwrap()
}

mod decode {
    use super::*;

    /// The `$` decoder and typed schedules, 10,000 elements.
    #[divan::bench]
    fn dollar_decoder_to_schedules(b: Bencher) {
        let body = schedule_doc(10_000);
        b.counter(divan::counter::BytesCount::of_slice(&body))
            .bench(|| {
                let v = decode_schedule_page(200, black_box(&body), 5203770).unwrap();
                black_box(&v);
            });
    }

    /// The same bytes into `serde_json::Value`, the baseline (dropped inside the sample,
    /// like the decoder's intermediate document).
    #[divan::bench]
    fn serde_json_value(b: Bencher) {
        let body = schedule_doc(10_000);
        b.counter(divan::counter::BytesCount::of_slice(&body))
            .bench(|| {
                let v = serde_json::from_slice::<serde_json::Value>(black_box(&body)).unwrap();
                black_box(&v);
            });
    }
}

mod render {
    use super::*;

    fn frame(b: Bencher, servers: u64, per: usize) {
        let mut app = loaded_app(servers, per);
        // Somewhere in the middle of the list, schedules pane showing.
        for _ in 0..(servers / 2).min(500) {
            app.update(Msg::Key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE)));
        }
        let mut t = Terminal::new(TestBackend::new(200, 60)).unwrap();
        b.bench_local(|| {
            t.draw(|f| black_box(&app).draw(Theme::new(true), f))
                .unwrap();
        });
    }

    /// One full frame at 200x60 with 10,000 servers and 100,000 schedules.
    #[divan::bench(sample_count = 200)]
    fn frame_10k_servers_100k_schedules(b: Bencher) {
        frame(b, 10_000, 10);
    }

    /// The same frame with 10 servers (ten rows drawn).
    #[divan::bench(sample_count = 200)]
    fn frame_10_servers(b: Bencher) {
        frame(b, 10, 10);
    }

    /// The same frame with 100 servers: a full screen of rows, like the 10,000.
    #[divan::bench(sample_count = 200)]
    fn frame_100_servers_full_screen(b: Bencher) {
        frame(b, 100, 10);
    }
}

mod filter {
    use super::*;

    /// Typing one character into the filter over 10,000 servers (and deleting it again:
    /// the figure covers two keys).
    #[divan::bench(sample_count = 200)]
    fn type_and_erase_one_char_10k_servers(b: Bencher) {
        let mut app = loaded_app(10_000, 10);
        app.update(Msg::Key(KeyEvent::new(
            KeyCode::Char('/'),
            KeyModifiers::NONE,
        )));
        app.update(Msg::Key(KeyEvent::new(
            KeyCode::Char('d'),
            KeyModifiers::NONE,
        )));
        b.bench_local(|| {
            app.update(Msg::Key(KeyEvent::new(
                KeyCode::Char('b'),
                KeyModifiers::NONE,
            )));
            app.update(Msg::Key(KeyEvent::new(
                KeyCode::Backspace,
                KeyModifiers::NONE,
            )));
        });
    }
}
