//! The order of the server list, and Tab completion of the filter's words.

use super::{KEYS, State};

/// Completes the filter's last word (Tab while the filter is typed): a key's beginning to the
/// key (`st` → `state:`), a value's beginning to the first value it begins (`state:u` →
/// `state:unprotected`), and a whole value to the next one, so that Tab again cycles. Values of
/// `dc:` and `status:` come from `dcs` and `statuses` (the servers'), in their order; a value
/// the filter cannot spell is not offered (one holding a double quote: the filter's words have
/// no escape for it; or a control or bidi character). None when there is nothing to complete.
pub fn complete(text: &str, dcs: &[String], statuses: &[String]) -> Option<String> {
    let start = text
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let (head, last) = text.split_at(start);
    if last.is_empty() {
        return None;
    }
    let done = match last.split_once(':') {
        None => {
            let l = last.to_ascii_lowercase();
            let key = KEYS.iter().find(|k| k.starts_with(&l))?;
            format!("{key}:")
        }
        Some((key, value)) => {
            let key = key.to_ascii_lowercase();
            let values: Vec<String> = match key.as_str() {
                "state" => State::ALL.iter().map(|s| s.word().to_string()).collect(),
                "dc" => distinct(dcs),
                "status" => distinct(statuses),
                _ => return None,
            };
            let v = value.to_lowercase();
            let pos = values.iter().position(|x| x.to_lowercase() == v);
            let next = match pos {
                Some(i) if !values.is_empty() => &values[(i + 1) % values.len()],
                _ => values.iter().find(|x| x.to_lowercase().starts_with(&v))?,
            };
            let next = if next.contains(char::is_whitespace) {
                format!("\"{next}\"")
            } else {
                next.clone()
            };
            format!("{key}:{next}")
        }
    };
    (done != last).then(|| format!("{head}{done}"))
}

fn distinct(list: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for x in list {
        let x = x.trim();
        let spellable = !x.contains('"') && !x.chars().any(crate::sanitize::is_unsafe);
        if spellable && !x.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(x)) {
            out.push(x.to_string());
        }
    }
    out
}

/// The filter Tab fills in when the filter is empty: the servers without a schedule.
pub const PRESET: &str = "state:unprotected";

/// The order of the server list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// As the API lists them.
    #[default]
    Api,
    /// By name (any case), then id.
    Name,
    /// Soonest next run first; servers without one last.
    Next,
    /// Oldest last scheduled backup first (never backed up first of all); not yet known last.
    Backup,
    /// Most urgent state first: missed, unprotected, waiting, ok, ignored; not yet known last.
    State,
}

impl Sort {
    /// The next order of the cycle: API order, NAME, NEXT, BACKUP, STATE, API order again.
    pub fn next(self) -> Sort {
        match self {
            Sort::Api => Sort::Name,
            Sort::Name => Sort::Next,
            Sort::Next => Sort::Backup,
            Sort::Backup => Sort::State,
            Sort::State => Sort::Api,
        }
    }

    /// How the pane title names it (None for the API's order).
    pub fn label(self) -> Option<&'static str> {
        match self {
            Sort::Api => None,
            Sort::Name => Some("NAME"),
            Sort::Next => Some("NEXT"),
            Sort::Backup => Some("BACKUP"),
            Sort::State => Some("STATE"),
        }
    }

    /// Whether the order depends on loaded schedules and backups (and the clock).
    pub fn uses_data(self) -> bool {
        matches!(self, Sort::Next | Sort::Backup | Sort::State)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_completes_keys_and_cycles_values() {
        let dcs = vec![
            "Poland".to_string(),
            "Netherlands-2".into(),
            "poland".into(),
        ];
        let st = vec!["active".to_string(), "stopped".into()];
        let c = |t: &str| complete(t, &dcs, &st);
        assert_eq!(c("st").as_deref(), Some("state:"));
        assert_eq!(c("web sta").as_deref(), Some("web state:"));
        assert_eq!(c("stat").as_deref(), Some("state:"));
        assert_eq!(c("statu").as_deref(), Some("status:"));
        assert_eq!(c("d").as_deref(), Some("dc:"));
        assert_eq!(c("state:u").as_deref(), Some("state:unprotected"));
        assert_eq!(c("state:unprotected").as_deref(), Some("state:waiting"));
        assert_eq!(c("state:ignored").as_deref(), Some("state:missed"));
        assert_eq!(c("dc:p").as_deref(), Some("dc:Poland"));
        assert_eq!(c("dc:Poland").as_deref(), Some("dc:Netherlands-2"));
        assert_eq!(c("status:s").as_deref(), Some("status:stopped"));
        assert_eq!(c("state:zz"), None);
        assert_eq!(c("web "), None);
        assert_eq!(c(""), None);
        assert_eq!(c("xyz"), None);
    }

    #[test]
    fn values_the_filter_cannot_spell_are_not_offered() {
        let dcs = vec![
            "New York \"East\"".to_string(),
            "Ne\"wark".into(),
            "New\u{202e}port".into(),
            "New York".into(),
        ];
        let c = |t: &str| complete(t, &dcs, &[]);
        assert_eq!(c("dc:new").as_deref(), Some("dc:\"New York\""));
        assert_eq!(c("dc:New").as_deref(), Some("dc:\"New York\""));
        let quoted_only = vec!["New York \"East\"".to_string()];
        assert_eq!(complete("dc:N", &quoted_only, &[]), None);
        assert_eq!(complete("status:", &[], &quoted_only), None);
    }

    #[test]
    fn sort_cycles_through_every_order() {
        let mut s = Sort::default();
        let mut seen = Vec::new();
        for _ in 0..5 {
            s = s.next();
            seen.push(s.label());
        }
        assert_eq!(
            seen,
            vec![
                Some("NAME"),
                Some("NEXT"),
                Some("BACKUP"),
                Some("STATE"),
                None
            ]
        );
    }
}
