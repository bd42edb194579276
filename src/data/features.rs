//! The seven input features, in the original's fixed order. The network has one input node per
//! enabled feature, in this order (not the order the link serialises them in).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Feature {
    X,
    Y,
    XSquared,
    YSquared,
    XTimesY,
    SinX,
    SinY,
}

impl Feature {
    pub const ALL: [Feature; 7] =
        [Feature::X, Feature::Y, Feature::XSquared, Feature::YSquared, Feature::XTimesY, Feature::SinX, Feature::SinY];

    /// The key the original uses in links.
    pub fn key(self) -> &'static str {
        match self {
            Feature::X => "x",
            Feature::Y => "y",
            Feature::XSquared => "xSquared",
            Feature::YSquared => "ySquared",
            Feature::XTimesY => "xTimesY",
            Feature::SinX => "sinX",
            Feature::SinY => "sinY",
        }
    }

    /// The label the original shows next to the feature.
    pub fn label(self) -> &'static str {
        match self {
            Feature::X => "X1",
            Feature::Y => "X2",
            Feature::XSquared => "X1²",
            Feature::YSquared => "X2²",
            Feature::XTimesY => "X1X2",
            Feature::SinX => "sin(X1)",
            Feature::SinY => "sin(X2)",
        }
    }

    pub fn eval(self, x: f64, y: f64) -> f64 {
        match self {
            Feature::X => x,
            Feature::Y => y,
            Feature::XSquared => x * x,
            Feature::YSquared => y * y,
            Feature::XTimesY => x * y,
            Feature::SinX => x.sin(),
            Feature::SinY => y.sin(),
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of enabled features. Iteration is always in the canonical order.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FeatureSet(u8);

impl FeatureSet {
    pub const EMPTY: FeatureSet = FeatureSet(0);

    pub fn all() -> Self {
        Feature::ALL.into_iter().collect()
    }

    pub fn contains(self, f: Feature) -> bool {
        self.0 & f.bit() != 0
    }

    pub fn set(&mut self, f: Feature, on: bool) {
        if on {
            self.0 |= f.bit();
        } else {
            self.0 &= !f.bit();
        }
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Feature> {
        Feature::ALL.into_iter().filter(move |f| self.contains(*f))
    }

    /// The canonical index (0..7) of each enabled feature, in input order: where network input
    /// `j` sits in the diagram's column of all seven features.
    pub fn rows(self) -> impl Iterator<Item = usize> {
        Feature::ALL.into_iter().enumerate().filter(move |(_, f)| self.contains(*f)).map(|(i, _)| i)
    }

    /// Writes the enabled features of point (x, y) into `out` (length `self.len()`).
    pub fn eval_into(self, x: f64, y: f64, out: &mut [f64]) {
        for (slot, f) in out.iter_mut().zip(self.iter()) {
            *slot = f.eval(x, y);
        }
    }

    pub fn eval(self, x: f64, y: f64) -> Vec<f64> {
        self.iter().map(|f| f.eval(x, y)).collect()
    }
}

impl Default for FeatureSet {
    /// X1 and X2, as the original starts.
    fn default() -> Self {
        [Feature::X, Feature::Y].into_iter().collect()
    }
}

impl FromIterator<Feature> for FeatureSet {
    fn from_iter<I: IntoIterator<Item = Feature>>(iter: I) -> Self {
        let mut s = FeatureSet::EMPTY;
        for f in iter {
            s.set(f, true);
        }
        s
    }
}

impl std::fmt::Debug for FeatureSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.iter().map(Feature::key)).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_order_regardless_of_insertion() {
        let s: FeatureSet = [Feature::SinY, Feature::X, Feature::XTimesY].into_iter().collect();
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![Feature::X, Feature::XTimesY, Feature::SinY]);
        assert_eq!(s.eval(2.0, 3.0), vec![2.0, 6.0, 3.0f64.sin()]);
        assert_eq!(FeatureSet::all().len(), 7);
    }
}
