//! A server whose schedules or backups failed to load, against the emulator's faults: the row
//! shows `!`, the schedules pane says why (not the loading glyph forever), the read is tried
//! again by itself after 2 s, 8 s and 30 s of the app's clock, then the error stays until `r`;
//! and the bulk form says the load failed instead of asking to wait.

use crossterm::event::KeyCode;

use crate::common;
use crate::common::tui::{ch, drive, key, press, test_now, test_zones, typed};
use bsched::emulator::{Emulator, Fault, Options, Seed, When};
use bsched::tui::app::{App, Kind};
use bsched::tui::msg::{Cmd, Msg};
use bsched::tui::ui::Theme;
use bsched::tui::worker::Executor;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SCHEDULES: &str = "instances.fleio_bckps.schedule";
const BACKUPS: &str = "instances.fleio_bckps";
const FIRST: u64 = 8_100_000;

/// An emulator with three servers, node-0…2, each with one schedule.
async fn fleet() -> Emulator {
    let emu = Emulator::start(Options {
        seed: Seed::Empty,
        ..Default::default()
    })
    .await
    .unwrap();
    emu.with(|w| {
        let demo = bsched::emulator::Data::demo();
        for i in 0..3 {
            let id = FIRST + i;
            w.data.instances.push(bsched::emulator::state::EmuInstance {
                id,
                servername: format!("node-{i}"),
                ..demo.instances[0].clone()
            });
            w.data.next_schedule_id += 1;
            w.data.schedules.push(bsched::emulator::state::EmuSchedule {
                id: 9_100_000 + i,
                instance_id: id,
                ..demo.schedules[0].clone()
            });
        }
    });
    emu
}

fn app_for(emu: &Emulator) -> (App, Executor) {
    let client = common::client(emu);
    let exec = Executor::new(Some(client.clone()), None);
    let mut app = App::new(
        bsched::tui::app::Session::for_client(&client, "demo"),
        Default::default(),
    );
    app.now = test_now();
    app.session.zones = test_zones();
    (app, exec)
}

fn screen(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
    t.draw(|f| app.draw(Theme::new(true), f)).unwrap();
    let buf = t.backend().buffer();
    (0..30)
        .map(|y| (0..100).map(|x| buf[(x, y)].symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The servers pane's row of `name`.
fn row<'a>(screen: &'a str, name: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.starts_with(&format!("│{name} ")) || l.starts_with(&format!("│● {name} ")))
        .unwrap_or_else(|| panic!("no row {name}:\n{screen}"))
}

/// How many reads of `func` for `id` the emulator saw.
fn reads(emu: &Emulator, func: &str, id: u64) -> usize {
    emu.requests()
        .iter()
        .filter(|r| r.func == func && r.elid == id.to_string())
        .count()
}

/// Moves the app's clock on by `secs` and delivers a tick; returns what it sent.
fn tick_after(app: &mut App, secs: i64) -> Vec<Cmd> {
    app.now += jiff::SignedDuration::from_secs(secs);
    app.update(Msg::Tick)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_schedules_load_is_marked_explained_retried_then_kept_until_refresh() {
    let emu = fleet().await;
    let (mut app, exec) = app_for(&emu);
    // The selected server's schedules are read first: that read fails.
    emu.push_fault(Fault::Status(503), When::Before, Some(SCHEDULES));
    let cmds = app.init();
    drive(&mut app, &exec, cmds).await;
    assert_eq!(reads(&emu, SCHEDULES, FIRST), 1);

    let s = screen(&app);
    assert!(row(&s, "node-0").contains(" ! "), "the row's mark:\n{s}");
    assert!(!row(&s, "node-1").contains(" ! "), "{s}");
    assert!(
        s.contains("! Could not load schedules: the API answered HTTP 503"),
        "the reason, not a loading glyph:\n{s}"
    );
    assert!(s.contains("Trying again in 2s (retry 1 of 3)."), "{s}");
    assert!(!s.contains("loading schedules"), "{s}");
    assert!(app.needs_tick(), "the clock keeps ticking for the retry");

    // Nothing is sent before the wait is over; then the read goes again, by itself.
    for (wait, retry) in [(2, 1), (8, 2), (30, 3)] {
        assert!(
            tick_after(&mut app, wait - 1).is_empty(),
            "retry {retry} waits {wait}s"
        );
        let cmds = tick_after(&mut app, 1);
        assert!(
            matches!(
                cmds[..],
                [Cmd::LoadSchedules {
                    instance: FIRST,
                    ..
                }]
            ),
            "retry {retry}: {cmds:?}"
        );
        let s = screen(&app);
        assert!(s.contains("Trying again…"), "on its way:\n{s}");
        emu.push_fault(Fault::Status(502), When::Before, Some(SCHEDULES));
        drive(&mut app, &exec, cmds).await;
        assert_eq!(reads(&emu, SCHEDULES, FIRST), 1 + retry);
    }
    // After the last try the error stays, and says what to do.
    let s = screen(&app);
    assert!(row(&s, "node-0").contains(" ! "), "{s}");
    assert!(s.contains("HTTP 502"), "the latest reason:\n{s}");
    assert!(s.contains("Tried 4 times. Press r to try again."), "{s}");
    assert!(tick_after(&mut app, 3600).is_empty(), "no more tries");
    assert!(!app.fleet.queue.retrying(), "and no more ticks for it");
    assert_eq!(reads(&emu, SCHEDULES, FIRST), 4);

    // The bulk form does not ask to wait for a load that failed: it says so, and what to do.
    press(&mut app, [ch(' ')]); // mark node-0
    press(&mut app, [ch('A')]);
    press(&mut app, typed("nightly"));
    press(&mut app, [key(KeyCode::Tab), ch('w'), key(KeyCode::Tab)]);
    press(&mut app, typed("0200"));
    assert!(press(&mut app, [key(KeyCode::Enter)]).is_empty());
    let form = app
        .layers
        .get::<bsched::tui::layers::form::Form>()
        .expect("the form stays open");
    let error = form.error.clone().unwrap_or_default();
    assert!(
        error.contains("node-0 could not be loaded")
            && error.contains("HTTP 502")
            && error.contains("refresh with r"),
        "{error}"
    );
    assert!(!error.contains("wait a moment"), "{error}");
    press(&mut app, [key(KeyCode::Esc)]);

    // `r` reads it again: the list shows and the mark goes.
    let cmds = press(&mut app, [key(KeyCode::Up), ch('r')]);
    drive(&mut app, &exec, cmds).await;
    let s = screen(&app);
    assert!(!row(&s, "node-0").contains('!'), "{s}");
    assert!(!s.contains("! Could not load"), "{s}");
    assert!(app.fleet.schedules_of(FIRST).is_some());
    assert_eq!(app.fleet.queue.retry(FIRST, Kind::Schedules), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_that_succeeds_clears_the_mark() {
    let emu = fleet().await;
    let (mut app, exec) = app_for(&emu);
    emu.push_fault(Fault::Reset, When::Before, Some(SCHEDULES));
    let cmds = app.init();
    drive(&mut app, &exec, cmds).await;
    assert!(row(&screen(&app), "node-0").contains(" ! "));
    let cmds = tick_after(&mut app, 2);
    assert_eq!(cmds.len(), 1, "{cmds:?}");
    drive(&mut app, &exec, cmds).await;
    let s = screen(&app);
    assert!(row(&s, "node-0").contains(" 1 "), "the count:\n{s}");
    assert!(!s.contains("! Could not load"), "{s}");
    assert!(!app.fleet.queue.retrying());
    assert_eq!(app.fleet.queue.retry(FIRST, Kind::Schedules), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_is_not_retried_and_failed_backups_are_marked_too() {
    let emu = fleet().await;
    let (mut app, exec) = app_for(&emu);
    // A refusal would come again the same way: no retry. A 500 on the backups is retried.
    let refusal = Fault::Refuse {
        kind: "value".into(),
        object: "elid".into(),
        msg: "No such item".into(),
    };
    emu.push_fault(refusal, When::Before, Some(SCHEDULES));
    emu.push_fault(Fault::Status(500), When::Before, Some(BACKUPS));
    let cmds = app.init();
    drive(&mut app, &exec, cmds).await;
    let s = screen(&app);
    let r = row(&s, "node-0");
    assert!(
        r.contains(" ! ") && r.matches('!').count() == 2,
        "both marks: {r}"
    );
    assert!(
        s.contains("Could not load schedules: the API refused"),
        "{s}"
    );
    assert!(
        s.contains("Press r to try again."),
        "no retry for a refusal:\n{s}"
    );
    let retry = app.fleet.queue.retry(FIRST, Kind::Schedules).unwrap();
    assert!(retry.gave_up && retry.at.is_none(), "{retry:?}");
    assert!(
        app.fleet
            .queue
            .retry(FIRST, Kind::Backups)
            .unwrap()
            .at
            .is_some()
    );

    // Only the backups go again.
    let cmds = tick_after(&mut app, 2);
    assert!(
        matches!(
            cmds[..],
            [Cmd::LoadBackups {
                instance: FIRST,
                ..
            }]
        ),
        "{cmds:?}"
    );
    drive(&mut app, &exec, cmds).await;
    let r = row(&screen(&app), "node-0").to_string();
    assert_eq!(r.matches('!').count(), 1, "the backups arrived: {r}");
    assert!(tick_after(&mut app, 3600).is_empty());
    assert_eq!(reads(&emu, SCHEDULES, FIRST), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_refresh_keeps_the_list_and_marks_it() {
    let emu = fleet().await;
    let (mut app, exec) = app_for(&emu);
    let cmds = app.init();
    drive(&mut app, &exec, cmds).await;
    // `r` reads the selected server first: that read fails; the list read before stays.
    emu.push_fault(Fault::Status(503), When::Before, Some(SCHEDULES));
    let cmds = press(&mut app, [ch('r')]);
    drive(&mut app, &exec, cmds).await;
    let s = screen(&app);
    assert!(
        row(&s, "node-0").contains(" 1! "),
        "the count, marked:\n{s}"
    );
    assert!(s.contains("│nightly "), "the list stays:\n{s}");
    assert!(
        s.contains("! Could not load schedules: the API answered HTTP 503"),
        "{s}"
    );
    assert!(s.contains("Trying again in 2s (retry 1 of 3)."), "{s}");
}

/// Every schedules and backups read of the whole fleet, whatever the server.
fn all_reads(emu: &Emulator) -> usize {
    emu.requests()
        .iter()
        .filter(|r| r.func == SCHEDULES || r.func == BACKUPS)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_every_read_fails_only_the_selected_server_is_retried_until_r_or_a_success() {
    // 50 servers, and every schedules and backups read answered 503.
    let emu = Emulator::start(Options {
        seed: Seed::Empty,
        ..Default::default()
    })
    .await
    .unwrap();
    emu.with(|w| {
        let demo = bsched::emulator::Data::demo();
        for i in 0..50 {
            w.data.instances.push(bsched::emulator::state::EmuInstance {
                id: FIRST + i,
                servername: format!("node-{i:02}"),
                ..demo.instances[0].clone()
            });
        }
    });
    for _ in 0..2000 {
        emu.push_fault(Fault::Status(503), When::Before, Some(SCHEDULES));
        emu.push_fault(Fault::Status(503), When::Before, Some(BACKUPS));
    }
    let (mut app, exec) = app_for(&emu);
    let cmds = app.init();
    drive(&mut app, &exec, cmds).await;
    assert_eq!(all_reads(&emu), 100, "every server's first tries");
    assert!(app.fleet.queue.braked());
    let s = screen(&app);
    assert!(
        s.contains("Reads keep failing; retrying only the selected server. r retries all."),
        "{s}"
    );

    // A minute of the app's clock: only the selected server's reads are tried again, at 2 s,
    // 8 s and 30 s (without the brake: 300 retries).
    for _ in 0..60 {
        let cmds = tick_after(&mut app, 1);
        drive(&mut app, &exec, cmds).await;
    }
    assert_eq!(all_reads(&emu), 106, "100 first tries and 2 x 3 retries");
    assert_eq!(reads(&emu, SCHEDULES, FIRST), 4);
    assert_eq!(reads(&emu, BACKUPS, FIRST), 4);
    assert_eq!(reads(&emu, SCHEDULES, FIRST + 1), 1);
    assert!(
        !app.fleet.queue.retrying(),
        "the held reads wait for a key or an answer, not the clock"
    );

    // Selecting another server retries its reads (the others still wait).
    let cmds = press(&mut app, [key(KeyCode::Down)]);
    drive(&mut app, &exec, cmds).await;
    let cmds = tick_after(&mut app, 1);
    drive(&mut app, &exec, cmds).await;
    assert_eq!(reads(&emu, SCHEDULES, FIRST + 1), 2);
    assert_eq!(all_reads(&emu), 108);

    // r retries all.
    let cmds = press(&mut app, [ch('r')]);
    assert!(!app.fleet.queue.braked(), "r releases the brake");
    drive(&mut app, &exec, cmds).await;
    assert!(all_reads(&emu) >= 208, "{}", all_reads(&emu));
    assert_eq!(reads(&emu, SCHEDULES, FIRST + 30), 2);
    assert!(app.fleet.queue.braked(), "failing everywhere again");

    // The API recovers: the selected server's retry succeeds, and the others follow.
    emu.with(|w| w.faults.queue.clear());
    let before = all_reads(&emu);
    let cmds = tick_after(&mut app, 2);
    drive(&mut app, &exec, cmds).await;
    assert!(!app.fleet.queue.braked(), "a success releases the brake");
    let cmds = tick_after(&mut app, 1);
    drive(&mut app, &exec, cmds).await;
    assert!(
        all_reads(&emu) >= before + 100,
        "every failed read went again: {}",
        all_reads(&emu) - before
    );
    assert!(app.fleet.schedules_of(FIRST + 30).is_some());
}
