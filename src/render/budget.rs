//! How much forward-pass work a frame may do, so that a wide network keeps the frame rate.
//!
//! Design note. The window measures what it can: the time between presented frames. While the
//! weights change every frame (training, dragging a weight), the field is recomputed each
//! frame at a grid of about [`FieldPacer::pixels`] pixels and upscaled by the heatmap shader.
//! The pacer shrinks that budget at once when frames run late (proportionally, so one slow
//! frame does not start a slow streak) and grows it back only after a run of frames on time,
//! so it settles just under the target instead of oscillating around it. When the weights stay
//! the same, the renderer refines to full resolution, the same budget of pixels per frame, so
//! hovering and dragging stay smooth even while a huge field is being built.

/// Grid sides never go below this (a coarse field still shows the boundary's shape).
pub const MIN_SIDE: u32 = 16;

#[derive(Clone, Debug, PartialEq)]
pub struct FieldPacer {
    /// The frame time to keep under, in milliseconds.
    pub target_ms: f64,
    pixels: f64,
    /// Frames in a row on time since the budget last changed.
    calm: u32,
}

/// Frames on time before the budget grows.
const CALM_FRAMES: u32 = 12;

impl FieldPacer {
    pub fn new(target_ms: f64, start_pixels: f64) -> Self {
        FieldPacer { target_ms, pixels: start_pixels.max(min_pixels()), calm: 0 }
    }

    /// Field pixels a frame may compute.
    pub fn pixels(&self) -> usize {
        self.pixels as usize
    }

    /// After a frame that recomputed the field (`computed`) took `frame_ms`; `full` is the
    /// full-resolution field's pixel count (no point growing past it).
    pub fn observe(&mut self, frame_ms: f64, computed: bool, full: usize) {
        if !computed || !frame_ms.is_finite() {
            return;
        }
        let max = (full as f64).max(min_pixels());
        if frame_ms > self.target_ms * 1.2 {
            self.pixels *= (self.target_ms / frame_ms).clamp(0.5, 0.9);
            self.calm = 0;
        } else if frame_ms <= self.target_ms * 1.1 {
            self.calm += 1;
            if self.calm >= CALM_FRAMES {
                self.pixels *= 1.25;
                self.calm = 0;
            }
        }
        self.pixels = self.pixels.clamp(min_pixels(), max);
    }
}

fn min_pixels() -> f64 {
    (MIN_SIDE * MIN_SIDE) as f64
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
    [64u32, 32, 16, 8].into_iter().find(|s| (s * s) as usize <= pixels).unwrap_or(8)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A frame costs a fixed part (drawing) plus a part proportional to the field's pixels.
    fn simulate(base_ms: f64, ms_per_kpixel: f64, full: usize, frames: usize) -> (FieldPacer, Vec<f64>) {
        let mut p = FieldPacer::new(16.7, 1e6);
        let mut times = Vec::new();
        for _ in 0..frames {
            let (w, h) = grid_within((1000, 1000), p.pixels());
            let ms = base_ms + ms_per_kpixel * (w * h) as f64 / 1000.0;
            times.push(ms);
            p.observe(ms, true, full);
        }
        (p, times)
    }

    #[test]
    fn settles_within_the_budget() {
        // 0.1 ms per thousand pixels: about 127k pixels fit in 16.7 ms beside 4 ms of drawing;
        // the pacer may probe up to 20% over before it cuts back.
        let (p, times) = simulate(4.0, 0.1, 1_000_000, 600);
        // (The budget may stand one growth step, 25%, above what fits: the step that probes.)
        assert!(p.pixels() as f64 <= 1.35 * 127_000.0 && p.pixels() > 60_000, "{}", p.pixels());
        let late: Vec<&f64> = times[100..].iter().filter(|t| **t > 16.7 * 1.2).collect();
        assert!(late.len() <= 500 / 12 + 1, "only the probing frames run late: {}", late.len());
        let mut sorted = times[100..].to_vec();
        sorted.sort_by(f64::total_cmp);
        let (median, p99) = (sorted[sorted.len() / 2], sorted[sorted.len() * 99 / 100]);
        assert!(p99 <= 2.0 * median, "p99 {p99} vs median {median}");
        assert!((16.7 * 0.6..=16.7 * 1.1).contains(&median), "the budget is used, not wasted: {median}");
    }

    #[test]
    fn a_cheap_field_goes_to_full_resolution_and_a_hopeless_one_to_the_minimum() {
        let (p, _) = simulate(2.0, 0.001, 1_000_000, 600);
        assert_eq!(p.pixels(), 1_000_000);
        // Drawing alone is over budget (a CPU rasterizer): the field shrinks to the minimum.
        let (p, _) = simulate(40.0, 0.1, 1_000_000, 200);
        assert_eq!(p.pixels(), (MIN_SIDE * MIN_SIDE) as usize);
    }

    #[test]
    fn frames_that_computed_nothing_do_not_count() {
        let mut p = FieldPacer::new(16.7, 50_000.0);
        for _ in 0..100 {
            p.observe(100.0, false, 1_000_000);
        }
        assert_eq!(p.pixels(), 50_000);
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
