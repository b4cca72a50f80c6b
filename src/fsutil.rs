//! Files bsched creates for itself (journal, log, stored sessions, cache, emulator state):
//! directories 0700, files 0600, replaced atomically where a half-written file would hurt.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;

/// Creates `dir` and its missing parents; the directories it creates are 0700.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

fn private_options() -> OpenOptions {
    let mut o = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o
}

/// Opens `path` for appending, creating it 0600 (and its directory 0700) when missing.
pub fn open_private_append(path: &Path) -> std::io::Result<File> {
    if let Some(dir) = path.parent() {
        private_dir(dir)?;
    }
    private_options().create(true).append(true).open(path)
}

/// Replaces `path` with `bytes` atomically: a 0600 temporary file beside it, synced, then
/// renamed over it. A reader sees the old file or the new one, never half of one.
pub fn write_private_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        private_dir(dir)?;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "bsched".into());
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut f = private_options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    })();
    if let Err(e) = written.and_then(|_| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(())
}

/// Whether group or others may read or write `path` (false when it does not exist).
#[cfg(unix)]
pub fn readable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
}

/// Whether group or others may read or write `path` (never on this platform).
#[cfg(not(unix))]
pub fn readable_by_others(_path: &Path) -> bool {
    false
}

/// A warning naming the fix when `path` exists and others can read it; `what` says what it
/// holds ("the journal", "a stored session").
pub fn exposure_warning(path: &Path, what: &str) -> Option<String> {
    readable_by_others(path).then(|| {
        format!(
            "{} ({what}) can be read by other users; run: chmod 600 {}",
            path.display(),
            path.display()
        )
    })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0)
    }

    #[test]
    fn creates_private_files_and_dirs() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("a/b");
        let file = dir.join("j.jsonl");
        open_private_append(&file).expect("open");
        assert_eq!(mode(&file), 0o600);
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&tmp.path().join("a")), 0o700);
        let other = dir.join("s.json");
        write_private_atomic(&other, b"{}").expect("write");
        assert_eq!(mode(&other), 0o600);
        assert!(exposure_warning(&other, "x").is_none());
        std::fs::set_permissions(&other, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let w = exposure_warning(&other, "a stored session").expect("warning");
        assert!(w.contains("chmod 600"), "{w}");
    }
}
