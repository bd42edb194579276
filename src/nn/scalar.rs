//! The scalar path: one sample at a time, in exactly the original's order of operations.
//! For the playground's small networks this is both the fastest path and a bit-for-bit replay.

// Index loops on purpose: they spell out the original's node/link visiting order, which is the
// whole point of this path.
#![allow(clippy::needless_range_loop)]

use super::{Network, Samples, TrainParams};

/// Per-node buffers, reused across samples.
#[derive(Default, Debug)]
pub struct ScalarWorkspace {
    /// `total[l][i]`: node i's total input in layer l; `output` and `der` likewise.
    total: Vec<Vec<f64>>,
    output: Vec<Vec<f64>>,
    /// Output derivative (dE/d output) of every node, then reused for the input derivative.
    output_der: Vec<Vec<f64>>,
    input_der: Vec<Vec<f64>>,
}

impl ScalarWorkspace {
    fn fit(&mut self, net: &Network) {
        let shape: Vec<usize> = net.layers.iter().map(|l| l.outputs).collect();
        if self.total.iter().map(Vec::len).eq(shape.iter().copied()) {
            return;
        }
        let make = || shape.iter().map(|&n| vec![0.0; n]).collect::<Vec<_>>();
        self.total = make();
        self.output = make();
        self.output_der = make();
        self.input_der = make();
    }
}

fn forward(net: &Network, ws: &mut ScalarWorkspace, input: &[f64]) {
    for (l, layer) in net.layers.iter().enumerate() {
        let (before, rest) = ws.output.split_at_mut(l);
        let prev: &[f64] = if l == 0 { input } else { &before[l - 1] };
        let out = &mut rest[0];
        let total = &mut ws.total[l];
        for i in 0..layer.outputs {
            let row = &layer.weights[i * layer.inputs..(i + 1) * layer.inputs];
            let mut t = layer.biases[i];
            for (w, a) in row.iter().zip(prev) {
                t += w * a;
            }
            total[i] = t;
            out[i] = layer.activation.apply(t);
        }
    }
}

fn backward(net: &mut Network, ws: &mut ScalarWorkspace, input: &[f64], label: f64) {
    let last = net.layers.len() - 1;
    ws.output_der[last][0] = ws.output[last][0] - label;
    for l in (0..=last).rev() {
        let layer = &mut net.layers[l];
        let prev: &[f64] = if l == 0 { input } else { &ws.output[l - 1] };
        let input_der = &mut ws.input_der[l];
        for i in 0..layer.outputs {
            let d = ws.output_der[l][i] * layer.activation.der_at(ws.total[l][i], ws.output[l][i]);
            input_der[i] = d;
            layer.acc_biases[i] += d;
        }
        let n_in = layer.inputs;
        for i in 0..layer.outputs {
            let d = input_der[i];
            let base = i * n_in;
            for j in 0..n_in {
                if !layer.dead[base + j] {
                    layer.acc_weights[base + j] += d * prev[j];
                }
            }
        }
        if l == 0 {
            break;
        }
        let (before, _) = ws.output_der.split_at_mut(l);
        let prev_der = &mut before[l - 1];
        for (j, pd) in prev_der.iter_mut().enumerate() {
            let mut s = 0.0;
            for i in 0..layer.outputs {
                s += layer.weights[i * n_in + j] * input_der[i];
            }
            *pd = s;
        }
    }
}

/// One epoch over `samples` in order, updating after every `batch_size`-th sample (0-based index
/// `i` with `(i + 1) % batch == 0`); leftovers carry into the next epoch.
pub fn train_epoch(net: &mut Network, ws: &mut ScalarWorkspace, samples: &Samples, p: &TrainParams) {
    ws.fit(net);
    for i in 0..samples.len() {
        let input = samples.input(i);
        forward(net, ws, input);
        backward(net, ws, input, samples.labels[i]);
        net.pending += 1;
        if (i + 1) % p.batch_size == 0 {
            net.update(p, &[]);
        }
    }
}

/// Mean of `0.5 * (output - label)^2`, summed in point order.
pub fn loss(net: &Network, ws: &mut ScalarWorkspace, samples: &Samples) -> f64 {
    ws.fit(net);
    let mut sum = 0.0;
    let last = net.layers.len() - 1;
    for i in 0..samples.len() {
        forward(net, ws, samples.input(i));
        let d = ws.output[last][0] - samples.labels[i];
        sum += 0.5 * (d * d);
    }
    sum / samples.len() as f64
}
