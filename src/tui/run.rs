//! The event loop: terminal events, API results and ticks in; draw only when something changed.

use std::time::Duration;

use crossterm::event::{Event, EventStream, KeyEventKind};
use futures_util::StreamExt;
use tokio::sync::mpsc;

use super::app::App;
use super::msg::{Cmd, Msg};
use super::ui::{self, Theme};
use super::worker;
use jiff::Timestamp;

/// How often spinners and notices advance, only while one is visible.
const TICK: Duration = Duration::from_millis(250);

/// Runs the TUI until the user quits. The terminal is restored on every way out.
pub async fn run(mut app: App) -> std::io::Result<()> {
    // ratatui::init installs a panic hook that restores the terminal before the message prints.
    let mut terminal = ratatui::try_init()?;
    let result = event_loop(&mut terminal, &mut app).await;
    ratatui::try_restore()?;
    result
}

async fn event_loop(terminal: &mut ratatui::DefaultTerminal, app: &mut App) -> std::io::Result<()> {
    let theme = Theme::from_env();
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    spawn_input(tx.clone());
    spawn_signals(tx.clone());
    app.now = Timestamp::now();
    for cmd in app.init() {
        worker::spawn(&app.ctx(), cmd, &tx);
    }
    let mut dirty = true;
    // The test suite's crash drill: proves the panic hook gives the terminal back.
    let crash_drill = std::env::var_os("BSCHED_CRASH_DRILL").is_some();
    loop {
        if dirty {
            app.prepare();
            terminal.draw(|f| ui::render(app, theme, f))?;
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
        let first = match wake {
            Some(d) => tokio::select! {
                m = rx.recv() => m,
                _ = tokio::time::sleep(d) => Some(Msg::Tick),
            },
            None => rx.recv().await,
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
            for cmd in app.update(msg) {
                if cmd == Cmd::Quit {
                    return Ok(());
                }
                worker::spawn(&app.ctx(), cmd, &tx);
            }
            if app.quit {
                return Ok(());
            }
        }
    }
}

fn spawn_input(tx: mpsc::UnboundedSender<Msg>) {
    tokio::spawn(async move {
        let mut events = EventStream::new();
        while let Some(ev) = events.next().await {
            let msg = match ev {
                Ok(Event::Key(k)) if k.kind == KeyEventKind::Press => Msg::Key(k),
                Ok(Event::Resize(_, _)) => Msg::Resize,
                Ok(_) => continue,
                Err(_) => Msg::Quit,
            };
            if tx.send(msg).is_err() {
                return;
            }
        }
    });
}

#[cfg(unix)]
fn spawn_signals(tx: mpsc::UnboundedSender<Msg>) {
    use tokio::signal::unix::{SignalKind, signal};
    tokio::spawn(async move {
        let (Ok(mut term), Ok(mut hup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) else {
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = hup.recv() => {}
        }
        let _ = tx.send(Msg::Quit);
    });
}

#[cfg(not(unix))]
fn spawn_signals(_tx: mpsc::UnboundedSender<Msg>) {}
