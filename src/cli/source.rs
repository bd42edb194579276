//! What a SOURCE argument may be, and the session it opens.
//!
//! SOURCE is an experiment file when a file of that name exists, otherwise a playground link or
//! its bare hash. `--data FILE` then replaces the points with your own (see [`Source::open`]).
//! The same rules serve the window, `train`, `render` and `link`, and the window's paste and
//! drop (through [`Source::parse`]).

use crate::data::csv::CsvError;
use crate::nn::{NnError, TrainPath};
use crate::session::Session;
use crate::session::file::FileError;
use crate::state::{Experiment, LinkError};
use std::path::{Path, PathBuf};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum SourceError {
    #[error(
        "SOURCE `{0}` is not an experiment file, a playground link (https://playground.tensorflow.org/#...) \
         or a hash (key=value&key=value...)"
    )]
    NotASource(String),
    #[error("there is no file {0}")]
    NoFile(String),
    #[error(transparent)]
    Link(#[from] LinkError),
    #[error(transparent)]
    File(#[from] FileError),
    #[error("{path}: {source}")]
    Data { path: String, source: CsvError },
    #[error(transparent)]
    Network(#[from] NnError),
}

/// A parsed SOURCE.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A playground URL or bare hash.
    Link(String),
    /// An experiment file.
    File(PathBuf),
}

impl Source {
    pub fn parse(text: &str) -> Result<Self, SourceError> {
        let t = text.trim();
        let path = Path::new(t);
        if !t.is_empty() && path.is_file() {
            return Ok(Source::File(path.to_path_buf()));
        }
        if let Some(p) = t.strip_prefix("file://") {
            return if Path::new(p).is_file() {
                Ok(Source::File(p.into()))
            } else {
                Err(SourceError::NoFile(p.into()))
            };
        }
        let looks_like_link =
            t.contains('=') || t.contains('#') || t.starts_with("http://") || t.starts_with("https://");
        if looks_like_link {
            Ok(Source::Link(t.to_string()))
        } else if t.ends_with(".json") || t.contains(std::path::MAIN_SEPARATOR) {
            Err(SourceError::NoFile(t.to_string()))
        } else {
            Err(SourceError::NotASource(text.to_string()))
        }
    }

    /// The experiment a link names, printing the link's warnings to stderr.
    pub fn experiment_of(link: &str) -> Result<Experiment, SourceError> {
        let imported = Experiment::from_link(link)?;
        for w in &imported.warnings {
            eprintln!("warning: {w}");
        }
        Ok(imported.experiment)
    }

    /// The session for an optional SOURCE (none: the defaults with a fresh seed), with the
    /// points of `data` if given: a link's settings and seed, or a saved run's settings and seed
    /// (its network starts anew, since the data changed), with your own points split by them.
    pub fn open(text: Option<&str>, data: Option<&Path>, path: TrainPath) -> Result<Session, SourceError> {
        let source = text.map(Source::parse).transpose()?;
        let session = match (source, data) {
            (None, None) => Session::new(Experiment::default(), path)?,
            (Some(Source::Link(l)), None) => Session::new(Self::experiment_of(&l)?, path)?,
            (Some(Source::File(f)), None) => Session::open(&f)?,
            (source, Some(csv_path)) => {
                let exp = match source {
                    None => Experiment::default(),
                    Some(Source::Link(l)) => Self::experiment_of(&l)?,
                    Some(Source::File(f)) => Session::open(&f)?.experiment,
                };
                let csv = crate::data::csv::load(csv_path, exp.problem)
                    .map_err(|source| SourceError::Data { path: csv_path.display().to_string(), source })?;
                let name = csv_path
                    .file_name()
                    .map_or_else(|| csv_path.display().to_string(), |n| n.to_string_lossy().into_owned());
                Session::with_csv(exp, csv, &name, path)?
            }
        };
        Ok(session)
    }
}
