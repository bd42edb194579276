//! Small painted pieces of the panels: the loss chart, the colour legend, dataset thumbnails,
//! and the names the controls show.

use super::{BLUE, GREY, ORANGE};
use crate::data::Dataset;
use crate::nn::{Activation, Regularization};
use crate::session::Losses;
use crate::state::Problem;
use egui::{Color32, Pos2, Rect, Stroke};

/// Train (grey) and test (black) loss over the run. At most one vertex per horizontal pixel,
/// so a run of a million epochs stays cheap to draw.
pub fn loss_chart(painter: &egui::Painter, rect: Rect, chart: &[Losses]) {
    painter.rect_filled(rect, 0.0, Color32::from_gray(248));
    if chart.len() < 2 {
        return;
    }
    let max = chart.iter().flat_map(|l| [l.train, l.test]).filter(|v| v.is_finite()).fold(0.0f64, f64::max).max(1e-9);
    let step = (chart.len() as f32 / rect.width().max(1.0)).ceil().max(1.0) as usize;
    let n = (chart.len() - 1) as f32;
    let line = |pick: fn(&Losses) -> f64| -> Vec<Pos2> {
        chart
            .iter()
            .enumerate()
            .step_by(step)
            .filter(|(_, l)| pick(l).is_finite())
            .map(|(i, l)| {
                Pos2::new(
                    rect.left() + rect.width() * i as f32 / n,
                    rect.bottom() - rect.height() * (pick(l) / max) as f32,
                )
            })
            .collect()
    };
    painter.add(egui::Shape::line(line(|l| l.train), Stroke::new(1.5, Color32::from_gray(150))));
    painter.add(egui::Shape::line(line(|l| l.test), Stroke::new(1.5, Color32::BLACK)));
}

/// The field's colour scale: orange at -1, grey at 0, blue at +1.
pub fn legend(painter: &egui::Painter, rect: Rect) {
    let mut mesh = egui::Mesh::default();
    for (t, c) in [(0.0, ORANGE), (0.5, GREY), (1.0, BLUE)] {
        let x = rect.left() + rect.width() * t;
        mesh.colored_vertex(Pos2::new(x, rect.top()), c);
        mesh.colored_vertex(Pos2::new(x, rect.bottom()), c);
    }
    for i in 0..2u32 {
        let b = i * 2;
        mesh.add_triangle(b, b + 1, b + 2);
        mesh.add_triangle(b + 1, b + 3, b + 2);
    }
    painter.add(egui::Shape::mesh(mesh));
}

/// The colour of a value on the field's scale.
pub fn value_colour(v: f32) -> Color32 {
    if v >= 0.0 { lerp(GREY, BLUE, v) } else { lerp(GREY, ORANGE, -v) }
}

/// Small pictures of each dataset's points, as the original's picker shows.
pub fn dataset_thumbnails(ctx: &egui::Context) -> Vec<(Dataset, egui::TextureHandle)> {
    const SIDE: usize = 48;
    Dataset::CLASSIFICATION
        .iter()
        .chain(Dataset::REGRESSION.iter())
        .map(|&d| {
            // A fixed seed: the pictures show the shape of a dataset, not this run's points.
            let mut rng = crate::seedrandom::Arc4::new("thumbnails");
            let n = if d.is_regression() { 300 } else { 250 };
            let points = crate::data::generate(d, n, 0.0, &mut rng);
            let mut img = egui::ColorImage::filled([SIDE, SIDE], Color32::WHITE);
            for p in points {
                let px = ((p.x + 6.0) / 12.0 * SIDE as f64) as i64;
                let py = ((6.0 - p.y) / 12.0 * SIDE as f64) as i64;
                let c = value_colour(p.label as f32);
                for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                    let (x, y) = (px + dx, py + dy);
                    if (0..SIDE as i64).contains(&x) && (0..SIDE as i64).contains(&y) {
                        img.pixels[y as usize * SIDE + x as usize] = c;
                    }
                }
            }
            (d, ctx.load_texture(format!("dataset-{}", d.key()), img, egui::TextureOptions::LINEAR))
        })
        .collect()
}

pub fn lerp(a: Color32, b: Color32, t: f32) -> Color32 {
    let t = t.clamp(0.0, 1.0);
    let m = |x: u8, y: u8| (x as f32 + (y as f32 - x as f32) * t).round() as u8;
    Color32::from_rgb(m(a.r(), b.r()), m(a.g(), b.g()), m(a.b(), b.b()))
}

pub fn activation_name(a: Activation) -> &'static str {
    match a {
        Activation::Relu => "ReLU",
        Activation::Tanh => "Tanh",
        Activation::Sigmoid => "Sigmoid",
        Activation::Linear => "Linear",
    }
}

pub fn reg_name(r: Option<Regularization>) -> &'static str {
    match r {
        None => "None",
        Some(Regularization::L1) => "L1",
        Some(Regularization::L2) => "L2",
    }
}

pub fn problem_name(p: Problem) -> &'static str {
    match p {
        Problem::Classification => "Classification",
        Problem::Regression => "Regression",
    }
}

pub fn dataset_name(d: Dataset) -> &'static str {
    match d {
        Dataset::Circle => "Circle",
        Dataset::Xor => "Exclusive or",
        Dataset::Gauss => "Gaussian",
        Dataset::Spiral => "Spiral",
        Dataset::RegPlane => "Plane",
        Dataset::RegGauss => "Multi Gaussian",
    }
}
