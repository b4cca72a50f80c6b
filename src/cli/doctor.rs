//! `bsched doctor`: checks a real account step by step and says what works, one line per
//! check, so a user can send a useful report. It only reads; nothing on the account changes.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use serde_json::Value;

use super::args::Cli;
use super::context::resolve_profile;
use super::error::{CliError, EXIT_FOUND};
use crate::api::{ApiError, Client, PAGE_SIZE, doc};
use crate::sanitize::for_terminal;

/// How one check ended.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Ok,
    Note,
    Fail,
}

struct Report<'a> {
    out: &'a mut dyn Write,
    first_failure: Option<(String, i32)>,
}

impl Report<'_> {
    fn line(
        &mut self,
        verdict: Verdict,
        check: &str,
        detail: &str,
        ms: Option<u128>,
    ) -> Result<(), CliError> {
        let mark = match verdict {
            Verdict::Ok => "ok  ",
            Verdict::Note => "note",
            Verdict::Fail => "FAIL",
        };
        let time = ms.map(|m| format!(" ({m} ms)")).unwrap_or_default();
        writeln!(
            self.out,
            "{mark}  {check:<16} {}{time}",
            for_terminal(detail)
        )
        .map_err(|e| CliError::writing(&e, "the report"))?;
        if verdict == Verdict::Fail && self.first_failure.is_none() {
            self.first_failure = Some((check.to_string(), EXIT_FOUND));
        }
        Ok(())
    }

    fn fail(&mut self, check: &str, e: &ApiError, ms: Option<u128>) -> Result<(), CliError> {
        self.line(Verdict::Fail, check, &e.to_string(), ms)?;
        if let Some(f) = self.first_failure.as_mut().filter(|f| f.0 == check) {
            f.1 = CliError::Api(e.clone()).exit_code();
        }
        Ok(())
    }
}

/// What an answer looks like: how `elem` comes, whether raw `$orig` values appear.
fn shape((doc, array): &(Value, Option<bool>)) -> String {
    let elem = match array {
        None => "no elem (empty list)",
        Some(true) => "elem is an array",
        Some(false) => "elem is an object",
    };
    let orig = if doc.to_string().contains("\"$orig\"") {
        "$orig present"
    } else {
        "no $orig"
    };
    let paging = match (doc::paging(doc), doc::paging_size(doc)) {
        ((Some(n), Some(t)), Some(c)) => format!("page {n} of size {c}, {t} in all"),
        _ => "no paging fields".into(),
    };
    format!("{elem}, {orig}, {paging}")
}

fn first_elem(doc: &Value) -> Option<&Value> {
    doc::elems(doc).into_iter().next()
}

fn date_form(text: &str) -> &'static str {
    let t = text.trim();
    if t.is_empty() {
        "absent"
    } else if t.len() == 10 {
        "date only"
    } else if t.len() == 19 {
        "date and time"
    } else {
        "another form"
    }
}

/// Runs every check; exit 0 when all pass, else the first failing check is named.
pub async fn doctor(cli: &Cli, trace: Option<&Path>, out: &mut dyn Write) -> Result<(), CliError> {
    let resolved = resolve_profile(cli)?;
    let cfg = resolved.client.clone();
    let mut r = Report {
        out,
        first_failure: None,
    };
    let url = cfg.url.clone();
    let host = url.host_str().unwrap_or("").to_string();
    let port = url.port_or_known_default().unwrap_or(443);
    let t = Instant::now();
    match tokio::net::lookup_host((host.as_str(), port)).await {
        Ok(addrs) => {
            let n = addrs.count();
            r.line(
                Verdict::Ok,
                "address",
                &format!("{url} resolves to {n} address(es)"),
                Some(t.elapsed().as_millis()),
            )?;
        }
        Err(e) => {
            r.line(
                Verdict::Fail,
                "address",
                &format!("{host} does not resolve ({e})"),
                None,
            )?;
            return finish(r);
        }
    }
    let client = Client::new(cfg.clone())?;
    if let Some(path) = trace {
        client.trace_to(path).map_err(|e| {
            CliError::Usage(format!("cannot write the trace to {}: {e}", path.display()))
        })?;
    }
    // Session reuse, then login only if needed.
    let mut logged_in = false;
    if client.has_session().await {
        let t = Instant::now();
        match client.needs_totp().await {
            Ok(false) if client.logins() == 0 => {
                r.line(
                    Verdict::Ok,
                    "session reuse",
                    "the kept session was accepted; no login sent",
                    Some(t.elapsed().as_millis()),
                )?;
                logged_in = true;
            }
            Ok(false) => {
                r.line(
                    Verdict::Note,
                    "session reuse",
                    "no kept session was usable; logged in",
                    Some(t.elapsed().as_millis()),
                )?;
                logged_in = true;
            }
            Ok(true) => {
                r.line(
                    Verdict::Fail,
                    "session reuse",
                    "the kept session waits for a one-time code: run `bsched login`",
                    None,
                )?;
                return finish(r);
            }
            // `auth` on another function than `auth` means the same (api.md 8a.9).
            Err(e) if e.is_access() || matches!(e, ApiError::Auth(_)) => {
                r.line(
                    Verdict::Note,
                    "session reuse",
                    "the kept session has expired; logging in",
                    Some(t.elapsed().as_millis()),
                )?;
            }
            Err(e) => {
                r.fail("session reuse", &e, Some(t.elapsed().as_millis()))?;
                return finish(r);
            }
        }
    } else {
        r.line(
            Verdict::Note,
            "session reuse",
            "no session is kept for this profile yet",
            None,
        )?;
    }
    if !logged_in {
        if !cfg.can_login() {
            r.line(Verdict::Fail, "login", "no username and password (or password_command) to log in with; set them or run `bsched login`", None)?;
            return finish(r);
        }
        let t = Instant::now();
        match client.login_checking_totp().await {
            Ok(false) => r.line(
                Verdict::Ok,
                "login",
                "logged in; two-factor is off",
                Some(t.elapsed().as_millis()),
            )?,
            Ok(true) => {
                r.line(Verdict::Fail, "login", "logged in, but two-factor is on: run `bsched login` (it asks for the code), then doctor again", Some(t.elapsed().as_millis()))?;
                return finish(r);
            }
            Err(e) => {
                r.fail("login", &e, Some(t.elapsed().as_millis()))?;
                return finish(r);
            }
        }
    }
    let page = [("p_num", "1".to_string()), ("p_cnt", PAGE_SIZE.to_string())];
    let t = Instant::now();
    let servers_doc = match client.call_with_shape("instances", &page).await {
        Ok(d) => d,
        Err(e) => {
            r.fail("servers", &e, Some(t.elapsed().as_millis()))?;
            return finish(r);
        }
    };
    let ms = t.elapsed().as_millis();
    r.line(
        Verdict::Ok,
        "servers answer",
        &shape(&servers_doc),
        Some(ms),
    )?;
    let t = Instant::now();
    let servers = match client.instances().await {
        Ok(s) => s,
        Err(e) => {
            r.fail("servers", &e, Some(t.elapsed().as_millis()))?;
            return finish(r);
        }
    };
    r.line(
        Verdict::Ok,
        "servers",
        &format!("{} server(s) listed, every page", servers.len()),
        Some(t.elapsed().as_millis()),
    )?;
    let t = Instant::now();
    match client.panel_filter().await {
        Ok(f) if f.is_empty() => r.line(
            Verdict::Ok,
            "panel filter",
            "off",
            Some(t.elapsed().as_millis()),
        )?,
        Ok(f) => r.line(
            Verdict::Note,
            "panel filter",
            &crate::api::panel_filter_note(&f),
            Some(t.elapsed().as_millis()),
        )?,
        Err(e) => r.line(
            Verdict::Note,
            "panel filter",
            &format!("could not be read ({e})"),
            Some(t.elapsed().as_millis()),
        )?,
    }
    if let Some(server) = servers.first() {
        let elid = [("elid", server.id.to_string())];
        let params: Vec<(&str, String)> =
            elid.iter().cloned().chain(page.iter().cloned()).collect();
        let t = Instant::now();
        match client
            .call_with_shape("instances.fleio_bckps.schedule", &params)
            .await
        {
            Ok(d) => {
                let ms = t.elapsed().as_millis();
                let created = first_elem(&d.0)
                    .map(|e| date_form(doc::field_or_empty(e, "create_date")))
                    .unwrap_or("no schedule to look at");
                let retention = match doc::field(&d.0, "backup_rotation") {
                    Some(n) => format!("retention {n}"),
                    None => "no retention field".into(),
                };
                r.line(
                    Verdict::Ok,
                    "schedules",
                    &format!(
                        "server {}: {}, create_date {created}, {retention}",
                        server.id,
                        shape(&d)
                    ),
                    Some(ms),
                )?;
            }
            Err(e) => r.fail("schedules", &e, Some(t.elapsed().as_millis()))?,
        }
        let t = Instant::now();
        match client
            .call_with_shape("instances.fleio_bckps", &params)
            .await
        {
            Ok(d) => {
                let ms = t.elapsed().as_millis();
                let created = first_elem(&d.0)
                    .map(|e| date_form(doc::field_or_empty(e, "createdate")))
                    .unwrap_or("no backup to look at");
                r.line(
                    Verdict::Ok,
                    "backups",
                    &format!("server {}: {}, createdate {created}", server.id, shape(&d)),
                    Some(ms),
                )?;
            }
            Err(e) => r.fail("backups", &e, Some(t.elapsed().as_millis()))?,
        }
    } else {
        r.line(
            Verdict::Note,
            "schedules",
            "no server to read schedules and backups of",
            None,
        )?;
    }
    let t = Instant::now();
    match client.probe_parallel().await {
        Ok(true) => r.line(Verdict::Ok, "parallel", "a second request of one session is refused (\"request in process\"): keep concurrency = 1", Some(t.elapsed().as_millis()))?,
        Ok(false) => r.line(Verdict::Note, "parallel", "no overlapping request of one session was refused in three tries, which proves little (they rarely overlap); keep concurrency = 1", Some(t.elapsed().as_millis()))?,
        Err(e) => r.fail("parallel", &e, Some(t.elapsed().as_millis()))?,
    }
    r.line(
        Verdict::Note,
        "logins",
        &format!("{} login(s) sent by this check", client.logins()),
        None,
    )?;
    finish(r)
}

fn finish(r: Report<'_>) -> Result<(), CliError> {
    match r.first_failure {
        None => Ok(()),
        Some((check, code)) => Err(CliError::Failed {
            message: format!("doctor: the check '{check}' failed"),
            code,
        }),
    }
}
