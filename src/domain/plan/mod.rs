//! Plans: the schedules an account should have, per server, as a file (`bsched export`,
//! `bsched apply`) or built in the TUI (bulk apply, copy), and the diff between a plan and the
//! account. Pure: no I/O.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use super::{
    DomainError, InstanceId, Schedule, ScheduleId, ScheduleName, ScheduleSpec, TimeOfDay, Weekdays,
};

/// A plan file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanFormat {
    /// TOML (the default).
    Toml,
    /// JSON.
    Json,
}

/// The days of a plan entry: `"mon-fri"` or `["mon", "tue"]`; read with the user syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanDays(pub Weekdays);

impl<'de> Deserialize<'de> for PlanDays {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<PlanDays, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            One(String),
            Many(Vec<String>),
        }
        let text = match Raw::deserialize(d)? {
            Raw::One(s) => s,
            Raw::Many(v) => v.join(","),
        };
        Weekdays::parse_user(&text)
            .map(PlanDays)
            .map_err(serde::de::Error::custom)
    }
}

impl Serialize for PlanDays {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // The compact form people write: "mon-fri", "sat,sun", "daily".
        self.0.display().to_lowercase().serialize(s)
    }
}

fn de_time<'de, D: Deserializer<'de>>(d: D) -> Result<TimeOfDay, D::Error> {
    let s = String::deserialize(d)?;
    s.trim()
        .parse::<TimeOfDay>()
        .map_err(serde::de::Error::custom)
}

fn ser_time<S: serde::Serializer>(t: &TimeOfDay, s: S) -> Result<S::Ok, S::Error> {
    t.to_string().serialize(s)
}

fn de_name<'de, D: Deserializer<'de>>(d: D) -> Result<ScheduleName, D::Error> {
    let s = String::deserialize(d)?;
    ScheduleName::new(&s).map_err(serde::de::Error::custom)
}

fn ser_name<S: serde::Serializer>(n: &ScheduleName, s: S) -> Result<S::Ok, S::Error> {
    n.as_str().serialize(s)
}

fn de_retention<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u8>, D::Error> {
    let n = Option::<i64>::deserialize(d)?;
    match n {
        None => Ok(None),
        Some(n @ 1..=10) => Ok(Some(n as u8)),
        Some(n) => Err(serde::de::Error::custom(format!(
            "retention: must be between 1 and 10 backups, not {n}"
        ))),
    }
}

/// One schedule of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanSchedule {
    /// Its name: the identity of a schedule on its server.
    #[serde(deserialize_with = "de_name", serialize_with = "ser_name")]
    pub name: ScheduleName,
    /// Its days.
    pub days: PlanDays,
    /// Its start time, in the plan's `server_timezone`.
    #[serde(deserialize_with = "de_time", serialize_with = "ser_time")]
    pub time: TimeOfDay,
}

impl PlanSchedule {
    /// As a spec the client can send.
    pub fn spec(&self) -> Result<ScheduleSpec, DomainError> {
        ScheduleSpec::new(self.name.clone(), self.days.0, self.time)
    }
}

/// One server of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanServer {
    /// The server's id: what the plan is matched on.
    pub id: InstanceId,
    /// Its name, for the reader (not matched).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Scheduled backups kept (1-10), if the plan sets it.
    #[serde(
        default,
        deserialize_with = "de_retention",
        skip_serializing_if = "Option::is_none"
    )]
    pub retention: Option<u8>,
    /// Its schedules.
    #[serde(
        default,
        rename = "schedule",
        alias = "schedules",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub schedules: Vec<PlanSchedule>,
}

/// A whole plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// The zone the times are in (must match the profile's `server_timezone`).
    pub server_timezone: String,
    /// The servers.
    #[serde(default, rename = "server", alias = "servers")]
    pub servers: Vec<PlanServer>,
}

/// A plan file that cannot be used, in one sentence that names the line or the entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PlanError(pub String);

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The line of each schedule's `name`, per server in plan order (empty when unknown).
fn name_lines(text: &str, format: PlanFormat) -> Vec<Vec<usize>> {
    match format {
        PlanFormat::Toml => toml_name_lines(text),
        PlanFormat::Json => json_name_lines(text),
    }
}

fn toml_name_lines(text: &str) -> Vec<Vec<usize>> {
    #[derive(Deserialize)]
    struct Sched {
        name: toml::Spanned<String>,
    }
    #[derive(Deserialize)]
    struct Server {
        #[serde(default, rename = "schedule", alias = "schedules")]
        schedules: Vec<Sched>,
    }
    #[derive(Deserialize)]
    struct Doc {
        #[serde(default, rename = "server", alias = "servers")]
        servers: Vec<Server>,
    }
    toml::from_str::<Doc>(text)
        .map(|d| {
            d.servers
                .iter()
                .map(|s| {
                    s.schedules
                        .iter()
                        .map(|x| line_of(text, x.name.span().start))
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Walks JSON that parsed already and finds the line of every `"name"` key in a schedule
/// object: an object inside an array inside a server object inside the root's array.
fn json_name_lines(text: &str) -> Vec<Vec<usize>> {
    let bytes = text.as_bytes();
    let mut out: Vec<Vec<usize>> = Vec::new();
    // Open containers: b'{' or b'['; for objects, whether the next string is a key.
    let mut stack: Vec<(u8, bool)> = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => line += 1,
            b'{' => {
                stack.push((b'{', true));
                if stack.len() == 3 {
                    out.push(Vec::new());
                }
            }
            b'[' => stack.push((b'[', false)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => {
                if let Some((b'{', expect_key)) = stack.last_mut() {
                    *expect_key = true;
                }
            }
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let raw = text.get(start..=i.min(bytes.len() - 1)).unwrap_or("");
                if let Some((b'{', expect_key)) = stack.last_mut()
                    && *expect_key
                {
                    *expect_key = false;
                    if stack.len() == 5
                        && serde_json::from_str::<String>(raw).is_ok_and(|k| k == "name")
                        && let Some(server) = out.last_mut()
                    {
                        server.push(line);
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

impl Plan {
    /// Reads a plan. Errors name the line (and the field, in the message).
    pub fn parse(text: &str, format: PlanFormat) -> Result<Plan, PlanError> {
        let plan: Plan = match format {
            PlanFormat::Toml => toml::from_str(text).map_err(|e| {
                let msg = e.message().trim().to_string();
                PlanError(match e.span() {
                    Some(span) => format!("line {}: {msg}", line_of(text, span.start)),
                    None => msg,
                })
            })?,
            PlanFormat::Json => serde_json::from_str(text).map_err(|e| {
                let msg = e.to_string();
                // serde_json ends its message with "at line L column C"; lead with the line.
                match msg.rsplit_once(" at line ") {
                    Some((m, pos)) => {
                        let line = pos.split_whitespace().next().unwrap_or("?");
                        PlanError(format!("line {line}: {m}"))
                    }
                    None => PlanError(msg),
                }
            })?,
        };
        plan.check()?;
        plan.check_names(|| name_lines(text, format))?;
        Ok(plan)
    }

    /// Checks what one entry cannot: no server twice.
    fn check(&self) -> Result<(), PlanError> {
        let mut seen = std::collections::HashSet::new();
        for s in &self.servers {
            if !seen.insert(s.id) {
                return Err(PlanError(format!("server {} is in the plan twice", s.id)));
            }
        }
        Ok(())
    }

    /// Refuses two schedules of one server whose names differ only in case or surrounding
    /// space: names are how a plan is matched to the account, so only one of them could ever
    /// be applied. `lines` gives each schedule's line, per server, when the format can tell.
    fn check_names(&self, lines: impl FnOnce() -> Vec<Vec<usize>>) -> Result<(), PlanError> {
        let key = |s: &PlanSchedule| s.name.as_str().trim().to_lowercase();
        for (si, server) in self.servers.iter().enumerate() {
            for (j, b) in server.schedules.iter().enumerate() {
                let Some(i) = server.schedules[..j].iter().position(|a| key(a) == key(b)) else {
                    continue;
                };
                let lines = lines();
                let at = |k: usize| lines.get(si).and_then(|l| l.get(k)).copied();
                let a = &server.schedules[i];
                let place = match (at(i), at(j)) {
                    (Some(x), Some(y)) => format!("line {x} and line {y}"),
                    _ => format!("schedules {} and {} of server {}", i + 1, j + 1, server.id),
                };
                return Err(PlanError(format!(
                    "{place}: server {} has two schedules named '{}' and '{}' (names are matched ignoring case, so only one could be applied); rename or remove one",
                    server.id,
                    a.name.as_str(),
                    b.name.as_str()
                )));
            }
        }
        Ok(())
    }

    /// Writes the plan in `format`.
    pub fn render(&self, format: PlanFormat) -> Result<String, PlanError> {
        match format {
            PlanFormat::Toml => toml::to_string_pretty(self)
                .map(|t| format!("# bsched plan: the schedules of every server. Apply with `bsched apply -f FILE`.\n# Times are in server_timezone; days are names (mon-fri, sat,sun, daily ...).\n{t}"))
                .map_err(|e| PlanError(format!("cannot write the plan: {e}"))),
            PlanFormat::Json => serde_json::to_string_pretty(self)
                .map(|t| t + "\n")
                .map_err(|e| PlanError(format!("cannot write the plan: {e}"))),
        }
    }
}

/// One step that brings a server to its plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Create a schedule.
    Create {
        /// The server.
        instance: InstanceId,
        /// What to create.
        spec: ScheduleSpec,
    },
    /// Replace a schedule's days or time (same name).
    Update {
        /// The server.
        instance: InstanceId,
        /// The schedule as it is.
        before: Schedule,
        /// What it becomes.
        spec: ScheduleSpec,
    },
    /// Delete a schedule the plan does not name (only with prune).
    Delete {
        /// The server.
        instance: InstanceId,
        /// The schedule.
        before: Schedule,
    },
    /// Change the retention.
    Retention {
        /// The server.
        instance: InstanceId,
        /// Now (if known).
        before: Option<u8>,
        /// Wanted.
        after: u8,
    },
    /// Already as planned.
    Unchanged {
        /// The server.
        instance: InstanceId,
        /// The schedule.
        schedule: Schedule,
    },
}

impl Change {
    /// The server it concerns.
    pub fn instance(&self) -> InstanceId {
        match self {
            Change::Create { instance, .. }
            | Change::Update { instance, .. }
            | Change::Delete { instance, .. }
            | Change::Retention { instance, .. }
            | Change::Unchanged { instance, .. } => *instance,
        }
    }

    /// Whether it sends anything.
    pub fn is_change(&self) -> bool {
        !matches!(self, Change::Unchanged { .. })
    }

    /// One word: create, update, delete, retention, unchanged.
    pub fn verb(&self) -> &'static str {
        match self {
            Change::Create { .. } => "create",
            Change::Update { .. } => "update",
            Change::Delete { .. } => "delete",
            Change::Retention { .. } => "retention",
            Change::Unchanged { .. } => "unchanged",
        }
    }

    /// The schedule id it changes, when one exists already.
    pub fn schedule_id(&self) -> Option<ScheduleId> {
        match self {
            Change::Update { before, .. } | Change::Delete { before, .. } => Some(before.id),
            Change::Unchanged { schedule, .. } => Some(schedule.id),
            _ => None,
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let spec = |s: &ScheduleSpec| {
            format!(
                "'{}' {} {}",
                s.name().as_str(),
                s.days().display(),
                s.time()
            )
        };
        let sched = |s: &Schedule| format!("'{}' {} {}", s.name, s.days.display(), s.time);
        match self {
            Change::Create { spec: s, .. } => write!(f, "+ create {}", spec(s)),
            Change::Update {
                before, spec: s, ..
            } => write!(
                f,
                "~ update '{}' {} {} -> {} {}",
                before.name,
                before.days.display(),
                before.time,
                s.days().display(),
                s.time()
            ),
            Change::Delete { before, .. } => write!(f, "- delete {}", sched(before)),
            Change::Retention { before, after, .. } => match before {
                Some(b) => write!(f, "~ retention {b} -> {after}"),
                None => write!(f, "~ retention -> {after}"),
            },
            Change::Unchanged { schedule, .. } => write!(f, "= unchanged {}", sched(schedule)),
        }
    }
}

/// What it takes to bring one server from `current` to `wanted`. Schedules are matched by
/// name (case-insensitive, trimmed); with `prune`, schedules `wanted` does not name are
/// deleted, otherwise they are left alone. Deletes come first, then updates, then creates.
pub fn diff(
    instance: InstanceId,
    current: &[Schedule],
    wanted: &[ScheduleSpec],
    prune: bool,
) -> Vec<Change> {
    let key = |s: &str| s.trim().to_lowercase();
    let mut used = vec![false; current.len()];
    let mut updates = Vec::new();
    let mut creates = Vec::new();
    for spec in wanted {
        let found = current
            .iter()
            .enumerate()
            .find(|(i, s)| !used[*i] && key(&s.name) == key(spec.name().as_str()));
        match found {
            Some((i, s)) => {
                used[i] = true;
                if spec.matches(s) {
                    updates.push(Change::Unchanged {
                        instance,
                        schedule: s.clone(),
                    });
                } else {
                    updates.push(Change::Update {
                        instance,
                        before: s.clone(),
                        spec: spec.clone(),
                    });
                }
            }
            None => creates.push(Change::Create {
                instance,
                spec: spec.clone(),
            }),
        }
    }
    let mut out = Vec::new();
    if prune {
        out.extend(
            current
                .iter()
                .zip(&used)
                .filter(|(_, u)| !**u)
                .map(|(s, _)| Change::Delete {
                    instance,
                    before: s.clone(),
                }),
        );
    }
    out.extend(updates);
    out.extend(creates);
    out
}

/// Start times spread over `from`..`to` (not crossing midnight), one per server in the order
/// given: the i-th of n starts `i * (to - from) / n` minutes after `from`. The same servers in
/// the same order always get the same times.
pub fn stagger(
    count: usize,
    from: TimeOfDay,
    to: TimeOfDay,
) -> Result<Vec<TimeOfDay>, DomainError> {
    let (a, b) = (i64::from(from.minutes()), i64::from(to.minutes()));
    if b <= a {
        return Err(DomainError::Time(format!(
            "the stagger window {from}-{to} must end after it starts, on the same day"
        )));
    }
    let width = b - a;
    Ok((0..count as i64)
        .map(|i| TimeOfDay::from_minutes(a + i * width / count.max(1) as i64))
        .collect())
}

/// Something `lint` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Finding {
    /// Two schedules on one server with the same days and time.
    Duplicate {
        /// The server.
        instance_id: InstanceId,
        /// The first schedule.
        first: ScheduleId,
        /// The second schedule.
        second: ScheduleId,
    },
    /// Two schedules on one server that start within a few minutes on a shared day.
    Overlap {
        /// The server.
        instance_id: InstanceId,
        /// The first schedule.
        first: ScheduleId,
        /// The second schedule.
        second: ScheduleId,
        /// Minutes between their starts.
        minutes: u16,
        /// The days they share, e.g. `Mon-Fri`.
        days: String,
    },
}

/// Duplicates and near-overlaps among one server's schedules (`within` minutes, across
/// midnight too: 23:55 and 00:05 the next day are 10 minutes apart).
pub fn lint(instance: InstanceId, schedules: &[Schedule], within: u16) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, a) in schedules.iter().enumerate() {
        for b in &schedules[i + 1..] {
            if a.days == b.days && a.time == b.time {
                out.push(Finding::Duplicate {
                    instance_id: instance,
                    first: a.id,
                    second: b.id,
                });
                continue;
            }
            // Compare every start of the week: minute of week = day * 1440 + minute of day.
            let starts = |s: &Schedule| -> Vec<(usize, i64)> {
                s.days
                    .iter()
                    .map(|d| {
                        (
                            d.index(),
                            d.index() as i64 * 1440 + i64::from(s.time.minutes()),
                        )
                    })
                    .collect()
            };
            let mut shared = Weekdays::EMPTY;
            let mut best: Option<i64> = None;
            for (da, ma) in starts(a) {
                for (_, mb) in starts(b) {
                    let diff = (ma - mb).rem_euclid(7 * 1440);
                    let dist = diff.min(7 * 1440 - diff);
                    if dist <= i64::from(within) {
                        shared = shared.with(super::DAYS[da], true);
                        best = Some(best.map_or(dist, |x: i64| x.min(dist)));
                    }
                }
            }
            if let Some(minutes) = best {
                out.push(Finding::Overlap {
                    instance_id: instance,
                    first: a.id,
                    second: b.id,
                    minutes: minutes as u16,
                    days: shared.display(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_schedules_with_one_name_on_a_server_are_refused_with_both_lines() {
        let toml = "server_timezone = \"+03:00\"\n[[server]]\nid = 1\n[[server.schedule]]\nname = \"Nightly\"\ndays = \"mon\"\ntime = \"02:00\"\n[[server.schedule]]\nname = \"weekly\"\ndays = \"sun\"\ntime = \"03:00\"\n[[server.schedule]]\nname = \"nightly \"\ndays = \"tue\"\ntime = \"04:00\"\n";
        let e = Plan::parse(toml, PlanFormat::Toml).expect_err("refused");
        assert!(e.0.starts_with("line 5 and line 13: server 1"), "{e}");
        assert!(e.0.contains("'Nightly' and 'nightly'"), "{e}");

        let json = "{\"server_timezone\": \"+03:00\",\n \"servers\": [\n  {\"id\": 2, \"name\": \"nightly\", \"schedules\": [{\"name\": \"a\", \"days\": \"mon\", \"time\": \"01:00\"}]},\n  {\"id\": 1, \"name\": \"web\", \"schedules\": [\n   {\"name\": \"NIGHTLY\", \"days\": [\"mon\"], \"time\": \"02:00\"},\n   {\"days\": \"tue\", \"time\": \"03:00\",\n    \"name\": \"nightly\"}]}]}";
        let e = Plan::parse(json, PlanFormat::Json).expect_err("refused");
        assert!(e.0.starts_with("line 5 and line 7: server 1"), "{e}");

        // The same name on two servers is fine.
        let ok = "server_timezone = \"+03:00\"\n[[server]]\nid = 1\n[[server.schedule]]\nname = \"n\"\ndays = \"mon\"\ntime = \"02:00\"\n[[server]]\nid = 2\n[[server.schedule]]\nname = \"N\"\ndays = \"mon\"\ntime = \"02:00\"\n";
        assert!(Plan::parse(ok, PlanFormat::Toml).is_ok());
    }
}
