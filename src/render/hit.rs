//! What lies under a point of the network diagram: a node, a bias mark, or a link.
//!
//! Design note. A wide diagram has millions of links, so nothing here loops over them all.
//! Every link of a layer starts at the same x (the right edge of its source column) and ends at
//! the same x (the left edge of the destination column), so at a given x all links of the layer
//! are at the same parameter t along their length, and a link's y there is
//! `ya(src)·(1−t) + yb(dst)·t`. For each destination the best source follows from that equation
//! (hidden columns are evenly spaced), so a query costs O(destinations) rather than
//! O(links). Nodes and bias marks are found the same way, from the row spacing.

use super::layout::{Layout, Rect};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Hit {
    /// Node `row` of column `col`: column 0 holds the seven features (canonical order), then
    /// come the hidden layers, then the output node.
    Node { col: usize, row: usize },
    /// The bias mark of node `row` in column `col` (1 or more).
    Bias { col: usize, row: usize },
    /// The link into node `dst` of column `col` (1 or more) from the layer's input `src` (for
    /// column 1 an index among the enabled features, as the network's inputs).
    Link { col: usize, dst: usize, src: usize },
}

impl Hit {
    /// The network layer (0 = first hidden) a bias or link belongs to.
    pub fn layer(&self) -> Option<usize> {
        match *self {
            Hit::Node { .. } => None,
            Hit::Bias { col, .. } | Hit::Link { col, .. } => Some(col - 1),
        }
    }
}

fn grow(r: Rect, by: f32) -> Rect {
    Rect { x: r.x - by, y: r.y - by, w: r.w + 2.0 * by, h: r.h + 2.0 * by }
}

impl Layout {
    /// Rows of column `col` whose centre is nearest to `y` (one or two candidates).
    fn rows_near(&self, col: usize, y: f32, centre_offset: f32) -> impl Iterator<Item = usize> {
        let c = &self.columns[col];
        let n = self.counts[col];
        let f = if c.dy > 0.0 { (y - c.y0 - centre_offset) / c.dy } else { 0.0 };
        let r0 = f.floor().clamp(0.0, (n - 1) as f32) as usize;
        let r1 = (r0 + 1).min(n - 1);
        [r0, r1].into_iter()
    }

    /// The centre y of node `row` in column `col`.
    pub fn centre_y(&self, col: usize, row: usize) -> f32 {
        let c = &self.columns[col];
        c.y0 + row as f32 * c.dy + 0.5 * c.size
    }

    /// What is under the pixel `(x, y)`, within `tolerance` pixels. `input_rows[j]` is the
    /// feature row (in column 0) of the network's input `j`. Bias marks win over nodes, nodes
    /// over links.
    pub fn hit(&self, x: f32, y: f32, input_rows: &[usize], tolerance: f32) -> Option<Hit> {
        let cols = self.columns.len();
        // Bias marks and nodes.
        for col in 0..cols {
            let c = &self.columns[col];
            if col > 0 {
                let s = self.bias_mark(col, 0);
                if x >= s.x - tolerance && x <= s.right() + tolerance {
                    for row in self.rows_near(col, y, c.size - 0.5 * s.h) {
                        if grow(self.bias_mark(col, row), tolerance).contains(x, y) {
                            return Some(Hit::Bias { col, row });
                        }
                    }
                }
            }
            if x >= c.x - tolerance && x <= c.x + c.size + tolerance {
                // Nodes may overlap (a dense column): take the nearest centre.
                let best = self
                    .rows_near(col, y, 0.5 * c.size)
                    .filter(|&row| grow(self.node(col, row), tolerance).contains(x, y))
                    .min_by(|&a, &b| (self.centre_y(col, a) - y).abs().total_cmp(&(self.centre_y(col, b) - y).abs()));
                if let Some(row) = best {
                    return Some(Hit::Node { col, row });
                }
            }
        }
        // Links: find the gap x falls in, then the nearest link of that layer.
        for col in 1..cols {
            let (a, b) = (&self.columns[col - 1], &self.columns[col]);
            let (ax, bx) = (a.x + a.size, b.x);
            if !(x >= ax && x <= bx && bx > ax) {
                continue;
            }
            let t = (x - ax) / (bx - ax);
            let mut best: Option<(f32, usize, usize)> = None;
            let mut consider = |dst: usize, src: usize, src_row: usize| {
                let (ya, yb) = (self.centre_y(col - 1, src_row), self.centre_y(col, dst));
                let on_link = ya + (yb - ya) * t;
                let slope = (yb - ya) / (bx - ax);
                let dist = (on_link - y).abs() / (1.0 + slope * slope).sqrt();
                if best.is_none_or(|(d, _, _)| dist < d) {
                    best = Some((dist, dst, src));
                }
            };
            for dst in 0..self.counts[col] {
                let yb = self.centre_y(col, dst);
                if col == 1 {
                    for (src, &row) in input_rows.iter().enumerate() {
                        consider(dst, src, row);
                    }
                } else if t < 1.0 {
                    // Solve ya(src)·(1−t) + yb·t = y for src, then try its neighbours.
                    let ya = (y - yb * t) / (1.0 - t);
                    for src in self.rows_near(col - 1, ya, 0.5 * a.size) {
                        consider(dst, src, src);
                    }
                } else {
                    consider(dst, 0, 0);
                }
            }
            if let Some((d, dst, src)) = best
                && d <= tolerance
            {
                return Some(Hit::Link { col, dst, src });
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL_INPUTS: [usize; 7] = [0, 1, 2, 3, 4, 5, 6];

    /// The point `t` of the way along the link (col, dst, src).
    fn on_link(l: &Layout, input_rows: &[usize], col: usize, dst: usize, src: usize, t: f32) -> (f32, f32) {
        let (a, b) = (&l.columns[col - 1], &l.columns[col]);
        let src_row = if col == 1 { input_rows[src] } else { src };
        let (ax, bx) = (a.x + a.size, b.x);
        let (ya, yb) = (l.centre_y(col - 1, src_row), l.centre_y(col, dst));
        (ax + (bx - ax) * t, ya + (yb - ya) * t)
    }

    /// Brute force: the nearest link by perpendicular distance, over every link.
    fn nearest_link(l: &Layout, input_rows: &[usize], x: f32, y: f32) -> Option<(f32, Hit)> {
        let mut best: Option<(f32, Hit)> = None;
        for col in 1..l.columns.len() {
            let (a, b) = (&l.columns[col - 1], &l.columns[col]);
            let (ax, bx) = (a.x + a.size, b.x);
            if x < ax || x > bx {
                continue;
            }
            let inputs = if col == 1 { input_rows.len() } else { l.counts[col - 1] };
            for dst in 0..l.counts[col] {
                for src in 0..inputs {
                    let (x0, y0) = on_link(l, input_rows, col, dst, src, 0.0);
                    let (x1, y1) = on_link(l, input_rows, col, dst, src, 1.0);
                    let (dx, dy) = (x1 - x0, y1 - y0);
                    let d = ((x - x0) * dy - (y - y0) * dx).abs() / (dx * dx + dy * dy).sqrt();
                    if best.is_none_or(|(bd, _)| d < bd) {
                        best = Some((d, Hit::Link { col, dst, src }));
                    }
                }
            }
        }
        best
    }

    #[test]
    fn nodes_and_bias_marks_narrow() {
        let l = Layout::new(1280, 800, &[4, 2], 7);
        for col in 0..l.columns.len() {
            for row in 0..l.counts[col] {
                let n = l.node(col, row);
                let (cx, cy) = (n.x + n.w / 2.0, n.y + n.h / 2.0);
                assert_eq!(l.hit(cx, cy, &[0, 1], 2.0), Some(Hit::Node { col, row }), "node {col}/{row}");
                if col > 0 {
                    let b = l.bias_mark(col, row);
                    let hit = l.hit(b.x + b.w / 2.0, b.y + b.h / 2.0, &[0, 1], 2.0);
                    assert_eq!(hit, Some(Hit::Bias { col, row }), "bias {col}/{row}");
                }
            }
        }
        // Empty space: above the diagram, and right of the output node.
        assert_eq!(l.hit(l.network.x + 1.0, l.network.y + 1.0, &[0, 1], 2.0), None);
        let out = l.node(l.columns.len() - 1, 0);
        assert_eq!(l.hit(out.right() + 20.0, out.y, &[0, 1], 2.0), None);
    }

    /// Perpendicular distance from (x, y) to the link `hit`.
    fn link_distance(l: &Layout, input_rows: &[usize], hit: Hit, x: f32, y: f32) -> f32 {
        let Hit::Link { col, dst, src } = hit else { panic!("not a link: {hit:?}") };
        let (x0, y0) = on_link(l, input_rows, col, dst, src, 0.0);
        let (x1, y1) = on_link(l, input_rows, col, dst, src, 1.0);
        let (dx, dy) = (x1 - x0, y1 - y0);
        ((x - x0) * dy - (y - y0) * dx).abs() / (dx * dx + dy * dy).sqrt()
    }

    #[test]
    fn links_narrow_match_brute_force() {
        let inputs = [0, 1, 5];
        let l = Layout::new(1280, 800, &[4, 3, 2], 7);
        let (mut total, mut exact) = (0, 0);
        for col in 1..l.columns.len() {
            let n_in = if col == 1 { inputs.len() } else { l.counts[col - 1] };
            for dst in 0..l.counts[col] {
                for src in 0..n_in {
                    for t in [0.2, 0.5, 0.8] {
                        let (x, y) = on_link(&l, &inputs, col, dst, src, t);
                        let (want_d, _) = nearest_link(&l, &inputs, x, y).expect("a link");
                        let got = l.hit(x, y, &inputs, 1.5).expect("on a link");
                        // Where links cross, any of the crossing links is right.
                        assert!(link_distance(&l, &inputs, got, x, y) <= want_d + 1e-3, "{col}/{dst}/{src} at {t}");
                        total += 1;
                        exact += (got == Hit::Link { col, dst, src }) as usize;
                    }
                }
            }
        }
        assert!(exact * 10 >= total * 8, "mostly the very link: {exact} of {total}");
    }

    #[test]
    fn wide_layout_agrees_with_brute_force() {
        // 256-wide columns: sub-pixel spacing; the fast search must find the same nearest link
        // (or one just as near) as scanning all 65536 links of a layer.
        let l = Layout::new(1280, 800, &[256, 256], 7);
        let mut rng = crate::seedrandom::Arc4::new("hit");
        let mut checked = 0;
        for _ in 0..300 {
            let col = 2;
            let (a, b) = (&l.columns[col - 1], &l.columns[col]);
            let x = a.x + a.size + (b.x - a.x - a.size) * (0.05 + 0.9 * rng.next_f64() as f32);
            let y = l.network.y + l.network.h * rng.next_f64() as f32;
            let Some((want_d, _)) = nearest_link(&l, &ALL_INPUTS, x, y) else { continue };
            match l.hit(x, y, &ALL_INPUTS, 3.0) {
                Some(got @ Hit::Link { col, .. }) => {
                    assert_eq!(col, 2, "{got:?}");
                    let d = link_distance(&l, &ALL_INPUTS, got, x, y);
                    assert!(d <= want_d + 1e-3, "at ({x}, {y}): {got:?} is {d} away, the nearest {want_d}");
                    checked += 1;
                }
                other => assert!(want_d > 3.0, "at ({x}, {y}): {other:?}, but a link is {want_d} away"),
            }
        }
        assert!(checked > 200, "most points of a dense layer are on some link: {checked}");
        // Nodes in a 1024-wide column: every row is reachable at its centre.
        let l = Layout::new(1280, 800, &[1024], 7);
        for row in [0, 1, 511, 1022, 1023] {
            let n = l.node(1, row);
            assert_eq!(l.hit(n.x + n.w / 2.0, l.centre_y(1, row), &ALL_INPUTS, 0.0), Some(Hit::Node { col: 1, row }));
        }
    }
}
