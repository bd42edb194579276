//! Direct manipulation of the diagram: hover a node to see its field (the renderer swaps it
//! into the big heatmap and lifts its links), hover a link or a bias mark for its value, click
//! one to type a new value, or drag it up and down to change it continuously. Every change is
//! a command to the trainer; the field follows as soon as the trainer publishes.

use super::Ui;
use crate::data::Feature;
use crate::render::frame::Focus;
use crate::render::hit::Hit;
use crate::render::layout::Layout;
use crate::sim::{Command, Snapshot};
use egui::{Pos2, Rect, Sense};

/// Value change per point of vertical drag (Shift: a tenth of it).
pub const DRAG_PER_POINT: f64 = 0.01;
/// Pointer slack around thin links and small marks, in points.
const TOLERANCE: f32 = 3.0;

/// A value being typed into the box opened by a click.
#[derive(Clone, Debug, PartialEq)]
pub struct EditBox {
    pub hit: Hit,
    pub text: String,
    pub at: Pos2,
    pub error: Option<String>,
    /// The box was opened this frame: focus its text field.
    pub opened: bool,
}

/// The parameter a bias or link hit addresses, and its value in `snap`.
pub fn param(snap: &Snapshot, hit: Hit) -> Option<(Command, f64)> {
    let layers = snap.network.layers();
    match hit {
        Hit::Node { .. } => None,
        Hit::Bias { col, row } => {
            let b = *layers.get(col - 1)?.biases.get(row)?;
            Some((Command::SetBias { layer: col - 1, node: row, value: b }, b))
        }
        Hit::Link { col, dst, src } => {
            let l = layers.get(col - 1)?;
            (dst < l.outputs && src < l.inputs).then(|| {
                let w = l.weights[dst * l.inputs + src];
                (Command::SetWeight { layer: col - 1, node: dst, input: src, value: w }, w)
            })
        }
    }
}

/// The command that sets the parameter of `hit` to `value`.
pub fn set_param(hit: Hit, value: f64) -> Option<Command> {
    match hit {
        Hit::Node { .. } => None,
        Hit::Bias { col, row } => Some(Command::SetBias { layer: col - 1, node: row, value }),
        Hit::Link { col, dst, src } => Some(Command::SetWeight { layer: col - 1, node: dst, input: src, value }),
    }
}

/// The feature rows of the network's inputs (column 0 shows all seven features).
pub fn input_rows(snap: &Snapshot) -> Vec<usize> {
    snap.experiment.features.rows().collect()
}

/// A name for what `hit` is, for the hover card.
fn describe(snap: &Snapshot, hit: Hit) -> String {
    let cols = snap.network.layers().len() + 1;
    let node = |col: usize, row: usize| -> String {
        if col == 0 {
            Feature::ALL.get(row).map_or("?".into(), |f| f.label().to_string())
        } else if col == cols {
            "the output".into()
        } else {
            format!("neuron {} of layer {col}", row + 1)
        }
    };
    match hit {
        Hit::Node { col, row } => node(col, row),
        Hit::Bias { col, row } => format!("bias of {}", node(col, row)),
        Hit::Link { col, dst, src } => {
            let src_node =
                if col == 1 { node(0, input_rows(snap).get(src).copied().unwrap_or(0)) } else { node(col - 1, src) };
            format!("weight {src_node} → {}", node(col, dst))
        }
    }
}

pub fn fmt_value(v: f64) -> String {
    if v.abs() >= 1e4 || (v != 0.0 && v.abs() < 1e-3) { format!("{v:.3e}") } else { format!("{v:.3}") }
}

impl Ui {
    /// The wheel zooms the diagram about the pointer; a drag that starts on nothing (or with
    /// the right or middle button) pans it; a double click on nothing fits it again.
    fn pan_and_zoom(
        &mut self,
        ui: &egui::Ui,
        bg: &egui::Response,
        layout: &Layout,
        under: &dyn Fn(Pos2) -> Option<Hit>,
    ) {
        let ppp = ui.ctx().pixels_per_point();
        let origin = (layout.network.x, layout.network.y);
        if let Some(p) = bg.hover_pos()
            && layout.network.contains(p.x * ppp, p.y * ppp)
        {
            let notches = ui.input(|i| super::network::wheel_travel(&i.events)) / super::network::WHEEL_STEP;
            if notches != 0.0 {
                self.view = self.view.zoomed_at(1.15f32.powf(notches), (p.x * ppp, p.y * ppp), origin);
            }
        }
        let press = ui.input(|i| i.pointer.press_origin());
        let origin_hit = press.and_then(under);
        // A press on the output heatmap paints (paint.rs); the rest of the area pans.
        let on_field = |p: Pos2| layout.field.contains(p.x * ppp, p.y * ppp);
        let from_field = press.is_some_and(on_field);
        let panning = !from_field
            && self.stroke.is_none()
            && (bg.dragged_by(egui::PointerButton::Secondary)
                || bg.dragged_by(egui::PointerButton::Middle)
                || (bg.dragged_by(egui::PointerButton::Primary) && origin_hit.is_none() && self.drag.is_none()));
        if panning {
            let d = bg.drag_delta() * ppp;
            self.view.pan[0] += d.x;
            self.view.pan[1] += d.y;
        }
        if bg.double_clicked() && bg.interact_pointer_pos().is_some_and(|p| under(p).is_none() && !on_field(p)) {
            self.view = Default::default();
        }
    }

    /// Hover, click and drag over the diagram. `layout` is in pixels, `viz` in points.
    pub(super) fn manipulate(
        &mut self,
        ui: &mut egui::Ui,
        viz: Rect,
        layout: &Layout,
        snap: &Snapshot,
        commands: &mut Vec<Command>,
    ) -> Focus {
        let ppp = ui.ctx().pixels_per_point();
        let bg = ui.interact(viz, ui.scope_id().with("diagram"), Sense::click_and_drag());
        let rows = input_rows(snap);
        // Only what is inside the diagram's area counts (zoomed in, the rest is clipped).
        let under = |p: Pos2| {
            let (x, y) = (p.x * ppp, p.y * ppp);
            if !layout.network.contains(x, y) {
                return None;
            }
            layout.hit(x, y, &rows, TOLERANCE * ppp)
        };
        let hover = bg.hover_pos().and_then(under);
        self.paint(ui, &bg, layout, commands);
        self.pan_and_zoom(ui, &bg, layout, &under);
        // Nodes of the diagram are only seen; features toggle by their labels (network.rs).
        let editable = |h: &Hit| !matches!(h, Hit::Node { .. });

        // Dragging a link or bias changes it continuously (dragging elsewhere pans: above).
        // Where the button went down: egui reports the drag a few points of travel later.
        let origin = ui.input(|i| i.pointer.press_origin());
        if bg.drag_started_by(egui::PointerButton::Primary)
            && let Some(h) = origin.or(bg.interact_pointer_pos()).and_then(under).filter(editable)
            && let Some((_, v)) = param(snap, h)
        {
            self.drag = Some((h, v, 0.0));
            self.edit = None;
        }
        if let Some((h, start, travel)) = &mut self.drag {
            let fine = ui.input(|i| i.modifiers.shift);
            *travel -= bg.drag_delta().y as f64 * if fine { 0.1 } else { 1.0 };
            if bg.dragged() {
                let value = *start + *travel * DRAG_PER_POINT;
                let changed = param(snap, *h).is_some_and(|(_, v)| v != value);
                if changed && let Some(cmd) = set_param(*h, value) {
                    commands.push(cmd);
                }
            }
        }
        if bg.drag_stopped() || !ui.input(|i| i.pointer.any_down()) {
            self.drag = None;
        }

        // A click opens a box to type the value.
        if bg.clicked()
            && let Some(h) = bg.interact_pointer_pos().and_then(under).filter(editable)
            && let Some((_, v)) = param(snap, h)
        {
            let at = bg.interact_pointer_pos().unwrap_or(viz.center());
            self.edit = Some(EditBox { hit: h, text: fmt_value(v).trim().to_string(), at, error: None, opened: true });
        }
        self.edit_box(ui, snap, commands);

        let active = self.drag.map(|(h, _, _)| h).or(self.edit.as_ref().map(|e| e.hit));
        let shown = active.or(hover);
        if let Some(h) = shown {
            if editable(&h) {
                ui.ctx().set_cursor_icon(egui::CursorIcon::ResizeVertical);
            }
            if self.edit.is_none() {
                let value = param(snap, h).map(|(_, v)| format!(": {}", fmt_value(v)));
                let hint = if editable(&h) { "\nclick to type a value, drag up or down to change it" } else { "" };
                let text = format!("{}{}{hint}", describe(snap, h), value.unwrap_or_default());
                bg.clone().on_hover_text_at_pointer(text);
            }
        }
        // The hovered link, drawn over the picture (a thinned-out dense layer may not draw it).
        if let Some(Hit::Link { col, dst, src }) = shown
            && let Some((_, w)) = param(snap, Hit::Link { col, dst, src })
        {
            let src_row = if col == 1 { rows.get(src).copied().unwrap_or(0) } else { src };
            let (a, b) = (&layout.columns[col - 1], &layout.columns[col]);
            let from = Pos2::new(a.x + a.size, layout.centre_y(col - 1, src_row)) / ppp;
            let to = Pos2::new(b.x, layout.centre_y(col, dst)) / ppp;
            let colour = super::widgets::value_colour(w.clamp(-1.0, 1.0) as f32);
            ui.painter().line_segment([from, to], egui::Stroke::new(3.0, colour));
        }
        match shown {
            Some(Hit::Node { col, row }) => Focus { node: Some((col, row)), link: None },
            Some(Hit::Link { col, dst, src }) => Focus { node: None, link: Some((col - 1, dst, src)) },
            _ => Focus::default(),
        }
    }

    fn edit_box(&mut self, ui: &mut egui::Ui, snap: &Snapshot, commands: &mut Vec<Command>) {
        let Some(edit) = &mut self.edit else { return };
        let mut close = false;
        let title = describe(snap, edit.hit);
        egui::Area::new(ui.scope_id().with("edit value")).order(egui::Order::Foreground).fixed_pos(edit.at).show(
            ui.ctx(),
            |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.label(title);
                    let resp = ui.add(egui::TextEdit::singleline(&mut edit.text).desired_width(110.0));
                    let fresh = edit.opened;
                    if fresh {
                        resp.request_focus();
                        edit.opened = false;
                    }
                    if let Some(e) = &edit.error {
                        ui.colored_label(ui.visuals().error_fg_color, e);
                    }
                    ui.label(egui::RichText::new("Enter to set, Esc to cancel").small().weak());
                    if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                        close = true;
                    } else if resp.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                        match edit.text.trim().parse::<f64>() {
                            Ok(v) if v.is_finite() => {
                                if let Some(cmd) = set_param(edit.hit, v) {
                                    commands.push(cmd);
                                }
                                close = true;
                            }
                            _ => {
                                edit.error = Some(format!("`{}` is not a finite number", edit.text.trim()));
                                edit.opened = true;
                            }
                        }
                    } else if resp.lost_focus() && !fresh {
                        // A click elsewhere closes the box without a change.
                        close = true;
                    }
                });
            },
        );
        if close {
            self.edit = None;
        }
    }
}
