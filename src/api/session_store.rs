//! The session kept between runs: one small file per profile, readable only by the user.
//!
//! Real accounts can e-mail the owner on every login, block a login from a new country until it
//! is confirmed, and lock the account after a burst of logins; so a command reuses the session
//! of the last one until the server refuses it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Secret;

/// Where a profile's session is kept, and for which URL and user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionStore {
    /// The file.
    pub path: PathBuf,
    /// The API URL the session belongs to.
    pub url: String,
    /// The user it belongs to.
    pub username: String,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    url: String,
    username: String,
    session: String,
    /// Whether this server's creates answered with the new schedule's id.
    #[serde(default)]
    create_returns_id: Option<bool>,
}

/// What a store holds for its URL and user.
#[derive(Debug, Clone, Default)]
pub struct Kept {
    /// The session, if one is kept.
    pub session: Option<Secret>,
    /// What the server's creates were seen to answer.
    pub create_returns_id: Option<bool>,
}

/// The longest session file read; anything larger is not ours.
const MAX_BYTES: u64 = 64 * 1024;

/// The stored session file, if it is a small regular file that parses.
fn read(path: &Path) -> Option<Stored> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_BYTES {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}

impl SessionStore {
    /// The store of `profile` in `dir`.
    pub fn new(dir: &Path, profile: &str, url: &str, username: &str) -> SessionStore {
        let safe: String = profile
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        SessionStore {
            path: dir.join(format!("{safe}.json")),
            url: url.to_string(),
            username: username.to_string(),
        }
    }

    /// The user whose session is kept for `profile` at `url`: after `bsched login` asked for
    /// the name, later commands find the session without it being configured.
    pub fn kept_username(dir: &Path, profile: &str, url: &str) -> Option<String> {
        let store = SessionStore::new(dir, profile, url, "");
        read(&store.path)
            .filter(|s| s.url == url && !s.session.is_empty())
            .map(|s| s.username)
            .filter(|u| !u.trim().is_empty())
    }

    /// What is kept for this URL and user; nothing when the file is missing, unreadable, too
    /// large, not a regular file, or belongs to another URL or user.
    pub fn load(&self) -> Kept {
        match read(&self.path) {
            Some(s) if s.url == self.url && s.username == self.username => Kept {
                session: Some(Secret::new(s.session)).filter(|s| !s.is_empty()),
                create_returns_id: s.create_returns_id,
            },
            _ => Kept::default(),
        }
    }

    /// Keeps `kept` (0600 in a 0700 directory, replaced atomically).
    pub fn save(&self, kept: &Kept) -> std::io::Result<()> {
        let Some(session) = &kept.session else {
            return self.clear();
        };
        let stored = Stored {
            url: self.url.clone(),
            username: self.username.clone(),
            session: session.expose().to_string(),
            create_returns_id: kept.create_returns_id,
        };
        let text = serde_json::to_vec(&stored).map_err(std::io::Error::other)?;
        crate::fsutil::write_private_atomic(&self.path, &text)
    }

    /// Forgets the session.
    pub fn clear(&self) -> std::io::Result<()> {
        match std::fs::remove_file(&self.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_only_for_its_url_and_user() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = SessionStore::new(dir.path(), "work/../x", "https://a/", "u");
        assert!(a.path.starts_with(dir.path()) && !a.path.to_string_lossy().contains(".."));
        let kept = Kept {
            session: Some(Secret::new("tok")),
            create_returns_id: Some(true),
        };
        a.save(&kept).expect("save");
        assert_eq!(a.load().session, Some(Secret::new("tok")));
        let other = SessionStore::new(dir.path(), "work/../x", "https://b/", "u");
        assert!(other.load().session.is_none());
        assert_eq!(
            SessionStore::kept_username(dir.path(), "work/../x", "https://a/").as_deref(),
            Some("u")
        );
        assert!(SessionStore::kept_username(dir.path(), "work/../x", "https://b/").is_none());
        a.clear().expect("clear");
        assert!(a.load().session.is_none());
        a.clear().expect("clear twice");
    }
}
