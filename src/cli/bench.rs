//! `hidden-layers bench ...`: performance numbers printed by the binary itself, so that a
//! prebuilt release build can measure any machine.

use crate::data::{Dataset, FeatureSet};
use crate::nn::{Network, TrainPath, Trainer, batched::gemm};
use crate::session::Session;
use crate::state::Experiment;
use std::time::Instant;

/// The shapes the engine issue asks about.
const TRAIN_SHAPES: [&[usize]; 4] = [&[8, 8, 8, 8, 8, 8], &[64, 64, 64], &[256, 256, 256, 256], &[1024, 1024, 1024]];

/// FLOPs (a multiply-add is 2) of one training pass over `train` samples (forward, weight
/// gradient and, below the first layer, input gradient) and of one forward pass per sample.
fn flops(net: &Network) -> (f64, f64) {
    let mut fwd = 0.0;
    let mut bwd = 0.0;
    for (l, layer) in net.layers().iter().enumerate() {
        let mac = 2.0 * (layer.inputs * layer.outputs) as f64;
        fwd += mac;
        bwd += if l == 0 { mac } else { 2.0 * mac };
    }
    (fwd + bwd, fwd)
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
    println!("an epoch = one training pass + the train and test loss passes (as the original)");
    let shapes: Vec<Vec<usize>> =
        if shapes.is_empty() { TRAIN_SHAPES.iter().map(|s| s.to_vec()).collect() } else { shapes.to_vec() };
    println!(
        "{:<24} {:>8} {:>10} {:>10} {:>9} {:>14} {:>13}",
        "hidden shape", "path", "epochs/s", "ms/epoch", "GFLOP/s", "train GFLOP/s", "loss GFLOP/s"
    );
    for shape in &shapes {
        let mut exp = Experiment::with_seed("bench");
        exp.dataset = Dataset::Spiral;
        exp.features = FeatureSet::all();
        exp.batch_size = 10;
        exp.network_shape = shape.clone();
        let params = exp.train_params();
        let mut session = match Session::new(exp, path) {
            Ok(s) => s,
            Err(e) => {
                println!("{shape:?}: {e}");
                continue;
            }
        };
        let (train_flops, fwd_flops) = flops(&session.network);
        let (n_train, n_test) = (session.train.len() as f64, session.test.len() as f64);
        let epoch_flops = n_train * train_flops + (n_train + n_test) * fwd_flops;
        let eps = rate(seconds, 3, || {
            session.step();
        });
        // The two halves of an epoch on their own, on a copy of the same network.
        let mut net = session.network.clone();
        let mut trainer = Trainer::new(path);
        let train_per_s = rate(seconds / 2.0, 3, || trainer.train_epoch(&mut net, &session.train, &params));
        let loss_per_s = rate(seconds / 2.0, 3, || {
            std::hint::black_box(trainer.loss(&net, &session.train) + trainer.loss(&net, &session.test));
        });
        println!(
            "{:<24} {:>8} {eps:>10.1} {:>10.3} {:>9.2} {:>14.2} {:>13.2}",
            format!("{shape:?}"),
            format!("{:?}", session.path()).to_lowercase(),
            1000.0 / eps,
            epoch_flops * eps / 1e9,
            n_train * train_flops * train_per_s / 1e9,
            (n_train + n_test) * fwd_flops * loss_per_s / 1e9,
        );
    }
    println!();
    println!("dgemm (matrixmultiply, same threading), C = A·B, at the shapes an epoch uses:");
    println!("  (batch rows x width by width x width for the training pass, 250 rows for a loss pass)");
    let mut widths: Vec<usize> = shapes.iter().flatten().copied().filter(|w| *w >= 32).collect();
    widths.sort_unstable();
    widths.dedup();
    let mut cases: Vec<(usize, usize, usize)> = widths.iter().flat_map(|&w| [(10, w, w), (250, w, w)]).collect();
    cases.push((1024, 1024, 1024));
    for (m, k, n) in cases {
        let a = vec![0.5; m * k];
        let b = vec![0.25; k * n];
        let mut c = vec![0.0; m * n];
        let per_s = rate(seconds / 2.0, 3, || gemm(m, k, n, 1.0, &a, (k, 1), &b, (n, 1), 0.0, &mut c, (n, 1)));
        let gflops = 2.0 * (m * k * n) as f64 * per_s / 1e9;
        println!("  {m:>5} x {k:<5} by {k:>5} x {n:<5} {gflops:>8.2} GFLOP/s  ({:.3} ms each)", 1000.0 / per_s);
    }
}

/// The GPU forward pass per shape: field and thumbnail passes, against the CPU engine's own
/// batched forward pass over the same grid.
pub fn field(
    size: (u32, u32),
    budget_gflop: f64,
    seconds: f64,
    shapes: &[Vec<usize>],
    cpu: bool,
) -> Result<(), super::CliError> {
    use crate::gpu::GpuContext;
    use crate::nn::{Samples, batched};
    use crate::render::field::{FieldEngine, ForwardPath, Grid, PackedNetwork, THUMB_GRID, thumbnail_grid};

    let ctx = GpuContext::headless()?;
    println!("bench field on {}", ctx.describe());
    println!("spiral network, all 7 features; times are wall clock per pass (submit + wait)");
    let shapes: Vec<Vec<usize>> =
        if shapes.is_empty() { TRAIN_SHAPES.iter().map(|s| s.to_vec()).collect() } else { shapes.to_vec() };
    let engine = FieldEngine::new(&ctx);
    println!(
        "{:<22} {:>6} {:>11} {:>9} {:>12} {:>9} {:>10} {:>10} {:>8} {:>11}",
        "hidden shape", "path", "grid", "ms", "Mpixel/s", "GFLOP/s", "CPU ms", "CPU GFLOP/s", "GPU/CPU", "thumbs ms"
    );
    for shape in &shapes {
        let mut exp = Experiment::with_seed("bench");
        exp.dataset = Dataset::Spiral;
        exp.features = FeatureSet::all();
        exp.network_shape = shape.clone();
        let session = match Session::new(exp, TrainPath::Auto) {
            Ok(s) => s,
            Err(e) => {
                println!("{shape:?}: {e}");
                continue;
            }
        };
        let packed = PackedNetwork::new(&session.network, session.experiment.features);
        let per_pixel = session.network.forward_flops();
        // Shrink the grid (keeping its aspect) until one field costs at most the budget.
        let (mut w, mut h) = size;
        while w > 16 && h > 16 && w as f64 * h as f64 * per_pixel > budget_gflop * 1e9 {
            w /= 2;
            h /= 2;
        }
        let grid = Grid::new(w, h);
        let mut bufs = engine.buffers(&ctx);
        engine.upload(&ctx, &mut bufs, packed.clone());
        let path = packed.path(ForwardPath::Auto);
        let mut run_field = || -> Result<(), crate::gpu::GpuError> {
            let mut enc = ctx.device.create_command_encoder(&Default::default());
            engine.encode_field(&ctx, &mut enc, &mut bufs, &grid, path)?;
            ctx.queue.submit([enc.finish()]);
            ctx.wait()
        };
        let mut err = None;
        let field_per_s = rate(seconds, 2, || {
            if let Err(e) = run_field() {
                err.get_or_insert(e);
            }
        });
        if let Some(e) = err.take() {
            return Err(e.into());
        }
        let side = thumbnail_grid(&ctx, &packed, THUMB_GRID);
        let mut run_thumbs = || -> Result<(), crate::gpu::GpuError> {
            let mut enc = ctx.device.create_command_encoder(&Default::default());
            engine.encode_thumbnails(&ctx, &mut enc, &mut bufs, side, grid.domain, path)?;
            ctx.queue.submit([enc.finish()]);
            ctx.wait()
        };
        let thumbs_per_s = rate(seconds / 2.0, 2, || {
            if let Err(e) = run_thumbs() {
                err.get_or_insert(e);
            }
        });
        if let Some(e) = err.take() {
            return Err(e.into());
        }
        let pixels = grid.pixels() as f64;
        let gpu_ms = 1000.0 / field_per_s;
        let gpu_gflops = pixels * per_pixel * field_per_s / 1e9;
        let (cpu_ms, cpu_gflops) = if cpu {
            let features = session.experiment.features;
            let mut inputs = Vec::with_capacity(grid.pixels() * features.len());
            for p in 0..grid.pixels() {
                let (x, y) = grid.coord(p);
                inputs.extend(features.iter().map(|f| f.eval(x, y)));
            }
            let samples = Samples { width: features.len(), inputs, labels: vec![0.0; grid.pixels()] };
            let mut ws = batched::BatchedWorkspace::default();
            let mut out = Vec::new();
            let per_s = rate(seconds, 1, || batched::predict(&session.network, &mut ws, &samples, &mut out));
            (1000.0 / per_s, pixels * per_pixel * per_s / 1e9)
        } else {
            (f64::NAN, f64::NAN)
        };
        println!(
            "{:<22} {:>6} {:>11} {gpu_ms:>9.2} {:>12.2} {gpu_gflops:>9.2} {cpu_ms:>10.2} {cpu_gflops:>10.2} {:>8.2} {:>11}",
            format!("{shape:?}"),
            format!("{path:?}").to_lowercase(),
            format!("{w}x{h}"),
            pixels * field_per_s / 1e6,
            cpu_ms / gpu_ms,
            format!("{:.2} ({side}²)", 1000.0 / thumbs_per_s),
        );
    }
    Ok(())
}

/// `bench csv`: writes a CSV of `rows` points to a temporary file, then times reading and
/// parsing it, and building a session on it (shuffle, split, feature rows, first losses).
pub fn csv(rows: usize) -> Result<(), super::CliError> {
    use crate::data::csv;
    let text = csv::synthetic(rows);
    let path = std::env::temp_dir().join(format!("hidden-layers-bench-{}.csv", std::process::id()));
    std::fs::write(&path, &text).map_err(|source| super::CliError::Write { path: path.clone(), source })?;
    drop(text);
    let mb = std::fs::metadata(&path).map(|m| m.len() as f64 / 1e6).unwrap_or(0.0);
    println!("bench csv: {rows} rows, {mb:.1} MB ({})", path.display());
    let result = (|| {
        let mut best = f64::INFINITY;
        let mut loaded = None;
        for _ in 0..3 {
            let t = Instant::now();
            let d = csv::load(&path, crate::state::Problem::Classification)
                .map_err(|source| super::SourceError::Data { path: path.display().to_string(), source })?;
            best = best.min(t.elapsed().as_secs_f64());
            loaded = Some(d);
        }
        let Some(d) = loaded else { return Ok(()) };
        println!(
            "read + parse        {best:>8.3} s  ({:.1} M rows/s, {:.0} MB/s; best of 3)",
            rows as f64 / best / 1e6,
            mb / best
        );
        let t = Instant::now();
        let s = Session::with_csv(Experiment::with_seed("bench"), d, "bench.csv", TrainPath::Auto)?;
        println!(
            "session on it       {:>8.3} s  (shuffle, split {} / {}, feature rows, first train and test losses)",
            t.elapsed().as_secs_f64(),
            s.train.len(),
            s.test.len()
        );
        Ok(())
    })();
    let _ = std::fs::remove_file(&path);
    result
}
