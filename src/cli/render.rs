//! `hidden-layers render`: train headless, draw one frame offscreen (the window's whole
//! picture, controls included, or with `--no-ui` the visualisation alone), write a PNG.

use super::{CliError, RenderArgs, Source};
use crate::gpu::{GpuContext, GpuError};
use crate::nn::TrainPath;
use crate::render::field::{FEATURE_ROWS, FieldEngine, ForwardPath, Grid, PackedNetwork, THUMB_GRID};
use crate::render::frame::{Renderer, Resolution, Scene};
use crate::render::image;
use crate::render::layout::Layout;
use crate::render::screen::{EguiFrame, Screen};
use crate::session::Session;
use crate::sim::{HistoryEvent, Snapshot};
use crate::ui::{Ui, UiOutput, rules};

pub fn run(args: &RenderArgs) -> Result<(), CliError> {
    let mut session = Source::open(args.source.as_deref(), args.data.as_deref(), TrainPath::Auto)?;
    for _ in 0..args.epochs {
        session.step();
    }
    let ctx = GpuContext::headless()?;
    let (w, h) = args.size;
    let rgba = if args.no_ui {
        let layout = Layout::new(w, h, &session.network.hidden_shape(), FEATURE_ROWS);
        let resolution = resolution_within(&ctx, &session, &layout, args.field_budget)?;
        let scene = Scene { resolution, ..Scene::of(&session, args.forward.into()) };
        Renderer::render_rgba(&ctx, w, h, &scene)?
    } else {
        render_window(&ctx, &session, (w, h), args.forward.into(), args.field_budget)?
    };
    let png = image::encode_png(w, h, &rgba)?;
    image::write_atomic(&args.out, &png).map_err(|source| CliError::Write { path: args.out.clone(), source })?;
    let l = session.last_losses();
    eprintln!(
        "wrote {} ({w}x{h}) after {} epochs: train loss {:.6}, test loss {:.6}; GPU: {}",
        args.out.display(),
        session.epoch,
        l.train,
        l.test,
        ctx.describe()
    );
    Ok(())
}

/// The resolution that finishes within `budget_s` seconds on this device for the field of
/// `layout`: full when the estimate (from a timed 4x4 field) fits, else a coarser field and
/// thumbnails, said on stderr.
fn resolution_within(
    ctx: &GpuContext,
    session: &Session,
    layout: &Layout,
    budget_s: f64,
) -> Result<Resolution, GpuError> {
    let (fw, fh) = (layout.field.w as u32, layout.field.h as u32);
    let field_pixels = fw as usize * fh as usize;
    let thumbs = (THUMB_GRID * THUMB_GRID) as usize;
    // A few GFLOP take well under the budget anywhere: no need to measure.
    if session.network.forward_flops() * (field_pixels + thumbs) as f64 <= 2e9 {
        return Ok(Resolution::Full);
    }
    let engine = FieldEngine::new(ctx);
    let mut bufs = engine.buffers(ctx);
    engine.upload(ctx, &mut bufs, PackedNetwork::new(&session.network, session.experiment.features));
    // Tiny, so that measuring costs little even for the widest networks on a CPU adapter.
    let grid = Grid::new(4, 4);
    let start = std::time::Instant::now();
    let mut enc = ctx.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("calibration") });
    engine.encode_field(ctx, &mut enc, &mut bufs, &grid, ForwardPath::Auto)?;
    ctx.queue.submit([enc.finish()]);
    ctx.wait()?;
    let seconds_per_pixel = start.elapsed().as_secs_f64() / grid.pixels() as f64;
    let fits = (budget_s / seconds_per_pixel.max(1e-12)) as usize;
    if fits >= field_pixels + thumbs {
        return Ok(Resolution::Full);
    }
    // The thumbnails take at most a quarter more (see Resolution::Paced). One picture is
    // drawn, so never less than the smallest complete one (a window would build that over
    // several frames).
    let pixels = (fits * 4 / 5).max(crate::render::frame::stream_below((fw, fh)));
    let (gw, gh) = crate::render::budget::grid_within((fw, fh), pixels);
    eprintln!(
        "note: the full {fw}x{fh} field would take about {:.0} s on this GPU; drawn from a {gw}x{gh} grid (raise --field-budget for more)",
        seconds_per_pixel * (field_pixels + thumbs) as f64
    );
    Ok(Resolution::Paced { pixels, refine: false })
}

/// The window's picture of `session`, as the app would show it at this size (its interface
/// scaled to fit, as in the window), drawn offscreen; the forward passes within `budget_s`
/// seconds (see `--field-budget`).
pub fn render_window(
    ctx: &GpuContext,
    session: &Session,
    (w, h): (u32, u32),
    path: ForwardPath,
    budget_s: f64,
) -> Result<Vec<u8>, GpuError> {
    let snap = Snapshot::of(session);
    let egui_ctx = egui::Context::default();
    egui_ctx.set_theme(egui::ThemePreference::Light);
    let zoom = rules::fit_zoom(w as f32, h as f32);
    egui_ctx.set_zoom_factor(zoom);
    let mut ui = Ui::new(session.experiment.clone());
    ui.absorb(vec![HistoryEvent::Restart(session.history.clone())]);
    let mut screen = Screen::new(ctx, wgpu::TextureFormat::Rgba8Unorm);
    // A few passes: egui sizes panels and wrapped text from the previous pass.
    let mut textures = egui::TexturesDelta::default();
    let mut last = None;
    for pass in 0..3 {
        let raw = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(w as f32, h as f32) / zoom)),
            time: Some(pass as f64 / 60.0),
            ..Default::default()
        };
        let mut out = UiOutput::default();
        let mut full = egui_ctx.run_ui(raw, |root| out = ui.show(&egui_ctx, root, &snap));
        textures.append(std::mem::take(&mut full.textures_delta));
        last = Some((full, out));
    }
    let Some((full, out)) = last else { return Err(GpuError::Readback("no UI pass ran".into())) };
    let free = screen.update_textures(ctx, &mut textures);
    let paint = egui_ctx.tessellate(full.shapes, full.pixels_per_point);
    let ppp = full.pixels_per_point;
    let viz = out.viz.unwrap_or(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(w as f32, h as f32) / ppp));
    let area = crate::ui::viz_area(viz, ppp).clamped(w as f32, h as f32);
    let layout = Layout::within(area, w, h, &session.network.hidden_shape(), FEATURE_ROWS);
    let resolution = resolution_within(ctx, session, &layout, budget_s)?;
    let scene = Scene { resolution, ..Scene::of(session, path) };
    let descriptor = egui_wgpu::ScreenDescriptor { size_in_pixels: [w, h], pixels_per_point: ppp };
    let frame = EguiFrame { paint: &paint, screen: &descriptor };
    let rgba = screen.render_rgba(ctx, (w, h), area, &scene, &frame);
    screen.free_textures(&free);
    rgba
}
