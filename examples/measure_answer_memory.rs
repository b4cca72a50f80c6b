//! Peak memory of decoding one large answer, against its size: a schedule list of about
//! `MB` megabytes (default 16, the default `max_answer_mb`) decoded the way the client does
//! (`$` document, then every element into a schedule). Linux only (reads /proc).
//! `cargo run --release --example measure_answer_memory [MB]`.

// Measuring code, like a test: a failure to set up is a panic with a message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))?
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

fn main() {
    let mb: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(16);
    let one = r#"{"id":{"$":"312"},"instance_id":{"$":"5203773"},"name":{"$":"MySchedule"},"rotation_days":{"$":"Monday Tuesday Wednesday Thursday Friday ","$orig":"1,2,3,4,5"},"rotation_time":{"$":"02:01","$orig":"02:01:00"},"create_date":{"$":"2024-07-24"},"servername":{"$":"web-1"}}"#;
    let n = mb * 1024 * 1024 / (one.len() + 1);
    let mut body = String::with_capacity(mb * 1024 * 1024 + 200);
    body.push_str(r#"{"doc":{"p_cnt":{"$":"100"},"p_num":{"$":"1"},"elem":["#);
    for i in 0..n {
        if i > 0 {
            body.push(',');
        }
        body.push_str(one);
    }
    body.push_str("]}}");
    let before = peak_rss_kib();
    let list = bsched::api::decode_schedule_page(200, body.as_bytes(), 5203773).unwrap_or_default();
    let after = peak_rss_kib();
    println!(
        "answer {:.1} MB, {} schedules: peak RSS grew by {:.1} MB while decoding ({:.1}x the answer)",
        body.len() as f64 / 1048576.0,
        list.len(),
        after.saturating_sub(before) as f64 / 1024.0,
        after.saturating_sub(before) as f64 * 1024.0 / body.len() as f64
    );
}
