//! Key-replay tests of `App::update`: every flow, no terminal, no network.

use crate::common;

use bsched::api::ApiError;
use bsched::domain::{Day, Weekdays};
use bsched::tui::app::Pane;
use bsched::tui::layers::form::Field;
use bsched::tui::msg::{Cmd, Msg};
use common::tui::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[test]
fn filter_live_enter_keeps_esc_clears() {
    let mut app = loaded();
    press(&mut app, [ch('/')]);
    assert!(app.panes.filter_editing);
    press(&mut app, typed("db"));
    assert_eq!(app.fleet.visible.len(), 1, "filters while typing");
    // q types into the filter instead of quitting
    press(&mut app, [ch('q')]);
    assert!(!app.quit);
    press(&mut app, [key(KeyCode::Backspace), key(KeyCode::Enter)]);
    assert!(!app.panes.filter_editing);
    assert_eq!(app.fleet.filter, "db");
    assert_eq!(app.selected_server().unwrap().name, "db-primary");
    press(&mut app, [key(KeyCode::Esc)]);
    assert_eq!(app.fleet.visible.len(), 5, "Esc clears the kept filter");
    press(&mut app, [ch('/')]);
    press(&mut app, typed("СЕРВЕР"));
    assert_eq!(
        app.selected_server().unwrap().id,
        3,
        "case-insensitive, Cyrillic"
    );
    press(&mut app, [key(KeyCode::Esc)]);
    assert!(app.fleet.filter.is_empty() && !app.panes.filter_editing);
}

#[test]
fn navigation_keys_move_and_jump() {
    let mut app = loaded();
    press(&mut app, [ch('j'), key(KeyCode::Down)]);
    assert_eq!(app.panes.server_sel, 2);
    press(&mut app, [ch('k')]);
    assert_eq!(app.panes.server_sel, 1);
    press(&mut app, [ch('G')]);
    assert_eq!(app.panes.server_sel, 4);
    press(&mut app, [ch('g')]);
    assert_eq!(app.panes.server_sel, 0);
    press(&mut app, [key(KeyCode::End), key(KeyCode::PageUp)]);
    assert_eq!(app.panes.server_sel, 0);
    press(&mut app, [key(KeyCode::PageDown)]);
    assert_eq!(app.panes.server_sel, 4);
    press(
        &mut app,
        [key(KeyCode::Home), ch('j'), key(KeyCode::Tab), ch('j')],
    );
    assert_eq!(app.panes.pane, Pane::Schedules);
    assert_eq!(app.selected_schedule().unwrap().name, "weekend full");
    press(&mut app, [ch('j')]);
    assert_eq!(app.panes.sched_sel, 1, "stops at the last row");
}

#[test]
fn create_through_the_form() {
    let mut app = loaded();
    press(&mut app, [ch('G'), ch('n')]);
    let form = app.layers.get::<bsched::tui::layers::form::Form>().unwrap();
    assert_eq!(form.focus, Field::Name);
    assert_eq!(form.instance, 5);
    press(&mut app, typed("nightly q"));
    assert!(!app.quit, "q types in the name field");
    press(
        &mut app,
        [key(KeyCode::Tab), ch('w'), ch('6'), key(KeyCode::Tab)],
    );
    press(&mut app, typed("0201"));
    let cmds = press(&mut app, [key(KeyCode::Enter)]);
    assert_eq!(cmds.len(), 1);
    let Cmd::Create { instance, spec } = &cmds[0] else {
        panic!("{cmds:?}")
    };
    assert_eq!(*instance, 5);
    assert_eq!(spec.name().as_str(), "nightly q");
    assert_eq!(
        spec.days().short_names(),
        ["mon", "tue", "wed", "thu", "fri", "sat"]
    );
    assert_eq!(spec.time().to_string(), "02:01");
    assert!(
        app.layers
            .get::<bsched::tui::layers::form::Form>()
            .unwrap()
            .saving
    );

    let saved = bsched::domain::Schedule {
        id: 900,
        instance_id: 5,
        name: "nightly q".into(),
        days: spec.days(),
        time: spec.time(),
        created: "2026-11-27 10:00:00".into(),
    };
    let cmds = app.update(Msg::Saved {
        instance: 5,
        result: Ok(saved.clone()),
    });
    assert!(
        !app.layers.is_open::<bsched::tui::layers::form::Form>(),
        "closes on success"
    );
    assert_eq!(app.panes.pane, Pane::Schedules);
    assert!(
        cmds.is_empty(),
        "the write's answer is shown as it is, without listing again: {cmds:?}"
    );
    assert_eq!(
        app.selected_schedule().unwrap(),
        &saved,
        "the saved schedule is shown and selected"
    );
    assert!(app.notice.as_ref().unwrap().text.contains("Created"));
}

#[test]
fn edit_prefills_and_sends_every_field() {
    let mut app = loaded();
    press(&mut app, [key(KeyCode::Tab), key(KeyCode::Enter)]);
    let form = app.layers.get::<bsched::tui::layers::form::Form>().unwrap();
    assert_eq!(form.editing, Some(301));
    assert_eq!(form.name, "nightly");
    assert_eq!(form.days, Weekdays::WORKDAYS);
    // Move to the time; ↑ on the hour, → then ↓ on the minute.
    press(
        &mut app,
        [
            key(KeyCode::Tab),
            key(KeyCode::Tab),
            key(KeyCode::Up),
            key(KeyCode::Right),
            key(KeyCode::Down),
        ],
    );
    assert_eq!(
        app.layers
            .get::<bsched::tui::layers::form::Form>()
            .unwrap()
            .time
            .to_string(),
        "03:00"
    );
    let cmds = press(&mut app, [key(KeyCode::Enter)]);
    let Cmd::Edit {
        instance: 1,
        before,
        spec,
    } = &cmds[0]
    else {
        panic!("{cmds:?}")
    };
    assert_eq!(before.id, 301, "the journal gets the schedule as it was");
    assert_eq!(spec.name().as_str(), "nightly");
    assert_eq!(spec.days(), Weekdays::WORKDAYS);
    assert_eq!(spec.time().to_string(), "03:00");
}

#[test]
fn validation_errors_stay_in_the_form_and_send_nothing() {
    let mut app = loaded();
    press(&mut app, [ch('n')]);
    let cmds = press(&mut app, [key(KeyCode::Enter)]);
    assert!(cmds.is_empty());
    assert!(
        app.layers
            .get::<bsched::tui::layers::form::Form>()
            .unwrap()
            .error
            .as_ref()
            .unwrap()
            .contains("name")
    );
    press(&mut app, typed("x"));
    let cmds = press(&mut app, [key(KeyCode::Enter)]);
    assert!(cmds.is_empty());
    assert!(
        app.layers
            .get::<bsched::tui::layers::form::Form>()
            .unwrap()
            .error
            .as_ref()
            .unwrap()
            .contains("day")
    );
    press(
        &mut app,
        [
            key(KeyCode::Tab),
            ch('a'),
            ch('x'),
            ch('3'),
            key(KeyCode::Tab),
        ],
    );
    assert_eq!(
        app.layers
            .get::<bsched::tui::layers::form::Form>()
            .unwrap()
            .days
            .short_names(),
        ["wed"]
    );
    press(&mut app, typed("2599"));
    assert!(
        app.layers
            .get::<bsched::tui::layers::form::Form>()
            .unwrap()
            .error
            .as_ref()
            .unwrap()
            .contains("25:99")
    );
    assert_eq!(
        app.layers
            .get::<bsched::tui::layers::form::Form>()
            .unwrap()
            .time
            .to_string(),
        "02:00",
        "bad time not taken"
    );
    press(&mut app, typed("23"));
    let cmds = press(&mut app, [key(KeyCode::Enter)]);
    assert!(cmds.is_empty(), "half-typed time is refused");
    press(&mut app, typed("59"));
    let cmds = press(&mut app, [key(KeyCode::Enter)]);
    assert!(matches!(&cmds[0], Cmd::Create { spec, .. } if spec.time().to_string() == "23:59"));
}

#[test]
fn a_name_over_100_characters_cannot_be_typed() {
    let mut app = loaded();
    press(&mut app, [ch('n')]);
    press(&mut app, typed(&"ж".repeat(105)));
    assert_eq!(
        app.layers
            .get::<bsched::tui::layers::form::Form>()
            .unwrap()
            .name
            .value()
            .chars()
            .count(),
        100
    );
    assert!(
        app.layers
            .get::<bsched::tui::layers::form::Form>()
            .unwrap()
            .error
            .is_some()
    );
}

#[test]
fn api_refusal_keeps_the_form_and_what_was_typed() {
    let mut app = loaded();
    press(&mut app, [ch('n')]);
    press(&mut app, typed("mine"));
    press(&mut app, [key(KeyCode::Tab), ch('1')]);
    let before = app
        .layers
        .get::<bsched::tui::layers::form::Form>()
        .cloned()
        .unwrap();
    let cmds = press(&mut app, [key(KeyCode::Enter)]);
    assert_eq!(cmds.len(), 1);
    app.update(Msg::Saved {
        instance: 1,
        result: Err(ApiError::Refused {
            kind: "runningoperation".into(),
            object: None,
            message: "Another operation is already running".into(),
        }),
    });
    let form = app
        .layers
        .get::<bsched::tui::layers::form::Form>()
        .expect("form stays open");
    assert_eq!(form.name, before.name);
    assert_eq!(form.days, before.days);
    assert!(!form.saving);
    assert!(form.error.as_ref().unwrap().contains("already running"));
    press(&mut app, [key(KeyCode::Esc)]);
    assert!(!app.layers.is_open::<bsched::tui::layers::form::Form>());
}

#[test]
fn delete_confirm_and_cancel() {
    let mut app = loaded();
    press(&mut app, [ch('j'), key(KeyCode::Tab), ch('d')]);
    let c = app
        .layers
        .get::<bsched::tui::layers::confirm::ConfirmDelete>()
        .expect("dialog opens");
    assert_eq!(c.schedule.id, 302);
    assert_eq!(c.server_name, "db-primary");
    assert!(press(&mut app, [ch('n')]).is_empty());
    assert!(
        !app.layers
            .is_open::<bsched::tui::layers::confirm::ConfirmDelete>(),
        "n cancels"
    );
    press(&mut app, [ch('d')]);
    assert!(press(&mut app, [key(KeyCode::Esc)]).is_empty());
    assert!(
        !app.layers
            .is_open::<bsched::tui::layers::confirm::ConfirmDelete>(),
        "Esc cancels"
    );
    press(&mut app, [ch('d')]);
    assert!(
        press(&mut app, [ch('q'), ch('j')]).is_empty(),
        "other keys do nothing"
    );
    assert!(!app.quit);
    let cmds = press(&mut app, [ch('y')]);
    let [
        Cmd::Delete {
            instance: 2,
            before,
            server,
        },
    ] = cmds.as_slice()
    else {
        panic!("{cmds:?}")
    };
    assert_eq!((before.id, server.as_str()), (302, "db-primary"));
    assert!(app.fleet.deleting.contains_key(&302));
    press(&mut app, [ch('d')]);
    assert!(
        !app.layers
            .is_open::<bsched::tui::layers::confirm::ConfirmDelete>(),
        "no second delete while one is in flight"
    );

    // A failure leaves the row and says why.
    app.update(Msg::Deleted {
        instance: 2,
        id: 302,
        result: Err(ApiError::Timeout(30)),
    });
    assert!(app.fleet.deleting.is_empty());
    assert_eq!(app.current_schedules().len(), 2);
    assert!(app.notice.as_ref().unwrap().error);

    press(&mut app, [ch('d')]);
    press(&mut app, [ch('y')]);
    let cmds = app.update(Msg::Deleted {
        instance: 2,
        id: 302,
        result: Ok(()),
    });
    assert!(cmds.is_empty(), "no listing after a delete: {cmds:?}");
    let left: Vec<u64> = app.current_schedules().iter().map(|s| s.id).collect();
    assert_eq!(
        left,
        vec![303],
        "the deleted schedule is gone from the list"
    );
}

#[test]
fn d_on_the_servers_pane_deletes_nothing() {
    let mut app = loaded();
    assert!(press(&mut app, [ch('d')]).is_empty());
    assert!(
        !app.layers
            .is_open::<bsched::tui::layers::confirm::ConfirmDelete>()
    );
}

#[test]
fn refresh_keeps_rows_and_newest_answer_wins() {
    let mut app = loaded();
    let cmds = press(&mut app, [ch('r')]);
    let Cmd::LoadInstances { req: old_list } = cmds[0] else {
        panic!("{cmds:?}")
    };
    let Cmd::LoadSchedules {
        instance: 1,
        req: old,
    } = cmds[1]
    else {
        panic!("{cmds:?}")
    };
    assert_eq!(cmds.len(), 2, "one load at a time: {cmds:?}");
    assert!(app.busy());
    assert_eq!(app.current_schedules().len(), 1, "stale rows stay visible");
    // A second refresh while the first load is on its way: it waits its turn.
    let cmds = press(&mut app, [ch('r')]);
    let [Cmd::LoadInstances { req: new_list }] = cmds[..] else {
        panic!("{cmds:?}")
    };
    // The older server list arrives late and is dropped.
    app.update(Msg::Instances {
        req: old_list,
        result: Ok(servers()[..1].to_vec()),
    });
    assert_eq!(app.fleet.servers().len(), 5);
    // The schedules on their way arrive; the backups asked for by the first refresh go next,
    // then the schedules asked again.
    let cmds = app.update(Msg::Schedules {
        instance: 1,
        req: old,
        result: Ok(Default::default()),
    });
    let [Cmd::LoadBackups { instance: 1, req }] = cmds[..] else {
        panic!("{cmds:?}")
    };
    assert_eq!(app.current_schedules().len(), 0);
    let cmds = app.update(Msg::Backups {
        instance: 1,
        req,
        result: Ok(Vec::new()),
    });
    let [
        Cmd::LoadSchedules {
            instance: 1,
            req: new,
        },
    ] = cmds[..]
    else {
        panic!("{cmds:?}")
    };
    assert_eq!(app.current_schedules().len(), 0);
    app.update(Msg::Schedules {
        instance: 1,
        req: new,
        result: Ok(schedules_of(1)),
    });
    assert_eq!(app.current_schedules().len(), 1);
    app.update(Msg::Instances {
        req: new_list,
        result: Ok(servers()),
    });
    assert_eq!(app.fleet.servers().len(), 5);
}

#[test]
fn help_opens_and_closes_and_quit_keys() {
    let mut app = loaded();
    press(&mut app, [ch('?')]);
    assert!(app.layers.is_open::<bsched::tui::layers::help::Help>());
    press(&mut app, [ch('j')]);
    assert_eq!(app.panes.server_sel, 0, "help swallows keys");
    press(&mut app, [key(KeyCode::Esc)]);
    assert!(!app.layers.is_open::<bsched::tui::layers::help::Help>());
    let cmds = press(&mut app, [ch('q')]);
    assert_eq!(cmds, vec![Cmd::Quit]);

    let mut app = loaded();
    press(&mut app, [ch('n')]);
    let ctrl_c = Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert_eq!(
        app.update(ctrl_c),
        vec![Cmd::Quit],
        "Ctrl+C quits even in a text field"
    );
}

#[test]
fn load_errors_are_shown() {
    let mut app =
        bsched::tui::app::App::new(bsched::tui::app::Session::new("a", "h"), Default::default());
    let cmds = app.init();
    let Cmd::LoadInstances { req } = cmds[0] else {
        panic!()
    };
    app.update(Msg::Instances {
        req,
        result: Err(ApiError::Network("could not connect to h".into())),
    });
    assert!(
        app.fleet
            .servers
            .error
            .as_ref()
            .unwrap()
            .contains("could not connect")
    );
    assert!(app.notice.as_ref().unwrap().error);
    assert!(!app.busy());
}

#[test]
fn ticks_run_only_while_something_moves() {
    let mut app = loaded();
    assert!(!app.needs_tick(), "idle: no timer");
    press(&mut app, [ch('r')]);
    assert!(app.needs_tick());
}

fn login_app() -> bsched::tui::app::App {
    let url = bsched::api::checked_url("https://my.example.test/billmgr").unwrap();
    bsched::tui::app::App::login_screen(bsched::api::ClientConfig::new(url), Default::default())
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

#[test]
fn login_screen_validates_keeps_typing_and_asks_for_the_code() {
    let mut app = login_app();
    assert!(app.init().is_empty(), "nothing loads before login");
    let login = app
        .layers
        .get::<bsched::tui::layers::login::LoginForm>()
        .unwrap();
    assert_eq!(login.url, "https://my.example.test/billmgr");
    // Missing username: one sentence, nothing sent.
    assert!(press(&mut app, [key(KeyCode::Enter)]).is_empty());
    assert!(
        app.layers
            .get::<bsched::tui::layers::login::LoginForm>()
            .unwrap()
            .error
            .as_deref()
            .unwrap()
            .contains("username")
    );
    press(&mut app, typed("me@example.test"));
    press(&mut app, [key(KeyCode::Tab)]);
    press(&mut app, typed("s3cret-pw q"));
    assert!(!app.quit, "q types into a field");
    let cmds = press(&mut app, [key(KeyCode::Enter)]);
    let [Cmd::Login { cfg }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(cfg.username.as_deref(), Some("me@example.test"));
    assert_eq!(cfg.password.as_ref().unwrap().expose(), "s3cret-pw q");
    assert_eq!(cfg.url.as_str(), "https://my.example.test/billmgr");
    let shown = format!("{app:?}");
    assert!(!shown.contains("s3cret"), "Debug never shows the password");
    assert!(
        press(&mut app, [ch('x')]).is_empty(),
        "keys wait while logging in"
    );

    // Refused: the screen stays, with the API's reason and everything typed.
    app.update(Msg::LoggedIn {
        result: Err(ApiError::Auth("invalid username or password".into())),
    });
    let login = app
        .layers
        .get::<bsched::tui::layers::login::LoginForm>()
        .unwrap();
    assert_eq!(
        login.error.as_deref(),
        Some("Invalid username or password.")
    );
    assert_eq!(login.username, "me@example.test");
    assert_eq!(login.password_mask().chars().count(), 11);

    // Accepted, but the account asks for a one-time code.
    let cmds = press(&mut app, [key(KeyCode::Enter)]);
    let [Cmd::Login { cfg }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert!(
        app.update(Msg::LoggedIn {
            result: Ok(bsched::tui::msg::LoggedIn {
                host: "my.example.test".into(),
                account: cfg.username.clone().unwrap_or_default(),
                settings: (**cfg).clone(),
                needs_code: true,
            })
        })
        .is_empty()
    );
    assert!(
        app.layers
            .get::<bsched::tui::layers::login::LoginForm>()
            .unwrap()
            .code_step
    );
    press(&mut app, typed("12a3"));
    assert!(press(&mut app, [key(KeyCode::Enter)]).is_empty());
    let login = app
        .layers
        .get::<bsched::tui::layers::login::LoginForm>()
        .unwrap();
    assert_eq!(login.code(), "123", "only digits go in");
    assert!(login.error.as_deref().unwrap().contains("six digits"));
    press(&mut app, typed("4567"));
    let cmds = press(&mut app, [key(KeyCode::Enter)]);
    let [Cmd::ConfirmCode { code }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(code.expose(), "123456");
    app.update(Msg::CodeChecked {
        result: Err(ApiError::Refused {
            kind: "value".into(),
            object: Some("qrcode".into()),
            message: "Invalid confirmation code".into(),
        }),
    });
    assert_eq!(
        app.layers
            .get::<bsched::tui::layers::login::LoginForm>()
            .unwrap()
            .error
            .as_deref(),
        Some("Invalid confirmation code.")
    );
    press(&mut app, [ctrl('u')]);
    press(&mut app, typed("654321"));
    press(&mut app, [key(KeyCode::Enter)]);
    let cmds = app.update(Msg::CodeChecked { result: Ok(()) });
    assert!(
        !app.layers
            .is_open::<bsched::tui::layers::login::LoginForm>(),
        "the login screen is gone"
    );
    assert_eq!(app.session.account, "me@example.test");
    assert_eq!(app.session.host, "my.example.test");
    assert!(matches!(cmds.as_slice(), [Cmd::LoadInstances { .. }]));
}

#[test]
fn login_screen_refuses_a_bad_url_and_esc_quits() {
    let mut app = login_app();
    press(&mut app, [key(KeyCode::BackTab), ctrl('u')]);
    press(&mut app, typed("http://example.test/billmgr"));
    press(&mut app, [key(KeyCode::Tab)]);
    press(&mut app, typed("me"));
    press(&mut app, [key(KeyCode::Tab)]);
    press(&mut app, typed("pw"));
    assert!(press(&mut app, [key(KeyCode::Enter)]).is_empty());
    let login = app
        .layers
        .get::<bsched::tui::layers::login::LoginForm>()
        .unwrap();
    assert_eq!(login.focus, bsched::tui::layers::login::LoginField::Url);
    assert!(
        login.error.as_deref().unwrap().starts_with("URL:"),
        "{:?}",
        login.error
    );
    assert_eq!(press(&mut app, [key(KeyCode::Esc)]), vec![Cmd::Quit]);
}

#[test]
fn refresh_marks_when_the_data_arrived() {
    let mut app = loaded();
    let t0 = app.now;
    assert_eq!(app.fleet.servers.updated, Some(t0));
    app.now = t0 + jiff::SignedDuration::from_secs(12);
    let cmds = press(&mut app, [ch('r')]);
    assert_eq!(
        app.fleet.servers.updated,
        Some(t0),
        "the old mark stays while loading"
    );
    answer(&mut app, cmds);
    assert_eq!(app.fleet.servers.updated, Some(app.now));
    assert_eq!(app.fleet.schedules[&1].updated, Some(app.now));
}

#[test]
fn upcoming_lists_the_fleet_soonest_first_with_a_heat_map() {
    let mut app = loaded();
    press(&mut app, [ch('t')]);
    let up = app
        .layers
        .get::<bsched::tui::layers::upcoming::UpcomingView>()
        .map(|v| v.data.clone())
        .expect("the view opens");
    assert_eq!(up.servers, (5, 5));
    // Friday 13:00 +03:00: the Cyrillic server's Mon-Fri 21:00 run (18:00 UTC) comes first.
    assert_eq!(up.rows[0].server, "сервер-бухгалтерия");
    assert_eq!(up.rows[0].at, "2026-11-27T18:00:00Z".parse().unwrap());
    assert!(
        up.rows.windows(2).all(|w| w[0].at <= w[1].at),
        "soonest first"
    );
    // A week of runs: web-1 5, db-primary 7 + 2, the Cyrillic one 5.
    let total: u32 = up.heat.iter().flatten().sum();
    assert_eq!(total, 19);
    // In UTC, db-primary's daily 06:00 +03:00 starts at 03:00 every day.
    assert!((0..7).all(|d| up.heat[d][3] >= 1));
    // web-1's Mon-Fri 02:01 +03:00 starts Sunday-Thursday at 23:00 UTC.
    assert_eq!(up.heat[6][23], 1, "Sunday 23:00");
    assert_eq!(up.heat[4][23], 0, "not Friday");
    // Every hour holds one start at most; the first of the week is the "busiest".
    let peak = up.peak.as_ref().unwrap();
    assert_eq!((peak.day, peak.hour, peak.count), (Day::Mon, 3, 1));
    // The filter narrows the view to the servers it shows.
    press(&mut app, [key(KeyCode::Esc)]);
    assert!(
        !app.layers
            .is_open::<bsched::tui::layers::upcoming::UpcomingView>(),
        "Esc closes"
    );
    press(&mut app, [ch('/')]);
    press(&mut app, typed("web"));
    press(&mut app, [key(KeyCode::Enter), ch('t')]);
    let up = app
        .layers
        .get::<bsched::tui::layers::upcoming::UpcomingView>()
        .map(|v| v.data.clone())
        .unwrap();
    assert_eq!(up.servers, (1, 1));
    assert!(up.rows.iter().all(|r| r.server == "web-1"));
    assert_eq!(up.heat.iter().flatten().sum::<u32>(), 5);
    press(&mut app, [ch('t')]);
    assert!(
        !app.layers
            .is_open::<bsched::tui::layers::upcoming::UpcomingView>(),
        "t closes it again"
    );
}

#[test]
fn the_heat_map_names_the_hour_and_data_centre_where_backups_cluster() {
    let mut app = loaded();
    // Two more servers in the same data centre start daily at 06:00 +03:00, like db-primary.
    for id in [4, 5] {
        app.fleet.schedules.get_mut(&id).unwrap().list = Some(bsched::domain::ScheduleList {
            schedules: vec![sched(400 + id, id, "daily", Weekdays::ALL, "06:00")],
            backup_rotation: Some(5),
        });
    }
    press(&mut app, [ch('t')]);
    let up = app
        .layers
        .get::<bsched::tui::layers::upcoming::UpcomingView>()
        .map(|v| v.data.clone())
        .unwrap();
    assert!((0..7).all(|d| up.heat[d][3] == 3), "{:?}", up.heat);
    let peak = up.peak.unwrap();
    assert_eq!((peak.day, peak.hour, peak.count), (Day::Mon, 3, 3));
    assert_eq!(
        (peak.datacenter.as_str(), peak.dc_count),
        ("Netherlands-2", 3)
    );
}

#[test]
fn upcoming_is_computed_again_once_per_frame_when_data_changes() {
    let mut app = loaded();
    press(&mut app, [ch('t')]);
    let before = app
        .layers
        .get::<bsched::tui::layers::upcoming::UpcomingView>()
        .map(|v| v.data.clone())
        .unwrap();
    let cmds = press(&mut app, [key(KeyCode::Esc), ch('r'), ch('t')]);
    assert!(
        !app.layers
            .get::<bsched::tui::layers::upcoming::UpcomingView>()
            .is_some_and(|v| v.stale(&app))
    );
    // The refresh answers, one load after another: staging now has a schedule.
    let mut queue = cmds;
    while let Some(cmd) = queue.pop() {
        let msg = match cmd {
            Cmd::LoadInstances { req } => Msg::Instances {
                req,
                result: Ok(servers()),
            },
            Cmd::LoadSchedules { instance, req } => {
                let mut list = schedules_of(instance);
                if instance == 5 {
                    list.schedules
                        .push(sched(500, 5, "new", Weekdays::WEEKENDS, "10:00"));
                }
                Msg::Schedules {
                    instance,
                    req,
                    result: Ok(list),
                }
            }
            Cmd::LoadBackups { instance, req } => Msg::Backups {
                instance,
                req,
                result: Ok(backups_of(instance)),
            },
            _ => continue,
        };
        queue.extend(app.update(msg));
    }
    assert!(
        app.layers
            .get::<bsched::tui::layers::upcoming::UpcomingView>()
            .is_some_and(|v| v.stale(&app))
    );
    assert_eq!(
        app.layers
            .get::<bsched::tui::layers::upcoming::UpcomingView>()
            .map(|v| &v.data)
            .unwrap(),
        &before,
        "not recomputed per message"
    );
    app.prepare();
    let after = app
        .layers
        .get::<bsched::tui::layers::upcoming::UpcomingView>()
        .map(|v| v.data.clone())
        .unwrap();
    assert_eq!(after.heat.iter().flatten().sum::<u32>(), 21);
}

#[test]
fn retention_dialog_chooses_confirms_and_reports() {
    let mut app = loaded();
    press(&mut app, [ch('R')]);
    let d = app
        .layers
        .get::<bsched::tui::layers::retention::RetentionDialog>()
        .unwrap();
    assert_eq!((d.instance, d.current, d.value), (1, Some(5), 5));
    // Enter with the value unchanged just closes it.
    press(&mut app, [key(KeyCode::Enter)]);
    assert!(
        !app.layers
            .is_open::<bsched::tui::layers::retention::RetentionDialog>()
    );
    assert!(
        app.notice
            .as_ref()
            .unwrap()
            .text
            .contains("already keeps 5")
    );

    press(&mut app, [ch('R'), key(KeyCode::Down), key(KeyCode::Down)]);
    assert_eq!(
        app.layers
            .get::<bsched::tui::layers::retention::RetentionDialog>()
            .unwrap()
            .value,
        3
    );
    press(&mut app, [ch('0')]);
    assert_eq!(
        app.layers
            .get::<bsched::tui::layers::retention::RetentionDialog>()
            .unwrap()
            .value,
        10,
        "0 means 10"
    );
    for _ in 0..3 {
        press(&mut app, [key(KeyCode::Up)]);
    }
    assert_eq!(
        app.layers
            .get::<bsched::tui::layers::retention::RetentionDialog>()
            .unwrap()
            .value,
        10,
        "at most 10"
    );
    press(&mut app, [ch('2')]);
    // Enter asks for confirmation; n goes back; nothing is sent before y.
    assert!(press(&mut app, [key(KeyCode::Enter)]).is_empty());
    assert!(
        app.layers
            .get::<bsched::tui::layers::retention::RetentionDialog>()
            .unwrap()
            .confirming
    );
    assert!(press(&mut app, [ch('n')]).is_empty());
    assert!(
        !app.layers
            .get::<bsched::tui::layers::retention::RetentionDialog>()
            .unwrap()
            .confirming
    );
    press(&mut app, [key(KeyCode::Enter)]);
    let cmds = press(&mut app, [ch('y')]);
    assert_eq!(
        cmds,
        vec![Cmd::SetRetention {
            instance: 1,
            before: Some(5),
            keep: 2
        }]
    );
    assert!(app.busy());

    // A refusal keeps the dialog with the reason.
    app.update(Msg::RetentionSet {
        instance: 1,
        keep: 2,
        result: Err(ApiError::Refused {
            kind: "value".into(),
            object: Some("backup_rotation".into()),
            message: "The number of stored backups must be between 1 and 10".into(),
        }),
    });
    let d = app
        .layers
        .get::<bsched::tui::layers::retention::RetentionDialog>()
        .unwrap();
    assert!(d.error.as_deref().unwrap().contains("between 1 and 10"));
    assert_eq!(d.value, 2, "the choice is kept");

    press(&mut app, [key(KeyCode::Enter)]);
    press(&mut app, [ch('y')]);
    let cmds = app.update(Msg::RetentionSet {
        instance: 1,
        keep: 2,
        result: Ok(()),
    });
    assert!(
        !app.layers
            .is_open::<bsched::tui::layers::retention::RetentionDialog>()
    );
    assert!(app.notice.as_ref().unwrap().text.contains("now keeps 2"));
    assert!(cmds.is_empty(), "no listing after the change: {cmds:?}");
    assert_eq!(
        app.fleet.schedules_of(1).unwrap().backup_rotation,
        Some(2),
        "the new retention is shown"
    );
}

#[test]
fn servers_are_judged_protected_missed_or_unprotected() {
    use bsched::domain::backups::Protection;
    let app = loaded();
    assert!(matches!(
        app.protection(1),
        Some(Protection::Protected { .. })
    ));
    assert!(matches!(app.protection(2), Some(Protection::Missed { .. })));
    assert!(matches!(
        app.protection(3),
        Some(Protection::Protected { .. })
    ));
    assert!(matches!(
        app.protection(5),
        Some(Protection::Unprotected { .. })
    ));
}

#[test]
fn a_minute_tick_runs_only_while_countdowns_show() {
    let mut app =
        bsched::tui::app::App::new(bsched::tui::app::Session::new("a", "h"), Default::default());
    assert!(
        !app.wants_minute_tick(),
        "nothing loaded, nothing counts down"
    );
    let cmds = app.init();
    answer(&mut app, cmds);
    assert!(app.wants_minute_tick());
    press(&mut app, [ch('/')]);
    press(&mut app, typed("no such server"));
    assert!(!app.wants_minute_tick(), "no row on screen");
}

#[test]
fn a_session_that_cannot_be_renewed_reopens_the_login_screen() {
    let url = bsched::api::checked_url("https://my.example.test/billmgr").unwrap();
    let mut cfg = bsched::api::ClientConfig::new(url);
    cfg.username = Some("me@example.test".into());
    cfg.password = Some(bsched::api::Secret::new("pw"));
    let client = bsched::api::Client::new(cfg).unwrap();
    let mut app = bsched::tui::app::App::new(
        bsched::tui::app::Session::for_client(&client, "me@example.test"),
        Default::default(),
    );
    let cmds = app.init();
    answer(&mut app, cmds);
    let cmds = press(&mut app, [ch('r')]);
    let Cmd::LoadInstances { req } = cmds[0] else {
        panic!("{cmds:?}")
    };
    app.update(Msg::Instances {
        req,
        result: Err(ApiError::Auth(
            "the session expired; this account asks for a one-time code, so log in again".into(),
        )),
    });
    let login = app
        .layers
        .get::<bsched::tui::layers::login::LoginForm>()
        .expect("the login screen again");
    assert_eq!(login.username, "me@example.test");
    assert_eq!(login.url, "https://my.example.test/billmgr");
    assert_eq!(
        login.password_mask(),
        "",
        "the password is asked again, not kept"
    );
    assert!(login.error.as_deref().unwrap().starts_with("Log in again"));
    assert_eq!(app.fleet.servers().len(), 5, "what was loaded stays");
}

#[test]
fn warnings_show_an_error_notice_with_how_many_more() {
    let mut app = loaded();
    app.update(Msg::Warnings(vec![
        "the change of journal entry 7 ended (done) but that could not be recorded: disk full; `bsched log` shows it as unknown".into(),
        "server 2: element 9 could not be read and is not shown".into(),
    ]));
    let notice = app.notice.as_ref().expect("a notice");
    assert!(notice.error);
    assert!(
        notice
            .text
            .contains("journal entry 7 ended (done) but that could not be recorded"),
        "{}",
        notice.text
    );
    assert!(notice.text.ends_with("(and 1 more)"), "{}", notice.text);
    // No warnings, no notice change.
    app.notice = None;
    app.update(Msg::Warnings(Vec::new()));
    assert!(app.notice.is_none());
}

#[test]
fn the_panel_filter_is_kept_with_the_list_it_came_with() {
    let mut app = loaded();
    assert!(app.fleet.panel_filter.is_empty());
    let cmds = press(&mut app, [ch('r')]);
    let Cmd::LoadInstances { req } = cmds[0] else {
        panic!("{cmds:?}")
    };
    // An answer to an older request is dropped, like its list.
    app.update(Msg::PanelFilter {
        req: req - 1,
        fields: vec!["ip".into()],
    });
    assert!(app.fleet.panel_filter.is_empty());
    app.update(Msg::PanelFilter {
        req,
        fields: vec!["datacenter".into(), "status".into()],
    });
    app.update(Msg::Instances {
        req,
        result: Ok(servers()),
    });
    assert_eq!(app.fleet.panel_filter, vec!["datacenter", "status"]);
    // A list that arrives without news of the filter keeps the mark; one that says it is off
    // drops it.
    let Cmd::LoadInstances { req } = press(&mut app, [ch('r')])[0] else {
        panic!()
    };
    app.update(Msg::Instances {
        req,
        result: Ok(servers()),
    });
    assert_eq!(app.fleet.panel_filter.len(), 2);
    let Cmd::LoadInstances { req } = press(&mut app, [ch('r')])[0] else {
        panic!()
    };
    app.update(Msg::PanelFilter {
        req,
        fields: Vec::new(),
    });
    assert!(app.fleet.panel_filter.is_empty());
}

#[test]
fn switching_profile_forgets_the_panel_filter() {
    let mut app = loaded();
    let Cmd::LoadInstances { req } = press(&mut app, [ch('r')])[0] else {
        panic!()
    };
    app.update(Msg::PanelFilter {
        req,
        fields: vec!["datacenter".into()],
    });
    assert!(!app.fleet.panel_filter.is_empty());
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
    app.update(Msg::Switched { result: Ok(info) });
    assert!(
        app.fleet.panel_filter.is_empty(),
        "another account, another filter"
    );
}

#[test]
fn remapped_dialog_keys_do_what_their_hints_say() {
    let mut app = loaded_with(remapped());
    press(&mut app, [key(KeyCode::Tab), ch('d')]);
    assert!(
        !app.layers
            .is_open::<bsched::tui::layers::confirm::ConfirmDelete>(),
        "d is no longer delete"
    );
    press(&mut app, [ch('x')]);
    assert!(
        app.layers
            .is_open::<bsched::tui::layers::confirm::ConfirmDelete>()
    );
    assert!(press(&mut app, [ch('y')]).is_empty(), "y is no longer yes");
    let cmds = press(&mut app, [ch('o')]);
    assert!(matches!(cmds.as_slice(), [Cmd::Delete { .. }]), "{cmds:?}");

    // The form saves with its own key; Enter no longer does.
    press(&mut app, [ch('a')]);
    press(&mut app, typed("nightly"));
    press(&mut app, [key(KeyCode::Tab), ch('w')]);
    assert!(press(&mut app, [key(KeyCode::Enter)]).is_empty());
    let save = Msg::Key(crossterm::event::KeyEvent::new(
        KeyCode::Char('s'),
        crossterm::event::KeyModifiers::CONTROL,
    ));
    let cmds = press(&mut app, [save]);
    assert!(matches!(cmds.as_slice(), [Cmd::Create { .. }]), "{cmds:?}");

    // Hints name the keys bound now.
    app.update(Msg::Saved {
        instance: 1,
        result: Err(bsched::api::ApiError::Setup("refused".into())),
    });
    press(&mut app, [key(KeyCode::Esc), ch('q')]);
    assert!(!app.quit, "q is no longer quit");
    let cmds = press(&mut app, [ch('A')]);
    assert!(cmds.is_empty());
    let notice = app.notice.as_ref().expect("a notice");
    assert_eq!(
        notice.text,
        "Mark servers first: m marks one, * marks all shown."
    );
}
