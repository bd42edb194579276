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
