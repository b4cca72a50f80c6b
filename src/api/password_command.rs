//! Running `password_command`: the password from a program (a password manager), never stored.

use std::time::Duration;

use super::Secret;

/// Why `password_command` gave no password, in one sentence (never with its output).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PasswordCommandError(pub String);

/// How long `password_command` may run.
pub const PASSWORD_COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs `password_command` through the shell; its standard output (without the final line
/// break) is the password. It gets no input and its error output is discarded; a command that
/// fails is reported by its exit status only, one that runs past 30 seconds is stopped.
pub fn run_password_command(cmd: &str) -> Result<Secret, PasswordCommandError> {
    run_password_command_within(cmd, PASSWORD_COMMAND_TIMEOUT)
}

/// [`run_password_command`] with another time limit. The command runs in a process group of
/// its own: at the limit the whole group is stopped, so a command that left a process behind
/// (`echo pw; sleep 60 &`, holding the output open) cannot make bsched wait past the limit.
pub fn run_password_command_within(
    cmd: &str,
    limit: Duration,
) -> Result<Secret, PasswordCommandError> {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    let mut child = command
        .spawn()
        .map_err(|e| PasswordCommandError(format!("cannot run password_command: {e}")))?;
    let started = std::time::Instant::now();
    let stopped = || {
        PasswordCommandError(format!(
            "password_command did not finish within {} seconds and was stopped",
            limit.as_secs_f64().ceil() as u64
        ))
    };
    let mut stdout = child.stdout.take();
    // Read on a thread: a command that prints much would otherwise block on a full pipe. The
    // answer comes through a channel so that waiting for it has a deadline too: the pipe stays
    // open as long as any process of the command holds it.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(out) = stdout.as_mut() {
            let _ = out.take(64 * 1024).read_to_end(&mut buf);
            let _ = std::io::copy(out, &mut std::io::sink());
        }
        let _ = tx.send(buf);
    });
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() >= limit => {
                stop_group(&mut child);
                return Err(stopped());
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => {
                stop_group(&mut child);
                return Err(PasswordCommandError(format!(
                    "cannot run password_command: {e}"
                )));
            }
        }
    };
    let out = match rx.recv_timeout(limit.saturating_sub(started.elapsed())) {
        Ok(out) => out,
        Err(_) => {
            // The shell ended but something it started still holds the output open.
            stop_group(&mut child);
            return Err(PasswordCommandError(format!(
                "password_command left a process holding its output open for {} seconds; it was stopped",
                limit.as_secs_f64().ceil() as u64
            )));
        }
    };
    if !status.success() {
        return Err(PasswordCommandError(match status.code() {
            Some(code) => format!("password_command failed (exit status {code})"),
            None => "password_command was killed by a signal".to_string(),
        }));
    }
    let text = String::from_utf8(out).map_err(|_| {
        PasswordCommandError("password_command printed something that is not UTF-8".into())
    })?;
    let pass = text.trim_end_matches(['\n', '\r']);
    if pass.is_empty() {
        return Err(PasswordCommandError(
            "password_command printed nothing".into(),
        ));
    }
    Ok(Secret::new(pass))
}

/// Stops `child` and, on unix, every process of its group (it was started as the group's
/// leader), then reaps it.
fn stop_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    if let Ok(pid) = libc::pid_t::try_from(child.id())
        && pid > 0
    {
        // SAFETY: kill(2) with a negative pid signals the process group `pid`, which this
        // child leads (`process_group(0)`); it touches no memory of this process.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}
