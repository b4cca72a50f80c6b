//! Switching profiles (`P`): which profile comes next, what the screen keeps to go back to,
//! and the login a profile asks for first (a code, or credentials it does not have).

use super::login;
use super::{App, Fleet, Panes};
use crate::tui::layers::login::Previous;
use crate::tui::msg::{Cmd, SessionInfo};
use crate::tui::text;

/// Where a profile switch stands.
#[derive(Debug, Default)]
pub struct Switching {
    /// The profile the last `P` asked for, until the executor answers.
    target: Option<String>,
    /// The profile last left by a failed switch (or by Esc on its login screen): the next `P`
    /// moves past it, so that every profile stays reachable.
    pub(crate) passed: Option<String>,
    /// The screen before the switch, kept until the new profile's server list first arrives:
    /// when its kept session turns out to have ended, the login screen opens and Esc there goes
    /// back to it.
    pub(crate) back: Option<Box<Previous>>,
}

impl App {
    /// `P`: opens the profile after the current one, or after the one a switch last failed on.
    pub(super) fn next_profile(&mut self) -> Vec<Cmd> {
        let profiles = &self.model.session.profiles;
        if profiles.len() < 2 {
            self.model.notify(text::ONLY_ONE_PROFILE, true);
            return Vec::new();
        }
        let current = &self.model.session.profile;
        let from = self
            .switching
            .passed
            .as_ref()
            .filter(|p| profiles.contains(p))
            .unwrap_or(current);
        let n = profiles.len();
        let mut i = profiles
            .iter()
            .position(|p| p == from)
            .map_or(0, |i| (i + 1) % n);
        if profiles[i] == *current {
            i = (i + 1) % n;
        }
        let next = profiles[i].clone();
        self.model.notify(text::opening_profile(&next), false);
        self.switching.target = Some(next.clone());
        let from = self.model.session.profile.clone();
        vec![Cmd::SwitchProfile { name: next, from }]
    }

    /// Leaves the current account for another profile's (the executor has switched already).
    pub(super) fn on_switched(&mut self, result: Result<SessionInfo, String>) -> Vec<Cmd> {
        let info = match result {
            Ok(info) => info,
            Err(e) => {
                let target = self.switching.target.take();
                self.model
                    .notify(text::cannot_switch(target.as_deref(), &e), true);
                // The next `P` tries the profile after it.
                self.switching.passed = target;
                return Vec::new();
            }
        };
        let needs_code = info.needs_code;
        let previous = self.enter_profile(info);
        // An account that asks for a code first: the screen before goes with the login screen.
        if needs_code {
            login::ask_code_after_switch(self, previous);
            return Vec::new();
        }
        // Its kept session may have ended: the screen before is kept until the servers load.
        self.switching.back = Some(Box::new(previous));
        vec![self.model.load_servers()]
    }

    /// A profile without credentials: the login screen asks for them (URL and username from
    /// the profile), for this session only; Esc goes back to the profile before.
    pub(super) fn on_switched_to_login(&mut self, info: SessionInfo) -> Vec<Cmd> {
        let previous = self.enter_profile(info);
        login::ask_login_after_switch(self, previous);
        Vec::new()
    }

    /// Puts the new profile's labels on screen, with nothing of the old account: its servers,
    /// marks, plans and pending deletes go into what is returned, to go back to.
    fn enter_profile(&mut self, info: SessionInfo) -> Previous {
        self.switching.target = None;
        self.switching.passed = None;
        self.switching.back = None;
        let previous = Previous::take(&mut self.model, &mut self.layers);
        let session = &mut self.model.session;
        session.account = info.account;
        session.host = info.host;
        session.profile = info.profile;
        session.zones = info.zones;
        session.refresh = info.refresh;
        session.ignore = info.ignore;
        session.cache_key = info.cache_key;
        session.settings = Some(info.settings);
        self.model.fleet = Fleet::default();
        self.model.panes = Panes::default();
        self.model.undo = None;
        if let Some(cache) = info.cached {
            self.model.show_cached(*cache);
        }
        match info.cache_error {
            Some(e) => self.model.notify(e, true),
            None => self.model.notify(
                text::switched(&self.model.session.profile, &self.model.session.account),
                false,
            ),
        }
        previous
    }
}
