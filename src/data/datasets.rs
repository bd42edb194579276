//! The six generators, written from the original's formulas. Expressions keep the original's
//! order of operations (e.g. `i / n * 5`, `radius * 0.7`) because each rounding step matters for
//! bit-identical points.

use super::Point;
use crate::seedrandom::Arc4;
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Dataset {
    Circle,
    Xor,
    Gauss,
    Spiral,
    RegPlane,
    RegGauss,
}

impl Dataset {
    pub const CLASSIFICATION: [Dataset; 4] = [Dataset::Circle, Dataset::Xor, Dataset::Gauss, Dataset::Spiral];
    pub const REGRESSION: [Dataset; 2] = [Dataset::RegPlane, Dataset::RegGauss];

    pub fn is_regression(self) -> bool {
        matches!(self, Dataset::RegPlane | Dataset::RegGauss)
    }

    /// The name the original uses in links (`dataset=` / `regDataset=`).
    pub fn key(self) -> &'static str {
        match self {
            Dataset::Circle => "circle",
            Dataset::Xor => "xor",
            Dataset::Gauss => "gauss",
            Dataset::Spiral => "spiral",
            Dataset::RegPlane => "reg-plane",
            Dataset::RegGauss => "reg-gauss",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::CLASSIFICATION.into_iter().chain(Self::REGRESSION).find(|d| d.key() == key)
    }
}

/// Generates `n` points with noise already divided by 100.
pub fn generate(dataset: Dataset, n: usize, noise: f64, rng: &mut Arc4) -> Vec<Point> {
    match dataset {
        Dataset::Circle => circle(n, noise, rng),
        Dataset::Xor => xor(n, noise, rng),
        Dataset::Gauss => gauss(n, noise, rng),
        Dataset::Spiral => spiral(n, noise, rng),
        Dataset::RegPlane => regress(n, noise, rng, plane_label),
        Dataset::RegGauss => regress(n, noise, rng, gauss_label),
    }
}

fn dist(ax: f64, ay: f64, bx: f64, by: f64) -> f64 {
    let dx = ax - bx;
    let dy = ay - by;
    (dx * dx + dy * dy).sqrt()
}

/// d3 v3's linear scale: `a * (1 - t) + b * t` with `t = (x - d0) / (d1 - d0)`.
fn linear_scale(x: f64, d0: f64, d1: f64, r0: f64, r1: f64, clamp: bool) -> f64 {
    let mut t = (x - d0) / (d1 - d0);
    if clamp {
        t = t.clamp(0.0, 1.0);
    }
    r0 * (1.0 - t) + r1 * t
}

fn circle(n: usize, noise: f64, rng: &mut Arc4) -> Vec<Point> {
    let radius = 5.0;
    let mut points = Vec::with_capacity(n);
    let mut ring = |points: &mut Vec<Point>, r0: f64, r1: f64| {
        for _ in 0..n / 2 {
            let r = rng.uniform(r0, r1);
            let angle = rng.uniform(0.0, 2.0 * PI);
            let x = r * angle.sin();
            let y = r * angle.cos();
            let nx = rng.uniform(-radius, radius) * noise;
            let ny = rng.uniform(-radius, radius) * noise;
            let label = if dist(x + nx, y + ny, 0.0, 0.0) < radius * 0.5 { 1.0 } else { -1.0 };
            points.push(Point { x, y, label });
        }
    };
    ring(&mut points, 0.0, radius * 0.5);
    ring(&mut points, radius * 0.7, radius);
    points
}

fn xor(n: usize, noise: f64, rng: &mut Arc4) -> Vec<Point> {
    let padding = 0.3;
    (0..n)
        .map(|_| {
            let mut x = rng.uniform(-5.0, 5.0);
            x += if x > 0.0 { padding } else { -padding };
            let mut y = rng.uniform(-5.0, 5.0);
            y += if y > 0.0 { padding } else { -padding };
            let nx = rng.uniform(-5.0, 5.0) * noise;
            let ny = rng.uniform(-5.0, 5.0) * noise;
            let label = if (x + nx) * (y + ny) >= 0.0 { 1.0 } else { -1.0 };
            Point { x, y, label }
        })
        .collect()
}

/// The polar method, as the original's `normalRandom`.
fn normal(rng: &mut Arc4, mean: f64, variance: f64) -> f64 {
    let (mut v1, mut s);
    loop {
        v1 = 2.0 * rng.next_f64() - 1.0;
        let v2 = 2.0 * rng.next_f64() - 1.0;
        s = v1 * v1 + v2 * v2;
        if s <= 1.0 {
            break;
        }
    }
    let result = (-2.0 * s.ln() / s).sqrt() * v1;
    mean + variance.sqrt() * result
}

fn gauss(n: usize, noise: f64, rng: &mut Arc4) -> Vec<Point> {
    let variance = linear_scale(noise, 0.0, 0.5, 0.5, 4.0, false);
    let mut points = Vec::with_capacity(n);
    for (c, label) in [(2.0, 1.0), (-2.0, -1.0)] {
        for _ in 0..n / 2 {
            let x = normal(rng, c, variance);
            let y = normal(rng, c, variance);
            points.push(Point { x, y, label });
        }
    }
    points
}

fn spiral(n: usize, noise: f64, rng: &mut Arc4) -> Vec<Point> {
    let n2 = n / 2;
    let nf = n2 as f64;
    let mut points = Vec::with_capacity(n);
    for (delta, label) in [(0.0, 1.0), (PI, -1.0)] {
        for i in 0..n2 {
            let i = i as f64;
            let r = i / nf * 5.0;
            let t = 1.75 * i / nf * 2.0 * PI + delta;
            let x = r * t.sin() + rng.uniform(-1.0, 1.0) * noise;
            let y = r * t.cos() + rng.uniform(-1.0, 1.0) * noise;
            points.push(Point { x, y, label });
        }
    }
    points
}

fn plane_label(x: f64, y: f64) -> f64 {
    linear_scale(x + y, -10.0, 10.0, -1.0, 1.0, false)
}

fn gauss_label(x: f64, y: f64) -> f64 {
    const CENTRES: [(f64, f64, f64); 6] =
        [(-4.0, 2.5, 1.0), (0.0, 2.5, -1.0), (4.0, 2.5, 1.0), (-4.0, -2.5, -1.0), (0.0, -2.5, 1.0), (4.0, -2.5, -1.0)];
    let mut label: f64 = 0.0;
    for (cx, cy, sign) in CENTRES {
        let v = sign * linear_scale(dist(x, y, cx, cy), 0.0, 2.0, 1.0, 0.0, true);
        if v.abs() > label.abs() {
            label = v;
        }
    }
    label
}

fn regress(n: usize, noise: f64, rng: &mut Arc4, label: fn(f64, f64) -> f64) -> Vec<Point> {
    let radius = 6.0;
    (0..n)
        .map(|_| {
            let x = rng.uniform(-radius, radius);
            let y = rng.uniform(-radius, radius);
            let nx = rng.uniform(-radius, radius) * noise;
            let ny = rng.uniform(-radius, radius) * noise;
            Point { x, y, label: label(x + nx, y + ny) }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_points_other_seed_other_points() {
        for d in Dataset::CLASSIFICATION.into_iter().chain(Dataset::REGRESSION) {
            let a = generate(d, 100, 0.2, &mut Arc4::new("s"));
            let b = generate(d, 100, 0.2, &mut Arc4::new("s"));
            let c = generate(d, 100, 0.2, &mut Arc4::new("t"));
            assert_eq!(a, b, "{d:?}");
            assert_ne!(a, c, "{d:?}");
            assert_eq!(Dataset::from_key(d.key()), Some(d));
        }
    }

    #[test]
    fn labels_are_in_range() {
        for d in Dataset::CLASSIFICATION {
            let pts = generate(d, 200, 0.3, &mut Arc4::new("x"));
            assert!(pts.iter().all(|p| p.label == 1.0 || p.label == -1.0), "{d:?}");
        }
        for d in Dataset::REGRESSION {
            let pts = generate(d, 200, 0.3, &mut Arc4::new("x"));
            assert!(pts.iter().all(|p| (-1.0..=1.0).contains(&p.label) || d == Dataset::RegPlane));
        }
    }
}
