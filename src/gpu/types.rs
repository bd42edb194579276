//! The only home of Rust mirrors of WGSL structs (`shaders/common.wgsl`). Keep each in sync with
//! its WGSL twin: the compile-time asserts pin the sizes here, and `tests::mirror_sizes_match_wgsl`
//! checks them against naga's layout of the WGSL.

use bytemuck::{Pod, Zeroable};

/// Keep in sync with `ForwardParams` in shaders/common.wgsl.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct ForwardParams {
    /// x_min, x_max, y_min, y_max.
    pub domain: [f32; 4],
    pub grid_w: u32,
    pub grid_h: u32,
    pub pixel_offset: u32,
    pub pixel_count: u32,
    pub feature_mask: u32,
    pub layer_count: u32,
    pub store_acts: u32,
    pub acts_stride: u32,
    /// [`NONE`]: the field is the network's output; else the `acts` row (a feature or a node)
    /// the field shows instead (a hovered node).
    pub probe_row: u32,
    pub _pad: [u32; 3],
}
const _: () = assert!(std::mem::size_of::<ForwardParams>() == 64);

/// "No such thing" in u32 fields (`NONE` in common.wgsl).
pub const NONE: u32 = u32::MAX;

/// Keep in sync with `LayerDesc` in shaders/common.wgsl.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Pod, Zeroable)]
pub struct LayerDesc {
    pub inputs: u32,
    pub outputs: u32,
    pub w_off: u32,
    pub b_off: u32,
    pub activation: u32,
    pub acts_row: u32,
    pub _pad0: u32,
    pub _pad1: u32,
}
const _: () = assert!(std::mem::size_of::<LayerDesc>() == 32);

/// Keep in sync with `GemmParams` in shaders/common.wgsl.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Pod, Zeroable)]
pub struct GemmParams {
    pub m: u32,
    pub k: u32,
    pub n: u32,
    pub activation: u32,
    pub w_off: u32,
    pub b_off: u32,
    pub a_off: u32,
    pub lda: u32,
    pub c_off: u32,
    pub ldc: u32,
    pub acts_off: u32,
    /// With `acts_ld` > 0 (thumbnails), also `acts[acts_off + row * acts_ld + col]`: `acts_ld`
    /// is the grid's pixel count, so a chunk of pixels lands in its place in every row.
    pub acts_ld: u32,
}
const _: () = assert!(std::mem::size_of::<GemmParams>() == 48);

/// Keep in sync with `HeatmapInstance` in shaders/common.wgsl.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct HeatmapInstance {
    /// x, y, width, height in target pixels.
    pub rect: [f32; 4],
    pub row: u32,
    pub grid_w: u32,
    pub grid_h: u32,
    pub flags: u32,
}
const _: () = assert!(std::mem::size_of::<HeatmapInstance>() == 32);

impl HeatmapInstance {
    /// A disabled feature, drawn washed out.
    pub const DIM: u32 = 1;
    /// Sign only.
    pub const DISCRETIZE: u32 = 2;
}

/// Keep in sync with `View` in shaders/common.wgsl.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct View {
    pub size: [f32; 2],
    pub srgb_target: u32,
    pub _pad: u32,
}
const _: () = assert!(std::mem::size_of::<View>() == 16);

/// Keep in sync with `PointInstance` in shaders/common.wgsl.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct PointInstance {
    pub pos: [f32; 2],
    pub label: f32,
    pub test: u32,
}
const _: () = assert!(std::mem::size_of::<PointInstance>() == 16);

/// Keep in sync with `PointStyle` in shaders/common.wgsl.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct PointStyle {
    pub rect: [f32; 4],
    pub domain: [f32; 4],
    pub radius: f32,
    pub ring: f32,
    pub _pad: [f32; 2],
}
const _: () = assert!(std::mem::size_of::<PointStyle>() == 48);

/// Keep in sync with `ColumnLayout` in shaders/common.wgsl.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct ColumnLayout {
    pub x: f32,
    pub y0: f32,
    pub dy: f32,
    pub size: f32,
}
const _: () = assert!(std::mem::size_of::<ColumnLayout>() == 16);

/// Keep in sync with `LinkLayer` in shaders/common.wgsl.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Pod, Zeroable)]
pub struct LinkLayer {
    pub first: u32,
    pub inputs: u32,
    pub outputs: u32,
    pub w_off: u32,
    pub src_col: u32,
    pub dst_col: u32,
    pub map_inputs: u32,
    /// Level of detail: a layer with more links than can be seen draws every `stride`-th
    /// ((i * stride) mod links; stride coprime with `inputs`, so every source still shows).
    pub stride: u32,
}
const _: () = assert!(std::mem::size_of::<LinkLayer>() == 32);

/// Keep in sync with `LinkStyle` in shaders/common.wgsl.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct LinkStyle {
    pub layer_count: u32,
    pub max_width: f32,
    pub min_width: f32,
    pub alpha: f32,
    /// Row of each network input in the features column (8 slots; 7 used).
    pub input_rows: [u32; 8],
    /// A hovered node (column, row; [`NONE`]: none): its links stand out, the others fade.
    pub focus_col: u32,
    pub focus_row: u32,
    /// A hovered link's instance index ([`NONE`]: none).
    pub focus_link: u32,
    pub _pad: u32,
}
const _: () = assert!(std::mem::size_of::<LinkStyle>() == 64);

/// Keep in sync with `BiasInstance` in shaders/common.wgsl.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct BiasInstance {
    pub rect: [f32; 4],
    pub index: u32,
    pub _pad: [u32; 3],
}
const _: () = assert!(std::mem::size_of::<BiasInstance>() == 32);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gpu::shaders;

    /// naga's layout of each WGSL struct must equal the mirror's size.
    #[test]
    fn mirror_sizes_match_wgsl() {
        let module = naga::front::wgsl::parse_str(shaders::COMMON).expect("common.wgsl parses");
        let mut layouter = naga::proc::Layouter::default();
        layouter.update(module.to_ctx()).expect("layout");
        let expect = [
            ("ForwardParams", std::mem::size_of::<ForwardParams>()),
            ("LayerDesc", std::mem::size_of::<LayerDesc>()),
            ("GemmParams", std::mem::size_of::<GemmParams>()),
            ("HeatmapInstance", std::mem::size_of::<HeatmapInstance>()),
            ("View", std::mem::size_of::<View>()),
            ("PointInstance", std::mem::size_of::<PointInstance>()),
            ("PointStyle", std::mem::size_of::<PointStyle>()),
            ("ColumnLayout", std::mem::size_of::<ColumnLayout>()),
            ("LinkLayer", std::mem::size_of::<LinkLayer>()),
            ("LinkStyle", std::mem::size_of::<LinkStyle>()),
            ("BiasInstance", std::mem::size_of::<BiasInstance>()),
        ];
        let mut structs = 0;
        for (handle, ty) in module.types.iter() {
            let Some(name) = ty.name.as_deref() else { continue };
            if !matches!(ty.inner, naga::TypeInner::Struct { .. }) {
                continue;
            }
            structs += 1;
            let want = expect
                .iter()
                .find(|(n, _)| *n == name)
                .unwrap_or_else(|| panic!("WGSL struct {name} has no Rust mirror"));
            assert_eq!(layouter[handle].size as usize, want.1, "{name}: WGSL size vs Rust mirror");
        }
        assert_eq!(structs, expect.len(), "every mirror has a WGSL struct");
    }

    /// Every shader file parses and validates (with common.wgsl in front, as loaded).
    #[test]
    fn every_wgsl_file_validates() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("shaders");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .expect("shaders/")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".wgsl"))
            .collect();
        on_disk.sort();
        let mut known: Vec<String> =
            std::iter::once("common.wgsl".to_string()).chain(shaders::ALL.iter().map(|(n, _)| n.to_string())).collect();
        known.sort();
        assert_eq!(on_disk, known, "shaders on disk vs shaders the program loads");
        for (name, body) in std::iter::once(("common.wgsl", "")).chain(shaders::ALL.iter().copied()) {
            let source = shaders::with_common(body);
            let module = naga::front::wgsl::parse_str(&source)
                .unwrap_or_else(|e| panic!("{name}: {}", e.emit_to_string(&source)));
            naga::valid::Validator::new(naga::valid::ValidationFlags::all(), naga::valid::Capabilities::empty())
                .validate(&module)
                .unwrap_or_else(|e| panic!("{name}: {}", e.emit_to_string(&source)));
        }
    }
}
