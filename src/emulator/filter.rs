//! The panel's server filter, `func=instances.filter`, as Zomro's panel uses it
//! (`src/Redux/cloudVps/cloudVpsOperations.js`: `getInstances` reads it after every list,
//! `setInstancesFilter` writes it; `InstancesPage.jsx` clears it).
//!
//! The filter belongs to the user, not the session: set once (in the web panel or through
//! this function), it hides servers from `func=instances` for every session of that user,
//! `p_elems` included, until it is cleared. It is kept in the state file.
//!
//! **Fields** (form fields, each a string): `id`, `ip`, `pricelist`, `instance_status`,
//! `datacenter`, `status`, `orderdatefrom`, `orderdateto`, `cost_from`, `cost_to`,
//! `autoprolong`, `domain`, `expiredate`, `opendate`, `period`.
//!
//! **Read** (`func=instances.filter` without `sok`): `doc` holds every field; a set field is
//! `{"$": "value"}`, a field not set is `{}` (an empty element; a client should also accept
//! the key missing or `{"$": ""}` as "not set"). `doc.slist` is an array of
//! `{"$name": field, "val": [{"$key": key, "$": label}, …]}` for `autoprolong`, `status`,
//! `datacenter`, `period` and `pricelist`. Any field with a non-blank value means the filter
//! is on.
//!
//! **Set** (`sok=ok`): the request replaces the whole filter; a field not sent or blank is
//! cleared. Answer: `{"ok": {}}`. A value over 100 characters is refused (`$type` `value`,
//! `$object` the field).
//!
//! **Clear**: `sok=ok` with every field empty (or none sent), as the panel does on opening
//! its server list and on "reset".
//!
//! **Matching** (all set fields must match): `id` the server id exactly; `ip` a part of the
//! address; `pricelist` and `datacenter` a `$key` from `slist` or the name itself;
//! `instance_status` the raw state (`suspend` matches `suspended`); `status` the billing code;
//! `orderdatefrom` / `orderdateto` (`YYYY-MM-DD`) bound the creation date; `cost_from` /
//! `cost_to` bound the daily price. A date or price that cannot be read matches no server.
//! `autoprolong`, `domain`, `expiredate`, `opendate` and `period` are kept and reported but
//! hide nothing: the emulator's servers have no such data.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::answer::{Answer, Params, err, ok, t};
use super::state::EmuInstance;
use super::world::World;

/// Every filter field, in the order the panel sends them.
pub const FILTER_FIELDS: [&str; 15] = [
    "autoprolong",
    "cost_from",
    "cost_to",
    "datacenter",
    "domain",
    "expiredate",
    "id",
    "ip",
    "opendate",
    "orderdatefrom",
    "orderdateto",
    "period",
    "pricelist",
    "instance_status",
    "status",
];

const INSTANCE_COST_VALUE: f64 = 0.1634;
const VALUE_MAX_CHARS: usize = 100;

/// A user's filter with what it needs to match servers.
#[derive(Debug)]
pub(super) struct Filter {
    fields: BTreeMap<String, String>,
    datacenters: Vec<(String, String)>,
    pricelists: Vec<(String, String)>,
}

fn user_key(user: &str) -> String {
    user.to_lowercase()
}

/// `(key, name)` for each distinct value, keys counting from `base` in name order.
fn keyed(names: impl Iterator<Item = String>, base: u32) -> Vec<(String, String)> {
    let mut names: Vec<String> = names.collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .zip(base..)
        .map(|(n, k)| (k.to_string(), n))
        .collect()
}

fn one_of(list: &[(String, String)], wanted: &str, actual: &str) -> bool {
    actual.eq_ignore_ascii_case(wanted)
        || list
            .iter()
            .any(|(k, n)| k == wanted && n.eq_ignore_ascii_case(actual))
}

fn date_of(text: &str) -> Option<jiff::civil::Date> {
    text.split_whitespace().next()?.parse().ok()
}

impl Filter {
    /// Whether `inst` passes every set field.
    pub(super) fn shows(&self, inst: &EmuInstance) -> bool {
        self.fields.iter().all(|(field, v)| match field.as_str() {
            "id" => v == &inst.id.to_string(),
            "ip" => inst.ip.contains(v.as_str()),
            "pricelist" => one_of(&self.pricelists, v, &inst.tariff),
            "datacenter" => one_of(&self.datacenters, v, &inst.datacenter),
            "instance_status" => {
                v.eq_ignore_ascii_case(&inst.status)
                    || (v == "suspend" && inst.status == "suspended")
            }
            "status" => v == &inst.billing_status.to_string(),
            "orderdatefrom" => {
                matches!((date_of(v), date_of(&inst.createdate)), (Some(f), Some(c)) if c >= f)
            }
            "orderdateto" => {
                matches!((date_of(v), date_of(&inst.createdate)), (Some(t), Some(c)) if c <= t)
            }
            "cost_from" => v.parse::<f64>().is_ok_and(|f| INSTANCE_COST_VALUE >= f),
            "cost_to" => v.parse::<f64>().is_ok_and(|c| INSTANCE_COST_VALUE <= c),
            _ => true,
        })
    }
}

impl World {
    fn datacenter_keys(&self) -> Vec<(String, String)> {
        keyed(self.data.instances.iter().map(|i| i.datacenter.clone()), 11)
    }

    fn pricelist_keys(&self) -> Vec<(String, String)> {
        keyed(self.data.instances.iter().map(|i| i.tariff.clone()), 6001)
    }

    /// The filter `user` has set, if any field is set.
    pub(super) fn filter_of(&self, user: &str) -> Option<Filter> {
        let fields = self.data.filters.get(&user_key(user))?;
        (!fields.is_empty()).then(|| Filter {
            fields: fields.clone(),
            datacenters: self.datacenter_keys(),
            pricelists: self.pricelist_keys(),
        })
    }

    /// Sets (without the panel) the filter of `user`: `(field, value)` pairs, blanks dropped.
    pub fn set_filter(&mut self, user: &str, fields: &[(&str, &str)]) {
        let set: BTreeMap<String, String> = fields
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (k.to_string(), v.trim().to_string()))
            .collect();
        if set.is_empty() {
            self.data.filters.remove(&user_key(user));
        } else {
            self.data.filters.insert(user_key(user), set);
        }
    }

    pub(super) fn instances_filter(&mut self, p: &Params, user: &str) -> Answer {
        if p.sok() {
            let mut set = Vec::new();
            for field in FILTER_FIELDS {
                if let Some(v) = p.filled(field) {
                    if v.chars().count() > VALUE_MAX_CHARS {
                        return Err(err("value", field, "The value of the field is too long"));
                    }
                    set.push((field, v));
                }
            }
            self.set_filter(user, &set);
            self.save();
            return ok();
        }
        let current = self.data.filters.get(&user_key(user));
        let mut m = Map::new();
        for field in FILTER_FIELDS {
            let value = current.and_then(|f| f.get(field));
            m.insert(field.into(), value.map_or(json!({}), t));
        }
        let options = |list: Vec<(String, String)>| -> Value {
            list.into_iter()
                .map(|(k, n)| json!({"$key": k, "$": n}))
                .collect()
        };
        let pairs = |list: &[(&str, &str)]| {
            list.iter()
                .map(|(k, n)| (k.to_string(), n.to_string()))
                .collect::<Vec<_>>()
        };
        m.insert(
            "slist".into(),
            json!([
                {"$name": "autoprolong", "val": options(pairs(&[("on", "On"), ("off", "Off")]))},
                {"$name": "status", "val": options(pairs(&[
                    ("1", "Ordered"), ("2", "Active"), ("3", "Suspended"),
                    ("4", "Deleted"), ("5", "Processing")]))},
                {"$name": "datacenter", "val": options(self.datacenter_keys())},
                {"$name": "period", "val": options(pairs(&[("-50", "Day"), ("1", "Month")]))},
                {"$name": "pricelist", "val": options(self.pricelist_keys())},
            ]),
        );
        Ok(m)
    }
}
