//! Two-factor login without dead ends, by key replay against the emulator through the real
//! executor: `P` to a two-factor profile asks only for the code and Esc goes back as it was;
//! sessions are kept per profile; a session that ends under an open form logs in again and the
//! form saves.

use std::collections::HashMap;
use std::path::PathBuf;

use bsched::emulator::faults::{Fault, When};
use bsched::emulator::{DEMO_PASSWORD, DEMO_TOTP_CODE, DEMO_TOTP_USER, DEMO_USER, Emulator};
use bsched::tui::app::{App, Session};
use bsched::tui::keymap::Keymap;
use bsched::tui::layers::form::Form;
use bsched::tui::layers::login::LoginForm;
use bsched::tui::msg::Cmd;
use bsched::tui::worker::{Executor, Profiles};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::common;
use crate::common::tui::{ch, drive, key, press, typed};

/// A config file with profile `a` (a plain account) and `b` (two-factor, its password in the
/// file), and the environment that keeps every file of the run in `dir`.
fn setup(emu: &Emulator, dir: &tempfile::TempDir) -> (PathBuf, HashMap<String, String>) {
    let config = dir.path().join("config.toml");
    let url = emu.url();
    std::fs::write(
        &config,
        format!(
            "default_profile = \"a\"\n\
             [profiles.a]\nurl = \"{url}\"\nusername = \"{DEMO_USER}\"\npassword = \"{DEMO_PASSWORD}\"\n\
             [profiles.b]\nurl = \"{url}\"\nusername = \"{DEMO_TOTP_USER}\"\npassword = \"{DEMO_PASSWORD}\"\n"
        ),
    )
    .unwrap();
    let mut env = HashMap::new();
    env.insert(
        "BSCHED_DATA_DIR".to_string(),
        dir.path().join("data").display().to_string(),
    );
    (config, env)
}

/// Profiles `a` and `b` as [`setup`] writes them, then `extra` (more profile sections).
fn setup_with(
    emu: &Emulator,
    dir: &tempfile::TempDir,
    extra: &str,
) -> (PathBuf, HashMap<String, String>) {
    let (config, env) = setup(emu, dir);
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}{extra}")).unwrap();
    (config, env)
}

/// The TUI as `main` starts it on `profile`, with `a` and `b` to switch between.
fn start(
    config: &std::path::Path,
    env: &HashMap<String, String>,
    profile: &str,
) -> (App, Executor) {
    start_among(config, env, profile, &["a", "b"])
}

/// The TUI as `main` starts it on `profile`, with `profiles` to switch between.
fn start_among(
    config: &std::path::Path,
    env: &HashMap<String, String>,
    profile: &str,
    profiles: &[&str],
) -> (App, Executor) {
    let vars = env.clone();
    let lookup = move |k: &str| vars.get(k).cloned();
    let acc = bsched::account::open_profile(Some(config), None, profile, &lookup).unwrap();
    let mut app = App::new(
        Session::for_client(&acc.client, &acc.label),
        Keymap::default(),
    );
    app.session.profile = profile.into();
    app.session.profiles = profiles.iter().map(|p| p.to_string()).collect();
    app.now = jiff::Timestamp::now();
    let exec = Executor::new(Some(acc.client), Some(acc.journal))
        .with_profiles(Profiles {
            config: Some(config.to_path_buf()),
            run_profile: None,
        })
        .with_env(env.clone());
    (app, exec)
}

fn login(app: &App) -> Option<&LoginForm> {
    app.layers.get::<LoginForm>()
}

fn screen(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| app.draw(bsched::tui::ui::Theme::new(true), f))
        .unwrap();
    t.backend().to_string()
}

fn totp_logins(emu: &Emulator) -> u64 {
    emu.with(|w| w.logins_by_user.get(DEMO_TOTP_USER).copied().unwrap_or(0))
}

#[tokio::test]
async fn p_to_a_two_factor_profile_asks_only_for_the_code_and_esc_goes_back_as_it_was() {
    let emu = common::emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let (config, env) = setup(&emu, &dir);
    let (mut app, exec) = start(&config, &env, "a");
    let cmds = app.init();
    drive(&mut app, &exec, cmds).await;
    let servers = app.fleet.servers().len();
    assert!(servers > 2, "the fleet loaded");
    press(&mut app, [ch('j'), ch('j'), key(KeyCode::Tab)]);
    let (sel, pane) = (app.panes.server_sel, app.panes.pane);
    let selected = app.selected_server().unwrap().id;

    let cmds = press(&mut app, [ch('P')]);
    drive(&mut app, &exec, cmds).await;
    assert_eq!(app.session.profile, "b");
    let form = login(&app).expect("the code is asked");
    assert!(form.code_only && form.code_step, "{form:?}");
    let text = screen(&app);
    assert!(text.contains("6-digit code"), "{text}");
    assert!(text.contains("(from the profile)"), "{text}");
    assert!(
        !text.contains("No credentials are configured") && !text.contains("bsched login"),
        "no advice for another setup: {text}"
    );
    assert!(text.contains("Esc back to a"), "{text}");

    // Esc: back on profile a, as it was, and no quitting.
    let cmds = press(&mut app, [key(KeyCode::Esc)]);
    assert_eq!(
        cmds,
        vec![Cmd::Resume {
            profile: "a".into()
        }]
    );
    drive(&mut app, &exec, cmds).await;
    assert!(!app.quit, "Esc did not quit");
    assert!(login(&app).is_none(), "the login screen is gone");
    assert_eq!(app.session.profile, "a");
    assert_eq!(app.session.account, DEMO_USER);
    assert_eq!(app.fleet.servers().len(), servers, "its fleet as it was");
    assert_eq!((app.panes.server_sel, app.panes.pane), (sel, pane));
    assert_eq!(app.selected_server().unwrap().id, selected);

    // The executor is back on a's session: a refresh loads without logging in again.
    let logins = emu.logins();
    let cmds = press(&mut app, [ch('r')]);
    drive(&mut app, &exec, cmds).await;
    assert_eq!(emu.logins(), logins, "a's session was kept");
    assert!(
        app.notice.as_ref().is_none_or(|n| !n.error),
        "{:?}",
        app.notice
    );
    assert!(login(&app).is_none());
}

#[tokio::test]
async fn cycling_profiles_asks_for_the_code_once() {
    let emu = common::emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let (config, env) = setup(&emu, &dir);
    let (mut app, exec) = start(&config, &env, "a");
    let cmds = app.init();
    drive(&mut app, &exec, cmds).await;

    let cmds = press(&mut app, [ch('P')]);
    drive(&mut app, &exec, cmds).await;
    assert!(login(&app).is_some_and(|l| l.code_only));
    press(&mut app, typed("12a"));
    assert_eq!(login(&app).unwrap().code(), "12", "digits only");
    press(&mut app, [ctrl('u')]);
    press(&mut app, typed(DEMO_TOTP_CODE));
    let cmds = press(&mut app, [key(KeyCode::Enter)]);
    drive(&mut app, &exec, cmds).await;
    assert!(login(&app).is_none(), "logged in");
    assert_eq!(app.session.account, DEMO_TOTP_USER);
    assert!(!app.fleet.servers().is_empty());
    let asked = totp_logins(&emu);
    let whoami = |emu: &Emulator| emu.calls().iter().filter(|c| *c == "whoami").count();
    let checks = whoami(&emu);

    // a, then b again: b's session is kept, no code, no login.
    for (profile, account) in [("a", DEMO_USER), ("b", DEMO_TOTP_USER)] {
        let cmds = press(&mut app, [ch('P')]);
        drive(&mut app, &exec, cmds).await;
        assert_eq!(app.session.profile, profile);
        assert_eq!(app.session.account, account);
        assert!(login(&app).is_none(), "no login on {profile}");
        assert!(!app.fleet.servers().is_empty(), "{profile} loaded");
        assert!(
            app.notice.as_ref().is_none_or(|n| !n.error),
            "{profile}: {:?}",
            app.notice
        );
    }
    assert_eq!(
        totp_logins(&emu),
        asked,
        "the two-factor account logged in once"
    );
    assert_eq!(
        whoami(&emu),
        checks,
        "each profile's client was kept: no new session was asked about"
    );
}

#[tokio::test]
async fn a_session_that_ends_under_a_form_logs_in_again_and_the_form_saves() {
    let emu = common::emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let (config, env) = setup(&emu, &dir);
    // Started on the two-factor profile: only the code is asked, and Esc would quit.
    let (mut app, exec) = start(&config, &env, "b");
    let cmds = app.init();
    drive(&mut app, &exec, cmds).await;
    let form = login(&app).expect("the code is asked at start");
    assert!(form.code_only, "{form:?}");
    assert!(screen(&app).contains("Esc quit"));
    press(&mut app, typed(DEMO_TOTP_CODE));
    let cmds = press(&mut app, [key(KeyCode::Enter)]);
    drive(&mut app, &exec, cmds).await;
    assert!(login(&app).is_none());
    let server = app.selected_server().unwrap().id;

    // A new schedule is typed; the session ends before it is saved.
    press(&mut app, [ch('n')]);
    press(&mut app, typed("after-expiry"));
    press(&mut app, [key(KeyCode::Tab), ch('1')]);
    emu.push_fault(
        Fault::ExpireSessions,
        When::Before,
        Some("instances.fleio_bckps.schedule.edit"),
    );
    let cmds = press(&mut app, [key(KeyCode::Enter)]);
    drive(&mut app, &exec, cmds).await;
    let form = login(&app).expect("the login opens above the form");
    assert!(form.code_only, "only the code again: {form:?}");
    assert!(app.layers.is_open::<Form>(), "the form stays below");
    assert!(screen(&app).contains("Esc close"));

    press(&mut app, typed(DEMO_TOTP_CODE));
    let cmds = press(&mut app, [key(KeyCode::Enter)]);
    drive(&mut app, &exec, cmds).await;
    assert!(login(&app).is_none());
    let form = app.layers.get::<Form>().expect("the form is there again");
    assert_eq!(form.name, "after-expiry");
    assert_eq!(form.error, None, "the refusal is no longer so");

    let cmds = press(&mut app, [key(KeyCode::Enter)]);
    drive(&mut app, &exec, cmds).await;
    assert!(!app.layers.is_open::<Form>(), "saved");
    let listed = app.fleet.schedules_of(server).unwrap();
    assert!(
        listed.schedules.iter().any(|s| s.name == "after-expiry"),
        "{listed:?}"
    );
}

#[tokio::test]
async fn esc_on_the_login_after_an_expiry_closes_it_and_r_opens_it_again() {
    let emu = common::emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let (config, env) = setup(&emu, &dir);
    let (mut app, exec) = start(&config, &env, "b");
    let cmds = app.init();
    drive(&mut app, &exec, cmds).await;
    press(&mut app, typed(DEMO_TOTP_CODE));
    let cmds = press(&mut app, [key(KeyCode::Enter)]);
    drive(&mut app, &exec, cmds).await;
    emu.push_fault(Fault::ExpireSessions, When::Before, Some("instances"));
    let cmds = press(&mut app, [ch('r')]);
    drive(&mut app, &exec, cmds).await;
    assert!(login(&app).is_some_and(|l| l.code_only));
    press(&mut app, [key(KeyCode::Esc)]);
    assert!(!app.quit);
    assert!(login(&app).is_none());
    assert!(!app.fleet.servers().is_empty(), "what was loaded stays");
    assert!(
        app.notice
            .as_ref()
            .unwrap()
            .text
            .contains("r logs in again")
    );
    let cmds = press(&mut app, [ch('r')]);
    drive(&mut app, &exec, cmds).await;
    assert!(login(&app).is_some_and(|l| l.code_only), "asked again");
}

fn ctrl(c: char) -> bsched::tui::msg::Msg {
    bsched::tui::msg::Msg::Key(crossterm::event::KeyEvent::new(
        KeyCode::Char(c),
        crossterm::event::KeyModifiers::CONTROL,
    ))
}

/// Logs in on the code screen (the account asks for a one-time code).
async fn enter_code(app: &mut App, exec: &Executor) {
    press(app, typed(DEMO_TOTP_CODE));
    let cmds = press(app, [key(KeyCode::Enter)]);
    drive(app, exec, cmds).await;
    assert!(login(app).is_none(), "the code was taken");
}

fn notice(app: &App) -> String {
    app.notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

#[tokio::test]
async fn p_back_to_a_two_factor_profile_whose_kept_session_ended_asks_for_the_code_and_esc_goes_back()
 {
    let emu = common::emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let (config, env) = setup(&emu, &dir);
    // Started on b: the code, then the fleet.
    let (mut app, exec) = start(&config, &env, "b");
    let cmds = app.init();
    drive(&mut app, &exec, cmds).await;
    enter_code(&mut app, &exec).await;
    assert!(!app.fleet.servers().is_empty());

    // P to a, which loads; there the user moves about.
    let cmds = press(&mut app, [ch('P')]);
    drive(&mut app, &exec, cmds).await;
    assert_eq!(app.session.profile, "a");
    let servers = app.fleet.servers().len();
    assert!(servers > 2, "a loaded");
    press(&mut app, [ch('j'), ch('j'), key(KeyCode::Tab)]);
    let (sel, pane) = (app.panes.server_sel, app.panes.pane);
    let selected = app.selected_server().unwrap().id;

    // Every session ends; P back to b reuses its kept session, which fails on the first load.
    emu.push_fault(Fault::ExpireSessions, When::Before, Some("instances"));
    let cmds = press(&mut app, [ch('P')]);
    drive(&mut app, &exec, cmds).await;
    assert_eq!(app.session.profile, "b");
    let form = login(&app).expect("the login opens for b");
    assert!(
        form.code_only && form.code_step,
        "b has its password in the config: only the code is asked: {form:?}"
    );
    let text = screen(&app);
    assert!(text.contains("6-digit code"), "{text}");
    assert!(text.contains("Esc back to a"), "{text}");
    assert!(!text.contains("Esc quit"), "{text}");
    assert!(!text.contains("bsched login"), "no CLI advice: {text}");
    assert!(
        !notice(&app).contains("bsched login"),
        "no CLI advice in the status line: {}",
        notice(&app)
    );

    // Esc: back on a as it was, and the program runs on.
    let cmds = press(&mut app, [key(KeyCode::Esc)]);
    assert_eq!(
        cmds,
        vec![Cmd::Resume {
            profile: "a".into()
        }]
    );
    drive(&mut app, &exec, cmds).await;
    assert!(!app.quit, "Esc did not quit");
    assert!(login(&app).is_none());
    assert_eq!(app.session.profile, "a");
    assert_eq!(app.session.account, DEMO_USER);
    assert_eq!(app.fleet.servers().len(), servers, "a's fleet as it was");
    assert_eq!((app.panes.server_sel, app.panes.pane), (sel, pane));
    assert_eq!(app.selected_server().unwrap().id, selected);
    // a works: its own password renews its ended session.
    let cmds = press(&mut app, [ch('r')]);
    drive(&mut app, &exec, cmds).await;
    assert!(login(&app).is_none(), "a logs in by itself");
    assert!(
        app.notice.as_ref().is_none_or(|n| !n.error),
        "{:?}",
        app.notice
    );

    // b is still reachable: P, the code, and its fleet.
    let cmds = press(&mut app, [ch('P')]);
    drive(&mut app, &exec, cmds).await;
    assert_eq!(app.session.profile, "b");
    assert!(login(&app).is_some_and(|l| l.code_only), "the code again");
    enter_code(&mut app, &exec).await;
    assert_eq!(app.session.account, DEMO_TOTP_USER);
    assert!(!app.fleet.servers().is_empty(), "b loaded");
}

#[tokio::test]
async fn p_to_a_profile_without_a_password_opens_the_login_and_esc_goes_back() {
    let emu = common::emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let url = emu.url();
    let (config, env) = setup_with(
        &emu,
        &dir,
        &format!("[profiles.c]\nurl = \"{url}\"\nusername = \"{DEMO_USER}\"\n"),
    );
    let config_text = std::fs::read_to_string(&config).unwrap();
    let (mut app, exec) = start_among(&config, &env, "b", &["a", "b", "c"]);
    let cmds = app.init();
    drive(&mut app, &exec, cmds).await;
    enter_code(&mut app, &exec).await;
    let servers = app.fleet.servers().len();
    press(&mut app, [ch('j')]);
    let selected = app.selected_server().unwrap().id;

    // P to c: the login form, URL and username from the profile, the password asked.
    let cmds = press(&mut app, [ch('P')]);
    drive(&mut app, &exec, cmds).await;
    assert_eq!(app.session.profile, "c");
    let form = login(&app).expect("the login form opens for c");
    assert!(!form.code_step && !form.code_only, "{form:?}");
    assert_eq!(form.url.value(), url);
    assert_eq!(form.username.value(), DEMO_USER);
    assert_eq!(form.focus, bsched::tui::layers::login::LoginField::Password);
    let text = screen(&app);
    assert!(text.contains("Profile c has no password"), "{text}");
    assert!(text.contains("this session only"), "{text}");
    assert!(text.contains("Esc back to b"), "{text}");
    assert!(!text.contains("bsched login"), "{text}");
    assert!(!notice(&app).contains("Cannot"), "{}", notice(&app));

    // Esc: back on b as it was (its code is not asked again).
    let cmds = press(&mut app, [key(KeyCode::Esc)]);
    drive(&mut app, &exec, cmds).await;
    assert!(!app.quit);
    assert!(login(&app).is_none());
    assert_eq!(app.session.profile, "b");
    assert_eq!(app.fleet.servers().len(), servers);
    assert_eq!(app.selected_server().unwrap().id, selected);

    // The next P moves past c: a is reachable.
    let cmds = press(&mut app, [ch('P')]);
    drive(&mut app, &exec, cmds).await;
    assert_eq!(app.session.profile, "a");
    assert!(login(&app).is_none());
    assert!(!app.fleet.servers().is_empty(), "a loaded");

    // a, b (kept, no code), then c with the password typed: it loads.
    let cmds = press(&mut app, [ch('P')]);
    drive(&mut app, &exec, cmds).await;
    assert_eq!(app.session.profile, "b");
    assert!(login(&app).is_none(), "b's session was kept");
    let cmds = press(&mut app, [ch('P')]);
    drive(&mut app, &exec, cmds).await;
    assert_eq!(app.session.profile, "c");
    press(&mut app, typed(DEMO_PASSWORD));
    let cmds = press(&mut app, [key(KeyCode::Enter)]);
    drive(&mut app, &exec, cmds).await;
    assert!(login(&app).is_none(), "logged in: {:?}", login(&app));
    assert_eq!(app.session.account, DEMO_USER);
    assert!(!app.fleet.servers().is_empty(), "c loaded");

    // Round again: c's session from the login screen is kept for the run.
    for profile in ["a", "b", "c"] {
        let cmds = press(&mut app, [ch('P')]);
        drive(&mut app, &exec, cmds).await;
        assert_eq!(app.session.profile, profile);
        assert!(login(&app).is_none(), "no login on {profile}");
        assert!(!app.fleet.servers().is_empty(), "{profile} loaded");
    }
    // The password typed is for this run only: the config file is as it was.
    assert_eq!(std::fs::read_to_string(&config).unwrap(), config_text);
}

#[tokio::test]
async fn a_profile_that_cannot_be_opened_is_passed_by_the_next_p() {
    let emu = common::emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let url = emu.url();
    // d's config is wrong: opening it fails.
    let (config, env) = setup_with(
        &emu,
        &dir,
        &format!("[profiles.d]\nurl = \"{url}\"\nusername = \"{DEMO_USER}\"\npassword = \"\"\n"),
    );
    let (mut app, exec) = start_among(&config, &env, "a", &["a", "d", "b"]);
    let cmds = app.init();
    drive(&mut app, &exec, cmds).await;
    let servers = app.fleet.servers().len();
    assert!(servers > 0);

    let cmds = press(&mut app, [ch('P')]);
    drive(&mut app, &exec, cmds).await;
    assert_eq!(app.session.profile, "a", "still on a");
    assert_eq!(app.fleet.servers().len(), servers, "a's fleet stays");
    let said = notice(&app);
    assert!(said.starts_with("Cannot open profile d: "), "{said}");
    assert!(said.ends_with('.') && !said.ends_with(".."), "{said}");
    assert!(app.notice.as_ref().unwrap().error);

    // The next P moves past d to b.
    let cmds = press(&mut app, [ch('P')]);
    drive(&mut app, &exec, cmds).await;
    assert_eq!(app.session.profile, "b");
    assert!(
        login(&app).is_some_and(|l| l.code_only),
        "b asks for its code"
    );
    enter_code(&mut app, &exec).await;
    assert!(!app.fleet.servers().is_empty(), "b loaded");

    // From b, the next profile is a again.
    let cmds = press(&mut app, [ch('P')]);
    drive(&mut app, &exec, cmds).await;
    assert_eq!(app.session.profile, "a");
}

#[tokio::test]
async fn a_two_factor_profile_without_a_password_asks_for_the_password_then_the_code() {
    let emu = common::emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let url = emu.url();
    let (config, env) = setup_with(
        &emu,
        &dir,
        &format!("[profiles.e]\nurl = \"{url}\"\nusername = \"{DEMO_TOTP_USER}\"\n"),
    );
    let (mut app, exec) = start_among(&config, &env, "a", &["a", "e"]);
    let cmds = app.init();
    drive(&mut app, &exec, cmds).await;
    let servers = app.fleet.servers().len();

    let cmds = press(&mut app, [ch('P')]);
    drive(&mut app, &exec, cmds).await;
    assert_eq!(app.session.profile, "e");
    press(&mut app, typed(DEMO_PASSWORD));
    let cmds = press(&mut app, [key(KeyCode::Enter)]);
    drive(&mut app, &exec, cmds).await;
    let form = login(&app).expect("the code is asked next");
    assert!(form.code_step && !form.code_only, "{form:?}");
    // Esc steps back to the password, and again back to a as it was.
    press(&mut app, [key(KeyCode::Esc)]);
    assert!(login(&app).is_some_and(|l| !l.code_step));
    let cmds = press(&mut app, [key(KeyCode::Esc)]);
    drive(&mut app, &exec, cmds).await;
    assert!(!app.quit);
    assert_eq!(app.session.profile, "a");
    assert_eq!(app.fleet.servers().len(), servers);

    // Again, this time to the end: password, code, fleet.
    let cmds = press(&mut app, [ch('P')]);
    drive(&mut app, &exec, cmds).await;
    assert_eq!(app.session.profile, "e");
    press(&mut app, typed(DEMO_PASSWORD));
    let cmds = press(&mut app, [key(KeyCode::Enter)]);
    drive(&mut app, &exec, cmds).await;
    assert!(login(&app).is_some_and(|l| l.code_step));
    enter_code(&mut app, &exec).await;
    assert_eq!(app.session.account, DEMO_TOTP_USER);
    assert!(!app.fleet.servers().is_empty(), "e loaded");
    // Its session is kept: a and back to e ask for nothing.
    for profile in ["a", "e"] {
        let cmds = press(&mut app, [ch('P')]);
        drive(&mut app, &exec, cmds).await;
        assert_eq!(app.session.profile, profile);
        assert!(login(&app).is_none(), "no login on {profile}");
        assert!(!app.fleet.servers().is_empty(), "{profile} loaded");
    }
}
