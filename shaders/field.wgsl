// Heatmaps: the big output field and every node's thumbnail are instanced quads that sample a
// grid of raw values (a storage buffer written by the forward pass) and colour-map them.

@group(0) @binding(0) var<uniform> view: View;
@group(0) @binding(1) var<storage, read> values: array<f32>;
@group(0) @binding(2) var<storage, read> instances: array<HeatmapInstance>;

struct VsOut {
    @builtin(position) pos: vec4<f32>,
    @location(0) uv: vec2<f32>,
    @location(1) @interpolate(flat) instance: u32,
}

@vertex
fn vs_main(@builtin(vertex_index) v: u32, @builtin(instance_index) i: u32) -> VsOut {
    let inst = instances[i];
    let c = quad_corner(v);
    var out: VsOut;
    out.pos = to_clip(inst.rect.xy + c * inst.rect.zw, view.size);
    out.uv = c;
    out.instance = i;
    return out;
}

fn value_at(base: u32, w: u32, x: u32, y: u32) -> f32 {
    return values[base + y * w + x];
}

@fragment
fn fs_main(in: VsOut) -> @location(0) vec4<f32> {
    let inst = instances[in.instance];
    let w = inst.grid_w;
    let h = inst.grid_h;
    // Grid column 0 sits on the left edge of the domain and column w-1 on the right edge (the
    // original's heatmap), so the continuous grid coordinate is uv * (w - 1). Bilinear, so a
    // grid coarser than the quad still looks smooth.
    let g = clamp(in.uv, vec2<f32>(0.0), vec2<f32>(1.0)) * vec2<f32>(f32(max(w, 1u) - 1u), f32(max(h, 1u) - 1u));
    let g0 = vec2<u32>(floor(g));
    let g1 = min(g0 + vec2<u32>(1u), vec2<u32>(max(w, 1u) - 1u, max(h, 1u) - 1u));
    let f = g - floor(g);
    let base = inst.row * w * h;
    let top = mix(value_at(base, w, g0.x, g0.y), value_at(base, w, g1.x, g0.y), f.x);
    let bottom = mix(value_at(base, w, g0.x, g1.y), value_at(base, w, g1.x, g1.y), f.x);
    var v = mix(top, bottom, f.y);
    if ((inst.flags & HEAT_DISCRETIZE) != 0u) {
        v = select(-1.0, 1.0, v >= 0.0);
    }
    // The original paints its heatmaps at alpha 160/255 over the white page.
    var c = mix(vec3<f32>(1.0), colormap(v), 160.0 / 255.0);
    if ((inst.flags & HEAT_DIM) != 0u) {
        // A disabled feature: shown, but washed out towards the page.
        c = mix(c, vec3<f32>(1.0), 0.7);
    }
    return to_target(vec4<f32>(c, 1.0), view.srgb_target);
}
