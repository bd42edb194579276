//! The forward pass on the GPU: the network evaluated at every pixel of a grid.
//!
//! Two paths, picked by width. Narrow networks (every layer at most [`MAX_FUSED_WIDTH`]) run one
//! invocation per pixel with the whole network in registers (`forward_fused.wgsl`). Wide ones
//! run layer by layer as tiled matrix multiplies over node-major `[nodes][pixels]` matrices
//! (`features.wgsl`, then `forward_layer.wgsl` per layer), ping-ponging two buffers, over chunks
//! of pixels sized so that no binding passes the device's limits: a 1024-wide layer over a 4K
//! field would otherwise be a 32 GiB matrix.
//!
//! The same passes fill the thumbnail grid: with `store_acts` every feature's and every node's
//! value lands in `acts`, one row per node (features first, then each layer's nodes), so one
//! pass over a small grid yields every thumbnail.
//!
//! [`FieldEngine`] owns the pipelines (long-lived); [`FieldBuffers`] the per-size buffers,
//! reused from frame to frame and regrown only when a network or grid outgrows them.

use crate::data::{Feature, FeatureSet};
use crate::gpu::types::{ForwardParams, GemmParams, LayerDesc, NONE};
use crate::gpu::{GpuContext, GpuError, shaders};
use crate::nn::{Activation, Network};
use std::num::NonZeroU64;

/// Widest layer the fused kernel holds in registers (keep in sync with MAX_FUSED in
/// forward_fused.wgsl).
pub const MAX_FUSED_WIDTH: usize = 32;
/// The original's input domain, [-6, 6] on both axes.
pub const DEFAULT_DOMAIN: [f64; 4] = [-6.0, 6.0, -6.0, 6.0];
/// Thumbnail grid side the original uses for its node heatmaps' data.
pub const THUMB_GRID: u32 = 64;
/// Rows of `acts` taken by the features (all seven, enabled or not).
pub const FEATURE_ROWS: usize = 7;
/// Largest ping-pong matrix the wide path allocates, in bytes (within any device's limits).
const MAX_CHUNK_BYTES: u64 = 64 << 20;

/// A grid of pixels over a rectangle of the input plane.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Grid {
    pub width: u32,
    pub height: u32,
    /// x_min, x_max, y_min, y_max.
    pub domain: [f64; 4],
}

impl Grid {
    pub fn new(width: u32, height: u32) -> Self {
        Grid { width, height, domain: DEFAULT_DOMAIN }
    }

    pub fn pixels(&self) -> usize {
        self.width as usize * self.height as usize
    }

    /// Data coordinates of pixel `p` (row-major): column 0 is x_min, the last column x_max, row
    /// 0 the top (y_max), as the original's heatmap. Mirrors `pixel_coord` in common.wgsl.
    pub fn coord(&self, p: usize) -> (f64, f64) {
        let (w, h) = (self.width as usize, self.height as usize);
        let (px, py) = (p % w, p / w);
        let fx = if w > 1 { px as f64 / (w - 1) as f64 } else { 0.5 };
        let fy = if h > 1 { py as f64 / (h - 1) as f64 } else { 0.5 };
        let [x0, x1, y0, y1] = self.domain;
        (x0 + fx * (x1 - x0), y1 - fy * (y1 - y0))
    }
}

/// Which kernel evaluates a network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ForwardPath {
    /// Fused when every layer fits [`MAX_FUSED_WIDTH`], else tiled.
    #[default]
    Auto,
    Fused,
    Tiled,
}

/// A network as the GPU reads it: every layer's `[out][in]` weights then its biases, in one f32
/// array, with a descriptor per layer.
#[derive(Clone, Debug, PartialEq)]
pub struct PackedNetwork {
    pub weights: Vec<f32>,
    pub layers: Vec<LayerDesc>,
    pub feature_mask: u32,
    pub inputs: usize,
    /// Rows of the thumbnail matrix: the seven features, then every node.
    pub acts_rows: usize,
    /// Widest layer, inputs included.
    pub max_width: usize,
}

pub fn activation_code(a: Activation) -> u32 {
    match a {
        Activation::Relu => 0,
        Activation::Tanh => 1,
        Activation::Sigmoid => 2,
        Activation::Linear => 3,
    }
}

impl PackedNetwork {
    pub fn new(net: &Network, features: FeatureSet) -> Self {
        assert_eq!(net.inputs(), features.len(), "the network's inputs are the enabled features");
        let mut weights = Vec::with_capacity(net.param_count());
        let mut layers = Vec::with_capacity(net.layers().len());
        let mut acts_row = FEATURE_ROWS;
        for layer in net.layers() {
            let w_off = weights.len() as u32;
            weights.extend(layer.weights.iter().map(|w| *w as f32));
            let b_off = weights.len() as u32;
            weights.extend(layer.biases.iter().map(|b| *b as f32));
            layers.push(LayerDesc {
                inputs: layer.inputs as u32,
                outputs: layer.outputs as u32,
                w_off,
                b_off,
                activation: activation_code(layer.activation),
                acts_row: acts_row as u32,
                ..Default::default()
            });
            acts_row += layer.outputs;
        }
        let feature_mask = features.rows().map(|i| 1 << i).sum();
        PackedNetwork {
            weights,
            layers,
            feature_mask,
            inputs: features.len(),
            acts_rows: acts_row,
            max_width: net.max_width(),
        }
    }

    /// Row of `acts` holding node `node` of layer `layer` (0 = first hidden layer).
    pub fn acts_row(&self, layer: usize, node: usize) -> usize {
        self.layers[layer].acts_row as usize + node
    }

    pub fn path(&self, wanted: ForwardPath) -> ForwardPath {
        match wanted {
            ForwardPath::Auto if self.max_width <= MAX_FUSED_WIDTH => ForwardPath::Fused,
            ForwardPath::Auto => ForwardPath::Tiled,
            ForwardPath::Fused if self.max_width > MAX_FUSED_WIDTH => ForwardPath::Tiled,
            p => p,
        }
    }
}

/// The thumbnail grid side for `packed`: `wanted`, halved until the matrix of every node's
/// thumbnail fits one storage binding.
pub fn thumbnail_grid(ctx: &GpuContext, packed: &PackedNetwork, wanted: u32) -> u32 {
    let limit = ctx.device.limits().max_storage_buffer_binding_size;
    let mut g = wanted.max(1);
    while g > 4 && packed.acts_rows as u64 * (g as u64 * g as u64) * 4 > limit {
        g /= 2;
    }
    g
}

fn storage_entry(binding: u32, read_only: bool) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::COMPUTE,
        ty: wgpu::BindingType::Buffer {
            ty: wgpu::BufferBindingType::Storage { read_only },
            has_dynamic_offset: false,
            min_binding_size: None,
        },
        count: None,
    }
}

fn params_entry(size: u64) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding: 0,
        visibility: wgpu::ShaderStages::COMPUTE,
        ty: wgpu::BindingType::Buffer {
            ty: wgpu::BufferBindingType::Uniform,
            has_dynamic_offset: true,
            min_binding_size: NonZeroU64::new(size),
        },
        count: None,
    }
}

struct Kernel {
    layout: wgpu::BindGroupLayout,
    pipeline: wgpu::ComputePipeline,
}

impl Kernel {
    fn new(ctx: &GpuContext, name: &str, body: &str, entries: &[wgpu::BindGroupLayoutEntry]) -> Self {
        let device = &ctx.device;
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor { label: Some(name), entries });
        let pl = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some(name),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let module = shaders::module(device, name, body);
        let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some(name),
            layout: Some(&pl),
            module: &module,
            entry_point: Some("main"),
            compilation_options: Default::default(),
            cache: None,
        });
        Kernel { layout, pipeline }
    }
}

/// The compute pipelines of the forward pass (create once per device).
pub struct FieldEngine {
    fused: Kernel,
    features: Kernel,
    gemm: Kernel,
    /// Dynamic-offset stride of the per-dispatch parameter blocks.
    param_stride: u64,
}

/// GPU buffers of one evaluator, regrown on demand.
pub struct FieldBuffers {
    weights: Option<wgpu::Buffer>,
    layers: Option<wgpu::Buffer>,
    /// Per-dispatch parameter blocks, one buffer per kind of pass: `queue.write_buffer` lands
    /// before the encoder's commands run, so a field pass and a thumbnail pass in the same
    /// submission must not share one.
    params: [Option<wgpu::Buffer>; 2],
    ping: Option<wgpu::Buffer>,
    pong: Option<wgpu::Buffer>,
    /// The output field (grid pixels).
    pub field: Option<wgpu::Buffer>,
    /// Every node's thumbnail, `[acts_rows][grid²]`.
    pub acts: Option<wgpu::Buffer>,
    /// Fused thumbnail passes write their (unused) output here.
    thumb_out: Option<wgpu::Buffer>,
    dummy: wgpu::Buffer,
    packed: Option<PackedNetwork>,
}

impl FieldBuffers {
    /// The packed weights as uploaded (the diagram's links and bias marks read them too).
    pub fn weights(&self) -> Option<&wgpu::Buffer> {
        self.weights.as_ref()
    }

    /// A probe worth running: the output node is the last row, and probing it is the plain
    /// field.
    fn probe(&self, probe: Option<usize>) -> Option<usize> {
        let rows = self.packed.as_ref().map_or(0, |p| p.acts_rows);
        probe.filter(|&r| r + 1 < rows)
    }

    /// The uploaded network's layout (its `weights` are left empty: they live on the GPU).
    pub fn packed(&self) -> Option<&PackedNetwork> {
        self.packed.as_ref()
    }
}

/// What a pass computes: the field (the output, or a probed row), or every thumbnail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pass<'b> {
    /// Pixels `first..end` of the field (the output, or the probed row) into `out`, or into
    /// the buffers' own field.
    Field { probe: Option<usize>, first: usize, end: usize, out: Option<&'b wgpu::Buffer> },
    /// Pixels `first..end` of every feature's and node's thumbnail into `out`, or into the
    /// buffers' own `acts`.
    Thumbnails { first: usize, end: usize, out: Option<&'b wgpu::Buffer> },
}

/// What one encoded pass covers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PassInfo {
    pub path: ForwardPath,
    pub chunks: usize,
    pub dispatches: usize,
    /// Stages of a chunk: the features, then one per layer (tiled); 1 for the fused kernel,
    /// which runs the whole network at once.
    pub stages: usize,
}

/// Where a pass built in stages writes: a field, or every thumbnail.
#[derive(Clone, Copy, Debug)]
pub enum PartTarget<'b> {
    Field(&'b wgpu::Buffer),
    Thumbnails(&'b wgpu::Buffer),
}

/// All stages: features and every layer.
const ALL_STAGES: std::ops::Range<usize> = 0..usize::MAX;

fn grow(ctx: &GpuContext, slot: &mut Option<wgpu::Buffer>, label: &str, size: u64, usage: wgpu::BufferUsages) {
    if slot.as_ref().is_none_or(|b| b.size() < size.max(16).next_multiple_of(16)) {
        *slot = Some(buffer(ctx, label, size, usage));
    }
}

/// A zeroed buffer of at least `size` bytes (rounded up as bindings need).
fn buffer(ctx: &GpuContext, label: &str, size: u64, usage: wgpu::BufferUsages) -> wgpu::Buffer {
    ctx.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        size: size.max(16).next_multiple_of(16),
        usage,
        mapped_at_creation: false,
    })
}

const STORAGE: wgpu::BufferUsages =
    wgpu::BufferUsages::STORAGE.union(wgpu::BufferUsages::COPY_DST).union(wgpu::BufferUsages::COPY_SRC);

fn whole(b: &wgpu::Buffer) -> wgpu::BindingResource<'_> {
    b.as_entire_binding()
}

fn sized(b: &wgpu::Buffer, size: u64) -> wgpu::BindingResource<'_> {
    wgpu::BindingResource::Buffer(wgpu::BufferBinding { buffer: b, offset: 0, size: NonZeroU64::new(size) })
}

/// Workgroup counts for `groups` one-dimensional groups, folded into y past the per-dimension
/// limit (the kernels unfold it).
fn fold(groups: u32) -> (u32, u32) {
    const MAX: u32 = 65535;
    if groups <= MAX { (groups.max(1), 1) } else { (MAX, groups.div_ceil(MAX)) }
}

impl FieldEngine {
    pub fn new(ctx: &GpuContext) -> Self {
        let fp = std::mem::size_of::<ForwardParams>() as u64;
        let gp = std::mem::size_of::<GemmParams>() as u64;
        let fused = Kernel::new(
            ctx,
            "forward_fused",
            shaders::FORWARD_FUSED,
            &[
                params_entry(fp),
                storage_entry(1, true),
                storage_entry(2, true),
                storage_entry(3, false),
                storage_entry(4, false),
            ],
        );
        let features = Kernel::new(
            ctx,
            "features",
            shaders::FEATURES,
            &[params_entry(fp), storage_entry(1, false), storage_entry(2, false)],
        );
        let gemm = Kernel::new(
            ctx,
            "forward_layer",
            shaders::FORWARD_LAYER,
            &[
                params_entry(gp),
                storage_entry(1, true),
                storage_entry(2, true),
                storage_entry(3, false),
                storage_entry(4, false),
            ],
        );
        let align = ctx.device.limits().min_uniform_buffer_offset_alignment as u64;
        FieldEngine { fused, features, gemm, param_stride: fp.max(gp).next_multiple_of(align) }
    }

    pub fn buffers(&self, ctx: &GpuContext) -> FieldBuffers {
        FieldBuffers {
            weights: None,
            layers: None,
            params: [None, None],
            ping: None,
            pong: None,
            field: None,
            acts: None,
            thumb_out: None,
            dummy: ctx.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("dummy acts"),
                size: 16,
                usage: wgpu::BufferUsages::STORAGE,
                mapped_at_creation: false,
            }),
            packed: None,
        }
    }

    /// Uploads a network's weights (every frame the weights changed).
    pub fn upload(&self, ctx: &GpuContext, bufs: &mut FieldBuffers, packed: PackedNetwork) {
        grow(ctx, &mut bufs.weights, "weights", packed.weights.len() as u64 * 4, STORAGE);
        grow(
            ctx,
            &mut bufs.layers,
            "layer descriptors",
            (packed.layers.len() * std::mem::size_of::<LayerDesc>()) as u64,
            STORAGE,
        );
        if let (Some(w), Some(l)) = (&bufs.weights, &bufs.layers) {
            ctx.queue.write_buffer(w, 0, bytemuck::cast_slice(&packed.weights));
            ctx.queue.write_buffer(l, 0, bytemuck::cast_slice(&packed.layers));
        }
        // The kernels need only the descriptors; a wide network's weights need not stay twice.
        bufs.packed = Some(PackedNetwork { weights: Vec::new(), ..packed });
    }

    /// Encodes the output field over `grid` into `bufs.field` (grid pixels, row-major). One
    /// field pass and one thumbnail pass fit in a submission (their parameters are staged).
    pub fn encode_field(
        &self,
        ctx: &GpuContext,
        enc: &mut wgpu::CommandEncoder,
        bufs: &mut FieldBuffers,
        grid: &Grid,
        path: ForwardPath,
    ) -> Result<PassInfo, GpuError> {
        self.encode_probe(ctx, enc, bufs, grid, path, None)
    }

    /// Like [`Self::encode_field`], but with `probe` (an `acts` row: a feature or a node) the
    /// field holds that row's values instead of the output: a hovered node's field, at full
    /// resolution. Layers after the probed node are skipped.
    pub fn encode_probe(
        &self,
        ctx: &GpuContext,
        enc: &mut wgpu::CommandEncoder,
        bufs: &mut FieldBuffers,
        grid: &Grid,
        path: ForwardPath,
        probe: Option<usize>,
    ) -> Result<PassInfo, GpuError> {
        grow(ctx, &mut bufs.field, "field", grid.pixels() as u64 * 4, STORAGE);
        let probe = bufs.probe(probe);
        self.encode(
            ctx,
            enc,
            bufs,
            grid,
            path,
            Pass::Field { probe, first: 0, end: grid.pixels(), out: None },
            ALL_STAGES,
        )
    }

    /// A buffer that can hold a field of `pixels` (for [`Self::encode_field_part`]).
    pub fn field_buffer(ctx: &GpuContext, pixels: usize) -> wgpu::Buffer {
        buffer(ctx, "field part", pixels as u64 * 4, STORAGE)
    }

    /// Pixels `range` of the field over `grid` (the output, or the probed row) into `out`
    /// (made by [`Self::field_buffer`] for at least `grid.pixels()`): a big field built over
    /// several frames, each within its time budget.
    #[allow(clippy::too_many_arguments)]
    pub fn encode_field_part(
        &self,
        ctx: &GpuContext,
        enc: &mut wgpu::CommandEncoder,
        bufs: &mut FieldBuffers,
        out: &wgpu::Buffer,
        grid: &Grid,
        path: ForwardPath,
        probe: Option<usize>,
        range: std::ops::Range<usize>,
    ) -> Result<PassInfo, GpuError> {
        self.encode_stages(ctx, enc, bufs, PartTarget::Field(out), grid, path, probe, range, ALL_STAGES)
    }

    /// Encodes every feature's and node's values over a `side`² grid into `bufs.acts`.
    pub fn encode_thumbnails(
        &self,
        ctx: &GpuContext,
        enc: &mut wgpu::CommandEncoder,
        bufs: &mut FieldBuffers,
        side: u32,
        domain: [f64; 4],
        path: ForwardPath,
    ) -> Result<PassInfo, GpuError> {
        let rows = bufs.packed.as_ref().map_or(0, |p| p.acts_rows);
        let grid = Grid { width: side, height: side, domain };
        let bytes = rows as u64 * grid.pixels() as u64 * 4;
        if bytes > ctx.device.limits().max_storage_buffer_binding_size {
            return Err(GpuError::TooLarge(format!(
                "{rows} thumbnails of {side}x{side} need {bytes} bytes, past this device's storage binding limit"
            )));
        }
        grow(ctx, &mut bufs.acts, "thumbnails", bytes, STORAGE);
        grow(ctx, &mut bufs.thumb_out, "thumbnail output", grid.pixels() as u64 * 4, STORAGE);
        self.encode(
            ctx,
            enc,
            bufs,
            &grid,
            path,
            Pass::Thumbnails { first: 0, end: grid.pixels(), out: None },
            ALL_STAGES,
        )
    }

    /// A buffer for every thumbnail of the uploaded network over a `side`² grid (for
    /// [`Self::encode_thumbnails_part`]).
    pub fn acts_buffer(ctx: &GpuContext, bufs: &FieldBuffers, side: u32) -> wgpu::Buffer {
        let rows = bufs.packed.as_ref().map_or(1, |p| p.acts_rows) as u64;
        buffer(ctx, "thumbnails part", rows * (side * side) as u64 * 4, STORAGE)
    }

    /// Pixels `range` of every thumbnail over a `side`² grid into `out` (made by
    /// [`Self::acts_buffer`]): thumbnails built over several frames, like a field.
    #[allow(clippy::too_many_arguments)]
    pub fn encode_thumbnails_part(
        &self,
        ctx: &GpuContext,
        enc: &mut wgpu::CommandEncoder,
        bufs: &mut FieldBuffers,
        out: &wgpu::Buffer,
        side: u32,
        domain: [f64; 4],
        path: ForwardPath,
        range: std::ops::Range<usize>,
    ) -> Result<PassInfo, GpuError> {
        let grid = Grid { width: side, height: side, domain };
        self.encode_stages(ctx, enc, bufs, PartTarget::Thumbnails(out), &grid, path, None, range, ALL_STAGES)
    }

    /// Stages `stages` (0: the features, `l + 1`: layer `l`) of pixels `range` of a field or of
    /// the thumbnails, into `target`: a pass too long for one frame, split between layers. The
    /// intermediate values wait in the engine's own buffers, so the stages of one range must
    /// follow each other with no other pass of this engine in between, and `range` must fit one
    /// chunk (64 pixels always do). The info's `stages` says how many the pass has.
    #[allow(clippy::too_many_arguments)]
    pub fn encode_stages(
        &self,
        ctx: &GpuContext,
        enc: &mut wgpu::CommandEncoder,
        bufs: &mut FieldBuffers,
        target: PartTarget<'_>,
        grid: &Grid,
        path: ForwardPath,
        probe: Option<usize>,
        range: std::ops::Range<usize>,
        stages: std::ops::Range<usize>,
    ) -> Result<PassInfo, GpuError> {
        let pixels = grid.pixels();
        let rows = bufs.packed.as_ref().map_or(0, |p| p.acts_rows) as u64;
        let (out, need, what) = match target {
            PartTarget::Field(b) => (b, pixels as u64 * 4, "field part".to_string()),
            PartTarget::Thumbnails(b) => (b, rows * pixels as u64 * 4, format!("thumbnail part of {rows} rows,")),
        };
        if out.size() < need || range.end > pixels || range.start >= range.end {
            return Err(GpuError::TooLarge(format!(
                "{what} pixels {range:?} of {pixels}, stages {stages:?}, into a buffer of {} bytes",
                out.size()
            )));
        }
        let pass = match target {
            PartTarget::Field(out) => {
                Pass::Field { probe: bufs.probe(probe), first: range.start, end: range.end, out: Some(out) }
            }
            PartTarget::Thumbnails(out) => {
                grow(ctx, &mut bufs.thumb_out, "thumbnail output", pixels as u64 * 4, STORAGE);
                Pass::Thumbnails { first: range.start, end: range.end, out: Some(out) }
            }
        };
        self.encode(ctx, enc, bufs, grid, path, pass, stages)
    }

    #[allow(clippy::too_many_arguments)]
    fn encode(
        &self,
        ctx: &GpuContext,
        enc: &mut wgpu::CommandEncoder,
        bufs: &mut FieldBuffers,
        grid: &Grid,
        path: ForwardPath,
        pass: Pass<'_>,
        stages: std::ops::Range<usize>,
    ) -> Result<PassInfo, GpuError> {
        let pixels = grid.pixels();
        let (thumbs, probe, first, end, out_field, out_acts) = match pass {
            Pass::Field { probe, first, end, out } => (false, probe, first, end, out, None),
            Pass::Thumbnails { first, end, out } => (true, None, first, end, None, out),
        };
        let acts_buf = out_acts.or(bufs.acts.as_ref());
        let packed = bufs.packed.as_ref().ok_or_else(|| GpuError::Readback("no network uploaded".into()))?;
        // A feature's field needs no layer at all: the per-pixel kernel returns right after the
        // features, whatever the network's width.
        let path = if probe.is_some_and(|r| r < FEATURE_ROWS) { ForwardPath::Fused } else { packed.path(path) };
        // With a probed node, the run stops at its layer, which computes that one node.
        let probed = probe.and_then(|r| {
            packed
                .layers
                .iter()
                .position(|d| (d.acts_row as usize..(d.acts_row + d.outputs) as usize).contains(&r))
                .map(|l| (l, r - packed.layers[l].acts_row as usize))
        });
        let domain = grid.domain.map(|v| v as f32);
        let base = ForwardParams {
            domain,
            grid_w: grid.width,
            grid_h: grid.height,
            pixel_offset: first as u32,
            pixel_count: (end - first) as u32,
            feature_mask: packed.feature_mask,
            layer_count: packed.layers.len() as u32,
            store_acts: thumbs as u32,
            acts_stride: pixels as u32,
            probe_row: probe.map_or(NONE, |r| r as u32),
            _pad: [0; 3],
        };
        let stride = self.param_stride as usize;
        let mut blocks: Vec<u8> = Vec::new();
        let mut push = |bytes: &[u8]| -> u32 {
            let off = blocks.len();
            blocks.extend_from_slice(bytes);
            blocks.resize(off + stride, 0);
            off as u32
        };

        if path == ForwardPath::Fused {
            let off = push(bytemuck::bytes_of(&base));
            grow(
                ctx,
                &mut bufs.params[thumbs as usize],
                "forward params",
                blocks.len() as u64,
                wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            );
            let (Some(params), Some(layers), Some(weights)) =
                (&bufs.params[thumbs as usize], &bufs.layers, &bufs.weights)
            else {
                return Err(GpuError::Readback("buffers missing".into()));
            };
            let out = if thumbs { bufs.thumb_out.as_ref() } else { out_field.or(bufs.field.as_ref()) };
            let acts = if thumbs { acts_buf.unwrap_or(&bufs.dummy) } else { &bufs.dummy };
            let out = out.ok_or_else(|| GpuError::Readback("output buffer missing".into()))?;
            ctx.queue.write_buffer(params, 0, &blocks);
            let bg = ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
                label: Some("forward_fused"),
                layout: &self.fused.layout,
                entries: &[
                    wgpu::BindGroupEntry {
                        binding: 0,
                        resource: sized(params, std::mem::size_of::<ForwardParams>() as u64),
                    },
                    wgpu::BindGroupEntry { binding: 1, resource: whole(layers) },
                    wgpu::BindGroupEntry { binding: 2, resource: whole(weights) },
                    wgpu::BindGroupEntry { binding: 3, resource: whole(out) },
                    wgpu::BindGroupEntry { binding: 4, resource: whole(acts) },
                ],
            });
            let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("forward_fused"),
                timestamp_writes: None,
            });
            pass.set_pipeline(&self.fused.pipeline);
            pass.set_bind_group(0, &bg, &[off]);
            if !stages.contains(&0) {
                return Ok(PassInfo { path, chunks: 1, dispatches: 0, stages: 1 });
            }
            let (x, y) = fold(((end - first) as u32).div_ceil(64));
            pass.dispatch_workgroups(x, y, 1);
            return Ok(PassInfo { path, chunks: 1, dispatches: 1, stages: 1 });
        }

        // Tiled: chunks of pixels, each a features dispatch then one matrix multiply per layer.
        let rows = packed.max_width.max(1) as u64;
        let limits = ctx.device.limits();
        let cap = MAX_CHUNK_BYTES.min(limits.max_storage_buffer_binding_size).min(limits.max_buffer_size);
        let chunk = ((cap / (rows * 4)) as usize / 64 * 64).max(64);
        let chunk = chunk.min(end - first).max(1);
        let n_layers = probed.map_or(packed.layers.len(), |(l, _)| l + 1);
        let mut plan: Vec<(u32, Vec<(u32, GemmParams)>)> = Vec::new();
        let mut start = first;
        while start < end {
            let count = chunk.min(end - start);
            let fp = ForwardParams { pixel_offset: start as u32, pixel_count: count as u32, ..base };
            let f_off = push(bytemuck::bytes_of(&fp));
            let mut layer_blocks = Vec::with_capacity(n_layers);
            for (l, d) in packed.layers.iter().enumerate().take(n_layers) {
                let last = l + 1 == n_layers;
                // A probed node's layer computes only that node: one row of weights.
                let (m, w_off, b_off) = match probed {
                    Some((pl, node)) if pl == l => (1, d.w_off + node as u32 * d.inputs, d.b_off + node as u32),
                    _ => (d.outputs, d.w_off, d.b_off),
                };
                let g = GemmParams {
                    m,
                    k: d.inputs,
                    n: count as u32,
                    activation: d.activation,
                    w_off,
                    b_off,
                    a_off: 0,
                    lda: count as u32,
                    // The last layer of a field pass writes straight into the field.
                    c_off: if last && !thumbs { start as u32 } else { 0 },
                    ldc: count as u32,
                    acts_off: d.acts_row * pixels as u32 + start as u32,
                    acts_ld: if thumbs { pixels as u32 } else { 0 },
                };
                layer_blocks.push((push(bytemuck::bytes_of(&g)), g));
            }
            plan.push((f_off, layer_blocks));
            start += count;
        }
        let mat = rows * chunk as u64 * 4;
        grow(ctx, &mut bufs.ping, "ping", mat, STORAGE);
        grow(ctx, &mut bufs.pong, "pong", mat, STORAGE);
        grow(
            ctx,
            &mut bufs.params[thumbs as usize],
            "forward params",
            blocks.len() as u64,
            wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
        );
        let (Some(params), Some(weights), Some(ping), Some(pong)) =
            (&bufs.params[thumbs as usize], &bufs.weights, &bufs.ping, &bufs.pong)
        else {
            return Err(GpuError::Readback("buffers missing".into()));
        };
        ctx.queue.write_buffer(params, 0, &blocks);
        let acts = if thumbs { acts_buf.unwrap_or(&bufs.dummy) } else { &bufs.dummy };
        let field = if thumbs { None } else { out_field.or(bufs.field.as_ref()) };
        let gp = std::mem::size_of::<GemmParams>() as u64;
        let fpz = std::mem::size_of::<ForwardParams>() as u64;
        let feat_bg = ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("features"),
            layout: &self.features.layout,
            entries: &[
                wgpu::BindGroupEntry { binding: 0, resource: sized(params, fpz) },
                wgpu::BindGroupEntry { binding: 1, resource: whole(ping) },
                wgpu::BindGroupEntry { binding: 2, resource: whole(acts) },
            ],
        });
        let gemm_bg = |src: &wgpu::Buffer, dst: &wgpu::Buffer| {
            ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
                label: Some("forward_layer"),
                layout: &self.gemm.layout,
                entries: &[
                    wgpu::BindGroupEntry { binding: 0, resource: sized(params, gp) },
                    wgpu::BindGroupEntry { binding: 1, resource: whole(weights) },
                    wgpu::BindGroupEntry { binding: 2, resource: whole(src) },
                    wgpu::BindGroupEntry { binding: 3, resource: whole(dst) },
                    wgpu::BindGroupEntry { binding: 4, resource: whole(acts) },
                ],
            })
        };
        let ping_pong = gemm_bg(ping, pong);
        let pong_ping = gemm_bg(pong, ping);
        let to_field = field.map(|f| (gemm_bg(ping, f), gemm_bg(pong, f)));

        let mut pass = enc
            .begin_compute_pass(&wgpu::ComputePassDescriptor { label: Some("forward_tiled"), timestamp_writes: None });
        let mut dispatches = 0;
        for (f_off, layer_blocks) in &plan {
            if stages.contains(&0) {
                pass.set_pipeline(&self.features.pipeline);
                pass.set_bind_group(0, &feat_bg, &[*f_off]);
                let count = layer_blocks.first().map_or(0, |(_, g)| g.n);
                let (x, y) = fold(count.div_ceil(64));
                pass.dispatch_workgroups(x, y, 1);
                dispatches += 1;
            }
            pass.set_pipeline(&self.gemm.pipeline);
            for (l, (off, g)) in layer_blocks.iter().enumerate() {
                if !stages.contains(&(l + 1)) {
                    continue;
                }
                // Layer l reads ping when l is even, pong when odd.
                let from_ping = l % 2 == 0;
                let bg = match (&to_field, l + 1 == n_layers) {
                    (Some((from_ping_bg, from_pong_bg)), true) => {
                        if from_ping {
                            from_ping_bg
                        } else {
                            from_pong_bg
                        }
                    }
                    _ => {
                        if from_ping {
                            &ping_pong
                        } else {
                            &pong_ping
                        }
                    }
                };
                pass.set_bind_group(0, bg, &[*off]);
                pass.dispatch_workgroups(g.n.div_ceil(64), g.m.div_ceil(64), 1);
                dispatches += 1;
            }
        }
        Ok(PassInfo { path, chunks: plan.len(), dispatches, stages: n_layers + 1 })
    }
}

/// The CPU twin of the forward pass (f64, the training engine's own arithmetic): every
/// feature's and node's value at every pixel, node-major like `acts`, together with the scale
/// `1 + Σ|w·a|` of each node's sum, which bounds f32 rounding.
pub struct CpuReference {
    pub rows: usize,
    pub pixels: usize,
    pub values: Vec<f64>,
    pub scale: Vec<f64>,
}

pub fn cpu_reference(net: &Network, features: FeatureSet, grid: &Grid) -> CpuReference {
    let pixels = grid.pixels();
    let rows = FEATURE_ROWS + net.layers().iter().map(|l| l.outputs).sum::<usize>();
    let mut values = vec![0.0; rows * pixels];
    let mut scale = vec![1.0; rows * pixels];
    let mut prev = Vec::new();
    for p in 0..pixels {
        let (x, y) = grid.coord(p);
        for (f, feat) in Feature::ALL.iter().enumerate() {
            values[f * pixels + p] = feat.eval(x, y);
        }
        prev.clear();
        prev.extend(features.iter().map(|f| f.eval(x, y)));
        let mut row = FEATURE_ROWS;
        for layer in net.layers() {
            let mut next = Vec::with_capacity(layer.outputs);
            for i in 0..layer.outputs {
                let w = &layer.weights[i * layer.inputs..(i + 1) * layer.inputs];
                let mut t = layer.biases[i];
                let mut s = 1.0;
                for (w, a) in w.iter().zip(&prev) {
                    t += w * a;
                    s += (w * a).abs();
                }
                let v = layer.activation.apply(t);
                values[(row + i) * pixels + p] = v;
                scale[(row + i) * pixels + p] = s;
                next.push(v);
            }
            row += layer.outputs;
            prev = next;
        }
    }
    CpuReference { rows, pixels, values, scale }
}
