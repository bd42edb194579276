//! The binary end to end: `train` (text and JSON), `link`, and bad input.

use serde_json::Value;
use std::process::{Command, Output};

fn bin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hidden-layers")).args(args).output().expect("run hidden-layers")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

fn parity(name: &str) -> Value {
    let path = format!("{}/../shared/reference/parity/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).expect("json")
}

fn num(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().expect("f64"),
        Value::String(s) => match s.as_str() {
            "NaN" => f64::NAN,
            "Infinity" => f64::INFINITY,
            "-Infinity" => f64::NEG_INFINITY,
            other => panic!("unexpected string number {other}"),
        },
        other => panic!("not a number: {other}"),
    }
}

fn same(a: f64, b: f64) -> bool {
    if b.is_nan() { a.is_nan() } else { a == b || (a - b).abs() <= 1e-12 + 1e-9 * b.abs() }
}

/// `train --json` from a link: JSON lines only, epochs 0..=N, the original's losses, a summary.
fn check_json_run(name: &str, epochs: usize, expect_diverged: bool) {
    let v = parity(name);
    let url = format!("https://playground.tensorflow.org/#{}", v["playgroundHash"].as_str().unwrap());
    let out = bin(&["train", &url, "--epochs", &epochs.to_string(), "--json"]);
    assert!(out.status.success(), "{name}: {}", stderr(&out));
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{name}: not JSON: {l}: {e}")))
        .collect();
    assert_eq!(lines.len(), epochs + 2, "{name}: epoch 0, {epochs} epochs, summary");
    let want = v["epochs"].as_array().unwrap();
    for (k, line) in lines[..=epochs].iter().enumerate() {
        assert_eq!(line["epoch"].as_u64(), Some(k as u64), "{name}");
        for (ours, theirs) in [("train_loss", "trainLoss"), ("test_loss", "testLoss")] {
            let (a, b) = (num(&line[ours]), num(&want[k][theirs]));
            assert!(same(a, b), "{name} epoch {k} {ours}: {a} vs {b}");
        }
    }
    let s = &lines[epochs + 1]["summary"];
    assert_eq!(s["epochs"].as_u64(), Some(epochs as u64), "{name}");
    assert_eq!(s["diverged"].as_bool(), Some(expect_diverged), "{name}");
    assert!(num(&s["seconds"]) >= 0.0);
    assert_eq!(s["link"].as_str(), Some(url.as_str()), "{name}");
    assert!(same(num(&s["train_loss"]), num(&lines[epochs]["train_loss"])));
}

#[test]
fn train_json_reproduces_the_original() {
    check_json_run("default", 60, false);
    check_json_run("xor_relu_l1", 60, false);
    // Overflow to Infinity at epoch 9 and NaN at 17: written as the strings, and a diverged run
    // still exits 0.
    check_json_run("reg_plane_relu_nonfinite", 60, true);
}

#[test]
fn train_text_output_is_one_line_per_epoch() {
    let out = bin(&["train", "seed=abc&networkShape=3", "--epochs", "5"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let epochs = text.lines().filter(|l| l.starts_with("epoch ")).count();
    assert_eq!(epochs, 6, "{text}");
    assert!(text.contains("seed=abc"), "{text}");
}

#[test]
fn bad_input_exits_2_naming_the_problem() {
    for (args, needle) in [
        (vec!["train", "seed=1&learningRate=abc"], "learningRate=abc"),
        (vec!["train", "networkShape=4,x"], "networkShape=4,x"),
        (vec!["link", "batchSize=0"], "batchSize=0"),
        (vec!["train", "not-a-link"], "not-a-link"),
        (vec!["train", "seed=1", "--epochs", "many"], "many"),
    ] {
        let out = bin(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).is_empty(), "{args:?}: nothing on stdout");
    }
}

#[test]
fn link_prints_the_canonical_link_and_keeps_unknown_keys() {
    let v = parity("spiral_all_features");
    let hash = v["playgroundHash"].as_str().unwrap();
    let out = bin(&["link", hash]);
    assert!(out.status.success());
    assert_eq!(stdout(&out).trim(), format!("https://playground.tensorflow.org/#{hash}"));

    let out = bin(&["link", &format!("{hash}&future=1&noise_hide=true")]);
    assert!(out.status.success());
    assert!(stdout(&out).trim().ends_with("hideText=false&future=1&noise_hide=true"), "{}", stdout(&out));
    assert!(stderr(&out).contains("future"), "unknown key warned about: {}", stderr(&out));
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("hidden-layers-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn json_losses(out: &Output) -> Vec<(u64, String, String)> {
    stdout(out)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v.get("epoch").is_some())
        .map(|v| (v["epoch"].as_u64().unwrap(), v["train_loss"].to_string(), v["test_loss"].to_string()))
        .collect()
}

/// `train --save`, then `train FILE`: the continued run prints the unbroken run's losses, to
/// the last digit, for a run saved mid-batch (300 points, batch 7).
#[test]
fn a_saved_run_continues_where_it_stopped() {
    let dir = temp_dir("continue");
    let file = dir.join("run.json");
    let f = file.to_str().expect("UTF-8 temp path");
    let link = "dataset=spiral&noise=5&batchSize=7&percTrainData=60&networkShape=5,4&seed=cont&regularization=L1&regularizationRate=0.001";
    let unbroken = bin(&["train", link, "--epochs", "9", "--json"]);
    assert!(unbroken.status.success(), "{}", stderr(&unbroken));
    let first = bin(&["train", link, "--epochs", "4", "--json", "--save", f]);
    assert!(first.status.success(), "{}", stderr(&first));
    let rest = bin(&["train", f, "--epochs", "5", "--json"]);
    assert!(rest.status.success(), "{}", stderr(&rest));
    let whole = json_losses(&unbroken);
    let mut joined = json_losses(&first);
    joined.extend(json_losses(&rest).into_iter().skip(1));
    assert_eq!(joined, whole);
    // The file's link: its settings, and what the link alone leaves out.
    let out = bin(&["link", f]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("seed=cont"), "{}", stdout(&out));
    assert!(stderr(&out).contains("starts again from epoch 0"), "{}", stderr(&out));
    // A damaged file is refused, named, and left as it was.
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, &text[..text.len() - 10]).unwrap();
    let out = bin(&["train", f, "--epochs", "1"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("damaged or cut short") && stderr(&out).contains("run.json"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text[..text.len() - 10]);
    let out = bin(&["train", dir.join("missing.json").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("there is no file"), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--data FILE`: your own points, shuffled by the seed and split by the ratio; bad rows named.
#[test]
fn train_on_your_own_points() {
    let dir = temp_dir("csv");
    let csv = dir.join("points.csv");
    let mut text = String::from("x,y,label\n");
    for i in 0..200 {
        let (x, y) = ((i % 20) as f64 - 9.5, (i / 20) as f64 * 2.0 - 9.0);
        text.push_str(&format!("{x},{y},{}\n", if x * y > 0.0 { 1 } else { 0 }));
    }
    std::fs::write(&csv, &text).unwrap();
    let c = csv.to_str().unwrap();
    let out = bin(&["train", "seed=mine&percTrainData=70", "--data", c, "--epochs", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let o = stdout(&out);
    assert!(o.contains("140 train / 60 test points"), "{o}");
    assert!(o.contains("points.csv: 200 points, scaled by 0.632 to fit [-6, 6]"), "{o}");
    // The same seed gives the same split: the same losses twice.
    let epochs = |o: &str| o.lines().filter(|l| l.starts_with("epoch")).map(String::from).collect::<Vec<_>>();
    let again = bin(&["train", "seed=mine&percTrainData=70", "--data", c, "--epochs", "3"]);
    assert_eq!(epochs(&stdout(&again)), epochs(&o));
    assert_eq!(epochs(&o).len(), 4);

    std::fs::write(&csv, "x,y,label\n1,2,1\n3,4,2\n").unwrap();
    let out = bin(&["train", "--data", c]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("points.csv: line 3: label `2` is not a class"), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

/// An X display for window tests: the session's own (DISPLAY set), or a private Xvfb that lives
/// as long as this value. `None` (after a loud SKIPPED line) when there is neither, unless
/// REQUIRE_GPU=1, where that is a failure.
struct Display {
    name: String,
    xvfb: Option<std::process::Child>,
}

impl Drop for Display {
    fn drop(&mut self) {
        if let Some(child) = &mut self.xvfb {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn display() -> Option<Display> {
    if let Ok(name) = std::env::var("DISPLAY")
        && !name.is_empty()
    {
        return Some(Display { name, xvfb: None });
    }
    let required = std::env::var("REQUIRE_GPU").is_ok_and(|v| v == "1");
    // A display number no one holds (tests run in parallel: each call starts elsewhere); the
    // screen is large enough for a 4K window.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    for n in (0..40).map(|i| 90 + (std::process::id() as usize + call * 41 + i) % 400) {
        if std::path::Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
            continue;
        }
        let spawned = Command::new("Xvfb")
            .args([&format!(":{n}"), "-screen", "0", "3840x2160x24", "-nolisten", "tcp"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        let mut child = match spawned {
            Ok(c) => c,
            Err(e) => {
                assert!(!required, "REQUIRE_GPU=1 but Xvfb cannot start: {e} (apt-get install xvfb)");
                eprintln!("\n*** SKIPPED: window tests need DISPLAY or Xvfb: {e} ***\n");
                return None;
            }
        };
        let socket = format!("/tmp/.X11-unix/X{n}");
        let start = std::time::Instant::now();
        while start.elapsed() < std::time::Duration::from_secs(20) {
            if std::path::Path::new(&socket).exists() {
                return Some(Display { name: format!(":{n}"), xvfb: Some(child) });
            }
            if let Ok(Some(_)) = child.try_wait() {
                break; // lost a race for that number: try the next
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    panic!("could not start Xvfb on any display number");
}

/// The binary's window on `display`, with its runtime and settings folders in `dir` (so a
/// user's own settings never change a test).
fn run_window(display: &Display, dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hidden-layers"))
        .args(args)
        .env("DISPLAY", &display.name)
        .env_remove("WAYLAND_DISPLAY")
        .env("XDG_RUNTIME_DIR", dir)
        .env("XDG_CONFIG_HOME", dir)
        .output()
        .expect("run the window")
}

/// The real window under X: plays 120 frames, saves what it shows, prints its statistics.
#[test]
fn window_plays_frames_and_saves_a_screenshot() {
    let Some(display) = display() else { return };
    let dir = std::env::temp_dir().join(format!("hidden-layers-window-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let shot = dir.join("window.png");
    let shot_arg = shot.to_str().expect("a UTF-8 temp path");
    let out = run_window(
        &display,
        &dir,
        &["dataset=xor&networkShape=5,3&seed=smoke", "--frames", "120", "--size", "800x600", "--screenshot", shot_arg],
    );
    assert!(out.status.success(), "exit {:?}: {}", out.status, stderr(&out));
    let last = stdout(&out).lines().last().unwrap_or_default().to_string();
    let stats: Value = serde_json::from_str(&last).unwrap_or_else(|e| panic!("not JSON: {last}: {e}"));
    assert_eq!(stats["frames"].as_u64(), Some(120), "{last}");
    assert!(stats["epochs"].as_u64().is_some_and(|e| e > 0), "epochs advanced: {last}");
    assert!(num(&stats["frame_ms_median"]) > 0.0 && num(&stats["frame_ms_p99"]) >= num(&stats["frame_ms_median"]));

    let (w, h, rgba) = hidden_layers::render::image::read_png(&shot).expect("the screenshot is a PNG");
    assert_eq!((w, h), (800, 600), "the window's size");
    let mut colours = std::collections::HashSet::new();
    let (mut orange, mut blue) = (0, 0);
    for px in rgba.chunks_exact(4) {
        colours.insert([px[0], px[1], px[2]]);
        // The field's two ends: orange (#f59322) and blue (#0877bd), allowing for blending.
        if px[0] > 200 && px[2] < 120 && px[1] > 100 && px[1] < 190 {
            orange += 1;
        }
        if px[2] > 150 && px[0] < 90 {
            blue += 1;
        }
    }
    assert!(colours.len() > 200, "not blank: {} colours", colours.len());
    assert!(orange > 500 && blue > 500, "the field shows both classes: {orange} orange, {blue} blue pixels");
    let _ = std::fs::remove_dir_all(&dir);
}

/// An untouched, paused window sleeps: over three seconds it draws a few frames (the first,
/// a layout pass or two), not one per display refresh.
#[test]
fn an_idle_window_draws_nothing() {
    let Some(display) = display() else { return };
    let dir = std::env::temp_dir().join(format!("hidden-layers-idle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = run_window(&display, &dir, &["seed=idle", "--exit-after", "3", "--size", "640x400"]);
    assert!(out.status.success(), "exit {:?}: {}", out.status, stderr(&out));
    let last = stdout(&out).lines().last().unwrap_or_default().to_string();
    let stats: Value = serde_json::from_str(&last).unwrap_or_else(|e| panic!("not JSON: {last}: {e}"));
    let frames = stats["frames"].as_u64().expect("frames");
    assert!((1..=8).contains(&frames), "an idle window drew {frames} frames in 3 s: {last}");
    assert_eq!(stats["epochs"].as_u64(), Some(0), "nothing trained");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The window opens a saved experiment where it stopped (and your own points with it).
#[test]
fn window_opens_a_saved_experiment() {
    let Some(display) = display() else { return };
    let dir = temp_dir("window-file");
    let csv = dir.join("pts.csv");
    std::fs::write(&csv, "x,y,label\n1,1,1\n2,2,1\n-1,-1,0\n-2,-2,0\n1,-1,0\n-1,1,1\n").unwrap();
    let file = dir.join("saved.json");
    let f = file.to_str().expect("UTF-8 temp path");
    let out =
        bin(&["train", "seed=win&networkShape=3", "--data", csv.to_str().unwrap(), "--epochs", "25", "--save", f]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run_window(&display, &dir, &[f, "--frames", "20", "--size", "640x400"]);
    assert!(out.status.success(), "exit {:?}: {}", out.status, stderr(&out));
    let last = stdout(&out).lines().last().unwrap_or_default().to_string();
    let stats: Value = serde_json::from_str(&last).unwrap_or_else(|e| panic!("not JSON: {last}: {e}"));
    let epochs = stats["epochs"].as_u64().expect("epochs");
    assert!(epochs > 25, "training went on from epoch 25: {last}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A bad SOURCE is refused before any window opens (no display needed).
#[test]
fn window_refuses_a_bad_source() {
    let out = bin(&["batchSize=0"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("batchSize=0"), "{}", stderr(&out));
    let out = bin(&["--data", "/nonexistent/points.csv"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("/nonexistent/points.csv"), "{}", stderr(&out));
}
