//! Snapshots of the screen from ratatui's TestBackend at several sizes.

use crate::common;

use bsched::api::ApiError;
use bsched::tui::app::App;
use bsched::tui::msg::Msg;
use bsched::tui::ui::Theme;
use common::tui::*;
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};

fn draw(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| app.draw(Theme::new(true), f)).unwrap();
    t
}

fn screen(app: &App, w: u16, h: u16) -> String {
    draw(app, w, h).backend().to_string()
}

#[test]
fn server_list() {
    let mut app = loaded();
    press(&mut app, [ch('j')]);
    insta::assert_snapshot!("server_list_80x24", screen(&app, 80, 24));
    insta::assert_snapshot!("server_list_120x40", screen(&app, 120, 40));
}

#[test]
fn empty_server() {
    let mut app = loaded();
    press(&mut app, [ch('G')]);
    insta::assert_snapshot!("empty_server_80x24", screen(&app, 80, 24));
}

#[test]
fn loading() {
    let mut app = App::new(
        bsched::tui::app::Session::new("demo@bsched.test", "127.0.0.1:8765"),
        Default::default(),
    );
    app.init();
    insta::assert_snapshot!("loading_80x24", screen(&app, 80, 24));
}

#[test]
fn error_notice() {
    let mut app = loaded();
    press(&mut app, [key(KeyCode::Tab), ch('d'), ch('y')]);
    app.update(Msg::Deleted {
        instance: 1,
        id: 301,
        result: Err(ApiError::Timeout(30)),
    });
    insta::assert_snapshot!("error_notice_80x24", screen(&app, 80, 24));
}

#[test]
fn form_fresh_and_invalid() {
    let mut app = loaded();
    press(&mut app, [ch('n')]);
    insta::assert_snapshot!("form_fresh_80x24", screen(&app, 80, 24));
    press(&mut app, [key(KeyCode::Enter)]);
    insta::assert_snapshot!("form_invalid_80x24", screen(&app, 80, 24));
    insta::assert_snapshot!("form_invalid_120x40", screen(&app, 120, 40));
}

#[test]
fn delete_dialog() {
    let mut app = loaded();
    press(&mut app, [ch('j'), key(KeyCode::Tab), ch('d')]);
    insta::assert_snapshot!("delete_dialog_80x24", screen(&app, 80, 24));
}

#[test]
fn help() {
    let mut app = loaded();
    press(&mut app, [ch('?')]);
    insta::assert_snapshot!("help_120x40", screen(&app, 120, 40));
}

#[test]
fn a_remapped_keymap_shows_in_the_help_footer_and_dialogs() {
    let mut app = loaded_with(remapped());
    let main = screen(&app, 120, 40);
    assert!(
        main.contains("x delete") && main.contains("Ctrl+q quit"),
        "{main}"
    );
    insta::assert_snapshot!("remapped_main_120x40", main);
    press(&mut app, [ch('h')]);
    let help = screen(&app, 120, 40);
    assert!(help.contains("Ctrl+s / Esc"), "the form's keys too: {help}");
    insta::assert_snapshot!("remapped_help_120x40", help);
    press(&mut app, [key(KeyCode::Esc), key(KeyCode::Tab), ch('x')]);
    let dialog = screen(&app, 80, 24);
    assert!(
        dialog.contains(" o ") && dialog.contains(" c/Esc "),
        "{dialog}"
    );
    insta::assert_snapshot!("remapped_delete_dialog_80x24", dialog);
    press(&mut app, [key(KeyCode::Esc), ch('a')]);
    insta::assert_snapshot!("remapped_form_80x24", screen(&app, 80, 24));
}

#[test]
fn too_small() {
    let app = loaded();
    insta::assert_snapshot!("too_small_40x10", screen(&app, 40, 10));
}

#[test]
fn tiny_and_odd_sizes_never_panic() {
    let mut app = loaded();
    press(&mut app, [ch('n')]);
    for (w, h) in [
        (1, 1),
        (2, 1),
        (10, 3),
        (30, 8),
        (59, 15),
        (60, 16),
        (61, 17),
        (200, 60),
    ] {
        draw(&app, w, h);
    }
}

#[test]
fn set_days_are_marked_and_unset_dim() {
    let app = loaded();
    let t = draw(&app, 120, 40);
    let buf = t.backend().buffer();
    // Find the "nightly" row of the schedule pane and its Monday and Saturday cells.
    let (x0, y) = (0..40)
        .flat_map(|y| (0..117).map(move |x| (x, y)))
        .find(|&(x, y)| {
            buf[(x, y)].symbol() == "n"
                && buf[(x + 1, y)].symbol() == "i"
                && buf[(x + 2, y)].symbol() == "g"
        })
        .expect("nightly row");
    let row: String = (x0..120)
        .map(|x| buf[(x, y)].symbol().to_string())
        .collect();
    let mo = x0 + row.find("Mo").unwrap() as u16;
    assert_eq!(buf[(mo, y)].fg, Color::Green);
    assert!(buf[(mo, y)].modifier.contains(Modifier::BOLD));
    let dot = x0 + row.find('·').unwrap() as u16;
    assert!(buf[(dot, y)].modifier.contains(Modifier::DIM));
}

#[test]
fn no_color_uses_no_colours() {
    let app = loaded();
    let mut t = Terminal::new(TestBackend::new(120, 40)).unwrap();
    t.draw(|f| app.draw(Theme::new(false), f)).unwrap();
    let buf = t.backend().buffer();
    assert!(
        buf.content()
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
    );
}

#[test]
fn ten_thousand_servers_render_only_visible_rows() {
    let mut app = App::new(bsched::tui::app::Session::new("a", "h"), Default::default());
    let cmds = app.init();
    let bsched::tui::msg::Cmd::LoadInstances { req } = cmds[0] else {
        panic!()
    };
    let many: Vec<_> = (0..10_000)
        .map(|i| server(i, &format!("srv-{i:05}")))
        .collect();
    app.update(Msg::Instances {
        req,
        result: Ok(many),
    });
    press(&mut app, [ch('G')]);
    let text = screen(&app, 80, 24);
    assert!(text.contains("srv-09999"), "{text}");
    assert!(!text.contains("srv-00000"));
}

#[test]
fn refreshing_keeps_rows_with_a_spinner_and_an_age() {
    let mut app = loaded();
    app.now += jiff::SignedDuration::from_secs(12);
    press(&mut app, [ch('r')]);
    let text = screen(&app, 80, 24);
    insta::assert_snapshot!("refreshing_80x24", text);
    assert!(text.contains("updated 12s ago") && text.contains("nightly"));
}

#[test]
fn login_screen() {
    let url = bsched::api::checked_url("https://my.example.test/billmgr").unwrap();
    let mut app = App::login_screen(bsched::api::ClientConfig::new(url), Default::default());
    insta::assert_snapshot!("login_fresh_80x24", screen(&app, 80, 24));
    press(&mut app, typed("me@example.test"));
    press(&mut app, [key(KeyCode::Tab)]);
    press(&mut app, typed("hunter2"));
    press(&mut app, [key(KeyCode::Enter)]);
    app.update(Msg::LoggedIn {
        result: Err(ApiError::Auth("invalid username or password".into())),
    });
    let text = screen(&app, 80, 24);
    assert!(!text.contains("hunter2"), "the password is masked");
    insta::assert_snapshot!("login_refused_80x24", text);
    press(&mut app, [key(KeyCode::Enter)]);
    let cfg = bsched::api::ClientConfig::new(
        bsched::api::checked_url("https://my.example.test/billmgr").unwrap(),
    );
    app.update(Msg::LoggedIn {
        result: Ok(bsched::tui::msg::LoggedIn {
            host: "my.example.test".into(),
            account: String::new(),
            settings: cfg,
            needs_code: true,
        }),
    });
    press(&mut app, typed("123"));
    insta::assert_snapshot!("login_code_80x24", screen(&app, 80, 24));
}

#[test]
fn upcoming_view_and_heat_map() {
    let mut app = loaded();
    press(&mut app, [ch('t')]);
    insta::assert_snapshot!("upcoming_80x24", screen(&app, 80, 24));
    let wide = screen(&app, 120, 40);
    assert!(wide.contains("Starts per hour") && wide.contains("Busiest"));
    insta::assert_snapshot!("upcoming_120x40", wide);
}

#[test]
fn retention_dialog_and_its_confirmation() {
    let mut app = loaded();
    press(&mut app, [ch('R'), key(KeyCode::Down), key(KeyCode::Down)]);
    insta::assert_snapshot!("retention_80x24", screen(&app, 80, 24));
    press(&mut app, [key(KeyCode::Enter)]);
    let text = screen(&app, 80, 24);
    assert!(text.contains("Change from 5 to 3?"), "{text}");
    insta::assert_snapshot!("retention_confirm_80x24", text);
}

#[test]
fn a_dst_zone_warns_about_the_gap() {
    let mut app = loaded();
    app.session.zones.server = bsched::domain::timing::parse_zone("Europe/Kyiv").unwrap();
    // 2027-03-20: the next spring-forward (28 March, 03:00 → 04:00) is a week away.
    app.now = "2027-03-20T10:00:00Z".parse().unwrap();
    app.fleet.schedules.get_mut(&1).unwrap().list = Some(bsched::domain::ScheduleList {
        schedules: vec![sched(
            301,
            1,
            "nightly",
            bsched::domain::Weekdays::ALL,
            "03:30",
        )],
        backup_rotation: Some(5),
    });
    let text = screen(&app, 120, 40);
    assert!(text.contains("clocks go forward"), "{text}");
    assert!(
        text.contains("03:30 EET"),
        "the zone's abbreviation: {text}"
    );
    insta::assert_snapshot!("dst_warning_120x40", text);
}

#[test]
fn bulk_plan_screen() {
    let mut app = loaded();
    press(&mut app, [ch('*'), ch('A')]);
    press(&mut app, typed("nightly"));
    press(&mut app, [key(KeyCode::Tab), ch('w'), key(KeyCode::Tab)]);
    press(&mut app, typed("0200"));
    press(&mut app, [key(KeyCode::Tab)]);
    insta::assert_snapshot!("bulk_form_80x24", screen(&app, 80, 24));
    press(&mut app, typed("0300"));
    press(&mut app, [key(KeyCode::Enter)]);
    insta::assert_snapshot!("bulk_plan_80x24", screen(&app, 80, 24));
}

#[test]
fn every_size_from_1x1_to_30x8_draws_every_screen() {
    let mut screens = Vec::new();
    let app = loaded();
    screens.push(app);
    for keys in [
        vec![ch('n')],
        vec![ch('?')],
        vec![ch('t')],
        vec![ch('R')],
        vec![key(KeyCode::Tab), ch('d')],
        vec![ch('*'), ch('A'), ch('x'), key(KeyCode::Enter)],
    ] {
        let mut app = loaded();
        press(&mut app, keys);
        screens.push(app);
    }
    let url = bsched::api::checked_url("https://my.example.test/").unwrap();
    screens.push(App::login_screen(
        bsched::api::ClientConfig::new(url),
        Default::default(),
    ));
    for app in &screens {
        for w in 1..=30 {
            for h in 1..=8 {
                draw(app, w, h);
            }
        }
        for (w, h) in [(60, 16), (61, 17), (80, 24), (200, 60), (300, 5), (5, 300)] {
            draw(app, w, h);
        }
    }
}

#[test]
fn help_fits_a_small_terminal_in_two_columns() {
    let mut app = loaded();
    press(&mut app, [ch('?')]);
    let text = screen(&app, 80, 24);
    insta::assert_snapshot!("help_80x24", text);
    // Every binding is on screen, the last ones included.
    for word in [
        "next profile",
        "change journal",
        "quit, always",
        "In the form",
    ] {
        assert!(text.contains(word), "{word}: {text}");
    }
}

/// An app whose last server list came with the panel's server filter on `fields`.
fn with_panel_filter(fields: &[&str]) -> App {
    let mut app = loaded();
    let cmds = press(&mut app, [ch('r')]);
    let Some(bsched::tui::msg::Cmd::LoadInstances { req }) = cmds.first().cloned() else {
        panic!("{cmds:?}")
    };
    app.update(Msg::PanelFilter {
        req,
        fields: fields.iter().map(|f| f.to_string()).collect(),
    });
    answer(&mut app, cmds);
    app
}

#[test]
fn the_panel_filter_is_marked_on_every_view_of_the_server_list() {
    let app = with_panel_filter(&["datacenter"]);
    let narrow = screen(&app, 80, 24);
    assert!(narrow.contains("⚠ panel filter on"), "{narrow}");
    insta::assert_snapshot!("panel_filter_80x24", narrow);
    let wide = screen(&app, 120, 40);
    assert!(
        wide.contains("panel filter on: some servers may be hidden"),
        "{wide}"
    );
    insta::assert_snapshot!("panel_filter_120x40", wide);
    let wider = screen(&app, 160, 30);
    assert!(
        wider.contains("⚠ panel filter on (datacenter): some servers may be hidden"),
        "{wider}"
    );
    // The upcoming view covers the list: it carries the mark too.
    let mut up = with_panel_filter(&["datacenter"]);
    press(&mut up, [ch('t')]);
    let text = screen(&up, 80, 24);
    assert!(text.contains("⚠ panel filter on"), "{text}");
    // Off: no mark anywhere.
    let off = with_panel_filter(&[]);
    assert!(!screen(&off, 120, 40).contains("panel filter"));
    // Every size keeps the mark inside its border, down to the smallest layout.
    for w in 60..=80 {
        let text = screen(&app, w, 16);
        assert!(text.contains("⚠ panel filter on"), "{w}: {text}");
    }
}

#[test]
fn the_help_never_cuts_a_line_when_the_screen_has_room() {
    let mut app = loaded();
    press(&mut app, [ch('?')]);
    let km = app.keymap.clone();
    let mut rows: Vec<(String, String)> = km
        .help_rows()
        .into_iter()
        .map(|(k, d)| (k, d.to_string()))
        .collect();
    rows.push(("Ctrl+C".into(), "quit, always".into()));
    for (k, d) in bsched::tui::text::form_help(&km)
        .into_iter()
        .chain(bsched::tui::text::confirm_help(&km))
        .chain(bsched::tui::text::retention_help(&km))
        .chain(bsched::tui::text::plan_help(&km))
        .chain(bsched::tui::text::views_help(&km))
        .chain(bsched::tui::text::fields_help())
    {
        rows.push((k, d.to_string()));
    }
    // One column (200x80) and two (120x60): every key and its whole text, on one line.
    for (w, h) in [(200, 80), (120, 60)] {
        let text = screen(&app, w, h);
        for (k, d) in &rows {
            assert!(
                text.lines().any(|l| l.contains(&format!("{k}  {d}"))),
                "{w}x{h}: '{k}  {d}' is cut or missing:\n{text}"
            );
        }
    }
}

#[test]
fn a_help_line_too_long_for_a_small_terminal_ends_in_an_ellipsis() {
    let mut app = loaded();
    press(&mut app, [ch('?'), ch('G')]);
    let text = screen(&app, 80, 24);
    // The filter's completion row is wider than the box at 80 columns: it is shortened with
    // `…`, not cut off at the border.
    let row = text
        .lines()
        .find(|l| l.contains("Tab (filter)"))
        .unwrap_or_else(|| panic!("the row, scrolled to: {text}"));
    // (The backend quotes each line.)
    let row = row.trim_end().trim_end_matches('"');
    assert!(row.ends_with('│'), "inside the border: {row}");
    let inside = row.trim_end_matches('│').trim_end();
    assert!(inside.ends_with('…'), "{row}");
}
