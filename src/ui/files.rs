//! Sharing and keeping: the file box (Ctrl+O opens, Ctrl+S saves, CSV import and export),
//! links and files pasted (Ctrl+V) or dropped on the window, and the trainer's notices.
//!
//! The UI only decides; reading and writing happen on the trainer thread (a big file must not
//! stall a frame), which answers with a [`Notice`]. The one check made here is whether a save
//! would replace a file: the user is asked first, and the trainer still refuses to replace a
//! file that appeared meanwhile unless told to.

use super::{Ui, UiOutput};
use crate::cli::Source;
use crate::sim::{Command, Notice};
use crate::state::Experiment;
use egui::RichText;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What the file box does with its path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileAction {
    /// An experiment file, a CSV of points, or a link.
    Open,
    /// The whole run as an experiment file.
    Save,
    /// The points (with labels) as CSV.
    ExportCsv,
}

impl FileAction {
    fn title(self) -> &'static str {
        match self {
            FileAction::Open => "Open",
            FileAction::Save => "Save experiment",
            FileAction::ExportCsv => "Export points as CSV",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            FileAction::ExportCsv => "csv",
            _ => crate::session::file::EXTENSION,
        }
    }
}

/// The open file box.
#[derive(Clone, Debug, PartialEq)]
pub struct FileBox {
    pub action: FileAction,
    pub text: String,
    /// A save that would replace this file, waiting for the user's answer.
    pub confirm: Option<PathBuf>,
    pub error: Option<String>,
    /// Opened this frame: focus the text field.
    pub fresh: bool,
}

/// How long a notice stays on screen (an error longer: it may need reading twice).
const NOTICE_TIME: Duration = Duration::from_secs(6);
const ERROR_TIME: Duration = Duration::from_secs(15);

/// `~/x` as the home folder's `x`; other paths as typed (relative to the working folder).
pub fn expand_path(text: &str) -> PathBuf {
    let t = text.trim();
    if let Some(rest) = t.strip_prefix("~/")
        && let Some(home) = std::env::var_os("HOME")
    {
        return PathBuf::from(home).join(rest);
    }
    PathBuf::from(t)
}

fn is_csv(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

/// The command that opens `path`: a CSV of points is imported; a small text file holding a
/// playground link (a browser's `.url` or `.desktop` shortcut, a saved note) opens the link;
/// anything else is read as an experiment file (the trainer says so if it is not one).
pub fn open_command(path: &Path) -> Command {
    if is_csv(path) {
        return Command::ImportCsv(path.to_path_buf());
    }
    let json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if !json && let Some(exp) = link_in_file(path) {
        return Command::OpenLink(Box::new(exp));
    }
    Command::OpenFile(path.to_path_buf())
}

/// The first playground link in a small text file. (A link dragged from a browser reaches an X11
/// window only as a file: winit drops anything but file URIs.)
fn link_in_file(path: &Path) -> Option<Experiment> {
    if std::fs::metadata(path).ok()?.len() > 64 * 1024 {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    text.lines().find_map(|line| {
        let l = line.trim();
        let l = l.strip_prefix("URL=").unwrap_or(l);
        let is_link = (l.starts_with("http://") || l.starts_with("https://")) && l.contains('#') && l.contains('=');
        if is_link { Experiment::from_link(l).ok().map(|i| i.experiment) } else { None }
    })
}

/// What pasted or dropped text opens: a link, or an existing file. Errors say what it was.
pub fn open_text(text: &str) -> Result<Command, String> {
    let shown: String = text.trim().chars().take(80).collect();
    let path = expand_path(text);
    if !text.trim().is_empty() && path.is_file() {
        return Ok(open_command(&path));
    }
    match Source::parse(text) {
        Ok(Source::File(path)) => Ok(open_command(&path)),
        Ok(Source::Link(link)) => match Experiment::from_link(&link) {
            Ok(imported) => Ok(Command::OpenLink(Box::new(imported.experiment))),
            Err(e) => Err(format!("Could not open the link: {e}")),
        },
        Err(_) if text.trim().is_empty() => Err("Nothing to open: the clipboard holds no text".into()),
        Err(e) => Err(format!("`{shown}` is not something to open: {e}")),
    }
}

impl Ui {
    /// The trainer's notices since the last frame.
    pub fn notify(&mut self, notices: Vec<Notice>) {
        let now = Instant::now();
        self.notices.extend(notices.into_iter().map(|n| (n, now)));
        let len = self.notices.len();
        if len > 4 {
            self.notices.drain(..len - 4);
        }
    }

    fn say(&mut self, error: bool, text: String) {
        self.notify(vec![Notice { error, text }]);
    }

    /// Opens the file box for `action`, suggesting the last path used.
    pub fn open_file_box(&mut self, action: FileAction) {
        let suggestion = match (&self.last_path, action) {
            (Some(p), FileAction::ExportCsv) => p.with_extension("csv").display().to_string(),
            (Some(p), FileAction::Save) if is_csv(p) => p.with_extension("json").display().to_string(),
            (Some(p), _) => p.display().to_string(),
            (None, FileAction::Open) => String::new(),
            (None, a) => format!("experiment.{}", a.extension()),
        };
        self.file = Some(FileBox { action, text: suggestion, confirm: None, error: None, fresh: true });
    }

    /// Pasted text (Ctrl+V outside a text field) or a dropped file's path.
    pub(super) fn open_pasted(&mut self, text: &str, out: &mut UiOutput) {
        match open_text(text) {
            Ok(cmd) => self.send_open(cmd, out),
            Err(e) => self.say(true, e),
        }
    }

    /// Sends an open command, remembering a file's path for the file box's next suggestion.
    fn send_open(&mut self, cmd: Command, out: &mut UiOutput) {
        if let Command::OpenFile(p) | Command::ImportCsv(p) = &cmd {
            self.last_path = Some(p.clone());
        }
        out.commands.push(cmd);
    }

    /// Files dropped on the window open as if typed into the Open box.
    pub(super) fn dropped(&mut self, ctx: &egui::Context, out: &mut UiOutput) {
        let (dropped, hovering) = ctx.input(|i| (i.raw.dropped_files.clone(), !i.raw.hovered_files.is_empty()));
        for f in dropped {
            self.open_pasted(&f.path().to_string_lossy(), out);
        }
        if hovering {
            let rect = ctx.content_rect();
            let painter = ctx.layer_painter(egui::LayerId::new(egui::Order::Foreground, egui::Id::unique("drop")));
            painter.rect_filled(rect, 0.0, egui::Color32::from_black_alpha(120));
            painter.text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                "Drop to open: an experiment (.json) or your points (.csv)",
                egui::FontId::proportional(24.0),
                egui::Color32::WHITE,
            );
        }
    }

    /// The data panel's part: where the points came from, and the file buttons.
    pub(super) fn files_section(&mut self, ui: &mut egui::Ui, snap: &crate::sim::Snapshot, out: &mut UiOutput) {
        if let Some(d) = snap.origin.describe() {
            ui.label(RichText::new(d).small());
            if ui.button("Use generated data").on_hover_text("Back to the dataset picked above").clicked() {
                out.commands.push(Command::GeneratedData);
            }
        }
        ui.label(RichText::new("Paint on the output: left button blue, right orange, Shift erases.").small().weak());
        ui.horizontal_wrapped(|ui| {
            if ui.button("Clear points").on_hover_text("Remove every point, to paint your own").clicked() {
                out.commands.push(Command::ClearPoints);
            }
            if ui.button("Export CSV…").on_hover_text("The points and their labels, as x,y,label").clicked() {
                self.open_file_box(FileAction::ExportCsv);
            }
        });
        ui.horizontal_wrapped(|ui| {
            if ui.button("Open…").on_hover_text("An experiment, a CSV of points or a link (Ctrl+O)").clicked() {
                self.open_file_box(FileAction::Open);
            }
            if ui.button("Save…").on_hover_text("The whole run: settings, points, weights, history (Ctrl+S)").clicked()
            {
                self.open_file_box(FileAction::Save);
            }
        });
    }

    /// The file box, when open.
    pub(super) fn file_box(&mut self, ctx: &egui::Context, out: &mut UiOutput) {
        let Some(fb) = &mut self.file else { return };
        let mut close = false;
        let mut submit = false;
        let mut replace = false;
        egui::Window::new(fb.action.title())
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_TOP, [0.0, 80.0])
            .show(ctx, |ui| {
                ui.set_width(420.0);
                let hint = match fb.action {
                    FileAction::Open => "An experiment file, a CSV of x,y,label rows, or a playground link",
                    FileAction::Save => "The file to write (a .json experiment)",
                    FileAction::ExportCsv => "The file to write (x,y,label rows)",
                };
                ui.label(hint);
                let output = egui::TextEdit::singleline(&mut fb.text)
                    .desired_width(f32::INFINITY)
                    .hint_text("path or link")
                    .show(ui);
                let resp = output.response.response.clone();
                if std::mem::take(&mut fb.fresh) {
                    // The suggestion is selected: typing replaces it, an arrow key keeps it.
                    resp.request_focus();
                    let mut state = output.state;
                    state.cursor.set_char_range(Some(egui::text::CCursorRange::select_all_str(&fb.text)));
                    state.store(ui.ctx(), resp.id);
                }
                if let Ok(dir) = std::env::current_dir() {
                    ui.label(RichText::new(format!("Relative to {}", dir.display())).small().weak());
                }
                if let Some(e) = &fb.error {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                if let Some(p) = &fb.confirm {
                    ui.colored_label(ui.visuals().warn_fg_color, format!("{} exists. Replace it?", p.display()));
                    ui.horizontal(|ui| {
                        replace = ui.button("Replace").clicked();
                        close |= ui.button("Cancel").clicked();
                    });
                } else {
                    ui.horizontal(|ui| {
                        let verb = if fb.action == FileAction::Open { "Open" } else { "Save" };
                        submit = ui.button(verb).clicked();
                        close |= ui.button("Cancel").clicked();
                    });
                }
                submit |= resp.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                close |= ui.input(|i| i.key_pressed(egui::Key::Escape));
            });
        if close {
            self.file = None;
            return;
        }
        let Some(fb) = &mut self.file else { return };
        if replace && let Some(path) = fb.confirm.take() {
            out.commands.push(save_command(fb.action, path.clone(), true));
            self.last_path = Some(path);
            self.file = None;
            return;
        }
        if !submit || fb.confirm.is_some() {
            return;
        }
        let text = fb.text.trim().to_string();
        if text.is_empty() {
            fb.error = Some("Type a path first".into());
            fb.fresh = true;
            return;
        }
        if fb.action == FileAction::Open {
            match open_text(&text) {
                Ok(cmd) => {
                    self.file = None;
                    self.send_open(cmd, out);
                }
                Err(_) if !expand_path(&text).exists() && !text.contains('=') => {
                    fb.error = Some(format!("There is no file {}", expand_path(&text).display()));
                    fb.fresh = true;
                }
                Err(e) => {
                    fb.error = Some(e);
                    fb.fresh = true;
                }
            }
            return;
        }
        let mut path = expand_path(&text);
        if path.extension().is_none() {
            path.set_extension(fb.action.extension());
        }
        if path.is_dir() {
            fb.error = Some(format!("{} is a folder: add a file name", path.display()));
            fb.fresh = true;
        } else if path.exists() {
            fb.confirm = Some(path);
        } else {
            out.commands.push(save_command(fb.action, path.clone(), false));
            self.last_path = Some(path);
            self.file = None;
        }
    }

    /// The latest notices, at the bottom of the picture.
    pub(super) fn notices_toast(&mut self, ctx: &egui::Context) {
        let now = Instant::now();
        self.notices.retain(|(n, t)| now.duration_since(*t) < if n.error { ERROR_TIME } else { NOTICE_TIME });
        if self.notices.is_empty() {
            return;
        }
        egui::Area::new(egui::Id::unique("notices"))
            .order(egui::Order::Foreground)
            .anchor(egui::Align2::CENTER_BOTTOM, [0.0, -16.0])
            .show(ctx, |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.set_max_width(640.0);
                    for (n, _) in &self.notices {
                        let colour = if n.error { ui.visuals().error_fg_color } else { ui.visuals().text_color() };
                        ui.colored_label(colour, &n.text);
                    }
                });
            });
        ctx.request_repaint_after(Duration::from_millis(500));
    }
}

fn save_command(action: FileAction, path: PathBuf, replace: bool) -> Command {
    match action {
        FileAction::ExportCsv => Command::ExportCsv { path, replace },
        _ => Command::Save { path, replace },
    }
}
