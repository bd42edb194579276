//! Painting your own points on the output heatmap: the left button paints blue (+1), the right
//! button orange (-1), Shift with either erases. A press paints at once; a drag leaves a trail
//! of points spaced [`SPACING`] apart (in data units), so a slow and a fast stroke look alike.
//! Each point is a command to the trainer, which trains on it from the next epoch.

use super::Ui;
use crate::render::field::DEFAULT_DOMAIN;
use crate::render::layout::Layout;
use crate::sim::Command;
use egui::{PointerButton, Pos2, Rect};

/// Distance between the points of a stroke, in data units (the square is 12 wide).
pub const SPACING: f64 = 0.3;

/// A stroke in progress.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stroke {
    pub button: PointerButton,
    pub erase: bool,
    /// Where the last point was painted (or erased), in data coordinates.
    pub last: (f64, f64),
}

/// The data coordinates under `p` (points) in the field `field` (points), as the renderer maps
/// them: x grows to the right, y upwards.
pub fn to_data(field: Rect, p: Pos2) -> (f64, f64) {
    let [x0, x1, y0, y1] = DEFAULT_DOMAIN;
    let fx = ((p.x - field.min.x) / field.width()) as f64;
    let fy = ((p.y - field.min.y) / field.height()) as f64;
    (x0 + fx * (x1 - x0), y1 - fy * (y1 - y0))
}

impl Ui {
    /// Paints on the field in `layout` (pixels); true while a stroke holds the pointer (the
    /// diagram must not pan meanwhile).
    pub(super) fn paint(
        &mut self,
        ui: &egui::Ui,
        bg: &egui::Response,
        layout: &Layout,
        commands: &mut Vec<Command>,
    ) -> bool {
        let ppp = ui.ctx().pixels_per_point();
        let f = layout.field;
        let field = Rect::from_min_size(Pos2::new(f.x / ppp, f.y / ppp), egui::vec2(f.w / ppp, f.h / ppp));
        let (pos, shift, pressed, down) = ui.input(|i| {
            // The press's own modifiers: Shift held down at that moment decides the stroke.
            let press = i.events.iter().find_map(|e| match e {
                egui::Event::PointerButton { button, pressed: true, modifiers, .. }
                    if matches!(button, PointerButton::Primary | PointerButton::Secondary) =>
                {
                    Some((*button, modifiers.shift))
                }
                _ => None,
            });
            let down = i.pointer.button_down(PointerButton::Primary) || i.pointer.button_down(PointerButton::Secondary);
            let shift = press.map_or(i.modifiers.shift, |(_, s)| s || i.modifiers.shift);
            (i.pointer.interact_pos(), shift, press.map(|(b, _)| b), down)
        });
        let over = pos.filter(|p| field.contains(*p) && bg.contains_pointer());
        if let (Some(button), Some(p)) = (pressed, over) {
            let at = to_data(field, p);
            self.stroke = Some(Stroke { button, erase: shift, last: at });
            commands.push(point_command(button, shift, at));
        } else if let Some(s) = &mut self.stroke {
            if !down {
                self.stroke = None;
            } else if let Some(p) = pos.filter(|p| field.contains(*p)) {
                let at = to_data(field, p);
                let (dx, dy) = (at.0 - s.last.0, at.1 - s.last.1);
                let dist = (dx * dx + dy * dy).sqrt();
                // Erasing follows the pointer closely; painting leaves evenly spaced points
                // along the way.
                let step = if s.erase { SPACING / 2.0 } else { SPACING };
                if dist >= step {
                    let n = (dist / step).floor() as usize;
                    for k in 1..=n {
                        let t = k as f64 * step / dist;
                        let q = (s.last.0 + dx * t, s.last.1 + dy * t);
                        commands.push(point_command(s.button, s.erase, q));
                    }
                    let t = n as f64 * step / dist;
                    s.last = (s.last.0 + dx * t, s.last.1 + dy * t);
                }
            }
        }
        if over.is_some() && self.stroke.is_none() && self.drag.is_none() {
            ui.ctx().set_cursor_icon(egui::CursorIcon::Crosshair);
        }
        self.stroke.is_some()
    }
}

fn point_command(button: PointerButton, erase: bool, (x, y): (f64, f64)) -> Command {
    if erase {
        Command::Erase { x, y }
    } else {
        Command::Paint { x, y, label: if button == PointerButton::Secondary { -1.0 } else { 1.0 } }
    }
}
