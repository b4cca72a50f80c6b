//! The one queue every schedule and backup load goes through. The API serves a session one
//! request at a time, so the order is what the user feels: loads asked for by an action come
//! first, then the selected server, then the rows around it, then the rest in the background.
//! The order is decided each time a request can be sent, so moving the selection changes it at
//! once. Only as many loads are sent as the client runs at a time; the rest wait here, where
//! they can still be reordered.
//!
//! A read that fails for a reason that may pass (a timeout, a 5xx, a cut connection, the
//! API's "request in process") is tried again by itself, after [`BACKOFF`]: the time is the
//! app's clock, checked at each message (ticks included), never a sleep. After the last try
//! the error stays on screen until the user refreshes.
//!
//! When reads keep failing everywhere (the API is down), retrying every one of them would
//! multiply the load on it: after [`BRAKE_AFTER`] failures of different reads in a row, with
//! no success between, only the selected server's reads are retried, until a read succeeds or
//! the user refreshes.

use std::collections::{HashMap, HashSet};

use crate::domain::InstanceId;
use crate::tui::msg::ReqId;

/// Rows on either side of the selection that count as on screen.
pub const WINDOW: usize = 40;

/// Seconds between a failure and the next try: three retries, then the error stays until a
/// refresh.
pub const BACKOFF: [i64; 3] = [2, 8, 30];

/// Failures of different reads in a row (no success between) after which only the selected
/// server's reads are retried.
pub const BRAKE_AFTER: usize = 5;

/// A read that failed, and when it is tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// Failures in a row.
    pub failures: u8,
    /// When the next try is sent (None: sent already, or no more tries).
    pub at: Option<jiff::Timestamp>,
    /// Whether no more tries come (the last one failed, or the error will not pass by itself).
    pub gave_up: bool,
    /// Whether its wait is over but it is held back, reads failing everywhere (see
    /// [`BRAKE_AFTER`]): it goes when the brake is released or its server is selected.
    pub held: bool,
}

/// What a load reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// The server's schedules (and retention).
    Schedules,
    /// The server's backups.
    Backups,
}

impl Kind {
    /// What a load of this kind reads, as a sentence names it ("could not load schedules").
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Schedules => crate::tui::text::THE_SCHEDULES,
            Kind::Backups => crate::tui::text::THE_BACKUPS,
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// How a refresh of the whole fleet is going, for the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    /// Servers in it.
    pub servers: usize,
    /// Servers whose loads all answered.
    pub servers_done: usize,
    /// Loads in it, and how many answered.
    pub loads: usize,
    /// Loads that answered.
    pub loads_done: usize,
    /// When it started.
    pub started: jiff::Timestamp,
    /// Loads still to answer, per server (one bit per [`Kind`]).
    left: HashMap<InstanceId, u8>,
}

impl Round {
    /// The time left at the pace so far (None until one load answered).
    pub fn eta(&self, now: jiff::Timestamp) -> Option<jiff::SignedDuration> {
        if self.loads_done == 0 {
            return None;
        }
        let spent = now.duration_since(self.started);
        let each = spent / self.loads_done as i32;
        let left = self.loads.saturating_sub(self.loads_done);
        Some(each * i32::try_from(left).unwrap_or(i32::MAX))
    }
}

/// Where a load not asked for by an action comes in the order (lower first): the selected
/// server, then the rows within [`WINDOW`] of it by distance, then the schedules of the other
/// shown servers in list order, then their backups, then servers the filter hides.
pub fn rank(
    positions: &HashMap<InstanceId, usize>,
    selected: usize,
    id: InstanceId,
    kind: Kind,
) -> u64 {
    let k = kind as u64;
    match positions.get(&id) {
        Some(&p) if p == selected => k,
        Some(&p) if p.abs_diff(selected) <= WINDOW => 10 + 2 * p.abs_diff(selected) as u64 + k,
        Some(&p) => (1 + k) * (1 << 32) + p as u64,
        None => (3 + k) * (1 << 32),
    }
}

/// A load waiting to be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Waiting {
    /// Asked for by an action (a refresh, a write's check): before everything else.
    urgent: bool,
    /// Order of arrival, among the urgent ones.
    seq: u64,
}

/// The queue: loads waiting, loads on their way.
#[derive(Debug, Default)]
pub struct LoadQueue {
    waiting: HashMap<(InstanceId, Kind), Waiting>,
    in_flight: HashMap<ReqId, (InstanceId, Kind)>,
    seq: u64,
    /// Reads that failed: their next try.
    retries: HashMap<(InstanceId, Kind), Retry>,
    /// The reads that failed (with an error that may pass) since the last success.
    failing: HashSet<(InstanceId, Kind)>,
    /// Whether only the selected server's reads are retried (see [`BRAKE_AFTER`]).
    braked: bool,
    /// The refresh of the whole fleet under way.
    pub round: Option<Round>,
}

impl LoadQueue {
    /// Asks for a load. A load already waiting is not asked twice (an urgent ask makes it
    /// urgent); one on its way is asked again only when urgent, since its answer may be older
    /// than what the ask needs (a write that just finished).
    pub fn ask(&mut self, id: InstanceId, kind: Kind, urgent: bool) {
        if !urgent && self.in_flight.values().any(|k| *k == (id, kind)) {
            return;
        }
        self.seq += 1;
        let seq = self.seq;
        let w = self
            .waiting
            .entry((id, kind))
            .or_insert(Waiting { urgent, seq });
        if urgent && !w.urgent {
            *w = Waiting { urgent, seq };
        }
    }

    /// Notes that a read failed at `now`; `passing` says whether its error may pass by itself.
    /// It is tried again after the next wait of [`BACKOFF`], unless all were used up. Says
    /// what comes next.
    pub fn failed(
        &mut self,
        id: InstanceId,
        kind: Kind,
        now: jiff::Timestamp,
        passing: bool,
    ) -> Retry {
        let r = self.retries.entry((id, kind)).or_insert(Retry {
            failures: 0,
            at: None,
            gave_up: false,
            held: false,
        });
        r.failures = r.failures.saturating_add(1);
        let wait = BACKOFF.get(usize::from(r.failures) - 1).filter(|_| passing);
        r.at = wait.and_then(|s| now.checked_add(jiff::SignedDuration::from_secs(*s)).ok());
        r.gave_up = r.at.is_none();
        r.held = false;
        let r = *r;
        if passing {
            self.failing.insert((id, kind));
            self.braked |= self.failing.len() >= BRAKE_AFTER;
        }
        r
    }

    /// Notes that a read succeeded: its failures are forgotten, and every failed read is
    /// retried again.
    pub fn succeeded(&mut self, id: InstanceId, kind: Kind) {
        self.retries.remove(&(id, kind));
        self.release();
    }

    /// Whether reads keep failing, so that only the selected server's are retried.
    pub fn braked(&self) -> bool {
        self.braked
    }

    /// Retries every failed read again (a success, or the user's refresh).
    pub fn release(&mut self) {
        self.failing.clear();
        self.braked = false;
        for r in self.retries.values_mut() {
            r.held = false;
        }
    }

    /// A failed read's state, while it has not succeeded since.
    pub fn retry(&self, id: InstanceId, kind: Kind) -> Option<Retry> {
        self.retries.get(&(id, kind)).copied()
    }

    /// Whether a failed read waits for its next try (the clock must keep ticking); one held
    /// back by the brake waits for a key or an answer, not the clock.
    pub fn retrying(&self) -> bool {
        self.retries.values().any(|r| r.at.is_some() && !r.held)
    }

    /// Puts the failed reads whose wait is over at `now` back in the queue: while
    /// [`braked`](Self::braked), only those of the `selected` server (the others wait, due,
    /// until the brake is released or their server is selected).
    pub fn wake(&mut self, now: jiff::Timestamp, selected: Option<InstanceId>) {
        let braked = self.braked;
        let mut due = Vec::new();
        for ((id, kind), r) in self.retries.iter_mut() {
            if r.at.is_none_or(|at| at > now) {
                continue;
            }
            if braked && selected != Some(*id) {
                r.held = true;
                continue;
            }
            r.at = None;
            r.held = false;
            due.push((*id, *kind));
        }
        for (id, kind) in due {
            self.ask(id, kind, false);
        }
    }

    /// Starts a refresh of the whole fleet: these loads, counted for the header. Failed reads
    /// start again with all their tries.
    pub fn start_round(&mut self, loads: &[(InstanceId, Kind)], now: jiff::Timestamp) {
        self.retries.clear();
        self.release();
        let mut left: HashMap<InstanceId, u8> = HashMap::new();
        for (id, kind) in loads {
            self.ask(*id, *kind, false);
            *left.entry(*id).or_default() |= kind.bit();
        }
        let count = left.values().map(|b| b.count_ones() as usize).sum();
        self.round = (count > 0).then_some(Round {
            servers: left.len(),
            servers_done: 0,
            loads: count,
            loads_done: 0,
            started: now,
            left,
        });
    }

    /// Whether anything waits or is on its way.
    pub fn busy(&self) -> bool {
        !self.waiting.is_empty() || !self.in_flight.is_empty()
    }

    /// Whether a load of this server's `kind` waits or is on its way.
    pub fn pending(&self, id: InstanceId, kind: Kind) -> bool {
        self.waiting.contains_key(&(id, kind)) || self.in_flight.values().any(|k| *k == (id, kind))
    }

    /// Whether another load can be sent now.
    pub fn has_room(&self, limit: usize) -> bool {
        !self.waiting.is_empty() && self.in_flight.len() < limit.max(1)
    }

    /// Takes the load to send next. `rank` orders the ones not asked for by an action (lower
    /// first); it is asked for each waiting load, so it must be cheap.
    pub fn next(&mut self, rank: impl Fn(InstanceId, Kind) -> u64) -> Option<(InstanceId, Kind)> {
        let key = self
            .waiting
            .iter()
            .min_by_key(|((id, kind), w)| match w.urgent {
                true => (0, w.seq, 0),
                false => (1, rank(*id, *kind), w.seq),
            })
            .map(|(k, _)| *k)?;
        self.waiting.remove(&key);
        Some(key)
    }

    /// Notes a load sent with request `req`.
    pub fn sent(&mut self, req: ReqId, id: InstanceId, kind: Kind) {
        self.in_flight.insert(req, (id, kind));
    }

    /// Notes the answer to `req` (whatever it said). Says whether the queue had sent it.
    pub fn answered(&mut self, req: ReqId) -> bool {
        let Some((id, kind)) = self.in_flight.remove(&req) else {
            return false;
        };
        // Only the round's own load of each kind counts (a retry or an urgent ask of the
        // same read is not a second one).
        if let Some(round) = &mut self.round
            && let Some(n) = round.left.get_mut(&id)
            && *n & kind.bit() != 0
        {
            round.loads_done += 1;
            *n &= !kind.bit();
            if *n == 0 {
                round.left.remove(&id);
                round.servers_done += 1;
            }
        }
        if self.round.as_ref().is_some_and(|r| r.left.is_empty()) || !self.busy() {
            self.round = None;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urgent_loads_go_first_in_order_then_by_rank() {
        let mut q = LoadQueue::default();
        q.ask(1, Kind::Schedules, false);
        q.ask(2, Kind::Schedules, false);
        q.ask(3, Kind::Backups, true);
        q.ask(4, Kind::Schedules, true);
        q.ask(1, Kind::Schedules, true); // made urgent, after 3 and 4
        let rank = |id: InstanceId, _| 100 - id;
        let order: Vec<_> = std::iter::from_fn(|| q.next(rank))
            .map(|(id, _)| id)
            .collect();
        assert_eq!(order, vec![3, 4, 1, 2]);
    }

    #[test]
    fn a_load_on_its_way_is_asked_again_only_when_urgent() {
        let mut q = LoadQueue::default();
        q.ask(7, Kind::Schedules, false);
        let (id, kind) = q.next(|_, _| 0).unwrap();
        q.sent(1, id, kind);
        q.ask(7, Kind::Schedules, false);
        assert!(!q.has_room(5), "nothing new waits");
        q.ask(7, Kind::Schedules, true);
        assert!(q.has_room(5));
        assert!(!q.has_room(1), "one on its way fills a limit of one");
    }

    #[test]
    fn a_round_counts_servers_whose_loads_all_answered() {
        let now = jiff::Timestamp::UNIX_EPOCH;
        let mut q = LoadQueue::default();
        q.start_round(
            &[
                (1, Kind::Schedules),
                (1, Kind::Backups),
                (2, Kind::Schedules),
            ],
            now,
        );
        let mut req = 0;
        let mut answer = |q: &mut LoadQueue| {
            let (id, kind) = q.next(|id, k| id * 10 + k as u64).unwrap();
            req += 1;
            q.sent(req, id, kind);
            q.answered(req);
        };
        answer(&mut q);
        let r = q.round.clone().unwrap();
        assert_eq!((r.servers_done, r.loads_done), (0, 1));
        assert_eq!(
            r.eta(now + jiff::SignedDuration::from_secs(1)),
            Some(jiff::SignedDuration::from_secs(2))
        );
        answer(&mut q);
        assert_eq!(q.round.as_ref().unwrap().servers_done, 1);
        answer(&mut q);
        assert!(q.round.is_none(), "a finished round is over");
        assert!(!q.busy());
    }

    #[test]
    fn a_failed_read_is_tried_again_after_2_8_30_seconds_then_left_until_a_refresh() {
        let t0 = jiff::Timestamp::UNIX_EPOCH;
        let at = |s: i64| t0 + jiff::SignedDuration::from_secs(s);
        let mut q = LoadQueue::default();
        let mut now = 0;
        let mut req = 0;
        for wait in BACKOFF {
            let r = q.failed(7, Kind::Schedules, at(now), true);
            assert_eq!(r.at, Some(at(now + wait)));
            assert!(q.retrying());
            q.wake(at(now + wait - 1), None);
            assert!(!q.has_room(1), "not before {wait}s");
            now += wait;
            q.wake(at(now), None);
            assert_eq!(q.next(|_, _| 0), Some((7, Kind::Schedules)));
            req += 1;
            q.sent(req, 7, Kind::Schedules);
            q.answered(req);
        }
        let r = q.failed(7, Kind::Schedules, at(now), true);
        assert!(r.gave_up && r.at.is_none() && r.failures == 4, "{r:?}");
        assert!(!q.retrying());
        q.wake(at(now + 3600), None);
        assert!(!q.busy(), "nothing more is sent");
        // A refresh of the whole fleet starts it again with every try.
        q.start_round(&[(7, Kind::Schedules)], at(now));
        assert_eq!(q.retry(7, Kind::Schedules), None);
        // An error that will not pass is not tried again; a success forgets the failures.
        assert!(q.failed(8, Kind::Backups, t0, false).gave_up);
        q.failed(9, Kind::Backups, t0, true);
        q.succeeded(9, Kind::Backups);
        assert_eq!(q.retry(9, Kind::Backups), None);
    }

    #[test]
    fn a_second_read_of_the_same_list_counts_once_in_a_round() {
        let now = jiff::Timestamp::UNIX_EPOCH;
        let mut q = LoadQueue::default();
        q.start_round(&[(1, Kind::Schedules), (1, Kind::Backups)], now);
        let (id, kind) = q.next(|_, k| k as u64).unwrap();
        assert_eq!((id, kind), (1, Kind::Schedules));
        q.sent(1, id, kind);
        q.answered(1);
        // The same read again (a retry, an urgent ask) before the backups answered.
        q.ask(1, Kind::Schedules, true);
        let (id, kind) = q.next(|_, _| 0).unwrap();
        assert_eq!(kind, Kind::Schedules);
        q.sent(2, id, kind);
        q.answered(2);
        let r = q.round.clone().expect("the backups are still to come");
        assert_eq!((r.loads_done, r.servers_done), (1, 0));
    }

    #[test]
    fn reads_failing_everywhere_are_retried_only_for_the_selected_server() {
        let t0 = jiff::Timestamp::UNIX_EPOCH;
        let later = t0 + jiff::SignedDuration::from_secs(60);
        let mut q = LoadQueue::default();
        // Four different reads failing, or one read failing again and again, is no brake.
        for _ in 0..3 {
            q.failed(1, Kind::Schedules, t0, true);
        }
        for id in 2..=4 {
            q.failed(id, Kind::Backups, t0, true);
        }
        assert!(!q.braked());
        // A refusal does not count: it is not retried anyway.
        q.failed(9, Kind::Schedules, t0, false);
        assert!(!q.braked());
        q.failed(5, Kind::Schedules, t0, true);
        assert!(q.braked(), "five different reads failed in a row");
        q.wake(later, Some(3));
        assert_eq!(
            q.next(|_, _| 0),
            Some((3, Kind::Backups)),
            "the selected one"
        );
        assert_eq!(q.next(|_, _| 0), None, "and only it");
        assert!(
            !q.retrying(),
            "the held ones wait for a key or an answer, not the clock"
        );
        assert!(q.retry(1, Kind::Schedules).unwrap().held);
        // A success anywhere releases the brake: every due read goes again.
        q.succeeded(3, Kind::Backups);
        assert!(!q.braked());
        q.wake(later, Some(3));
        let mut woken: Vec<_> = std::iter::from_fn(|| q.next(|_, _| 0)).collect();
        woken.sort();
        assert_eq!(
            woken,
            vec![
                (1, Kind::Schedules),
                (2, Kind::Backups),
                (4, Kind::Backups),
                (5, Kind::Schedules)
            ]
        );
        // So does a refresh.
        for id in 10..15 {
            q.failed(id, Kind::Schedules, t0, true);
        }
        assert!(q.braked());
        q.release();
        assert!(!q.braked());
    }
}
