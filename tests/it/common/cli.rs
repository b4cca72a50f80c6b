//! Running the real binary: a clean environment in a temporary home.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use bsched::emulator::{DEMO_PASSWORD, DEMO_USER};

/// What a run of the binary printed and how it ended.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// `bsched` with an empty environment, its config and data under `home`, no stdin.
pub fn base(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bsched"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .stdin(Stdio::null());
    cmd
}

pub fn finish(out: Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A home that lasts across runs (its journal, its config), logged in to one emulator.
pub struct Home {
    pub dir: tempfile::TempDir,
    pub env: Vec<(String, String)>,
}

impl Home {
    pub fn for_url(url: &str) -> Home {
        Home {
            dir: tempfile::tempdir().unwrap(),
            env: vec![
                ("BSCHED_URL".into(), url.into()),
                ("BSCHED_USERNAME".into(), DEMO_USER.into()),
                ("BSCHED_PASSWORD".into(), DEMO_PASSWORD.into()),
            ],
        }
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let mut cmd = base(self.dir.path());
        cmd.envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .args(args);
        finish(cmd.output().unwrap())
    }

    pub fn write(&self, name: &str, text: &str) -> std::path::PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}
