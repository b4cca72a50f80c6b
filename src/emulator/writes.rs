//! The write functions: retention and server name (`instances.edit`), schedule create, edit
//! and delete.
//!
//! A successful `*.edit` with `sok` answers `{"ok": {}}`. A schedule create adds
//! `"id": {"$": "<new id>"}` only when `create_returns_id` is on (the real server's answer is
//! unverified; without the id is the harder case). With `normalize` on, the server stores
//! what it was sent in its own form: the time as `H:MM` (`2:01`), the name trimmed with runs
//! of white space collapsed to one space, so a listing differs from what was sent. Without
//! it, the name is stored exactly as sent.

use serde_json::{Map, json};

use super::answer::{Answer, Params, err, ok, t};
use super::state::EmuSchedule;
use super::world::World;
use crate::domain::{NAME_MAX_CHARS, RETENTION_RANGE, TimeOfDay, Weekdays};

impl World {
    pub(super) fn instance_edit(&mut self, p: &Params) -> Answer {
        let inst = self.instance(p.filled("elid"))?.clone();
        if !p.sok() {
            let mut m = Map::new();
            m.insert("elid".into(), t(inst.id.to_string()));
            m.insert("servername".into(), t(&inst.servername));
            m.insert("ip".into(), t(&inst.ip));
            m.insert("createdate".into(), t(&inst.createdate));
            m.insert(
                "backup_rotation".into(),
                t(inst.backup_rotation.to_string()),
            );
            return Ok(m);
        }
        let rotation = match p.filled("backup_rotation") {
            None => None,
            Some(v) => match v.parse::<u8>() {
                Ok(n) if RETENTION_RANGE.contains(&n) => Some(n),
                _ => {
                    return Err(err(
                        "value",
                        "backup_rotation",
                        "The number of stored backups must be between 1 and 10",
                    ));
                }
            },
        };
        let name = p.filled("servername").map(str::to_string);
        if let Some(i) = self.data.instances.iter_mut().find(|i| i.id == inst.id) {
            if let Some(n) = rotation {
                i.backup_rotation = n;
            }
            if let Some(n) = name {
                i.servername = n;
            }
        }
        self.save();
        ok()
    }

    pub(super) fn schedule_edit(&mut self, p: &Params) -> Answer {
        let existing = match p.filled("elid") {
            None => None,
            Some(id) => Some(
                self.data
                    .schedules
                    .iter()
                    .find(|s| Some(s.id) == id.parse().ok())
                    .cloned()
                    .ok_or_else(|| err("missed", "elid", "The schedule was not found"))?,
            ),
        };
        let inst_id = match (&existing, p.filled("plid")) {
            (Some(s), None) => s.instance_id,
            (_, plid) => {
                let inst = self
                    .instance(plid)
                    .map_err(|_| err("missed", "plid", "The server was not found"))?;
                if existing.as_ref().is_some_and(|s| s.instance_id != inst.id) {
                    return Err(err("missed", "elid", "The schedule was not found"));
                }
                inst.id
            }
        };
        if !p.sok() {
            // Without sok an .edit call only returns its form.
            let mut m = Map::new();
            let s = existing.as_ref();
            m.insert("plid".into(), t(inst_id.to_string()));
            m.insert("name".into(), s.map_or(json!({}), |s| t(&s.name)));
            m.insert("rotation_days".into(), s.map_or(json!({}), |s| t(&s.days)));
            m.insert("rotation_time".into(), s.map_or(json!({}), |s| t(&s.time)));
            return Ok(m);
        }
        let sent = p.get("name").unwrap_or("");
        if sent.trim().is_empty() {
            return Err(err("value", "name", "The field 'Name' is required"));
        }
        let name = if self.normalize {
            sent.split_whitespace().collect::<Vec<_>>().join(" ")
        } else {
            sent.to_string()
        };
        if name.chars().count() > NAME_MAX_CHARS {
            return Err(err(
                "value",
                "name",
                "The field 'Name' must be at most 100 characters long",
            ));
        }
        let days =
            Weekdays::from_api_numbers(p.get("rotation_days").unwrap_or("")).map_err(|_| {
                err(
                    "value",
                    "rotation_days",
                    "Select at least one valid day of the week",
                )
            })?;
        let time: TimeOfDay = p
            .get("rotation_time")
            .unwrap_or("")
            .parse()
            .map_err(|_| err("value", "rotation_time", "Invalid time, use HH:MM"))?;
        let time = if self.normalize {
            format!("{}:{:02}", time.hour(), time.minute())
        } else {
            time.to_string()
        };
        let mut answer = Map::new();
        answer.insert("ok".into(), json!({}));
        match existing {
            Some(old) => {
                if let Some(s) = self.data.schedules.iter_mut().find(|s| s.id == old.id) {
                    s.name = name;
                    s.days = days.to_api_csv();
                    s.time = time;
                }
            }
            None => {
                let id = self.data.next_schedule_id;
                self.data.next_schedule_id += 1;
                let today = super::backups::zone().to_datetime(self.now()).date();
                self.data.schedules.push(EmuSchedule {
                    id,
                    instance_id: inst_id,
                    name,
                    days: days.to_api_csv(),
                    time,
                    create_date: today.to_string(),
                });
                if self.create_returns_id {
                    answer.insert("id".into(), t(id.to_string()));
                }
            }
        }
        self.save();
        Ok(answer)
    }

    pub(super) fn schedule_delete(&mut self, p: &Params) -> Answer {
        let raw = p
            .filled("elid")
            .ok_or_else(|| err("missed", "elid", "No schedule given"))?;
        let mut ids = Vec::new();
        for part in raw.split(',') {
            let id = part.trim().parse::<u64>().ok();
            if !self.data.schedules.iter().any(|s| Some(s.id) == id) {
                return Err(err("missed", "elid", "The schedule was not found"));
            }
            ids.extend(id);
        }
        self.data.schedules.retain(|s| !ids.contains(&s.id));
        self.save();
        ok()
    }
}
