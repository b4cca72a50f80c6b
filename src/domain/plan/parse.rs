//! Reading a plan file whole: errors lead with the line, a server named twice is refused, and
//! so are two schedules of one server whose names could not both be applied.

use serde::Deserialize;

use super::format::{Plan, PlanError, PlanFormat, PlanSchedule};

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The line of each schedule's `name`, per server in plan order (empty when unknown).
fn name_lines(text: &str, format: PlanFormat) -> Vec<Vec<usize>> {
    match format {
        PlanFormat::Toml => toml_name_lines(text),
        PlanFormat::Json => json_name_lines(text),
    }
}

fn toml_name_lines(text: &str) -> Vec<Vec<usize>> {
    #[derive(Deserialize)]
    struct Sched {
        name: toml::Spanned<String>,
    }
    #[derive(Deserialize)]
    struct Server {
        #[serde(default, rename = "schedule", alias = "schedules")]
        schedules: Vec<Sched>,
    }
    #[derive(Deserialize)]
    struct Doc {
        #[serde(default, rename = "server", alias = "servers")]
        servers: Vec<Server>,
    }
    toml::from_str::<Doc>(text)
        .map(|d| {
            d.servers
                .iter()
                .map(|s| {
                    s.schedules
                        .iter()
                        .map(|x| line_of(text, x.name.span().start))
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Walks JSON that parsed already and finds the line of every `"name"` key in a schedule
/// object: an object inside an array inside a server object inside the root's array.
fn json_name_lines(text: &str) -> Vec<Vec<usize>> {
    let bytes = text.as_bytes();
    let mut out: Vec<Vec<usize>> = Vec::new();
    // Open containers: b'{' or b'['; for objects, whether the next string is a key.
    let mut stack: Vec<(u8, bool)> = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => line += 1,
            b'{' => {
                stack.push((b'{', true));
                if stack.len() == 3 {
                    out.push(Vec::new());
                }
            }
            b'[' => stack.push((b'[', false)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => {
                if let Some((b'{', expect_key)) = stack.last_mut() {
                    *expect_key = true;
                }
            }
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let raw = text.get(start..=i.min(bytes.len() - 1)).unwrap_or("");
                if let Some((b'{', expect_key)) = stack.last_mut()
                    && *expect_key
                {
                    *expect_key = false;
                    if stack.len() == 5
                        && serde_json::from_str::<String>(raw).is_ok_and(|k| k == "name")
                        && let Some(server) = out.last_mut()
                    {
                        server.push(line);
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

impl Plan {
    /// Reads a plan. Errors name the line (and the field, in the message).
    pub fn parse(text: &str, format: PlanFormat) -> Result<Plan, PlanError> {
        let plan: Plan = match format {
            PlanFormat::Toml => toml::from_str(text).map_err(|e| {
                let msg = e.message().trim().to_string();
                PlanError(match e.span() {
                    Some(span) => format!("line {}: {msg}", line_of(text, span.start)),
                    None => msg,
                })
            })?,
            PlanFormat::Json => serde_json::from_str(text).map_err(|e| {
                let msg = e.to_string();
                // serde_json ends its message with "at line L column C"; lead with the line.
                match msg.rsplit_once(" at line ") {
                    Some((m, pos)) => {
                        let line = pos.split_whitespace().next().unwrap_or("?");
                        PlanError(format!("line {line}: {m}"))
                    }
                    None => PlanError(msg),
                }
            })?,
        };
        plan.check()?;
        plan.check_names(|| name_lines(text, format))?;
        Ok(plan)
    }

    /// Checks what one entry cannot: no server twice.
    fn check(&self) -> Result<(), PlanError> {
        let mut seen = std::collections::HashSet::new();
        for s in &self.servers {
            if !seen.insert(s.id) {
                return Err(PlanError(format!("server {} is in the plan twice", s.id)));
            }
        }
        Ok(())
    }

    /// Refuses two schedules of one server whose names differ only in case or surrounding
    /// space: names are how a plan is matched to the account, so only one of them could ever
    /// be applied. `lines` gives each schedule's line, per server, when the format can tell.
    fn check_names(&self, lines: impl FnOnce() -> Vec<Vec<usize>>) -> Result<(), PlanError> {
        let key = |s: &PlanSchedule| s.name.as_str().trim().to_lowercase();
        for (si, server) in self.servers.iter().enumerate() {
            for (j, b) in server.schedules.iter().enumerate() {
                let Some(i) = server.schedules[..j].iter().position(|a| key(a) == key(b)) else {
                    continue;
                };
                let lines = lines();
                let at = |k: usize| lines.get(si).and_then(|l| l.get(k)).copied();
                let a = &server.schedules[i];
                let place = match (at(i), at(j)) {
                    (Some(x), Some(y)) => format!("line {x} and line {y}"),
                    _ => format!("schedules {} and {} of server {}", i + 1, j + 1, server.id),
                };
                return Err(PlanError(format!(
                    "{place}: server {} has two schedules named '{}' and '{}' (names are matched ignoring case, so only one could be applied); rename or remove one",
                    server.id,
                    a.name.as_str(),
                    b.name.as_str()
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_schedules_with_one_name_on_a_server_are_refused_with_both_lines() {
        let toml = "server_timezone = \"+03:00\"\n[[server]]\nid = 1\n[[server.schedule]]\nname = \"Nightly\"\ndays = \"mon\"\ntime = \"02:00\"\n[[server.schedule]]\nname = \"weekly\"\ndays = \"sun\"\ntime = \"03:00\"\n[[server.schedule]]\nname = \"nightly \"\ndays = \"tue\"\ntime = \"04:00\"\n";
        let e = Plan::parse(toml, PlanFormat::Toml).expect_err("refused");
        assert!(e.0.starts_with("line 5 and line 13: server 1"), "{e}");
        assert!(e.0.contains("'Nightly' and 'nightly'"), "{e}");

        let json = "{\"server_timezone\": \"+03:00\",\n \"servers\": [\n  {\"id\": 2, \"name\": \"nightly\", \"schedules\": [{\"name\": \"a\", \"days\": \"mon\", \"time\": \"01:00\"}]},\n  {\"id\": 1, \"name\": \"web\", \"schedules\": [\n   {\"name\": \"NIGHTLY\", \"days\": [\"mon\"], \"time\": \"02:00\"},\n   {\"days\": \"tue\", \"time\": \"03:00\",\n    \"name\": \"nightly\"}]}]}";
        let e = Plan::parse(json, PlanFormat::Json).expect_err("refused");
        assert!(e.0.starts_with("line 5 and line 7: server 1"), "{e}");

        // The same name on two servers is fine.
        let ok = "server_timezone = \"+03:00\"\n[[server]]\nid = 1\n[[server.schedule]]\nname = \"n\"\ndays = \"mon\"\ntime = \"02:00\"\n[[server]]\nid = 2\n[[server.schedule]]\nname = \"N\"\ndays = \"mon\"\ntime = \"02:00\"\n";
        assert!(Plan::parse(ok, PlanFormat::Toml).is_ok());
    }

    #[test]
    fn day_numbers_get_the_same_sentence_as_text_or_list() {
        let toml = |days: &str| {
            format!(
                "server_timezone = \"+03:00\"\n[[server]]\nid = 1\n[[server.schedule]]\nname = \"n\"\ndays = {days}\ntime = \"02:00\"\n"
            )
        };
        for days in ["\"1-5\"", "[1, 2, 3]", "[\"mon\", 2]", "3"] {
            let e = Plan::parse(&toml(days), PlanFormat::Toml).expect_err(days);
            assert!(e.0.starts_with("line 6: "), "{days}: {e}");
            assert!(
                e.0.contains("day numbers are ambiguous (0-6 or 1-7?)"),
                "{days}: {e}"
            );
            assert!(!e.0.contains("variant"), "{days}: {e}");
        }
        let json = "{\"server_timezone\": \"+03:00\", \"servers\": [{\"id\": 1, \"schedules\": [\n{\"name\": \"n\", \"days\": [1, 2, 3], \"time\": \"02:00\"}]}]}";
        let e = Plan::parse(json, PlanFormat::Json).expect_err("numbers");
        assert!(e.0.contains("day numbers are ambiguous"), "{e}");
        assert!(e.0.starts_with("line 2: "), "{e}");
        // Neither text nor a list: one plain sentence.
        let e = Plan::parse(&toml("true"), PlanFormat::Toml).expect_err("a boolean");
        assert!(
            e.0.contains("expected days as text, like \"mon-fri\""),
            "{e}"
        );
        // Names still read, as text or a list.
        assert!(Plan::parse(&toml("[\"mon\", \"tue\"]"), PlanFormat::Toml).is_ok());
        assert!(Plan::parse(&toml("\"sat,sun\""), PlanFormat::Toml).is_ok());
    }
}
