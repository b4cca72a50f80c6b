//! Server and schedule names (and data centres) from the API that hold bidi controls (U+202E,
//! U+2066) and escape sequences never reach the screen raw, in any view: the panes and the
//! detail pane, the upcoming view, the backups view, the journal, the plan, the dialogs and
//! the notices. ratatui drops C0/C1 controls but not bidi controls, so this checks every cell.

use crate::common::tui::*;

use bsched::domain::{Instance, ScheduleList, Weekdays};
use bsched::journal::Entry;
use bsched::tui::app::App;
use bsched::tui::layers::plan::PlanScreen;
use bsched::tui::msg::{Cmd, Msg};
use bsched::tui::ui::Theme;
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const RLO: char = '\u{202e}';
const LRI: char = '\u{2066}';

fn hostile_servers() -> Vec<Instance> {
    let mut a = server(1, "web\u{202e}1-gnp");
    a.datacenter = "New \u{2066}York\u{2069}".into();
    let b = server(2, "\u{2066}db\u{1b}[2J-primary");
    let c = server(3, "plain");
    vec![a, b, c]
}

fn hostile_schedules(id: u64) -> ScheduleList {
    let schedules = match id {
        1 => vec![sched(
            301,
            1,
            "night\u{202e}ly",
            Weekdays::WORKDAYS,
            "02:01",
        )],
        2 => vec![sched(
            302,
            2,
            "\u{1b}]0;x\u{7}morn\u{2066}ing",
            Weekdays::ALL,
            "06:00",
        )],
        _ => vec![],
    };
    ScheduleList {
        schedules,
        backup_rotation: Some(5),
    }
}

fn answer_hostile(app: &mut App, cmds: Vec<Cmd>) -> Vec<Cmd> {
    let mut rest = Vec::new();
    let mut queue = cmds;
    while let Some(cmd) = queue.pop() {
        match cmd {
            Cmd::LoadInstances { req } => queue.extend(app.update(Msg::Instances {
                req,
                result: Ok(hostile_servers()),
            })),
            Cmd::LoadSchedules { instance, req } => queue.extend(app.update(Msg::Schedules {
                instance,
                req,
                result: Ok(hostile_schedules(instance)),
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

fn hostile_fleet() -> App {
    let mut app = App::new(
        bsched::tui::app::Session::new("demo@bsched.test", "127.0.0.1:8765"),
        Default::default(),
    );
    app.now = test_now();
    app.session.zones = test_zones();
    let cmds = app.init();
    assert!(answer_hostile(&mut app, cmds).is_empty());
    app
}

/// The screen at `w`×`h`, every cell checked: no control, bidi control or line separator is
/// drawn raw. Returns the text.
fn clean_screen(app: &mut App, w: u16, h: u16, what: &str) -> String {
    app.update(Msg::Resize {
        width: w,
        height: h,
    });
    app.prepare();
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| app.draw(Theme::new(true), f)).unwrap();
    let buffer = t.backend().buffer();
    for (i, cell) in buffer.content.iter().enumerate() {
        if let Some(c) = cell
            .symbol()
            .chars()
            .find(|c| bsched::sanitize::is_unsafe(*c))
        {
            panic!(
                "{what} at {w}x{h}: U+{:04X} drawn raw at ({}, {}):\n{}",
                c as u32,
                i % w as usize,
                i / w as usize,
                t.backend()
            );
        }
    }
    t.backend().to_string()
}

/// Both sizes; the text of the wider one.
fn clean(app: &mut App, what: &str) -> String {
    clean_screen(app, 80, 24, what);
    clean_screen(app, 160, 40, what)
}

fn entry(json: serde_json::Value) -> Entry {
    serde_json::from_value(json).expect("an entry")
}

#[test]
fn hostile_names_are_shown_escaped_in_every_view() {
    let mut app = hostile_fleet();
    let main = clean(&mut app, "the panes");
    assert!(main.contains("web\\u{202e}1-gnp"), "shown visibly:\n{main}");
    assert!(main.contains("night\\u{202e}ly"), "{main}");

    // Each server's schedules pane (its title) and detail pane.
    for _ in 0..3 {
        press(&mut app, [key(KeyCode::Tab)]);
        clean(&mut app, "the schedules pane and details");
        press(&mut app, [key(KeyCode::Tab), ch('j')]);
        clean(&mut app, "the servers pane");
    }
    press(&mut app, [ch('g')]);

    // The upcoming view; Enter on a server the filter hides says so in a notice.
    press(&mut app, [ch('t')]);
    let upcoming = clean(&mut app, "the upcoming view");
    assert!(upcoming.contains("\\u{2066}db"), "{upcoming}");
    // A refresh with a filter that hides the first run's server lands under the view.
    app.fleet.filter = "plain".into();
    let cmds = app.update(Msg::AutoRefresh);
    answer_hostile(&mut app, cmds);
    press(&mut app, [key(KeyCode::Enter)]);
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.text.contains(RLO) || n.text.contains(LRI)),
        "a notice with a raw name: {:?}",
        app.notice
    );
    let shown = clean(&mut app, "a notice naming a server");
    assert!(
        shown.contains("The filter hid \\u{2066}db^[[2J-primary"),
        "the name shown escaped, not dropped by the terminal layer:\n{shown}"
    );
    press(&mut app, [key(KeyCode::Esc)]);

    // The backups view of each server.
    for _ in 0..2 {
        press(&mut app, [ch('b')]);
        let view = clean(&mut app, "the backups view");
        assert!(view.contains("Backups of"), "{view}");
        press(&mut app, [key(KeyCode::Esc), ch('j')]);
    }
    press(&mut app, [ch('g')]);

    // The delete dialog, the edit form, the retention dialog.
    press(&mut app, [key(KeyCode::Tab), ch('d')]);
    clean(&mut app, "the delete dialog");
    press(&mut app, [ch('n'), ch('e')]);
    clean(&mut app, "the edit form");
    press(&mut app, [key(KeyCode::Esc), key(KeyCode::Tab), ch('R')]);
    clean(&mut app, "the retention dialog");
    press(&mut app, [key(KeyCode::Esc)]);

    // The journal, its entries naming the hostile server and schedule.
    press(&mut app, [ch('L')]);
    app.update(Msg::JournalRead {
        result: Ok(vec![entry(serde_json::json!({
            "id": 1, "time": "2026-11-20T10:00:00Z", "profile": "de\u{202e}fault",
            "action": "delete", "instance_id": 1, "server": "web\u{202e}1-gnp",
            "before": {"id": 301, "name": "night\u{2066}ly\u{1b}[2J",
                       "days": ["mon"], "time": "02:01"},
            "outcome": "done"
        }))]),
    });
    clean(&mut app, "the journal");
    press(&mut app, [key(KeyCode::Enter)]);
    clean(&mut app, "the journal's restore question");
    press(&mut app, [ch('n'), key(KeyCode::Esc)]);

    // The plan of a bulk apply to every server.
    press(&mut app, [ch('*'), ch('A')]);
    press(&mut app, typed("nightly"));
    press(&mut app, [key(KeyCode::Tab), ch('w'), key(KeyCode::Tab)]);
    press(&mut app, typed("0200"));
    press(&mut app, [key(KeyCode::Enter)]);
    assert!(app.layers.is_open::<PlanScreen>());
    let plan = clean(&mut app, "the plan");
    assert!(plan.contains("web\\u{202e}1-gnp"), "{plan}");
}

#[test]
fn the_header_shows_the_profile_account_and_host_escaped() {
    let mut app = hostile_fleet();
    app.session.profile = "wo\u{202e}rk".into();
    app.session.account = "ops\u{1b}]0;x\u{7}@example.test".into();
    app.session.host = "h\u{2066}ost".into();
    let text = clean(&mut app, "the header");
    let header = text.lines().next().unwrap_or_default();
    assert!(header.contains("[wo\\u{202e}rk]"), "{header}");
    assert!(header.contains("ops^[]0;x"), "{header}");
}
