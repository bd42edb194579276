//! The controls, in egui. The UI edits its own copy of the experiment and turns what changed
//! into [`Command`]s for the trainer; it never touches the network or the GPU. The pure rules
//! (limits, presets, layer and neuron arithmetic, shortcuts) live in [`rules`] and are tested
//! alone; `tests.rs` drives the real panels through egui without a window.
//!
//! The window's layout follows the original: a top bar (run controls and training settings),
//! the data panel on the left, the output panel on the right, and between them the
//! visualisation, which our own GPU pipelines draw. This module only overlays that middle
//! area with its labels and buttons, placed with the same [`Layout`] arithmetic the renderer
//! uses.

mod controls;
pub mod files;
pub mod manipulate;
mod network;
pub mod paint;
pub mod rules;
#[cfg(test)]
mod tests;
mod widgets;

use crate::data::Dataset;
use crate::render::layout::Layout;
use crate::session::Losses;
use crate::sim::{Command, HistoryEvent, Snapshot};
use crate::state::Experiment;
use egui::{Color32, Rect};
use rules::Shortcut;

pub const ORANGE: Color32 = Color32::from_rgb(245, 147, 34);
pub const BLUE: Color32 = Color32::from_rgb(8, 119, 189);
pub const GREY: Color32 = Color32::from_rgb(232, 234, 235);

/// Points above the diagram kept for its headings and the layer buttons.
pub const HEADER: f32 = 76.0;

/// What the frame should do besides sending commands.
#[derive(Default, Debug)]
pub struct UiOutput {
    pub commands: Vec<Command>,
    /// The area left for the visualisation, in points (headings excluded).
    pub viz: Option<Rect>,
    pub toggle_fullscreen: bool,
    pub leave_fullscreen: bool,
    /// Ctrl +, - or 0: the window applies it and remembers it.
    pub zoom: Option<rules::Zoom>,
    /// The hovered (or edited) item of the diagram, for the renderer to show.
    pub focus: crate::render::frame::Focus,
    /// Ctrl+P: save this frame as a PNG named with the time.
    pub screenshot: bool,
}

pub struct Ui {
    /// The settings being edited; sent to the trainer when they differ from `sent`.
    pub exp: Experiment,
    sent: Experiment,
    /// `SetExperiment` commands sent so far (compared with [`Snapshot::edits`]).
    edits_sent: u64,
    seed_text: String,
    pub speed: f64,
    chart: Vec<Losses>,
    pub show_help: bool,
    thumbs: Vec<(Dataset, egui::TextureHandle)>,
    /// Set by the window from its presented frames (0: not measured, e.g. a headless render).
    pub frames_per_second: f64,
    /// Wheel travel over a layer's neuron count not yet turned into neurons.
    wheel: f32,
    /// The diagram's pan and zoom (wheel, drag on empty space; double-click fits it again).
    pub view: crate::render::layout::DiagramView,
    /// The controls are hidden (H): the picture alone, for a talk.
    pub presenting: bool,
    /// When "Copy link" was last pressed.
    copied: Option<std::time::Instant>,
    /// A text field had the keyboard at the end of the last frame.
    typing: bool,
    /// The hidden layer whose neuron count is being typed.
    layer_typing: Option<usize>,
    /// The value box a click on a link or bias opened.
    edit: Option<manipulate::EditBox>,
    /// A link or bias being dragged: what, its value at the start, the travel so far.
    drag: Option<(crate::render::hit::Hit, f64, f64)>,
    /// Points being painted on the field.
    stroke: Option<paint::Stroke>,
    /// The open file box (Ctrl+O, Ctrl+S).
    pub file: Option<files::FileBox>,
    /// The last file opened or saved: what the file box suggests next.
    last_path: Option<std::path::PathBuf>,
    /// What the trainer (or a paste) had to say, and when.
    notices: Vec<(crate::sim::Notice, std::time::Instant)>,
}

impl Ui {
    pub fn new(exp: Experiment) -> Self {
        Ui {
            seed_text: exp.seed.clone(),
            sent: exp.clone(),
            edits_sent: 0,
            exp,
            speed: 1.0,
            chart: Vec::new(),
            show_help: false,
            thumbs: Vec::new(),
            frames_per_second: 0.0,
            wheel: 0.0,
            view: Default::default(),
            presenting: false,
            copied: None,
            typing: false,
            layer_typing: None,
            edit: None,
            drag: None,
            stroke: None,
            file: None,
            last_path: None,
            notices: Vec::new(),
        }
    }

    /// The loss chart's points (epoch 0 first).
    pub fn chart(&self) -> &[Losses] {
        &self.chart
    }

    /// Takes the trainer's state as the truth (it may have drawn a new seed, for instance), but
    /// only once it has applied every edit sent: an older snapshot must not undo a click.
    fn sync(&mut self, snap: &Snapshot) {
        if snap.edits == self.edits_sent && snap.experiment != self.sent {
            // Keep edits the trainer has not seen yet; adopt everything it decided itself.
            if self.exp == self.sent {
                self.exp = snap.experiment.clone();
            }
            if self.seed_text == self.sent.seed {
                self.seed_text = snap.experiment.seed.clone();
            }
            self.sent = snap.experiment.clone();
        }
    }

    pub fn absorb(&mut self, events: Vec<HistoryEvent>) {
        for e in events {
            match e {
                HistoryEvent::Restart(history) => self.chart = history,
                HistoryEvent::Epoch(l) => self.chart.push(l),
                HistoryEvent::Amend(l) => match self.chart.last_mut() {
                    Some(last) if last.epoch == l.epoch => *last = l,
                    _ => self.chart.push(l),
                },
            }
        }
    }

    /// Draws every panel and returns what the user asked for.
    pub fn show(&mut self, ctx: &egui::Context, root: &mut egui::Ui, snap: &Snapshot) -> UiOutput {
        self.sync(snap);
        if self.thumbs.is_empty() {
            self.thumbs = widgets::dataset_thumbnails(ctx);
        }
        let mut out = UiOutput::default();
        self.shortcuts(ctx, &mut out);
        self.dropped(ctx, &mut out);

        if !self.presenting {
            egui::Panel::top("controls").show(root, |ui| self.top_bar(ui, snap, &mut out));
            egui::Panel::left("data")
                .resizable(false)
                .exact_size(236.0)
                .show(root, |ui| egui::ScrollArea::vertical().show(ui, |ui| self.data_panel(ui, snap, &mut out)));
            egui::Panel::right("output")
                .resizable(false)
                .exact_size(256.0)
                .show(root, |ui| self.output_panel(ui, snap));
        }
        egui::CentralPanel::no_frame().show(root, |ui| {
            out.viz = Some(self.network_overlay(ui, snap, &mut out));
            if self.presenting {
                self.hud(ui, snap);
            }
        });
        if self.show_help {
            let mut open = true;
            egui::Window::new("Keys").collapsible(false).resizable(false).open(&mut open).show(ctx, |ui| {
                egui::Grid::new("keys").num_columns(2).spacing([16.0, 4.0]).show(ui, |ui| {
                    for (k, what) in rules::HELP {
                        ui.strong(k);
                        ui.label(what);
                        ui.end_row();
                    }
                });
            });
            self.show_help &= open;
        }
        self.file_box(ctx, &mut out);
        self.notices_toast(ctx);

        self.typing = ctx.egui_wants_keyboard_input();
        if self.exp != self.sent {
            out.commands.push(Command::SetExperiment(Box::new(self.exp.clone())));
            self.sent = self.exp.clone();
            self.edits_sent += 1;
        }
        out
    }

    /// With the controls hidden: the epoch and losses in a corner, and how to get them back.
    fn hud(&self, ui: &mut egui::Ui, snap: &Snapshot) {
        let r = ui.max_rect();
        let font = egui::FontId::proportional(15.0);
        let strong = ui.visuals().strong_text_color();
        let text = format!(
            "Epoch {}    Test loss {}    Training loss {}",
            rules::epoch_text(snap.epoch),
            controls::fmt_loss(snap.losses.test),
            controls::fmt_loss(snap.losses.train)
        );
        ui.painter().text(r.left_bottom() + egui::vec2(16.0, -14.0), egui::Align2::LEFT_BOTTOM, text, font, strong);
        let hint = egui::FontId::proportional(11.0);
        let weak = ui.visuals().weak_text_color();
        ui.painter().text(
            r.right_bottom() + egui::vec2(-16.0, -14.0),
            egui::Align2::RIGHT_BOTTOM,
            "H: controls",
            hint,
            weak,
        );
    }

    fn shortcuts(&mut self, ctx: &egui::Context, out: &mut UiOutput) {
        // Shortcuts never fire while a text field has focus. egui drops the focus on Esc before
        // this runs, so the field's Esc (cancel) is told apart by last frame's focus.
        if ctx.egui_wants_keyboard_input() || self.typing || self.file.is_some() {
            return;
        }
        let (pressed, pasted): (Vec<Shortcut>, Vec<String>) = ctx.input(|i| {
            let keys = i
                .events
                .iter()
                .filter_map(|e| match e {
                    egui::Event::Key { key, pressed: true, repeat: false, modifiers, .. } => {
                        rules::shortcut(*key, *modifiers)
                    }
                    egui::Event::Text(t) if t == "?" => Some(Shortcut::Help),
                    _ => None,
                })
                .collect();
            let pasted = i
                .events
                .iter()
                .filter_map(|e| match e {
                    egui::Event::Paste(t) => Some(t.clone()),
                    _ => None,
                })
                .collect();
            (keys, pasted)
        });
        // Ctrl+V outside a text field: a link or a file's path opens.
        for text in pasted {
            self.open_pasted(&text, out);
        }
        for s in pressed {
            match s {
                Shortcut::PlayPause => out.commands.push(Command::TogglePlay),
                Shortcut::Step => out.commands.push(Command::Step),
                Shortcut::Reset => out.commands.push(Command::Reset),
                Shortcut::Fullscreen => out.toggle_fullscreen = true,
                Shortcut::LeaveFullscreen => {
                    out.leave_fullscreen = true;
                    self.show_help = false;
                }
                Shortcut::Help => self.show_help = !self.show_help,
                Shortcut::Present => self.presenting = !self.presenting,
                Shortcut::Zoom(z) => out.zoom = Some(z),
                Shortcut::Open => self.open_file_box(files::FileAction::Open),
                Shortcut::Save => self.open_file_box(files::FileAction::Save),
                Shortcut::Screenshot => out.screenshot = true,
            }
        }
    }
}

/// The visualisation's area in points (below the headings) as the renderer's pixel rectangle.
pub fn viz_area(rect: Rect, ppp: f32) -> crate::render::layout::Rect {
    crate::render::layout::Rect {
        x: rect.min.x * ppp,
        y: rect.min.y * ppp,
        w: rect.width() * ppp,
        h: rect.height() * ppp,
    }
}

/// The diagram's layout for the visualisation's area in points (the renderer works in pixels):
/// the same arithmetic the frame uses, so controls line up with what is drawn.
pub fn viz_layout(rect: Rect, ppp: f32, hidden: &[usize]) -> Layout {
    let (w, h) = ((rect.max.x * ppp) as u32, (rect.max.y * ppp) as u32);
    Layout::within(viz_area(rect, ppp), w, h, hidden, crate::render::field::FEATURE_ROWS)
}
