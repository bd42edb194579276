//! The experiment: every user-visible setting of the original, with its defaults, and its
//! playground link (see [`link`]).

mod link;

pub use link::{Imported, LinkError, PLAYGROUND_URL};

use crate::data::{Dataset, Feature, FeatureSet};
use crate::nn::{Activation, Regularization, TrainParams};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Problem {
    Classification,
    Regression,
}

impl Problem {
    pub fn key(self) -> &'static str {
        match self {
            Problem::Classification => "classification",
            Problem::Regression => "regression",
        }
    }
}

/// Everything a playground link can say, plus what we keep to write it back faithfully.
#[derive(Clone, Debug, PartialEq)]
pub struct Experiment {
    pub activation: Activation,
    pub regularization: Option<Regularization>,
    pub batch_size: usize,
    /// The classification dataset; kept even while the problem is regression, as the original.
    pub dataset: Dataset,
    /// The regression dataset; kept even while the problem is classification.
    pub reg_dataset: Dataset,
    pub learning_rate: f64,
    pub regularization_rate: f64,
    /// As in the link, 0..50 on the original's slider; generators use `noise / 100`.
    pub noise: f64,
    pub network_shape: Vec<usize>,
    /// Exactly as written in the link (still percent-encoded), since that raw text seeds the
    /// stream in the browser.
    pub seed: String,
    pub show_test_data: bool,
    pub discretize: bool,
    pub perc_train_data: f64,
    pub features: FeatureSet,
    /// The original's unused cos features: no input, but kept in links.
    pub cos_x: bool,
    pub cos_y: bool,
    pub collect_stats: bool,
    pub tutorial: Option<String>,
    pub problem: Problem,
    pub init_zero: bool,
    pub hide_text: bool,
    /// `<control>_hide` flags in link order (the original's classroom mode).
    pub hidden_controls: Vec<(String, bool)>,
    /// Keys we do not know, raw, in link order: written back after the known ones.
    pub unknown: Vec<(String, Option<String>)>,
}

impl Experiment {
    /// The original's defaults with the given seed.
    pub fn with_seed(seed: impl Into<String>) -> Self {
        Experiment {
            activation: Activation::Tanh,
            regularization: None,
            batch_size: 10,
            dataset: Dataset::Circle,
            reg_dataset: Dataset::RegPlane,
            learning_rate: 0.03,
            regularization_rate: 0.0,
            noise: 0.0,
            network_shape: vec![4, 2],
            seed: seed.into(),
            show_test_data: false,
            discretize: false,
            perc_train_data: 50.0,
            features: FeatureSet::default(),
            cos_x: false,
            cos_y: false,
            collect_stats: false,
            tutorial: None,
            problem: Problem::Classification,
            init_zero: false,
            hide_text: false,
            hidden_controls: Vec::new(),
            unknown: Vec::new(),
        }
    }

    /// The dataset the current problem trains on.
    pub fn active_dataset(&self) -> Dataset {
        match self.problem {
            Problem::Classification => self.dataset,
            Problem::Regression => self.reg_dataset,
        }
    }

    pub fn output_activation(&self) -> Activation {
        match self.problem {
            Problem::Classification => Activation::Tanh,
            Problem::Regression => Activation::Linear,
        }
    }

    pub fn train_params(&self) -> TrainParams {
        TrainParams {
            learning_rate: self.learning_rate,
            regularization: self.regularization,
            regularization_rate: self.regularization_rate,
            batch_size: self.batch_size,
        }
    }

    pub fn feature(&self, f: Feature) -> bool {
        self.features.contains(f)
    }

    /// Whether the link hides the control with the original's id `control` (`noise_hide=true`:
    /// the original's classroom mode).
    pub fn hides(&self, control: &str) -> bool {
        self.hidden_controls.iter().any(|(k, on)| *on && k.strip_suffix("_hide").is_some_and(|c| c == control))
    }
}

impl Default for Experiment {
    /// The defaults with a fresh seed, as the original starts without a link.
    fn default() -> Self {
        Experiment::with_seed(crate::seedrandom::fresh_seed())
    }
}
