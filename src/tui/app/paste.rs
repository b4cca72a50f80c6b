//! Pasted text (bracketed paste) goes to one text field.

use super::App;
use crate::tui::msg::Cmd;

/// Pasted text: into the focused text field of the topmost layer, or the filter being typed;
/// anywhere else it does nothing.
impl App {
    pub(crate) fn on_paste(&mut self, text: &str) -> Vec<Cmd> {
        let app = self;
        use crate::tui::layers::{confirm, form, help, login, retention};
        if let Some(login) = app.layers.get_mut::<login::LoginForm>() {
            login.paste(text);
        } else if app.layers.is_open::<help::Help>()
            || app.layers.is_open::<retention::RetentionDialog>()
            || app.layers.is_open::<confirm::ConfirmDelete>()
        {
            // A dialog above the form has the keys: the paste is not for the form.
        } else if let Some(form) = app.layers.get_mut::<form::Form>() {
            form.paste(text);
        } else if app.layers.is_empty() && app.model.panes.filter_editing {
            app.model.paste_filter(text);
        }
        Vec::new()
    }
}
