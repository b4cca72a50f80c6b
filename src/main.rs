//! The `bsched` binary: parse arguments, pick a front end, map errors to exit codes.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

use bsched::api::{Client, ClientConfig, Secret, checked_url};
use bsched::cli::{self, Cli, CliError, Command, EmulatorArgs};
use bsched::config;
use bsched::emulator::{self, Emulator, Fault};
use bsched::tui::app::{App, Session};
use bsched::tui::worker::{Executor, Profiles};
use bsched::tui::{self, keymap::Keymap};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let interactive = matches!(cli.command, None | Some(Command::Demo { .. }));
    init_logging(interactive);
    if !interactive {
        // Commands keep stdout for their answer; what the client notes goes to stderr.
        bsched::api::print_warnings_to_stderr();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(async {
        match &cli.command {
            Some(Command::Emulator(args)) => run_emulator(args).await,
            Some(Command::Demo { reset }) => run_demo(&cli, *reset).await,
            // Its prompts read the terminal on this thread: Ctrl+C at the password prompt is
            // read as a key (exit 130), at the others it ends the process as usual.
            Some(Command::Login) => cli::account::login(&cli).await,
            None => run_tui(&cli).await,
            Some(command) => {
                let mut stdout = std::io::stdout().lock();
                let run = async {
                    let r = match command {
                        Command::Logout => cli::account::logout(&cli).await,
                        Command::Doctor { trace } => {
                            cli::doctor(&cli, trace.as_deref(), &mut stdout).await
                        }
                        _ => cli::run(&cli, &mut stdout).await,
                    };
                    // Line-buffered: the last bytes (or the only ones) may fail only here.
                    let flushed = stdout
                        .flush()
                        .map_err(|e| CliError::writing(&e, "the output"));
                    r.and(flushed)
                };
                cli::until_interrupted(run, cli::changes(command)).await
            }
        }
    });
    // Background tasks (pending requests) must not keep the process alive after quitting.
    runtime.shutdown_timeout(Duration::from_millis(100));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if e.is_shown() {
                // Not `eprintln!`, which panics when stderr is a closed pipe.
                let _ = writeln!(std::io::stderr(), "error: {e}");
            }
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(1))
        }
    }
}

/// Diagnostics only when `BSCHED_LOG` asks for them (e.g. `BSCHED_LOG=debug`): to stderr for
/// commands, to `bsched.log` in the data directory for the TUI, which owns the screen.
fn init_logging(interactive: bool) {
    let Ok(filter) = std::env::var("BSCHED_LOG") else {
        return;
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_ansi(false);
    if interactive {
        let Some(dir) = config::data_dir() else {
            return;
        };
        // 0600 in a 0700 directory: a log at debug level names servers and schedules.
        let log = dir.join("bsched.log");
        let Ok(file) = bsched::fsutil::open_private_append(&log) else {
            return;
        };
        // A log others can read is warned about with bsched's other files (`exposed_files`).
        let _ = builder.with_writer(std::sync::Mutex::new(file)).try_init();
    } else {
        let _ = builder.with_writer(std::io::stderr).try_init();
    }
}

fn keymap(keys: &std::collections::BTreeMap<String, toml::Value>) -> Result<Keymap, CliError> {
    Keymap::new(keys).map_err(|e| CliError::Usage(format!("config file: {e}")))
}

async fn tui_on(
    app: App,
    executor: Executor,
    early: Vec<tokio::task::JoinHandle<tui::msg::Msg>>,
) -> Result<(), CliError> {
    tui::run(app, executor, early)
        .await
        .map_err(|e| CliError::Usage(format!("terminal error: {e}")))
}

/// Refuses, before anything is started, read or created, when the screen cannot be drawn
/// (`bsched > file`, `bsched demo | cat`).
fn terminal_or_refuse() -> Result<(), CliError> {
    tui::check_terminal().map_err(|e| CliError::Usage(e.to_string()))
}

/// Warnings for bsched's own files that other users can read, each with the `chmod` that fixes
/// it: the stored sessions (every profile's: the TUI can switch), the journals, the log and the
/// demo's state.
fn exposed_files() -> Vec<String> {
    let Some(dir) = config::data_dir() else {
        return Vec::new();
    };
    let mut files = vec![
        (dir.join("journal.jsonl"), "the change journal"),
        (dir.join("demo-journal.jsonl"), "the demo's change journal"),
        (dir.join("bsched.log"), "the log"),
        (dir.join("demo-state.json"), "the demo's state"),
    ];
    if let Some(Ok(entries)) = config::sessions_dir().map(std::fs::read_dir) {
        let mut sessions: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        sessions.sort();
        files.extend(sessions.into_iter().map(|p| (p, "a stored session")));
    }
    files
        .iter()
        .filter(|(p, _)| p.is_file())
        .filter_map(|(p, what)| bsched::fsutil::exposure_warning(p, what))
        .chain(bsched::fsutil::dir_exposure_warnings(
            &dir,
            "bsched's data directory",
        ))
        .collect()
}

/// Prints [`exposed_files`] on stderr, before anything rewrites them and before the TUI takes
/// the screen (so they are there again after quitting); [`show_exposed`] puts them in the
/// TUI's status line too.
fn warn_exposed() -> Vec<String> {
    let warnings = exposed_files();
    cli::warn_all(warnings.iter().cloned());
    warnings
}

fn show_exposed(app: &mut App, warnings: Vec<String>) {
    if !warnings.is_empty() {
        app.update(tui::msg::Msg::Warnings(warnings));
    }
}

/// Starts reading `profile`'s last-known fleet for `host` and `account` (it is shown as soon
/// as it is read, without holding up the first frame), and returns where the fleet is kept
/// from now on.
fn open_cache(
    app: &mut App,
    profile: &str,
    host: &str,
    account: &str,
) -> (
    Option<std::path::PathBuf>,
    Vec<tokio::task::JoinHandle<tui::msg::Msg>>,
) {
    app.session.cache_key = Some((host.to_string(), account.to_string()));
    let env = |k: &str| std::env::var(k).ok();
    let Some(path) = tui::cache_path(profile, &env) else {
        return (None, Vec::new());
    };
    let (file, host, account) = (path.clone(), host.to_string(), account.to_string());
    let reading = tokio::task::spawn_blocking(move || {
        tui::msg::Msg::Cached(Box::new(tui::read_cache(Some(file), &host, &account)))
    });
    (Some(path), vec![reading])
}

/// The TUI for the configured profile; with no credentials anywhere, it opens on a login screen.
async fn run_tui(cli: &Cli) -> Result<(), CliError> {
    terminal_or_refuse()?;
    let exposed = warn_exposed();
    let resolved = cli::resolve_profile(cli)?;
    let keys = keymap(&resolved.keys)?;
    let profile = resolved.profile.clone();
    let zones = resolved.zones.clone();
    let mouse = resolved.mouse;
    let (mut app, executor, reading) = if resolved.has_credentials() {
        let env = |k: &str| std::env::var(k).ok();
        let acc = bsched::account::open(resolved, &env).map_err(CliError::Usage)?;
        acc.client.keep_session_alive(tui::KEEPALIVE_EVERY);
        let mut app = App::new(Session::for_client(&acc.client, &acc.label), keys);
        app.session.refresh = acc.refresh;
        app.session.ignore = acc.ignore;
        let (kept, reading) = open_cache(&mut app, &acc.profile, &acc.client.host(), &acc.label);
        let executor = Executor::new(Some(acc.client), Some(acc.journal)).with_cache(kept);
        (app, executor, reading)
    } else {
        let journal = cli::journal_for(&resolved.profile)?;
        let app = App::login_screen(resolved.client, keys);
        (app, Executor::new(None, Some(journal)), Vec::new())
    };
    let executor = executor.with_profiles(Profiles {
        config: cli.config.clone(),
        run_profile: cli.profile.clone(),
    });
    app.session.zones = zones;
    app.session.profile = profile;
    app.mouse = mouse;
    // The file was read once already to resolve the profile, so this cannot fail for a new
    // reason; without a file there is nothing to switch to.
    app.session.profiles = config::profile_names(cli.config.as_deref()).unwrap_or_default();
    show_exposed(&mut app, exposed);
    tui_on(app, executor, reading).await
}

async fn run_demo(cli: &Cli, reset: bool) -> Result<(), CliError> {
    terminal_or_refuse()?;
    let exposed = warn_exposed();
    let dir = config::data_dir()
        .ok_or_else(|| CliError::Usage("cannot find a data directory for the demo".into()))?;
    let opts = emulator::Options {
        state_file: Some(dir.join("demo-state.json")),
        reset,
        ..emulator::Options::default()
    };
    let emu = Emulator::start(opts).await.map_err(CliError::Usage)?;
    // Key overrides still come from the user's config file, if there is one.
    let env = |k: &str| std::env::var(k).ok();
    let (keys, zones, mouse) = match config::resolve(cli.config.as_deref(), None, &env) {
        Ok(r) => (keymap(&r.keys)?, r.zones, r.mouse),
        Err(_) => (Keymap::default(), Default::default(), true),
    };
    let mut cfg = ClientConfig::new(checked_url(&emu.url())?);
    cfg.username = Some(emulator::DEMO_USER.into());
    cfg.password = Some(Secret::new(emulator::DEMO_PASSWORD));
    let client = Client::new(cfg)?;
    client.keep_session_alive(tui::KEEPALIVE_EVERY);
    let mut app = App::new(Session::for_client(&client, emulator::DEMO_USER), keys);
    app.session.profile = "demo".into();
    app.mouse = mouse;
    // The emulator runs schedules at +03:00 whatever the profile says.
    app.session.zones = bsched::domain::timing::Zones {
        server: emulator::backups::zone(),
        ..zones
    };
    let journal = bsched::journal::Journal::at(dir.join("demo-journal.jsonl"), "demo");
    // The demo's emulator listens on a new port each run: its fleet is kept under its name.
    let (kept, reading) = open_cache(&mut app, "demo", "bsched demo", emulator::DEMO_USER);
    show_exposed(&mut app, exposed);
    tui_on(
        app,
        Executor::new(Some(client), Some(journal)).with_cache(kept),
        reading,
    )
    .await
}

async fn run_emulator(args: &EmulatorArgs) -> Result<(), CliError> {
    let fail_with = Fault::parse(&args.fail_with).ok_or_else(|| {
        CliError::Usage(format!(
            "unknown fault '{}'; use 500, 502, 503, 403, 460, html, malformed, empty, reset or runningoperation",
            args.fail_with
        ))
    })?;
    for (flag, rate) in [
        ("--fail-rate", args.fail_rate),
        ("--skip-backups", args.skip_backups),
    ] {
        if !(0.0..=1.0).contains(&rate) {
            return Err(CliError::Usage(format!("{flag} must be between 0 and 1")));
        }
    }
    let opts = emulator::Options {
        listen: args.listen,
        state_file: args.state.clone(),
        seed: args.seed,
        reset: args.reset,
        session_ttl: Duration::from_secs(args.session_ttl),
        latency_ms: args.latency_ms,
        fail_rate: args.fail_rate,
        fail_with: Some(fail_with),
        allow_remote: args.allow_remote,
        skip_backups: args.skip_backups,
        parallel_sessions: args.parallel_sessions,
        create_returns_id: args.create_returns_id,
        normalize: args.normalize,
        login_limit_per_minute: args.login_limit,
        odd_answers: emulator::OddAnswers::default(),
    };
    let emu = Emulator::start(opts).await.map_err(CliError::Usage)?;
    println!("bsched emulator serving {}", emu.url());
    println!(
        "login: {} / {}   (two-factor account: {} / {}, code {})",
        emulator::DEMO_USER,
        emulator::DEMO_PASSWORD,
        emulator::DEMO_TOTP_USER,
        emulator::DEMO_PASSWORD,
        emulator::DEMO_TOTP_CODE
    );
    println!("Press Ctrl+C to stop.");
    let _ = std::io::stdout().flush();
    let _ = tokio::signal::ctrl_c().await;
    Ok(())
}
