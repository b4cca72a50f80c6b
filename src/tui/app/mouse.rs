//! The mouse (when `mouse` is on in the config file): a click selects a row and focuses its
//! pane, the wheel scrolls the list under the pointer (the panes and the views), a click on a
//! form's weekday checkbox toggles that day. Every hit is found with the layout functions the
//! drawing uses ([`crate::tui::layout`]), so a click lands where the row is drawn. A layer
//! takes the pointer itself ([`crate::tui::layers::LayerState::on_mouse`]).

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use super::{App, Pane};
use crate::tui::keymap::Action;
use crate::tui::layers::base::{Areas, Gesture, WHEEL_ROWS};
use crate::tui::layout;
use crate::tui::msg::Cmd;

fn gesture(ev: &MouseEvent) -> Option<Gesture> {
    let (x, y) = (ev.column, ev.row);
    match ev.kind {
        MouseEventKind::Down(MouseButton::Left) => Some(Gesture::Click(x, y)),
        MouseEventKind::ScrollUp => Some(Gesture::Wheel(Action::Up, x, y)),
        MouseEventKind::ScrollDown => Some(Gesture::Wheel(Action::Down, x, y)),
        _ => None,
    }
}

impl App {
    /// The terminal's size (the lists page by it, and the mouse finds rows with it).
    pub(super) fn resized(&mut self, width: u16, height: u16) -> Vec<Cmd> {
        self.model.screen = ratatui::layout::Rect::new(0, 0, width, height);
        Vec::new()
    }

    /// A mouse event.
    pub(super) fn on_mouse(&mut self, ev: &MouseEvent) -> Vec<Cmd> {
        if let Some(g) = gesture(ev)
            && let Some(screen) = layout::screen(self.model.screen)
        {
            if self.layers.is_empty() {
                if !self.model.panes.filter_editing {
                    self.mouse_on_panes(g, screen);
                }
            } else {
                self.mouse_on_layer(g, screen);
            }
        }
        Vec::new()
    }

    /// The topmost layer takes the pointer (see [`crate::tui::layers::LayerState::on_mouse`]).
    fn mouse_on_layer(&mut self, g: Gesture, screen: layout::Screen) {
        let areas = Areas {
            screen: self.model.screen,
            body: screen.body,
        };
        if let Some(top) = self.layers.top_mut() {
            top.on_mouse(&self.model, g, areas);
        }
    }

    fn mouse_on_panes(&mut self, g: Gesture, screen: layout::Screen) {
        let (Gesture::Click(x, y) | Gesture::Wheel(_, x, y)) = g;
        let pane = if layout::contains(screen.left, x, y) {
            Pane::Servers
        } else if layout::contains(screen.right, x, y) {
            Pane::Schedules
        } else {
            return;
        };
        let rows = crate::tui::ui::pane_rows(&self.model, pane);
        let (sel, n) = match pane {
            Pane::Servers => (self.model.panes.server_sel, self.model.fleet.visible.len()),
            Pane::Schedules => (
                self.model.panes.sched_sel,
                self.model.current_schedules().len(),
            ),
        };
        let new = match g {
            Gesture::Click(..) => {
                self.model.panes.pane = pane;
                let first = layout::pane_first(sel, layout::page(rows));
                layout::row_at(rows, first, x, y).filter(|i| *i < n)
            }
            Gesture::Wheel(dir, ..) => {
                (0..WHEEL_ROWS).try_fold(sel, |s, _| crate::tui::model::panes::step(dir, s, n, 1))
            }
        };
        match (pane, new) {
            (Pane::Servers, Some(i)) if i != self.model.panes.server_sel => {
                self.model.panes.server_sel = i;
                self.model.panes.sched_sel = 0;
            }
            (Pane::Schedules, Some(i)) => self.model.panes.sched_sel = i,
            _ => {}
        }
    }
}
