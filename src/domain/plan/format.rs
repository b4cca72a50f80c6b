//! The plan file: what a plan holds, how it reads and writes as TOML or JSON, one server and
//! one schedule at a time (reading a whole file, with the line of a mistake, is in `parse`).

use serde::{Deserialize, Deserializer, Serialize};

use crate::domain::{
    DomainError, InstanceId, RETENTION_RANGE, ScheduleName, ScheduleSpec, TimeOfDay, Weekdays,
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
        // By hand rather than an untagged enum: a number (`days = [1, 2, 3]`) must get the same
        // "day numbers are ambiguous" sentence as `"1-5"`, and anything else a plain one, not
        // "data did not match any variant".
        struct Days;
        const EXPECTED: &str =
            "days as text, like \"mon-fri\", or a list of day names, like [\"mon\", \"tue\"]";
        impl<'de> serde::de::Visitor<'de> for Days {
            type Value = String;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(EXPECTED)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<String, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Day>()? {
                    items.push(item.0);
                }
                Ok(items.join(","))
            }
        }
        /// One item of a list: a name or a number, as text.
        struct Day(String);
        impl<'de> Deserialize<'de> for Day {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Day, D::Error> {
                struct One;
                impl serde::de::Visitor<'_> for One {
                    type Value = String;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str("a day name, like \"mon\"")
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
                        Ok(v.to_string())
                    }
                    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
                        Ok(v.to_string())
                    }
                    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
                        Ok(v.to_string())
                    }
                }
                d.deserialize_any(One).map(Day)
            }
        }
        let text = d.deserialize_any(Days)?;
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
    let Some(n) = Option::<i64>::deserialize(d)? else {
        return Ok(None);
    };
    match u8::try_from(n) {
        Ok(keep) if RETENTION_RANGE.contains(&keep) => Ok(Some(keep)),
        _ => Err(serde::de::Error::custom(format!(
            "retention: must be between {} and {} backups, not {n}",
            RETENTION_RANGE.start(),
            RETENTION_RANGE.end()
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

impl Plan {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn server(retention: &str) -> Result<PlanServer, String> {
        toml::from_str::<PlanServer>(&format!("id = 1\nretention = {retention}\n"))
            .map_err(|e| e.message().to_string())
    }

    #[test]
    fn retention_is_read_only_in_the_panels_range() {
        assert_eq!(server("1").map(|s| s.retention), Ok(Some(1)));
        assert_eq!(server("10").map(|s| s.retention), Ok(Some(10)));
        for bad in ["0", "11", "-1", "300"] {
            assert_eq!(
                server(bad),
                Err(format!(
                    "retention: must be between 1 and 10 backups, not {bad}"
                )),
            );
        }
    }
}
