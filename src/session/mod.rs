//! One run of an experiment: its seeded data, its network, its random stream and its history.
//!
//! The draw order is the original's: seed the stream, generate the points, shuffle and split,
//! then draw the initial weights. The stream then lives on in the session (a reset draws new
//! weights from where it stands, as the original does).
//!
//! Your own points (a CSV file, or points painted by hand) take the generator's place: they are
//! shuffled with the seed's stream and split by the train ratio, then the weights are drawn, so
//! the same file and link give the same run. [`file`] saves and restores a whole session.

pub mod file;

use crate::data::{DataSplit, Point, csv::CsvData, shuffle, split_index};
use crate::nn::{Init, Network, NnError, Samples, TrainPath, Trainer};
use crate::seedrandom::Arc4;
use crate::state::Experiment;
use std::sync::Arc;

/// Where a session's points came from: what a link cannot carry.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DataOrigin {
    /// Imported from a file; `None`: generated from the seed.
    pub imported: Option<ImportInfo>,
    /// Points were painted or erased by hand.
    pub painted: bool,
}

impl DataOrigin {
    /// The points are the generator's own: the link reproduces them.
    pub fn is_generated(&self) -> bool {
        self.imported.is_none() && !self.painted
    }

    /// One line for the data panel, e.g. "points.csv: 1000 points, scaled by 0.05 to fit".
    pub fn describe(&self) -> Option<String> {
        let painted = if self.painted { ", edited by hand" } else { "" };
        match &self.imported {
            Some(i) if i.scale != 1.0 => Some(format!(
                "{}: {} points, scaled by {} to fit [-6, 6]{painted}",
                i.name,
                i.rows,
                if i.scale >= 0.01 { format!("{:.3}", i.scale) } else { format!("{:.2e}", i.scale) }
            )),
            Some(i) => Some(format!("{}: {} points{painted}", i.name, i.rows)),
            None if self.painted => Some("Painted points".into()),
            None => None,
        }
    }
}

/// What a session holds that its link does not reproduce (for `link` and the window's "Copy
/// link").
pub fn link_leaves_out(hand_edited: bool, epoch: usize, origin: &DataOrigin) -> Vec<&'static str> {
    let mut notes = Vec::new();
    if origin.imported.is_some() {
        notes.push("Imported points: the link gives the generated dataset.");
    } else if origin.painted {
        notes.push("Painted points: the link gives the generated dataset.");
    }
    if hand_edited {
        notes.push("Edited weights: the link gives the initial ones.");
    }
    if epoch > 0 {
        notes.push("The link starts again from epoch 0.");
    }
    notes
}

/// An imported file, as the data panel names it.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportInfo {
    /// The file's name (without its folder).
    pub name: String,
    pub rows: usize,
    /// The factor the coordinates were scaled by to fit the square (1: unchanged).
    pub scale: f64,
}

/// How far a painted point reaches: erasing takes points within this distance.
pub const ERASE_RADIUS: f64 = 0.35;

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
    /// Your own points in their own order (imported, painted), reshuffled when the seed or the
    /// train ratio changes; `None` while the generator's points are in use.
    pub custom: Option<Arc<Vec<Point>>>,
    pub origin: DataOrigin,
    /// Weights or biases were edited by hand since the network was built.
    pub hand_edited: bool,
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
        Self::build(experiment, data, rng, None, DataOrigin::default(), path)
    }

    /// A session on your own points: shuffled with the seed's stream, split by the train ratio,
    /// then the weights drawn (the generator's draws are skipped, nothing else changes).
    pub fn with_points(
        experiment: Experiment,
        points: Arc<Vec<Point>>,
        origin: DataOrigin,
        path: TrainPath,
    ) -> Result<Self, NnError> {
        let mut rng = Arc4::new(&experiment.seed);
        let data = split_points(&points, experiment.perc_train_data, &mut rng);
        Self::build(experiment, data, rng, Some(points), origin, path)
    }

    /// A session on the points of a CSV file named `name`.
    pub fn with_csv(experiment: Experiment, csv: CsvData, name: &str, path: TrainPath) -> Result<Self, NnError> {
        let origin = DataOrigin {
            imported: Some(ImportInfo { name: name.to_string(), rows: csv.points.len(), scale: csv.scale }),
            painted: false,
        };
        Self::with_points(experiment, Arc::new(csv.points), origin, path)
    }

    fn build(
        experiment: Experiment,
        data: DataSplit,
        mut rng: Arc4,
        custom: Option<Arc<Vec<Point>>>,
        origin: DataOrigin,
        path: TrainPath,
    ) -> Result<Self, NnError> {
        let network = build_network(&experiment, &mut rng)?;
        let mut s = Session { custom, origin, ..Session::assemble(experiment, data, network, rng, path) };
        s.start_history();
        Ok(s)
    }

    /// A session at epoch 0 of `network` on `data`, the generator's points, no history yet
    /// (the callers set what differs, then [`Session::start_history`]).
    fn assemble(experiment: Experiment, data: DataSplit, network: Network, rng: Arc4, path: TrainPath) -> Session {
        Session {
            train: samples(&data.train, &experiment),
            test: samples(&data.test, &experiment),
            experiment,
            data,
            network,
            rng,
            epoch: 0,
            history: Vec::new(),
            custom: None,
            origin: DataOrigin::default(),
            hand_edited: false,
            trainer: Trainer::new(path),
        }
    }

    /// The chart's first point, when there is none: the current losses.
    fn start_history(&mut self) {
        if self.history.is_empty() {
            let l = self.losses();
            self.history.push(l);
        }
    }

    /// The same points, split again for a new seed or train ratio (the experiment's): your own
    /// points are reshuffled with the new seed, the generator's are generated from it.
    pub fn regenerate(&self, experiment: Experiment) -> Result<Session, NnError> {
        let path = self.trainer.path;
        match &self.custom {
            Some(points) => Session::with_points(experiment, points.clone(), self.origin.clone(), path),
            None => Session::new(experiment, path),
        }
    }

    /// Chooses the training implementation (a loaded session starts on `Auto`).
    pub fn set_path(&mut self, path: TrainPath) {
        self.trainer = Trainer::new(path);
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
        self.network.set_weight(layer, node, input, value)?;
        self.hand_edited = true;
        Ok(())
    }

    /// A hand edit of one bias (see [`Session::set_weight`]).
    pub fn set_bias(&mut self, layer: usize, node: usize, value: f64) -> Result<(), NnError> {
        if !value.is_finite() {
            return Err(NnError::Parts(format!("a bias must be a finite number, got {value}")));
        }
        self.network.set_bias(layer, node, value)?;
        self.hand_edited = true;
        Ok(())
    }

    /// Adds a point painted by hand. It trains (the test set stays as it was: a painted point
    /// should be seen and learnt at once, and test points are hidden by default). The losses
    /// are left for [`Session::refresh_losses`], as for weight edits.
    pub fn paint(&mut self, x: f64, y: f64, label: f64) -> Result<(), NnError> {
        if !(x.is_finite() && y.is_finite() && label.is_finite()) {
            return Err(NnError::Parts(format!("a point needs finite numbers, got ({x}, {y}) {label}")));
        }
        let p = Point { x, y, label };
        self.own_points().push(p);
        self.data.train.push(p);
        let mut row = vec![0.0; self.train.width];
        self.experiment.features.eval_into(x, y, &mut row);
        self.train.inputs.extend_from_slice(&row);
        self.train.labels.push(label);
        Ok(())
    }

    /// Erases the points within `radius` of (x, y), training and test; returns how many.
    pub fn erase(&mut self, x: f64, y: f64, radius: f64) -> usize {
        let near = |p: &Point| (p.x - x).powi(2) + (p.y - y).powi(2) <= radius * radius;
        let before = self.data.train.len() + self.data.test.len();
        if !self.data.train.iter().chain(&self.data.test).any(near) {
            return 0;
        }
        self.data.train.retain(|p| !near(p));
        self.data.test.retain(|p| !near(p));
        self.own_points().retain(|p| !near(p));
        self.train = samples(&self.data.train, &self.experiment);
        self.test = samples(&self.data.test, &self.experiment);
        before - self.data.train.len() - self.data.test.len()
    }

    /// Removes every point, to paint a data set from nothing.
    pub fn clear_points(&mut self) {
        self.data.train.clear();
        self.data.test.clear();
        self.own_points().clear();
        self.train = samples(&[], &self.experiment);
        self.test = samples(&[], &self.experiment);
    }

    /// The custom point list, made from the current points the first time the user changes
    /// them by hand.
    fn own_points(&mut self) -> &mut Vec<Point> {
        self.origin.painted = true;
        let data = &self.data;
        let custom =
            self.custom.get_or_insert_with(|| Arc::new(data.train.iter().chain(&data.test).copied().collect()));
        Arc::make_mut(custom)
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
        self.hand_edited = false;
        self.epoch = 0;
        self.history.clear();
        self.start_history();
        Ok(())
    }
}

/// Your own points shuffled with `rng` and split by `perc_train`, as the generator's are.
fn split_points(points: &[Point], perc_train: f64, rng: &mut Arc4) -> DataSplit {
    let mut all = points.to_vec();
    shuffle(&mut all, rng);
    let test = all.split_off(split_index(all.len(), perc_train));
    DataSplit { train: all, test }
}

fn build_network(e: &Experiment, rng: &mut Arc4) -> Result<Network, NnError> {
    let init = if e.init_zero { Init::Zero } else { Init::Random };
    Network::new(e.features.len(), &e.network_shape, e.activation, e.output_activation(), init, rng)
}
