//! Datasets and input features.
//!
//! The generators follow the original's formulas and its draw order exactly (the parity README's
//! "Data generators"), so that one seed gives the browser's points. `Point` keeps the coordinates
//! without label noise, as the original stores them.

pub mod csv;
mod datasets;
mod features;

pub use datasets::{Dataset, generate};
pub use features::{Feature, FeatureSet};

use crate::seedrandom::Arc4;
use serde::{Deserialize, Serialize};

/// Number of points the original generates for each kind of problem.
pub const NUM_SAMPLES_CLASSIFY: usize = 500;
pub const NUM_SAMPLES_REGRESS: usize = 1200;

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    /// ±1 for classification, a value in [-1, 1] for regression.
    pub label: f64,
}

/// Fisher–Yates from the end, as the original's `shuffle`.
pub fn shuffle<T>(items: &mut [T], rng: &mut Arc4) {
    let mut counter = items.len();
    while counter > 0 {
        let index = (rng.next_f64() * counter as f64).floor() as usize;
        counter -= 1;
        items.swap(counter, index);
    }
}

/// The train/test split: the first `floor(len * perc / 100)` points train.
pub fn split_index(len: usize, perc_train: f64) -> usize {
    let n = (len as f64 * perc_train / 100.0).floor();
    if n.is_nan() { 0 } else { (n.max(0.0) as usize).min(len) }
}

/// A generated, shuffled and split data set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DataSplit {
    pub train: Vec<Point>,
    pub test: Vec<Point>,
}

impl DataSplit {
    /// Draws the points, shuffles them and splits them, in the original's order. `noise` is the
    /// link's value (0..50 on the slider); the generators take it divided by 100.
    pub fn generate(dataset: Dataset, noise: f64, perc_train: f64, rng: &mut Arc4) -> Self {
        let n = if dataset.is_regression() { NUM_SAMPLES_REGRESS } else { NUM_SAMPLES_CLASSIFY };
        let mut points = generate(dataset, n, noise / 100.0, rng);
        shuffle(&mut points, rng);
        let test = points.split_off(split_index(points.len(), perc_train));
        DataSplit { train: points, test }
    }
}
