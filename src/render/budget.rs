//! How much forward-pass work a frame may do, so that a wide network keeps the frame rate.
//!
//! Design note. The window measures what it can: the time between presented frames. While the
//! weights change every frame (training, dragging a weight), the field is recomputed each
//! frame at a grid of about [`FieldPacer::pixels`] pixels and upscaled by the heatmap shader.
//! The pacer's budget is in FLOPs, not pixels, so that it stays right when the network changes
//! shape: a budget that suits [4, 2] gives a 1024-wide network proportionally fewer pixels.
//!
//! When drawing alone takes longer than the target (a CPU rasterizer, a 4K window on a weak
//! GPU), starving the field would not bring the frame rate back; the pacer then aims at the
//! frame time drawing takes plus 30%. It learns that floor as the intercept of a least-squares
//! line through the recent (FLOPs, frame time) pairs, which its own probing keeps varied.
//! The pacer shrinks that budget at once when frames run late (proportionally, so one slow
//! frame does not start a slow streak) and grows it back only after a run of frames on time,
//! so it settles just under the target instead of oscillating around it. When the weights stay
//! the same, the renderer refines to full resolution, the same budget of pixels per frame, so
//! hovering and dragging stay smooth even while a huge field is being built.
//!
//! A network so wide that even the smallest grid does not fit a frame (16 x 1024 costs 32
//! MFLOP a pixel) gets a budget below it, down to one pixel: the renderer then streams, building
//! the smallest field and thumbnails over as many frames as they take while the last complete
//! ones stay on screen (`frame::Stream`). The frame rate holds; the heatmaps lag.

/// Grid sides never go below this (a coarse field still shows the boundary's shape).
pub const MIN_SIDE: u32 = 16;
/// The smallest thumbnail grid side.
pub const MIN_THUMB: u32 = 8;

#[derive(Clone, Debug, PartialEq)]
pub struct FieldPacer {
    /// The frame time to keep under, in milliseconds.
    pub target_ms: f64,
    /// Forward-pass FLOPs a frame may spend.
    flops: f64,
    /// Frames in a row on time since the budget last changed, and their milliseconds.
    calm: u32,
    calm_ms: f64,
    /// Recent (FLOPs computed, frame ms) pairs, for the floor's estimate.
    recent: std::collections::VecDeque<(f64, f64)>,
}

/// Frames the floor is estimated from.
const RECENT: usize = 64;

/// Frames on time before the budget grows.
const CALM_FRAMES: u32 = 12;
/// Or milliseconds of frames on time, whichever comes first.
const CALM_MS: f64 = 1000.0;

impl FieldPacer {
    /// A pacer starting from `start_flops` per frame (a guess; the first frames correct it).
    pub fn new(target_ms: f64, start_flops: f64) -> Self {
        FieldPacer { target_ms, flops: start_flops.max(1.0), calm: 0, calm_ms: 0.0, recent: Default::default() }
    }

    /// What a frame takes without any forward pass, in milliseconds: the intercept of the
    /// least-squares line through the recent frames (their mean when their FLOPs did not vary).
    pub fn floor_ms(&self) -> f64 {
        let n = self.recent.len() as f64;
        if n < 8.0 {
            return 0.0;
        }
        let (mf, mt) = self.recent.iter().fold((0.0, 0.0), |(a, b), (f, t)| (a + f / n, b + t / n));
        let (cov, var) =
            self.recent.iter().fold((0.0, 0.0), |(c, v), (f, t)| (c + (f - mf) * (t - mt), v + (f - mf) * (f - mf)));
        let slope = if var > 1e-9 * mf * mf * n { (cov / var).max(0.0) } else { 0.0 };
        (mt - slope * mf).clamp(0.0, mt)
    }

    /// The frame time aimed at: the target, or the floor plus 30% where drawing alone misses it.
    pub fn aim_ms(&self) -> f64 {
        self.target_ms.max(1.3 * self.floor_ms())
    }

    /// Field pixels a frame may compute for a network of `flops_per_pixel`: at least one.
    /// Below the smallest grid the renderer builds the field over several frames (a stream).
    pub fn pixels(&self, flops_per_pixel: f64) -> usize {
        ((self.flops / flops_per_pixel.max(1.0)) as usize).max(1)
    }

    /// After a frame that recomputed the field (`computed`) took `frame_ms`; `full` is the
    /// full-resolution field's pixel count (no point growing past it).
    pub fn observe(&mut self, frame_ms: f64, computed: bool, full: usize, flops_per_pixel: f64) {
        if !computed || !frame_ms.is_finite() {
            return;
        }
        let fpp = flops_per_pixel.max(1.0);
        if self.recent.len() == RECENT {
            self.recent.pop_front();
        }
        self.recent.push_back((self.flops, frame_ms));
        let aim = self.aim_ms();
        if frame_ms > aim * 1.2 {
            self.flops *= (aim / frame_ms).clamp(0.5, 0.9);
            (self.calm, self.calm_ms) = (0, 0.0);
        } else if frame_ms <= aim * 1.1 {
            self.calm += 1;
            self.calm_ms += frame_ms;
            // A run of frames, or a second of them when frames are slow (a CPU rasterizer at
            // 4K): twelve frames of a second each would take minutes to find the budget.
            if self.calm >= CALM_FRAMES || self.calm_ms >= CALM_MS {
                self.flops *= 1.25;
                (self.calm, self.calm_ms) = (0, 0.0);
            }
        }
        // Below one pixel or above the full field, a budget buys nothing.
        self.flops = self.flops.clamp(fpp, (full as f64).max(1.0) * fpp);
    }
}

/// The grid for a `full` field within `pixels`: the same aspect, each side at least
/// [`MIN_SIDE`] (or the full side, if smaller), never more than full.
pub fn grid_within((w, h): (u32, u32), pixels: usize) -> (u32, u32) {
    let full = w as f64 * h as f64;
    if full <= pixels as f64 {
        return (w, h);
    }
    let s = (pixels as f64 / full).sqrt();
    let side = |n: u32| ((n as f64 * s).floor() as u32).clamp(MIN_SIDE.min(n), n);
    (side(w), side(h))
}

/// The thumbnail grid side for a budget of `pixels` (each thumbnail pixel costs what a field
/// pixel does): the largest of 64, 32, 16, 8 whose square fits, else 8.
pub fn thumb_side(pixels: usize) -> u32 {
    [64u32, 32, 16, MIN_THUMB].into_iter().find(|s| (s * s) as usize <= pixels).unwrap_or(MIN_THUMB)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A frame costs a fixed part (drawing) plus a part proportional to the field's pixels.
    /// (A network of 1000 FLOPs a pixel: the pacer's FLOPs are pixels times 1000.)
    fn simulate(base_ms: f64, ms_per_kpixel: f64, full: usize, frames: usize) -> (FieldPacer, Vec<f64>) {
        let mut p = FieldPacer::new(16.7, 1e9);
        let mut times = Vec::new();
        // Below the smallest grid the renderer streams: a frame computes just its budget.
        let stream_below = crate::render::frame::stream_below((1000, 1000));
        for _ in 0..frames {
            let px = p.pixels(1000.0);
            let computed = if px < stream_below {
                px
            } else {
                let (w, h) = grid_within((1000, 1000), px);
                (w * h) as usize
            };
            let ms = base_ms + ms_per_kpixel * computed as f64 / 1000.0;
            times.push(ms);
            p.observe(ms, true, full, 1000.0);
        }
        (p, times)
    }

    #[test]
    fn settles_within_the_budget() {
        // 0.1 ms per thousand pixels: about 127k pixels fit in 16.7 ms beside 4 ms of drawing;
        // the pacer may probe up to 20% over before it cuts back.
        let (p, times) = simulate(4.0, 0.1, 1_000_000, 600);
        // (The budget may stand one growth step, 25%, above what fits: the step that probes.)
        let px = p.pixels(1000.0);
        assert!(px as f64 <= 1.35 * 127_000.0 && px > 60_000, "{px}");
        let late: Vec<&f64> = times[100..].iter().filter(|t| **t > 16.7 * 1.2).collect();
        assert!(late.len() <= 500 / 12 + 1, "only the probing frames run late: {}", late.len());
        let mut sorted = times[100..].to_vec();
        sorted.sort_by(f64::total_cmp);
        let (median, p99) = (sorted[sorted.len() / 2], sorted[sorted.len() * 99 / 100]);
        assert!(p99 <= 2.0 * median, "p99 {p99} vs median {median}");
        assert!((16.7 * 0.6..=16.7 * 1.1).contains(&median), "the budget is used, not wasted: {median}");
    }

    #[test]
    fn a_cheap_field_goes_to_full_resolution_and_a_hopeless_one_streams() {
        let (p, _) = simulate(2.0, 0.001, 1_000_000, 600);
        assert_eq!(p.pixels(1000.0), 1_000_000);
        // A field that costs more than a frame even at the smallest grid (0.1 ms a pixel, so
        // ~127 pixels fit): the renderer streams it, and the frames keep their time.
        let (p, times) = simulate(4.0, 100.0, 1_000_000, 400);
        let px = p.pixels(1000.0);
        assert!(px < crate::render::frame::stream_below((1000, 1000)) && px > 60, "{px}");
        let mut sorted = times[200..].to_vec();
        sorted.sort_by(f64::total_cmp);
        let (median, p99) = (sorted[sorted.len() / 2], sorted[sorted.len() * 99 / 100]);
        assert!(p99 <= 2.0 * median && median <= 16.7 * 1.2, "median {median}, p99 {p99}");
    }

    #[test]
    fn where_drawing_alone_is_too_slow_the_field_still_gets_its_share() {
        // 40 ms of drawing (a CPU rasterizer): the pacer aims at ~52 ms, not at 16.7 ms it
        // cannot reach, so the field keeps ~120k pixels instead of the minimum.
        let (p, times) = simulate(40.0, 0.1, 1_000_000, 800);
        assert!((p.floor_ms() - 40.0).abs() < 4.0, "floor {}", p.floor_ms());
        let px = p.pixels(1000.0);
        assert!(px > 60_000 && px < 250_000, "{px}");
        let mut sorted = times[200..].to_vec();
        sorted.sort_by(f64::total_cmp);
        let (median, p99) = (sorted[sorted.len() / 2], sorted[sorted.len() * 99 / 100]);
        assert!(p99 <= 2.0 * median, "p99 {p99} vs median {median}");
        assert!(median <= 1.3 * 40.0 * 1.2, "drawing plus at most ~30%: {median}");
    }

    #[test]
    fn slow_frames_find_their_budget_in_seconds_not_minutes() {
        // 1.4 s of drawing (lavapipe at 4K) and a network of 1 GFLOP/s-seconds per 30 pixels:
        // from one pixel a frame the budget grows each second-long frame while there is room.
        let mut p = FieldPacer::new(16.7, 1000.0);
        let mut frames = 0;
        for _ in 0..60 {
            let px = p.pixels(1000.0) as f64;
            p.observe(1400.0 + px * 10.0, true, 1_000_000, 1000.0);
            frames += 1;
            if p.pixels(1000.0) >= 20 {
                break;
            }
        }
        assert!(frames <= 30, "took {frames} frames to reach 20 pixels");
    }

    #[test]
    fn frames_that_computed_nothing_do_not_count() {
        let mut p = FieldPacer::new(16.7, 5e7);
        for _ in 0..100 {
            p.observe(100.0, false, 1_000_000, 1000.0);
        }
        assert_eq!(p.pixels(1000.0), 50_000);
    }

    #[test]
    fn the_budget_follows_the_network_s_cost() {
        let p = FieldPacer::new(16.7, 1e9);
        // The same FLOPs: a thousand times wider network, a thousand times fewer pixels.
        assert_eq!(p.pixels(1e3), 1_000_000);
        assert_eq!(p.pixels(1e6), 1_000);
        assert_eq!(p.pixels(1e12), 1, "never below a pixel");
    }

    #[test]
    fn grids_keep_the_aspect_and_the_limits() {
        assert_eq!(grid_within((800, 400), 1_000_000), (800, 400));
        let (w, h) = grid_within((800, 400), 80_000);
        assert!((w * h) as usize <= 80_000 && w == 2 * h, "{w}x{h}");
        assert_eq!(grid_within((800, 400), 10), (MIN_SIDE, MIN_SIDE));
        assert_eq!(grid_within((10, 400), 100), (10, 63), "a side below the minimum stays whole");
        assert_eq!(thumb_side(1_000_000), 64);
        assert_eq!(thumb_side(300), 16);
        assert_eq!(thumb_side(10), 8);
    }
}
