//! Text fields by key replay: the same editing keys in the form's name, the login screen and
//! the servers filter, the caret drawn where text goes, pastes that never submit; and the
//! form's small correctness (stale messages, unchanged edits, a second schedule of one name,
//! the delete dialog's wrapping, notices that expire).

use bsched::tui::app::App;
use bsched::tui::layers::form::Form;
use bsched::tui::layers::login::LoginForm;
use bsched::tui::msg::{Cmd, Msg};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Position;

use crate::common::tui::{ch, key, loaded, press, typed};

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn alt(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT))
}

fn paste(s: &str) -> Msg {
    Msg::Paste(bsched::api::Secret::new(s))
}

fn form(app: &App) -> &Form {
    app.layers.get::<Form>().expect("the form is open")
}

/// The screen's text and where the terminal's caret is.
fn draw(app: &App, w: u16, h: u16) -> (String, Option<Position>) {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| app.draw(bsched::tui::ui::Theme::new(true), f))
        .unwrap();
    let b = t.backend();
    let caret = b.cursor_visible().then(|| b.cursor_position());
    (b.to_string(), caret)
}

/// The character drawn at `pos`.
fn cell(app: &App, w: u16, h: u16, pos: Position) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| app.draw(bsched::tui::ui::Theme::new(true), f))
        .unwrap();
    t.backend().buffer()[(pos.x, pos.y)].symbol().to_string()
}

#[test]
fn the_form_name_edits_at_the_caret_with_readline_keys_and_draws_it_there() {
    let mut app = loaded();
    press(&mut app, [ch('n')]);
    press(&mut app, typed("daily web backup"));
    press(&mut app, [ctrl('w')]);
    assert_eq!(form(&app).name, "daily web ");
    press(&mut app, [ctrl('a')]);
    press(&mut app, typed("x-"));
    assert_eq!(form(&app).name, "x-daily web ");
    press(&mut app, [ctrl('e'), alt('b')]);
    assert_eq!(form(&app).name.cursor(), 8, "a word back: before `web`");
    // The caret is drawn on the `w` of `web`, where the next character goes.
    let (_, caret) = draw(&app, 80, 24);
    let caret = caret.expect("a caret in the name field");
    assert_eq!(cell(&app, 80, 24, caret), "w");
    press(&mut app, [key(KeyCode::Home)]);
    let (_, home) = draw(&app, 80, 24);
    assert_eq!(home.unwrap().x + 8, caret.x);
    assert_eq!(cell(&app, 80, 24, home.unwrap()), "x");
    press(&mut app, [ctrl('k')]);
    assert_eq!(form(&app).name, "");
    // Keys the form gives another meaning outside the name are text in it.
    press(&mut app, typed("wax"));
    assert_eq!(form(&app).name, "wax");
    assert!(form(&app).days.is_empty(), "w, a and x did not set days");
    // Elsewhere in the form there is no caret.
    press(&mut app, [key(KeyCode::Tab)]);
    assert_eq!(draw(&app, 80, 24).1, None);
}

#[test]
fn a_paste_goes_into_the_focused_field_as_one_line_and_never_submits() {
    let mut app = loaded();
    // Nothing focused: a paste does nothing.
    assert!(press(&mut app, [paste("web\n")]).is_empty());
    assert!(app.layers.is_empty() && app.fleet.filter.is_empty());

    // The filter being typed takes it, and stays open.
    press(&mut app, [ch('/')]);
    assert!(press(&mut app, [paste("db\r\n")]).is_empty());
    assert_eq!(app.fleet.filter, "db");
    assert!(
        app.panes.filter_editing,
        "Enter in a paste does not close it"
    );
    assert_eq!(app.fleet.visible.len(), 1);
    press(&mut app, [ctrl('u')]);
    assert_eq!(app.fleet.filter, "");
    press(&mut app, typed("web"));
    press(&mut app, [key(KeyCode::Left), key(KeyCode::Left), ch('X')]);
    assert_eq!(app.fleet.filter, "wXeb", "typed at the caret");
    let (text, caret) = draw(&app, 80, 24);
    assert!(text.contains(" / wXeb"), "{text}");
    assert_eq!(cell(&app, 80, 24, caret.unwrap()), "e");
    press(&mut app, [key(KeyCode::Esc)]);

    // A view takes no paste, and nothing under it does.
    press(
        &mut app,
        [ch('/'), paste("db"), key(KeyCode::Enter), ch('t')],
    );
    press(&mut app, [paste("web")]);
    assert_eq!(
        app.fleet.filter, "db",
        "the filter under the view is untouched"
    );
    press(&mut app, [ch('t'), ch('/'), ctrl('u'), key(KeyCode::Esc)]);
    assert!(app.layers.is_empty() && app.fleet.filter.is_empty());

    // The form's name: line breaks and controls dropped, nothing sent.
    press(&mut app, [ch('n')]);
    let cmds = press(&mut app, [paste("night\nly\t\u{1b}[2J\n")]);
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(form(&app).name, "nightly[2J");
    assert!(!form(&app).saving);
    // On a checkbox row a paste does nothing.
    press(&mut app, [key(KeyCode::Tab)]);
    press(&mut app, [paste("1234567")]);
    assert!(form(&app).days.is_empty());
    assert_eq!(form(&app).name, "nightly[2J");
    // A paste past the limit is cut, and says so.
    press(&mut app, [key(KeyCode::BackTab)]);
    press(&mut app, [paste(&"ж".repeat(200))]);
    assert_eq!(form(&app).name.value().chars().count(), 100);
    assert!(form(&app).error.as_deref().unwrap().contains("at most 100"));
}

#[test]
fn the_login_fields_edit_alike_and_the_password_shows_no_characters() {
    let url = bsched::api::checked_url("https://my.example.test/billmgr").unwrap();
    let mut app = App::login_screen(bsched::api::ClientConfig::new(url), Default::default());
    press(&mut app, typed("me@example.test"));
    press(&mut app, [alt('b'), ctrl('w')]);
    let login = app.layers.get::<LoginForm>().unwrap();
    assert_eq!(login.username, "example.test", "Ctrl+W took `me@`");
    press(&mut app, [key(KeyCode::Tab)]);
    press(&mut app, [paste("Sup3r\nS3cret\n")]);
    let login = app.layers.get::<LoginForm>().unwrap();
    assert_eq!(login.password_mask(), "•".repeat(11));
    assert!(!login.busy, "a paste did not press Enter");
    let (text, caret) = draw(&app, 80, 24);
    assert!(
        !text.contains("Sup3r") && !text.contains("S3cret"),
        "{text}"
    );
    assert!(!format!("{app:?}").contains("S3cret"), "no secret in Debug");
    // The caret sits after the eleventh dot.
    let caret = caret.unwrap();
    assert_eq!(cell(&app, 80, 24, Position::new(caret.x - 1, caret.y)), "•");
    assert_eq!(cell(&app, 80, 24, caret), " ");
    // Ctrl+U clears the password; a new one is typed.
    press(&mut app, [ctrl('u')]);
    press(&mut app, typed("pw"));
    let cmds = press(&mut app, [key(KeyCode::Enter)]);
    let [Cmd::Login { cfg }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(cfg.password.as_ref().unwrap().expose(), "pw");
    assert_eq!(cfg.username.as_deref(), Some("example.test"));
}

#[test]
fn a_stale_message_clears_as_the_user_types() {
    let mut app = loaded();
    press(&mut app, [ch('n'), key(KeyCode::Enter)]);
    assert!(form(&app).error.is_some(), "an empty name is refused");
    press(&mut app, [ch('a')]);
    assert_eq!(form(&app).error, None, "typing clears it");
    press(&mut app, [key(KeyCode::Enter)]);
    assert!(form(&app).error.is_some(), "no day set");
    press(&mut app, [key(KeyCode::Tab)]);
    assert!(form(&app).error.is_some(), "moving alone keeps it");
    press(&mut app, [ch('1')]);
    assert_eq!(form(&app).error, None, "setting a day clears it");
}

#[test]
fn an_edit_that_changes_nothing_sends_nothing_and_says_so() {
    let mut app = loaded();
    press(&mut app, [key(KeyCode::Tab), ch('e')]);
    assert_eq!(form(&app).name, "nightly");
    let cmds = press(&mut app, [key(KeyCode::Enter)]);
    assert!(cmds.is_empty(), "{cmds:?}");
    assert!(!app.layers.is_open::<Form>());
    let notice = app.notice.as_ref().unwrap();
    assert!(!notice.error);
    assert!(
        notice.text.starts_with("Nothing changed"),
        "{}",
        notice.text
    );
    // A real change is sent.
    press(&mut app, [ch('e')]);
    press(&mut app, typed("-2"));
    let cmds = press(&mut app, [key(KeyCode::Enter)]);
    assert!(matches!(cmds.as_slice(), [Cmd::Edit { .. }]), "{cmds:?}");
}

#[test]
fn a_second_schedule_of_one_name_is_warned_about_but_not_refused() {
    let mut app = loaded();
    press(&mut app, [ch('n')]);
    press(&mut app, typed("nightl"));
    assert!(!draw(&app, 80, 24).0.contains("already has a schedule"));
    press(&mut app, typed("y"));
    assert!(form(&app).same_name(&app));
    let (text, _) = draw(&app, 80, 24);
    assert!(
        text.contains("already has a schedule with this name"),
        "{text}"
    );
    press(&mut app, [key(KeyCode::Tab), ch('1')]);
    let cmds = press(&mut app, [key(KeyCode::Enter)]);
    assert!(matches!(cmds.as_slice(), [Cmd::Create { .. }]), "{cmds:?}");
}

#[test]
fn the_delete_dialog_wraps_long_text_inside_itself() {
    let mut app = loaded();
    let long = "weekly full backup of the accounting database before the month end closing run";
    let list = app
        .fleet
        .schedules
        .get_mut(&1)
        .unwrap()
        .list
        .as_mut()
        .unwrap();
    list.schedules[0].name = long.into();
    press(&mut app, [key(KeyCode::Tab), ch('d')]);
    let (text, _) = draw(&app, 60, 20);
    for part in ["weekly full backup", "closing run"] {
        assert!(text.contains(part), "{part}: {text}");
    }
    // Every line of the dialog ends at its right border.
    let rows: Vec<&str> = text.lines().filter(|l| l.contains("closing run")).collect();
    assert_eq!(rows.len(), 1);
    assert!(
        rows[0].trim_end_matches(['"', ' ']).ends_with('│'),
        "{}",
        rows[0]
    );
}

#[test]
fn notices_expire_by_the_clock_errors_later() {
    let mut app = loaded();
    // One profile: P says how to add another (an error).
    press(&mut app, [ch('P')]);
    assert!(app.notice.as_ref().unwrap().error);
    let t0 = app.now;
    app.now = t0 + jiff::SignedDuration::from_secs(10);
    app.update(Msg::Tick);
    assert!(app.notice.is_some(), "an error stays longer than 6 s");
    app.now = t0 + jiff::SignedDuration::from_secs(16);
    app.update(Msg::Tick);
    assert!(app.notice.is_none(), "gone after 15 s");
    // An information goes after 6 s, whatever message comes (not only ticks).
    press(&mut app, [key(KeyCode::Tab), ch('e'), key(KeyCode::Enter)]);
    assert!(!app.notice.as_ref().unwrap().error);
    app.now += jiff::SignedDuration::from_secs(5);
    app.update(Msg::Resize {
        width: 80,
        height: 24,
    });
    assert!(app.notice.is_some());
    app.now += jiff::SignedDuration::from_secs(2);
    app.update(Msg::Resize {
        width: 80,
        height: 24,
    });
    assert!(app.notice.is_none());
}

/// The real binary in a pseudo-terminal: bracketed paste is turned on and off again, and a
/// pasted line with its line break fills a login field without pressing Enter.
#[test]
fn a_paste_in_a_real_terminal_fills_the_field_and_submits_nothing() {
    use crate::common::Background;
    use crate::common::pty::Pty;
    use bsched::emulator::{DEMO_PASSWORD, DEMO_TOTP_CODE, DEMO_TOTP_USER};

    let bg = Background::start();
    let url = bg.emu.url();
    let mut pty = Pty::spawn(&[("BSCHED_URL", &url)]);
    pty.wait_for("the login screen", |t| t.contains("log in"));
    pty.wait_raw("bracketed paste on", 0, |raw| raw.contains("\u{1b}[?2004h"));
    pty.send(&format!("\u{1b}[200~{DEMO_TOTP_USER}\r\n\u{1b}[201~"));
    let t = pty.wait_for("the pasted username", |t| t.contains(DEMO_TOTP_USER));
    assert!(
        !t.contains("Enter the password"),
        "nothing was submitted: {t}"
    );
    pty.send("\t");
    pty.send(&format!("\u{1b}[200~{DEMO_PASSWORD}\n\u{1b}[201~"));
    pty.send("\r");
    pty.wait_for("the code step", |t| t.contains("6-digit code"));
    pty.send(&format!("\u{1b}[200~ {DEMO_TOTP_CODE}\n\u{1b}[201~"));
    pty.wait_for("the pasted code", |t| t.contains(DEMO_TOTP_CODE));
    pty.send("\r");
    pty.wait_for("the server list", |t| t.contains("web-1"));
    pty.send("q");
    assert!(pty.wait_exit());
    pty.assert_restored();
    pty.wait_raw("bracketed paste off", 0, |raw| {
        raw.contains("\u{1b}[?2004l")
    });
}

/// `P` to a profile whose account asks for a code (its password is in the profile): the
/// screen asks for the code alone and says where Esc goes.
#[test]
fn the_code_only_login_after_a_profile_switch() {
    let mut app = loaded();
    app.session.profiles = vec!["default".into(), "work".into()];
    let cmds = press(&mut app, [ch('P')]);
    assert!(matches!(cmds.as_slice(), [Cmd::SwitchProfile { .. }]));
    let mut settings = bsched::api::ClientConfig::new(
        bsched::api::checked_url("https://my.example.test/").unwrap(),
    );
    settings.username = Some("ops@example.test".into());
    let info = bsched::tui::msg::SessionInfo {
        refresh: None,
        cache_key: None,
        cached: None,
        cache_error: None,
        profile: "work".into(),
        account: "ops@example.test".into(),
        host: "my.example.test".into(),
        zones: crate::common::tui::test_zones(),
        settings,
        needs_code: true,
        ignore: Default::default(),
    };
    assert!(
        app.update(Msg::Switched { result: Ok(info) }).is_empty(),
        "nothing loads before the code"
    );
    press(&mut app, typed("12"));
    let (text, caret) = draw(&app, 80, 24);
    insta::assert_snapshot!("login_code_only_80x24", text);
    assert_eq!(
        cell(&app, 80, 24, caret.unwrap()),
        " ",
        "after the two digits"
    );
    // Esc goes back: the executor is asked for the profile before.
    assert_eq!(
        press(&mut app, [key(KeyCode::Esc)]),
        vec![Cmd::Resume {
            profile: "default".into()
        }]
    );
    app.update(Msg::Resumed { result: Ok(()) });
    assert_eq!(app.session.profile, "default");
    assert_eq!(app.fleet.servers().len(), 5, "the fleet as it was");
    assert!(app.layers.is_empty());
}

/// A save refused because the session ended: the login opens above the form, and the
/// background loads wait for the new session instead of failing one after another.
#[test]
fn loads_wait_while_the_login_asks_for_the_session() {
    let url = bsched::api::checked_url("https://my.example.test/").unwrap();
    let mut cfg = bsched::api::ClientConfig::new(url);
    cfg.username = Some("me@example.test".into());
    let mut app = App::new(
        bsched::tui::app::Session::new("me@example.test", "my.example.test"),
        Default::default(),
    );
    app.session.settings = Some(cfg);
    app.now = crate::common::tui::test_now();
    let Cmd::LoadInstances { req } = app.init()[0] else {
        panic!()
    };
    let cmds = app.update(Msg::Instances {
        req,
        result: Ok(crate::common::tui::servers()),
    });
    let [Cmd::LoadSchedules { instance, req }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let (instance, req) = (*instance, *req);
    press(&mut app, [ch('n')]);
    press(&mut app, typed("x"));
    press(&mut app, [key(KeyCode::Tab), ch('1')]);
    let cmds = press(&mut app, [key(KeyCode::Enter)]);
    assert!(matches!(cmds.as_slice(), [Cmd::Create { .. }]), "{cmds:?}");
    let cmds = app.update(Msg::Saved {
        instance: 1,
        result: Err(bsched::api::ApiError::Auth("the session expired".into())),
    });
    assert_eq!(
        cmds,
        vec![Cmd::Renew {
            profile: "default".into()
        }]
    );
    assert!(app.layers.is_open::<LoginForm>() && app.layers.is_open::<Form>());
    // The load in flight answers; nothing more is sent while the login is open.
    let cmds = app.update(Msg::Schedules {
        instance,
        req,
        result: Ok(crate::common::tui::schedules_of(instance)),
    });
    assert!(cmds.is_empty(), "{cmds:?}");
    // Logged in again: the form is there, and the loads go on.
    let cmds = app.update(Msg::Renewed {
        result: Some(Ok(bsched::tui::msg::LoggedIn {
            host: "my.example.test".into(),
            account: "me@example.test".into(),
            settings: app.session.settings.clone().unwrap(),
            needs_code: false,
        })),
    });
    assert!(!app.layers.is_open::<LoginForm>());
    assert_eq!(form(&app).name, "x");
    assert!(
        cmds.iter().any(|c| matches!(c, Cmd::LoadInstances { .. })),
        "{cmds:?}"
    );
}

/// Two megabytes of text a field must filter: letters, two-byte letters, line breaks, tabs,
/// an escape sequence and a bidi override, over and over.
fn huge_paste() -> String {
    let piece = "ab\nж\t\u{1b}[2J\u{202e}7";
    piece.repeat(2_000_000 / piece.len() + 1)
}

/// A field of limit `cap` holding `start`, the caret one character before its end: a paste of
/// `cap` letters fills it to the limit at the caret (the caret after the pasted text); a huge
/// paste and a typed character change nothing more.
fn fills_to_the_cap(
    app: &mut App,
    cap: usize,
    field: impl Fn(&App) -> (String, usize),
    letter: char,
) {
    let (start, cursor) = field(app);
    let n = start.chars().count();
    assert_eq!(cursor, n - 1, "the caret before the last character");
    let last = start.chars().last().unwrap();
    press(app, [paste(&letter.to_string().repeat(cap + 10))]);
    let (value, cursor) = field(app);
    let head: String = start.chars().take(n - 1).collect();
    let want = format!("{head}{}{last}", letter.to_string().repeat(cap - n));
    assert_eq!(value, want, "filled to the limit of {cap} at the caret");
    assert_eq!(cursor, cap - 1, "the caret after the pasted text");
    press(app, [paste(&huge_paste())]);
    assert_eq!(
        field(app),
        (want.clone(), cap - 1),
        "a full field takes no more"
    );
    press(app, [ch(letter)]);
    assert_eq!(
        field(app),
        (want, cap - 1),
        "typing past the limit is refused"
    );
    // Emptied, the field takes a huge paste cut to its limit, filtered.
    press(app, [ctrl('u'), ctrl('k')]);
    assert_eq!(field(app), (String::new(), 0));
    press(app, [paste(&huge_paste())]);
    let (value, cursor) = field(app);
    assert_eq!(value.chars().count(), cap, "{value:?}");
    assert_eq!(cursor, cap);
    assert!(
        !value.chars().any(|c| c.is_control() || c == '\u{202e}'),
        "{value:?}"
    );
}

#[test]
fn a_huge_paste_fills_each_field_to_its_limit_at_the_caret() {
    // The filter: 500 characters.
    let mut app = loaded();
    press(&mut app, [ch('/')]);
    press(&mut app, typed("db"));
    press(&mut app, [key(KeyCode::Left)]);
    let filter = |app: &App| (app.fleet.filter.clone(), app.panes.filter_input.cursor());
    fills_to_the_cap(&mut app, 500, filter, 'x');
    assert!(app.panes.filter_editing);

    // The form's name: 100.
    let mut app = loaded();
    press(&mut app, [ch('n')]);
    press(&mut app, typed("db"));
    press(&mut app, [key(KeyCode::Left)]);
    let name = |app: &App| (form(app).name.value().to_string(), form(app).name.cursor());
    fills_to_the_cap(&mut app, 100, name, 'x');

    // The login screen: URL 2048, username and password 1024 each.
    let url = bsched::api::checked_url("https://my.example.test/billmgr").unwrap();
    let mut app = App::login_screen(bsched::api::ClientConfig::new(url), Default::default());
    let focused = |app: &App| {
        let f = app.layers.get::<LoginForm>().unwrap().focused();
        (f.value().to_string(), f.cursor())
    };
    press(&mut app, [key(KeyCode::BackTab), key(KeyCode::Left)]);
    fills_to_the_cap(&mut app, 2048, focused, 'x');
    press(&mut app, [key(KeyCode::Tab)]);
    press(&mut app, typed("me"));
    press(&mut app, [key(KeyCode::Left)]);
    fills_to_the_cap(&mut app, 1024, focused, 'x');
    press(&mut app, [key(KeyCode::Tab)]);
    press(&mut app, typed("pw"));
    press(&mut app, [key(KeyCode::Left)]);
    fills_to_the_cap(&mut app, 1024, focused, 'x');
    let login = app.layers.get::<LoginForm>().unwrap();
    assert_eq!(login.password_mask().chars().count(), 1024);

    // The one-time code: six digits.
    let url = bsched::api::checked_url("https://my.example.test/billmgr").unwrap();
    let mut code = LoginForm::new(bsched::api::ClientConfig::new(url));
    code.ask_code();
    code.paste("12");
    code.on_key(&KeyEvent::new(KeyCode::Left, KeyModifiers::NONE));
    code.paste(&huge_paste());
    assert_eq!(
        code.code(),
        "127272",
        "digits only (the `2` of `[2J` too), at the caret, cut at six"
    );
    assert_eq!(code.code_field().cursor(), 5);
    code.on_key(&KeyEvent::new(KeyCode::Char('3'), KeyModifiers::NONE));
    assert_eq!(code.code(), "127272", "a seventh digit is refused");
}

#[test]
fn a_notice_too_long_for_the_status_line_ends_in_an_ellipsis_at_80_columns() {
    let mut app = loaded();
    let list = app
        .fleet
        .schedules
        .get_mut(&1)
        .unwrap()
        .list
        .as_mut()
        .unwrap();
    list.schedules[0].name = "weekly full backup of the accounting database".into();
    press(&mut app, [key(KeyCode::Tab), ch('e'), key(KeyCode::Enter)]);
    let notice = &app.notice.as_ref().expect("a notice").text;
    assert!(notice.ends_with("nothing was sent."), "{notice}");
    let (text, _) = draw(&app, 80, 24);
    let status = text
        .lines()
        .find(|l| l.contains("Nothing changed"))
        .expect("the notice on the status line");
    let shown = status.trim_matches('"').trim_end();
    assert!(shown.ends_with('…'), "cut with a sign: {status}");
    assert!(shown.contains("'weekly full backup"), "{status}");
    assert_eq!(unicode_width::UnicodeWidthStr::width(shown), 80, "{status}");
    // A notice that fits is whole, without the sign.
    app.notice.as_mut().unwrap().text = "Copied.".into();
    let (text, _) = draw(&app, 80, 24);
    assert!(
        text.lines()
            .any(|l| l.trim_matches('"').trim_end() == " Copied."),
        "{text}"
    );
}
