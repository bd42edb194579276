use super::*;
use crate::data::Feature;
use crate::nn::Regularization;

/// Spiral, batch 7, 60% train: 300 training points, so 6 samples' derivatives are pending at
/// the end of every epoch (the run stops mid-batch).
fn mid_batch() -> Experiment {
    let mut e = Experiment::with_seed("file-test");
    e.dataset = crate::data::Dataset::Spiral;
    e.noise = 5.0;
    e.batch_size = 7;
    e.perc_train_data = 60.0;
    e.network_shape = vec![6, 5];
    e.regularization = Some(Regularization::L1);
    e.regularization_rate = 0.003;
    e.features.set(Feature::SinX, true);
    e
}

fn same_losses(a: &[Losses], b: &[Losses]) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        assert_eq!(x.epoch, y.epoch);
        // Bit for bit; NaN matches NaN whatever its sign bit (JSON, like JavaScript, has one).
        let same = |a: f64, b: f64| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
        assert!(same(x.train, y.train), "train loss at epoch {}: {} vs {}", x.epoch, x.train, y.train);
        assert!(same(x.test, y.test), "test loss at epoch {}: {} vs {}", x.epoch, x.test, y.test);
    }
}

/// Trains `exp` for `first` epochs, saves, loads, trains `then` more; compares with the
/// unbroken run, including what a reset draws next from the random stream.
fn continues_exactly(exp: Experiment, path: TrainPath, first: usize, then: usize) -> Session {
    let mut unbroken = Session::new(exp.clone(), path).unwrap();
    for _ in 0..first + then {
        unbroken.step();
    }
    let mut a = Session::new(exp, path).unwrap();
    for _ in 0..first {
        a.step();
    }
    let text = a.to_json();
    let mut b = Session::from_json(&text, "saved").unwrap();
    b.set_path(path);
    assert_eq!(b.network, a.network, "weights, dead links, pending derivatives");
    assert_eq!(b.experiment, a.experiment);
    assert_eq!(b.data, a.data);
    assert_eq!(b.to_json(), text, "a loaded file saves to the same text");
    for _ in 0..then {
        b.step();
    }
    same_losses(&b.history, &unbroken.history);
    assert_eq!(b.network.layers()[0].weights, unbroken.network.layers()[0].weights);
    b.reset().unwrap();
    unbroken.reset().unwrap();
    assert_eq!(b.network, unbroken.network, "the stream continues where it was");
    b
}

#[test]
fn a_run_stopped_mid_batch_continues_with_the_same_losses() {
    let s = Session::new(mid_batch(), TrainPath::Scalar).unwrap();
    assert_eq!(s.train.len(), 300);
    let mut s = s;
    s.step();
    assert_eq!(s.network.pending(), 6, "the test must stop mid-batch");
    continues_exactly(mid_batch(), TrainPath::Scalar, 5, 7);
    // The batched path keeps the same state.
    let mut wide = mid_batch();
    wide.network_shape = vec![24, 16];
    continues_exactly(wide, TrainPath::Batched, 4, 4);
}

#[test]
fn dead_links_edits_and_non_finite_values_survive() {
    // L1 strong enough to kill links.
    let mut e = mid_batch();
    e.regularization_rate = 0.3;
    e.learning_rate = 0.3;
    let mut s = Session::new(e, TrainPath::Scalar).unwrap();
    for _ in 0..5 {
        s.step();
    }
    assert!(s.network.dead_count() > 0, "the case needs dead links");
    s.set_weight(0, 1, 0, 2.5).unwrap();
    let b = Session::from_json(&s.to_json(), "saved").unwrap();
    assert_eq!(b.network, s.network);
    assert!(b.hand_edited);

    // Regression plane, ReLU, lr 3: losses overflow to Infinity, then NaN.
    let mut r = Experiment::with_seed("nonfinite");
    r.problem = Problem::Regression;
    r.activation = Activation::Relu;
    r.learning_rate = 3.0;
    r.network_shape = vec![8, 8];
    let mut s = Session::new(r, TrainPath::Scalar).unwrap();
    for _ in 0..25 {
        s.step();
    }
    assert!(s.history.iter().any(|l| l.train.is_nan()), "the case needs NaN losses");
    let text = s.to_json();
    assert!(text.contains("\"NaN\""));
    let b = Session::from_json(&text, "saved").unwrap();
    same_losses(&b.history, &s.history);
    assert_eq!(b.to_json(), text);
}

#[test]
fn own_points_are_kept_with_where_they_came_from() {
    let csv = crate::data::csv::parse("x,y,label\n60,0,1\n-6,3,0\n1,1,1\n2,-2,0\n", Problem::Classification).unwrap();
    let mut s = Session::with_csv(Experiment::with_seed("own"), csv, "mine.csv", TrainPath::Auto).unwrap();
    s.paint(1.0, 2.0, -1.0).unwrap();
    let b = Session::from_json(&s.to_json(), "saved").unwrap();
    assert_eq!(b.data, s.data);
    assert_eq!(b.origin, s.origin);
    assert_eq!(b.origin.imported.as_ref().unwrap().scale, 0.1);
    assert!(b.origin.painted);
    // Its own points follow it into a new split.
    let mut e = b.experiment.clone();
    e.seed = "another".into();
    let r = b.regenerate(e).unwrap();
    assert_eq!(r.data.train.len() + r.data.test.len(), 5);
}

/// The file's text with the first training point's label replaced by `label`.
fn first_label(text: &str, label: &str) -> String {
    let start = text.find("\"train\":[[").expect("training points");
    let end = start + text[start..].find(']').expect("a point");
    let comma = start + text[start..end].rfind(',').expect("three values");
    format!("{}{label}{}", &text[..=comma], &text[end..])
}

#[test]
fn bad_files_are_rejected_and_left_untouched() {
    let dir = std::env::temp_dir().join(format!("hl-file-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut s = Session::new(mid_batch(), TrainPath::Auto).unwrap();
    s.step();
    let good = dir.join("good.json");
    s.save(&good, false).unwrap();
    assert!(matches!(s.save(&good, false), Err(FileError::Exists { .. })), "no silent overwrite");
    s.save(&good, true).unwrap();
    let text = std::fs::read_to_string(&good).unwrap();
    assert!(text.starts_with("{\"format\":\"hidden-layers experiment\",\"version\":1,"));

    let cases: Vec<(&str, String, &str)> = vec![
        ("truncated.json", text[..text.len() / 2].to_string(), "is damaged or cut short"),
        ("empty.json", String::new(), "is not a hidden-layers experiment file"),
        ("other.json", "{\"weights\": [1, 2]}".into(), "is not a hidden-layers experiment file"),
        ("list.json", "[1, 2, 3]".into(), "is not a hidden-layers experiment file"),
        ("future.json", text.replacen("\"version\":1", "\"version\":2", 1), "was written by a newer hidden-layers"),
        ("garbled.json", text.replacen("\"epoch\":1", "\"epoch\":\"one\"", 1), "is damaged or cut short"),
        (
            "shape.json",
            text.replacen("networkShape=6,5", "networkShape=6,4", 1),
            "the network's hidden layers are [6, 5] but the settings say [6, 4]",
        ),
        ("labels.json", first_label(&text, "0.5"), "training point 0 has label 0.5, but classification labels"),
    ];
    for (file, body, want) in cases {
        let p = dir.join(file);
        std::fs::write(&p, &body).unwrap();
        let e = Session::open(&p).err().unwrap_or_else(|| panic!("{file} should be rejected"));
        let msg = e.to_string();
        assert!(msg.contains(want) && msg.contains(file), "{file}: {msg}");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), body, "{file} is left as it was");
    }
    assert!(matches!(Session::open(&dir.join("missing.json")), Err(FileError::Read { .. })));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn painting_from_nothing_trains_and_saves() {
    let mut s = Session::new(Experiment::with_seed("paint"), TrainPath::Auto).unwrap();
    s.clear_points();
    s.step(); // no points: nothing to learn, nothing breaks
    assert!(s.refresh_losses().train.is_nan(), "no points, no loss");
    for i in 0..20 {
        let x = i as f64 * 0.5 - 5.0;
        s.paint(x, 1.0, 1.0).unwrap();
        s.paint(x, -1.0, -1.0).unwrap();
    }
    assert_eq!(s.train.len(), 40);
    assert!(s.test.is_empty(), "painted points train");
    assert_eq!(s.erase(-5.0, 1.0, 0.3), 1);
    let before = s.refresh_losses().train;
    for _ in 0..200 {
        s.step();
    }
    assert!(s.last_losses().train < 0.5 * before, "it learns the painted points: {:?}", s.last_losses());
    let b = Session::from_json(&s.to_json(), "painted").unwrap();
    assert_eq!(b.data, s.data);
    assert_eq!(b.custom.as_ref().map(|c| c.len()), Some(39));
    assert!(s.paint(f64::NAN, 0.0, 1.0).is_err());
}
