//! One single-line text field for every place the TUI takes text (the form's name, the login
//! screen, the servers filter), built on `tui-input`, so every field edits the same way:
//!
//! - Left/Right or Ctrl+B/Ctrl+F move a character; Ctrl+Left/Right, Alt+Left/Right or
//!   Alt+B/Alt+F move a word; Home/Ctrl+A and End/Ctrl+E go to the start and the end.
//! - Backspace (Ctrl+H) and Delete (Ctrl+D) delete a character; Ctrl+W and Alt+Backspace
//!   delete the word before the caret, Alt+D (Ctrl+Delete) the word after it; Ctrl+U clears
//!   the field, Ctrl+K deletes from the caret to the end; Ctrl+Y puts back what was deleted.
//! - A paste inserts its text at the caret with line breaks and other control characters
//!   removed (so it can never press Enter), cut at the field's length limit before anything
//!   else is done with it, and spliced in at once: a paste of megabytes costs what a paste of
//!   the field's limit costs.
//!
//! Every field has a length limit (the `*_MAX_CHARS` constants; [`DEFAULT_MAX_CHARS`] when
//! none is set): typing and pasting past it are refused alike.
//!
//! A secret field (a password) draws one dot per character and never prints its text in a
//! `Debug` print.

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_input::{Input, InputRequest};
use unicode_width::UnicodeWidthStr;

/// The servers filter's limit, in characters.
pub const FILTER_MAX_CHARS: usize = 500;
/// The login screen's URL limit.
pub const URL_MAX_CHARS: usize = 2048;
/// The login screen's username and password limit.
pub const CREDENTIAL_MAX_CHARS: usize = 1024;
/// The one-time code's length.
pub const CODE_MAX_CHARS: usize = 6;
/// The limit of a field built without one: no field is ever unbounded.
pub const DEFAULT_MAX_CHARS: usize = 4096;

/// What a key did to a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// Not an editing key: the caller may give it another meaning.
    Ignored,
    /// An editing key that changed nothing visible (the caret at an end already).
    Nothing,
    /// The caret moved.
    Moved,
    /// The text changed.
    Changed,
    /// The text would pass the field's limit, or the character is not allowed: nothing changed.
    Refused,
}

impl Edit {
    /// Whether the field took the key (the caller must not give it another meaning).
    pub fn taken(self) -> bool {
        self != Edit::Ignored
    }
}

/// A single-line text field: its text, its caret, and what it accepts.
#[derive(Clone)]
pub struct TextField {
    input: Input,
    max_chars: usize,
    digits_only: bool,
    secret: bool,
}

impl Default for TextField {
    fn default() -> TextField {
        TextField {
            input: Input::default(),
            max_chars: DEFAULT_MAX_CHARS,
            digits_only: false,
            secret: false,
        }
    }
}

impl fmt::Debug for TextField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.secret {
            return f.write_str("TextField(***)");
        }
        f.debug_struct("TextField")
            .field("value", &self.value())
            .field("cursor", &self.cursor())
            .finish()
    }
}

impl PartialEq for TextField {
    fn eq(&self, other: &Self) -> bool {
        self.value() == other.value()
            && self.cursor() == other.cursor()
            && self.max_chars == other.max_chars
            && self.digits_only == other.digits_only
            && self.secret == other.secret
    }
}

impl Eq for TextField {}

impl PartialEq<String> for TextField {
    fn eq(&self, other: &String) -> bool {
        self.value() == other
    }
}

impl From<&str> for TextField {
    fn from(text: &str) -> TextField {
        TextField::new(text)
    }
}

impl PartialEq<&str> for TextField {
    fn eq(&self, other: &&str) -> bool {
        self.value() == *other
    }
}

impl TextField {
    /// A field holding `text`, the caret at its end.
    pub fn new(text: impl Into<String>) -> TextField {
        TextField {
            input: Input::new(text.into()),
            ..TextField::default()
        }
    }

    /// A secret field: drawn as dots, never in a `Debug` print.
    pub fn secret() -> TextField {
        TextField {
            secret: true,
            ..TextField::default()
        }
    }

    /// The same, taking at most `n` characters.
    pub fn max_chars(mut self, n: usize) -> TextField {
        self.max_chars = n;
        self
    }

    /// The same, taking digits only.
    pub fn digits_only(mut self) -> TextField {
        self.digits_only = true;
        self
    }

    /// The text.
    pub fn value(&self) -> &str {
        self.input.value()
    }

    /// The caret, in characters from the start.
    pub fn cursor(&self) -> usize {
        self.input.cursor()
    }

    /// Whether the field is empty.
    pub fn is_empty(&self) -> bool {
        self.value().is_empty()
    }

    /// Whether it is a secret field.
    pub fn is_secret(&self) -> bool {
        self.secret
    }

    /// Replaces the text, the caret at its end.
    pub fn set(&mut self, text: impl Into<String>) {
        self.input = std::mem::take(&mut self.input).with_value(text.into());
    }

    /// Empties the field.
    pub fn clear(&mut self) {
        self.input.reset();
    }

    fn len(&self) -> usize {
        self.value().chars().count()
    }

    fn accepts(&self, c: char) -> bool {
        !crate::sanitize::is_unsafe(c) && (!self.digits_only || c.is_ascii_digit())
    }

    /// [`TextField::view`] padded with spaces to `width` cells: the field's whole box.
    pub fn boxed(&self, width: usize) -> (String, u16) {
        let (mut shown, at) = self.view(width);
        let pad = width.max(1).saturating_sub(shown.width());
        shown.extend(std::iter::repeat_n(' ', pad));
        (shown, at)
    }

    /// Handles a key: edits or moves when it is an editing key (see the module's list).
    pub fn on_key(&mut self, key: &KeyEvent) -> Edit {
        let Some(req) = request(key) else {
            return Edit::Ignored;
        };
        if let InputRequest::InsertChar(c) = req
            && (!self.accepts(c) || self.len() >= self.max_chars)
        {
            return Edit::Refused;
        }
        if req == InputRequest::Yank {
            // What comes back obeys the same limits as a paste.
            let before = self.value().to_string();
            let cursor = self.cursor();
            if self.input.handle(req).is_none() {
                return Edit::Nothing;
            }
            if self.value().chars().any(|c| !self.accepts(c)) || self.len() > self.max_chars {
                self.input = std::mem::take(&mut self.input)
                    .with_value(before)
                    .with_cursor(cursor);
                return Edit::Refused;
            }
            return Edit::Changed;
        }
        match self.input.handle(req) {
            None => Edit::Nothing,
            Some(s) if s.value => Edit::Changed,
            Some(_) => Edit::Moved,
        }
    }

    /// Inserts pasted text at the caret: line breaks, tabs and other control characters are
    /// dropped (a paste never submits anything), and what passes the limit is cut. The text is
    /// read only up to the room left under the limit, and goes in with one update of the value
    /// and the caret, so a huge paste costs no more than a paste that just fits.
    pub fn paste(&mut self, text: &str) -> Edit {
        let room = self.max_chars.saturating_sub(self.len());
        let mut kept = String::new();
        let mut taken = 0;
        let mut cut = false;
        for c in text.chars().filter(|c| self.accepts(*c)) {
            if taken == room {
                cut = true;
                break;
            }
            kept.push(c);
            taken += 1;
        }
        if taken > 0 {
            let cursor = self.cursor();
            let value = self.value();
            let at = value
                .char_indices()
                .nth(cursor)
                .map_or(value.len(), |(i, _)| i);
            let mut spliced = String::with_capacity(value.len() + kept.len());
            spliced.push_str(&value[..at]);
            spliced.push_str(&kept);
            spliced.push_str(&value[at..]);
            self.input = std::mem::take(&mut self.input)
                .with_value(spliced)
                .with_cursor(cursor + taken);
        }
        match (cut, taken) {
            (true, _) => Edit::Refused,
            (false, 0) => Edit::Nothing,
            (false, _) => Edit::Changed,
        }
    }

    /// What to draw in `width` cells: the visible part of the text (dots for a secret) and the
    /// caret's column within it. Long text scrolls so the caret stays in view.
    pub fn view(&self, width: usize) -> (String, u16) {
        let width = width.max(1);
        // Each character as it is drawn: a dot for a secret, an unsafe one made visible.
        let pieces: Vec<std::borrow::Cow<'_, str>> = if self.secret {
            self.value().chars().map(|_| "•".into()).collect()
        } else {
            self.value()
                .chars()
                .map(|c| {
                    let mut b = [0u8; 4];
                    crate::sanitize::for_terminal(c.encode_utf8(&mut b))
                        .into_owned()
                        .into()
                })
                .collect()
        };
        // The caret's column in the whole text, in cells.
        let caret: usize = pieces.iter().take(self.cursor()).map(|p| p.width()).sum();
        // Keep one cell for the caret after the last character.
        let scroll = (caret + 1).saturating_sub(width);
        let mut out = String::new();
        let mut col = 0;
        let mut used = 0;
        for p in &pieces {
            let w = p.width();
            if col < scroll {
                col += w;
                continue;
            }
            if used + w > width {
                break;
            }
            out.push_str(p);
            used += w;
            col += w;
        }
        let at = caret.saturating_sub(scroll).min(width.saturating_sub(1));
        (out, at as u16)
    }
}

/// The editing request a key means, the same in every field.
fn request(key: &KeyEvent) -> Option<InputRequest> {
    use InputRequest::*;
    let m = key.modifiers;
    let ctrl = m.contains(KeyModifiers::CONTROL);
    let alt = m.contains(KeyModifiers::ALT) || m.contains(KeyModifiers::META);
    let plain = !ctrl && !alt;
    Some(match key.code {
        KeyCode::Char(c) if plain => InsertChar(c),
        KeyCode::Char('h') if ctrl => DeletePrevChar,
        KeyCode::Backspace if alt || ctrl => DeletePrevWord,
        KeyCode::Backspace => DeletePrevChar,
        KeyCode::Delete if ctrl || alt => DeleteNextWord,
        KeyCode::Delete => DeleteNextChar,
        KeyCode::Char('d') if ctrl => DeleteNextChar,
        KeyCode::Left if ctrl || alt => GoToPrevWord,
        KeyCode::Right if ctrl || alt => GoToNextWord,
        KeyCode::Left => GoToPrevChar,
        KeyCode::Right => GoToNextChar,
        KeyCode::Char('b') if alt => GoToPrevWord,
        KeyCode::Char('f') if alt => GoToNextWord,
        KeyCode::Char('d') if alt => DeleteNextWord,
        KeyCode::Char('b') if ctrl => GoToPrevChar,
        KeyCode::Char('f') if ctrl => GoToNextChar,
        KeyCode::Home => GoToStart,
        KeyCode::Char('a') if ctrl => GoToStart,
        KeyCode::End => GoToEnd,
        KeyCode::Char('e') if ctrl => GoToEnd,
        KeyCode::Char('u') if ctrl => DeleteLine,
        KeyCode::Char('w') if ctrl => DeletePrevWord,
        KeyCode::Char('k') if ctrl => DeleteTillEnd,
        KeyCode::Char('y') if ctrl => Yank,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }
    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }
    fn alt(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT)
    }
    fn typed(f: &mut TextField, s: &str) {
        for c in s.chars() {
            f.on_key(&k(KeyCode::Char(c)));
        }
    }

    #[test]
    fn readline_keys_edit_at_the_caret() {
        let mut f = TextField::default();
        typed(&mut f, "daily web backup");
        assert_eq!(f.on_key(&ctrl('w')), Edit::Changed);
        assert_eq!(f.value(), "daily web ");
        f.on_key(&ctrl('a'));
        assert_eq!(f.cursor(), 0);
        typed(&mut f, "x ");
        assert_eq!(f.value(), "x daily web ");
        f.on_key(&ctrl('e'));
        assert_eq!(f.cursor(), 12);
        f.on_key(&alt('b'));
        assert_eq!(f.cursor(), 8, "a word back: before `web`");
        f.on_key(&KeyEvent::new(KeyCode::Left, KeyModifiers::CONTROL));
        assert_eq!(f.cursor(), 2, "before `daily`");
        f.on_key(&alt('f'));
        assert_eq!(f.cursor(), 8);
        f.on_key(&ctrl('k'));
        assert_eq!(f.value(), "x daily ");
        assert_eq!(f.on_key(&ctrl('y')), Edit::Changed, "Ctrl+Y puts it back");
        assert_eq!(f.value(), "x daily web ");
        f.on_key(&ctrl('u'));
        assert_eq!((f.value(), f.cursor()), ("", 0), "Ctrl+U clears");
        assert_eq!(f.on_key(&k(KeyCode::Tab)), Edit::Ignored);
        assert_eq!(f.on_key(&k(KeyCode::Enter)), Edit::Ignored);
        assert_eq!(f.on_key(&ctrl('s')), Edit::Ignored);
    }

    #[test]
    fn limits_hold_for_keys_and_pastes() {
        let mut f = TextField::default().max_chars(5);
        assert_eq!(f.paste("abc\ndef\r\tghi"), Edit::Refused);
        assert_eq!(f.value(), "abcde", "cut at the limit, line breaks dropped");
        assert_eq!(f.on_key(&k(KeyCode::Char('z'))), Edit::Refused);
        let mut d = TextField::default().digits_only().max_chars(6);
        d.paste(" 123 456\n");
        assert_eq!(d.value(), "123456");
        let mut e = TextField::default();
        e.paste("a\u{1b}[31mb\u{202e}c");
        assert_eq!(
            e.value(),
            "a[31mbc",
            "escapes and bidi controls never enter"
        );
    }

    #[test]
    fn a_paste_splices_at_the_caret_and_no_field_is_unbounded() {
        let mut f = TextField::new("жb").max_chars(6);
        f.on_key(&k(KeyCode::Left));
        assert_eq!(f.paste("ё\nю\u{2066}"), Edit::Changed);
        assert_eq!((f.value(), f.cursor()), ("жёюb", 3));
        assert_eq!(f.paste("яяя"), Edit::Refused);
        assert_eq!(
            (f.value(), f.cursor()),
            ("жёюяяb", 5),
            "cut to the room left"
        );
        assert_eq!(f.paste("\n\t"), Edit::Nothing);
        let mut any = TextField::default();
        assert_eq!(any.paste(&"x".repeat(DEFAULT_MAX_CHARS + 1)), Edit::Refused);
        assert_eq!(any.value().len(), DEFAULT_MAX_CHARS);
        assert_eq!(any.on_key(&k(KeyCode::Char('y'))), Edit::Refused);
        let mut secret = TextField::secret();
        secret.paste(&"x".repeat(DEFAULT_MAX_CHARS + 1));
        assert_eq!(secret.cursor(), DEFAULT_MAX_CHARS);
    }

    #[test]
    fn secrets_draw_as_dots_and_never_print() {
        let mut p = TextField::secret();
        typed(&mut p, "hunter2");
        assert_eq!(p.view(20), ("•••••••".to_string(), 7));
        assert!(!format!("{p:?}").contains("hunter2"));
    }

    #[test]
    fn long_text_scrolls_to_keep_the_caret_in_view() {
        let f = TextField::new("0123456789");
        assert_eq!(f.view(5), ("6789".to_string(), 4));
        let mut g = f.clone();
        g.on_key(&k(KeyCode::Home));
        assert_eq!(g.view(5), ("01234".to_string(), 0));
        let w = TextField::new("сервер");
        assert_eq!(w.view(20), ("сервер".to_string(), 6));
    }
}
