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
    // acc[i].j: row y + 16i, column x + 16j. Named vectors, not an indexed array, so no
    // compiler (lavapipe's included) spills the accumulators to memory.
    var acc0 = vec4<f32>(0.0);
    var acc1 = vec4<f32>(0.0);
    var acc2 = vec4<f32>(0.0);
    var acc3 = vec4<f32>(0.0);

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
            let ab = kk * TILE + lid.x;
            let av = vec4<f32>(tile_a[ab], tile_a[ab + 16u], tile_a[ab + 32u], tile_a[ab + 48u]);
            let wb = lid.y * SLAB + kk;
            acc0 += tile_w[wb] * av;
            acc1 += tile_w[wb + 16u * SLAB] * av;
            acc2 += tile_w[wb + 32u * SLAB] * av;
            acc3 += tile_w[wb + 48u * SLAB] * av;
        }
        workgroupBarrier();
    }

    store_row(row0 + lid.y, col0 + lid.x, acc0);
    store_row(row0 + lid.y + 16u, col0 + lid.x, acc1);
    store_row(row0 + lid.y + 32u, col0 + lid.x, acc2);
    store_row(row0 + lid.y + 48u, col0 + lid.x, acc3);
}

// Bias, activation and the (bounds-checked) stores of one invocation's four values of row r.
fn store_row(r: u32, c0: u32, acc: vec4<f32>) {
    if (r >= g.m) {
        return;
    }
    let bias = weights[g.b_off + r];
    for (var j = 0u; j < 4u; j++) {
        let c = c0 + 16u * j;
        if (c < g.n) {
            let v = activate(g.activation, acc[j] + bias);
            dst[g.c_off + r * g.ldc + c] = v;
            if (g.acts_ld != 0u) {
                acts[g.acts_off + r * g.acts_ld + c] = v;
            }
        }
    }
}
