//! Activation functions with the original's semantics, NaN included.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Activation {
    Relu,
    Tanh,
    Sigmoid,
    Linear,
}

impl Activation {
    pub const ALL: [Activation; 4] = [Activation::Relu, Activation::Tanh, Activation::Sigmoid, Activation::Linear];

    #[inline]
    pub fn apply(self, x: f64) -> f64 {
        match self {
            // JavaScript's Math.max(0, x): NaN stays NaN (f64::max would turn it into 0).
            Activation::Relu => {
                if x > 0.0 || x.is_nan() {
                    x
                } else {
                    0.0
                }
            }
            Activation::Tanh => x.tanh(),
            Activation::Sigmoid => sigmoid(x),
            Activation::Linear => x,
        }
    }

    /// The derivative at total input `x`, recomputing the output as the original does.
    #[inline]
    pub fn der(self, x: f64) -> f64 {
        match self {
            // `x <= 0` is false for NaN, so NaN gives 1, as in the original.
            Activation::Relu => {
                if x <= 0.0 {
                    0.0
                } else {
                    1.0
                }
            }
            Activation::Tanh => {
                let t = x.tanh();
                1.0 - t * t
            }
            Activation::Sigmoid => {
                let s = sigmoid(x);
                s * (1.0 - s)
            }
            Activation::Linear => 1.0,
        }
    }

    /// The derivative at total input `x` whose output `y = self.apply(x)` is already known.
    /// The original recomputes tanh/sigmoid here; `apply` is a pure function of `x`, so reusing
    /// `y` gives the very same bits at half the transcendental calls.
    #[inline]
    pub fn der_at(self, x: f64, y: f64) -> f64 {
        match self {
            Activation::Relu => {
                if x <= 0.0 {
                    0.0
                } else {
                    1.0
                }
            }
            Activation::Tanh => 1.0 - y * y,
            Activation::Sigmoid => y * (1.0 - y),
            Activation::Linear => 1.0,
        }
    }

    /// The name the original uses in links.
    pub fn key(self) -> &'static str {
        match self {
            Activation::Relu => "relu",
            Activation::Tanh => "tanh",
            Activation::Sigmoid => "sigmoid",
            Activation::Linear => "linear",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.key() == key)
    }
}

#[inline]
fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// L1 or L2 weight penalty; "none" is `Option::None` wherever a regularization is held.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Regularization {
    L1,
    L2,
}

impl Regularization {
    /// The derivative of the penalty at weight `w`. L1's sign is 0 at 0 and for NaN.
    #[inline]
    pub fn der(self, w: f64) -> f64 {
        match self {
            Regularization::L1 => {
                if w < 0.0 {
                    -1.0
                } else if w > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Regularization::L2 => w,
        }
    }

    /// The penalty itself (never part of the reported loss, as in the original).
    pub fn penalty(self, w: f64) -> f64 {
        match self {
            Regularization::L1 => w.abs(),
            Regularization::L2 => 0.5 * w * w,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Regularization::L1 => "L1",
            Regularization::L2 => "L2",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_behaviour_matches_javascript() {
        assert!(Activation::Relu.apply(f64::NAN).is_nan());
        assert_eq!(Activation::Relu.der(f64::NAN), 1.0);
        assert_eq!(Activation::Relu.apply(-3.0), 0.0);
        assert_eq!(Activation::Relu.der(0.0), 0.0);
        assert_eq!(Regularization::L1.der(f64::NAN), 0.0);
        assert_eq!(Regularization::L1.der(0.0), 0.0);
        assert_eq!(Activation::Tanh.apply(30.0), 1.0);
        assert_eq!(Activation::Tanh.apply(-800.0), -1.0);
        assert_eq!(Activation::Sigmoid.apply(-800.0), 0.0);
        for a in Activation::ALL {
            for x in [-30.0, -2.5, -1e-9, 0.0, 0.7, 19.0, f64::NAN, f64::INFINITY] {
                let (d1, d2) = (a.der(x), a.der_at(x, a.apply(x)));
                assert!(d1.to_bits() == d2.to_bits() || (d1.is_nan() && d2.is_nan()), "{a:?} at {x}");
            }
        }
    }
}
