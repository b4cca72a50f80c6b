//! Reading list elements into the domain's types: each field in the first form that parses
//! (`$`, then `$orig`), as tolerant as the real server's answers need (api.md 3, 8a.3).

use serde_json::Value;

use super::ApiError;
use super::doc;
use crate::domain::backups::{Backup, BackupKind, parse_api_datetime};
use crate::domain::{Instance, InstanceId, Schedule, TimeOfDay, Weekdays};

/// Fields of an `instances.filter` form that are set. Everything that is not a filter value
/// (paging, buttons, the echo, messages) is ignored; an empty, `null` or `off` value is unset.
pub(super) fn set_filter_fields(doc: &Value) -> Vec<String> {
    const NOT_FILTERS: &[&str] = &[
        "tparams",
        "metadata",
        "messages",
        "elid",
        "plid",
        "func",
        "sok",
        "ok",
        "p_cnt",
        "p_num",
        "p_elems",
        "slist",
        "page",
        "clicked_button",
        "out",
        "lang",
        "progress",
    ];
    let Some(map) = doc.as_object() else {
        return Vec::new();
    };
    map.iter()
        .filter(|(k, _)| !k.starts_with('$') && !NOT_FILTERS.contains(&k.as_str()))
        .filter(|(_, v)| {
            doc::texts(v).next().is_some_and(|t| {
                let t = t.trim();
                !t.is_empty()
                    && !matches!(t.to_lowercase().as_str(), "null" | "off" | "all" | "any")
            })
        })
        .map(|(k, _)| crate::sanitize::for_terminal(k).into_owned())
        .collect()
}

pub(super) fn parse_instance(e: &Value) -> Result<Instance, ApiError> {
    Ok(Instance {
        id: doc::number_field(e, "id")?,
        name: doc::field_or_empty(e, "servername").to_string(),
        ip: doc::field_or_empty(e, "ip").to_string(),
        status: doc::field_or_empty(e, "instance_status").to_lowercase(),
        datacenter: doc::field_or_empty(e, "datacentername").to_string(),
    })
}

/// Decodes one page of a schedule list, as the client does with each answer: the `$`
/// document, then every element into a [`Schedule`] (used by the benchmarks too).
pub fn decode_schedule_page(
    status: u16,
    body: &[u8],
    instance: InstanceId,
) -> Result<Vec<Schedule>, ApiError> {
    let page = doc::decode_page(status, body)?;
    page.elems
        .iter()
        .map(|raw| {
            let mut e = doc::parse_element(raw)?;
            super::scrub::Scrubber::default().value(&mut e);
            parse_schedule(&e, instance)
        })
        .collect()
}

pub(super) fn parse_backup(e: &Value) -> Result<Backup, ApiError> {
    let created_text = doc::field_or_empty(e, "createdate").trim().to_string();
    let created = doc::parsed(e, "createdate", |s| parse_api_datetime(s.trim()));
    Ok(Backup {
        id: doc::number_field(e, "id")?,
        name: doc::field_or_empty(e, "name").to_string(),
        kind: doc::parsed(e, "backup_type", |s| {
            Some(BackupKind::from_api(s)).filter(|k| !matches!(k, BackupKind::Other(_)))
        })
        .unwrap_or_else(|| BackupKind::from_api(doc::field_or_empty(e, "backup_type"))),
        created,
        created_text,
        status: doc::field_or_empty(e, "fleio_status").to_string(),
        size: doc::field_or_empty(e, "image_size").to_string(),
    })
}

pub(super) fn parse_schedule(e: &Value, instance: InstanceId) -> Result<Schedule, ApiError> {
    let id = doc::number_field(e, "id")?;
    let days = doc::parsed(e, "rotation_days", |d| Weekdays::from_api(d).ok())
        .ok_or_else(|| ApiError::Malformed(format!("schedule {id} has unreadable days")))?;
    let time = doc::parsed(e, "rotation_time", TimeOfDay::from_api)
        .ok_or_else(|| ApiError::Malformed(format!("schedule {id} has an unreadable time")))?;
    Ok(Schedule {
        id,
        instance_id: doc::number_field(e, "instance_id").unwrap_or(instance),
        name: doc::field_or_empty(e, "name").to_string(),
        days,
        time,
        created: doc::field_or_empty(e, "create_date").to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_form_of_a_schedule_is_read() {
        let e = json!({"id": 7, "name": {"$": "n"},
            "rotation_days": {"$": "Blursday", "$orig": "1 2"},
            "rotation_time": {"$": "2:05", "$orig": "02:05:00"},
            "create_date": {"$": "2024-07-24"}});
        let mut e = e;
        super::super::scrub::Scrubber::default().value(&mut e);
        let s = parse_schedule(&e, 1).expect("readable");
        assert_eq!(s.id, 7);
        assert_eq!(s.days.display(), "Mon,Tue");
        assert_eq!(s.time.to_string(), "02:05");
    }

    #[test]
    fn filter_fields() {
        let doc = json!({"servername": {"$": "web"}, "ip": {}, "status": {"$": "null"},
            "tparams": {"auth": {"$": "x"}}, "p_cnt": {"$": "10"}});
        assert_eq!(set_filter_fields(&doc), ["servername"]);
    }
}
