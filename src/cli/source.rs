//! What a SOURCE argument may be, and the experiment it names.

use crate::state::{Experiment, LinkError};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum SourceError {
    #[error(
        "SOURCE `{0}` is not a playground link (https://playground.tensorflow.org/#...) or hash \
         (key=value&key=value...)"
    )]
    NotASource(String),
    #[error(transparent)]
    Link(#[from] LinkError),
}

/// A parsed SOURCE.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A playground URL or bare hash.
    Link(String),
}

impl Source {
    pub fn parse(text: &str) -> Result<Self, SourceError> {
        let t = text.trim();
        let looks_like_link =
            t.contains('=') || t.contains('#') || t.starts_with("http://") || t.starts_with("https://");
        if looks_like_link { Ok(Source::Link(t.to_string())) } else { Err(SourceError::NotASource(text.to_string())) }
    }

    /// The experiment for an optional SOURCE, printing link warnings to stderr.
    pub fn resolve(text: Option<&str>) -> Result<Experiment, SourceError> {
        let Some(text) = text else { return Ok(Experiment::default()) };
        match Source::parse(text)? {
            Source::Link(link) => {
                let imported = Experiment::from_link(&link)?;
                for w in &imported.warnings {
                    eprintln!("warning: {w}");
                }
                Ok(imported.experiment)
            }
        }
    }
}
