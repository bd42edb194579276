//! Command-line definitions and the headless commands. `main.rs` only calls [`run`].

mod bench;
pub mod render;
mod source;
mod train;

pub use source::{Source, SourceError};

use clap::{Parser, Subcommand, ValueEnum};
use std::process::ExitCode;
use thiserror::Error;

#[derive(Debug, Parser)]
#[command(
    name = "hidden-layers",
    version,
    about = "A native, GPU-accelerated neural-network playground",
    long_about = "A native, GPU-accelerated neural-network playground.\n\n\
                  SOURCE is an experiment file saved by hidden-layers (Ctrl+S in the window, or \
                  `train --save`), a playground link (https://playground.tensorflow.org/#...) or its \
                  bare hash (activation=tanh&...). Without SOURCE the playground's defaults are used.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// An experiment file, a playground link or a hash to open.
    pub source: Option<String>,
    /// Your own points: a CSV file of x,y,label rows (header optional), split by the seed.
    #[arg(long, value_name = "FILE")]
    pub data: Option<std::path::PathBuf>,
    /// Play for N displayed frames, then exit and print one JSON line of frame statistics.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub frames: Option<u64>,
    /// Save what the window shows to exactly this PNG path before exiting (with --frames: after
    /// the last frame; otherwise: when the window is closed).
    #[arg(long, value_name = "FILE")]
    pub screenshot: Option<std::path::PathBuf>,
    /// Window size in physical pixels.
    #[arg(long, value_name = "WxH", value_parser = parse_size, default_value = "1280x800")]
    pub size: (u32, u32),
    /// Close the window after this many seconds (without playing) and print the same JSON line
    /// as --frames: how many frames an untouched window drew.
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds, conflicts_with = "frames")]
    pub exit_after: Option<f64>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train headless and print the losses of every epoch.
    Train(TrainArgs),
    /// Train headless, then render the window's picture (controls, field, points, network) to a PNG.
    Render(RenderArgs),
    /// Print the canonical playground link of a state (and, on stderr, what it leaves out).
    Link {
        /// An experiment file, a playground link or a hash.
        source: Option<String>,
    },
    /// Measure performance.
    Bench {
        #[command(subcommand)]
        what: BenchWhat,
    },
}

#[derive(Debug, clap::Args)]
pub struct TrainArgs {
    /// An experiment file (training continues where it was saved), a playground link or a hash.
    pub source: Option<String>,
    /// Your own points: a CSV file of x,y,label rows (header optional), split by the seed.
    #[arg(long, value_name = "FILE")]
    pub data: Option<std::path::PathBuf>,
    /// Save the run as an experiment file afterwards (replaced if it exists).
    #[arg(long, value_name = "FILE")]
    pub save: Option<std::path::PathBuf>,
    /// Epochs to train.
    #[arg(long, default_value_t = 100)]
    pub epochs: usize,
    /// JSON lines on stdout instead of readable text.
    #[arg(long)]
    pub json: bool,
    /// Training implementation (auto picks by layer width).
    #[arg(long, value_enum, default_value_t = PathArg::Auto)]
    pub path: PathArg,
}

#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// An experiment file, a playground link or a hash.
    pub source: Option<String>,
    /// Your own points: a CSV file of x,y,label rows (header optional), split by the seed.
    #[arg(long, value_name = "FILE")]
    pub data: Option<std::path::PathBuf>,
    /// Epochs to train before rendering.
    #[arg(long, default_value_t = 0)]
    pub epochs: usize,
    /// Image size in pixels.
    #[arg(long, value_parser = parse_size, default_value = "1280x800")]
    pub size: (u32, u32),
    /// The PNG file to write (replaced if it exists).
    #[arg(long)]
    pub out: std::path::PathBuf,
    /// GPU forward-pass kernel (auto picks by layer width).
    #[arg(long, value_enum, default_value_t = ForwardArg::Auto)]
    pub forward: ForwardArg,
    /// The visualisation alone, without the window's controls.
    #[arg(long)]
    pub no_ui: bool,
    /// Seconds of GPU work the field and thumbnails may take: beyond it (a very wide network
    /// on a slow device) they are computed at a coarser grid, and the command says so.
    #[arg(long, default_value_t = 20.0, value_parser = parse_seconds)]
    pub field_budget: f64,
}

fn parse_seconds(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("`{s}` is not a positive number of seconds")),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ForwardArg {
    Auto,
    Fused,
    Tiled,
}

impl From<ForwardArg> for crate::render::field::ForwardPath {
    fn from(p: ForwardArg) -> Self {
        use crate::render::field::ForwardPath;
        match p {
            ForwardArg::Auto => ForwardPath::Auto,
            ForwardArg::Fused => ForwardPath::Fused,
            ForwardArg::Tiled => ForwardPath::Tiled,
        }
    }
}

/// `WxH`, each side 1 to 16384.
pub fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("`{s}` is not a size like 1280x800");
    let (w, h) = s.trim().split_once(['x', 'X']).ok_or_else(bad)?;
    let w: u32 = w.trim().parse().map_err(|_| bad())?;
    let h: u32 = h.trim().parse().map_err(|_| bad())?;
    if !(1..=16384).contains(&w) || !(1..=16384).contains(&h) {
        return Err(format!("`{s}`: each side must be 1 to 16384 pixels"));
    }
    Ok((w, h))
}

#[derive(Debug, Subcommand)]
pub enum BenchWhat {
    /// Epochs/s and GFLOP/s of CPU training, next to the GEMM crate's own dgemm rate.
    Train {
        /// Minimum seconds to measure each case.
        #[arg(long, default_value_t = 2.0)]
        seconds: f64,
        /// Hidden shapes to measure (e.g. `--shape 64,64,64`), instead of the standard four.
        #[arg(long = "shape", value_parser = parse_shape_arg)]
        shapes: Vec<Vec<usize>>,
        /// Training implementation (auto picks by layer width).
        #[arg(long, value_enum, default_value_t = PathArg::Auto)]
        path: PathArg,
    },
    /// Pixels/s and GFLOP/s of the GPU forward pass, next to the CPU engine's own.
    Field {
        /// Field size for the narrow shapes; wide shapes shrink it to stay within --budget.
        #[arg(long, value_parser = parse_size, default_value = "1024x1024")]
        size: (u32, u32),
        /// Most GFLOP one field of a shape may cost (sizes the wide shapes' grids).
        #[arg(long, default_value_t = 20.0)]
        budget: f64,
        /// Minimum seconds to measure each case.
        #[arg(long, default_value_t = 2.0)]
        seconds: f64,
        /// Hidden shapes to measure, instead of the standard four.
        #[arg(long = "shape", value_parser = parse_shape_arg)]
        shapes: Vec<Vec<usize>>,
        /// Skip the CPU comparison (slow for big fields).
        #[arg(long)]
        no_cpu: bool,
    },
    /// Seconds to load a big CSV of your own points (written to a temporary file first).
    Csv {
        /// Rows in the file.
        #[arg(long, default_value_t = 1_000_000)]
        rows: usize,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PathArg {
    Auto,
    Scalar,
    Batched,
}

impl From<PathArg> for crate::nn::TrainPath {
    fn from(p: PathArg) -> Self {
        match p {
            PathArg::Auto => crate::nn::TrainPath::Auto,
            PathArg::Scalar => crate::nn::TrainPath::Scalar,
            PathArg::Batched => crate::nn::TrainPath::Batched,
        }
    }
}

fn parse_shape_arg(s: &str) -> Result<Vec<usize>, String> {
    if s.trim().is_empty() {
        return Ok(Vec::new());
    }
    s.split(',')
        .map(|w| match w.trim().parse::<usize>() {
            Ok(n) if (1..=crate::nn::MAX_WIDTH).contains(&n) => Ok(n),
            _ => Err(format!("`{w}` is not a layer width from 1 to {}", crate::nn::MAX_WIDTH)),
        })
        .collect()
}

#[derive(Debug, Error)]
pub enum CliError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Network(#[from] crate::nn::NnError),
    #[error("could not write output: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    File(#[from] crate::session::file::FileError),
    #[error("could not write {path}: {source}")]
    Write { path: std::path::PathBuf, source: std::io::Error },
    #[error(transparent)]
    Gpu(#[from] crate::gpu::GpuError),
    #[error("could not encode the PNG: {0}")]
    Png(#[from] png::EncodingError),
    #[error(transparent)]
    App(#[from] crate::app::AppError),
}

impl CliError {
    /// 2 for input the user can fix, 1 for everything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Source(_) | CliError::Network(_) => 2,
            CliError::App(crate::app::AppError::Network(_)) => 2,
            CliError::Io(_)
            | CliError::File(_)
            | CliError::Write { .. }
            | CliError::Gpu(_)
            | CliError::Png(_)
            | CliError::App(_) => 1,
        }
    }
}

/// Parses the arguments and runs the chosen command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hidden-layers: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

pub fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Some(Command::Train(args)) => train::run(&args),
        Some(Command::Link { source }) => {
            let session = Source::open(source.as_deref(), None, crate::nn::TrainPath::Auto)?;
            println!("{}", session.experiment.to_link());
            for note in crate::session::link_leaves_out(session.hand_edited, session.epoch, &session.origin) {
                eprintln!("note: {note}");
            }
            Ok(())
        }
        Some(Command::Render(args)) => render::run(&args),
        Some(Command::Bench { what: BenchWhat::Train { seconds, shapes, path } }) => {
            bench::train(seconds, &shapes, path.into());
            Ok(())
        }
        Some(Command::Bench { what: BenchWhat::Field { size, budget, seconds, shapes, no_cpu } }) => {
            bench::field(size, budget, seconds, &shapes, !no_cpu)
        }
        Some(Command::Bench { what: BenchWhat::Csv { rows } }) => bench::csv(rows),
        None => {
            let session = Source::open(cli.source.as_deref(), cli.data.as_deref(), crate::nn::TrainPath::Auto)?;
            let opts = crate::app::WindowOptions {
                frames: cli.frames,
                screenshot: cli.screenshot,
                size: cli.size,
                exit_after: cli.exit_after.map(std::time::Duration::from_secs_f64),
            };
            let stats = crate::app::run(session, opts)?;
            if cli.frames.is_some() || cli.exit_after.is_some() {
                println!("{}", stats.to_json());
            }
            Ok(())
        }
    }
}
