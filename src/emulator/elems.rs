//! List elements as the real server writes them: every value a `{"$": …}` string, `$orig`
//! beside `$` where the panel shows one that differs (`instance_status`, `item_status`,
//! `protected`, the schedule's `rotation_days` and `rotation_time`), `createdate` sometimes
//! wrapped in an array, a schedule's `create_date` date-only.

use serde_json::{Value, json};

use super::answer::t;
use super::state::{EmuInstance, EmuSchedule, stored_time};
use crate::domain::Weekdays;

/// The daily price every emulated server shows in `cost` (the filter matches `cost_from` and
/// `cost_to` against the same number).
pub(super) const INSTANCE_COST: &str = "0.1634 EUR/Day";

/// The id of the unreadable schedule element [`OddAnswers::unreadable_on`] adds.
pub const UNREADABLE_SCHEDULE_ID: u64 = 9_999_999;

/// Switches that make answers harder still than the real server is known to write them, for
/// tests of a tolerant client. All off by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OddAnswers {
    /// `rotation_time.$` in `H:MM` form (`2:01`) instead of `HH:MM`.
    pub short_times: bool,
    /// `rotation_days.$` separated by commas (`Monday, Tuesday`) instead of spaces.
    pub comma_days: bool,
    /// This server's schedule list carries one more element, id [`UNREADABLE_SCHEDULE_ID`],
    /// whose `rotation_days` is unreadable in both forms (`$` "Blursday", `$orig` "9"). It is
    /// not stored: editing or deleting it answers "not found".
    pub unreadable_on: Option<u64>,
}

impl OddAnswers {
    /// Every oddity, with the unreadable element on `server`.
    pub fn all(server: u64) -> OddAnswers {
        OddAnswers {
            short_times: true,
            comma_days: true,
            unreadable_on: Some(server),
        }
    }
}

/// `Active` from `active`.
pub(super) fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A `func=instances` element.
pub(super) fn instance_elem(i: &EmuInstance) -> Value {
    // Some answers wrap createdate in an array; the API does that too.
    let createdate = if i.id.is_multiple_of(2) {
        json!([t(&i.createdate)])
    } else {
        t(&i.createdate)
    };
    let billing = if i.billing_status == 2 {
        "Active"
    } else {
        "Suspended"
    };
    json!({
        "id": t(i.id.to_string()),
        "servername": t(&i.servername),
        "name": t(&i.tariff),
        "pricelist": t(&i.tariff),
        "ip": t(&i.ip),
        "ip_v6": {},
        "instance_status": {"$": capitalised(&i.status), "$orig": i.status},
        // The panel reads the billing code from item_status.$orig.
        "item_status": {"$": billing, "$orig": i.billing_status.to_string()},
        "status": t(i.billing_status.to_string()),
        "datacentername": t(&i.datacenter),
        "createdate": createdate,
        "os_distro": t(&i.os_distro),
        "cost": t(INSTANCE_COST),
    })
}

/// A `func=instances.fleio_bckps` element.
pub(super) fn backup_elem(
    id: u64,
    name: &str,
    kind: &str,
    created: &str,
    inst: &EmuInstance,
) -> Value {
    // Like instances, some answers wrap createdate in an array.
    let createdate = if id.is_multiple_of(2) {
        json!([t(created)])
    } else {
        t(created)
    };
    json!({
        "id": t(id.to_string()),
        "name": t(name),
        "backup_type": t(kind),
        "image_size": t("2.4 GB"),
        "createdate": createdate,
        "cost": t("0.0050 EUR/Day"),
        "os_distro": t(&inst.os_distro),
        "fleio_status": {"$": "Active", "$orig": "active"},
        "protected": {"$": "No", "$orig": "off"},
        "fleio_id": t(format!("6f1c{id:08x}-0000-4000-8000-{:012x}", inst.id)),
        "region": t(&inst.datacenter),
        "min_disk": t("20"),
        "min_ram": t("1024"),
    })
}

/// A `func=instances.fleio_bckps.schedule` element: `rotation_days.$` names (localized unless
/// `lang=en`) with `$orig` the numbers, `rotation_time.$` `HH:MM` with `$orig` `HH:MM:SS`,
/// `create_date` date-only.
pub(super) fn schedule_elem(
    s: &EmuSchedule,
    inst: &EmuInstance,
    english: bool,
    odd: &OddAnswers,
) -> Value {
    let days = Weekdays::from_api_numbers(&s.days).unwrap_or_default();
    let names: Vec<String> = days
        .iter()
        .map(|d| {
            if english {
                d.api_name().to_string()
            } else {
                capitalised(d.ru_name())
            }
        })
        .collect();
    let days_text = if odd.comma_days {
        names.join(", ")
    } else {
        // Space-separated with a trailing space, as the real server writes it.
        names.iter().map(|n| format!("{n} ")).collect()
    };
    let (time_text, time_orig) = match stored_time(&s.time) {
        Some(tm) if odd.short_times => (
            format!("{}:{:02}", tm.hour(), tm.minute()),
            format!("{tm}:00"),
        ),
        // What the server stored (`2:01` when it normalizes).
        Some(tm) => (s.time.trim().to_string(), format!("{tm}:00")),
        None => (s.time.clone(), s.time.clone()),
    };
    let date = s.create_date.split_whitespace().next().unwrap_or("");
    json!({
        "id": t(s.id.to_string()),
        "instance_id": t(s.instance_id.to_string()),
        "name": t(&s.name),
        "rotation_days": {"$": days_text, "$orig": s.days},
        "rotation_time": {"$": time_text, "$orig": time_orig},
        "create_date": t(date),
        "servername": t(&inst.servername),
    })
}

/// The element [`OddAnswers::unreadable_on`] adds to `inst`'s schedule list.
pub(super) fn unreadable_schedule_elem(inst: &EmuInstance) -> Value {
    json!({
        "id": t(UNREADABLE_SCHEDULE_ID.to_string()),
        "instance_id": t(inst.id.to_string()),
        "name": t("odd one"),
        "rotation_days": {"$": "Blursday ", "$orig": "9"},
        "rotation_time": {"$": "03:00", "$orig": "03:00:00"},
        "create_date": t("2026-01-01"),
        "servername": t(&inst.servername),
    })
}
