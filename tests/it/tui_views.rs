//! The views and the plan screen as a power user meets them: every list scrolls by what it
//! shows (at 80x24 the last run, the oldest journal entry and the help's last line are
//! reachable), the views lead somewhere (Enter in the upcoming view, restore from the journal,
//! the backups view), Esc on the plan goes back to the form, Ctrl+C during a bulk apply asks,
//! and the columns that matter are never cut.

use crate::common;

use bsched::api::ApiError;
use bsched::domain::{Instance, ScheduleList, Weekdays};
use bsched::journal::Entry;
use bsched::ops::Restored;
use bsched::tui::app::{App, Pane};
use bsched::tui::layers::backups::BackupsView;
use bsched::tui::layers::form::Form;
use bsched::tui::layers::help::Help;
use bsched::tui::layers::journal::JournalView;
use bsched::tui::layers::plan::{PlanScreen, RowState};
use bsched::tui::layers::upcoming::UpcomingView;
use bsched::tui::msg::{Cmd, Msg};
use bsched::tui::ui::{self, Theme};
use common::tui::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn screen(app: &mut App, w: u16, h: u16) -> String {
    app.update(Msg::Resize {
        width: w,
        height: h,
    });
    app.prepare();
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| app.draw(Theme::new(true), f)).unwrap();
    t.backend().to_string()
}

fn sized(app: &mut App, w: u16, h: u16) {
    app.update(Msg::Resize {
        width: w,
        height: h,
    });
}

fn ctrl_c() -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL))
}

/// Answers loads like `answer`, but with these servers and `schedules` for them.
fn answer_with(
    app: &mut App,
    cmds: Vec<Cmd>,
    servers: &[Instance],
    schedules: &dyn Fn(u64) -> ScheduleList,
) -> Vec<Cmd> {
    let mut rest = Vec::new();
    let mut queue = cmds;
    while let Some(cmd) = queue.pop() {
        match cmd {
            Cmd::LoadInstances { req } => queue.extend(app.update(Msg::Instances {
                req,
                result: Ok(servers.to_vec()),
            })),
            Cmd::LoadSchedules { instance, req } => queue.extend(app.update(Msg::Schedules {
                instance,
                req,
                result: Ok(schedules(instance)),
            })),
            Cmd::LoadBackups { instance, req } => queue.extend(app.update(Msg::Backups {
                instance,
                req,
                result: Ok(backups_of(instance)),
            })),
            other => rest.push(other),
        }
    }
    rest
}

/// The canned fleet, with four more daily schedules on `staging`: 47 runs in the week.
fn busy_week() -> App {
    let mut app = App::new(
        bsched::tui::app::Session::new("demo@bsched.test", "127.0.0.1:8765"),
        Default::default(),
    );
    app.now = test_now();
    app.session.zones = test_zones();
    let cmds = app.init();
    let staging = |id| match id {
        5 => ScheduleList {
            schedules: ["00:10", "06:10", "12:10", "18:10"]
                .iter()
                .enumerate()
                .map(|(i, t)| sched(400 + i as u64, 5, &format!("daily-{i}"), Weekdays::ALL, t))
                .collect(),
            backup_rotation: Some(5),
        },
        id => schedules_of(id),
    };
    assert!(answer_with(&mut app, cmds, &servers(), &staging).is_empty());
    app
}

fn upcoming(app: &App) -> &UpcomingView {
    app.layers.get::<UpcomingView>().expect("the upcoming view")
}

#[test]
fn the_upcoming_view_pages_by_what_it_shows_and_reaches_its_last_run_at_80x24() {
    let mut app = busy_week();
    sized(&mut app, 80, 24);
    press(&mut app, [ch('t')]);
    let n = upcoming(&app).data.rows.len();
    assert_eq!(n, 47);
    let first = screen(&mut app, 80, 24);
    assert!(first.contains(" 1-5 of 47 "), "{first}");
    // At 80x24 the heat map leaves five rows: a page is five, not ten.
    let shown = ui::upcoming::rows_shown(&app);
    assert_eq!(shown, 5);
    press(&mut app, [key(KeyCode::PageDown)]);
    assert_eq!(upcoming(&app).pos.sel, 5);
    press(
        &mut app,
        [key(KeyCode::PageUp), ch('j'), key(KeyCode::Down)],
    );
    assert_eq!(upcoming(&app).pos.sel, 2);
    // PgDn all the way: the last run is on screen and marked so.
    for _ in 0..20 {
        press(&mut app, [key(KeyCode::PageDown)]);
    }
    assert_eq!(upcoming(&app).pos.sel, n - 1);
    let last = screen(&mut app, 80, 24);
    assert!(last.contains(" 43-47 of 47 "), "{last}");
    let last_run = &upcoming(&app).data.rows[n - 1];
    let stamp = bsched::domain::timing::local_stamp(&app.session.zones.local, last_run.at);
    assert!(
        last.contains(&stamp),
        "the last run ({stamp}) shows:\n{last}"
    );
    // g and G jump; a taller screen pages by more.
    press(&mut app, [ch('g')]);
    assert_eq!(upcoming(&app).pos.sel, 0);
    press(&mut app, [ch('G')]);
    assert_eq!(upcoming(&app).pos.sel, n - 1);
    sized(&mut app, 120, 50);
    press(&mut app, [ch('g'), key(KeyCode::PageDown)]);
    assert_eq!(upcoming(&app).pos.sel, ui::upcoming::rows_shown(&app));
    assert!(ui::upcoming::rows_shown(&app) > 20);
}

#[test]
fn the_upcoming_selection_stays_in_range_when_the_runs_change() {
    let mut app = busy_week();
    press(&mut app, [ch('t'), ch('G')]);
    assert_eq!(upcoming(&app).pos.sel, 46);
    // staging loses its schedules while the view is open (an automatic refresh).
    let cmds = app.update(Msg::AutoRefresh);
    let none = |id| match id {
        5 => ScheduleList {
            schedules: vec![],
            backup_rotation: None,
        },
        id => schedules_of(id),
    };
    let mut cmds = answer_with(&mut app, cmds, &servers(), &none);
    // The servers on screen are read again too.
    cmds.extend(app.update(Msg::Tick));
    answer_with(&mut app, cmds, &servers(), &none);
    let text = screen(&mut app, 80, 24);
    let view = upcoming(&app);
    assert_eq!(view.data.rows.len(), 19, "{text}");
    assert!(view.pos.sel < 19);
    assert!(text.contains(" of 19 "), "{text}");
}

#[test]
fn enter_in_the_upcoming_view_goes_to_that_server_and_schedule() {
    let mut app = loaded();
    press(&mut app, [ch('t')]);
    let row = upcoming(&app).data.rows[1].clone();
    assert_eq!(
        (row.server.as_str(), row.schedule.as_str()),
        ("db-primary", "weekend full")
    );
    press(&mut app, [ch('j'), key(KeyCode::Enter)]);
    assert!(
        !app.layers.is_open::<UpcomingView>(),
        "Enter closes the view"
    );
    assert_eq!(app.selected_server().unwrap().name, "db-primary");
    assert_eq!(app.selected_schedule().unwrap().name, "weekend full");
    assert_eq!(app.panes.pane, Pane::Schedules);
}

#[test]
fn enter_on_a_server_the_filter_hides_now_clears_the_filter_and_says_so() {
    let mut app = loaded();
    press(&mut app, [ch('t')]);
    // A refresh with a filter that hides db-primary lands before the view is drawn again.
    app.fleet.filter = "web".into();
    let cmds = app.update(Msg::AutoRefresh);
    answer(&mut app, cmds);
    assert_eq!(app.fleet.visible.len(), 1);
    press(&mut app, [ch('j'), key(KeyCode::Enter)]);
    assert!(app.fleet.filter.is_empty(), "the filter is cleared");
    assert_eq!(app.selected_server().unwrap().name, "db-primary");
    let notice = app.notice.as_ref().unwrap();
    assert!(notice.text.contains("filter hid db-primary"), "{notice:?}");
}

fn entry(json: serde_json::Value) -> Entry {
    serde_json::from_value(json).expect("an entry")
}

/// 60 journal entries: creates, then (oldest, entry 1) a delete of web-1's 'nightly'.
fn journal() -> Vec<Entry> {
    let mut list = vec![entry(serde_json::json!({
        "id": 1, "time": "2026-11-20T10:00:00Z", "profile": "default", "action": "delete",
        "instance_id": 1, "server": "web-1",
        "before": {"id": 301, "name": "nightly", "days": ["mon","tue","wed","thu","fri"], "time": "02:01"},
        "outcome": "done"
    }))];
    for id in 2..=60 {
        list.push(entry(serde_json::json!({
            "id": id, "time": "2026-11-21T10:00:00Z", "profile": "default", "action": "create",
            "instance_id": 2, "server": "db-primary",
            "after": {"id": 500 + id, "name": format!("extra-{id}"), "days": ["sat"], "time": "04:00"},
            "outcome": "done"
        })));
    }
    list
}

fn journal_view(app: &App) -> &JournalView {
    app.layers.get::<JournalView>().expect("the journal view")
}

#[test]
fn the_journal_scrolls_to_its_oldest_entry_at_80x24() {
    let mut app = loaded();
    sized(&mut app, 80, 24);
    press(&mut app, [ch('L')]);
    app.update(Msg::JournalRead {
        result: Ok(journal()),
    });
    let top = screen(&mut app, 80, 24);
    assert!(top.contains("extra-60"), "newest first:\n{top}");
    assert!(!top.contains("'nightly'"), "{top}");
    let shown = ui::journal::rows_shown(&app);
    press(&mut app, [key(KeyCode::PageDown)]);
    assert_eq!(journal_view(&app).pos.sel, shown, "a page is what shows");
    press(&mut app, [ch('G')]);
    let bottom = screen(&mut app, 80, 24);
    assert_eq!(journal_view(&app).selected().unwrap().id, 1);
    assert!(bottom.contains("delete 'nightly'"), "{bottom}");
    assert!(bottom.contains(" of 60 "), "{bottom}");
}

#[test]
fn a_delete_in_the_journal_is_restored_after_a_yes_and_only_once() {
    let mut app = loaded();
    press(&mut app, [ch('L')]);
    app.update(Msg::JournalRead {
        result: Ok(journal()),
    });
    // A create is not a delete: said, nothing asked.
    assert!(press(&mut app, [key(KeyCode::Enter)]).is_empty());
    assert!(journal_view(&app).confirm.is_none());
    assert!(app.notice.as_ref().unwrap().text.contains("not a delete"));
    // The oldest entry is the delete: Enter asks, n sends nothing.
    press(&mut app, [ch('G')]);
    assert!(press(&mut app, [key(KeyCode::Enter)]).is_empty());
    let asked = screen(&mut app, 100, 30);
    assert!(asked.contains("Restore 'nightly'"), "{asked}");
    assert!(press(&mut app, [ch('n')]).is_empty());
    assert!(journal_view(&app).confirm.is_none());
    // Enter, y: the restore of entry 1, with the whole schedule.
    let cmds = press(&mut app, [key(KeyCode::Enter), ch('y')]);
    let [
        Cmd::RestoreEntry {
            entry: asked_for,
            instance,
            spec,
            ..
        },
    ] = cmds.as_slice()
    else {
        panic!("one restore: {cmds:?}")
    };
    assert_eq!((*asked_for, *instance), (1, 1));
    assert_eq!(spec.name().as_str(), "nightly");
    assert_eq!(spec.days(), Weekdays::WORKDAYS);
    // While it runs, Enter asks nothing more.
    assert!(press(&mut app, [key(KeyCode::Enter)]).is_empty());
    // The server had it already: nothing was sent, and the view says so and reads the
    // journal again.
    let there = sched(301, 1, "nightly", Weekdays::WORKDAYS, "02:01");
    let cmds = app.update(Msg::EntryRestored {
        entry: 1,
        instance: 1,
        server: "web-1".into(),
        result: Ok(Restored::AlreadyThere(there)),
    });
    assert_eq!(cmds, vec![Cmd::LoadJournal]);
    let notice = app.notice.clone().unwrap();
    assert!(
        notice.text.contains("already on web-1") && notice.text.contains("nothing was sent"),
        "{notice:?}"
    );
    // Once the journal records a create restoring it, Enter says so and sends nothing.
    let mut entries = journal();
    entries.push(entry(serde_json::json!({
        "id": 61, "time": "2026-11-27T10:00:00Z", "profile": "default", "action": "create",
        "instance_id": 1, "server": "web-1", "restores": 1,
        "after": {"id": 777, "name": "nightly", "days": ["mon","tue","wed","thu","fri"], "time": "02:01"},
        "outcome": "done"
    })));
    app.update(Msg::JournalRead {
        result: Ok(entries),
    });
    assert_eq!(
        journal_view(&app).selected().unwrap().id,
        1,
        "the selection stays on its entry"
    );
    assert!(press(&mut app, [key(KeyCode::Enter)]).is_empty());
    assert!(journal_view(&app).confirm.is_none());
    let notice = app.notice.clone().unwrap();
    assert!(
        notice.text.contains("restored already by entry 61"),
        "{notice:?}"
    );
}

#[test]
fn a_restore_that_creates_shows_the_schedule_and_a_failure_says_why() {
    let mut app = loaded();
    press(&mut app, [ch('L')]);
    app.update(Msg::JournalRead {
        result: Ok(journal()),
    });
    press(&mut app, [ch('G'), key(KeyCode::Enter), ch('y')]);
    app.update(Msg::EntryRestored {
        entry: 1,
        instance: 1,
        server: "web-1".into(),
        result: Err(ApiError::Timeout(30)),
    });
    assert!(app.notice.as_ref().unwrap().error);
    assert!(app.notice.as_ref().unwrap().text.contains("Restore failed"));
    press(&mut app, [key(KeyCode::Enter), ch('y')]);
    let back = sched(888, 1, "nightly", Weekdays::WORKDAYS, "02:01");
    app.update(Msg::EntryRestored {
        entry: 1,
        instance: 1,
        server: "web-1".into(),
        result: Ok(Restored::Created(back)),
    });
    assert!(
        app.notice
            .as_ref()
            .unwrap()
            .text
            .contains("Restored 'nightly' on web-1 as schedule 888")
    );
    let listed = app.fleet.schedules_of(1).unwrap();
    assert!(listed.schedules.iter().any(|s| s.id == 888));
}

#[test]
fn the_help_scrolls_to_its_last_line_at_80x24() {
    let mut app = loaded();
    sized(&mut app, 80, 24);
    press(&mut app, [ch('?')]);
    let top = screen(&mut app, 80, 24);
    assert!(!top.contains("toggle a form day"), "{top}");
    assert!(top.contains(" of "), "a position mark: {top}");
    press(&mut app, [ch('G')]);
    let bottom = screen(&mut app, 80, 24);
    assert!(bottom.contains("toggle a form day"), "{bottom}");
    assert!(app.layers.get::<Help>().unwrap().pos.offset > 0);
    press(&mut app, [ch('k'), ch('g')]);
    assert_eq!(app.layers.get::<Help>().unwrap().pos.offset, 0);
}

#[test]
fn the_panes_page_by_their_visible_height() {
    let many: Vec<Instance> = (1..=60)
        .map(|i| server(i, &format!("srv-{i:02}")))
        .collect();
    let mut app = App::new(
        bsched::tui::app::Session::new("demo@bsched.test", "127.0.0.1:8765"),
        Default::default(),
    );
    app.now = test_now();
    app.session.zones = test_zones();
    let cmds = app.init();
    answer_with(&mut app, cmds, &many, &schedules_of);
    sized(&mut app, 80, 24);
    press(&mut app, [key(KeyCode::PageDown)]);
    // 24 rows: header, status, footer, two borders and the table's header leave 18.
    assert_eq!(app.panes.server_sel, 18);
    sized(&mut app, 100, 40);
    press(&mut app, [key(KeyCode::PageDown)]);
    assert_eq!(app.panes.server_sel, 18 + 34);
    press(&mut app, [key(KeyCode::PageUp)]);
    assert_eq!(app.panes.server_sel, 18);
}

/// A bulk form for every server, typed: 'nightly', Mon-Fri, 02:00.
fn bulk_form(app: &mut App) {
    press(app, [ch('*'), ch('A')]);
    press(app, typed("nightly"));
    press(app, [key(KeyCode::Tab), ch('w'), key(KeyCode::Tab)]);
    press(app, typed("0200"));
}

#[test]
fn esc_on_the_plan_goes_back_to_the_form_as_typed() {
    let mut app = loaded();
    bulk_form(&mut app);
    let typed = app.layers.get::<Form>().unwrap().validate().unwrap();
    press(&mut app, [key(KeyCode::Enter)]);
    assert!(app.layers.is_open::<PlanScreen>());
    assert!(
        press(&mut app, [key(KeyCode::Esc)]).is_empty(),
        "nothing sent"
    );
    assert!(!app.layers.is_open::<PlanScreen>());
    let form = app.layers.get::<Form>().expect("back in the form");
    assert!(form.is_bulk());
    assert_eq!(form.validate().unwrap(), typed, "with what was typed");
    // Adjust (every day instead of Mon-Fri), look again: the new plan has it.
    press(&mut app, [key(KeyCode::BackTab), ch('a')]);
    assert_eq!(
        app.layers.get::<Form>().unwrap().validate().unwrap().days(),
        Weekdays::ALL
    );
    press(&mut app, [key(KeyCode::Enter)]);
    let plan = app.layers.get::<PlanScreen>().expect("the plan again");
    assert!(plan.rows.iter().all(|r| r.spec.days() == Weekdays::ALL));
    // Esc on the form then leaves it.
    press(&mut app, [key(KeyCode::Esc), key(KeyCode::Esc)]);
    assert!(app.layers.is_empty());
}

#[test]
fn ctrl_c_during_a_bulk_apply_asks_first() {
    let mut app = loaded();
    bulk_form(&mut app);
    press(&mut app, [key(KeyCode::Enter)]);
    let sent = press(&mut app, [key(KeyCode::Enter)]);
    assert!(sent.iter().any(|c| matches!(c, Cmd::ApplyChange { .. })));
    // The first Ctrl+C asks; another key goes on.
    let cmds = press(&mut app, [ctrl_c()]);
    assert!(!cmds.contains(&Cmd::Quit) && !app.quit);
    let asked = screen(&mut app, 100, 30);
    assert!(asked.contains("Ctrl+C again or y quits"), "{asked}");
    press(&mut app, [ch('j')]);
    assert!(!app.quit);
    assert!(!app.layers.get::<PlanScreen>().unwrap().quit_asked);
    // Asked again: y quits.
    press(&mut app, [ctrl_c()]);
    assert!(press(&mut app, [ch('y')]).contains(&Cmd::Quit));
    assert!(app.quit);

    // A second Ctrl+C quits too.
    let mut app = loaded();
    bulk_form(&mut app);
    press(&mut app, [key(KeyCode::Enter), key(KeyCode::Enter)]);
    assert!(!press(&mut app, [ctrl_c()]).contains(&Cmd::Quit));
    assert!(press(&mut app, [ctrl_c()]).contains(&Cmd::Quit));

    // Once every change has its result, Ctrl+C quits at once.
    let mut app = loaded();
    bulk_form(&mut app);
    press(&mut app, [key(KeyCode::Enter), key(KeyCode::Enter)]);
    let plan = app.layers.get::<PlanScreen>().unwrap();
    let (batch, n) = (plan.batch, plan.rows.len());
    for index in 0..n {
        app.update(Msg::Applied {
            batch,
            index,
            result: Ok(()),
        });
    }
    assert!(press(&mut app, [ctrl_c()]).contains(&Cmd::Quit));
}

#[test]
fn the_plan_never_cuts_its_result_the_server_name_gives_way() {
    let mut app = loaded();
    bulk_form(&mut app);
    press(&mut app, [key(KeyCode::Enter), key(KeyCode::Enter)]);
    let plan = app.layers.get::<PlanScreen>().unwrap();
    let (batch, n) = (plan.batch, plan.rows.len());
    for index in 0..n {
        app.update(Msg::Applied {
            batch,
            index,
            result: Err(ApiError::Timeout(30)),
        });
    }
    let why = match &app.layers.get::<PlanScreen>().unwrap().rows[3].state {
        RowState::Failed(why) => why.clone(),
        other => panic!("failed: {other:?}"),
    };
    let text = screen(&mut app, 80, 24);
    assert!(text.contains(&format!("✗ {why}")), "{why} in full:\n{text}");
    assert!(text.contains("analytics"), "the long name, cut: {text}");
    assert!(!text.contains("unreasonably-long"), "{text}");
}

#[test]
fn the_journal_never_cuts_the_time_or_the_outcome() {
    let mut app = loaded();
    press(&mut app, [ch('L')]);
    let long =
        "analytics-warehouse-eu-west-production-cluster-node-with-an-unreasonably-long-hostname-01";
    app.update(Msg::JournalRead {
        result: Ok(vec![entry(serde_json::json!({
            "id": 7, "time": "2026-11-21T10:00:00Z", "profile": "default", "action": "create",
            "instance_id": 4, "server": long,
            "after": {"name": "nightly", "days": ["sat"], "time": "04:00"},
            "outcome": "unknown"
        }))]),
    });
    let text = screen(&mut app, 80, 24);
    let row = text
        .lines()
        .find(|l| l.contains("create 'nightly'"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(row.contains("Sat 21 Nov 10:00"), "{row}");
    assert!(row.contains("unknown"), "{row}");
    assert!(row.contains("analytics"), "{row}");
}

#[test]
fn the_backups_view_lists_newest_first_and_marks_the_scheduled_ones() {
    let mut app = loaded();
    assert!(press(&mut app, [ch('b')]).is_empty(), "loaded already");
    let view = app.layers.get::<BackupsView>().expect("the backups view");
    assert_eq!(view.instance, 1);
    let text = screen(&mut app, 100, 30);
    let auto = text.find("901").expect("the scheduled one");
    let manual = text.find("902").expect("the manual one");
    assert!(auto < manual, "newest first:\n{text}");
    assert!(text.contains("● scheduled"), "{text}");
    assert!(text.contains("manual"), "{text}");
    assert!(text.contains(" 1-2 of 2 "), "{text}");
    press(&mut app, [ch('b')]);
    assert!(!app.layers.is_open::<BackupsView>(), "b closes it too");

    // Not read yet: opening reads them.
    let mut app = App::new(
        bsched::tui::app::Session::new("demo@bsched.test", "127.0.0.1:8765"),
        Default::default(),
    );
    app.now = test_now();
    let cmds = app.init();
    let [Cmd::LoadInstances { req }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    app.update(Msg::Instances {
        req: *req,
        result: Ok(servers()),
    });
    // Everything the loads asked for is answered with an error, so nothing is on hand.
    let cmds = press(&mut app, [ch('j'), ch('b')]);
    let text = screen(&mut app, 100, 30);
    assert!(
        text.contains("reading"),
        "a spinner while they load:\n{text}"
    );
    let loads: Vec<&Cmd> = cmds
        .iter()
        .filter(|c| matches!(c, Cmd::LoadBackups { instance: 2, .. }))
        .collect();
    let pending = app.fleet.queue.pending(2, bsched::tui::app::Kind::Backups);
    assert!(
        !loads.is_empty() || pending,
        "db-primary's backups are asked for"
    );
}

#[test]
fn snapshots_of_the_views_scrolled() {
    let mut app = busy_week();
    press(&mut app, [ch('t'), ch('G')]);
    insta::assert_snapshot!("upcoming_last_run_80x24", screen(&mut app, 80, 24));

    let mut app = loaded();
    press(&mut app, [ch('L')]);
    let mut entries = journal();
    entries.push(entry(serde_json::json!({
        "id": 61, "time": "2026-11-27T09:00:00Z", "profile": "default", "action": "edit",
        "instance_id": 4,
        "server": "analytics-warehouse-eu-west-production-cluster-node-with-an-unreasonably-long-hostname-01",
        "before": {"id": 9, "name": "nightly", "days": ["sat"], "time": "04:00"},
        "after": {"id": 9, "name": "nightly", "days": ["sat"], "time": "05:00"},
        "outcome": "failed", "error": "the request timed out after 30 s; nothing was changed"
    })));
    app.update(Msg::JournalRead {
        result: Ok(entries),
    });
    insta::assert_snapshot!("journal_newest_80x24", screen(&mut app, 80, 24));
    press(&mut app, [ch('G'), key(KeyCode::Enter)]);
    insta::assert_snapshot!("journal_restore_question_80x24", screen(&mut app, 80, 24));

    let mut app = loaded();
    press(&mut app, [ch('b')]);
    insta::assert_snapshot!("backups_80x24", screen(&mut app, 80, 24));

    let mut app = loaded();
    bulk_form(&mut app);
    press(&mut app, [key(KeyCode::Enter), key(KeyCode::Enter)]);
    let plan = app.layers.get::<PlanScreen>().unwrap();
    let batch = plan.batch;
    for index in 0..plan.rows.len() {
        let result = match index {
            1 => Err(ApiError::Timeout(30)),
            _ => Ok(()),
        };
        app.update(Msg::Applied {
            batch,
            index,
            result,
        });
    }
    insta::assert_snapshot!("plan_results_80x24", screen(&mut app, 80, 24));
}

/// The selected server's schedules on the emulator.
fn on_emulator(emu: &bsched::emulator::Emulator, instance: u64) -> Vec<String> {
    emu.with(|w| {
        w.data
            .schedules
            .iter()
            .filter(|s| s.instance_id == instance)
            .map(|s| s.name.clone())
            .collect()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restoring_from_the_journal_view_against_the_emulator_is_idempotent() {
    let emu = bsched::emulator::Emulator::start(Default::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let journal = bsched::journal::Journal::at(dir.path().join("journal.jsonl"), "default");
    let client = common::client(&emu);
    let ctx = bsched::tui::worker::Executor::new(Some(client.clone()), Some(journal));
    let mut app = App::new(
        bsched::tui::app::Session::for_client(&client, "demo"),
        Default::default(),
    );
    app.now = test_now();
    app.session.zones = test_zones();
    let cmds = app.init();
    drive(&mut app, &ctx, cmds).await;
    // The first server with a schedule.
    while app.current_schedules().is_empty() {
        press(&mut app, [ch('j')]);
    }
    let instance = app.selected_server().unwrap().id;
    let name = app.selected_schedule().unwrap().name.clone();
    let before = on_emulator(&emu, instance);
    assert!(before.contains(&name));

    // Delete it in the TUI, then restore it from the journal view.
    let cmds = press(&mut app, [key(KeyCode::Tab), ch('d'), ch('y')]);
    drive(&mut app, &ctx, cmds).await;
    assert!(!on_emulator(&emu, instance).contains(&name));
    let cmds = press(&mut app, [ch('L')]);
    drive(&mut app, &ctx, cmds).await;
    let delete = journal_view(&app).selected().unwrap().clone();
    assert_eq!(delete.action, bsched::journal::Action::Delete);
    let cmds = press(&mut app, [key(KeyCode::Enter), ch('y')]);
    assert_eq!(cmds.len(), 1, "{cmds:?}");
    drive(&mut app, &ctx, cmds).await;
    assert_eq!(on_emulator(&emu, instance).len(), before.len());
    assert!(on_emulator(&emu, instance).contains(&name));
    let notice = app.notice.clone().unwrap();
    assert!(notice.text.starts_with("Restored"), "{notice:?}");
    assert!(
        app.current_schedules().iter().any(|s| s.name == name),
        "the panes show it"
    );
    // The journal was read again: the same entry is selected, and a second Enter sends
    // nothing.
    assert_eq!(journal_view(&app).selected().unwrap().id, delete.id);
    assert!(press(&mut app, [key(KeyCode::Enter), ch('y')]).is_empty());
    assert!(
        app.notice
            .as_ref()
            .unwrap()
            .text
            .contains("restored already")
    );

    // Deleted again, then put back by someone else: the restore finds it and sends nothing.
    press(&mut app, [key(KeyCode::Esc)]);
    let kept = emu.with(|w| w.data.schedules.clone());
    let sel = app
        .current_schedules()
        .iter()
        .position(|s| s.name == name)
        .unwrap();
    app.panes.sched_sel = sel;
    let cmds = press(&mut app, [ch('d'), ch('y')]);
    drive(&mut app, &ctx, cmds).await;
    assert!(!on_emulator(&emu, instance).contains(&name));
    emu.with(|w| w.data.schedules = kept);
    let cmds = press(&mut app, [ch('L')]);
    drive(&mut app, &ctx, cmds).await;
    let cmds = press(&mut app, [key(KeyCode::Enter), ch('y')]);
    drive(&mut app, &ctx, cmds).await;
    let notice = app.notice.clone().unwrap();
    assert!(notice.text.contains("nothing was sent"), "{notice:?}");
    assert_eq!(
        on_emulator(&emu, instance)
            .iter()
            .filter(|n| **n == name)
            .count(),
        1,
        "no second copy"
    );
}

#[test]
fn the_views_draw_at_every_size_without_panicking() {
    let mut apps: Vec<App> = Vec::new();
    let mut up = busy_week();
    press(&mut up, [ch('t'), ch('G')]);
    apps.push(up);
    let mut j = loaded();
    press(&mut j, [ch('L')]);
    j.update(Msg::JournalRead {
        result: Ok(journal()),
    });
    press(&mut j, [ch('G'), key(KeyCode::Enter)]);
    apps.push(j);
    let mut b = loaded();
    press(&mut b, [ch('b'), ch('G')]);
    apps.push(b);
    let mut h = loaded();
    press(&mut h, [ch('?'), ch('G')]);
    apps.push(h);
    let mut p = loaded();
    bulk_form(&mut p);
    press(&mut p, [key(KeyCode::Enter), key(KeyCode::Enter), ctrl_c()]);
    apps.push(p);
    for app in &mut apps {
        for (w, h) in [
            (1, 1),
            (20, 5),
            (59, 15),
            (60, 16),
            (61, 17),
            (80, 24),
            (200, 60),
        ] {
            screen(app, w, h);
            // Every navigation key at this size keeps the position in range.
            press(
                app,
                [
                    key(KeyCode::PageDown),
                    key(KeyCode::End),
                    key(KeyCode::PageUp),
                    ch('j'),
                ],
            );
            screen(app, w, h);
        }
    }
}

/// The screen's last line: the footer.
fn footer(app: &mut App, w: u16, h: u16) -> String {
    let text = screen(app, w, h);
    text.lines().last().unwrap_or_default().to_string()
}

#[test]
fn the_footer_shows_the_keys_of_the_topmost_layer() {
    let main_keys = ["n new", "e/Enter edit", "d delete", "? help", "q quit"];
    let mut app = loaded();
    let main = footer(&mut app, 100, 30);
    assert!(main.contains("e/Enter edit"), "the main screen's: {main}");

    press(&mut app, [ch('L')]);
    app.update(Msg::JournalRead {
        result: Ok(journal()),
    });
    let f = footer(&mut app, 100, 30);
    assert!(
        f.contains("↑/↓ move") && f.contains("Enter restore") && f.contains("L/Esc close"),
        "the journal's: {f}"
    );
    assert!(!main_keys.iter().any(|k| f.contains(k)), "{f}");
    // Asked to restore: the question's answers.
    press(&mut app, [ch('G'), key(KeyCode::Enter)]);
    let f = footer(&mut app, 100, 30);
    assert!(f.contains("y restore") && f.contains("n/Esc no"), "{f}");
    // While the restore runs, Enter restores nothing: not offered.
    assert_eq!(press(&mut app, [ch('y')]).len(), 1);
    let f = footer(&mut app, 100, 30);
    assert!(
        !f.contains("restore") && f.contains("L/Esc close"),
        "restoring: {f}"
    );
    press(&mut app, [ch('L')]);

    press(&mut app, [ch('t')]);
    let f = footer(&mut app, 100, 30);
    assert!(
        f.contains("Enter go to") && f.contains("t/Esc close"),
        "the upcoming view's: {f}"
    );
    assert!(!main_keys.iter().any(|k| f.contains(k)), "{f}");
    press(&mut app, [ch('t'), ch('b')]);
    let f = footer(&mut app, 100, 30);
    assert!(
        f.contains("↑/↓ scroll") && f.contains("b/Esc close"),
        "the backups view's: {f}"
    );
    assert!(!f.contains("Enter"), "Enter does nothing there: {f}");
    assert!(!main_keys.iter().any(|k| f.contains(k)), "{f}");
    press(&mut app, [ch('b'), ch('?')]);
    // (At 120x60 the help leaves the footer's row free.)
    let f = footer(&mut app, 120, 60);
    assert!(f.contains("?/Esc close"), "the help's: {f}");
    press(&mut app, [ch('?')]);
    assert_eq!(footer(&mut app, 100, 30), main, "the main screen's again");

    // The plan: apply or back before it starts; nothing but scrolling while it runs; retry
    // and close once done. The form and dialogs show their keys in their own hint line.
    bulk_form(&mut app);
    let f = footer(&mut app, 100, 30);
    assert!(
        f.trim_matches(|c| c == '"' || c == ' ').is_empty(),
        "the form's keys are in the form: {f}"
    );
    press(&mut app, [key(KeyCode::Enter)]);
    let f = footer(&mut app, 100, 30);
    assert!(
        f.contains("Enter/y apply") && f.contains("Esc/n/q back to the form"),
        "{f}"
    );
    press(&mut app, [key(KeyCode::Enter)]);
    let f = footer(&mut app, 100, 30);
    assert!(f.contains("scroll") && !f.contains("apply"), "{f}");
    let plan = app.layers.get::<PlanScreen>().unwrap();
    let (batch, n) = (plan.batch, plan.rows.len());
    for index in 0..n {
        let result = if index == 0 {
            Err(ApiError::Timeout(30))
        } else {
            Ok(())
        };
        app.update(Msg::Applied {
            batch,
            index,
            result,
        });
    }
    let f = footer(&mut app, 100, 30);
    assert!(
        f.contains("r retry failed") && f.contains("Esc/Enter close"),
        "{f}"
    );
}

#[test]
fn a_remapped_open_key_shows_remapped_in_the_footer() {
    let config: std::collections::BTreeMap<String, toml::Value> = toml::from_str(
        r#"
        journal = ["J"]
        [view]
        open = ["o"]
        close = ["esc"]
        "#,
    )
    .expect("toml");
    let km = bsched::tui::keymap::Keymap::new(&config).expect("a keymap");
    let mut app = loaded_with(km);
    press(&mut app, [ch('J')]);
    app.update(Msg::JournalRead {
        result: Ok(journal()),
    });
    insta::assert_snapshot!("remapped_journal_footer_80x24", screen(&mut app, 80, 24));
    let f = footer(&mut app, 80, 24);
    assert!(
        f.contains("o restore") && f.contains("J/Esc close") && !f.contains("Enter"),
        "{f}"
    );
    press(&mut app, [ch('J'), ch('t')]);
    let f = footer(&mut app, 80, 24);
    assert!(f.contains("o go to") && f.contains("t/Esc close"), "{f}");
}

#[test]
fn the_journal_detail_names_the_server_id_once() {
    let mut app = loaded();
    press(&mut app, [ch('L')]);
    app.update(Msg::JournalRead {
        result: Ok(journal()),
    });
    press(&mut app, [ch('G')]);
    let text = screen(&mut app, 80, 24);
    assert!(
        text.contains("· default · web-1 (1) "),
        "the server and its id:\n{text}"
    );
    assert!(!text.contains("(1) (1)"), "the id once:\n{text}");
}

#[test]
fn closing_the_plan_while_it_is_applied_says_why_not_and_how_to_stop() {
    let mut app = loaded();
    bulk_form(&mut app);
    press(&mut app, [key(KeyCode::Enter), key(KeyCode::Enter)]);
    let plan = app.layers.get::<PlanScreen>().unwrap();
    assert!(plan.started && !plan.finished(), "being applied");
    for k in [key(KeyCode::Esc), ch('q'), ch('n'), key(KeyCode::Enter)] {
        app.notice = None;
        assert!(press(&mut app, [k]).is_empty(), "nothing sent");
        assert!(app.layers.is_open::<PlanScreen>(), "it stays open");
        let notice = app.notice.clone().expect("a sentence");
        assert!(
            notice.text.contains("being applied") && notice.text.contains("Ctrl+C asks to quit"),
            "{notice:?}"
        );
    }
    let text = screen(&mut app, 100, 30);
    assert!(text.contains("The plan is being applied"), "{text}");
    assert!(!app.quit);
}
