//! What every layer is, and the stack of open layers. A layer (a dialog, a view or a screen
//! over the panes) has its state, its keys and what its outcome does to the model; its drawing
//! is in `tui/ui/` under the same name, as its [`Draw`]. One order, [`Kind`] (bottom to top),
//! decides both which layer gets a key (the topmost open one) and how they are drawn (bottom
//! first). A new layer is one module and one line in [`Kind`].
//!
//! The stack holds the layers by their trait, so this module and the model below it know no
//! layer by name; the app above finds one by its type.

use std::any::Any;

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::tui::keymap::{Action, Section};
use crate::tui::layout;
use crate::tui::model::Model;
use crate::tui::msg::Cmd;
use crate::tui::theme::Theme;

/// The layers' order, bottom to top: a layer of a later kind is drawn over one of an earlier
/// kind, and gets the keys first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// The fleet's upcoming backups (`upcoming.rs`).
    Upcoming,
    /// The change journal (`journal.rs`).
    Journal,
    /// A server's backups (`backups.rs`).
    Backups,
    /// A bulk apply's plan (`plan.rs`).
    Plan,
    /// The schedule form (`form.rs`).
    Form,
    /// The delete confirmation (`confirm.rs`).
    Confirm,
    /// The retention dialog (`retention.rs`).
    Retention,
    /// The help (`help.rs`).
    Help,
    /// The login screen (`login.rs`), over everything.
    Login,
}

/// What a key did to the layer that had it.
#[derive(Debug)]
pub enum Step {
    /// The layer stays open; run these commands.
    Keep(Vec<Cmd>),
    /// The layer closes; run these commands.
    Close(Vec<Cmd>),
    /// The layer closes and this one opens in its place (the bulk form and its plan).
    Replace(Box<dyn LayerState>),
}

impl Step {
    /// The layer stays, nothing to run.
    pub fn stay() -> Step {
        Step::Keep(Vec::new())
    }

    /// The layer closes, nothing to run.
    pub fn close() -> Step {
        Step::Close(Vec::new())
    }
}

/// Where a layer may draw.
#[derive(Debug, Clone, Copy)]
pub struct Areas {
    /// The whole screen.
    pub screen: Rect,
    /// The panes' part of it (between the header and the status line).
    pub body: Rect,
}

/// How a layer is drawn: implemented in `tui/ui/`, beside the drawing it describes, so a
/// layer never imports the drawing code.
pub trait Draw {
    /// Draws it.
    fn draw(&self, model: &Model, theme: Theme, areas: Areas, f: &mut Frame);
    /// How many rows of its list show at once on the model's screen (a page moves by it).
    fn rows_shown(&self, _model: &Model) -> usize {
        1
    }
    /// How many lines its drawing has in all and how many show at once, for a view whose
    /// length only the drawing knows (the help): one pass over its content gives both.
    fn extent(&self, model: &Model) -> (usize, usize) {
        (0, self.rows_shown(model))
    }
    /// Where the rows of its list are drawn, for the mouse (None: it has no rows to click).
    fn list_rows(&self, _model: &Model, _areas: Areas) -> Option<Rect> {
        None
    }
}

/// Rows one turn of the wheel moves.
pub const WHEEL_ROWS: usize = 3;

/// What the pointer did, in the terms of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gesture {
    /// A left click at `(x, y)`.
    Click(u16, u16),
    /// The wheel, up or down ([`Action::Up`] or [`Action::Down`]), over `(x, y)`.
    Wheel(Action, u16, u16),
}

/// What every layer does.
pub trait LayerState: Draw + Any + std::fmt::Debug {
    /// Its place in the order.
    fn kind(&self) -> Kind;
    /// Handles a key while this layer is the topmost. The layer is out of the stack while it
    /// runs; `Step::Keep` puts it back.
    fn on_key(&mut self, model: &mut Model, key: &KeyEvent) -> Step;
    /// Whether a request of this layer is in flight (the header's spinner, ticks).
    fn busy(&self) -> bool {
        false
    }
    /// Whether something in it moves, so the loop must tick.
    fn wants_tick(&self) -> bool {
        self.busy()
    }
    /// A click or the wheel while it is the topmost layer (when `mouse` is on); the areas
    /// are the screen's. By default it does nothing (the dialogs and the login screen).
    fn on_mouse(&mut self, _model: &Model, _g: Gesture, _areas: Areas) {}
    /// Work before a frame is drawn (pure): a view computes again what changed in the model
    /// since, once per frame however many answers arrived.
    fn prepare(&mut self, _model: &Model) {}
    /// Takes pasted text while it is the topmost layer (a layer with a text field puts it
    /// there; the others ignore it, so a paste never reaches a field under a dialog).
    fn on_paste(&mut self, _text: &str) {}
    /// Whether it covers the whole screen (nothing below it is drawn).
    fn full_screen(&self) -> bool {
        false
    }
    /// The footer's hints while it is the topmost layer: (keys, what they do), from the
    /// keymap. None of the main screen's keys apply under a layer, so by default the footer
    /// is empty (a dialog and the form show their keys in their own hint line).
    fn footer(&self, _model: &Model) -> Vec<(String, String)> {
        Vec::new()
    }
}

/// A layer as `T`, if it is one.
fn downcast<T: LayerState>(layer: &dyn LayerState) -> Option<&T> {
    let any: &dyn Any = layer;
    any.downcast_ref::<T>()
}

/// A layer as `T`, if it is one.
fn downcast_mut<T: LayerState>(layer: &mut dyn LayerState) -> Option<&mut T> {
    let any: &mut dyn Any = layer;
    any.downcast_mut::<T>()
}

/// The open layers, kept in [`Kind`]'s order; at most one of each kind.
#[derive(Debug, Default)]
pub struct Layers(Vec<Box<dyn LayerState>>);

impl Layers {
    /// Opens a layer (replacing one of its kind).
    pub fn open(&mut self, layer: impl LayerState) {
        self.open_boxed(Box::new(layer));
    }

    /// Opens a layer given boxed (replacing one of its kind).
    pub fn open_boxed(&mut self, layer: Box<dyn LayerState>) {
        let kind = layer.kind();
        self.0.retain(|l| l.kind() != kind);
        let at = self.0.partition_point(|l| l.kind() < kind);
        self.0.insert(at, layer);
    }

    /// The open layer of type `T`.
    pub fn get<T: LayerState>(&self) -> Option<&T> {
        self.0.iter().find_map(|l| downcast::<T>(l.as_ref()))
    }

    /// The open layer of type `T`.
    pub fn get_mut<T: LayerState>(&mut self) -> Option<&mut T> {
        self.0
            .iter_mut()
            .find_map(|l| downcast_mut::<T>(l.as_mut()))
    }

    /// Whether a layer of type `T` is open.
    pub fn is_open<T: LayerState>(&self) -> bool {
        self.get::<T>().is_some()
    }

    /// Closes the layer of type `T`, giving back its state.
    pub fn close<T: LayerState>(&mut self) -> Option<T> {
        let i = self
            .0
            .iter()
            .position(|l| downcast::<T>(l.as_ref()).is_some())?;
        let any: Box<dyn Any> = self.0.remove(i);
        any.downcast::<T>().ok().map(|b| *b)
    }

    /// The topmost layer (it gets the keys, and the mouse).
    pub fn top(&self) -> Option<&dyn LayerState> {
        self.0.last().map(|l| l.as_ref())
    }

    /// The topmost layer, to change.
    pub fn top_mut(&mut self) -> Option<&mut dyn LayerState> {
        match self.0.last_mut() {
            Some(l) => Some(l.as_mut()),
            None => None,
        }
    }

    /// Whether no layer is open.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Takes the topmost layer out (to hand it a key).
    pub fn pop(&mut self) -> Option<Box<dyn LayerState>> {
        self.0.pop()
    }

    /// The layers to draw, bottom first: from the topmost full-screen one up, or all of them.
    /// The flag says whether the panes show beneath.
    pub fn to_draw(&self) -> (bool, &[Box<dyn LayerState>]) {
        match self.0.iter().rposition(|l| l.full_screen()) {
            Some(i) => (false, &self.0[i..]),
            None => (true, &self.0),
        }
    }

    /// The topmost layer's footer hints (None: no layer is open, the main screen's footer
    /// shows).
    pub fn footer(&self, model: &Model) -> Option<Vec<(String, String)>> {
        self.top().map(|l| l.footer(model))
    }

    /// Each open layer's work before a frame is drawn.
    pub fn prepare(&mut self, model: &Model) {
        for layer in &mut self.0 {
            layer.prepare(model);
        }
    }

    /// Whether a request of any layer is in flight.
    pub fn busy(&self) -> bool {
        self.0.iter().any(|l| l.busy())
    }

    /// Whether any layer has something moving.
    pub fn wants_tick(&self) -> bool {
        self.0.iter().any(|l| l.wants_tick())
    }
}

/// Whether `key` closes a full-screen view opened by `opener`: the view's close keys, or the
/// key that opened it.
pub fn closes(model: &Model, key: &KeyEvent, opener: Action) -> bool {
    model.keymap.action_in(Section::View, key) == Some(Action::Close)
        || model.keymap.action(key) == Some(opener)
}

/// Where a scrolled list is: its selected row (lists with a selection) and the first row
/// shown. Both are kept in range of whatever the list holds when it is drawn or moved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListPos {
    /// The selected row.
    pub sel: usize,
    /// The first row shown.
    pub offset: usize,
}

impl ListPos {
    /// The first row to show of `n` rows, `h` at a time, with the selection visible: the
    /// offset moves as little as it must, and no page ends in blank rows it could fill.
    pub fn first(&self, n: usize, h: usize) -> usize {
        if n == 0 || h == 0 {
            return 0;
        }
        let sel = self.sel.min(n - 1);
        let lo = (sel + 1).saturating_sub(h);
        self.offset.clamp(lo, sel).min(n.saturating_sub(h))
    }

    /// The first row to show of a list without a selection.
    pub fn top(&self, n: usize, h: usize) -> usize {
        self.offset.min(n.saturating_sub(h))
    }

    /// Puts the selection and the offset back in range after the list changed.
    pub fn clamp(&mut self, n: usize, h: usize) {
        self.sel = self.sel.min(n.saturating_sub(1));
        self.offset = self.first(n, h);
    }

    /// Moves the selection with a navigation action, a page being `h` rows; says whether
    /// `action` was one.
    pub fn select(&mut self, action: Action, n: usize, h: usize) -> bool {
        let sel = self.sel.min(n.saturating_sub(1));
        match crate::tui::model::panes::step(action, sel, n, h.max(1)) {
            Some(new) => {
                // A page moves the view with the selection, as in a pager.
                if matches!(action, Action::PageDown | Action::PageUp) {
                    self.offset = (self.first(n, h) + new).saturating_sub(sel);
                }
                self.sel = new;
                self.offset = self.first(n, h);
                true
            }
            None => is_nav(action),
        }
    }

    /// The pointer over a list with a selection drawn in `rows`: a click selects the row
    /// under it, the wheel over it moves the selection.
    pub fn point(&mut self, g: Gesture, rows: Rect, n: usize) {
        let h = layout::page(rows);
        match g {
            Gesture::Click(x, y) => {
                if let Some(i) = layout::row_at(rows, self.first(n, h), x, y).filter(|i| *i < n) {
                    self.sel = i;
                    self.offset = self.first(n, h);
                }
            }
            Gesture::Wheel(dir, x, y) if layout::contains(rows, x, y) => {
                for _ in 0..WHEEL_ROWS {
                    self.select(dir, n, h);
                }
            }
            Gesture::Wheel(..) => {}
        }
    }

    /// The wheel over a list without a selection, `h` of its `n` rows shown: it scrolls.
    pub fn wheel(&mut self, g: Gesture, n: usize, h: usize) {
        if let Gesture::Wheel(dir, ..) = g {
            for _ in 0..WHEEL_ROWS {
                self.scroll(dir, n, h);
            }
        }
    }

    /// Scrolls a list without a selection by a navigation action; says whether it was one.
    pub fn scroll(&mut self, action: Action, n: usize, h: usize) -> bool {
        let max = n.saturating_sub(h);
        let now = self.top(n, h);
        let h = h.max(1);
        self.offset = match action {
            Action::Up => now.saturating_sub(1),
            Action::Down => now + 1,
            Action::Top => 0,
            Action::Bottom => max,
            Action::PageUp => now.saturating_sub(h),
            Action::PageDown => now + h,
            _ => return false,
        }
        .min(max);
        true
    }
}

/// Whether `action` is one of the navigation actions every list answers.
fn is_nav(action: Action) -> bool {
    matches!(
        action,
        Action::Up
            | Action::Down
            | Action::Top
            | Action::Bottom
            | Action::PageUp
            | Action::PageDown
    )
}

/// The main screen's navigation action of `key`, if it is one.
pub fn nav(model: &Model, key: &KeyEvent) -> Option<Action> {
    model.keymap.action(key).filter(|a| is_nav(*a))
}
