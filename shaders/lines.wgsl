// Connections of the network diagram, all layers in one instanced draw. Instance k is decoded
// into (layer, destination node, source node) from the per-layer link table, and its weight is
// read from the same buffer the forward pass uses, so the diagram needs no per-link CPU data:
// millions of links cost one draw call and no uploads beyond the weights themselves.
// Colour follows the weight's sign (the field's colour scale), width grows with |weight|.
// The bias marks (small squares by each node) live here too, for the same reason.

@group(0) @binding(0) var<uniform> view: View;
@group(0) @binding(1) var<uniform> style: LinkStyle;
@group(0) @binding(2) var<storage, read> weights: array<f32>;
@group(0) @binding(3) var<storage, read> link_layers: array<LinkLayer>;
@group(0) @binding(4) var<storage, read> columns: array<ColumnLayout>;
@group(0) @binding(5) var<storage, read> biases: array<BiasInstance>;

struct VsOut {
    @builtin(position) pos: vec4<f32>,
    @location(0) colour: vec4<f32>,
    @location(1) across: f32,
    @location(2) half_width: f32,
}

fn input_row(j: u32) -> u32 {
    return style.input_rows[j / 4u][j % 4u];
}

fn node_centre(col: u32, row: u32) -> vec2<f32> {
    let c = columns[col];
    return vec2<f32>(c.x + 0.5 * c.size, c.y0 + f32(row) * c.dy + 0.5 * c.size);
}

@vertex
fn vs_link(@builtin(vertex_index) v: u32, @builtin(instance_index) k: u32) -> VsOut {
    var l = 0u;
    for (var i = 1u; i < style.layer_count; i++) {
        if (link_layers[i].first <= k) {
            l = i;
        }
    }
    let layer = link_layers[l];
    let local = ((k - layer.first) * layer.stride) % (layer.inputs * layer.outputs);
    let dst = local / layer.inputs;
    let src = local % layer.inputs;
    let w = weights[layer.w_off + local];
    var src_row = src;
    if (layer.map_inputs == 1u) {
        src_row = input_row(src);
    }
    let sc = columns[layer.src_col];
    let dc = columns[layer.dst_col];
    let a = node_centre(layer.src_col, src_row) + vec2<f32>(0.5 * sc.size, 0.0);
    let b = node_centre(layer.dst_col, dst) - vec2<f32>(0.5 * dc.size, 0.0);
    // The original maps |w| in [0, 5] linearly to [1, 10] px; here to [min_width, max_width].
    let width = mix(style.min_width, style.max_width, clamp(abs(w) / 5.0, 0.0, 1.0));
    let half_width = 0.5 * width + 0.5;
    let dir = normalize(b - a + vec2<f32>(1e-6, 0.0));
    let normal = vec2<f32>(-dir.y, dir.x);
    let c = quad_corner(v);
    let side = c.y * 2.0 - 1.0;
    var out: VsOut;
    // Links of zero weight (dead under L1) fade rather than vanish.
    var alpha = style.alpha * select(1.0, 0.35, w == 0.0);
    var grow = 0.0;
    if (style.focus_col != NONE) {
        // A hovered node: its own links in full, the rest faded back.
        let touches = (layer.src_col == style.focus_col && src_row == style.focus_row)
            || (layer.dst_col == style.focus_col && dst == style.focus_row);
        alpha = select(alpha * 0.25, max(alpha, 0.9), touches);
    }
    if (k == style.focus_link) {
        alpha = 1.0;
        grow = 2.0;
    }
    let hw = half_width + 0.5 * grow;
    out.pos = to_clip(mix(a, b, c.x) + normal * side * hw, view.size);
    out.colour = vec4<f32>(colormap(w), alpha);
    out.across = side * hw;
    out.half_width = 0.5 * width + 0.5 * grow;
    return out;
}

@fragment
fn fs_link(in: VsOut) -> @location(0) vec4<f32> {
    // Antialiased edges: full coverage inside the line's width, a one-pixel falloff outside.
    let coverage = clamp(in.half_width + 0.5 - abs(in.across), 0.0, 1.0);
    return to_target(vec4<f32>(in.colour.rgb, in.colour.a * coverage), view.srgb_target);
}

@vertex
fn vs_bias(@builtin(vertex_index) v: u32, @builtin(instance_index) i: u32) -> VsOut {
    let b = biases[i];
    let c = quad_corner(v);
    var out: VsOut;
    out.pos = to_clip(b.rect.xy + c * b.rect.zw, view.size);
    out.colour = vec4<f32>(colormap(weights[b.index]), 1.0);
    out.across = 0.0;
    out.half_width = 1.0;
    return out;
}

@fragment
fn fs_bias(in: VsOut) -> @location(0) vec4<f32> {
    return to_target(in.colour, view.srgb_target);
}
