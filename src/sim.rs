//! The trainer thread: owns the [`Session`], takes [`Command`]s, publishes immutable
//! [`Snapshot`]s. The UI never touches the network; the frame only ever reads the newest
//! snapshot, so a wide network that needs a second per epoch never stalls a frame.
//!
//! Pace: like the original, one epoch per displayed frame while playing. Each `FrameTick` adds
//! `speed` epochs of budget (a fraction trains every few frames); budget does not pile up beyond
//! one tick's worth, so a slow network simply trains at its own rate.

use crate::nn::{NnError, TrainPath};
use crate::session::{DataOrigin, ERASE_RADIUS, Losses, Session};
use crate::state::Experiment;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What a change of settings asks of the run, following the original's rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// Display only (show test data, discretize, hidden controls...): nothing restarts.
    None,
    /// The learning rate: applied on the fly, training continues.
    Params,
    /// Network or training structure (activation, regularization and its rate, batch size,
    /// features, shape, initZero): new weights from the ongoing random stream, paused.
    Reset,
    /// The data (dataset, problem, noise, train ratio): a new seed drawn from the stream, new
    /// points, new weights, paused.
    Data,
    /// The seed itself was edited: everything regenerates from it, as when opening a link.
    Reseed,
}

impl Change {
    pub fn between(old: &Experiment, new: &Experiment) -> Change {
        if old.seed != new.seed {
            return Change::Reseed;
        }
        if old.active_dataset() != new.active_dataset()
            || old.problem != new.problem
            || old.noise != new.noise
            || old.perc_train_data != new.perc_train_data
        {
            return Change::Data;
        }
        if old.activation != new.activation
            || old.regularization != new.regularization
            || old.regularization_rate != new.regularization_rate
            || old.batch_size != new.batch_size
            || old.features != new.features
            || old.network_shape != new.network_shape
            || old.init_zero != new.init_zero
        {
            return Change::Reset;
        }
        if old.learning_rate != new.learning_rate {
            return Change::Params;
        }
        Change::None
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Play,
    Pause,
    TogglePlay,
    /// One epoch, then paused (the original's step button).
    Step,
    /// New weights from the ongoing stream, paused.
    Reset,
    /// New data from a fresh seed drawn from the stream (the original's "regenerate").
    Regenerate,
    SetExperiment(Box<Experiment>),
    /// Epochs per displayed frame (0.25 = one every four frames).
    SetSpeed(f64),
    /// A user's edit of one weight: `layer` 0 is the first hidden layer, `input` an index
    /// among the layer's inputs. Training, paused or not, goes on from the edited network.
    SetWeight {
        layer: usize,
        node: usize,
        input: usize,
        value: f64,
    },
    /// A user's edit of one bias.
    SetBias {
        layer: usize,
        node: usize,
        value: f64,
    },
    /// Opens a link: everything regenerates from its settings and seed, as in the browser.
    OpenLink(Box<Experiment>),
    /// Opens an experiment file (read on the trainer thread: a big one takes a while).
    OpenFile(PathBuf),
    /// Your own points from a CSV file replace the data; new weights, paused.
    ImportCsv(PathBuf),
    /// Back to the generator's points for the current settings.
    GeneratedData,
    /// Saves the run as an experiment file; `replace`: the user agreed to replace a file there.
    Save {
        path: PathBuf,
        replace: bool,
    },
    /// Writes the data points (with their labels) to a CSV file.
    ExportCsv {
        path: PathBuf,
        replace: bool,
    },
    /// A point painted by hand (training data), in data coordinates.
    Paint {
        x: f64,
        y: f64,
        label: f64,
    },
    /// Erases the points near (x, y).
    Erase {
        x: f64,
        y: f64,
    },
    /// Removes every point (to paint a data set from nothing).
    ClearPoints,
    /// A frame was displayed: while playing, adds `speed` epochs of budget.
    FrameTick,
    Shutdown,
}

/// What the trainer has to tell the user about a command: a file saved, a file it could not read.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub error: bool,
    pub text: String,
}

/// The trainer's published state. Immutable: a new one replaces it.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// Bumps whenever anything below changes.
    pub generation: u64,
    pub experiment: Experiment,
    pub network: crate::nn::Network,
    pub data: Arc<crate::data::DataSplit>,
    pub epoch: usize,
    pub losses: Losses,
    pub playing: bool,
    /// Measured over the last second of training.
    pub epochs_per_second: f64,
    /// How many `SetExperiment` commands the trainer has applied: the UI knows from it whether
    /// `experiment` already reflects all of its edits or is still an older state.
    pub edits: u64,
    /// Weights or biases were edited by hand since the network was built: the link alone no
    /// longer reproduces this state.
    pub hand_edited: bool,
    /// Where the points came from (your own points are not part of a link either).
    pub origin: DataOrigin,
}

impl Snapshot {
    /// A still picture of `session` (for a headless render of the window).
    pub fn of(session: &Session) -> Snapshot {
        Snapshot { generation: 1, ..Snapshot::paused(session, Arc::new(session.data.clone())) }
    }

    /// `session` paused, untouched, with `data` (its points, shared with other snapshots).
    fn paused(session: &Session, data: Arc<crate::data::DataSplit>) -> Snapshot {
        Snapshot {
            generation: 0,
            experiment: session.experiment.clone(),
            network: session.network.clone(),
            data,
            epoch: session.epoch,
            losses: session.last_losses(),
            playing: false,
            epochs_per_second: 0.0,
            edits: 0,
            hand_edited: session.hand_edited,
            origin: session.origin.clone(),
        }
    }
}

/// Losses travel on their own channel so the chart misses none, even when the UI skips
/// snapshots. `Restart` replaces the chart (a reset: one point; an opened file: its history).
#[derive(Clone, Debug, PartialEq)]
pub enum HistoryEvent {
    Restart(Vec<Losses>),
    Epoch(Losses),
    /// The current epoch's losses after a hand edit: replaces the chart's last point.
    Amend(Losses),
}

/// How long edits must pause before the losses are recomputed (a drag sends many).
const EDIT_SETTLE: Duration = Duration::from_millis(120);

pub struct Sim {
    commands: Sender<Command>,
    latest: Arc<Mutex<Arc<Snapshot>>>,
    history: Receiver<HistoryEvent>,
    notices: Receiver<Notice>,
    thread: Option<JoinHandle<()>>,
}

/// The toFixed(5) form the original gives a seed drawn from its stream.
fn seed_from(rng: &mut crate::seedrandom::Arc4) -> String {
    format!("{:.5}", rng.next_f64())
}

struct Worker {
    session: Session,
    playing: bool,
    speed: f64,
    budget: f64,
    generation: u64,
    /// The session's points, shared by every snapshot until new data replaces them.
    data: Arc<crate::data::DataSplit>,
    latest: Arc<Mutex<Arc<Snapshot>>>,
    history: Sender<HistoryEvent>,
    notices: Sender<Notice>,
    rate_window: (Instant, usize),
    epochs_per_second: f64,
    edits: u64,
    /// When the last hand edit (of a weight or of the points) arrived whose effect on the losses is not computed yet.
    stale_losses: Option<Instant>,
    /// Wakes the window (an idle event loop sleeps until something happens).
    notify: Option<Box<dyn Fn() + Send>>,
}

impl Worker {
    fn publish(&mut self) {
        self.generation += 1;
        let snap = Snapshot {
            generation: self.generation,
            playing: self.playing,
            epochs_per_second: self.epochs_per_second,
            edits: self.edits,
            ..Snapshot::paused(&self.session, self.data.clone())
        };
        if let Ok(mut slot) = self.latest.lock() {
            *slot = Arc::new(snap);
        }
        if let Some(n) = &self.notify {
            n();
        }
    }

    fn restart_history(&mut self) {
        let _ = self.history.send(HistoryEvent::Restart(self.session.history.clone()));
    }

    fn notice(&self, error: bool, text: String) {
        let _ = self.notices.send(Notice { error, text });
        // A save changes nothing else: the window must still wake to show it.
        if let Some(n) = &self.notify {
            n();
        }
    }

    /// New points for `seed`: your own points split again when `keep_own`, the generator's
    /// otherwise.
    fn new_data(&mut self, seed: String, keep_own: bool) -> Result<(), NnError> {
        let mut exp = self.session.experiment.clone();
        exp.seed = seed;
        let session = if keep_own { self.session.regenerate(exp)? } else { Session::new(exp, TrainPath::Auto)? };
        self.replace(session);
        Ok(())
    }

    /// A new session takes over, paused, with its chart.
    fn replace(&mut self, session: Session) {
        self.session = session;
        self.data = Arc::new(self.session.data.clone());
        self.playing = false;
        self.stale_losses = None;
        self.restart_history();
    }

    fn reset(&mut self) -> Result<(), NnError> {
        self.session.reset()?;
        self.playing = false;
        self.restart_history();
        Ok(())
    }

    /// The points changed by hand: new snapshot data, losses once the strokes settle.
    fn points_changed(&mut self) {
        self.data = Arc::new(self.session.data.clone());
        self.stale_losses = Some(Instant::now());
    }

    fn open_file(&mut self, path: PathBuf) {
        match Session::open(&path) {
            Ok(s) => {
                let at = s.epoch;
                self.replace(s);
                self.notice(false, format!("Opened {} at epoch {at}", path.display()));
            }
            Err(e) => self.notice(true, e.to_string()),
        }
    }

    fn import_csv(&mut self, path: PathBuf) {
        let exp = self.session.experiment.clone();
        let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        let session = crate::data::csv::load(&path, exp.problem)
            .map_err(|e| format!("{}: {e}", path.display()))
            .and_then(|csv| Session::with_csv(exp, csv, &name, TrainPath::Auto).map_err(|e| e.to_string()));
        match session {
            Ok(s) => {
                let note = s.origin.describe().unwrap_or_default();
                self.replace(s);
                self.notice(false, format!("Imported {note}"));
            }
            Err(e) => self.notice(true, e),
        }
    }

    fn save(&mut self, path: PathBuf, replace: bool, csv: bool) {
        let result = if csv {
            let points: Vec<_> = self.session.data.train.iter().chain(&self.session.data.test).copied().collect();
            let text = crate::data::csv::to_csv(&points);
            let write = if replace { crate::fsio::write_atomic } else { crate::fsio::write_new };
            write(&path, text.as_bytes()).map_err(|e| format!("could not write {}: {e}", path.display()))
        } else {
            self.session.save(&path, replace).map_err(|e| e.to_string())
        };
        match result {
            Ok(()) => self.notice(false, format!("Saved {}", path.display())),
            Err(e) => self.notice(true, e),
        }
    }

    /// Applies one command; returns false on shutdown.
    fn handle(&mut self, cmd: Command) -> bool {
        let result = match cmd {
            Command::Play => {
                self.playing = true;
                Ok(())
            }
            Command::Pause => {
                self.playing = false;
                Ok(())
            }
            Command::TogglePlay => {
                self.playing = !self.playing;
                Ok(())
            }
            Command::Step => {
                self.playing = false;
                self.train_one();
                Ok(())
            }
            Command::Reset => self.reset(),
            Command::Regenerate => {
                let seed = seed_from(&mut self.session.rng);
                self.new_data(seed, true)
            }
            Command::SetExperiment(exp) => {
                self.edits += 1;
                let change = Change::between(&self.session.experiment, &exp);
                let seed = exp.seed.clone();
                let old = std::mem::replace(&mut self.session.experiment, *exp);
                let r = match change {
                    Change::None | Change::Params => Ok(()),
                    Change::Reset => self.reset(),
                    Change::Data => {
                        // Your own points survive a new train ratio; a new dataset, noise
                        // level or problem asks for the generator's points.
                        let e = &self.session.experiment;
                        let keep_own = e.active_dataset() == old.active_dataset()
                            && e.problem == old.problem
                            && e.noise == old.noise;
                        let seed = seed_from(&mut self.session.rng);
                        self.new_data(seed, keep_own)
                    }
                    Change::Reseed => self.new_data(seed, true),
                };
                if r.is_err() {
                    // The UI validates shapes; should one still fail, keep the old settings.
                    self.session.experiment = old;
                }
                r
            }
            Command::SetSpeed(s) => {
                self.speed = s.max(0.0);
                Ok(())
            }
            Command::SetWeight { layer, node, input, value } => {
                let r = self.session.set_weight(layer, node, input, value);
                self.edited(r.is_ok());
                r
            }
            Command::SetBias { layer, node, value } => {
                let r = self.session.set_bias(layer, node, value);
                self.edited(r.is_ok());
                r
            }
            Command::OpenLink(exp) => Session::new(*exp, TrainPath::Auto).map(|s| self.replace(s)),
            Command::OpenFile(path) => {
                self.open_file(path);
                Ok(())
            }
            Command::ImportCsv(path) => {
                self.import_csv(path);
                Ok(())
            }
            Command::GeneratedData => {
                let exp = self.session.experiment.clone();
                Session::new(exp, TrainPath::Auto).map(|s| self.replace(s))
            }
            Command::Save { path, replace } => {
                self.save(path, replace, false);
                Ok(())
            }
            Command::ExportCsv { path, replace } => {
                self.save(path, replace, true);
                Ok(())
            }
            Command::Paint { x, y, label } => {
                let r = self.session.paint(x, y, label);
                if r.is_ok() {
                    self.points_changed();
                }
                r
            }
            Command::Erase { x, y } => {
                if self.session.erase(x, y, ERASE_RADIUS) > 0 {
                    self.points_changed();
                }
                Ok(())
            }
            Command::ClearPoints => {
                self.session.clear_points();
                self.points_changed();
                Ok(())
            }
            Command::FrameTick => {
                if self.playing {
                    self.budget = (self.budget + self.speed).min(self.speed.max(1.0));
                }
                Ok(())
            }
            Command::Shutdown => return false,
        };
        if let Err(e) = result {
            self.notice(true, e.to_string());
        }
        true
    }

    fn edited(&mut self, ok: bool) {
        if ok {
            self.stale_losses = Some(Instant::now());
        }
    }

    fn train_one(&mut self) {
        // The epoch's own losses include any edit made before it.
        self.stale_losses = None;
        let l = self.session.step();
        let _ = self.history.send(HistoryEvent::Epoch(l));
        let (since, n) = &mut self.rate_window;
        *n += 1;
        let dt = since.elapsed().as_secs_f64();
        if dt >= 1.0 {
            self.epochs_per_second = *n as f64 / dt;
            self.rate_window = (Instant::now(), 0);
        }
    }

    fn run(mut self, commands: Receiver<Command>) {
        loop {
            let mut changed = false;
            // Block while there is nothing to train; otherwise just drain what is queued. Edits
            // whose losses are stale wake the loop once they have settled.
            let wait = match self.stale_losses {
                Some(t) => EDIT_SETTLE.saturating_sub(t.elapsed()),
                None => Duration::from_millis(500),
            };
            let first = if self.playing && self.budget >= 1.0 {
                commands.try_recv().ok()
            } else {
                match commands.recv_timeout(wait) {
                    Ok(c) => Some(c),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            };
            if let Some(c) = first {
                let is_tick = c == Command::FrameTick;
                if !self.handle(c) {
                    return;
                }
                changed |= !is_tick;
                while let Ok(c) = commands.try_recv() {
                    let is_tick = c == Command::FrameTick;
                    if !self.handle(c) {
                        return;
                    }
                    changed |= !is_tick;
                }
            }
            // Train this tick's budget, publishing at least every 30 ms so a long budget still
            // shows progress.
            let start = Instant::now();
            while self.playing && self.budget >= 1.0 {
                self.budget -= 1.0;
                self.train_one();
                changed = true;
                if start.elapsed() > Duration::from_millis(30) {
                    break;
                }
            }
            if !self.playing {
                self.budget = 0.0;
                self.rate_window = (Instant::now(), 0);
            }
            if self.stale_losses.is_some_and(|t| t.elapsed() >= EDIT_SETTLE) {
                self.stale_losses = None;
                let l = self.session.refresh_losses();
                let _ = self.history.send(HistoryEvent::Amend(l));
                changed = true;
            }
            if changed {
                self.publish();
            }
        }
    }
}

impl Sim {
    /// Starts the trainer thread on `session`, paused.
    pub fn start(session: Session) -> Result<Sim, NnError> {
        Self::start_inner(session, None)
    }

    /// Like [`Sim::start`], calling `notify` (from the trainer thread) after every publish.
    pub fn start_with_notify(session: Session, notify: impl Fn() + Send + 'static) -> Result<Sim, NnError> {
        Self::start_inner(session, Some(Box::new(notify)))
    }

    fn start_inner(session: Session, notify: Option<Box<dyn Fn() + Send>>) -> Result<Sim, NnError> {
        let (tx, rx) = channel();
        let (htx, hrx) = channel();
        let (ntx, nrx) = channel();
        let data = Arc::new(session.data.clone());
        let placeholder = Snapshot::paused(&session, data.clone());
        let latest = Arc::new(Mutex::new(Arc::new(placeholder)));
        let _ = htx.send(HistoryEvent::Restart(session.history.clone()));
        let worker = Worker {
            session,
            playing: false,
            speed: 1.0,
            budget: 0.0,
            generation: 0,
            data,
            latest: latest.clone(),
            history: htx,
            notices: ntx,
            rate_window: (Instant::now(), 0),
            epochs_per_second: 0.0,
            edits: 0,
            stale_losses: None,
            notify,
        };
        let thread = std::thread::Builder::new()
            .name("trainer".into())
            .spawn(move || worker.run(rx))
            .map_err(|e| NnError::Parts(format!("could not start the trainer thread: {e}")))?;
        Ok(Sim { commands: tx, latest, history: hrx, notices: nrx, thread: Some(thread) })
    }

    pub fn send(&self, cmd: Command) {
        let _ = self.commands.send(cmd);
    }

    /// The newest snapshot (cheap: an `Arc` clone).
    pub fn latest(&self) -> Arc<Snapshot> {
        match self.latest.lock() {
            Ok(s) => s.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Loss events since the last call.
    pub fn drain_history(&self) -> Vec<HistoryEvent> {
        self.history.try_iter().collect()
    }

    /// What the trainer had to say since the last call (files saved, files it could not open).
    pub fn drain_notices(&self) -> Vec<Notice> {
        self.notices.try_iter().collect()
    }

    /// Waits (up to `timeout`) until a snapshot newer than `generation` is published.
    pub fn wait_newer(&self, generation: u64, timeout: Duration) -> Arc<Snapshot> {
        let start = Instant::now();
        loop {
            let s = self.latest();
            if s.generation > generation || start.elapsed() > timeout {
                return s;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.commands.send(Command::Shutdown);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exp() -> Experiment {
        Experiment::with_seed("sim")
    }

    #[test]
    fn reseeding_rules_follow_the_original() {
        let base = exp();
        let with = |f: &dyn Fn(&mut Experiment)| {
            let mut e = base.clone();
            f(&mut e);
            Change::between(&base, &e)
        };
        assert_eq!(with(&|_| {}), Change::None);
        assert_eq!(with(&|e| e.show_test_data = true), Change::None);
        assert_eq!(with(&|e| e.discretize = true), Change::None);
        assert_eq!(with(&|e| e.learning_rate = 0.1), Change::Params);
        assert_eq!(with(&|e| e.activation = crate::nn::Activation::Relu), Change::Reset);
        assert_eq!(with(&|e| e.batch_size = 3), Change::Reset);
        assert_eq!(with(&|e| e.network_shape.push(3)), Change::Reset);
        assert_eq!(with(&|e| e.regularization_rate = 0.1), Change::Reset);
        assert_eq!(with(&|e| e.features.set(crate::data::Feature::SinX, true)), Change::Reset);
        assert_eq!(with(&|e| e.noise = 10.0), Change::Data);
        assert_eq!(with(&|e| e.perc_train_data = 70.0), Change::Data);
        assert_eq!(with(&|e| e.dataset = crate::data::Dataset::Xor), Change::Data);
        assert_eq!(with(&|e| e.problem = crate::state::Problem::Regression), Change::Data);
        // The inactive problem's dataset is kept but changes nothing.
        assert_eq!(with(&|e| e.reg_dataset = crate::data::Dataset::RegGauss), Change::None);
        assert_eq!(with(&|e| e.seed = "other".into()), Change::Reseed);
    }

    #[test]
    fn data_changes_draw_the_new_seed_from_the_stream() {
        let sim = Sim::start(Session::new(exp(), TrainPath::Auto).unwrap()).unwrap();
        let before = sim.latest();
        let mut e = before.experiment.clone();
        e.noise = 20.0;
        sim.send(Command::SetExperiment(Box::new(e)));
        let after = sim.wait_newer(before.generation, Duration::from_secs(10));
        // The same actions from the same link give the same seed: the stream is deterministic.
        let mut s = Session::new(exp(), TrainPath::Auto).unwrap();
        assert_eq!(after.experiment.seed, seed_from(&mut s.rng));
        assert_eq!(after.experiment.noise, 20.0);
        assert_ne!(after.data.train, before.data.train, "new points");
        assert!(!after.playing);
    }

    #[test]
    fn hand_edits_reach_the_network_and_then_the_losses() {
        let sim = Sim::start(Session::new(exp(), TrainPath::Auto).unwrap()).unwrap();
        let before = sim.latest();
        assert!(!before.hand_edited);
        sim.send(Command::SetWeight { layer: 0, node: 1, input: 0, value: 3.5 });
        sim.send(Command::SetBias { layer: 1, node: 0, value: -2.0 });
        let s = wait_until(&sim, |s| s.network.layers()[1].biases[0] == -2.0);
        assert_eq!(s.network.layers()[0].weights[2], 3.5, "node 1, input 0 of a 2-input layer");
        assert!(s.hand_edited, "the link alone no longer reproduces this");
        // Once the edits settle, the losses follow them: the chart's last point is amended.
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut amended = None;
        while amended.is_none() && Instant::now() < deadline {
            amended = sim.drain_history().into_iter().find_map(|h| match h {
                HistoryEvent::Amend(l) => Some(l),
                _ => None,
            });
            std::thread::sleep(Duration::from_millis(5));
        }
        let amended = amended.expect("an Amend event");
        let mut edited = Session::new(exp(), TrainPath::Auto).unwrap();
        edited.set_weight(0, 1, 0, 3.5).unwrap();
        edited.set_bias(1, 0, -2.0).unwrap();
        assert_eq!(amended, edited.losses());
        assert_ne!(amended, before.losses);
        // A bad edit changes nothing; a reset forgets the edits.
        sim.send(Command::SetWeight { layer: 9, node: 0, input: 0, value: 1.0 });
        sim.send(Command::Reset);
        let s = wait_until(&sim, |s| !s.hand_edited);
        assert_eq!(s.edits, 0);
    }

    /// The first snapshot that satisfies `pred`, failing after 10 s.
    fn wait_until(sim: &Sim, pred: impl Fn(&Snapshot) -> bool) -> Arc<Snapshot> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let s = sim.latest();
            if pred(&s) {
                return s;
            }
            assert!(Instant::now() < deadline, "the trainer never got there");
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// The first notice within 10 s.
    fn notice(sim: &Sim) -> Notice {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(n) = sim.drain_notices().into_iter().next() {
                return n;
            }
            assert!(Instant::now() < deadline, "no notice");
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    #[test]
    fn files_points_and_links_through_the_trainer() {
        let dir = std::env::temp_dir().join(format!("hl-sim-files-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let sim = Sim::start(Session::new(exp(), TrainPath::Auto).unwrap()).unwrap();
        sim.send(Command::Step);
        sim.send(Command::Step);
        let trained = wait_until(&sim, |s| s.epoch == 2);

        // Save, then refuse to replace without being told.
        let file = dir.join("run.json");
        sim.send(Command::Save { path: file.clone(), replace: false });
        assert_eq!(notice(&sim), Notice { error: false, text: format!("Saved {}", file.display()) });
        sim.send(Command::Save { path: file.clone(), replace: false });
        assert!(notice(&sim).error, "the file exists");

        // Paint: a training point, losses amended once the stroke settles.
        sim.send(Command::Paint { x: 1.0, y: 2.0, label: -1.0 });
        let s = wait_until(&sim, |s| s.origin.painted);
        assert_eq!(s.data.train.len(), trained.data.train.len() + 1);
        assert_eq!(s.data.train.last(), Some(&crate::data::Point { x: 1.0, y: 2.0, label: -1.0 }));
        sim.send(Command::Erase { x: 1.0, y: 2.0 });
        wait_until(&sim, |s| s.data.train.len() < trained.data.train.len() + 1);

        // A bad file changes nothing and says why.
        let bad = dir.join("bad.json");
        std::fs::write(&bad, "{\"format\":\"hidden-layers experiment\",\"version\":99}").unwrap();
        let before = sim.latest();
        sim.send(Command::OpenFile(bad));
        let n = notice(&sim);
        assert!(n.error && n.text.contains("newer"), "{n:?}");
        assert_eq!(sim.latest().network, before.network);

        // The saved file opens at its epoch, with its chart.
        sim.drain_history();
        sim.send(Command::OpenFile(file.clone()));
        let s = wait_until(&sim, |s| s.epoch == 2 && !s.origin.painted);
        assert_eq!(s.network, trained.network);
        assert!(notice(&sim).text.starts_with("Opened"));
        let restart = sim.drain_history().into_iter().find_map(|h| match h {
            HistoryEvent::Restart(v) => Some(v),
            _ => None,
        });
        assert_eq!(restart.map(|v| v.len()), Some(3), "epochs 0, 1 and 2");

        // CSV: imported, named, paused; a bad one is refused by line.
        let csv = dir.join("mine.csv");
        std::fs::write(&csv, "x,y,label\n1,1,1\n-1,-1,0\n2,2,1\n-2,-2,0\n").unwrap();
        sim.send(Command::ImportCsv(csv.clone()));
        let s = wait_until(&sim, |s| s.origin.imported.is_some());
        assert_eq!(s.data.train.len() + s.data.test.len(), 4);
        assert!(notice(&sim).text.contains("mine.csv: 4 points"));
        std::fs::write(&csv, "1,1,1\n1,1\n").unwrap();
        sim.send(Command::ImportCsv(csv));
        let n = notice(&sim);
        assert!(n.error && n.text.contains("line 2"), "{n:?}");
        // A new ratio keeps your own points; a new dataset brings the generator's back.
        let mut e = s.experiment.clone();
        e.perc_train_data = 80.0;
        sim.send(Command::SetExperiment(Box::new(e.clone())));
        let s = wait_until(&sim, |s| s.experiment.perc_train_data == 80.0 && s.edits == 1);
        assert!(s.origin.imported.is_some());
        assert_eq!(s.data.train.len() + s.data.test.len(), 4);
        e.dataset = crate::data::Dataset::Xor;
        e.seed = s.experiment.seed.clone();
        sim.send(Command::SetExperiment(Box::new(e)));
        let s = wait_until(&sim, |s| s.edits == 2);
        assert!(s.origin.is_generated());

        // A link opens as in the browser: its own seed, its points.
        let link = Experiment::from_link("seed=linked&networkShape=3").unwrap().experiment;
        sim.send(Command::OpenLink(Box::new(link.clone())));
        let s = wait_until(&sim, |s| s.experiment.seed == "linked");
        assert_eq!(*s.data, Session::new(link, TrainPath::Auto).unwrap().data);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn ticks_pace_training_and_step_pauses() {
        let sim = Sim::start(Session::new(exp(), TrainPath::Auto).unwrap()).unwrap();
        sim.send(Command::Play);
        let mut g = 0;
        for _ in 0..5 {
            sim.send(Command::FrameTick);
            g = sim.wait_newer(g, Duration::from_secs(10)).generation;
        }
        let s = sim.wait_newer(0, Duration::from_secs(10));
        assert!(s.epoch >= 1 && s.epoch <= 5, "one epoch per tick at speed 1: {}", s.epoch);
        sim.send(Command::Step);
        let s2 = sim.wait_newer(s.generation, Duration::from_secs(10));
        assert!(!s2.playing);
        let history = sim.drain_history();
        assert!(matches!(history[0], HistoryEvent::Restart(_)));
        let epochs = history.iter().filter(|h| matches!(h, HistoryEvent::Epoch(_))).count();
        assert_eq!(epochs, s2.epoch, "the chart sees every epoch");
        sim.send(Command::Reset);
        let s3 = sim.wait_newer(s2.generation, Duration::from_secs(10));
        assert_eq!(s3.epoch, 0);
        assert_ne!(s3.network, s2.network, "reset draws new weights");
    }
}
