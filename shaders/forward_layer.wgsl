// The wide path: one layer as a tiled matrix multiply, C = act(W · A + b), where W is the
// layer's [m][k] weights, A the previous layer's [k][n] activations over a chunk of n pixels, C
// this layer's [m][n]. Node-major matrices make row r of C node r's values over the pixels, so
// for the thumbnail grid a row *is* that neuron's thumbnail (copied to `acts`).
//
// Each 16x16 workgroup computes a 64x64 tile of C, each invocation a 4x4 block held in
// registers, stepping through k in slabs of 16 staged in workgroup memory. Invocation (x, y)
// owns rows y + 16i and columns x + 16j, so neighbouring invocations touch neighbouring columns
// and global loads and stores coalesce.

const TILE: u32 = 64u;
const SLAB: u32 = 16u;

@group(0) @binding(0) var<uniform> g: GemmParams;
@group(0) @binding(1) var<storage, read> weights: array<f32>;
@group(0) @binding(2) var<storage, read> src: array<f32>;
@group(0) @binding(3) var<storage, read_write> dst: array<f32>;
@group(0) @binding(4) var<storage, read_write> acts: array<f32>;

var<workgroup> tile_w: array<f32, 1024>; // [TILE rows][SLAB]
var<workgroup> tile_a: array<f32, 1024>; // [SLAB][TILE columns]

@compute @workgroup_size(16, 16)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
    let row0 = wid.y * TILE;
    let col0 = wid.x * TILE;
    let t = lid.y * 16u + lid.x;
    var acc: array<f32, 16>;

    for (var k0 = 0u; k0 < g.k; k0 += SLAB) {
        for (var e = 0u; e < 4u; e++) {
            let idx = t + e * 256u;
            let r = row0 + idx / SLAB;
            let c = k0 + idx % SLAB;
            var w = 0.0;
            if (r < g.m && c < g.k) {
                w = weights[g.w_off + r * g.k + c];
            }
            tile_w[idx] = w;
            let kk = k0 + idx / TILE;
            let col = col0 + idx % TILE;
            var a = 0.0;
            if (kk < g.k && col < g.n) {
                a = src[g.a_off + kk * g.lda + col];
            }
            tile_a[idx] = a;
        }
        workgroupBarrier();
        for (var kk = 0u; kk < SLAB; kk++) {
            var av: array<f32, 4>;
            for (var j = 0u; j < 4u; j++) {
                av[j] = tile_a[kk * TILE + lid.x + 16u * j];
            }
            for (var i = 0u; i < 4u; i++) {
                let w = tile_w[(lid.y + 16u * i) * SLAB + kk];
                for (var j = 0u; j < 4u; j++) {
                    acc[i * 4u + j] += w * av[j];
                }
            }
        }
        workgroupBarrier();
    }

    for (var i = 0u; i < 4u; i++) {
        let r = row0 + lid.y + 16u * i;
        if (r >= g.m) {
            continue;
        }
        let bias = weights[g.b_off + r];
        for (var j = 0u; j < 4u; j++) {
            let c = col0 + lid.x + 16u * j;
            if (c < g.n) {
                let v = activate(g.activation, acc[i * 4u + j] + bias);
                dst[g.c_off + r * g.ldc + c] = v;
                if (g.store_acts != 0u) {
                    acts[g.acts_off + r * g.n + c] = v;
                }
            }
        }
    }
}
