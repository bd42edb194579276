//! The batched path for wide networks.
//!
//! Weights only change at batch boundaries, so every run of samples between two updates can go
//! through the network as one matrix: forward `Z = A·Wᵀ + b`, backward `ΔW += Dᵀ·A` and
//! `D_prev = D·W`, each one dgemm. The results equal the scalar path's up to summation order.
//! Bias accumulators are summed sample by sample, as in the scalar path, since that costs nothing.
//! A batch that spans an epoch end is simply two chunks with the same weights.
//!
//! For a batch of 10 the weight-gradient product has an inner dimension of 10: it is bound by
//! memory, not arithmetic, and so is the update sweep over the weights. Fusing the two (one
//! dgemm straight into the weights, see `backward`) halves the traffic over each weight matrix.

use super::network::update_biases;
use super::{Network, Regularization, Samples, TrainParams};

/// Rows per chunk: bounds the workspace for huge batch sizes and for the loss pass.
const CHUNK: usize = 256;

#[derive(Default, Debug)]
pub struct BatchedWorkspace {
    /// Per layer, `[rows x outputs]`: total inputs, then outputs.
    z: Vec<Vec<f64>>,
    a: Vec<Vec<f64>>,
    /// Derivatives w.r.t. a layer's outputs, then (in place) w.r.t. its total inputs.
    d: Vec<Vec<f64>>,
}

impl BatchedWorkspace {
    fn fit(&mut self, net: &Network, rows: usize) {
        let want = |n: usize| rows * n;
        if self.z.len() != net.layers.len() || net.layers.iter().zip(&self.z).any(|(l, z)| z.len() < want(l.outputs)) {
            let make = || net.layers.iter().map(|l| vec![0.0; want(l.outputs)]).collect::<Vec<_>>();
            self.z = make();
            self.a = make();
            self.d = make();
        }
    }
}

/// `C = alpha·A·B + beta·C` for strided matrices, via matrixmultiply. The slices bound every
/// access, which the asserts check before the unsafe call.
#[allow(clippy::too_many_arguments)]
pub(crate) fn gemm(
    m: usize,
    k: usize,
    n: usize,
    alpha: f64,
    a: &[f64],
    (rsa, csa): (usize, usize),
    b: &[f64],
    (rsb, csb): (usize, usize),
    beta: f64,
    c: &mut [f64],
    (rsc, csc): (usize, usize),
) {
    if m == 0 || n == 0 {
        return;
    }
    let last = |rows: usize, cols: usize, rs: usize, cs: usize| (rows - 1) * rs + (cols - 1) * cs;
    if k > 0 {
        assert!(last(m, k, rsa, csa) < a.len(), "gemm: A out of bounds");
        assert!(last(k, n, rsb, csb) < b.len(), "gemm: B out of bounds");
    }
    assert!(last(m, n, rsc, csc) < c.len(), "gemm: C out of bounds");
    // SAFETY: the asserts above keep every element the kernel touches inside its slice, and C
    // does not alias A or B (it is a distinct &mut).
    unsafe {
        matrixmultiply::dgemm(
            m,
            k,
            n,
            alpha,
            a.as_ptr(),
            rsa as isize,
            csa as isize,
            b.as_ptr(),
            rsb as isize,
            csb as isize,
            beta,
            c.as_mut_ptr(),
            rsc as isize,
            csc as isize,
        );
    }
}

/// Forward pass of `rows` samples starting at `input` (row-major `[rows x inputs]`), leaving
/// every layer's total inputs and outputs in the workspace.
fn forward(net: &Network, ws: &mut BatchedWorkspace, input: &[f64], rows: usize) {
    for (l, layer) in net.layers.iter().enumerate() {
        let (before, rest) = ws.a.split_at_mut(l);
        let prev: &[f64] = if l == 0 { input } else { &before[l - 1] };
        let (n_in, n_out) = (layer.inputs, layer.outputs);
        let z = &mut ws.z[l][..rows * n_out];
        for row in z.chunks_exact_mut(n_out) {
            row.copy_from_slice(&layer.biases);
        }
        // Z[rows x out] += A_prev[rows x in] · Wᵀ, Wᵀ read through strides.
        gemm(rows, n_in, n_out, 1.0, prev, (n_in, 1), &layer.weights, (1, n_in), 1.0, z, (n_out, 1));
        let a = &mut rest[0][..rows * n_out];
        let act = layer.activation;
        for (a, z) in a.iter_mut().zip(z.iter()) {
            *a = act.apply(*z);
        }
    }
}

/// Backpropagates one chunk (all with the current weights). With `fuse` set, the chunk is a
/// whole batch and nothing is pending from before it: layers without dead links then apply their
/// step directly, `W = W - (lr/count)·(Dᵀ·A)` as one dgemm into the weights, instead of
/// accumulating and sweeping the matrix again. Those layers are marked in `done`.
fn backward(
    net: &mut Network,
    ws: &mut BatchedWorkspace,
    input: &[f64],
    labels: &[f64],
    fuse: Option<&TrainParams>,
    done: &mut [bool],
) {
    let rows = labels.len();
    let last = net.layers.len() - 1;
    for (r, label) in labels.iter().enumerate() {
        ws.d[last][r] = ws.a[last][r] - label;
    }
    for l in (0..=last).rev() {
        let has_dead = net.layer_has_dead(l);
        let layer = &mut net.layers[l];
        let (n_in, n_out) = (layer.inputs, layer.outputs);
        let act = layer.activation;
        let (d_before, d_rest) = ws.d.split_at_mut(l);
        let d = &mut d_rest[0][..rows * n_out];
        for ((d, z), a) in d.iter_mut().zip(&ws.z[l][..rows * n_out]).zip(&ws.a[l][..rows * n_out]) {
            *d *= act.der_at(*z, *a);
        }
        for row in d.chunks_exact(n_out) {
            for (acc, v) in layer.acc_biases.iter_mut().zip(row) {
                *acc += v;
            }
        }
        if l > 0 {
            // D_prev[rows x in] = D[rows x out] · W[out x in], with the weights of this batch
            // (so before any fused step); dead links take part (weight 0).
            let d_prev = &mut d_before[l - 1][..rows * n_in];
            gemm(rows, n_out, n_in, 1.0, d, (n_out, 1), &layer.weights, (n_in, 1), 0.0, d_prev, (n_in, 1));
        }
        let prev: &[f64] = if l == 0 { input } else { &ws.a[l - 1][..rows * n_in] };
        match fuse {
            Some(p) if !has_dead => {
                if p.regularization == Some(Regularization::L2) {
                    // w2 = w0 - step·acc - decay·w0; the decay goes first here, a reordering of
                    // the same two terms.
                    let decay = p.learning_rate * p.regularization_rate;
                    for w in layer.weights.iter_mut() {
                        *w -= decay * *w;
                    }
                }
                let step = p.learning_rate / rows as f64;
                gemm(n_out, rows, n_in, -step, d, (1, n_out), prev, (n_in, 1), 1.0, &mut layer.weights, (n_in, 1));
                update_biases(layer, p.learning_rate, rows);
                done[l] = true;
            }
            _ => {
                // ΔW[out x in] += Dᵀ[out x rows] · A_prev[rows x in].
                gemm(n_out, rows, n_in, 1.0, d, (1, n_out), prev, (n_in, 1), 1.0, &mut layer.acc_weights, (n_in, 1));
                if has_dead {
                    // Dead links accumulate nothing: their accumulators stay exactly 0.
                    for (acc, dead) in layer.acc_weights.iter_mut().zip(&layer.dead) {
                        if *dead {
                            *acc = 0.0;
                        }
                    }
                }
            }
        }
    }
}

/// One epoch, with the scalar path's batching semantics.
pub fn train_epoch(net: &mut Network, ws: &mut BatchedWorkspace, samples: &Samples, p: &TrainParams) {
    let n = samples.len();
    let width = samples.width;
    ws.fit(net, CHUNK.min(n.max(1)));
    let mut done = vec![false; net.layers.len()];
    let mut start = 0;
    while start < n {
        // The next update comes after 0-based sample i with (i + 1) % batch == 0.
        let boundary = (start / p.batch_size + 1) * p.batch_size;
        let end = boundary.min(n).min(start + CHUNK);
        let rows = end - start;
        let input = &samples.inputs[start * width..end * width];
        // L1 can kill links at the update, which needs the accumulated matrix to decide.
        let whole_batch = end == boundary && net.pending == 0 && p.regularization != Some(Regularization::L1);
        done.fill(false);
        forward(net, ws, input, rows);
        backward(net, ws, input, &samples.labels[start..end], whole_batch.then_some(p), &mut done);
        net.pending += rows;
        if end == boundary {
            net.update(p, &done);
        }
        start = end;
    }
}

/// Outputs of the network for every sample, chunk by chunk.
pub fn predict(net: &Network, ws: &mut BatchedWorkspace, samples: &Samples, out: &mut Vec<f64>) {
    let n = samples.len();
    let width = samples.width;
    ws.fit(net, CHUNK.min(n.max(1)));
    out.clear();
    let last = net.layers.len() - 1;
    let mut start = 0;
    while start < n {
        let end = (start + CHUNK).min(n);
        forward(net, ws, &samples.inputs[start * width..end * width], end - start);
        out.extend_from_slice(&ws.a[last][..end - start]);
        start = end;
    }
}

/// Mean of `0.5 * (output - label)^2`, summed in point order.
pub fn loss(net: &Network, ws: &mut BatchedWorkspace, samples: &Samples) -> f64 {
    let mut out = Vec::with_capacity(samples.len());
    predict(net, ws, samples, &mut out);
    let sum: f64 = out.iter().zip(&samples.labels).fold(0.0, |s, (o, l)| {
        let d = o - l;
        s + 0.5 * (d * d)
    });
    sum / samples.len() as f64
}
