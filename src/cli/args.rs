//! The clap definitions of the command line (the CLI contract).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::domain::RETENTION_RANGE;
use crate::emulator::Seed;

/// [`RETENTION_RANGE`] as clap's range check takes it.
fn retention_bounds() -> std::ops::RangeInclusive<i64> {
    i64::from(*RETENTION_RANGE.start())..=i64::from(*RETENTION_RANGE.end())
}

/// Backup schedules of Cloud VPS servers on the Zomro BILLmanager API.
#[derive(Debug, Parser)]
#[command(
    name = "bsched",
    version,
    propagate_version = true,
    about,
    long_about = None,
    after_help = EXIT_STATUSES
)]
pub struct Cli {
    /// Config file (default: the user's config directory, bsched/config.toml).
    #[arg(long, global = true, env = "BSCHED_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Profile of the config file to use.
    #[arg(long, global = true, env = "BSCHED_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,
    /// Never shorten a table to fit the terminal (tables are shortened only on a terminal).
    #[arg(long, global = true)]
    pub wide: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The exit statuses, as `--help` lists them.
pub const EXIT_STATUSES: &str = "\
Exit status:
  0    success
  1    a check found something (backups --check, lint)
  2    bad usage or input (an unknown or ambiguous server or schedule name); nothing was changed
  3    the API refused
  4    authentication failed
  5    network error, timeout, unreadable answer, or a change whose result is unknown
  6    the output could not be written (a full disk, a closed output); a change stands
  130  interrupted by Ctrl+C
  141  the reader of the output went away (a broken pipe); nothing is printed";

/// A server or a schedule as the user names it: a number is an id, anything else a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An id.
    Id(u64),
    /// A name, to be looked up.
    Name(String),
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Id(id) => write!(f, "{id}"),
            Target::Name(n) => write!(f, "'{}'", crate::sanitize::for_terminal(n)),
        }
    }
}

/// Reads an `--instance` or a schedule's `--id`: digits are an id, other text is a name.
fn target(s: &str) -> Result<Target, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("give an id or a name".into());
    }
    if t.bytes().all(|b| b.is_ascii_digit()) {
        return t
            .parse()
            .map(Target::Id)
            .map_err(|_| "the id is too large".into());
    }
    Ok(Target::Name(t.to_string()))
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the account's servers.
    Instances {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// List, add, edit or remove a server's backup schedules.
    Schedules {
        /// The schedules command.
        #[command(subcommand)]
        cmd: SchedulesCmd,
    },
    /// Show or set how many scheduled backups a server keeps (1-10).
    Retention {
        /// Server id or name.
        #[arg(long, value_name = "ID|NAME", value_parser = target)]
        instance: Target,
        /// New number of backups to keep, 1-10.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(retention_bounds()))]
        set: Option<u8>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The fleet's next backups, soonest first, in your time zone.
    Upcoming {
        /// How far ahead to look, in hours (1-720).
        #[arg(long, default_value_t = 24, value_name = "H", value_parser = clap::value_parser!(u32).range(1..=720))]
        hours: u32,
        /// Print JSON (with a 7 x 24 heat map of the coming week).
        #[arg(long)]
        json: bool,
        /// Cover every profile of the config file that has credentials.
        #[arg(long)]
        all_profiles: bool,
    },
    /// Write every server's schedules as a plan file (days as names, times with their zone).
    Export {
        /// toml (default) or json.
        #[arg(long, default_value = "toml", value_name = "FORMAT")]
        format: String,
    },
    /// Make the account match a plan file: show the diff, then apply it on confirmation.
    Apply {
        /// The plan file (.toml or .json); `-` reads it from standard input (TOML, or JSON when
        /// it starts with `{`).
        #[arg(short = 'f', long = "file", value_name = "PLAN")]
        file: PathBuf,
        /// Show the diff and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Also delete, on the servers the plan lists, the schedules it does not name.
        #[arg(long)]
        prune: bool,
        /// Apply without asking.
        #[arg(long)]
        yes: bool,
    },
    /// The journal of changes bsched made (newest last).
    Log {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Show the newest N entries (0: every entry).
        #[arg(long, default_value_t = 50, value_name = "N")]
        limit: usize,
    },
    /// Create again a schedule that a journal entry deleted.
    Restore {
        /// The journal entry (see `bsched log`).
        entry: u64,
    },
    /// Find duplicate schedules and schedules that start within a few minutes of each other.
    Lint {
        /// Minutes within which two starts on a server count as overlapping.
        #[arg(long, default_value_t = 15, value_name = "MIN")]
        within: u16,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Whether schedules produce backups: each server's last scheduled backup, with missed
    /// runs and unprotected servers flagged; with --instance, that server's backups.
    Backups {
        /// List this server's backups instead (an id or a name).
        #[arg(long, value_name = "ID|NAME", value_parser = target)]
        instance: Option<Target>,
        /// Exit with status 1 when a server missed a backup or has no schedule.
        #[arg(long)]
        check: bool,
        /// With --check: print only the servers with a problem (nothing when all is well).
        #[arg(long, short, requires = "check")]
        quiet: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Log in (asking for the password and, for a two-factor account, the code) and keep the
    /// session for the next commands; the route for two-factor accounts.
    Login,
    /// End the kept session on the server and forget it.
    Logout,
    /// Check a real account step by step (address, login, session reuse, every read, answer
    /// shapes, timings, parallel requests) and print one verdict per check; changes nothing.
    Doctor {
        /// Write every request and answer to FILE, with the password and session ids removed.
        #[arg(long, value_name = "FILE")]
        trace: Option<PathBuf>,
    },
    /// Print a shell completion script (e.g. `bsched completions bash > ~/.local/share/bash-completion/completions/bsched`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff; e.g. `bsched man | man -l -`).
    Man,
    /// Run the local API emulator (for trying bsched and for tests).
    Emulator(EmulatorArgs),
    /// Open the TUI on a built-in emulator with a demo fleet (changes are kept between runs).
    Demo {
        /// Start again from the demo data.
        #[arg(long)]
        reset: bool,
    },
}

/// `bsched schedules …`
#[derive(Debug, Subcommand)]
pub enum SchedulesCmd {
    /// List a server's schedules.
    List {
        /// Server id or name.
        #[arg(long, value_name = "ID|NAME", value_parser = target)]
        instance: Target,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Add a schedule to a server.
    Add {
        /// Server id or name.
        #[arg(long, value_name = "ID|NAME", value_parser = target)]
        instance: Target,
        /// Schedule name (1-100 characters).
        #[arg(long)]
        name: String,
        /// Days: mon-fri, sat,sun, daily, weekdays, weekends, mon,wed,fri …
        #[arg(long)]
        days: String,
        /// Start time, HH:MM (in the server's time zone).
        #[arg(long, value_name = "HH:MM")]
        time: String,
        /// Print the resulting schedule as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Change a schedule; fields not given keep their value.
    Edit {
        /// Server id or name.
        #[arg(long, value_name = "ID|NAME", value_parser = target)]
        instance: Target,
        /// Schedule id, or its name on that server.
        #[arg(long, value_name = "ID|NAME", value_parser = target)]
        id: Target,
        /// New name.
        #[arg(long)]
        name: Option<String>,
        /// New days.
        #[arg(long)]
        days: Option<String>,
        /// New start time, HH:MM.
        #[arg(long, value_name = "HH:MM")]
        time: Option<String>,
        /// Print the resulting schedule as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove a schedule (asks first unless --yes).
    Rm {
        /// Schedule id, or its name on the server given with --instance.
        #[arg(long, value_name = "ID|NAME", value_parser = target)]
        id: Target,
        /// Server id or name (lets bsched show what it deletes and check the result).
        #[arg(long, value_name = "ID|NAME", value_parser = target)]
        instance: Option<Target>,
        /// Do not ask.
        #[arg(long, short)]
        yes: bool,
    },
}

/// `bsched emulator …`
#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8765")]
    pub listen: SocketAddr,
    /// State file (loaded if it exists, else created from the seed).
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Data to start with when there is no state file.
    #[arg(long, value_enum, default_value = "demo")]
    pub seed: Seed,
    /// Start from the seed even if the state file exists.
    #[arg(long)]
    pub reset: bool,
    /// Latency added to every request, in milliseconds.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub latency_ms: u64,
    /// Session lifetime after the last request, in seconds (short values test expiry).
    #[arg(long, default_value_t = 3600, value_name = "SECS")]
    pub session_ttl: u64,
    /// Share of requests (0-1) that fail with --fail-with.
    #[arg(long, default_value_t = 0.0, value_name = "RATE")]
    pub fail_rate: f64,
    /// How failing requests fail: 500, 502, 503, 403, 460, html, malformed, empty, reset, runningoperation.
    #[arg(long, default_value = "503", value_name = "FAULT")]
    pub fail_with: String,
    /// Share of scheduled runs (0-1) that leave no backup, so "missed" can be seen.
    #[arg(long, default_value_t = 0.0, value_name = "RATE")]
    pub skip_backups: f64,
    /// Allow listening on an address that is not loopback.
    #[arg(long)]
    pub allow_remote: bool,
    /// Serve overlapping requests of one session (the real server refuses the second one).
    #[arg(long)]
    pub parallel_sessions: bool,
    /// Answer a schedule create with the new schedule's id (the real answer is unverified).
    #[arg(long)]
    pub create_returns_id: bool,
    /// Store times as H:MM and names with spaces collapsed, so listings differ from what was sent.
    #[arg(long)]
    pub normalize: bool,
    /// Refuse a user's logins with "blocked for 20 seconds" after N logins within a minute.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub login_limit: Option<u32>,
}
