//! The layers over the panes: dialogs, views and screens, each in its own module with its
//! state, its keys and what its outcome does to the app. One order (the list in `layers!`
//! below, bottom to top) decides both which layer gets a key (the topmost open one) and how
//! they are drawn (bottom first). A new layer is one module and one line in that list.

pub mod backups;
pub mod confirm;
pub mod form;
pub mod help;
pub mod journal;
pub mod login;
pub mod plan;
pub mod retention;
pub mod upcoming;

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;

use super::app::App;
use super::keymap::Action;
use super::msg::Cmd;
use super::ui::Theme;

/// What a key did to the layer that had it.
#[derive(Debug)]
pub enum Step {
    /// The layer stays open; run these commands.
    Keep(Vec<Cmd>),
    /// The layer closes; run these commands.
    Close(Vec<Cmd>),
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

/// What every layer does.
pub trait LayerState {
    /// Handles a key while this layer is the topmost. The layer is out of the stack while it
    /// runs, so it may change the app (and open other layers); `Step::Keep` puts it back.
    fn on_key(&mut self, app: &mut App, key: &KeyEvent) -> Step;
    /// Whether a request of this layer is in flight (the header's spinner, ticks).
    fn busy(&self) -> bool {
        false
    }
    /// Whether something in it moves, so the loop must tick.
    fn wants_tick(&self) -> bool {
        self.busy()
    }
    /// Whether it covers the whole screen (nothing below it is drawn).
    fn full_screen(&self) -> bool {
        false
    }
    /// Draws it.
    fn draw(&self, app: &App, theme: Theme, areas: Areas, f: &mut Frame);
    /// The footer's hints while it is the topmost layer: (keys, what they do), from the
    /// keymap. None of the main screen's keys apply under a layer, so by default the footer
    /// is empty (a dialog and the form show their keys in their own hint line).
    fn footer(&self, _app: &App) -> Vec<(String, String)> {
        Vec::new()
    }
}

/// Whether `key` closes a full-screen view opened by `opener`: the view's close keys, or the
/// key that opened it.
pub fn closes(app: &App, key: &KeyEvent, opener: crate::tui::keymap::Action) -> bool {
    app.keymap.action_in(crate::tui::keymap::Section::View, key)
        == Some(crate::tui::keymap::Action::Close)
        || app.keymap.action(key) == Some(opener)
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
        match crate::tui::app::panes::step(action, sel, n, h.max(1)) {
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
pub fn nav(app: &App, key: &KeyEvent) -> Option<Action> {
    app.keymap.action(key).filter(|a| is_nav(*a))
}

/// A layer's state as the stack finds it by type.
pub trait Member: Sized {
    /// The state, if `layer` is this kind.
    fn of(layer: &Layer) -> Option<&Self>;
    /// The state, if `layer` is this kind.
    fn of_mut(layer: &mut Layer) -> Option<&mut Self>;
    /// The state by value, if `layer` is this kind.
    fn take(layer: Layer) -> Option<Self>;
}

macro_rules! layers {
    ($($variant:ident($ty:ty)),* $(,)?) => {
        /// An open layer.
        // At most one of each kind is open, so the size of the largest costs nothing.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug)]
        pub enum Layer {
            $(
                #[allow(missing_docs)]
                $variant($ty),
            )*
        }

        impl Layer {
            /// Its place in the order, bottom first.
            fn rank(&self) -> usize {
                let order: &[fn(&Layer) -> bool] =
                    &[$(|l| matches!(l, Layer::$variant(_))),*];
                order.iter().position(|is| is(self)).unwrap_or(order.len())
            }

            fn state(&self) -> &dyn LayerState {
                match self {
                    $(Layer::$variant(s) => s,)*
                }
            }

            fn state_mut(&mut self) -> &mut dyn LayerState {
                match self {
                    $(Layer::$variant(s) => s,)*
                }
            }
        }

        $(
            impl From<$ty> for Layer {
                fn from(s: $ty) -> Layer {
                    Layer::$variant(s)
                }
            }

            impl Member for $ty {
                fn of(layer: &Layer) -> Option<&Self> {
                    match layer {
                        Layer::$variant(s) => Some(s),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }

                fn of_mut(layer: &mut Layer) -> Option<&mut Self> {
                    match layer {
                        Layer::$variant(s) => Some(s),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }

                fn take(layer: Layer) -> Option<Self> {
                    match layer {
                        Layer::$variant(s) => Some(s),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }
            }
        )*
    };
}

// The order, bottom to top.
layers! {
    Upcoming(upcoming::UpcomingView),
    Journal(journal::JournalView),
    Backups(backups::BackupsView),
    Plan(plan::PlanScreen),
    Form(form::Form),
    Confirm(confirm::ConfirmDelete),
    Retention(retention::RetentionDialog),
    Help(help::Help),
    Login(login::LoginForm),
}

/// The open layers, kept in the order above; at most one of each kind.
#[derive(Debug, Default)]
pub struct Layers(Vec<Layer>);

impl Layers {
    /// Opens a layer (replacing one of its kind).
    pub fn open(&mut self, layer: impl Into<Layer>) {
        let layer = layer.into();
        let rank = layer.rank();
        self.0.retain(|l| l.rank() != rank);
        let at = self.0.partition_point(|l| l.rank() < rank);
        self.0.insert(at, layer);
    }

    /// The open layer of type `T`.
    pub fn get<T: Member>(&self) -> Option<&T> {
        self.0.iter().find_map(T::of)
    }

    /// The open layer of type `T`.
    pub fn get_mut<T: Member>(&mut self) -> Option<&mut T> {
        self.0.iter_mut().find_map(T::of_mut)
    }

    /// Whether a layer of type `T` is open.
    pub fn is_open<T: Member>(&self) -> bool {
        self.get::<T>().is_some()
    }

    /// Closes the layer of type `T`, giving back its state.
    pub fn close<T: Member>(&mut self) -> Option<T> {
        let i = self.0.iter().position(|l| T::of(l).is_some())?;
        T::take(self.0.remove(i))
    }

    /// Closes every layer `keep` says no to.
    pub fn retain(&mut self, keep: impl Fn(&Layer) -> bool) {
        self.0.retain(keep);
    }

    /// The topmost layer (it gets the keys, and the mouse).
    pub fn top(&self) -> Option<&Layer> {
        self.0.last()
    }

    /// Whether no layer is open.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Takes the topmost layer out (to hand it a key).
    pub(crate) fn pop(&mut self) -> Option<Layer> {
        self.0.pop()
    }

    /// The layers to draw, bottom first: from the topmost full-screen one up, or all of them.
    /// The flag says whether the panes show beneath.
    pub fn to_draw(&self) -> (bool, &[Layer]) {
        match self.0.iter().rposition(|l| l.state().full_screen()) {
            Some(i) => (false, &self.0[i..]),
            None => (true, &self.0),
        }
    }

    /// The topmost layer's footer hints (None: no layer is open, the main screen's footer
    /// shows).
    pub fn footer(&self, app: &App) -> Option<Vec<(String, String)>> {
        self.top().map(|l| l.state().footer(app))
    }

    /// Whether a request of any layer is in flight.
    pub fn busy(&self) -> bool {
        self.0.iter().any(|l| l.state().busy())
    }

    /// Whether any layer has something moving.
    pub fn wants_tick(&self) -> bool {
        self.0.iter().any(|l| l.state().wants_tick())
    }
}

impl Layer {
    /// Hands it a key (see [`LayerState::on_key`]).
    pub(crate) fn on_key(&mut self, app: &mut App, key: &KeyEvent) -> Step {
        self.state_mut().on_key(app, key)
    }

    /// Draws it.
    pub fn draw(&self, app: &App, theme: Theme, areas: Areas, f: &mut Frame) {
        self.state().draw(app, theme, areas, f)
    }
}
