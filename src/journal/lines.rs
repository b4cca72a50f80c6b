//! Reading `journal.jsonl` line by line: never more than [`MAX_LINE`] bytes of a line in
//! memory, each line an entry, an outcome, blank, or unreadable.

use std::io::{BufRead, BufReader, Read};

use super::entry::{Entry, OutcomeLine};

/// The longest line the reader keeps in memory (64 KiB); a longer line is reported as
/// unreadable and skipped without being stored. Real lines are a few hundred bytes.
pub const MAX_LINE: usize = 64 * 1024;

/// Reads one line into `buf` (without its `\n`), keeping at most `max` bytes: a longer line is
/// read through and dropped. `Ok(None)` at the end; `Ok(Some(true))` for a line that was too
/// long (then `buf` is empty).
fn read_line_bounded(
    r: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<Option<bool>> {
    buf.clear();
    let mut too_long = false;
    let mut any = false;
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(any.then_some(too_long));
        }
        any = true;
        let newline = chunk.iter().position(|b| *b == b'\n');
        let part = &chunk[..newline.unwrap_or(chunk.len())];
        if !too_long {
            if buf.len() + part.len() > max {
                too_long = true;
                buf.clear();
                buf.shrink_to(max);
            } else {
                buf.extend_from_slice(part);
            }
        }
        let used = newline.map_or(chunk.len(), |i| i + 1);
        r.consume(used);
        if newline.is_some() {
            return Ok(Some(too_long));
        }
    }
}

/// One line of the file, as read.
pub(super) enum Line {
    Entry(Box<Entry>),
    Outcome(OutcomeLine),
    Blank,
    Unreadable,
}

fn parse_line(bytes: &[u8], too_long: bool) -> Line {
    if too_long {
        return Line::Unreadable;
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Line::Blank;
    }
    if let Ok(o) = serde_json::from_slice::<OutcomeLine>(bytes) {
        Line::Outcome(o)
    } else if let Ok(e) = serde_json::from_slice::<Entry>(bytes) {
        Line::Entry(Box::new(e))
    } else {
        Line::Unreadable
    }
}

/// Calls `each` for every line of `r` with its number (from `first_line`).
pub(super) fn scan(
    r: impl Read,
    first_line: u64,
    mut each: impl FnMut(u64, Line),
) -> std::io::Result<()> {
    let mut reader = BufReader::with_capacity(64 * 1024, r);
    let mut buf = Vec::new();
    let mut n = first_line;
    while let Some(too_long) = read_line_bounded(&mut reader, &mut buf, MAX_LINE)? {
        each(n, parse_line(&buf, too_long));
        n += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::Journal;
    use crate::journal::testing::intent;

    #[test]
    fn a_line_longer_than_the_limit_is_reported_not_kept() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let path = tmp.path().join("journal.jsonl");
        let mut text = String::from("x").repeat(MAX_LINE + 10);
        text.push('\n');
        std::fs::write(&path, &text).expect("write");
        let j = Journal::at(&path, "default");
        assert_eq!(j.begin(intent("a")).expect("begin"), 1);
        let c = j.load().expect("load");
        assert_eq!(c.entries.len(), 1);
        assert_eq!(c.unreadable, vec![1]);

        let mut buf = Vec::new();
        let mut r = std::io::Cursor::new(vec![b'y'; 3 * MAX_LINE]);
        assert_eq!(
            read_line_bounded(&mut r, &mut buf, MAX_LINE).expect("read"),
            Some(true)
        );
        assert!(buf.capacity() <= MAX_LINE + 64 * 1024, "{}", buf.capacity());
        assert_eq!(
            read_line_bounded(&mut r, &mut buf, MAX_LINE).expect("read"),
            None
        );
    }
}
