//! Experiment files: a whole session in one JSON document, to continue exactly where it was.
//!
//! A link carries settings only. A file also holds the points, the weights, the dead links, the
//! derivatives accumulated since the last update and how many samples they cover (which is also
//! the position in the current batch), the epoch, the random stream's state and the loss
//! history. Training a loaded session gives the same losses, bit for bit, as the unbroken run.
//!
//! Layout (version 1; `format` and `version` come first so that a reader can tell at once what
//! it holds):
//! `{"format":"hidden-layers experiment","version":1,"settings":"<link hash>","epoch":N,
//!   "hand_edited":bool,"data":{"imported":{name,rows,scale}|null,"painted":bool,"train":[[x,y,label]],
//!   "test":[...]},"network":{"pending":N,"layers":[{"inputs","outputs","activation","weights",
//!   "biases","dead":[index...],"acc_weights","acc_biases"}]},"random":{"i","j","s"},
//!   "history":[[epoch,train,test]...]}`
//! Numbers are JSON numbers, exact (shortest round-trip digits); the values JSON cannot hold are
//! the strings "NaN", "Infinity" and "-Infinity", as the parity vectors write them.
//!
//! Reading checks the format and version before anything else, then that every part fits the
//! settings; any failure is an error that names the file and what is wrong, and nothing is
//! changed. Writing goes through [`crate::fsio`]: never half a file.

use super::{DataOrigin, ImportInfo, Losses, Session};
use crate::data::{DataSplit, Point};
use crate::nn::{Activation, Layer, Network, TrainPath};
use crate::seedrandom::{Arc4, Arc4State};
use crate::state::{Experiment, Problem};
use serde::de::{self, Deserializer, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Arc;
use thiserror::Error;

pub const FORMAT: &str = "hidden-layers experiment";
/// The newest layout this build reads and the one it writes.
pub const VERSION: u64 = 1;
/// The extension the file field suggests.
pub const EXTENSION: &str = "json";

#[derive(Debug, Error)]
pub enum FileError {
    #[error("could not read {name}: {source}")]
    Read { name: String, source: std::io::Error },
    #[error("could not write {name}: {source}")]
    Write { name: String, source: std::io::Error },
    #[error("{name} already exists")]
    Exists { name: String },
    #[error("{name} is not a hidden-layers experiment file{detail}")]
    NotOurs { name: String, detail: String },
    #[error(
        "{name} was written by a newer hidden-layers (file version {found}; this one reads version \
         {VERSION}): update hidden-layers to open it"
    )]
    Newer { name: String, found: u64 },
    #[error("{name} is damaged or cut short: {detail}")]
    Damaged { name: String, detail: String },
    #[error("{name} does not fit together: {detail}")]
    Inconsistent { name: String, detail: String },
}

/// A number that may be non-finite.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Num(f64);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.is_finite() { s.serialize_f64(self.0) } else { s.serialize_str(&crate::jsnum::to_string(self.0)) }
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Num;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number, \"NaN\", \"Infinity\" or \"-Infinity\"")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
                Ok(Num(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
                Ok(Num(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
                Ok(Num(v as f64))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Num, E> {
                match v {
                    "NaN" => Ok(Num(f64::NAN)),
                    "Infinity" => Ok(Num(f64::INFINITY)),
                    "-Infinity" => Ok(Num(f64::NEG_INFINITY)),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// `Vec<f64>` through [`Num`].
mod nums {
    use super::Num;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[f64], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|x| Num(*x)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        Ok(Vec::<Num>::deserialize(d)?.into_iter().map(|n| n.0).collect())
    }
}

/// Points as `[x, y, label]` arrays.
mod points {
    use super::Num;
    use crate::data::Point;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[Point], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|p| [Num(p.x), Num(p.y), Num(p.label)]))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Point>, D::Error> {
        Ok(Vec::<[Num; 3]>::deserialize(d)?.into_iter().map(|[x, y, l]| Point { x: x.0, y: y.0, label: l.0 }).collect())
    }
}

#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<serde_json::Value>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileV1 {
    format: String,
    version: u64,
    settings: String,
    epoch: usize,
    hand_edited: bool,
    data: DataV1,
    network: NetworkV1,
    random: Arc4State,
    history: Vec<(usize, Num, Num)>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DataV1 {
    imported: Option<ImportV1>,
    painted: bool,
    #[serde(with = "points")]
    train: Vec<Point>,
    #[serde(with = "points")]
    test: Vec<Point>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportV1 {
    name: String,
    rows: usize,
    scale: f64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct NetworkV1 {
    pending: usize,
    layers: Vec<LayerV1>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LayerV1 {
    inputs: usize,
    outputs: usize,
    activation: String,
    #[serde(with = "nums")]
    weights: Vec<f64>,
    #[serde(with = "nums")]
    biases: Vec<f64>,
    /// Indices (into `weights`) of the links L1 froze at 0.
    dead: Vec<usize>,
    #[serde(with = "nums")]
    acc_weights: Vec<f64>,
    #[serde(with = "nums")]
    acc_biases: Vec<f64>,
}

impl Session {
    /// Writes the session as an experiment file to `path`; with `replace` false an existing
    /// file is an error ([`FileError::Exists`]) and is left as it was.
    pub fn save(&self, path: &Path, replace: bool) -> Result<(), FileError> {
        let name = path.display().to_string();
        let file = self.to_file();
        crate::fsio::write_with(path, replace, |w| serde_json::to_writer(w, &file).map_err(std::io::Error::other))
            .map_err(|source| match source.kind() {
                std::io::ErrorKind::AlreadyExists => FileError::Exists { name: name.clone() },
                _ => FileError::Write { name: name.clone(), source },
            })
    }

    /// The experiment file's text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.to_file()).unwrap_or_default()
    }

    /// Opens an experiment file.
    pub fn open(path: &Path) -> Result<Session, FileError> {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| FileError::Read { name: name.clone(), source })?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| FileError::NotOurs { name: name.clone(), detail: " (it is not text)".into() })?;
        Session::from_json(text, &name)
    }

    /// Reads an experiment file's text; `name` is what errors call it.
    pub fn from_json(text: &str, name: &str) -> Result<Session, FileError> {
        let not_ours = |detail: &str| FileError::NotOurs { name: name.into(), detail: detail.into() };
        let damaged = |e: serde_json::Error| FileError::Damaged { name: name.into(), detail: e.to_string() };
        if !text.trim_start().starts_with('{') {
            return Err(not_ours(""));
        }
        let header: Header = serde_json::from_str(text).map_err(|e| match e.classify() {
            serde_json::error::Category::Data => not_ours(""),
            _ => damaged(e),
        })?;
        if header.format.as_deref() != Some(FORMAT) {
            return Err(not_ours(" (no \"format\": \"hidden-layers experiment\")"));
        }
        let version = match header.version.as_ref().and_then(serde_json::Value::as_u64) {
            Some(v) => v,
            None => return Err(not_ours(" (its \"version\" is missing or not a whole number)")),
        };
        if version > VERSION {
            return Err(FileError::Newer { name: name.into(), found: version });
        }
        let file: FileV1 = serde_json::from_str(text).map_err(damaged)?;
        from_file(file).map_err(|detail| FileError::Inconsistent { name: name.into(), detail })
    }

    fn to_file(&self) -> FileV1 {
        let layers = self
            .network
            .layers()
            .iter()
            .map(|l| LayerV1 {
                inputs: l.inputs,
                outputs: l.outputs,
                activation: l.activation.key().into(),
                weights: l.weights.clone(),
                biases: l.biases.clone(),
                dead: l.dead.iter().enumerate().filter(|(_, d)| **d).map(|(k, _)| k).collect(),
                acc_weights: l.acc_weights.clone(),
                acc_biases: l.acc_biases.clone(),
            })
            .collect();
        FileV1 {
            format: FORMAT.into(),
            version: VERSION,
            settings: self.experiment.to_hash(),
            epoch: self.epoch,
            hand_edited: self.hand_edited,
            data: DataV1 {
                imported: self.origin.imported.as_ref().map(|i| ImportV1 {
                    name: i.name.clone(),
                    rows: i.rows,
                    scale: i.scale,
                }),
                painted: self.origin.painted,
                train: self.data.train.clone(),
                test: self.data.test.clone(),
            },
            network: NetworkV1 { pending: self.network.pending(), layers },
            random: self.rng.state(),
            history: self.history.iter().map(|l| (l.epoch, Num(l.train), Num(l.test))).collect(),
        }
    }
}

/// Rebuilds a session from a parsed file, checking every part against the settings.
fn from_file(f: FileV1) -> Result<Session, String> {
    let imported = Experiment::from_link(&f.settings).map_err(|e| format!("its settings: {e}"))?;
    let experiment = imported.experiment;
    let rng = Arc4::from_state(&f.random)
        .ok_or("its random stream's state is not a permutation of 0..=255 with two indices")?;

    for (set, points) in [("training", &f.data.train), ("test", &f.data.test)] {
        for (i, p) in points.iter().enumerate() {
            if !(p.x.is_finite() && p.y.is_finite() && p.label.is_finite()) {
                return Err(format!("{set} point {i} has a value that is not a finite number"));
            }
            if experiment.problem == Problem::Classification && p.label != 1.0 && p.label != -1.0 {
                return Err(format!("{set} point {i} has label {}, but classification labels are -1 or 1", p.label));
            }
        }
    }

    let mut layers = Vec::with_capacity(f.network.layers.len());
    for (l, v) in f.network.layers.into_iter().enumerate() {
        let activation = Activation::from_key(&v.activation)
            .ok_or_else(|| format!("layer {l}'s activation `{}` is not relu, tanh, sigmoid or linear", v.activation))?;
        let n = v.inputs.checked_mul(v.outputs).ok_or_else(|| format!("layer {l} is too large"))?;
        let mut dead = vec![false; n];
        for &k in &v.dead {
            *dead.get_mut(k).ok_or_else(|| format!("layer {l}'s dead link {k} is beyond its {n} links"))? = true;
        }
        layers.push(Layer {
            inputs: v.inputs,
            outputs: v.outputs,
            activation,
            weights: v.weights,
            biases: v.biases,
            dead,
            acc_weights: v.acc_weights,
            acc_biases: v.acc_biases,
        });
    }
    let network = Network::from_parts(layers, f.network.pending).map_err(|e| e.to_string())?;
    if network.inputs() != experiment.features.len() {
        return Err(format!(
            "the network takes {} inputs but the settings enable {} features",
            network.inputs(),
            experiment.features.len()
        ));
    }
    if network.hidden_shape() != experiment.network_shape {
        return Err(format!(
            "the network's hidden layers are {:?} but the settings say {:?}",
            network.hidden_shape(),
            experiment.network_shape
        ));
    }
    let last = network.layers().len() - 1;
    for (l, layer) in network.layers().iter().enumerate() {
        let want = if l == last { experiment.output_activation() } else { experiment.activation };
        if layer.activation != want {
            return Err(format!("layer {l} uses {} but the settings say {}", layer.activation.key(), want.key()));
        }
    }
    let history: Vec<Losses> =
        f.history.iter().map(|(e, tr, te)| Losses { epoch: *e, train: tr.0, test: te.0 }).collect();
    if history.last().is_some_and(|l| l.epoch != f.epoch) {
        return Err(format!(
            "the loss history ends at epoch {} but the run is at epoch {}",
            history[history.len() - 1].epoch,
            f.epoch
        ));
    }

    let origin = DataOrigin {
        imported: f.data.imported.map(|i| ImportInfo { name: i.name, rows: i.rows, scale: i.scale }),
        painted: f.data.painted,
    };
    let data = DataSplit { train: f.data.train, test: f.data.test };
    let custom =
        (!origin.is_generated()).then(|| Arc::new(data.train.iter().chain(&data.test).copied().collect::<Vec<_>>()));
    let mut s = Session {
        epoch: f.epoch,
        history,
        custom,
        origin,
        hand_edited: f.hand_edited,
        ..Session::assemble(experiment, data, network, rng, TrainPath::Auto)
    };
    s.start_history();
    Ok(s)
}

#[cfg(test)]
mod tests;
