//! The real panels, driven through egui without a window: widgets are found by their
//! accessibility labels (egui's AccessKit tree), clicked with pointer events, and the commands
//! the UI produces are checked.

use super::*;
use crate::nn::TrainPath;
use crate::session::Session;
use crate::sim::Snapshot;
use egui::{Event, Key, Modifiers, PointerButton, Pos2, Vec2};

struct Harness {
    ctx: egui::Context,
    ui: Ui,
    snap: Snapshot,
    time: f64,
    /// Widgets of the last frame: label and bounds.
    widgets: Vec<(String, egui::Rect)>,
    /// Text the UI last put on the clipboard.
    clipboard: Option<String>,
}

impl Harness {
    fn new(link: &str) -> Self {
        let exp = Experiment::from_link(link).expect("link").experiment;
        let session = Session::new(exp.clone(), TrainPath::Auto).expect("session");
        let snap = Snapshot::of(&session);
        let ctx = egui::Context::default();
        ctx.enable_accesskit();
        let mut h = Harness { ctx, ui: Ui::new(exp), snap, time: 0.0, widgets: Vec::new(), clipboard: None };
        // Two frames: egui sizes some widgets on the first.
        h.frame(Vec::new());
        h.frame(Vec::new());
        h
    }

    fn frame(&mut self, events: Vec<Event>) -> UiOutput {
        self.time += 1.0 / 60.0;
        let raw = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(Pos2::ZERO, Vec2::new(1280.0, 800.0))),
            time: Some(self.time),
            events,
            ..Default::default()
        };
        let mut out = UiOutput::default();
        let ctx = self.ctx.clone();
        let (ui, snap) = (&mut self.ui, &self.snap);
        let mut full = self.ctx.run_ui(raw, |root| out = ui.show(&ctx, root, snap));
        // No renderer here: the texture updates go nowhere.
        full.textures_delta.clear();
        for c in &full.platform_output.commands {
            if let egui::OutputCommand::CopyText(t) = c {
                self.clipboard = Some(t.clone());
            }
        }
        if let Some(update) = full.platform_output.accesskit_update {
            // A widget is found by its label or by its value (a drag value's number).
            self.widgets = update
                .nodes
                .iter()
                .filter_map(|(_, node)| {
                    let b = node.bounds()?;
                    let r = egui::Rect::from_min_max(
                        Pos2::new(b.x0 as f32, b.y0 as f32),
                        Pos2::new(b.x1 as f32, b.y1 as f32),
                    );
                    Some([node.label(), node.value()].into_iter().flatten().map(move |t| (t.to_string(), r)))
                })
                .flatten()
                .collect();
        }
        out
    }

    /// Every widget labelled `label`, top to bottom, then left to right. A widget and its own
    /// text node (one inside the other) count once.
    fn all(&self, label: &str) -> Vec<egui::Rect> {
        let mut v: Vec<egui::Rect> = Vec::new();
        for (_, r) in self.widgets.iter().filter(|(l, _)| l == label) {
            if let Some(i) = v.iter().position(|o| o.contains(r.center()) || r.contains(o.center())) {
                v[i] = v[i].union(*r);
            } else {
                v.push(*r);
            }
        }
        v.sort_by(|a, b| (a.min.y, a.min.x).partial_cmp(&(b.min.y, b.min.x)).expect("finite"));
        v
    }

    fn find(&self, label: &str) -> egui::Rect {
        let v = self.all(label);
        assert_eq!(v.len(), 1, "one widget labelled {label:?}; widgets: {:?}", self.labels());
        v[0]
    }

    fn labels(&self) -> Vec<&str> {
        self.widgets.iter().map(|(l, _)| l.as_str()).collect()
    }

    /// Moves there, presses and releases the primary button; returns the output of the
    /// release frame merged with the press frame's.
    fn click_at(&mut self, pos: Pos2) -> UiOutput {
        self.frame(vec![Event::PointerMoved(pos)]);
        let press = |pressed| button(pos, pressed);
        let mut out = self.frame(vec![press(true)]);
        let release = self.frame(vec![press(false)]);
        out.commands.extend(release.commands);
        out.toggle_fullscreen |= release.toggle_fullscreen;
        out
    }

    fn click(&mut self, label: &str) -> UiOutput {
        let r = self.find(label);
        self.click_at(r.center())
    }

    fn key(&mut self, key: Key) -> UiOutput {
        let ev = |pressed| Event::Key { key, physical_key: None, pressed, repeat: false, modifiers: Modifiers::NONE };
        let out = self.frame(vec![ev(true)]);
        self.frame(vec![ev(false)]);
        out
    }
}

/// `lines` notches of a mouse wheel (positive: away from the user).
fn wheel(lines: f32) -> Event {
    Event::MouseWheel {
        unit: egui::MouseWheelUnit::Line,
        delta: Vec2::new(0.0, lines),
        phase: egui::TouchPhase::Move,
        modifiers: Modifiers::NONE,
        source: egui::MouseWheelSource::Wheel,
    }
}

/// The primary button going down or up at `pos`.
fn button(pos: Pos2, pressed: bool) -> Event {
    Event::PointerButton { pos, button: PointerButton::Primary, pressed, modifiers: Modifiers::NONE }
}

fn shape_sent(out: &UiOutput) -> Option<Vec<usize>> {
    out.commands.iter().rev().find_map(|c| match c {
        Command::SetExperiment(e) => Some(e.network_shape.clone()),
        _ => None,
    })
}

#[test]
fn buttons_produce_their_commands() {
    let mut h = Harness::new("seed=ui");
    assert_eq!(h.click("Play").commands, vec![Command::TogglePlay]);
    assert_eq!(h.click("Step").commands, vec![Command::Step]);
    assert_eq!(h.click("Reset").commands, vec![Command::Reset]);
    assert_eq!(h.click("Regenerate").commands, vec![Command::Regenerate]);
    // An untouched frame sends nothing.
    assert!(h.frame(Vec::new()).commands.is_empty());
}

#[test]
fn keys_produce_commands_but_not_while_typing() {
    let mut h = Harness::new("seed=ui");
    assert_eq!(h.key(Key::Space).commands, vec![Command::TogglePlay]);
    assert_eq!(h.key(Key::ArrowRight).commands, vec![Command::Step]);
    assert_eq!(h.key(Key::S).commands, vec![Command::Step]);
    assert_eq!(h.key(Key::R).commands, vec![Command::Reset]);
    assert!(h.key(Key::F).toggle_fullscreen);
    assert!(h.key(Key::F11).toggle_fullscreen);
    assert!(h.key(Key::Escape).leave_fullscreen);
    h.frame(vec![Event::Text("?".into())]);
    assert!(h.ui.show_help, "? opens the key help");

    // Focus the seed field: the same keys now type instead.
    let seed = h.find("ui");
    h.click_at(seed.center());
    assert!(h.ctx.egui_wants_keyboard_input(), "the seed field has focus");
    for k in [Key::Space, Key::R, Key::S, Key::F] {
        let out = h.key(k);
        assert!(out.commands.is_empty() && !out.toggle_fullscreen, "{k:?} fired while typing");
    }
    // Typing a new seed and pressing Enter sends it.
    h.frame(vec![Event::Text("7".into())]);
    let out = h.key(Key::Enter);
    let sent = out.commands.iter().find_map(|c| match c {
        Command::SetExperiment(e) => Some(e.seed.clone()),
        _ => None,
    });
    assert!(sent.is_some_and(|s| s.contains('7')), "{:?}", out.commands);
}

#[test]
fn layer_and_neuron_buttons_and_wheel() {
    let mut h = Harness::new("seed=ui&networkShape=4,2");
    let plus = h.all("+");
    let minus = h.all("-");
    // The hidden-layer +/- sit on the heading row, above one +/- per layer.
    assert_eq!((plus.len(), minus.len()), (3, 3), "{:?}", h.labels());
    assert_eq!(shape_sent(&h.click_at(plus[0].center())), Some(vec![4, 2, 2]));
    // The trainer has not published the edit yet: its older snapshot must not undo it.
    assert!(h.frame(Vec::new()).commands.is_empty());
    assert_eq!(h.ui.exp.network_shape, vec![4, 2, 2]);
    assert_eq!(shape_sent(&h.click_at(minus[0].center())), Some(vec![4, 2]));
    // Layer buttons: below the heading, left to right.
    let (p1, m2) = (plus[1], minus[2]);
    assert_eq!(shape_sent(&h.click_at(p1.center())), Some(vec![5, 2]));
    assert_eq!(shape_sent(&h.click_at(m2.center())), Some(vec![5, 1]));
    // A layer keeps one neuron.
    assert_eq!(shape_sent(&h.click_at(m2.center())), None);

    // The wheel over the first layer's count: one notch, one neuron.
    let over = Pos2::new(p1.center().x + 4.0, p1.bottom() + 12.0);
    h.frame(vec![Event::PointerMoved(over)]);
    assert_eq!(shape_sent(&h.frame(vec![wheel(1.0)])), Some(vec![6, 1]));
    assert_eq!(shape_sent(&h.frame(vec![wheel(-2.0)])), Some(vec![4, 1]));
}

#[test]
fn feature_labels_toggle_inputs() {
    let mut h = Harness::new("seed=ui");
    let out = h.click("X1²");
    let features = out.commands.iter().find_map(|c| match c {
        Command::SetExperiment(e) => Some(e.features),
        _ => None,
    });
    let f = features.expect("a feature click sends the new settings");
    assert!(f.contains(crate::data::Feature::XSquared) && f.contains(crate::data::Feature::X));
    let out = h.click("X1");
    assert!(
        out.commands
            .iter()
            .any(|c| matches!(c, Command::SetExperiment(e) if !e.features.contains(crate::data::Feature::X)))
    );
}

#[test]
fn link_values_beyond_the_sliders_are_kept_and_shown() {
    let mut h = Harness::new("seed=ui&noise=80&batchSize=31&learningRate=0.02");
    // Shown as they are...
    assert!(h.labels().iter().any(|l| l.contains("Noise: 80")), "{:?}", h.labels());
    assert!(h.labels().iter().any(|l| l.contains("Batch size: 31")), "{:?}", h.labels());
    assert!(h.labels().contains(&"0.02"), "the learning-rate menu shows 0.02: {:?}", h.labels());
    // ...and frames that touch nothing never clamp them.
    for _ in 0..3 {
        assert!(h.frame(Vec::new()).commands.is_empty());
    }
    assert_eq!((h.ui.exp.noise, h.ui.exp.batch_size, h.ui.exp.learning_rate), (80.0, 31, 0.02));
}

#[test]
fn trainer_decisions_are_adopted() {
    // The trainer drew a new seed (a dataset change): the UI shows it and sends nothing back.
    let mut h = Harness::new("seed=ui");
    assert_eq!(h.snap.edits, h.ui.edits_sent);
    let mut e = h.snap.experiment.clone();
    e.seed = "0.12345".into();
    e.noise = 10.0;
    h.snap.experiment = e;
    assert!(h.frame(Vec::new()).commands.is_empty());
    assert_eq!(h.ui.exp.seed, "0.12345");
    assert!(h.labels().contains(&"0.12345"), "the seed field follows: {:?}", h.labels());
}

#[test]
fn a_layer_width_can_be_typed() {
    let mut h = Harness::new("seed=ui&networkShape=4,2");
    let count = h.find("4 neurons");
    // A click on a drag value opens it for typing.
    h.click_at(count.center());
    assert!(h.ctx.egui_wants_keyboard_input(), "the count is being edited: {:?}", h.labels());
    let select_all =
        Event::Key { key: Key::A, physical_key: None, pressed: true, repeat: false, modifiers: Modifiers::COMMAND };
    h.frame(vec![select_all, Event::Text("1024".into())]);
    let out = h.key(Key::Enter);
    assert_eq!(shape_sent(&out), Some(vec![1024, 2]), "{:?}", out.commands);
    // Beyond the limit it stops at the limit.
    let count = h.find("1024 neurons");
    h.click_at(count.center());
    let select_all =
        Event::Key { key: Key::A, physical_key: None, pressed: true, repeat: false, modifiers: Modifiers::COMMAND };
    h.frame(vec![select_all, Event::Text("99999".into())]);
    let out = h.key(Key::Enter);
    assert_eq!(shape_sent(&out), Some(vec![rules::MAX_NEURONS, 2]));
}

#[test]
fn copy_link_copies_and_says_what_the_link_leaves_out() {
    let mut h = Harness::new("seed=ui&networkShape=3");
    assert!(super::controls::link_leaves_out(&h.snap).is_empty(), "a fresh run is its link");
    h.click("Copy link");
    assert_eq!(h.clipboard.as_deref(), Some(h.snap.experiment.to_link().as_str()));
    h.snap.hand_edited = true;
    h.snap.epoch = 12;
    h.frame(Vec::new());
    let labels = h.labels();
    assert!(labels.contains(&"Edited weights: the link gives the initial ones."), "{labels:?}");
    assert!(labels.contains(&"The link starts again from epoch 0."), "{labels:?}");
}

#[test]
fn a_crowd_of_layers_shows_the_count_under_the_pointer() {
    let shape = vec!["8"; 16].join(",");
    let mut h = Harness::new(&format!("seed=ui&networkShape={shape}"));
    assert!(h.all("8").is_empty(), "no room for sixteen counts: {:?}", h.labels());
    let viz = h.frame(Vec::new()).viz.expect("viz");
    let l = viz_layout(viz, 1.0, &[8; 16]);
    let x = l.columns[4].x + l.columns[4].size / 2.0;
    h.frame(vec![Event::PointerMoved(Pos2::new(x, viz.min.y - 14.0))]);
    h.frame(Vec::new());
    assert_eq!(h.all("8").len(), 1, "the hovered layer's count: {:?}", h.labels());
    // The wheel there changes that layer (the fourth hidden layer: column 4).
    let out = h.frame(vec![wheel(2.0)]);
    let mut want = vec![8; 16];
    want[3] = 10;
    assert_eq!(shape_sent(&out), Some(want));
}

#[test]
fn classroom_flags_hide_their_controls() {
    let h = Harness::new(
        "seed=ui&networkShape=3,2&noise_hide=true&playButton_hide=true&numHiddenLayers_hide=true&activation_hide=false",
    );
    let labels = h.labels();
    for gone in ["Play", "Noise"] {
        assert!(!labels.contains(&gone), "{gone} is hidden: {labels:?}");
    }
    for kept in ["Step", "Reset", "Batch size", "Activation"] {
        assert!(labels.contains(&kept), "{kept} stays: {labels:?}");
    }
    // The layer +/- go; each layer's neuron +/- stay.
    assert_eq!(h.all("+").len(), 2, "{labels:?}");
}

#[test]
fn h_hides_the_controls_and_brings_them_back() {
    let mut h = Harness::new("seed=ui");
    let before = h.frame(Vec::new()).viz.expect("viz");
    h.key(Key::H);
    let out = h.frame(Vec::new());
    let during = out.viz.expect("viz");
    assert!(!h.labels().contains(&"Play") && !h.labels().contains(&"Regenerate"), "{:?}", h.labels());
    assert!(during.width() > before.width() + 400.0, "the picture takes the room: {before:?} -> {during:?}");
    // Keys still work while presenting.
    assert_eq!(h.key(Key::Space).commands, vec![Command::TogglePlay]);
    h.key(Key::H);
    h.frame(Vec::new());
    assert!(h.labels().contains(&"Play"));
}

mod manipulation {
    use super::*;
    use crate::render::frame::Focus;
    use crate::render::layout::Layout;

    fn layout(h: &mut Harness) -> Layout {
        let viz = h.frame(Vec::new()).viz.expect("the diagram's area");
        viz_layout(viz, 1.0, &h.snap.network.hidden_shape())
    }

    /// A point `t` of the way along the link into node `dst` of column `col` from `src`.
    fn on_link(l: &Layout, inputs: &[usize], col: usize, dst: usize, src: usize, t: f32) -> Pos2 {
        let (a, b) = (&l.columns[col - 1], &l.columns[col]);
        let src_row = if col == 1 { inputs[src] } else { src };
        let (ax, bx) = (a.x + a.size, b.x);
        let (ya, yb) = (l.centre_y(col - 1, src_row), l.centre_y(col, dst));
        Pos2::new(ax + (bx - ax) * t, ya + (yb - ya) * t)
    }

    fn sent(out: &UiOutput) -> Vec<Command> {
        out.commands
            .iter()
            .filter(|c| matches!(c, Command::SetWeight { .. } | Command::SetBias { .. }))
            .cloned()
            .collect()
    }

    #[test]
    fn hovering_focuses_nodes_features_and_links() {
        let mut h = Harness::new("seed=ui&networkShape=3,2");
        let l = layout(&mut h);
        let n = l.node(1, 2);
        let out = h.frame(vec![Event::PointerMoved(Pos2::new(n.x + n.w / 2.0, n.y + n.h / 2.0))]);
        assert_eq!(out.focus, Focus { node: Some((1, 2)), link: None });
        let f = l.node(0, 4);
        let out = h.frame(vec![Event::PointerMoved(Pos2::new(f.x + f.w / 2.0, f.y + f.h / 2.0))]);
        assert_eq!(out.focus, Focus { node: Some((0, 4)), link: None }, "a disabled feature too");
        // Link from the second hidden layer's node 0... into the output, a third of the way.
        let p = on_link(&l, &[0, 1], 3, 0, 1, 0.3);
        let out = h.frame(vec![Event::PointerMoved(p)]);
        assert_eq!(out.focus, Focus { node: None, link: Some((2, 0, 1)) });
        // Empty space far below the diagram: nothing.
        let out = h.frame(vec![Event::PointerMoved(Pos2::new(n.x + n.w / 2.0, l.network.bottom() - 2.0))]);
        assert_eq!(out.focus, Focus::default());
    }

    #[test]
    fn dragging_a_link_changes_its_weight_continuously() {
        let mut h = Harness::new("seed=ui&networkShape=3,2");
        let l = layout(&mut h);
        let p = on_link(&l, &[0, 1], 2, 1, 2, 0.5);
        let w0 = h.snap.network.layers()[1].weights[3 + 2]; // node 1 of a 3-input layer, input 2
        h.frame(vec![Event::PointerMoved(p)]);
        h.frame(vec![button(p, true)]);
        // 50 points up in small steps: +0.5 in all.
        let mut last = None;
        for i in 1..=10 {
            let out = h.frame(vec![Event::PointerMoved(p - Vec2::new(0.0, 5.0 * i as f32))]);
            if let Some(Command::SetWeight { layer, node, input, value }) = sent(&out).pop() {
                assert_eq!((layer, node, input), (1, 1, 2));
                last = Some(value);
            }
        }
        let v = last.expect("the drag sends the weight");
        // egui holds back the first few points of travel until it knows it is a drag.
        assert!((v - (w0 + 0.5)).abs() < 0.1, "{v} vs {}", w0 + 0.5);
        let out = h.frame(vec![button(p - Vec2::new(0.0, 50.0), false)]);
        assert!(sent(&out).is_empty() && h.ui.drag.is_none(), "released");
    }

    #[test]
    fn clicking_a_bias_opens_a_box_for_its_value() {
        let mut h = Harness::new("seed=ui&networkShape=3,2");
        let l = layout(&mut h);
        let b = l.bias_mark(2, 1);
        let out = h.click_at(Pos2::new(b.x + b.w / 2.0, b.y + b.h / 2.0));
        assert!(sent(&out).is_empty(), "a click alone changes nothing");
        assert!(h.ui.edit.is_some(), "the box is open");
        h.frame(Vec::new());
        assert!(h.ctx.egui_wants_keyboard_input(), "and takes the keys");
        // Not a number: the box says so and stays.
        let select_all = || Event::Key {
            key: Key::A,
            physical_key: None,
            pressed: true,
            repeat: false,
            modifiers: Modifiers::COMMAND,
        };
        h.frame(vec![select_all(), Event::Text("abc".into())]);
        let out = h.key(Key::Enter);
        assert!(sent(&out).is_empty());
        assert!(h.ui.edit.as_ref().is_some_and(|e| e.error.is_some()), "{:?}", h.ui.edit);
        h.frame(Vec::new());
        h.frame(vec![select_all(), Event::Text("-1.25".into())]);
        let out = h.key(Key::Enter);
        assert_eq!(sent(&out), vec![Command::SetBias { layer: 1, node: 1, value: -1.25 }]);
        assert!(h.ui.edit.is_none(), "closed");
        // Esc closes without a change.
        h.click_at(Pos2::new(b.x + b.w / 2.0, b.y + b.h / 2.0));
        h.frame(Vec::new());
        let out = h.key(Key::Escape);
        assert!(sent(&out).is_empty() && !out.leave_fullscreen, "Esc belongs to the box");
        h.frame(Vec::new());
        assert!(h.ui.edit.is_none());
    }

    #[test]
    fn wheel_zooms_drag_pans_double_click_fits() {
        let mut h = Harness::new("seed=ui&networkShape=64,64");
        let l = layout(&mut h);
        // An empty spot of the diagram: its top-left corner.
        let empty = Pos2::new(l.network.x + 3.0, l.network.y + 3.0);
        let centre = Pos2::new(l.network.x + l.network.w / 2.0, l.network.y + l.network.h / 2.0);
        h.frame(vec![Event::PointerMoved(centre)]);
        h.frame(vec![wheel(3.0)]);
        assert!((h.ui.view.zoom - 1.15f32.powi(3)).abs() < 1e-3, "{:?}", h.ui.view);
        assert!(h.labels().contains(&"Fit diagram"));
        // Drag from the empty corner: the view follows the pointer.
        let pan0 = h.ui.view.pan;
        h.frame(vec![Event::PointerMoved(empty)]);
        h.frame(vec![button(empty, true)]);
        for i in 1..=5 {
            let out = h.frame(vec![Event::PointerMoved(empty + Vec2::new(8.0 * i as f32, 4.0 * i as f32))]);
            assert!(sent(&out).is_empty(), "panning edits nothing");
        }
        h.frame(vec![button(empty + Vec2::new(40.0, 20.0), false)]);
        let moved = [h.ui.view.pan[0] - pan0[0], h.ui.view.pan[1] - pan0[1]];
        assert!(moved[0] > 20.0 && moved[1] > 10.0, "{moved:?}");
        // The view is what the frame draws and hit-tests: the layout the UI uses follows it.
        let zoomed = viz_layout(h.frame(Vec::new()).viz.unwrap(), 1.0, &[64, 64]).viewed(h.ui.view);
        assert!(zoomed.columns[1].size > l.columns[1].size * 1.4);
        // The button fits the diagram again.
        h.click("Fit diagram");
        assert!(h.ui.view.is_fitted());
    }

    #[test]
    fn wide_layers_are_hit_and_edited_too() {
        let mut h = Harness::new("seed=ui&networkShape=256,256");
        let l = layout(&mut h);
        let p = on_link(&l, &[0, 1], 2, 200, 17, 0.5);
        let out = h.frame(vec![Event::PointerMoved(p)]);
        let Some((layer, dst, src)) = out.focus.link else { panic!("a link: {:?}", out.focus) };
        assert_eq!(layer, 1);
        // Hundreds of links pass near any point; the one found is within a pixel or so.
        let q = on_link(&l, &[0, 1], 2, dst, src, 0.5);
        assert!((q.y - p.y).abs() < 3.0, "{q:?} vs {p:?}");
        let out = h.click_at(p);
        assert!(sent(&out).is_empty());
        assert!(matches!(h.ui.edit, Some(EditBoxRef { .. })), "{:?}", h.ui.edit);
    }

    use super::manipulate::EditBox as EditBoxRef;
}

/// Links in the window, files, painting (issue 6).
mod sharing {
    use super::*;
    use crate::render::layout::Layout;
    use crate::ui::files::FileAction;

    fn ctrl(h: &mut Harness, key: Key) -> UiOutput {
        let ev =
            |pressed| Event::Key { key, physical_key: None, pressed, repeat: false, modifiers: Modifiers::COMMAND };
        let out = h.frame(vec![ev(true)]);
        h.frame(vec![ev(false)]);
        out
    }

    fn temp(name: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("hl-ui-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("temp dir");
        d
    }

    #[derive(Debug)]
    struct Dropped(std::path::PathBuf);

    impl egui::DroppedFile for Dropped {
        fn path(&self) -> &std::path::Path {
            &self.0
        }
        fn bytes(&self) -> Result<Vec<u8>, String> {
            std::fs::read(&self.0).map_err(|e| e.to_string())
        }
    }

    fn drop_file(h: &mut Harness, path: &std::path::Path) -> UiOutput {
        h.time += 1.0 / 60.0;
        let raw = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(Pos2::ZERO, Vec2::new(1280.0, 800.0))),
            time: Some(h.time),
            dropped_files: vec![std::sync::Arc::new(Dropped(path.to_path_buf()))],
            ..Default::default()
        };
        let mut out = UiOutput::default();
        let ctx = h.ctx.clone();
        let (ui, snap) = (&mut h.ui, &h.snap);
        let _ = h.ctx.run_ui(raw, |root| out = ui.show(&ctx, root, snap));
        out
    }

    #[test]
    fn a_pasted_link_opens_and_junk_is_refused() {
        let mut h = Harness::new("seed=ui");
        let link = "https://playground.tensorflow.org/#activation=relu&networkShape=5,5&seed=0.12345&dataset=xor";
        let out = h.frame(vec![Event::Paste(link.into())]);
        let opened = out.commands.iter().find_map(|c| match c {
            Command::OpenLink(e) => Some(e.clone()),
            _ => None,
        });
        let e = opened.expect("the link opens");
        assert_eq!(*e, Experiment::from_link(link).unwrap().experiment);
        assert_eq!(e.network_shape, vec![5, 5]);

        let out = h.frame(vec![Event::Paste("hello there".into())]);
        assert!(out.commands.is_empty());
        assert!(h.ui.notices.iter().any(|(n, _)| n.error && n.text.contains("hello there")), "{:?}", h.ui.notices);
        let out = h.frame(vec![Event::Paste("networkShape=4,x".into())]);
        assert!(out.commands.is_empty(), "a bad link changes nothing");

        // Pasted into a text field, a link is text, not a command.
        let seed = h.find("ui");
        h.click_at(seed.center());
        let out = h.frame(vec![Event::Paste(link.into())]);
        assert!(!out.commands.iter().any(|c| matches!(c, Command::OpenLink(_))));
    }

    #[test]
    fn dropped_and_pasted_files_open_by_kind() {
        let dir = temp("drop");
        let json = dir.join("run.json");
        let csv = dir.join("points.CSV");
        std::fs::write(&json, "{}").unwrap();
        std::fs::write(&csv, "1,2,1\n").unwrap();
        let mut h = Harness::new("seed=ui");
        assert_eq!(drop_file(&mut h, &json).commands, vec![Command::OpenFile(json.clone())]);
        assert_eq!(drop_file(&mut h, &csv).commands, vec![Command::ImportCsv(csv.clone())]);
        let out = h.frame(vec![Event::Paste(json.display().to_string())]);
        assert_eq!(out.commands, vec![Command::OpenFile(json.clone())]);
        // A browser's link shortcut dropped on the window opens the link.
        let shortcut = dir.join("Playground.url");
        std::fs::write(
            &shortcut,
            "[InternetShortcut]\nURL=https://playground.tensorflow.org/#seed=dropped&networkShape=3\n",
        )
        .unwrap();
        let out = drop_file(&mut h, &shortcut);
        assert!(matches!(&out.commands[..], [Command::OpenLink(e)] if e.seed == "dropped"), "{:?}", out.commands);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Types `text` into the focused file box and presses Enter. The box's suggestion is
    /// selected when it opens, so typing replaces it.
    fn type_and_enter(h: &mut Harness, text: &str) -> UiOutput {
        h.frame(vec![Event::Text(text.into())]);
        h.key(Key::Enter)
    }

    #[test]
    fn ctrl_s_saves_and_asks_before_replacing() {
        let dir = temp("save");
        let mut h = Harness::new("seed=ui");
        ctrl(&mut h, Key::S);
        assert_eq!(h.ui.file.as_ref().map(|f| f.action), Some(FileAction::Save));
        assert_eq!(h.ui.file.as_ref().map(|f| f.text.as_str()), Some("experiment.json"), "a name is suggested");
        assert!(h.ctx.egui_wants_keyboard_input(), "the path field has the keyboard");
        // Keys type into the box, not into the playground.
        assert!(h.key(Key::Space).commands.is_empty());
        let fresh = dir.join("new");
        let out = type_and_enter(&mut h, &fresh.display().to_string());
        assert_eq!(out.commands, vec![Command::Save { path: dir.join("new.json"), replace: false }], "extension added");
        assert!(h.ui.file.is_none(), "the box closes");

        let existing = dir.join("old.json");
        std::fs::write(&existing, "keep me").unwrap();
        ctrl(&mut h, Key::S);
        let out = type_and_enter(&mut h, &existing.display().to_string());
        assert!(out.commands.is_empty(), "nothing is written before the user answers");
        assert!(h.labels().iter().any(|l| l.ends_with("old.json exists. Replace it?")), "{:?}", h.labels());
        let out = h.click("Cancel");
        assert!(out.commands.is_empty() && h.ui.file.is_none());
        assert_eq!(std::fs::read_to_string(&existing).unwrap(), "keep me");
        ctrl(&mut h, Key::S);
        type_and_enter(&mut h, &existing.display().to_string());
        let out = h.click("Replace");
        assert_eq!(out.commands, vec![Command::Save { path: existing.clone(), replace: true }]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn ctrl_o_opens_files_and_links_and_names_missing_ones() {
        let dir = temp("open");
        let mut h = Harness::new("seed=ui");
        ctrl(&mut h, Key::O);
        assert_eq!(h.ui.file.as_ref().map(|f| f.action), Some(FileAction::Open));
        let missing = dir.join("nothing.json");
        let out = type_and_enter(&mut h, &missing.display().to_string());
        assert!(out.commands.is_empty());
        let error = h.ui.file.as_ref().and_then(|f| f.error.clone()).unwrap_or_default();
        assert!(error.contains("There is no file") && error.contains("nothing.json"), "{error}");
        let out = type_and_enter(&mut h, "seed=abc&networkShape=2");
        assert!(matches!(&out.commands[..], [Command::OpenLink(e)] if e.seed == "abc"), "{:?}", out.commands);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn ctrl_p_asks_for_a_screenshot() {
        let mut h = Harness::new("seed=ui");
        assert!(ctrl(&mut h, Key::P).screenshot);
        assert!(!h.frame(Vec::new()).screenshot);
    }

    fn field(h: &mut Harness) -> egui::Rect {
        let viz = h.frame(Vec::new()).viz.expect("the diagram's area");
        let l: Layout = viz_layout(viz, 1.0, &h.snap.network.hidden_shape());
        egui::Rect::from_min_size(Pos2::new(l.field.x, l.field.y), Vec2::new(l.field.w, l.field.h))
    }

    fn press(pos: Pos2, button: PointerButton, pressed: bool, modifiers: Modifiers) -> Event {
        Event::PointerButton { pos, button, pressed, modifiers }
    }

    fn painted(out: &UiOutput) -> Vec<Command> {
        out.commands.iter().filter(|c| matches!(c, Command::Paint { .. } | Command::Erase { .. })).cloned().collect()
    }

    #[test]
    fn painting_on_the_field() {
        let mut h = Harness::new("seed=ui");
        let f = field(&mut h);
        // The field's centre is the origin; its top-left corner is (-6, 6).
        let centre = f.center();
        h.frame(vec![Event::PointerMoved(centre)]);
        let out = h.frame(vec![press(centre, PointerButton::Primary, true, Modifiers::NONE)]);
        match painted(&out)[..] {
            [Command::Paint { x, y, label }] => {
                assert!(x.abs() < 0.05 && y.abs() < 0.05, "({x}, {y})");
                assert_eq!(label, 1.0, "left: blue");
            }
            ref other => panic!("one blue point: {other:?}"),
        }
        // A drag 3 units to the right leaves evenly spaced points.
        let mut all = Vec::new();
        for i in 1..=10 {
            let p = centre + Vec2::new(f.width() / 4.0 * i as f32 / 10.0, 0.0);
            all.extend(painted(&h.frame(vec![Event::PointerMoved(p)])));
        }
        let end = centre + Vec2::new(f.width() / 4.0, 0.0);
        h.frame(vec![press(end, PointerButton::Primary, false, Modifiers::NONE)]);
        assert_eq!(all.len(), 10, "3 units / 0.3 apart: {all:?}");
        assert!(all.iter().all(|c| matches!(c, Command::Paint { label, y, .. } if *label == 1.0 && y.abs() < 0.05)));
        assert!(h.ui.view.is_fitted(), "painting does not pan the diagram");

        let corner = f.min + Vec2::new(1.0, 1.0);
        h.frame(vec![Event::PointerMoved(corner)]);
        let out = h.frame(vec![press(corner, PointerButton::Secondary, true, Modifiers::NONE)]);
        h.frame(vec![press(corner, PointerButton::Secondary, false, Modifiers::NONE)]);
        assert!(
            matches!(painted(&out)[..], [Command::Paint { x, y, label }] if label == -1.0 && x < -5.9 && y > 5.9),
            "right: orange at the top-left corner: {:?}",
            out.commands
        );
        let out = h.frame(vec![press(centre, PointerButton::Primary, true, Modifiers::SHIFT)]);
        h.frame(vec![press(centre, PointerButton::Primary, false, Modifiers::SHIFT)]);
        assert!(matches!(painted(&out)[..], [Command::Erase { .. }]), "shift erases: {:?}", out.commands);
        // Outside the field nothing is painted.
        let outside = Pos2::new(f.min.x - 30.0, f.center().y);
        let out = h.frame(vec![press(outside, PointerButton::Primary, true, Modifiers::NONE)]);
        assert!(painted(&out).is_empty());
    }

    #[test]
    fn own_data_is_named_and_the_link_says_so() {
        let mut h = Harness::new("seed=ui");
        h.snap.origin = crate::session::DataOrigin {
            imported: Some(crate::session::ImportInfo { name: "mine.csv".into(), rows: 40, scale: 0.5 }),
            painted: false,
        };
        h.frame(Vec::new());
        let labels = h.labels();
        assert!(labels.contains(&"mine.csv: 40 points, scaled by 0.500 to fit [-6, 6]"), "{labels:?}");
        assert!(labels.contains(&"Imported points: the link gives the generated dataset."), "{labels:?}");
        assert_eq!(h.click("Use generated data").commands, vec![Command::GeneratedData]);
    }
}
