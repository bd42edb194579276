// The narrow path: one invocation per pixel runs the whole network in registers. Every layer
// must be at most MAX_FUSED wide (render::field picks this path only then).

const MAX_FUSED: u32 = 32u;

@group(0) @binding(0) var<uniform> params: ForwardParams;
@group(0) @binding(1) var<storage, read> layers: array<LayerDesc>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;
@group(0) @binding(3) var<storage, read_write> field: array<f32>;
@group(0) @binding(4) var<storage, read_write> acts: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    // Dispatches wider than the 65535-group limit fold into y.
    let local = gid.x + gid.y * groups.x * 64u;
    if (local >= params.pixel_count) {
        return;
    }
    let p = params.pixel_offset + local;
    let xy = pixel_coord(p, params.grid_w, params.grid_h, params.domain);
    let store = params.store_acts != 0u;

    var a: array<f32, MAX_FUSED>;
    var b: array<f32, MAX_FUSED>;
    var n = 0u;
    for (var f = 0u; f < 7u; f++) {
        let v = feature(f, xy.x, xy.y);
        if (store) {
            acts[f * params.acts_stride + p] = v;
        }
        if (f == params.probe_row) {
            // A hovered feature: its own values, no network needed.
            field[p] = v;
            return;
        }
        if (((params.feature_mask >> f) & 1u) != 0u) {
            a[n] = v;
            n++;
        }
    }
    for (var l = 0u; l < params.layer_count; l++) {
        let d = layers[l];
        for (var i = 0u; i < d.outputs; i++) {
            var t = 0.0;
            let row = d.w_off + i * d.inputs;
            for (var j = 0u; j < d.inputs; j++) {
                t += weights[row + j] * a[j];
            }
            let v = activate(d.activation, t + weights[d.b_off + i]);
            b[i] = v;
            if (store) {
                acts[(d.acts_row + i) * params.acts_stride + p] = v;
            }
            if (d.acts_row + i == params.probe_row) {
                // A hovered node: its values are the field; later layers are not needed.
                field[p] = v;
                return;
            }
        }
        for (var i = 0u; i < d.outputs; i++) {
            a[i] = b[i];
        }
    }
    field[p] = a[0];
}
