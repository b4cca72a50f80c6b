//! Fleet operations in the TUI: key replays of marking, bulk apply, copy, undo, the journal
//! and profile switching, and a bulk apply to 100 servers run against the emulator through
//! the real command executor.

use crate::common;

use bsched::api::ApiError;
use bsched::domain::Weekdays;
use bsched::domain::plan::Change;
use bsched::emulator::{Fault, Options, Seed, When};
use bsched::journal::Journal;
use bsched::tui::app::{App, Pane};
use bsched::tui::layers::plan::RowState;
use bsched::tui::msg::{Cmd, Msg};
use bsched::tui::worker::Executor;
use common::tui::*;
use crossterm::event::KeyCode;

#[test]
fn marking_and_bulk_apply_with_a_stagger() {
    let mut app = loaded();
    // Space marks and moves on; * marks every server shown, again unmarks them.
    press(&mut app, [ch(' ')]);
    assert_eq!(
        app.fleet.marked.iter().copied().collect::<Vec<_>>(),
        vec![1]
    );
    assert_eq!(app.panes.server_sel, 1, "marking moves to the next row");
    press(&mut app, [ch('*')]);
    assert_eq!(app.fleet.marked.len(), 5);
    press(&mut app, [ch('*')]);
    assert!(app.fleet.marked.is_empty());
    // Nothing marked: A explains instead of opening anything.
    press(&mut app, [ch('A')]);
    assert!(!app.layers.is_open::<bsched::tui::layers::form::Form>());
    assert!(
        app.notice
            .as_ref()
            .unwrap()
            .text
            .contains("Mark servers first")
    );

    press(&mut app, [key(KeyCode::Home), ch(' '), ch(' '), ch(' ')]);
    press(&mut app, [ch('A')]);
    let form = app
        .layers
        .get::<bsched::tui::layers::form::Form>()
        .expect("the bulk form");
    assert_eq!(form.targets.len(), 3);
    press(&mut app, typed("nightly"));
    press(&mut app, [key(KeyCode::Tab), ch('w'), key(KeyCode::Tab)]);
    press(&mut app, typed("0200"));
    press(&mut app, [key(KeyCode::Tab)]);
    // A window that ends where it starts is refused in the form (one that ends earlier on
    // the clock crosses midnight).
    press(&mut app, typed("0200"));
    assert!(press(&mut app, [key(KeyCode::Enter)]).is_empty());
    assert!(
        app.layers
            .get::<bsched::tui::layers::form::Form>()
            .unwrap()
            .error
            .as_deref()
            .unwrap()
            .contains("stagger window")
    );
    press(&mut app, typed("0300"));
    assert!(
        press(&mut app, [key(KeyCode::Enter)]).is_empty(),
        "nothing is sent before the plan is read"
    );
    let plan = app
        .layers
        .get::<bsched::tui::layers::plan::PlanScreen>()
        .expect("the plan screen");
    let rows: Vec<(u64, String)> = plan
        .rows
        .iter()
        .map(|r| (r.instance, format!("{} {}", r.change.verb(), r.spec.time())))
        .collect();
    // web-1 has 'nightly' at 02:01: replaced; the others get it created. 60 min over 3 servers.
    assert_eq!(
        rows,
        vec![
            (1, "update 02:00".to_string()),
            (2, "create 02:20".to_string()),
            (3, "create 02:40".to_string()),
        ]
    );
    let cmds = press(&mut app, [ch('y')]);
    assert_eq!(cmds.len(), 3);
    assert!(app.busy());
    let answers = [Ok(()), Err(ApiError::Status(503)), Ok(())];
    for (cmd, result) in cmds.into_iter().zip(answers) {
        let Cmd::ApplyChange { batch, index, .. } = cmd else {
            panic!("{cmd:?}")
        };
        app.update(Msg::Applied {
            batch,
            index,
            result,
        });
    }
    let plan = app
        .layers
        .get::<bsched::tui::layers::plan::PlanScreen>()
        .unwrap();
    assert!(plan.finished());
    assert_eq!(plan.progress(), (2, 1, 0));
    assert!(matches!(plan.rows[1].state, RowState::Failed(ref e) if e.contains("503")));
    assert!(
        app.notice
            .as_ref()
            .unwrap()
            .text
            .contains("1 of 3 changes failed")
    );

    // r lists the failed server again before anything is re-sent.
    let cmds = press(&mut app, [ch('r')]);
    let [Cmd::LoadSchedules { instance: 2, req }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(
        app.layers
            .get::<bsched::tui::layers::plan::PlanScreen>()
            .unwrap()
            .rows[1]
            .state,
        RowState::Rechecking
    );
    // The listing shows the create did land after all (its answer was lost): nothing re-sent.
    let mut list = schedules_of(2);
    list.schedules
        .push(sched(777, 2, "nightly", Weekdays::WORKDAYS, "02:20"));
    let cmds = app.update(Msg::Schedules {
        instance: 2,
        req: *req,
        result: Ok(list),
    });
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(
        app.layers
            .get::<bsched::tui::layers::plan::PlanScreen>()
            .unwrap()
            .rows[1]
            .state,
        RowState::Done("already applied".into())
    );
    // Closing refreshes the servers it touched and clears the marks.
    let cmds = press(&mut app, [key(KeyCode::Esc)]);
    assert!(
        !app.layers
            .is_open::<bsched::tui::layers::plan::PlanScreen>()
    );
    assert!(app.fleet.marked.is_empty());
    // One listing per server it touched, one at a time, and nothing more (no backups).
    let mut queue = cmds;
    let mut listed = Vec::new();
    while let Some(cmd) = queue.pop() {
        let Cmd::LoadSchedules { instance, req } = cmd else {
            panic!("only schedule listings after a bulk apply: {cmd:?}")
        };
        listed.push(instance);
        let more = app.update(Msg::Schedules {
            instance,
            req,
            result: Ok(schedules_of(instance)),
        });
        assert!(more.len() <= 1, "one load at a time: {more:?}");
        queue.extend(more);
    }
    listed.sort();
    assert_eq!(listed.len(), 3, "{listed:?}");
}

#[test]
fn a_plan_can_be_cancelled_and_copy_uses_the_selected_schedule() {
    let mut app = loaded();
    press(&mut app, [ch('j'), ch(' '), ch(' '), ch(' ')]); // mark db-primary, 3 and 4
    // Copy web-1's nightly to the marked servers.
    press(&mut app, [key(KeyCode::Home), key(KeyCode::Tab)]);
    assert_eq!(app.panes.pane, Pane::Schedules);
    press(&mut app, [ch('c')]);
    let form = app
        .layers
        .get::<bsched::tui::layers::form::Form>()
        .expect("the copy form");
    assert_eq!(form.name, "nightly");
    assert_eq!(form.days, Weekdays::WORKDAYS);
    assert_eq!(form.time.to_string(), "02:01");
    assert_eq!(
        form.targets.iter().map(|t| t.0).collect::<Vec<_>>(),
        vec![2, 3, 4]
    );
    press(&mut app, [key(KeyCode::Enter)]);
    let plan = app
        .layers
        .get::<bsched::tui::layers::plan::PlanScreen>()
        .unwrap();
    assert!(
        plan.rows
            .iter()
            .all(|r| matches!(r.change, Change::Create { .. }))
    );
    assert!(
        plan.rows
            .iter()
            .all(|r| r.spec.time().to_string() == "02:01"),
        "no stagger: same time"
    );
    assert!(
        press(&mut app, [key(KeyCode::Esc)]).is_empty(),
        "cancel sends nothing"
    );
    assert!(
        !app.layers
            .is_open::<bsched::tui::layers::plan::PlanScreen>()
    );
    assert!(
        app.notice
            .as_ref()
            .unwrap()
            .text
            .contains("Nothing was applied")
    );
}

#[test]
fn a_delete_can_be_undone_for_a_while() {
    let mut app = loaded();
    press(&mut app, [key(KeyCode::Tab), ch('d'), ch('y')]);
    app.update(Msg::Deleted {
        instance: 1,
        id: 301,
        result: Ok(()),
    });
    assert!(app.notice.as_ref().unwrap().text.contains("u undoes"));
    let cmds = press(&mut app, [ch('u')]);
    let [
        Cmd::Restore {
            instance: 1,
            spec,
            server,
        },
    ] = cmds.as_slice()
    else {
        panic!("{cmds:?}")
    };
    assert_eq!(server, "web-1");
    assert_eq!(spec.name().as_str(), "nightly");
    assert_eq!(spec.days(), Weekdays::WORKDAYS);
    assert_eq!(spec.time().to_string(), "02:01");
    let restored = sched(402, 1, "nightly", Weekdays::WORKDAYS, "02:01");
    let cmds = app.update(Msg::Restored {
        instance: 1,
        result: Ok(restored),
    });
    assert!(
        app.notice
            .as_ref()
            .unwrap()
            .text
            .contains("is back (schedule 402)")
    );
    assert!(
        cmds.is_empty(),
        "the restore listed the server already: {cmds:?}"
    );
    assert_eq!(
        app.selected_schedule().map(|s| s.id),
        Some(402),
        "the schedule that is back is shown and selected"
    );
    assert!(press(&mut app, [ch('u')]).is_empty(), "one undo per delete");

    // Past the window, u points to the journal instead.
    press(&mut app, [ch('d'), ch('y')]);
    app.update(Msg::Deleted {
        instance: 1,
        id: 402,
        result: Ok(()),
    });
    app.now += jiff::SignedDuration::from_mins(11);
    assert!(press(&mut app, [ch('u')]).is_empty());
    assert!(app.notice.as_ref().unwrap().text.contains("bsched restore"));
}

#[test]
fn the_journal_view_and_profile_switching() {
    let mut app = loaded();
    assert_eq!(press(&mut app, [ch('L')]), vec![Cmd::LoadJournal]);
    assert!(
        app.layers
            .is_open::<bsched::tui::layers::journal::JournalView>()
    );
    app.update(Msg::JournalRead { result: Ok(vec![]) });
    assert_eq!(
        app.layers
            .get::<bsched::tui::layers::journal::JournalView>()
            .unwrap()
            .entries,
        Some(vec![])
    );
    press(&mut app, [key(KeyCode::Esc)]);
    assert!(
        !app.layers
            .is_open::<bsched::tui::layers::journal::JournalView>()
    );

    // One profile: P explains how to add another.
    assert!(press(&mut app, [ch('P')]).is_empty());
    assert!(app.notice.as_ref().unwrap().error);
    app.session.profiles = vec!["default".into(), "work".into()];
    let cmds = press(&mut app, [ch('P')]);
    assert_eq!(
        cmds,
        vec![Cmd::SwitchProfile {
            name: "work".into(),
            from: "default".into(),
        }]
    );
    let url = bsched::api::checked_url("http://127.0.0.1:9/").unwrap();
    let info = bsched::tui::msg::SessionInfo {
        refresh: None,
        ignore: Default::default(),
        cache_key: None,
        cached: None,
        cache_error: None,
        profile: "work".into(),
        account: "ops@example.test".into(),
        host: "127.0.0.1:9".into(),
        zones: test_zones(),
        settings: bsched::api::ClientConfig::new(url),
        needs_code: false,
    };
    press(&mut app, [ch(' ')]);
    let cmds = app.update(Msg::Switched { result: Ok(info) });
    assert!(matches!(cmds.as_slice(), [Cmd::LoadInstances { .. }]));
    assert_eq!(
        (app.session.profile.as_str(), app.session.account.as_str()),
        ("work", "ops@example.test")
    );
    assert!(
        app.fleet.servers().is_empty() && app.fleet.marked.is_empty(),
        "nothing of the old account stays"
    );
    // A late answer of the old account is dropped.
    app.update(Msg::Schedules {
        instance: 1,
        req: 1,
        result: Ok(schedules_of(1)),
    });
    assert!(app.fleet.schedules.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_apply_to_100_servers_staggered_with_failures_and_retry() {
    let emu = bsched::emulator::Emulator::start(Options {
        seed: Seed::Empty,
        ..Default::default()
    })
    .await
    .unwrap();
    emu.with(|w| {
        let template = bsched::emulator::Data::demo().instances[0].clone();
        for n in 0..100u64 {
            w.data.instances.push(bsched::emulator::state::EmuInstance {
                id: 7_000_000 + n,
                servername: format!("node-{n:03}"),
                ..template.clone()
            });
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::at(dir.path().join("journal.jsonl"), "default");
    let client = common::client(&emu);
    let ctx = Executor::new(Some(client.clone()), Some(journal.clone()));
    let mut app = App::new(
        bsched::tui::app::Session::for_client(&client, "demo"),
        Default::default(),
    );
    app.now = test_now();
    app.session.zones = test_zones();
    let cmds = app.init();
    drive(&mut app, &ctx, cmds).await;
    assert_eq!(app.fleet.servers().len(), 100);

    press(&mut app, [ch('*'), ch('A')]);
    press(&mut app, typed("fleet nightly"));
    press(&mut app, [key(KeyCode::Tab), ch('w'), key(KeyCode::Tab)]);
    press(&mut app, typed("0200"));
    press(&mut app, [key(KeyCode::Tab)]);
    press(&mut app, typed("0400"));
    press(&mut app, [key(KeyCode::Enter)]);
    assert_eq!(
        app.layers
            .get::<bsched::tui::layers::plan::PlanScreen>()
            .unwrap()
            .changes(),
        100
    );

    // Five creates are refused before they apply; two apply but their answers are lost.
    for _ in 0..5 {
        emu.push_fault(
            Fault::Status(503),
            When::Before,
            Some("instances.fleio_bckps.schedule.edit"),
        );
    }
    for _ in 0..2 {
        emu.push_fault(
            Fault::Status(502),
            When::After,
            Some("instances.fleio_bckps.schedule.edit"),
        );
    }
    let cmds = press(&mut app, [ch('y')]);
    drive(&mut app, &ctx, cmds).await;
    let plan = app
        .layers
        .get::<bsched::tui::layers::plan::PlanScreen>()
        .unwrap();
    assert!(plan.finished());
    assert_eq!(
        plan.progress(),
        (95, 5, 0),
        "lost answers were reconciled by listing"
    );

    let cmds = press(&mut app, [ch('r')]);
    drive(&mut app, &ctx, cmds).await;
    assert_eq!(
        app.layers
            .get::<bsched::tui::layers::plan::PlanScreen>()
            .unwrap()
            .progress(),
        (100, 0, 0)
    );

    // Exactly one schedule per server, at its deterministic staggered time.
    let stored = emu.with(|w| {
        let mut v: Vec<(u64, String, String)> = w
            .data
            .schedules
            .iter()
            .map(|s| (s.instance_id, s.time.clone(), s.days.clone()))
            .collect();
        v.sort();
        v
    });
    assert_eq!(stored.len(), 100, "no schedule created twice");
    for (i, (id, time, days)) in stored.iter().enumerate() {
        assert_eq!(*id, 7_000_000 + i as u64);
        let minutes = 120 + i * 120 / 100;
        assert_eq!(*time, format!("{:02}:{:02}", minutes / 60, minutes % 60));
        assert_eq!(days, "1,2,3,4,5");
    }
    // Every attempt is in the journal: 100 done and the 5 refused ones as failed (an HTTP 503
    // is a lost answer, but listing again showed nothing was made: not unknown).
    let entries = journal.read().unwrap();
    let count = |o: bsched::journal::Outcome| entries.iter().filter(|e| e.outcome == o).count();
    assert_eq!(
        (
            count(bsched::journal::Outcome::Done),
            count(bsched::journal::Outcome::Failed)
        ),
        (100, 5)
    );
}
