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

/// Creates or empties `path` for writing, 0600: a new file is created so, an existing one is
/// made private before anything is written to it (a trace the user names).
pub fn create_private(path: &Path) -> std::io::Result<File> {
    let f = private_options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(f)
}

/// Opens `path` for appending, creating it 0600 (and its directory 0700) when missing.
pub fn open_private_append(path: &Path) -> std::io::Result<File> {
    if let Some(dir) = path.parent() {
        private_dir(dir)?;
    }
    private_options().create(true).append(true).open(path)
}

static TMP_COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

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
    // The process id keeps other processes apart, the counter this process's threads: two
    // saves of one file at once each have a temporary file of their own.
    let n = TMP_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = path.with_file_name(format!(".{name}.{}.{n}.tmp", std::process::id()));
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
/// holds ("the journal", "a stored session"). A directory gets `chmod 700`, a file
/// `chmod 600`.
pub fn exposure_warning(path: &Path, what: &str) -> Option<String> {
    if !readable_by_others(path) {
        return None;
    }
    let (mode, who) = if path.is_dir() {
        ("700", "other users can list or open what is in it")
    } else {
        ("600", "can be read by other users")
    };
    Some(format!(
        "{} ({what}) {who}; run: chmod {mode} {}",
        path.display(),
        path.display()
    ))
}

/// Warnings for a directory of bsched's (the data directory) and the directories in it (the
/// kept sessions) when group or others have any access to them: [`private_dir`] makes new
/// ones 0700 but leaves an existing one as it is. None when `dir` does not exist.
pub fn dir_exposure_warnings(dir: &Path, what: &str) -> Vec<String> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut warnings: Vec<String> = exposure_warning(dir, what).into_iter().collect();
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut subdirs: Vec<_> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.path())
            .collect();
        subdirs.sort();
        let inner = format!("in {what}");
        warnings.extend(subdirs.iter().filter_map(|d| exposure_warning(d, &inner)));
    }
    warnings
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

    #[test]
    fn an_existing_directory_others_can_open_is_warned_about_with_chmod_700() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let data = tmp.path().join("bsched");
        let sessions = data.join("sessions");
        private_dir(&sessions).expect("dirs");
        assert!(dir_exposure_warnings(&data, "bsched's data directory").is_empty());
        // Made by someone else (or an older bsched) with the usual umask: left as it is,
        // and said so.
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        private_dir(&data).expect("exists");
        assert_eq!(mode(&data), 0o755);
        let w = dir_exposure_warnings(&data, "bsched's data directory");
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].contains("chmod 700") && w[0].contains(&data.display().to_string()),
            "{w:?}"
        );
        assert_eq!(
            exposure_warning(&data, "bsched's data directory").as_ref(),
            Some(&w[0])
        );
        std::fs::set_permissions(&sessions, std::fs::Permissions::from_mode(0o750)).expect("chmod");
        let w = dir_exposure_warnings(&data, "bsched's data directory");
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(
            w[1].contains("sessions") && w[1].contains("chmod 700"),
            "{w:?}"
        );
        assert!(dir_exposure_warnings(&tmp.path().join("none"), "x").is_empty());
    }

    #[test]
    fn saves_of_one_file_from_many_threads_at_once_never_fail_nor_mix() {
        const THREADS: usize = 8;
        const SAVES: usize = 40;
        const LEN: usize = 64 * 1024;
        let tmp = tempfile::tempdir().expect("tempdir");
        let path = tmp.path().join("state.json");
        let stop = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|s| {
            let reader = s.spawn(|| {
                let mut seen = 0usize;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    if let Ok(bytes) = std::fs::read(&path) {
                        assert_eq!(bytes.len(), LEN, "a whole file");
                        assert!(bytes.iter().all(|b| *b == bytes[0]), "one save's content");
                        seen += 1;
                    }
                }
                seen
            });
            let writers: Vec<_> = (0..THREADS)
                .map(|t| {
                    let path = &path;
                    s.spawn(move || {
                        let content = vec![b'a' + t as u8; LEN];
                        for _ in 0..SAVES {
                            write_private_atomic(path, &content).expect("every save works");
                        }
                    })
                })
                .collect();
            let results: Vec<_> = writers.into_iter().map(|w| w.join()).collect();
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
            let read = reader.join();
            for r in results {
                r.expect("writer");
            }
            read.expect("reader");
        });
        let bytes = std::fs::read(&path).expect("read");
        assert_eq!(bytes.len(), LEN);
        assert!(bytes.iter().all(|b| *b == bytes[0]));
        let left: Vec<_> = std::fs::read_dir(tmp.path())
            .expect("list")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left.len(), 1, "no temporary file is left: {left:?}");
    }
}
