//! The emulator's persistent data: users, instances, schedules, the panel's server filters.
//! Saved atomically to a private JSON file (0600 in a 0700 directory).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::domain::{TimeOfDay, Weekdays};

/// A login the emulator accepts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    /// Login name (an e-mail address).
    pub username: String,
    /// Password (emulator-only, documented demo credentials).
    pub password: String,
    /// A fixed TOTP code when the account has two-factor login.
    #[serde(default)]
    pub totp: Option<String>,
}

/// A server as the emulator stores it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmuInstance {
    /// Instance id.
    pub id: u64,
    /// Server name.
    pub servername: String,
    /// Tariff name (the API's `name`).
    pub tariff: String,
    /// IPv4 address.
    pub ip: String,
    /// OpenStack state, lower-case.
    pub status: String,
    /// Billing status code (2 = active).
    pub billing_status: u8,
    /// Data centre.
    pub datacenter: String,
    /// Creation date.
    pub createdate: String,
    /// OS distribution.
    pub os_distro: String,
    /// Retention: scheduled backups kept (1-10).
    pub backup_rotation: u8,
    /// The server's scheduled runs leave no backup (to show "missed").
    #[serde(default)]
    pub backups_fail: bool,
}

/// A backup made by hand.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmuManualBackup {
    /// Backup id.
    pub id: u64,
    /// Owning instance.
    pub instance_id: u64,
    /// Name.
    pub name: String,
    /// `YYYY-MM-DD HH:MM:SS`, server time.
    pub createdate: String,
}

/// A schedule as the emulator stores it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmuSchedule {
    /// Schedule id.
    pub id: u64,
    /// Owning instance.
    pub instance_id: u64,
    /// Name.
    pub name: String,
    /// Days in the API's request encoding (`1,2,3`, 0 = Sunday).
    pub days: String,
    /// `HH:MM`, or `H:MM` when the server normalizes (read it with [`stored_time`]).
    pub time: String,
    /// `YYYY-MM-DD`, the date the real server shows. State files written before dates were
    /// date-only hold `YYYY-MM-DD HH:MM:SS`; they load, and only the date part is served.
    pub create_date: String,
}

/// A stored schedule time: `HH:MM`, or `H:MM` as a normalizing server keeps it.
pub fn stored_time(s: &str) -> Option<TimeOfDay> {
    let s = s.trim();
    match s.find(':') {
        Some(1) => format!("0{s}").parse().ok(),
        _ => s.parse().ok(),
    }
}

/// Everything the emulator persists.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Data {
    /// Accepted logins.
    pub users: Vec<User>,
    /// Servers.
    pub instances: Vec<EmuInstance>,
    /// Schedules.
    pub schedules: Vec<EmuSchedule>,
    /// The next schedule id to hand out.
    pub next_schedule_id: u64,
    /// Backups made by hand (scheduled ones are synthesized from the schedules).
    #[serde(default)]
    pub manual_backups: Vec<EmuManualBackup>,
    /// The panel's server filter of each user (lower-case login name -> field -> value); only
    /// fields with a value are kept. See `emulator::filter`.
    #[serde(default)]
    pub filters: BTreeMap<String, BTreeMap<String, String>>,
}

/// The demo account's login name.
pub const DEMO_USER: &str = "demo@bsched.test";
/// The demo account's password.
pub const DEMO_PASSWORD: &str = "demo";
/// A second demo account that asks for a TOTP code.
pub const DEMO_TOTP_USER: &str = "totp@bsched.test";
/// The fixed TOTP code of [`DEMO_TOTP_USER`].
pub const DEMO_TOTP_CODE: &str = "123456";

impl Data {
    /// The users every seed has.
    fn demo_users() -> Vec<User> {
        vec![
            User {
                username: DEMO_USER.into(),
                password: DEMO_PASSWORD.into(),
                totp: None,
            },
            User {
                username: DEMO_TOTP_USER.into(),
                password: DEMO_PASSWORD.into(),
                totp: Some(DEMO_TOTP_CODE.into()),
            },
        ]
    }

    /// An account with no servers.
    pub fn empty() -> Data {
        Data {
            users: Data::demo_users(),
            next_schedule_id: 300,
            ..Data::default()
        }
    }

    /// A realistic fleet: three data centres, servers with no, one and several schedules,
    /// a Cyrillic name and a very long one, ten app nodes to try bulk apply on; more servers
    /// than two default pages hold.
    pub fn demo() -> Data {
        let servers: [(&str, &str, &str, &str, u8); 25] = [
            ("web-1", "active", "Netherlands-2", "203.0.113.10", 5),
            ("web-2", "active", "Netherlands-2", "203.0.113.11", 5),
            ("db-primary", "active", "Netherlands-1", "198.51.100.20", 7),
            ("db-replica", "active", "Netherlands-1", "198.51.100.21", 3),
            ("mail", "active", "Poland", "192.0.2.30", 4),
            ("staging", "active", "Netherlands-2", "203.0.113.40", 2),
            ("ci-runner", "stopped", "Poland", "192.0.2.50", 1),
            ("vpn-gateway", "active", "Poland", "192.0.2.60", 3),
            (
                "сервер-бухгалтерия",
                "active",
                "Netherlands-1",
                "198.51.100.70",
                10,
            ),
            (
                "analytics-warehouse-eu-west-production-cluster-node-with-an-unreasonably-long-hostname-01",
                "active",
                "Netherlands-2",
                "203.0.113.80",
                5,
            ),
            ("monitoring", "active", "Netherlands-1", "198.51.100.90", 5),
            ("dev-sandbox", "stopped", "Poland", "192.0.2.100", 1),
            (
                "legacy-crm",
                "suspended",
                "Netherlands-1",
                "198.51.100.110",
                5,
            ),
            ("game-eu", "active", "Poland", "192.0.2.120", 2),
            ("files", "active", "Netherlands-2", "203.0.113.130", 6),
            ("app-01", "active", "Netherlands-2", "203.0.113.141", 3),
            ("app-02", "active", "Netherlands-2", "203.0.113.142", 3),
            ("app-03", "active", "Netherlands-2", "203.0.113.143", 3),
            ("app-04", "active", "Netherlands-1", "198.51.100.144", 3),
            ("app-05", "active", "Netherlands-1", "198.51.100.145", 3),
            ("app-06", "active", "Netherlands-1", "198.51.100.146", 3),
            ("app-07", "active", "Poland", "192.0.2.147", 3),
            ("app-08", "active", "Poland", "192.0.2.148", 3),
            ("app-09", "active", "Poland", "192.0.2.149", 3),
            ("app-10", "active", "Poland", "192.0.2.150", 3),
        ];
        let tariffs = ["Cloud Start", "Cloud Standard", "Cloud Pro"];
        let instances: Vec<EmuInstance> = servers
            .iter()
            .enumerate()
            .map(|(i, (name, status, dc, ip, keep))| EmuInstance {
                id: 5_203_770 + i as u64,
                servername: name.to_string(),
                tariff: tariffs[i % 3].to_string(),
                ip: ip.to_string(),
                status: status.to_string(),
                billing_status: if *status == "suspended" { 3 } else { 2 },
                datacenter: dc.to_string(),
                createdate: format!("2025-{:02}-{:02}", 1 + i % 12, 1 + (i * 7) % 28),
                os_distro: ["ubuntu", "debian", "almalinux"][i % 3].to_string(),
                backup_rotation: *keep,
                // The demo's weekly replica backup silently fails: "missed".
                backups_fail: *name == "db-replica",
            })
            .collect();
        let id = |name: &str| {
            instances
                .iter()
                .find(|s| s.servername == name)
                .map(|s| s.id)
                .unwrap_or_default()
        };
        let sched: [(&str, &str, &str, &str); 11] = [
            ("web-1", "nightly", "1,2,3,4,5", "02:01"),
            ("web-2", "nightly", "1,2,3,4,5", "02:01"),
            ("web-2", "weekend full", "0,6", "04:30"),
            ("db-primary", "morning", "0,1,2,3,4,5,6", "06:00"),
            ("db-primary", "evening", "0,1,2,3,4,5,6", "18:00"),
            ("db-primary", "before payroll", "5", "23:45"),
            ("db-replica", "weekly", "0", "03:00"),
            ("mail", "mail nightly", "1,2,3,4,5,6,0", "01:15"),
            ("сервер-бухгалтерия", "ежедневно", "1,2,3,4,5", "21:00"),
            ("monitoring", "twice a week", "2,4", "00:05"),
            ("files", "files weekly", "3", "02:01"),
        ];
        let schedules = sched
            .iter()
            .enumerate()
            .map(|(i, (server, name, days, time))| EmuSchedule {
                id: 301 + i as u64,
                instance_id: id(server),
                name: name.to_string(),
                days: days.to_string(),
                time: time.to_string(),
                // Date-only, as the real server shows it.
                create_date: format!("2026-0{}-1{}", 1 + i % 9, i % 10),
            })
            .collect();
        let manual_backups = vec![
            EmuManualBackup {
                id: 650_001,
                instance_id: id("staging"),
                name: "before upgrade".into(),
                createdate: "2026-10-02 14:20:00".into(),
            },
            EmuManualBackup {
                id: 650_002,
                instance_id: id("web-1"),
                name: "pre-release".into(),
                createdate: "2026-11-03 09:05:00".into(),
            },
        ];
        Data {
            users: Data::demo_users(),
            instances,
            schedules,
            next_schedule_id: 400,
            manual_backups,
            filters: BTreeMap::new(),
        }
    }

    /// Reads a state file; refuses one whose schedules would not pass the API's own checks.
    pub fn load(path: &Path) -> Result<Data, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read state file {}: {e}", path.display()))?;
        let data: Data = serde_json::from_str(&text)
            .map_err(|e| format!("state file {} is not valid: {e}", path.display()))?;
        for s in &data.schedules {
            if Weekdays::from_api_numbers(&s.days).is_err() || stored_time(&s.time).is_none() {
                return Err(format!(
                    "state file {} holds schedule {} with invalid days or time",
                    path.display(),
                    s.id
                ));
            }
        }
        Ok(data)
    }

    /// Writes the state atomically and privately (0600 file, 0700 directory): a temporary
    /// file beside it, then a rename.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        crate::fsutil::write_private_atomic(path, text.as_bytes())
            .map_err(|e| format!("cannot write state file {}: {e}", path.display()))
    }
}
