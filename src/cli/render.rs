//! `hidden-layers render`: train headless, draw one frame offscreen (the window's whole
//! picture, controls included, or with `--no-ui` the visualisation alone), write a PNG.

use super::{CliError, RenderArgs, Source};
use crate::gpu::{GpuContext, GpuError};
use crate::nn::TrainPath;
use crate::render::field::{DEFAULT_DOMAIN, ForwardPath};
use crate::render::frame::{Renderer, Resolution, Scene};
use crate::render::image;
use crate::render::screen::{EguiFrame, Screen};
use crate::session::Session;
use crate::sim::{HistoryEvent, Snapshot};
use crate::ui::{Ui, UiOutput, rules};

pub fn run(args: &RenderArgs) -> Result<(), CliError> {
    let exp = Source::resolve(args.source.as_deref())?;
    let mut session = Session::new(exp, TrainPath::Auto)?;
    for _ in 0..args.epochs {
        session.step();
    }
    let ctx = GpuContext::headless()?;
    let (w, h) = args.size;
    let rgba = if args.no_ui {
        let scene = Scene {
            network: &session.network,
            features: session.experiment.features,
            train: &session.data.train,
            test: &session.data.test,
            show_test: session.experiment.show_test_data,
            discretize: session.experiment.discretize,
            domain: DEFAULT_DOMAIN,
            path: args.forward.into(),
            generation: None,
            focus: Default::default(),
            resolution: Resolution::Full,
            view: Default::default(),
        };
        Renderer::render_rgba(&ctx, w, h, &scene)?
    } else {
        render_window(&ctx, &session, (w, h), args.forward.into())?
    };
    let png = image::encode_png(w, h, &rgba)?;
    image::write_atomic(&args.out, &png).map_err(|source| CliError::Write { path: args.out.clone(), source })?;
    let l = session.history.last().copied().unwrap_or(session.losses());
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

/// The window's picture of `session`, as the app would show it at this size (its interface
/// scaled to fit, as in the window), drawn offscreen.
pub fn render_window(
    ctx: &GpuContext,
    session: &Session,
    (w, h): (u32, u32),
    path: ForwardPath,
) -> Result<Vec<u8>, GpuError> {
    let snap = Snapshot::of(session);
    let egui_ctx = egui::Context::default();
    egui_ctx.set_theme(egui::ThemePreference::Light);
    let zoom = rules::fit_zoom(w as f32, h as f32);
    egui_ctx.set_zoom_factor(zoom);
    let mut ui = Ui::new(session.experiment.clone());
    let mut history = session.history.iter().copied();
    if let Some(first) = history.next() {
        ui.absorb(std::iter::once(HistoryEvent::Restart(first)).chain(history.map(HistoryEvent::Epoch)).collect());
    }
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
    let scene = Scene {
        network: &session.network,
        features: session.experiment.features,
        train: &session.data.train,
        test: &session.data.test,
        show_test: session.experiment.show_test_data,
        discretize: session.experiment.discretize,
        domain: DEFAULT_DOMAIN,
        path,
        generation: None,
        focus: Default::default(),
        resolution: Resolution::Full,
        view: Default::default(),
    };
    let descriptor = egui_wgpu::ScreenDescriptor { size_in_pixels: [w, h], pixels_per_point: ppp };
    let frame = EguiFrame { paint: &paint, screen: &descriptor };
    let rgba = screen.render_rgba(ctx, (w, h), crate::ui::viz_area(viz, ppp), &scene, &frame);
    screen.free_textures(&free);
    rgba
}
