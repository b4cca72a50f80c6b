//! Triage on the main screen, by key replay: the filter's words (`state:`, `dc:`, `status:`),
//! a bad word's sentence, Tab completion, the four-key "show unprotected, mark all, apply",
//! the sort cycle, the profile's ignored servers, and `y` copying an id.

use crate::common;

use bsched::domain::filter::{Ignore, Sort, State};
use bsched::tui::app::{App, Pane};
use bsched::tui::layers::form::Form;
use bsched::tui::msg::{Cmd, Msg};
use bsched::tui::ui::Theme;
use common::tui::*;
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn screen(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| app.draw(Theme::new(true), f)).unwrap();
    t.backend().to_string()
}

/// The names of the servers shown, in order.
fn shown(app: &App) -> Vec<u64> {
    app.fleet.shown().map(|s| s.id).collect()
}

fn filter(app: &mut App, text: &str) {
    press(app, [ch('/')]);
    press(app, typed(text));
    press(app, [key(KeyCode::Enter)]);
}

fn clear(app: &mut App) {
    press(app, [key(KeyCode::Esc)]);
    assert!(app.fleet.filter.is_empty());
}

/// The canned fleet with db-primary in Poland and staging stopped.
fn fleet() -> App {
    let mut app = loaded();
    let list = app.fleet.servers.list.as_mut().unwrap();
    list[1].datacenter = "Poland".into();
    list[4].status = "stopped".into();
    app
}

#[test]
fn the_filter_reads_state_dc_and_status_words_with_text() {
    let mut app = fleet();
    // web-1 and the Cyrillic server are protected, db-primary missed its runs, 4 and
    // staging have no schedule.
    filter(&mut app, "state:unprotected");
    assert_eq!(shown(&app), vec![4, 5]);
    clear(&mut app);
    filter(&mut app, "state:missed");
    assert_eq!(shown(&app), vec![2]);
    clear(&mut app);
    filter(&mut app, "STATE:ok");
    assert_eq!(shown(&app), vec![1, 3]);
    clear(&mut app);
    filter(&mut app, "dc:Poland");
    assert_eq!(shown(&app), vec![2]);
    clear(&mut app);
    filter(&mut app, "status:stopped");
    assert_eq!(shown(&app), vec![5]);
    clear(&mut app);
    // Every word must match; plain text as before.
    filter(&mut app, "state:unprotected stag");
    assert_eq!(shown(&app), vec![5]);
    clear(&mut app);
    filter(&mut app, "web");
    assert_eq!(shown(&app), vec![1]);
    clear(&mut app);
    filter(&mut app, "netherlands state:ok");
    assert_eq!(shown(&app), vec![1, 3]);
}

#[test]
fn an_unknown_word_says_why_in_one_sentence_and_matches_nothing() {
    let mut app = fleet();
    filter(&mut app, "stat:missed");
    assert!(shown(&app).is_empty());
    let notice = app.notice.as_ref().expect("a sentence on the status line");
    assert!(notice.error);
    assert_eq!(
        notice.text,
        "Filter: 'stat:' is not a filter key; use state:, dc:, status:, name:, id: (or drop the colon to search text)."
    );
    // The pane says it too, where the rows would be.
    let s = screen(&app, 120, 30);
    assert!(s.contains("Filter: 'stat:' is not a filter key"), "{s}");
    // Fixing the word takes the sentence away.
    press(&mut app, [ch('/')]);
    press(&mut app, (0..20).map(|_| key(KeyCode::Backspace)));
    press(&mut app, typed("state:missed"));
    press(&mut app, [key(KeyCode::Enter)]);
    assert_eq!(app.fleet.filter, "state:missed");
    assert_eq!(shown(&app), vec![2]);
    assert!(app.notice.is_none(), "{:?}", app.notice);
}

#[test]
fn show_unprotected_mark_all_and_apply_takes_four_keys() {
    let mut app = fleet();
    // `/`, Tab (an empty filter becomes state:unprotected and is kept), `*`, `A`.
    press(&mut app, [ch('/'), key(KeyCode::Tab), ch('*'), ch('A')]);
    assert_eq!(app.fleet.filter, "state:unprotected");
    let form = app.layers.get::<Form>().expect("the bulk form is open");
    assert_eq!(
        form.targets.iter().map(|t| t.0).collect::<Vec<_>>(),
        vec![4, 5]
    );
}

#[test]
fn tab_completes_the_word_being_typed() {
    let mut app = fleet();
    press(&mut app, [ch('/')]);
    press(&mut app, typed("st"));
    press(&mut app, [key(KeyCode::Tab)]);
    assert_eq!(app.fleet.filter, "state:");
    assert!(app.panes.filter_editing, "completing keeps the filter open");
    press(&mut app, [ch('m'), key(KeyCode::Tab)]);
    assert_eq!(app.fleet.filter, "state:missed");
    assert_eq!(shown(&app), vec![2]);
    // Tab again cycles the values.
    press(&mut app, [key(KeyCode::Tab)]);
    assert_eq!(app.fleet.filter, "state:unprotected");
    // The data centres come from the servers.
    press(&mut app, typed(" dc:p"));
    press(&mut app, [key(KeyCode::Tab)]);
    assert_eq!(app.fleet.filter, "state:unprotected dc:Poland");
    assert!(shown(&app).is_empty());
    press(&mut app, [key(KeyCode::Enter)]);
    assert!(!app.panes.filter_editing);
}

#[test]
fn rows_follow_the_states_as_loads_arrive() {
    let mut app = App::new(
        bsched::tui::app::Session::new("demo@bsched.test", "127.0.0.1:8765"),
        bsched::tui::keymap::Keymap::default(),
    );
    app.now = test_now();
    app.session.zones = test_zones();
    let cmds = app.init();
    let [Cmd::LoadInstances { req }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let mut pending = app.update(Msg::Instances {
        req: *req,
        result: Ok(servers()),
    });
    filter(&mut app, "state:unprotected");
    assert!(shown(&app).is_empty(), "no state is known yet");
    let s = screen(&app, 120, 30);
    assert!(
        s.contains("No server matches the filter yet: backup states"),
        "{s}"
    );
    // Answer the loads one by one: the rows appear as their states become known, when the
    // next frame is prepared (once per frame, however many answers arrived).
    let mut seen = Vec::new();
    while let Some(cmd) = pending.pop() {
        pending.extend(answer_one(&mut app, cmd));
        app.prepare();
        seen.push(shown(&app));
    }
    assert_eq!(shown(&app), vec![4, 5]);
    assert!(seen.iter().any(|s| s.len() == 1), "{seen:?}");
}

fn answer_one(app: &mut App, cmd: Cmd) -> Vec<Cmd> {
    match cmd {
        Cmd::LoadSchedules { instance, req } => app.update(Msg::Schedules {
            instance,
            req,
            result: Ok(schedules_of(instance)),
        }),
        Cmd::LoadBackups { instance, req } => app.update(Msg::Backups {
            instance,
            req,
            result: Ok(backups_of(instance)),
        }),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_sort_key_cycles_name_next_backup_state_and_the_title_says_it() {
    let mut app = fleet();
    press(&mut app, [ch('j')]); // db-primary selected
    press(&mut app, [ch('s')]);
    assert_eq!(app.fleet.sort, Sort::Name);
    // analytics…, db-primary, staging, web-1, сервер-…
    assert_eq!(shown(&app), vec![4, 2, 5, 1, 3]);
    assert_eq!(app.selected_server().unwrap().id, 2, "the selection stays");
    assert!(screen(&app, 120, 30).contains("Servers (5) ↓NAME"));
    assert_eq!(app.notice.as_ref().unwrap().text, "Servers sorted by NAME.");

    press(&mut app, [ch('s')]);
    assert_eq!(app.fleet.sort, Sort::Next);
    // Next runs from Fri 13:00 +03: 21:00 today (3), 02:01 Mon (1) after 06:00 Sat (2);
    // none last.
    assert_eq!(shown(&app), vec![3, 2, 1, 4, 5]);

    press(&mut app, [ch('s')]);
    assert_eq!(app.fleet.sort, Sort::Backup);
    // Never backed up first (4 and 5: manual backups do not count), then the oldest.
    assert_eq!(shown(&app), vec![4, 5, 2, 3, 1]);

    press(&mut app, [ch('s')]);
    assert_eq!(app.fleet.sort, Sort::State);
    assert_eq!(shown(&app), vec![2, 4, 5, 1, 3]);
    assert!(screen(&app, 120, 30).contains("Servers (5) ↓STATE"));

    press(&mut app, [ch('s')]);
    assert_eq!(app.fleet.sort, Sort::Api);
    assert_eq!(shown(&app), vec![1, 2, 3, 4, 5]);
    assert!(screen(&app, 120, 30).contains("Servers (5) "));
    assert!(!screen(&app, 120, 30).contains('↓'));

    // Sorting and filtering combine.
    press(&mut app, [ch('s')]);
    filter(&mut app, "state:unprotected");
    assert_eq!(shown(&app), vec![4, 5]);
}

#[test]
fn a_row_says_why_it_matched_when_no_column_shows_it() {
    let mut app = fleet();
    filter(&mut app, "dc:Poland");
    // At 140 columns the servers pane has no DC column: the row names the data centre.
    let wide = screen(&app, 140, 30);
    let row = wide
        .lines()
        .find(|l| l.contains("│db-primary"))
        .expect("the row");
    assert!(row.contains("db-primary dc:Poland"), "{wide}");
    // At 80 the name has no room for it: the pane's bottom border says it.
    let narrow = screen(&app, 80, 24);
    let border = narrow.lines().find(|l| l.contains('└')).expect("border");
    assert!(border.contains("matched dc:Poland ┘"), "{narrow}");
    // A name match needs no note.
    clear(&mut app);
    filter(&mut app, "db");
    assert!(!screen(&app, 80, 24).contains("dc:"));
    // An IP match says the IP where the IP column is hidden.
    clear(&mut app);
    filter(&mut app, "192.0.2.5");
    // At 140 columns the IP column shows it: no note.
    let s = screen(&app, 140, 30);
    assert!(
        s.contains("192.0.2.5") && !s.contains("ip:192.0.2.5"),
        "{s}"
    );
    // At 90 the IP column is dropped: the row or the pane's border says it.
    let s = screen(&app, 90, 30);
    assert!(s.contains("ip:192.0.2.5"), "{s}");
}

#[test]
fn ignored_servers_are_shown_as_ignored_not_unprotected() {
    let mut app = fleet();
    app.session.ignore = Ignore::parse(&["status:stopped".to_string()]).unwrap();
    press(&mut app, [key(KeyCode::Esc)]); // nothing to clear: rows unchanged
    let staging = app.fleet.server(5).unwrap().clone();
    assert_eq!(app.state(&staging), Some(State::Ignored));
    assert!(app.ignored(&staging));
    assert!(!app.ignored(app.fleet.server(4).unwrap()));
    // Not hidden: the row is there, marked ignored and dim.
    let s = screen(&app, 120, 30);
    let row = s.lines().find(|l| l.contains("staging")).expect("listed");
    assert!(row.contains("– ignored"), "{s}");
    assert!(!row.contains("unprotected"), "{row}");
    // Its details say why.
    press(&mut app, [ch('G')]);
    let s = screen(&app, 120, 30);
    assert!(s.contains("Ignored: the profile's ignore list"), "{s}");
    // Kept out of the unprotected triage, found by state:ignored.
    filter(&mut app, "state:unprotected");
    assert_eq!(shown(&app), vec![4]);
    clear(&mut app);
    filter(&mut app, "state:ignored");
    assert_eq!(shown(&app), vec![5]);
}

#[test]
fn y_copies_the_selected_servers_or_schedules_id() {
    let mut app = loaded();
    press(&mut app, [ch('j')]);
    let cmds = press(&mut app, [ch('y')]);
    assert_eq!(
        cmds,
        vec![Cmd::Clipboard {
            text: "2".to_string()
        }]
    );
    assert_eq!(
        app.notice.as_ref().unwrap().text,
        "Copied the id of server db-primary to the clipboard: 2."
    );
    press(&mut app, [key(KeyCode::Tab), ch('j')]);
    assert_eq!(app.panes.pane, Pane::Schedules);
    let cmds = press(&mut app, [ch('y')]);
    assert_eq!(
        cmds,
        vec![Cmd::Clipboard {
            text: "303".to_string()
        }]
    );
    assert!(
        app.notice
            .as_ref()
            .unwrap()
            .text
            .contains("schedule weekend full")
    );
    // A server without schedules: nothing to copy, and the status line says so.
    press(&mut app, [key(KeyCode::Tab), ch('G'), key(KeyCode::Tab)]);
    assert!(press(&mut app, [ch('y')]).is_empty());
    assert_eq!(app.notice.as_ref().unwrap().text, "No schedule selected.");
}

#[test]
fn a_profile_switch_brings_that_profiles_ignore_list() {
    let mut app = fleet();
    let url = bsched::api::checked_url("http://127.0.0.1:9/").unwrap();
    let ignore = Ignore::parse(&["ci-runner".to_string(), "status:stopped".into()]).unwrap();
    let info = bsched::tui::msg::SessionInfo {
        refresh: None,
        ignore: ignore.clone(),
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
    app.update(Msg::Switched { result: Ok(info) });
    assert_eq!(app.session.ignore, ignore);
}
