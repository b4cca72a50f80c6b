//! The last-known fleet of one profile, kept on disk so the TUI can draw it at once on start
//! and refresh it in the background (issue 13).
//!
//! One file per profile in the cache directory ([`FleetCache::dir_from`],
//! [`FleetCache::path`]), JSON written atomically, 0600 in a 0700 directory. It holds only what
//! the lists show (servers, schedules with the retention, backups): never a password or a
//! session. It names the host and account it was listed from, and a cache of another host or
//! account is refused on load.
//!
//! The file is read as hostile: a size cap checked before reading, no symbolic link followed,
//! a format name and version checked, every value rebuilt through the domain's own checks
//! (days through [`Weekdays`], times through [`TimeOfDay`]'s `FromStr`, strings under a length
//! cap). An element that cannot be rebuilt is skipped; only a file that is not a cache of this
//! version, or of another account, is refused as a whole. The domain types carry no
//! `Deserialize`: private records below are what the file holds.
//!
//! Cached data is for display only: nothing is ever written to the API from it without
//! listing that server first.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::civil::DateTime;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::config::{DATA_DIR_ENV, data_dir_from};
use crate::domain::backups::{Backup, BackupKind};
use crate::domain::{Instance, InstanceId, Schedule, ScheduleList, TimeOfDay, Weekdays};

/// The variable that moves the cache directory (an absolute path).
pub const CACHE_DIR_ENV: &str = "BSCHED_CACHE_DIR";

/// The largest cache file read, in bytes (checked before reading). A save that would be
/// larger is refused, so bsched never writes a cache it would not read.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The longest string kept from a cache file, in bytes; an element with a longer one is
/// skipped.
pub const MAX_STRING_BYTES: usize = 4096;

/// What the file says it is.
const FORMAT: &str = "bsched fleet cache";
/// The version of the file's shape this bsched writes and reads.
const VERSION: u64 = 1;

/// The last-known fleet of one profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetCache {
    /// When it was written (set by the caller when the lists were read).
    pub saved: Timestamp,
    /// The API host it was listed from.
    pub host: String,
    /// The account it was listed for.
    pub account: String,
    /// The servers, in the list's order.
    pub servers: Vec<Instance>,
    /// Each server's schedules and retention, for the servers whose list was read.
    pub schedules: HashMap<InstanceId, ScheduleList>,
    /// Each server's backups, for the servers whose list was read.
    pub backups: HashMap<InstanceId, Vec<Backup>>,
}

impl FleetCache {
    /// An empty fleet of `host` and `account`, saved now.
    pub fn new(host: &str, account: &str) -> FleetCache {
        FleetCache {
            saved: Timestamp::now(),
            host: host.to_string(),
            account: account.to_string(),
            servers: Vec::new(),
            schedules: HashMap::new(),
            backups: HashMap::new(),
        }
    }

    /// The cache directory as this process's environment says (see [`FleetCache::dir_from`]).
    pub fn dir() -> Option<PathBuf> {
        FleetCache::dir_from(&|k| std::env::var(k).ok())
    }

    /// The cache directory as `env` says: `BSCHED_CACHE_DIR` when set (an absolute path; a
    /// relative one names none), else `<BSCHED_DATA_DIR>/cache` when `BSCHED_DATA_DIR` is set
    /// (none when that is relative), else the platform's cache directory
    /// (`~/.cache/bsched` on Linux). A variable that is empty or blank counts as unset.
    pub fn dir_from(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
        let set = |k: &str| env(k).filter(|v| !v.trim().is_empty());
        if let Some(dir) = set(CACHE_DIR_ENV) {
            return Some(PathBuf::from(dir)).filter(|p| p.is_absolute());
        }
        if set(DATA_DIR_ENV).is_some() {
            return data_dir_from(env).map(|d| d.join("cache"));
        }
        directories::ProjectDirs::from("", "", "bsched").map(|d| d.cache_dir().to_path_buf())
    }

    /// The file of `profile` in `dir`: `fleet-<prefix>-<hash>.json`, where the prefix is the
    /// profile's first 32 characters with anything but ASCII letters, digits, `-` and `_` as
    /// `_`, and the
    /// hash is 128 bits of the whole name. Any name (`../x`, `a/b`, empty, unicode, very long)
    /// gives a plain file name inside `dir`, and distinct names give distinct files.
    pub fn path(dir: &Path, profile: &str) -> PathBuf {
        let prefix: String = profile
            .chars()
            .take(32)
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        dir.join(format!("fleet-{prefix}-{:032x}.json", fnv1a_128(profile)))
    }

    /// Reads the cache at `path` for `host` and `account`: `Ok(None)` when there is none;
    /// one sentence when it cannot be read, is larger than [`MAX_FILE_BYTES`], is a symbolic
    /// link or not a regular file, is not a bsched fleet cache of this version, or was listed
    /// from another host or account (compared exactly as given to [`FleetCache::save`]).
    /// Elements that cannot be rebuilt are left out. Never panics, whatever the bytes.
    pub fn load(path: &Path, host: &str, account: &str) -> Result<Option<FleetCache>, String> {
        let Some(bytes) = read_capped(path)? else {
            return Ok(None);
        };
        let shown = path.display();
        let not_ours = || format!("the fleet cache {shown} is not a bsched fleet cache");
        let text = std::str::from_utf8(&bytes).map_err(|_| not_ours())?;
        let file: FileIn<'_> = serde_json::from_str(text).map_err(|e| {
            if e.is_eof() {
                format!(
                    "the fleet cache {shown} is cut short (at line {}); it is ignored",
                    e.line()
                )
            } else if e.is_data() {
                not_ours()
            } else {
                format!(
                    "the fleet cache {shown} is damaged or not a bsched fleet cache (at line {}, column {}); it is ignored",
                    e.line(),
                    e.column()
                )
            }
        })?;
        if file.format.as_deref() != Some(FORMAT) {
            return Err(not_ours());
        }
        match file.version {
            Some(VERSION) => {}
            Some(v) => {
                return Err(format!(
                    "the fleet cache {shown} is of format version {v}; this bsched reads version {VERSION}"
                ));
            }
            None => return Err(not_ours()),
        }
        if file.host.as_deref() != Some(host) || file.account.as_deref() != Some(account) {
            return Err(format!(
                "the fleet cache {shown} was listed for another account or server; it is not shown"
            ));
        }
        let saved = file
            .saved
            .filter(|s| s.len() <= MAX_STRING_BYTES)
            .and_then(|s| s.parse::<Timestamp>().ok())
            .ok_or_else(|| format!("the fleet cache {shown} has no readable save time"))?;

        let mut cache = FleetCache {
            saved,
            host: host.to_string(),
            account: account.to_string(),
            servers: Vec::new(),
            schedules: HashMap::new(),
            backups: HashMap::new(),
        };
        cache.servers = elements(file.servers)
            .filter_map(|raw| serde_json::from_str::<InstanceRec>(raw.get()).ok())
            .filter_map(InstanceRec::rebuild)
            .collect();
        for raw in elements(file.schedules) {
            let Ok(list) = serde_json::from_str::<ScheduleListIn<'_>>(raw.get()) else {
                continue;
            };
            let schedules = list
                .schedules
                .iter()
                .filter_map(|raw| serde_json::from_str::<ScheduleRec>(raw.get()).ok())
                .filter_map(ScheduleRec::rebuild)
                .collect();
            cache.schedules.insert(
                list.server,
                ScheduleList {
                    schedules,
                    backup_rotation: list.rotation,
                },
            );
        }
        for raw in elements(file.backups) {
            let Ok(list) = serde_json::from_str::<BackupListIn<'_>>(raw.get()) else {
                continue;
            };
            let backups = list
                .backups
                .iter()
                .filter_map(|raw| serde_json::from_str::<BackupRec>(raw.get()).ok())
                .filter_map(BackupRec::rebuild)
                .collect();
            cache.backups.insert(list.server, backups);
        }
        Ok(Some(cache))
    }

    /// Writes the cache to `path` atomically (a 0600 temporary file renamed over it, the
    /// directory made 0700 when created), so a crash or another process saving at the same
    /// time never leaves half a file. A symbolic link at `path` is replaced, not followed.
    /// Servers and lists come out sorted by server id. Refuses (`InvalidData`) a cache larger
    /// than [`MAX_FILE_BYTES`].
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let bytes = serde_json::to_vec(&self.to_record()).map_err(std::io::Error::other)?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "the fleet cache would be {} bytes, more than the {MAX_FILE_BYTES} it may be",
                    bytes.len()
                ),
            ));
        }
        crate::fsutil::write_private_atomic(path, &bytes)
    }

    fn to_record(&self) -> FileOut<'_> {
        let mut schedules: Vec<_> = self.schedules.iter().collect();
        schedules.sort_by_key(|(id, _)| **id);
        let mut backups: Vec<_> = self.backups.iter().collect();
        backups.sort_by_key(|(id, _)| **id);
        FileOut {
            format: FORMAT,
            version: VERSION,
            saved: self.saved.to_string(),
            host: &self.host,
            account: &self.account,
            servers: self.servers.iter().map(InstanceRec::from).collect(),
            schedules: schedules
                .into_iter()
                .map(|(id, list)| ScheduleListOut {
                    server: *id,
                    rotation: list.backup_rotation,
                    schedules: list.schedules.iter().map(ScheduleRec::from).collect(),
                })
                .collect(),
            backups: backups
                .into_iter()
                .map(|(id, list)| BackupListOut {
                    server: *id,
                    backups: list.iter().map(BackupRec::from).collect(),
                })
                .collect(),
        }
    }
}

/// The bytes of the file at `path`, or none when it does not exist; one sentence when it is
/// a symbolic link, not a regular file (a directory, a FIFO: opened without blocking), too
/// large, or unreadable.
fn read_capped(path: &Path) -> Result<Option<Vec<u8>>, String> {
    let shown = path.display();
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A link is not followed (another user's file is never read as ours) and a FIFO put
        // at the path does not block the open.
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    #[cfg(not(unix))]
    {
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(format!(
                "the fleet cache {shown} is a symbolic link, which bsched does not follow"
            ));
        }
    }
    let file = match options.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        #[cfg(unix)]
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(format!(
                "the fleet cache {shown} is a symbolic link, which bsched does not follow"
            ));
        }
        Err(e) => return Err(format!("cannot read the fleet cache {shown}: {e}")),
    };
    let meta = file
        .metadata()
        .map_err(|e| format!("cannot read the fleet cache {shown}: {e}"))?;
    if !meta.is_file() {
        return Err(format!(
            "the fleet cache {shown} is not a regular file; it is ignored"
        ));
    }
    let too_large = || {
        format!(
            "the fleet cache {shown} is larger than the {} MB a cache may be; it is ignored",
            MAX_FILE_BYTES / (1024 * 1024)
        )
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large());
    }
    // The file may grow between the check and the read: read one byte past the cap at most.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the fleet cache {shown}: {e}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    Ok(Some(bytes))
}

/// The elements of an array field; nothing when the field is missing or not an array.
fn elements<'a>(field: Option<&'a RawValue>) -> impl Iterator<Item = &'a RawValue> {
    field
        .and_then(|raw| serde_json::from_str::<Vec<&'a RawValue>>(raw.get()).ok())
        .unwrap_or_default()
        .into_iter()
}

/// FNV-1a, 128 bits: a hash that is the same on every platform and in every Rust version.
fn fnv1a_128(s: &str) -> u128 {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    s.bytes()
        .fold(OFFSET, |h, b| (h ^ u128::from(b)).wrapping_mul(PRIME))
}

/// A string from the file when it is under the cap.
fn capped(s: String) -> Option<String> {
    (s.len() <= MAX_STRING_BYTES).then_some(s)
}

/// The file as written.
#[derive(Serialize)]
struct FileOut<'a> {
    format: &'static str,
    version: u64,
    saved: String,
    host: &'a str,
    account: &'a str,
    servers: Vec<InstanceRec>,
    schedules: Vec<ScheduleListOut>,
    backups: Vec<BackupListOut>,
}

/// The file as read: the header typed, the lists kept raw so that one bad element is skipped
/// and a file of another version is named as such whatever its lists look like.
#[derive(Deserialize)]
struct FileIn<'a> {
    format: Option<String>,
    version: Option<u64>,
    saved: Option<String>,
    host: Option<String>,
    account: Option<String>,
    #[serde(borrow)]
    servers: Option<&'a RawValue>,
    #[serde(borrow)]
    schedules: Option<&'a RawValue>,
    #[serde(borrow)]
    backups: Option<&'a RawValue>,
}

#[derive(Serialize, Deserialize)]
struct InstanceRec {
    id: InstanceId,
    name: String,
    ip: String,
    status: String,
    datacenter: String,
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
    fn rebuild(self) -> Option<Instance> {
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
struct ScheduleListOut {
    server: InstanceId,
    rotation: Option<u8>,
    schedules: Vec<ScheduleRec>,
}

#[derive(Deserialize)]
struct ScheduleListIn<'a> {
    server: InstanceId,
    rotation: Option<u8>,
    #[serde(borrow)]
    schedules: Vec<&'a RawValue>,
}

#[derive(Serialize, Deserialize)]
struct ScheduleRec {
    id: u64,
    instance_id: InstanceId,
    name: String,
    /// Monday = bit 0 (see [`Weekdays::bits`]).
    days: u8,
    /// `HH:MM`.
    time: String,
    created: String,
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
    fn rebuild(self) -> Option<Schedule> {
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
struct BackupListOut {
    server: InstanceId,
    backups: Vec<BackupRec>,
}

#[derive(Deserialize)]
struct BackupListIn<'a> {
    server: InstanceId,
    #[serde(borrow)]
    backups: Vec<&'a RawValue>,
}

#[derive(Serialize, Deserialize)]
struct BackupRec {
    id: u64,
    name: String,
    /// `auto`, `manual` or `other:<what the API said>`.
    kind: String,
    created_text: String,
    /// The wall-clock time read from `created_text`, ISO 8601.
    created: Option<String>,
    status: String,
    size: String,
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
    fn rebuild(self) -> Option<Backup> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn the_cache_dir_follows_the_environment() {
        let d = FleetCache::dir_from(&env(&[
            ("BSCHED_CACHE_DIR", "/c"),
            ("BSCHED_DATA_DIR", "/d"),
        ]));
        assert_eq!(d, Some(PathBuf::from("/c")));
        let d = FleetCache::dir_from(&env(&[("BSCHED_DATA_DIR", "/d")]));
        assert_eq!(d, Some(PathBuf::from("/d/cache")));
        // A blank variable is unset; a relative one names no directory (never the working
        // directory, never the user's real cache instead of a test's).
        let d = FleetCache::dir_from(&env(&[
            ("BSCHED_CACHE_DIR", " "),
            ("BSCHED_DATA_DIR", "/d"),
        ]));
        assert_eq!(d, Some(PathBuf::from("/d/cache")));
        assert_eq!(
            FleetCache::dir_from(&env(&[("BSCHED_CACHE_DIR", "rel")])),
            None
        );
        assert_eq!(
            FleetCache::dir_from(&env(&[("BSCHED_DATA_DIR", "rel")])),
            None
        );
        let platform = FleetCache::dir_from(&env(&[]));
        if let Some(p) = platform {
            assert!(p.ends_with("bsched"), "{}", p.display());
            assert!(p.is_absolute());
        }
    }

    #[test]
    fn any_profile_name_is_one_plain_file_inside_the_dir() {
        let dir = Path::new("/cache");
        let long = "x".repeat(5000);
        let names = [
            "default",
            "../../etc",
            "..",
            ".",
            "a/b",
            "a\\b",
            "a_b",
            "",
            "работа",
            "\u{0}\n\x1b[2J",
            long.as_str(),
            "x",
        ];
        let mut seen = std::collections::HashSet::new();
        for name in names {
            let p = FleetCache::path(dir, name);
            assert_eq!(p.parent(), Some(dir), "{name:?} -> {}", p.display());
            let file = p
                .file_name()
                .and_then(|f| f.to_str())
                .expect("a plain name");
            assert!(
                file.starts_with("fleet-") && file.ends_with(".json"),
                "{file}"
            );
            assert!(file.len() < 100, "{file}");
            assert!(
                file.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)),
                "{file}"
            );
            assert!(seen.insert(p.clone()), "{name:?} collides: {}", p.display());
            assert_eq!(FleetCache::path(dir, name), p, "stable");
        }
        // Names that sanitize alike stay apart.
        assert_ne!(FleetCache::path(dir, "a/b"), FleetCache::path(dir, "a_b"));
        assert_ne!(FleetCache::path(dir, "a.b"), FleetCache::path(dir, "a_b"));
        // The name is stable across builds: a fixed value, not a per-process hash.
        assert_eq!(
            FleetCache::path(dir, "default"),
            dir.join(format!("fleet-default-{:032x}.json", fnv1a_128("default")))
        );
        assert_eq!(
            fnv1a_128(""),
            0x6c62_272e_07bb_0142_62b8_2175_6295_c58d,
            "FNV-1a 128 of nothing is its offset basis"
        );
        assert_eq!(fnv1a_128("a"), 0xd228_cb69_6f1a_8caf_7891_2b70_4e4a_8964);
    }

    #[test]
    fn an_element_that_cannot_be_rebuilt_is_skipped() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let path = tmp.path().join("c.json");
        let long = "n".repeat(MAX_STRING_BYTES + 1);
        let text = serde_json::json!({
            "format": FORMAT, "version": VERSION, "saved": "2025-01-02T03:04:05Z",
            "host": "h", "account": "a",
            "servers": [
                {"id": 1, "name": "web", "ip": "", "status": "active", "datacenter": "NL"},
                {"id": 2, "name": long, "ip": "", "status": "", "datacenter": ""},
                {"id": "three"},
                7,
                {"id": 4, "name": "db", "ip": "10.0.0.1", "status": "stopped", "datacenter": ""}
            ],
            "schedules": [
                {"server": 1, "rotation": 3, "schedules": [
                    {"id": 10, "instance_id": 1, "name": "n", "days": 1, "time": "02:00", "created": ""},
                    {"id": 11, "instance_id": 1, "name": "n", "days": 0, "time": "02:00", "created": ""},
                    {"id": 12, "instance_id": 1, "name": "n", "days": 200, "time": "02:00", "created": ""},
                    {"id": 13, "instance_id": 1, "name": "n", "days": 3, "time": "24:00", "created": ""},
                    {"id": 14, "instance_id": 1, "name": "n", "days": 3, "time": "2:00", "created": ""}
                ]},
                {"server": 4, "rotation": 999, "schedules": []},
                {"server": 5, "rotation": null, "schedules": "none"}
            ],
            "backups": [
                {"server": 1, "backups": [
                    {"id": 1, "name": "b", "kind": "auto", "created_text": "2025-01-01 02:00",
                     "created": "2025-01-01T02:00:00", "status": "Active", "size": "1 GB"},
                    {"id": 2, "name": "b", "kind": "weird", "created_text": "",
                     "created": null, "status": "", "size": ""},
                    {"id": 3, "name": "b", "kind": "auto", "created_text": "",
                     "created": "yesterday", "status": "", "size": ""}
                ]}
            ]
        });
        std::fs::write(&path, text.to_string()).expect("write");
        let c = FleetCache::load(&path, "h", "a")
            .expect("readable")
            .expect("present");
        assert_eq!(
            c.saved,
            "2025-01-02T03:04:05Z".parse::<Timestamp>().expect("ts")
        );
        let ids: Vec<_> = c.servers.iter().map(|s| s.id).collect();
        assert_eq!(ids, [1, 4]);
        let list = &c.schedules[&1];
        assert_eq!(list.backup_rotation, Some(3));
        assert_eq!(
            list.schedules.iter().map(|s| s.id).collect::<Vec<_>>(),
            [10]
        );
        assert!(!c.schedules.contains_key(&4) && !c.schedules.contains_key(&5));
        let b = &c.backups[&1];
        assert_eq!(b.iter().map(|b| b.id).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(b[1].kind, BackupKind::Other("weird".into()));
        assert_eq!(b[0].created.map(|d| d.hour()), Some(2));

        // Deep nesting inside the lists: no stack overflow, the rest is still read.
        let deep = "[".repeat(200_000) + &"]".repeat(200_000);
        let text = format!(
            r#"{{"format": "{FORMAT}", "version": 1, "saved": "2025-01-02T03:04:05Z",
            "host": "h", "account": "a", "servers": [{deep}, {{"id": 1, "name": "web",
            "ip": "", "status": "", "datacenter": ""}}],
            "schedules": [{{"server": 1, "rotation": 2, "schedules": [{deep}]}}],
            "backups": {deep}}}"#
        );
        std::fs::write(&path, text).expect("write");
        match FleetCache::load(&path, "h", "a") {
            Ok(Some(c)) => {
                assert_eq!(c.servers.len(), 1);
                assert_eq!(c.schedules[&1].backup_rotation, Some(2));
            }
            Err(e) => assert!(e.starts_with("the fleet cache "), "{e}"),
            Ok(None) => panic!("present"),
        }
    }
}
