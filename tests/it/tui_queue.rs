//! The TUI's load queue against the emulator, which records the order requests arrive in:
//! the selected server first, a move re-prioritizes at once, nothing is loaded twice, and a
//! change costs the round trips it should.

use crossterm::event::KeyCode;

use crate::common;
use crate::common::tui::{ch, key, press, test_now, test_zones};
use bsched::emulator::{Emulator, Options, Seed};
use bsched::tui::app::App;
use bsched::tui::msg::Cmd;
use bsched::tui::worker::Executor;

const SCHEDULES: &str = "instances.fleio_bckps.schedule";
const BACKUPS: &str = "instances.fleio_bckps";

/// An emulator with `n` servers named node-000…, each with one schedule.
async fn fleet(n: u64) -> Emulator {
    let emu = Emulator::start(Options {
        seed: Seed::Empty,
        ..Default::default()
    })
    .await
    .unwrap();
    emu.with(|w| {
        let demo = bsched::emulator::Data::demo();
        let template = demo.instances[0].clone();
        let sched = demo.schedules[0].clone();
        for i in 0..n {
            let id = 8_000_000 + i;
            w.data.instances.push(bsched::emulator::state::EmuInstance {
                id,
                servername: format!("node-{i:03}"),
                ..template.clone()
            });
            w.data.next_schedule_id += 1;
            w.data.schedules.push(bsched::emulator::state::EmuSchedule {
                id: 9_000_000 + i,
                instance_id: id,
                ..sched.clone()
            });
        }
    });
    emu
}

/// Runs the commands one after another (as the one request at a time of a session does) and
/// returns the commands their answers produced.
async fn step(app: &mut App, exec: &Executor, cmds: Vec<Cmd>) -> Vec<Cmd> {
    let mut next = Vec::new();
    for cmd in cmds {
        if let Some(msg) = exec.execute(cmd).await {
            next.extend(app.update(msg));
        }
    }
    next
}

/// The loads the emulator saw from request `from` on, as (func, elid).
fn loads(emu: &Emulator, from: usize) -> Vec<(String, String)> {
    emu.requests()[from..]
        .iter()
        .filter(|r| r.func == SCHEDULES || r.func == BACKUPS)
        .map(|r| (r.func.clone(), r.elid.clone()))
        .collect()
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_selected_server_goes_first_and_a_move_reorders_the_queue_at_once() {
    let emu = fleet(60).await;
    let (mut app, exec) = app_for(&emu);
    let cmds = app.init();
    let mut cmds = step(&mut app, &exec, cmds).await;
    assert_eq!(app.fleet.servers().len(), 60);
    assert_eq!(cmds.len(), 1, "one load at a time: {cmds:?}");

    // The selected server (the first row), then the rows around it, nearest first.
    for _ in 0..6 {
        cmds = step(&mut app, &exec, cmds).await;
    }
    let id = |i: u64| (8_000_000 + i).to_string();
    assert_eq!(
        loads(&emu, 0),
        vec![
            (SCHEDULES.to_string(), id(0)),
            (BACKUPS.to_string(), id(0)),
            (SCHEDULES.to_string(), id(1)),
            (BACKUPS.to_string(), id(1)),
            (SCHEDULES.to_string(), id(2)),
            (BACKUPS.to_string(), id(2)),
        ]
    );
    let round = app
        .fleet
        .queue
        .round
        .clone()
        .expect("a refresh of the fleet runs");
    assert_eq!((round.servers, round.servers_done), (60, 3));

    // Moving to the last row: its schedules come with the next request, after the one on its
    // way (at most two round trips), then the rows around it.
    for (keys, target) in [(vec![ch('G')], 59u64), (vec![key(KeyCode::Up)], 58)] {
        let mark = emu.requests().len();
        cmds.extend(press(&mut app, keys));
        assert_eq!(
            app.selected_server().map(|s| s.id),
            Some(8_000_000 + target)
        );
        cmds = step(&mut app, &exec, cmds).await;
        cmds = step(&mut app, &exec, cmds).await;
        let seen = loads(&emu, mark);
        assert!(
            seen.iter()
                .take(2)
                .any(|l| *l == (SCHEDULES.to_string(), id(target))),
            "server {target} within two round trips of the move: {seen:?}"
        );
        assert!(
            app.fleet.schedules_fresh(8_000_000 + target),
            "and shown: {:?}",
            app.fleet.schedules.get(&(8_000_000 + target))
        );
    }

    // The rest in the background: each server's lists once, nothing twice, no gap.
    while !cmds.is_empty() {
        assert!(cmds.len() <= 1, "one load at a time: {cmds:?}");
        cmds = step(&mut app, &exec, cmds).await;
    }
    let all = loads(&emu, 0);
    assert_eq!(all.len(), 120, "each server's schedules and backups once");
    let mut unique = all.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 120, "nothing loaded twice");
    assert!(app.fleet.queue.round.is_none(), "the refresh is over");
    assert!(!app.busy());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_and_a_delete_cost_no_listing_afterwards_in_the_tui() {
    let emu = fleet(3).await;
    let (mut app, _) = app_for(&emu);
    let dir = tempfile::tempdir().unwrap();
    let journal = bsched::journal::Journal::at(dir.path().join("journal.jsonl"), "default");
    let exec = Executor::new(Some(common::client(&emu)), Some(journal));
    let mut cmds = app.init();
    while !cmds.is_empty() {
        cmds = step(&mut app, &exec, cmds).await;
    }
    let count = |emu: &Emulator, from: usize| emu.requests().len() - from;

    // Edit the selected server's schedule: the write and one listing that confirms it.
    let mark = emu.requests().len();
    let cmds = press(&mut app, [key(KeyCode::Tab), key(KeyCode::Enter)]);
    assert!(cmds.is_empty());
    let cmds = press(&mut app, [key(KeyCode::Tab), key(KeyCode::Tab), ch('0')]);
    assert!(cmds.is_empty());
    let cmds = press(&mut app, common::tui::typed("315"));
    assert!(cmds.is_empty(), "{cmds:?}");
    let cmds = press(&mut app, [key(KeyCode::Enter)]);
    assert!(matches!(cmds[..], [Cmd::Edit { .. }]), "{cmds:?}");
    let more = step(&mut app, &exec, cmds).await;
    assert!(more.is_empty(), "no listing after the save: {more:?}");
    assert_eq!(count(&emu, mark), 2, "edit: the write and one listing");
    assert_eq!(
        app.selected_schedule().map(|s| s.time.to_string()),
        Some("03:15".to_string())
    );

    // Delete it: the write alone.
    let mark = emu.requests().len();
    let cmds = press(&mut app, [ch('d'), ch('y')]);
    let more = step(&mut app, &exec, cmds).await;
    assert!(more.is_empty(), "{more:?}");
    assert_eq!(count(&emu, mark), 1, "delete: the write alone");
    assert!(app.current_schedules().is_empty());
    assert_eq!(
        emu.with(|w| w
            .data
            .schedules
            .iter()
            .filter(|s| s.instance_id == 8_000_000)
            .count()),
        0
    );
}
