//! The mouse (when `mouse` is on in the config file): a click selects a row and focuses its
//! pane, the wheel scrolls the list under the pointer (the panes and the views), a click on a
//! form's weekday checkbox toggles that day. Every hit is found with the layout functions the
//! drawing uses ([`crate::tui::ui::layout`]), so a click lands where the row is drawn.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use super::{App, Pane};
use crate::tui::keymap::Action;
use crate::tui::layers::backups::BackupsView;
use crate::tui::layers::form::{Field, Form};
use crate::tui::layers::help::Help;
use crate::tui::layers::journal::JournalView;
use crate::tui::layers::plan::PlanScreen;
use crate::tui::layers::upcoming::UpcomingView;
use crate::tui::layers::{Draw, ListPos};
use crate::tui::msg::Cmd;
use crate::tui::ui::{self, layout};

/// Rows one turn of the wheel moves.
pub const WHEEL_ROWS: usize = 3;

/// What the pointer did, in the terms of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gesture {
    /// A left click at `(x, y)`.
    Click(u16, u16),
    /// The wheel, up or down, over `(x, y)`.
    Wheel(Action, u16, u16),
}

fn gesture(ev: &MouseEvent) -> Option<Gesture> {
    let (x, y) = (ev.column, ev.row);
    match ev.kind {
        MouseEventKind::Down(MouseButton::Left) => Some(Gesture::Click(x, y)),
        MouseEventKind::ScrollUp => Some(Gesture::Wheel(Action::Up, x, y)),
        MouseEventKind::ScrollDown => Some(Gesture::Wheel(Action::Down, x, y)),
        _ => None,
    }
}

/// A list with a selection drawn in `rows`: a click selects the row under it, the wheel
/// moves the selection.
fn on_selecting(pos: &mut ListPos, g: Gesture, rows: ratatui::layout::Rect, n: usize) {
    let h = layout::page(rows);
    match g {
        Gesture::Click(x, y) => {
            if let Some(i) = layout::row_at(rows, pos.first(n, h), x, y).filter(|i| *i < n) {
                pos.sel = i;
                pos.offset = pos.first(n, h);
            }
        }
        Gesture::Wheel(dir, x, y) if layout::contains(rows, x, y) => {
            for _ in 0..WHEEL_ROWS {
                pos.select(dir, n, h);
            }
        }
        Gesture::Wheel(..) => {}
    }
}

/// A list without a selection: the wheel scrolls it.
fn on_scrolling(pos: &mut ListPos, g: Gesture, n: usize, h: usize) {
    if let Gesture::Wheel(dir, ..) = g {
        for _ in 0..WHEEL_ROWS {
            pos.scroll(dir, n, h);
        }
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

    fn mouse_on_layer(&mut self, g: Gesture, screen: layout::Screen) {
        let area = self.model.screen;
        let rows_of = layout::below_header;
        let (m, layers) = (&self.model, &mut self.layers);
        if layers.top_is::<Form>() {
            if let Gesture::Click(x, y) = g
                && let Some(form) = layers.get_mut::<Form>()
                && let Some(i) = layout::form_day_at(area, form.is_bulk(), x, y)
                && let Some(day) = crate::domain::Day::from_index(i)
            {
                form.days = form.days.toggled(day);
                form.focus = Field::Days;
                form.day_cursor = i;
            }
        } else if layers.top_is::<Help>() {
            if let Some(v) = layers.get_mut::<Help>() {
                let (n, h) = (v.lines(m), v.rows_shown(m));
                on_scrolling(&mut v.pos, g, n, h);
            }
        } else if layers.top_is::<PlanScreen>() {
            if let Some(v) = layers.get_mut::<PlanScreen>() {
                let (n, h) = (v.rows.len(), v.rows_shown(m));
                on_scrolling(&mut v.pos, g, n, h);
            }
        } else if layers.top_is::<BackupsView>() {
            if let Some(v) = layers.get_mut::<BackupsView>() {
                let n = v.list(m).map_or(0, |l| l.len());
                let h = v.rows_shown(m);
                on_scrolling(&mut v.pos, g, n, h);
            }
        } else if layers.top_is::<JournalView>() {
            if let Some(v) = layers.get_mut::<JournalView>()
                && v.confirm.is_none()
            {
                let n = v.entries.as_ref().map_or(0, Vec::len);
                on_selecting(
                    &mut v.pos,
                    g,
                    rows_of(ui::journal::areas(screen.body)[0]),
                    n,
                );
            }
        } else if layers.top_is::<UpcomingView>()
            && let Some(v) = layers.get_mut::<UpcomingView>()
        {
            let n = v.data.rows.len();
            on_selecting(
                &mut v.pos,
                g,
                rows_of(ui::upcoming::areas(screen.body).0),
                n,
            );
        }
        // The dialogs and the login screen take no clicks.
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
