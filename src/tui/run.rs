//! The event loop: terminal events, API results and ticks in; draw only when something changed.
//! The terminal is the loop's too: it is given back on every way out, left and taken again
//! around a stop (Ctrl+Z), and never taken at all when there is no terminal to draw on.

use std::io::{self, IsTerminal};
use std::time::Duration;

use crossterm::event::{
    Event, EventStream, KeyCode, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};
use futures_util::StreamExt;
use tokio::sync::mpsc;

use super::app::App;
use super::msg::{Cmd, Msg};
use super::ui::Theme;
use super::worker::Executor;
use jiff::Timestamp;

/// How often spinners and notices advance, only while one is visible.
const TICK: Duration = Duration::from_millis(250);

/// The refusal when standard output is a file or a pipe (`bsched > file`, `bsched | cat`).
pub const NOT_A_TERMINAL: &str = "standard output is not a terminal, so bsched cannot draw its screen; to script bsched or save its output, use its commands (`bsched --help` lists them)";

/// The refusal when no terminal can be opened at all (no controlling terminal).
pub const NO_TERMINAL: &str = "there is no terminal to draw on (bsched has no controlling terminal); to script bsched, use its commands (`bsched --help` lists them)";

/// What the terminal asks of the loop, besides the app's messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TermEvent {
    /// Ctrl+Z or SIGTSTP: give the terminal back and stop until `fg`.
    Suspend,
    /// SIGCONT: take the terminal again and draw everything.
    Continued,
}

/// Refuses, before anything is drawn or read, when standard output is not a terminal: the
/// screen would be drawn into a file or a pipe while keys are read from elsewhere.
pub fn check_terminal() -> io::Result<()> {
    if io::stdout().is_terminal() {
        Ok(())
    } else {
        Err(io::Error::other(NOT_A_TERMINAL))
    }
}

/// An error from taking the terminal, in words where the system only gives a number.
fn in_words(e: io::Error) -> io::Error {
    #[cfg(unix)]
    if matches!(e.raw_os_error(), Some(libc::ENXIO | libc::ENOTTY)) {
        return io::Error::other(NO_TERMINAL);
    }
    e
}

/// Runs the TUI until the user quits. The terminal is restored on every way out. `early` are
/// messages still being prepared when the loop starts (the last-known fleet being read): the
/// first frame does not wait for them.
pub async fn run(
    mut app: App,
    executor: Executor,
    early: Vec<tokio::task::JoinHandle<Msg>>,
) -> io::Result<()> {
    check_terminal()?;
    // ratatui::init installs a panic hook that restores the terminal before the message prints.
    let mut terminal = match ratatui::try_init() {
        Ok(t) => t,
        Err(e) => {
            // Raw mode may be on already when entering the alternate screen failed.
            let _ = ratatui::try_restore();
            return Err(in_words(e));
        }
    };
    let mouse = app.mouse;
    if mouse {
        capture_mouse()?;
    }
    paste_on();
    let result = event_loop(&mut terminal, &mut app, &executor, early, mouse).await;
    paste_off();
    if mouse {
        release_mouse();
    }
    ratatui::try_restore()?;
    result
}

/// Takes the mouse (clicks and the wheel come as events; the terminal's own selection then
/// needs Shift), and makes sure a panic gives it back before ratatui's hook restores the rest.
fn capture_mouse() -> io::Result<()> {
    crossterm::execute!(io::stdout(), crossterm::event::EnableMouseCapture)?;
    let restore = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        release_mouse();
        restore(info);
    }));
    Ok(())
}

/// Gives the mouse back to the terminal (nothing to do when it was not taken).
fn release_mouse() {
    let _ = crossterm::execute!(io::stdout(), crossterm::event::DisableMouseCapture);
}

/// Bracketed paste: a paste arrives as one event (its text goes into the focused field and
/// never presses Enter). Turned off again on every way out, a panic included.
fn paste_on() {
    let _ = crossterm::execute!(io::stdout(), crossterm::event::EnableBracketedPaste);
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        paste_off();
        hook(info);
    }));
}

/// Turns bracketed paste off (the shell turns it on again itself if it uses it).
fn paste_off() {
    let _ = crossterm::execute!(io::stdout(), crossterm::event::DisableBracketedPaste);
}

/// Leaves the terminal as the shell expects it, stops the process, and takes the terminal
/// again once it is continued (`fg`), ready for a full redraw.
fn suspend(terminal: &mut ratatui::DefaultTerminal, mouse: bool) -> io::Result<()> {
    terminal.show_cursor()?;
    if mouse {
        release_mouse();
    }
    paste_off();
    ratatui::try_restore()?;
    stop_self();
    crossterm::terminal::enable_raw_mode()?;
    crossterm::execute!(
        io::stdout(),
        crossterm::terminal::EnterAlternateScreen,
        crossterm::event::EnableBracketedPaste
    )?;
    if mouse {
        crossterm::execute!(io::stdout(), crossterm::event::EnableMouseCapture)?;
    }
    redraw_all(terminal)
}

/// After a stop the loop did not ask for (SIGSTOP from outside), the shell may have reset the
/// terminal's modes and drawn over the screen: set raw mode again and redraw everything.
fn continued(terminal: &mut ratatui::DefaultTerminal, mouse: bool) -> io::Result<()> {
    let _ = crossterm::terminal::disable_raw_mode();
    crossterm::terminal::enable_raw_mode()?;
    if mouse {
        crossterm::execute!(io::stdout(), crossterm::event::EnableMouseCapture)?;
    }
    redraw_all(terminal)
}

/// Clears the screen and forgets the last frame, so the next draw sends every cell, at the
/// size the window has now (it may have changed while stopped). Unlike `Terminal::clear`, this
/// never asks the terminal where its cursor is, which a stalled terminal may never answer.
fn redraw_all(terminal: &mut ratatui::DefaultTerminal) -> io::Result<()> {
    let size = terminal.size()?;
    terminal.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
}

/// Stops the whole process as SIGTSTP's default action would. SIGSTOP, not SIGTSTP: SIGTSTP is
/// handled here, and the kernel discards it for a process group without a shell to resume it.
#[cfg(unix)]
fn stop_self() {
    let pid = std::process::id() as libc::pid_t;
    // SAFETY: kill takes plain integers and touches no memory of this process.
    unsafe {
        libc::kill(pid, libc::SIGSTOP);
    }
}

#[cfg(not(unix))]
fn stop_self() {}

/// Sleeps until `t`, or forever without one.
async fn sleep_until(t: Option<tokio::time::Instant>) {
    match t {
        Some(t) => tokio::time::sleep_until(t).await,
        None => std::future::pending().await,
    }
}

/// Sleeps for `d`, or forever without one.
async fn sleep_for(d: Option<Duration>) {
    match d {
        Some(d) => tokio::time::sleep(d).await,
        None => std::future::pending().await,
    }
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    executor: &Executor,
    early: Vec<tokio::task::JoinHandle<Msg>>,
    mouse: bool,
) -> io::Result<()> {
    let theme = Theme::from_env();
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    for handle in early {
        let tx = tx.clone();
        tokio::spawn(async move {
            if let Ok(msg) = handle.await {
                let _ = tx.send(msg);
            }
        });
    }
    let (term_tx, mut term_rx) = mpsc::unbounded_channel::<TermEvent>();
    spawn_input(tx.clone(), term_tx.clone());
    spawn_signals(tx.clone(), term_tx);
    app.now = Timestamp::now();
    for cmd in app.init() {
        executor.spawn(cmd, &tx);
    }
    let mut dirty = true;
    // The automatic refresh (`refresh` in the profile): due this long after the last one.
    let mut next_auto: Option<tokio::time::Instant> = None;
    // The test suite's crash drill: proves the panic hook gives the terminal back.
    let crash_drill = std::env::var_os("BSCHED_CRASH_DRILL").is_some();
    loop {
        if dirty {
            // The lists page by what they show: the app knows the size before every frame
            // (the first one, and after a stop, when no resize event says it).
            let size = terminal.size()?;
            if (app.screen.width, app.screen.height) != (size.width, size.height) {
                let cmds = app.update(Msg::Resize {
                    width: size.width,
                    height: size.height,
                });
                for cmd in cmds {
                    executor.spawn(cmd, &tx);
                }
            }
            app.prepare();
            terminal.draw(|f| app.draw(theme, f))?;
            dirty = false;
            if crash_drill {
                panic!("crash drill (BSCHED_CRASH_DRILL is set)");
            }
        }
        // Spinners and notices move four times a second; countdowns once a minute, on the
        // minute; with nothing moving, the loop sleeps until something arrives.
        let wake = if app.needs_tick() {
            Some(TICK)
        } else if app.wants_minute_tick() {
            let into_minute = Timestamp::now().as_millisecond().rem_euclid(60_000) as u64;
            Some(Duration::from_millis(60_000 - into_minute + 50))
        } else {
            None
        };
        match app.session.refresh {
            Some(every) if next_auto.is_none() => {
                next_auto = Some(tokio::time::Instant::now() + every)
            }
            None => next_auto = None,
            Some(_) => {}
        }
        let first = tokio::select! {
            m = rx.recv() => m,
            _ = sleep_until(next_auto) => {
                next_auto = None;
                Some(Msg::AutoRefresh)
            }
            Some(t) = term_rx.recv() => {
                match t {
                    TermEvent::Suspend => suspend(terminal, mouse)?,
                    TermEvent::Continued => continued(terminal, mouse)?,
                }
                dirty = true;
                continue;
            }
            _ = sleep_for(wake) => Some(Msg::Tick),
        };
        let Some(first) = first else { return Ok(()) };
        // Drain everything queued before drawing once.
        let mut batch = vec![first];
        while let Ok(m) = rx.try_recv() {
            batch.push(m);
        }
        app.now = Timestamp::now();
        for msg in batch {
            dirty = true;
            // New handles go to the executor in message order: commands the app sends after
            // it heard of the new account use them, and none before.
            if let Msg::Adopt(ctx) = msg {
                executor.adopt(*ctx);
                continue;
            }
            let cmds = app.update(msg);
            if cmds.contains(&Cmd::Quit) {
                // What is kept on the way out is written before the loop ends.
                for cmd in cmds {
                    if matches!(cmd, Cmd::SaveCache { .. }) {
                        executor.execute(cmd).await;
                    }
                }
                return Ok(());
            }
            for cmd in cmds {
                match cmd {
                    // The terminal is the loop's: the clipboard goes through it, at once.
                    Cmd::Clipboard { text } => copy_to_clipboard(terminal, &text),
                    cmd => executor.spawn(cmd, &tx),
                }
            }
            if app.quit {
                return Ok(());
            }
        }
    }
}

fn spawn_input(tx: mpsc::UnboundedSender<Msg>, term: mpsc::UnboundedSender<TermEvent>) {
    tokio::spawn(async move {
        let mut events = EventStream::new();
        while let Some(ev) = events.next().await {
            let msg = match ev {
                // Raw mode turns Ctrl+Z into a key; it still means "stop", as in every shell.
                Ok(Event::Key(k))
                    if k.kind == KeyEventKind::Press
                        && k.code == KeyCode::Char('z')
                        && k.modifiers.contains(KeyModifiers::CONTROL) =>
                {
                    let _ = term.send(TermEvent::Suspend);
                    continue;
                }
                Ok(Event::Key(k)) if k.kind == KeyEventKind::Press => Msg::Key(k),
                Ok(Event::Resize(width, height)) => Msg::Resize { width, height },
                // Clicks and the wheel; the pointer's moves would only wake the loop.
                Ok(Event::Mouse(m))
                    if matches!(
                        m.kind,
                        MouseEventKind::Down(MouseButton::Left)
                            | MouseEventKind::ScrollUp
                            | MouseEventKind::ScrollDown
                    ) =>
                {
                    Msg::Mouse(m)
                }
                Ok(Event::Paste(text)) => Msg::Paste(crate::api::Secret::new(text)),
                Ok(_) => continue,
                Err(_) => Msg::Quit,
            };
            if tx.send(msg).is_err() {
                return;
            }
        }
    });
}

/// SIGTERM, SIGHUP, SIGINT and SIGQUIT quit through the loop, so the terminal is given back
/// (raw mode turns the keys off, so SIGINT and SIGQUIT only come from outside); SIGTSTP stops
/// and SIGCONT redraws.
#[cfg(unix)]
fn spawn_signals(tx: mpsc::UnboundedSender<Msg>, term: mpsc::UnboundedSender<TermEvent>) {
    use tokio::signal::unix::{SignalKind, signal};
    tokio::spawn(async move {
        let (Ok(mut term_sig), Ok(mut hup), Ok(mut int), Ok(mut quit), Ok(mut tstp), Ok(mut cont)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
            signal(SignalKind::interrupt()),
            signal(SignalKind::quit()),
            signal(SignalKind::from_raw(libc::SIGTSTP)),
            signal(SignalKind::from_raw(libc::SIGCONT)),
        ) else {
            return;
        };
        loop {
            let event = tokio::select! {
                _ = term_sig.recv() => None,
                _ = hup.recv() => None,
                _ = int.recv() => None,
                _ = quit.recv() => None,
                _ = tstp.recv() => Some(TermEvent::Suspend),
                _ = cont.recv() => Some(TermEvent::Continued),
            };
            match event {
                Some(e) => {
                    if term.send(e).is_err() {
                        return;
                    }
                }
                None => {
                    let _ = tx.send(Msg::Quit);
                    return;
                }
            }
        }
    });
}

#[cfg(not(unix))]
fn spawn_signals(_tx: mpsc::UnboundedSender<Msg>, _term: mpsc::UnboundedSender<TermEvent>) {}

/// Writes `text` to the terminal's clipboard. A terminal that does not know OSC 52 ignores it;
/// a failed write is logged, not shown (the screen stays as it was).
fn copy_to_clipboard(terminal: &mut ratatui::DefaultTerminal, text: &str) {
    use std::io::Write;
    let out = terminal.backend_mut();
    if let Err(e) = out.write_all(&osc52(text)).and_then(|()| out.flush()) {
        tracing::warn!("could not write to the clipboard: {e}");
    }
}

/// The OSC 52 sequence that sets the clipboard to `text`: `ESC ] 52 ; c ; BASE64 BEL`. The
/// text travels base64-encoded, so no byte of it can end the sequence or reach the terminal raw.
pub fn osc52(text: &str) -> Vec<u8> {
    let mut out = b"\x1b]52;c;".to_vec();
    out.extend(base64(text.as_bytes()).bytes());
    out.push(0x07);
    out
}

/// Standard base64 (RFC 4648, with padding).
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ABC[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod clipboard_tests {
    use super::*;

    #[test]
    fn osc52_carries_the_text_base64_encoded() {
        assert_eq!(osc52("5203770"), b"\x1b]52;c;NTIwMzc3MA==\x07".to_vec());
        assert_eq!(osc52(""), b"\x1b]52;c;\x07".to_vec());
        // RFC 4648's test vectors.
        for (plain, coded) in [
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), coded);
        }
        // A hostile text cannot end the sequence early or reach the terminal raw.
        let seq = osc52("a\x07\x1b]0;pwned\x07");
        assert_eq!(seq.iter().filter(|b| **b == 0x07).count(), 1);
        assert_eq!(seq.iter().filter(|b| **b == 0x1b).count(), 1);
    }
}
