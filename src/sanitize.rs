//! Text from the API, the journal or a plan file on its way to a terminal, and names the user
//! types on their way to the API.
//!
//! A server name, schedule name or API message can hold escape sequences that move the cursor,
//! erase a line or hide text, and bidi controls that reorder what is shown: enough to make a
//! confirmation prompt show one schedule while `y` deletes another. Everything the CLI writes
//! to a terminal or a table goes through [`for_terminal`]; `--json` keeps the exact strings
//! (JSON escapes them).

use std::borrow::Cow;

/// Whether `c` is a bidi override or isolate (U+202A-U+202E, U+2066-U+2069) or a directional
/// mark that reorders or hides text (U+200E, U+200F, U+061C).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Whether `c` is a line or paragraph separator that is not a control character.
fn is_line_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}' | '\u{0085}')
}

/// Whether `c` must not reach a terminal raw: C0 and C1 controls (ESC, CR, BS, ...), DEL,
/// bidi controls and line separators.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || is_line_separator(c)
}

/// `s` with every unsafe character shown visibly: controls as `^[`, `^M`, ... (C0 and DEL) or
/// `\u{9b}` (C1), bidi controls and separators as `\u{202e}`. Safe text is borrowed unchanged.
pub fn for_terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\u{0}'..='\u{1f}' => {
                out.push('^');
                out.push(char::from(c as u8 + 0x40));
            }
            '\u{7f}' => out.push_str("^?"),
            c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Whether `c` shows nothing by itself: zero-width characters, format characters (Unicode
/// category Cf, approximated by the ranges that occur in practice) and whitespace.
fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}'
            | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
            | '\u{E0000}'..='\u{E007F}')
}

/// Checks a name the user typed (schedule or server) before anything is sent: no control
/// characters, no bidi overrides or isolates, no line separators, and something visible.
/// The error is one sentence.
pub fn check_name(name: &str) -> Result<(), String> {
    if let Some(c) = name.chars().find(|c| is_bidi_control(*c)) {
        return Err(format!(
            "the name holds a text-direction control (U+{:04X}) that can make it look like another name; remove it",
            c as u32
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| c.is_control() || is_line_separator(*c))
    {
        return Err(format!(
            "the name holds a control character or line break (U+{:04X}); use printable text",
            c as u32
        ));
    }
    if !name.is_empty() && name.chars().all(is_invisible) {
        return Err("the name has no visible characters".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_shown_not_sent() {
        let evil = "web\r\x1b[2K\x1b[8mdb-1\u{9b}31m\u{202e}x";
        let safe = for_terminal(evil);
        assert!(!safe.chars().any(is_unsafe), "{safe}");
        assert_eq!(safe, "web^M^[[2K^[[8mdb-1\\u{9b}31m\\u{202e}x");
        assert!(matches!(for_terminal("web-1 Київ"), Cow::Borrowed(_)));
    }

    #[test]
    fn names_that_spoof_are_refused() {
        assert!(check_name("nightly").is_ok());
        assert!(check_name("Щоночі 02:00").is_ok());
        for bad in [
            "a\u{202e}b",
            "a\u{2066}b",
            "a\u{2028}b",
            "a\nb",
            "\u{200b}\u{200b}",
            "\u{feff}",
            "a\x1bb",
        ] {
            assert!(check_name(bad).is_err(), "{bad:?} accepted");
        }
    }
}
