//! GPU tests, through lavapipe on a machine without a GPU. Without any adapter they print a
//! loud SKIPPED line and pass, unless REQUIRE_GPU=1 (CI), where they fail.

use hidden_layers::data::{Feature, FeatureSet};
use hidden_layers::gpu::{GpuContext, readback};
use hidden_layers::nn::{Activation, Init, Network};
use hidden_layers::render::field::{
    DEFAULT_DOMAIN, FieldBuffers, FieldEngine, ForwardPath, Grid, PackedNetwork, PartTarget, cpu_reference,
};
use hidden_layers::seedrandom::Arc4;
use std::sync::OnceLock;

/// One device for the whole binary (tests run on threads; wgpu's device is shared safely).
fn gpu() -> Option<&'static GpuContext> {
    static CTX: OnceLock<Option<GpuContext>> = OnceLock::new();
    CTX.get_or_init(|| match GpuContext::headless() {
        Ok(ctx) => {
            eprintln!("GPU tests on {}", ctx.describe());
            Some(ctx)
        }
        Err(e) => {
            if std::env::var("REQUIRE_GPU").is_ok_and(|v| v == "1") {
                panic!("REQUIRE_GPU=1 but no GPU adapter: {e}");
            }
            eprintln!("\n*** SKIPPED: GPU tests need an adapter: {e} ***\n");
            None
        }
    })
    .as_ref()
}

fn random_network(seed: &str, features: FeatureSet, shape: &[usize], act: Activation, gain: f64) -> Network {
    let mut rng = Arc4::new(seed);
    let mut net = Network::new(features.len(), shape, act, Activation::Tanh, Init::Random, &mut rng).unwrap();
    // Random weights in [-gain/2, gain/2) and biases too, so activations are exercised over a
    // wide range (saturated tanh/sigmoid, dead and live ReLUs).
    let layers = net.layers().len();
    for l in 0..layers {
        let (outs, ins) = (net.layers()[l].outputs, net.layers()[l].inputs);
        for i in 0..outs {
            for j in 0..ins {
                net.set_weight(l, i, j, (rng.next_f64() - 0.5) * gain / (ins as f64).sqrt().max(1.0) * 2.0).unwrap();
            }
            net.set_bias(l, i, (rng.next_f64() - 0.5) * gain).unwrap();
        }
    }
    net
}

/// One comparison: a network over a field grid and a thumbnail grid, by one path.
struct Case<'a> {
    net: &'a Network,
    features: FeatureSet,
    grid: Grid,
    thumb: u32,
    path: ForwardPath,
    what: String,
}

/// GPU field and thumbnails against the CPU engine: every pixel and every thumbnail value
/// within 1e-4 * (1 + Σ|w·a|) of the f64 result.
fn check(ctx: &GpuContext, engine: &FieldEngine, c: &Case) {
    let (net, grid, what) = (c.net, c.grid, &c.what);
    let packed = PackedNetwork::new(net, c.features);
    let mut bufs = engine.buffers(ctx);
    engine.upload(ctx, &mut bufs, packed.clone());
    let mut enc = ctx.device.create_command_encoder(&Default::default());
    let info = engine.encode_field(ctx, &mut enc, &mut bufs, &grid, c.path).unwrap();
    let tgrid = Grid { width: c.thumb, height: c.thumb, domain: grid.domain };
    engine.encode_thumbnails(ctx, &mut enc, &mut bufs, c.thumb, grid.domain, c.path).unwrap();
    ctx.queue.submit([enc.finish()]);
    let field = readback::read_f32(ctx, bufs.field.as_ref().unwrap(), grid.pixels()).unwrap();
    let acts = readback::read_f32(ctx, bufs.acts.as_ref().unwrap(), packed.acts_rows * tgrid.pixels()).unwrap();

    let cpu = cpu_reference(net, c.features, &grid);
    let out = (cpu.rows - 1) * cpu.pixels;
    for (p, got) in field.iter().enumerate() {
        let (want, scale) = (cpu.values[out + p], cpu.scale[out + p]);
        let got = *got as f64;
        assert!(
            (got - want).abs() <= 1e-4 * scale,
            "{what} ({info:?}): field pixel {p}: gpu {got} cpu {want} (scale {scale})"
        );
    }
    let tcpu = cpu_reference(net, c.features, &tgrid);
    assert_eq!(tcpu.rows, packed.acts_rows);
    for (k, got) in acts.iter().enumerate() {
        let (got, want) = (*got as f64, tcpu.values[k]);
        let (r, p) = (k / tcpu.pixels, k % tcpu.pixels);
        assert!(
            (got - want).abs() <= 1e-4 * tcpu.scale[k],
            "{what} ({info:?}): thumbnail row {r} pixel {p}: gpu {got} cpu {want}"
        );
    }
}

fn features(list: &[Feature]) -> FeatureSet {
    list.iter().copied().collect()
}

#[test]
fn gpu_forward_matches_cpu_on_random_networks() {
    let Some(ctx) = gpu() else { return };
    let engine = FieldEngine::new(ctx);
    let xy = features(&[Feature::X, Feature::Y]);
    let sets = [xy, FeatureSet::all(), features(&[Feature::XSquared, Feature::SinY, Feature::XTimesY])];
    let shapes: &[&[usize]] = &[&[], &[4, 2], &[8, 8, 8, 8, 8, 8]];
    for (s, shape) in shapes.iter().enumerate() {
        for act in Activation::ALL {
            for (f, set) in sets.iter().enumerate() {
                let net = random_network(&format!("{s}-{act:?}-{f}"), *set, shape, act, 3.0);
                for path in [ForwardPath::Fused, ForwardPath::Tiled] {
                    let what = format!("{shape:?} {act:?} {set:?} {path:?}");
                    let grid = Grid::new(61, 47);
                    check(ctx, &engine, &Case { net: &net, features: *set, grid, thumb: 16, path, what });
                }
            }
        }
    }
}

#[test]
fn gpu_forward_matches_cpu_on_wide_networks() {
    let Some(ctx) = gpu() else { return };
    let engine = FieldEngine::new(ctx);
    let shapes: &[&[usize]] = &[&[64, 64], &[300, 17, 300], &[1024, 1024]];
    for (s, shape) in shapes.iter().enumerate() {
        for (a, act) in Activation::ALL.into_iter().enumerate() {
            // Every activation on the first two shapes; the widest once per activation family.
            if s == 2 && a % 2 == 1 {
                continue;
            }
            let set = if a % 2 == 0 { FeatureSet::all() } else { features(&[Feature::X, Feature::Y]) };
            let net = random_network(&format!("wide-{s}-{act:?}"), set, shape, act, 3.0);
            let what = format!("{shape:?} {act:?}");
            check(
                ctx,
                &engine,
                &Case { net: &net, features: set, grid: Grid::new(61, 47), thumb: 8, path: ForwardPath::Auto, what },
            );
        }
    }
}

#[test]
fn saturating_activations_stay_exact() {
    let Some(ctx) = gpu() else { return };
    let engine = FieldEngine::new(ctx);
    // Huge weights drive |total| far past where exp-based tanh or sigmoid overflow.
    for act in [Activation::Tanh, Activation::Sigmoid] {
        let set = FeatureSet::all();
        let net = random_network(&format!("sat-{act:?}"), set, &[6, 5], act, 400.0);
        let what = format!("saturated {act:?}");
        check(
            ctx,
            &engine,
            &Case { net: &net, features: set, grid: Grid::new(33, 29), thumb: 8, path: ForwardPath::Fused, what },
        );
    }
}

/// A hovered feature's or node's field (the probe) at full resolution, by both kernels: every
/// probed row equals that row of the CPU reference.
#[test]
fn probed_rows_match_cpu() {
    let Some(ctx) = gpu() else { return };
    let engine = FieldEngine::new(ctx);
    let set = features(&[Feature::X, Feature::Y, Feature::SinX]);
    for shape in [&[5, 4][..], &[40, 33]] {
        let net = random_network(&format!("probe-{shape:?}"), set, shape, Activation::Tanh, 3.0);
        let packed = PackedNetwork::new(&net, set);
        let grid = Grid::new(37, 29);
        let cpu = cpu_reference(&net, set, &grid);
        // A disabled feature, an enabled one, the first and last node of each hidden layer,
        // and the output row (the plain field).
        let mut rows = vec![3, 1];
        for (l, d) in packed.layers.iter().enumerate() {
            rows.extend([packed.acts_row(l, 0), packed.acts_row(l, d.outputs as usize - 1)]);
        }
        for path in [ForwardPath::Fused, ForwardPath::Tiled] {
            let mut bufs = engine.buffers(ctx);
            engine.upload(ctx, &mut bufs, packed.clone());
            for &row in &rows {
                let mut enc = ctx.device.create_command_encoder(&Default::default());
                let info = engine.encode_probe(ctx, &mut enc, &mut bufs, &grid, path, Some(row)).unwrap();
                ctx.queue.submit([enc.finish()]);
                let field = readback::read_f32(ctx, bufs.field.as_ref().unwrap(), grid.pixels()).unwrap();
                for (p, got) in field.iter().enumerate() {
                    let k = row * cpu.pixels + p;
                    let (got, want) = (*got as f64, cpu.values[k]);
                    assert!(
                        (got - want).abs() <= 1e-4 * cpu.scale[k],
                        "{shape:?} {path:?} ({info:?}) row {row} pixel {p}: gpu {got} cpu {want}"
                    );
                }
            }
        }
    }
}

/// Builds all of `target` over `grid` one stage (features, then each layer) of one 64-pixel
/// chunk per submission, as a stream builds a wide network's field over several frames.
fn build_by_stages(
    ctx: &GpuContext,
    engine: &FieldEngine,
    bufs: &mut FieldBuffers,
    target: PartTarget<'_>,
    grid: &Grid,
    path: ForwardPath,
    probe: Option<usize>,
) {
    for start in (0..grid.pixels()).step_by(64) {
        let chunk = start..(start + 64).min(grid.pixels());
        let mut stage = 0;
        loop {
            let mut enc = ctx.device.create_command_encoder(&Default::default());
            let info = engine
                .encode_stages(ctx, &mut enc, bufs, target, grid, path, probe, chunk.clone(), stage..stage + 1)
                .unwrap();
            ctx.queue.submit([enc.finish()]);
            stage += 1;
            if stage >= info.stages {
                break;
            }
        }
    }
}

/// A field built in parts (as the window refines over several frames) equals the field
/// computed at once, by both kernels, probed or not.
#[test]
fn fields_built_in_parts_equal_whole_ones() {
    let Some(ctx) = gpu() else { return };
    let engine = FieldEngine::new(ctx);
    let set = features(&[Feature::X, Feature::Y, Feature::XTimesY]);
    let net = random_network("parts", set, &[6, 40, 5], Activation::Relu, 3.0);
    let packed = PackedNetwork::new(&net, set);
    let grid = Grid::new(53, 41);
    let mut bufs = engine.buffers(ctx);
    engine.upload(ctx, &mut bufs, packed.clone());
    for path in [ForwardPath::Fused, ForwardPath::Tiled] {
        for probe in [None, Some(packed.acts_row(1, 39))] {
            let mut enc = ctx.device.create_command_encoder(&Default::default());
            engine.encode_probe(ctx, &mut enc, &mut bufs, &grid, path, probe).unwrap();
            ctx.queue.submit([enc.finish()]);
            let whole = readback::read_f32(ctx, bufs.field.as_ref().unwrap(), grid.pixels()).unwrap();
            let out = FieldEngine::field_buffer(ctx, grid.pixels());
            let cuts = [0, 1, 700, 1901, grid.pixels()];
            for w in cuts.windows(2) {
                let mut enc = ctx.device.create_command_encoder(&Default::default());
                engine.encode_field_part(ctx, &mut enc, &mut bufs, &out, &grid, path, probe, w[0]..w[1]).unwrap();
                ctx.queue.submit([enc.finish()]);
            }
            let parts = readback::read_f32(ctx, &out, grid.pixels()).unwrap();
            assert_eq!(parts, whole, "{path:?} probe {probe:?}");
            // Layer by layer, one submission each, as a stream builds a wide network's field.
            let staged = FieldEngine::field_buffer(ctx, grid.pixels());
            build_by_stages(ctx, &engine, &mut bufs, PartTarget::Field(&staged), &grid, path, probe);
            let staged = readback::read_f32(ctx, &staged, grid.pixels()).unwrap();
            assert_eq!(staged, whole, "{path:?} probe {probe:?}, stage by stage");
        }
    }
    let out = FieldEngine::field_buffer(ctx, 10);
    let mut enc = ctx.device.create_command_encoder(&Default::default());
    let e = engine.encode_field_part(ctx, &mut enc, &mut bufs, &out, &grid, ForwardPath::Auto, None, 0..grid.pixels());
    assert!(e.is_err(), "a buffer too small is refused");
}

/// Thumbnails built in parts (as a stream builds them over several frames) equal those built
/// at once, by both kernels.
#[test]
fn thumbnails_built_in_parts_equal_whole_ones() {
    let Some(ctx) = gpu() else { return };
    let engine = FieldEngine::new(ctx);
    let set = features(&[Feature::X, Feature::Y, Feature::SinY]);
    let net = random_network("thumb parts", set, &[6, 40, 5], Activation::Tanh, 2.0);
    let packed = PackedNetwork::new(&net, set);
    let rows = packed.acts_rows;
    let mut bufs = engine.buffers(ctx);
    engine.upload(ctx, &mut bufs, packed);
    let side = 16u32;
    let pixels = (side * side) as usize;
    for path in [ForwardPath::Fused, ForwardPath::Tiled] {
        let mut enc = ctx.device.create_command_encoder(&Default::default());
        engine.encode_thumbnails(ctx, &mut enc, &mut bufs, side, DEFAULT_DOMAIN, path).unwrap();
        ctx.queue.submit([enc.finish()]);
        let whole = readback::read_f32(ctx, bufs.acts.as_ref().unwrap(), rows * pixels).unwrap();
        let out = FieldEngine::acts_buffer(ctx, &bufs, side);
        for w in [0, 1, 63, 200, pixels].windows(2) {
            let mut enc = ctx.device.create_command_encoder(&Default::default());
            engine
                .encode_thumbnails_part(ctx, &mut enc, &mut bufs, &out, side, DEFAULT_DOMAIN, path, w[0]..w[1])
                .unwrap();
            ctx.queue.submit([enc.finish()]);
        }
        let parts = readback::read_f32(ctx, &out, rows * pixels).unwrap();
        assert_eq!(parts, whole, "{path:?}");
        let staged = FieldEngine::acts_buffer(ctx, &bufs, side);
        let grid = Grid { width: side, height: side, domain: DEFAULT_DOMAIN };
        build_by_stages(ctx, &engine, &mut bufs, PartTarget::Thumbnails(&staged), &grid, path, None);
        let staged = readback::read_f32(ctx, &staged, rows * pixels).unwrap();
        assert_eq!(staged, whole, "{path:?}, stage by stage");
    }
}

#[test]
fn big_fields_are_chunked() {
    let Some(ctx) = gpu() else { return };
    let engine = FieldEngine::new(ctx);
    let set = FeatureSet::default();
    let net = random_network("chunks", set, &[40], Activation::Tanh, 2.0);
    let packed = PackedNetwork::new(&net, set);
    let mut bufs = engine.buffers(ctx);
    engine.upload(ctx, &mut bufs, packed);
    let mut enc = ctx.device.create_command_encoder(&Default::default());
    // 40 wide: chunks of 64 MiB / 160 B = 419,392 pixels, so a 1000x1000 field takes three.
    let grid = Grid::new(1000, 1000);
    let info = engine.encode_field(ctx, &mut enc, &mut bufs, &grid, ForwardPath::Auto).unwrap();
    ctx.queue.submit([enc.finish()]);
    assert_eq!(info.path, ForwardPath::Tiled);
    assert!(info.chunks >= 3, "{info:?}");
    let field = readback::read_f32(ctx, bufs.field.as_ref().unwrap(), grid.pixels()).unwrap();
    for p in (0..grid.pixels()).step_by(997).chain([grid.pixels() - 1]) {
        let (x, y) = grid.coord(p);
        let want = net.forward(&set.eval(x, y));
        assert!((field[p] as f64 - want).abs() < 1e-4 * 50.0, "pixel {p}: {} vs {want}", field[p]);
    }
}

mod frame {
    use super::gpu;
    use hidden_layers::render::field::ForwardPath;
    use hidden_layers::render::frame::{Renderer, Scene};
    use hidden_layers::render::image;
    use hidden_layers::session::Session;
    use hidden_layers::state::Experiment;
    use std::path::{Path, PathBuf};

    fn parity_hash(name: &str) -> String {
        let path = format!("{}/../shared/reference/parity/{name}.json", env!("CARGO_MANIFEST_DIR"));
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("parity file")).expect("json");
        v["playgroundHash"].as_str().expect("hash").to_string()
    }

    fn render(link: &str, epochs: usize, w: u32, h: u32) -> Option<Vec<u8>> {
        let ctx = gpu()?;
        let exp = Experiment::from_link(link).expect("link").experiment;
        let mut s = Session::new(exp, Default::default()).expect("session");
        for _ in 0..epochs {
            s.step();
        }
        let scene = Scene::of(&s, ForwardPath::Auto);
        Some(Renderer::render_rgba(ctx, w, h, &scene).expect("render"))
    }

    /// Compares with a committed PNG, tolerating the small differences between CPUs running
    /// lavapipe (and between GPUs). UPDATE_SNAPSHOTS=1 rewrites the file instead.
    fn snapshot(name: &str, w: u32, h: u32, rgba: &[u8]) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots").join(format!("{name}.png"));
        if std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
            image::write_atomic(&path, &image::encode_png(w, h, rgba).unwrap()).unwrap();
            eprintln!("updated {}", path.display());
            return;
        }
        let (ew, eh, expected) = image::read_png(&path)
            .unwrap_or_else(|e| panic!("{e}; run with UPDATE_SNAPSHOTS=1 to create it, then look at it and commit it"));
        assert_eq!((ew, eh), (w, h), "{name}: size");
        let mut total = 0u64;
        let mut bad = 0usize;
        for (a, b) in rgba.chunks_exact(4).zip(expected.chunks_exact(4)) {
            let d = a.iter().zip(b).map(|(x, y)| x.abs_diff(*y)).max().unwrap_or(0);
            total += d as u64;
            if d > 24 {
                bad += 1;
            }
        }
        let pixels = (w * h) as usize;
        let mean = total as f64 / pixels as f64;
        if mean > 1.5 || bad * 200 > pixels {
            let out: PathBuf = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.actual.png"));
            image::write_atomic(&out, &image::encode_png(w, h, rgba).unwrap()).unwrap();
            panic!(
                "{name}: mean difference {mean:.2}/255, {bad} of {pixels} pixels off by more than 24; actual image: {}",
                out.display()
            );
        }
    }

    #[test]
    fn snapshot_default_trained() {
        let link = parity_hash("default");
        let Some(rgba) = render(&format!("{link}&showTestData=true"), 30, 480, 300) else { return };
        snapshot("default_30_epochs", 480, 300, &rgba);
    }

    #[test]
    fn snapshot_spiral_all_features_discretized() {
        let link = parity_hash("spiral_all_features");
        let Some(rgba) = render(&format!("{link}&discretize=true"), 10, 480, 300) else { return };
        snapshot("spiral_discretized", 480, 300, &rgba);
    }

    /// `render` draws the window's picture: panels and controls around the field.
    #[test]
    fn render_shows_the_controls_too() {
        let Some(ctx) = gpu() else { return };
        let exp = Experiment::from_link("dataset=gauss&seed=ui-render&networkShape=4,2").expect("link").experiment;
        let mut s = Session::new(exp, Default::default()).expect("session");
        for _ in 0..60 {
            s.step();
        }
        let (w, h) = (960, 600);
        let px = hidden_layers::cli::render::render_window(ctx, &s, (w, h), ForwardPath::Auto, 20.0).expect("render");
        let at = |x: u32, y: u32| {
            let i = ((y * w + x) * 4) as usize;
            [px[i], px[i + 1], px[i + 2]]
        };
        // The data panel's grey background at the left edge, the page's white in the middle
        // column above the diagram, and both classes' colours in the field on the right.
        let panel = at(3, h / 2);
        assert!(panel[0] < 252 && panel[0] > 200 && panel[0] == panel[2], "panel background {panel:?}");
        let (mut blue, mut orange) = (0, 0);
        for y in h / 4..3 * h / 4 {
            for x in w / 2..w * 3 / 4 {
                let p = at(x, y);
                blue += (p[2] as i32 > p[0] as i32 + 60) as u32;
                orange += (p[0] as i32 > p[2] as i32 + 60) as u32;
            }
        }
        assert!(blue > 500 && orange > 500, "the field: {blue} blue, {orange} orange");
        let colours: std::collections::HashSet<[u8; 3]> = (0..w * h).map(|i| at(i % w, i / w)).collect();
        assert!(colours.len() > 300, "text, thumbnails and links: {} colours", colours.len());
    }

    /// A network too big for a frame's budget streams: no frame computes more than its budget,
    /// the heatmaps keep the last complete field and thumbnails while the next are built (never
    /// a half-built one), and they then appear at once.
    #[test]
    fn a_field_too_big_for_a_frame_is_built_over_several() {
        // Narrow: the fused kernel, 10 pixels a frame: (16x16 + 8x8) / 10 = 32 frames.
        streams("seed=stream&networkShape=24,24", 10, 30..=34, 10);
        // Wide: the tiled kernel, one layer of a 64-pixel chunk a frame (a 16th of a chunk's
        // work: 4 stages), so (4 + 1) chunks x 4 stages = 20 frames.
        streams("seed=stream&networkShape=40,40", 10, 18..=22, 16);
    }

    /// Streams a field at `budget` pixels a frame: it must be complete after `frames` frames,
    /// no frame computing more than `unit` pixels' worth.
    fn streams(link: &str, budget: usize, frames_wanted: std::ops::RangeInclusive<usize>, unit: usize) {
        use hidden_layers::gpu::readback;
        use hidden_layers::render::frame::{Resolution, offscreen_target};
        use hidden_layers::render::layout::Rect;
        let Some(ctx) = gpu() else { return };
        let exp = Experiment::from_link(link).expect("link").experiment;
        let mut s = Session::new(exp, Default::default()).expect("session");
        let (w, h) = (320, 200);
        let format = wgpu::TextureFormat::Rgba8Unorm;
        let texture = offscreen_target(ctx, (w, h), format, "stream").unwrap();
        let view = texture.create_view(&Default::default());
        let mut r = Renderer::new(ctx, format);
        let area = Rect { x: 0.0, y: 0.0, w: w as f32, h: h as f32 };

        let frame = |r: &mut Renderer, s: &Session, generation: u64| -> Vec<u8> {
            let resolution = Resolution::Paced { pixels: budget, refine: false };
            let scene = Scene { generation: Some(generation), resolution, ..Scene::of(s, ForwardPath::Auto) };
            let mut enc = ctx.device.create_command_encoder(&Default::default());
            r.encode(ctx, &mut enc, &view, w, h, area, &scene).expect("frame");
            ctx.queue.submit([enc.finish()]);
            assert!(r.stats.computed_pixels <= unit, "a frame computed {}", r.stats.computed_pixels);
            readback::read_rgba8(ctx, &texture).expect("read")
        };
        let mut frames = Vec::new();
        for _ in 0..40 {
            frames.push(frame(&mut r, &s, 1));
        }
        let first_done = frames.windows(2).position(|p| p[0] != p[1]).expect("the picture changes once built") + 1;
        assert!(frames_wanted.contains(&first_done), "{link}: built after {first_done} frames");
        assert!(frames[first_done..].windows(2).all(|p| p[0] == p[1]), "then it stays");
        assert_eq!(r.stats.field_grid, (16, 16));
        assert_eq!(r.stats.thumb_grid, 8);
        // The output heatmap's pixels (the links show the stream's weights at once).
        let layout = hidden_layers::render::layout::Layout::within(
            area,
            w,
            h,
            &s.network.hidden_shape(),
            hidden_layers::render::field::FEATURE_ROWS,
        );
        let f = layout.field;
        let heatmap = |px: &[u8]| -> Vec<u8> {
            let mut v = Vec::new();
            for y in f.y as u32 + 1..(f.y + f.h) as u32 - 1 {
                let row = (y * w) as usize * 4;
                v.extend_from_slice(&px[row + (f.x as usize + 1) * 4..row + ((f.x + f.w) as usize - 1) * 4]);
            }
            v
        };
        let built = heatmap(frames.last().expect("frames"));
        // New weights every frame (training): the heatmap holds until the next is complete.
        for _ in 0..5 {
            s.step();
        }
        let mut changed_at = None;
        for i in 0..40 {
            let px = heatmap(&frame(&mut r, &s, 2 + i as u64));
            if changed_at.is_none() && px != built {
                changed_at = Some(i);
            }
        }
        let at = changed_at.expect("the trained network's field appears");
        assert!(at + 1 >= *frames_wanted.start(), "{link}: no half-built field: it changed after {at} frames");
    }

    /// Sixteen hidden layers of 1024: the render finishes (within its field budget, coarser
    /// on a slow adapter) and shows the network.
    #[test]
    fn a_render_of_sixteen_wide_layers_completes() {
        let Some(ctx) = gpu() else { return };
        let shape = vec!["1024"; 16].join(",");
        let exp = Experiment::from_link(&format!("seed=wide&networkShape={shape}")).expect("link").experiment;
        let s = Session::new(exp, Default::default()).expect("session");
        let (w, h) = (800, 500);
        let px = hidden_layers::cli::render::render_window(ctx, &s, (w, h), ForwardPath::Auto, 5.0).expect("render");
        assert_eq!(px.len(), (w * h * 4) as usize);
        let colours: std::collections::HashSet<[u8; 3]> = px.chunks_exact(4).map(|p| [p[0], p[1], p[2]]).collect();
        assert!(colours.len() > 300, "not blank: {} colours", colours.len());
        // Links and thumbnails of both signs somewhere in the middle of the picture.
        let mid = &px[(w * h * 4 / 4) as usize..(w * h * 4 * 3 / 4) as usize];
        assert!(mid.chunks_exact(4).any(|p| p[2] as i32 > p[0] as i32 + 40), "some blue");
        assert!(mid.chunks_exact(4).any(|p| p[0] as i32 > p[2] as i32 + 40), "some orange");
    }

    #[test]
    fn render_writes_exactly_the_given_path() {
        if gpu().is_none() {
            return;
        }
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("render-cli");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("picture.png");
        let bin = env!("CARGO_BIN_EXE_hidden-layers");
        let run = |args: &[&str]| std::process::Command::new(bin).args(args).output().expect("run");
        let o = run(&[
            "render",
            "dataset=gauss&seed=7&networkShape=3",
            "--epochs",
            "40",
            "--size",
            "640x400",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let (w, h, px) = image::read_png(&out).unwrap();
        assert_eq!((w, h), (640, 400));
        assert!(px.chunks_exact(4).any(|p| p[2] as i32 > p[0] as i32 + 60), "some blue");
        assert!(px.chunks_exact(4).any(|p| p[0] as i32 > p[2] as i32 + 60), "some orange");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("picture.png")], "no temporary files left behind");

        // The visualisation alone.
        let o = run(&["render", "seed=7", "--no-ui", "--size", "200x120", "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(image::read_png(&out).unwrap().0, 200);

        let o = run(&["render", "--size", "12x", "--out", out.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "bad size");
        assert!(String::from_utf8_lossy(&o.stderr).contains("12x"));
        let missing = dir.join("no/such/dir/x.png");
        let o = run(&["render", "seed=1", "--size", "64x64", "--out", missing.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&o.stderr).contains("no/such/dir"), "{}", String::from_utf8_lossy(&o.stderr));
    }
}
