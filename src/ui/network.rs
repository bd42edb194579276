//! What egui adds over the GPU-drawn visualisation: headings, the hidden-layer and per-layer
//! neuron buttons, and the feature labels that toggle inputs (as the original, a click on a
//! feature's label or thumbnail turns it on or off).

use super::rules::{MAX_NEURONS, add_layer, add_neuron, remove_layer, remove_neuron};
use super::{HEADER, Ui, UiOutput, viz_layout};
use crate::data::Feature;
use crate::render::layout;
use crate::sim::Snapshot;
use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Vec2};

/// Wheel travel (points) per neuron added or removed.
pub(super) const WHEEL_STEP: f32 = 24.0;
/// Points left of the diagram for the feature labels.
const LABELS: f32 = 44.0;

impl Ui {
    /// Draws the overlay into the central panel and returns the area left for the picture.
    pub(super) fn network_overlay(&mut self, ui: &mut egui::Ui, snap: &Snapshot, out: &mut UiOutput) -> Rect {
        let full = ui.max_rect();
        // Headings above, the feature labels' room on the left.
        let viz = Rect::from_min_max(full.min + Vec2::new(LABELS, HEADER), full.max);
        if viz.height() < 40.0 || viz.width() < 80.0 {
            return viz;
        }
        let ppp = ui.ctx().pixels_per_point();
        let hidden = snap.network.hidden_shape();
        let layout = viz_layout(viz, ppp, &hidden).viewed(self.view);
        let pts =
            |r: layout::Rect| Rect::from_min_size(Pos2::new(r.x / ppp, r.y / ppp), Vec2::new(r.w / ppp, r.h / ppp));
        let centre_x = |col: usize| {
            let c = &layout.columns[col];
            (c.x + c.size / 2.0) / ppp
        };
        // First, so that the labels and buttons below sit on top of it.
        out.focus = self.manipulate(ui, viz, &layout, snap, &mut out.commands);
        if !self.view.is_fitted() {
            let at = Rect::from_min_size(viz.left_bottom() + Vec2::new(4.0, -26.0), Vec2::new(90.0, 22.0));
            if ui
                .put(at, egui::Button::new("Fit diagram"))
                .on_hover_text("Back to the whole network (or double-click)")
                .clicked()
            {
                self.view = Default::default();
            }
        }
        let text = ui.visuals().text_color();
        let weak = ui.visuals().weak_text_color();
        let painter = ui.painter().clone();
        let heading = FontId::proportional(13.0);
        let row1 = full.min.y + 14.0;

        // Features: heading and clickable labels.
        let feat_w = painter.layout_no_wrap("FEATURES".into(), heading.clone(), text).size().x;
        let feat_x = centre_x(0).max(full.min.x + 4.0 + feat_w / 2.0);
        painter.text(Pos2::new(feat_x, row1), Align2::CENTER_CENTER, "FEATURES", heading.clone(), text);
        for (row, f) in Feature::ALL.iter().enumerate() {
            let node = pts(layout.node(0, row));
            let on = self.exp.features.contains(*f);
            let font = FontId::proportional((node.height() * 0.45).clamp(9.0, 14.0));
            let galley = painter.layout_no_wrap(f.label().to_string(), font, if on { text } else { weak });
            let label_pos = Pos2::new(node.left() - 6.0 - galley.size().x, node.center().y - galley.size().y / 2.0);
            let label = Rect::from_min_size(label_pos, galley.size());
            painter.galley(label_pos, galley, text);
            let resp = ui
                .interact(label.union(node), ui.scope_id().with(("feature", row)), Sense::click())
                .on_hover_text(format!("{} is {}: click to turn it {}", f.label(), on_off(on), on_off(!on)));
            resp.widget_info(|| egui::WidgetInfo::selected(egui::Role::CheckBox, true, on, f.label()));
            if resp.hovered() {
                // A feature's values fill the big heatmap while hovered, as the original does.
                out.focus = crate::render::frame::Focus { node: Some((0, row)), link: None };
                ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
                painter.rect_stroke(node.expand(1.5), 0.0, (1.5, Color32::BLACK), egui::StrokeKind::Outside);
            }
            if resp.clicked() {
                self.exp.features.set(*f, !on);
            }
        }

        // Hidden layers: +/- layers under one heading, then +/- neurons over each column.
        let last = layout.columns.len() - 1;
        let (a, b) = if hidden.is_empty() { (centre_x(0), centre_x(last)) } else { (centre_x(1), centre_x(last - 1)) };
        let mid = (a + b) / 2.0;
        let n = self.exp.network_shape.len();
        // The layer heading with its +/- sits over the hidden columns, between the FEATURES and
        // OUTPUT headings; in a narrow window it shortens rather than overlapping them.
        let field = pts(layout.field);
        let out_w = painter.layout_no_wrap("OUTPUT".into(), heading.clone(), text).size().x;
        let (lo, hi) = (feat_x + feat_w / 2.0 + 10.0, field.center().x - out_w / 2.0 - 10.0);
        let bsize = Vec2::new(22.0, 20.0);
        let buttons_w = 2.0 * bsize.x + 10.0;
        let plural = if n == 1 { "" } else { "S" };
        let titles = [format!("{n} HIDDEN LAYER{plural}"), format!("{n} LAYER{plural}"), n.to_string()];
        let (title, title_w) = titles
            .iter()
            .map(|t| (t.clone(), painter.layout_no_wrap(t.clone(), heading.clone(), text).size().x))
            .find(|(_, w)| w + buttons_w <= hi - lo)
            .unwrap_or_else(|| (n.to_string(), 8.0));
        let group = title_w + buttons_w;
        let left = (mid - group / 2.0).min(hi - group).max(lo);
        painter.text(Pos2::new(left, row1), Align2::LEFT_CENTER, title, heading.clone(), text);
        let plus = Rect::from_min_size(Pos2::new(left + title_w + 6.0, row1 - bsize.y / 2.0), bsize);
        let minus = plus.translate(Vec2::new(bsize.x + 4.0, 0.0));
        // Presenting (H) shows the picture only; a link may hide the layer buttons.
        let layer_buttons = !self.presenting && !self.exp.hides("numHiddenLayers");
        if layer_buttons && ui.put(plus, egui::Button::new("+")).on_hover_text("Add a hidden layer").clicked() {
            add_layer(&mut self.exp.network_shape);
        }
        if layer_buttons
            && ui.put(minus, egui::Button::new("-")).on_hover_text("Remove the last hidden layer").clicked()
        {
            remove_layer(&mut self.exp.network_shape);
        }
        let pitch = if layout.columns.len() > 1 { (centre_x(1) - centre_x(0)).abs() } else { 80.0 };
        // Three densities: +/- and the count (roomy), the count alone in a small font (tight),
        // or, for a crowd of layers, the count of the column under the pointer only.
        let roomy = pitch >= 44.0;
        let tight = !roomy && pitch >= 26.0;
        let cell_w = (pitch - 4.0).clamp(16.0, 64.0);
        let bw = ((cell_w - 4.0) / 2.0).clamp(10.0, 24.0);
        let band = Rect::from_min_max(Pos2::new(full.min.x, full.min.y + 28.0), Pos2::new(full.max.x, viz.min.y));
        let pointer_x = ui.input(|i| i.pointer.hover_pos()).filter(|p| band.contains(*p)).map(|p| p.x);
        // The buttons above may just have changed the shape: the trainer's (drawn) network and
        // the edited one can differ for a frame.
        let neuron_buttons = if self.presenting { 0 } else { self.exp.network_shape.len().min(hidden.len()) };
        for l in 0..neuron_buttons {
            let x = centre_x(l + 1);
            let under_pointer = pointer_x.is_some_and(|px| (px - x).abs() <= pitch / 2.0);
            if !roomy && !tight && !under_pointer && self.layer_typing != Some(l) {
                continue;
            }
            let y = full.min.y + 40.0;
            if roomy {
                let plus = Rect::from_center_size(Pos2::new(x - bw / 2.0 - 2.0, y), Vec2::new(bw, 18.0));
                let minus = Rect::from_center_size(Pos2::new(x + bw / 2.0 + 2.0, y), Vec2::new(bw, 18.0));
                if ui.put(plus, egui::Button::new("+").small()).on_hover_text("Add a neuron").clicked() {
                    add_neuron(&mut self.exp.network_shape, l);
                }
                if ui.put(minus, egui::Button::new("-").small()).on_hover_text("Remove a neuron").clicked() {
                    remove_neuron(&mut self.exp.network_shape, l);
                }
            }
            // The count itself: drag it, or click and type (1024 is a few keystrokes away).
            let y2 = full.min.y + 60.0;
            let mut count = self.exp.network_shape[l];
            let suffix = if pitch < 74.0 {
                ""
            } else if count == 1 {
                " neuron"
            } else {
                " neurons"
            };
            let width = if roomy || tight { cell_w } else { 44.0 };
            let field = Rect::from_center_size(Pos2::new(x, y2), Vec2::new(width, 18.0));
            let drag = egui::DragValue::new(&mut count)
                .range(1..=MAX_NEURONS)
                .speed(0.25)
                .suffix(suffix)
                .update_while_editing(false);
            let mut cell_ui = ui.new_child(egui::UiBuilder::new().max_rect(field));
            if !roomy {
                cell_ui.style_mut().drag_value_text_style = egui::TextStyle::Small;
                cell_ui.style_mut().override_text_style = Some(egui::TextStyle::Small);
            }
            let resp = cell_ui.add_sized(field.size(), drag);
            // A count being typed stays even when the pointer leaves a crowded header.
            if resp.has_focus() {
                self.layer_typing = Some(l);
            } else if self.layer_typing == Some(l) {
                self.layer_typing = None;
            }
            if resp.on_hover_text("Neurons in this layer: drag, type, or use the wheel").changed() {
                self.exp.network_shape[l] = count;
            }
            // The wheel over a layer's count adds or removes neurons.
            let cell = Rect::from_center_size(Pos2::new(x, (y + y2) / 2.0), Vec2::new(cell_w, 44.0));
            let resp = ui.interact(cell, ui.scope_id().with(("layer", l)), Sense::hover());
            if resp.hovered() {
                self.wheel += ui.input(|i| wheel_travel(&i.events));
                while self.wheel >= WHEEL_STEP {
                    self.wheel -= WHEEL_STEP;
                    add_neuron(&mut self.exp.network_shape, l);
                }
                while self.wheel <= -WHEEL_STEP {
                    self.wheel += WHEEL_STEP;
                    remove_neuron(&mut self.exp.network_shape, l);
                }
            }
        }

        painter.text(Pos2::new(field.center().x, row1), Align2::CENTER_CENTER, "OUTPUT", heading, text);
        viz
    }
}

/// Vertical wheel travel in points in `events` (a line, a notch of a mouse wheel, is one step).
pub(super) fn wheel_travel(events: &[egui::Event]) -> f32 {
    events
        .iter()
        .map(|e| match e {
            egui::Event::MouseWheel { unit, delta, .. } => match unit {
                egui::MouseWheelUnit::Point => delta.y,
                egui::MouseWheelUnit::Line => delta.y * WHEEL_STEP,
                egui::MouseWheelUnit::Page => delta.y * WHEEL_STEP * 8.0,
            },
            _ => 0.0,
        })
        .sum()
}

fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}
