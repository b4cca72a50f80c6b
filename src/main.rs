//! The `bsched` binary: parse arguments, pick a front end, map errors to exit codes.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, Parser};

use bsched::cli::{self, Cli, CliError, Command, EmulatorArgs};
use bsched::emulator::{self, Emulator, Fault};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
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
            None => {
                let _ = Cli::command().print_help();
                Ok(())
            }
            Some(_) => {
                let mut stdout = std::io::stdout().lock();
                let r = cli::run(&cli, &mut stdout).await;
                let _ = stdout.flush();
                r
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

/// Diagnostics go to stderr only when `BSCHED_LOG` asks for them (e.g. `BSCHED_LOG=debug`).
fn init_logging() {
    if let Ok(filter) = std::env::var("BSCHED_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_writer(std::io::stderr)
            .try_init();
    }
}

async fn run_emulator(args: &EmulatorArgs) -> Result<(), CliError> {
    let fail_with = Fault::parse(&args.fail_with).ok_or_else(|| {
        CliError::Usage(format!(
            "unknown fault '{}'; use 500, 502, 503, 403, 460, html, malformed, empty or runningoperation",
            args.fail_with
        ))
    })?;
    if !(0.0..=1.0).contains(&args.fail_rate) {
        return Err(CliError::Usage(
            "--fail-rate must be between 0 and 1".into(),
        ));
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
