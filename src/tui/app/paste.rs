//! Pasted text (bracketed paste) goes to one text field.

use super::App;
use crate::tui::msg::Cmd;

impl App {
    /// Pasted text: into the topmost layer (the form's or the login screen's focused field;
    /// a dialog or a view takes nothing), or the filter being typed; anywhere else it does
    /// nothing.
    pub(crate) fn on_paste(&mut self, text: &str) -> Vec<Cmd> {
        match self.layers.top_mut() {
            Some(top) => top.on_paste(text),
            None if self.model.panes.filter_editing => self.model.paste_filter(text),
            None => {}
        }
        Vec::new()
    }
}
