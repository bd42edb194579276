//! `hidden-layers bench ...`: performance numbers printed by the binary itself, so that a
//! prebuilt release build can measure any machine.

use crate::data::{Dataset, FeatureSet};
use crate::nn::{Network, TrainPath, batched::gemm};
use crate::session::Session;
use crate::state::Experiment;
use std::time::Instant;

/// The shapes the engine issue asks about.
const TRAIN_SHAPES: [&[usize]; 4] = [&[8, 8, 8, 8, 8, 8], &[64, 64, 64], &[256, 256, 256, 256], &[1024, 1024, 1024]];

/// Multiply-add FLOPs of one epoch: forward, weight gradient and (below the first layer)
/// input gradient for every training sample, plus the forward passes of the two loss sums.
fn epoch_flops(net: &Network, train: usize, test: usize) -> f64 {
    let mut fwd = 0.0;
    let mut bwd = 0.0;
    for (l, layer) in net.layers().iter().enumerate() {
        let mac = 2.0 * (layer.inputs * layer.outputs) as f64;
        fwd += mac;
        bwd += if l == 0 { mac } else { 2.0 * mac };
    }
    train as f64 * (fwd + bwd) + (train + test) as f64 * fwd
}

fn threads_note() -> String {
    let env = std::env::var("MATMUL_NUM_THREADS").ok();
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    match env {
        Some(v) => format!("MATMUL_NUM_THREADS={v}, {cpus} logical CPUs"),
        None => format!("matrixmultiply default (physical cores, at most 4), {cpus} logical CPUs"),
    }
}

/// Runs `f` until `seconds` have passed (at least `min_iters` times) and returns iterations/s.
fn rate(seconds: f64, min_iters: usize, mut f: impl FnMut()) -> f64 {
    f(); // warm-up: page in buffers, settle thread pools
    let start = Instant::now();
    let mut n = 0usize;
    while n < min_iters || start.elapsed().as_secs_f64() < seconds {
        f();
        n += 1;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

pub fn train(seconds: f64, shapes: &[Vec<usize>], path: TrainPath) {
    println!("bench train: spiral, all 7 features, batch 10, 50% train (250 points), 250 test points");
    println!("threads: {}", threads_note());
    let shapes: Vec<Vec<usize>> =
        if shapes.is_empty() { TRAIN_SHAPES.iter().map(|s| s.to_vec()).collect() } else { shapes.to_vec() };
    println!("{:<26} {:>8} {:>12} {:>12} {:>10}", "hidden shape", "path", "epochs/s", "ms/epoch", "GFLOP/s");
    for shape in &shapes {
        let mut exp = Experiment::with_seed("bench");
        exp.dataset = Dataset::Spiral;
        exp.features = FeatureSet::all();
        exp.batch_size = 10;
        exp.network_shape = shape.clone();
        let mut session = match Session::new(exp, path) {
            Ok(s) => s,
            Err(e) => {
                println!("{shape:?}: {e}");
                continue;
            }
        };
        let flops = epoch_flops(&session.network, session.train.len(), session.test.len());
        let eps = rate(seconds, 3, || {
            session.step();
        });
        let name = format!("{shape:?}");
        println!(
            "{name:<26} {:>8} {eps:>12.1} {:>12.3} {:>10.2}",
            format!("{:?}", session.path()).to_lowercase(),
            1000.0 / eps,
            flops * eps / 1e9
        );
    }
    println!();
    println!("dgemm (matrixmultiply, same threading), C = A·B:");
    for (m, k, n) in [(10, 1024, 1024), (250, 1024, 1024), (1024, 1024, 1024)] {
        let a = vec![0.5; m * k];
        let b = vec![0.25; k * n];
        let mut c = vec![0.0; m * n];
        let per_s = rate(seconds, 3, || gemm(m, k, n, &a, (k, 1), &b, (n, 1), 0.0, &mut c, (n, 1)));
        let gflops = 2.0 * (m * k * n) as f64 * per_s / 1e9;
        println!("  {m:>5} x {k} by {k} x {n}: {gflops:>8.2} GFLOP/s ({:.3} ms each)", 1000.0 / per_s);
    }
}
