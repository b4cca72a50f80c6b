//! The emulator's BILLmanager functions: one pure step from a request's parameters to its
//! `$` document, over the emulator's world.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use super::faults::Faults;
use super::state::{Data, EmuInstance, EmuSchedule};
use crate::domain::{NAME_MAX_CHARS, TimeOfDay, Weekdays};

/// The page size BILLmanager uses when the client does not say.
pub const DEFAULT_PAGE: usize = 10;

/// A request's parameters (form fields or query), first value of each name wins.
#[derive(Debug, Default, Clone)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    /// The value of `key`, if sent.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The value of `key` if sent and not blank.
    fn filled(&self, key: &str) -> Option<&str> {
        self.get(key).map(str::trim).filter(|v| !v.is_empty())
    }
}

#[derive(Debug)]
struct Session {
    user: String,
    last_used: Instant,
    totp_pending: bool,
}

/// Everything a running emulator holds.
#[derive(Debug)]
pub struct World {
    /// Persisted data.
    pub data: Data,
    /// Fault switches.
    pub faults: Faults,
    /// Every `func` received, in order (for tests: "nothing was sent").
    pub calls: Vec<String>,
    sessions: HashMap<String, Session>,
    session_ttl: Duration,
    page_size: HashMap<String, usize>,
    state_file: Option<PathBuf>,
    /// Share of scheduled runs that leave no backup.
    pub skip_backups: f64,
    /// A fixed "now" for backups (tests); the real clock when None.
    pub clock: Option<jiff::Timestamp>,
}

type Answer = Result<Map<String, Value>, Value>;

fn t(s: impl Into<String>) -> Value {
    json!({"$": s.into()})
}

fn err(kind: &str, object: &str, msg: &str) -> Value {
    json!({"$type": kind, "$object": object, "$lang": "en",
        "param": [{"$name": "object", "$type": "msg", "$": object}, {"$name": "value", "$": ""}],
        "msg": {"$": msg}})
}

fn access_denied() -> Value {
    err(
        "access",
        "",
        "Insufficient privileges to perform this function",
    )
}

fn ok() -> Answer {
    let mut m = Map::new();
    m.insert("ok".into(), json!({}));
    Ok(m)
}

fn new_token() -> String {
    let mut b = [0u8; 12];
    if getrandom::fill(&mut b).is_err() {
        // No OS randomness: fall back to the clock; the emulator's tokens guard nothing real.
        let n = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        b.copy_from_slice(&n.to_le_bytes()[..12]);
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn now_text() -> String {
    let tz = jiff::tz::TimeZone::fixed(jiff::tz::offset(3));
    jiff::Timestamp::now()
        .to_zoned_datetime(tz)
        .strftime("%Y-%m-%d %H:%M:%S")
        .to_string()
}

impl World {
    /// A world over `data`, persisted to `state_file` when given.
    pub fn new(data: Data, session_ttl: Duration, state_file: Option<PathBuf>) -> World {
        World {
            data,
            faults: Faults::default(),
            calls: Vec::new(),
            sessions: HashMap::new(),
            session_ttl,
            page_size: HashMap::new(),
            state_file,
            skip_backups: 0.0,
            clock: None,
        }
    }

    /// The session tokens handed out and still valid (for tests that look for leaks).
    pub fn session_tokens(&self) -> Vec<String> {
        self.sessions.keys().cloned().collect()
    }

    /// Drops every session, as if each had expired.
    pub fn expire_sessions(&mut self) {
        self.sessions.clear();
    }

    /// Sets how long a session lives after its last request.
    pub fn set_session_ttl(&mut self, ttl: Duration) {
        self.session_ttl = ttl;
    }

    fn save(&self) {
        if let Some(path) = &self.state_file
            && let Err(e) = self.data.save(path)
        {
            tracing::error!("emulator state not saved: {e}");
        }
    }

    /// Handles one request and returns its whole JSON answer.
    pub fn respond(&mut self, p: &Params) -> Value {
        let func = p.get("func").unwrap_or("").to_string();
        let answer = self.dispatch(&func, p);
        let mut doc = match answer {
            Ok(m) => m,
            Err(e) => {
                let mut m = Map::new();
                m.insert("error".into(), e);
                m
            }
        };
        // The real API echoes the request's parameters, session token included.
        let mut tparams = Map::new();
        tparams.insert("func".into(), t(func));
        tparams.insert("out".into(), t("json"));
        if let Some(auth) = p.get("auth") {
            tparams.insert("auth".into(), t(auth));
        }
        doc.insert("tparams".into(), Value::Object(tparams));
        json!({ "doc": doc })
    }

    fn dispatch(&mut self, func: &str, p: &Params) -> Answer {
        if func == "auth" {
            return self.auth(p);
        }
        let user = self.check_session(func, p)?;
        match func {
            "whoami" => self.whoami(p),
            "totp.confirm" => self.totp_confirm(p, &user),
            "keepalive" => ok(),
            "logon" => {
                if let Some(tok) = p.get("auth") {
                    self.sessions.remove(tok);
                }
                ok()
            }
            "instances" => self.instances(p, &user),
            "instances.edit" => self.instance_edit(p),
            "instances.fleio_bckps" => self.backups(p, &user),
            "instances.fleio_bckps.schedule" => self.schedules(p, &user),
            "instances.fleio_bckps.schedule.edit" => self.schedule_edit(p),
            "instances.fleio_bckps.schedule.delete" => self.schedule_delete(p),
            "" => Err(err("missed", "func", "No function given")),
            other => Err(err(
                "missed",
                "func",
                &format!("Function {other} not found"),
            )),
        }
    }

    fn auth(&mut self, p: &Params) -> Answer {
        let (name, pass) = (
            p.get("username").unwrap_or(""),
            p.get("password").unwrap_or(""),
        );
        let Some(user) = self
            .data
            .users
            .iter()
            .find(|u| u.username.eq_ignore_ascii_case(name.trim()) && u.password == pass)
        else {
            return Err(err("auth", "badpassword", "Invalid username or password"));
        };
        let token = new_token();
        self.sessions.insert(
            token.clone(),
            Session {
                user: user.username.clone(),
                last_used: Instant::now(),
                totp_pending: user.totp.is_some(),
            },
        );
        let mut m = Map::new();
        m.insert(
            "auth".into(),
            json!({"$id": token, "$level": "16", "$": token}),
        );
        Ok(m)
    }

    fn check_session(&mut self, func: &str, p: &Params) -> Result<String, Value> {
        let tok = p.get("auth").unwrap_or("");
        let ttl = self.session_ttl;
        let Some(s) = self.sessions.get_mut(tok) else {
            return Err(access_denied());
        };
        if s.last_used.elapsed() > ttl {
            self.sessions.remove(tok);
            return Err(access_denied());
        }
        s.last_used = Instant::now();
        if s.totp_pending && !matches!(func, "whoami" | "totp.confirm" | "logon") {
            return Err(access_denied());
        }
        Ok(s.user.clone())
    }

    fn whoami(&self, p: &Params) -> Answer {
        let pending = p
            .get("auth")
            .and_then(|t| self.sessions.get(t))
            .is_some_and(|s| s.totp_pending);
        let mut m = Map::new();
        m.insert(
            "ok".into(),
            if pending {
                t("func=totp.confirm")
            } else {
                json!({})
            },
        );
        Ok(m)
    }

    fn totp_confirm(&mut self, p: &Params, user: &str) -> Answer {
        let code = self
            .data
            .users
            .iter()
            .find(|u| u.username == user)
            .and_then(|u| u.totp.clone());
        if p.get("sok") != Some("ok") || code.is_none() {
            return ok();
        }
        if p.get("qrcode").map(str::trim) != code.as_deref() {
            return Err(err("value", "qrcode", "Invalid confirmation code"));
        }
        if let Some(old) = p.get("auth") {
            self.sessions.remove(old);
        }
        let token = new_token();
        self.sessions.insert(
            token.clone(),
            Session {
                user: user.to_string(),
                last_used: Instant::now(),
                totp_pending: false,
            },
        );
        let mut m = Map::new();
        m.insert("auth".into(), json!({"$id": token, "$": token}));
        Ok(m)
    }

    /// One page of `items`, as BILLmanager pages: `p_cnt` is remembered per user.
    fn page(&mut self, p: &Params, user: &str, items: Vec<Value>) -> Map<String, Value> {
        if let Some(cnt) = p.filled("p_cnt").and_then(|c| c.parse::<usize>().ok()) {
            self.page_size.insert(user.to_string(), cnt.max(1));
        }
        let size = self.page_size.get(user).copied().unwrap_or(DEFAULT_PAGE);
        let num = p
            .filled("p_num")
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(1)
            .max(1);
        let total = items.len();
        let mut page: Vec<Value> = items
            .into_iter()
            .skip((num - 1) * size)
            .take(size)
            .collect();
        let mut m = Map::new();
        m.insert("p_cnt".into(), t(size.to_string()));
        m.insert("p_num".into(), t(num.to_string()));
        m.insert("p_elems".into(), t(total.to_string()));
        // One element comes as an object, none as no key at all.
        match page.len() {
            0 => {}
            1 => {
                m.insert("elem".into(), page.remove(0));
            }
            _ => {
                m.insert("elem".into(), Value::Array(page));
            }
        }
        m
    }

    fn instances(&mut self, p: &Params, user: &str) -> Answer {
        let items = self.data.instances.iter().map(instance_elem).collect();
        Ok(self.page(p, user, items))
    }

    fn instance(&self, id: Option<&str>) -> Result<&EmuInstance, Value> {
        let id = id.and_then(|v| v.parse::<u64>().ok());
        self.data
            .instances
            .iter()
            .find(|i| Some(i.id) == id)
            .ok_or_else(|| err("missed", "elid", "The server was not found"))
    }

    fn instance_edit(&mut self, p: &Params) -> Answer {
        let inst = self.instance(p.filled("elid"))?.clone();
        if p.get("sok") != Some("ok") {
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
                Ok(n) if (1..=10).contains(&n) => Some(n),
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

    fn schedules(&mut self, p: &Params, user: &str) -> Answer {
        let inst = self
            .instance(p.filled("elid").or(p.filled("plid")))?
            .clone();
        let english = p.get("lang") == Some("en");
        let items = self
            .data
            .schedules
            .iter()
            .filter(|s| s.instance_id == inst.id)
            .map(|s| schedule_elem(s, &inst, english))
            .collect();
        let mut m = self.page(p, user, items);
        m.insert(
            "backup_rotation".into(),
            t(inst.backup_rotation.to_string()),
        );
        Ok(m)
    }

    fn backups(&mut self, p: &Params, user: &str) -> Answer {
        let inst = self
            .instance(p.filled("elid").or(p.filled("plid")))?
            .clone();
        let now = self.clock.unwrap_or_else(jiff::Timestamp::now);
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
        let mut m = self.page(p, user, items);
        m.insert("manual_created_today".into(), t(manual_today.to_string()));
        m.insert("manual_created_total".into(), t(manual_total.to_string()));
        m.insert("cost".into(), t("0.02 EUR/Day"));
        Ok(m)
    }

    fn schedule_edit(&mut self, p: &Params) -> Answer {
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
        if p.get("sok") != Some("ok") {
            // Without sok=ok an .edit call only returns its form.
            let mut m = Map::new();
            let s = existing.as_ref();
            m.insert("plid".into(), t(inst_id.to_string()));
            m.insert("name".into(), s.map_or(json!({}), |s| t(&s.name)));
            m.insert("rotation_days".into(), s.map_or(json!({}), |s| t(&s.days)));
            m.insert("rotation_time".into(), s.map_or(json!({}), |s| t(&s.time)));
            return Ok(m);
        }
        let name = p.get("name").unwrap_or("").trim().to_string();
        if name.is_empty() {
            return Err(err("value", "name", "The field 'Name' is required"));
        }
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
        match existing {
            Some(old) => {
                if let Some(s) = self.data.schedules.iter_mut().find(|s| s.id == old.id) {
                    s.name = name;
                    s.days = days.to_api_csv();
                    s.time = time.to_string();
                }
            }
            None => {
                let id = self.data.next_schedule_id;
                self.data.next_schedule_id += 1;
                self.data.schedules.push(EmuSchedule {
                    id,
                    instance_id: inst_id,
                    name,
                    days: days.to_api_csv(),
                    time: time.to_string(),
                    create_date: now_text(),
                });
            }
        }
        self.save();
        ok()
    }

    fn schedule_delete(&mut self, p: &Params) -> Answer {
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

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn instance_elem(i: &EmuInstance) -> Value {
    // Some answers wrap createdate in an array; the API does that too.
    let createdate = if i.id.is_multiple_of(2) {
        json!([t(&i.createdate)])
    } else {
        t(&i.createdate)
    };
    json!({
        "id": t(i.id.to_string()),
        "servername": t(&i.servername),
        "name": t(&i.tariff),
        "pricelist": t(&i.tariff),
        "ip": t(&i.ip),
        "ip_v6": {},
        "instance_status": {"$": capitalised(&i.status), "$orig": i.status},
        "item_status": t(if i.billing_status == 2 { "Active" } else { "Suspended" }),
        "status": t(i.billing_status.to_string()),
        "datacentername": t(&i.datacenter),
        "createdate": createdate,
        "os_distro": t(&i.os_distro),
        "cost": t("0.1634 EUR/Day"),
    })
}

fn backup_elem(id: u64, name: &str, kind: &str, created: &str, inst: &EmuInstance) -> Value {
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

fn schedule_elem(s: &EmuSchedule, inst: &EmuInstance, english: bool) -> Value {
    let days = Weekdays::from_api_numbers(&s.days).unwrap_or_default();
    let names: String = if english {
        days.to_api_names()
    } else {
        days.iter()
            .map(|d| format!("{} ", capitalised(d.ru_name())))
            .collect()
    };
    json!({
        "id": t(s.id.to_string()),
        "instance_id": t(s.instance_id.to_string()),
        "name": t(&s.name),
        "rotation_days": t(names),
        "rotation_time": t(&s.time),
        "create_date": t(&s.create_date),
        "servername": t(&inst.servername),
    })
}
