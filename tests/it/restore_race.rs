//! Two restores of one deleted schedule at the same moment (two `bsched restore` processes,
//! or the TUI's `u` and a command): the journal's restore lock makes the second wait for the
//! first and then find the schedule there, so exactly one is created. The real binary
//! against an emulator on 127.0.0.1, behind a proxy that holds the first restore's create.

use crate::common;
use crate::support::proxy;

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bsched::ops::RESTORE_WAITS;
use common::Background;
use common::cli::{Home, Run, base, finish};
use proxy::Proxy;

const WEB1: u64 = 5_203_770; // "nightly" 301, Mon-Fri 02:01
const CREATE: &str = "instances.fleio_bckps.schedule.edit";

/// The generous bound for anything to happen on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(120);

fn command(home: &Home, args: &[&str]) -> Command {
    let mut cmd = base(home.dir.path());
    cmd.envs(home.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// A running process whose stderr is collected as it comes.
struct Watched {
    child: Child,
    stderr: Arc<Mutex<String>>,
    reader: std::thread::JoinHandle<()>,
}

impl Watched {
    fn spawn(mut cmd: Command) -> Watched {
        let mut child = cmd.spawn().expect("spawn");
        let mut pipe = child.stderr.take().expect("stderr");
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 1024];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Watched {
            child,
            stderr,
            reader,
        }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn ended(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_some()
    }

    /// Waits for the end, killing it (and failing) past `PATIENCE`.
    fn wait(mut self, what: &str) -> Run {
        let start = Instant::now();
        while !self.ended() {
            if start.elapsed() > PATIENCE {
                let _ = self.child.kill();
                panic!("{what} did not end; stderr: {}", self.stderr());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let out = self.child.wait_with_output().expect("output");
        let _ = self.reader.join();
        let mut run = finish(out);
        run.stderr = self.stderr.lock().unwrap().clone();
        run
    }
}

fn schedules(bg: &Background, instance: u64) -> Vec<(u64, String)> {
    bg.emu.with(|w| {
        w.data
            .schedules
            .iter()
            .filter(|s| s.instance_id == instance)
            .map(|s| (s.id, s.name.clone()))
            .collect()
    })
}

#[test]
fn two_restores_at_once_create_one_schedule() {
    let bg = Background::start();
    let proxy = Proxy::start(&bg.emu.url());
    let home = Home::for_url(&proxy.url());
    let rm = home.run(&[
        "schedules",
        "rm",
        "--instance",
        &WEB1.to_string(),
        "--id",
        "301",
        "--yes",
    ]);
    assert_eq!(rm.code, 0, "{}", rm.stderr);
    assert!(schedules(&bg, WEB1).is_empty());

    // The first restore has listed (nothing there) and sent its create, which the proxy
    // holds: this is the moment a second restore could find the schedule missing too.
    let held = proxy.hold(CREATE);
    let first = Watched::spawn(command(&home, &["restore", "1"]));
    held.wait_arrived();
    let mut second = Watched::spawn(command(&home, &["restore", "1"]));
    // The second either says it waits for the first, or (without a lock) runs to its end.
    let start = Instant::now();
    while !second.stderr().contains(RESTORE_WAITS) && !second.ended() {
        assert!(
            start.elapsed() < PATIENCE,
            "the second restore neither waited nor ended: {}",
            second.stderr()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    held.release();
    let first = first.wait("the first restore");
    let second = second.wait("the second restore");
    let now = schedules(&bg, WEB1);
    assert_eq!(now.len(), 1, "exactly one schedule: {now:?}");
    assert_eq!(now[0].1, "nightly");
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stdout.contains("Restored 'nightly'"),
        "{}",
        first.stdout
    );
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(second.stderr.contains(RESTORE_WAITS), "{}", second.stderr);
    assert!(
        second
            .stdout
            .contains("'nightly' (Mon-Fri 02:01) is already on server"),
        "{}",
        second.stdout
    );
    assert!(
        second.stdout.contains("nothing was sent"),
        "{}",
        second.stdout
    );
}
