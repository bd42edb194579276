//! `hidden-layers render`: train headless, draw one frame offscreen, write a PNG.

use super::{CliError, RenderArgs, Source};
use crate::gpu::GpuContext;
use crate::nn::TrainPath;
use crate::render::field::DEFAULT_DOMAIN;
use crate::render::frame::{Renderer, Scene};
use crate::render::image;
use crate::session::Session;

pub fn run(args: &RenderArgs) -> Result<(), CliError> {
    let exp = Source::resolve(args.source.as_deref())?;
    let mut session = Session::new(exp, TrainPath::Auto)?;
    for _ in 0..args.epochs {
        session.step();
    }
    let ctx = GpuContext::headless()?;
    let (w, h) = args.size;
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
    };
    let rgba = Renderer::render_rgba(&ctx, w, h, &scene)?;
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
