//! The list functions: servers (through the panel's filter), schedules, backups.

use serde_json::Value;

use super::answer::{Answer, Params, err, t};
use super::elems::{backup_elem, instance_elem, schedule_elem, unreadable_schedule_elem};
use super::state::{EmuInstance, EmuSchedule};
use super::world::World;

impl World {
    pub(super) fn instances(&mut self, p: &Params, user: &str) -> Answer {
        let filter = self.filter_of(user);
        let items = self
            .data
            .instances
            .iter()
            .filter(|i| filter.as_ref().is_none_or(|f| f.shows(i)))
            .map(instance_elem)
            .collect();
        Ok(self.page(p, user, "instances", items))
    }

    pub(super) fn instance(&self, id: Option<&str>) -> Result<&EmuInstance, Value> {
        let id = id.and_then(|v| v.parse::<u64>().ok());
        self.data
            .instances
            .iter()
            .find(|i| Some(i.id) == id)
            .ok_or_else(|| err("missed", "elid", "The server was not found"))
    }

    pub(super) fn schedules(&mut self, p: &Params, user: &str) -> Answer {
        let inst = self
            .instance(p.filled("elid").or(p.filled("plid")))?
            .clone();
        let english = p.get("lang") == Some("en");
        let mut items: Vec<Value> = self
            .data
            .schedules
            .iter()
            .filter(|s| s.instance_id == inst.id)
            .map(|s| schedule_elem(s, &inst, english, &self.odd))
            .collect();
        if self.odd.unreadable_on == Some(inst.id) {
            // In the middle, so a client cannot get away with dropping the ends.
            let at = items.len() / 2;
            items.insert(at, unreadable_schedule_elem(&inst));
        }
        let mut m = self.page(p, user, "instances.fleio_bckps.schedule", items);
        m.insert(
            "backup_rotation".into(),
            t(inst.backup_rotation.to_string()),
        );
        Ok(m)
    }

    pub(super) fn backups(&mut self, p: &Params, user: &str) -> Answer {
        let inst = self
            .instance(p.filled("elid").or(p.filled("plid")))?
            .clone();
        let now = self.now();
        let schedules: Vec<&EmuSchedule> = self
            .data
            .schedules
            .iter()
            .filter(|s| s.instance_id == inst.id)
            .collect();
        let tz = super::backups::zone();
        let mut rows: Vec<(jiff::Timestamp, Value)> =
            super::backups::auto_backups(&inst, &schedules, self.skip_backups, now)
                .into_iter()
                .map(|b| {
                    let created = tz
                        .to_datetime(b.at)
                        .strftime("%Y-%m-%d %H:%M:%S")
                        .to_string();
                    (b.at, backup_elem(b.id, &b.name, "auto", &created, &inst))
                })
                .collect();
        let today = tz.to_datetime(now).date().to_string();
        let mut manual_today = 0;
        let mut manual_total = 0;
        for m in self
            .data
            .manual_backups
            .iter()
            .filter(|m| m.instance_id == inst.id)
        {
            manual_total += 1;
            if m.createdate.starts_with(&today) {
                manual_today += 1;
            }
            let at = crate::domain::backups::parse_api_datetime(&m.createdate)
                .and_then(|dt| tz.to_timestamp(dt).ok())
                .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
            rows.push((
                at,
                backup_elem(m.id, &m.name, "manual", &m.createdate, &inst),
            ));
        }
        rows.sort_by_key(|r| std::cmp::Reverse(r.0));
        let items = rows.into_iter().map(|(_, v)| v).collect();
        let mut m = self.page(p, user, "instances.fleio_bckps", items);
        m.insert("manual_created_today".into(), t(manual_today.to_string()));
        m.insert("manual_created_total".into(), t(manual_total.to_string()));
        m.insert("cost".into(), t("0.02 EUR/Day"));
        Ok(m)
    }
}
