//! The data the benchmarks and the measuring examples load: many servers, many schedules.
#![allow(dead_code)]

use bsched::domain::{Instance, Schedule, ScheduleList, TimeOfDay, Weekdays};
use bsched::tui::app::App;
use bsched::tui::msg::{Cmd, Msg};

fn server(id: u64) -> Instance {
    Instance {
        id,
        name: format!(
            "srv-{id:05}-{}",
            ["web", "db", "cache", "mail"][id as usize % 4]
        ),
        ip: format!("10.0.{}.{}", id / 250, id % 250),
        status: "active".into(),
        datacenter: ["Netherlands-1", "Netherlands-2", "Poland"][id as usize % 3].into(),
    }
}

fn schedules(id: u64, per: usize) -> ScheduleList {
    ScheduleList {
        schedules: (0..per)
            .map(|k| Schedule {
                id: id * 100 + k as u64,
                instance_id: id,
                name: format!("schedule {k}"),
                days: Weekdays::from_bits((id as u8 + k as u8) % 127 + 1),
                time: TimeOfDay::from_minutes(((id as i64) * 7 + k as i64 * 131) % 1440),
                created: "2026-01-10 10:00:00".into(),
            })
            .collect(),
        backup_rotation: Some(5),
    }
}

/// An app with `servers` servers of `per` schedules each, everything loaded.
pub fn loaded_app(servers: u64, per: usize) -> App {
    let session = bsched::tui::app::Session::new("bench@bsched.test", "127.0.0.1:1");
    let mut app = App::new(session, Default::default());
    app.now = "2026-11-27T10:00:00Z".parse().unwrap();
    app.session.zones = bsched::domain::timing::Zones {
        server: bsched::domain::timing::parse_zone("+03:00").unwrap(),
        local: jiff::tz::TimeZone::UTC,
    };
    let cmds = app.init();
    let Some(Cmd::LoadInstances { req }) = cmds.into_iter().next() else {
        unreachable!()
    };
    let cmds = app.update(Msg::Instances {
        req,
        result: Ok((0..servers).map(server).collect()),
    });
    for cmd in cmds {
        match cmd {
            Cmd::LoadSchedules { instance, req } => {
                app.update(Msg::Schedules {
                    instance,
                    req,
                    result: Ok(schedules(instance, per)),
                });
            }
            Cmd::LoadBackups { instance, req } => {
                app.update(Msg::Backups {
                    instance,
                    req,
                    result: Ok(Vec::new()),
                });
            }
            _ => {}
        }
    }
    app
}
