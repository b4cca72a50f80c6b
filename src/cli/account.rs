//! `bsched login` and `bsched logout`: the session kept between runs.

use std::io::{BufRead, IsTerminal, Write};

use super::args::Cli;
use super::context::resolve_profile;
use super::error::CliError;
use crate::api::{Client, Secret};
use crate::sanitize::for_terminal;

/// The longest answer read (a user name, a password, a code), line break included.
pub const MAX_ANSWER_BYTES: u64 = 4096;

/// Reads one line from the terminal (echoed) or from standard input when it is not one; at
/// most [`MAX_ANSWER_BYTES`]: a longer line is refused, not read on.
fn ask(prompt: &str) -> Result<String, CliError> {
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    read_answer(&mut std::io::stdin().lock())
}

/// One line of `input`, without its line break, read no further than [`MAX_ANSWER_BYTES`].
fn read_answer(input: &mut impl BufRead) -> Result<String, CliError> {
    let mut bytes = Vec::new();
    std::io::Read::take(&mut *input, MAX_ANSWER_BYTES)
        .read_until(b'\n', &mut bytes)
        .map_err(|e| CliError::Usage(format!("cannot read the answer: {e}")))?;
    if bytes.len() as u64 >= MAX_ANSWER_BYTES && !bytes.ends_with(b"\n") {
        return Err(CliError::Usage(format!(
            "the answer is longer than {MAX_ANSWER_BYTES} bytes; nothing was sent"
        )));
    }
    let line = String::from_utf8(bytes).map_err(|_| {
        CliError::Usage("the answer is not valid UTF-8 text; nothing was sent".into())
    })?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

/// Reads a password without echoing it on a terminal; from standard input (one line) when it
/// is not a terminal, for scripts.
fn ask_secret(prompt: &str) -> Result<Secret, CliError> {
    if !std::io::stdin().is_terminal() {
        return Ok(Secret::new(ask(prompt)?));
    }
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, read};
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    crossterm::terminal::enable_raw_mode()
        .map_err(|e| CliError::Usage(format!("cannot read the password: {e}")))?;
    let mut typed = String::new();
    let result = loop {
        match read() {
            Ok(Event::Key(KeyEvent {
                code,
                modifiers,
                kind: KeyEventKind::Press,
                ..
            })) => match code {
                KeyCode::Enter => break Ok(()),
                KeyCode::Char('c') if modifiers.contains(KeyModifiers::CONTROL) => {
                    // Raw mode reads Ctrl+C as a key: it ends the command as SIGINT would.
                    break Err(CliError::Interrupted(
                        "interrupted; nothing was sent".into(),
                    ));
                }
                KeyCode::Char('u') if modifiers.contains(KeyModifiers::CONTROL) => typed.clear(),
                KeyCode::Backspace => {
                    typed.pop();
                }
                KeyCode::Char(c) => typed.push(c),
                _ => {}
            },
            Ok(Event::Paste(text)) => typed.push_str(text.trim_end_matches(['\n', '\r'])),
            Ok(_) => {}
            Err(e) => break Err(CliError::Usage(format!("cannot read the password: {e}"))),
        }
    };
    let _ = crossterm::terminal::disable_raw_mode();
    eprintln!();
    result.map(|()| Secret::new(typed))
}

/// Logs in interactively and keeps the session for the profile.
pub async fn login(cli: &Cli) -> Result<(), CliError> {
    let resolved = resolve_profile(cli)?;
    let mut cfg = resolved.client.clone();
    cfg.token = None;
    if cfg.username.is_none() {
        let user = ask("Username (e-mail): ")?;
        if user.trim().is_empty() {
            return Err(CliError::Usage(
                "no username given; nothing was sent".into(),
            ));
        }
        cfg.username = Some(user.trim().to_string());
    }
    let user = cfg.username.clone().unwrap_or_default();
    let dir = crate::config::sessions_dir().ok_or_else(|| {
        CliError::Usage("cannot find a data directory to keep the session in".into())
    })?;
    let store = crate::api::SessionStore::new(&dir, &resolved.profile, cfg.url.as_str(), &user);
    // Kept only once the whole login (code included) has worked: a failed login leaves the
    // session kept before as it was.
    cfg.session_store = None;
    if cfg.password.is_none() && cfg.password_command.is_none() {
        let pass = ask_secret(&format!("Password for {}: ", for_terminal(&user)))?;
        if pass.is_empty() {
            return Err(CliError::Usage(
                "no password given; nothing was sent".into(),
            ));
        }
        cfg.password = Some(pass);
    }
    let client = Client::new(cfg)?;
    if client.login_checking_totp().await? {
        let code = ask("Six-digit code from the authenticator app: ")?;
        client.confirm_totp(&code).await?;
    }
    // The path is built from the environment (HOME, XDG_DATA_HOME, BSCHED_DATA_DIR).
    let shown_path = for_terminal(&store.path.display().to_string()).into_owned();
    client.keep_in(&store).await.map_err(|e| {
        CliError::Usage(format!(
            "logged in, but the session could not be kept in {shown_path} ({})",
            for_terminal(&e.to_string())
        ))
    })?;
    eprintln!(
        "Logged in as {} on {} (profile {}). The session is kept in {shown_path} until it expires or `bsched logout`.",
        for_terminal(&user),
        for_terminal(&client.host()),
        for_terminal(&resolved.profile),
    );
    Ok(())
}

/// Ends the kept session on the server and forgets it.
pub async fn logout(cli: &Cli) -> Result<(), CliError> {
    let resolved = resolve_profile(cli)?;
    let Some(store) = resolved.client.session_store.clone() else {
        eprintln!(
            "No session is kept for profile {}.",
            for_terminal(&resolved.profile)
        );
        return Ok(());
    };
    if store.load().session.is_none() {
        eprintln!(
            "No session is kept for profile {}.",
            for_terminal(&resolved.profile)
        );
        return Ok(());
    }
    let mut cfg = resolved.client.clone();
    // Only the kept session is ended: logging in just to log out would make no sense.
    cfg.password = None;
    cfg.password_command = None;
    let client = Client::new(cfg)?;
    match client.logout().await {
        Ok(()) => {}
        // The file could not be removed: that error says so.
        Err(e @ crate::api::ApiError::Setup(_)) => return Err(e.into()),
        Err(e) => {
            let code = CliError::Api(e.clone()).exit_code();
            return Err(CliError::Failed {
                message: format!(
                    "the session of profile {} is forgotten here, but ending it on the server failed ({e}); it ends by itself about an hour after its last use",
                    for_terminal(&resolved.profile)
                ),
                code,
            });
        }
    }
    eprintln!(
        "Logged out: the session of profile {} is ended on the server and forgotten.",
        for_terminal(&resolved.profile)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_one_line_of_at_most_4_kib() {
        let mut input = std::io::Cursor::new(b"user@example.com\r\nsecond\n".to_vec());
        assert_eq!(
            read_answer(&mut input).ok().as_deref(),
            Some("user@example.com")
        );
        assert_eq!(read_answer(&mut input).ok().as_deref(), Some("second"));
        assert_eq!(read_answer(&mut input).ok().as_deref(), Some(""));

        // A huge line (as good as endless): refused after 4 KiB, the rest not read.
        let mut huge = std::io::Cursor::new(vec![b'x'; 1024 * 1024]);
        let Err(e) = read_answer(&mut huge) else {
            panic!("a huge answer is refused");
        };
        assert_eq!(
            e.to_string(),
            "the answer is longer than 4096 bytes; nothing was sent"
        );
        assert_eq!(huge.position(), MAX_ANSWER_BYTES, "no more was read");
        let exact = format!("{}\n", "y".repeat(4095));
        let mut input = std::io::Cursor::new(exact.into_bytes());
        assert_eq!(read_answer(&mut input).map(|a| a.len()).ok(), Some(4095));
        let Err(e) = read_answer(&mut std::io::Cursor::new(vec![0xff, b'\n'])) else {
            panic!("not UTF-8");
        };
        assert!(e.to_string().contains("UTF-8"), "{e}");
    }
}
