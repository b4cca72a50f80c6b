//! BILLmanager's paging, with its state on the server.
//!
//! - `p_num` is remembered per (session, function): a list request without `p_num` (or with
//!   one that is not a page number) is served the page that session last asked of that
//!   function, not page 1. The schedule lists of two servers share one memory, as they share
//!   one function.
//! - `p_cnt` is remembered per (user, function), a rows-per-page preference that outlives the
//!   session that set it.
//! - A page past the end is served as the last page, and `p_num` says which page it is.
//! - Every list answer carries `p_cnt`, `p_num` and `p_elems` as `{"$": "N"}`, and `elem` is
//!   always an array (no `elem` key when the page is empty).

use serde_json::{Map, Value};

use super::answer::{DEFAULT_PAGE, Params, t};
use super::world::World;

impl World {
    /// One page of `items` for the list function `func`, as BILLmanager pages.
    pub(super) fn page(
        &mut self,
        p: &Params,
        user: &str,
        func: &str,
        items: Vec<Value>,
    ) -> Map<String, Value> {
        let size_key = (user.to_string(), func.to_string());
        if let Some(cnt) = p.filled("p_cnt").and_then(|c| c.parse::<usize>().ok()) {
            self.page_size.insert(size_key.clone(), cnt.max(1));
        }
        let size = self
            .page_size
            .get(&size_key)
            .copied()
            .unwrap_or(DEFAULT_PAGE);
        let num_key = (p.get("auth").unwrap_or("").to_string(), func.to_string());
        let asked = p
            .filled("p_num")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| *n >= 1);
        let wanted = asked
            .or_else(|| self.page_num.get(&num_key).copied())
            .unwrap_or(1);
        let total = items.len();
        let last = total.div_ceil(size).max(1);
        let num = wanted.min(last);
        self.page_num.insert(num_key, num);
        let page: Vec<Value> = items
            .into_iter()
            .skip((num - 1).saturating_mul(size))
            .take(size)
            .collect();
        let mut m = Map::new();
        m.insert("p_cnt".into(), t(size.to_string()));
        m.insert("p_num".into(), t(num.to_string()));
        m.insert("p_elems".into(), t(total.to_string()));
        if !page.is_empty() {
            m.insert("elem".into(), Value::Array(page));
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::emulator::Data;

    fn params(pairs: &[(&str, &str)]) -> Params {
        Params(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    fn items(n: usize) -> Vec<Value> {
        (0..n).map(|i| t(i.to_string())).collect()
    }

    fn num(m: &Map<String, Value>) -> &str {
        m["p_num"]["$"].as_str().unwrap_or("")
    }

    #[test]
    fn the_page_is_remembered_per_session_and_function() {
        let mut w = World::new(Data::empty(), Duration::from_secs(60), None);
        let a = params(&[("auth", "A"), ("p_num", "2"), ("p_cnt", "3")]);
        assert_eq!(num(&w.page(&a, "u", "f", items(10))), "2");
        let again = w.page(&params(&[("auth", "A")]), "u", "f", items(10));
        assert_eq!(num(&again), "2", "no p_num: the remembered page");
        assert_eq!(again["p_cnt"]["$"], "3");
        assert_eq!(again["elem"][0]["$"], "3");
        assert_eq!(
            num(&w.page(&params(&[("auth", "B")]), "u", "f", items(10))),
            "1"
        );
        assert_eq!(
            num(&w.page(&params(&[("auth", "A")]), "u", "g", items(10))),
            "1"
        );
        let garbage = params(&[("auth", "A"), ("p_num", "0")]);
        assert_eq!(num(&w.page(&garbage, "u", "f", items(10))), "2");
    }

    #[test]
    fn a_page_past_the_end_is_the_last_page_and_says_so() {
        let mut w = World::new(Data::empty(), Duration::from_secs(60), None);
        let m = w.page(
            &params(&[("auth", "A"), ("p_num", "9")]),
            "u",
            "f",
            items(12),
        );
        assert_eq!(num(&m), "2");
        assert_eq!(m["elem"].as_array().map(Vec::len), Some(2));
        let one = w.page(
            &params(&[("auth", "A"), ("p_cnt", "5")]),
            "u",
            "h",
            items(1),
        );
        assert!(one["elem"].is_array(), "one element is still an array");
        let none = w.page(&params(&[("auth", "A")]), "u", "i", items(0));
        assert!(none.get("elem").is_none());
        assert_eq!(num(&none), "1");
    }
}
