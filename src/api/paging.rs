//! Following a list across pages when the server keeps each session's page.
//!
//! BILLmanager remembers the last page a session asked of each list function and serves it
//! again when `p_num` is absent (api.md 8a.1), so every request names its page and its page
//! size. An answer for another page than asked means the server's state moved under us: the
//! walk starts again once, then fails. The walk is bounded by what the server claims, and a
//! server that repeats a page or claims an absurd count is stopped with a clear error.

use serde_json::Value;

use super::doc;
use super::{ApiError, Client};

/// Elements asked for per page unless the config says otherwise.
pub const PAGE_SIZE: u64 = 100;
/// A list claiming more elements than this is not believed.
pub const MAX_ELEMENTS: u64 = 100_000;

/// Why one walk over the pages did not give a whole list.
enum Broken {
    /// The server's paging moved (another page than asked, a changed count): worth one restart.
    Moved(String),
    /// Anything else: fail at once.
    Fatal(ApiError),
}

impl From<ApiError> for Broken {
    fn from(e: ApiError) -> Broken {
        Broken::Fatal(e)
    }
}

impl Client {
    /// Calls a list function and follows every page. Returns every element and the first
    /// page's document (for doc-level fields). Never returns part of a list as if it were whole.
    pub(super) async fn list_all(
        &self,
        func: &str,
        params: &[(&str, String)],
    ) -> Result<(Vec<Value>, Value), ApiError> {
        match self.walk(func, params).await {
            Ok(done) => Ok(done),
            Err(Broken::Fatal(e)) => Err(e),
            Err(Broken::Moved(why)) => {
                tracing::info!(func, why, "list changed while paging; starting again");
                self.walk(func, params).await.map_err(|b| match b {
                    Broken::Fatal(e) => e,
                    Broken::Moved(why) => ApiError::Malformed(format!(
                        "the server's list kept changing while it was read page by page ({why}); nothing partial is shown, try again"
                    )),
                })
            }
        }
    }

    async fn walk(
        &self,
        func: &str,
        params: &[(&str, String)],
    ) -> Result<(Vec<Value>, Value), Broken> {
        let mut all: Vec<Value> = Vec::new();
        let mut first_doc: Option<Value> = None;
        let mut claimed: Option<u64> = None;
        let mut last_ids: Option<Vec<String>> = None;
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut page: u64 = 1;
        let mut size: u64 = 0;
        loop {
            let mut p = params.to_vec();
            p.push(("p_num", page.to_string()));
            p.push(("p_cnt", self.page_size().to_string()));
            let mut doc = self.call(func, &p).await?;
            let (p_num, total) = doc::paging(&doc);
            if let Some(n) = p_num.filter(|n| *n != page) {
                return Err(Broken::Moved(format!(
                    "asked for page {page}, got page {n}"
                )));
            }
            if let Some(t) = total {
                if t > MAX_ELEMENTS {
                    return Err(Broken::Fatal(ApiError::Malformed(format!(
                        "the server claims {t} elements in one list, more than bsched believes ({MAX_ELEMENTS})"
                    ))));
                }
                if claimed.is_some_and(|c| c != t) {
                    return Err(Broken::Moved("the element count changed".into()));
                }
                claimed = Some(t);
            }
            let items = take_elems(&mut doc);
            let ids: Vec<String> = items
                .iter()
                .map(|e| doc::field_or_empty(e, "id").to_string())
                .collect();
            if !items.is_empty() && last_ids.as_ref() == Some(&ids) {
                return Err(Broken::Fatal(ApiError::Malformed(format!(
                    "the server answered page {page} with the same elements as page {}; stopped instead of reading forever",
                    page - 1
                ))));
            }
            // An element met twice: the list shifted under us (an insertion pushes the last
            // element of a page onto the next), or the server serves pages out of order.
            // Either way the pages do not make one list.
            if let Some(dup) = ids
                .iter()
                .filter(|id| !id.is_empty())
                .find(|id| !seen.insert((*id).clone()))
            {
                let dup: String = crate::sanitize::for_terminal(dup)
                    .chars()
                    .take(40)
                    .collect();
                return Err(Broken::Moved(format!(
                    "element {dup} came twice, the second time on page {page}"
                )));
            }
            // Each page is under the answer cap, but a server can send many: the whole list
            // is held to the same cap (its text, roughly), so memory stays bounded.
            size = size.saturating_add(items.iter().map(approx_size).sum::<u64>());
            if size > self.max_answer_bytes() {
                return Err(Broken::Fatal(ApiError::TooLarge(self.max_answer_bytes())));
            }
            let got = items.len() as u64;
            all.extend(items);
            if first_doc.is_none() {
                first_doc = Some(doc);
            }
            let Some(total) = claimed else {
                // A server that does not page: what came is the list.
                break;
            };
            if all.len() as u64 >= total {
                break;
            }
            if got == 0 {
                return Err(Broken::Moved(format!(
                    "page {page} was empty after {} of {total} elements",
                    all.len()
                )));
            }
            // No more pages than the claimed count allows at the page size the server used.
            let per_page = doc::paging_size(first_doc.as_ref().unwrap_or(&Value::Null))
                .filter(|n| *n > 0)
                .unwrap_or(got.max(1));
            if page > total / per_page + 1 {
                return Err(Broken::Fatal(ApiError::Malformed(format!(
                    "the server sent {page} pages of a list of {total}; stopped"
                ))));
            }
            last_ids = Some(ids);
            page += 1;
        }
        Ok((all, first_doc.unwrap_or(Value::Null)))
    }
}

/// About how many bytes of JSON text `v` came from.
fn approx_size(v: &Value) -> u64 {
    match v {
        Value::String(s) => s.len() as u64 + 2,
        Value::Array(items) => items.iter().map(approx_size).sum::<u64>() + 2,
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| k.len() as u64 + 4 + approx_size(v))
            .sum::<u64>()
            .saturating_add(2),
        _ => 4,
    }
}

fn take_elems(doc: &mut Value) -> Vec<Value> {
    match doc.as_object_mut().and_then(|m| m.remove("elem")) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items,
        Some(one) => vec![one],
    }
}
