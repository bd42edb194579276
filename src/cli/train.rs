//! `hidden-layers train`: headless training with one line per epoch.

use super::{CliError, Source, TrainArgs};
use crate::jsnum;
use crate::session::Losses;
use std::io::Write;
use std::time::Instant;

/// A JSON number at full precision, or the original's strings for non-finite values.
fn json_num(v: f64) -> String {
    if v.is_finite() { jsnum::to_string(v) } else { format!("\"{}\"", jsnum::to_string(v)) }
}

fn json_line(l: &Losses) -> String {
    format!("{{\"epoch\":{},\"train_loss\":{},\"test_loss\":{}}}", l.epoch, json_num(l.train), json_num(l.test))
}

fn text_line(l: &Losses) -> String {
    format!(
        "epoch {:>6}  train loss {:<22}  test loss {}",
        l.epoch,
        jsnum::to_string(l.train),
        jsnum::to_string(l.test)
    )
}

pub fn run(args: &TrainArgs) -> Result<(), CliError> {
    let mut session = Source::open(args.source.as_deref(), args.data.as_deref(), args.path.into())?;
    session.set_path(args.path.into());
    let link = session.experiment.to_link();
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    let first = session.last_losses();
    if args.json {
        writeln!(out, "{}", json_line(&first))?;
    } else {
        writeln!(out, "{link}")?;
        writeln!(
            out,
            "{} train / {} test points, {} parameters, {:?} path",
            session.train.len(),
            session.test.len(),
            session.network.param_count(),
            session.path()
        )?;
        if let Some(d) = session.origin.describe() {
            writeln!(out, "data: {d}")?;
        }
        writeln!(out, "{}", text_line(&first))?;
    }
    let start = Instant::now();
    let mut last = first;
    for _ in 0..args.epochs {
        last = session.step();
        if args.json {
            writeln!(out, "{}", json_line(&last))?;
        } else {
            writeln!(out, "{}", text_line(&last))?;
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    let diverged = !(last.train.is_finite() && last.test.is_finite());
    if args.json {
        writeln!(
            out,
            "{{\"summary\":{{\"epochs\":{},\"train_loss\":{},\"test_loss\":{},\"seconds\":{},\"diverged\":{},\"dead_links\":{},\"link\":{}}}}}",
            last.epoch,
            json_num(last.train),
            json_num(last.test),
            json_num(seconds),
            diverged,
            session.network.dead_count(),
            serde_json::to_string(&link).unwrap_or_default()
        )?;
    } else {
        let rate = if seconds > 0.0 { args.epochs as f64 / seconds } else { f64::INFINITY };
        writeln!(
            out,
            "{} epochs in {seconds:.3} s ({rate:.1} epochs/s){}",
            args.epochs,
            if diverged { "; the losses diverged" } else { "" }
        )?;
    }
    out.flush()?;
    if let Some(path) = &args.save {
        session.save(path, true)?;
        eprintln!("saved {} at epoch {}", path.display(), session.epoch);
    }
    Ok(())
}
