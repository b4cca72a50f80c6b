//! The mouse: a click selects the row under it and focuses its pane, the wheel scrolls the
//! list under the pointer (panes and views), a click on a form's weekday toggles it, and
//! `mouse = false` in the config file turns it off. Every click is aimed where the screen
//! shows the text (read back from the rendered buffer), so the hit testing is checked
//! against the drawing itself.

use crate::common;

use bsched::domain::{Day, Instance};
use bsched::tui::app::{App, Pane};
use bsched::tui::layers::form::Form;
use bsched::tui::layers::help::Help;
use bsched::tui::layers::upcoming::UpcomingView;
use bsched::tui::msg::{Cmd, Msg};
use bsched::tui::ui::Theme;
use common::tui::*;
use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Draws the app at `w`x`h` (telling it the size first) and finds `needle` on screen: the
/// cell where it starts.
fn find(app: &mut App, w: u16, h: u16, needle: &str) -> (u16, u16) {
    app.update(Msg::Resize {
        width: w,
        height: h,
    });
    app.prepare();
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| app.draw(Theme::new(true), f)).unwrap();
    let buf = t.backend().buffer();
    for y in 0..h {
        let mut line = String::new();
        let mut starts = Vec::new();
        for x in 0..w {
            starts.push((line.len(), x));
            line.push_str(buf[(x, y)].symbol());
        }
        if let Some(at) = line.find(needle) {
            let x = starts.iter().rev().find(|(b, _)| *b <= at).unwrap().1;
            return (x, y);
        }
    }
    panic!("{needle} is not on screen:\n{}", t.backend());
}

fn mouse(kind: MouseEventKind, (x, y): (u16, u16)) -> Msg {
    Msg::Mouse(MouseEvent {
        kind,
        column: x,
        row: y,
        modifiers: KeyModifiers::NONE,
    })
}

fn click(at: (u16, u16)) -> Msg {
    mouse(MouseEventKind::Down(MouseButton::Left), at)
}

fn wheel_down(at: (u16, u16)) -> Msg {
    mouse(MouseEventKind::ScrollDown, at)
}

fn wheel_up(at: (u16, u16)) -> Msg {
    mouse(MouseEventKind::ScrollUp, at)
}

#[test]
fn a_click_selects_the_row_and_focuses_its_pane() {
    let mut app = loaded();
    press(&mut app, [key(KeyCode::Tab)]);
    assert_eq!(app.panes.pane, Pane::Schedules);
    let at = find(&mut app, 80, 24, "staging");
    press(&mut app, [click(at)]);
    assert_eq!(app.panes.pane, Pane::Servers);
    assert_eq!(app.selected_server().unwrap().name, "staging");

    let at = find(&mut app, 100, 30, "db-primary");
    press(&mut app, [click(at)]);
    assert_eq!(app.selected_server().unwrap().name, "db-primary");
    let at = find(&mut app, 100, 30, "weekend full");
    press(&mut app, [click(at)]);
    assert_eq!(app.panes.pane, Pane::Schedules);
    assert_eq!(app.selected_schedule().unwrap().name, "weekend full");
    // Below the last row, or on the header: focus moves, the selection stays.
    let (x, y) = find(&mut app, 100, 30, "NAME");
    press(&mut app, [click((x, y)), click((x, y + 10))]);
    assert_eq!(app.panes.pane, Pane::Servers);
    assert_eq!(app.selected_server().unwrap().name, "db-primary");
}

#[test]
fn the_wheel_scrolls_the_pane_under_the_pointer() {
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
    let [Cmd::LoadInstances { req }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    app.update(Msg::Instances {
        req: *req,
        result: Ok(many),
    });
    let at = find(&mut app, 80, 24, "srv-05");
    press(&mut app, [wheel_down(at), wheel_down(at)]);
    assert_eq!(app.panes.server_sel, 6, "three rows a turn");
    press(&mut app, [wheel_up(at)]);
    assert_eq!(app.panes.server_sel, 3);
    // Far down the list, a click lands on the row drawn there.
    for _ in 0..15 {
        press(&mut app, [wheel_down(at)]);
    }
    assert_eq!(app.panes.server_sel, 48);
    let at = find(&mut app, 80, 24, "srv-40");
    press(&mut app, [click(at)]);
    assert_eq!(app.selected_server().unwrap().name, "srv-40");
}

#[test]
fn the_wheel_and_clicks_work_in_the_views() {
    let mut app = loaded();
    press(&mut app, [ch('t')]);
    let first = app.layers.get::<UpcomingView>().unwrap().data.rows[0].clone();
    let at = find(&mut app, 120, 40, &first.schedule);
    press(&mut app, [wheel_down(at)]);
    assert_eq!(app.layers.get::<UpcomingView>().unwrap().pos.sel, 3);
    // A click selects the run under it; Enter goes there.
    let (x, y) = find(&mut app, 120, 40, "weekend full");
    press(&mut app, [click((x, y))]);
    let view = app.layers.get::<UpcomingView>().unwrap();
    assert_eq!(view.data.rows[view.pos.sel].schedule, "weekend full");
    press(&mut app, [key(KeyCode::Enter)]);
    assert_eq!(app.selected_schedule().unwrap().name, "weekend full");

    // The help scrolls under the wheel.
    press(&mut app, [ch('?')]);
    let at = find(&mut app, 80, 24, "new schedule");
    press(&mut app, [wheel_down(at)]);
    assert_eq!(app.layers.get::<Help>().unwrap().pos.offset, 3);
}

#[test]
fn a_click_on_a_weekday_in_the_form_toggles_it() {
    let mut app = loaded();
    press(&mut app, [ch('n')]);
    let form = |app: &App| app.layers.get::<Form>().unwrap().days;
    assert!(!form(&app).contains(Day::Sat));
    let at = find(&mut app, 80, 24, "]Sat");
    // The box of the day: its "[", or its name.
    press(&mut app, [click((at.0 - 2, at.1))]);
    assert!(form(&app).contains(Day::Sat));
    press(&mut app, [click((at.0 + 2, at.1))]);
    assert!(!form(&app).contains(Day::Sat));
    let mon = form(&app).contains(Day::Mon);
    let at = find(&mut app, 80, 24, "]Mon");
    press(&mut app, [click((at.0, at.1))]);
    assert_ne!(form(&app).contains(Day::Mon), mon);
    // The gap between two days toggles nothing.
    let before = form(&app);
    let at = find(&mut app, 80, 24, "]Tue");
    press(&mut app, [click((at.0 + 4, at.1))]);
    assert_eq!(form(&app), before);
}

#[test]
fn mouse_false_in_the_config_turns_it_off() {
    let dir = tempfile::tempdir().unwrap();
    let env = |k: &str| match k {
        "BSCHED_DATA_DIR" => Some(dir.path().join("data").display().to_string()),
        _ => None,
    };
    let p = dir.path().join("config.toml");
    std::fs::write(&p, "").unwrap();
    let on = bsched::config::resolve(Some(&p), None, &env).unwrap();
    assert!(on.mouse, "on unless turned off");
    std::fs::write(&p, "mouse = false\n").unwrap();
    let off = bsched::config::resolve(Some(&p), None, &env).unwrap();
    assert!(!off.mouse);
    std::fs::write(&p, "mouse = \"no\"\n").unwrap();
    assert!(bsched::config::resolve(Some(&p), None, &env).is_err());
}

/// The real binary in a pseudo-terminal: whether it took the mouse (crossterm's capture
/// turns on `?1000h`), and whether the last word it sent about the mouse gave it back.
fn mouse_state(pty: &common::pty::Pty) -> (bool, bool) {
    let raw = String::from_utf8_lossy(&pty.raw.lock().unwrap()).into_owned();
    let on = raw.rfind("\u{1b}[?1000h");
    let off = raw.rfind("\u{1b}[?1000l");
    (on.is_some(), on.is_none() || off > on)
}

fn logged_in_env(bg: &common::Background) -> Vec<(&'static str, String)> {
    vec![
        ("BSCHED_URL", bg.emu.url()),
        ("BSCHED_USERNAME", bsched::emulator::DEMO_USER.to_string()),
        (
            "BSCHED_PASSWORD",
            bsched::emulator::DEMO_PASSWORD.to_string(),
        ),
    ]
}

#[test]
fn the_real_terminal_gets_the_mouse_a_click_selects_and_quitting_gives_it_back() {
    let bg = common::Background::start();
    let mut pty = common::pty::Pty::logged_in(&bg);
    let text = pty.wait_for("the server list", |t| {
        t.contains("web-1") && t.contains("Servers")
    });
    assert_eq!(mouse_state(&pty), (true, false), "the mouse is taken");
    // A click (SGR report, 1-based) on the last server's row selects it: the schedules
    // pane's title names it.
    let last = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with('│'))
        .filter_map(|(y, l)| {
            let name = l.trim_start_matches('│').split_whitespace().next()?;
            (name != "NAME").then(|| (y, name.to_string()))
        })
        .last()
        .expect("a server row");
    assert!(
        !text
            .lines()
            .nth(1)
            .is_some_and(|l| l.contains(&format!("┐┌ {}", last.1))),
        "another server is selected first:\n{text}"
    );
    pty.send(&format!("\u{1b}[<0;3;{}M", last.0 + 1));
    pty.wait_for("the clicked server's schedules", |t| {
        t.lines()
            .nth(1)
            .is_some_and(|l| l.contains(&format!("┐┌ {}", last.1)))
    });
    pty.send("q");
    assert!(pty.wait_exit());
    pty.assert_restored();
    assert_eq!(mouse_state(&pty), (true, true), "given back on quit");
}

#[test]
fn a_panic_gives_the_mouse_back_too() {
    let bg = common::Background::start();
    let mut env = logged_in_env(&bg);
    env.push(("BSCHED_CRASH_DRILL", "1".into()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut pty = common::pty::Pty::spawn(&env);
    assert!(!pty.wait_exit(), "a panic is a failure exit");
    pty.assert_restored();
    assert_eq!(mouse_state(&pty), (true, true));
}

#[test]
fn mouse_false_leaves_the_mouse_to_the_terminal() {
    let bg = common::Background::start();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "mouse = false\n").unwrap();
    let mut env = logged_in_env(&bg);
    env.push(("BSCHED_CONFIG", config.display().to_string()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut pty = common::pty::Pty::spawn(&env);
    pty.wait_for("the server list", |t| t.contains("web-1"));
    pty.send("q");
    assert!(pty.wait_exit());
    assert_eq!(mouse_state(&pty), (false, true), "never taken");
}

#[test]
fn ctrl_z_gives_the_mouse_back_and_fg_takes_it_again() {
    let bg = common::Background::start();
    let mut pty = common::pty::Pty::logged_in(&bg);
    pty.wait_for("the server list", |t| {
        t.contains("web-1") && t.contains("Servers")
    });
    let mark = pty.raw_len();
    pty.send("\u{1a}");
    pty.wait_raw("Ctrl+Z to leave the alternate screen", mark, |r| {
        r.contains("\u{1b}[?1049l")
    });
    pty.wait_stopped();
    assert_eq!(mouse_state(&pty), (true, true), "given back while stopped");
    let mark = pty.raw_len();
    pty.signal("CONT");
    pty.wait_raw("fg to take the mouse again", mark, |r| {
        r.contains("\u{1b}[?1000h")
    });
    assert_eq!(mouse_state(&pty), (true, false));
    pty.send("q");
    assert!(pty.wait_exit());
    pty.assert_restored();
    assert_eq!(mouse_state(&pty), (true, true));
}
