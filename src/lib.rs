//! hidden-layers: a native, GPU-accelerated neural-network playground.
//!
//! The library holds everything; the binary only parses the command line and dispatches.
//! `nn` is the CPU training core (no GPU, no UI), `data` the datasets and features, `state` the
//! user-visible experiment and its playground links, `session` one seeded run of an experiment.

pub mod app;
pub mod cli;
pub mod data;
pub mod fsio;
pub mod gpu;
pub mod jsnum;
pub mod nn;
pub mod render;
pub mod seedrandom;
pub mod session;
pub mod settings;
pub mod sim;
pub mod state;
pub mod ui;
