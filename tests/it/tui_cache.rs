//! The last-known fleet: drawn at once on start, marked as cached, corrected as answers
//! arrive, kept again after loads, and never the basis of a write.

use crossterm::event::KeyCode;

use crate::common;
use crate::common::pty::Pty;
use crate::common::tui::{ch, key, press, test_now, test_zones, typed};
use bsched::cache::FleetCache;
use bsched::emulator::{Emulator, Options};
use bsched::tui::app::App;
use bsched::tui::msg::{Cmd, Msg};
use bsched::tui::worker::Executor;

const WEB1: u64 = 5_203_770;

#[test]
fn the_last_known_fleet_is_drawn_at_once_then_corrected_by_the_answers() {
    let bg = common::Background::start();
    // A first run loads everything and keeps it on the way out.
    let mut pty = Pty::logged_in(&bg);
    pty.wait_for("the loaded fleet", |t| {
        t.contains("web-1") && t.contains("files") && !t.contains("refreshing")
    });
    pty.send("q");
    assert!(pty.wait_exit());
    let home = std::mem::replace(&mut pty.home, tempfile::tempdir().unwrap());
    let cache_dir = home.path().join(".cache").join("bsched");
    let files: Vec<_> = std::fs::read_dir(&cache_dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&files[0]).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // Meanwhile the server is renamed, and the API has become slow.
    bg.emu.with(|w| {
        let s = w.data.instances.iter_mut().find(|s| s.id == WEB1).unwrap();
        s.servername = "web-1-renamed".into();
        w.faults.latency_ms = 1500;
    });
    let url = bg.emu.url();
    let mut pty = Pty::spawn_in(
        home,
        &[],
        &[
            ("BSCHED_URL", &url),
            ("BSCHED_USERNAME", bsched::emulator::DEMO_USER),
            ("BSCHED_PASSWORD", bsched::emulator::DEMO_PASSWORD),
        ],
    );
    // The cached fleet first, marked as such, before the slow answers.
    let t = pty.wait_for("the cached fleet", |t| t.contains("files"));
    assert!(t.contains("cached, seen"), "{t}");
    assert!(t.contains("web-1") && !t.contains("web-1-renamed"), "{t}");
    // Then the server list's answer corrects it.
    pty.wait_for("the fresh server list", |t| {
        t.contains("web-1-renamed") && t.contains("refreshing")
    });
    pty.send("q");
    assert!(pty.wait_exit());
    pty.assert_restored();
}

/// An app on a real emulator, with `cache` drawn as the last-known fleet.
fn cached_app(emu: &Emulator, cache: FleetCache) -> (App, Executor, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let journal = bsched::journal::Journal::at(dir.path().join("journal.jsonl"), "default");
    let client = common::client(emu);
    let exec = Executor::new(Some(client.clone()), Some(journal));
    let mut app = App::new(
        bsched::tui::app::Session::for_client(&client, "demo"),
        Default::default(),
    );
    app.now = test_now();
    app.session.zones = test_zones();
    app.show_cached(cache);
    (app, exec, dir)
}

/// The fleet as the emulator holds it now, as a cache would keep it.
async fn snapshot(emu: &Emulator) -> FleetCache {
    let client = common::client(emu);
    let mut cache = FleetCache::new("h", "a");
    cache.servers = client.instances().await.unwrap();
    for s in &cache.servers {
        cache
            .schedules
            .insert(s.id, client.schedules(s.id).await.unwrap());
    }
    cache
}

async fn run_one(app: &mut App, exec: &Executor, cmd: Cmd) -> Vec<Cmd> {
    match exec.execute(cmd).await {
        Some(msg) => app.update(msg),
        None => Vec::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_of_a_cached_schedule_lists_the_server_first_and_sends_nothing_if_it_changed() {
    let emu = Emulator::start(Options::default()).await.unwrap();
    let cache = snapshot(&emu).await;
    // Another client changes web-1's schedule after the cache was kept.
    let id = emu.with(|w| {
        let s = w
            .data
            .schedules
            .iter_mut()
            .find(|s| s.instance_id == WEB1)
            .unwrap();
        s.time = "05:05".into();
        s.id
    });
    let (mut app, exec, _dir) = cached_app(&emu, cache);
    assert_eq!(app.selected_server().unwrap().id, WEB1);
    assert!(!app.fleet.schedules_fresh(WEB1));
    assert_eq!(
        app.selected_schedule().unwrap().time.to_string(),
        "02:01",
        "the cached copy is shown"
    );

    // Nothing loads yet (init is not run): the user edits the cached schedule at once.
    let mark = emu.requests().len();
    press(&mut app, [key(KeyCode::Tab), key(KeyCode::Enter)]);
    press(&mut app, [key(KeyCode::Tab), key(KeyCode::Tab)]);
    press(&mut app, typed("0315"));
    let cmds = press(&mut app, [key(KeyCode::Enter)]);
    let [Cmd::LoadSchedules { instance: WEB1, .. }] = cmds[..] else {
        panic!("the server is listed first, nothing is written: {cmds:?}")
    };
    let more = run_one(&mut app, &exec, cmds[0].clone()).await;
    assert!(
        !more.iter().any(|c| matches!(c, Cmd::Edit { .. })),
        "a schedule that changed since it was cached is not written: {more:?}"
    );
    let form = app
        .layers
        .get::<bsched::tui::layers::form::Form>()
        .expect("the form stays open with what was typed");
    assert!(
        form.error
            .as_deref()
            .unwrap_or("")
            .contains("changed on the server"),
        "{:?}",
        form.error
    );
    let funcs: Vec<String> = emu.requests()[mark..]
        .iter()
        .map(|r| r.func.clone())
        .collect();
    assert!(
        !funcs.iter().any(|f| f.ends_with(".edit")),
        "no write reached the API: {funcs:?}"
    );
    assert_eq!(
        app.selected_schedule().unwrap().time.to_string(),
        "05:05",
        "the fresh listing is shown"
    );

    // Saved again, now on the fresh listing: the write goes, with one listing to confirm.
    let mark = emu.requests().len();
    let cmds = press(&mut app, [key(KeyCode::Enter)]);
    let [Cmd::Edit { .. }] = cmds[..] else {
        panic!("{cmds:?}")
    };
    let mut queue = cmds;
    while let Some(cmd) = queue.pop() {
        queue.extend(run_one(&mut app, &exec, cmd).await);
    }
    assert_eq!(
        emu.with(|w| w
            .data
            .schedules
            .iter()
            .find(|s| s.id == id)
            .unwrap()
            .time
            .clone()),
        "03:15"
    );
    let writes = emu.requests()[mark..]
        .iter()
        .filter(|r| r.func.ends_with(".edit"))
        .count();
    assert_eq!(writes, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_of_a_cached_schedule_goes_only_after_a_listing_shows_it_unchanged() {
    let emu = Emulator::start(Options::default()).await.unwrap();
    let cache = snapshot(&emu).await;
    let (mut app, exec, _dir) = cached_app(&emu, cache);
    let id = app.current_schedules()[0].id;
    let mark = emu.requests().len();
    let cmds = press(&mut app, [key(KeyCode::Tab), ch('d'), ch('y')]);
    let [Cmd::LoadSchedules { instance: WEB1, .. }] = cmds[..] else {
        panic!("{cmds:?}")
    };
    let more = run_one(&mut app, &exec, cmds[0].clone()).await;
    let Some(delete) = more
        .iter()
        .find(|c| matches!(c, Cmd::Delete { .. }))
        .cloned()
    else {
        panic!("unchanged: the delete goes after the listing: {more:?}")
    };
    let after = run_one(&mut app, &exec, delete).await;
    assert!(
        app.fleet
            .schedules_of(WEB1)
            .unwrap()
            .schedules
            .iter()
            .all(|s| s.id != id)
    );
    let funcs: Vec<String> = emu.requests()[mark..]
        .iter()
        .filter(|r| r.func != "auth")
        .map(|r| r.func.clone())
        .collect();
    assert_eq!(
        funcs,
        vec![
            "instances.fleio_bckps.schedule".to_string(),
            "instances.fleio_bckps.schedule.delete".to_string()
        ],
        "a listing, then the delete: {after:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fleet_is_kept_after_loads_and_read_back_as_it_was() {
    let emu = Emulator::start(Options::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fleet.json");
    let client = common::client(&emu);
    let exec = Executor::new(Some(client.clone()), None).with_cache(Some(path.clone()));
    let mut app = App::new(
        bsched::tui::app::Session::for_client(&client, "demo"),
        Default::default(),
    );
    app.now = test_now();
    app.session.cache_key = Some(("host".into(), "demo".into()));
    let mut queue = app.init();
    let mut saves = 0;
    while let Some(cmd) = queue.pop() {
        saves += usize::from(matches!(cmd, Cmd::SaveCache { .. }));
        queue.extend(run_one(&mut app, &exec, cmd).await);
    }
    assert_eq!(saves, 1, "kept once, when everything arrived");
    let kept = FleetCache::load(&path, "host", "demo").unwrap().unwrap();
    assert_eq!(kept.servers, app.fleet.servers());
    assert_eq!(kept.schedules.len(), app.fleet.servers().len());
    assert_eq!(
        kept.schedules.get(&WEB1),
        app.fleet.schedules_of(WEB1),
        "as it was listed"
    );
    assert!(
        FleetCache::load(&path, "host", "someone else").is_err(),
        "another account's fleet is never shown"
    );

    // Drawn from the cache in a new app, it is marked as cached, and a refresh corrects it.
    let mut again = App::new(
        bsched::tui::app::Session::for_client(&client, "demo"),
        Default::default(),
    );
    again.show_cached(kept);
    assert!(again.fleet.servers.cached && again.fleet.any_cached());
    assert_eq!(again.update(Msg::Tick), Vec::new(), "nothing new to keep");
    let mut queue = again.init();
    while let Some(cmd) = queue.pop() {
        queue.extend(run_one(&mut again, &exec, cmd).await);
    }
    assert!(!again.fleet.any_cached(), "every row was read afresh");
}

#[test]
fn a_cache_read_while_the_server_list_loads_is_corrected_by_its_answer() {
    let mut app = App::new(
        bsched::tui::app::Session::new("demo", "h"),
        Default::default(),
    );
    app.now = test_now();
    app.session.cache_key = Some(("h".into(), "demo".into()));
    let cmds = app.init();
    let [Cmd::LoadInstances { req }] = cmds[..] else {
        panic!("{cmds:?}")
    };
    let mut cache = FleetCache::new("h", "demo");
    cache.servers = vec![common::tui::server(1, "old-name")];
    app.update(Msg::Cached(Box::new(bsched::tui::Kept {
        path: None,
        cached: Some(cache),
        error: None,
    })));
    assert!(app.fleet.servers.cached);
    assert_eq!(app.fleet.servers()[0].name, "old-name");
    app.update(Msg::Instances {
        req,
        result: Ok(vec![common::tui::server(1, "new-name")]),
    });
    assert!(!app.fleet.servers.cached);
    assert_eq!(app.fleet.servers()[0].name, "new-name");
}

#[test]
fn a_cache_read_for_another_account_than_the_one_on_screen_is_not_shown() {
    let mut app = App::new(
        bsched::tui::app::Session::new("demo", "h"),
        Default::default(),
    );
    app.session.cache_key = Some(("h".into(), "other".into()));
    let mut cache = FleetCache::new("h", "demo");
    cache.servers = vec![common::tui::server(1, "old-name")];
    app.update(Msg::Cached(Box::new(bsched::tui::Kept {
        path: None,
        cached: Some(cache.clone()),
        error: None,
    })));
    assert!(
        !app.fleet.servers_loaded(),
        "another account's fleet is not drawn"
    );
    app.session.cache_key = Some(("h".into(), "demo".into()));
    app.update(Msg::Cached(Box::new(bsched::tui::Kept {
        path: None,
        cached: Some(cache),
        error: None,
    })));
    assert_eq!(app.fleet.servers()[0].name, "old-name");
}
