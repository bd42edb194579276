//! The CPU training core: network, activations and the original's training step.
//!
//! Everything is f64, as in the original (JavaScript numbers). Two interchangeable paths train a
//! network: [`scalar`] replays the original sample by sample in its exact order of operations,
//! [`batched`] runs each mini-batch as matrix products for wide networks. [`Trainer`] picks one by
//! width. No wgpu and no UI here.

mod activation;
pub mod batched;
mod network;
pub mod scalar;

pub use activation::{Activation, Regularization};
pub use network::{Init, Layer, MAX_HIDDEN_LAYERS, MAX_WIDTH, Network, TrainParams};

use thiserror::Error;

#[derive(Debug, Error, PartialEq)]
pub enum NnError {
    #[error("a layer width must be 1 to {MAX_WIDTH}, got {width}{}", layer.map(|l| format!(" in hidden layer {}", l + 1)).unwrap_or_else(|| " inputs".into()))]
    Width { layer: Option<usize>, width: usize },
    #[error("at most {MAX_HIDDEN_LAYERS} hidden layers are supported, got {0}")]
    Depth(usize),
    #[error("no such parameter: layer {layer}, node {node}{}", input.map(|i| format!(", input {i}")).unwrap_or_default())]
    Index { layer: usize, node: usize, input: Option<usize> },
    #[error("inconsistent network: {0}")]
    Parts(String),
}

/// Training or evaluation points as network inputs: row `i` of `inputs` holds sample `i`'s
/// enabled features.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Samples {
    pub width: usize,
    pub inputs: Vec<f64>,
    pub labels: Vec<f64>,
}

impl Samples {
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    pub fn input(&self, i: usize) -> &[f64] {
        &self.inputs[i * self.width..(i + 1) * self.width]
    }
}

/// Which implementation trains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TrainPath {
    /// Scalar up to [`SCALAR_MAX_WIDTH`], batched beyond.
    #[default]
    Auto,
    Scalar,
    Batched,
}

/// Widest layer for which `Auto` takes the scalar path: the original's own limit, so every
/// network the original can build replays its arithmetic bit for bit. `bench train --path ...`
/// shows the batched path is faster already from about this width (for [12,12,12] it is twice as
/// fast): one sample at a time, each tanh waits on the layer before it, while a chunk of samples
/// keeps the core busy.
pub const SCALAR_MAX_WIDTH: usize = 8;

/// Owns the scratch buffers of both paths so that epochs allocate nothing.
#[derive(Debug, Default)]
pub struct Trainer {
    pub path: TrainPath,
    scalar: scalar::ScalarWorkspace,
    batched: batched::BatchedWorkspace,
}

impl Trainer {
    pub fn new(path: TrainPath) -> Self {
        Trainer { path, ..Default::default() }
    }

    /// The path that will actually run for `net`.
    pub fn resolve(&self, net: &Network) -> TrainPath {
        match self.path {
            TrainPath::Auto if net.max_width() <= SCALAR_MAX_WIDTH => TrainPath::Scalar,
            TrainPath::Auto => TrainPath::Batched,
            p => p,
        }
    }

    pub fn train_epoch(&mut self, net: &mut Network, samples: &Samples, p: &TrainParams) {
        match self.resolve(net) {
            TrainPath::Scalar => scalar::train_epoch(net, &mut self.scalar, samples, p),
            _ => batched::train_epoch(net, &mut self.batched, samples, p),
        }
    }

    pub fn loss(&mut self, net: &Network, samples: &Samples) -> f64 {
        match self.resolve(net) {
            TrainPath::Scalar => scalar::loss(net, &mut self.scalar, samples),
            _ => batched::loss(net, &mut self.batched, samples),
        }
    }
}

#[cfg(test)]
mod tests;
