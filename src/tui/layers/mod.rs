//! The layers over the panes: dialogs, views and screens, each in its own module with its
//! state, its keys and what its outcome does to the model. What they share, the stack and
//! their order ([`Kind`]), is in [`base`]. A new layer is one module here, its drawing in
//! `tui/ui/`, and one line in [`Kind`].

pub mod backups;
pub mod base;
pub mod confirm;
pub mod form;
pub mod help;
pub mod journal;
pub mod login;
pub mod plan;
pub mod retention;
pub mod upcoming;

pub use base::{Areas, Draw, Kind, LayerState, Layers, ListPos, Step};
