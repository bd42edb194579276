//! WGSL sources, embedded at compile time. WGSL has no include, so `common.wgsl` (shared structs
//! and functions) is put in front of each file when a module is created.

pub const COMMON: &str = include_str!("../../shaders/common.wgsl");
pub const FORWARD_FUSED: &str = include_str!("../../shaders/forward_fused.wgsl");
pub const FORWARD_LAYER: &str = include_str!("../../shaders/forward_layer.wgsl");
pub const FEATURES: &str = include_str!("../../shaders/features.wgsl");
pub const FIELD: &str = include_str!("../../shaders/field.wgsl");
pub const POINTS: &str = include_str!("../../shaders/points.wgsl");
pub const LINES: &str = include_str!("../../shaders/lines.wgsl");

/// Every shader but `common.wgsl`, by file name.
pub const ALL: [(&str, &str); 6] = [
    ("forward_fused.wgsl", FORWARD_FUSED),
    ("forward_layer.wgsl", FORWARD_LAYER),
    ("features.wgsl", FEATURES),
    ("field.wgsl", FIELD),
    ("points.wgsl", POINTS),
    ("lines.wgsl", LINES),
];

pub fn with_common(body: &str) -> String {
    format!("{COMMON}\n{body}")
}

pub fn module(device: &wgpu::Device, label: &str, body: &str) -> wgpu::ShaderModule {
    device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: Some(label),
        source: wgpu::ShaderSource::Wgsl(with_common(body).into()),
    })
}
