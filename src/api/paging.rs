//! Following a list across pages when the server keeps each session's page.
//!
//! BILLmanager remembers the last page a session asked of each list function and serves it
//! again when `p_num` is absent (api.md 8a.1), so every request names its page and its page
//! size. An answer for another page than asked means the server's state moved under us: the
//! walk starts again once, then fails. The walk is bounded (at most [`MAX_PAGES`] requests,
//! whatever the server claims), and a server that repeats a page, claims an absurd count or
//! sends short pages before the end is stopped with a clear error.

use serde_json::Value;
use serde_json::value::RawValue;

use super::doc::{self, Page};
use super::{ApiError, Client};

/// Elements asked for per page unless the config says otherwise.
pub const PAGE_SIZE: u64 = 100;
/// A list claiming more elements than this is not believed.
pub const MAX_ELEMENTS: u64 = 100_000;
/// The most requests one list may take, whatever the server says.
pub const MAX_PAGES: u64 = 1_000;

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
    ) -> Result<(Vec<Box<RawValue>>, Value), ApiError> {
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
    ) -> Result<(Vec<Box<RawValue>>, Value), Broken> {
        let asked = self.page_size();
        let mut all: Vec<Box<RawValue>> = Vec::new();
        let mut first_doc: Option<Value> = None;
        let mut claimed: Option<u64> = None;
        let mut last_page: Option<(usize, String, String)> = None;
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut size: u64 = 0;
        let mut page: u64 = 1;
        loop {
            let mut p = params.to_vec();
            p.push(("p_num", page.to_string()));
            p.push(("p_cnt", asked.to_string()));
            let Page {
                doc, elems: items, ..
            } = self.call_page(func, &p).await?;
            let (p_num, total) = doc::paging(&doc);
            if let Some(n) = p_num.filter(|n| *n != page) {
                return Err(Broken::Moved(format!(
                    "asked for page {page}, got page {n}"
                )));
            }
            // The page size the server says it used (it may cap what was asked).
            let declared = doc::paging_size(&doc).filter(|n| *n > 0);
            let full = declared.map_or(asked, |d| d.min(asked));
            if let Some(t) = total {
                if t > MAX_ELEMENTS {
                    return Err(Broken::Fatal(ApiError::Malformed(format!(
                        "the server claims {t} elements in one list, more than bsched believes ({MAX_ELEMENTS})"
                    ))));
                }
                if t.div_ceil(full) > MAX_PAGES {
                    return Err(Broken::Fatal(ApiError::Malformed(format!(
                        "the server pages {full} elements at a time: its {t} would take more than {MAX_PAGES} requests; stopped before sending them"
                    ))));
                }
                if claimed.is_some_and(|c| c != t) {
                    return Err(Broken::Moved("the element count changed".into()));
                }
                claimed = Some(t);
            }
            // A page is known by its size and its first and last elements, as sent.
            let fingerprint = (
                items.len(),
                items
                    .first()
                    .map(|e| e.get().to_string())
                    .unwrap_or_default(),
                items
                    .last()
                    .map(|e| e.get().to_string())
                    .unwrap_or_default(),
            );
            if !items.is_empty() && last_page.as_ref() == Some(&fingerprint) {
                return Err(Broken::Fatal(ApiError::Malformed(format!(
                    "the server answered page {page} with the same elements as page {}; stopped instead of reading forever",
                    page - 1
                ))));
            }
            // An element met twice: the list shifted under us (an insertion pushes the last
            // element of a page onto the next), or the server serves pages out of order.
            // Either way the pages do not make one list.
            for e in &items {
                let id = element_id(e);
                if !id.is_empty() && !seen.insert(id.clone()) {
                    let dup: String = crate::sanitize::for_terminal(&id)
                        .chars()
                        .take(40)
                        .collect();
                    return Err(Broken::Moved(format!(
                        "element {dup} came twice, the second time on page {page}"
                    )));
                }
            }
            // Each page is under the answer cap, but a server can send many: the whole list
            // is held to the same cap, so memory stays bounded.
            size = size.saturating_add(items.iter().map(|e| e.get().len() as u64).sum::<u64>());
            if size > self.max_answer_bytes() {
                return Err(Broken::Fatal(ApiError::TooLarge(self.max_answer_bytes())));
            }
            let got = items.len() as u64;
            all.extend(items);
            if first_doc.is_none() {
                first_doc = Some(doc);
            }
            match claimed {
                Some(total) => {
                    if all.len() as u64 >= total {
                        break;
                    }
                    // Before the end, every page is full: a short one means the list moved
                    // (or the server pages in a way that cannot be followed).
                    if got < full {
                        return Err(Broken::Moved(format!(
                            "page {page} held {got} elements, not {full}, after {} of {total}",
                            all.len()
                        )));
                    }
                }
                // No count: a page as full as asked may be followed by more; a short one is
                // the end, and one fuller than asked means the server does not page at all.
                None if got != full => break,
                None => {}
            }
            if page >= MAX_PAGES {
                return Err(Broken::Fatal(ApiError::Malformed(format!(
                    "the server sent {page} pages of one list; stopped"
                ))));
            }
            last_page = Some(fingerprint);
            page += 1;
        }
        Ok((all, first_doc.unwrap_or(Value::Null)))
    }
}

/// The `id` of an element as text (`$`, `$orig`, a bare string or a number), without parsing
/// the rest of it; empty when it has none.
fn element_id(raw: &RawValue) -> String {
    #[derive(serde::Deserialize)]
    struct OnlyId {
        #[serde(default)]
        id: Value,
    }
    match serde_json::from_str::<OnlyId>(raw.get()) {
        Ok(OnlyId {
            id: Value::Number(n),
        }) => n.to_string(),
        Ok(OnlyId { id }) => doc::texts(&id).next().unwrap_or("").to_string(),
        Err(_) => String::new(),
    }
}
