//! The whole window's picture: our visualisation ([`Renderer`]) with egui's panels over it. The
//! window draws it into its surface each frame; `render` draws the very same into an offscreen
//! texture, so a headless PNG looks like a screenshot of the app.

use super::frame::{Renderer, Scene};
use super::layout::Rect;
use crate::gpu::{GpuContext, GpuError, readback};

/// What egui produced for one frame, tessellated.
pub struct EguiFrame<'a> {
    pub paint: &'a [egui::ClippedPrimitive],
    pub screen: &'a egui_wgpu::ScreenDescriptor,
}

pub struct Screen {
    pub viz: Renderer,
    pub egui: egui_wgpu::Renderer,
}

impl Screen {
    pub fn new(ctx: &GpuContext, format: wgpu::TextureFormat) -> Self {
        Screen {
            viz: Renderer::new(ctx, format),
            egui: egui_wgpu::Renderer::new(&ctx.device, format, egui_wgpu::RendererOptions::default()),
        }
    }

    /// Applies egui's texture uploads (every one, whether or not the frame is drawn: egui
    /// sends each once) and returns the textures to free after the frame is submitted.
    pub fn update_textures(&mut self, ctx: &GpuContext, delta: &mut egui::TexturesDelta) -> Vec<egui::TextureId> {
        for (id, deltas) in delta.set.drain() {
            for d in deltas {
                self.egui.update_texture(&ctx.device, &ctx.queue, id, &d);
            }
        }
        delta.free.drain().collect()
    }

    /// Uploads egui's vertex buffers; the returned command buffers go before the frame's own.
    pub fn prepare(
        &mut self,
        ctx: &GpuContext,
        enc: &mut wgpu::CommandEncoder,
        ui: &EguiFrame<'_>,
    ) -> Vec<wgpu::CommandBuffer> {
        self.egui.update_buffers(&ctx.device, &ctx.queue, enc, ui.paint, ui.screen)
    }

    /// The visualisation in `area`, then the panels, into `view` (`w` x `h`).
    #[allow(clippy::too_many_arguments)]
    pub fn encode(
        &mut self,
        ctx: &GpuContext,
        enc: &mut wgpu::CommandEncoder,
        view: &wgpu::TextureView,
        (w, h): (u32, u32),
        area: Rect,
        scene: &Scene<'_>,
        ui: &EguiFrame<'_>,
    ) -> Result<(), GpuError> {
        self.viz.encode(ctx, enc, view, w, h, area, scene)?;
        let pass = enc.begin_render_pass(&wgpu::RenderPassDescriptor {
            label: Some("egui"),
            color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                view,
                depth_slice: None,
                resolve_target: None,
                ops: wgpu::Operations { load: wgpu::LoadOp::Load, store: wgpu::StoreOp::Store },
            })],
            depth_stencil_attachment: None,
            timestamp_writes: None,
            occlusion_query_set: None,
            multiview_mask: None,
        });
        self.egui.render(&mut pass.forget_lifetime(), ui.paint, ui.screen);
        Ok(())
    }

    pub fn free_textures(&mut self, ids: &[egui::TextureId]) {
        for id in ids {
            self.egui.free_texture(id);
        }
    }

    /// Draws one frame offscreen (a texture of `format`) and returns tight RGBA8 rows.
    pub fn render_rgba(
        &mut self,
        ctx: &GpuContext,
        size: (u32, u32),
        area: Rect,
        scene: &Scene<'_>,
        ui: &EguiFrame<'_>,
    ) -> Result<Vec<u8>, GpuError> {
        let texture = super::frame::offscreen_target(ctx, size, self.viz.format, "offscreen screen")?;
        let view = texture.create_view(&wgpu::TextureViewDescriptor::default());
        let mut enc = ctx.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("screen") });
        let user = self.prepare(ctx, &mut enc, ui);
        self.encode(ctx, &mut enc, &view, size, area, scene, ui)?;
        let pending = readback::copy_texture(ctx, &mut enc, &texture)?;
        ctx.queue.submit(user.into_iter().chain([enc.finish()]));
        pending.finish(ctx)
    }
}
