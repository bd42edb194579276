// The wide path's first step: the enabled input features of a chunk of pixels as a
// [inputs][pixels] matrix, the layout the per-layer matrix multiply reads.

@group(0) @binding(0) var<uniform> params: ForwardParams;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<storage, read_write> acts: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let local = gid.x + gid.y * groups.x * 64u;
    if (local >= params.pixel_count) {
        return;
    }
    let p = params.pixel_offset + local;
    let xy = pixel_coord(p, params.grid_w, params.grid_h, params.domain);
    var n = 0u;
    for (var f = 0u; f < 7u; f++) {
        let v = feature(f, xy.x, xy.y);
        if (params.store_acts != 0u) {
            acts[f * params.acts_stride + p] = v;
        }
        if (((params.feature_mask >> f) & 1u) != 0u) {
            dst[n * params.pixel_count + local] = v;
            n++;
        }
    }
}
