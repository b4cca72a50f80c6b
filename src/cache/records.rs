//! What the cache file holds: private records, written from the domain's types and rebuilt
//! through the domain's own checks when read (the domain types carry no `Deserialize`).

use jiff::civil::DateTime;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::MAX_STRING_BYTES;
use crate::domain::backups::{Backup, BackupKind};
use crate::domain::{Instance, InstanceId, Schedule, TimeOfDay, Weekdays};

/// A string from the file when it is under the cap.
pub(super) fn capped(s: String) -> Option<String> {
    (s.len() <= MAX_STRING_BYTES).then_some(s)
}

/// The file as written.
#[derive(Serialize)]
pub(super) struct FileOut<'a> {
    pub(super) format: &'static str,
    pub(super) version: u64,
    pub(super) saved: String,
    pub(super) host: &'a str,
    pub(super) account: &'a str,
    pub(super) servers: Vec<InstanceRec>,
    pub(super) schedules: Vec<ScheduleListOut>,
    pub(super) backups: Vec<BackupListOut>,
}

/// The file as read: the header typed, the lists kept raw so that one bad element is skipped
/// and a file of another version is named as such whatever its lists look like.
#[derive(Deserialize)]
pub(super) struct FileIn<'a> {
    pub(super) format: Option<String>,
    pub(super) version: Option<u64>,
    pub(super) saved: Option<String>,
    pub(super) host: Option<String>,
    pub(super) account: Option<String>,
    #[serde(borrow)]
    pub(super) servers: Option<&'a RawValue>,
    #[serde(borrow)]
    pub(super) schedules: Option<&'a RawValue>,
    #[serde(borrow)]
    pub(super) backups: Option<&'a RawValue>,
}

#[derive(Serialize, Deserialize)]
pub(super) struct InstanceRec {
    pub(super) id: InstanceId,
    pub(super) name: String,
    pub(super) ip: String,
    pub(super) status: String,
    pub(super) datacenter: String,
}

impl From<&Instance> for InstanceRec {
    fn from(i: &Instance) -> Self {
        InstanceRec {
            id: i.id,
            name: i.name.clone(),
            ip: i.ip.clone(),
            status: i.status.clone(),
            datacenter: i.datacenter.clone(),
        }
    }
}

impl InstanceRec {
    pub(super) fn rebuild(self) -> Option<Instance> {
        Some(Instance {
            id: self.id,
            name: capped(self.name)?,
            ip: capped(self.ip)?,
            status: capped(self.status)?,
            datacenter: capped(self.datacenter)?,
        })
    }
}

#[derive(Serialize)]
pub(super) struct ScheduleListOut {
    pub(super) server: InstanceId,
    pub(super) rotation: Option<u8>,
    pub(super) schedules: Vec<ScheduleRec>,
}

#[derive(Deserialize)]
pub(super) struct ScheduleListIn<'a> {
    pub(super) server: InstanceId,
    pub(super) rotation: Option<u8>,
    #[serde(borrow)]
    pub(super) schedules: Vec<&'a RawValue>,
}

#[derive(Serialize, Deserialize)]
pub(super) struct ScheduleRec {
    pub(super) id: u64,
    pub(super) instance_id: InstanceId,
    pub(super) name: String,
    /// Monday = bit 0 (see [`Weekdays::bits`]).
    pub(super) days: u8,
    /// `HH:MM`.
    pub(super) time: String,
    pub(super) created: String,
}

impl From<&Schedule> for ScheduleRec {
    fn from(s: &Schedule) -> Self {
        ScheduleRec {
            id: s.id,
            instance_id: s.instance_id,
            name: s.name.clone(),
            days: s.days.bits(),
            time: s.time.to_string(),
            created: s.created.clone(),
        }
    }
}

impl ScheduleRec {
    pub(super) fn rebuild(self) -> Option<Schedule> {
        // A listed schedule always has a day: a set outside the week or empty is not one.
        let days = Weekdays::from_bits(self.days);
        if days.bits() != self.days || days.is_empty() {
            return None;
        }
        Some(Schedule {
            id: self.id,
            instance_id: self.instance_id,
            name: capped(self.name)?,
            days,
            time: self.time.parse::<TimeOfDay>().ok()?,
            created: capped(self.created)?,
        })
    }
}

#[derive(Serialize)]
pub(super) struct BackupListOut {
    pub(super) server: InstanceId,
    pub(super) backups: Vec<BackupRec>,
}

#[derive(Deserialize)]
pub(super) struct BackupListIn<'a> {
    pub(super) server: InstanceId,
    #[serde(borrow)]
    pub(super) backups: Vec<&'a RawValue>,
}

#[derive(Serialize, Deserialize)]
pub(super) struct BackupRec {
    pub(super) id: u64,
    pub(super) name: String,
    /// `auto`, `manual` or `other:<what the API said>`.
    pub(super) kind: String,
    pub(super) created_text: String,
    /// The wall-clock time read from `created_text`, ISO 8601.
    pub(super) created: Option<String>,
    pub(super) status: String,
    pub(super) size: String,
}

impl From<&Backup> for BackupRec {
    fn from(b: &Backup) -> Self {
        BackupRec {
            id: b.id,
            name: b.name.clone(),
            kind: match &b.kind {
                BackupKind::Auto => "auto".to_string(),
                BackupKind::Manual => "manual".to_string(),
                BackupKind::Other(s) => format!("other:{s}"),
            },
            created_text: b.created_text.clone(),
            created: b.created.map(|c| c.to_string()),
            status: b.status.clone(),
            size: b.size.clone(),
        }
    }
}

impl BackupRec {
    pub(super) fn rebuild(self) -> Option<Backup> {
        let kind = capped(self.kind)?;
        let kind = match kind.as_str() {
            "auto" => BackupKind::Auto,
            "manual" => BackupKind::Manual,
            other => match other.strip_prefix("other:") {
                Some(s) => BackupKind::Other(s.to_string()),
                None => BackupKind::from_api(other),
            },
        };
        let created = match self.created {
            Some(c) => Some(capped(c)?.parse::<DateTime>().ok()?),
            None => None,
        };
        Some(Backup {
            id: self.id,
            name: capped(self.name)?,
            kind,
            created_text: capped(self.created_text)?,
            created,
            status: capped(self.status)?,
            size: capped(self.size)?,
        })
    }
}
