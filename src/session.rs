//! One run of an experiment: its seeded data, its network, its random stream and its history.
//!
//! The draw order is the original's: seed the stream, generate the points, shuffle and split,
//! then draw the initial weights. The stream then lives on in the session (a reset draws new
//! weights from where it stands, as the original does).

use crate::data::{DataSplit, Point};
use crate::nn::{Init, Network, NnError, Samples, TrainPath, Trainer};
use crate::seedrandom::Arc4;
use crate::state::Experiment;

/// Train and test losses after an epoch (epoch 0: before training).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Losses {
    pub epoch: usize,
    pub train: f64,
    pub test: f64,
}

pub struct Session {
    pub experiment: Experiment,
    pub data: DataSplit,
    pub train: Samples,
    pub test: Samples,
    pub network: Network,
    pub rng: Arc4,
    pub epoch: usize,
    pub history: Vec<Losses>,
    trainer: Trainer,
}

/// Feature rows and labels for the network's inputs.
pub fn samples(points: &[Point], exp: &Experiment) -> Samples {
    let width = exp.features.len();
    let mut inputs = vec![0.0; points.len() * width];
    for (p, row) in points.iter().zip(inputs.chunks_exact_mut(width.max(1))) {
        exp.features.eval_into(p.x, p.y, row);
    }
    Samples { width, inputs, labels: points.iter().map(|p| p.label).collect() }
}

impl Session {
    pub fn new(experiment: Experiment, path: TrainPath) -> Result<Self, NnError> {
        let mut rng = Arc4::new(&experiment.seed);
        let data =
            DataSplit::generate(experiment.active_dataset(), experiment.noise, experiment.perc_train_data, &mut rng);
        let network = build_network(&experiment, &mut rng)?;
        let mut s = Session {
            train: samples(&data.train, &experiment),
            test: samples(&data.test, &experiment),
            experiment,
            data,
            network,
            rng,
            epoch: 0,
            history: Vec::new(),
            trainer: Trainer::new(path),
        };
        let l = s.losses();
        s.history.push(l);
        Ok(s)
    }

    /// The path the trainer runs for this network.
    pub fn path(&self) -> TrainPath {
        self.trainer.resolve(&self.network)
    }

    /// Current train and test losses.
    pub fn losses(&mut self) -> Losses {
        Losses {
            epoch: self.epoch,
            train: self.trainer.loss(&self.network, &self.train),
            test: self.trainer.loss(&self.network, &self.test),
        }
    }

    /// The current epoch's losses as last computed (without a new loss pass: that is a full
    /// forward pass over every point, long for a wide network).
    pub fn last_losses(&self) -> Losses {
        self.history.last().copied().unwrap_or(Losses { epoch: self.epoch, train: f64::NAN, test: f64::NAN })
    }

    /// One epoch over the training points, then the losses, as the original's `oneStep`.
    pub fn step(&mut self) -> Losses {
        let p = self.experiment.train_params();
        self.trainer.train_epoch(&mut self.network, &self.train, &p);
        self.epoch += 1;
        let l = self.losses();
        self.history.push(l);
        l
    }

    /// A hand edit of one weight. The losses are left as they were: a drag sends many edits,
    /// and a wide network's loss pass is long; call [`Session::refresh_losses`] once it settles.
    pub fn set_weight(&mut self, layer: usize, node: usize, input: usize, value: f64) -> Result<(), NnError> {
        if !value.is_finite() {
            return Err(NnError::Parts(format!("a weight must be a finite number, got {value}")));
        }
        self.network.set_weight(layer, node, input, value)
    }

    /// A hand edit of one bias (see [`Session::set_weight`]).
    pub fn set_bias(&mut self, layer: usize, node: usize, value: f64) -> Result<(), NnError> {
        if !value.is_finite() {
            return Err(NnError::Parts(format!("a bias must be a finite number, got {value}")));
        }
        self.network.set_bias(layer, node, value)
    }

    /// Recomputes the current epoch's losses after edits, replacing that epoch's entry.
    pub fn refresh_losses(&mut self) -> Losses {
        let l = self.losses();
        match self.history.last_mut() {
            Some(last) if last.epoch == self.epoch => *last = l,
            _ => self.history.push(l),
        }
        l
    }

    /// New initial weights drawn from the ongoing stream; data and settings stay.
    pub fn reset(&mut self) -> Result<(), NnError> {
        self.network = build_network(&self.experiment, &mut self.rng)?;
        self.epoch = 0;
        self.history.clear();
        let l = self.losses();
        self.history.push(l);
        Ok(())
    }
}

fn build_network(e: &Experiment, rng: &mut Arc4) -> Result<Network, NnError> {
    let init = if e.init_zero { Init::Zero } else { Init::Random };
    Network::new(e.features.len(), &e.network_shape, e.activation, e.output_activation(), init, rng)
}
