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
//! (days through [`Weekdays`](crate::domain::Weekdays), times through [`TimeOfDay`](crate::domain::TimeOfDay)'s `FromStr`, strings under a length
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
use serde_json::value::RawValue;

use crate::config::{DATA_DIR_ENV, data_dir_from};
use crate::domain::backups::Backup;
use crate::domain::{Instance, InstanceId, ScheduleList};

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

mod records;
use records::*;

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

#[cfg(test)]
mod tests;
