// Data points as instanced discs over the field: filled with their label's colour, with a white
// ring for training points and a dark one for test points, as in the original.

@group(0) @binding(0) var<uniform> view: View;
@group(0) @binding(1) var<uniform> style: PointStyle;
@group(0) @binding(2) var<storage, read> points: array<PointInstance>;

struct VsOut {
    @builtin(position) pos: vec4<f32>,
    @location(0) offset: vec2<f32>,
    @location(1) @interpolate(flat) instance: u32,
}

@vertex
fn vs_main(@builtin(vertex_index) v: u32, @builtin(instance_index) i: u32) -> VsOut {
    let p = points[i];
    let d = style.domain;
    let centre = style.rect.xy + vec2<f32>((p.pos.x - d.x) / (d.y - d.x), (d.w - p.pos.y) / (d.w - d.z)) * style.rect.zw;
    let r = style.radius + 1.0;
    let c = quad_corner(v) * 2.0 - 1.0;
    var out: VsOut;
    out.pos = to_clip(centre + c * r, view.size);
    out.offset = c * r;
    out.instance = i;
    return out;
}

@fragment
fn fs_main(in: VsOut) -> @location(0) vec4<f32> {
    let p = points[in.instance];
    let dist = length(in.offset);
    // One pixel of antialiasing at the outer edge and at the ring's inner edge.
    let outer = clamp(style.radius + 0.5 - dist, 0.0, 1.0);
    if (outer <= 0.0) {
        discard;
    }
    let inner = clamp(style.radius - style.ring + 0.5 - dist, 0.0, 1.0);
    let ring = select(vec3<f32>(1.0), vec3<f32>(0.1), p.test == 1u);
    let c = mix(ring, colormap(p.label), inner);
    return to_target(vec4<f32>(c, outer), view.srgb_target);
}
