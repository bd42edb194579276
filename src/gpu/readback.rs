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

/// An RGBA8 texture's pixels as tight rows (width * 4 bytes each).
pub fn read_rgba8(ctx: &GpuContext, texture: &wgpu::Texture) -> Result<Vec<u8>, GpuError> {
    let (w, h) = (texture.width(), texture.height());
    let tight = w * 4;
    let padded = tight.div_ceil(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT) * wgpu::COPY_BYTES_PER_ROW_ALIGNMENT;
    let len = padded as u64 * h as u64;
    let staging = ctx.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("texture readback"),
        size: len,
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    let mut enc =
        ctx.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("texture readback") });
    enc.copy_texture_to_buffer(
        texture.as_image_copy(),
        wgpu::TexelCopyBufferInfo {
            buffer: &staging,
            layout: wgpu::TexelCopyBufferLayout { offset: 0, bytes_per_row: Some(padded), rows_per_image: Some(h) },
        },
        wgpu::Extent3d { width: w, height: h, depth_or_array_layers: 1 },
    );
    ctx.queue.submit([enc.finish()]);
    let bytes = map_read(ctx, &staging, len)?;
    let mut out = Vec::with_capacity((tight * h) as usize);
    for row in bytes.chunks_exact(padded as usize) {
        out.extend_from_slice(&row[..tight as usize]);
    }
    Ok(out)
}
