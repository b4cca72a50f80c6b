//! The last-known fleet: shown at start from the cache, and kept in it when new answers
//! arrived.

use super::Model;
use crate::tui::msg::Cmd;

impl Model {
    /// Shows the last-known fleet at once, marked as cached with its age; the loads that
    /// follow correct every row as its answer arrives.
    /// Anything read afresh already stays: the cache only fills what is not there yet.
    pub fn show_cached(&mut self, cache: crate::cache::FleetCache) {
        if self.fleet.servers.list.is_some() {
            return;
        }
        let seen = cache.saved;
        self.fleet.servers.fill_from_cache(cache.servers, seen);
        for (id, list) in cache.schedules {
            let e = self.fleet.schedules.entry(id).or_default();
            e.fill_from_cache(list, seen);
        }
        for (id, list) in cache.backups {
            let e = self.fleet.backups.entry(id).or_default();
            e.fill_from_cache(list, seen);
        }
        self.refilter();
        self.fleet.arrived();
        self.fleet.saved_version = self.fleet.data_version;
    }

    /// The command that keeps the fleet in the cache, when something new arrived since the
    /// last one. Its save time is the oldest of what it holds, so its age is never understated.
    pub(crate) fn save_cache(&mut self) -> Option<Cmd> {
        let (host, account) = self.session.cache_key.clone()?;
        if self.fleet.saved_version == self.fleet.data_version
            || !self.fleet.servers_loaded()
            || self.fleet.servers.cached
        {
            return None;
        }
        self.fleet.saved_version = self.fleet.data_version;
        let mut cache = crate::cache::FleetCache::new(&host, &account);
        let mut oldest = self.fleet.servers.updated.unwrap_or(self.now);
        cache.servers = self.fleet.servers().to_vec();
        for s in &cache.servers {
            if let Some(l) = self.fleet.schedules.get(&s.id)
                && let Some(list) = &l.list
            {
                oldest = oldest.min(l.updated.unwrap_or(oldest));
                cache.schedules.insert(s.id, list.clone());
            }
            if let Some(l) = self.fleet.backups.get(&s.id)
                && let Some(list) = &l.list
            {
                oldest = oldest.min(l.updated.unwrap_or(oldest));
                cache.backups.insert(s.id, newest_of_each_kind(list));
            }
        }
        cache.saved = oldest;
        Some(Cmd::SaveCache {
            cache: Box::new(cache),
        })
    }
}

/// What the cache keeps of a server's backups: the newest of each kind, all a row needs to
/// judge its protection (the list itself is read afresh when shown), so the cache stays small
/// and quick to read at start.
fn newest_of_each_kind(
    list: &[crate::domain::backups::Backup],
) -> Vec<crate::domain::backups::Backup> {
    let mut newest: Vec<crate::domain::backups::Backup> = Vec::new();
    for b in list {
        match newest.iter_mut().find(|n| n.kind == b.kind) {
            Some(n) if n.created < b.created => *n = b.clone(),
            Some(_) => {}
            None => newest.push(b.clone()),
        }
    }
    newest
}
