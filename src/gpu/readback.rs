//! Copies GPU data back to the CPU. Texture rows are padded to 256 bytes in the copy buffer;
//! the padding is stripped here so callers see tight rows.

use super::{GpuContext, GpuError};

/// Maps `buffer` (MAP_READ) and returns its first `len` bytes.
fn map_read(ctx: &GpuContext, buffer: &wgpu::Buffer, len: u64) -> Result<Vec<u8>, GpuError> {
    let (tx, rx) = std::sync::mpsc::channel();
    buffer.slice(..len).map_async(wgpu::MapMode::Read, move |r| {
        let _ = tx.send(r);
    });
    ctx.wait()?;
    rx.recv_timeout(super::POLL_TIMEOUT)
        .map_err(|_| GpuError::Readback("the map callback never ran".into()))?
        .map_err(|e| GpuError::Readback(e.to_string()))?;
    let bytes = buffer.slice(..len).get_mapped_range().map_err(|e| GpuError::Readback(e.to_string()))?.to_vec();
    buffer.unmap();
    Ok(bytes)
}

/// The first `count` f32 values of a storage buffer (which needs COPY_SRC).
pub fn read_f32(ctx: &GpuContext, src: &wgpu::Buffer, count: usize) -> Result<Vec<f32>, GpuError> {
    let len = (count * 4) as u64;
    if len == 0 {
        return Ok(Vec::new());
    }
    let staging = ctx.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("readback"),
        size: len,
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    let mut enc = ctx.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("readback") });
    enc.copy_buffer_to_buffer(src, 0, &staging, 0, len);
    ctx.queue.submit([enc.finish()]);
    let bytes = map_read(ctx, &staging, len)?;
    Ok(bytemuck::cast_slice(&bytes).to_vec())
}

/// A texture copy encoded into a command buffer, to be read once that buffer is submitted. The
/// window uses it to read its surface texture back in the same submission that draws it,
/// before presenting.
pub struct PendingImage {
    staging: wgpu::Buffer,
    width: u32,
    height: u32,
    padded: u32,
    bgra: bool,
}

/// Encodes a copy of an 8-bit RGBA or BGRA `texture` (which needs COPY_SRC) into `enc`.
pub fn copy_texture(
    ctx: &GpuContext,
    enc: &mut wgpu::CommandEncoder,
    texture: &wgpu::Texture,
) -> Result<PendingImage, GpuError> {
    use wgpu::TextureFormat as F;
    let bgra = match texture.format() {
        F::Rgba8Unorm | F::Rgba8UnormSrgb => false,
        F::Bgra8Unorm | F::Bgra8UnormSrgb => true,
        other => return Err(GpuError::Readback(format!("cannot read back a {other:?} texture as RGBA8"))),
    };
    let (w, h) = (texture.width(), texture.height());
    let padded = (w * 4).div_ceil(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT) * wgpu::COPY_BYTES_PER_ROW_ALIGNMENT;
    let staging = ctx.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("texture readback"),
        size: padded as u64 * h as u64,
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    enc.copy_texture_to_buffer(
        texture.as_image_copy(),
        wgpu::TexelCopyBufferInfo {
            buffer: &staging,
            layout: wgpu::TexelCopyBufferLayout { offset: 0, bytes_per_row: Some(padded), rows_per_image: Some(h) },
        },
        wgpu::Extent3d { width: w, height: h, depth_or_array_layers: 1 },
    );
    Ok(PendingImage { staging, width: w, height: h, padded, bgra })
}

impl PendingImage {
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// Waits for the copy (its commands must have been submitted) and returns tight RGBA8 rows.
    pub fn finish(self, ctx: &GpuContext) -> Result<Vec<u8>, GpuError> {
        let tight = (self.width * 4) as usize;
        let bytes = map_read(ctx, &self.staging, self.padded as u64 * self.height as u64)?;
        let mut out = Vec::with_capacity(tight * self.height as usize);
        for row in bytes.chunks_exact(self.padded as usize) {
            out.extend_from_slice(&row[..tight]);
        }
        if self.bgra {
            for px in out.chunks_exact_mut(4) {
                px.swap(0, 2);
            }
        }
        Ok(out)
    }
}

/// An RGBA8 (or BGRA8) texture's pixels as tight RGBA8 rows (width * 4 bytes each).
pub fn read_rgba8(ctx: &GpuContext, texture: &wgpu::Texture) -> Result<Vec<u8>, GpuError> {
    let mut enc =
        ctx.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("texture readback") });
    let pending = copy_texture(ctx, &mut enc, texture)?;
    ctx.queue.submit([enc.finish()]);
    pending.finish(ctx)
}
