//! Helpers for driving `App::update` with keys and canned API answers.

use bsched::domain::backups::{Backup, BackupKind, parse_api_datetime};
use bsched::domain::timing::{Zones, parse_zone};
use bsched::domain::{Instance, Schedule, ScheduleList, TimeOfDay, Weekdays};
use bsched::tui::app::App;
use bsched::tui::keymap::Keymap;
use bsched::tui::msg::{Cmd, Msg};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub fn server(id: u64, name: &str) -> Instance {
    Instance {
        id,
        name: name.into(),
        ip: format!("192.0.2.{}", id % 250),
        status: "active".into(),
        datacenter: "Netherlands-2".into(),
    }
}

pub fn sched(id: u64, instance: u64, name: &str, days: Weekdays, time: &str) -> Schedule {
    Schedule {
        id,
        instance_id: instance,
        name: name.into(),
        days,
        time: time.parse::<TimeOfDay>().unwrap(),
        created: "2026-01-10 10:00:00".into(),
    }
}

pub fn servers() -> Vec<Instance> {
    vec![
        server(1, "web-1"),
        server(2, "db-primary"),
        server(3, "сервер-бухгалтерия"),
        server(
            4,
            "analytics-warehouse-eu-west-production-cluster-node-with-an-unreasonably-long-hostname-01",
        ),
        server(5, "staging"),
    ]
}

pub fn schedules_of(id: u64) -> ScheduleList {
    let schedules = match id {
        1 => vec![sched(301, 1, "nightly", Weekdays::WORKDAYS, "02:01")],
        2 => vec![
            sched(302, 2, "morning", Weekdays::ALL, "06:00"),
            sched(303, 2, "weekend full", Weekdays::WEEKENDS, "04:30"),
        ],
        3 => vec![sched(304, 3, "ежедневно", Weekdays::WORKDAYS, "21:00")],
        _ => vec![],
    };
    ScheduleList {
        schedules,
        backup_rotation: Some(5),
    }
}

fn backup(id: u64, kind: BackupKind, created: &str) -> Backup {
    Backup {
        id,
        name: format!("backup {id}"),
        kind,
        created_text: created.into(),
        created: parse_api_datetime(created),
        status: "active".into(),
        size: "2.4 GB".into(),
    }
}

/// Canned backups: web-1 and the Cyrillic server are protected, db-primary missed its runs,
/// the others have none (and no schedule).
pub fn backups_of(id: u64) -> Vec<Backup> {
    match id {
        1 => vec![
            backup(901, BackupKind::Auto, "2026-11-27 02:01:00"),
            backup(902, BackupKind::Manual, "2026-11-03 09:05:00"),
        ],
        2 => vec![backup(903, BackupKind::Auto, "2026-11-20 06:00:00")],
        3 => vec![backup(904, BackupKind::Auto, "2026-11-26 21:00:00")],
        5 => vec![backup(905, BackupKind::Manual, "2026-10-02 14:20:00")],
        _ => vec![],
    }
}

/// The clock the canned tests run at: Friday 2026-11-27 13:00 at +03:00.
pub fn test_now() -> jiff::Timestamp {
    "2026-11-27T10:00:00Z".parse().unwrap()
}

/// The zones of the canned tests: the server at +03:00, the user in UTC.
pub fn test_zones() -> Zones {
    Zones {
        server: parse_zone("+03:00").unwrap(),
        local: jiff::tz::TimeZone::UTC,
    }
}

/// Answers every load command with the canned data; returns the other commands.
pub fn answer(app: &mut App, cmds: Vec<Cmd>) -> Vec<Cmd> {
    let mut rest = Vec::new();
    let mut queue = cmds;
    while let Some(cmd) = queue.pop() {
        match cmd {
            Cmd::LoadInstances { req } => queue.extend(app.update(Msg::Instances {
                req,
                result: Ok(servers()),
            })),
            Cmd::LoadSchedules { instance, req } => queue.extend(app.update(Msg::Schedules {
                instance,
                req,
                result: Ok(schedules_of(instance)),
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

/// An app with everything loaded.
pub fn loaded() -> App {
    loaded_with(Keymap::default())
}

/// An app with everything loaded and these key bindings.
pub fn loaded_with(keymap: Keymap) -> App {
    let mut app = App::new(
        bsched::tui::app::Session::new("demo@bsched.test", "127.0.0.1:8765"),
        keymap,
    );
    app.now = test_now();
    app.session.zones = test_zones();
    let cmds = app.init();
    assert!(answer(&mut app, cmds).is_empty());
    app
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

/// Sends keys and collects the commands they produced.
pub fn press(app: &mut App, keys: impl IntoIterator<Item = Msg>) -> Vec<Cmd> {
    keys.into_iter().flat_map(|k| app.update(k)).collect()
}

/// Types text character by character.
pub fn typed(s: &str) -> Vec<Msg> {
    s.chars().map(ch).collect()
}

/// Runs commands through the real executor until no more come, answering each as it lands.
pub async fn drive(app: &mut App, executor: &bsched::tui::worker::Executor, cmds: Vec<Cmd>) {
    let mut queue = cmds;
    while !queue.is_empty() {
        let batch: Vec<Cmd> = std::mem::take(&mut queue);
        let msgs =
            futures_util::future::join_all(batch.into_iter().map(|c| executor.execute(c))).await;
        for m in msgs.into_iter().flatten() {
            queue.extend(app.update(m));
        }
    }
}

/// A keymap with the main screen's and the layers' keys moved, as a user's config might:
/// `[keys]` quit = ctrl-q, help = h, delete = x, new = a, mark = m, refresh = f5, journal = J;
/// `[keys.confirm]` yes = o, no = c/esc; `[keys.plan]` apply = s, close = esc;
/// `[keys.form]` save = ctrl-s; `[keys.view]` close = esc.
pub fn remapped() -> Keymap {
    let config = r#"
        quit = ["ctrl-q"]
        help = ["h"]
        delete = ["x"]
        new = ["a"]
        mark = ["m"]
        refresh = ["f5"]
        journal = ["J"]
        [confirm]
        yes = ["o"]
        no = ["c", "esc"]
        [plan]
        apply = ["s"]
        close = ["esc"]
        [form]
        save = ["ctrl-s"]
        [view]
        close = ["esc"]
    "#;
    let table: std::collections::BTreeMap<String, toml::Value> = toml::from_str(config).unwrap();
    Keymap::new(&table).unwrap()
}
