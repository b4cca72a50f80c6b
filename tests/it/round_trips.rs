//! Round trips per change, counted from the emulator's request log: the real binary with a
//! kept session (logged in once, before the count starts). A list is one request; a create the
//! write and at most one listing (the write alone once the server is known to answer with the
//! new id); an edit and a delete the listing before and the write; a bulk apply to N servers
//! N listings and N writes. Lost answers are still reconciled by listing, never sent twice.

use crate::common::Background;
use crate::common::cli::{Home, Run};

use bsched::emulator::{Data, Fault, Options, Seed, When};
use serde_json::Value;

const WEB1: u64 = 5_203_770; // "nightly" 301, Mon-Fri 02:01
const STAGING: u64 = 5_203_775; // no schedule

const LIST: &str = "instances.fleio_bckps.schedule";
const EDIT: &str = "instances.fleio_bckps.schedule.edit";
const DELETE: &str = "instances.fleio_bckps.schedule.delete";

/// A home whose session is kept: one command has logged in already.
fn logged_in(bg: &Background) -> Home {
    let home = Home::for_url(&bg.emu.url());
    let r = home.run(&["instances", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(bg.emu.logins(), 1);
    home
}

/// Runs `args` and returns what it printed with the functions it requested, in order. Every
/// request must have carried the kept session, and none was refused as busy.
fn counted(bg: &Background, home: &Home, args: &[&str]) -> (Run, Vec<String>) {
    let mark = bg.emu.requests().len();
    let logins = bg.emu.logins();
    let r = home.run(args);
    let sent = bg.emu.requests()[mark..].to_vec();
    assert_eq!(bg.emu.logins(), logins, "{args:?}: no login: {sent:?}");
    assert!(
        sent.iter().all(|r| r.with_session && !r.refused_busy),
        "{args:?}: {sent:?}"
    );
    (r, sent.into_iter().map(|r| r.func).collect())
}

fn json(r: &Run) -> Value {
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

/// Schedules of `instance` as (id, name, days, time), straight from the emulator.
fn schedules(bg: &Background, instance: u64) -> Vec<(u64, String, String, String)> {
    bg.emu.with(|w| {
        w.data
            .schedules
            .iter()
            .filter(|s| s.instance_id == instance)
            .map(|s| (s.id, s.name.clone(), s.days.clone(), s.time.clone()))
            .collect()
    })
}

fn add_args<'a>(instance: &'a str, name: &'a str, days: &'a str, time: &'a str) -> Vec<&'a str> {
    vec![
        "schedules",
        "add",
        "--instance",
        instance,
        "--name",
        name,
        "--days",
        days,
        "--time",
        time,
        "--json",
    ]
}

#[test]
fn a_list_is_one_request() {
    let bg = Background::start();
    let home = logged_in(&bg);
    let (r, sent) = counted(
        &bg,
        &home,
        &[
            "schedules",
            "list",
            "--instance",
            &WEB1.to_string(),
            "--json",
        ],
    );
    assert_eq!(json(&r)[0]["id"], 301);
    assert_eq!(sent, [LIST]);
}

#[test]
fn a_create_is_a_listing_the_write_and_one_listing_and_names_the_new_schedule() {
    let bg = Background::start();
    let home = logged_in(&bg);
    let staging = STAGING.to_string();
    let (r, sent) = counted(&bg, &home, &add_args(&staging, "fresh", "mon", "01:00"));
    let created = json(&r);
    // One listing before (the same-name warning of `schedules add`), the write, one listing.
    assert_eq!(sent, [LIST, EDIT, LIST]);
    let on_server = schedules(&bg, STAGING);
    assert_eq!(on_server.len(), 1, "{on_server:?}");
    assert_eq!(created["id"], on_server[0].0);
    assert_eq!(created["name"], "fresh");
}

#[test]
fn the_new_schedule_is_picked_when_an_identical_older_one_exists() {
    let bg = Background::start();
    let home = logged_in(&bg);
    let web1 = WEB1.to_string();
    // 301 is "nightly" Mon-Fri 02:01; the same again is a second schedule, and the answer
    // (without an id) must not be taken for the old one.
    let (r, sent) = counted(&bg, &home, &add_args(&web1, "nightly", "mon-fri", "02:01"));
    let created = json(&r);
    assert_eq!(sent, [LIST, EDIT, LIST]);
    let ids: Vec<u64> = schedules(&bg, WEB1)
        .into_iter()
        .filter(|s| s.1 == "nightly")
        .map(|s| s.0)
        .collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    let new = *ids.iter().max().unwrap();
    assert_ne!(new, 301);
    assert_eq!(created["id"], new);

    // The same with the answer lost after the write applied: reconciled by the one listing.
    bg.emu
        .push_fault(Fault::Status(502), When::After, Some(EDIT));
    let (r, sent) = counted(&bg, &home, &add_args(&web1, "nightly", "mon-fri", "02:01"));
    let created = json(&r);
    assert_eq!(sent, [LIST, EDIT, LIST], "sent once");
    let ids: Vec<u64> = schedules(&bg, WEB1)
        .into_iter()
        .filter(|s| s.1 == "nightly")
        .map(|s| s.0)
        .collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert_eq!(created["id"], *ids.iter().max().unwrap());
}

#[test]
fn a_create_whose_answer_was_lost_is_reconciled_by_listing_and_never_sent_twice() {
    let bg = Background::start();
    let home = logged_in(&bg);
    let staging = STAGING.to_string();
    bg.emu
        .push_fault(Fault::Status(502), When::After, Some(EDIT));
    let (r, sent) = counted(&bg, &home, &add_args(&staging, "lost", "tue", "04:00"));
    let created = json(&r);
    assert_eq!(sent, [LIST, EDIT, LIST]);
    let on_server = schedules(&bg, STAGING);
    assert_eq!(on_server.len(), 1, "created once: {on_server:?}");
    assert_eq!(created["id"], on_server[0].0);

    // Lost before it applied: the listing finds nothing like it, and nothing is sent again.
    bg.emu
        .push_fault(Fault::Status(502), When::Before, Some(EDIT));
    let (r, sent) = counted(&bg, &home, &add_args(&staging, "never", "tue", "05:00"));
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert_eq!(sent, [LIST, EDIT, LIST]);
    assert_eq!(schedules(&bg, STAGING).len(), 1);
}

#[test]
fn a_server_that_answers_with_the_id_is_learned_then_no_listing_follows_a_create() {
    let bg = Background::with(Options {
        create_returns_id: true,
        ..Options::default()
    });
    let home = logged_in(&bg);
    let staging = STAGING.to_string();
    // The first create confirms the answered id in the listing and learns it.
    let (r, sent) = counted(&bg, &home, &add_args(&staging, "first", "wed", "01:00"));
    let first = json(&r);
    assert_eq!(sent, [LIST, EDIT, LIST]);
    // The next command (a new process, the same kept session) sends the write alone.
    let (r, sent) = counted(&bg, &home, &add_args(&staging, "second", "wed", "02:00"));
    let second = json(&r);
    // The answered id is enough once learned; the listing before the write (for a second
    // schedule of the same name) also names the server for the journal.
    assert_eq!(sent, [LIST, EDIT], "the answered id is enough once learned");
    let log = json(&home.run(&["log", "--json"]));
    assert_eq!(log[1]["server"], "staging", "{log}");
    let on_server = schedules(&bg, STAGING);
    assert_eq!(on_server.len(), 2, "{on_server:?}");
    let id_of = |name: &str| on_server.iter().find(|s| s.1 == name).unwrap().0;
    assert_eq!(first["id"], id_of("first"));
    assert_eq!(second["id"], id_of("second"));
    assert_eq!(second["name"], "second");
    assert_eq!(second["time"], "02:00");
}

#[test]
fn an_edit_is_the_listing_before_and_the_write() {
    let bg = Background::start();
    let home = logged_in(&bg);
    let args = [
        "schedules",
        "edit",
        "--instance",
        &WEB1.to_string(),
        "--id",
        "301",
        "--time",
        "03:00",
        "--json",
    ]
    .map(str::to_string);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (r, sent) = counted(&bg, &home, &args);
    let edited = json(&r);
    assert_eq!(sent, [LIST, EDIT], "no listing after a clear ok");
    assert_eq!(
        schedules(&bg, WEB1),
        [(301, "nightly".into(), "1,2,3,4,5".into(), "03:00".into())]
    );
    // The spec applied to the listed schedule: id, name, days and creation kept.
    assert_eq!(edited["id"], 301);
    assert_eq!(edited["name"], "nightly");
    assert_eq!(edited["time"], "03:00");
    let created_before = bg.emu.with(|w| w.data.schedules[0].create_date.clone());
    assert_eq!(edited["created"], created_before, "{edited}");

    // The answer lost after it applied: one listing reconciles it; the write is not resent.
    bg.emu
        .push_fault(Fault::Status(502), When::After, Some(EDIT));
    let mut lost = args.clone();
    lost[7] = "04:30";
    let (r, sent) = counted(&bg, &home, &lost);
    let edited = json(&r);
    assert_eq!(sent, [LIST, EDIT, LIST]);
    assert_eq!(edited["time"], "04:30");
    assert_eq!(
        schedules(&bg, WEB1),
        [(301, "nightly".into(), "1,2,3,4,5".into(), "04:30".into())]
    );
    let log = json(&home.run(&["log", "--json"]));
    let outcomes: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["done", "done"], "{log}");
}

#[test]
fn a_delete_is_the_write_and_with_an_instance_the_listing_before() {
    let bg = Background::start();
    let home = logged_in(&bg);
    let (r, sent) = counted(
        &bg,
        &home,
        &[
            "schedules",
            "rm",
            "--instance",
            &WEB1.to_string(),
            "--id",
            "301",
            "--yes",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(sent, [LIST, DELETE]);
    assert!(schedules(&bg, WEB1).is_empty());

    // Without --instance the schedule is looked for first (the server list, then schedules
    // until it is found), so the journal names its server and holds the whole schedule.
    let other = bg.schedule_ids(5_203_773)[0].to_string();
    let (r, sent) = counted(&bg, &home, &["schedules", "rm", "--id", &other, "--yes"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        sent.first().map(String::as_str),
        Some("instances"),
        "{sent:?}"
    );
    assert_eq!(sent.last().map(String::as_str), Some(DELETE), "{sent:?}");
    assert_eq!(sent.iter().filter(|f| *f == DELETE).count(), 1, "{sent:?}");
    assert!(
        schedules(&bg, 5_203_773)
            .iter()
            .all(|s| s.0.to_string() != other)
    );
}

/// One change per server: an update, a create or a retention, in turn.
fn bulk_plan(servers: &[u64]) -> String {
    let mut plan = String::from("server_timezone = \"+03:00\"\n");
    for (n, id) in servers.iter().enumerate() {
        plan.push_str(&format!("[[server]]\nid = {id}\n"));
        match n % 3 {
            // "old" moves from 01:00 to 02:30.
            0 => plan.push_str(
                "[[server.schedule]]\nname = \"old\"\ndays = \"mon\"\ntime = \"02:30\"\n",
            ),
            // "old" stays and "new" is created.
            1 => plan.push_str(
                "[[server.schedule]]\nname = \"old\"\ndays = \"mon\"\ntime = \"01:00\"\n[[server.schedule]]\nname = \"new\"\ndays = \"sat,sun\"\ntime = \"05:00\"\n",
            ),
            // "old" stays; it keeps 7 backups.
            _ => plan.push_str(
                "retention = 7\n[[server.schedule]]\nname = \"old\"\ndays = \"mon\"\ntime = \"01:00\"\n",
            ),
        }
    }
    plan
}

#[test]
fn a_bulk_apply_to_100_servers_lists_each_once_and_writes_each_once() {
    let bg = Background::with(Options {
        seed: Seed::Empty,
        ..Options::default()
    });
    let servers: Vec<u64> = (0..100u64).map(|n| 7_000_000 + n).collect();
    bg.emu.with(|w| {
        let template = Data::demo().instances[0].clone();
        for (n, id) in servers.iter().enumerate() {
            w.data.instances.push(bsched::emulator::state::EmuInstance {
                id: *id,
                servername: format!("node-{n:03}"),
                backup_rotation: 3,
                ..template.clone()
            });
            let sid = w.data.next_schedule_id;
            w.data.next_schedule_id += 1;
            w.data.schedules.push(bsched::emulator::state::EmuSchedule {
                id: sid,
                instance_id: *id,
                name: "old".into(),
                days: "1".into(),
                time: "01:00".into(),
                create_date: "2024-07-24".into(),
            });
        }
    });
    let home = logged_in(&bg);
    let plan = home.write("bulk.toml", &bulk_plan(&servers));
    let (r, sent) = counted(
        &bg,
        &home,
        &["apply", "-f", plan.to_str().unwrap(), "--yes"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("Applied 100 of 100 changes"),
        "{}",
        r.stdout
    );
    let count = |f: &str| sent.iter().filter(|s| *s == f).count();
    assert!(sent.len() <= 200, "{} requests", sent.len());
    assert_eq!(count(LIST), 100, "each server listed once");
    assert_eq!(count(EDIT) + count("instances.edit"), 100, "one write each");
    assert_eq!(count("instances"), 0, "no server list: {sent:?}");
    // The server's names come from its listing.
    assert!(r.stdout.contains("node-000 (7000000)"), "{}", r.stdout);

    for (n, id) in servers.iter().enumerate() {
        let mut on_server: Vec<(String, String, String)> = schedules(&bg, *id)
            .into_iter()
            .map(|s| (s.1, s.2, s.3))
            .collect();
        on_server.sort();
        let keep = bg.emu.with(|w| {
            w.data
                .instances
                .iter()
                .find(|i| i.id == *id)
                .unwrap()
                .backup_rotation
        });
        let old = |time: &str| ("old".to_string(), "1".to_string(), time.to_string());
        match n % 3 {
            0 => assert_eq!(on_server, [old("02:30")], "{id}"),
            1 => assert_eq!(
                on_server,
                [("new".into(), "0,6".into(), "05:00".into()), old("01:00")],
                "{id}"
            ),
            _ => {
                assert_eq!(on_server, [old("01:00")], "{id}");
                assert_eq!(keep, 7, "{id}");
            }
        }
        if n % 3 != 2 {
            assert_eq!(keep, 3, "{id}");
        }
    }
    // Every change is journaled as done; a create names no id (none was answered or listed).
    let log = json(&home.run(&["log", "--json", "--limit", "0"]));
    let entries = log.as_array().unwrap();
    assert_eq!(entries.len(), 100);
    assert!(entries.iter().all(|e| e["outcome"] == "done"), "{log}");
    for e in entries.iter().filter(|e| e["action"] == "create") {
        assert_eq!(e["after"]["name"], "new");
        assert!(e["after"].get("id").is_none(), "{e}");
    }
    for e in entries.iter().filter(|e| e["action"] == "edit") {
        assert_eq!(e["after"]["time"], "02:30");
        assert!(e["after"]["id"].is_u64(), "{e}");
    }

    // The same plan again: listed, nothing to do, nothing written.
    let (r, sent) = counted(
        &bg,
        &home,
        &["apply", "-f", plan.to_str().unwrap(), "--yes"],
    );
    assert!(r.stdout.starts_with("No changes"), "{}", r.stdout);
    assert_eq!(sent.len(), 100);
    assert!(sent.iter().all(|f| f == LIST), "{sent:?}");
}

/// Adds "night  run" (two spaces) Sun 06:00 to `instance`: a schedule the plan's "night run"
/// is loosely like (a server that collapses spaces stores one as the other), yet the plan's
/// diff does not match it by name, so the plan creates "night run" beside it.
fn add_look_alike(bg: &Background, instance: u64) -> u64 {
    bg.emu.with(|w| {
        let id = w.data.next_schedule_id;
        w.data.next_schedule_id += 1;
        w.data.schedules.push(bsched::emulator::state::EmuSchedule {
            id,
            instance_id: instance,
            name: "night  run".into(),
            days: "0".into(),
            time: "06:00".into(),
            create_date: "2024-07-24".into(),
        });
        id
    })
}

fn look_alike_plan(home: &Home, instance: u64) -> std::path::PathBuf {
    home.write(
        &format!("plan-{instance}.toml"),
        &format!(
            "server_timezone = \"+03:00\"\n[[server]]\nid = {instance}\n[[server.schedule]]\nname = \"night run\"\ndays = \"sun\"\ntime = \"06:00\"\n"
        ),
    )
}

#[test]
fn a_bulk_create_whose_answer_was_lost_is_reconciled_against_the_listing_before() {
    let bg = Background::start();
    let home = logged_in(&bg);

    // Lost after it applied: the one listing finds the new schedule, not the look-alike.
    let old = add_look_alike(&bg, STAGING);
    let plan = look_alike_plan(&home, STAGING);
    bg.emu
        .push_fault(Fault::Status(502), When::After, Some(EDIT));
    let (r, sent) = counted(
        &bg,
        &home,
        &["apply", "-f", plan.to_str().unwrap(), "--yes"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        sent,
        [LIST, EDIT, LIST],
        "the lost answer costs one listing"
    );
    let made: Vec<u64> = schedules(&bg, STAGING)
        .into_iter()
        .filter(|s| s.1 == "night run")
        .map(|s| s.0)
        .collect();
    assert_eq!(made.len(), 1, "created once: {made:?}");
    assert_ne!(made[0], old);
    let log = json(&home.run(&["log", "--json"]));
    assert_eq!(log[0]["outcome"], "done", "{log}");
    assert_eq!(log[0]["after"]["id"], made[0], "{log}");

    // Lost before it applied: only the look-alike is listed, and it was there before, so
    // the create is reported failed (not done on the look-alike's id) and not sent again.
    let web1_old = add_look_alike(&bg, WEB1);
    let plan = look_alike_plan(&home, WEB1);
    bg.emu
        .push_fault(Fault::Status(502), When::Before, Some(EDIT));
    let (r, sent) = counted(
        &bg,
        &home,
        &["apply", "-f", plan.to_str().unwrap(), "--yes"],
    );
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert_eq!(sent, [LIST, EDIT, LIST]);
    assert!(r.stdout.contains("failed: "), "{}", r.stdout);
    assert_eq!(
        schedules(&bg, WEB1).iter().map(|s| s.0).collect::<Vec<_>>(),
        [301, web1_old]
    );
    let log = json(&home.run(&["log", "--json"]));
    assert_eq!(log[1]["outcome"], "failed", "{log}");
}

#[test]
fn a_plan_naming_a_server_not_on_the_account_is_refused_in_one_sentence() {
    let bg = Background::start();
    let home = logged_in(&bg);
    let plan = home.write(
        "plan.toml",
        &format!(
            "server_timezone = \"+03:00\"\n[[server]]\nid = {STAGING}\n[[server.schedule]]\nname = \"x\"\ndays = \"mon\"\ntime = \"01:00\"\n[[server]]\nid = 42\n"
        ),
    );
    let (r, sent) = counted(
        &bg,
        &home,
        &["apply", "-f", plan.to_str().unwrap(), "--yes"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("server 42 is not on this account")
            && r.stderr.contains("nothing was applied"),
        "{}",
        r.stderr
    );
    assert!(sent.iter().all(|f| f == LIST), "nothing written: {sent:?}");
    assert!(schedules(&bg, STAGING).is_empty());
}

#[test]
fn a_plan_server_without_schedules_is_named_by_one_server_list() {
    let bg = Background::start();
    let home = logged_in(&bg);
    // staging has no schedule, so its listing carries no name; the plan gives only its id.
    let plan = home.write(
        "staging.toml",
        &format!(
            "server_timezone = \"+03:00\"\n[[server]]\nid = {STAGING}\n[[server.schedule]]\nname = \"n\"\ndays = \"mon\"\ntime = \"01:00\"\n"
        ),
    );
    let (r, sent) = counted(
        &bg,
        &home,
        &["apply", "-f", plan.to_str().unwrap(), "--yes"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("staging (5203775)"), "{}", r.stdout);
    let count = |f: &str| sent.iter().filter(|s| *s == f).count();
    assert_eq!(
        count("instances"),
        1,
        "one server list for the names: {sent:?}"
    );
    let log = json(&home.run(&["log", "--json"]));
    assert_eq!(log[0]["server"], "staging", "{log}");
}
