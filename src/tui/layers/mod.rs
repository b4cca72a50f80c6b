//! The layers over the panes: dialogs, views and screens, each in its own module with its
//! state, its keys and what its outcome does to the app. One order (the list in `layers!`
//! below, bottom to top) decides both which layer gets a key (the topmost open one) and how
//! they are drawn (bottom first). A new layer is one module and one line in that list.

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
}

/// Whether `key` closes a full-screen view opened by `opener`: the view's close keys, or the
/// key that opened it.
pub fn closes(app: &App, key: &KeyEvent, opener: crate::tui::keymap::Action) -> bool {
    app.keymap
        .action_in(crate::tui::keymap::Section::View, key)
        .is_some()
        || app.keymap.action(key) == Some(opener)
}

/// Moves a list's scroll offset with the main screen's navigation keys; says whether `key`
/// was one of them.
pub fn scroll(app: &App, key: &KeyEvent, offset: &mut usize, rows: usize, page: usize) -> bool {
    let Some(action) = app.keymap.action(key) else {
        return false;
    };
    match crate::tui::app::panes::step(action, *offset, rows, page) {
        Some(new) => {
            *offset = new;
            true
        }
        None => false,
    }
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
