//! The network: per-layer flat matrices plus everything pending between updates.
//!
//! Layer `l` holds `weights[i * inputs + j]`, the link from node `j` of the previous layer (or
//! input feature `j`) into node `i`: the same `[out][in]` row-major order in which the original
//! draws initial weights, and the order the GPU buffer will use. Accumulated derivatives live
//! beside the weights, so that a run can be saved between any two epochs and continued exactly.

use super::{Activation, NnError, Regularization};
use crate::seedrandom::Arc4;

/// The engine's widest layer. The original stops at 8; we only stop where memory would.
pub const MAX_WIDTH: usize = 8192;
/// The most hidden layers a network may have.
pub const MAX_HIDDEN_LAYERS: usize = 128;

#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    pub inputs: usize,
    pub outputs: usize,
    pub activation: Activation,
    /// `[outputs][inputs]`, row-major.
    pub weights: Vec<f64>,
    pub biases: Vec<f64>,
    /// Links frozen at 0 by L1 (same indexing as `weights`).
    pub dead: Vec<bool>,
    /// Derivatives accumulated since the last update (same indexing as `weights` / `biases`).
    pub acc_weights: Vec<f64>,
    pub acc_biases: Vec<f64>,
}

impl Layer {
    fn zeroed(inputs: usize, outputs: usize, activation: Activation) -> Self {
        Layer {
            inputs,
            outputs,
            activation,
            weights: vec![0.0; inputs * outputs],
            biases: vec![0.0; outputs],
            dead: vec![false; inputs * outputs],
            acc_weights: vec![0.0; inputs * outputs],
            acc_biases: vec![0.0; outputs],
        }
    }

    pub fn dead_count(&self) -> usize {
        self.dead.iter().filter(|d| **d).count()
    }
}

/// How initial parameters are chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Init {
    /// Weights `random() - 0.5`, biases 0.1: the original's default.
    Random,
    /// Everything 0 (the original's `initZero`); the draws still happen, keeping the stream in step.
    Zero,
}

/// Settings of one update step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrainParams {
    pub learning_rate: f64,
    pub regularization: Option<Regularization>,
    pub regularization_rate: f64,
    pub batch_size: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    pub(super) layers: Vec<Layer>,
    /// Samples whose derivatives are accumulated but not yet applied. Every live link and every
    /// node counts each sample, and all counters reset together at an update, so this one number
    /// is every counter of the original (dead links stay at 0 and are skipped).
    pub(super) pending: usize,
    /// Dead links per layer (the masks' popcounts).
    pub(super) dead_counts: Vec<usize>,
}

impl Network {
    /// Builds `[inputs, ...hidden, 1]`, drawing weights from `rng` layer by layer, node by node,
    /// source by source.
    pub fn new(
        inputs: usize,
        hidden: &[usize],
        activation: Activation,
        output_activation: Activation,
        init: Init,
        rng: &mut Arc4,
    ) -> Result<Self, NnError> {
        check_shape(inputs, hidden)?;
        let mut layers = Vec::with_capacity(hidden.len() + 1);
        let mut prev = inputs;
        for (l, &width) in hidden.iter().chain(std::iter::once(&1)).enumerate() {
            let act = if l == hidden.len() { output_activation } else { activation };
            let mut layer = Layer::zeroed(prev, width, act);
            for w in layer.weights.iter_mut() {
                let drawn = rng.next_f64() - 0.5;
                if init == Init::Random {
                    *w = drawn;
                }
            }
            if init == Init::Random {
                layer.biases.fill(0.1);
            }
            layers.push(layer);
            prev = width;
        }
        let dead_counts = vec![0; layers.len()];
        Ok(Network { layers, pending: 0, dead_counts })
    }

    /// Restores a network from its parts (a saved run), checking that they fit together.
    pub fn from_parts(layers: Vec<Layer>, pending: usize) -> Result<Self, NnError> {
        let Some(last) = layers.last() else {
            return Err(NnError::Parts("a network needs at least the output layer".into()));
        };
        if last.outputs != 1 {
            return Err(NnError::Parts(format!("the output layer has {} nodes, not 1", last.outputs)));
        }
        let hidden: Vec<usize> = layers[..layers.len() - 1].iter().map(|l| l.outputs).collect();
        check_shape(layers[0].inputs, &hidden)?;
        for (l, layer) in layers.iter().enumerate() {
            let n = layer.inputs * layer.outputs;
            if l > 0 && layer.inputs != layers[l - 1].outputs {
                return Err(NnError::Parts(format!(
                    "layer {l} takes {} inputs but the layer before has {} nodes",
                    layer.inputs,
                    layers[l - 1].outputs
                )));
            }
            if layer.weights.len() != n
                || layer.dead.len() != n
                || layer.acc_weights.len() != n
                || layer.biases.len() != layer.outputs
                || layer.acc_biases.len() != layer.outputs
            {
                return Err(NnError::Parts(format!(
                    "layer {l}'s arrays do not match its {}x{} shape",
                    layer.outputs, layer.inputs
                )));
            }
            if layer.dead.iter().zip(&layer.weights).any(|(d, w)| *d && *w != 0.0) {
                return Err(NnError::Parts(format!("layer {l} has a dead link with a nonzero weight")));
            }
        }
        let dead_counts = layers.iter().map(Layer::dead_count).collect();
        Ok(Network { layers, pending, dead_counts })
    }

    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    pub fn inputs(&self) -> usize {
        self.layers[0].inputs
    }

    /// Widths of the hidden layers.
    pub fn hidden_shape(&self) -> Vec<usize> {
        self.layers[..self.layers.len() - 1].iter().map(|l| l.outputs).collect()
    }

    /// The widest layer, inputs included: what decides between the scalar and batched paths.
    pub fn max_width(&self) -> usize {
        self.layers.iter().map(|l| l.outputs).chain(std::iter::once(self.inputs())).max().unwrap_or(1)
    }

    /// Samples accumulated since the last update.
    pub fn pending(&self) -> usize {
        self.pending
    }

    pub fn dead_count(&self) -> usize {
        self.dead_counts.iter().sum()
    }

    pub fn param_count(&self) -> usize {
        self.layers.iter().map(|l| l.weights.len() + l.biases.len()).sum()
    }

    /// Multiply-add FLOPs of one forward pass (one sample, or one pixel of a field).
    pub fn forward_flops(&self) -> f64 {
        self.layers.iter().map(|l| 2.0 * l.inputs as f64 * l.outputs as f64).sum()
    }

    /// One plain forward pass (no state is touched), in the original's order of operations.
    pub fn forward(&self, input: &[f64]) -> f64 {
        let mut prev: Vec<f64> = input.to_vec();
        let mut next = Vec::new();
        for layer in &self.layers {
            next.clear();
            for i in 0..layer.outputs {
                let row = &layer.weights[i * layer.inputs..(i + 1) * layer.inputs];
                let mut total = layer.biases[i];
                for (w, a) in row.iter().zip(&prev) {
                    total += w * a;
                }
                next.push(layer.activation.apply(total));
            }
            std::mem::swap(&mut prev, &mut next);
        }
        prev[0]
    }

    /// Every node's output for one input: `outputs[l][i]` for layer `l` (0 = first hidden).
    pub fn node_outputs(&self, input: &[f64]) -> Vec<Vec<f64>> {
        let mut all: Vec<Vec<f64>> = Vec::with_capacity(self.layers.len());
        for layer in &self.layers {
            let prev = all.last().map_or(input, Vec::as_slice);
            let out = (0..layer.outputs)
                .map(|i| {
                    let row = &layer.weights[i * layer.inputs..(i + 1) * layer.inputs];
                    let mut total = layer.biases[i];
                    for (w, a) in row.iter().zip(prev) {
                        total += w * a;
                    }
                    layer.activation.apply(total)
                })
                .collect();
            all.push(out);
        }
        all
    }

    /// Sets one weight (an edit from the user). A dead link comes back to life: the user's value
    /// is a deliberate choice that the frozen-at-zero rule should not override.
    pub fn set_weight(&mut self, layer: usize, node: usize, input: usize, value: f64) -> Result<(), NnError> {
        let l = self.layers.get_mut(layer).ok_or(NnError::Index { layer, node, input: Some(input) })?;
        if node >= l.outputs || input >= l.inputs {
            return Err(NnError::Index { layer, node, input: Some(input) });
        }
        let k = node * l.inputs + input;
        l.weights[k] = value;
        if std::mem::replace(&mut l.dead[k], false) {
            self.dead_counts[layer] -= 1;
        }
        Ok(())
    }

    pub fn set_bias(&mut self, layer: usize, node: usize, value: f64) -> Result<(), NnError> {
        let l = self.layers.get_mut(layer).ok_or(NnError::Index { layer, node, input: None })?;
        let b = l.biases.get_mut(node).ok_or(NnError::Index { layer, node, input: None })?;
        *b = value;
        Ok(())
    }

    /// Applies the accumulated derivatives, exactly as the original's `updateWeights`. Layers
    /// with `done[l]` set were already updated by the batched path's fused step.
    pub(super) fn update(&mut self, p: &TrainParams, done: &[bool]) {
        let count = self.pending;
        self.pending = 0;
        if count == 0 {
            return;
        }
        for (l, layer) in self.layers.iter_mut().enumerate() {
            if done.get(l).copied().unwrap_or(false) {
                continue;
            }
            update_biases(layer, p.learning_rate, count);
            self.dead_counts[l] += update_weights(layer, self.dead_counts[l] > 0, p, count);
        }
    }

    /// Dead links in layer `l`, kept up to date so hot loops can skip the mask when it is empty.
    pub(super) fn layer_has_dead(&self, l: usize) -> bool {
        self.dead_counts[l] > 0
    }
}

/// `bias -= lr * acc / count` (multiply, then divide, as the original), then clear.
pub(super) fn update_biases(layer: &mut Layer, lr: f64, count: usize) {
    let countf = count as f64;
    for (b, acc) in layer.biases.iter_mut().zip(layer.acc_biases.iter_mut()) {
        *b -= lr * *acc / countf;
        *acc = 0.0;
    }
}

/// The weight step for one layer; returns how many links L1 killed.
fn update_weights(layer: &mut Layer, has_dead: bool, p: &TrainParams, count: usize) -> usize {
    let step = p.learning_rate / count as f64;
    let decay = p.learning_rate * p.regularization_rate;
    let w = &mut layer.weights;
    let acc = &mut layer.acc_weights;
    let mut killed = 0;
    match p.regularization {
        Some(Regularization::L1) => {
            for ((w, acc), dead) in w.iter_mut().zip(acc.iter_mut()).zip(layer.dead.iter_mut()) {
                if *dead {
                    continue;
                }
                let w0 = *w;
                let reg_der = Regularization::L1.der(w0);
                let w1 = w0 - step * *acc;
                let w2 = w1 - decay * reg_der;
                // Only a crossing caused by the L1 push (sign of w1 vs w2) kills the link.
                if w1 * w2 < 0.0 {
                    *w = 0.0;
                    *dead = true;
                    killed += 1;
                } else {
                    *w = w2;
                }
                *acc = 0.0;
            }
        }
        reg => {
            // Without L1 nothing can die, but links killed under an earlier L1 setting stay
            // frozen; the mask is only consulted when there are any.
            let l2 = reg == Some(Regularization::L2);
            for (k, (w, acc)) in w.iter_mut().zip(acc.iter_mut()).enumerate() {
                if has_dead && layer.dead[k] {
                    continue;
                }
                let w0 = *w;
                let reg_der = if l2 { w0 } else { 0.0 };
                let w1 = w0 - step * *acc;
                *w = w1 - decay * reg_der;
                *acc = 0.0;
            }
        }
    }
    killed
}

fn check_shape(inputs: usize, hidden: &[usize]) -> Result<(), NnError> {
    if inputs > MAX_WIDTH {
        return Err(NnError::Width { layer: None, width: inputs });
    }
    if hidden.len() > MAX_HIDDEN_LAYERS {
        return Err(NnError::Depth(hidden.len()));
    }
    for (l, &w) in hidden.iter().enumerate() {
        if w == 0 || w > MAX_WIDTH {
            return Err(NnError::Width { layer: Some(l), width: w });
        }
    }
    Ok(())
}
