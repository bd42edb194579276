//! One frame of the visualisation, drawn into any colour target: an offscreen texture for
//! `render` and tests, the window's surface later.
//!
//! [`Renderer`] holds the long-lived pipelines and the reusable buffers; [`Scene`] is the plain
//! per-frame data. Each frame uploads the weights once; the forward pass then fills the field
//! and the thumbnails, and four instanced draws paint links, thumbnails with bias marks, the
//! field, and the points. Links and bias marks read the weights buffer directly.

use super::budget;
use super::field::{
    FEATURE_ROWS, FieldBuffers, FieldEngine, ForwardPath, Grid, PackedNetwork, PartTarget, THUMB_GRID, thumbnail_grid,
};
use super::layout::{DiagramView, Layout, Rect};
use crate::data::{Feature, FeatureSet, Point};
use crate::gpu::types::{
    BiasInstance, ColumnLayout, HeatmapInstance, LinkLayer, LinkStyle, NONE, PointInstance, PointStyle, View,
};
use crate::gpu::{GpuContext, GpuError, readback, shaders};
use crate::nn::Network;

/// What to draw: plain values, no GPU objects.
pub struct Scene<'a> {
    pub network: &'a Network,
    pub features: FeatureSet,
    pub train: &'a [Point],
    pub test: &'a [Point],
    pub show_test: bool,
    pub discretize: bool,
    pub domain: [f64; 4],
    pub path: ForwardPath,
    /// Identifies the network's weights: a frame with the same generation as the last one
    /// neither re-uploads them nor recomputes a field it already has. `None`: always upload.
    pub generation: Option<u64>,
    /// What the pointer is on: a node's field replaces the output in the big heatmap and its
    /// links stand out; a link is drawn wider.
    pub focus: Focus,
    pub resolution: Resolution,
    /// The diagram's pan and zoom.
    pub view: DiagramView,
}

/// The diagram's hovered item, in the terms of [`super::hit::Hit`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Focus {
    /// A node: column (0 = features, canonical rows) and row.
    pub node: Option<(usize, usize)>,
    /// A link: network layer (0 = into the first hidden layer), destination node, input.
    pub link: Option<(usize, usize, usize)>,
}

/// Timings and sizes of the last frame's work, for benchmarks and the window's status line.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FrameStats {
    /// The full-resolution field's pixels.
    pub field_pixels: usize,
    /// The grid the heatmap shows (the full one, or a paced coarser one).
    pub field_grid: (u32, u32),
    /// Pixels the forward passes computed this frame (field, refinement and thumbnails).
    pub computed_pixels: usize,
    pub thumb_grid: u32,
    pub links: u64,
}

struct Pipe {
    layout: wgpu::BindGroupLayout,
    pipeline: wgpu::RenderPipeline,
}

fn entry(binding: u32, ty: wgpu::BufferBindingType, stages: wgpu::ShaderStages) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility: stages,
        ty: wgpu::BindingType::Buffer { ty, has_dynamic_offset: false, min_binding_size: None },
        count: None,
    }
}

const VF: wgpu::ShaderStages = wgpu::ShaderStages::VERTEX_FRAGMENT;
const UNIFORM: wgpu::BufferBindingType = wgpu::BufferBindingType::Uniform;
const READ: wgpu::BufferBindingType = wgpu::BufferBindingType::Storage { read_only: true };

fn pipe(
    ctx: &GpuContext,
    format: wgpu::TextureFormat,
    name: &str,
    body: &str,
    entries: &[wgpu::BindGroupLayoutEntry],
    stages: &[(&str, &str)],
) -> Vec<Pipe> {
    let device = &ctx.device;
    let module = shaders::module(device, name, body);
    stages
        .iter()
        .map(|(vs, fs)| {
            let layout =
                device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor { label: Some(name), entries });
            let pl = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
                label: Some(name),
                bind_group_layouts: &[Some(&layout)],
                immediate_size: 0,
            });
            let pipeline = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
                label: Some(name),
                layout: Some(&pl),
                vertex: wgpu::VertexState {
                    module: &module,
                    entry_point: Some(vs),
                    compilation_options: Default::default(),
                    buffers: &[],
                },
                primitive: wgpu::PrimitiveState::default(),
                depth_stencil: None,
                multisample: wgpu::MultisampleState::default(),
                fragment: Some(wgpu::FragmentState {
                    module: &module,
                    entry_point: Some(fs),
                    compilation_options: Default::default(),
                    targets: &[Some(wgpu::ColorTargetState {
                        format,
                        blend: Some(wgpu::BlendState::ALPHA_BLENDING),
                        write_mask: wgpu::ColorWrites::ALL,
                    })],
                }),
                multiview_mask: None,
                cache: None,
            });
            Pipe { layout, pipeline }
        })
        .collect()
}

/// A storage or uniform buffer rewritten each frame, regrown when the data outgrows it.
struct Dynamic {
    buffer: Option<wgpu::Buffer>,
    usage: wgpu::BufferUsages,
    label: &'static str,
}

impl Dynamic {
    fn new(label: &'static str, usage: wgpu::BufferUsages) -> Self {
        Dynamic { buffer: None, usage: usage | wgpu::BufferUsages::COPY_DST, label }
    }

    fn write(&mut self, ctx: &GpuContext, bytes: &[u8]) -> &wgpu::Buffer {
        let size = (bytes.len() as u64).max(16).next_multiple_of(16);
        if self.buffer.as_ref().is_none_or(|b| b.size() < size) {
            self.buffer = Some(ctx.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(self.label),
                size,
                usage: self.usage,
                mapped_at_creation: false,
            }));
        }
        let buffer = self.buffer.as_ref().expect("just created");
        ctx.queue.write_buffer(buffer, 0, bytes);
        buffer
    }
}

/// A texture to draw a frame into and read it back from; an error names a size the device
/// cannot make.
pub fn offscreen_target(
    ctx: &GpuContext,
    (width, height): (u32, u32),
    format: wgpu::TextureFormat,
    label: &str,
) -> Result<wgpu::Texture, GpuError> {
    let max = ctx.device.limits().max_texture_dimension_2d;
    if width == 0 || height == 0 || width > max || height > max {
        return Err(GpuError::TooLarge(format!(
            "an image of {width}x{height} (this device allows 1 to {max} per side)"
        )));
    }
    Ok(ctx.device.create_texture(&wgpu::TextureDescriptor {
        label: Some(label),
        size: wgpu::Extent3d { width, height, depth_or_array_layers: 1 },
        mip_level_count: 1,
        sample_count: 1,
        dimension: wgpu::TextureDimension::D2,
        format,
        usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC,
        view_formats: &[],
    }))
}

impl<'a> Scene<'a> {
    /// A session as it stands (see [`Scene::new`]).
    pub fn of(session: &'a crate::session::Session, path: ForwardPath) -> Scene<'a> {
        Scene::new(&session.network, &session.experiment, &session.data, path)
    }

    /// `network` with its experiment's settings and points: the whole network at full
    /// resolution, nothing hovered, the diagram fitted.
    pub fn new(
        network: &'a Network,
        experiment: &crate::state::Experiment,
        data: &'a crate::data::DataSplit,
        path: ForwardPath,
    ) -> Scene<'a> {
        Scene {
            network,
            features: experiment.features,
            train: &data.train,
            test: &data.test,
            show_test: experiment.show_test_data,
            discretize: experiment.discretize,
            domain: super::field::DEFAULT_DOMAIN,
            path,
            generation: None,
            focus: Focus::default(),
            resolution: Resolution::Full,
            view: DiagramView::default(),
        }
    }
}

/// Links a layer draws at most on a GPU: past that a layer is a haze of lines anyway, and
/// drawing millions of them would cost the frame rate. Denser layers draw an even sample.
pub const MAX_LINKS_PER_LAYER: u64 = 40_000;

/// The per-layer cap on a software adapter, whose vertex stage runs on one CPU thread
/// (lavapipe: 80k links cost about 0.7 s a frame).
pub const MAX_LINKS_PER_LAYER_SOFTWARE: u64 = 3_000;

/// The link cap for a device.
pub fn links_per_layer(ctx: &GpuContext) -> u64 {
    if ctx.is_software() { MAX_LINKS_PER_LAYER_SOFTWARE } else { MAX_LINKS_PER_LAYER }
}

/// Level of detail for a layer of `total` links: (stride, links drawn). All of them when they
/// fit under `cap`; else `cap` links, instance i drawing link (i · stride) mod total, with the
/// stride the smallest at least total / cap that is coprime with `total`: the walk then visits
/// distinct links spread evenly over the whole weight matrix (every source, every destination),
/// not one column of it. (i · stride stays far below 2³² for the widths the engine allows.)
pub fn lod_stride(total: u64, cap: u64) -> (u32, u64) {
    if total <= cap {
        return (1, total);
    }
    let gcd = |mut a: u64, mut b: u64| {
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    };
    let mut s = total.div_ceil(cap);
    while gcd(s, total) != 1 {
        s += 1;
    }
    (s as u32, cap)
}

/// What a field was computed for: the same again needs no pass.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Computed {
    upload: u64,
    field: (u32, u32),
    path: ForwardPath,
    domain: [u64; 4],
    probe: Option<usize>,
}

/// How much of the field and thumbnails a frame computes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Resolution {
    /// Everything at full resolution, at once (headless renders, tests).
    #[default]
    Full,
    /// A window frame within a budget: the field at about `pixels` pixels (the heatmap
    /// upscales it), thumbnails at a grid within a quarter of that. With `refine` (the weights
    /// are at rest), the full-resolution field is built `pixels` at a time over the following
    /// frames and shown once complete.
    Paced { pixels: usize, refine: bool },
}

pub struct Renderer {
    pub format: wgpu::TextureFormat,
    engine: FieldEngine,
    bufs: FieldBuffers,
    heat: Pipe,
    points: Pipe,
    links: Pipe,
    bias: Pipe,
    view: Dynamic,
    field_instance: Dynamic,
    thumb_instances: Dynamic,
    point_style: Dynamic,
    point_instances: Dynamic,
    link_style: Dynamic,
    link_layers: Dynamic,
    columns: Dynamic,
    bias_instances: Dynamic,
    pub stats: FrameStats,
    /// The generation of the uploaded weights, and a counter bumped by every upload.
    uploaded: Option<(Option<u64>, u64)>,
    /// Level of detail: the most links a layer draws (see [`links_per_layer`]).
    pub links_per_layer: u64,
    /// What the field buffer holds now.
    computed: Option<Computed>,
    /// What the thumbnails hold now: upload, side, path, domain.
    thumbs_computed: Option<(u64, u32, ForwardPath, [u64; 4])>,
    /// The full-resolution field being refined over several frames, what it is (once complete)
    /// and how far it got.
    hi: Option<wgpu::Buffer>,
    refined: Option<Computed>,
    progress: Option<(Computed, usize)>,
    /// A network whose smallest field and thumbnails do not fit in one frame's budget: they
    /// are built over several frames into the back buffers and shown once complete.
    stream: Option<Stream>,
    back_field: Option<wgpu::Buffer>,
    back_acts: Option<wgpu::Buffer>,
    /// The thumbnail rows the front `acts` buffer was built for.
    front_rows: usize,
}

/// The field and thumbnails of one upload, being built a budget of pixels per frame. Until
/// they are complete the heatmaps show the last complete ones, and no newer weights are
/// uploaded: a heatmap never mixes two networks. (The links and bias marks show the weights
/// being built: they cost nothing to draw, so they stay one stream ahead.)
#[derive(Clone, Copy, Debug, PartialEq)]
struct Stream {
    /// What is being built (`field` is the paced grid).
    key: Computed,
    thumb: u32,
    field_next: usize,
    thumbs_next: usize,
    /// The stage (0: features, `l + 1`: layer `l`) the current tiled chunk has reached.
    stage: usize,
}

impl Stream {
    fn field_pixels(&self) -> usize {
        self.key.field.0 as usize * self.key.field.1 as usize
    }

    fn done(&self) -> bool {
        self.field_next >= self.field_pixels() && self.thumbs_next >= (self.thumb * self.thumb) as usize
    }
}

/// Pixels of one tiled chunk a stream builds layer by layer (the kernel's tile width).
const STREAM_CHUNK: usize = 64;

/// One frame's part of a stream into a target.
struct StreamStep {
    /// Pixels' worth of work the frame may do.
    budget: usize,
    /// The tiled kernel: whole chunks, or some layers of one.
    staged: bool,
    /// Stages of a chunk (features and every layer).
    stages: usize,
}

impl StreamStep {
    /// Whole chunks (pixels, for the fused kernel) while the budget covers them, else as many
    /// stages of the current chunk as it pays for, at least one. Advances `next` (pixels done)
    /// and `stage`; returns the pixels' worth computed.
    fn run(
        &self,
        engine: &FieldEngine,
        bufs: &mut crate::render::field::FieldBuffers,
        (ctx, enc): (&GpuContext, &mut wgpu::CommandEncoder),
        target: PartTarget<'_>,
        (grid, path, probe): (&Grid, ForwardPath, Option<usize>),
        (next, stage): (&mut usize, &mut usize),
    ) -> Result<usize, GpuError> {
        let total = grid.pixels();
        if !self.staged || (*stage == 0 && self.budget >= STREAM_CHUNK) {
            let len = if self.staged { self.budget / STREAM_CHUNK * STREAM_CHUNK } else { self.budget };
            let end = (*next + len.max(1)).min(total);
            engine.encode_stages(ctx, enc, bufs, target, grid, path, probe, *next..end, 0..usize::MAX)?;
            let done = end - *next;
            *next = end;
            return Ok(done);
        }
        let chunk = *next..(*next + STREAM_CHUNK).min(total);
        let take = (self.budget * self.stages / STREAM_CHUNK).max(1);
        let info =
            engine.encode_stages(ctx, enc, bufs, target, grid, path, probe, chunk.clone(), *stage..*stage + take)?;
        let ran = take.min(info.stages.saturating_sub(*stage));
        *stage += take;
        if *stage >= info.stages {
            *next = chunk.end;
            *stage = 0;
        }
        Ok((ran * chunk.len()).div_ceil(info.stages.max(1)))
    }
}

/// Below this many pixels a frame (the smallest paced field plus the smallest thumbnails),
/// the renderer streams: builds them over several frames.
pub fn stream_below((fw, fh): (u32, u32)) -> usize {
    let (gw, gh) = budget::grid_within((fw, fh), 1);
    gw as usize * gh as usize + (budget::MIN_THUMB * budget::MIN_THUMB) as usize
}

const STORAGE: wgpu::BufferUsages = wgpu::BufferUsages::STORAGE;
const UNIFORM_USAGE: wgpu::BufferUsages = wgpu::BufferUsages::UNIFORM;

impl Renderer {
    pub fn new(ctx: &GpuContext, format: wgpu::TextureFormat) -> Self {
        let mut heat = pipe(
            ctx,
            format,
            "field",
            shaders::FIELD,
            &[entry(0, UNIFORM, VF), entry(1, READ, VF), entry(2, READ, VF)],
            &[("vs_main", "fs_main")],
        );
        let mut points = pipe(
            ctx,
            format,
            "points",
            shaders::POINTS,
            &[entry(0, UNIFORM, VF), entry(1, UNIFORM, VF), entry(2, READ, VF)],
            &[("vs_main", "fs_main")],
        );
        let mut lines = pipe(
            ctx,
            format,
            "lines",
            shaders::LINES,
            &[
                entry(0, UNIFORM, VF),
                entry(1, UNIFORM, VF),
                entry(2, READ, VF),
                entry(3, READ, VF),
                entry(4, READ, VF),
                entry(5, READ, VF),
            ],
            &[("vs_link", "fs_link"), ("vs_bias", "fs_bias")],
        );
        let engine = FieldEngine::new(ctx);
        let bufs = engine.buffers(ctx);
        let bias = lines.pop().expect("two line pipelines");
        Renderer {
            format,
            bufs,
            engine,
            heat: heat.remove(0),
            points: points.remove(0),
            links: lines.remove(0),
            bias,
            view: Dynamic::new("view", UNIFORM_USAGE),
            field_instance: Dynamic::new("field instance", STORAGE),
            thumb_instances: Dynamic::new("thumbnail instances", STORAGE),
            point_style: Dynamic::new("point style", UNIFORM_USAGE),
            point_instances: Dynamic::new("points", STORAGE),
            link_style: Dynamic::new("link style", UNIFORM_USAGE),
            link_layers: Dynamic::new("link layers", STORAGE),
            columns: Dynamic::new("columns", STORAGE),
            bias_instances: Dynamic::new("bias marks", STORAGE),
            stats: FrameStats::default(),
            uploaded: None,
            links_per_layer: links_per_layer(ctx),
            computed: None,
            thumbs_computed: None,
            hi: None,
            refined: None,
            progress: None,
            stream: None,
            back_field: None,
            back_acts: None,
            front_rows: 0,
        }
    }

    /// The next `pixels` of the full-resolution field into `hi` (at rest); once complete it is
    /// `refined` and shown. Returns the pixels computed.
    #[allow(clippy::too_many_arguments)]
    fn refine_step(
        &mut self,
        ctx: &GpuContext,
        enc: &mut wgpu::CommandEncoder,
        scene: &Scene<'_>,
        key: Computed,
        grid: &Grid,
        probe: Option<usize>,
        pixels: usize,
    ) -> Result<usize, GpuError> {
        let total = grid.pixels();
        let next = match self.progress {
            Some((k, next)) if k == key => next,
            _ => 0,
        };
        if self.hi.as_ref().is_none_or(|b| b.size() < total as u64 * 4) {
            self.hi = Some(FieldEngine::field_buffer(ctx, total));
        }
        let end = (next + pixels.max(1)).min(total);
        if let Some(hi) = &self.hi {
            self.engine.encode_field_part(ctx, enc, &mut self.bufs, hi, grid, scene.path, probe, next..end)?;
        }
        if end == total {
            self.refined = Some(key);
            self.progress = None;
        } else {
            self.progress = Some((key, end));
        }
        Ok(end - next)
    }

    /// One frame of a stream: the next `pixels` of the smallest field, then of the smallest
    /// thumbnails, into the back buffers; swapped in front once both are complete. Returns the
    /// pixels computed.
    fn advance_stream(
        &mut self,
        ctx: &GpuContext,
        enc: &mut wgpu::CommandEncoder,
        scene: &Scene<'_>,
        key: Computed,
        thumb: u32,
        pixels: usize,
    ) -> Result<usize, GpuError> {
        let (gw, gh) = budget::grid_within(key.field, 1);
        let target = Computed { field: (gw, gh), ..key };
        let thumbs_key = (key.upload, thumb, key.path, key.domain);
        // Until a first stream completes (or after the network changed shape) there is nothing
        // to show: blank (zeroed) buffers of the right size stand in.
        let rows = self.bufs.packed().map_or(0, |p| p.acts_rows);
        if self.bufs.field.as_ref().is_none_or(|b| b.size() < (gw * gh) as u64 * 4) {
            self.bufs.field = Some(FieldEngine::field_buffer(ctx, (gw * gh) as usize));
            self.computed = None;
        }
        if self.front_rows != rows || self.bufs.acts.is_none() {
            self.bufs.acts = Some(FieldEngine::acts_buffer(ctx, &self.bufs, thumb));
            self.front_rows = rows;
            self.thumbs_computed = None;
        }
        let mut s = match self.stream {
            Some(s) if s.key == target && s.thumb == thumb => s,
            _ => {
                let shown = self.computed == Some(target) && self.thumbs_computed == Some(thumbs_key);
                let mut s = Stream { key: target, thumb, field_next: 0, thumbs_next: 0, stage: 0 };
                if shown {
                    (s.field_next, s.thumbs_next) = (s.field_pixels(), (thumb * thumb) as usize);
                }
                s
            }
        };
        // The tiled kernel's unit is a 64-pixel tile, one layer at a time: a wide network's
        // stream advances some layers of one chunk a frame. The fused kernel's unit is a pixel.
        let staged = self.bufs.packed().is_some_and(|p| p.path(scene.path) == ForwardPath::Tiled);
        let stages = self.bufs.packed().map_or(1, |p| p.layers.len() + 1);
        let mut budget = pixels.max(1);
        let mut done = 0;
        let field_total = s.field_pixels();
        if s.field_next < field_total {
            if self.back_field.as_ref().is_none_or(|b| b.size() < field_total as u64 * 4) {
                self.back_field = Some(FieldEngine::field_buffer(ctx, field_total));
            }
            let g = Grid { width: gw, height: gh, domain: scene.domain };
            if let Some(out) = &self.back_field {
                let step = StreamStep { budget, staged, stages };
                let d = step.run(
                    &self.engine,
                    &mut self.bufs,
                    (ctx, &mut *enc),
                    PartTarget::Field(out),
                    (&g, scene.path, key.probe),
                    (&mut s.field_next, &mut s.stage),
                )?;
                done += d;
                budget = budget.saturating_sub(d);
            }
        }
        let thumbs_total = (thumb * thumb) as usize;
        // Thumbnails only once the field is complete: a chunk half through its layers keeps its
        // values in the engine's buffers, which another pass would overwrite.
        if budget > 0 && s.field_next >= field_total && s.thumbs_next < thumbs_total {
            let need = self.bufs.packed().map_or(0, |p| p.acts_rows) as u64 * thumbs_total as u64 * 4;
            if self.back_acts.as_ref().is_none_or(|b| b.size() < need) {
                self.back_acts = Some(FieldEngine::acts_buffer(ctx, &self.bufs, thumb));
            }
            let g = Grid { width: thumb, height: thumb, domain: scene.domain };
            if let Some(out) = &self.back_acts {
                let step = StreamStep { budget, staged, stages };
                done += step.run(
                    &self.engine,
                    &mut self.bufs,
                    (ctx, &mut *enc),
                    PartTarget::Thumbnails(out),
                    (&g, scene.path, None),
                    (&mut s.thumbs_next, &mut s.stage),
                )?;
            }
        }
        if done > 0 && s.done() {
            std::mem::swap(&mut self.bufs.field, &mut self.back_field);
            std::mem::swap(&mut self.bufs.acts, &mut self.back_acts);
            self.front_rows = rows;
            self.computed = Some(target);
            self.thumbs_computed = Some(thumbs_key);
        }
        self.stream = Some(s);
        Ok(done)
    }

    /// Encodes the whole frame into `target` (a view of a texture of `self.format`, `width` x
    /// `height`), the picture filling `area` of it; the rest is cleared to white.
    #[allow(clippy::too_many_arguments)]
    pub fn encode(
        &mut self,
        ctx: &GpuContext,
        enc: &mut wgpu::CommandEncoder,
        target: &wgpu::TextureView,
        width: u32,
        height: u32,
        area: Rect,
        scene: &Scene<'_>,
    ) -> Result<(), GpuError> {
        let net = scene.network;
        // A caller's area (the window's free panel space) never reaches past the target, even
        // in the one frame where a new UI scale and the old panel sizes disagree.
        let area = area.clamped(width as f32, height as f32);
        let layout = Layout::within(area, width, height, &net.hidden_shape(), FEATURE_ROWS).viewed(scene.view);
        let (fw, fh) = (layout.field.w as u32, layout.field.h as u32);
        let streaming = match scene.resolution {
            Resolution::Paced { pixels, .. } => pixels < stream_below((fw, fh)),
            Resolution::Full => false,
        };
        if !streaming {
            self.stream = None;
        }
        // A stream still building keeps its weights: the newest wait for the next one. (A
        // network of another shape cannot wait: the diagram's layout is already the new one.)
        let same_shape = self.bufs.packed().is_some_and(|p| {
            p.layers.len() == net.layers().len()
                && p.layers
                    .iter()
                    .zip(net.layers())
                    .all(|(d, l)| d.inputs as usize == l.inputs && d.outputs as usize == l.outputs)
        });
        let building = same_shape && self.stream.is_some_and(|s| !s.done());
        // Upload only weights the GPU does not have yet (every frame while training, never
        // while paused).
        let upload = !building
            && match (self.uploaded, scene.generation) {
                (Some((Some(had), _)), Some(now)) => had != now,
                _ => true,
            };
        if upload {
            let count = self.uploaded.map_or(0, |(_, c)| c + 1);
            self.engine.upload(ctx, &mut self.bufs, PackedNetwork::new(net, scene.features));
            self.uploaded = Some((scene.generation, count));
        }
        let upload_count = self.uploaded.map_or(0, |(_, c)| c);
        let Some(packed) = self.bufs.packed().cloned() else {
            return Err(GpuError::Readback("forward-pass buffers missing".into()));
        };
        let thumb_cap = thumbnail_grid(ctx, &packed, THUMB_GRID);
        let thumb = match scene.resolution {
            Resolution::Full => thumb_cap,
            // A stream builds the smallest thumbnails.
            Resolution::Paced { .. } if streaming => budget::MIN_THUMB.min(thumb_cap),
            // Thumbnails get a quarter of a training frame's budget, more once the weights rest.
            Resolution::Paced { pixels, refine } => {
                budget::thumb_side(if refine { pixels.saturating_mul(4) } else { pixels / 4 }).min(thumb_cap)
            }
        };
        let input_rows: Vec<u32> = scene.features.rows().map(|r| r as u32).collect();

        // Instances of links: one table entry per layer, decoded on the GPU.
        let mut link_layers = Vec::with_capacity(packed.layers.len());
        let mut first = 0u64;
        for (l, d) in packed.layers.iter().enumerate() {
            let total = d.inputs as u64 * d.outputs as u64;
            let (stride, drawn) = lod_stride(total, self.links_per_layer);
            link_layers.push(LinkLayer {
                first: first as u32,
                inputs: d.inputs,
                outputs: d.outputs,
                w_off: d.w_off,
                src_col: l as u32,
                dst_col: l as u32 + 1,
                map_inputs: (l == 0) as u32,
                stride,
            });
            first += drawn;
        }
        let links = first;

        // Thumbnails: all seven features (disabled ones dimmed), every hidden node, the output.
        let flags = if scene.discretize { HeatmapInstance::DISCRETIZE } else { 0 };
        let mut thumbs = Vec::with_capacity(packed.acts_rows);
        for (i, f) in Feature::ALL.iter().enumerate() {
            let dim = if scene.features.contains(*f) { 0 } else { HeatmapInstance::DIM };
            thumbs.push(HeatmapInstance {
                rect: layout.node(0, i).to_array(),
                row: i as u32,
                grid_w: thumb,
                grid_h: thumb,
                flags: dim,
            });
        }
        let mut biases = Vec::new();
        for (l, d) in packed.layers.iter().enumerate() {
            for i in 0..d.outputs as usize {
                let row = packed.acts_row(l, i) as u32;
                // Hidden thumbnails show the node's own activation; only the output is discretized.
                let f = if l + 1 == packed.layers.len() { flags } else { 0 };
                thumbs.push(HeatmapInstance {
                    rect: layout.node(l + 1, i).to_array(),
                    row,
                    grid_w: thumb,
                    grid_h: thumb,
                    flags: f,
                });
                biases.push(BiasInstance {
                    rect: layout.bias_mark(l + 1, i).to_array(),
                    index: d.b_off + i as u32,
                    _pad: [0; 3],
                });
            }
        }

        let grid = Grid { width: fw, height: fh, domain: scene.domain };

        let mut points: Vec<PointInstance> = scene
            .train
            .iter()
            .map(|p| PointInstance { pos: [p.x as f32, p.y as f32], label: p.label as f32, test: 0 })
            .collect();
        if scene.show_test {
            points.extend(scene.test.iter().map(|p| PointInstance {
                pos: [p.x as f32, p.y as f32],
                label: p.label as f32,
                test: 1,
            }));
        }
        let radius = (layout.field.w / 130.0).clamp(2.0, 12.0);
        let point_style = PointStyle {
            rect: layout.field.to_array(),
            domain: scene.domain.map(|v| v as f32),
            radius,
            ring: (radius * 0.3).max(1.0),
            _pad: [0.0; 2],
        };
        let densest = layout.counts.iter().copied().max().unwrap_or(1) as f32;
        let min_size = layout.columns.iter().map(|c| c.size).fold(f32::MAX, f32::min);
        // The probed row of a hovered node: features are rows 0..7, then the nodes in order.
        let probe = scene.focus.node.and_then(|(col, row)| match col {
            0 => (row < FEATURE_ROWS).then_some(row),
            c => packed.layers.get(c - 1).filter(|d| row < d.outputs as usize).map(|_| packed.acts_row(c - 1, row)),
        });
        // (A thinned-out layer may not draw the hovered link: the UI draws it over the top.)
        let focus_link = scene.focus.link.and_then(|(l, dst, src)| {
            let d = packed.layers.get(l)?;
            (dst < d.outputs as usize && src < d.inputs as usize && link_layers[l].stride == 1)
                .then(|| link_layers[l].first + dst as u32 * d.inputs + src as u32)
        });
        let link_style = LinkStyle {
            focus_col: scene.focus.node.map_or(NONE, |(c, _)| c as u32),
            focus_row: scene.focus.node.map_or(NONE, |(_, r)| r as u32),
            focus_link: focus_link.unwrap_or(NONE),
            _pad: 0,
            layer_count: packed.layers.len() as u32,
            max_width: (min_size * 0.2).clamp(1.0, 10.0),
            min_width: (min_size * 0.03).clamp(0.3, 1.0),
            // Thousands of overlapping links would be a solid block: fade them with density.
            alpha: (10.0f32 / densest).clamp(0.03, 0.85),
            input_rows: std::array::from_fn(|i| input_rows.get(i).copied().unwrap_or(0)),
        };
        let view = View { size: [width as f32, height as f32], srgb_target: self.format.is_srgb() as u32, _pad: 0 };

        // Compute: field and thumbnails, unless the buffers already hold exactly these.
        let key = Computed {
            upload: upload_count,
            field: (fw, fh),
            path: scene.path,
            domain: scene.domain.map(f64::to_bits),
            probe,
        };
        let mut computed_pixels = 0;
        let (shown_hi, shown_grid) = if let Resolution::Paced { pixels, refine } = scene.resolution
            && streaming
        {
            computed_pixels += self.advance_stream(ctx, enc, scene, key, thumb, pixels)?;
            // Refine once the stream is complete, in frames that built nothing of it (two
            // field passes in one submission would share their parameter blocks).
            let complete = self.stream.is_some_and(|s| s.done());
            if complete && computed_pixels == 0 && refine && self.refined != Some(key) {
                computed_pixels += self.refine_step(ctx, enc, scene, key, &grid, probe, pixels)?;
            }
            if self.refined == Some(key) {
                (true, (fw, fh))
            } else {
                (false, self.computed.map_or(budget::grid_within((fw, fh), 1), |c| c.field))
            }
        } else {
            let thumbs_key = (key.upload, thumb, key.path, key.domain);
            if self.thumbs_computed != Some(thumbs_key) {
                self.engine.encode_thumbnails(ctx, enc, &mut self.bufs, thumb, scene.domain, scene.path)?;
                self.thumbs_computed = Some(thumbs_key);
                self.front_rows = packed.acts_rows;
                computed_pixels += (thumb * thumb) as usize;
            }
            // Which field the heatmap shows: the refined full-resolution one while it is still
            // valid, else one computed now at the paced (or full) grid.
            if scene.resolution != Resolution::Full && self.refined == Some(key) {
                (true, (fw, fh))
            } else {
                let (gw, gh) = match scene.resolution {
                    Resolution::Full => (fw, fh),
                    Resolution::Paced { pixels, .. } => budget::grid_within((fw, fh), pixels),
                };
                let now = Computed { field: (gw, gh), ..key };
                if self.computed != Some(now) {
                    let g = Grid { width: gw, height: gh, domain: scene.domain };
                    self.engine.encode_probe(ctx, enc, &mut self.bufs, &g, scene.path, probe)?;
                    self.computed = Some(now);
                    computed_pixels += g.pixels();
                }
                let mut shown = (false, (gw, gh));
                let recomputed = computed_pixels > 0;
                if let Resolution::Paced { pixels, refine: true } = scene.resolution
                    && (gw, gh) != (fw, fh)
                {
                    // Refine, but not in a frame that computed the paced field: two field
                    // passes in one submission would share their parameter blocks.
                    if !recomputed {
                        computed_pixels += self.refine_step(ctx, enc, scene, key, &grid, probe, pixels)?;
                    }
                    if self.refined == Some(key) {
                        shown = (true, (fw, fh));
                    }
                } else if scene.resolution == Resolution::Full || (gw, gh) == (fw, fh) {
                    self.progress = None;
                }
                shown
            }
        };
        // The thumbnails shown are the last complete ones (a stream's may lag a few frames).
        let thumb = self.thumbs_computed.map_or(thumb, |(_, side, _, _)| side);
        for t in &mut thumbs {
            (t.grid_w, t.grid_h) = (thumb, thumb);
        }
        let (sw, sh) = shown_grid;
        let field = HeatmapInstance { rect: layout.field.to_array(), row: 0, grid_w: sw, grid_h: sh, flags };
        self.stats = FrameStats {
            field_pixels: grid.pixels(),
            field_grid: shown_grid,
            computed_pixels,
            thumb_grid: thumb,
            links,
        };

        let view_buf = self.view.write(ctx, bytemuck::bytes_of(&view)).clone();
        let field_inst = self.field_instance.write(ctx, bytemuck::bytes_of(&field)).clone();
        let thumb_inst = self.thumb_instances.write(ctx, bytemuck::cast_slice(&thumbs)).clone();
        let pstyle = self.point_style.write(ctx, bytemuck::bytes_of(&point_style)).clone();
        let pinst = self.point_instances.write(ctx, bytemuck::cast_slice(&points)).clone();
        let lstyle = self.link_style.write(ctx, bytemuck::bytes_of(&link_style)).clone();
        let llayers = self.link_layers.write(ctx, bytemuck::cast_slice(&link_layers)).clone();
        let cols: &[ColumnLayout] = &layout.columns;
        let cols = self.columns.write(ctx, bytemuck::cast_slice(cols)).clone();
        let binst = self.bias_instances.write(ctx, bytemuck::cast_slice(&biases)).clone();
        let field_buf = if shown_hi { self.hi.as_ref() } else { self.bufs.field.as_ref() };
        let (Some(weights), Some(field_vals), Some(acts)) = (self.bufs.weights(), field_buf, self.bufs.acts.as_ref())
        else {
            return Err(GpuError::Readback("forward-pass buffers missing".into()));
        };
        let bind = |p: &Pipe, bufs: &[&wgpu::Buffer]| {
            let entries: Vec<wgpu::BindGroupEntry> = bufs
                .iter()
                .enumerate()
                .map(|(i, b)| wgpu::BindGroupEntry { binding: i as u32, resource: b.as_entire_binding() })
                .collect();
            ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
                label: None,
                layout: &p.layout,
                entries: &entries,
            })
        };
        let links_bg = bind(&self.links, &[&view_buf, &lstyle, weights, &llayers, &cols, &binst]);
        let bias_bg = bind(&self.bias, &[&view_buf, &lstyle, weights, &llayers, &cols, &binst]);
        let thumbs_bg = bind(&self.heat, &[&view_buf, acts, &thumb_inst]);
        let field_bg = bind(&self.heat, &[&view_buf, field_vals, &field_inst]);
        let points_bg = bind(&self.points, &[&view_buf, &pstyle, &pinst]);

        let mut pass = enc.begin_render_pass(&wgpu::RenderPassDescriptor {
            label: Some("frame"),
            color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                view: target,
                depth_slice: None,
                resolve_target: None,
                ops: wgpu::Operations { load: wgpu::LoadOp::Clear(wgpu::Color::WHITE), store: wgpu::StoreOp::Store },
            })],
            depth_stencil_attachment: None,
            timestamp_writes: None,
            occlusion_query_set: None,
            multiview_mask: None,
        });
        // The diagram stays inside its area, however it is zoomed or panned.
        let scissor = |r: Rect| {
            let (x, y) = ((r.x.max(0.0) as u32).min(width), (r.y.max(0.0) as u32).min(height));
            let w = ((r.right().max(0.0) as u32).min(width)).saturating_sub(x);
            let h = ((r.bottom().max(0.0) as u32).min(height)).saturating_sub(y);
            (x, y, w, h)
        };
        let (nx, ny, nw, nh) = scissor(layout.network);
        if nw > 0 && nh > 0 {
            pass.set_scissor_rect(nx, ny, nw, nh);
            if links > 0 {
                pass.set_pipeline(&self.links.pipeline);
                pass.set_bind_group(0, &links_bg, &[]);
                // Instance counts are u32; past that many links the diagram shows the first 4G.
                pass.draw(0..6, 0..links.min(u32::MAX as u64) as u32);
            }
            pass.set_pipeline(&self.heat.pipeline);
            pass.set_bind_group(0, &thumbs_bg, &[]);
            pass.draw(0..6, 0..thumbs.len() as u32);
            if !biases.is_empty() {
                pass.set_pipeline(&self.bias.pipeline);
                pass.set_bind_group(0, &bias_bg, &[]);
                pass.draw(0..6, 0..biases.len() as u32);
            }
        }
        pass.set_scissor_rect(0, 0, width, height);
        pass.set_pipeline(&self.heat.pipeline);
        pass.set_bind_group(0, &field_bg, &[]);
        pass.set_pipeline(&self.heat.pipeline);
        pass.draw(0..6, 0..1);
        // Points stay inside the field (a point at the domain's edge would spill over).
        let (fx, fy, fw, fh) = scissor(layout.field);
        if !points.is_empty() && fw > 0 && fh > 0 {
            pass.set_scissor_rect(fx, fy, fw, fh);
            pass.set_pipeline(&self.points.pipeline);
            pass.set_bind_group(0, &points_bg, &[]);
            pass.draw(0..6, 0..points.len() as u32);
        }
        Ok(())
    }

    /// The last frame showed a coarser field than full resolution, or a full one is being
    /// built: the window keeps drawing (at rest, each frame refines further).
    pub fn refining(&self) -> bool {
        let (w, h) = self.stats.field_grid;
        self.progress.is_some() || (w as usize * h as usize) != self.stats.field_pixels
    }

    /// Renders `scene` offscreen and returns tight RGBA8 rows.
    pub fn render_rgba(ctx: &GpuContext, width: u32, height: u32, scene: &Scene<'_>) -> Result<Vec<u8>, GpuError> {
        let format = wgpu::TextureFormat::Rgba8Unorm;
        let texture = offscreen_target(ctx, (width, height), format, "offscreen frame")?;
        let mut renderer = Renderer::new(ctx, format);
        let view = texture.create_view(&wgpu::TextureViewDescriptor::default());
        let mut enc =
            ctx.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("offscreen frame") });
        let area = Rect { x: 0.0, y: 0.0, w: width as f32, h: height as f32 };
        renderer.encode(ctx, &mut enc, &view, width, height, area, scene)?;
        ctx.queue.submit([enc.finish()]);
        readback::read_rgba8(ctx, &texture)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_of_detail_samples_every_source_within_the_cap() {
        assert_eq!(lod_stride(64, MAX_LINKS_PER_LAYER), (1, 64));
        for (inputs, outputs) in [(1024u64, 1024u64), (8192, 4096), (300, 300), (2310, 30), (7, 8192)] {
            let total = inputs * outputs;
            let (s, drawn) = lod_stride(total, MAX_LINKS_PER_LAYER);
            assert_eq!(drawn, MAX_LINKS_PER_LAYER, "{inputs}x{outputs}");
            assert!((drawn - 1) * s as u64 <= u32::MAX as u64, "no overflow in the shader");
            let mut seen = std::collections::HashSet::new();
            let mut sources = vec![false; inputs as usize];
            let mut dests = vec![false; outputs as usize];
            for i in 0..drawn {
                let local = (i * s as u64) % total;
                assert!(seen.insert(local), "{inputs}x{outputs}: link {local} drawn twice");
                sources[(local % inputs) as usize] = true;
                dests[(local / inputs) as usize] = true;
            }
            let covered = |v: &[bool]| v.iter().filter(|x| **x).count() as u64;
            assert_eq!(covered(&sources), inputs.min(drawn), "{inputs}x{outputs}: every source");
            assert!(covered(&dests) * 2 >= outputs.min(drawn), "{inputs}x{outputs}: spread over the destinations");
        }
    }
}
