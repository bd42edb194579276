//! Where everything goes in a picture of a given size: the network diagram on the left (a
//! column of features, one per hidden layer, the output node), the output field on the right.
//! Pure arithmetic, shared by the offscreen renderer and (later) the window, and testable alone.

use crate::gpu::types::ColumnLayout;

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Rect {
    pub fn to_array(self) -> [f32; 4] {
        [self.x, self.y, self.w, self.h]
    }

    pub fn right(&self) -> f32 {
        self.x + self.w
    }

    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }

    /// This rectangle cut to `[0, w] x [0, h]` (at least one pixel wide and high).
    pub fn clamped(self, w: f32, h: f32) -> Rect {
        let x = self.x.clamp(0.0, (w - 1.0).max(0.0));
        let y = self.y.clamp(0.0, (h - 1.0).max(0.0));
        Rect { x, y, w: self.w.min(w - x).max(1.0), h: self.h.min(h - y).max(1.0) }
    }

    pub fn contains(&self, x: f32, y: f32) -> bool {
        x >= self.x && x < self.right() && y >= self.y && y < self.bottom()
    }
}

/// The diagram's pan and zoom; the default shows the whole network fitted to its area.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DiagramView {
    /// Scale about the diagram area's top-left corner.
    pub zoom: f32,
    /// Offset after scaling, in pixels.
    pub pan: [f32; 2],
}

impl Default for DiagramView {
    fn default() -> Self {
        DiagramView { zoom: 1.0, pan: [0.0, 0.0] }
    }
}

impl DiagramView {
    pub fn is_fitted(&self) -> bool {
        *self == DiagramView::default()
    }

    /// Zoomed by `factor` (within 1/4..64) about the pixel `(x, y)`, which stays in place;
    /// `origin` is the diagram area's top-left corner.
    pub fn zoomed_at(self, factor: f32, (x, y): (f32, f32), origin: (f32, f32)) -> DiagramView {
        let zoom = (self.zoom * factor).clamp(0.25, 64.0);
        // The unzoomed diagram point under (x, y) must map to (x, y) again.
        let ux = (x - origin.0 - self.pan[0]) / self.zoom;
        let uy = (y - origin.1 - self.pan[1]) / self.zoom;
        DiagramView { zoom, pan: [x - origin.0 - ux * zoom, y - origin.1 - uy * zoom] }
    }
}

/// Thumbnail side the original uses (its node boxes are 30 px; a little larger reads better).
const MAX_NODE: f32 = 48.0;

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub width: u32,
    pub height: u32,
    /// The output heatmap, a square (integer pixels, so the field is computed 1:1).
    pub field: Rect,
    /// The area of the network diagram.
    pub network: Rect,
    /// Column 0: the seven features; then each hidden layer; last: the output node.
    pub columns: Vec<ColumnLayout>,
    pub counts: Vec<usize>,
}

impl Layout {
    /// The whole target.
    pub fn new(width: u32, height: u32, hidden: &[usize], feature_rows: usize) -> Self {
        let area = Rect { x: 0.0, y: 0.0, w: width as f32, h: height as f32 };
        Self::within(area, width, height, hidden, feature_rows)
    }

    /// Only `area` of a `width` x `height` target (the part the window's panels leave free).
    pub fn within(area: Rect, width: u32, height: u32, hidden: &[usize], feature_rows: usize) -> Self {
        let (w, h) = (area.w.max(1.0), area.h.max(1.0));
        let margin = (0.03 * w.min(h)).round().max(4.0);
        let side = (h - 2.0 * margin).min(0.42 * w).max(1.0).floor();
        let field =
            Rect { x: (area.x + w - margin - side).floor(), y: (area.y + (h - side) / 2.0).floor(), w: side, h: side };
        let network = Rect {
            x: area.x + margin,
            y: area.y + margin,
            w: (field.x - area.x - 2.0 * margin).max(1.0),
            h: (h - 2.0 * margin).max(1.0),
        };

        let counts: Vec<usize> =
            std::iter::once(feature_rows).chain(hidden.iter().copied()).chain(std::iter::once(1)).collect();
        let pitch = network.w / counts.len() as f32;
        let base = (pitch * 0.45).min(MAX_NODE * (h / 800.0).max(1.0));
        let columns = counts
            .iter()
            .enumerate()
            .map(|(c, &n)| {
                let n = n.max(1) as f32;
                // Shrink nodes until the column fits; the pitch leaves a quarter of a node free.
                // Past one node per pixel they go sub-pixel: the column stays whole, and the
                // wide-layer view (level of detail) is a later step.
                let size = base.min(network.h / (n * 1.25));
                let dy = if n > 1.0 { (size * 1.25).min(network.h / n).max(size) } else { 0.0 };
                let total = (n - 1.0) * dy + size;
                ColumnLayout {
                    x: network.x + c as f32 * pitch + (pitch - size) / 2.0,
                    y0: network.y + (network.h - total) / 2.0,
                    dy,
                    size,
                }
            })
            .collect();
        Layout { width, height, field, network, columns, counts }
    }

    /// The diagram seen through `view` (the field stays where it is). Nodes and links that
    /// leave the diagram's area are clipped by the renderer and ignored by hit testing.
    pub fn viewed(mut self, view: DiagramView) -> Layout {
        if view.is_fitted() {
            return self;
        }
        let (ox, oy) = (self.network.x, self.network.y);
        for c in &mut self.columns {
            c.x = ox + (c.x - ox) * view.zoom + view.pan[0];
            c.y0 = oy + (c.y0 - oy) * view.zoom + view.pan[1];
            c.dy *= view.zoom;
            c.size *= view.zoom;
        }
        self
    }

    /// The square of node `row` in column `col`.
    pub fn node(&self, col: usize, row: usize) -> Rect {
        let c = &self.columns[col];
        Rect { x: c.x, y: c.y0 + row as f32 * c.dy, w: c.size, h: c.size }
    }

    /// The bias mark beside node `row` of column `col` (hidden and output columns).
    pub fn bias_mark(&self, col: usize, row: usize) -> Rect {
        let n = self.node(col, row);
        let s = (n.w * 0.22).max(1.0);
        Rect { x: n.x - s - (n.w * 0.06).max(0.5), y: n.bottom() - s, w: s, h: s }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zooming_keeps_the_point_under_the_pointer() {
        let base = Layout::new(1280, 800, &[8, 8], 7);
        let origin = (base.network.x, base.network.y);
        let n = base.node(1, 5);
        let p = (n.x + n.w / 2.0, n.y + n.h / 2.0);
        let v = DiagramView::default().zoomed_at(3.0, p, origin);
        let z = base.clone().viewed(v);
        let m = z.node(1, 5);
        assert!((m.x + m.w / 2.0 - p.0).abs() < 1e-3 && (m.y + m.h / 2.0 - p.1).abs() < 1e-3, "{m:?} vs {p:?}");
        assert!((m.w - 3.0 * n.w).abs() < 1e-3);
        // Zooming back out about the same point is the fitted view again.
        let back = v.zoomed_at(1.0 / 3.0, p, origin);
        assert!((back.zoom - 1.0).abs() < 1e-6 && back.pan[0].abs() < 1e-3 && back.pan[1].abs() < 1e-3, "{back:?}");
        assert_eq!(base.clone().viewed(DiagramView::default()), base);
        assert_eq!(z.field, base.field, "the field does not move");
    }

    #[test]
    fn columns_fit_and_do_not_overlap_the_field() {
        for (w, h, shape) in
            [(1280, 800, vec![4, 2]), (3840, 2160, vec![8; 6]), (640, 400, vec![1024, 1024, 1024]), (300, 200, vec![])]
        {
            let l = Layout::new(w, h, &shape, 7);
            assert_eq!(l.columns.len(), shape.len() + 2);
            assert!(l.field.x >= l.network.right(), "{w}x{h}");
            assert!(l.field.right() <= w as f32 && l.field.bottom() <= h as f32);
            for (c, &n) in l.counts.iter().enumerate() {
                let first = l.node(c, 0);
                let last = l.node(c, n - 1);
                assert!(
                    first.y >= l.network.y - 0.01 && last.bottom() <= l.network.bottom() + 0.01,
                    "{w}x{h} column {c}"
                );
                assert!(first.right() <= l.field.x, "{w}x{h} column {c}");
                if n > 1 {
                    assert!(l.node(c, 1).y >= first.bottom() - 0.01, "nodes overlap in column {c}");
                }
            }
        }
    }
}
