//! The emulator's BILLmanager functions: one step from a request's parameters to its `$`
//! document, over the emulator's world. The dispatcher, sessions and login live here; lists,
//! writes, paging, the panel's filter and login limits have their own files, below this one.

use std::time::Instant;

use serde_json::{Map, Value, json};

use super::answer::{Answer, Params, err, ok, t, with_tparams};
use super::world::{Session, World};

fn access_denied() -> Value {
    err(
        "access",
        "",
        "Insufficient privileges to perform this function",
    )
}

fn new_token() -> String {
    let mut b = [0u8; 12];
    if getrandom::fill(&mut b).is_err() {
        // No OS randomness: fall back to the clock; the emulator's tokens guard nothing real.
        let n = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        b.copy_from_slice(&n.to_le_bytes()[..12]);
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

impl World {
    /// Handles one request and returns its whole JSON answer.
    pub fn respond(&mut self, p: &Params) -> Value {
        let func = p.get("func").unwrap_or("").to_string();
        let answer = self.dispatch(&func, p);
        let doc = match answer {
            Ok(m) => m,
            Err(e) => {
                let mut m = Map::new();
                m.insert("error".into(), e);
                m
            }
        };
        with_tparams(doc, p)
    }

    fn dispatch(&mut self, func: &str, p: &Params) -> Answer {
        if func == "auth" {
            return self.auth(p);
        }
        let user = self.check_session(func, p)?;
        match func {
            "whoami" => self.whoami(p),
            "totp.confirm" => self.totp_confirm(p, &user),
            // check_session has refreshed the session already.
            "keepalive" => ok(),
            "logon" => {
                if let Some(tok) = p.get("auth") {
                    self.sessions.remove(tok);
                }
                ok()
            }
            "instances" => self.instances(p, &user),
            "instances.filter" => self.instances_filter(p, &user),
            "instances.edit" => self.instance_edit(p),
            "instances.fleio_bckps" => self.backups(p, &user),
            "instances.fleio_bckps.schedule" => self.schedules(p, &user),
            "instances.fleio_bckps.schedule.edit" => self.schedule_edit(p),
            "instances.fleio_bckps.schedule.delete" => self.schedule_delete(p),
            "" => Err(err("missed", "func", "No function given")),
            other => Err(err(
                "missed",
                "func",
                &format!("Function {other} not found"),
            )),
        }
    }

    fn auth(&mut self, p: &Params) -> Answer {
        let (name, pass) = (
            p.get("username").unwrap_or(""),
            p.get("password").unwrap_or(""),
        );
        self.check_login_limit(name)?;
        let Some(user) = self
            .data
            .users
            .iter()
            .find(|u| u.username.eq_ignore_ascii_case(name.trim()) && u.password == pass)
        else {
            return Err(err("auth", "badpassword", "Invalid username or password"));
        };
        let token = new_token();
        self.sessions.insert(
            token.clone(),
            Session {
                user: user.username.clone(),
                last_used: Instant::now(),
                totp_pending: user.totp.is_some(),
            },
        );
        let mut m = Map::new();
        m.insert(
            "auth".into(),
            json!({"$id": token, "$level": "16", "$": token}),
        );
        Ok(m)
    }

    fn check_session(&mut self, func: &str, p: &Params) -> Result<String, Value> {
        let tok = p.get("auth").unwrap_or("");
        let ttl = self.session_ttl;
        let Some(s) = self.sessions.get_mut(tok) else {
            return Err(access_denied());
        };
        if s.last_used.elapsed() > ttl {
            self.sessions.remove(tok);
            return Err(access_denied());
        }
        s.last_used = Instant::now();
        if s.totp_pending && !matches!(func, "whoami" | "totp.confirm" | "logon") {
            return Err(access_denied());
        }
        Ok(s.user.clone())
    }

    fn whoami(&self, p: &Params) -> Answer {
        let pending = p
            .get("auth")
            .and_then(|t| self.sessions.get(t))
            .is_some_and(|s| s.totp_pending);
        let mut m = Map::new();
        m.insert(
            "ok".into(),
            if pending {
                t("func=totp.confirm")
            } else {
                json!({})
            },
        );
        Ok(m)
    }

    fn totp_confirm(&mut self, p: &Params, user: &str) -> Answer {
        let code = self
            .data
            .users
            .iter()
            .find(|u| u.username == user)
            .and_then(|u| u.totp.clone());
        if p.get("sok") != Some("ok") || code.is_none() {
            return ok();
        }
        if p.get("qrcode").map(str::trim) != code.as_deref() {
            return Err(err("value", "qrcode", "Invalid confirmation code"));
        }
        if let Some(old) = p.get("auth") {
            self.sessions.remove(old);
        }
        let token = new_token();
        self.sessions.insert(
            token.clone(),
            Session {
                user: user.to_string(),
                last_used: Instant::now(),
                totp_pending: false,
            },
        );
        let mut m = Map::new();
        m.insert("auth".into(), json!({"$id": token, "$": token}));
        Ok(m)
    }
}
