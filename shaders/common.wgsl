// Shared by every shader: the loader puts this file in front of each other file (WGSL has no
// include). Struct layouts here are mirrored in src/gpu/types.rs; keep the two in sync (a test
// compares their sizes).

// Keep in sync with src/gpu/types.rs::ForwardParams.
struct ForwardParams {
    domain: vec4<f32>,     // x_min, x_max, y_min, y_max
    grid_w: u32,
    grid_h: u32,
    pixel_offset: u32,     // first pixel of this chunk, row-major over the grid
    pixel_count: u32,      // pixels in this chunk
    feature_mask: u32,     // bit f: canonical feature f is a network input
    layer_count: u32,
    store_acts: u32,       // 1: also write every feature's and node's value (thumbnails)
    acts_stride: u32,      // elements per row of `acts` (the pixels of the whole grid)
    probe_row: u32,        // NONE: the field is the output; else the `acts` row it shows
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

// Keep in sync with src/gpu/types.rs::LayerDesc.
struct LayerDesc {
    inputs: u32,
    outputs: u32,
    w_off: u32,            // weights: [outputs][inputs] row-major from here
    b_off: u32,            // biases: [outputs] from here
    activation: u32,       // ACT_*
    acts_row: u32,         // row of this layer's first node in `acts`
    _pad0: u32,
    _pad1: u32,
}

// Keep in sync with src/gpu/types.rs::GemmParams.
struct GemmParams {
    m: u32,                // output rows (nodes)
    k: u32,                // inputs
    n: u32,                // columns (pixels in the chunk)
    activation: u32,
    w_off: u32,
    b_off: u32,
    a_off: u32,            // input matrix [k][n] at src[a_off + row * lda + col]
    lda: u32,
    c_off: u32,            // output matrix [m][n] at dst[c_off + row * ldc + col]
    ldc: u32,
    acts_off: u32,         // with acts_ld > 0: also acts[acts_off + row * acts_ld + col]
    acts_ld: u32,          // thumbnails: the row stride of acts (the grid's pixels); 0: no store
}

// Keep in sync with src/gpu/types.rs::HeatmapInstance.
struct HeatmapInstance {
    rect: vec4<f32>,       // x, y, width, height in target pixels
    row: u32,              // first value: values[row * grid_w * grid_h]
    grid_w: u32,
    grid_h: u32,
    flags: u32,            // HEAT_DIM | HEAT_DISCRETIZE
}

// Keep in sync with src/gpu/types.rs::View.
struct View {
    size: vec2<f32>,       // target size in pixels
    srgb_target: u32,      // 1: the target encodes sRGB itself, so write linear values
    _pad: u32,
}

// Keep in sync with src/gpu/types.rs::PointInstance.
struct PointInstance {
    pos: vec2<f32>,        // data coordinates
    label: f32,
    test: u32,             // 1: a test point (drawn with a dark ring)
}

// Keep in sync with src/gpu/types.rs::PointStyle.
struct PointStyle {
    rect: vec4<f32>,       // the field's rectangle in target pixels
    domain: vec4<f32>,     // x_min, x_max, y_min, y_max shown by that rectangle
    radius: f32,           // in pixels
    ring: f32,             // ring width in pixels
    _pad0: f32,
    _pad1: f32,
}

// Keep in sync with src/gpu/types.rs::ColumnLayout.
struct ColumnLayout {
    x: f32,                // left edge of the column's thumbnails
    y0: f32,               // top of the first node
    dy: f32,               // node pitch
    size: f32,             // thumbnail side
}

// Keep in sync with src/gpu/types.rs::LinkLayer.
struct LinkLayer {
    first: u32,            // first instance index of this layer's links
    inputs: u32,
    outputs: u32,
    w_off: u32,
    src_col: u32,
    dst_col: u32,
    map_inputs: u32,       // 1: source j sits at row input_rows[j] of its column (features)
    stride: u32,           // level of detail: instance i draws link (i * stride) mod links
}

// Keep in sync with src/gpu/types.rs::LinkStyle.
struct LinkStyle {
    layer_count: u32,
    max_width: f32,        // pixels at |w| >= 5 (the original's 1..10 px scale, scaled)
    min_width: f32,
    alpha: f32,
    input_rows: array<vec4<u32>, 2>, // 8 slots, packed for uniform layout rules
    focus_col: u32,        // a hovered node (NONE: none): its links stand out, others fade
    focus_row: u32,
    focus_link: u32,       // a hovered link's instance index (NONE: none)
    _pad0: u32,
}

// Keep in sync with src/gpu/types.rs::BiasInstance.
struct BiasInstance {
    rect: vec4<f32>,
    index: u32,            // the bias's index in the weights buffer
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

// "No such thing" in u32 fields.
const NONE: u32 = 0xffffffffu;

const ACT_RELU: u32 = 0u;
const ACT_TANH: u32 = 1u;
const ACT_SIGMOID: u32 = 2u;
const ACT_LINEAR: u32 = 3u;

const HEAT_DIM: u32 = 1u;
const HEAT_DISCRETIZE: u32 = 2u;

const PI: f32 = 3.14159265358979;

// tanh that stays exact for large |x|: a builtin computed as (e^2x - 1) / (e^2x + 1) overflows
// to NaN past |x| ~ 44. A series below 0.25 keeps small values relatively accurate.
fn tanh_stable(x: f32) -> f32 {
    let ax = abs(x);
    if (ax < 0.25) {
        let x2 = x * x;
        return x * (1.0 + x2 * (-1.0 / 3.0 + x2 * (2.0 / 15.0 + x2 * (-17.0 / 315.0 + x2 * (62.0 / 2835.0)))));
    }
    let e = exp(-2.0 * ax);
    return sign(x) * (1.0 - e) / (1.0 + e);
}

fn sigmoid(x: f32) -> f32 {
    return 1.0 / (1.0 + exp(-x));
}

fn activate(kind: u32, x: f32) -> f32 {
    switch kind {
        case 0u: { return max(x, 0.0); }
        case 1u: { return tanh_stable(x); }
        case 2u: { return sigmoid(x); }
        default: { return x; }
    }
}

// sin with our own range reduction: Vulkan only promises 2^-11 absolute for the builtin.
fn sin_accurate(x: f32) -> f32 {
    // Cody-Waite reduction by 2*pi in two parts, then a Taylor polynomial on [-pi/2, pi/2].
    let k = round(x * 0.15915494309189535);
    var r = (x - k * 6.28125) - k * 0.0019353071795864769;
    if (r > 0.5 * PI) {
        r = PI - r;
    } else if (r < -0.5 * PI) {
        r = -PI - r;
    }
    let r2 = r * r;
    return r * (1.0 + r2 * (-1.0 / 6.0 + r2 * (1.0 / 120.0 + r2 * (-1.0 / 5040.0 + r2 * (1.0 / 362880.0
        + r2 * (-1.0 / 39916800.0 + r2 * (1.0 / 6227020800.0)))))));
}

// Canonical feature order: x, y, x^2, y^2, xy, sin x, sin y.
fn feature(f: u32, x: f32, y: f32) -> f32 {
    switch f {
        case 0u: { return x; }
        case 1u: { return y; }
        case 2u: { return x * x; }
        case 3u: { return y * y; }
        case 4u: { return x * y; }
        case 5u: { return sin_accurate(x); }
        default: { return sin_accurate(y); }
    }
}

// The data coordinates of grid pixel p, as the original's heatmap: column 0 is x_min and the
// last column x_max; row 0 is the top (y_max). Mirrored by render::field::pixel_coord.
fn pixel_coord(p: u32, grid_w: u32, grid_h: u32, domain: vec4<f32>) -> vec2<f32> {
    let px = p % grid_w;
    let py = p / grid_w;
    var fx = 0.5;
    if (grid_w > 1u) {
        fx = f32(px) / f32(grid_w - 1u);
    }
    var fy = 0.5;
    if (grid_h > 1u) {
        fy = f32(py) / f32(grid_h - 1u);
    }
    return vec2<f32>(domain.x + fx * (domain.y - domain.x), domain.w - fy * (domain.w - domain.z));
}

// The original's colour scale (d3, linear in sRGB): -1 orange, 0 light grey, +1 blue, clamped.
fn colormap(v: f32) -> vec3<f32> {
    let neg = vec3<f32>(245.0, 147.0, 34.0) / 255.0;
    let mid = vec3<f32>(232.0, 234.0, 235.0) / 255.0;
    let pos = vec3<f32>(8.0, 119.0, 189.0) / 255.0;
    let t = clamp(v, -1.0, 1.0);
    if (t < 0.0) {
        return mix(mid, neg, -t);
    }
    return mix(mid, pos, t);
}

fn srgb_to_linear(c: vec3<f32>) -> vec3<f32> {
    let lo = c / 12.92;
    let hi = pow((c + 0.055) / 1.055, vec3<f32>(2.4));
    return select(hi, lo, c <= vec3<f32>(0.04045));
}

// Colours are authored in sRGB; an sRGB target wants linear values and encodes them itself.
fn to_target(c: vec4<f32>, srgb_target: u32) -> vec4<f32> {
    if (srgb_target == 1u) {
        return vec4<f32>(srgb_to_linear(c.rgb), c.a);
    }
    return c;
}

// Corner `v` (0..5) of a two-triangle quad, in 0..1.
fn quad_corner(v: u32) -> vec2<f32> {
    var corners = array<vec2<f32>, 6>(
        vec2<f32>(0.0, 0.0), vec2<f32>(1.0, 0.0), vec2<f32>(0.0, 1.0),
        vec2<f32>(0.0, 1.0), vec2<f32>(1.0, 0.0), vec2<f32>(1.0, 1.0),
    );
    return corners[v];
}

// Target pixels (origin top-left) to clip space.
fn to_clip(p: vec2<f32>, size: vec2<f32>) -> vec4<f32> {
    return vec4<f32>(p.x / size.x * 2.0 - 1.0, 1.0 - p.y / size.y * 2.0, 0.0, 1.0);
}
