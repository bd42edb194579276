//! The panels: the top bar (run controls, training settings), data on the left, output on the
//! right. Every control edits `Ui::exp` or pushes a command; nothing here talks to the trainer.

use super::widgets::{activation_name, dataset_name, legend, loss_chart, problem_name, reg_name};
use super::{Ui, UiOutput, rules};
use crate::data::Dataset;
use crate::nn::{Activation, Regularization};
use crate::sim::{Command, Snapshot};
use crate::state::Problem;
use egui::{Color32, RichText, Sense, Stroke, Vec2};

/// A small caption above a control, as the original's top bar.
fn captioned<R>(ui: &mut egui::Ui, caption: &str, add: impl FnOnce(&mut egui::Ui) -> R) -> R {
    ui.vertical(|ui| {
        ui.label(RichText::new(caption).small().weak());
        add(ui)
    })
    .inner
}

/// A drop-down menu of `options`, each shown by `name`. The current value is shown even when
/// it is not an option (a link's learning rate of 0.02), and kept until another is chosen.
fn menu<T: PartialEq + Copy, S: Into<egui::WidgetText>>(
    ui: &mut egui::Ui,
    id: &str,
    width: f32,
    value: &mut T,
    options: &[T],
    name: impl Fn(T) -> S,
) {
    egui::ComboBox::from_id_salt(id).width(width).selected_text(name(*value)).show_ui(ui, |ui| {
        for &o in options {
            ui.selectable_value(value, o, name(o));
        }
    });
}

/// A slider over the original's range and step. A link's value beyond it (noise=80) is shown
/// as it is, and kept until the slider is moved.
fn slider(ui: &mut egui::Ui, label: &str, value: &mut f64, (range, step): (std::ops::RangeInclusive<f64>, f64)) {
    ui.label(format!("{label}: {}", crate::jsnum::to_string(*value)));
    let mut v = value.clamp(*range.start(), *range.end());
    let resp = ui.add(egui::Slider::new(&mut v, range).show_value(false).step_by(step)).on_hover_text(label);
    if resp.changed() {
        *value = v;
    }
}

impl Ui {
    pub(super) fn top_bar(&mut self, ui: &mut egui::Ui, snap: &Snapshot, out: &mut UiOutput) {
        ui.add_space(4.0);
        ui.horizontal_wrapped(|ui| {
            ui.spacing_mut().item_spacing.x = 10.0;
            let big = |t: &str| RichText::new(t).size(15.0);
            let hides = |c: &str| self.exp.hides(c);
            if !hides("resetButton")
                && ui.button(big("Reset")).on_hover_text("New initial weights from the seed's stream (R)").clicked()
            {
                out.commands.push(Command::Reset);
            }
            if !hides("playButton") && play_button(ui, snap.playing).clicked() {
                out.commands.push(Command::TogglePlay);
            }
            if !hides("stepButton") && ui.button(big("Step")).on_hover_text("Train one epoch (→ or S)").clicked() {
                out.commands.push(Command::Step);
            }
            captioned(ui, "Epoch", |ui| ui.label(RichText::new(rules::epoch_text(snap.epoch)).monospace().size(17.0)));
            ui.separator();
            let exp = &mut self.exp;
            if !exp.hides("learningRate") {
                captioned(ui, "Learning rate", |ui| {
                    menu(ui, "learning rate", 84.0, &mut exp.learning_rate, &rules::LEARNING_RATES, rules::rate_name)
                });
            }
            if !exp.hides("activation") {
                captioned(ui, "Activation", |ui| {
                    menu(ui, "activation", 84.0, &mut exp.activation, &Activation::ALL, activation_name)
                });
            }
            if !exp.hides("regularization") {
                let options = [None, Some(Regularization::L1), Some(Regularization::L2)];
                captioned(ui, "Regularization", |ui| {
                    menu(ui, "regularization", 84.0, &mut exp.regularization, &options, reg_name)
                });
            }
            if !exp.hides("regularizationRate") {
                captioned(ui, "Regularization rate", |ui| {
                    let rate = &mut exp.regularization_rate;
                    menu(ui, "regularization rate", 84.0, rate, &rules::REG_RATES, rules::rate_name)
                });
            }
            if !exp.hides("problem") {
                let options = [Problem::Classification, Problem::Regression];
                captioned(ui, "Problem type", |ui| {
                    menu(ui, "problem", 110.0, &mut exp.problem, &options, problem_name)
                });
            }
            ui.separator();
            captioned(ui, "Speed", |ui| {
                let before = self.speed;
                menu(ui, "speed", 116.0, &mut self.speed, &rules::SPEEDS, rules::speed_name);
                if self.speed != before {
                    out.commands.push(Command::SetSpeed(self.speed));
                }
            });
        });
        ui.add_space(2.0);
    }

    pub(super) fn data_panel(&mut self, ui: &mut egui::Ui, snap: &Snapshot, out: &mut UiOutput) {
        ui.add_space(6.0);
        ui.heading("DATA");
        if !self.exp.hides("dataset") && self.dataset_picker(ui, snap.origin.is_generated()) {
            out.commands.push(Command::GeneratedData);
        }
        ui.add_space(10.0);
        ui.spacing_mut().slider_width = ui.available_width() - 4.0;
        if !self.exp.hides("percTrainData") {
            slider(ui, "Ratio of training to test data (%)", &mut self.exp.perc_train_data, rules::TRAIN_RATIO);
        }
        if !self.exp.hides("noise") {
            slider(ui, "Noise", &mut self.exp.noise, rules::NOISE);
        }
        if !self.exp.hides("batchSize") {
            let mut batch = self.exp.batch_size as f64;
            slider(ui, "Batch size", &mut batch, rules::BATCH);
            if batch != self.exp.batch_size as f64 {
                self.exp.batch_size = batch.round().max(1.0) as usize;
            }
        }
        ui.add_space(4.0);
        if ui.button("Regenerate").on_hover_text("New points from a new seed").clicked() {
            out.commands.push(Command::Regenerate);
        }
        ui.add_space(8.0);
        self.seed_field(ui);
        ui.add_space(8.0);
        ui.separator();
        self.files_section(ui, snap, out);
    }

    /// `generated`: the points are the picked dataset's (not your own), so it is marked.
    /// Returns true when the current dataset was clicked while your own points are in use:
    /// back to its generated points.
    fn dataset_picker(&mut self, ui: &mut egui::Ui, generated: bool) -> bool {
        let mut back = false;
        ui.label("Which dataset do you want to use?");
        let list: &[Dataset] = match self.exp.problem {
            Problem::Classification => &Dataset::CLASSIFICATION,
            Problem::Regression => &Dataset::REGRESSION,
        };
        egui::Grid::new("datasets").spacing(Vec2::splat(12.0)).show(ui, |ui| {
            for (i, &d) in list.iter().enumerate() {
                if i == 2 {
                    ui.end_row();
                }
                let Some((_, tex)) = self.thumbs.iter().find(|(t, _)| *t == d) else { continue };
                let selected = generated && self.exp.active_dataset() == d;
                let img = egui::Image::new((tex.id(), Vec2::splat(56.0))).sense(Sense::click());
                let resp = ui.add(img).on_hover_text(dataset_name(d));
                let stroke = if selected {
                    Stroke::new(2.0, Color32::BLACK)
                } else if resp.hovered() {
                    Stroke::new(1.0, Color32::GRAY)
                } else {
                    Stroke::NONE
                };
                ui.painter().rect_stroke(resp.rect.expand(2.0), 2.0, stroke, egui::StrokeKind::Outside);
                if resp.clicked() {
                    back |= !generated && self.exp.active_dataset() == d;
                    match self.exp.problem {
                        Problem::Classification => self.exp.dataset = d,
                        Problem::Regression => self.exp.reg_dataset = d,
                    }
                }
            }
        });
        back
    }

    fn seed_field(&mut self, ui: &mut egui::Ui) {
        ui.label("Seed");
        let resp = ui.add(egui::TextEdit::singleline(&mut self.seed_text).desired_width(f32::INFINITY)).on_hover_text(
            "The seed of the random stream: the same seed gives the same points and initial weights as the \
             original. Enter to apply.",
        );
        if resp.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            if self.seed_text.trim().is_empty() {
                self.seed_text = self.exp.seed.clone();
            } else {
                self.exp.seed = self.seed_text.clone();
            }
        }
    }

    /// The state's playground link, and what it does not carry.
    pub(super) fn link_section(&mut self, ui: &mut egui::Ui, snap: &Snapshot) {
        let link = snap.experiment.to_link();
        ui.horizontal(|ui| {
            ui.label("Link");
            if ui.button("Copy link").on_hover_text(link.as_str()).clicked() {
                ui.ctx().copy_text(link.clone());
                self.copied = Some(std::time::Instant::now());
            }
            if self.copied.is_some_and(|t| t.elapsed().as_secs_f32() < 2.0) {
                ui.label(RichText::new("copied").weak());
                ui.ctx().request_repaint_after(std::time::Duration::from_millis(500));
            }
        });
        for note in link_leaves_out(snap) {
            ui.label(RichText::new(note).small().color(ui.visuals().warn_fg_color));
        }
    }

    pub(super) fn output_panel(&mut self, ui: &mut egui::Ui, snap: &Snapshot) {
        ui.add_space(6.0);
        ui.heading("OUTPUT");
        egui::Grid::new("losses").num_columns(2).show(ui, |ui| {
            ui.label("Test loss");
            ui.label(RichText::new(fmt_loss(snap.losses.test)).monospace().strong());
            ui.end_row();
            ui.label("Training loss");
            ui.label(RichText::new(fmt_loss(snap.losses.train)).monospace().strong());
            ui.end_row();
        });
        let (rect, _) = ui.allocate_exact_size(Vec2::new(ui.available_width(), 90.0), Sense::hover());
        loss_chart(ui.painter(), rect, &self.chart);
        ui.horizontal(|ui| {
            line_key(ui, Color32::BLACK, "test");
            ui.add_space(8.0);
            line_key(ui, Color32::from_gray(150), "training");
        });
        ui.add_space(10.0);
        ui.label("Colours show data, neuron and weight values.");
        let (rect, _) = ui.allocate_exact_size(Vec2::new(ui.available_width(), 12.0), Sense::hover());
        legend(ui.painter(), rect);
        let (rect, _) = ui.allocate_exact_size(Vec2::new(ui.available_width(), 14.0), Sense::hover());
        let font = egui::FontId::proportional(11.0);
        let c = ui.visuals().text_color();
        ui.painter().text(rect.left_top(), egui::Align2::LEFT_TOP, "−1", font.clone(), c);
        ui.painter().text(rect.center_top(), egui::Align2::CENTER_TOP, "0", font.clone(), c);
        ui.painter().text(rect.right_top(), egui::Align2::RIGHT_TOP, "1", font, c);
        ui.add_space(8.0);
        if !self.exp.hides("showTestData") {
            ui.checkbox(&mut self.exp.show_test_data, "Show test data");
        }
        if !self.exp.hides("discretize") {
            ui.checkbox(&mut self.exp.discretize, "Discretize output");
        }
        ui.separator();
        self.link_section(ui, snap);
        ui.separator();
        if self.frames_per_second > 0.0 {
            ui.label(format!(
                "{} epochs/s · {} frames/s",
                fmt_rate(snap.epochs_per_second),
                fmt_rate(self.frames_per_second)
            ));
        }
        ui.label(format!("{} parameters · {} training points", snap.network.param_count(), snap.data.train.len()));
        ui.label(RichText::new("Press ? for the keys").weak());
    }
}

/// The original's round play button: a triangle to play, two bars to pause.
fn play_button(ui: &mut egui::Ui, playing: bool) -> egui::Response {
    let (rect, resp) = ui.allocate_exact_size(Vec2::splat(40.0), Sense::click());
    let label = if playing { "Pause" } else { "Play" };
    resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, label));
    let fill = if resp.hovered() { Color32::from_rgb(24, 24, 24) } else { Color32::from_rgb(60, 60, 60) };
    let p = ui.painter();
    let c = rect.center();
    p.circle_filled(c, 19.0, fill);
    if playing {
        for dx in [-4.5, 4.5] {
            p.rect_filled(
                egui::Rect::from_center_size(c + Vec2::new(dx, 0.0), Vec2::new(5.0, 16.0)),
                1.0,
                Color32::WHITE,
            );
        }
    } else {
        let pts = vec![c + Vec2::new(-5.0, -9.0), c + Vec2::new(10.0, 0.0), c + Vec2::new(-5.0, 9.0)];
        p.add(egui::Shape::convex_polygon(pts, Color32::WHITE, Stroke::NONE));
    }
    resp.on_hover_text(format!("{label} training (Space)"))
}

/// A short line in a chart's colour, then its name.
fn line_key(ui: &mut egui::Ui, colour: Color32, name: &str) {
    let (rect, _) = ui.allocate_exact_size(Vec2::new(16.0, 12.0), Sense::hover());
    ui.painter().hline(rect.x_range(), rect.center().y, Stroke::new(2.0, colour));
    ui.label(name);
}

/// What the link does not reproduce of this state (nothing, for an untouched run at epoch 0).
pub fn link_leaves_out(snap: &Snapshot) -> Vec<&'static str> {
    crate::session::link_leaves_out(snap.hand_edited, snap.epoch, &snap.origin)
}

fn fmt_rate(v: f64) -> String {
    if v >= 100.0 { format!("{v:.0}") } else { format!("{v:.1}") }
}

pub(super) fn fmt_loss(v: f64) -> String {
    if v.is_finite() { format!("{v:.3}") } else { crate::jsnum::to_string(v) }
}
