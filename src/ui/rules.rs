//! The UI's rules, free of egui state so they can be tested without a window.

use std::ops::RangeInclusive;

/// Hidden layers the +/- buttons allow (the original stops at 6).
pub const MAX_LAYERS: usize = 32;
/// Neurons per layer the +/- buttons allow (the original stops at 8).
pub const MAX_NEURONS: usize = 4096;
// The window must allow at least 16 hidden layers of 1024 neurons.
const _: () = assert!(MAX_LAYERS >= 16 && MAX_NEURONS >= 1024 && MAX_NEURONS <= crate::nn::MAX_WIDTH);

/// The original's learning-rate menu.
pub const LEARNING_RATES: [f64; 11] = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0];
/// The original's regularization-rate menu.
pub const REG_RATES: [f64; 10] = [0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0];
/// Sliders: range and step, as the original's.
pub const TRAIN_RATIO: (RangeInclusive<f64>, f64) = (10.0..=90.0, 10.0);
pub const NOISE: (RangeInclusive<f64>, f64) = (0.0..=50.0, 5.0);
pub const BATCH: (RangeInclusive<f64>, f64) = (1.0..=30.0, 1.0);
/// Epochs per displayed frame offered by the speed control.
pub const SPEEDS: [f64; 7] = [0.125, 0.25, 0.5, 1.0, 4.0, 16.0, 64.0];

pub fn speed_name(s: f64) -> String {
    if s == 1.0 {
        "1 epoch/frame".into()
    } else if s > 1.0 {
        format!("{s} epochs/frame")
    } else {
        format!("1 epoch/{} frames", (1.0 / s).round())
    }
}

/// A menu value as the original prints it (0.00001, not 1e-5).
pub fn rate_name(v: f64) -> String {
    crate::jsnum::to_string(v)
}

/// The epoch counter as the original shows it: at least six digits, thousands grouped.
pub fn epoch_text(epoch: usize) -> String {
    let digits = format!("{epoch:06}");
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Adds a hidden layer of 2 neurons, as the original does. False at the limit.
pub fn add_layer(shape: &mut Vec<usize>) -> bool {
    if shape.len() >= MAX_LAYERS {
        return false;
    }
    shape.push(2);
    true
}

pub fn remove_layer(shape: &mut Vec<usize>) -> bool {
    shape.pop().is_some()
}

pub fn add_neuron(shape: &mut [usize], layer: usize) -> bool {
    match shape.get_mut(layer) {
        Some(n) if *n < MAX_NEURONS => {
            *n += 1;
            true
        }
        _ => false,
    }
}

/// A layer keeps at least one neuron.
pub fn remove_neuron(shape: &mut [usize], layer: usize) -> bool {
    match shape.get_mut(layer) {
        Some(n) if *n > 1 => {
            *n -= 1;
            true
        }
        _ => false,
    }
}

/// The UI scale that fits a window of `w` x `h` logical points: 1 from about 1100x690 (where
/// every control fits) to 1600x1000, growing beyond, so that a fullscreen 4K projector shows the
/// same composition as a laptop rather than tiny controls around a huge field, and shrinking
/// below (to 0.6 at most), so that a small window still shows everything.
pub fn fit_zoom(w: f32, h: f32) -> f32 {
    let grow = (w / 1600.0).min(h / 1000.0).max(1.0);
    let shrink = (w / 1100.0).min(h / 690.0).min(1.0);
    (grow * shrink).clamp(0.6, 4.0)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    PlayPause,
    Step,
    Reset,
    Fullscreen,
    LeaveFullscreen,
    Help,
    /// Hide the controls, leaving the picture (and again: show them).
    Present,
    Zoom(Zoom),
    /// Ctrl+O: the file box, to open an experiment, a CSV or a link.
    Open,
    /// Ctrl+S: the file box, to save the experiment.
    Save,
    /// Ctrl+P: a PNG of the window, named with the time.
    Screenshot,
}

/// A change of the interface scale (Ctrl +, Ctrl -, Ctrl 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Zoom {
    In,
    Out,
    /// Back to the scale fitted to the window.
    Fit,
}

impl Zoom {
    /// The user's scale factor after this change.
    pub fn apply(self, scale: f32) -> f32 {
        let s = match self {
            Zoom::In => scale * 1.1,
            Zoom::Out => scale / 1.1,
            Zoom::Fit => 1.0,
        };
        s.clamp(*crate::settings::UI_SCALE.start(), *crate::settings::UI_SCALE.end())
    }
}

pub const HELP: [(&str, &str); 13] = [
    ("Space", "play / pause"),
    ("→ or S", "one epoch"),
    ("R", "reset the weights"),
    ("F, F11", "fullscreen"),
    ("Esc", "leave fullscreen"),
    ("H", "hide the controls (again: show them)"),
    ("Ctrl +/-, 0", "bigger, smaller, fitted interface (remembered)"),
    ("Ctrl+S, Ctrl+O", "save the experiment, open a file or link"),
    ("Ctrl+V, drop", "open a pasted link, a dropped experiment or CSV"),
    ("Ctrl+P", "screenshot (a PNG named with the time)"),
    ("mouse on output", "paint points: left blue, right orange, Shift erases"),
    ("?", "this help"),
    ("wheel", "over a layer's neuron count: add or remove neurons"),
];

/// The key map. With Ctrl (Cmd) held only the interface scale keys count; the rest is left to
/// the text fields and the system.
pub fn shortcut(key: egui::Key, m: egui::Modifiers) -> Option<Shortcut> {
    use egui::Key;
    if m.command && !m.alt {
        return match key {
            Key::Plus | Key::Equals => Some(Shortcut::Zoom(Zoom::In)),
            Key::Minus => Some(Shortcut::Zoom(Zoom::Out)),
            Key::Num0 => Some(Shortcut::Zoom(Zoom::Fit)),
            Key::O => Some(Shortcut::Open),
            Key::S => Some(Shortcut::Save),
            Key::P => Some(Shortcut::Screenshot),
            _ => None,
        };
    }
    if m.ctrl || m.alt || m.command || m.mac_cmd {
        return None;
    }
    Some(match key {
        Key::Space => Shortcut::PlayPause,
        Key::ArrowRight | Key::S => Shortcut::Step,
        Key::R => Shortcut::Reset,
        Key::F | Key::F11 => Shortcut::Fullscreen,
        Key::Escape => Shortcut::LeaveFullscreen,
        Key::H => Shortcut::Present,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_and_neuron_limits() {
        let mut s = vec![4, 2];
        assert!(add_layer(&mut s));
        assert_eq!(s, vec![4, 2, 2]);
        assert!(add_neuron(&mut s, 0));
        assert_eq!(s[0], 5);
        assert!(!add_neuron(&mut s, 7), "no such layer");
        s[1] = 1;
        assert!(!remove_neuron(&mut s, 1), "a layer keeps one neuron");
        while remove_layer(&mut s) {}
        assert!(s.is_empty());
        assert!(!remove_layer(&mut s));
        for _ in 0..MAX_LAYERS {
            assert!(add_layer(&mut s));
        }
        assert!(!add_layer(&mut s));
        s[0] = MAX_NEURONS;
        assert!(!add_neuron(&mut s, 0));
    }

    #[test]
    fn texts() {
        assert_eq!(epoch_text(0), "000,000");
        assert_eq!(epoch_text(1234), "001,234");
        assert_eq!(epoch_text(12_345_678), "12,345,678");
        assert_eq!(rate_name(0.00001), "0.00001");
        assert_eq!(rate_name(0.03), "0.03");
        assert_eq!(rate_name(3.0), "3");
        assert_eq!(speed_name(0.25), "1 epoch/4 frames");
        assert_eq!(speed_name(16.0), "16 epochs/frame");
        assert!(LEARNING_RATES.windows(2).all(|w| w[0] < w[1]));
        assert_eq!((LEARNING_RATES[0], LEARNING_RATES[10]), (0.00001, 10.0), "the issue's range");
        assert_eq!((REG_RATES[0], REG_RATES[9]), (0.0, 10.0));
    }

    #[test]
    fn zoom_fits_big_windows_only() {
        assert_eq!(fit_zoom(1280.0, 800.0), 1.0);
        assert_eq!(fit_zoom(1920.0, 1080.0), 1.08);
        assert!((fit_zoom(3840.0, 2160.0) - 2.16).abs() < 1e-6);
        assert_eq!(fit_zoom(1100.0, 690.0), 1.0);
        assert!((fit_zoom(800.0, 500.0) - 500.0 / 690.0).abs() < 1e-6, "small windows shrink the UI");
        assert_eq!(fit_zoom(320.0, 240.0), 0.6, "but not without limit");
        assert_eq!(fit_zoom(1e5, 1e5), 4.0);
    }

    #[test]
    fn key_map() {
        use egui::{Key, Modifiers};
        let none = Modifiers::NONE;
        assert_eq!(shortcut(Key::Space, none), Some(Shortcut::PlayPause));
        assert_eq!(shortcut(Key::ArrowRight, none), Some(Shortcut::Step));
        assert_eq!(shortcut(Key::S, none), Some(Shortcut::Step));
        assert_eq!(shortcut(Key::R, none), Some(Shortcut::Reset));
        assert_eq!(shortcut(Key::F11, none), Some(Shortcut::Fullscreen));
        assert_eq!(shortcut(Key::Escape, none), Some(Shortcut::LeaveFullscreen));
        assert_eq!(shortcut(Key::H, none), Some(Shortcut::Present));
        assert_eq!(shortcut(Key::R, Modifiers::CTRL), None, "Ctrl+R is not reset");
        assert_eq!(shortcut(Key::Plus, Modifiers::COMMAND), Some(Shortcut::Zoom(Zoom::In)));
        assert_eq!(shortcut(Key::Equals, Modifiers::COMMAND), Some(Shortcut::Zoom(Zoom::In)));
        assert_eq!(shortcut(Key::Minus, Modifiers::COMMAND), Some(Shortcut::Zoom(Zoom::Out)));
        assert_eq!(shortcut(Key::Num0, Modifiers::COMMAND), Some(Shortcut::Zoom(Zoom::Fit)));
        assert_eq!(shortcut(Key::Minus, Modifiers::NONE), None);
        assert!((Zoom::In.apply(1.0) - 1.1).abs() < 1e-6);
        assert_eq!(Zoom::Fit.apply(2.5), 1.0);
        assert_eq!(Zoom::In.apply(4.0), 4.0, "clamped");
        assert_eq!(shortcut(Key::A, none), None);
    }
}
