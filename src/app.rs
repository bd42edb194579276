//! The window: winit's event loop, a wgpu surface, egui on top of our own pipelines.
//!
//! Design note. Three parties share the frame:
//! - the trainer thread ([`Sim`]) owns the network and publishes immutable snapshots; it wakes
//!   the event loop (a user event) whenever it publishes, so an idle window can sleep;
//! - the UI ([`Ui`]) turns input into [`Command`]s and never touches the network or the GPU;
//! - this module owns the GPU: each frame it draws the visualisation (field, thumbnails, links,
//!   points: [`Renderer`]) into the part of the surface the panels leave free, then egui's
//!   panels over it, then presents.
//!
//! Idle costs nothing: the loop waits (`ControlFlow::Wait`) and redraws only when the trainer is
//! playing, when a snapshot arrives, when egui asks (an animation, a hover), or when the window
//! changes. Minimized or occluded, it draws nothing; a playing trainer is then ticked by a
//! timer, so training goes on behind the window at the display's pace.

use crate::gpu::{GpuContext, GpuError, readback};
use crate::nn::NnError;
use crate::render::budget::FieldPacer;
use crate::render::field::ForwardPath;
use crate::render::frame::{Resolution, Scene, offscreen_target};
use crate::render::image;
use crate::render::screen::{EguiFrame, Screen};
use crate::session::Session;
use crate::settings::{self, Settings};
use crate::sim::{Command, Notice, Sim};
use crate::ui::{Ui, UiOutput, rules};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use thiserror::Error;
use winit::application::ApplicationHandler;
use winit::dpi::PhysicalSize;
use winit::event::WindowEvent;
use winit::event_loop::{ActiveEventLoop, ControlFlow, EventLoop, EventLoopProxy};
use winit::window::{Fullscreen, Window, WindowId};

#[derive(Debug, Error)]
pub enum AppError {
    #[error("could not start the window system: {0} (is DISPLAY or WAYLAND_DISPLAY set?)")]
    EventLoop(#[from] winit::error::EventLoopError),
    #[error("could not open the window: {0}")]
    Window(#[from] winit::error::OsError),
    #[error("could not create a drawing surface for the window: {0}")]
    Surface(#[from] wgpu::CreateSurfaceError),
    #[error("the window's surface cannot be drawn by this adapter")]
    SurfaceUnsupported,
    #[error(transparent)]
    Gpu(#[from] GpuError),
    #[error(transparent)]
    Network(#[from] NnError),
    #[error("could not encode the screenshot: {0}")]
    Png(#[from] png::EncodingError),
    #[error("could not write the screenshot {path}: {source}")]
    Screenshot { path: PathBuf, source: std::io::Error },
}

/// How the window is started.
#[derive(Clone, Debug)]
pub struct WindowOptions {
    /// Play for this many displayed frames, then exit (scripts and tests).
    pub frames: Option<u64>,
    /// Save what the window shows to exactly this path before exiting.
    pub screenshot: Option<PathBuf>,
    /// Inner size in physical pixels.
    pub size: (u32, u32),
    /// Close after this long without playing (scripts and tests: an idle window's frames).
    pub exit_after: Option<Duration>,
}

/// What a `--frames` run measured.
#[derive(Clone, Debug, PartialEq)]
pub struct RunStats {
    pub frames: u64,
    pub epochs: usize,
    pub frame_ms_median: f64,
    pub frame_ms_p99: f64,
}

impl RunStats {
    /// One JSON line, as `--frames` prints it.
    pub fn to_json(&self) -> String {
        format!(
            "{{\"frames\":{},\"epochs\":{},\"frame_ms_median\":{},\"frame_ms_p99\":{}}}",
            self.frames,
            self.epochs,
            json_num(self.frame_ms_median),
            json_num(self.frame_ms_p99)
        )
    }
}

fn json_num(v: f64) -> String {
    if v.is_finite() { format!("{v:.3}") } else { "null".into() }
}

/// The `q`-quantile (0..=1) of `v`, nearest rank; NaN when empty.
pub fn quantile(v: &[f64], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let rank = ((q * s.len() as f64).ceil() as usize).clamp(1, s.len());
    s[rank - 1]
}

/// Ctrl +, - or 0: applied at once, and remembered for the next run.
fn apply_zoom(settings: &mut Settings, egui: &egui::Context, auto_zoom: f32, z: rules::Zoom) {
    let scale = z.apply(settings.ui_scale);
    if scale == settings.ui_scale {
        return;
    }
    settings.ui_scale = scale;
    egui.set_zoom_factor(auto_zoom * scale);
    if let Some(path) = settings::path()
        && let Err(e) = settings.save_to(&path)
    {
        eprintln!("warning: {e}");
    }
}

/// The remembered settings; defaults (with a warning) when the file cannot be read.
fn load_settings() -> Settings {
    let Some(path) = settings::path() else { return Settings::default() };
    Settings::load_from(&path).unwrap_or_else(|e| {
        eprintln!("warning: {e}; using the default settings");
        Settings::default()
    })
}

/// Draws `scene` and the UI offscreen and writes a PNG named with the time into the working
/// folder, never replacing a file; returns its path.
fn capture(
    gfx: &mut Gfx,
    (w, h): (u32, u32),
    area: crate::render::layout::Rect,
    scene: &Scene,
    ui_frame: &EguiFrame,
) -> Result<PathBuf, AppError> {
    let dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut enc = gfx.ctx.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("ctrl+p") });
    let texture = offscreen_target(&gfx.ctx, (w, h), gfx.config.format, "ctrl+p")?;
    let v = texture.create_view(&wgpu::TextureViewDescriptor::default());
    gfx.screen.encode(&gfx.ctx, &mut enc, &v, (w, h), area, scene, ui_frame)?;
    let pending = readback::copy_texture(&gfx.ctx, &mut enc, &texture)?;
    gfx.ctx.queue.submit([enc.finish()]);
    let mut rgba = pending.finish(&gfx.ctx)?;
    for px in rgba.chunks_exact_mut(4) {
        px[3] = 255;
    }
    let png = image::encode_png(w, h, &rgba)?;
    // A name taken between the check and the write (another program, a second Ctrl+P in the
    // same second) moves on to the next free name instead of replacing it.
    for _ in 0..16 {
        let path = crate::fsio::timestamped(&dir, "hidden-layers", "png", std::time::SystemTime::now());
        match crate::fsio::write_new(&path, &png) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(source) => return Err(AppError::Screenshot { path, source }),
        }
    }
    Err(AppError::Screenshot { path: dir, source: std::io::Error::other("no free file name") })
}

/// Wakes the event loop from the trainer thread.
#[derive(Clone, Copy, Debug)]
enum Wake {
    Snapshot,
}

/// Opens the window and runs until it is closed (or `frames` have been shown).
pub fn run(session: Session, opts: WindowOptions) -> Result<RunStats, AppError> {
    let event_loop = EventLoop::<Wake>::with_user_event().build()?;
    let proxy: EventLoopProxy<Wake> = event_loop.create_proxy();
    let experiment = session.experiment.clone();
    let sim = Sim::start_with_notify(session, move || {
        let _ = proxy.send_event(Wake::Snapshot);
    })?;
    if opts.frames.is_some() {
        sim.send(Command::Play);
    }
    let started = Instant::now();
    // The original is light: the field's colours are made for a white page.
    let egui_ctx = egui::Context::default();
    egui_ctx.set_theme(egui::ThemePreference::Light);
    // Ctrl +/- are ours: a factor on the fitted scale, remembered (egui's own would not be).
    egui_ctx.options_mut(|o| o.zoom_with_keyboard = false);
    let mut app = App {
        ui: Ui::new(experiment),
        opts,
        sim,
        egui: egui_ctx,
        gfx: None,
        error: None,
        frames: 0,
        frame_ms: Vec::new(),
        last_present: None,
        hidden: false,
        last_tick: Instant::now(),
        repaint_at: None,
        auto_zoom: 1.0,
        settings: load_settings(),
        // A first guess (set from the adapter once there is one), corrected by the first frames.
        pacer: FieldPacer::new(1000.0 / 60.0, 5e7),
        last_generation: None,
        deadline: None,
    };
    app.deadline = app.opts.exit_after.map(|d| started + d);
    event_loop.run_app(&mut app)?;
    if let Some(e) = app.error.take() {
        return Err(e);
    }
    let snap = app.sim.latest();
    Ok(RunStats {
        frames: app.frames,
        epochs: snap.epoch,
        frame_ms_median: quantile(&app.frame_ms, 0.5),
        frame_ms_p99: quantile(&app.frame_ms, 0.99),
    })
}

/// Everything that exists only while there is a window.
struct Gfx {
    window: Arc<Window>,
    surface: wgpu::Surface<'static>,
    config: wgpu::SurfaceConfiguration,
    /// Whether the surface texture itself can be copied out (else screenshots redraw offscreen).
    surface_copyable: bool,
    ctx: GpuContext,
    screen: Screen,
    egui_state: egui_winit::State,
}

struct App {
    opts: WindowOptions,
    sim: Sim,
    ui: Ui,
    egui: egui::Context,
    gfx: Option<Gfx>,
    error: Option<AppError>,
    frames: u64,
    /// Time between consecutive presented frames.
    frame_ms: Vec<f64>,
    last_present: Option<Instant>,
    /// Minimized, zero-sized or occluded: nothing is drawn.
    hidden: bool,
    /// When the trainer was last ticked (frames tick it; a timer does while hidden).
    last_tick: Instant,
    /// When egui asked to be repainted next.
    repaint_at: Option<Instant>,
    /// The window-size part of the UI scale last applied (see [`rules::fit_zoom`]).
    auto_zoom: f32,
    /// What the user adds with Ctrl +/-, a factor on top; remembered between runs.
    settings: Settings,
    /// How many field pixels a frame may compute.
    pacer: FieldPacer,
    /// The snapshot the last frame drew: the same again means the weights are at rest.
    last_generation: Option<u64>,
    /// When to close (`--exit-after`).
    deadline: Option<Instant>,
}

/// The display's pace when no frames are drawn.
const HIDDEN_TICK: Duration = Duration::from_millis(16);

impl App {
    fn fail(&mut self, event_loop: &ActiveEventLoop, e: AppError) {
        if self.error.is_none() {
            self.error = Some(e);
        }
        event_loop.exit();
    }

    fn create(&mut self, event_loop: &ActiveEventLoop) -> Result<Gfx, AppError> {
        let (w, h) = self.opts.size;
        let attrs = Window::default_attributes()
            .with_title("hidden-layers")
            .with_inner_size(PhysicalSize::new(w, h))
            .with_min_inner_size(PhysicalSize::new(320, 240));
        let window = Arc::new(event_loop.create_window(attrs)?);
        let instance = GpuContext::new_instance();
        let surface = instance.create_surface(window.clone())?;
        let ctx = GpuContext::for_surface(instance, &surface)?;
        let caps = surface.get_capabilities(&ctx.adapter);
        // egui paints in gamma space: a plain (non-sRGB) 8-bit format shows its colours as meant.
        let format =
            egui_wgpu::preferred_framebuffer_format(&caps.formats).map_err(|_| AppError::SurfaceUnsupported)?;
        let surface_copyable = caps.usages.contains(wgpu::TextureUsages::COPY_SRC);
        let size = window.inner_size();
        let config = wgpu::SurfaceConfiguration {
            usage: if surface_copyable {
                wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC
            } else {
                wgpu::TextureUsages::RENDER_ATTACHMENT
            },
            format,
            width: size.width.max(1),
            height: size.height.max(1),
            present_mode: wgpu::PresentMode::AutoVsync,
            desired_maximum_frame_latency: 2,
            alpha_mode: caps.alpha_modes.first().copied().unwrap_or(wgpu::CompositeAlphaMode::Auto),
            view_formats: vec![],
            color_space: wgpu::SurfaceColorSpace::Auto,
        };
        if size.width > 0 && size.height > 0 {
            surface.configure(&ctx.device, &config);
        }
        let screen = Screen::new(&ctx, format);
        let max_side = ctx.device.limits().max_texture_dimension_2d as usize;
        let egui_state = egui_winit::State::new(
            self.egui.clone(),
            egui::ViewportId::ROOT,
            &*window,
            Some(window.scale_factor() as f32),
            None,
            Some(max_side),
        );
        eprintln!("hidden-layers: drawing with {}", ctx.describe());
        Ok(Gfx { window, surface, config, surface_copyable, ctx, screen, egui_state })
    }

    /// Re-fits the UI scale to the window, keeping the user's own scale on top of it.
    fn fit_zoom(&mut self, size: PhysicalSize<u32>, scale_factor: f64) {
        let native = scale_factor as f32;
        self.auto_zoom = rules::fit_zoom(size.width as f32 / native, size.height as f32 / native);
        self.egui.set_zoom_factor(self.auto_zoom * self.settings.ui_scale);
    }

    fn tick(&mut self) {
        self.last_tick = Instant::now();
        self.sim.send(Command::FrameTick);
        // The chart keeps every epoch, drawn or not.
        self.ui.absorb(self.sim.drain_history());
    }

    /// Draws and presents one frame (none while hidden, or when the surface has none to give).
    fn redraw(&mut self, event_loop: &ActiveEventLoop) -> Result<(), AppError> {
        let Some(gfx) = self.gfx.as_mut() else { return Ok(()) };
        if self.hidden || gfx.config.width == 0 || gfx.config.height == 0 {
            return Ok(());
        }
        let snap = self.sim.latest();
        self.ui.absorb(self.sim.drain_history());
        self.ui.notify(self.sim.drain_notices());
        // At rest: paused, and the weights the same as last frame (a playing trainer slower
        // than the frames is not at rest: refining between its epochs would only flicker).
        let at_rest = !snap.playing && self.last_generation == Some(snap.generation);
        self.last_generation = Some(snap.generation);
        let fpp = snap.network.forward_flops();

        // The UI first: it decides where the visualisation goes.
        let raw = gfx.egui_state.take_egui_input(&gfx.window);
        let mut out = UiOutput::default();
        let ctx = self.egui.clone();
        let ui = &mut self.ui;
        let mut full = self.egui.run_ui(raw, |root| out = ui.show(&ctx, root, &snap));
        gfx.egui_state.handle_platform_output(&gfx.window, full.platform_output);
        self.repaint_at =
            full.viewport_output.get(&egui::ViewportId::ROOT).and_then(|v| Instant::now().checked_add(v.repaint_delay));
        for cmd in out.commands {
            self.sim.send(cmd);
        }
        if let Some(z) = out.zoom {
            apply_zoom(&mut self.settings, &self.egui, self.auto_zoom, z);
        }
        if out.toggle_fullscreen {
            let fs = gfx.window.fullscreen().is_some();
            gfx.window.set_fullscreen(if fs {
                None
            } else {
                Some(Fullscreen::Borderless(gfx.window.current_monitor()))
            });
        }
        if out.leave_fullscreen {
            gfx.window.set_fullscreen(None);
        }
        let free = gfx.screen.update_textures(&gfx.ctx, &mut full.textures_delta);
        let paint = self.egui.tessellate(std::mem::take(&mut full.shapes), full.pixels_per_point);
        let frame = acquire(gfx)?;
        let Some(frame) = frame else {
            gfx.screen.free_textures(&free);
            return Ok(());
        };

        let (w, h) = (frame.texture.width(), frame.texture.height());
        let ppp = full.pixels_per_point;
        let screen = egui_wgpu::ScreenDescriptor { size_in_pixels: [w, h], pixels_per_point: ppp };
        let viz = out.viz.unwrap_or(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(w as f32, h as f32) / ppp));
        let area = crate::ui::viz_area(viz, ppp);
        let scene = Scene {
            // Display settings apply at once, without a round trip through the trainer.
            show_test: self.ui.exp.show_test_data,
            discretize: self.ui.exp.discretize,
            generation: Some(snap.generation),
            focus: out.focus,
            // While the weights change, a field within the frame budget; at rest, refinement.
            resolution: Resolution::Paced { pixels: self.pacer.pixels(fpp), refine: at_rest },
            view: self.ui.view,
            ..Scene::new(&snap.network, &snap.experiment, &snap.data, ForwardPath::Auto)
        };

        let ui_frame = EguiFrame { paint: &paint, screen: &screen };
        let mut enc = gfx.ctx.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("frame") });
        let user_bufs = gfx.screen.prepare(&gfx.ctx, &mut enc, &ui_frame);
        let view = frame.texture.create_view(&wgpu::TextureViewDescriptor::default());
        gfx.screen.encode(&gfx.ctx, &mut enc, &view, (w, h), area, &scene, &ui_frame)?;

        let last = self.opts.frames.is_some_and(|n| self.frames + 1 >= n);
        let mut shot = None;
        if last && let Some(path) = self.opts.screenshot.clone() {
            let pending = if gfx.surface_copyable {
                readback::copy_texture(&gfx.ctx, &mut enc, &frame.texture)?
            } else {
                // The surface cannot be copied: draw the same frame into a texture that can.
                let texture = offscreen_target(&gfx.ctx, (w, h), gfx.config.format, "screenshot")?;
                let v = texture.create_view(&wgpu::TextureViewDescriptor::default());
                gfx.screen.encode(&gfx.ctx, &mut enc, &v, (w, h), area, &scene, &ui_frame)?;
                readback::copy_texture(&gfx.ctx, &mut enc, &texture)?
            };
            shot = Some((path, pending));
        }
        gfx.ctx.queue.submit(user_bufs.into_iter().chain([enc.finish()]));
        gfx.window.pre_present_notify();
        gfx.ctx.queue.present(frame);
        if out.screenshot {
            // Ctrl+P: the same frame again, offscreen, with the field at full resolution even
            // while training paces it, in its own submission (the frame's buffers are final).
            let scene = Scene { resolution: Resolution::Full, generation: None, ..scene };
            let note = match capture(gfx, (w, h), area, &scene, &ui_frame) {
                Ok(path) => Notice { error: false, text: format!("Saved screenshot {}", path.display()) },
                Err(e) => Notice { error: true, text: e.to_string() },
            };
            self.ui.notify(vec![note]);
            gfx.window.request_redraw();
        }
        gfx.screen.free_textures(&free);
        if let Some((path, pending)) = shot {
            let (sw, sh) = pending.size();
            let mut rgba = pending.finish(&gfx.ctx)?;
            // What the window shows is opaque, whatever alpha the surface kept.
            for px in rgba.chunks_exact_mut(4) {
                px[3] = 255;
            }
            let png = image::encode_png(sw, sh, &rgba)?;
            image::write_atomic(&path, &png).map_err(|source| AppError::Screenshot { path: path.clone(), source })?;
            eprintln!("hidden-layers: wrote {} ({sw}x{sh})", path.display());
        }

        let now = Instant::now();
        if let Some(t) = self.last_present {
            let dt = (now - t).as_secs_f64();
            self.frame_ms.push(dt * 1e3);
            let stats = gfx.screen.viz.stats;
            self.pacer.observe(dt * 1e3, stats.computed_pixels > 0 && !at_rest, stats.field_pixels, fpp);
            // A smoothed rate for the status line; the first frames converge quickly.
            let fps = &mut self.ui.frames_per_second;
            let w = if *fps == 0.0 { 1.0 } else { 0.1 };
            *fps += w * (1.0 / dt.max(1e-6) - *fps);
        }
        self.last_present = Some(now);
        self.frames += 1;
        if snap.playing || self.opts.frames.is_some() {
            self.tick();
        }
        if last {
            event_loop.exit();
        }
        Ok(())
    }
}

/// The next surface texture, with every status handled; `None`: skip this frame.
fn acquire(gfx: &mut Gfx) -> Result<Option<wgpu::SurfaceTexture>, AppError> {
    Ok(Some(match gfx.surface.get_current_texture() {
        wgpu::CurrentSurfaceTexture::Success(f) => f,
        wgpu::CurrentSurfaceTexture::Suboptimal(f) => {
            // Still drawable; the next frame gets a fresh configuration.
            gfx.surface.configure(&gfx.ctx.device, &gfx.config);
            gfx.window.request_redraw();
            f
        }
        wgpu::CurrentSurfaceTexture::Outdated => {
            gfx.surface.configure(&gfx.ctx.device, &gfx.config);
            gfx.window.request_redraw();
            return Ok(None);
        }
        wgpu::CurrentSurfaceTexture::Lost => {
            gfx.surface = gfx.ctx.instance.create_surface(gfx.window.clone())?;
            gfx.surface.configure(&gfx.ctx.device, &gfx.config);
            gfx.window.request_redraw();
            return Ok(None);
        }
        wgpu::CurrentSurfaceTexture::Occluded | wgpu::CurrentSurfaceTexture::Timeout => {
            // Hidden behind something, or the compositor is slow: skip this frame. The next
            // one comes with the next event, a playing trainer's tick, or winit's Occluded(false).
            return Ok(None);
        }
        wgpu::CurrentSurfaceTexture::Validation => return Err(AppError::SurfaceUnsupported),
    }))
}

impl ApplicationHandler<Wake> for App {
    fn resumed(&mut self, event_loop: &ActiveEventLoop) {
        if self.gfx.is_some() {
            return;
        }
        match self.create(event_loop) {
            Ok(gfx) => {
                gfx.window.request_redraw();
                // About 50 ms of a 1 GFLOP/s CPU adapter; a GPU starts a hundred times higher.
                let start = if gfx.ctx.is_software() { 5e7 } else { 5e9 };
                self.pacer = FieldPacer::new(1000.0 / 60.0, start);
                self.fit_zoom(gfx.window.inner_size(), gfx.window.scale_factor());
                self.gfx = Some(gfx);
            }
            Err(e) => self.fail(event_loop, e),
        }
    }

    fn user_event(&mut self, _event_loop: &ActiveEventLoop, _event: Wake) {
        if let Some(g) = &self.gfx {
            g.window.request_redraw();
        }
    }

    fn window_event(&mut self, event_loop: &ActiveEventLoop, _id: WindowId, event: WindowEvent) {
        let Some(gfx) = self.gfx.as_mut() else { return };
        // egui first; what it does not consume is ours (keys reach us through egui's input).
        // (egui asks for a repaint on every RedrawRequested too: passed on, that would redraw
        // forever, so an idle window would never sleep.)
        if !matches!(event, WindowEvent::RedrawRequested) {
            let response = gfx.egui_state.on_window_event(&gfx.window, &event);
            if response.repaint {
                gfx.window.request_redraw();
            }
        }
        match event {
            WindowEvent::CloseRequested => event_loop.exit(),
            WindowEvent::Resized(size) => {
                if size.width == 0 || size.height == 0 {
                    // Minimized: keep the old configuration, draw nothing.
                    self.hidden = true;
                } else {
                    self.hidden = false;
                    gfx.config.width = size.width;
                    gfx.config.height = size.height;
                    gfx.surface.configure(&gfx.ctx.device, &gfx.config);
                    gfx.window.request_redraw();
                    let scale = gfx.window.scale_factor();
                    self.fit_zoom(size, scale);
                }
            }
            // A scripted run (--frames) draws on behind other windows: it must finish.
            WindowEvent::Occluded(occluded) if self.opts.frames.is_none() => {
                self.hidden = occluded;
                if !occluded {
                    gfx.window.request_redraw();
                }
            }
            WindowEvent::RedrawRequested => {
                if let Err(e) = self.redraw(event_loop) {
                    self.fail(event_loop, e);
                }
            }
            _ => {}
        }
    }

    fn about_to_wait(&mut self, event_loop: &ActiveEventLoop) {
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            event_loop.exit();
            return;
        }
        self.schedule(event_loop);
        // Whatever the loop waits for, it wakes for the deadline.
        if let Some(d) = self.deadline {
            match event_loop.control_flow() {
                ControlFlow::Wait => event_loop.set_control_flow(ControlFlow::WaitUntil(d)),
                ControlFlow::WaitUntil(t) if t > d => event_loop.set_control_flow(ControlFlow::WaitUntil(d)),
                _ => {}
            }
        }
    }
}

impl App {
    /// Decides when to draw next: continuously while playing or refining, when egui asks,
    /// else not until an event comes.
    fn schedule(&mut self, event_loop: &ActiveEventLoop) {
        let Some(gfx) = self.gfx.as_ref() else { return };
        let playing = self.sim.latest().playing || self.opts.frames.is_some();
        if self.hidden {
            // Nothing is drawn, but a playing run goes on at the display's pace.
            if playing {
                if self.last_tick.elapsed() >= HIDDEN_TICK {
                    self.tick();
                }
                event_loop.set_control_flow(ControlFlow::WaitUntil(self.last_tick + HIDDEN_TICK));
            } else {
                event_loop.set_control_flow(ControlFlow::Wait);
            }
            return;
        }
        if playing || gfx.screen.viz.refining() {
            gfx.window.request_redraw();
            event_loop.set_control_flow(ControlFlow::Wait);
        } else if let Some(at) = self.repaint_at {
            if at <= Instant::now() {
                self.repaint_at = None;
                gfx.window.request_redraw();
                event_loop.set_control_flow(ControlFlow::Wait);
            } else {
                event_loop.set_control_flow(ControlFlow::WaitUntil(at));
            }
        } else {
            event_loop.set_control_flow(ControlFlow::Wait);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_and_stats_line() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(quantile(&v, 0.5), 50.0);
        assert_eq!(quantile(&v, 0.99), 99.0);
        assert_eq!(quantile(&[3.0], 0.99), 3.0);
        assert!(quantile(&[], 0.5).is_nan());
        let s = RunStats { frames: 3, epochs: 2, frame_ms_median: 16.6666, frame_ms_p99: f64::NAN };
        let j: serde_json::Value = serde_json::from_str(&s.to_json()).expect("valid JSON");
        assert_eq!(j["frames"], 3);
        assert_eq!(j["epochs"], 2);
        assert_eq!(j["frame_ms_median"], 16.667);
        assert!(j["frame_ms_p99"].is_null());
    }
}
